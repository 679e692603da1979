// Tests of core/regex.h: the common regex subset, its rejections, and the
// linear-time matcher (including patterns that make backtracking engines explode).
#include "core/regex.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/limits.h"

namespace logact {
namespace {

std::shared_ptr<const Regex> MustCompile(const std::string& pattern) {
  auto regex = Regex::Compile(pattern);
  BOOST_REQUIRE_MESSAGE(regex.has_value(), pattern + " -> " + regex.status().ToString());
  return regex.value();
}

bool Full(const std::string& pattern, const std::string& text) {
  return MustCompile(pattern)->FullMatch(text);
}
bool Partial(const std::string& pattern, const std::string& text) {
  return MustCompile(pattern)->PartialMatch(text);
}

void ExpectError(const std::string& pattern, const std::string& needle) {
  auto regex = Regex::Compile(pattern);
  BOOST_REQUIRE_MESSAGE(!regex.has_value(), "'" + pattern + "' compiled but should not");
  BOOST_CHECK(regex.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(
      regex.error().message().find(needle) != std::string::npos,
      "'" + pattern + "' -> '" + regex.error().message() + "' lacks '" + needle + "'");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(RegexTests)

// Literals, '.', alternation and groups match whole values.
BOOST_AUTO_TEST_CASE(LiteralsDotAlternationGroups) {
  BOOST_CHECK(Full("abc", "abc"));
  BOOST_CHECK(!Full("abc", "abcd"));
  BOOST_CHECK(!Full("abc", "ab"));
  BOOST_CHECK(Full("a.c", "axc"));
  BOOST_CHECK(Full("a.c", std::string("a\0c", 3)));  // '.' matches every byte
  BOOST_CHECK(Full("a.c", "a\nc"));
  BOOST_CHECK(!Full("a.c", "ac"));
  BOOST_CHECK(Full("cat|dog", "dog"));
  BOOST_CHECK(!Full("cat|dog", "catdog"));
  BOOST_CHECK(Full("(cat|dog)s", "cats"));
  BOOST_CHECK(Full("a(b|c|d)e", "ade"));
  BOOST_CHECK(!Full("a(b|c|d)e", "ae"));
  BOOST_CHECK(Full("", ""));
  BOOST_CHECK(!Full("", "a"));
  BOOST_CHECK(Full("a|", ""));  // an empty alternative
  BOOST_CHECK(Full("()", ""));
  BOOST_CHECK(Full("x()y", "xy"));
}

// Quantifiers *, +, ?, {m}, {m,}, {m,n}.
BOOST_AUTO_TEST_CASE(Quantifiers) {
  BOOST_CHECK(Full("ab*c", "ac"));
  BOOST_CHECK(Full("ab*c", "abbbc"));
  BOOST_CHECK(!Full("ab+c", "ac"));
  BOOST_CHECK(Full("ab+c", "abbc"));
  BOOST_CHECK(Full("ab?c", "ac"));
  BOOST_CHECK(Full("ab?c", "abc"));
  BOOST_CHECK(!Full("ab?c", "abbc"));
  BOOST_CHECK(Full("a{3}", "aaa"));
  BOOST_CHECK(!Full("a{3}", "aa"));
  BOOST_CHECK(!Full("a{3}", "aaaa"));
  BOOST_CHECK(Full("a{2,}", "aaaaa"));
  BOOST_CHECK(!Full("a{2,}", "a"));
  BOOST_CHECK(Full("a{2,4}", "aa"));
  BOOST_CHECK(Full("a{2,4}", "aaaa"));
  BOOST_CHECK(!Full("a{2,4}", "aaaaa"));
  BOOST_CHECK(Full("a{0}", ""));
  BOOST_CHECK(Full("a{0,0}b", "b"));
  BOOST_CHECK(Full("(ab){2}", "abab"));
  BOOST_CHECK(!Full("(ab){2}", "aba"));
  BOOST_CHECK(Full("(a|bc)+", "abca"));
  BOOST_CHECK(Full("[0-9]{1,34}", "12345"));
  BOOST_CHECK(Full("x{1000}", std::string(1000, 'x')));
  BOOST_CHECK(!Full("x{1000}", std::string(999, 'x')));
}

// Classes: ranges, negation, escaped members, literal '-' at the ends.
BOOST_AUTO_TEST_CASE(Classes) {
  BOOST_CHECK(Full("[abc]", "b"));
  BOOST_CHECK(!Full("[abc]", "d"));
  BOOST_CHECK(Full("[a-z0-9]+", "abc123"));
  BOOST_CHECK(!Full("[a-z]+", "abC"));
  BOOST_CHECK(Full("[^a-z]", "A"));
  BOOST_CHECK(!Full("[^a-z]", "q"));
  BOOST_CHECK(Full("[^a]", "\n"));
  BOOST_CHECK(Full("[-a]", "-"));
  BOOST_CHECK(Full("[a-]", "-"));
  BOOST_CHECK(!Full("[a-]", "b"));
  BOOST_CHECK(Full("[\\]]", "]"));
  BOOST_CHECK(Full("[\\[\\-]", "-"));
  BOOST_CHECK(Full("[.]", "."));
  BOOST_CHECK(!Full("[.]", "x"));
  BOOST_CHECK(Full("[*+?]", "?"));
  BOOST_CHECK(Full("[\\t]", "\t"));
}

// Escapes of metacharacters and \n \r \t are literal bytes.
BOOST_AUTO_TEST_CASE(Escapes) {
  BOOST_CHECK(Full("a\\.b", "a.b"));
  BOOST_CHECK(!Full("a\\.b", "axb"));
  BOOST_CHECK(Full("\\(\\)\\[\\]\\{\\}\\*\\+\\?\\|\\\\\\^\\$", "()[]{}*+?|\\^$"));
  BOOST_CHECK(Full("\\n\\r\\t", "\n\r\t"));
  BOOST_CHECK(Full("\\/\\-\\\"", "/-\""));
  BOOST_CHECK(Full("caf\xc3\xa9", "caf\xc3\xa9"));  // UTF-8 literals are byte sequences
}

// PartialMatch searches: some substring matches.
BOOST_AUTO_TEST_CASE(PartialMatchSearches) {
  BOOST_CHECK(Partial("b+", "aabbcc"));
  BOOST_CHECK(!Partial("d", "aabbcc"));
  BOOST_CHECK(Partial("", "anything"));
  BOOST_CHECK(Partial("", ""));
  BOOST_CHECK(Partial("\"iban\":\"DE[0-9]+\"", R"({"args":{"iban":"DE1234"},"tool":"x"})"));
  BOOST_CHECK(!Partial("\"iban\":\"DE[0-9]+\"", R"({"args":{"iban":"FR1234"},"tool":"x"})"));
  BOOST_CHECK(Partial("abc", "xxabc"));  // match at the very end
  BOOST_CHECK(Partial("abc", "abcxx"));  // at the start
  BOOST_CHECK(Partial("a.*z", "--a--z--"));
  BOOST_CHECK(!Partial("a.*z", "--z--a--"));
}

// Everything outside the subset is rejected with the construct and its offset.
BOOST_AUTO_TEST_CASE(Rejections) {
  ExpectError("^a", "unsupported anchor '^' at offset 0");
  ExpectError("a$", "unsupported anchor '$' at offset 1");
  ExpectError("\\d+", "unsupported escape '\\d' (only metacharacters");
  ExpectError("a\\w", "unsupported escape '\\w'");
  ExpectError("\\bx", "at offset 0");
  ExpectError("(a)\\1", "unsupported escape '\\1'");
  ExpectError("a\\", "trailing backslash at offset 1");
  ExpectError("(?=a)", "unsupported group construct '(?' (lookaround");
  ExpectError("(?:a)", "unsupported group construct '(?'");
  ExpectError("a*?", "unsupported lazy quantifier '?' at offset 2");
  ExpectError("a{2}?", "unsupported lazy quantifier");
  ExpectError("a++", "unsupported possessive quantifier '+' at offset 2");
  ExpectError("a**", "nested quantifier");
  ExpectError("a?{2}", "nested quantifier");
  ExpectError("*a", "nothing to repeat before '*' at offset 0");
  ExpectError("a|+", "nothing to repeat before '+' at offset 2");
  ExpectError("(?a)", "unsupported group construct");
  ExpectError("{2}", "nothing to repeat before '{'");
  ExpectError("(a", "missing ')' for the group opened at offset 0");
  ExpectError("a)", "unmatched ')' at offset 1");
  ExpectError("[abc", "missing ']' for the class opened at offset 0");
  ExpectError("[]", "empty class '[]' at offset 0");
  ExpectError("[^]", "empty class");
  ExpectError("[z-a]", "invalid class range 'z-a' (start above end) at offset 1");
  ExpectError("[[:alpha:]]", "unsupported '[' inside a class");
  ExpectError("[\\d]", "unsupported escape '\\d'");
  ExpectError("[\\x01-\\x02]", "unsupported escape '\\x' (only metacharacters");
  ExpectError("a]", "unescaped ']' (write '\\]') at offset 1");
  ExpectError("a}", "unescaped '}'");
  ExpectError("a{", "invalid repetition (expected {m}, {m,} or {m,n}) at offset 1");
  ExpectError("a{,3}", "invalid repetition");
  ExpectError("a{2", "invalid repetition");
  ExpectError("a{2,3", "invalid repetition");
  ExpectError("a{x}", "invalid repetition");
  ExpectError("a{3,2}", "repetition {m,n} with m > n");
  ExpectError("a{1001}", "repetition count above 1000");
  ExpectError("a{1,1001}", "repetition count above 1000");
  ExpectError("a{99999999999999999999}", "repetition count above 1000");
}

// Limits: pattern length, group nesting and program size after expansion.
BOOST_AUTO_TEST_CASE(HostilePatternsHitLimits) {
  ExpectError(std::string(limits::kRegexLengthMax + 1, 'a'), "above the limit of 4096");
  MustCompile(std::string(limits::kRegexLengthMax, 'a'));
  std::string deep = std::string(limits::kRegexNestingMax + 1, '(') + "a" +
                     std::string(limits::kRegexNestingMax + 1, ')');
  ExpectError(deep, "groups nested deeper than 100");
  std::string ok_deep =
      std::string(limits::kRegexNestingMax, '(') + "a" + std::string(limits::kRegexNestingMax, ')');
  BOOST_CHECK(Full(ok_deep, "a"));
  ExpectError("((a{1000}){1000}){1000}", "too large after expanding repetitions");
  ExpectError("(a{1000}){1000}", "too large");
  std::string doubling = "a";
  for (int i = 0; i < 20; ++i) doubling = "(" + doubling + "){2}";  // 2^20 copies of a
  ExpectError(doubling, "too large");
  // The message never echoes a huge pattern in full.
  auto long_error = Regex::Compile(std::string(5000, 'b'));
  BOOST_REQUIRE(!long_error.has_value());
  BOOST_CHECK_LT(long_error.error().message().size(), 300u);
}

// Patterns that take exponential time in backtracking engines match in linear time.
BOOST_AUTO_TEST_CASE(NoCatastrophicBacktracking) {
  const std::string many_a(100'000, 'a');
  BOOST_CHECK(!Full("(a*)*b", many_a));
  BOOST_CHECK(!Partial("(a*)*b", many_a));
  BOOST_CHECK(Full("(a*)*b", many_a + "b"));
  BOOST_CHECK(!Full("(a|a)*b", many_a));
  BOOST_CHECK(!Full("(a+)+b", many_a));
  BOOST_CHECK(!Full("(a|aa)+c", many_a));
  BOOST_CHECK(Full("(a?){30}a{30}", std::string(30, 'a')));
  BOOST_CHECK(!Partial("(.*a){20}b", std::string(5'000, 'a')));
  BOOST_CHECK(Full("((a*)*|b)*", many_a));
  BOOST_CHECK(Full("(()*)*", ""));
}

// The parsed tree has the documented shape (verify/ translates it to Z3).
BOOST_AUTO_TEST_CASE(ParsedTreeShape) {
  auto regex = MustCompile("ab(c|d)*[^x-z]{2,3}.");
  const RegexNode& root = regex->root();
  BOOST_REQUIRE(root.kind == RegexNode::Kind::kConcat);
  BOOST_REQUIRE_EQUAL(root.children.size(), 4u);
  BOOST_CHECK(root.children[0].kind == RegexNode::Kind::kLiteral);
  BOOST_CHECK_EQUAL(root.children[0].bytes, "ab");
  const RegexNode& star = root.children[1];
  BOOST_REQUIRE(star.kind == RegexNode::Kind::kRepeat);
  BOOST_CHECK_EQUAL(star.min, 0);
  BOOST_CHECK_EQUAL(star.max, -1);
  BOOST_REQUIRE(star.children[0].kind == RegexNode::Kind::kAlt);
  BOOST_CHECK_EQUAL(star.children[0].children.size(), 2u);
  const RegexNode& cls = root.children[2];
  BOOST_REQUIRE(cls.kind == RegexNode::Kind::kRepeat);
  BOOST_CHECK_EQUAL(cls.min, 2);
  BOOST_CHECK_EQUAL(cls.max, 3);
  BOOST_REQUIRE(cls.children[0].kind == RegexNode::Kind::kClass);
  BOOST_CHECK(cls.children[0].negated);
  BOOST_REQUIRE_EQUAL(cls.children[0].ranges.size(), 1u);
  BOOST_CHECK_EQUAL(cls.children[0].ranges[0].first, 'x');
  BOOST_CHECK_EQUAL(cls.children[0].ranges[0].second, 'z');
  BOOST_CHECK(root.children[3].kind == RegexNode::Kind::kAny);
  BOOST_CHECK_EQUAL(regex->pattern(), "ab(c|d)*[^x-z]{2,3}.");
  BOOST_CHECK(MustCompile("")->root().kind == RegexNode::Kind::kEmpty);
  // Keep each compiled regex alive while its tree is inspected.
  const auto plus_regex = MustCompile("a+");
  const RegexNode& plus = plus_regex->root();
  BOOST_CHECK(plus.kind == RegexNode::Kind::kRepeat && plus.min == 1 && plus.max == -1);
  const auto opt_regex = MustCompile("a?");
  const RegexNode& opt = opt_regex->root();
  BOOST_CHECK(opt.kind == RegexNode::Kind::kRepeat && opt.min == 0 && opt.max == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
