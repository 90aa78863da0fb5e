#!/usr/bin/env bash
# Runs hunts-check.mjs (huntc against DuckDB on the peer benchmark's hunts) when Node.js, the
# oracle's npm packages and the hunts are present; otherwise says what is missing and exits 77,
# which CTest reports as skipped.
#
#   tools/oracle/hunts-check.sh [BUILD_DIR] [--events N]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
shift || true
HUNTS=$ROOT/../shared/bench/hunts
if ! command -v node > /dev/null; then
  echo "hunts-check: Node.js not found; skipped"
  exit 77
fi
if [ ! -d "$ROOT/tools/oracle/node_modules/@duckdb" ]; then
  echo "hunts-check: tools/oracle/node_modules missing (run tools/setup.sh or npm install --prefix tools/oracle); skipped"
  exit 77
fi
if [ ! -d "$HUNTS" ]; then
  echo "hunts-check: no hunts in $HUNTS; skipped"
  exit 77
fi
exec node "$ROOT/tools/oracle/hunts-check.mjs" --huntc "$BUILD/huntc" --gen "$BUILD/gen-events" --hunts "$HUNTS" "$@"
