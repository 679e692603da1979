// Tests of core/condition.h: every condition form of SPEC §6, its errors and its meaning.
#include "core/condition.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "core/limits.h"

namespace logact {
namespace {

Condition MustParse(const std::string& text) {
  Result<Condition> condition = ParseCondition(Json::parse(text), "when");
  BOOST_REQUIRE_MESSAGE(condition.has_value(), text + " -> " + condition.status().ToString());
  return condition.value();
}

void ExpectJsonError(const Json& json, const std::string& needle) {
  Result<Condition> condition = ParseCondition(json, "when");
  BOOST_REQUIRE_MESSAGE(!condition.has_value(), CompactJson(json) + " parsed but should not");
  BOOST_CHECK(condition.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(
      condition.error().message().find(needle) != std::string::npos,
      CompactJson(json) + " -> '" + condition.error().message() + "' lacks '" + needle + "'");
}
void ExpectError(const std::string& text, const std::string& needle) {
  ExpectJsonError(Json::parse(text), needle);
}

// The action used by most evaluation tests.
Action Transfer() {
  return Action{"send_money", Json::parse(R"({"recipient":"DE89 3704","amount":100,
      "rate":2.5,"urgent":true,"note":null,"to":{"iban":"DE12","meta":{"tier":3}},
      "tags":["a","b"]})")};
}

bool Holds(const std::string& condition_text, const Action& action = Transfer()) {
  Condition condition = MustParse(condition_text);
  return EvaluateCondition(condition, action, action.ToText());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ConditionParse)

// Every form of SPEC §6 parses into the documented tree.
BOOST_AUTO_TEST_CASE(EveryFormParses) {
  Condition tool = MustParse(R"({"tool":"send_money"})");
  BOOST_CHECK(tool.kind == Condition::Kind::kTool);
  BOOST_CHECK(tool.tools == std::vector<std::string>{"send_money"});
  Condition tools = MustParse(R"({"tool":{"in":["a","b"]}})");
  BOOST_CHECK(tools.tools == (std::vector<std::string>{"a", "b"}));
  for (const char* op : {"eq", "ne", "in", "lt", "le", "gt", "ge", "prefix", "suffix", "contains",
                         "matches", "exists"}) {
    Json json = {{"arg", "x"}};
    const std::string name = op;
    if (name == "in") {
      json[name] = Json::array({1, "a", true});
    } else if (name == "exists") {
      json[name] = false;
    } else if (name == "lt" || name == "le" || name == "gt" || name == "ge") {
      json[name] = 1.5;
    } else {
      json[name] = "a.b";
    }
    Result<Condition> parsed = ParseCondition(json, "when");
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), name);
    BOOST_CHECK(parsed->kind == Condition::Kind::kArg);
    BOOST_CHECK_EQUAL(ArgOpName(parsed->op), name);
    BOOST_CHECK_EQUAL(parsed->value, json[name]);
  }
  Condition matches = MustParse(R"({"arg":"to.iban","matches":"DE[0-9]+"})");
  BOOST_CHECK_EQUAL(matches.arg, "to.iban");
  BOOST_CHECK_EQUAL(matches.text, "DE[0-9]+");
  BOOST_REQUIRE(matches.regex != nullptr);
  BOOST_CHECK(MustParse(R"({"text_contains":"x"})").kind == Condition::Kind::kTextContains);
  Condition text_matches = MustParse(R"({"text_matches":"a|b"})");
  BOOST_CHECK(text_matches.kind == Condition::Kind::kTextMatches);
  BOOST_CHECK(text_matches.regex != nullptr);
  Condition all = MustParse(R"({"all":[{"tool":"a"},{"not":{"tool":"b"}}]})");
  BOOST_CHECK(all.kind == Condition::Kind::kAll);
  BOOST_REQUIRE_EQUAL(all.children.size(), 2u);
  BOOST_CHECK(all.children[1].kind == Condition::Kind::kNot);
  BOOST_CHECK_EQUAL(all.children[1].children.size(), 1u);
  BOOST_CHECK(MustParse(R"({"any":[]})").kind == Condition::Kind::kAny);
}

// Shapes outside SPEC §6 are bad input naming the JSON path and what was expected.
BOOST_AUTO_TEST_CASE(MalformedConditionsNameThePath) {
  ExpectError(R"("send_money")", "when: expected a condition object");
  ExpectError(R"([])", "when: expected a condition object");
  ExpectError(R"({})", "when: empty condition");
  ExpectError(R"({"tol":"x"})", "when.tol: unknown condition field");
  ExpectError(R"({"tool":"a","arg":"x","eq":1})", "when: mixes 'tool' and 'arg'");
  ExpectError(R"({"all":[],"any":[]})", "when: mixes 'all' and 'any'");
  ExpectError(R"({"tool":"a","reason":"x"})", "when.reason: unexpected field in a 'tool'");
  ExpectError(R"({"tool":""})", "when.tool: expected a tool name or");
  ExpectError(R"({"tool":3})", "when.tool: expected a tool name or");
  ExpectError(R"({"tool":{"eq":"a"}})", "when.tool: expected a tool name or");
  ExpectError(R"({"tool":{"in":["a"],"x":1}})", "when.tool: expected");
  ExpectError(R"({"tool":{"in":"a"}})", "when.tool.in: expected an array");
  ExpectError(R"({"tool":{"in":["a",2]}})", "when.tool.in[1]: expected a non-empty tool name");
  ExpectError(R"({"arg":"x"})", "when: expected exactly one operator among eq, ne");
  ExpectError(R"({"arg":"x","eq":1,"ne":2})", "when: more than one operator ('eq' and 'ne')");
  ExpectError(R"({"arg":"x","equals":1})", "when.equals: unknown operator");
  ExpectError(R"({"arg":3,"eq":1})", "when.arg: expected a non-empty argument name");
  ExpectError(R"({"arg":"","eq":1})", "when.arg: expected a non-empty argument name");
  ExpectError(R"({"arg":"to..iban","eq":1})", "when.arg: 'to..iban' has an empty segment");
  ExpectError(R"({"arg":".x","eq":1})", "empty segment");
  ExpectError(R"({"arg":"x.","eq":1})", "empty segment");
  ExpectError(R"({"arg":"x","eq":null})", "when.eq: expected a string, number or boolean");
  ExpectError(R"({"arg":"x","ne":[1]})", "when.ne: expected a string, number or boolean");
  ExpectError(R"({"arg":"x","eq":{"a":1}})", "when.eq: expected a string, number or boolean");
  ExpectError(R"({"arg":"x","lt":"5"})", "when.lt: expected a number");
  ExpectError(R"({"arg":"x","ge":true})", "when.ge: expected a number");
  ExpectError(R"({"arg":"x","in":"abc"})", "when.in: expected an array");
  ExpectError(R"({"arg":"x","in":[1,[2]]})", "when.in[1]: expected a string, number or boolean");
  ExpectError(R"({"arg":"x","prefix":1})", "when.prefix: expected a string");
  ExpectError(R"({"arg":"x","suffix":null})", "when.suffix: expected a string");
  ExpectError(R"({"arg":"x","contains":["a"]})", "when.contains: expected a string");
  ExpectError(R"({"arg":"x","matches":1})", "when.matches: expected a string");
  ExpectError(R"({"arg":"x","matches":"^a"})", "when.matches: regex '^a': unsupported anchor");
  ExpectError(R"({"arg":"x","exists":1})", "when.exists: expected true or false");
  ExpectError(R"({"text_contains":1})", "when.text_contains: expected a string");
  ExpectError(R"({"text_matches":false})", "when.text_matches: expected a string");
  ExpectError(R"({"text_matches":"(a"})", "when.text_matches: regex '(a': missing ')'");
  ExpectError(R"({"text_contains":"a","x":1})", "when.x: unexpected field in a 'text_contains'");
  ExpectError(R"({"all":{"tool":"a"}})", "when.all: expected an array of conditions");
  ExpectError(R"({"any":[{"tool":"a"},{"arg":"x"}]})", "when.any[1]: expected exactly one");
  ExpectError(R"({"not":[{"tool":"a"}]})", "when.not: expected a condition object");
  ExpectError(R"({"not":{"tool":"a"},"all":[]})", "when: mixes 'all' and 'not'");
  ExpectError(R"({"all":[{"not":{"any":[{"tool":{"in":[1]}}]}}]})",
              "when.all[0].not.any[0].tool.in[0]: expected a non-empty tool name");
}

// Nesting deeper than limits::kConditionDepthMax is rejected, the limit itself accepted.
BOOST_AUTO_TEST_CASE(DepthLimit) {
  auto nested = [](size_t depth) {
    Json json = {{"tool", "a"}};
    for (size_t i = 0; i < depth; ++i) json = Json{{"not", json}};
    return json;
  };
  BOOST_CHECK(ParseCondition(nested(limits::kConditionDepthMax), "when").has_value());
  ExpectJsonError(nested(limits::kConditionDepthMax + 1), "nested deeper than 64");
  Json all = {{"tool", "a"}};
  for (size_t i = 0; i < limits::kConditionDepthMax + 1; ++i) all = Json{{"all", {all}}};
  ExpectJsonError(all, "when.all[0].all[0]");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ConditionEvaluate)

// tool and tool.in match the action's tool name.
BOOST_AUTO_TEST_CASE(ToolConditions) {
  BOOST_CHECK(Holds(R"({"tool":"send_money"})"));
  BOOST_CHECK(!Holds(R"({"tool":"send"})"));
  BOOST_CHECK(Holds(R"({"tool":{"in":["x","send_money"]}})"));
  BOOST_CHECK(!Holds(R"({"tool":{"in":[]}})"));
}

// eq/ne are type-aware: true != 1, 1 == 1.0, strings bytewise.
BOOST_AUTO_TEST_CASE(TypeAwareEquality) {
  BOOST_CHECK(Holds(R"({"arg":"amount","eq":100})"));
  BOOST_CHECK(Holds(R"({"arg":"amount","eq":100.0})"));
  BOOST_CHECK(!Holds(R"({"arg":"amount","eq":"100"})"));
  BOOST_CHECK(Holds(R"({"arg":"amount","ne":"100"})"));
  BOOST_CHECK(Holds(R"({"arg":"urgent","eq":true})"));
  BOOST_CHECK(!Holds(R"({"arg":"urgent","eq":1})"));
  BOOST_CHECK(Holds(R"({"arg":"urgent","ne":1})"));
  Action one{"t", Json{{"flag", 1}}};
  BOOST_CHECK(!Holds(R"({"arg":"flag","eq":true})", one));
  BOOST_CHECK(Holds(R"({"arg":"flag","eq":1.0})", one));
  BOOST_CHECK(Holds(R"({"arg":"recipient","eq":"DE89 3704"})"));
  BOOST_CHECK(!Holds(R"({"arg":"recipient","eq":"de89 3704"})"));
  BOOST_CHECK(Holds(R"({"arg":"rate","eq":2.5})"));
  BOOST_CHECK(!Holds(R"({"arg":"rate","eq":2})"));
  BOOST_CHECK(!Holds(R"({"arg":"note","eq":"x"})"));  // null equals no scalar
  BOOST_CHECK(Holds(R"({"arg":"note","ne":"x"})"));
  BOOST_CHECK(!Holds(R"({"arg":"tags","eq":"a"})"));  // an array equals no scalar
  // Large integers compare exactly, not through double.
  Action big{"t", Json::parse(R"({"n":9007199254740993,"u":18446744073709551615})")};
  BOOST_CHECK(!Holds(R"({"arg":"n","eq":9007199254740992.0})", big));
  BOOST_CHECK(Holds(R"({"arg":"n","gt":9007199254740992.0})", big));
  BOOST_CHECK(Holds(R"({"arg":"n","eq":9007199254740993})", big));
  BOOST_CHECK(Holds(R"({"arg":"u","gt":9223372036854775807})", big));
  BOOST_CHECK(Holds(R"({"arg":"u","lt":1e300})", big));
  BOOST_CHECK(Holds(R"({"arg":"u","gt":-1e300})", big));
}

// lt/le/gt/ge hold only when both sides are numbers; booleans are not numbers.
BOOST_AUTO_TEST_CASE(NumericComparisons) {
  BOOST_CHECK(Holds(R"({"arg":"amount","gt":99})"));
  BOOST_CHECK(Holds(R"({"arg":"amount","gt":99.5})"));
  BOOST_CHECK(!Holds(R"({"arg":"amount","gt":100})"));
  BOOST_CHECK(Holds(R"({"arg":"amount","ge":100})"));
  BOOST_CHECK(Holds(R"({"arg":"amount","le":100.0})"));
  BOOST_CHECK(Holds(R"({"arg":"amount","lt":100.5})"));
  BOOST_CHECK(!Holds(R"({"arg":"amount","lt":-3})"));
  BOOST_CHECK(Holds(R"({"arg":"rate","lt":3})"));
  BOOST_CHECK(Holds(R"({"arg":"rate","gt":2})"));
  BOOST_CHECK(Holds(R"({"arg":"rate","le":2.5})"));
  BOOST_CHECK(!Holds(R"({"arg":"rate","lt":2.5})"));
  Action negative{"t", Json{{"x", -2.5}}};
  BOOST_CHECK(Holds(R"({"arg":"x","lt":-2})", negative));
  BOOST_CHECK(Holds(R"({"arg":"x","gt":-3})", negative));
  BOOST_CHECK(!Holds(R"({"arg":"urgent","gt":0})"));  // true is not a number
  BOOST_CHECK(!Holds(R"({"arg":"urgent","le":1})"));
  BOOST_CHECK(!Holds(R"({"arg":"recipient","lt":5})"));
  Action numeric_string{"t", Json{{"x", "5"}}};
  BOOST_CHECK(!Holds(R"({"arg":"x","lt":10})", numeric_string));
  BOOST_CHECK(!Holds(R"({"arg":"x","ge":1})", numeric_string));
}

// A comparison on a missing argument is false, except exists:false.
BOOST_AUTO_TEST_CASE(MissingArgumentIsFalse) {
  for (const char* text :
       {R"({"arg":"nope","eq":1})", R"({"arg":"nope","ne":1})", R"({"arg":"nope","lt":1})",
        R"({"arg":"nope","in":[1]})", R"({"arg":"nope","prefix":""})",
        R"({"arg":"nope","contains":""})", R"({"arg":"nope","matches":".*"})",
        R"({"arg":"nope","exists":true})", R"({"arg":"to.nope","ne":"x"})",
        R"({"arg":"amount.x","exists":true})"}) {
    BOOST_CHECK_MESSAGE(!Holds(text), text);
  }
  BOOST_CHECK(Holds(R"({"arg":"nope","exists":false})"));
  BOOST_CHECK(Holds(R"({"arg":"amount.x","exists":false})"));
  BOOST_CHECK(Holds(R"({"arg":"note","exists":true})"));  // present with value null
  BOOST_CHECK(!Holds(R"({"arg":"note","exists":false})"));
  BOOST_CHECK(Holds(R"({"not":{"arg":"nope","eq":1}})"));
}

// Dotted names reach nested objects.
BOOST_AUTO_TEST_CASE(DottedNamesReachNestedObjects) {
  BOOST_CHECK(Holds(R"({"arg":"to.iban","eq":"DE12"})"));
  BOOST_CHECK(Holds(R"({"arg":"to.meta.tier","ge":3})"));
  BOOST_CHECK(Holds(R"({"arg":"to","exists":true})"));
  BOOST_CHECK(!Holds(R"({"arg":"to","eq":"DE12"})"));
  const Action action = Transfer();
  BOOST_REQUIRE(LookupArg(action.args, "to.meta.tier") != nullptr);
  BOOST_CHECK_EQUAL(*LookupArg(action.args, "to.meta.tier"), 3);
  BOOST_CHECK(LookupArg(action.args, "to.meta.tier.x") == nullptr);
  BOOST_CHECK(LookupArg(action.args, "tags.0") == nullptr);  // arrays are not indexed
  BOOST_CHECK(LookupArg(Json::array(), "x") == nullptr);
  BOOST_CHECK(LookupArg(action.args, "amount") != nullptr);
}

// `in` uses the same type-aware equality.
BOOST_AUTO_TEST_CASE(InUsesTypeAwareEquality) {
  BOOST_CHECK(Holds(R"({"arg":"amount","in":[1,100.0]})"));
  BOOST_CHECK(!Holds(R"({"arg":"amount","in":["100",true]})"));
  BOOST_CHECK(!Holds(R"({"arg":"urgent","in":[1]})"));
  BOOST_CHECK(Holds(R"({"arg":"urgent","in":[1,true]})"));
  BOOST_CHECK(Holds(R"({"arg":"recipient","in":["x","DE89 3704"]})"));
  BOOST_CHECK(!Holds(R"({"arg":"recipient","in":[]})"));
}

// prefix/suffix/contains/matches hold only for strings; matches is a whole-value match.
BOOST_AUTO_TEST_CASE(StringOperators) {
  BOOST_CHECK(Holds(R"({"arg":"recipient","prefix":"DE"})"));
  BOOST_CHECK(!Holds(R"({"arg":"recipient","prefix":"FR"})"));
  BOOST_CHECK(Holds(R"({"arg":"recipient","suffix":"3704"})"));
  BOOST_CHECK(Holds(R"({"arg":"recipient","contains":"89 3"})"));
  BOOST_CHECK(Holds(R"({"arg":"recipient","prefix":""})"));
  BOOST_CHECK(Holds(R"({"arg":"recipient","matches":"DE[0-9]+ [0-9]{4}"})"));
  BOOST_CHECK(!Holds(R"({"arg":"recipient","matches":"DE"})"));  // not a search
  BOOST_CHECK(!Holds(R"({"arg":"amount","prefix":"1"})"));
  BOOST_CHECK(!Holds(R"({"arg":"amount","contains":"0"})"));
  BOOST_CHECK(!Holds(R"({"arg":"amount","matches":"100"})"));
  BOOST_CHECK(!Holds(R"({"arg":"urgent","suffix":"e"})"));
}

// Text conditions search the compact, sorted-key JSON of the action.
BOOST_AUTO_TEST_CASE(TextConditionsSearchActionText) {
  BOOST_CHECK(Holds(R"({"text_contains":"\"recipient\":\"DE89 3704\""})"));
  BOOST_CHECK(Holds(R"({"text_contains":"\"tool\":\"send_money\""})"));
  BOOST_CHECK(!Holds(R"({"text_contains":"\"recipient\": \"DE89"})"));      // no spaces
  BOOST_CHECK(Holds(R"({"text_contains":"{\"args\":{\"amount\":100,"})"));  // sorted keys
  BOOST_CHECK(Holds(R"({"text_matches":"\"iban\":\"DE[0-9]+\""})"));
  BOOST_CHECK(!Holds(R"({"text_matches":"\"iban\":\"FR"})"));
  Action unicode{"send", Json{{"to", "Zoë"}}};
  BOOST_CHECK(Holds(R"({"text_contains":"Zoë"})", unicode));  // UTF-8 left unescaped
}

// all/any/not combine conditions; empty all holds, empty any does not.
BOOST_AUTO_TEST_CASE(BooleanCombinators) {
  BOOST_CHECK(Holds(R"({"all":[{"tool":"send_money"},{"arg":"amount","gt":50}]})"));
  BOOST_CHECK(!Holds(R"({"all":[{"tool":"send_money"},{"arg":"amount","gt":500}]})"));
  BOOST_CHECK(Holds(R"({"any":[{"tool":"x"},{"arg":"amount","gt":50}]})"));
  BOOST_CHECK(!Holds(R"({"any":[{"tool":"x"},{"arg":"amount","gt":500}]})"));
  BOOST_CHECK(Holds(R"({"not":{"tool":"x"}})"));
  BOOST_CHECK(!Holds(R"({"not":{"not":{"tool":"x"}}})"));
  BOOST_CHECK(Holds(R"({"all":[]})"));
  BOOST_CHECK(!Holds(R"({"any":[]})"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
