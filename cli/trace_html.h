// The trace viewer behind `logact trace html` (issue 6, item 4): one trace
// file rendered as one self-contained HTML page.
//
// The page is a timeline: one lane (column) per component, named by the
// record's author (entries), executor (effects) or target (faults, restarts,
// state digests), in role order (external, admin, driver, voter, decider,
// executor, then anything else); one row per record, in file order, with its
// line number and timestamp. Each box is coloured by its entry type or record
// kind. Records named by a violation of the native checker
// (properties/check_trace.h) are highlighted and carry the invariant ids; the
// violations are listed at the top, each linking to its records. Clicking a
// box shows the record's JSON.
//
// Trust: a trace is untrusted input (tool outputs are written by whoever the
// agent talked to). Every text is HTML-escaped, the record JSON is embedded
// in a non-executable <script type="application/json"> block with '<', '>'
// and '&' written as \u escapes, the script builds the detail view with
// textContent only, and a Content-Security-Policy forbids every network
// request. No external resource is loaded.
//
// Size: at most limits::kTraceHtmlRecordsMax records are drawn (the rest
// are counted and the page says so; the violation list stays complete up to
// the checker's own cap), at most kTraceHtmlLanesMax lanes (the others share
// a last "(other)" lane), and each record's embedded JSON is cut at
// kTraceHtmlRecordBytesMax bytes. A bad-input trace is drawn up to its bad
// line, which is shown raw with the reader's error.
//
// Thread-safety: the functions hold no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/status.h"

namespace logact::cli {

struct TraceHtmlOptions {
  // Records drawn; later records are counted only.
  size_t records_max = limits::kTraceHtmlRecordsMax;
  // Lanes drawn; components beyond share the last lane.
  size_t lanes_max = limits::kTraceHtmlLanesMax;
  // Bytes of one record's JSON embedded (longer ones are cut and marked).
  size_t record_bytes_max = limits::kTraceHtmlRecordBytesMax;
};

// What the page shows, for the command's summary line and the tests.
struct TraceHtmlStats {
  int64_t records_total = 0;  // record lines read (up to a bad line, included)
  int64_t records_shown = 0;  // records drawn
  int64_t violations = 0;     // violations listed
  int64_t highlighted = 0;    // drawn records that a violation names
  std::string bad_input;      // the reader's error on a bad-input trace, else empty
};

// Renders the trace file at `path` as an HTML document. A trace that is bad
// input is still rendered (up to its bad line) and stats->bad_input says why.
// Errors: kNotFound (no such file), kUnavailable (I/O error).
// REQUIRES: stats non-null.
Result<std::string> RenderTraceHtml(const std::string& path, const TraceHtmlOptions& options,
                                    TraceHtmlStats* stats);

// `text` with & < > " ' replaced by character references: safe in element
// content and in quoted attribute values.
std::string HtmlEscape(std::string_view text);

// JSON text made safe inside a <script> element: '<', '>' and '&' (which in
// JSON can only occur inside strings) become \u003c, \u003e, \u0026.
std::string ScriptSafeJson(std::string_view json);

}  // namespace logact::cli
