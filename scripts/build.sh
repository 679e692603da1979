#!/usr/bin/env bash
# Configures and builds LogAct Sim into build/ (or $LOGACT_BUILD_DIR).
# Extra arguments are passed to cmake's configure step (e.g. -DLOGACT_SANITIZE=ON).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOGACT_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
cmake -S "$root" -B "$build" -G Ninja -DLOGACT_WERROR="$werror" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
