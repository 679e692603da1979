// Type-level access control of the AgentBus (SPEC §1), enforced by every
// backend at append, before anything is stored.
//
//   mail: external   inf_in, inf_out, intent, elect, output: driver
//   vote: voter      commit, abort: decider   result: executor   policy: admin
//
// Also enforced: the author's name equals intent.driver, elect.driver and
// vote.voter; the payload matches the type; a policy entry's decider, when
// present, is a well-formed decider policy; and a policy entry has
// version > expected_version (one that could never apply would only put a
// DEC-POLICY violation on the log).
#pragma once

#include "core/entry.h"
#include "core/status.h"

namespace logact {

// The payload name that must equal the author's name (intent.driver,
// elect.driver, vote.voter), or null if the type has none; *field receives
// the payload field's name. Shared by the bus and the LOG-ACL checker.
const std::string* NamedPrincipal(const Entry& entry, std::string_view* field);

// Whether `role` may append entries of `type`.
bool RoleMayAppend(Role role, EntryType type);

// OK if `entry` may be appended. Errors: kPermissionDenied (role or name),
// kInvalidArgument (malformed author, payload, or policy).
Status CheckAppend(const Entry& entry);

}  // namespace logact
