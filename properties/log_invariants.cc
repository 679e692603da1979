// LOG-DENSE and LOG-ACL: properties of each entry taken alone (its position
// and its author), independent of what the entry means.
#include "core/access_control.h"
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"

namespace logact::properties::internal {
namespace {

// The payload name that must equal the author's name, or null if the type has none.
const std::string* NamedPrincipal(const Entry& entry) {
  switch (entry.type) {
    case EntryType::kIntent:
      return &entry.intent().driver;
    case EntryType::kElect:
      return &entry.elect().driver;
    case EntryType::kVote:
      return &entry.vote().voter;
    default:
      return nullptr;
  }
}

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
  const Result<Principal> author = ParsePrincipal(entry.author);
  if (!author.has_value()) {
    reporter->Violate(kLogAcl, {line},
                      "entry at pos " + std::to_string(entry.pos) + " has author '" + entry.author +
                          "', which is not of the form role/name");
    return;
  }
  if (!RoleMayAppend(author->role, entry.type)) {
    reporter->Violate(kLogAcl, {line},
                      std::string(EntryTypeName(entry.type)) + " entry at pos " +
                          std::to_string(entry.pos) + " was appended by '" + entry.author +
                          "', but role " + std::string(RoleName(author->role)) +
                          " may not append " + std::string(EntryTypeName(entry.type)) + " entries");
    return;
  }
  const std::string* named = NamedPrincipal(entry);
  if (named != nullptr && *named != author->name) {
    reporter->Violate(kLogAcl, {line},
                      std::string(EntryTypeName(entry.type)) + " entry at pos " +
                          std::to_string(entry.pos) + " by '" + entry.author + "' names " +
                          NamedField(entry.type) + " '" + *named +
                          "', which differs from the author's name");
  }
}

}  // namespace logact::properties::internal
