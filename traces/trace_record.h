// Trace records (SPEC §5): the lines of a trace file after the header.
//
// A record is an entry of the bus or one of the simulator's observations
// (effect, fault, restart, state). Records are values. Unknown fields of a
// recorded trace are preserved in `extra`. The record kind names are persisted
// (traces/trace_format.h): do not change them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/entry.h"
#include "core/json.h"

namespace logact::traces {

// The environment changed because the executor ran intent `intent`.
struct EffectRecord {
  int64_t ts = 0;
  Position intent = kNoPosition;
  std::string executor;  // principal, e.g. "executor/x0"
  Action action;         // written as "tool" and "args"
  Json extra;
  friend bool operator==(const EffectRecord&, const EffectRecord&) = default;
};

// The simulator injected a fault of kind `fault` into `target`.
struct FaultRecord {
  int64_t ts = 0;
  std::string fault;
  std::string target;
  Json extra;  // kind-specific details
  friend bool operator==(const FaultRecord&, const FaultRecord&) = default;
};

// Component `target` restarted and replays from `from_pos`.
struct RestartRecord {
  int64_t ts = 0;
  std::string target;
  Position from_pos = 0;
  Json extra;
  friend bool operator==(const RestartRecord&, const RestartRecord&) = default;
};

// A state digest of `target` after playing up to `pos` (target "env": the environment).
struct StateRecord {
  int64_t ts = 0;
  std::string target;
  Position pos = 0;
  std::string digest;
  Json extra;
  friend bool operator==(const StateRecord&, const StateRecord&) = default;
};

using TraceRecord = std::variant<Entry, EffectRecord, FaultRecord, RestartRecord, StateRecord>;

// An effect record's fields, borrowed for one call: how the simulator reports
// an effect without copying the action (and its JSON arguments) into an
// EffectRecord first. `action` may be the very object the executor ran.
struct EffectView {
  int64_t ts = 0;
  Position intent = kNoPosition;
  const std::string& executor;
  const Action& action;
  const Json& extra;
};
inline EffectView ViewOf(const EffectRecord& effect) {
  return EffectView{effect.ts, effect.intent, effect.executor, effect.action, effect.extra};
}
inline EffectRecord RecordOf(const EffectView& effect) {
  return EffectRecord{effect.ts, effect.intent, effect.executor, effect.action, effect.extra};
}

struct TraceHeader {
  int64_t version = 1;
  std::optional<uint64_t> seed;
  std::optional<std::string> scenario;
  std::string source = "sim";  // "sim" or "recorded"
  Json extra;                  // other header fields (e.g. "options"), preserved
  friend bool operator==(const TraceHeader&, const TraceHeader&) = default;
};

// Receives records in the order they happened. The simulator feeds one to the
// trace writer and, for online checking, to the invariant checker.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void OnHeader(const TraceHeader& header) = 0;
  virtual void OnRecord(const TraceRecord& record) = 0;
  // An entry record: the same as OnRecord(TraceRecord(entry)), which is what
  // the default does. The simulator calls it with the entry its bus stores,
  // so that a sink that overrides it (the trace writer, the checker) reads
  // that entry in place instead of the simulator copying every entry into a
  // record first. `entry` is valid for the call only.
  virtual void OnEntry(const Entry& entry) { OnRecord(TraceRecord(entry)); }
  // An effect record: the same as OnRecord(TraceRecord(RecordOf(effect))),
  // which is what the default does; the trace writer and the checker read
  // the borrowed fields instead. `effect` is valid for the call only.
  virtual void OnEffect(const EffectView& effect) { OnRecord(TraceRecord(RecordOf(effect))); }
};

}  // namespace logact::traces
