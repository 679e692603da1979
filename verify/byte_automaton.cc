// Thompson NFAs over bytes and a product exploration with on-the-fly subset
// construction; see the header.
#include "verify/byte_automaton.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "core/assert.h"

namespace logact::verify {

int ByteNfa::Add() {
  states_.emplace_back();
  return static_cast<int>(states_.size() - 1);
}

ByteNfa::Fragment ByteNfa::Empty() {
  const int start = Add();
  const int end = Add();
  Link(start, end);
  return {start, end};
}

ByteNfa::Fragment ByteNfa::Bytes(const std::bitset<256>& bytes) {
  const int start = Add();
  const int end = Add();
  states_[static_cast<size_t>(start)].bytes = bytes;
  states_[static_cast<size_t>(start)].next = end;
  return {start, end};
}

ByteNfa::Fragment ByteNfa::Build(const RegexNode& node, size_t max_states, bool* too_big) {
  if (states_.size() > max_states) {
    *too_big = true;
    return Empty();
  }
  switch (node.kind) {
    case RegexNode::Kind::kEmpty:
      return Empty();
    case RegexNode::Kind::kLiteral: {
      Fragment out = Empty();
      for (char byte : node.bytes) {
        std::bitset<256> one;
        one.set(static_cast<unsigned char>(byte));
        const Fragment next = Bytes(one);
        Link(out.end, next.start);
        out.end = next.end;
      }
      return out;
    }
    case RegexNode::Kind::kAny:
      return Bytes(std::bitset<256>().set());
    case RegexNode::Kind::kClass: {
      std::bitset<256> bytes;
      for (const auto& [lo, hi] : node.ranges) {
        for (unsigned c = lo; c <= hi; ++c) bytes.set(c);
      }
      if (node.negated) bytes.flip();
      return Bytes(bytes);
    }
    case RegexNode::Kind::kConcat: {
      Fragment out = Empty();
      for (const RegexNode& child : node.children) {
        const Fragment next = Build(child, max_states, too_big);
        Link(out.end, next.start);
        out.end = next.end;
      }
      return out;
    }
    case RegexNode::Kind::kAlt: {
      const Fragment out = Empty();
      const int end = Add();
      for (const RegexNode& child : node.children) {
        const Fragment next = Build(child, max_states, too_big);
        Link(out.start, next.start);
        Link(next.end, end);
      }
      return {out.start, end};
    }
    case RegexNode::Kind::kRepeat: {
      LOGACT_ASSERT_EQ(node.children.size(), 1u);
      const RegexNode& child = node.children[0];
      if (node.max == 0) return Empty();  // as EncodeRegex: {0,0} and {m,0} match ""
      if (node.max > 0 && node.min > node.max) {
        *too_big = true;  // not produced by the parser; no answer rather than a guess
        return Empty();
      }
      Fragment out = Empty();
      for (int i = 0; i < node.min && !*too_big; ++i) {
        const Fragment next = Build(child, max_states, too_big);
        Link(out.end, next.start);
        out.end = next.end;
      }
      const int end = Add();
      if (node.max < 0) {
        // Any number of further copies: a loop through one copy.
        const Fragment loop = Build(child, max_states, too_big);
        Link(out.end, loop.start);
        Link(loop.end, out.end);
        Link(out.end, end);
      } else {
        for (int i = node.min; i < node.max && !*too_big; ++i) {
          const Fragment next = Build(child, max_states, too_big);
          Link(out.end, end);  // stop after i copies
          Link(out.end, next.start);
          out.end = next.end;
        }
        Link(out.end, end);
      }
      return {out.start, end};
    }
  }
  LOGACT_ASSERT(false && "unhandled regex node");
  return Empty();
}

std::optional<ByteNfa> ByteNfa::Of(const RegexNode& node, size_t max_states) {
  ByteNfa nfa;
  bool too_big = false;
  const Fragment whole = nfa.Build(node, max_states, &too_big);
  if (too_big || nfa.states_.size() > max_states) return std::nullopt;
  nfa.start_ = whole.start;
  nfa.accept_ = whole.end;
  return nfa;
}

ByteNfa ByteNfa::Affix(const std::string& literal, bool any_before, bool any_after) {
  RegexNode any;
  any.kind = RegexNode::Kind::kAny;
  RegexNode any_string;
  any_string.kind = RegexNode::Kind::kRepeat;
  any_string.max = -1;
  any_string.children.push_back(any);
  RegexNode text;
  text.kind = RegexNode::Kind::kLiteral;
  text.bytes = literal;
  RegexNode node;
  node.kind = RegexNode::Kind::kConcat;
  if (any_before) node.children.push_back(any_string);
  node.children.push_back(text);
  if (any_after) node.children.push_back(any_string);
  std::optional<ByteNfa> nfa = Of(node, std::numeric_limits<size_t>::max());
  LOGACT_ASSERT(nfa.has_value());
  return std::move(*nfa);
}

std::vector<int> ByteNfa::Closure(const std::vector<int>& seeds, bool* accepting) const {
  std::vector<bool> seen(states_.size(), false);
  std::vector<int> stack = seeds;
  std::vector<int> out;
  *accepting = false;
  while (!stack.empty()) {
    const int s = stack.back();
    stack.pop_back();
    if (seen[static_cast<size_t>(s)]) continue;
    seen[static_cast<size_t>(s)] = true;
    const State& state = states_[static_cast<size_t>(s)];
    if (s == accept_) *accepting = true;
    if (state.next >= 0) out.push_back(s);
    for (int next : state.epsilon) stack.push_back(next);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool ByteNfa::Accepts(const std::string& text) const {
  bool accepting = false;
  std::vector<int> current = Closure({start_}, &accepting);
  for (char byte : text) {
    std::vector<int> seeds;
    for (int s : current) {
      const State& state = states_[static_cast<size_t>(s)];
      if (state.bytes.test(static_cast<unsigned char>(byte))) seeds.push_back(state.next);
    }
    current = Closure(seeds, &accepting);
  }
  return accepting;
}

// The product of two NFAs' subset constructions, explored breadth first.
class ByteProduct {
 public:
  enum class Goal : uint8_t { kIncluded, kDisjoint };

  ByteProduct(const ByteNfa& a, const ByteNfa& b) : a_(a), b_(b) {
    // One representative byte per class of bytes no transition tells apart.
    // Each transition's byte set splits the classes it cuts: the new class
    // of byte c is numbered by (old class, c in the set), in first-seen order.
    std::vector<int> cls(256, 0);
    std::vector<int> renumber(512);
    for (const ByteNfa* nfa : {&a, &b}) {
      for (const ByteNfa::State& state : nfa->states_) {
        if (state.next < 0) continue;
        std::fill(renumber.begin(), renumber.end(), -1);
        int classes = 0;
        for (unsigned c = 0; c < 256; ++c) {
          int& id = renumber[static_cast<size_t>(cls[c] * 2 + (state.bytes.test(c) ? 1 : 0))];
          if (id < 0) id = classes++;
          cls[c] = id;
        }
      }
    }
    std::vector<bool> taken(256, false);
    for (unsigned c = 0; c < 256; ++c) {
      if (taken[static_cast<size_t>(cls[c])]) continue;
      taken[static_cast<size_t>(cls[c])] = true;
      representatives_.push_back(static_cast<unsigned char>(c));
    }
  }

  // Whether the goal holds (nothing past `max_pairs`); a string refuting it
  // goes to `*witness`.
  std::optional<bool> Holds(Goal goal, size_t max_pairs, std::string* witness) const {
    struct Node {
      std::vector<int> a;
      bool a_accepts;
      std::vector<int> b;
      bool b_accepts;
      size_t parent;
      unsigned char byte;
    };
    std::vector<Node> nodes;
    std::map<std::tuple<std::vector<int>, bool, std::vector<int>, bool>, size_t> seen;
    auto visit = [&](Node node) {
      auto key = std::make_tuple(node.a, node.a_accepts, node.b, node.b_accepts);
      if (seen.emplace(std::move(key), nodes.size()).second) nodes.push_back(std::move(node));
    };
    Node first{{}, false, {}, false, 0, 0};
    first.a = a_.Closure({a_.start_}, &first.a_accepts);
    first.b = b_.Closure({b_.start_}, &first.b_accepts);
    visit(std::move(first));
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (nodes.size() > max_pairs) return std::nullopt;
      const bool refuted = goal == Goal::kIncluded ? nodes[i].a_accepts && !nodes[i].b_accepts
                                                   : nodes[i].a_accepts && nodes[i].b_accepts;
      if (refuted) {
        if (witness != nullptr) {
          witness->clear();
          for (size_t at = i; at != 0; at = nodes[at].parent)
            witness->insert(witness->begin(), static_cast<char>(nodes[at].byte));
        }
        return false;
      }
      // Only strings `a` can still accept matter (and, for disjointness,
      // those `b` can too).
      if (nodes[i].a.empty() || (goal == Goal::kDisjoint && nodes[i].b.empty())) continue;
      for (unsigned char byte : representatives_) {
        Node next{{}, false, {}, false, i, byte};
        next.a = Step(a_, nodes[i].a, byte, &next.a_accepts);
        if (next.a.empty() && !next.a_accepts) continue;
        next.b = Step(b_, nodes[i].b, byte, &next.b_accepts);
        visit(std::move(next));
      }
    }
    return true;
  }

 private:
  static std::vector<int> Step(const ByteNfa& nfa, const std::vector<int>& from, unsigned char byte,
                               bool* accepting) {
    std::vector<int> seeds;
    for (int s : from) {
      const ByteNfa::State& state = nfa.states_[static_cast<size_t>(s)];
      if (state.bytes.test(byte)) seeds.push_back(state.next);
    }
    return nfa.Closure(seeds, accepting);
  }

  const ByteNfa& a_;
  const ByteNfa& b_;
  std::vector<unsigned char> representatives_;
};

std::optional<bool> Includes(const ByteNfa& a, const ByteNfa& b, size_t max_pairs,
                             std::string* witness) {
  return ByteProduct(a, b).Holds(ByteProduct::Goal::kIncluded, max_pairs, witness);
}

std::optional<bool> Disjoint(const ByteNfa& a, const ByteNfa& b, size_t max_pairs,
                             std::string* witness) {
  return ByteProduct(a, b).Holds(ByteProduct::Goal::kDisjoint, max_pairs, witness);
}

}  // namespace logact::verify
