#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan + libFuzzer)
# and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 20 (what CI runs); a longer campaign is e.g.
# `scripts/fuzz.sh 600`. Without TARGETs every target runs. Environment:
#   LOGACT_FUZZ_BUILD_DIR  build directory (default: build-fuzz in the repo)
#   LOGACT_SHARED_DIR      the read-only shared/ folder (default: ../shared)
#   LOGACT_FUZZ_JOBS       ninja -j (default 2)
# Each target's corpus grows in $BUILD/fuzz-corpus/<target> (seeded from
# fuzz/corpus/<target>, which holds only files written for this project, and
# from example traces and fixture runs read in place from shared/). A crash,
# leak, timeout (10 s per input) or sanitizer report leaves the input in
# $BUILD/fuzz-artifacts/<target>/ and makes the script exit 1 after the other
# targets ran. Turn every such input into a regression test
# (tests/traces/fuzz_regressions_test.cc).
set -euo pipefail

seconds="${1:-20}"
shift || true
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LOGACT_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
shared="${LOGACT_SHARED_DIR:-$repo/../shared}"
jobs="${LOGACT_FUZZ_JOBS:-2}"

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (Debian: apt-get install clang)" >&2
  exit 2
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DLOGACT_BUILD_FUZZ=ON -DLOGACT_BUILD_TESTS=OFF \
  -DLOGACT_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null

all_targets=(fuzz_trace_reader fuzz_voter_set fuzz_safety_spec)
if [[ -f "$repo/traces/import_run.h" ]]; then
  all_targets+=(fuzz_import_agentdojo fuzz_import_openai fuzz_import_otel)
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${all_targets[@]}"); fi
ninja -C "$build" -j "$jobs" "${targets[@]}"

# Seed directories read in place (libFuzzer writes new inputs to the first
# directory only, which is ours).
shared_seeds() {
  case "$1" in
    fuzz_trace_reader) echo "$shared/examples/traces" ;;
    fuzz_import_agentdojo) echo "$shared/fixtures/agentdojo/runs/gpt-4o-2024-05-13/banking" ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  name="${target#fuzz_}"
  corpus="$build/fuzz-corpus/$target"
  artifacts="$build/fuzz-artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  if [[ -d "$repo/fuzz/corpus/$name" ]]; then cp -n "$repo/fuzz/corpus/$name/"* "$corpus/" 2>/dev/null || true; fi
  seeds=()
  extra="$(shared_seeds "$target")"
  if [[ -n "$extra" && -d "$extra" ]]; then seeds+=("$extra"); fi
  echo "== $target: ${seconds}s"
  log="$build/fuzz-artifacts/$target.log"
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" \
       "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$log" | tr '\n' ' '
    echo
  else
    failed+=("$target")
    tail -n 40 "$log"
    echo "== $target FAILED: inputs in $artifacts, log in $log"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: failing targets: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, ${seconds}s each, no crash"
