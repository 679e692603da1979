// Byte-level automata for the string conditions of the policy language, to
// decide inclusion and disjointness of two languages natively (the verifier's
// string abstraction turns such facts into lemmas, see
// ActionEncoding::AbstractStrings).
//
// Z3 4.8.12 needs 50-150 ms, or more than the cover time-out, to prove a
// regex inclusion such as [A-Za-z0-9]{11,16} ⊆ [A-Za-z0-9]{9,16} or
// (urgent|asap)-11.* ⊆ (urgent|asap)-1.*; on byte strings both are decided
// here in microseconds by exploring the product of a Thompson NFA and the
// subset construction of the other one.
//
// Semantics: whole-value matching over byte strings, as Regex::FullMatch
// (core/regex.h) and the Z3 encoding (EncodeRegex) agree on them: `.` and a
// negated class range over the 256 bytes. The answers are about byte
// strings only (every string an action carries), not about Z3's wider
// character set. Deterministic; no state beyond the automata.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <vector>

#include "core/regex.h"

namespace logact::verify {

class ByteNfa {
 public:
  // The NFA of `node`, or nothing when it would have more than `max_states`
  // states (large bounded repetitions).
  static std::optional<ByteNfa> Of(const RegexNode& node, size_t max_states);
  // The NFA of the strings that contain `literal` after any prefix
  // (`any_before`) and before any suffix (`any_after`): prefix, suffix and
  // contains conditions.
  static ByteNfa Affix(const std::string& literal, bool any_before, bool any_after);

  // Whether the NFA accepts `text` (for tests).
  bool Accepts(const std::string& text) const;

 private:
  friend class ByteProduct;
  struct State {
    std::bitset<256> bytes;  // a byte transition to `next` (none when empty)
    int next = -1;
    std::vector<int> epsilon;  // epsilon transitions
  };
  struct Fragment {
    int start;
    int end;
  };
  int Add();
  Fragment Build(const RegexNode& node, size_t max_states, bool* too_big);
  Fragment Bytes(const std::bitset<256>& bytes);
  Fragment Empty();
  void Link(int from, int to) { states_[static_cast<size_t>(from)].epsilon.push_back(to); }
  // The epsilon closure of `seeds`: the sorted states with a byte
  // transition, and whether the accepting state is reached.
  std::vector<int> Closure(const std::vector<int>& seeds, bool* accepting) const;

  std::vector<State> states_;
  int start_ = 0;
  int accept_ = 0;
};

// Whether every byte string `a` accepts, `b` accepts too (nothing when more
// than `max_pairs` product states would be explored). When not, `*witness`
// (if given) receives a string accepted by `a` and not by `b`.
std::optional<bool> Includes(const ByteNfa& a, const ByteNfa& b, size_t max_pairs,
                             std::string* witness = nullptr);
// Whether no byte string is accepted by both (nothing past `max_pairs`).
std::optional<bool> Disjoint(const ByteNfa& a, const ByteNfa& b, size_t max_pairs,
                             std::string* witness = nullptr);

}  // namespace logact::verify
