// Regex: the common regex subset of the voter policy language (SPEC §6).
//
// Supported: literals, `.`, classes `[...]` (ranges, negation `[^...]`, escaped
// members), `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`, `|`, groups `(...)`, and
// backslash escapes of metacharacters. Everything else (anchors ^ $, \d-style
// shorthands, backreferences, lookaround, lazy quantifiers) is bad input: the
// Z3 encoding must accept every pattern the native matcher accepts, and vice versa.
//
// Matching is a Thompson NFA simulation over bytes: linear in the input, so a
// hostile pattern cannot make a vote slow. Patterns operate on UTF-8 bytes;
// `.` matches any single byte except none (it matches every byte).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace logact {

// The parsed form, exposed so verify/ can translate it to Z3's regex theory.
struct RegexNode {
  enum class Kind : uint8_t {
    kEmpty,    // matches ""
    kLiteral,  // `bytes`
    kAny,      // .
    kClass,    // `ranges` (inclusive byte pairs), `negated`
    kConcat,   // children in sequence
    kAlt,      // children as alternatives
    kRepeat,   // children[0] repeated min..max times (max < 0: unbounded)
  };
  Kind kind = Kind::kEmpty;
  std::string bytes;
  std::vector<std::pair<unsigned char, unsigned char>> ranges;
  bool negated = false;
  int min = 0;
  int max = 0;
  std::vector<RegexNode> children;
};

class Regex {
 public:
  // Errors: kInvalidArgument naming the offset and the unsupported construct,
  // e.g. "regex '^a': unsupported anchor '^' at offset 0".
  static Result<std::shared_ptr<const Regex>> Compile(std::string_view pattern);

  // The whole value matches.
  bool FullMatch(std::string_view text) const;
  // Some substring matches (a search).
  bool PartialMatch(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }
  const RegexNode& root() const { return root_; }

 private:
  Regex() = default;
  struct Program;
  std::string pattern_;
  RegexNode root_;
  std::shared_ptr<const Program> program_;
};

}  // namespace logact
