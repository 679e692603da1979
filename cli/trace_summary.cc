#include "cli/trace_summary.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "cli/trace_load.h"
#include "traces/trace_format.h"
#include "traces/trace_writer.h"

namespace logact::cli {
namespace {

struct Stage {
  int64_t count = 0;
  int64_t total_ms = 0;
  int64_t max_ms = 0;
  void Add(int64_t ms) {
    ms = std::max<int64_t>(ms, 0);
    ++count;
    total_ms += ms;
    max_ms = std::max(max_ms, ms);
  }
  Json ToJson() const {
    return {{"count", count},
            {"total_ms", total_ms},
            {"mean_ms", count == 0 ? 0.0 : static_cast<double>(total_ms) / count},
            {"max_ms", max_ms}};
  }
};

// What happened to one intent, in trace time.
struct IntentTimes {
  int64_t intent_ts = 0;
  std::optional<int64_t> last_vote_ts;  // before the decision
  std::optional<int64_t> decision_ts;
  std::optional<int64_t> commit_ts;
  bool executed = false;
};

struct Tally {
  std::map<std::string, int64_t> kinds;
  std::map<std::string, int64_t> entries;
  int64_t tokens_in = 0, tokens_out = 0;
  int64_t commits = 0, aborts = 0, timeouts = 0, approve = 0, deny = 0;
  std::map<Position, IntentTimes> intents;
  std::map<std::string, int64_t> open_inference;  // driver author -> inf_in ts
  Stage inferring, voting, deciding, executing;
  int64_t first_ts = 0, last_ts = 0;
};

void AddEntry(const Entry& entry, Tally* t) {
  ++t->entries[std::string(EntryTypeName(entry.type))];
  switch (entry.type) {
    case EntryType::kInfIn:
      t->tokens_in += entry.inference().tokens;
      t->open_inference[entry.author] = entry.ts;
      break;
    case EntryType::kInfOut: {
      t->tokens_out += entry.inference().tokens;
      auto open = t->open_inference.find(entry.author);
      if (open != t->open_inference.end()) {
        t->inferring.Add(entry.ts - open->second);
        t->open_inference.erase(open);
      }
      break;
    }
    case EntryType::kIntent:
      t->intents[entry.pos].intent_ts = entry.ts;
      break;
    case EntryType::kVote: {
      (entry.vote().approve ? t->approve : t->deny)++;
      auto it = t->intents.find(entry.vote().intent);
      if (it != t->intents.end() && !it->second.decision_ts) it->second.last_vote_ts = entry.ts;
      break;
    }
    case EntryType::kCommit:
    case EntryType::kAbort: {
      auto it = t->intents.find(entry.decision().intent);
      if (it == t->intents.end() || it->second.decision_ts) break;  // only the first decision
      IntentTimes& times = it->second;
      times.decision_ts = entry.ts;
      if (times.last_vote_ts) t->voting.Add(*times.last_vote_ts - times.intent_ts);
      t->deciding.Add(entry.ts - times.last_vote_ts.value_or(times.intent_ts));
      if (entry.type == EntryType::kCommit) {
        ++t->commits;
        times.commit_ts = entry.ts;
      } else if (entry.decision().timeout) {
        ++t->timeouts;
      } else {
        ++t->aborts;
      }
      break;
    }
    case EntryType::kResult: {
      auto it = t->intents.find(entry.result().intent);
      if (it == t->intents.end() || it->second.executed || !it->second.commit_ts) break;
      it->second.executed = true;
      t->executing.Add(entry.ts - *it->second.commit_ts);
      break;
    }
    default:
      break;
  }
}

int64_t RecordTs(const traces::TraceRecord& record) {
  return std::visit([](const auto& r) { return r.ts; }, record);
}

std::string KindName(const traces::TraceRecord& record) {
  static constexpr std::string_view kNames[] = {traces::kKindEntry, traces::kKindEffect,
                                                traces::kKindFault, traces::kKindRestart,
                                                traces::kKindState};
  return std::string(kNames[record.index()]);
}

Json HeaderJson(const traces::TraceHeader& header) {
  std::string line;
  traces::EncodeHeader(header, &line);
  return Json::parse(line);
}

}  // namespace

Result<Json> SummarizeTraceFile(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(LoadedTrace trace, LoadTrace(path));
  Tally t;
  for (size_t i = 0; i < trace.records.size(); ++i) {
    const traces::TraceRecord& record = trace.records[i];
    ++t.kinds[KindName(record)];
    const int64_t ts = RecordTs(record);
    if (i == 0) t.first_ts = ts;
    t.first_ts = std::min(t.first_ts, ts);
    t.last_ts = std::max(t.last_ts, ts);
    if (const Entry* entry = std::get_if<Entry>(&record)) AddEntry(*entry, &t);
  }
  int64_t undecided = 0;
  for (const auto& [pos, times] : t.intents) undecided += times.decision_ts ? 0 : 1;
  Json out = Json::object();
  out["file"] = path;
  out["header"] = HeaderJson(trace.header);
  out["records"] = static_cast<int64_t>(trace.records.size());
  out["kinds"] = t.kinds;
  out["entries"] = t.entries;
  out["tokens"] = {{"in", t.tokens_in}, {"out", t.tokens_out}};
  out["decisions"] = {{"commits", t.commits},
                      {"aborts", t.aborts},
                      {"timeouts", t.timeouts},
                      {"undecided", undecided}};
  out["votes"] = {{"approve", t.approve}, {"deny", t.deny}};
  out["stages"] = {{"inferring", t.inferring.ToJson()},
                   {"voting", t.voting.ToJson()},
                   {"deciding", t.deciding.ToJson()},
                   {"executing", t.executing.ToJson()}};
  out["duration_ms"] = t.last_ts - t.first_ts;
  return out;
}

std::string FormatSummary(const Json& s) {
  std::ostringstream out;
  out << "trace: " << s["file"].get<std::string>() << " (" << s["records"] << " records, source "
      << s["header"].value("source", "?") << ")\n";
  out << "entries:";
  for (const auto& [type, n] : s["entries"].items()) out << " " << type << "=" << n;
  out << "\nrecords:";
  for (const auto& [kind, n] : s["kinds"].items()) out << " " << kind << "=" << n;
  out << "\ntokens: in " << s["tokens"]["in"] << ", out " << s["tokens"]["out"];
  if (s["header"].value("tokens", "") == "approximate") out << " (approximate)";
  const Json& d = s["decisions"];
  out << "\ndecisions: " << d["commits"] << " commits, " << d["aborts"] << " aborts, "
      << d["timeouts"] << " timeouts, " << d["undecided"]
      << " undecided; votes: " << s["votes"]["approve"] << " approve, " << s["votes"]["deny"]
      << " deny\n";
  out << "time per stage (trace ms), duration " << s["duration_ms"] << " ms";
  if (s["header"].value("timestamps", "") == "absent") out << " (timestamps absent in source)";
  out << "\n  stage       count    total_ms     mean_ms   max_ms\n";
  for (const char* stage : {"inferring", "voting", "deciding", "executing"}) {
    const Json& st = s["stages"][stage];
    char line[128];
    std::snprintf(line, sizeof(line), "  %-10s %6lld %11lld %11.1f %8lld\n", stage,
                  static_cast<long long>(st["count"].get<int64_t>()),
                  static_cast<long long>(st["total_ms"].get<int64_t>()),
                  st["mean_ms"].get<double>(), static_cast<long long>(st["max_ms"].get<int64_t>()));
    out << line;
  }
  return out.str();
}

}  // namespace logact::cli
