// Byte automata (verify/byte_automaton.h): acceptance agrees with the
// engine's regex matcher, and every inclusion or disjointness answer is
// checked against all strings of a small alphabet up to a length, every
// "no" against its witness with the engine's matcher.
#include "verify/byte_automaton.h"

#include <boost/test/unit_test.hpp>
#include <functional>

namespace logact::verify {
namespace {

const std::vector<std::string> kPatterns = {
    "",           "a",         "ab|a",          "a*",     "a+b",
    "(a|b)*a",    ".*",        ".{0,3}",        "a.*",    ".*a.*",
    "[ab]{2,3}",  "[^a]*",     "a{2}",          "(ab)?a", "b{0}",
    "[a-b0]{1,}", "(a|)b*",    "0[0-9]{1,2}",   ".*0.*",  "a(b|0)*.?",
    "(a*)*",      "[0-9]*a?",  "(ab|a0){1,2}",  "b.*a",   "(a|b)-1.*",
    "(a|b)-10.*", "(a|b)-2.*", "19[0-9]{2}-.*",
};

// The alphabet of the exhaustive checks: every byte the patterns name, and
// one they do not.
const std::string kAlphabet = "ab01-9z";

void ForEachString(size_t max_length, const std::function<void(const std::string&)>& visit) {
  std::vector<std::string> level = {""};
  visit("");
  for (size_t length = 1; length <= max_length; ++length) {
    std::vector<std::string> next;
    for (const std::string& prefix : level) {
      for (char byte : kAlphabet) {
        next.push_back(prefix + byte);
        visit(next.back());
      }
    }
    level = std::move(next);
  }
}

struct Language {
  std::string name;
  ByteNfa nfa;
  std::function<bool(const std::string&)> accepts;  // the engine's answer
};

std::vector<Language> Languages() {
  std::vector<Language> out;
  for (const std::string& pattern : kPatterns) {
    std::shared_ptr<const Regex> regex = Regex::Compile(pattern).value();
    std::optional<ByteNfa> nfa = ByteNfa::Of(regex->root(), 1000);
    BOOST_REQUIRE(nfa.has_value());
    out.push_back({"matches " + pattern, *nfa,
                   [regex](const std::string& text) { return regex->FullMatch(text); }});
  }
  for (const std::string literal : {"a", "ab", "-1", "19", ""}) {
    out.push_back({"prefix " + literal, ByteNfa::Affix(literal, false, true),
                   [literal](const std::string& text) { return text.starts_with(literal); }});
    out.push_back({"suffix " + literal, ByteNfa::Affix(literal, true, false),
                   [literal](const std::string& text) { return text.ends_with(literal); }});
    out.push_back(
        {"contains " + literal, ByteNfa::Affix(literal, true, true),
         [literal](const std::string& text) { return text.find(literal) != std::string::npos; }});
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(ByteAutomaton)

BOOST_AUTO_TEST_CASE(AcceptsAsTheEngine) {
  for (const Language& language : Languages()) {
    ForEachString(4, [&](const std::string& text) {
      BOOST_CHECK_MESSAGE(language.nfa.Accepts(text) == language.accepts(text),
                          language.name + " on '" + text + "'");
    });
  }
}

// "yes" answers hold on every short string; "no" answers come with a string
// that refutes them by the engine's matchers.
BOOST_AUTO_TEST_CASE(InclusionAndDisjointnessAgreeWithTheEngine) {
  const std::vector<Language> languages = Languages();
  size_t included = 0;
  size_t disjoint = 0;
  for (const Language& a : languages) {
    for (const Language& b : languages) {
      const std::string pair = a.name + " / " + b.name;
      std::string witness;
      const std::optional<bool> in = Includes(a.nfa, b.nfa, 100'000, &witness);
      BOOST_REQUIRE_MESSAGE(in.has_value(), pair);
      if (*in) {
        ++included;
        ForEachString(4, [&](const std::string& text) {
          if (a.accepts(text)) BOOST_CHECK_MESSAGE(b.accepts(text), pair + " on '" + text + "'");
        });
      } else {
        BOOST_CHECK_MESSAGE(a.accepts(witness) && !b.accepts(witness), pair + " '" + witness + "'");
      }
      const std::optional<bool> apart = Disjoint(a.nfa, b.nfa, 100'000, &witness);
      BOOST_REQUIRE_MESSAGE(apart.has_value(), pair);
      if (*apart) {
        ++disjoint;
        ForEachString(4, [&](const std::string& text) {
          BOOST_CHECK_MESSAGE(!(a.accepts(text) && b.accepts(text)), pair + " on '" + text + "'");
        });
      } else {
        BOOST_CHECK_MESSAGE(a.accepts(witness) && b.accepts(witness), pair + " '" + witness + "'");
      }
    }
  }
  // Both kinds of answer occur (the checks above are not vacuous).
  BOOST_CHECK_GT(included, languages.size());
  BOOST_CHECK_GT(disjoint, 10u);
}

// The inclusions of the policy bench that Z3 4.8.12 proves slowly or not at
// all within the cover time-out.
BOOST_AUTO_TEST_CASE(BenchInclusions) {
  auto nfa = [](const std::string& pattern) {
    return *ByteNfa::Of(Regex::Compile(pattern).value()->root(), 1000);
  };
  BOOST_CHECK(*Includes(nfa("[A-Za-z0-9]{11,16}"), nfa("[A-Za-z0-9]{9,16}"), 4000));
  BOOST_CHECK(!*Includes(nfa("[A-Za-z0-9]{9,16}"), nfa("[A-Za-z0-9]{11,16}"), 4000));
  BOOST_CHECK(*Includes(nfa("(urgent|asap)-11.*"), nfa("(urgent|asap)-1.*"), 4000));
  BOOST_CHECK(*Includes(nfa("CH[0-9]{3,6}"), nfa("CH[0-9]{1,6}"), 4000));
  BOOST_CHECK(*Includes(nfa(".{0,7}"), nfa(".{0,9}"), 4000));
  BOOST_CHECK(*Disjoint(nfa("19[0-9]{2}-.*"), ByteNfa::Affix("20", false, true), 4000));
  std::string witness;
  BOOST_CHECK(!*Includes(nfa(".{0,7}"), nfa(".*[0-9].*"), 4000, &witness));
  BOOST_CHECK_EQUAL(witness, "");
  // Past the limits there is no answer, never a guess.
  BOOST_CHECK(!ByteNfa::Of(Regex::Compile("a{500}").value()->root(), 100).has_value());
  BOOST_CHECK(!Includes(nfa("[0-9]{20}"), nfa("[0-9]{0,19}"), 5).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::verify
