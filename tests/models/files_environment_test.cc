// Tests for models/files_environment.h: the in-memory file system model.
#include "models/files_environment.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace logact::models {
namespace {

Action MakeAction(const std::string& tool, Json args) {
  Action action;
  action.tool = tool;
  action.args = std::move(args);
  return action;
}

ToolOutcome Run(FilesEnvironment& env, const Action& action, const std::string& key = "") {
  ToolCall call;
  call.action = &action;
  call.idempotency_key = key;
  Result<ToolOutcome> outcome = env.Execute(call);
  BOOST_TEST_REQUIRE(outcome.has_value(), outcome.status().ToString());
  return *outcome;
}

FilesEnvironment Sample() {
  return FilesEnvironment({{"/etc/passwd", "root\n"},
                           {"/tmp/a.log", "a"},
                           {"/tmp/sub/b.tmp", "b"},
                           {"/tmpfoo/c", "c"}});
}

BOOST_AUTO_TEST_SUITE(FilesEnvironmentTest)

BOOST_AUTO_TEST_CASE(ReadWriteDelete) {
  // Goal: each tool's effect and its JSON answer.
  FilesEnvironment env = Sample();
  ToolOutcome read = Run(env, MakeAction("read_file", {{"path", "/tmp/a.log"}}));
  BOOST_TEST(read.ok);
  BOOST_TEST(read.output == R"("a")");
  BOOST_TEST(read.duration_ms == 5);
  ToolOutcome write =
      Run(env, MakeAction("write_file", {{"path", "/tmp/new.txt"}, {"content", "hello"}}));
  BOOST_TEST(write.ok);
  BOOST_TEST(write.output == R"({"message":"Wrote 5 bytes to /tmp/new.txt."})");
  BOOST_TEST(env.StateJson()["files"]["/tmp/new.txt"] == "hello");
  ToolOutcome removed = Run(env, MakeAction("delete_file", {{"path", "/tmp/a.log"}}));
  BOOST_TEST(removed.ok);
  BOOST_TEST(removed.output == R"({"message":"Deleted /tmp/a.log."})");
  BOOST_TEST(!env.StateJson()["files"].contains("/tmp/a.log"));
  BOOST_TEST(env.StateJson()["files"].size() == 4u);
}

BOOST_AUTO_TEST_CASE(ListFilesListsExactlyTheDirectory) {
  // Goal: list_files returns every file under dir, sorted, and not a sibling with the same prefix.
  FilesEnvironment env = Sample();
  BOOST_TEST(Run(env, MakeAction("list_files", {{"dir", "/tmp"}})).output ==
             R"(["/tmp/a.log","/tmp/sub/b.tmp"])");
  BOOST_TEST(Json::parse(Run(env, MakeAction("list_files", {{"dir", "/"}})).output).size() == 4u);
  BOOST_TEST(Run(env, MakeAction("list_files", {{"dir", "/home"}})).output == "[]");
}

BOOST_AUTO_TEST_CASE(FailuresChangeNothing) {
  // Goal: missing files, bad paths, bad arguments and unknown tools fail without effect.
  FilesEnvironment env = Sample();
  const std::string before = env.StateDigest();
  const std::vector<Action> bad = {
      MakeAction("read_file", {{"path", "/tmp/none"}}),
      MakeAction("delete_file", {{"path", "/tmp/none"}}),
      MakeAction("delete_file", {{"path", "/tmp/../etc/passwd"}}),
      MakeAction("delete_file", {{"path", "tmp/a.log"}}),
      MakeAction("delete_file", {{"path", "/tmp//a.log"}}),
      MakeAction("delete_file", {{"path", "/tmp/./a.log"}}),
      MakeAction("write_file", {{"path", "/tmp/"}, {"content", "x"}}),
      MakeAction("write_file", {{"path", "/"}, {"content", "x"}}),
      MakeAction("write_file", {{"path", "/tmp/sub"}, {"content", "x"}}),      // a directory
      MakeAction("write_file", {{"path", "/tmp/a.log/x"}, {"content", "x"}}),  // under a file
      MakeAction("write_file", {{"path", "/tmp/x"}}),                          // no content
      MakeAction("write_file", {{"path", "/tmp/x"}, {"content", 3}}),          // wrong type
      MakeAction("list_files", {{"dir", "/tmp/"}}),
      MakeAction("list_files", {{"path", "/tmp"}}),
      MakeAction("format_disk", Json::object()),
  };
  for (const Action& action : bad) {
    ToolOutcome outcome = Run(env, action);
    BOOST_TEST(!outcome.ok, action.ToText());
    BOOST_TEST(Json::parse(outcome.output).contains("error"), action.ToText());
  }
  BOOST_TEST(env.StateDigest() == before);
}

BOOST_AUTO_TEST_CASE(WriteIsIdempotentByNature) {
  // Goal: repeating a write leaves the state of a single write.
  FilesEnvironment once = Sample();
  FilesEnvironment twice = Sample();
  Action write = MakeAction("write_file", {{"path", "/tmp/a.log"}, {"content", "z"}});
  Run(once, write);
  Run(twice, write);
  Run(twice, write);
  BOOST_TEST(once.StateDigest() == twice.StateDigest());
  BOOST_TEST(once.schemas().at("write_file").idempotent);
}

BOOST_AUTO_TEST_CASE(KeyedDeleteReturnsFirstOutcome) {
  // Goal: a keyed delete retried with the same key reports the first success, not "no such file".
  FilesEnvironment env = Sample();
  Action remove = MakeAction("delete_file", {{"path", "/tmp/a.log"}});
  ToolOutcome first = Run(env, remove, "d1");
  ToolOutcome again = Run(env, remove, "d1");
  BOOST_TEST(first.ok);
  BOOST_TEST(again.ok);
  BOOST_TEST(again.output == first.output);
  BOOST_TEST(!Run(env, remove).ok);  // unkeyed: the file is gone
}

BOOST_AUTO_TEST_CASE(CloneIsIndependent) {
  // Goal: a clone starts equal and then evolves on its own.
  FilesEnvironment env = Sample();
  std::unique_ptr<EnvironmentModel> clone = env.Clone();
  BOOST_TEST(clone->StateDigest() == env.StateDigest());
  Action remove = MakeAction("delete_file", {{"path", "/tmp/a.log"}});
  ToolCall call;
  call.action = &remove;
  BOOST_TEST(clone->Execute(call)->ok);
  BOOST_TEST(clone->StateDigest() != env.StateDigest());
  BOOST_TEST(env.StateJson()["files"].contains("/tmp/a.log"));
}

BOOST_AUTO_TEST_CASE(DigestDependsOnlyOnState) {
  // Goal: same operations give the same digest, different ones a different digest.
  FilesEnvironment a = Sample();
  FilesEnvironment b = Sample();
  Run(a, MakeAction("write_file", {{"path", "/tmp/n"}, {"content", "1"}}));
  Run(b, MakeAction("write_file", {{"path", "/tmp/n"}, {"content", "1"}}));
  BOOST_TEST(a.StateDigest() == b.StateDigest());
  Run(b, MakeAction("write_file", {{"path", "/tmp/n"}, {"content", "2"}}));
  BOOST_TEST(a.StateDigest() != b.StateDigest());
  BOOST_TEST(a.StateDigest() == DigestOfJson(a.StateJson()));
  BOOST_TEST(FilesEnvironment().StateJson() == Json::parse(R"({"files":{}})"));
}

BOOST_AUTO_TEST_CASE(CanonicalPaths) {
  // Goal: the path rule accepts canonical absolute paths only.
  BOOST_TEST(FilesEnvironment::IsCanonicalPath("/a/b.c", false));
  BOOST_TEST(FilesEnvironment::IsCanonicalPath("/", true));
  BOOST_TEST(!FilesEnvironment::IsCanonicalPath("/", false));
  for (const char* path : {"", "a", "/a/", "//a", "/a//b", "/a/./b", "/a/../b", "/..", "/."}) {
    BOOST_TEST(!FilesEnvironment::IsCanonicalPath(path, true), path);
  }
  BOOST_TEST(FilesEnvironment::IsCanonicalPath("/a/..b", false));  // a name, not a segment ".."
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::models
