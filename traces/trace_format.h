// The persisted names of the trace format (SPEC §5; prose spec in
// docs/trace_format.md). The writer (traces/trace_writer.h) and the reader
// (traces/trace_reader.h) share these constants so that a name is spelled in
// exactly one place.
//
// EVERY VALUE IN THIS FILE IS PERSISTED: traces written by one version of
// LogAct Sim are read by later ones. Do not change them; a format change bumps
// kTraceVersion and keeps reading the old one.
#pragma once

#include <cstdint>
#include <string_view>

namespace logact::traces {

// Header (line 1 of every trace). Do not change.
inline constexpr std::string_view kTraceFormatName = "logact-trace";
inline constexpr int64_t kTraceVersion = 1;

inline constexpr std::string_view kHeaderFormat = "format";
inline constexpr std::string_view kHeaderVersion = "version";
inline constexpr std::string_view kHeaderSeed = "seed";
inline constexpr std::string_view kHeaderScenario = "scenario";
inline constexpr std::string_view kHeaderSource = "source";

// Values of the header's "source". Do not change.
inline constexpr std::string_view kSourceSim = "sim";
inline constexpr std::string_view kSourceRecorded = "recorded";

// Every record (lines 2..n) starts with this field. Do not change.
inline constexpr std::string_view kRecordKindField = "kind";

// Record kinds. Do not change.
inline constexpr std::string_view kKindEntry = "entry";
inline constexpr std::string_view kKindEffect = "effect";
inline constexpr std::string_view kKindFault = "fault";
inline constexpr std::string_view kKindRestart = "restart";
inline constexpr std::string_view kKindState = "state";

// Field names of the non-entry records (entries use core/entry_codec.h). Do not change.
inline constexpr std::string_view kFieldTs = "ts";
inline constexpr std::string_view kFieldIntent = "intent";      // effect
inline constexpr std::string_view kFieldExecutor = "executor";  // effect
inline constexpr std::string_view kFieldTool = "tool";          // effect
inline constexpr std::string_view kFieldArgs = "args";          // effect
inline constexpr std::string_view kFieldFault = "fault";        // fault
inline constexpr std::string_view kFieldTarget = "target";      // fault, restart, state
inline constexpr std::string_view kFieldFromPos = "from_pos";   // restart
inline constexpr std::string_view kFieldPos = "pos";            // state
inline constexpr std::string_view kFieldDigest = "digest";      // state

// The state record target that carries the environment's digest (ENV-CONSISTENT).
inline constexpr std::string_view kEnvTarget = "env";

// An optional effect field: the idempotency key the executor passed to the
// tool, so that a checker replaying effects passes the same key.
inline constexpr std::string_view kFieldIdempotencyKey = "idempotency_key";

// Pseudo field names used in error reports when no single field is at fault.
inline constexpr std::string_view kErrorFieldJson = "(json)";      // not one JSON object
inline constexpr std::string_view kErrorFieldHeader = "(header)";  // no header line at all
inline constexpr std::string_view kErrorFieldLine = "(line)";      // blank or oversized line

}  // namespace logact::traces
