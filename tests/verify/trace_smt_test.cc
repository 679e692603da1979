// Tests of the Z3 trace checker (verify/trace_smt.h): each invariant's query
// finds the violating records of a hand-built trace, holds on valid ones,
// keeps the native applicability rules, and reads the shared example traces.
#include "verify/trace_smt.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "core/entry.h"
#include "properties/check_trace.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "properties/trace_generator.h"
#include "traces/trace_reader.h"

namespace logact::verify {
namespace {

using properties::GeneratedTrace;

// A tiny builder of record lists: dense positions, increasing timestamps.
struct Records {
  std::vector<traces::TraceRecord> list;
  Position pos = 0;
  int64_t ts = 0;
  Position Add(Entry entry) {
    entry.pos = pos++;
    entry.ts = ++ts;
    list.push_back(std::move(entry));
    return pos - 1;
  }
  void Effect(Position intent, Action action) {
    list.push_back(traces::EffectRecord{++ts, intent, "executor/x0", std::move(action), Json()});
  }
};

Action Write() { return Action{"write", {{"path", "/a"}}}; }

Json OnPolicy(const Json& decider) { return decider; }

Position Policy(Records* records, const Json& decider) {
  return records->Add(
      MakePolicy("admin/root", PolicyPayload{1, 0, OnPolicy(decider), Json::array()}));
}

Position Intent(Records* records) {
  return records->Add(MakeIntent("driver/agent", Write(), "agent", 0));
}

Position Vote(Records* records, Position intent, const std::string& type, bool approve) {
  return records->Add(
      MakeVote("voter/" + type + "-1", VotePayload{intent, type + "-1", type, approve, "r"}));
}

Position Decide(Records* records, Position intent, EntryType type, bool timeout = false) {
  return records->Add(MakeDecision(type, "decider/d0", DecisionPayload{intent, "r", timeout}));
}

TraceSmtResult Check(const std::vector<traces::TraceRecord>& records) {
  Result<TraceSmtResult> result = CheckTraceSmt(records, {});
  BOOST_REQUIRE_MESSAGE(result.has_value(), (result.has_value() ? "" : result.error().message()));
  return std::move(result).value();
}

std::vector<std::string> Ids(const properties::Report& report) { return report.ViolatedIds(); }

BOOST_AUTO_TEST_SUITE(TraceSmt)

// Goal: a valid all_of trace with an effect holds every judged invariant (all unsat).
BOOST_AUTO_TEST_CASE(ValidTraceHoldsEverything) {
  Records r;
  Policy(&r, {{"kind", "all_of"}, {"types", {"rule", "llm"}}});
  const Position intent = Intent(&r);
  Vote(&r, intent, "rule", true);
  Vote(&r, intent, "llm", true);
  Decide(&r, intent, EntryType::kCommit);
  r.Effect(intent, Write());
  r.Add(MakeResult("executor/x0", {intent, true, "ok", false}));
  const TraceSmtResult result = Check(r.list);
  BOOST_TEST(result.ok());
  BOOST_TEST(result.unknown.empty());
  for (const TraceQueryStats& query : result.queries) BOOST_TEST(query.answer == "unsat");
  BOOST_TEST(result.report.checked.size() == 13u);  // no spec, no environment
}

// Goal: a commit the votes do not force is a DEC-JUSTIFIED witness naming the intent and commit.
BOOST_AUTO_TEST_CASE(UnjustifiedCommitIsWitnessed) {
  Records r;
  Policy(&r, {{"kind", "all_of"}, {"types", {"rule", "llm"}}});
  const Position intent = Intent(&r);
  Vote(&r, intent, "rule", true);
  Decide(&r, intent, EntryType::kCommit);  // llm never voted
  const TraceSmtResult result = Check(r.list);
  BOOST_TEST(Ids(result.report) == std::vector<std::string>{"DEC-JUSTIFIED"});
  BOOST_TEST(result.report.violations.at(0).lines == (std::vector<int64_t>{3, 5}));
}

// Goal: quorum counts only the first vote of each listed type; a repeated approve does not reach k.
BOOST_AUTO_TEST_CASE(QuorumCountsFirstVotePerType) {
  Records r;
  Policy(&r, {{"kind", "quorum"}, {"k", 2}, {"types", {"rule", "llm", "human"}}});
  const Position intent = Intent(&r);
  Vote(&r, intent, "rule", true);
  Vote(&r, intent, "rule", true);
  Vote(&r, intent, "other", true);
  Decide(&r, intent, EntryType::kCommit);
  BOOST_TEST(Ids(Check(r.list).report) == std::vector<std::string>{"DEC-JUSTIFIED"});
  Records ok;
  Policy(&ok, {{"kind", "quorum"}, {"k", 2}, {"types", {"rule", "llm", "human"}}});
  const Position second = Intent(&ok);
  Vote(&ok, second, "rule", true);
  Vote(&ok, second, "human", true);
  Decide(&ok, second, EntryType::kCommit);
  BOOST_TEST(Check(ok.list).ok());
}

// Goal: a timeout abort is justified only after timeout_ms and while the votes are undecided.
BOOST_AUTO_TEST_CASE(TimeoutAbortNeedsTheWait) {
  for (const int64_t wait : {5, 500}) {
    Records r;
    Policy(&r, {{"kind", "any_of"}, {"types", {"rule"}}, {"timeout_ms", 100}});
    const Position intent = Intent(&r);
    r.ts += wait;
    Decide(&r, intent, EntryType::kAbort, /*timeout=*/true);
    const bool violated = Check(r.list).report.Violated(properties::kDecJustified);
    BOOST_TEST(violated == (wait < 100), "wait " << wait);
  }
}

// Goal: a later decision that disagrees is a DEC-UNIQUE witness, unless the first was a timeout
// abort.
BOOST_AUTO_TEST_CASE(ConflictingDecisions) {
  for (const bool timeout : {false, true}) {
    Records r;
    Policy(&r, {{"kind", "first_voter"}, {"timeout_ms", 1}});
    const Position intent = Intent(&r);
    r.ts += 10;
    Decide(&r, intent, EntryType::kAbort, timeout);
    Decide(&r, intent, EntryType::kCommit);
    const properties::Report report = Check(r.list).report;
    BOOST_TEST(report.Violated(properties::kDecUnique) == !timeout);
  }
}

// Goal: effect-level invariants: premature, duplicated, unfaithful and uncommitted effects.
BOOST_AUTO_TEST_CASE(EffectInvariants) {
  Records r;
  Policy(&r, {{"kind", "on_by_default"}});
  const Position first = Intent(&r);
  r.Effect(first, Write());  // before its commit
  Decide(&r, first, EntryType::kCommit);
  r.Effect(first, Action{"write", {{"path", "/b"}}});  // second and unfaithful
  r.Add(MakeResult("executor/x0", {first, true, "ok", false}));
  const Position second = Intent(&r);
  r.Effect(second, Write());  // never decided
  const std::vector<std::string> expected = {"EXE-VISIBLE", "EXE-COMMITTED", "EXE-ONCE",
                                             "EXE-FAITHFUL"};
  BOOST_TEST(Ids(Check(r.list).report) == expected);
}

// Goal: LOG-DENSE, LOG-ACL, REF-INTENT, DEC-POLICY, DRV-SERIAL and DRV-FENCE witnesses.
BOOST_AUTO_TEST_CASE(LogAndDriverInvariants) {
  Records r;
  r.Add(MakePolicy("admin/root", PolicyPayload{1, 1, nullptr, nullptr}));  // DEC-POLICY
  r.Add(MakeMail("driver/agent", "alice", "hi"));                          // LOG-ACL
  const Position a = Intent(&r);
  Intent(&r);                                                                    // DRV-SERIAL
  r.Add(MakeVote("voter/rule-1", VotePayload{1, "rule-1", "rule", true, "r"}));  // REF-INTENT
  r.Add(MakeElect("driver/b", "b", 5));
  const Position fenced = Intent(&r);
  Decide(&r, fenced, EntryType::kCommit);  // DRV-FENCE
  Entry duplicate = MakeMail("external/alice", "alice", "dup");
  duplicate.pos = a;
  r.list.push_back(duplicate);  // LOG-DENSE
  const std::vector<std::string> expected = {"LOG-DENSE",  "LOG-ACL",   "REF-INTENT",
                                             "DEC-POLICY", "DRV-FENCE", "DRV-SERIAL"};
  BOOST_TEST(Ids(Check(r.list).report) == expected);
}

// Goal: not-applicable rules match the native checker (no effects, no spec, no environment).
BOOST_AUTO_TEST_CASE(ApplicabilityMatchesNative) {
  Records r;
  Policy(&r, {{"kind", "on_by_default"}});
  const TraceSmtResult result = Check(r.list);
  const std::vector<std::string> expected = {"EXE-VISIBLE",  "EXE-COMMITTED", "EXE-ONCE",
                                             "EXE-FAITHFUL", "REC-STATE",     "ENV-CONSISTENT",
                                             "SAFE-SPEC",    "LIVE-DECIDE",   "DET-REPLAY"};
  BOOST_TEST(result.report.not_applicable == expected);
}

// Goal: the shared example traces get the expected verdicts (bad input stays bad input).
BOOST_AUTO_TEST_CASE(SharedExamples) {
  const std::string dir = std::string(LOGACT_SHARED_DIR) + "/examples/traces/";
  for (const std::string name :
       {"acl-vote-by-driver", "effect-twice", "ok-all-of", "unjustified-commit"}) {
    auto reader = traces::TraceReader::OpenFile(dir + name + ".jsonl");
    BOOST_REQUIRE(reader.has_value());
    traces::TraceError error;
    auto result =
        CheckTraceSmtReader(**reader, properties::BuiltinScenarioOptions(nullptr), &error);
    BOOST_REQUIRE_MESSAGE(result.has_value(), name);
    BOOST_TEST(result->report.ok() == (name == std::string("ok-all-of")), name);
  }
  auto reader = traces::TraceReader::OpenFile(dir + "bad-field.jsonl");
  BOOST_REQUIRE(reader.has_value());
  traces::TraceError error;
  auto result = CheckTraceSmtReader(**reader, {}, &error);
  BOOST_TEST(!result.has_value());
  BOOST_TEST(error.line == 4);
}

// Goal: a query that cannot finish in time is reported unknown, never as a pass.
BOOST_AUTO_TEST_CASE(UnknownIsNotAPass) {
  const GeneratedTrace trace = properties::BuildValidTrace(properties::SeededChooser(7), 300);
  TraceSmtOptions options;
  options.timeout_ms = 1;
  Result<TraceSmtResult> result = CheckTraceSmt(trace.records, {}, options);
  BOOST_REQUIRE(result.has_value());
  for (const auto& [id, reason] : result->unknown) {
    const bool checked = std::find(result->report.checked.begin(), result->report.checked.end(),
                                   id) != result->report.checked.end();
    BOOST_TEST(!checked, id << " (" << reason << ") is listed as checked");
  }
  BOOST_TEST(result->ok() == result->unknown.empty());
}

// Goal: cutting the trace into tiny segments and batches (so acceptance and
// DRV-SERIAL's pending point are carried across many scopes) reports exactly
// the violations, with the same lines, as one scope over the whole trace.
BOOST_AUTO_TEST_CASE(SmallScopesEqualOneScope) {
  TraceSmtOptions tiny, whole;
  tiny.segment_records = 3;
  tiny.batch_intents = 2;
  whole.segment_records = 1'000'000;
  whole.batch_intents = 1'000'000;
  auto violations = [](const TraceSmtResult& result) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> list;
    for (const auto& violation : result.report.violations)
      list.emplace_back(violation.invariant, violation.lines);
    return list;
  };
  int mutated = 0;
  for (std::string_view id : properties::MutableInvariants()) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      GeneratedTrace trace = properties::BuildValidTrace(properties::SeededChooser(seed), 6);
      if (seed > 1 && properties::Mutate(properties::SeededChooser(seed), id, &trace)) ++mutated;
      Result<TraceSmtResult> small = CheckTraceSmt(trace.records, {}, tiny);
      Result<TraceSmtResult> large = CheckTraceSmt(trace.records, {}, whole);
      BOOST_REQUIRE(small.has_value() && large.has_value());
      BOOST_TEST(small->unknown.empty());
      BOOST_TEST((violations(*small) == violations(*large)), id << " seed " << seed);
      std::vector<std::string> expected;
      if (!trace.violated.empty()) expected.push_back(trace.violated);
      BOOST_TEST((Ids(small->report) == expected), id << " seed " << seed);
    }
  }
  BOOST_TEST(mutated > 20);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::verify
