// FilesEnvironment: an in-memory file system as an environment model (SPEC §3).
//
// Files live in a sorted map from absolute path to content; directories are
// implicit (a directory exists while some file lies under it). Tools:
//  - read_file(path)            the content; fails if there is no such file.
//  - write_file(path, content)  creates or replaces the file. Idempotent by
//                               nature: repeating it leaves the same state.
//                               Fails if path is a directory or lies under a file.
//  - delete_file(path)          removes the file; fails if there is none.
//                               Accepts an idempotency key, so that a keyed
//                               retry returns the first outcome, not "no such file".
//  - list_files(dir)            the paths of every file under dir, sorted.
// Paths must be canonical: absolute, no empty, "." or ".." segments, no
// trailing '/' (only list_files accepts "/"). A non-canonical path is a failed
// call with no effect, so "/tmp/../etc/passwd" can never reach /etc.
//
// Determinism: state and outputs are pure functions of the calls applied.
// Thread-safety: none (see EnvironmentModel).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "models/tool_model.h"

namespace logact::models {

class FilesEnvironment final : public ToolModel {
 public:
  using Files = std::map<std::string, std::string>;  // path -> content

  FilesEnvironment() = default;
  // REQUIRES: every path is canonical (asserted).
  explicit FilesEnvironment(Files files);

  const ToolSchemas& schemas() const override;
  std::unique_ptr<EnvironmentModel> Clone() const override;
  // {"files":{path:content,...}}.
  Json StateJson() const override;

  // The schemas as JSON (ToolSchemasToJson of schemas()).
  static Json SchemasJson();
  // Whether `path` is absolute and canonical (see above); "/" only if `allow_root`.
  static bool IsCanonicalPath(const std::string& path, bool allow_root);

 protected:
  ToolOutcome Apply(const Action& action) override;
  int64_t CostMs(const std::string& tool) const override;

 private:
  ToolOutcome ListFiles(const std::string& dir) const;
  // OK if a new file may be created at canonical `path`: it is not a
  // directory and none of its ancestors is a file.
  Status CheckNewFilePath(const std::string& path) const;

  Files files_;
};

}  // namespace logact::models
