// Helpers for the policy verification tests: parse inline JSON documents and
// replay a counterexample with the engine's own voters and decider.
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>

#include "core/safety_spec.h"
#include "core/voter_config.h"
#include "verify/policy_native.h"
#include "verify/policy_verifier.h"

namespace logact::verify::testing {

inline SafetySpec Spec(const std::string& text) {
  Result<SafetySpec> spec = ParseSafetySpec(Json::parse(text));
  if (!spec.has_value()) BOOST_FAIL(spec.error().message());
  return std::move(spec).value();
}

inline VoterSet Voters(const std::string& text) {
  Result<VoterSet> set = ParseVoterSet(Json::parse(text));
  if (!set.has_value()) BOOST_FAIL(set.error().message());
  return std::move(set).value();
}

inline ValidationReport MustValidate(const VoterSet& set, const SafetySpec& spec,
                                     const VerifyOptions& options = {}) {
  Result<ValidationReport> report = Validate(set, spec, options);
  if (!report.has_value()) BOOST_FAIL(report.error().message());
  return std::move(report).value();
}

// The scenario a counterexample names, as the native decider replays it.
inline bool NativelyCommitted(const VoterSet& set, const Counterexample& cx) {
  return NativeVerdict(set, cx.action, cx.scenario) == Verdict::kCommit;
}

// Independent checks of the counterexamples of a report (the verifier confirms
// them too; this repeats the replay from the outside, through the public API).
inline void CheckCounterexamples(const VoterSet& set, const SafetySpec& spec,
                                 const ValidationReport& report) {
  if (report.safe.answer == Answer::kNo) {
    BOOST_REQUIRE(report.safe.counterexample.has_value());
    const Counterexample& cx = *report.safe.counterexample;
    BOOST_CHECK(ValidateAction(spec.tools, cx.action).ok());
    BOOST_CHECK_MESSAGE(IsForbidden(spec, cx.action), cx.ToJson().dump());
    BOOST_CHECK_MESSAGE(NativelyCommitted(set, cx), cx.ToJson().dump());
  }
  if (report.useful.answer == Answer::kNo) {
    BOOST_REQUIRE(report.useful.counterexample.has_value());
    const Counterexample& cx = *report.useful.counterexample;
    BOOST_CHECK(ValidateAction(spec.tools, cx.action).ok());
    BOOST_CHECK_MESSAGE(AnyHolds(spec.benign, cx.action), cx.ToJson().dump());
    Result<bool> can = NativeCanCommit(set, cx.action);
    BOOST_REQUIRE(can.has_value());
    BOOST_CHECK_MESSAGE(!*can, cx.ToJson().dump());
  }
}

}  // namespace logact::verify::testing
