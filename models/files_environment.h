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
#include <optional>
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

  // Recovery probes: write_file -> read_file of its path (applied iff the
  // content is the one written); delete_file -> list_files of its directory
  // (applied iff the path is gone).
  std::optional<Action> RecoveryProbe(const Action& action) const override;
  std::optional<bool> ProbeShowsApplied(const Action& action, bool ok, const Json& output,
                                        int64_t applied_before) const override;

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
