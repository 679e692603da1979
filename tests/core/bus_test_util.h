// Helpers shared by the AgentBus tests (access control, conformance, SQLite):
// sample entries of every type and temporary database paths.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/entry.h"
#include "core/status.h"

namespace logact::testing {

// Boost.Test prints string_views but not StatusCode: compare code names.
inline std::string_view CodeOf(const Status& status) { return StatusCodeName(status.code()); }
template <typename T>
std::string_view CodeOf(const Result<T>& result) {
  return StatusCodeName(result.status().code());
}

// A well-formed entry of `type` by `author` ("role/name"): the payload's
// driver/voter is the author's name, so only the role decides whether the
// bus accepts it. Strings include non-ASCII text to exercise encoding.
inline Entry SampleEntry(EntryType type, const std::string& author) {
  const size_t slash = author.find('/');
  const std::string name = slash == std::string::npos ? author : author.substr(slash + 1);
  switch (type) {
    case EntryType::kMail:
      return MakeMail(author, name, "h\xc3\xa9llo \xe2\x9c\x93");
    case EntryType::kInfIn:
    case EntryType::kInfOut:
      return MakeInference(type, author, "think \"hard\"\n", 7);
    case EntryType::kIntent:
      return MakeIntent(author, Action{"send_money", Json{{"to", "DE89"}, {"amount", 12.5}}}, name,
                        2);
    case EntryType::kVote:
      return MakeVote(author, VotePayload{0, name, "rules", false, "r\xc3\xa8gle 3"});
    case EntryType::kCommit:
    case EntryType::kAbort:
      return MakeDecision(type, author, DecisionPayload{0, "decided", type == EntryType::kAbort});
    case EntryType::kResult:
      return MakeResult(author, ResultPayload{0, true, "ok \t", false});
    case EntryType::kElect:
      return MakeElect(author, name, 3);
    case EntryType::kPolicy:
      return MakePolicy(author,
                        PolicyPayload{1, 0, Json{{"kind", "any_of"}, {"types", {"llm"}}},
                                      Json::array({Json{{"voter", "j"}, {"type", "llm"}}})});
    case EntryType::kOutput:
      return MakeOutput(author, "\xe6\x97\xa5\xe6\x9c\xac done");
  }
  return Entry();
}

// The role allowed to append `type` (SPEC §1 table), as an author principal.
inline std::string AllowedAuthor(EntryType type) {
  switch (type) {
    case EntryType::kMail:
      return "external/alice";
    case EntryType::kVote:
      return "voter/v1";
    case EntryType::kCommit:
    case EntryType::kAbort:
      return "decider/d0";
    case EntryType::kResult:
      return "executor/x0";
    case EntryType::kPolicy:
      return "admin/root";
    default:
      return "driver/agent";
  }
}

inline constexpr Role kAllRoles[] = {Role::kDriver,   Role::kVoter, Role::kDecider,
                                     Role::kExecutor, Role::kAdmin, Role::kExternal};

inline EntryType TypeAt(int index) { return static_cast<EntryType>(index); }

// A fresh path in the temp directory that nothing else uses; RemoveDatabase
// deletes it with its WAL and shared-memory companions.
inline std::string TempDatabasePath(std::string_view tag) {
  static std::atomic<int> counter{0};
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("logact-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" +
       std::to_string(counter++) + ".db");
  std::filesystem::remove(path);
  return path.string();
}
inline void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ignored;
    std::filesystem::remove(path + suffix, ignored);
  }
}

}  // namespace logact::testing
