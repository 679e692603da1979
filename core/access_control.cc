// Type-level access control: the checks every bus backend runs before storing.
//
// CheckAppend runs on every append of every backend, including the
// simulator's million-entries-per-second memory bus, so the common path
// parses the author with string_views and allocates nothing; the error paths
// build their messages only when they are taken.
#include "core/access_control.h"

#include <array>
#include <string>
#include <string_view>

#include "core/assert.h"
#include "core/decider_policy.h"

namespace logact {
namespace {

// Bit r of kAllowedRoles[type] is set iff role r may append that type (SPEC §1).
constexpr uint8_t RoleBit(Role role) { return static_cast<uint8_t>(1u << static_cast<int>(role)); }
constexpr std::array<uint8_t, kEntryTypeCount> kAllowedRoles = {
    RoleBit(Role::kExternal),  // mail
    RoleBit(Role::kDriver),    // inf_in
    RoleBit(Role::kDriver),    // inf_out
    RoleBit(Role::kDriver),    // intent
    RoleBit(Role::kVoter),     // vote
    RoleBit(Role::kDecider),   // commit
    RoleBit(Role::kDecider),   // abort
    RoleBit(Role::kExecutor),  // result
    RoleBit(Role::kDriver),    // elect
    RoleBit(Role::kAdmin),     // policy
    RoleBit(Role::kDriver),    // output
};
static_assert(kAllowedRoles.size() == static_cast<size_t>(EntryType::kOutput) + 1);

constexpr std::array<std::pair<std::string_view, Role>, 6> kRoles = {{
    {"driver", Role::kDriver},
    {"voter", Role::kVoter},
    {"decider", Role::kDecider},
    {"executor", Role::kExecutor},
    {"admin", Role::kAdmin},
    {"external", Role::kExternal},
}};

// The author split without copying. Valid only while the entry lives.
struct AuthorView {
  Role role = Role::kExternal;
  std::string_view name;
};

// Same acceptance as ParsePrincipal (core/entry.h), which builds the error message.
bool SplitAuthor(std::string_view author, AuthorView* out) {
  const size_t slash = author.find('/');
  if (slash == std::string_view::npos || slash + 1 >= author.size()) return false;
  const std::string_view role = author.substr(0, slash);
  for (const auto& [name, value] : kRoles) {
    if (name == role) {
      out->role = value;
      out->name = author.substr(slash + 1);
      return true;
    }
  }
  return false;
}

Status CheckPolicy(const PolicyPayload& policy) {
  // DEC-POLICY: an entry with version <= expected_version could never apply;
  // accepting it would only put an invariant violation on the log.
  if (policy.version <= policy.expected_version) {
    return InvalidArgumentError("policy version " + std::to_string(policy.version) +
                                " must exceed expected_version " +
                                std::to_string(policy.expected_version));
  }
  if (policy.decider.is_null()) return Status::Ok();
  const Result<DeciderPolicy> parsed = ParseDeciderPolicy(policy.decider, "decider");
  if (!parsed.has_value()) {
    return InvalidArgumentError("malformed policy: field 'decider': " + parsed.error().message());
  }
  return Status::Ok();
}

}  // namespace

const std::string* NamedPrincipal(const Entry& entry, std::string_view* field) {
  switch (entry.type) {
    case EntryType::kIntent:
      *field = "driver";
      return &entry.intent().driver;
    case EntryType::kElect:
      *field = "driver";
      return &entry.elect().driver;
    case EntryType::kVote:
      *field = "voter";
      return &entry.vote().voter;
    default:
      return nullptr;
  }
}

bool RoleMayAppend(Role role, EntryType type) {
  const auto index = static_cast<size_t>(type);
  LOGACT_ASSERT_LT(index, kAllowedRoles.size());
  return (kAllowedRoles[index] & RoleBit(role)) != 0;
}

Status CheckAppend(const Entry& entry) {
  if (static_cast<size_t>(entry.type) >= kAllowedRoles.size()) {
    return InvalidArgumentError("unknown entry type " +
                                std::to_string(static_cast<int>(entry.type)));
  }
  if (!PayloadMatchesType(entry.type, entry.payload)) {
    return InvalidArgumentError("payload does not match entry type '" +
                                std::string(EntryTypeName(entry.type)) + "'");
  }
  AuthorView author;
  if (!SplitAuthor(entry.author, &author)) {
    const Result<Principal> parsed = ParsePrincipal(entry.author);  // for its message
    LOGACT_ASSERT(!parsed.has_value());
    return parsed.error();
  }
  if (!RoleMayAppend(author.role, entry.type)) {
    return PermissionDeniedError("role '" + std::string(RoleName(author.role)) +
                                 "' may not append '" + std::string(EntryTypeName(entry.type)) +
                                 "' entries (author '" + entry.author + "')");
  }
  std::string_view field;
  if (const std::string* named = NamedPrincipal(entry, &field);
      named != nullptr && *named != author.name) {
    return PermissionDeniedError("author '" + entry.author + "' may not append a '" +
                                 std::string(EntryTypeName(entry.type)) + "' entry whose " +
                                 std::string(field) + " is '" + *named + "'");
  }
  if (entry.type == EntryType::kPolicy) return CheckPolicy(entry.policy());
  return Status::Ok();
}

}  // namespace logact
