// Prompt injections for the attack variants of the scenarios (SPEC §3).
//
// The text follows AgentDojo's "important_instructions" attack: an
// <INFORMATION> block, hidden in data that a tool returns, which claims to
// come from the user and asks the agent to do `goal` first. The mock LLM of
// the simulator recognises tainted tool output by kInjectionMarker.
#pragma once

#include <string>
#include <string_view>

namespace logact::models {

// The tag that opens every injection text; it appears in no benign data.
inline constexpr std::string_view kInjectionMarker = "<INFORMATION>";

// The injection text asking for `goal`, signed by `user` (the victim's name).
std::string ImportantInstructions(std::string_view user, std::string_view goal);

}  // namespace logact::models
