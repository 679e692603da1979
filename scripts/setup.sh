#!/usr/bin/env bash
# Installs the Debian 12 packages LogAct Sim needs, if any is missing.
# Idempotent: with everything present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-test-dev librapidcheck-dev libz3-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev
  libjemalloc-dev    # the executables' malloc (LOGACT_ALLOCATOR, see CMakeLists.txt)
  libbenchmark-dev   # bench/ (Google Benchmark)
  sqlite3            # inspecting swarm databases by hand
  parallel           # the GNU parallel path of `logact swarm --shard` (tested)
  clang libclang-rt-14-dev  # libFuzzer targets (fuzz/, scripts/fuzz_ci.sh in CI)
  chromium chromium-driver  # the trace viewer's headless-browser test
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
