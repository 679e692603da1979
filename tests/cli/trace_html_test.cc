// Tests for `logact trace html` (cli/trace_html.h): the page marks the records
// a violation names, escapes hostile record text, caps large traces, survives
// bad input, and renders in headless Chromium with the violation highlighted.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/trace_html.h"
#include "tests/cli/cli_process_util.h"

namespace logact::cli {
namespace {

const std::string kExamples = std::string(LOGACT_SHARED_DIR) + "/examples/traces/";
constexpr char kChromium[] = "/usr/bin/chromium";

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string Render(const std::string& path, TraceHtmlStats* stats,
                   TraceHtmlOptions options = TraceHtmlOptions()) {
  Result<std::string> page = RenderTraceHtml(path, options, stats);
  BOOST_REQUIRE_MESSAGE(page.has_value(), page.status().ToString());
  return *page;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A valid two-record trace whose tool output and mail try to inject markup and script.
std::string HostileTrace() {
  return R"({"format":"logact-trace","version":1,"seed":null,"scenario":null,"source":"recorded"})"
         "\n"
         R"({"kind":"entry","pos":0,"ts":0,"type":"mail","author":"external/<img src=x onerror=alert(1)>","from":"<img src=x onerror=alert(1)>","body":"</script><script>alert(2)</script>"})"
         "\n"
         R"({"kind":"entry","pos":1,"ts":1,"type":"output","author":"driver/a\"'><b>","text":"<!-- </script> & \u2028"})"
         "\n";
}

// Runs chromium headless with `args` on `url`; returns its exit code.
int Chromium(const std::filesystem::path& scratch, const std::string& args, const std::string& url,
             const std::filesystem::path& stdout_file) {
  const std::string command = "timeout 120 " + std::string(kChromium) +
                              " --headless --disable-gpu --no-sandbox --no-first-run "
                              "--user-data-dir=" +
                              testing::ShellQuote((scratch / "profile").string()) + " " + args +
                              " " + testing::ShellQuote(url) + " > " +
                              testing::ShellQuote(stdout_file.string()) + " 2>/dev/null";
  return std::system(command.c_str());
}

BOOST_AUTO_TEST_SUITE(TraceHtml)

BOOST_AUTO_TEST_CASE(KnownViolationIsHighlighted) {
  // Goal: the DEC-JUSTIFIED violation of the example trace is listed and its records are marked.
  TraceHtmlStats stats;
  const std::string page = Render(kExamples + "unjustified-commit.jsonl", &stats);
  BOOST_TEST(stats.violations >= 1);
  BOOST_TEST(stats.highlighted >= 1);
  BOOST_TEST(stats.records_total == 18);
  BOOST_TEST(stats.records_shown == 18);
  BOOST_TEST(stats.bad_input.empty());
  BOOST_TEST(page.find("DEC-JUSTIFIED") != std::string::npos);
  BOOST_TEST(Count(page, " violation\"") == static_cast<size_t>(stats.highlighted));
  // The valid example has no highlighted record.
  TraceHtmlStats ok_stats;
  const std::string ok_page = Render(kExamples + "ok-all-of.jsonl", &ok_stats);
  BOOST_TEST(ok_stats.violations == 0);
  BOOST_TEST(Count(ok_page, " violation\"") == 0u);
  BOOST_TEST(ok_page.find("No judged invariant failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(HostileTextIsEscaped) {
  // Goal: record text never becomes markup or script: only our two script elements exist, and
  // no injected tag survives unescaped.
  const std::filesystem::path scratch = testing::ScratchDir("trace_html_hostile");
  WriteFile(scratch / "hostile.jsonl", HostileTrace());
  TraceHtmlStats stats;
  const std::string page = Render((scratch / "hostile.jsonl").string(), &stats);
  BOOST_TEST(stats.records_shown == 2);
  BOOST_TEST(Count(page, "<script") == 2u);
  BOOST_TEST(Count(page, "</script") == 2u);
  BOOST_TEST(page.find("<img") == std::string::npos);
  BOOST_TEST(page.find("<b>") == std::string::npos);
  BOOST_TEST(page.find("<!--") == std::string::npos);
  BOOST_TEST(page.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  BOOST_TEST(HtmlEscape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
  BOOST_TEST(ScriptSafeJson(R"({"a":"</script>&"})") == R"({"a":"\u003c/script\u003e\u0026"})");
}

BOOST_AUTO_TEST_CASE(LargeTracesAreCappedAndSaySo) {
  // Goal: beyond records_max the page draws the first records only and says how many exist.
  TraceHtmlOptions options;
  options.records_max = 3;
  TraceHtmlStats stats;
  const std::string page = Render(kExamples + "ok-all-of.jsonl", &stats, options);
  BOOST_TEST(stats.records_shown == 3);
  BOOST_TEST(stats.records_total > 3);
  BOOST_TEST(page.find("id=\"cap\"") != std::string::npos);
  BOOST_TEST(Count(page, "class=\"row\" id=\"L") == 3u);
}

BOOST_AUTO_TEST_CASE(BadInputIsDrawnUpToTheBadLine) {
  // Goal: a bad-input trace still renders, up to and including the bad line, with the error.
  TraceHtmlStats stats;
  const std::string page = Render(kExamples + "bad-field.jsonl", &stats);
  BOOST_TEST(!stats.bad_input.empty());
  BOOST_TEST(stats.bad_input.find("line 4") != std::string::npos, stats.bad_input);
  BOOST_TEST(stats.records_total == 3);  // lines 2..4
  BOOST_TEST(page.find("id=\"bad-input\"") != std::string::npos);
  TraceHtmlStats missing;
  BOOST_TEST(
      !RenderTraceHtml("/nonexistent/trace.jsonl", TraceHtmlOptions(), &missing).has_value());
}

BOOST_AUTO_TEST_CASE(RendersInHeadlessChromium) {
  // Goal: the page written by the CLI renders in a real browser: after its script ran, the DOM
  // has the highlighted, selected violation and its JSON in the detail pane, and the
  // screenshot is far from blank. Method: --dump-dom for the DOM; for "not blank" the PNG size
  // against a blank page's screenshot of the same size (PNG compresses a uniform image to a
  // few hundred bytes, while text and coloured boxes cost tens of kilobytes), which needs no
  // PNG decoder.
  if (!std::filesystem::exists(kChromium)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << kChromium
                                   << " is not installed (scripts/setup.sh installs it)");
    return;
  }
  const std::filesystem::path scratch = testing::ScratchDir("trace_html_chromium");
  const std::filesystem::path html = scratch / "trace.html";
  testing::ProcessResult run = testing::RunLogact(
      scratch, {"trace", "html", kExamples + "unjustified-commit.jsonl", "-o", html.string()});
  BOOST_TEST_REQUIRE(run.exit_code == 0, run.err);
  BOOST_TEST(run.out.find("violations") != std::string::npos);
  const std::string url = "file://" + html.string();

  BOOST_TEST_REQUIRE(Chromium(scratch, "--dump-dom", url, scratch / "dom.html") == 0);
  const std::string dom = testing::ReadWholeFile(scratch / "dom.html");
  BOOST_TEST(dom.find("js-ready") != std::string::npos);  // the script ran to its end
  BOOST_TEST(dom.find("violation selected") != std::string::npos);
  BOOST_TEST(dom.find("\"kind\": \"entry\"") != std::string::npos);  // pretty JSON shown

  BOOST_TEST_REQUIRE(
      Chromium(scratch,
               "--screenshot=" + (scratch / "trace.png").string() + " --window-size=1200,800", url,
               scratch / "shot.log") == 0);
  WriteFile(scratch / "blank.html", "<!DOCTYPE html><html><body></body></html>");
  BOOST_TEST_REQUIRE(
      Chromium(scratch,
               "--screenshot=" + (scratch / "blank.png").string() + " --window-size=1200,800",
               "file://" + (scratch / "blank.html").string(), scratch / "blank.log") == 0);
  const auto page_bytes = std::filesystem::file_size(scratch / "trace.png");
  const auto blank_bytes = std::filesystem::file_size(scratch / "blank.png");
  BOOST_TEST_MESSAGE("screenshot " << page_bytes << " bytes, blank page " << blank_bytes);
  BOOST_TEST(page_bytes > 5 * blank_bytes);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::cli
