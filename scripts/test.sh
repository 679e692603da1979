#!/usr/bin/env bash
# Builds LogAct Sim and runs every test through ctest. RapidCheck properties
# run with a fixed seed unless RC_PARAMS is already set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOGACT_BUILD_DIR:-$root/build}"
export RC_PARAMS="${RC_PARAMS:-seed=20261126}"
"$root/scripts/build.sh" "$@"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
