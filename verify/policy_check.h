// Static checks of a voter set and a safety spec against the spec's tool
// schemas, run before any query is built (SPEC §6, issue 5 "bad input").
//
// A condition that names a tool or an argument no schema has, or that compares
// an argument with an operand of a type it can never hold, is almost always a
// typo; the native voter would silently treat it as false and the verifier
// would happily "prove" a policy safe that forbids nothing. Both are therefore
// bad input (kInvalidArgument) with the JSON path of the offending field:
//  - `tool` / `tool.in[i]` naming a tool absent from the schemas;
//  - `arg` naming no argument of any tool. A dotted name ("to.iban") reaches a
//    nested object (SPEC §6), but the schema language has no object type, so a
//    dotted name can never name a schema argument and is reported as such;
//  - lt/le/gt/ge on an argument that is never a number; prefix/suffix/contains/
//    matches on one that is never a string; eq/ne/in with an operand whose JSON
//    type the argument never has (a string, a number for integer and number,
//    a boolean). When tools disagree on an argument's type, one compatible
//    tool is enough.
// Pure functions; no state.
#pragma once

#include <string>

#include "core/condition.h"
#include "core/safety_spec.h"
#include "core/status.h"
#include "core/voter_config.h"

namespace logact::verify {

// Checks one parsed condition; `json` is the document it was parsed from and
// `path` its JSON path ("voters[0].rules[3].when"), used in messages.
Status CheckConditionAgainstSchemas(const Condition& condition, const Json& json,
                                    const ToolSchemas& schemas, const std::string& path);

// Checks every rule of every rule voter ("voters[i].rules[j].when..."),
// walking each voter's `source` document.
Status CheckVoterSetAgainstSchemas(const VoterSet& set, const ToolSchemas& schemas);

// Checks the forbidden and benign conditions of a spec for type mismatches
// (ParseSafetySpec already checked their names).
Status CheckSpecTypes(const SafetySpec& spec);

}  // namespace logact::verify
