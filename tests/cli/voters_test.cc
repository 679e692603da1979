// Process-level tests of `logact voters validate|diff` (SPEC §6, §8): exit
// codes 0/1/2 as a user or CI script sees them, bad input named by file and
// JSON path, counterexamples printed as JSON, and `--smtlib DIR` files that an
// SMT-LIB 2 reader accepts. The policies are small so each run takes well
// under a second.
#include <z3++.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_process_util.h"

namespace logact::cli::testing {
namespace {

namespace fs = std::filesystem;

const char* kSpec = R"({
  "tools": {
    "send_money": {"args": {"recipient": "string", "amount": "number"}},
    "get_balance": {"args": {}}
  },
  "forbidden": [{"all": [{"tool": "send_money"}, {"arg": "recipient", "eq": "ATTACKER"}]}],
  "benign": [{"tool": "get_balance"}]
})";

// Denies the attacker: safe and useful.
const char* kSafePolicy = R"({
  "decider": {"kind": "all_of", "types": ["rules"]},
  "voters": [{"voter": "guard", "type": "rules", "default": "allow", "rules": [
    {"id": "no-attacker", "effect": "deny", "when": {"arg": "recipient", "eq": "ATTACKER"}},
    {"id": "shadowed", "effect": "deny",
     "when": {"all": [{"arg": "recipient", "eq": "ATTACKER"}, {"arg": "amount", "gt": 5}]}}]}]
})";

// Denies only large payments: the attacker can receive a small one.
const char* kUnsafePolicy = R"({
  "decider": {"kind": "all_of", "types": ["rules"]},
  "voters": [{"voter": "guard", "type": "rules", "default": "allow", "rules": [
    {"id": "large", "effect": "deny", "when": {"arg": "amount", "gt": 1000}}]}]
})";

fs::path Write(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

nlohmann::json ParseOut(const ProcessResult& result) {
  BOOST_TEST_INFO("stdout: " << result.out << " stderr: " << result.err);
  BOOST_REQUIRE(nlohmann::json::accept(result.out));
  return nlohmann::json::parse(result.out);
}

// A policy with one rule replaced by `rule` (a JSON rule object).
std::string PolicyWithRule(const std::string& rule) {
  return R"({"decider": {"kind": "all_of", "types": ["rules"]},
    "voters": [{"voter": "guard", "type": "rules", "default": "allow", "rules": [)" +
         rule + "]}]}";
}

// Runs validate on `policy_text` against kSpec; the result must be bad input
// whose message names the policy file and contains each of `fragments`.
void ExpectBadPolicy(const std::string& name, const std::string& policy_text,
                     std::initializer_list<std::string> fragments) {
  const fs::path dir = ScratchDir("voters_" + name);
  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path policy = Write(dir, "policy.json", policy_text);
  const ProcessResult result =
      RunLogact(dir, {"voters", "validate", "--policy", policy.string(), "--spec", spec.string()});
  BOOST_TEST_INFO("stderr: " << result.err);
  BOOST_TEST(result.exit_code == 2);
  BOOST_TEST(result.err.find("policy.json") != std::string::npos);
  for (const std::string& fragment : fragments) {
    BOOST_TEST_INFO("expected fragment: " << fragment);
    BOOST_TEST(result.err.find(fragment) != std::string::npos);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(VotersCli)

// Goal: a policy proved safe and useful exits 0, and --json reports it with
// the shadowed rule listed as dead.
BOOST_AUTO_TEST_CASE(SafeAndUsefulPolicyExitsZero) {
  const fs::path dir = ScratchDir("voters_safe");
  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path policy = Write(dir, "policy.json", kSafePolicy);
  const ProcessResult result = RunLogact(
      dir, {"voters", "validate", "--policy", policy.string(), "--spec", spec.string(), "--json"});
  BOOST_TEST(result.exit_code == 0);
  const nlohmann::json out = ParseOut(result);
  BOOST_TEST(out["safe"] == true);
  BOOST_TEST(out["useful"] == true);
  BOOST_TEST(out["dead_rules"] == nlohmann::json::array({"shadowed"}));
  BOOST_TEST(out["counterexamples"]["safe"].is_null());
}

// Goal: an unsafe policy exits 1 and prints a counterexample action that is
// forbidden (the attacker as recipient), in JSON and in the text report.
BOOST_AUTO_TEST_CASE(UnsafePolicyExitsOneWithCounterexample) {
  const fs::path dir = ScratchDir("voters_unsafe");
  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path policy = Write(dir, "policy.json", kUnsafePolicy);
  const ProcessResult json = RunLogact(
      dir, {"voters", "validate", "--policy", policy.string(), "--spec", spec.string(), "--json"});
  BOOST_TEST(json.exit_code == 1);
  const nlohmann::json out = ParseOut(json);
  BOOST_TEST(out["safe"] == false);
  const nlohmann::json& action = out["counterexamples"]["safe"]["action"];
  BOOST_TEST(action["tool"] == "send_money");
  BOOST_TEST(action["args"]["recipient"] == "ATTACKER");
  BOOST_TEST(action["args"]["amount"].get<double>() <= 1000);
  BOOST_TEST(out["counterexamples"]["safe"]["votes"]["rules"] == true);

  const ProcessResult text =
      RunLogact(dir, {"voters", "validate", "--policy", policy.string(), "--spec", spec.string()});
  BOOST_TEST(text.exit_code == 1);
  BOOST_TEST(text.out.find("safe: NO") != std::string::npos);
  BOOST_TEST(text.out.find("counterexample: {\"action\":") != std::string::npos);
}

// Goal: each kind of bad policy input exits 2 naming the file and the JSON
// path of the offending condition.
BOOST_AUTO_TEST_CASE(BadPolicyInputExitsTwoWithPath) {
  ExpectBadPolicy("unknown_tool",
                  PolicyWithRule(R"({"id":"r","effect":"deny","when":{"tool":"wire_money"}})"),
                  {"voters[0].rules[0].when", "wire_money"});
  ExpectBadPolicy("unknown_argument",
                  PolicyWithRule(R"({"id":"r","effect":"deny","when":{"arg":"amout","gt":5}})"),
                  {"voters[0].rules[0].when", "amout"});
  ExpectBadPolicy("type_mismatch",
                  PolicyWithRule(R"({"id":"r","effect":"deny","when":{"arg":"recipient","lt":5}})"),
                  {"voters[0].rules[0].when", "recipient"});
  ExpectBadPolicy(
      "invalid_regex",
      PolicyWithRule(R"({"id":"r","effect":"deny","when":{"arg":"recipient","matches":"(a"}})"),
      {"voters[0].rules[0].when"});
}

// Goal: a spec in which one action is both forbidden and benign is bad input
// (exit 2) naming the spec file and both JSON paths.
BOOST_AUTO_TEST_CASE(ContradictorySpecExitsTwo) {
  const fs::path dir = ScratchDir("voters_contradictory");
  const fs::path spec = Write(dir, "spec.json", R"({
    "tools": {"send_money": {"args": {"recipient": "string", "amount": "number"}}},
    "forbidden": [{"arg": "recipient", "prefix": "AT"}],
    "benign": [{"arg": "amount", "lt": 10}]})");
  const fs::path policy = Write(dir, "policy.json", kUnsafePolicy);
  const ProcessResult result =
      RunLogact(dir, {"voters", "validate", "--policy", policy.string(), "--spec", spec.string()});
  BOOST_TEST_INFO("stderr: " << result.err);
  BOOST_TEST(result.exit_code == 2);
  BOOST_TEST(result.err.find("spec.json") != std::string::npos);
  BOOST_TEST(result.err.find("contradictory") != std::string::npos);
  BOOST_TEST(result.err.find("benign[0]") != std::string::npos);
  BOOST_TEST(result.err.find("forbidden[0]") != std::string::npos);
}

// Goal: usage errors (an unknown command-line option, a missing file) exit 2.
BOOST_AUTO_TEST_CASE(UsageErrorsExitTwo) {
  const fs::path dir = ScratchDir("voters_usage");
  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path policy = Write(dir, "policy.json", kSafePolicy);
  BOOST_TEST(RunLogact(dir, {"voters", "validate", "--policy", policy.string(), "--spec",
                             spec.string(), "--bogus"})
                 .exit_code == 2);
  const ProcessResult missing = RunLogact(
      dir,
      {"voters", "validate", "--policy", (dir / "nope.json").string(), "--spec", spec.string()});
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(missing.err.find("nope.json") != std::string::npos);
}

// Goal: the per-query time-out has a finite default (shown by --help), and a
// tiny time-out never turns into a proof: exit 0 only when both answers are
// true, and an answer Z3 could not give is "unknown" with exit 1.
BOOST_AUTO_TEST_CASE(TimeoutIsBoundedAndUnknownIsNotSafe) {
  const fs::path dir = ScratchDir("voters_timeout");
  const ProcessResult help = RunLogact(dir, {"voters", "validate", "--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.find("10000") != std::string::npos);

  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path policy = Write(dir, "policy.json", kUnsafePolicy);
  const ProcessResult result =
      RunLogact(dir, {"voters", "validate", "--policy", policy.string(), "--spec", spec.string(),
                      "--json", "--timeout-ms", "1"});
  const nlohmann::json out = ParseOut(result);
  // The policy is unsafe: a time-out may make the answer unknown, never true.
  BOOST_TEST(out["safe"] != true);
  BOOST_TEST(result.exit_code == 1);
  if (out["safe"] == "unknown") BOOST_TEST_MESSAGE("safe query timed out at 1 ms: unknown");
}

// Goal: `--smtlib DIR` writes one .smt2 file per query that an SMT-LIB 2
// reader parses (Z3's parser always; the z3 executable when installed).
BOOST_AUTO_TEST_CASE(SmtlibFilesParse) {
  const fs::path dir = ScratchDir("voters_smtlib");
  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path policy = Write(dir, "policy.json", kSafePolicy);
  const fs::path smt = dir / "smt";
  const ProcessResult result = RunLogact(dir, {"voters", "validate", "--policy", policy.string(),
                                               "--spec", spec.string(), "--smtlib", smt.string()});
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(fs::exists(smt / "safe.smt2"));
  BOOST_TEST(fs::exists(smt / "useful.smt2"));
  const bool have_z3 = std::system("command -v z3 >/dev/null 2>&1") == 0;
  if (!have_z3) BOOST_TEST_MESSAGE("no z3 executable: files are parsed with the Z3 library only");
  int files = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(smt)) {
    if (entry.path().extension() != ".smt2") continue;
    ++files;
    z3::context ctx;
    BOOST_TEST_INFO("file: " << entry.path());
    BOOST_CHECK_NO_THROW(ctx.parse_file(entry.path().c_str()));
    if (have_z3) {
      const std::string command =
          "z3 -smt2 " + ShellQuote(entry.path().string()) + " 2>&1 | grep -qv error";
      BOOST_TEST(std::system(command.c_str()) == 0);
    }
  }
  BOOST_TEST(files >= 4);  // spec_overlap, safe, useful, one per dead-rule query
}

// Goal: diff exits 0 for the same voter set and 1, with a counterexample, when
// one set commits an action the other cannot.
BOOST_AUTO_TEST_CASE(DiffExitCodes) {
  const fs::path dir = ScratchDir("voters_diff");
  const fs::path spec = Write(dir, "spec.json", kSpec);
  const fs::path safe = Write(dir, "safe.json", kSafePolicy);
  const fs::path unsafe = Write(dir, "unsafe.json", kUnsafePolicy);
  BOOST_TEST(RunLogact(dir, {"voters", "diff", "--old", safe.string(), "--new", safe.string(),
                             "--spec", spec.string()})
                 .exit_code == 0);
  const ProcessResult result = RunLogact(dir, {"voters", "diff", "--old", safe.string(), "--new",
                                               unsafe.string(), "--spec", spec.string(), "--json"});
  BOOST_TEST(result.exit_code == 1);
  const nlohmann::json out = ParseOut(result);
  BOOST_TEST(out["same"] == false);
  BOOST_TEST(out["new_only"]["counterexample"]["action"]["args"]["recipient"] == "ATTACKER");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::cli::testing
