#!/usr/bin/env bash
# The README's first command: set up, build, generate a sample archive, run the bundled pack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
mkdir -p out/sample
# All ten Device* tables, one file each, with every attack scenario planted; the manifest of what
# was planted goes to out/sample.manifest.json. Seven days: the window the pack's rules look back over.
build/gen-events --events 100000 --seed 7 --days 7 --now 2026-11-20T00:00:00Z --scenarios all -o out/sample
build/huntc run rules --events out/sample --now 2026-11-20T00:00:00Z
