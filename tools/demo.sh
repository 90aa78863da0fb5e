#!/usr/bin/env bash
# The README's first command: set up, build, generate a sample archive, run the bundled pack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
mkdir -p out/sample
build/gen-events --events 50000 --seed 7 --now 2026-11-20T00:00:00Z -o out/sample/DeviceNetworkEvents.jsonl
build/huntc run rules --events out/sample --now 2026-11-20T00:00:00Z
