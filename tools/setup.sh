#!/usr/bin/env bash
# Installs the Debian packages huntc needs to build and test. Idempotent and non-interactive.
set -euo pipefail
packages=(
  cmake make g++ llvm-19-dev clang-19 libyaml-cpp-dev libfmt-dev libre2-dev catch2
  libsimdjson-dev zlib1g-dev libzstd-dev libcli11-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
