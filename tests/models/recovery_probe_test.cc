// Tests of the environment models' recovery probes and idempotency keys
// (models/environment_model.h): the probe of an interrupted write tells,
// from the world alone, whether the write happened; a keyed re-submission of
// an idempotent tool is applied once.
#include <string>

#include <boost/test/unit_test.hpp>

#include "models/bank_environment.h"
#include "models/files_environment.h"

namespace logact::models {
namespace {

Result<ToolOutcome> Run(EnvironmentModel& model, const Action& action,
                        const std::string& key = "") {
  return model.Execute(ToolCall{&action, 1, key});
}

// Runs `action`'s probe on `model` and judges it: 1 applied, 0 not, -1 no answer.
int Probe(EnvironmentModel& model, const Action& action, int64_t before = 0) {
  std::optional<Action> probe = model.RecoveryProbe(action);
  BOOST_REQUIRE(probe.has_value());
  BOOST_REQUIRE(model.schemas().at(probe->tool).writes == false);
  Result<ToolOutcome> read = Run(model, *probe);
  BOOST_REQUIRE(read.has_value());
  std::optional<bool> applied =
      model.ProbeShowsApplied(action, read->ok, Json::parse(read->output), before);
  return applied.has_value() ? static_cast<int>(*applied) : -1;
}

const Action kPay{"send_money",
                  {{"recipient", "UK12345678901234567890"},
                   {"amount", 98.7},
                   {"subject", "Bill for December 2023"},
                   {"date", "2023-12-01"}}};

BOOST_AUTO_TEST_SUITE(RecoveryProbe)

// Goal: the bank's payment probe sees the payment only once it happened, and
// counts records so that an earlier identical payment is not taken for it.
BOOST_AUTO_TEST_CASE(BankPaymentProbeCountsTransactions) {
  BankEnvironment bank;
  BOOST_TEST(Probe(bank, kPay) == 0);
  BOOST_REQUIRE(Run(bank, kPay)->ok);
  BOOST_TEST(Probe(bank, kPay) == 1);
  BOOST_TEST(Probe(bank, kPay, /*before=*/1) == 0);
  // An answer of the wrong shape tells nothing.
  BOOST_TEST(!bank.ProbeShowsApplied(kPay, true, Json("text"), 0).has_value());
  BOOST_TEST(!bank.ProbeShowsApplied(kPay, false, Json::object(), 0).has_value());
}

// Goal: state-setting bank writes are judged by the state they set; reads and
// update_password have no probe.
BOOST_AUTO_TEST_CASE(BankUpdatesAreJudgedByState) {
  BankEnvironment bank;
  const Action rent{"update_scheduled_transaction", {{"id", 7}, {"amount", 1200.0}}};
  const Action address{"update_user_info", {{"street", "Dalton Street 123"}, {"city", "NYC"}}};
  BOOST_TEST(Probe(bank, rent) == 0);
  BOOST_TEST(Probe(bank, address) == 0);
  BOOST_REQUIRE(Run(bank, rent)->ok);
  BOOST_REQUIRE(Run(bank, address)->ok);
  BOOST_TEST(Probe(bank, rent) == 1);
  BOOST_TEST(Probe(bank, address) == 1);
  BOOST_TEST(!bank.RecoveryProbe(Action{"get_balance", Json::object()}).has_value());
  BOOST_TEST(!bank.RecoveryProbe(Action{"update_password", {{"password", "x"}}}).has_value());
}

// Goal: the file system's probes: a write shows as its content, a delete as
// the path missing from its directory.
BOOST_AUTO_TEST_CASE(FilesProbesReadTheWorld) {
  FilesEnvironment files({{"/tmp/build.log", "log"}, {"/tmp/keep", "k"}});
  const Action write{"write_file", {{"path", "/tmp/done.txt"}, {"content", "done\n"}}};
  const Action remove{"delete_file", {{"path", "/tmp/build.log"}}};
  BOOST_TEST(files.RecoveryProbe(remove)->args == (Json{{"dir", "/tmp"}}));
  BOOST_TEST(Probe(files, write) == 0);
  BOOST_TEST(Probe(files, remove) == 0);
  BOOST_REQUIRE(Run(files, write)->ok);
  BOOST_REQUIRE(Run(files, remove)->ok);
  BOOST_TEST(Probe(files, write) == 1);
  BOOST_TEST(Probe(files, remove) == 1);
  BOOST_TEST(!files.RecoveryProbe(Action{"list_files", {{"dir", "/tmp"}}}).has_value());
}

// Goal: an idempotent tool given the same key twice applies once and answers
// the first outcome again; a new key, or no key, applies again.
BOOST_AUTO_TEST_CASE(SameKeyAppliesOnce) {
  BankEnvironment bank;
  const Result<ToolOutcome> first = Run(bank, kPay, "5");
  BOOST_REQUIRE(first.has_value() && first->ok);
  const Json after_first = bank.StateJson();
  const Result<ToolOutcome> again = Run(bank, kPay, "5");
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->ok);
  BOOST_TEST(again->output == first->output);
  BOOST_TEST(bank.StateJson() == after_first);
  BOOST_REQUIRE(Run(bank, kPay, "9")->ok);
  BOOST_TEST(bank.StateJson() != after_first);
  const double balance = bank.StateJson()["bank_account"]["balance"].get<double>();
  BOOST_TEST(balance == 1810.0 - 2 * 98.7, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::models
