// Every explicit limit of LogAct Sim, with the reason for its value. Every loop
// and queue is bounded by one of these; hitting one is a kResourceExhausted
// error (or, in the simulator, a liveness failure that names what is pending),
// never a hang.
#pragma once

#include <cstddef>
#include <cstdint>

namespace logact::limits {

// Voters one policy may configure. A policy is a human-written document; 64 is
// far above any real guardrail set and keeps per-intent tallies small.
inline constexpr size_t kVotersMax = 64;
// Rules in one rule voter: the verification benchmark uses 200; 10,000 bounds
// the work of one vote.
inline constexpr size_t kRulesPerVoterMax = 10'000;
// Nesting of all/any/not in one condition: deep enough for generated policies,
// shallow enough that recursive evaluation cannot exhaust the stack.
inline constexpr size_t kConditionDepthMax = 64;
// Length of a regex pattern in a condition, in bytes.
inline constexpr size_t kRegexLengthMax = 4096;
// Largest count in a regex repetition {m,n}: counted repetitions are expanded
// into NFA states, so the count multiplies the program size. 1000 covers any
// realistic field-length check ("[0-9]{1,34}" for an IBAN).
inline constexpr int kRegexRepeatMax = 1000;
// Nesting of groups in one regex: parsing, compiling and the Z3 translation
// recurse on it, so it bounds their stack depth.
inline constexpr size_t kRegexNestingMax = 100;
// NFA instructions of one compiled regex, after expanding every {m,n}. Bounds
// the memory of a pattern such as ((a{1000}){1000}){1000} and makes matching
// at most this many steps per input byte.
inline constexpr size_t kRegexProgramMax = 20'000;
// Bytes in one trace line or one stored entry: a bound for readers of hostile files.
inline constexpr size_t kTraceLineBytesMax = 16u << 20;
// Nesting depth of the JSON on one trace line. Real records nest a few levels
// (record, args, a nested argument); later stages (dump, equality) recurse over
// the value, so a hostile line must not be able to exhaust the stack.
inline constexpr size_t kTraceJsonDepthMax = 256;
// Violations an invariant checker lists per invariant; later ones are only
// counted, so that a systematic bug in a million-record trace yields a readable
// report in bounded memory.
inline constexpr size_t kViolationsPerInvariantMax = 100;
// `logact trace html`: records drawn in one page, lanes (components) drawn
// side by side, and bytes of one record's JSON embedded for the click-through
// view. A browser stays responsive with a few thousand absolutely positioned
// boxes; beyond that the page says how many records it left out.
inline constexpr size_t kTraceHtmlRecordsMax = 5'000;
inline constexpr size_t kTraceHtmlLanesMax = 40;
inline constexpr size_t kTraceHtmlRecordBytesMax = 16u << 10;
// Entries one poll may return.
inline constexpr size_t kPollEntriesMax = 4096;
// Bytes of a SQLite bus file that reads map into memory (PRAGMA mmap_size):
// a replay then reads pages in place instead of copying each through pread
// (at 1 M entries, ~150 MB, the copies were a tenth of the replay's CPU).
// 1 GiB of address space covers ~7 M entries; the rest is read as before.
inline constexpr int64_t kSqliteMmapBytes = int64_t{1} << 30;
// Steps of one simulation before it is declared stuck. A bank task takes a few
// hundred; 10 million leaves room for the benchmark's long runs.
inline constexpr uint64_t kSimStepsMax = 10'000'000;
// Worker processes of one `logact swarm` (--jobs): each holds two pipes and
// one simulation in memory; 256 is far above any core count we run on and
// keeps a typo like --jobs 100000 from exhausting file descriptors.
inline constexpr int kSwarmJobsMax = 256;
// Bytes of one file given to `logact trace import` (one JSON document, parsed
// whole): recorded runs are kilobytes to a few megabytes; 256 MiB bounds the
// memory a hostile file can make the importer use.
inline constexpr size_t kImportFileBytesMax = 256u << 20;
// Mail a driver buffers while an intent is in flight.
inline constexpr size_t kMailBufferMax = 1024;
// Messages in one LLM conversation (the driver's context window, in turns).
// The driver keeps one request and slides this window over it, so a bigger
// window costs memory and a move per turn; 64 turns (32 inferences) is more
// than any built-in task needs, and the mock LLM keeps its plan position
// across dropped turns (sim/mock_llm.h).
inline constexpr size_t kConversationTurnsMax = 64;
// Snapshots a SnapshotStore keeps per component: a crash can lose only the
// newest write, so a short history is enough to fall back on; more is memory.
inline constexpr size_t kSnapshotsKeptMax = 4;
// Faults in one fault schedule (sim/fault_schedule.h) and runs of one
// `logact shrink`. A safety phase injects tens of faults at the heaviest
// rates; 100,000 bounds what a hostile schedule file makes us index. Delta
// debugging needs O(n^2) runs at worst; 5,000 runs of a bank task take a few
// minutes, after which the shrinker stops with the smallest failure so far.
inline constexpr size_t kFaultScheduleFaultsMax = 100'000;
inline constexpr int64_t kShrinkRunsMax = 5'000;

static_assert(kPollEntriesMax >= 1);
static_assert(kRegexProgramMax >= 4 * static_cast<size_t>(kRegexRepeatMax),
              "a single counted repetition at the largest count must compile");
static_assert(kRulesPerVoterMax >= 200, "the policy benchmark validates 200 rules");

// Default Z3 time-out per query of `logact voters validate|diff`, in ms: a
// string query that runs away (Z3's sequence solver can) ends as "unknown"
// (exit 1, never "safe") instead of hanging the command; --timeout-ms 0 lifts it.
inline constexpr int64_t kPolicyQueryTimeoutMsDefault = 10'000;
// Native pre-pass of the dead-rule check (verify/policy_witness.h): at most this
// many candidate actions (a few per rule per tool: a 200-rule policy proposes
// ~2,000) and vote scenarios are replayed; beyond, the remaining rules go to Z3.
inline constexpr size_t kPolicyWitnessCandidatesMax = 20'000;
inline constexpr size_t kPolicyWitnessScenariosMax = 256;
// Time-out of a dead-rule "cover" query (rule ⇒ other rules): a shortcut that
// proves in milliseconds or not at all; unknown falls back to the full query.
inline constexpr int64_t kPolicyCoverQueryTimeoutMs = 1'000;
// First pass over the cover proposals: each real cover query gets this much,
// so a wrong proposal (sat, up to 0.8 s on a 200-rule policy) does not delay
// a right one; proposals left unknown get kPolicyCoverQueryTimeoutMs after.
inline constexpr int64_t kPolicyCoverQuickTimeoutMs = 100;
static_assert(kPolicyCoverQuickTimeoutMs < kPolicyCoverQueryTimeoutMs);
// String lemmas of the dead-rule abstraction (verify/byte_automaton.h): a
// regex whose byte NFA has more states, or a pair of conditions whose product
// needs more states to explore, gets no inclusion/disjointness lemma (the
// query is then asked to Z3 as before).
inline constexpr size_t kPolicyLemmaNfaStatesMax = 2'000;
inline constexpr size_t kPolicyLemmaProductStatesMax = 4'000;

// Probes the mock LLM asks after an executor restart marker before it stops
// probing and re-proposes the interrupted action (sim/mock_llm.h): a probe
// that fails, is denied or gives no answer is asked again, but a voter set
// that always denies it must not stall the task. The idempotency key keeps
// that re-proposal safe for idempotent tools. Three rides out a fault or two.
inline constexpr int64_t kRecoveryProbeAttemptsMax = 3;

}  // namespace logact::limits
