#include "core/inference_format.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <exception>
#include <initializer_list>

#include "core/assert.h"
#include "core/json.h"
#include "core/limits.h"

namespace logact {
namespace {

// Parses `text` as one JSON value. nlohmann throws; the exception stops here.
Result<Json> ParseJsonText(std::string_view text) {
  if (text.size() > limits::kTraceLineBytesMax) {
    return InvalidArgumentError("reply is longer than " +
                                std::to_string(limits::kTraceLineBytesMax) + " bytes");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("reply is not JSON: ") + e.what());
  }
}

Result<InferenceOutcome> ParseAction(const Json& object) {
  for (const auto& [key, value] : object.items()) {
    if (key != "tool" && key != "args") {
      return InvalidArgumentError("unexpected field '" + key + "' next to 'tool'");
    }
  }
  const Json& tool = object.at("tool");
  if (!tool.is_string() || tool.get<std::string>().empty()) {
    return InvalidArgumentError("'tool' must be a non-empty string");
  }
  Action action;
  action.tool = tool.get<std::string>();
  if (object.contains("args")) {
    if (!object.at("args").is_object()) return InvalidArgumentError("'args' must be an object");
    action.args = object.at("args");
  }
  return InferenceOutcome(std::move(action));
}

Result<InferenceOutcome> ParseFinal(const Json& object) {
  if (object.size() != 1) return InvalidArgumentError("'final' must be the only field");
  const Json& final_text = object.at("final");
  if (!final_text.is_string()) return InvalidArgumentError("'final' must be a string");
  return InferenceOutcome(FinalAnswer{final_text.get<std::string>()});
}

}  // namespace

Result<InferenceOutcome> ParseInferenceOutput(std::string_view text) {
  LOGACT_ASSIGN_OR_RETURN(Json json, ParseJsonText(text));
  if (!json.is_object()) return InvalidArgumentError("reply must be one JSON object");
  const bool has_tool = json.contains("tool");
  const bool has_final = json.contains("final");
  if (has_tool && has_final) return InvalidArgumentError("reply has both 'tool' and 'final'");
  if (has_tool) return ParseAction(json);
  if (has_final) return ParseFinal(json);
  return InvalidArgumentError("reply has neither 'tool' nor 'final'");
}

std::string FormatActionReply(const Action& action) { return action.ToText(); }

std::string FormatFinalReply(std::string_view text) {
  Json json = Json::object();
  json["final"] = std::string(text);
  return CompactJson(json);
}

namespace {
// The concatenation of `parts` in one allocation: a line is rendered for
// every mail, result and abort of a run.
std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string text;
  text.reserve(size);
  for (std::string_view part : parts) text.append(part);
  return text;
}
}  // namespace

std::string RenderMailLine(const MailPayload& mail) {
  return Concat({"mail from ", mail.from, ": ", mail.body});
}

std::string RenderResultLine(const ResultPayload& result) {
  LOGACT_ASSERT(result.restart || result.intent >= 0);
  const std::string p = std::to_string(result.intent);
  if (result.restart) return Concat({"executor restarted; intent ", p, " may or may not have run"});
  return Concat({"result of intent ", p, ": ", result.ok ? "ok: " : "error: ", result.output});
}

std::string RenderAbortLine(const DecisionPayload& abort) {
  return Concat({"intent ", std::to_string(abort.intent), " was aborted: ", abort.reason});
}

std::string RenderMalformedLine(std::string_view why) {
  return "error: " + std::string(why) + "; answer with one JSON object";
}

namespace {
// The whitespace that separates words: ' ', '\n', '\t', '\r', '\f', '\v'.
constexpr std::array<bool, 256> kSpaceBytes = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {' ', '\n', '\t', '\r', '\f', '\v'}) table[c] = true;
  return table;
}();

constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
constexpr uint64_t kHigh = 0x8080808080808080ull;
constexpr uint64_t kOnes = 0x0101010101010101ull;

// The high bit of each byte of `word` that is one of the kSpaceBytes: 0x20,
// or 0x09..0x0d ('\t' '\n' '\v' '\f' '\r'). Exact for every byte value: the
// sums below stay within a byte because each operand byte is at most 0x7f.
constexpr uint64_t SpaceFlags(uint64_t word) {
  const uint64_t low = word & kLow7;
  const uint64_t ascii = ~word & kHigh;  // bytes below 0x80
  const uint64_t diff = (word ^ (0x20 * kOnes)) & kLow7;
  const uint64_t is_0x20 = ~((diff + kLow7) | word) & kHigh;  // high bit clear, low 7 bits 0x20
  const uint64_t at_least_9 = (low + 0x77 * kOnes) & kHigh;   // low >= 0x09
  const uint64_t at_least_14 = (low + 0x72 * kOnes) & kHigh;  // low >= 0x0e
  return is_0x20 | (at_least_9 & ~at_least_14 & ascii);
}
static_assert(SpaceFlags(0x2009'0a0b'0c0d'0e08ull) == 0x8080'8080'8080'0000ull);
static_assert(SpaceFlags(0xa089'8a20'ff00'7f21ull) == 0x0000'0080'0000'0000ull);
}  // namespace

int64_t ApproximateTokens(std::string_view text) {
  // Counts the starts of words (a non-space byte at the start or after a
  // space). Every prompt, reply and input of a run is counted, so whole
  // 8-byte words are classified at once (SWAR) on little-endian machines; the
  // rest, and other machines, take the byte table. Same count either way.
  int64_t words = 0;
  bool in_word = false;
  size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= text.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof(word));
      const uint64_t non_space = ~SpaceFlags(word) & kHigh;  // byte k's flag at bit 8k+7
      const uint64_t before = (non_space << 8) | (in_word ? 0x80u : 0u);
      const uint64_t starts = non_space & ~before;
      words += static_cast<int64_t>(((starts >> 7) * kOnes) >> 56);
      in_word = (non_space >> 63) != 0;
    }
  }
  for (; i < text.size(); ++i) {
    const bool space = kSpaceBytes[static_cast<unsigned char>(text[i])];
    words += static_cast<int64_t>(!space && !in_word);
    in_word = !space;
  }
  return words > 0 ? words : 1;
}

}  // namespace logact
