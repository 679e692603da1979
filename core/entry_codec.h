// The JSON form of a bus entry: shared by the SQLite backend (one row per
// entry) and the trace format (traces/, SPEC §5), so that an entry has exactly
// one serialisation. Field names are persisted: do not change them.
//
// EncodeEntry writes a compact JSON object with a fixed field order:
//   {"pos":..,"ts":..,"type":"..","author":"..",<payload fields>,<extra fields>}
// Payload field order follows SPEC §5; values are written with sorted keys, so
// the same entry always encodes to the same bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/entry.h"
#include "core/json.h"
#include "core/status.h"

namespace logact {

// Appends the JSON object for `entry` to *out. If `kind_field` is true the
// object starts with "kind":"entry" (the trace record form).
void EncodeEntry(const Entry& entry, bool kind_field, std::string* out);
std::string EncodeEntry(const Entry& entry);

// Decodes an entry from a parsed JSON object. A "kind" field, if present, is
// ignored; any other unknown field is preserved in Entry::extra.
// Errors: kInvalidArgument whose message starts with "field '<name>': " and
// says what was expected (e.g. "field 'ts': expected an integer, got string").
// A malformed decider policy inside a policy entry is reported under field
// "decider".
Result<Entry> DecodeEntry(const Json& object);
// The same, moving strings and JSON values out of `object` instead of copying
// them (readers that parse a line only to decode it). Afterwards `object` is
// valid but unspecified: do not read it.
Result<Entry> DecodeEntry(Json&& object);

// Parses the text, then DecodeEntry. A parse error is reported as field "(json)".
// Well-formed entries are decoded in one pass without a JSON tree
// (core/entry_text_decoder.h); the result and every error are the same.
Result<Entry> DecodeEntryText(std::string_view text);

}  // namespace logact
