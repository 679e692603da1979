// LOG-DENSE and LOG-ACL: properties of each entry taken alone (its position
// and its author), independent of what the entry means.
#include <limits>
#include <optional>
#include <string_view>

#include "core/access_control.h"
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"

namespace logact::properties::internal {
namespace {

const char* NamedField(EntryType type) {
  switch (type) {
    case EntryType::kIntent:
    case EntryType::kElect:
      return "driver";
    default:
      return "voter";
  }
}

}  // namespace

bool LogInvariants::OnEntry(const Entry& entry, int64_t line, Reporter* reporter) {
  CheckAcl(entry, line, reporter);
  const Position expected = expected_;
  if (entry.pos == std::numeric_limits<Position>::max()) {
    // No tail can follow this position (pos < tail): a hostile value, ignored.
    reporter->Violate(kLogDense, {line},
                      "entry " + std::string(EntryTypeName(entry.type)) + " has pos " +
                          std::to_string(entry.pos) +
                          ", which leaves no room for a tail; the "
                          "entry is ignored");
    return false;
  }
  if (entry.pos == expected) {
    ++expected_;
    return true;
  }
  std::string where = "entry " + std::string(EntryTypeName(entry.type)) + " has pos " +
                      std::to_string(entry.pos) + " but the next position is " +
                      std::to_string(expected);
  if (entry.pos > expected) {
    // A gap: the entry itself is fine and stays on the log for the other invariants.
    reporter->Violate(kLogDense, {line},
                      where + " (positions " + std::to_string(expected) + ".." +
                          std::to_string(entry.pos - 1) + " are missing)");
    expected_ = entry.pos + 1;
    return true;
  }
  reporter->Violate(kLogDense, {line},
                    where + " (a duplicate or out-of-order position; the entry is ignored)");
  return false;
}

void LogInvariants::CheckAcl(const Entry& entry, int64_t line, Reporter* reporter) {
  // Parsed in place (no Principal allocation): this runs for every entry.
  const std::string_view author = entry.author;
  const size_t slash = author.find('/');
  std::optional<Role> role;
  if (slash != std::string_view::npos && slash + 1 < author.size()) {
    for (const Role candidate : {Role::kDriver, Role::kVoter, Role::kDecider, Role::kExecutor,
                                 Role::kAdmin, Role::kExternal}) {
      if (RoleName(candidate) == author.substr(0, slash)) {
        role = candidate;
        break;  // role names are distinct
      }
    }
  }
  if (!role.has_value()) {
    reporter->Violate(kLogAcl, {line},
                      "entry at pos " + std::to_string(entry.pos) + " has author '" + entry.author +
                          "', which is not of the form role/name");
    return;
  }
  if (!RoleMayAppend(*role, entry.type)) {
    reporter->Violate(kLogAcl, {line},
                      std::string(EntryTypeName(entry.type)) + " entry at pos " +
                          std::to_string(entry.pos) + " was appended by '" + entry.author +
                          "', but role " + std::string(RoleName(*role)) + " may not append " +
                          std::string(EntryTypeName(entry.type)) + " entries");
    return;
  }
  std::string_view field;
  const std::string* named = NamedPrincipal(entry, &field);
  if (named != nullptr && *named != author.substr(slash + 1)) {
    reporter->Violate(kLogAcl, {line},
                      std::string(EntryTypeName(entry.type)) + " entry at pos " +
                          std::to_string(entry.pos) + " by '" + entry.author + "' names " +
                          NamedField(entry.type) + " '" + *named +
                          "', which differs from the author's name");
  }
}

}  // namespace logact::properties::internal
