// The JSON value type used for action arguments and policy documents.
//
// nlohmann::json's default object type is std::map, so keys iterate in sorted
// order: serialising the same value always yields the same bytes, which the
// determinism guarantee (same seed => byte-identical trace) relies on. Never
// switch this alias to ordered_json or an unordered map.
#pragma once

#include <nlohmann/json.hpp>

namespace logact {
using Json = nlohmann::json;

// Compact JSON text of `value`: no spaces, sorted keys, UTF-8 left unescaped.
// This is also the "intent text" of SPEC §6 when applied to an action.
inline std::string CompactJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}
}  // namespace logact
