// End-to-end tests of the `logact` executable as a user runs it: exit codes
// 0/1/2 (SPEC §8), JSON output, byte-identical traces across processes,
// replay, and bad input that names its file, line and field while leaving
// existing output untouched.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_process_util.h"

namespace logact::cli::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kExamples = std::string(LOGACT_SHARED_DIR) + "/examples/traces/";

std::vector<std::string> ViolatedIds(const json& report) {
  std::vector<std::string> ids;
  for (const json& violation : report.at("violations")) {
    ids.push_back(violation.at("invariant").get<std::string>());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(CliProcess)

// `scenarios --json` lists at least the four foundation scenarios and their attack variants.
BOOST_AUTO_TEST_CASE(ScenariosListsBuiltIns) {
  const fs::path dir = ScratchDir("scenarios");
  ProcessResult run = RunLogact(dir, {"scenarios", "--json"});
  BOOST_TEST_REQUIRE(run.exit_code == 0, run.err);
  const json listed = json::parse(run.out);
  std::string names = listed.dump();
  for (const char* name : {"bank-pay-bill", "bank-pay-bill-attack", "bank-rent-update",
                           "bank-user-info", "files-cleanup", "files-cleanup-attack"}) {
    BOOST_TEST(names.find(std::string("\"") + name + "\"") != std::string::npos, name);
  }
}

// Two processes running the same seed write byte-identical traces; another seed differs.
BOOST_AUTO_TEST_CASE(SameSeedSameBytesAcrossProcesses) {
  const fs::path dir = ScratchDir("same-seed");
  const std::string a = (dir / "a.jsonl").string();
  const std::string b = (dir / "b.jsonl").string();
  const std::string c = (dir / "c.jsonl").string();
  for (const std::string& trace : {a, b}) {
    ProcessResult run = RunLogact(
        dir, {"sim", "--scenario", "bank-pay-bill-attack", "--seed", "7", "--trace", trace});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.out + run.err);
  }
  ProcessResult other =
      RunLogact(dir, {"sim", "--scenario", "bank-pay-bill-attack", "--seed", "8", "--trace", c});
  BOOST_TEST_REQUIRE(other.exit_code == 0, other.out + other.err);
  const std::string first = ReadWholeFile(a);
  BOOST_TEST_REQUIRE(first.size() > 1000u);
  BOOST_TEST(first == ReadWholeFile(b));
  BOOST_TEST(first != ReadWholeFile(c));
}

// A simulator trace checks clean, and replay confirms it byte for byte.
BOOST_AUTO_TEST_CASE(SimThenCheckThenReplay) {
  const fs::path dir = ScratchDir("sim-check-replay");
  const std::string trace = (dir / "t.jsonl").string();
  ProcessResult sim =
      RunLogact(dir, {"sim", "--scenario", "files-cleanup", "--seed", "3", "--trace", trace});
  BOOST_TEST_REQUIRE(sim.exit_code == 0, sim.out + sim.err);

  ProcessResult check = RunLogact(dir, {"check", trace, "--json"});
  BOOST_TEST_REQUIRE(check.exit_code == 0, check.out + check.err);
  const json report = json::parse(check.out);
  BOOST_TEST(report.at("ok").get<bool>());
  BOOST_TEST(report.at("violations").empty());

  ProcessResult replay = RunLogact(dir, {"replay", trace, "--json"});
  BOOST_TEST_REQUIRE(replay.exit_code == 0, replay.out + replay.err);
  BOOST_TEST(json::parse(replay.out).at("identical").get<bool>());
}

// `check --engine both` takes REC-STATE (component replay, not encoded in SMT)
// from the native checker and says so: a clean trace with restarts passes, and
// an altered state digest fails it without a spurious engine disagreement.
BOOST_AUTO_TEST_CASE(CheckBothTakesRecStateFromNative) {
  const fs::path dir = ScratchDir("check-both-rec-state");
  const std::string trace = (dir / "t.jsonl").string();
  ProcessResult sim = RunLogact(dir, {"sim", "--scenario", "bank-pay-bill", "--seed", "1",
                                      "--faults", "crash_decider=1/20", "--trace", trace});
  BOOST_TEST_REQUIRE(sim.exit_code == 0, sim.out + sim.err);
  ProcessResult clean = RunLogact(dir, {"check", trace, "--engine", "both", "--json"});
  BOOST_TEST_REQUIRE(clean.exit_code == 0, clean.out + clean.err);
  const json clean_out = json::parse(clean.out);
  BOOST_TEST(clean_out.at("native_only") == json::array({"REC-STATE"}), clean.out);
  BOOST_TEST(clean_out.at("disagree").empty());

  // Flip the first hex digit of every decider state digest.
  std::string text = ReadWholeFile(trace);
  int altered = 0;
  for (size_t at = text.find("\"kind\":\"state\""); at != std::string::npos;
       at = text.find("\"kind\":\"state\"", at + 1)) {
    const size_t end = text.find('\n', at);
    const size_t target = text.find("\"target\":\"decider/", at);
    const size_t digest = text.find("\"digest\":\"", at);
    if (target > end || digest > end) continue;
    char& c = text[digest + 10];
    c = c == '0' ? '1' : '0';
    ++altered;
  }
  BOOST_TEST_REQUIRE(altered > 0, "no decider state record: the fault plan made no restart");
  std::ofstream(trace, std::ios::binary | std::ios::trunc) << text;
  ProcessResult bad = RunLogact(dir, {"check", trace, "--engine", "both", "--json"});
  BOOST_TEST(bad.exit_code == 1, bad.out + bad.err);
  const json bad_out = json::parse(bad.out);
  BOOST_TEST(!bad_out.at("ok").get<bool>());
  BOOST_TEST(bad_out.at("disagree").empty(), bad.out);
  ProcessResult text_mode = RunLogact(dir, {"check", trace, "--engine", "both"});
  BOOST_TEST(text_mode.out.find("NATIVE ONLY REC-STATE") != std::string::npos, text_mode.out);
  BOOST_TEST(text_mode.out.find("VIOLATED") != std::string::npos, text_mode.out);
}

// A trace whose record was edited no longer replays: exit 1 names the first differing line.
BOOST_AUTO_TEST_CASE(ReplayNamesFirstDifferingLine) {
  const fs::path dir = ScratchDir("replay-differs");
  const std::string trace = (dir / "t.jsonl").string();
  ProcessResult sim =
      RunLogact(dir, {"sim", "--scenario", "bank-pay-bill", "--seed", "2", "--trace", trace});
  BOOST_TEST_REQUIRE(sim.exit_code == 0, sim.out + sim.err);
  std::string text = ReadWholeFile(trace);
  // Line 3 is an entry; change its timestamp by appending a digit.
  size_t line_start = 0;
  for (int i = 0; i < 2; ++i) line_start = text.find('\n', line_start) + 1;
  const size_t ts = text.find("\"ts\":", line_start);
  BOOST_TEST_REQUIRE(ts != std::string::npos);
  text.insert(ts + 5, "9");
  std::ofstream(trace, std::ios::binary | std::ios::trunc) << text;

  ProcessResult replay = RunLogact(dir, {"replay", trace, "--json"});
  BOOST_TEST(replay.exit_code == 1, replay.out + replay.err);
  const json out = json::parse(replay.out);
  BOOST_TEST(!out.at("identical").get<bool>());
  BOOST_TEST(out.at("line").get<int>() == 3);
  BOOST_TEST(out.at("recorded").get<std::string>() != out.at("replayed").get<std::string>());
}

// Every shared example trace reaches its expected verdict through the executable.
BOOST_AUTO_TEST_CASE(SharedExamplesReachExpectedVerdicts) {
  const fs::path dir = ScratchDir("examples");
  std::ifstream in(kExamples + "expected.json");
  BOOST_TEST_REQUIRE(in.good());
  const json expected = json::parse(in);
  BOOST_TEST_REQUIRE(expected.size() >= 5u);
  for (const auto& [name, verdict] : expected.items()) {
    BOOST_TEST_CONTEXT("example " << name) {
      ProcessResult run = RunLogact(dir, {"check", kExamples + name + ".jsonl", "--json"});
      BOOST_TEST(run.exit_code == verdict.at("exit").get<int>(), run.out + run.err);
      const json report = json::parse(run.out);
      if (verdict.at("exit").get<int>() == 2) {
        BOOST_TEST(report.at("ok").get<bool>() == false);
        BOOST_TEST(report.at("error").at("line").get<int>() == verdict.at("line").get<int>());
        BOOST_TEST(!report.at("error").at("field").get<std::string>().empty());
      } else {
        std::vector<std::string> want = verdict.at("violations").get<std::vector<std::string>>();
        std::sort(want.begin(), want.end());
        BOOST_TEST(ViolatedIds(report) == want, boost::test_tools::per_element());
      }
    }
  }
}

// A missing trace file is bad input: exit 2 and a message naming the file.
BOOST_AUTO_TEST_CASE(CheckMissingFileIsBadInput) {
  const fs::path dir = ScratchDir("missing-file");
  const std::string missing = (dir / "nope.jsonl").string();
  ProcessResult run = RunLogact(dir, {"check", missing});
  BOOST_TEST(run.exit_code == 2);
  BOOST_TEST(run.err.find("nope.jsonl") != std::string::npos, run.err);
}

// A malformed line in the middle: exit 2 naming line and field, in text and JSON modes.
BOOST_AUTO_TEST_CASE(CheckMalformedLineNamesLineAndField) {
  const fs::path dir = ScratchDir("malformed");
  const fs::path trace = dir / "bad.jsonl";
  {
    std::ofstream out(trace);
    out << R"({"format":"logact-trace","version":1,"seed":null,"scenario":null,"source":"recorded"})"
        << "\n"
        << R"({"kind":"entry","pos":0,"ts":0,"type":"mail","author":"external/u","from":"u","body":"hi"})"
        << "\n"
        << R"({"kind":"entry","pos":1,"ts":"late","type":"mail","author":"external/u","from":"u","body":"x"})"
        << "\n";
  }
  ProcessResult text = RunLogact(dir, {"check", trace.string()});
  BOOST_TEST(text.exit_code == 2);
  BOOST_TEST(text.err.find("bad.jsonl") != std::string::npos, text.err);
  BOOST_TEST(text.err.find("3") != std::string::npos, text.err);
  BOOST_TEST(text.err.find("ts") != std::string::npos, text.err);

  ProcessResult as_json = RunLogact(dir, {"check", trace.string(), "--json"});
  BOOST_TEST(as_json.exit_code == 2);
  const json report = json::parse(as_json.out);
  BOOST_TEST(report.at("error").at("line").get<int>() == 3);
  BOOST_TEST(report.at("error").at("field").get<std::string>() == "ts");
}

// Usage errors (unknown flag, unknown scenario, bad seed range) exit 2; a failed run
// leaves an existing trace file untouched (outputs are written atomically).
BOOST_AUTO_TEST_CASE(UsageErrorsExitTwoAndLeaveOutputsAlone) {
  const fs::path dir = ScratchDir("usage");
  const fs::path trace = dir / "keep.jsonl";
  std::ofstream(trace) << "previous contents\n";

  BOOST_TEST(RunLogact(dir, {"sim", "--no-such-flag"}).exit_code == 2);
  BOOST_TEST(RunLogact(dir, {"frobnicate"}).exit_code == 2);
  ProcessResult unknown = RunLogact(
      dir, {"sim", "--scenario", "no-such-scenario", "--seed", "1", "--trace", trace.string()});
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(unknown.err.find("no-such-scenario") != std::string::npos, unknown.err);
  BOOST_TEST(RunLogact(dir, {"sim", "--scenario", "bank-pay-bill", "--seeds", "9..3"}).exit_code ==
             2);
  BOOST_TEST(ReadWholeFile(trace) == "previous contents\n");
  // No temporary file is left behind next to the kept one.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".jsonl" ||
        entry.path().string().find(".tmp") != std::string::npos) {
      ++files;
    }
  }
  BOOST_TEST(files == 1);
}

// A trace into a directory that does not exist is bad input, not a crash.
BOOST_AUTO_TEST_CASE(SimTraceIntoMissingDirectory) {
  const fs::path dir = ScratchDir("missing-dir");
  const std::string trace = (dir / "no" / "such" / "t.jsonl").string();
  ProcessResult run =
      RunLogact(dir, {"sim", "--scenario", "bank-pay-bill", "--seed", "1", "--trace", trace});
  BOOST_TEST(run.exit_code == 2, run.out + run.err);
  BOOST_TEST(!fs::exists(trace));
}

// --help on every foundation subcommand works and exits 0.
BOOST_AUTO_TEST_CASE(HelpOnEverySubcommand) {
  const fs::path dir = ScratchDir("help");
  for (const char* sub : {"scenarios", "sim", "check", "replay"}) {
    ProcessResult run = RunLogact(dir, {sub, "--help"});
    BOOST_TEST(run.exit_code == 0, sub);
    BOOST_TEST(run.out.find("Usage") != std::string::npos, sub);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::cli::testing
