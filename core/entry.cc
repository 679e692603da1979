#include "core/entry.h"

#include <array>

#include "core/assert.h"

namespace logact {
namespace {
// Index = EntryType value. Persisted: do not change.
constexpr std::array<std::string_view, kEntryTypeCount> kTypeNames = {
    "mail", "inf_in", "inf_out", "intent", "vote", "commit",
    "abort", "result", "elect", "policy", "output"};
constexpr std::array<std::string_view, 6> kRoleNames = {"driver", "voter",  "decider",
                                                        "executor", "admin", "external"};

template <typename T>
const T& Get(const Entry& e) {
  const T* p = std::get_if<T>(&e.payload);
  LOGACT_ASSERT(p != nullptr);
  return *p;
}
}  // namespace

std::string_view EntryTypeName(EntryType type) {
  const auto index = static_cast<size_t>(type);
  LOGACT_ASSERT_LT(index, kTypeNames.size());
  return kTypeNames[index];
}

Result<EntryType> ParseEntryType(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<EntryType>(i);
  }
  return InvalidArgumentError("unknown entry type '" + std::string(name) + "'");
}

std::string_view RoleName(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

std::string Principal::ToString() const {
  std::string s(RoleName(role));
  s += '/';
  s += name;
  return s;
}

Result<Principal> ParsePrincipal(std::string_view author) {
  const size_t slash = author.find('/');
  if (slash == std::string_view::npos || slash + 1 >= author.size()) {
    return InvalidArgumentError("author '" + std::string(author) +
                                "' is not of the form role/name");
  }
  const std::string_view role = author.substr(0, slash);
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == role) {
      return Principal{static_cast<Role>(i), std::string(author.substr(slash + 1))};
    }
  }
  return InvalidArgumentError("author '" + std::string(author) + "' has unknown role '" +
                              std::string(role) + "'");
}

std::string Action::ToText() const {
  Json j = Json::object();
  j["tool"] = tool;
  j["args"] = args;
  return CompactJson(j);
}

const MailPayload& Entry::mail() const { return Get<MailPayload>(*this); }
const InferencePayload& Entry::inference() const { return Get<InferencePayload>(*this); }
const IntentPayload& Entry::intent() const { return Get<IntentPayload>(*this); }
const VotePayload& Entry::vote() const { return Get<VotePayload>(*this); }
const DecisionPayload& Entry::decision() const { return Get<DecisionPayload>(*this); }
const ResultPayload& Entry::result() const { return Get<ResultPayload>(*this); }
const ElectPayload& Entry::elect() const { return Get<ElectPayload>(*this); }
const PolicyPayload& Entry::policy() const { return Get<PolicyPayload>(*this); }
const OutputPayload& Entry::output() const { return Get<OutputPayload>(*this); }

bool PayloadMatchesType(EntryType type, const Payload& payload) {
  switch (type) {
    case EntryType::kMail: return std::holds_alternative<MailPayload>(payload);
    case EntryType::kInfIn:
    case EntryType::kInfOut: return std::holds_alternative<InferencePayload>(payload);
    case EntryType::kIntent: return std::holds_alternative<IntentPayload>(payload);
    case EntryType::kVote: return std::holds_alternative<VotePayload>(payload);
    case EntryType::kCommit:
    case EntryType::kAbort: return std::holds_alternative<DecisionPayload>(payload);
    case EntryType::kResult: return std::holds_alternative<ResultPayload>(payload);
    case EntryType::kElect: return std::holds_alternative<ElectPayload>(payload);
    case EntryType::kPolicy: return std::holds_alternative<PolicyPayload>(payload);
    case EntryType::kOutput: return std::holds_alternative<OutputPayload>(payload);
  }
  return false;
}

namespace {
Entry Make(EntryType type, std::string author, Payload payload) {
  Entry e;
  e.type = type;
  e.author = std::move(author);
  e.payload = std::move(payload);
  LOGACT_ASSERT(PayloadMatchesType(e.type, e.payload));
  return e;
}
}  // namespace

Entry MakeMail(std::string author, std::string from, std::string body) {
  return Make(EntryType::kMail, std::move(author), MailPayload{std::move(from), std::move(body)});
}
Entry MakeInference(EntryType type, std::string author, std::string text, int64_t tokens) {
  LOGACT_ASSERT(type == EntryType::kInfIn || type == EntryType::kInfOut);
  return Make(type, std::move(author), InferencePayload{std::move(text), tokens});
}
Entry MakeIntent(std::string author, Action action, std::string driver, int64_t epoch) {
  return Make(EntryType::kIntent, std::move(author),
              IntentPayload{std::move(action), std::move(driver), epoch});
}
Entry MakeVote(std::string author, VotePayload vote) {
  return Make(EntryType::kVote, std::move(author), std::move(vote));
}
Entry MakeDecision(EntryType type, std::string author, DecisionPayload decision) {
  LOGACT_ASSERT(type == EntryType::kCommit || type == EntryType::kAbort);
  return Make(type, std::move(author), std::move(decision));
}
Entry MakeResult(std::string author, ResultPayload result) {
  return Make(EntryType::kResult, std::move(author), std::move(result));
}
Entry MakeElect(std::string author, std::string driver, int64_t epoch) {
  return Make(EntryType::kElect, std::move(author), ElectPayload{std::move(driver), epoch});
}
Entry MakePolicy(std::string author, PolicyPayload policy) {
  return Make(EntryType::kPolicy, std::move(author), std::move(policy));
}
Entry MakeOutput(std::string author, std::string text) {
  return Make(EntryType::kOutput, std::move(author), OutputPayload{std::move(text)});
}

}  // namespace logact
