// Fuzz target: the safety spec parser (core/safety_spec.h) on arbitrary JSON,
// then IsForbidden/ValidateAction on fixed actions. Property: no crash.
#include <cstddef>
#include <cstdint>

#include "core/safety_spec.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logact;
  std::optional<Json> json = fuzz::ParseBoundedJson(fuzz::AsText(data, size));
  if (!json) return 0;
  Result<SafetySpec> spec = ParseSafetySpec(*json);
  if (!spec.has_value()) {
    if (spec.error().code() != StatusCode::kInvalidArgument)
      fuzz::FuzzFail(spec.error().ToString());
    return 0;
  }
  Action action;
  action.tool = "send_money";
  action.args = {{"recipient", "US133000000121212121212"}, {"amount", 0.01}, {"x", nullptr}};
  (void)IsForbidden(*spec, action);
  (void)ValidateAction(spec->tools, action);
  return 0;
}
