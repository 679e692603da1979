#include "cli/trace_html.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "core/assert.h"
#include "core/json.h"
#include "properties/check_trace.h"
#include "properties/scenario_options.h"
#include "traces/trace_reader.h"

namespace logact::cli {
namespace {

// Characters of a string field shown inside a box; the full text is one click away.
constexpr size_t kBoxTextMax = 60;
constexpr size_t kReadChunkBytes = 64u << 10;

// Reads a file line by line, keeping at most `keep_max` bytes of each line,
// so that a hostile multi-gigabyte line costs no memory.
class LineSource {
 public:
  LineSource(std::FILE* file, size_t keep_max) : file_(file), keep_max_(keep_max) {}
  ~LineSource() { std::fclose(file_); }
  // The next line without its '\n' ('\r' too) in *kept; *cut says whether bytes were dropped.
  // Returns false at the end of the file. Errors: kUnavailable.
  Result<bool> Next(std::string* kept, bool* cut) {
    kept->clear();
    *cut = false;
    bool any = false;
    for (;;) {
      if (begin_ == end_) {
        if (std::ferror(file_)) return UnavailableError("read error");
        if (std::feof(file_)) return any || !kept->empty();
        buffer_.resize(kReadChunkBytes);
        end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
        begin_ = 0;
        continue;
      }
      any = true;
      const char* start = buffer_.data() + begin_;
      const void* newline = std::memchr(start, '\n', end_ - begin_);
      const size_t length = newline ? static_cast<const char*>(newline) - start : end_ - begin_;
      const size_t room = keep_max_ - std::min(keep_max_, kept->size());
      kept->append(start, std::min(length, room));
      *cut = *cut || length > room;
      begin_ += length;
      if (newline) {
        ++begin_;
        if (!kept->empty() && kept->back() == '\r') kept->pop_back();
        return true;
      }
    }
  }

 private:
  std::FILE* file_;
  size_t keep_max_;
  std::string buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

// Whether JSON text nests deeper than depth_max (brackets outside strings).
bool NestsDeeperThan(std::string_view text, size_t depth_max) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > depth_max) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::string Truncated(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  // Do not split a UTF-8 sequence: back up to a lead byte.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "\u2026";
}

// A field as short display text: strings as is, anything else as compact JSON.
std::string Field(const Json& record, const char* name) {
  auto found = record.find(name);
  if (found == record.end()) return "";
  if (found->is_string()) return found->get<std::string>();
  return found->dump(-1, ' ', false, Json::error_handler_t::replace);
}

// One drawn record.
struct Box {
  int64_t line = 0;
  std::string ts;
  std::string lane;
  std::string css;      // "entry t-intent", "effect", "fault", ...
  std::string summary;  // plain text
  std::string json;     // the raw record line, maybe cut
  bool cut = false;
};

std::string EntrySummary(const Json& record) {
  const std::string type = Field(record, "type");
  std::string text = "#" + Field(record, "pos") + " " + type;
  if (type == "intent" && record.contains("action") && record["action"].is_object()) {
    text += " " + Field(record["action"], "tool");
  } else if (type == "vote") {
    const bool approve =
        record.value("approve", Json()).is_boolean() && record["approve"].get<bool>();
    text += std::string(approve ? " approve" : " deny") + " #" + Field(record, "intent");
  } else if (type == "commit" || type == "abort") {
    text += " #" + Field(record, "intent") + (record.contains("timeout") ? " (timeout)" : "");
  } else if (type == "result") {
    const bool restart = record.contains("restart");
    const bool ok = record.value("ok", Json()).is_boolean() && record["ok"].get<bool>();
    text += std::string(restart ? " restart marker"
                        : ok    ? " ok"
                                : " failed") +
            " #" + Field(record, "intent");
  } else if (type == "policy") {
    text += " v" + Field(record, "version");
  } else if (type == "mail") {
    text += " from " + Field(record, "from");
  } else if (type == "elect") {
    text += " epoch " + Field(record, "epoch");
  } else if (type == "output") {
    text += " " + Field(record, "text");
  }
  return text;
}

// Fills lane, css and summary from the parsed record.
void Describe(const Json& record, Box* box) {
  const std::string kind = Field(record, "kind");
  box->ts = Field(record, "ts");
  if (kind == "entry") {
    box->lane = Field(record, "author");
    box->css = "entry t-" + Truncated(Field(record, "type"), 16);
    box->summary = EntrySummary(record);
  } else if (kind == "effect") {
    box->lane = Field(record, "executor");
    box->css = "effect";
    box->summary = "effect #" + Field(record, "intent") + " " + Field(record, "tool");
  } else if (kind == "fault") {
    box->lane = Field(record, "target");
    box->css = "fault";
    box->summary = "fault " + Field(record, "fault");
  } else if (kind == "restart") {
    box->lane = Field(record, "target");
    box->css = "restart";
    box->summary = "restart from " + Field(record, "from_pos");
  } else {
    box->lane = Field(record, "target");
    box->css = "other";
    box->summary = kind + " " + Field(record, "pos");
  }
  if (box->lane.empty()) box->lane = "(none)";
  box->summary = Truncated(box->summary, kBoxTextMax);
}

// Role rank of a lane name: the order in which lanes are drawn.
int LaneRank(const std::string& lane) {
  static const char* const kRoles[] = {"external/", "admin/",   "driver/",
                                       "voter/",    "decider/", "executor/"};
  for (int i = 0; i < 6; ++i) {
    if (lane.rfind(kRoles[i], 0) == 0) return i;
  }
  return 6;
}

// Lane column index (0-based) of every lane name, capped at lanes_max.
std::map<std::string, size_t> AssignLanes(const std::vector<Box>& boxes, size_t lanes_max,
                                          std::vector<std::string>* names) {
  std::vector<std::pair<int, std::string>> order;  // (rank, name) by first appearance
  std::set<std::string> seen;
  for (const Box& box : boxes) {
    if (seen.insert(box.lane).second) order.emplace_back(LaneRank(box.lane), box.lane);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::map<std::string, size_t> lanes;
  for (const auto& [rank, name] : order) {
    if (names->size() + 1 < lanes_max || order.size() <= lanes_max) {
      lanes[name] = names->size();
      names->push_back(name);
    } else {
      if (names->size() < lanes_max) names->push_back("(other)");
      lanes[name] = lanes_max - 1;
    }
  }
  return lanes;
}

constexpr char kStyle[] = R"(
body{font:13px/1.35 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{padding:10px 16px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:17px;margin:0 0 4px}h2{font-size:14px;margin:8px 0 4px}
.meta{color:#555}.note{background:#fff6d6;border:1px solid #e6c84f;padding:4px 8px;margin:6px 0}
.bad{background:#ffe3e0;border-color:#d33}
#violations li{margin:2px 0}#violations a{color:#b00020;font-weight:600}
main{display:flex;align-items:flex-start}
#timeline{flex:1;overflow:auto;padding:8px 16px}
.row{display:grid;grid-template-columns:4em 6em repeat(var(--lanes),minmax(9em,1fr));
 align-items:center;min-height:22px}
.head{position:sticky;top:0;background:#eef;font-weight:600;z-index:1}
.head div{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding:2px 4px}
.ln,.ts{color:#777;font-variant-numeric:tabular-nums}
.box{margin:1px 3px;padding:1px 5px;border-radius:4px;border:1px solid #999;cursor:pointer;
 white-space:nowrap;overflow:hidden;text-overflow:ellipsis;background:#fff}
.t-mail{background:#e3f2fd}.t-inf_in,.t-inf_out{background:#f3e5f5}.t-intent{background:#fff3c4}
.t-vote{background:#e8f5e9}.t-commit{background:#c8e6c9}.t-abort{background:#ffcdd2}
.t-result{background:#e0f7fa}.t-elect{background:#ede7f6}.t-policy{background:#d7ccc8}
.t-output{background:#dcedc8}.effect{background:#a5d6a7;border-style:double;border-width:3px}
.fault{background:#ffe0b2;border:2px dashed #e65100}.restart{background:#d1c4e9;border:2px solid #4527a0}
.other{background:#eceff1}
.violation{outline:3px solid #d50000;background:#ff8a80;font-weight:700;white-space:normal}
.badge{color:#fff;background:#d50000;border-radius:3px;padding:0 3px;margin-right:4px;font-size:11px}
.selected{box-shadow:0 0 0 3px #1565c0}
#detail{width:34%;position:sticky;top:0;max-height:100vh;overflow:auto;padding:8px 16px;
 background:#fff;border-left:1px solid #ddd}
#json{white-space:pre-wrap;word-break:break-all;font:12px ui-monospace,monospace}
)";

// Selects a box: shows its record's JSON (pretty-printed when it parses) with
// textContent only, so no record text is ever interpreted as markup.
constexpr char kScript[] = R"(
(function(){
var records=JSON.parse(document.getElementById('records').textContent);
var json=document.getElementById('json'),where=document.getElementById('where');
function select(box){
 var old=document.querySelector('.selected'); if(old) old.classList.remove('selected');
 box.classList.add('selected');
 var line=box.getAttribute('data-line'),raw=records[line];
 var text=raw;
 try{text=JSON.stringify(JSON.parse(raw),null,2);}catch(e){}
 where.textContent='line '+line+(box.getAttribute('data-cut')?' (cut)':'');
 json.textContent=text===undefined?'(not embedded)':text;
}
document.getElementById('timeline').addEventListener('click',function(e){
 var box=e.target.closest('.box'); if(box) select(box);});
document.getElementById('violations').addEventListener('click',function(e){
 var a=e.target.closest('a[data-line]'); if(!a) return;
 var box=document.querySelector('.box[data-line="'+a.getAttribute('data-line')+'"]');
 if(box){select(box);box.scrollIntoView({block:'center'});}});
var first=document.querySelector('.box.violation')||document.querySelector('.box');
if(first) select(first);
document.body.classList.add('js-ready');
})();
)";

struct Page {
  std::string file;
  traces::TraceHeader header;
  bool header_ok = false;
  std::vector<Box> boxes;
  properties::Report report;
  bool checked = false;
  std::map<int64_t, std::vector<std::string>> violated;  // line -> invariant ids
};

void RenderHeader(const Page& page, const TraceHtmlStats& stats, std::string* out) {
  *out += "<header><h1>Trace " + HtmlEscape(page.file) + "</h1><div class=\"meta\">";
  if (page.header_ok) {
    *out += "source " + HtmlEscape(page.header.source) + " &middot; scenario " +
            HtmlEscape(page.header.scenario.value_or("(none)")) + " &middot; seed " +
            (page.header.seed ? std::to_string(*page.header.seed) : std::string("(none)")) +
            " &middot; ";
  }
  *out += std::to_string(stats.records_total) + " records</div>";
  if (stats.records_shown < stats.records_total) {
    *out += "<div class=\"note\" id=\"cap\">Showing the first " +
            std::to_string(stats.records_shown) + " of " + std::to_string(stats.records_total) +
            " records; the violation list below covers the whole trace.</div>";
  }
  if (!stats.bad_input.empty()) {
    *out += "<div class=\"note bad\" id=\"bad-input\">Bad input: " + HtmlEscape(stats.bad_input) +
            " Records after that line are not shown; no invariant was judged.</div>";
  }
  *out += "<section id=\"violations\"><h2>Violations (" + std::to_string(stats.violations) +
          ")</h2><ul>";
  for (const properties::Violation& violation : page.report.violations) {
    *out += "<li><span class=\"badge\">" + HtmlEscape(violation.invariant) + "</span>";
    for (int64_t line : violation.lines) {
      *out += "<a href=\"#L" + std::to_string(line) + "\" data-line=\"" + std::to_string(line) +
              "\">line " + std::to_string(line) + "</a> ";
    }
    *out += HtmlEscape(violation.message) + "</li>";
  }
  *out += "</ul>";
  if (page.checked && page.report.violations.empty()) *out += "<p>No judged invariant failed.</p>";
  for (const auto& [id, count] : page.report.violation_counts) {
    if (count > limits::kViolationsPerInvariantMax) {
      *out += "<div class=\"note\">" + HtmlEscape(id) + ": " + std::to_string(count) +
              " violations, the first " + std::to_string(limits::kViolationsPerInvariantMax) +
              " listed.</div>";
    }
  }
  *out += "</section></header>";
}

void RenderTimeline(const Page& page, const TraceHtmlOptions& options, TraceHtmlStats* stats,
                    std::string* out) {
  std::vector<std::string> names;
  const std::map<std::string, size_t> lanes = AssignLanes(page.boxes, options.lanes_max, &names);
  *out += "<main><div id=\"timeline\" style=\"--lanes:" + std::to_string(names.size()) +
          "\"><div class=\"row head\"><div>line</div><div>ts (ms)</div>";
  for (const std::string& name : names) {
    *out += "<div title=\"" + HtmlEscape(name) + "\">" + HtmlEscape(name) + "</div>";
  }
  *out += "</div>";
  for (const Box& box : page.boxes) {
    const std::string line = std::to_string(box.line);
    auto violated = page.violated.find(box.line);
    const bool bad = violated != page.violated.end();
    stats->highlighted += bad ? 1 : 0;
    *out += "<div class=\"row\" id=\"L" + line + "\"><span class=\"ln\">" + line +
            "</span><span class=\"ts\">" + HtmlEscape(Truncated(box.ts, 16)) +
            "</span><div class=\"box " + HtmlEscape(box.css) + (bad ? " violation" : "") +
            "\" style=\"grid-column:" + std::to_string(lanes.at(box.lane) + 3) + "\" data-line=\"" +
            line + "\"" + (box.cut ? " data-cut=\"1\"" : "") + " title=\"" + HtmlEscape(box.lane) +
            "\">";
    if (bad) {
      for (const std::string& id : violated->second) {
        *out += "<span class=\"badge\">" + HtmlEscape(id) + "</span>";
      }
    }
    *out += HtmlEscape(box.summary) + "</div></div>";
  }
  *out +=
      "</div><aside id=\"detail\"><h2>Record <span id=\"where\"></span></h2>"
      "<pre id=\"json\">Click a record to see its JSON.</pre></aside></main>";
}

std::string Assemble(const Page& page, const TraceHtmlOptions& options, TraceHtmlStats* stats) {
  std::string out =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
      "<title>logact trace " +
      HtmlEscape(page.file) + "</title><style>" + kStyle + "</style></head><body>";
  RenderHeader(page, *stats, &out);
  RenderTimeline(page, options, stats, &out);
  Json records = Json::object();
  for (const Box& box : page.boxes) records[std::to_string(box.line)] = box.json;
  out += "<script type=\"application/json\" id=\"records\">" +
         ScriptSafeJson(records.dump(-1, ' ', false, Json::error_handler_t::replace)) +
         "</script><script>" + kScript + "</script></body></html>\n";
  return out;
}

// Runs the native checker; fills the violations or the bad-input message.
Status Check(const std::string& path, Page* page, TraceHtmlStats* stats, int64_t* bad_line) {
  traces::TraceError error;
  Result<properties::Report> report =
      properties::CheckTraceFile(path, properties::BuiltinScenarioOptions(nullptr), &error);
  if (!report.has_value()) {
    if (report.error().code() != StatusCode::kInvalidArgument) return report.error();
    stats->bad_input = report.error().message();
    *bad_line = error.line > 0 ? error.line : 1;
    return Status::Ok();
  }
  page->report = std::move(report).value();
  page->checked = true;
  for (const properties::Violation& violation : page->report.violations) {
    ++stats->violations;
    for (int64_t line : violation.lines) {
      std::vector<std::string>& ids = page->violated[line];
      if (std::find(ids.begin(), ids.end(), violation.invariant) == ids.end()) {
        ids.push_back(violation.invariant);
      }
    }
  }
  return Status::Ok();
}

// Reads the lines to draw. Lines before `bad_line` passed the reader's checks
// (depth, size), so parsing them is safe; the bad line is shown raw.
Status ReadBoxes(const std::string& path, const TraceHtmlOptions& options, int64_t bad_line,
                 Page* page, TraceHtmlStats* stats) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return UnavailableError("cannot open " + path);
  LineSource lines(file, options.record_bytes_max);
  std::string text;
  bool cut = false;
  for (int64_t number = 1;; ++number) {
    if (bad_line > 0 && number > bad_line) break;
    LOGACT_ASSIGN_OR_RETURN(bool more, lines.Next(&text, &cut));
    if (!more) break;
    // The depth test is cheap insurance should the file change between the two reads.
    const bool parse = (bad_line == 0 || number < bad_line) && !cut &&
                       !NestsDeeperThan(text, limits::kTraceJsonDepthMax);
    Json json = parse ? Json::parse(text, nullptr, /*allow_exceptions=*/false) : Json();
    if (number == 1) {
      traces::TraceError ignored;
      Result<traces::TraceHeader> header = traces::ParseHeaderLine(text, &ignored);
      page->header_ok = header.has_value();
      if (page->header_ok) page->header = std::move(header).value();
      if (number != bad_line) continue;
    }
    if (text.empty() && number != bad_line) continue;  // trailing blank lines
    ++stats->records_total;
    if (static_cast<size_t>(stats->records_shown) >= options.records_max) continue;
    Box box;
    box.line = number;
    box.json = text;
    box.cut = cut;
    if (json.is_object()) {
      Describe(json, &box);
    } else {
      box.lane = "(unreadable)";
      box.css = "other";
      box.summary = Truncated(text, kBoxTextMax);
    }
    page->boxes.push_back(std::move(box));
    ++stats->records_shown;
  }
  return Status::Ok();
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ScriptSafeJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Result<std::string> RenderTraceHtml(const std::string& path, const TraceHtmlOptions& options,
                                    TraceHtmlStats* stats) {
  LOGACT_ASSERT(stats != nullptr);
  LOGACT_ASSERT(options.lanes_max >= 1);
  *stats = TraceHtmlStats();
  Page page;
  page.file = path;
  int64_t bad_line = 0;
  LOGACT_TRY(Check(path, &page, stats, &bad_line));
  LOGACT_TRY(ReadBoxes(path, options, bad_line, &page, stats));
  return Assemble(page, options, stats);
}

}  // namespace logact::cli
