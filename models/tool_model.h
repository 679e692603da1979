// ToolModel: the shared skeleton of the environment models in this folder.
//
// It implements Execute() once for every model: check the call against the
// schemas, replay the first outcome of an idempotent tool whose key was
// already used, otherwise let the model apply the call, and stamp the tool's
// fixed cost. A model only writes Apply() (the effect of a valid call) and
// CostMs(). This is an internal header: users see EnvironmentModel.
//
// Determinism: Execute is a pure function of (state, call); the key table is
// a std::map, so nothing depends on hashing or addresses.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/environment.h"
#include "core/json.h"
#include "models/environment_model.h"

namespace logact::models {

class ToolModel : public EnvironmentModel {
 public:
  Result<ToolOutcome> Execute(const ToolCall& call) final;

 protected:
  // The outcome (ok and output; the duration is stamped by Execute) of a call
  // that ValidateAction accepted. REQUIRES: ValidateAction(schemas(), action) is OK.
  virtual ToolOutcome Apply(const Action& action) = 0;
  // The fixed virtual time one call of `tool` takes, in ms (also for failed calls).
  virtual int64_t CostMs(const std::string& tool) const = 0;

  // Successful outcome whose output is the compact JSON of `result`.
  static ToolOutcome Succeeded(const Json& result);
  // Successful outcome whose output is {"message":message}.
  static ToolOutcome SucceededMessage(const std::string& message);
  // Failed outcome whose output is {"error":message}.
  static ToolOutcome Failed(const std::string& message);

 private:
  // Outcomes of applied idempotent calls by key. Copied by Clone() (through
  // the subclasses' copy constructors) and left out of StateJson().
  std::map<std::string, ToolOutcome> outcomes_by_key_;
};

// The schemas of an embedded JSON document. Asserts that it parses: the
// document is part of this program, so a parse failure is our bug.
ToolSchemas ParseEmbeddedSchemas(std::string_view json_text);

// Typed access to arguments that ValidateAction already accepted. Each
// returns nullopt when the argument is absent or has another JSON type, so a
// lax validator can never make a model throw. NumberArg accepts integers.
std::optional<std::string> StringArg(const Json& args, const std::string& name);
// StringArg without the copy: the string inside `args` (valid while `args`
// is neither changed nor destroyed), or nullptr.
const std::string* StringArgRef(const Json& args, const std::string& name);
std::optional<double> NumberArg(const Json& args, const std::string& name);
std::optional<int64_t> IntegerArg(const Json& args, const std::string& name);
std::optional<bool> BooleanArg(const Json& args, const std::string& name);

}  // namespace logact::models
