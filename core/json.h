// The JSON value type used for action arguments and policy documents.
//
// nlohmann::json's default object type is std::map, so keys iterate in sorted
// order: serialising the same value always yields the same bytes, which the
// determinism guarantee (same seed => byte-identical trace) relies on. Never
// switch this alias to ordered_json or an unordered map.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace logact {
using Json = nlohmann::json;

// Compact JSON text of `value`: no spaces, sorted keys, UTF-8 left unescaped.
// This is also the "intent text" of SPEC §6 when applied to an action.
inline std::string CompactJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Whether `text` is printable ASCII without '"' or '\\': such a string is
// written in JSON as itself between quotes (a sufficient test; valid UTF-8
// is too, but only nlohmann validates it). Hot paths write or read such
// strings directly and leave every other string to nlohmann.
inline bool IsPlainJsonString(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
}

// 1-based line and column of byte `offset` in `text`, for parse-error
// messages that name where a JSON document went wrong.
inline std::pair<size_t, size_t> LineAndColumn(const std::string& text, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}
}  // namespace logact
