// Tests of core/access_control.h: which principal may append which entry.
#include "core/access_control.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

#include "tests/core/bus_test_util.h"

namespace logact {
namespace {

using testing::CodeOf;
using testing::SampleEntry;

BOOST_AUTO_TEST_SUITE(AccessControl)

// The role table is exactly SPEC §1's: each type has one appending role, written out here.
BOOST_AUTO_TEST_CASE(RoleTableMatchesSpec) {
  const std::map<EntryType, Role> owner = {
      {EntryType::kMail, Role::kExternal}, {EntryType::kInfIn, Role::kDriver},
      {EntryType::kInfOut, Role::kDriver}, {EntryType::kIntent, Role::kDriver},
      {EntryType::kVote, Role::kVoter},    {EntryType::kCommit, Role::kDecider},
      {EntryType::kAbort, Role::kDecider}, {EntryType::kResult, Role::kExecutor},
      {EntryType::kElect, Role::kDriver},  {EntryType::kPolicy, Role::kAdmin},
      {EntryType::kOutput, Role::kDriver}};
  BOOST_REQUIRE_EQUAL(owner.size(), static_cast<size_t>(kEntryTypeCount));
  for (Role role : testing::kAllRoles) {
    for (const auto& [type, allowed] : owner) {
      BOOST_CHECK_MESSAGE(RoleMayAppend(role, type) == (role == allowed),
                          std::string(RoleName(role)) + " x " + std::string(EntryTypeName(type)));
    }
  }
}

// CheckAppend accepts every allowed role/type pair and denies every other one.
BOOST_AUTO_TEST_CASE(CheckAppendFollowsTheTable) {
  int denied = 0;
  for (Role role : testing::kAllRoles) {
    for (int t = 0; t < kEntryTypeCount; ++t) {
      const EntryType type = testing::TypeAt(t);
      const std::string author = std::string(RoleName(role)) + "/n1";
      const Status status = CheckAppend(SampleEntry(type, author));
      if (RoleMayAppend(role, type)) {
        BOOST_CHECK_MESSAGE(status.ok(), author + " " + status.ToString());
      } else {
        ++denied;
        BOOST_CHECK_EQUAL(CodeOf(status), "PermissionDenied");
        BOOST_CHECK_NE(status.message().find(std::string(EntryTypeName(type))), std::string::npos);
      }
    }
  }
  BOOST_CHECK_EQUAL(denied, 6 * kEntryTypeCount - kEntryTypeCount);
}

// The author's name must be the payload's driver (intent, elect) or voter (vote).
BOOST_AUTO_TEST_CASE(NameMustMatchPayload) {
  Entry intent = SampleEntry(EntryType::kIntent, "driver/agent");
  BOOST_CHECK(CheckAppend(intent).ok());
  intent = MakeIntent("driver/agent", Action{"t", Json::object()}, "other", 1);
  BOOST_CHECK_EQUAL(CodeOf(CheckAppend(intent)), "PermissionDenied");
  BOOST_CHECK_EQUAL(CodeOf(CheckAppend(MakeElect("driver/a", "b", 1))), "PermissionDenied");
  BOOST_CHECK_EQUAL(CodeOf(CheckAppend(MakeVote("voter/a", VotePayload{0, "b", "t", true, ""}))),
                    "PermissionDenied");
  // Names are compared exactly: no prefix or case folding.
  BOOST_CHECK_EQUAL(CodeOf(CheckAppend(MakeElect("driver/ab", "a", 1))), "PermissionDenied");
  BOOST_CHECK_EQUAL(CodeOf(CheckAppend(MakeElect("driver/A", "a", 1))), "PermissionDenied");
  // Types without a named principal do not compare names.
  BOOST_CHECK(CheckAppend(MakeMail("external/bob", "alice", "hi")).ok());
}

// A malformed author or a payload of the wrong alternative is bad input, not a denial.
BOOST_AUTO_TEST_CASE(RejectsMalformedAuthorAndPayload) {
  for (const char* author : {"", "driver", "driver/", "/agent", "king/agent", "Driver/agent"}) {
    Entry entry = MakeOutput(author, "x");
    BOOST_CHECK_MESSAGE(CodeOf(CheckAppend(entry)) == "InvalidArgument", author);
  }
  Entry mismatched = MakeOutput("driver/agent", "x");
  mismatched.type = EntryType::kInfIn;  // InferencePayload expected
  BOOST_CHECK_EQUAL(CodeOf(CheckAppend(mismatched)), "InvalidArgument");
  // A name may itself contain '/': only the first one separates the role.
  BOOST_CHECK(CheckAppend(MakeOutput("driver/team/agent", "x")).ok());
}

// A policy with a malformed decider, or one that could never apply, is rejected.
BOOST_AUTO_TEST_CASE(RejectsMalformedPolicy) {
  const Status bad_kind =
      CheckAppend(MakePolicy("admin/root", PolicyPayload{1, 0, Json{{"kind", "maybe"}}, Json()}));
  BOOST_CHECK_EQUAL(CodeOf(bad_kind), "InvalidArgument");
  BOOST_CHECK_NE(bad_kind.message().find("field 'decider'"), std::string::npos);
  BOOST_CHECK_EQUAL(
      CodeOf(CheckAppend(MakePolicy(
          "admin/root",
          PolicyPayload{1, 0, Json{{"kind", "quorum"}, {"k", 2}, {"types", {"a"}}}, Json()}))),
      "InvalidArgument");
  BOOST_CHECK_EQUAL(
      CodeOf(CheckAppend(MakePolicy("admin/root", PolicyPayload{2, 2, Json(), Json()}))),
      "InvalidArgument");
  BOOST_CHECK_EQUAL(
      CodeOf(CheckAppend(MakePolicy("admin/root", PolicyPayload{1, 3, Json(), Json()}))),
      "InvalidArgument");
  // Leaving the decider unchanged (null) is fine; voters are not interpreted by the bus.
  BOOST_CHECK(CheckAppend(MakePolicy("admin/root", PolicyPayload{4, 3, Json(), Json(7)})).ok());
  // The role check comes first: an admin-only type by a driver is a denial even if malformed.
  BOOST_CHECK_EQUAL(
      CodeOf(CheckAppend(MakePolicy("driver/a", PolicyPayload{1, 1, Json(), Json()}))),
      "PermissionDenied");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
