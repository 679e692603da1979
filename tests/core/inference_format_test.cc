#include "core/inference_format.h"

#include <boost/test/unit_test.hpp>

#include "core/digest.h"

namespace logact {
namespace {

BOOST_AUTO_TEST_SUITE(InferenceFormat)

BOOST_AUTO_TEST_CASE(ParsesAnAction) {
  // Goal: {"tool","args"} becomes an Action with those exact arguments.
  Result<InferenceOutcome> outcome =
      ParseInferenceOutput(R"({"tool":"send_money","args":{"to":"DE89","amount":12.5}})");
  BOOST_REQUIRE(outcome.has_value());
  const Action* action = std::get_if<Action>(&*outcome);
  BOOST_REQUIRE(action != nullptr);
  BOOST_TEST(action->tool == "send_money");
  BOOST_TEST(action->args == (Json{{"to", "DE89"}, {"amount", 12.5}}));
}

BOOST_AUTO_TEST_CASE(ActionWithoutArgsHasEmptyArgs) {
  // Goal: args may be omitted; the action then has an empty object.
  Result<InferenceOutcome> outcome = ParseInferenceOutput(" \n{\"tool\":\"list_files\"}\t\n");
  BOOST_REQUIRE(outcome.has_value());
  BOOST_TEST(std::get<Action>(*outcome).args == Json::object());
}

BOOST_AUTO_TEST_CASE(ParsesAFinalAnswer) {
  // Goal: {"final": text} is the final answer, text kept verbatim.
  Result<InferenceOutcome> outcome = ParseInferenceOutput(R"({"final":"done: 3 \"files\""})");
  BOOST_REQUIRE(outcome.has_value());
  BOOST_TEST(std::get<FinalAnswer>(*outcome).text == "done: 3 \"files\"");
}

BOOST_AUTO_TEST_CASE(RejectsMalformedReplies) {
  // Goal: everything that is not exactly one of the two shapes is
  // kInvalidArgument with a message (never an exception, never a crash).
  const char* bad[] = {
      "",
      "delete /tmp/a.log",
      "[1,2]",
      "\"final\"",
      "{}",
      R"({"tool":"a","final":"b"})",
      R"({"tool":"a","args":{},"why":"x"})",
      R"({"tool":7})",
      R"({"tool":""})",
      R"({"tool":"a","args":[1]})",
      R"({"final":3})",
      R"({"final":"a","extra":1})",
      R"({"tool":"a"} {"tool":"b"})",
      R"({"tool":"a")",
      "{\"final\":\"\xff\xfe\"}",
  };
  for (const char* text : bad) {
    Result<InferenceOutcome> outcome = ParseInferenceOutput(text);
    BOOST_CHECK_MESSAGE(!outcome.has_value(), "accepted: " << text);
    if (!outcome.has_value()) {
      BOOST_TEST((outcome.error().code() == StatusCode::kInvalidArgument));
      BOOST_TEST(!outcome.error().message().empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(FormattedRepliesRoundTrip) {
  // Goal: the canonical replies parse back to what was formatted, and an action
  // reply is the action's compact sorted-key text.
  const Action action{"write", Json{{"z", 1}, {"a", {{"nested", true}}}, {"text", "l\u00e9\n"}}};
  const std::string text = FormatActionReply(action);
  BOOST_TEST(text == R"({"args":{"a":{"nested":true},"text":"lé\n","z":1},"tool":"write"})");
  Result<InferenceOutcome> parsed = ParseInferenceOutput(text);
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST((std::get<Action>(*parsed) == action));
  const std::string final_text = FormatFinalReply("all \"done\"\n");
  BOOST_TEST(final_text == R"({"final":"all \"done\"\n"})");
  parsed = ParseInferenceOutput(final_text);
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(std::get<FinalAnswer>(*parsed).text == "all \"done\"\n");
}

BOOST_AUTO_TEST_CASE(ApproximateTokensCountsWords) {
  // Goal: whitespace-separated words, at least 1.
  BOOST_TEST(ApproximateTokens("") == 1);
  BOOST_TEST(ApproximateTokens("   \n") == 1);
  BOOST_TEST(ApproximateTokens("one") == 1);
  BOOST_TEST(ApproximateTokens("  mail from alice:\ttidy\n/tmp  ") == 5);
}

BOOST_AUTO_TEST_CASE(ApproximateTokensMatchesTheByteByByteCount) {
  // Goal: the 8-bytes-at-a-time count equals the plain definition for every
  // byte value, word boundary and length. Method: every single byte in every
  // position of a 17-byte text, then seeded random texts over an alphabet of
  // the separators, their neighbours and their high-bit twins.
  const auto reference = [](std::string_view text) {
    int64_t words = 0;
    bool in_word = false;
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
      if (!space && !in_word) ++words;
      in_word = !space;
    }
    return words > 0 ? words : int64_t{1};
  };
  for (int byte = 0; byte < 256; ++byte) {
    for (size_t at = 0; at < 17; ++at) {
      for (char fill : {' ', 'x'}) {
        std::string text(17, fill);
        text[at] = static_cast<char>(byte);
        BOOST_TEST(ApproximateTokens(text) == reference(text), "byte " << byte << " at " << at);
      }
    }
  }
  const std::string alphabet = {'\x08', '\t', '\n', '\v',   '\f',   '\r',   '\x0e', '\x1f', ' ',
                                '!',    'a',  'b',  '\x89', '\x8a', '\xa0', '\0',   '\x7f', '\xff'};
  uint64_t state = 20261127;
  for (int round = 0; round < 2000; ++round) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    std::string text(static_cast<size_t>(state >> 58), ' ');  // 0..63 bytes
    for (char& c : text) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      c = alphabet[(state >> 33) % alphabet.size()];
    }
    BOOST_TEST(ApproximateTokens(text) == reference(text), "round " << round);
  }
}

BOOST_AUTO_TEST_CASE(RendersTheDocumentedInputLines) {
  // Goal: the inf_in lines are exactly the documented protocol.
  BOOST_TEST(RenderMailLine(MailPayload{"alice", "tidy /tmp"}) == "mail from alice: tidy /tmp");
  BOOST_TEST(RenderResultLine(ResultPayload{5, true, "deleted", false}) ==
             "result of intent 5: ok: deleted");
  BOOST_TEST(RenderResultLine(ResultPayload{6, false, "no such file", false}) ==
             "result of intent 6: error: no such file");
  BOOST_TEST(RenderResultLine(ResultPayload{7, false, "executor restarted", true}) ==
             "executor restarted; intent 7 may or may not have run");
  BOOST_TEST(RenderAbortLine(DecisionPayload{8, "all_of: rules denied: x", false}) ==
             "intent 8 was aborted: all_of: rules denied: x");
  BOOST_TEST(RenderMalformedLine("reply has neither 'tool' nor 'final'") ==
             "error: reply has neither 'tool' nor 'final'; answer with one JSON object");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DigestHelper)

BOOST_AUTO_TEST_CASE(IsFnv1a64InSixteenHexDigits) {
  // Goal: the empty digest is the FNV-1a offset basis, printed as 16 lowercase
  // hex digits, and a fixed input has a pinned value on every machine.
  BOOST_TEST(Digest().Hex() == "cbf29ce484222325");
  BOOST_TEST(HexDigits(0xaf63dc4c8601ec8cull) == "af63dc4c8601ec8c");
  BOOST_TEST(HexDigits(0) == "0000000000000000");
  // FNV-1a of the 8 little-endian bytes of 0 (all zero bytes).
  uint64_t expected = Digest::kOffsetBasis;
  for (int i = 0; i < 8; ++i) expected *= Digest::kPrime;
  BOOST_TEST(Digest().AddInt(0).value() == expected);
  BOOST_TEST(Digest().AddBool(true).value() == Digest().AddInt(1).value());
}

BOOST_AUTO_TEST_CASE(FieldsAreDelimited) {
  // Goal: length prefixes keep ("ab","c") apart from ("a","bc"); order matters.
  BOOST_TEST(Digest().AddString("ab").AddString("c").Hex() !=
             Digest().AddString("a").AddString("bc").Hex());
  BOOST_TEST(Digest().AddInt(1).AddInt(2).Hex() != Digest().AddInt(2).AddInt(1).Hex());
  BOOST_TEST(Digest().AddString("x").Hex() == Digest().AddString("x").Hex());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
