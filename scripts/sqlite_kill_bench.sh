#!/usr/bin/env bash
# SQLite durability under SIGKILL, at scale: runs the SqliteKill test of
# tests/core/sqlite_kill_test.cc with many more trials than the test suite
# (default 5000; each trial spawns an appender, kills it at a seeded moment,
# reopens and checks every acknowledged append) and prints the counts.
# Usage: scripts/sqlite_kill_bench.sh [TRIALS] [SEED] [BUILD_DIR]
set -euo pipefail
trials="${1:-5000}"
seed="${2:-1}"
build="${3:-$(cd "$(dirname "$0")/.." && pwd)/build}"
ninja -C "$build" core_tests logact_sqlite_appender >/dev/null
start=$(date +%s)
LOGACT_SQLITE_KILL_TRIALS="$trials" LOGACT_SQLITE_KILL_SEED="$seed" \
  "$build/tests/core_tests" --run_test=SqliteKill/AcknowledgedAppendsSurviveSigkill \
  --log_level=message --report_level=short
echo "sqlite kill bench: $trials trials, seed $seed, $(( $(date +%s) - start )) s, all checks passed"
