// `logact voters validate|diff`: voter policy verification with Z3 (SPEC §6,
// §8). `validate` exits 0 iff the policy is proved safe and useful, 1
// otherwise (a counterexample, or an answer Z3 could not give), 2 on bad input;
// `diff` exits 0 iff neither voter set commits an action the other cannot.
// Other engineers add further `voters` subcommands (bench) through
// app.get_subcommand("voters").
#include <iostream>

#include "cli/command.h"
#include "cli/json_file.h"
#include "core/limits.h"
#include "verify/policy_check.h"
#include "verify/policy_verifier.h"

namespace logact::cli {
namespace {

struct ValidateArgs {
  std::string policy;
  std::string spec;
  std::string smtlib_dir;
  int64_t timeout_ms = limits::kPolicyQueryTimeoutMsDefault;
  bool json = false;
};

struct DiffArgs {
  std::string old_policy;
  std::string new_policy;
  std::string spec;
  std::string smtlib_dir;
  int64_t timeout_ms = limits::kPolicyQueryTimeoutMsDefault;
  bool json = false;
};

Result<VoterSet> ReadVoterSetFile(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(Json document, ReadJsonFile(path));
  Result<VoterSet> set = ParseVoterSet(document);
  if (!set.has_value()) return set.error().WithContext(path);
  return set;
}

// Reads a policy and checks its conditions against the spec's schemas, so
// that messages name the policy file.
Result<VoterSet> ReadCheckedVoterSet(const std::string& path, const SafetySpec& spec) {
  LOGACT_ASSIGN_OR_RETURN(VoterSet set, ReadVoterSetFile(path));
  Status names = verify::CheckVoterSetAgainstSchemas(set, spec.tools);
  if (!names.ok()) return names.WithContext(path);
  return set;
}

Result<SafetySpec> ReadCheckedSpec(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(SafetySpec spec, ReadSafetySpecFile(path));
  Status types = verify::CheckSpecTypes(spec);
  if (!types.ok()) return types.WithContext(path);
  return spec;
}

int BadInput(const Status& status, bool json) {
  if (json) {
    std::cout << Json{{"error", {{"message", status.message()}}}}.dump() << "\n";
  }
  return ReportError(status);
}

std::string AnswerText(verify::Answer answer) {
  return answer == verify::Answer::kYes ? "yes" : answer == verify::Answer::kNo ? "NO" : "unknown";
}

void PrintProperty(const std::string& name, const verify::PropertyAnswer& answer) {
  std::cout << name << ": " << AnswerText(answer.answer) << "\n";
  if (answer.counterexample.has_value()) {
    std::cout << "  counterexample: " << answer.counterexample->ToJson().dump() << "\n";
  }
  if (!answer.note.empty()) std::cout << "  note: " << answer.note << "\n";
}

void PrintQueries(const std::vector<verify::QueryStat>& queries) {
  double total = 0;
  for (const verify::QueryStat& query : queries) total += query.ms;
  std::cout << "queries: " << queries.size() << " in " << total << " ms\n";
}

void PrintRules(const std::string& title, const std::vector<verify::RuleRef>& rules) {
  std::cout << title << ":";
  if (rules.empty()) std::cout << " none";
  for (const verify::RuleRef& rule : rules) std::cout << " " << rule.voter << "/" << rule.rule;
  std::cout << "\n";
}

int RunValidate(const ValidateArgs& args) {
  Result<SafetySpec> spec = ReadCheckedSpec(args.spec);
  if (!spec.has_value()) return BadInput(spec.error(), args.json);
  Result<VoterSet> set = ReadCheckedVoterSet(args.policy, *spec);
  if (!set.has_value()) return BadInput(set.error(), args.json);
  verify::VerifyOptions options;
  options.timeout_ms = args.timeout_ms;
  options.smtlib_dir = args.smtlib_dir;
  Result<verify::ValidationReport> report = verify::Validate(*set, *spec, options);
  if (!report.has_value()) {
    const Status& error = report.error();
    const bool about_spec = error.message().starts_with("spec:");
    return BadInput(about_spec ? error.WithContext(args.spec) : error, args.json);
  }
  if (args.json) {
    Json out = report->ToJson();
    out["policy"] = args.policy;
    out["spec"] = args.spec;
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "policy: " << args.policy << "\nspec: " << args.spec << "\n";
    PrintProperty("safe", report->safe);
    PrintProperty("useful", report->useful);
    PrintRules("dead rules", report->dead_rules);
    if (!report->undecided_rules.empty()) PrintRules("undecided rules", report->undecided_rules);
    for (const std::string& note : report->notes) std::cout << "note: " << note << "\n";
    PrintQueries(report->queries);
  }
  return report->ok() ? kExitOk : kExitPropertyFailed;
}

int RunDiff(const DiffArgs& args) {
  Result<SafetySpec> spec = ReadCheckedSpec(args.spec);
  if (!spec.has_value()) return BadInput(spec.error(), args.json);
  Result<VoterSet> old_set = ReadCheckedVoterSet(args.old_policy, *spec);
  if (!old_set.has_value()) return BadInput(old_set.error(), args.json);
  Result<VoterSet> new_set = ReadCheckedVoterSet(args.new_policy, *spec);
  if (!new_set.has_value()) return BadInput(new_set.error(), args.json);
  verify::VerifyOptions options;
  options.timeout_ms = args.timeout_ms;
  options.smtlib_dir = args.smtlib_dir;
  Result<verify::DiffReport> report = verify::Diff(*old_set, *new_set, *spec, options);
  if (!report.has_value()) return BadInput(report.error(), args.json);
  if (args.json) {
    Json out = report->ToJson();
    out["old"] = args.old_policy;
    out["new"] = args.new_policy;
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "old: " << args.old_policy << "\nnew: " << args.new_policy << "\n";
    std::cout << (report->same() ? "same: both commit exactly the same actions\n"
                                 : "same: no (or unknown)\n");
    PrintProperty("nothing only the old commits", report->old_only);
    PrintProperty("nothing only the new commits", report->new_only);
    for (const std::string& note : report->notes) std::cout << "note: " << note << "\n";
    PrintQueries(report->queries);
  }
  return report->same() ? kExitOk : kExitPropertyFailed;
}

void AddCommonOptions(CLI::App* cmd, std::string* spec, std::string* smtlib_dir,
                      int64_t* timeout_ms, bool* json) {
  cmd->add_option("--spec", *spec, "Safety spec JSON (tools, forbidden, benign)")->required();
  cmd->add_option("--smtlib", *smtlib_dir, "Write every query as SMT-LIB 2 into this directory");
  cmd->add_option("--timeout-ms", *timeout_ms,
                  "Z3 time-out per query in ms (0: none); a time-out answers unknown")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", *json, "Print one JSON object");
}

}  // namespace

void RegisterVotersCommand(CLI::App& app, ExitSlot exit_code) {
  auto* voters = app.add_subcommand("voters", "Voter policy verification (Z3) and measurement");
  voters->require_subcommand(1);

  auto validate_args = std::make_shared<ValidateArgs>();
  auto* validate = voters->add_subcommand(
      "validate", "Prove a voter set safe and useful against a safety spec; list dead rules");
  validate->add_option("--policy", validate_args->policy, "Voter set JSON {decider, voters}")
      ->required();
  AddCommonOptions(validate, &validate_args->spec, &validate_args->smtlib_dir,
                   &validate_args->timeout_ms, &validate_args->json);
  validate->callback([validate_args, exit_code] { *exit_code = RunValidate(*validate_args); });

  auto diff_args = std::make_shared<DiffArgs>();
  auto* diff =
      voters->add_subcommand("diff", "Actions one voter set can commit and the other cannot");
  diff->add_option("--old", diff_args->old_policy, "The old voter set JSON")->required();
  diff->add_option("--new", diff_args->new_policy, "The new voter set JSON")->required();
  AddCommonOptions(diff, &diff_args->spec, &diff_args->smtlib_dir, &diff_args->timeout_ms,
                   &diff_args->json);
  diff->callback([diff_args, exit_code] { *exit_code = RunDiff(*diff_args); });
}

}  // namespace logact::cli
