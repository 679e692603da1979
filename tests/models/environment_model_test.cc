// Tests for models/environment_model.h (the state digest, the schema JSON) and
// models/tool_model.h's failed outcome.
#include "models/environment_model.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/safety_spec.h"
#include "models/tool_model.h"

namespace logact::models {
namespace {

BOOST_AUTO_TEST_SUITE(EnvironmentModel)

BOOST_AUTO_TEST_CASE(DigestIsFnv1a64OfCompactJson) {
  // Goal: the digest is FNV-1a 64 of the compact JSON; expected values computed independently.
  BOOST_TEST(DigestOfJson(Json()) == "5b9bc4ba528108e4");  // FNV-1a("null")
  Json value = Json::parse(R"({"b":[true,"x"],"a":1})");
  BOOST_TEST(CompactJson(value) == R"({"a":1,"b":[true,"x"]})");
  BOOST_TEST(DigestOfJson(value) == "01c1db64604872c9");
}

BOOST_AUTO_TEST_CASE(DigestIsSixteenLowercaseHexDigits) {
  // Goal: every digest has the documented shape, including values with leading zero nibbles.
  for (const Json& value : {Json(0), Json("a"), Json::array(), Json::object(), Json(1.5)}) {
    const std::string digest = DigestOfJson(value);
    BOOST_TEST(digest.size() == 16u);
    BOOST_TEST(digest.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  BOOST_TEST(DigestOfJson(Json(1)) != DigestOfJson(Json("1")));
}

BOOST_AUTO_TEST_CASE(SchemasJsonRoundTrips) {
  // Goal: ToolSchemasToJson writes the format ParseToolSchemas reads, idempotent only when set.
  Json json = Json::parse(R"({
    "a": {"args": {"x": "string", "y": "integer?"}, "writes": true, "idempotent": true},
    "b": {"args": {"z": "number", "w": "boolean?"}, "writes": false}})");
  Result<ToolSchemas> schemas = ParseToolSchemas(json, "tools");
  BOOST_TEST_REQUIRE(schemas.has_value(), schemas.status().ToString());
  BOOST_TEST(ToolSchemasToJson(*schemas) == json);
  BOOST_TEST(schemas->at("a").idempotent);
  BOOST_TEST(!schemas->at("b").idempotent);
  BOOST_TEST(!schemas->at("b").writes);
}

// Failed and SucceededMessage are for models (protected): this exposes them to the test.
struct FailedOf : ToolModel {
  using ToolModel::Failed;
  using ToolModel::SucceededMessage;
};

// A failed outcome's output is CompactJson({"error": message}) for every message,
// including the plain ones written without the JSON writer; likewise
// SucceededMessage's with "message".
BOOST_AUTO_TEST_CASE(FailedOutputIsTheCompactJsonOfTheError) {
  const std::vector<std::string> messages = {
      "",          "no such file", "quote \" inside", "back\\slash",
      "tab\there", "h\xc3\xa9llo", "bad \xff byte",   std::string("nul\0in", 6)};
  for (const std::string& message : messages) {
    const ToolOutcome outcome = FailedOf::Failed(message);
    BOOST_CHECK(!outcome.ok);
    BOOST_CHECK_EQUAL(outcome.output, CompactJson(Json{{"error", message}}));
    const ToolOutcome succeeded = FailedOf::SucceededMessage(message);
    BOOST_CHECK(succeeded.ok);
    BOOST_CHECK_EQUAL(succeeded.output, CompactJson(Json{{"message", message}}));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::models
