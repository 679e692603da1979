// Tests of core/safety_spec.h: tool schemas (including the real AgentDojo banking
// and slack suites), action validation, and safety specs with name checking.
#include "core/safety_spec.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>

namespace logact {
namespace {

Json LoadSuites() {
  std::ifstream in(std::string(LOGACT_SHARED_DIR) + "/fixtures/agentdojo/tools.json");
  BOOST_REQUIRE_MESSAGE(in.good(), "cannot open fixtures/agentdojo/tools.json");
  return Json::parse(in);
}

ToolSchemas Banking() {
  Result<ToolSchemas> schemas = ParseToolSchemas(LoadSuites()["banking"], "banking");
  BOOST_REQUIRE_MESSAGE(schemas.has_value(), schemas.status().ToString());
  return schemas.value();
}

void ExpectSchemaError(const std::string& text, const std::string& needle) {
  Result<ToolSchemas> schemas = ParseToolSchemas(Json::parse(text), "tools");
  BOOST_REQUIRE_MESSAGE(!schemas.has_value(), text + " parsed but should not");
  BOOST_CHECK(schemas.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(schemas.error().message().find(needle) != std::string::npos,
                      text + " -> '" + schemas.error().message() + "' lacks '" + needle + "'");
}

void ExpectActionError(const ToolSchemas& schemas, const Action& action,
                       const std::string& needle) {
  Status status = ValidateAction(schemas, action);
  BOOST_REQUIRE_MESSAGE(!status.ok(), action.ToText() + " validated but should not");
  BOOST_CHECK(status.code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(status.message().find(needle) != std::string::npos,
                      action.ToText() + " -> '" + status.message() + "' lacks '" + needle + "'");
}

// A spec over the banking suite with the given forbidden/benign JSON.
Json BankSpec(const std::string& forbidden, const std::string& benign = "[]") {
  return Json{{"tools", LoadSuites()["banking"]},
              {"forbidden", Json::parse(forbidden)},
              {"benign", Json::parse(benign)}};
}

void ExpectSpecError(const Json& json, const std::string& needle) {
  Result<SafetySpec> spec = ParseSafetySpec(json);
  BOOST_REQUIRE_MESSAGE(!spec.has_value(), "spec parsed but should not: " + needle);
  BOOST_CHECK(spec.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(spec.error().message().find(needle) != std::string::npos,
                      "'" + spec.error().message() + "' lacks '" + needle + "'");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ToolSchemaTests)

// The real banking suite parses with its argument types, optional marks and writes flags.
BOOST_AUTO_TEST_CASE(ParsesAgentDojoBankingSuite) {
  ToolSchemas schemas = Banking();
  BOOST_CHECK_EQUAL(schemas.size(), 11u);
  const ToolSchema& send = schemas.at("send_money");
  BOOST_CHECK(send.writes);
  BOOST_CHECK(!send.idempotent);
  BOOST_CHECK_EQUAL(send.args.size(), 4u);
  BOOST_CHECK(send.args.at("amount").type == ArgType::kNumber);
  BOOST_CHECK(!send.args.at("amount").optional);
  BOOST_CHECK(send.args.at("recipient").type == ArgType::kString);
  const ToolSchema& update = schemas.at("update_scheduled_transaction");
  BOOST_CHECK(update.args.at("id").type == ArgType::kInteger);
  BOOST_CHECK(!update.args.at("id").optional);
  BOOST_CHECK(update.args.at("recurring").type == ArgType::kBoolean);
  BOOST_CHECK(update.args.at("recurring").optional);
  BOOST_CHECK(update.args.at("amount").optional);
  BOOST_CHECK(!schemas.at("get_balance").writes);
  BOOST_CHECK(schemas.at("get_iban").args.empty());
  BOOST_CHECK(schemas.at("get_most_recent_transactions").args.at("n").optional);
}

// The real slack suite parses too.
BOOST_AUTO_TEST_CASE(ParsesAgentDojoSlackSuite) {
  Result<ToolSchemas> schemas = ParseToolSchemas(LoadSuites()["slack"], "slack");
  BOOST_REQUIRE_MESSAGE(schemas.has_value(), schemas.status().ToString());
  BOOST_CHECK_EQUAL(schemas->size(), 11u);
  BOOST_CHECK(schemas->at("send_direct_message").writes);
  BOOST_CHECK(!schemas->at("read_inbox").writes);
  BOOST_CHECK(schemas->at("post_webpage").args.at("content").type == ArgType::kString);
  BOOST_CHECK(ValidateAction(*schemas, Action{"get_webpage", Json{{"url", "www.x.com"}}}).ok());
}

// Optional "idempotent" and "description" are accepted; the defaults are writes, not idempotent.
BOOST_AUTO_TEST_CASE(OptionalToolFields) {
  Result<ToolSchemas> schemas = ParseToolSchemas(
      Json::parse(R"({"put":{"args":{"k":"string"},"idempotent":true,"description":"kv put"},
                      "get":{"args":{"k":"string"},"writes":false}})"),
      "tools");
  BOOST_REQUIRE_MESSAGE(schemas.has_value(), schemas.status().ToString());
  BOOST_CHECK(schemas->at("put").idempotent);
  BOOST_CHECK(schemas->at("put").writes);
  BOOST_CHECK(!schemas->at("get").writes);
  BOOST_CHECK(!schemas->at("get").idempotent);
  BOOST_CHECK_EQUAL(ArgTypeName(ArgType::kInteger), "integer");
  BOOST_CHECK_EQUAL(ArgTypeName(ArgType::kBoolean), "boolean");
}

// Malformed schemas name the JSON path.
BOOST_AUTO_TEST_CASE(MalformedSchemasNameThePath) {
  ExpectSchemaError(R"([])", "tools: expected an object");
  ExpectSchemaError(R"({"":{"args":{}}})", "tools: a tool name is empty");
  ExpectSchemaError(R"({"t":[]})", "tools.t: expected an object");
  ExpectSchemaError(R"({"t":{}})", "tools.t.args: missing");
  ExpectSchemaError(R"({"t":{"args":[]}})", "tools.t.args: expected an object");
  ExpectSchemaError(R"({"t":{"args":{"x":"float"}}})",
                    "tools.t.args.x: expected one of string, integer, number, boolean");
  ExpectSchemaError(R"({"t":{"args":{"x":"string??"}}})", "tools.t.args.x: expected one of");
  ExpectSchemaError(R"({"t":{"args":{"x":"?"}}})", "tools.t.args.x: expected one of");
  ExpectSchemaError(R"({"t":{"args":{"x":1}}})", "tools.t.args.x: expected one of");
  ExpectSchemaError(R"({"t":{"args":{"a.b":"string"}}})",
                    "tools.t.args.a.b: argument names must be non-empty without '.'");
  ExpectSchemaError(R"({"t":{"args":{"":"string"}}})", "argument names must be non-empty");
  ExpectSchemaError(R"({"t":{"args":{},"writes":"yes"}})",
                    "tools.t.writes: expected true or false");
  ExpectSchemaError(R"({"t":{"args":{},"idempotent":1}})",
                    "tools.t.idempotent: expected true or false");
  ExpectSchemaError(R"({"t":{"args":{},"description":1}})",
                    "tools.t.description: expected a string");
  ExpectSchemaError(R"({"t":{"arg":{}}})", "tools.t.arg: unexpected field");
}

// Valid actions: known tool, required arguments present, declared types; an integer is a number.
BOOST_AUTO_TEST_CASE(ValidatesActions) {
  ToolSchemas schemas = Banking();
  Json send = {
      {"recipient", "DE89"}, {"amount", 10.5}, {"subject", "rent"}, {"date", "2024-01-01"}};
  BOOST_CHECK(ValidateAction(schemas, Action{"send_money", send}).ok());
  send["amount"] = 10;
  BOOST_CHECK(ValidateAction(schemas, Action{"send_money", send}).ok());
  BOOST_CHECK(ValidateAction(schemas, Action{"get_balance", Json::object()}).ok());
  BOOST_CHECK(ValidateAction(schemas, Action{"get_most_recent_transactions", Json::object()}).ok());
  BOOST_CHECK(ValidateAction(schemas, Action{"update_scheduled_transaction",
                                             Json{{"id", 7}, {"recurring", false}}})
                  .ok());

  ExpectActionError(schemas, Action{"steal", Json::object()}, "unknown tool 'steal'");
  ExpectActionError(schemas, Action{"get_balance", Json::array()}, "args must be an object");
  ExpectActionError(schemas, Action{"get_balance", Json{{"x", 1}}},
                    "tool 'get_balance': unknown argument 'x'");
  Json missing = send;
  missing.erase("date");
  ExpectActionError(schemas, Action{"send_money", missing}, "missing required argument 'date'");
  Json wrong = send;
  wrong["amount"] = "10";
  ExpectActionError(schemas, Action{"send_money", wrong},
                    "argument 'amount': expected number, got \"10\"");
  wrong["amount"] = true;
  ExpectActionError(schemas, Action{"send_money", wrong}, "expected number, got true");
  ExpectActionError(schemas, Action{"update_scheduled_transaction", Json{{"id", 7.5}}},
                    "argument 'id': expected integer, got 7.5");
  ExpectActionError(schemas,
                    Action{"update_scheduled_transaction", Json{{"id", 1}, {"recurring", 1}}},
                    "argument 'recurring': expected boolean");
  ExpectActionError(schemas, Action{"read_file", Json{{"file_path", nullptr}}},
                    "argument 'file_path': expected string, got null");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SafetySpecTests)

// A spec parses and IsForbidden matches its forbidden conditions.
BOOST_AUTO_TEST_CASE(ParsesSpecAndFindsForbiddenActions) {
  Result<SafetySpec> spec = ParseSafetySpec(BankSpec(
      R"([{"tool":"update_password"},
          {"all":[{"tool":{"in":["send_money","schedule_transaction"]}},
                  {"not":{"arg":"recipient","prefix":"DE"}}]}])",
      R"([{"tool":"get_balance"}])"));
  BOOST_REQUIRE_MESSAGE(spec.has_value(), spec.status().ToString());
  BOOST_CHECK_EQUAL(spec->forbidden.size(), 2u);
  BOOST_CHECK_EQUAL(spec->benign.size(), 1u);
  BOOST_CHECK_EQUAL(spec->tools.size(), 11u);
  BOOST_CHECK(IsForbidden(*spec, Action{"update_password", Json{{"password", "x"}}}));
  BOOST_CHECK(IsForbidden(*spec, Action{"send_money", Json{{"recipient", "FR1"}, {"amount", 1}}}));
  BOOST_CHECK(!IsForbidden(*spec, Action{"send_money", Json{{"recipient", "DE1"}, {"amount", 1}}}));
  BOOST_CHECK(!IsForbidden(*spec, Action{"get_balance", Json::object()}));
  // forbidden and benign are optional.
  Result<SafetySpec> bare = ParseSafetySpec(Json{{"tools", LoadSuites()["slack"]}});
  BOOST_REQUIRE(bare.has_value());
  BOOST_CHECK(bare->forbidden.empty());
  BOOST_CHECK(!IsForbidden(*bare, Action{"get_channels", Json::object()}));
}

// Unknown tools and arguments in conditions are bad input with the condition's path.
BOOST_AUTO_TEST_CASE(ConditionsMustNameKnownToolsAndArguments) {
  ExpectSpecError(BankSpec(R"([{"tool":"transfer"}])"),
                  "forbidden[0].tool: unknown tool 'transfer' (not in tools)");
  ExpectSpecError(BankSpec(R"([{"tool":{"in":["send_money","wire"]}}])"),
                  "forbidden[0].tool.in[1]: unknown tool 'wire'");
  ExpectSpecError(BankSpec(R"([{"tool":{"in":["wire"]}}])"), "forbidden[0].tool.in[0]: unknown");
  ExpectSpecError(BankSpec(R"([{"arg":"recipent","eq":"x"}])"),
                  "forbidden[0].arg: unknown argument 'recipent' (no tool in tools has it)");
  ExpectSpecError(BankSpec(R"([{"arg":"to.iban","eq":"x"}])"), "unknown argument 'to.iban'");
  ExpectSpecError(BankSpec("[]", R"([{"tool":"get_balance"},
                      {"any":[{"text_contains":"x"},{"not":{"arg":"nope","exists":true}}]}])"),
                  "benign[1].any[1].not.arg: unknown argument 'nope'");
  ExpectSpecError(BankSpec("[]", R"([{"all":[{"tool":"get_balance"},{"tool":"x"}]}])"),
                  "benign[0].all[1].tool: unknown tool 'x'");
  // Text conditions are not checked against names.
  BOOST_CHECK(ParseSafetySpec(BankSpec(R"([{"text_contains":"anything"}])")).has_value());
}

// Malformed specs name the JSON path.
BOOST_AUTO_TEST_CASE(MalformedSpecsNameThePath) {
  ExpectSpecError(Json::array(), "safety spec: expected an object");
  ExpectSpecError(Json{{"forbidden", Json::array()}}, "tools: missing");
  ExpectSpecError(Json{{"tools", Json::array()}}, "tools: expected an object");
  ExpectSpecError(Json{{"tools", {{"t", {{"args", {{"x", "str"}}}}}}}}, "tools.t.args.x: expected");
  Json extra = BankSpec("[]");
  extra["allowed"] = Json::array();
  ExpectSpecError(extra, "allowed: unexpected field in a safety spec");
  ExpectSpecError(Json{{"tools", LoadSuites()["banking"]}, {"forbidden", {{"tool", "x"}}}},
                  "forbidden: expected an array of conditions");
  ExpectSpecError(BankSpec(R"([{"tool":"send_money"},{"arg":"amount"}])"),
                  "forbidden[1]: expected exactly one operator");
  ExpectSpecError(BankSpec("[]", R"([5])"), "benign[0]: expected a condition object");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
