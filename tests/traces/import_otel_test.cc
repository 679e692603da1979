#include <boost/test/unit_test.hpp>

#include "import_test_util.h"
#include "traces/import_otel.h"
#include "traces/otel_export.h"

namespace logact::traces {
namespace {

using testing::CountFlags;
using testing::OfType;
using testing::TypeSequence;

const std::string kData = std::string(LOGACT_SOURCE_DIR) + "/tests/traces/data/";

BOOST_AUTO_TEST_SUITE(ImportOtel)

// Goal: chat and execute_tool spans become model turns and intents with real times and tokens.
BOOST_AUTO_TEST_CASE(ImportsGenAiSpans) {
  Result<ImportedRun> run = ImportFile(ImportFormat::kOtel, kData + "otel_banking.json", {});
  BOOST_REQUIRE_MESSAGE(run.has_value(), (run ? std::string() : run.error().message()));
  BOOST_TEST(TypeSequence(*run) ==
             "mail inf_in inf_out intent commit result intent commit result inf_in inf_out output");
  const auto inputs = OfType(*run, EntryType::kInfIn);
  BOOST_TEST(inputs[0].inference().tokens == 120);
  BOOST_TEST(inputs[1].inference().tokens == 160);
  BOOST_TEST(inputs[0].ts == 100);  // ms after the first span's start
  const auto intents = OfType(*run, EntryType::kIntent);
  BOOST_TEST(intents[1].intent().action.args["password"] == "new_password");
  BOOST_TEST(intents[0].ts == 1000);
  const auto results = OfType(*run, EntryType::kResult);
  BOOST_TEST(results[0].ts == 1250);
  BOOST_TEST(results[0].result().output == "1810.0");
  BOOST_TEST(!results[1].result().ok);
  BOOST_TEST(results[1].result().output == "permission denied");
  BOOST_TEST(OfType(*run, EntryType::kOutput).at(0).output().text == "Your balance is 1810.0.");
  BOOST_TEST(run->header.extra["tokens"] == "recorded");
  BOOST_TEST(run->header.extra["timestamps"] == "recorded");
}

// Goal: an exported trace imports back to the same mail, intents, results and output.
BOOST_AUTO_TEST_CASE(ExportImportRoundTrip) {
  Result<ImportedRun> first = ImportFile(ImportFormat::kOtel, kData + "otel_banking.json", {});
  BOOST_REQUIRE(first.has_value());
  const Json exported = ExportOtel(first->header, first->records);
  BOOST_TEST(exported == ExportOtel(first->header, first->records));  // deterministic
  Result<ImportedRun> second = ImportOtelSpans(exported, {});
  BOOST_REQUIRE_MESSAGE(second.has_value(), (second ? std::string() : second.error().message()));
  BOOST_TEST(TypeSequence(*second) == TypeSequence(*first));
  // The export's root span starts at the first record, which becomes the new time origin.
  const int64_t shift = testing::Entries(*first).at(0).ts - testing::Entries(*second).at(0).ts;
  for (EntryType type :
       {EntryType::kIntent, EntryType::kResult, EntryType::kMail, EntryType::kOutput}) {
    const auto a = OfType(*first, type);
    const auto b = OfType(*second, type);
    BOOST_REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      BOOST_TEST((a[i].payload == b[i].payload));
      BOOST_TEST(a[i].ts == b[i].ts + shift);
    }
  }
}

// Goal: malformed OTLP is an error naming the JSON path.
BOOST_AUTO_TEST_CASE(RejectsMalformed) {
  auto error = [](const Json& doc) {
    Result<ImportedRun> run = ImportOtelSpans(doc, {});
    BOOST_REQUIRE(!run.has_value());
    return run.error().message();
  };
  BOOST_TEST(error(Json::object()) == "resourceSpans: missing");
  Json span = {{"startTimeUnixNano", "12x"}};
  Json doc = {{"resourceSpans", {{{"scopeSpans", {{{"spans", {span}}}}}}}}};
  BOOST_TEST(error(doc).find("resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano") == 0u);
  span = {{"attributes", {{{"key", "a"}, {"value", {{"intValue", "1.5"}}}}}}};
  doc = {{"resourceSpans", {{{"scopeSpans", {{{"spans", {span}}}}}}}}};
  BOOST_TEST(error(doc).find("attributes[0].value.intValue") != std::string::npos);
}

// Goal: spans of two trace ids import together, flagged.
BOOST_AUTO_TEST_CASE(FlagsMultipleTraceIds) {
  Json a = {{"traceId", "a"}, {"name", "execute_tool x"}};
  Json b = {{"traceId", "b"}, {"name", "execute_tool y"}};
  Json doc = {{"resourceSpans", {{{"scopeSpans", {{{"spans", {a, b}}}}}}}}};
  Result<ImportedRun> run = ImportOtelSpans(doc, {});
  BOOST_REQUIRE(run.has_value());
  BOOST_TEST(CountFlags(*run, kFlagMultipleTraces) == 1);
  BOOST_TEST(OfType(*run, EntryType::kIntent).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::traces
