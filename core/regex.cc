// Regex: a strict parser for the common subset and a Thompson-NFA matcher.
//
// The parser rejects every construct outside the subset instead of guessing,
// because verify/ translates the same RegexNode tree into Z3's regex theory and
// the two must agree on every accepted pattern. The matcher simulates the NFA
// with one state set per input byte (the Pike VM without captures), so its
// time is O(text length x program size) whatever the pattern: no backtracking,
// and the program size is bounded by limits::kRegexProgramMax.
#include "core/regex.h"

#include <algorithm>
#include <bitset>
#include <cstdint>

#include "core/assert.h"
#include "core/limits.h"

namespace logact {

namespace {

// The compiled NFA. Regex::Program (private in the header) derives from it so
// that the helpers below can name it.
struct RegexProgram {
  enum class Op : uint8_t { kByte, kAny, kClass, kSplit, kJmp, kMatch };
  struct Inst {
    Op op = Op::kMatch;
    unsigned char byte = 0;
    int x = 0;  // kSplit, kJmp: target; kClass: index into classes
    int y = 0;  // kSplit: second target
  };
  std::vector<Inst> insts;
  std::vector<std::bitset<256>> classes;
};

using Node = RegexNode;

// Printable excerpt of a pattern for messages: hostile patterns can be long.
std::string Quote(std::string_view pattern) {
  constexpr size_t kShown = 80;
  if (pattern.size() <= kShown) return "'" + std::string(pattern) + "'";
  return "'" + std::string(pattern.substr(0, kShown)) + "...'";
}

bool IsAsciiPunct(unsigned char c) {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
         (c >= 0x7b && c <= 0x7e);
}

// Recursive-descent parser:
//   alt := concat ('|' concat)*    concat := (atom quantifier?)*
//   atom := literal | '.' | class | '(' alt ')' | escape
class Parser {
 public:
  explicit Parser(std::string_view pattern) : p_(pattern) {}

  Result<Node> ParseAll() {
    LOGACT_ASSIGN_OR_RETURN(Node root, ParseAlt(0));
    if (pos_ < p_.size()) {
      LOGACT_ASSERT_EQ(p_[pos_], ')');  // the only byte that stops a top-level alt
      return Error(pos_, "unmatched ')'");
    }
    return root;
  }

 private:
  Status Error(size_t offset, const std::string& what) const {
    return InvalidArgumentError("regex " + Quote(p_) + ": " + what + " at offset " +
                                std::to_string(offset));
  }
  bool AtEnd() const { return pos_ >= p_.size(); }
  unsigned char Peek() const { return static_cast<unsigned char>(p_[pos_]); }

  Result<Node> ParseAlt(size_t depth) {
    std::vector<Node> alternatives;
    while (true) {
      LOGACT_ASSIGN_OR_RETURN(Node branch, ParseConcat(depth));
      alternatives.push_back(std::move(branch));
      if (AtEnd() || Peek() != '|') break;
      ++pos_;
    }
    if (alternatives.size() == 1) return std::move(alternatives[0]);
    Node alt;
    alt.kind = Node::Kind::kAlt;
    alt.children = std::move(alternatives);
    return alt;
  }

  Result<Node> ParseConcat(size_t depth) {
    std::vector<Node> items;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      LOGACT_ASSIGN_OR_RETURN(Node atom, ParseAtom(depth));
      LOGACT_ASSIGN_OR_RETURN(atom, ParseQuantifier(std::move(atom)));
      // Adjacent literals merge into one node ("ab" rather than "a","b").
      if (atom.kind == Node::Kind::kLiteral && !items.empty() &&
          items.back().kind == Node::Kind::kLiteral) {
        items.back().bytes += atom.bytes;
      } else {
        items.push_back(std::move(atom));
      }
    }
    if (items.empty()) return Node{};
    if (items.size() == 1) return std::move(items[0]);
    Node concat;
    concat.kind = Node::Kind::kConcat;
    concat.children = std::move(items);
    return concat;
  }

  Result<Node> ParseAtom(size_t depth) {
    const size_t start = pos_;
    const unsigned char c = Peek();
    switch (c) {
      case '(':
        return ParseGroup(depth);
      case '[':
        return ParseClass();
      case '.': {
        ++pos_;
        Node any;
        any.kind = Node::Kind::kAny;
        return any;
      }
      case '^':
      case '$':
        return Error(start, std::string("unsupported anchor '") + static_cast<char>(c) + "'");
      case '*':
      case '+':
      case '?':
      case '{':
        return Error(start, std::string("nothing to repeat before '") + static_cast<char>(c) + "'");
      case ']':
      case '}':
        return Error(start, std::string("unescaped '") + static_cast<char>(c) + "' (write '\\" +
                                static_cast<char>(c) + "')");
      default:
        break;
    }
    unsigned char byte = c;
    if (c == '\\') {
      LOGACT_ASSIGN_OR_RETURN(byte, ParseEscape());
    } else {
      ++pos_;
    }
    Node literal;
    literal.kind = Node::Kind::kLiteral;
    literal.bytes.assign(1, static_cast<char>(byte));
    return literal;
  }

  Result<Node> ParseGroup(size_t depth) {
    const size_t open = pos_;
    ++pos_;
    if (!AtEnd() && Peek() == '?') {
      return Error(open, "unsupported group construct '(?' (lookaround, named or non-capturing)");
    }
    if (depth + 1 > limits::kRegexNestingMax) {
      return Error(open, "groups nested deeper than " + std::to_string(limits::kRegexNestingMax) +
                             " (limits::kRegexNestingMax)");
    }
    LOGACT_ASSIGN_OR_RETURN(Node inner, ParseAlt(depth + 1));
    if (AtEnd()) return Error(open, "missing ')' for the group opened");
    LOGACT_ASSERT_EQ(Peek(), ')');
    ++pos_;
    return inner;
  }

  // REQUIRES: Peek() == '\\'. Accepts escaped ASCII punctuation and \n \r \t.
  Result<unsigned char> ParseEscape() {
    const size_t start = pos_;
    ++pos_;
    if (AtEnd()) return Error(start, "trailing backslash");
    const unsigned char c = Peek();
    ++pos_;
    if (c == 'n') return static_cast<unsigned char>('\n');
    if (c == 'r') return static_cast<unsigned char>('\r');
    if (c == 't') return static_cast<unsigned char>('\t');
    if (IsAsciiPunct(c)) return c;
    return Error(start, std::string("unsupported escape '\\") + static_cast<char>(c) +
                            "' (only metacharacters, \\n, \\r and \\t may be escaped)");
  }

  // One member byte of a class: a plain byte or an escape.
  Result<unsigned char> ParseClassByte() {
    const unsigned char c = Peek();
    if (c == '[') return Error(pos_, "unsupported '[' inside a class (POSIX classes, nesting)");
    if (c == '\\') return ParseEscape();
    ++pos_;
    return c;
  }

  Result<Node> ParseClass() {
    const size_t open = pos_;
    ++pos_;
    Node cls;
    cls.kind = Node::Kind::kClass;
    if (!AtEnd() && Peek() == '^') {
      cls.negated = true;
      ++pos_;
    }
    if (!AtEnd() && Peek() == ']') return Error(open, "empty class '[]'");
    while (!AtEnd() && Peek() != ']') {
      const size_t item = pos_;
      LOGACT_ASSIGN_OR_RETURN(unsigned char lo, ParseClassByte());
      unsigned char hi = lo;
      // A '-' is a range unless it is the last member ("[a-]").
      if (pos_ + 1 < p_.size() && Peek() == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        LOGACT_ASSIGN_OR_RETURN(hi, ParseClassByte());
        if (hi < lo) {
          return Error(item, "invalid class range '" + std::string(p_.substr(item, pos_ - item)) +
                                 "' (start above end)");
        }
      }
      cls.ranges.emplace_back(lo, hi);
    }
    if (AtEnd()) return Error(open, "missing ']' for the class opened");
    ++pos_;
    return cls;
  }

  // Reads a decimal count, capped so that a long digit string cannot overflow.
  int ParseCount() {
    int value = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      value = std::min(value * 10 + (Peek() - '0'), limits::kRegexRepeatMax + 1);
      ++pos_;
    }
    return value;
  }

  // Parses {m}, {m,} or {m,n} at pos_ into *min/*max (max -1: unbounded).
  Status ParseBraces(int* min, int* max) {
    const size_t open = pos_;
    const Status invalid = Error(open, "invalid repetition (expected {m}, {m,} or {m,n})");
    ++pos_;
    if (AtEnd() || Peek() < '0' || Peek() > '9') return invalid;
    *min = ParseCount();
    *max = *min;
    if (!AtEnd() && Peek() == ',') {
      ++pos_;
      *max = -1;
      if (!AtEnd() && Peek() >= '0' && Peek() <= '9') *max = ParseCount();
    }
    if (AtEnd() || Peek() != '}') return invalid;
    ++pos_;
    if (*min > limits::kRegexRepeatMax || *max > limits::kRegexRepeatMax) {
      return Error(open, "repetition count above " + std::to_string(limits::kRegexRepeatMax) +
                             " (limits::kRegexRepeatMax)");
    }
    if (*max >= 0 && *max < *min) return Error(open, "repetition {m,n} with m > n");
    return Status::Ok();
  }

  Result<Node> ParseQuantifier(Node atom) {
    if (AtEnd()) return atom;
    const unsigned char c = Peek();
    int min = 0;
    int max = 0;
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
    } else if (c == '{') {
      LOGACT_TRY(ParseBraces(&min, &max));
    } else {
      return atom;
    }
    if (!AtEnd()) {
      const unsigned char next = Peek();
      if (next == '?') return Error(pos_, "unsupported lazy quantifier '?'");
      if (next == '+') return Error(pos_, "unsupported possessive quantifier '+'");
      if (next == '*' || next == '{') {
        return Error(pos_, "nested quantifier (put the repeated part in a group)");
      }
    }
    Node repeat;
    repeat.kind = Node::Kind::kRepeat;
    repeat.min = min;
    repeat.max = max;
    repeat.children.push_back(std::move(atom));
    return repeat;
  }

  std::string_view p_;
  size_t pos_ = 0;
};

// Program sizes saturate here, just above the limit, so that nested counted
// repetitions cannot overflow the arithmetic.
constexpr uint64_t kCap = limits::kRegexProgramMax + 1;

// Instructions `node` compiles to (saturated at kCap).
uint64_t ProgramSize(const Node& node) {
  auto sat = [](uint64_t v) { return std::min(v, kCap); };
  switch (node.kind) {
    case Node::Kind::kEmpty:
      return 0;
    case Node::Kind::kLiteral:
      return sat(node.bytes.size());
    case Node::Kind::kAny:
    case Node::Kind::kClass:
      return 1;
    case Node::Kind::kConcat:
    case Node::Kind::kAlt: {
      uint64_t total = node.kind == Node::Kind::kAlt ? 2 * (node.children.size() - 1) : 0;
      for (const Node& child : node.children) total = sat(total + ProgramSize(child));
      return total;
    }
    case Node::Kind::kRepeat: {
      const uint64_t child = ProgramSize(node.children[0]);
      const uint64_t mandatory = sat(child * static_cast<uint64_t>(node.min));
      const uint64_t rest =
          node.max < 0 ? child + 2 : sat((child + 1) * static_cast<uint64_t>(node.max - node.min));
      return sat(mandatory + rest);
    }
  }
  return kCap;
}

class Compiler {
 public:
  explicit Compiler(RegexProgram* program) : prog_(program) {}
  using Op = RegexProgram::Op;

  void Emit(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kEmpty:
        return;
      case Node::Kind::kLiteral:
        for (char c : node.bytes) Add(Op::kByte, static_cast<unsigned char>(c));
        return;
      case Node::Kind::kAny:
        Add(Op::kAny);
        return;
      case Node::Kind::kClass:
        EmitClass(node);
        return;
      case Node::Kind::kConcat:
        for (const Node& child : node.children) Emit(child);
        return;
      case Node::Kind::kAlt:
        EmitAlt(node);
        return;
      case Node::Kind::kRepeat:
        EmitRepeat(node);
        return;
    }
  }

 private:
  int Add(Op op, unsigned char byte = 0, int x = 0, int y = 0) {
    prog_->insts.push_back({op, byte, x, y});
    return static_cast<int>(prog_->insts.size()) - 1;
  }
  int Next() const { return static_cast<int>(prog_->insts.size()); }

  void EmitClass(const Node& node) {
    std::bitset<256> members;
    for (const auto& [lo, hi] : node.ranges) {
      for (int b = lo; b <= hi; ++b) members.set(static_cast<size_t>(b));
    }
    if (node.negated) members.flip();
    prog_->classes.push_back(members);
    Add(Op::kClass, 0, static_cast<int>(prog_->classes.size()) - 1);
  }

  // split L1,next; L1: c1; jmp end; next: split L2,... ; last: cn; end:
  void EmitAlt(const Node& node) {
    std::vector<int> jumps;
    for (size_t i = 0; i < node.children.size(); ++i) {
      int split = -1;
      if (i + 1 < node.children.size()) split = Add(Op::kSplit, 0, 0, 0);
      if (split >= 0) prog_->insts[split].x = Next();
      Emit(node.children[i]);
      if (split >= 0) {
        jumps.push_back(Add(Op::kJmp));
        prog_->insts[split].y = Next();
      }
    }
    for (int jump : jumps) prog_->insts[jump].x = Next();
  }

  // e{m,n}: m copies of e, then n-m optional copies that all skip to the end;
  // e{m,}: m copies, then the loop "L: split body,end; body: e; jmp L".
  void EmitRepeat(const Node& node) {
    const Node& child = node.children[0];
    for (int i = 0; i < node.min; ++i) Emit(child);
    if (node.max < 0) {
      const int loop = Add(Op::kSplit);
      prog_->insts[loop].x = Next();
      Emit(child);
      Add(Op::kJmp, 0, loop);
      prog_->insts[loop].y = Next();
      return;
    }
    std::vector<int> skips;
    for (int i = node.min; i < node.max; ++i) {
      const int split = Add(Op::kSplit);
      prog_->insts[split].x = Next();
      skips.push_back(split);
      Emit(child);
    }
    for (int split : skips) prog_->insts[split].y = Next();
  }

  RegexProgram* prog_;
};

// The set of NFA states alive at one input position, with the epsilon closure
// computed on insertion. `mark` holds, per instruction, the generation of the
// list that last contained it, so clearing a list is O(1).
struct StateList {
  std::vector<int> pcs;
  bool matched = false;
};

class Simulator {
 public:
  explicit Simulator(const RegexProgram& program)
      : prog_(program), mark_(program.insts.size(), 0) {}

  bool Run(std::string_view text, bool anchored) {
    StateList current;
    StateList next;
    ++generation_;
    AddClosure(&current, 0);
    for (char ch : text) {
      if (!anchored && current.matched) return true;
      if (anchored && current.pcs.empty()) return false;
      const auto byte = static_cast<unsigned char>(ch);
      next.pcs.clear();
      next.matched = false;
      ++generation_;
      for (int pc : current.pcs) {
        if (Consumes(prog_.insts[static_cast<size_t>(pc)], byte)) AddClosure(&next, pc + 1);
      }
      // A search starts a new attempt at every position.
      if (!anchored) AddClosure(&next, 0);
      std::swap(current, next);
    }
    return current.matched;
  }

 private:
  using Op = RegexProgram::Op;

  bool Consumes(const RegexProgram::Inst& inst, unsigned char byte) const {
    switch (inst.op) {
      case Op::kByte:
        return inst.byte == byte;
      case Op::kAny:
        return true;
      case Op::kClass:
        return prog_.classes[static_cast<size_t>(inst.x)].test(byte);
      default:
        return false;
    }
  }

  // Follows kSplit/kJmp with an explicit stack (the program can be long).
  void AddClosure(StateList* list, int start) {
    stack_.clear();
    stack_.push_back(start);
    while (!stack_.empty()) {
      const int pc = stack_.back();
      stack_.pop_back();
      uint64_t& mark = mark_[static_cast<size_t>(pc)];
      if (mark == generation_) continue;
      mark = generation_;
      const RegexProgram::Inst& inst = prog_.insts[static_cast<size_t>(pc)];
      if (inst.op == Op::kJmp) {
        stack_.push_back(inst.x);
      } else if (inst.op == Op::kSplit) {
        stack_.push_back(inst.y);
        stack_.push_back(inst.x);
      } else {
        if (inst.op == Op::kMatch) list->matched = true;
        list->pcs.push_back(pc);
      }
    }
  }

  const RegexProgram& prog_;
  std::vector<uint64_t> mark_;
  std::vector<int> stack_;
  uint64_t generation_ = 0;
};

}  // namespace

struct Regex::Program : RegexProgram {};

Result<std::shared_ptr<const Regex>> Regex::Compile(std::string_view pattern) {
  if (pattern.size() > limits::kRegexLengthMax) {
    return InvalidArgumentError("regex " + Quote(pattern) + ": " + std::to_string(pattern.size()) +
                                " bytes, above the limit of " +
                                std::to_string(limits::kRegexLengthMax) +
                                " (limits::kRegexLengthMax)");
  }
  Parser parser(pattern);
  LOGACT_ASSIGN_OR_RETURN(RegexNode root, parser.ParseAll());
  const uint64_t size = ProgramSize(root) + 1;  // + the final kMatch
  if (size > limits::kRegexProgramMax) {
    return InvalidArgumentError(
        "regex " + Quote(pattern) + ": too large after expanding repetitions (above " +
        std::to_string(limits::kRegexProgramMax) + " NFA states, limits::kRegexProgramMax)");
  }
  auto program = std::make_shared<Program>();
  program->insts.reserve(size);
  Compiler(program.get()).Emit(root);
  program->insts.push_back({RegexProgram::Op::kMatch, 0, 0, 0});
  LOGACT_ASSERT_EQ(program->insts.size(), size);  // the estimate is exact
  std::shared_ptr<Regex> regex(new Regex());
  regex->pattern_ = std::string(pattern);
  regex->root_ = std::move(root);
  regex->program_ = std::move(program);
  return std::shared_ptr<const Regex>(std::move(regex));
}

bool Regex::FullMatch(std::string_view text) const {
  return Simulator(*program_).Run(text, /*anchored=*/true);
}

bool Regex::PartialMatch(std::string_view text) const {
  return Simulator(*program_).Run(text, /*anchored=*/false);
}

}  // namespace logact
