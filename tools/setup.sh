#!/usr/bin/env bash
# Installs the Debian packages huntc needs to build and test, and the npm packages of the
# reference oracles the tests compare against (tools/oracle). Idempotent and non-interactive.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  cmake make g++ llvm-19-dev clang-19 libyaml-cpp-dev libyaml-dev libmimalloc-dev libfmt-dev libre2-dev catch2
  libsimdjson-dev zlib1g-dev libzstd-dev libcli11-dev
  jq time  # tools/bench/run.sh: DuckDB's JSON summary, peak memory (/usr/bin/time)
)
# Hyperscan (many literals matched in one pass) is packaged for x86-64 only.
if [ "$(dpkg --print-architecture)" = amd64 ]; then packages+=(libhyperscan-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all Debian packages present"
else
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The oracles are optional: without Node.js the tests that use them say so and skip.
if ! command -v npm > /dev/null; then
  echo "setup: npm not found; the oracle tests will be skipped"
elif [ ! -d tools/oracle/node_modules ]; then
  # `npm install`, not `npm ci`: the lock file lists only this platform's DuckDB binding.
  npm install --prefix tools/oracle --no-audit --no-fund --loglevel=error ||
    echo "setup: npm install failed; the oracle tests will be skipped"
fi
