#include "models/files_environment.h"

#include <string_view>
#include <utility>

#include "core/assert.h"

namespace logact::models {
namespace {

constexpr std::string_view kFilesSchemasJson = R"({
  "read_file": {"args": {"path": "string"}, "writes": false},
  "write_file": {"args": {"path": "string", "content": "string"}, "writes": true,
                 "idempotent": true},
  "delete_file": {"args": {"path": "string"}, "writes": true, "idempotent": true},
  "list_files": {"args": {"dir": "string"}, "writes": false}
})";

// Fixed virtual costs in ms: metadata reads are cheapest, writes sync to disk.
int64_t ToolCostMs(const std::string& tool) {
  static const std::map<std::string, int64_t> kCosts = {
      {"read_file", 5}, {"write_file", 15}, {"delete_file", 10}, {"list_files", 5}};
  auto it = kCosts.find(tool);
  LOGACT_ASSERT(it != kCosts.end());
  return it->second;
}

}  // namespace

FilesEnvironment::FilesEnvironment(Files files) : files_(std::move(files)) {
  for (const auto& [path, content] : files_) {
    LOGACT_ASSERT(IsCanonicalPath(path, /*allow_root=*/false));
  }
}

const ToolSchemas& FilesEnvironment::schemas() const {
  static const ToolSchemas kSchemas = ParseEmbeddedSchemas(kFilesSchemasJson);
  return kSchemas;
}

Json FilesEnvironment::SchemasJson() { return ToolSchemasToJson(FilesEnvironment().schemas()); }

std::unique_ptr<EnvironmentModel> FilesEnvironment::Clone() const {
  return std::make_unique<FilesEnvironment>(*this);
}

Json FilesEnvironment::StateJson() const { return {{"files", files_}}; }

bool FilesEnvironment::IsCanonicalPath(const std::string& path, bool allow_root) {
  if (path == "/") return allow_root;
  if (path.empty() || path.front() != '/' || path.back() == '/') return false;
  // Every segment between two slashes must be a real name.
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view segment(path.data() + start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

int64_t FilesEnvironment::CostMs(const std::string& tool) const { return ToolCostMs(tool); }

ToolOutcome FilesEnvironment::Apply(const Action& action) {
  const std::string& tool = action.tool;
  const bool is_list = tool == "list_files";
  auto path = StringArg(action.args, is_list ? "dir" : "path");
  if (!path) return Failed(tool + ": bad arguments");
  if (!IsCanonicalPath(*path, /*allow_root=*/is_list)) {
    return Failed(tool + ": not a canonical absolute path: " + *path);
  }
  if (is_list) return ListFiles(*path);
  auto it = files_.find(*path);
  if (tool == "read_file") {
    if (it == files_.end()) return Failed("read_file: no such file: " + *path);
    return Succeeded(it->second);
  }
  if (tool == "write_file") {
    auto content = StringArg(action.args, "content");
    if (!content) return Failed("write_file: bad arguments");
    if (it == files_.end()) {
      if (Status placed = CheckNewFilePath(*path); !placed.ok()) {
        return Failed("write_file: " + placed.message());
      }
    }
    files_[*path] = *content;
    return Succeeded(
        {{"message", "Wrote " + std::to_string(content->size()) + " bytes to " + *path + "."}});
  }
  if (tool == "delete_file") {
    if (it == files_.end()) return Failed("delete_file: no such file: " + *path);
    files_.erase(it);
    return Succeeded({{"message", "Deleted " + *path + "."}});
  }
  AssertFail(__FILE__, __LINE__, "files tool without an implementation: " + tool);
}

Status FilesEnvironment::CheckNewFilePath(const std::string& path) const {
  // A file cannot also be a directory: no file may lie under `path`...
  const std::string as_dir = path + "/";
  auto below = files_.lower_bound(as_dir);
  if (below != files_.end() && below->first.compare(0, as_dir.size(), as_dir) == 0) {
    return InvalidArgumentError("is a directory: " + path);
  }
  // ...and no ancestor of `path` may be a file.
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string ancestor = path.substr(0, slash);
    if (files_.count(ancestor) != 0) return InvalidArgumentError("not a directory: " + ancestor);
  }
  return Status::Ok();
}

ToolOutcome FilesEnvironment::ListFiles(const std::string& dir) const {
  // The map is sorted, so the files under `dir` are one contiguous range.
  const std::string prefix = dir == "/" ? dir : dir + "/";
  Json paths = Json::array();
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    paths.push_back(it->first);
  }
  return Succeeded(paths);
}

std::optional<Action> FilesEnvironment::RecoveryProbe(const Action& action) const {
  auto path = StringArg(action.args, "path");
  if (!path || !IsCanonicalPath(*path, /*allow_root=*/false)) return std::nullopt;
  Action probe;
  if (action.tool == "write_file") {
    probe.tool = "read_file";
    probe.args = Json{{"path", *path}};
    return probe;
  }
  if (action.tool == "delete_file") {
    const size_t slash = path->rfind('/');
    probe.tool = "list_files";
    probe.args = Json{{"dir", slash == 0 ? std::string("/") : path->substr(0, slash)}};
    return probe;
  }
  return std::nullopt;
}

std::optional<bool> FilesEnvironment::ProbeShowsApplied(const Action& action, bool ok,
                                                        const Json& output,
                                                        int64_t /*applied_before*/) const {
  // Both effects set a state (content, absence): repeating them changes
  // nothing more, so earlier applications do not matter.
  auto path = StringArg(action.args, "path");
  if (!path) return std::nullopt;
  if (action.tool == "write_file") {
    if (!ok) {
      // The model's own failure (no such file) means not written; anything
      // else is not an answer.
      if (output.is_object() && output.contains("error")) return false;
      return std::nullopt;
    }
    auto content = StringArg(action.args, "content");
    if (!content || !output.is_string()) return std::nullopt;
    return output.get<std::string>() == *content;
  }
  if (action.tool == "delete_file") {
    if (!ok || !output.is_array()) return std::nullopt;
    for (const Json& listed : output) {
      if (listed.is_string() && listed.get<std::string>() == *path) return false;
    }
    return true;
  }
  return std::nullopt;
}

}  // namespace logact::models
