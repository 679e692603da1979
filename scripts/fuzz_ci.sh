#!/usr/bin/env bash
# CI entry for fuzzing (issue 6, item 6): builds every libFuzzer target of
# fuzz/ with clang (ASan + UBSan + libFuzzer) and runs each for a short,
# bounded time. Exits non-zero on a crash, a leak, a per-input time-out
# (10 s), a sanitizer report, a build failure, or when the whole run exceeds
# its wall-clock budget. Longer campaigns: scripts/fuzz.sh SECONDS.
#
#   scripts/fuzz_ci.sh [SECONDS_PER_TARGET]     (default 20)
#
# Requires clang++ with the libFuzzer/sanitizer runtimes (Debian 12:
# `apt-get install -y clang libclang-rt-14-dev`). Environment as scripts/fuzz.sh
# (LOGACT_FUZZ_BUILD_DIR, LOGACT_SHARED_DIR, LOGACT_FUZZ_JOBS), plus
#   LOGACT_FUZZ_CI_BUDGET  wall-clock limit of the fuzzing phase in seconds
#                          (default: targets x seconds + 60).
# Failing inputs stay in $LOGACT_FUZZ_BUILD_DIR/fuzz-artifacts/<target>/: turn
# each into a regression test (tests/traces/fuzz_regressions_test.cc) and a
# fuzz/corpus/ file.
set -euo pipefail

seconds="${1:-20}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LOGACT_FUZZ_BUILD_DIR:-$repo/build-fuzz}"

if ! command -v clang++ >/dev/null; then
  echo "fuzz_ci.sh: clang++ not found (Debian 12: apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi

targets=(fuzz_trace_reader fuzz_voter_set fuzz_safety_spec)
if [[ -f "$repo/traces/import_run.h" ]]; then
  targets+=(fuzz_import_agentdojo fuzz_import_openai fuzz_import_otel)
fi
budget="${LOGACT_FUZZ_CI_BUDGET:-$(( ${#targets[@]} * seconds + 60 ))}"

# Build and smoke-run each target for 1 s first, so the build time (minutes
# on a fresh machine) does not count against the fuzzing budget; a build
# failure or an immediate crash already fails here (set -e).
start=$(date +%s)
LOGACT_FUZZ_BUILD_DIR="$build" timeout --signal=TERM 3600 \
  "$repo/scripts/fuzz.sh" 1 "${targets[@]}"
built=$(date +%s)
echo "fuzz_ci.sh: built and smoke-ran ${#targets[@]} targets in $(( built - start ))s"

# The bounded runs. fuzz.sh exits 1 on any crash/leak/time-out/sanitizer
# report; `timeout` turns a hang of the whole run into exit 124.
status=0
LOGACT_FUZZ_BUILD_DIR="$build" timeout --signal=TERM "$budget" \
  "$repo/scripts/fuzz.sh" "$seconds" "${targets[@]}" || status=$?
end=$(date +%s)
if [[ $status -eq 124 ]]; then
  echo "fuzz_ci.sh: fuzzing exceeded its budget of ${budget}s (a hang?)" >&2
elif [[ $status -ne 0 ]]; then
  echo "fuzz_ci.sh: a fuzz target failed (exit $status); inputs in $build/fuzz-artifacts/" >&2
fi
echo "fuzz_ci.sh: fuzzing took $(( end - built ))s, total $(( end - start ))s"
exit "$status"
