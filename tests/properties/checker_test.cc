// Tests of the native invariant checker: the shared example traces reach their
// expected verdicts, a hand-made trace violating each invariant is reported
// under exactly that id with the right lines, valid traces that a naive
// checker gets wrong pass, and applicability is reported as SPEC §7 says.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "core/condition.h"
#include "core/safety_spec.h"
#include "models/environment_model.h"
#include "properties/check_trace.h"
#include "properties/checker.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "tests/properties/trace_builder.h"

namespace logact::properties {
namespace {

using testing::Ref;
using testing::TraceBuilder;

const Json kAllOfRulesLlm = {{"kind", "all_of"}, {"types", {"rules", "llm"}}};

// Asserts that the report holds exactly one violation, of `id`, naming `lines`.
void ExpectOnly(const Report& report, std::string_view id, std::vector<int64_t> lines) {
  BOOST_TEST_INFO("report: " << report.ToJson().dump());
  BOOST_REQUIRE(report.violations.size() == 1u);
  BOOST_TEST(report.violations[0].invariant == std::string(id));
  BOOST_TEST(report.violations[0].lines == lines, boost::test_tools::per_element());
  BOOST_TEST(!report.violations[0].message.empty());
  BOOST_TEST(!report.ok());
}

void ExpectOk(const Report& report) {
  BOOST_TEST_INFO("report: " << report.ToJson().dump());
  BOOST_TEST(report.ok());
  BOOST_TEST(report.violations.empty());
}

bool Contains(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), std::string(id)) != ids.end();
}

// A file-system model for ENV-CONSISTENT: delete_file removes a path.
class FakeFiles : public models::EnvironmentModel {
 public:
  FakeFiles() : files_({"/tmp/a", "/tmp/b", "/etc/passwd"}) {
    schemas_["delete_file"].args["path"] = ArgSchema{ArgType::kString, false};
  }
  const ToolSchemas& schemas() const override { return schemas_; }
  std::unique_ptr<EnvironmentModel> Clone() const override {
    return std::make_unique<FakeFiles>(*this);
  }
  Json StateJson() const override { return Json(files_); }
  std::string StateDigest() const override { return models::DigestOfJson(StateJson()); }
  Result<ToolOutcome> Execute(const ToolCall& call) override {
    ToolOutcome outcome;
    const Json* path = LookupArg(call.action->args, "path");
    outcome.ok = call.action->tool == "delete_file" && path != nullptr && path->is_string() &&
                 files_.erase(path->get<std::string>()) == 1;
    return outcome;
  }

 private:
  ToolSchemas schemas_;
  std::set<std::string> files_;
};

std::string DigestAfterDeleting(const std::vector<std::string>& paths) {
  FakeFiles files;
  for (const std::string& path : paths) {
    Action action{"delete_file", Json{{"path", path}}};
    (void)files.Execute(ToolCall{&action, 0, ""});
  }
  return files.StateDigest();
}

CheckOptions WithFakeFiles() {
  CheckOptions options;
  options.make_environment = [] { return std::make_unique<FakeFiles>(); };
  return options;
}

BOOST_AUTO_TEST_SUITE(CheckerExamples)

// Goal: every example of shared/examples/traces reaches the verdict of expected.json
// (exit code, violated ids, and the line of bad input).
BOOST_AUTO_TEST_CASE(ExampleTracesReachExpectedVerdicts) {
  const std::string dir = std::string(LOGACT_SHARED_DIR) + "/examples/traces/";
  std::ifstream in(dir + "expected.json");
  BOOST_REQUIRE(in.good());
  const Json expected = Json::parse(in);
  BOOST_REQUIRE(expected.size() >= 5u);
  for (const auto& [name, verdict] : expected.items()) {
    BOOST_TEST_CONTEXT("example " << name) {
      traces::TraceError error;
      Result<Report> report =
          CheckTraceFile(dir + name + ".jsonl", BuiltinScenarioOptions(nullptr), &error);
      const int exit_code = !report.has_value() ? 2 : report->ok() ? 0 : 1;
      BOOST_TEST(exit_code == verdict["exit"].get<int>());
      if (!report.has_value()) {
        BOOST_TEST(error.line == verdict["line"].get<int64_t>());
        continue;
      }
      std::vector<std::string> wanted = verdict["violations"].get<std::vector<std::string>>();
      std::sort(wanted.begin(), wanted.end());
      std::vector<std::string> got = report->ViolatedIds();
      std::sort(got.begin(), got.end());
      BOOST_TEST(got == wanted, boost::test_tools::per_element());
      // The example scenario is not built in: the scenario invariants are not applicable.
      BOOST_TEST(Contains(report->not_applicable, kSafeSpec));
      BOOST_TEST(Contains(report->not_applicable, kEnvConsistent));
    }
  }
}

// Goal: the bad-field example names the line and the field of the bad value.
BOOST_AUTO_TEST_CASE(BadFieldExampleNamesField) {
  traces::TraceError error;
  Result<Report> report = CheckTraceFile(
      std::string(LOGACT_SHARED_DIR) + "/examples/traces/bad-field.jsonl", {}, &error);
  BOOST_REQUIRE(!report.has_value());
  BOOST_TEST(error.line == 4);
  BOOST_TEST(error.field == "ts");
}

// Goal: the effect-twice example names the two effect lines.
BOOST_AUTO_TEST_CASE(EffectTwiceNamesBothEffects) {
  Result<Report> report = CheckTraceFile(
      std::string(LOGACT_SHARED_DIR) + "/examples/traces/effect-twice.jsonl", {}, nullptr);
  BOOST_REQUIRE(report.has_value());
  ExpectOnly(*report, kExeOnce, {11, 12});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(CheckerViolations)

// Goal: a gap in positions is LOG-DENSE at the entry after the gap.
BOOST_AUTO_TEST_CASE(LogDenseGap) {
  TraceBuilder t;
  t.Mail("a");
  t.SetNextPos(2);
  const Ref after_gap = t.Mail("b");
  ExpectOnly(t.Check(), kLogDense, {after_gap.line});
}

// Goal: a repeated position is LOG-DENSE, and the repeated entry is otherwise ignored.
BOOST_AUTO_TEST_CASE(LogDenseDuplicate) {
  TraceBuilder t;
  t.Mail("a");
  const Ref intent = t.Intent();
  t.SetNextPos(1);
  const Ref duplicate = t.Intent();  // would be DRV-SERIAL if it were played
  ExpectOnly(t.Check(), kLogDense, {duplicate.line});
  (void)intent;
}

// Goal: an entry appended by a role that may not append its type is LOG-ACL.
BOOST_AUTO_TEST_CASE(LogAclWrongRole) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  const Ref commit =
      t.AddEntry("commit", "driver/agent", {{"intent", intent.pos}, {"reason", "r"}});
  ExpectOnly(t.Check(), kLogAcl, {commit.line});
}

// Goal: an author whose name differs from the payload's driver is LOG-ACL.
BOOST_AUTO_TEST_CASE(LogAclNameMismatch) {
  TraceBuilder t;
  const Ref intent =
      t.AddEntry("intent", "driver/mallory",
                 {{"action", TraceBuilder::Action("/tmp/a")}, {"driver", "agent"}, {"epoch", 1}});
  ExpectOnly(t.Check(), kLogAcl, {intent.line});
}

// Goal: an author that is not role/name is LOG-ACL, not bad input.
BOOST_AUTO_TEST_CASE(LogAclMalformedAuthor) {
  TraceBuilder t;
  const Ref mail = t.AddEntry("mail", "alice", {{"from", "alice"}, {"body", "b"}});
  ExpectOnly(t.Check(), kLogAcl, {mail.line});
}

// Goal: a vote naming a position that holds no intent is REF-INTENT.
BOOST_AUTO_TEST_CASE(RefIntentVoteNamesMail) {
  TraceBuilder t;
  const Ref mail = t.Mail("a");
  const Ref vote = t.Vote(mail, "rules", true);
  ExpectOnly(t.Check(), kRefIntent, {vote.line});
}

// Goal: a decision naming a later position is REF-INTENT.
BOOST_AUTO_TEST_CASE(RefIntentDecisionNamesLaterPosition) {
  TraceBuilder t;
  t.Intent();
  const Ref commit = t.Commit(Ref{5, 0});
  ExpectOnly(t.Check(), kRefIntent, {commit.line});
}

// Goal: a non-restart result naming -1 is REF-INTENT (only a restart marker may).
BOOST_AUTO_TEST_CASE(RefIntentResultNamesMinusOne) {
  TraceBuilder t;
  const Ref result = t.Result(Ref{-1, 0});
  ExpectOnly(t.Check(), kRefIntent, {result.line});
}

// Goal: an effect naming a non-intent position is REF-INTENT, including one
// that names a position filled later by another entry type.
BOOST_AUTO_TEST_CASE(RefIntentEffectNamesNonIntent) {
  TraceBuilder t;
  t.Mail("a");
  const Ref effect = t.Effect(0);
  ExpectOnly(t.Check(), kRefIntent, {effect.line});

  TraceBuilder later;
  const Ref early = later.Effect(1);
  later.Mail("a");
  const Ref mail = later.Mail("b");
  ExpectOnly(later.Check(), kRefIntent, {early.line, mail.line});

  TraceBuilder never;
  const Ref dangling = never.Effect(7);
  never.Mail("a");
  ExpectOnly(never.Check(), kRefIntent, {dangling.line});
}

// Goal: a commit after an abort of the same intent is DEC-UNIQUE.
BOOST_AUTO_TEST_CASE(DecUniqueConflict) {
  TraceBuilder t;
  t.Policy({{"kind", "off_by_default"}});
  const Ref intent = t.Intent();
  const Ref abort = t.Abort(intent);
  const Ref commit = t.Commit(intent, "d1");
  ExpectOnly(t.Check(), kDecUnique, {abort.line, commit.line});
}

// Goal: a commit without the votes all_of needs is DEC-JUSTIFIED.
BOOST_AUTO_TEST_CASE(DecJustifiedCommitWithoutVotes) {
  TraceBuilder t;
  t.Policy(kAllOfRulesLlm);
  const Ref intent = t.Intent();
  t.Vote(intent, "rules", true);
  const Ref commit = t.Commit(intent);
  ExpectOnly(t.Check(), kDecJustified, {intent.line, commit.line});
}

// Goal: an abort under on_by_default (no policy entry at all) is DEC-JUSTIFIED.
BOOST_AUTO_TEST_CASE(DecJustifiedAbortUnderDefaultPolicy) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  const Ref abort = t.Abort(intent);
  ExpectOnly(t.Check(), kDecJustified, {intent.line, abort.line});
}

// Goal: a timeout abort before timeout_ms has passed is DEC-JUSTIFIED.
BOOST_AUTO_TEST_CASE(DecJustifiedTimeoutTooEarly) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 1000}});
  t.SetTime(100);
  const Ref intent = t.Intent();  // ts 101
  t.SetTime(1099);
  const Ref abort = t.Abort(intent, /*timeout=*/true);  // ts 1100: 999 ms later
  ExpectOnly(t.Check(), kDecJustified, {intent.line, abort.line});
}

// Goal: a timeout abort after the votes already decided is DEC-JUSTIFIED.
BOOST_AUTO_TEST_CASE(DecJustifiedTimeoutAfterVotesDecided) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 1000}});
  const Ref intent = t.Intent();
  t.Vote(intent, "rules", true);
  t.SetTime(5000);
  const Ref abort = t.Abort(intent, /*timeout=*/true);
  ExpectOnly(t.Check(), kDecJustified, {intent.line, abort.line});
}

// Goal: a timeout abort under a policy without timeout_ms is DEC-JUSTIFIED.
BOOST_AUTO_TEST_CASE(DecJustifiedTimeoutWithoutTimeoutPolicy) {
  TraceBuilder t;
  t.Policy(kAllOfRulesLlm);
  const Ref intent = t.Intent();
  t.SetTime(1'000'000);
  const Ref abort = t.Abort(intent, /*timeout=*/true);
  ExpectOnly(t.Check(), kDecJustified, {intent.line, abort.line});
}

// Goal: a policy entry whose version does not exceed expected_version is DEC-POLICY.
BOOST_AUTO_TEST_CASE(DecPolicyVersionNotIncreasing) {
  TraceBuilder t;
  const Ref policy = t.Policy({{"kind", "off_by_default"}}, /*version=*/1, /*expected=*/1);
  // The entry is skipped, so on_by_default still holds and this commit is justified.
  const Ref intent = t.Intent();
  t.Commit(intent);
  ExpectOnly(t.Check(), kDecPolicy, {policy.line});
}

// Goal: an effect before the commit of its intent is EXE-VISIBLE.
BOOST_AUTO_TEST_CASE(ExeVisibleEffectBeforeCommit) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  const Ref effect = t.Effect(intent.pos);
  const Ref commit = t.Commit(intent);
  t.Result(intent);
  ExpectOnly(t.Check(), kExeVisible, {intent.line, effect.line, commit.line});
}

// Goal: an effect before its intent was even appended is EXE-VISIBLE, not REF-INTENT.
BOOST_AUTO_TEST_CASE(ExeVisibleEffectBeforeIntent) {
  TraceBuilder t;
  const Ref effect = t.Effect(0);
  const Ref intent = t.Intent();
  const Ref commit = t.Commit(intent);
  t.Result(intent);
  ExpectOnly(t.Check(), kExeVisible, {effect.line, intent.line, commit.line});
}

// Goal: an effect of an aborted intent is EXE-COMMITTED.
BOOST_AUTO_TEST_CASE(ExeCommittedAborted) {
  TraceBuilder t;
  t.Policy({{"kind", "off_by_default"}});
  const Ref intent = t.Intent();
  const Ref abort = t.Abort(intent);
  const Ref effect = t.Effect(intent.pos);
  ExpectOnly(t.Check(), kExeCommitted, {abort.line, effect.line});
}

// Goal: an effect of an intent that is never decided is EXE-COMMITTED (judged at the end).
BOOST_AUTO_TEST_CASE(ExeCommittedNeverDecided) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  const Ref effect = t.Effect(intent.pos);
  t.Mail("later");
  ExpectOnly(t.Check(), kExeCommitted, {intent.line, effect.line});
}

// Goal: an effect of a fenced intent is EXE-COMMITTED.
BOOST_AUTO_TEST_CASE(ExeCommittedFenced) {
  TraceBuilder t;
  t.Elect("agent", 1);
  t.Elect("bob", 2);
  const Ref fenced = t.Intent("/tmp/a", "agent", 1);
  const Ref effect = t.Effect(fenced.pos);
  ExpectOnly(t.Check(), kExeCommitted, {fenced.line, effect.line});
}

// Goal: a commit after a timeout abort is void, so executing it is EXE-COMMITTED
// (and the conflicting commit itself is not DEC-UNIQUE).
BOOST_AUTO_TEST_CASE(ExeCommittedAfterVoidCommit) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 100}});
  const Ref intent = t.Intent();
  t.SetTime(500);
  const Ref abort = t.Abort(intent, /*timeout=*/true);
  t.Vote(intent, "rules", true);
  t.Commit(intent, "d1");
  const Ref effect = t.Effect(intent.pos);
  ExpectOnly(t.Check(), kExeCommitted, {abort.line, effect.line});
}

// Goal: two effects of one intent are EXE-ONCE.
BOOST_AUTO_TEST_CASE(ExeOnceTwoEffects) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  t.Commit(intent);
  const Ref first = t.Effect(intent.pos);
  const Ref second = t.Effect(intent.pos);
  t.Result(intent);
  ExpectOnly(t.Check(), kExeOnce, {first.line, second.line});
}

// Goal: an effect after a restart marker naming the intent is EXE-ONCE.
BOOST_AUTO_TEST_CASE(ExeOnceAfterRestartMarker) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  t.Commit(intent);
  const Ref marker = t.RestartMarker(intent.pos);
  const Ref effect = t.Effect(intent.pos);
  ExpectOnly(t.Check(), kExeOnce, {marker.line, effect.line});
}

// Goal: an effect whose args differ from the intent's action is EXE-FAITHFUL.
BOOST_AUTO_TEST_CASE(ExeFaithfulDifferentArgs) {
  TraceBuilder t;
  const Ref intent = t.Intent("/tmp/a");
  t.Commit(intent);
  const Ref effect = t.Effect(intent.pos, "/etc/passwd");
  t.Result(intent);
  ExpectOnly(t.Check(), kExeFaithful, {intent.line, effect.line});
}

// Goal: a result for an aborted intent is RES-MATCH.
BOOST_AUTO_TEST_CASE(ResMatchAborted) {
  TraceBuilder t;
  t.Policy({{"kind", "off_by_default"}});
  const Ref intent = t.Intent();
  const Ref abort = t.Abort(intent);
  const Ref result = t.Result(intent);
  ExpectOnly(t.Check(), kResMatch, {intent.line, abort.line, result.line});
}

// Goal: a result before any decision is RES-MATCH.
BOOST_AUTO_TEST_CASE(ResMatchUndecided) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  const Ref result = t.Result(intent);
  ExpectOnly(t.Check(), kResMatch, {intent.line, result.line});
}

// Goal: two results for one intent are RES-MATCH.
BOOST_AUTO_TEST_CASE(ResMatchTwice) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  t.Commit(intent);
  t.Effect(intent.pos);
  const Ref first = t.Result(intent);
  const Ref second = t.Result(intent);
  ExpectOnly(t.Check(), kResMatch, {first.line, second.line});
}

// Goal: a commit of a fenced intent is DRV-FENCE (and its decision is not judged).
BOOST_AUTO_TEST_CASE(DrvFenceCommitOfFencedIntent) {
  TraceBuilder t;
  t.Policy(kAllOfRulesLlm);
  t.Elect("agent", 1);
  t.Elect("bob", 2);
  const Ref fenced = t.Intent("/tmp/a", "agent", 1);
  const Ref commit = t.Commit(fenced);
  ExpectOnly(t.Check(), kDrvFence, {fenced.line, commit.line});
}

// Goal: a second live intent while the first has neither result nor abort is DRV-SERIAL.
BOOST_AUTO_TEST_CASE(DrvSerialTwoInFlight) {
  TraceBuilder t;
  const Ref first = t.Intent("/tmp/a");
  t.Commit(first);
  const Ref second = t.Intent("/tmp/b");
  ExpectOnly(t.Check(), kDrvSerial, {first.line, second.line});
}

// Goal: a newly elected driver must also wait for its predecessor's live intent.
BOOST_AUTO_TEST_CASE(DrvSerialAcrossElection) {
  TraceBuilder t;
  t.Elect("agent", 1);
  const Ref old_intent = t.Intent("/tmp/a", "agent", 1);
  t.Elect("bob", 2);
  const Ref new_intent = t.Intent("/tmp/b", "bob", 2);
  ExpectOnly(t.Check(), kDrvSerial, {old_intent.line, new_intent.line});
}

// Goal: an effect whose action the safety spec forbids is SAFE-SPEC.
BOOST_AUTO_TEST_CASE(SafeSpecForbiddenEffect) {
  Result<SafetySpec> spec = ParseSafetySpec(Json::parse(
      R"({"tools":{"delete_file":{"args":{"path":"string"}}},
          "forbidden":[{"arg":"path","prefix":"/etc/"}],"benign":[]})"));
  BOOST_REQUIRE(spec.has_value());
  CheckOptions options;
  options.spec = &*spec;
  TraceBuilder t;
  const Ref safe = t.Intent("/tmp/a");
  t.Commit(safe);
  t.Effect(safe.pos, "/tmp/a");
  t.Result(safe);
  const Ref harmful = t.Intent("/etc/passwd");
  t.Commit(harmful);
  const Ref effect = t.Effect(harmful.pos, "/etc/passwd");
  t.Result(harmful);
  const Report report = t.Check(options);
  ExpectOnly(report, kSafeSpec, {effect.line});
  BOOST_TEST(Contains(report.checked, kSafeSpec));
}

// Goal: an environment digest that differs from the replay of the effects is ENV-CONSISTENT.
BOOST_AUTO_TEST_CASE(EnvConsistentMismatch) {
  TraceBuilder t;
  const Ref intent = t.Intent("/tmp/a");
  t.Commit(intent);
  t.Effect(intent.pos, "/tmp/a");
  t.Result(intent);
  // The environment also lost /tmp/b, which no effect explains.
  const Ref state = t.EnvState(DigestAfterDeleting({"/tmp/a", "/tmp/b"}));
  ExpectOnly(t.Check(WithFakeFiles()), kEnvConsistent, {state.line});
}

// Goal: hostile numbers (extreme positions and timestamps) are verdicts, never a crash.
BOOST_AUTO_TEST_CASE(HostileNumbersAreVerdicts) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 1}});
  t.SetTime(std::numeric_limits<int64_t>::max() - 10);
  const Ref intent = t.Intent();
  t.SetTime(std::numeric_limits<int64_t>::min());
  const Ref abort = t.Abort(intent, /*timeout=*/true);  // "earlier" than the intent
  t.SetNextPos(std::numeric_limits<int64_t>::max());
  const Ref last = t.Mail("x");
  const Ref again = t.Mail("y");  // the builder's position wrapped around to a negative one
  const Report report = t.Check();
  BOOST_TEST_INFO("report: " << report.ToJson().dump());
  BOOST_REQUIRE(report.violations.size() == 3u);
  BOOST_TEST(report.violations[0].invariant == "DEC-JUSTIFIED");
  BOOST_TEST(report.violations[0].lines == std::vector<int64_t>({intent.line, abort.line}),
             boost::test_tools::per_element());
  BOOST_TEST(report.violations[1].invariant == "LOG-DENSE");
  BOOST_TEST(report.violations[1].lines == std::vector<int64_t>({last.line}),
             boost::test_tools::per_element());
  BOOST_TEST(report.violations[2].invariant == "LOG-DENSE");
  BOOST_TEST(report.violations[2].lines == std::vector<int64_t>({again.line}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(CheckerValidTraces)

// Goal: any_of commits on an approve that follows a deny (a naive checker aborts on the deny).
BOOST_AUTO_TEST_CASE(AnyOfCommitsAfterDeny) {
  TraceBuilder t;
  t.Policy({{"kind", "any_of"}, {"types", {"rules", "llm"}}});
  const Ref intent = t.Intent();
  t.Vote(intent, "rules", false);
  t.Vote(intent, "llm", true);
  t.Commit(intent);
  t.Effect(intent.pos);
  t.Result(intent);
  ExpectOk(t.Check());
}

// Goal: quorum commits on K approvals despite a deny, and aborts once K is unreachable.
BOOST_AUTO_TEST_CASE(QuorumDecidesOnCounts) {
  TraceBuilder t;
  t.Policy({{"kind", "quorum"}, {"k", 2}, {"types", {"a", "b", "c"}}});
  const Ref first = t.Intent("/tmp/a");
  t.Vote(first, "a", false);
  t.Vote(first, "b", true);
  t.Vote(first, "c", true);
  t.Commit(first);
  t.Effect(first.pos, "/tmp/a");
  t.Result(first);
  const Ref second = t.Intent("/tmp/b");
  t.Vote(second, "a", true);
  t.Vote(second, "b", false);
  t.Vote(second, "c", false);
  t.Abort(second);
  ExpectOk(t.Check());
}

// Goal: the policy in force at the intent decides, even if it changes before the votes.
BOOST_AUTO_TEST_CASE(PolicyAtIntentDecides) {
  TraceBuilder t;
  t.Policy({{"kind", "any_of"}, {"types", {"rules"}}}, 1, 0);
  const Ref intent = t.Intent();
  t.Policy(kAllOfRulesLlm, 2, 1);
  t.Vote(intent, "rules", true);
  t.Commit(intent);  // all_of would need llm too
  t.Effect(intent.pos);
  t.Result(intent);
  // The new policy applies to the next intent.
  const Ref next = t.Intent("/tmp/b");
  t.Vote(next, "rules", true);
  t.Vote(next, "llm", false);
  t.Abort(next);
  ExpectOk(t.Check());
}

// Goal: only the first vote of each voter type counts.
BOOST_AUTO_TEST_CASE(OnlyFirstVotePerTypeCounts) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules"}}});
  const Ref intent = t.Intent();
  t.Vote(intent, "rules", true, 1);
  t.Vote(intent, "rules", false, 2);  // a second rules voter, too late to count
  t.Commit(intent);
  ExpectOk(t.Check());
}

// Goal: votes of types the policy does not list are ignored.
BOOST_AUTO_TEST_CASE(UnlistedVoterTypesAreIgnored) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules"}}});
  const Ref intent = t.Intent();
  t.Vote(intent, "llm", false);
  t.Vote(intent, "rules", true);
  t.Commit(intent);
  ExpectOk(t.Check());
}

// Goal: first_voter without types lets any vote decide.
BOOST_AUTO_TEST_CASE(FirstVoterWithoutTypes) {
  TraceBuilder t;
  t.Policy({{"kind", "first_voter"}});
  const Ref intent = t.Intent();
  t.Vote(intent, "anything", false);
  t.Vote(intent, "rules", true);
  t.Abort(intent);
  ExpectOk(t.Check());
}

// Goal: a skipped policy entry (wrong expected_version) changes nothing.
BOOST_AUTO_TEST_CASE(SkippedPolicyEntryIsIgnored) {
  TraceBuilder t;
  t.Policy(kAllOfRulesLlm, 1, 0);
  t.Policy({{"kind", "off_by_default"}}, 5, 3);  // expects version 3: skipped
  const Ref intent = t.Intent();
  t.Vote(intent, "rules", true);
  t.Vote(intent, "llm", true);
  t.Commit(intent);
  ExpectOk(t.Check());
}

// Goal: a justified timeout abort wins over a later conflicting commit, which
// every reader ignores; the driver may then go on.
BOOST_AUTO_TEST_CASE(TimeoutAbortWinsOverLateCommit) {
  TraceBuilder t;
  t.Policy({{"kind", "all_of"}, {"types", {"rules", "llm"}}, {"timeout_ms", 1000}});
  t.SetTime(100);
  const Ref intent = t.Intent();  // ts 101
  t.Vote(intent, "rules", true);
  t.SetTime(1100);
  t.Abort(intent, /*timeout=*/true);  // ts 1101: exactly timeout_ms later
  t.Vote(intent, "llm", true);
  t.Commit(intent, "d1");  // a slower decider: void
  const Ref next = t.Intent("/tmp/b");
  t.Vote(next, "rules", true);
  t.Vote(next, "llm", true);
  t.Commit(next);
  t.Effect(next.pos, "/tmp/b");
  t.Result(next);
  ExpectOk(t.Check());
}

// Goal: two deciders appending identical decisions is fine, and so is one effect.
BOOST_AUTO_TEST_CASE(DuplicateIdenticalDecisions) {
  TraceBuilder t;
  t.Policy(kAllOfRulesLlm);
  const Ref intent = t.Intent();
  t.Vote(intent, "rules", true);
  t.Vote(intent, "llm", true);
  t.Commit(intent, "d0");
  t.Commit(intent, "d1");
  t.Effect(intent.pos);
  t.Result(intent);
  const Ref denied = t.Intent("/tmp/b");
  t.Vote(denied, "rules", false);
  t.Abort(denied, false, "d0");
  t.Abort(denied, false, "d1");
  ExpectOk(t.Check());
}

// Goal: restart markers: -1 names nothing; a marker naming the pending intent
// resolves it for DRV-SERIAL and is not a result for RES-MATCH.
BOOST_AUTO_TEST_CASE(RestartMarkers) {
  TraceBuilder t;
  t.RestartMarker(-1);
  const Ref intent = t.Intent();
  t.Commit(intent);
  t.RestartMarker(intent.pos);
  t.Fault("executor/x0");
  const Ref probe = t.Intent("/tmp/b");
  t.Commit(probe);
  t.Effect(probe.pos, "/tmp/b");
  t.Result(probe);
  ExpectOk(t.Check());
}

// Goal: fenced intents are void: their votes and aborts are ignored, they are
// never in flight, and the intent of a deposed driver before the election stays live.
BOOST_AUTO_TEST_CASE(FencedIntentsAreIgnored) {
  TraceBuilder t;
  t.Policy(kAllOfRulesLlm);
  t.Elect("agent", 1);
  const Ref live = t.Intent("/tmp/a", "agent", 1);
  t.Elect("bob", 2);  // after the intent: it stays live
  t.Vote(live, "rules", true);
  t.Vote(live, "llm", true);
  t.Commit(live);
  t.Effect(live.pos, "/tmp/a");
  t.Result(live);
  const Ref fenced = t.Intent("/tmp/x", "agent", 1);  // deposed driver: fenced
  t.Vote(fenced, "rules", true);
  t.Abort(fenced);                                       // not judged
  const Ref stale_epoch = t.Intent("/tmp/y", "bob", 1);  // right driver, wrong epoch: fenced
  const Ref next = t.Intent("/tmp/b", "bob", 2);         // not DRV-SERIAL: the others are void
  t.Vote(next, "rules", true);
  t.Vote(next, "llm", true);
  t.Commit(next);
  t.Elect("agent", 2);  // does not exceed epoch 2: does not count
  t.Effect(next.pos, "/tmp/b");
  t.Result(next);
  const Ref after = t.Intent("/tmp/c", "bob", 2);  // bob still leads
  t.Vote(after, "rules", false);
  t.Abort(after);
  ExpectOk(t.Check());
  (void)stale_epoch;
}

// Goal: integers and floats that are equal as JSON numbers are a faithful execution.
BOOST_AUTO_TEST_CASE(FaithfulComparesJsonValues) {
  TraceBuilder t;
  const Ref intent = t.AddEntry("intent", "driver/agent",
                                {{"action", {{"tool", "pay"}, {"args", {{"amount", 1}}}}},
                                 {"driver", "agent"},
                                 {"epoch", 1}});
  t.Commit(intent);
  t.AddRecord({{"kind", "effect"},
               {"ts", 9},
               {"intent", intent.pos},
               {"executor", "executor/x0"},
               {"tool", "pay"},
               {"args", {{"amount", 1.0}}}});
  t.Result(intent);
  ExpectOk(t.Check());
}

// Goal: ENV-CONSISTENT passes when the digest equals the replay of the effects.
BOOST_AUTO_TEST_CASE(EnvConsistentMatch) {
  TraceBuilder t;
  const Ref intent = t.Intent("/tmp/a");
  t.Commit(intent);
  t.Effect(intent.pos, "/tmp/a");
  t.Result(intent);
  t.EnvState(DigestAfterDeleting({"/tmp/a"}));
  const Report report = t.Check(WithFakeFiles());
  ExpectOk(report);
  BOOST_TEST(Contains(report.checked, kEnvConsistent));
}

// Goal: the checker replays the effects only when an env state record asks for
// the model's digest (safety_invariants.cc): each record is compared with the
// replay of exactly the effects before it, in trace order, and an unfaithful
// effect is replayed with its own action, not its intent's.
// Method: the last env record is the one judged; effects after it do not count.
BOOST_AUTO_TEST_CASE(EnvConsistentReplaysTheEffectsBeforeTheLastEnvState) {
  TraceBuilder t;
  const Ref first = t.Intent("/tmp/a");
  t.Commit(first);
  t.Effect(first.pos, "/tmp/a");
  t.Result(first);
  t.EnvState(DigestAfterDeleting({"/tmp/a"}));
  const Ref second = t.Intent("/tmp/a");
  t.Commit(second);
  const Ref unfaithful = t.Effect(second.pos, "/tmp/b");
  t.Result(second);
  t.EnvState(DigestAfterDeleting({"/tmp/a", "/tmp/b"}));
  const Ref third = t.Intent("/etc/passwd");
  t.Commit(third);
  t.Effect(third.pos, "/etc/passwd");  // after the last env record: not in its replay
  t.Result(third);
  const Report report = t.Check(WithFakeFiles());
  ExpectOnly(report, kExeFaithful, {second.line, unfaithful.line});
  BOOST_TEST(Contains(report.checked, kEnvConsistent));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(CheckerReport)

// Goal: missing inputs make invariants not applicable, never passed (SPEC §7).
BOOST_AUTO_TEST_CASE(ApplicabilityFollowsInputs) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  t.Commit(intent);
  const Report no_effects = t.Check();
  for (std::string_view id : {kExeVisible, kExeCommitted, kExeOnce, kExeFaithful, kSafeSpec,
                              kEnvConsistent, kRecState, kLiveDecide, kDetReplay}) {
    BOOST_TEST(Contains(no_effects.not_applicable, id), id);
    BOOST_TEST(!Contains(no_effects.checked, id), id);
    BOOST_TEST(no_effects.not_applicable_reasons.count(std::string(id)) == 1u, id);
  }
  for (std::string_view id : {kLogDense, kLogAcl, kRefIntent, kDecUnique, kDecJustified, kDecPolicy,
                              kResMatch, kDrvFence, kDrvSerial}) {
    BOOST_TEST(Contains(no_effects.checked, id), id);
  }
  BOOST_TEST(no_effects.checked.size() + no_effects.not_applicable.size() == kAllInvariants.size());

  t.Effect(intent.pos);
  t.Result(intent);
  const Report with_effects = t.Check(WithFakeFiles());
  BOOST_TEST(Contains(with_effects.checked, kExeOnce));
  // An environment model but no env state record: still not applicable.
  BOOST_TEST(Contains(with_effects.not_applicable, kEnvConsistent));
}

// Goal: the JSON report has the fields of SPEC §8.
BOOST_AUTO_TEST_CASE(JsonShape) {
  TraceBuilder t;
  const Ref intent = t.Intent();
  t.Effect(intent.pos);
  const Json json = t.Check().ToJson();
  BOOST_TEST(json["ok"] == false);
  BOOST_REQUIRE(json["violations"].size() == 1u);
  BOOST_TEST(json["violations"][0]["invariant"] == "EXE-COMMITTED");
  BOOST_TEST(json["violations"][0]["lines"] == Json({2, 3}));
  BOOST_TEST(json["violations"][0]["message"].is_string());
  BOOST_TEST(json["not_applicable"].is_array());
  BOOST_TEST(json["checked"].is_array());
  BOOST_TEST(json["records"] == 2);
}

// Goal: a live run (no header, records fed directly) numbers lines as the trace file will.
BOOST_AUTO_TEST_CASE(OnlineLineNumbering) {
  InvariantChecker checker;
  Entry intent = MakeIntent("driver/agent", Action{"t", Json::object()}, "agent", 1);
  intent.pos = 0;
  checker.OnRecord(intent);
  BOOST_TEST(checker.violations_so_far() == 0u);
  Entry second = intent;
  second.pos = 1;
  checker.OnRecord(second);
  BOOST_TEST(checker.violations_so_far() == 1u);  // DRV-SERIAL, found online
  const Report report = checker.Finish();
  ExpectOnly(report, kDrvSerial, {2, 3});
}

// Goal: a systematic violation is listed up to the cap and counted in full.
BOOST_AUTO_TEST_CASE(ViolationsAreCappedButCounted) {
  TraceBuilder t;
  for (int i = 0; i < 250; ++i) t.AddEntry("mail", "driver/agent", {{"from", "a"}, {"body", "b"}});
  const Report report = t.Check();
  BOOST_TEST(report.violations.size() == 100u);
  BOOST_TEST(report.violation_counts.at("LOG-ACL") == 250u);
  BOOST_TEST(report.ToJson()["violation_counts"]["LOG-ACL"] == 250);
}

// Goal: ids are unique and indexable.
BOOST_AUTO_TEST_CASE(InvariantIdsAreUnique) {
  std::set<std::string_view> ids(kAllInvariants.begin(), kAllInvariants.end());
  BOOST_TEST(ids.size() == kAllInvariants.size());
  BOOST_TEST(InvariantIndex("DEC-JUSTIFIED") == 4);
  BOOST_TEST(InvariantIndex("NOPE") == -1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
