// Conditions of the voter policy language (SPEC §6) and their evaluation.
//
// A condition is parsed once from JSON into this tree, then evaluated against
// an action as often as needed. Evaluation is pure: the same action always
// yields the same answer (rule voters are replay-stable). verify/ translates
// the same tree into SMT, so every form here has exactly one meaning:
//  - `arg` comparisons on an argument the action lacks are false, except
//    `exists:false`; dotted names reach nested objects ("to.iban").
//  - eq/ne are type-aware: true != 1, 1 == 1.0, strings compare bytewise.
//  - lt/le/gt/ge hold only when both sides are numbers (booleans are not).
//  - prefix/suffix/contains/matches hold only for strings; matches is a
//    whole-value regex match.
//  - text_contains/text_matches search the action text: the action as compact
//    JSON with sorted keys (Action::ToText()).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/entry.h"
#include "core/json.h"
#include "core/regex.h"
#include "core/status.h"

namespace logact {

enum class ArgOp : uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kPrefix,
  kSuffix,
  kContains,
  kMatches,
  kExists
};
std::string_view ArgOpName(ArgOp op);

struct Condition {
  enum class Kind : uint8_t { kTool, kArg, kTextContains, kTextMatches, kAll, kAny, kNot };
  Kind kind = Kind::kAll;
  std::vector<std::string> tools;      // kTool: one name, or the `in` list
  std::string arg;                     // kArg: dotted argument name
  ArgOp op = ArgOp::kEq;               // kArg
  Json value;                          // kArg: the operand (a list for kIn, bool for kExists)
  std::string text;                    // kTextContains: the needle; kTextMatches/kMatches: pattern
  std::shared_ptr<const Regex> regex;  // kTextMatches, and kArg with kMatches
  std::vector<Condition> children;     // kAll, kAny; kNot has exactly one
};

// Parses a condition. `path` is the JSON path of `json` used in messages, e.g.
// "rules[2].when.all[0]". Errors: kInvalidArgument "<path>: <what was expected>"
// for any shape not in SPEC §6, more than one operator, wrong operand types,
// invalid regexes, or nesting deeper than limits::kConditionDepthMax.
Result<Condition> ParseCondition(const Json& json, const std::string& path);

// Looks up a dotted argument name in an args object; nullptr if absent.
const Json* LookupArg(const Json& args, const std::string& dotted_name);

// Calls `check` on every tool and arg condition inside `condition` (parsed
// from `json` at `path` by ParseCondition), with that leaf's JSON and the path
// ParseCondition's messages use for it ("p.all[1].not"). Text conditions are
// not leaves here: they name no tool or argument. Stops at the first error.
using ConditionLeafCheck =
    std::function<Status(const Condition& leaf, const Json& json, const std::string& path)>;
Status ForEachNamingLeaf(const Condition& condition, const Json& json, const std::string& path,
                         const ConditionLeafCheck& check);

// Evaluates `condition` on `action`; `action_text` must be action.ToText()
// (passed in so that a voter computes it once per intent).
bool EvaluateCondition(const Condition& condition, const Action& action,
                       const std::string& action_text);

}  // namespace logact
