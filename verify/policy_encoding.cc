// SMT encoding of actions, conditions, voters and decider policies. See the
// header for the model; comments here explain the choices that keep the SMT
// meaning identical to core/condition.cc and core/decider_policy.cc.
#include "verify/policy_encoding.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "core/assert.h"
#include "core/limits.h"

namespace logact::verify {
namespace {

// Decimal string of `digits` * 2.
std::string DoubleDecimal(const std::string& digits) {
  std::string out(digits.size(), '0');
  int carry = 0;
  for (size_t i = digits.size(); i-- > 0;) {
    const int d = (digits[i] - '0') * 2 + carry;
    out[i] = static_cast<char>('0' + d % 10);
    carry = d / 10;
  }
  return carry ? "1" + out : out;
}

// The exact rational value of a finite double as "p/q" (or "p").
std::string ExactRational(double value) {
  LOGACT_ASSERT(std::isfinite(value));
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(value), &exponent);
  auto mantissa = static_cast<uint64_t>(std::ldexp(fraction, 53));
  exponent -= 53;
  while (mantissa != 0 && mantissa % 2 == 0 && exponent < 0) {
    mantissa /= 2;
    ++exponent;
  }
  std::string numerator = std::to_string(mantissa);
  std::string denominator = "1";
  for (; exponent > 0; --exponent) numerator = DoubleDecimal(numerator);
  for (; exponent < 0; ++exponent) denominator = DoubleDecimal(denominator);
  const std::string sign = value < 0 && mantissa != 0 ? "-" : "";
  return sign + numerator + (denominator == "1" ? "" : "/" + denominator);
}

// A JSON number as a Z3 Real (exact).
z3::expr RealOf(z3::context& ctx, const Json& number) {
  if (number.is_number_unsigned())
    return ctx.real_val(std::to_string(number.get<uint64_t>()).c_str());
  if (number.is_number_integer())
    return ctx.real_val(std::to_string(number.get<int64_t>()).c_str());
  return ctx.real_val(ExactRational(number.get<double>()).c_str());
}

z3::expr Char(z3::context& ctx, unsigned code) {
  const char byte = static_cast<char>(code);
  return ctx.string_val(&byte, 1);
}

z3::expr ByteRange(z3::context& ctx, unsigned lo, unsigned hi) {
  return z3::range(Char(ctx, lo), Char(ctx, hi));
}

z3::expr Union(z3::context& ctx, const std::vector<z3::expr>& parts) {
  if (parts.empty()) {
    z3::sort string_sort = ctx.string_sort();
    return z3::re_empty(ctx.re_sort(string_sort));
  }
  if (parts.size() == 1) return parts[0];
  // z3++'s operator| is bit-vector or; build re.union through the C API.
  std::vector<Z3_ast> asts(parts.begin(), parts.end());
  Z3_ast result = Z3_mk_re_union(ctx, static_cast<unsigned>(asts.size()), asts.data());
  ctx.check_error();
  return z3::expr(ctx, result);
}

z3::expr EncodeClass(z3::context& ctx, const RegexNode& node) {
  std::vector<bool> member(256, false);
  for (const auto& [lo, hi] : node.ranges) {
    for (unsigned c = lo; c <= hi; ++c) member[c] = true;
  }
  std::vector<z3::expr> parts;
  for (unsigned c = 0; c < 256;) {
    if (member[c] == node.negated) {
      ++c;
      continue;
    }
    unsigned end = c;
    while (end + 1 < 256 && member[end + 1] != node.negated) ++end;
    parts.push_back(ByteRange(ctx, c, end));
    c = end + 1;
  }
  return Union(ctx, parts);
}

Result<Json> IntegerJson(const std::string& digits) {
  errno = 0;
  char* end = nullptr;
  if (!digits.empty() && digits[0] == '-') {
    const long long value = std::strtoll(digits.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') return Json(static_cast<int64_t>(value));
  } else {
    const unsigned long long value = std::strtoull(digits.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') {
      if (value <= static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
        return Json(static_cast<int64_t>(value));
      }
      return Json(static_cast<uint64_t>(value));
    }
  }
  return InternalError("model integer " + digits + " is outside the JSON integer range");
}

}  // namespace

z3::expr ByteString(z3::context& ctx, const std::string& bytes) {
  return ctx.string_val(bytes.data(), static_cast<unsigned>(bytes.size()));
}

z3::expr EncodeRegex(z3::context& ctx, const RegexNode& node) {
  switch (node.kind) {
    case RegexNode::Kind::kEmpty:
      return z3::to_re(ByteString(ctx, ""));
    case RegexNode::Kind::kLiteral:
      return z3::to_re(ByteString(ctx, node.bytes));
    case RegexNode::Kind::kAny:
      return ByteRange(ctx, 0, 255);  // one byte, like the native matcher
    case RegexNode::Kind::kClass:
      return EncodeClass(ctx, node);
    case RegexNode::Kind::kConcat: {
      if (node.children.empty()) return z3::to_re(ByteString(ctx, ""));
      z3::expr out = EncodeRegex(ctx, node.children[0]);
      for (size_t i = 1; i < node.children.size(); ++i) {
        out = z3::concat(out, EncodeRegex(ctx, node.children[i]));
      }
      return out;
    }
    case RegexNode::Kind::kAlt: {
      std::vector<z3::expr> parts;
      for (const RegexNode& child : node.children) parts.push_back(EncodeRegex(ctx, child));
      return Union(ctx, parts);
    }
    case RegexNode::Kind::kRepeat: {
      LOGACT_ASSERT_EQ(node.children.size(), 1u);
      z3::expr inner = EncodeRegex(ctx, node.children[0]);
      if (node.max < 0 && node.children[0].kind == RegexNode::Kind::kAny) {
        // `.*` is re.all, not (re.* (re.range 0 255)): both agree on byte
        // strings (the only values an action carries), but Z3 4.8.12 proves
        // "x ∈ (urgent|asap)-11.* ∧ x ∉ (urgent|asap)-1.*" unsat in 80 ms
        // with re.all and times out (5 s) with the byte range, which it
        // must tell apart from re.all over its wider character set.
        z3::sort strings = ctx.string_sort();
        const z3::expr all = z3::re_full(ctx.re_sort(strings));
        if (node.min == 0) return all;
        return z3::concat(
            inner.loop(static_cast<unsigned>(node.min), static_cast<unsigned>(node.min)), all);
      }
      if (node.max < 0 && node.min == 0) return z3::star(inner);
      if (node.max < 0 && node.min == 1) return z3::plus(inner);
      if (node.max < 0) return inner.loop(static_cast<unsigned>(node.min));
      if (node.max == 0) return z3::to_re(ByteString(ctx, ""));  // loop(0,0) would be unbounded
      return inner.loop(static_cast<unsigned>(node.min), static_cast<unsigned>(node.max));
    }
  }
  LOGACT_ASSERT(false && "unhandled regex node");
  return z3::to_re(ByteString(ctx, ""));
}

ActionEncoding::ActionEncoding(z3::context& ctx, const ToolSchemas& schemas)
    : ctx_(ctx), schemas_(schemas), tool_(ctx.int_const("tool")) {
  for (const auto& [name, tool] : schemas) {
    tool_names_.push_back(name);
    for (const auto& [arg, schema] : tool.args) {
      const std::string base = name + "." + arg;
      z3::expr value = schema.type == ArgType::kString    ? ctx.string_const(base.c_str())
                       : schema.type == ArgType::kInteger ? ctx.int_const(base.c_str())
                       : schema.type == ArgType::kNumber  ? ctx.real_const(base.c_str())
                                                          : ctx.bool_const(base.c_str());
      z3::expr present =
          schema.optional ? ctx.bool_const((base + "?present").c_str()) : ctx.bool_val(true);
      vars_[name].emplace(
          arg, ArgVar{schema.type, schema.optional, present, value, tool_names_.size() - 1});
    }
  }
}

z3::expr ActionEncoding::Valid() const {
  z3::expr valid = tool_ >= 0 && tool_ < static_cast<int>(tool_names_.size());
  const z3::expr min = ctx_.int_val(std::to_string(std::numeric_limits<int64_t>::min()).c_str());
  const z3::expr max = ctx_.int_val(std::to_string(std::numeric_limits<uint64_t>::max()).c_str());
  for (const auto& [tool, args] : vars_) {
    for (const auto& [name, var] : args) {
      if (var.type == ArgType::kInteger) valid = valid && var.value >= min && var.value <= max;
    }
  }
  return valid;
}

z3::expr ActionEncoding::StringDomain(bool printable) const {
  const z3::expr chars = printable ? ByteRange(ctx_, 0x20, 0x7e) : ByteRange(ctx_, 0, 255);
  z3::expr all = ctx_.bool_val(true);
  for (const auto& [tool, args] : vars_) {
    for (const auto& [name, var] : args) {
      if (var.type == ArgType::kString) all = all && z3::in_re(var.value, z3::star(chars));
    }
  }
  return all;
}

z3::expr ActionEncoding::ToolIs(const std::string& tool) const {
  for (size_t i = 0; i < tool_names_.size(); ++i) {
    if (tool_names_[i] == tool) return tool_ == static_cast<int>(i);
  }
  return ctx_.bool_val(false);  // unknown tools were rejected before encoding
}

z3::expr ActionEncoding::Encode(const Condition& condition) {
  switch (condition.kind) {
    case Condition::Kind::kTool: {
      z3::expr any = ctx_.bool_val(false);
      for (const std::string& tool : condition.tools) any = any || ToolIs(tool);
      return any;
    }
    case Condition::Kind::kArg:
      return EncodeArg(condition);
    case Condition::Kind::kTextContains:
    case Condition::Kind::kTextMatches: {
      const std::string key =
          (condition.kind == Condition::Kind::kTextContains ? "contains:" : "matches:") +
          condition.text;
      auto it = text_vars_.find(key);
      if (it != text_vars_.end()) return it->second;
      const std::string name = "text" + std::to_string(text_vars_.size());
      return text_vars_.emplace(key, ctx_.bool_const(name.c_str())).first->second;
    }
    case Condition::Kind::kAll: {
      z3::expr all = ctx_.bool_val(true);
      for (const Condition& child : condition.children) all = all && Encode(child);
      return all;
    }
    case Condition::Kind::kAny: {
      z3::expr any = ctx_.bool_val(false);
      for (const Condition& child : condition.children) any = any || Encode(child);
      return any;
    }
    case Condition::Kind::kNot:
      LOGACT_ASSERT_EQ(condition.children.size(), 1u);
      return !Encode(condition.children[0]);
  }
  LOGACT_ASSERT(false && "unhandled condition kind");
  return ctx_.bool_val(false);
}

namespace {

bool StartsWith(const std::string& text, const std::string& head) {
  return text.size() >= head.size() && text.compare(0, head.size(), head) == 0;
}

bool EndsWith(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// Whether every string with affix (a_op, a) also has affix (b_op, b): a
// prefix, suffix or occurrence of a contains every substring of a; a prefix
// of a is a prefix of the string, a suffix of a a suffix.
bool AffixImplies(ArgOp a_op, const std::string& a, ArgOp b_op, const std::string& b) {
  switch (b_op) {
    case ArgOp::kContains:
      return a.find(b) != std::string::npos;
    case ArgOp::kPrefix:
      return a_op == ArgOp::kPrefix && StartsWith(a, b);
    case ArgOp::kSuffix:
      return a_op == ArgOp::kSuffix && EndsWith(a, b);
    default:
      return false;
  }
}

// Whether no string has both affixes: two prefixes (or two suffixes) of
// which neither extends the other disagree at some byte.
bool AffixExcludes(ArgOp a_op, const std::string& a, ArgOp b_op, const std::string& b) {
  if (a_op != b_op) return false;
  if (a_op == ArgOp::kPrefix) return !StartsWith(a, b) && !StartsWith(b, a);
  if (a_op == ArgOp::kSuffix) return !EndsWith(a, b) && !EndsWith(b, a);
  return false;
}

// The ids of every subterm of `root` (each shared term once).
std::set<unsigned> SubtermIds(const z3::expr& root) {
  std::set<unsigned> seen;
  std::vector<z3::expr> stack = {root};
  while (!stack.empty()) {
    const z3::expr term = stack.back();
    stack.pop_back();
    if (!seen.insert(term.id()).second || !term.is_app()) continue;
    for (unsigned i = 0; i < term.num_args(); ++i) stack.push_back(term.arg(i));
  }
  return seen;
}

}  // namespace

void ActionEncoding::RecordAtom(const ArgVar& var, ArgOp op, const std::string& literal,
                                const z3::expr& atom, const RegexNode* regex) {
  auto& [tool, atoms] = affix_atoms_[var.value.id()];
  tool = var.tool;
  const bool known = std::any_of(atoms.begin(), atoms.end(), [&](const AffixAtom& other) {
    return other.atom.id() == atom.id();
  });
  if (known) return;
  std::shared_ptr<const ByteNfa> nfa;
  if (regex != nullptr) {
    if (std::optional<ByteNfa> built = ByteNfa::Of(*regex, limits::kPolicyLemmaNfaStatesMax)) {
      nfa = std::make_shared<const ByteNfa>(std::move(*built));
    }
  } else {
    nfa = std::make_shared<const ByteNfa>(
        ByteNfa::Affix(literal, op != ArgOp::kPrefix, op != ArgOp::kSuffix));
  }
  atoms.push_back(AffixAtom{op, literal, atom, std::move(nfa)});
}

// New pairs RegexLemmas decides per call: the full dead-rule query holds
// every membership of a voter, and pairs grow with their square (a 200-rule
// policy needs a few hundred); past this budget a pair gets no lemma in this
// call (and is decided by a later, smaller query that needs it).
constexpr size_t kRegexPairsPerQueryMax = 4'096;

template <typename RelationOf>
z3::expr ActionEncoding::PairLemmas(const z3::expr& query, RelationOf relation) const {
  const std::set<unsigned> present = SubtermIds(query);
  z3::expr lemmas = ctx_.bool_val(true);
  for (const auto& [var, entry] : affix_atoms_) {
    const auto& [tool, atoms] = entry;
    std::vector<const AffixAtom*> used;
    for (const AffixAtom& atom : atoms) {
      if (present.contains(atom.atom.id())) used.push_back(&atom);
    }
    z3::expr here = ctx_.bool_val(true);
    bool any = false;
    for (size_t i = 0; i < used.size(); ++i) {
      for (size_t j = 0; j < used.size(); ++j) {
        if (i == j) continue;
        const AffixAtom& a = *used[i];
        const AffixAtom& b = *used[j];
        switch (relation(a, b, /*first_of_pair=*/i < j)) {
          case Relation::kImplies:
            here = here && z3::implies(a.atom, b.atom);
            any = true;
            break;
          case Relation::kExcludes:
            here = here && !(a.atom && b.atom);
            any = true;
            break;
          case Relation::kNone:
            break;
        }
      }
    }
    if (any) lemmas = lemmas && z3::implies(tool_ == static_cast<int>(tool), here);
  }
  return lemmas;
}

z3::expr ActionEncoding::RegexLemmas(const z3::expr& query) const {
  size_t budget = kRegexPairsPerQueryMax;
  return PairLemmas(query, [&](const AffixAtom& a, const AffixAtom& b, bool first_of_pair) {
    if (a.op != ArgOp::kMatches && b.op != ArgOp::kMatches) return Relation::kNone;
    if (a.nfa == nullptr || b.nfa == nullptr) return Relation::kNone;
    const auto key = std::make_pair(a.atom.id(), b.atom.id());
    auto known = regex_relations_.find(key);
    if (known == regex_relations_.end()) {
      if (budget == 0) return Relation::kNone;
      --budget;
      const size_t max = limits::kPolicyLemmaProductStatesMax;
      Relation decided = Relation::kNone;
      if (Includes(*a.nfa, *b.nfa, max) == std::optional<bool>(true)) {
        decided = Relation::kImplies;
      } else if (first_of_pair && Disjoint(*a.nfa, *b.nfa, max) == std::optional<bool>(true)) {
        decided = Relation::kExcludes;
      }
      known = regex_relations_.emplace(key, decided).first;
    }
    return known->second;
  });
}

z3::expr ActionEncoding::AbstractStrings(const z3::expr& query) const {
  z3::expr_vector from(ctx_);
  z3::expr_vector to(ctx_);
  for (const auto& [var, entry] : affix_atoms_) {
    for (const AffixAtom& atom : entry.second) {
      from.push_back(atom.atom);
      to.push_back(ctx_.bool_const(("atom!" + std::to_string(atom.atom.id())).c_str()));
    }
  }
  return z3::expr(query).substitute(from, to);
}

z3::expr ActionEncoding::AffixLemmas(const z3::expr& query) const {
  return PairLemmas(query, [](const AffixAtom& a, const AffixAtom& b, bool first_of_pair) {
    if (a.op == ArgOp::kMatches || b.op == ArgOp::kMatches) return Relation::kNone;
    if (AffixImplies(a.op, a.literal, b.op, b.literal)) return Relation::kImplies;
    if (first_of_pair && AffixExcludes(a.op, a.literal, b.op, b.literal)) {
      return Relation::kExcludes;
    }
    return Relation::kNone;
  });
}

z3::expr ActionEncoding::EncodeArg(const Condition& condition) {
  // Present on the chosen tool (dotted names never name a schema argument and
  // were rejected by CheckConditionAgainstSchemas).
  z3::expr present = ctx_.bool_val(false);
  z3::expr holds = ctx_.bool_val(false);
  for (size_t i = 0; i < tool_names_.size(); ++i) {
    const auto& args = vars_[tool_names_[i]];
    auto it = args.find(condition.arg);
    if (it == args.end()) continue;
    const z3::expr here = tool_ == static_cast<int>(i) && it->second.present;
    present = present || here;
    if (condition.op != ArgOp::kExists) holds = holds || (here && EncodeOp(condition, it->second));
  }
  if (condition.op == ArgOp::kExists) return condition.value.get<bool>() ? present : !present;
  return holds;
}

// op(value) for a present argument of a known type (core/condition.cc EvaluateArg).
namespace {

// The regex of the strings that have `operand` (a string) after any prefix
// (`any_before`) and before any suffix (`any_after`).
z3::expr Affix(z3::context& ctx, const Json& operand, bool any_before, bool any_after) {
  z3::sort strings = ctx.string_sort();
  const z3::expr all = z3::re_full(ctx.re_sort(strings));
  z3::expr re = z3::to_re(ByteString(ctx, operand.get<std::string>()));
  if (any_before) re = z3::concat(all, re);
  if (any_after) re = z3::concat(re, all);
  return re;
}

}  // namespace

z3::expr ActionEncoding::EncodeOp(const Condition& condition, const ArgVar& var) {
  const Json& operand = condition.value;
  auto equal = [&](const Json& item) -> z3::expr {
    switch (var.type) {
      case ArgType::kString:
        return item.is_string() ? var.value == ByteString(ctx_, item.get<std::string>())
                                : ctx_.bool_val(false);
      case ArgType::kBoolean:
        return item.is_boolean() ? var.value == ctx_.bool_val(item.get<bool>())
                                 : ctx_.bool_val(false);
      case ArgType::kInteger:
        return item.is_number() ? z3::to_real(var.value) == RealOf(ctx_, item)
                                : ctx_.bool_val(false);
      case ArgType::kNumber:
        return item.is_number() ? var.value == RealOf(ctx_, item) : ctx_.bool_val(false);
    }
    return ctx_.bool_val(false);
  };
  const bool numeric = var.type == ArgType::kInteger || var.type == ArgType::kNumber;
  auto number = [&]() {
    return var.type == ArgType::kInteger ? z3::to_real(var.value) : var.value;
  };
  const bool is_string = var.type == ArgType::kString;
  switch (condition.op) {
    case ArgOp::kEq:
      return equal(operand);
    case ArgOp::kNe:
      return !equal(operand);
    case ArgOp::kLt:
      return numeric ? number() < RealOf(ctx_, operand) : ctx_.bool_val(false);
    case ArgOp::kLe:
      return numeric ? number() <= RealOf(ctx_, operand) : ctx_.bool_val(false);
    case ArgOp::kGt:
      return numeric ? number() > RealOf(ctx_, operand) : ctx_.bool_val(false);
    case ArgOp::kGe:
      return numeric ? number() >= RealOf(ctx_, operand) : ctx_.bool_val(false);
    case ArgOp::kIn: {
      z3::expr any = ctx_.bool_val(false);
      for (const Json& item : operand) any = any || equal(item);
      return any;
    }
    // prefix/suffix/contains as regex membership: Z3 4.8's sequence solver
    // handles a negated `str.contains` by unfolding it and often gives up
    // (dead-rule queries of the policy bench timed out), while a negated
    // regex is decided by derivatives.
    case ArgOp::kPrefix:
    case ArgOp::kSuffix:
    case ArgOp::kContains: {
      if (!is_string) return ctx_.bool_val(false);
      const z3::expr atom = z3::in_re(
          var.value,
          Affix(ctx_, operand, condition.op != ArgOp::kPrefix, condition.op != ArgOp::kSuffix));
      RecordAtom(var, condition.op, operand.get<std::string>(), atom);
      return atom;
    }
    case ArgOp::kMatches: {
      LOGACT_ASSERT(condition.regex != nullptr);
      if (!is_string) return ctx_.bool_val(false);
      const z3::expr atom = z3::in_re(var.value, EncodeRegex(ctx_, condition.regex->root()));
      RecordAtom(var, ArgOp::kMatches, "", atom, &condition.regex->root());
      return atom;
    }
    case ArgOp::kExists:
      break;
  }
  LOGACT_ASSERT(false && "exists is handled by EncodeArg");
  return ctx_.bool_val(false);
}

Result<Action> ActionEncoding::Extract(const z3::model& model) const {
  const int64_t index = model.eval(tool_, true).get_numeral_int64();
  if (index < 0 || index >= static_cast<int64_t>(tool_names_.size())) {
    return InternalError("model tool index out of range");
  }
  Action action;
  action.tool = tool_names_[static_cast<size_t>(index)];
  const z3::expr bytes = z3::star(ByteRange(ctx_, 0, 255));
  for (const auto& [name, var] : vars_.at(action.tool)) {
    if (var.optional && !model.eval(var.present, true).is_true()) continue;
    const z3::expr value = model.eval(var.value, true);
    switch (var.type) {
      case ArgType::kBoolean:
        action.args[name] = value.is_true();
        break;
      case ArgType::kInteger: {
        LOGACT_ASSIGN_OR_RETURN(action.args[name], IntegerJson(value.get_decimal_string(0)));
        break;
      }
      case ArgType::kNumber: {
        const std::string text = Z3_get_numeral_string(ctx_, value);
        const size_t slash = text.find('/');
        if (slash == std::string::npos) {
          LOGACT_ASSIGN_OR_RETURN(action.args[name], IntegerJson(text));
        } else {
          action.args[name] = std::strtod(text.substr(0, slash).c_str(), nullptr) /
                              std::strtod(text.substr(slash + 1).c_str(), nullptr);
        }
        break;
      }
      case ArgType::kString: {
        if (!model.eval(z3::in_re(value, bytes), true).is_true()) {
          return InternalError("model string of '" + name + "' holds a non-byte character");
        }
        unsigned length = 0;
        const char* data = Z3_get_lstring(ctx_, value, &length);
        std::string text(data, length);
        if (!ValidUtf8(text)) return InternalError("model string of '" + name + "' is not UTF-8");
        action.args[name] = std::move(text);
        break;
      }
    }
  }
  return action;
}

std::vector<std::string> CountedTypesWithVoters(const VoterSet& set) {
  std::set<std::string> types;
  for (const VoterConfig& voter : set.voters) {
    if (set.decider.Counts(voter.type)) types.insert(voter.type);
  }
  return {types.begin(), types.end()};
}

VoterSetEncoding::VoterSetEncoding(z3::context& ctx, ActionEncoding& action, const VoterSet& set,
                                   const std::string& prefix)
    : ctx_(ctx), set_(set) {
  for (size_t v = 0; v < set.voters.size(); ++v) {
    const VoterConfig& voter = set.voters[v];
    std::vector<z3::expr> matches;
    for (const Rule& rule : voter.rules) matches.push_back(action.Encode(rule.when));
    rule_matches_.push_back(matches);
    if (voter.is_rule_voter) {
      votes_.push_back(RuleVerdict(voter, std::nullopt));
    } else if (voter.assume == Assumption::kUnknown) {
      votes_.push_back(ctx.bool_const((prefix + "vote." + voter.name).c_str()));
    } else {
      votes_.push_back(ctx.bool_val(voter.assume == Assumption::kAllow));
    }
    if (set.decider.Counts(voter.type)) voters_of_type_[voter.type].push_back(v);
  }
  for (const auto& [type, voters] : voters_of_type_) {
    if (voters.size() >= 2) {
      selector_.emplace(type, ctx.int_const((prefix + "first_of." + type).c_str()));
    }
  }
  if (set.decider.kind == DeciderKind::kFirstVoter) {
    first_ = ctx.int_const((prefix + "first_type").c_str());
  }
}

z3::expr VoterSetEncoding::RuleVerdict(const VoterConfig& voter, std::optional<size_t> skip) const {
  const z3::expr deny = MatchesOf(voter, RuleEffect::kDeny, skip);
  const z3::expr allow = MatchesOf(voter, RuleEffect::kAllow, skip);
  return !deny && (allow || ctx_.bool_val(voter.default_allow));
}

// Whether some rule of `effect` other than `skip` matches (one flat `or`).
z3::expr VoterSetEncoding::MatchesOf(const VoterConfig& voter, RuleEffect effect,
                                     std::optional<size_t> skip) const {
  const size_t index = static_cast<size_t>(&voter - set_.voters.data());
  return MatchesOf(voter, effect, skip, rule_matches_[index]);
}

// Constant parts are left out (a rule fixed to another tool is `false`), so
// the `or` over a per-tool voter holds only the rules of that tool.
z3::expr VoterSetEncoding::MatchesOf(const VoterConfig& voter, RuleEffect effect,
                                     std::optional<size_t> skip,
                                     const std::vector<z3::expr>& matches) const {
  LOGACT_ASSERT_EQ(matches.size(), voter.rules.size());
  z3::expr_vector out(ctx_);
  for (size_t r = 0; r < voter.rules.size(); ++r) {
    if (skip == r || voter.rules[r].effect != effect || matches[r].is_false()) continue;
    if (matches[r].is_true()) return ctx_.bool_val(true);
    out.push_back(matches[r]);
  }
  return out.empty() ? ctx_.bool_val(false) : z3::mk_or(out);
}

z3::expr VoterSetEncoding::VerdictWithout(size_t voter, size_t rule) const {
  LOGACT_ASSERT(set_.voters[voter].is_rule_voter);
  return RuleVerdict(set_.voters[voter], rule);
}

// With D/A the other deny/allow rules and d the default: removing deny rule r
// changes the verdict iff r matches ∧ ¬D ∧ (A ∨ d); removing allow rule r iff
// r matches ∧ ¬D ∧ ¬A ∧ ¬d (verdict = ¬deny ∧ (allow ∨ d)).
z3::expr VoterSetEncoding::RuleChanges(size_t voter, size_t rule) const {
  return RuleChanges(voter, rule, rule_matches_.at(voter));
}

z3::expr VoterSetEncoding::RuleChanges(size_t voter, size_t rule,
                                       const std::vector<z3::expr>& rule_matches) const {
  const VoterConfig& config = set_.voters[voter];
  LOGACT_ASSERT(config.is_rule_voter);
  LOGACT_ASSERT(rule < config.rules.size());
  const z3::expr matches = rule_matches[rule];
  const z3::expr other_deny = MatchesOf(config, RuleEffect::kDeny, rule, rule_matches);
  const z3::expr other_allow = MatchesOf(config, RuleEffect::kAllow, rule, rule_matches);
  const z3::expr by_default = ctx_.bool_val(config.default_allow);
  if (config.rules[rule].effect == RuleEffect::kDeny) {
    return matches && !other_deny && (other_allow || by_default);
  }
  return matches && !other_deny && !other_allow && !by_default;
}

// The vote that counts for `type`: the selected voter's (out-of-range
// selector values select the last voter, so every value is a valid choice).
z3::expr VoterSetEncoding::CountedVote(const std::string& type,
                                       const std::vector<z3::expr>& votes) const {
  const std::vector<size_t>& voters = voters_of_type_.at(type);
  z3::expr out = votes[voters.back()];
  for (size_t i = voters.size() - 1; i-- > 0;) {
    out = z3::ite(selector_.at(type) == static_cast<int>(i), votes[voters[i]], out);
  }
  return out;
}

z3::expr VoterSetEncoding::Commits(const std::vector<z3::expr>& votes) const {
  const DeciderPolicy& policy = set_.decider;
  switch (policy.kind) {
    case DeciderKind::kOnByDefault:
      return ctx_.bool_val(true);
    case DeciderKind::kOffByDefault:
      return ctx_.bool_val(false);
    case DeciderKind::kFirstVoter: {
      if (voters_of_type_.empty()) return ctx_.bool_val(false);
      std::vector<std::string> types;
      for (const auto& [type, voters] : voters_of_type_) types.push_back(type);
      z3::expr out = CountedVote(types.back(), votes);
      for (size_t i = types.size() - 1; i-- > 0;) {
        out = z3::ite(*first_ == static_cast<int>(i), CountedVote(types[i], votes), out);
      }
      return out;
    }
    default:
      break;
  }
  z3::expr all = ctx_.bool_val(true);
  z3::expr any = ctx_.bool_val(false);
  z3::expr approvals = ctx_.int_val(0);
  for (const std::string& type : policy.types) {
    if (!voters_of_type_.contains(type)) {
      all = ctx_.bool_val(false);  // a listed type without voters never approves
      continue;
    }
    const z3::expr vote = CountedVote(type, votes);
    all = all && vote;
    any = any || vote;
    approvals = approvals + z3::ite(vote, ctx_.int_val(1), ctx_.int_val(0));
  }
  if (policy.kind == DeciderKind::kAllOf) return all;
  if (policy.kind == DeciderKind::kAnyOf) return any;
  LOGACT_ASSERT(policy.kind == DeciderKind::kQuorum);
  return approvals >= ctx_.int_val(policy.k);
}

std::map<std::string, z3::expr> VoterSetEncoding::CanApprove() const {
  std::map<std::string, z3::expr> out;
  for (const auto& [type, voters] : voters_of_type_) {
    z3::expr can = ctx_.bool_val(false);
    for (size_t v : voters) {
      const VoterConfig& voter = set_.voters[v];
      const bool free = !voter.is_rule_voter && voter.assume == Assumption::kUnknown;
      can = can || (free ? ctx_.bool_val(true) : votes_[v]);
    }
    out.emplace(type, can.simplify());
  }
  return out;
}

z3::expr VoterSetEncoding::CanCommit() const {
  const DeciderPolicy& policy = set_.decider;
  const std::map<std::string, z3::expr> can = CanApprove();
  switch (policy.kind) {
    case DeciderKind::kOnByDefault:
      return ctx_.bool_val(true);
    case DeciderKind::kOffByDefault:
      return ctx_.bool_val(false);
    case DeciderKind::kFirstVoter: {
      z3::expr any = ctx_.bool_val(false);
      for (const auto& [type, approve] : can) any = any || approve;
      return any;
    }
    default:
      break;
  }
  // Each type's counted vote is chosen independently, so "some choice
  // commits" is the policy applied to "can approve" per type.
  z3::expr all = ctx_.bool_val(true);
  z3::expr any = ctx_.bool_val(false);
  z3::expr approvals = ctx_.int_val(0);
  for (const std::string& type : policy.types) {
    auto it = can.find(type);
    if (it == can.end()) {
      all = ctx_.bool_val(false);
      continue;
    }
    all = all && it->second;
    any = any || it->second;
    approvals = approvals + z3::ite(it->second, ctx_.int_val(1), ctx_.int_val(0));
  }
  if (policy.kind == DeciderKind::kAllOf) return all;
  if (policy.kind == DeciderKind::kAnyOf) return any;
  return approvals >= ctx_.int_val(policy.k);
}

VoteScenario VoterSetEncoding::ExtractScenario(const z3::model& model) const {
  VoteScenario scenario;
  for (size_t v = 0; v < set_.voters.size(); ++v) {
    const VoterConfig& voter = set_.voters[v];
    if (!voter.is_rule_voter && voter.assume == Assumption::kUnknown) {
      scenario.unknown_votes[voter.name] = model.eval(votes_[v], true).is_true();
    }
  }
  auto pick = [&](const z3::expr& selector, size_t count) {
    const int64_t value = model.eval(selector, true).get_numeral_int64();
    return value >= 0 && value < static_cast<int64_t>(count) ? static_cast<size_t>(value)
                                                             : count - 1;
  };
  for (const auto& [type, selector] : selector_) {
    const std::vector<size_t>& voters = voters_of_type_.at(type);
    scenario.first_voter[type] = set_.voters[voters[pick(selector, voters.size())]].name;
  }
  if (first_.has_value() && !voters_of_type_.empty()) {
    const size_t index = pick(*first_, voters_of_type_.size());
    scenario.first_type = std::next(voters_of_type_.begin(), static_cast<long>(index))->first;
  }
  return scenario;
}

std::map<std::string, bool> VoterSetEncoding::ExtractVotes(const z3::model& model) const {
  std::map<std::string, bool> votes;
  for (const auto& [type, voters] : voters_of_type_) {
    votes[type] = model.eval(CountedVote(type, votes_), true).is_true();
  }
  return votes;
}

bool ValidUtf8(const std::string& bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    const size_t extra = lead < 0x80         ? 0
                         : (lead >> 5) == 6  ? 1
                         : (lead >> 4) == 14 ? 2
                         : (lead >> 3) == 30 ? 3
                                             : 4;
    if (extra == 4 || (extra > 0 && i + extra >= bytes.size())) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) >> 6) != 2) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace logact::verify
