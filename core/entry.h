// Bus entries: the value types that make up the AgentBus log (SPEC §1, §5).
//
// An Entry is a header {pos, ts, type, author} plus a typed payload. Entries
// are plain values: copying one copies everything, and two entries compare
// equal iff every field (including unknown fields kept in `extra`) is equal.
// The numeric values of EntryType and the type names are persisted (SQLite
// rows, traces): do not change them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/json.h"
#include "core/status.h"

namespace logact {

// A position on the bus: an index, dense from 0. The tail is a count: every
// entry has pos < tail.
using Position = int64_t;
inline constexpr Position kNoPosition = -1;

// Persisted values: do not change.
enum class EntryType : uint8_t {
  kMail = 0,
  kInfIn = 1,
  kInfOut = 2,
  kIntent = 3,
  kVote = 4,
  kCommit = 5,
  kAbort = 6,
  kResult = 7,
  kElect = 8,
  kPolicy = 9,
  kOutput = 10,
};
inline constexpr int kEntryTypeCount = 11;

// "mail", "inf_in", ...; the names of SPEC §1.
std::string_view EntryTypeName(EntryType type);
// REQUIRES: nothing. Returns kInvalidArgument for an unknown name.
Result<EntryType> ParseEntryType(std::string_view name);

// The role part of an author principal "role/name".
enum class Role : uint8_t { kDriver, kVoter, kDecider, kExecutor, kAdmin, kExternal };
std::string_view RoleName(Role role);

struct Principal {
  Role role = Role::kExternal;
  std::string name;
  std::string ToString() const;  // "role/name"
  friend bool operator==(const Principal&, const Principal&) = default;
};
// Parses "role/name" (name non-empty). kInvalidArgument otherwise.
Result<Principal> ParsePrincipal(std::string_view author);

// An action the driver wants to run: a tool name and its JSON object of arguments.
struct Action {
  std::string tool;
  Json args = Json::object();
  // The action as compact JSON with sorted keys: {"args":{...},"tool":"..."}.
  std::string ToText() const;
  friend bool operator==(const Action&, const Action&) = default;
};

struct MailPayload {
  std::string from;
  std::string body;
  friend bool operator==(const MailPayload&, const MailPayload&) = default;
};
// inf_in and inf_out.
struct InferencePayload {
  std::string text;
  int64_t tokens = 0;
  friend bool operator==(const InferencePayload&, const InferencePayload&) = default;
};
struct IntentPayload {
  Action action;
  std::string driver;
  int64_t epoch = 0;
  friend bool operator==(const IntentPayload&, const IntentPayload&) = default;
};
struct VotePayload {
  Position intent = kNoPosition;
  std::string voter;
  std::string voter_type;
  bool approve = false;
  std::string reason;
  friend bool operator==(const VotePayload&, const VotePayload&) = default;
};
// commit and abort.
struct DecisionPayload {
  Position intent = kNoPosition;
  std::string reason;
  bool timeout = false;  // only on a timeout abort
  friend bool operator==(const DecisionPayload&, const DecisionPayload&) = default;
};
struct ResultPayload {
  Position intent = kNoPosition;  // -1 only on a restart marker with nothing pending
  bool ok = false;
  std::string output;
  bool restart = false;  // the executor's restart marker (SPEC §2)
  friend bool operator==(const ResultPayload&, const ResultPayload&) = default;
};
struct ElectPayload {
  std::string driver;
  int64_t epoch = 0;
  friend bool operator==(const ElectPayload&, const ElectPayload&) = default;
};
struct PolicyPayload {
  int64_t version = 0;
  int64_t expected_version = 0;
  Json decider;  // null when the entry leaves the decider policy unchanged
  Json voters;   // null when the entry leaves the voter configuration unchanged
  friend bool operator==(const PolicyPayload&, const PolicyPayload&) = default;
};
struct OutputPayload {
  std::string text;
  friend bool operator==(const OutputPayload&, const OutputPayload&) = default;
};

using Payload = std::variant<MailPayload, InferencePayload, IntentPayload, VotePayload,
                             DecisionPayload, ResultPayload, ElectPayload, PolicyPayload,
                             OutputPayload>;

struct Entry {
  Position pos = kNoPosition;  // assigned by the bus on append
  int64_t ts = 0;              // milliseconds from the engine's Clock, assigned on append
  EntryType type = EntryType::kMail;
  std::string author;  // "role/name"
  Payload payload;
  Json extra;  // unknown fields of a recorded entry, preserved; null when none

  // Typed access. REQUIRES: the payload holds that alternative (asserted).
  const MailPayload& mail() const;
  const InferencePayload& inference() const;
  const IntentPayload& intent() const;
  const VotePayload& vote() const;
  const DecisionPayload& decision() const;
  const ResultPayload& result() const;
  const ElectPayload& elect() const;
  const PolicyPayload& policy() const;
  const OutputPayload& output() const;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// Whether `payload` is the alternative that `type` requires (commit and abort
// share DecisionPayload; inf_in and inf_out share InferencePayload).
bool PayloadMatchesType(EntryType type, const Payload& payload);

// Constructors that keep type and payload consistent. pos and ts are left for the bus.
Entry MakeMail(std::string author, std::string from, std::string body);
Entry MakeInference(EntryType type, std::string author, std::string text, int64_t tokens);
Entry MakeIntent(std::string author, Action action, std::string driver, int64_t epoch);
Entry MakeVote(std::string author, VotePayload vote);
Entry MakeDecision(EntryType type, std::string author, DecisionPayload decision);
Entry MakeResult(std::string author, ResultPayload result);
Entry MakeElect(std::string author, std::string driver, int64_t epoch);
Entry MakePolicy(std::string author, PolicyPayload policy);
Entry MakeOutput(std::string author, std::string text);

// A set of entry types, for read and poll filters. An empty filter matches nothing.
class TypeFilter {
 public:
  constexpr TypeFilter() = default;
  constexpr TypeFilter(std::initializer_list<EntryType> types) {
    for (EntryType t : types) mask_ |= Bit(t);
  }
  // The filter whose bits are set in `mask` (bit i = EntryType i); other bits ignored.
  static constexpr TypeFilter FromMask(uint32_t mask) {
    TypeFilter f;
    f.mask_ = mask & ((1u << kEntryTypeCount) - 1);
    return f;
  }
  static constexpr TypeFilter All() {
    TypeFilter f;
    f.mask_ = (1u << kEntryTypeCount) - 1;
    return f;
  }
  constexpr bool Contains(EntryType t) const { return (mask_ & Bit(t)) != 0; }
  constexpr bool empty() const { return mask_ == 0; }
  constexpr uint32_t mask() const { return mask_; }

 private:
  static constexpr uint32_t Bit(EntryType t) { return 1u << static_cast<uint32_t>(t); }
  uint32_t mask_ = 0;
};

}  // namespace logact
