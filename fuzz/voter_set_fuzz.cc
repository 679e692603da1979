// Fuzz target: the voter-set / policy parser (core/voter_config.h) on
// arbitrary JSON, then the parsed rules (conditions, regexes) evaluated on
// fixed actions. Property: no crash; parsing is deterministic.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/voter_config.h"
#include "fuzz/fuzz_util.h"

namespace {

std::vector<logact::Action> Probes() {
  std::vector<logact::Action> probes(3);
  probes[0].tool = "send_money";
  probes[0].args = {{"recipient", "US133000000121212121212"}, {"amount", 10.5}};
  probes[1].tool = "delete_file";
  probes[1].args = {{"path", "/tmp/../etc/passwd"}, {"force", true}, {"n", 3}};
  probes[2].tool = "";
  return probes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logact;
  std::optional<Json> json = fuzz::ParseBoundedJson(fuzz::AsText(data, size));
  if (!json) return 0;
  Result<VoterSet> set = ParseVoterSet(*json);
  if (!set.has_value()) {
    if (set.error().code() != StatusCode::kInvalidArgument) fuzz::FuzzFail(set.error().ToString());
    return 0;
  }
  static const std::vector<Action> kProbes = Probes();
  for (const VoterConfig& voter : set->voters) {
    if (!voter.is_rule_voter) continue;
    for (const Action& action : kProbes) (void)EvaluateRules(voter, action);
  }
  // A single voter document and a bare decider policy are parsed on their own too.
  (void)ParseVoterConfig(*json, "voter");
  (void)ParseDeciderPolicy(*json);
  return 0;
}
