#!/usr/bin/env bash
# The main job: builds LogAct Sim, runs one seeded simulation of a built-in
# scenario, writes its trace and prints its report, then checks the trace.
# Usage: scripts/run.sh [scenario] [seed]   (default: bank-pay-bill-attack 1)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOGACT_BUILD_DIR:-$root/build}"
scenario="${1:-bank-pay-bill-attack}"
seed="${2:-1}"
"$root/scripts/build.sh"
mkdir -p "$root/out"
trace="$root/out/$scenario-$seed.jsonl"
"$build/cli/logact" sim --scenario "$scenario" --seed "$seed" --trace "$trace"
"$build/cli/logact" check "$trace"
