// A single-pass decoder from the JSON text of one entry straight into an
// Entry: the fast path of DecodeEntryText (core/entry_codec.h) and of the
// trace reader's entry records (traces/trace_reader.h).
//
// The general decoder parses the text into a nlohmann::json tree and then
// reads the tree; for the compact objects EncodeEntry writes, building and
// freeing that tree costs several times the decoding itself (`logact check`
// and SQLite recovery decode every entry). This decoder scans the text once
// with a small hand-written scanner, reading the header and payload fields
// straight into the Entry; only JSON-valued fields (action args, the policy's
// decider and voters, unknown fields kept in Entry::extra) are handed to
// nlohmann, each on its own substring.
//
// Contract: the fast path either produces exactly the Entry that the nlohmann
// path produces for the same text, or declines. It declines (returns false)
// on anything it does not handle and on ANY error: invalid JSON, a missing or
// ill-typed field, an integer that does not fit int64, a float where an
// integer is expected, a duplicate key (nlohmann keeps the last value; we let
// it), an action with other keys than "args" and "tool", a
// malformed decider policy, nesting deeper than the options allow. The caller
// then runs the nlohmann path, so results and error messages are those of
// that path, byte for byte. It is correct for any valid JSON object (field
// order, whitespace, escapes, \uXXXX surrogate pairs); it is fast for the
// bytes EncodeEntry produces.
//
// Thread-safety: pure functions. Determinism: the result is a function of the
// text and the options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/entry.h"

namespace logact {

struct EntryTextDecodeOptions {
  // Decline unless the object has "kind":"entry":
  // the trace reader's entry records. When false a "kind" field, if present,
  // may hold any JSON value and is ignored, as DecodeEntry ignores it.
  bool require_kind_entry = false;
  // Decline when arrays/objects nest deeper than this, counting the entry's
  // own object as level 1 (the trace reader's limits::kTraceJsonDepthMax, so
  // that its "nests deeper" error keeps coming from its own check).
  size_t json_depth_max = std::numeric_limits<size_t>::max();
};

// Decodes `text` into *entry and returns true, or returns false (declined:
// run the nlohmann path). On false *entry is valid but unspecified.
// REQUIRES: entry != nullptr (asserted).
bool TryDecodeEntryText(std::string_view text, const EntryTextDecodeOptions& options, Entry* entry);

// Appends the UTF-8 bytes of `code_point` to *out (what a \uXXXX escape
// decodes to; the tests build their escaped texts with it too).
// REQUIRES: code_point <= 0x10FFFF and not a surrogate.
void AppendUtf8(uint32_t code_point, std::string* out);

}  // namespace logact
