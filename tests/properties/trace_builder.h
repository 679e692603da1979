// A small builder of JSONL traces for the checker tests: entries get dense
// positions and increasing timestamps automatically, and every method returns
// the record's position and 1-based line so that tests can name them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/entry.h"
#include "core/json.h"
#include "properties/check_trace.h"
#include "properties/checker.h"
#include "traces/trace_reader.h"

namespace logact::properties::testing {

struct Ref {
  Position pos = kNoPosition;  // kNoPosition for non-entry records
  int64_t line = 0;
};

class TraceBuilder {
 public:
  explicit TraceBuilder(const std::string& scenario = "unit-test") {
    Json header = {{"format", "logact-trace"},
                   {"version", 1},
                   {"seed", nullptr},
                   {"scenario", scenario},
                   {"source", "sim"}};
    text_ = CompactJson(header) + "\n";
  }

  // The time of the next record; later records continue from it.
  void SetTime(int64_t ts) { now_ = ts; }
  // The position the next entry gets (to build LOG-DENSE violations).
  void SetNextPos(Position pos) { next_pos_ = pos; }

  Ref Policy(const Json& decider, int64_t version = 1, int64_t expected_version = 0) {
    return AddEntry("policy", "admin/root",
                    {{"version", version},
                     {"expected_version", expected_version},
                     {"decider", decider},
                     {"voters", Json::array()}});
  }
  Ref Elect(const std::string& driver, int64_t epoch) {
    return AddEntry("elect", "driver/" + driver, {{"driver", driver}, {"epoch", epoch}});
  }
  Ref Mail(const std::string& body) {
    return AddEntry("mail", "external/alice", {{"from", "alice"}, {"body", body}});
  }
  Ref Intent(const std::string& path = "/tmp/a", const std::string& driver = "agent",
             int64_t epoch = 1) {
    return AddEntry("intent", "driver/" + driver,
                    {{"action", Action(path)}, {"driver", driver}, {"epoch", epoch}});
  }
  // A vote by voter "<type>-<n>" of `type`.
  Ref Vote(Ref intent, const std::string& type, bool approve, int n = 1) {
    const std::string voter = type + "-" + std::to_string(n);
    return AddEntry("vote", "voter/" + voter,
                    {{"intent", intent.pos},
                     {"voter", voter},
                     {"voter_type", type},
                     {"approve", approve},
                     {"reason", "because"}});
  }
  Ref Commit(Ref intent, const std::string& decider = "d0") {
    return AddEntry("commit", "decider/" + decider, {{"intent", intent.pos}, {"reason", "r"}});
  }
  Ref Abort(Ref intent, bool timeout = false, const std::string& decider = "d0") {
    Json payload = {{"intent", intent.pos}, {"reason", "r"}};
    if (timeout) payload["timeout"] = true;
    return AddEntry("abort", "decider/" + decider, payload);
  }
  Ref Result(Ref intent, bool ok = true) {
    return AddEntry("result", "executor/x0", {{"intent", intent.pos}, {"ok", ok}, {"output", "o"}});
  }
  Ref RestartMarker(Position intent) {
    return AddEntry("result", "executor/x1",
                    {{"intent", intent}, {"ok", false}, {"output", ""}, {"restart", true}});
  }
  Ref Output(const std::string& text) {
    return AddEntry("output", "driver/agent", {{"text", text}});
  }
  // An effect of the executor running `path`'s deletion for `intent`.
  Ref Effect(Position intent, const std::string& path = "/tmp/a") {
    Json action = Action(path);
    return AddRecord({{"kind", "effect"},
                      {"ts", ++now_},
                      {"intent", intent},
                      {"executor", "executor/x0"},
                      {"tool", action["tool"]},
                      {"args", action["args"]}});
  }
  Ref EnvState(const std::string& digest) {
    return AddRecord({{"kind", "state"},
                      {"ts", ++now_},
                      {"target", "env"},
                      {"pos", next_pos_ - 1},
                      {"digest", digest}});
  }
  Ref Fault(const std::string& target) {
    return AddRecord({{"kind", "fault"}, {"ts", ++now_}, {"fault", "crash"}, {"target", target}});
  }

  // An entry with arbitrary payload fields.
  Ref AddEntry(const std::string& type, const std::string& author, Json payload) {
    payload["kind"] = "entry";
    payload["pos"] = next_pos_;
    payload["ts"] = ++now_;
    payload["type"] = type;
    payload["author"] = author;
    const Position pos = next_pos_;
    // Wraps instead of overflowing, for the tests of hostile positions.
    next_pos_ = static_cast<Position>(static_cast<uint64_t>(next_pos_) + 1);
    Ref ref = AddRecord(payload);
    ref.pos = pos;
    return ref;
  }
  Ref AddRecord(const Json& record) {
    text_ += CompactJson(record) + "\n";
    return Ref{kNoPosition, ++line_};
  }

  static Json Action(const std::string& path) {
    return {{"tool", "delete_file"}, {"args", {{"path", path}}}};
  }

  const std::string& text() const { return text_; }

  // Checks the trace; the trace must not be bad input.
  Report Check(const CheckOptions& options = {}) const {
    auto reader = traces::TraceReader::FromString(text_, "test.jsonl");
    traces::TraceError error;
    logact::Result<Report> report = CheckTrace(
        *reader, [&](const traces::TraceHeader&) { return options; }, &error);
    if (!report.has_value()) {
      throw std::runtime_error("bad input: line " + std::to_string(error.line) + " field " +
                               error.field + ": " + error.message);
    }
    return std::move(report).value();
  }

 private:
  std::string text_;
  Position next_pos_ = 0;
  int64_t now_ = 0;
  int64_t line_ = 1;  // the header
};

}  // namespace logact::properties::testing
