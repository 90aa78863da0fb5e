#!/usr/bin/env bash
# huntc's benchmark suite in one command (issue 9): ingest, the peer hunts end to end beside
# DuckDB, scale with rules, compile latency and peak memory, as Markdown tables on stdout
# (progress on stderr). It builds nothing: give it a Release build folder in which huntc,
# gen-events, bench-reader, bench-rules and bench-kernels are built.
#
#   tools/bench/run.sh [BUILD_DIR] [--reps N] [--quick] [--engine auto|jit|interp] [--threads 1,2]
#                      [--sizes 1000000,10000000] [--archive-events N] [--pack-events N] [--ingest-events N]
#                      [--kernel-rows N] [--memory-events N]
#                      [--only ingest,kernels,e2e,rules,compile,memory] [--data DIR] [--keep]
#                      [--peer DIR | --no-peer] [--hunts DIR] [--corpus DIR]
#
# BUILD_DIR defaults to build/. Each figure is the median of --reps runs (default 3), each run
# with the input just read into the page cache. --quick: small inputs and one run, a smoke test
# of about a minute. --engine auto (the default) runs each hunt or pack with the JIT when it
# compiles every query there, else with the interpreter, and says which. DuckDB runs the same
# hunts on the same files in the same run (duckdb-peer.mjs from ../shared/bench, copied to --peer
# DIR, default /tmp/bench-peer, with `npm install --no-audit --no-fund` run there); without its
# node_modules that part is skipped with a message. Generated data goes to a temporary folder
# (or --data DIR, where files already there are used and never deleted) and is deleted at the end
# unless --keep. `kernels` times scan predicates on
# --kernel-rows rows in memory (bench-kernels); `memory` (not in the default set: it writes
# 7.6 GB) runs hunt a as a pack over --memory-events DeviceNetworkEvents and reports peak RSS.
# `rules` also runs the compiled pack of every corpus rule the JIT compiles over an archive of
# --pack-events events (default 500,000) against each of those rules alone over the same archive,
# and prints the pack's speed as a fraction of the cheapest rule's, and of the cheapest rule of
# each table the pack reads, summed (one rule per table: they read what the pack reads).
#
# Exit status: 0 when every run succeeded and huntc and DuckDB returned the same number of rows
# for every hunt; 1 otherwise (a MISMATCH line names the hunt); 2 for a wrong command line.
set -euo pipefail
export LC_ALL=C  # decimal points in EPOCHREALTIME and printf

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=build REPS=3 QUICK=0 ENGINE=auto THREADS=1,2 SIZES=1000000,10000000 ARCHIVE_EVENTS=20000
PACK_EVENTS=500000
INGEST_EVENTS=1000000 ONLY=ingest,kernels,e2e,rules,compile DATA= KEEP=0 PEER=/tmp/bench-peer
KERNEL_ROWS=10000000
# 9.5 M events of the peer's columns (about 800 bytes each) make the 7.6 GB of issue 6's memory
# target.
MEMORY_EVENTS=9500000
HUNTS=$ROOT/../shared/bench/hunts CORPUS=$ROOT/../shared/corpus
NOW=2026-11-20T00:00:00Z
# The columns duckdb-peer.mjs declares (its COLS): the hunts read 9 of them. Writing only these
# keeps 10 M events near 8 GB instead of 23 GB.
PEER_COLUMNS=Timestamp,DeviceId,DeviceName,ActionType,RemoteIP,RemotePort,RemoteUrl,LocalIP,LocalPort,Protocol,LocalIPType,RemoteIPType,InitiatingProcessFileName,InitiatingProcessFolderPath,InitiatingProcessCommandLine,InitiatingProcessParentFileName,InitiatingProcessAccountName,InitiatingProcessId,AdditionalFields,ReportId
# Generated data may take at most this much of the disk.
MAX_DATA_BYTES=$((15 * 1000 * 1000 * 1000))

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit "$1"; }
user_set=" "
while [ $# -gt 0 ]; do
  case $1 in
    --reps) REPS=$2; user_set+="reps "; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --engine) ENGINE=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --sizes) SIZES=$2; user_set+="sizes "; shift 2 ;;
    --archive-events) ARCHIVE_EVENTS=$2; user_set+="archive "; shift 2 ;;
    --pack-events) PACK_EVENTS=$2; user_set+="pack "; shift 2 ;;
    --ingest-events) INGEST_EVENTS=$2; user_set+="ingest "; shift 2 ;;
    --kernel-rows) KERNEL_ROWS=$2; user_set+="kernel "; shift 2 ;;
    --memory-events) MEMORY_EVENTS=$2; user_set+="memory "; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --peer) PEER=$2; shift 2 ;;
    --no-peer) PEER=; shift ;;
    --hunts) HUNTS=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "bench: unknown option $1" >&2; usage 2 ;;
    *) BUILD=$1; shift ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  [[ $user_set == *" reps "* ]] || REPS=1
  [[ $user_set == *" sizes "* ]] || SIZES=20000
  [[ $user_set == *" archive "* ]] || ARCHIVE_EVENTS=1000
  [[ $user_set == *" pack "* ]] || PACK_EVENTS=5000
  [[ $user_set == *" ingest "* ]] || INGEST_EVENTS=20000
  [[ $user_set == *" kernel "* ]] || KERNEL_ROWS=100000
  [[ $user_set == *" memory "* ]] || MEMORY_EVENTS=20000
fi
case $ENGINE in auto|jit|interp) ;; *) echo "bench: --engine is auto, jit or interp" >&2; exit 2 ;; esac
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "bench: --reps must be a positive number" >&2; exit 2; }
has() { [[ ",$ONLY," == *",$1,"* ]]; }

HUNTC=$BUILD/huntc GEN=$BUILD/gen-events READER=$BUILD/bench-reader PICK=$BUILD/bench-rules
KERNELS=$BUILD/bench-kernels
for tool in "$HUNTC" "$GEN" "$READER" "$PICK" "$KERNELS"; do
  if [ ! -x "$tool" ]; then
    echo "bench: $tool is missing: build it first (cmake --build $BUILD --target huntc gen-events bench-reader bench-rules bench-kernels)" >&2
    exit 2
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/huntc-bench.XXXXXX")
[ -n "$DATA" ] || DATA=$WORK/data
mkdir -p "$DATA"
# What this run generated (files and archive folders), so that cleaning up never deletes data
# it found in a --data folder.
GENERATED=()
# drop PATH: deletes PATH if this run generated it, unless --keep.
drop() {
  [ "$KEEP" = 1 ] && return 0
  local g
  for g in "${GENERATED[@]}"; do
    if [ "$g" = "$1" ]; then rm -rf "$1"; fi
  done
  return 0
}
cleanup() {
  if [ "$KEEP" = 1 ]; then
    echo "bench: generated data kept in $DATA" >&2
  else
    for g in "${GENERATED[@]}"; do rm -rf "$g"; done
    [ "$DATA" != "$WORK/data" ] || rm -rf "$DATA"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
FAILED=0
fail() { echo "bench: $*" >&2; echo; echo "**$***"; FAILED=1; }
note() { echo "bench: $*" >&2; }

# --- helpers ---------------------------------------------------------------------------------

# The median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# calc EXPR: awk arithmetic, printed with the format given second (default %.3f).
calc() { awk "BEGIN { printf \"${2:-%.3f}\", $1 }"; }

# timed CMD...: runs CMD once with stdout discarded; sets T (wall seconds), CPU (user + system
# seconds: on a loaded machine the wall time also holds the time spent waiting for a core) and
# RSS (peak KiB), and keeps its stderr in $WORK/stderr. A failed command fails the suite.
timed() {
  local start end
  start=$EPOCHREALTIME
  if ! /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$@" > /dev/null 2> "$WORK/stderr"; then
    fail "FAILED: $*"
    sed 's/^/    /' "$WORK/stderr" >&2
    T=0 CPU=0 RSS=0
    return 1
  fi
  end=$EPOCHREALTIME
  T=$(calc "$end - $start" %.4f)
  read -r RSS CPU < <(tail -n 1 "$WORK/rss" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }')
}

# gen_file N PATH: N DeviceNetworkEvents of the peer's columns as JSON lines, unless PATH exists.
gen_file() {
  [ -s "$2" ] && return 0
  local need=$(($1 * 830))
  check_space "$need"
  note "generating $1 DeviceNetworkEvents into $2"
  GENERATED+=("$2")
  "$GEN" --events "$1" --seed 1 --now "$NOW" --columns "$PEER_COLUMNS" -o "$2" 2> /dev/null
}

# check_space BYTES: refuses to write more than MAX_DATA_BYTES in all, or more than the disk has.
check_space() {
  local used avail
  used=$(du -sb "$DATA" | cut -f1)
  avail=$(($(df --output=avail -B1 "$DATA" | tail -n 1)))
  if [ $((used + $1)) -gt "$MAX_DATA_BYTES" ] || [ "$1" -gt $((avail - 2000000000)) ]; then
    echo "bench: $1 more bytes of data would exceed 15 GB or the free disk ($avail bytes): use smaller --sizes" >&2
    exit 1
  fi
}

# A rule file per hunt, so that the three run as one pack (one read of the file).
HUNT_NAMES=()
make_hunt_pack() {
  mkdir -p "$WORK/pack"
  local kql name
  for kql in "$HUNTS"/*.kql; do
    name=$(basename "$kql" .kql)
    HUNT_NAMES+=("$name")
    {
      echo "id: $name"
      echo "name: $name"
      echo "severity: Informational"
      echo "query: |"
      sed 's/^/  /' "$kql"
    } > "$WORK/pack/$name.yaml"
  done
}

# An archive with no events: huntc run over it measures loading and compiling alone.
EMPTY=$WORK/empty
mkdir -p "$EMPTY"
: > "$EMPTY/DeviceNetworkEvents.jsonl"

# engine_for run|query WHAT: the engine to run WHAT with (see --engine).
engine_for() {
  if [ "$ENGINE" != auto ]; then
    echo "$ENGINE"
  elif "$HUNTC" "$1" "$2" --events "$EMPTY" --now "$NOW" --engine jit > /dev/null 2>&1; then
    echo jit
  else
    echo interp
  fi
}

# --- the machine -----------------------------------------------------------------------------

commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2> /dev/null || commit+=" (with uncommitted changes)"
echo "# huntc benchmarks"
echo
echo "- huntc commit: $commit; build: $BUILD"
echo "- machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB"
echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(date -u +%Y-%m-%dT%H:%MZ); medians of $REPS run(s); engine: $ENGINE; now() = $NOW"

# --- ingest ----------------------------------------------------------------------------------

if has ingest; then
  echo
  echo "## Ingest: the reader on one core, 5 columns of $INGEST_EVENTS DeviceNetworkEvents (all columns written)"
  echo
  check_space $((INGEST_EVENTS * 2300 * 2))
  note "ingest: bench-reader --events $INGEST_EVENTS --reps $REPS"
  [ -d "$DATA/reader" ] || GENERATED+=("$DATA/reader")
  if "$READER" --events "$INGEST_EVENTS" --reps "$REPS" --dir "$DATA/reader" > "$WORK/reader.txt" 2> "$WORK/stderr"; then
    # bench-reader's columns: input, file MB, decoded MB/s, file MB/s, records/s, decoded MB per
    # CPU second, peak RSS, and the share of raw simdjson's speed by wall clock and by CPU time.
    echo "| input | file MB | decoded GB/s | file GB/s | M events/s | decoded GB per CPU s | peak RSS MiB | of raw simdjson (CPU) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    awk 'NR > 1 { printf "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s |\n", $1, $2, $3 / 1000, $4 / 1000, $5 / 1e6, $6 / 1000, $7, $9 }' "$WORK/reader.txt"
  else
    fail "FAILED: bench-reader"
    cat "$WORK/stderr" >&2
  fi
  echo
  echo "### Ingest by number of columns filled: the same files, one core"
  echo
  echo "The first N of: hunt a's five (Timestamp, DeviceName, InitiatingProcessFileName, RemoteIP,"
  echo "RemotePort), ActionType, RemoteUrl, InitiatingProcessCommandLine, RemoteIPType, LocalIP, then"
  echo "the rest of the table's columns (all: every column of DeviceNetworkEvents). simdjson-raw.jsonl:"
  echo "simdjson On-Demand alone finding the same columns in the JSON lines (no columns filled)."
  echo
  note "ingest: bench-reader --column-counts 1,5,10,all"
  if "$READER" --events "$INGEST_EVENTS" --reps "$REPS" --dir "$DATA/reader" --column-counts 1,5,10,all \
    > "$WORK/reader.txt" 2> "$WORK/stderr"; then
    echo "| input | columns | decoded GB/s | M events/s | decoded GB per CPU s | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|"
    awk 'NR > 1 { printf "| %s | %s | %.2f | %.2f | %.2f | %s |\n", $1, $2, $3 / 1000, $4 / 1e6, $5 / 1000, $6 }' "$WORK/reader.txt"
  else
    fail "FAILED: bench-reader --column-counts"
    cat "$WORK/stderr" >&2
  fi
  drop "$DATA/reader"
fi

# --- kernels ---------------------------------------------------------------------------------

if has kernels; then
  echo
  echo "## Kernels: scan predicates over $KERNEL_ROWS DeviceNetworkEvents rows in memory, one core"
  echo
  echo "\`bench-kernels --rows $KERNEL_ROWS --reps $REPS\`: batches of 4096 rows as the reader makes them"
  echo "(at most 1 M generated events, copied until there are enough rows); each predicate's filter alone,"
  echo "as the JIT's kernel and as the interpreter's Evaluator::Select. M rows/s by wall time and by"
  echo "the thread's CPU time; ratio = JIT / interpreter by CPU time."
  echo
  note "kernels: bench-kernels --rows $KERNEL_ROWS --reps $REPS"
  if "$KERNELS" --rows "$KERNEL_ROWS" --reps "$REPS" > "$WORK/kernels.txt" 2> "$WORK/stderr"; then
    echo "| predicate | JIT kernel | JIT M rows/s | JIT M rows/CPU s | interp M rows/s | interp M rows/CPU s | ratio | rows selected |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    awk 'NR > 2 { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$WORK/kernels.txt"
    echo
    grep 'runs interpreted' "$WORK/stderr" | sed 's/^bench-kernels: /- /' || true
    echo
    echo "The predicates' KQL is in tools/bench-kernels/main.cpp."
  else
    fail "FAILED: bench-kernels"
    cat "$WORK/kernels.txt" "$WORK/stderr" >&2
  fi
fi

# --- end to end ------------------------------------------------------------------------------

if has e2e; then
  if [ ! -d "$HUNTS" ]; then
    note "end to end skipped: no hunts in $HUNTS (give --hunts DIR)"
  else
    make_hunt_pack
    peer_ok=1
    if [ -z "$PEER" ]; then
      peer_ok=0
      note "DuckDB skipped (--no-peer)"
    elif ! command -v node > /dev/null || [ ! -d "$PEER/node_modules" ] || [ ! -f "$PEER/duckdb-peer.mjs" ]; then
      peer_ok=0
      note "DuckDB skipped: no $PEER/duckdb-peer.mjs with node_modules (cp -r ../shared/bench $PEER && (cd $PEER && npm install --no-audit --no-fund))"
    fi
    declare -A hunt_engine
    for name in "${HUNT_NAMES[@]}"; do hunt_engine[$name]=$(engine_for query "$(cat "$HUNTS/$name.kql")"); done
    pack_engine=$(engine_for run "$WORK/pack")
    echo
    echo "## End to end: the hunts of ../shared/bench/hunts over DeviceNetworkEvents JSON lines"
    echo
    echo "huntc: \`huntc query\` per hunt, \`huntc run\` for the three as one pack (one read of the file"
    echo "with the JIT; the interpreter reads it once per query); DuckDB: duckdb-peer.mjs on the same"
    echo "file in the same run (the pack's DuckDB time is its three queries, one file scan each)."
    echo "Ratio = DuckDB time / huntc time (above 1: huntc is faster)."
    [ "$peer_ok" = 1 ] || echo "DuckDB was not run (--no-peer, or its node_modules are missing)."
    echo
    echo "| events | file GB | threads | hunt | engine | huntc s | huntc CPU s | huntc M events/s | huntc GB/s | peak RSS MiB | DuckDB s | ratio | rows huntc | rows DuckDB |"
    echo "|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    cpu_lines=()
    IFS=, read -r -a sizes <<< "$SIZES"
    IFS=, read -r -a thread_counts <<< "$THREADS"
    for n in "${sizes[@]}"; do
      file=$DATA/DeviceNetworkEvents-$n.jsonl
      gen_file "$n" "$file"
      bytes=$(stat -c %s "$file")
      for t in "${thread_counts[@]}"; do
        declare -A duck_s=() duck_rows=()
        duck_total= duck_cpu=-
        if [ "$peer_ok" = 1 ]; then
          note "e2e: DuckDB over $n events, $t thread(s)"
          if /usr/bin/time -f '%U %S' -o "$WORK/duck-cpu" node "$PEER/duckdb-peer.mjs" "$file" --threads "$t" --reps "$REPS" \
            --now "$NOW" > "$WORK/duck.txt" 2> "$WORK/stderr"; then
            # CPU seconds of one run of the three queries, less the `cat` before each that warms
            # the page cache (measured here once).
            /usr/bin/time -f '%U %S' -o "$WORK/cat-cpu" cat "$file" > /dev/null
            duck_cpu=$(awk -v reps="$REPS" -v hunts="${#HUNT_NAMES[@]}" -v cat="$(awk '{ print $1 + $2 }' "$WORK/cat-cpu")"               '{ printf "%.2f", ($1 + $2) / reps - hunts * cat }' "$WORK/duck-cpu")
            summary=$(sed -n 's/^JSON //p' "$WORK/duck.txt")
            for name in "${HUNT_NAMES[@]}"; do
              duck_s[$name]=$(jq -r --arg h "$name" '.hunts[$h].median_s // empty' <<< "$summary")
              duck_rows[$name]=$(jq -r --arg h "$name" '.hunts[$h].rows // empty' <<< "$summary")
            done
            duck_total=$(jq -r '.total_median_s' <<< "$summary")
          else
            fail "FAILED: duckdb-peer.mjs over $file"
            cat "$WORK/stderr" >&2
          fi
        fi
        # row NAME ENGINE SECONDS CPU_SECONDS RSS_KIB ROWS DUCK_SECONDS DUCK_ROWS: one line of the table.
        row() {
          local ratio=- dr=${8:--} ds=${7:--}
          [ "$ds" = - ] || ratio=$(calc "$ds / $3" %.2f)
          [ "$ds" = - ] || ds=$(calc "$ds" %.3f)
          echo "| $n | $(calc "$bytes / 1e9" %.2f) | $t | $1 | $2 | $(calc "$3" %.3f) | $4 | $(calc "$n / $3 / 1e6" %.2f) | $(calc "$bytes / $3 / 1e9" %.2f) | $(calc "$5 / 1024" %.0f) | $ds | $ratio | $6 | $dr |"
        }
        check_rows() {  # NAME HUNTC_ROWS DUCK_ROWS
          if [ -n "$3" ] && [ "$2" != "$3" ]; then
            fail "MISMATCH: $1 over $n events, $t thread(s): huntc $2 rows, DuckDB $3"
          fi
        }
        hunts_cpu=0
        for name in "${HUNT_NAMES[@]}"; do
          note "e2e: huntc $name over $n events, $t thread(s)"
          times=() cpus=() rss=() rows=
          for ((r = 0; r < REPS; r++)); do
            cat "$file" > /dev/null
            timed "$HUNTC" query "$(cat "$HUNTS/$name.kql")" --events "$file" --now "$NOW" --threads "$t" \
              --engine "${hunt_engine[$name]}" -o /dev/null || break
            times+=("$T") cpus+=("$CPU") rss+=("$RSS")
            rows=$(sed -n 's/.*; \([0-9]*\) detections\{0,1\}$/\1/p' "$WORK/stderr" | tail -n 1)
          done
          [ ${#times[@]} -eq "$REPS" ] || continue
          hunts_cpu=$(calc "$hunts_cpu + $(median "${cpus[@]}")" %.2f)
          row "$name" "${hunt_engine[$name]}" "$(median "${times[@]}")" "$(median "${cpus[@]}")" "$(median "${rss[@]}")" "$rows" \
            "${duck_s[$name]:-}" "${duck_rows[$name]:-}"
          check_rows "$name" "$rows" "${duck_rows[$name]:-}"
        done
        note "e2e: huntc pack of the three over $n events, $t thread(s)"
        times=() cpus=() rss=()
        for ((r = 0; r < REPS; r++)); do
          cat "$file" > /dev/null
          timed "$HUNTC" run "$WORK/pack" --events "$file" --now "$NOW" --threads "$t" --engine "$pack_engine" \
            -o /dev/null || break
          times+=("$T") cpus+=("$CPU") rss+=("$RSS")
          pack_rows=()
          for name in "${HUNT_NAMES[@]}"; do
            pack_rows+=("$(sed -n "s/^huntc: $name \[$name\]: \([0-9]*\) detection.*/\1/p" "$WORK/stderr")")
          done
        done
        [ ${#times[@]} -eq "$REPS" ] || continue
        duck_pack_rows=
        if [ -n "$duck_total" ]; then
          duck_pack_rows=$(for name in "${HUNT_NAMES[@]}"; do echo "${duck_rows[$name]}"; done | paste -sd+)
        fi
        row "pack of ${#HUNT_NAMES[@]}" "$pack_engine" "$(median "${times[@]}")" "$(median "${cpus[@]}")" "$(median "${rss[@]}")" \
          "$(IFS=+; echo "${pack_rows[*]}")" "$duck_total" "$duck_pack_rows"
        pack_cpu=$(median "${cpus[@]}")
        cpu_lines+=("| $n | $t | $(calc "$hunts_cpu" %.2f) | $pack_cpu | $duck_cpu | $([ "$duck_cpu" = - ] || [ "$hunts_cpu" = 0 ] || calc "$duck_cpu / $hunts_cpu" %.2f) |")
        for i in "${!HUNT_NAMES[@]}"; do
          check_rows "${HUNT_NAMES[$i]} (in the pack)" "${pack_rows[$i]}" "${duck_rows[${HUNT_NAMES[$i]}]:-}"
        done
      done
      drop "$file"
    done
    echo
    echo "CPU seconds (user + system), which the other users of a shared machine disturb less than wall"
    echo "time: huntc's three hunts run one by one (medians, summed), huntc's pack, and DuckDB's three"
    echo "queries (its whole process divided by --reps, less the \`cat\` that warms the page cache)."
    echo
    echo "| events | threads | huntc 3 hunts CPU s | huntc pack CPU s | DuckDB 3 queries CPU s | DuckDB / huntc hunts |"
    echo "|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${cpu_lines[@]}"
  fi
fi

# --- scale with rules, and compile latency ---------------------------------------------------

PACK_SIZES=()
make_rule_packs() {  # ENGINE: packs of 1, 10, 100 and all corpus rules that compile for it
  local engine=$1 n i
  "$PICK" --engine "$engine" --with-tables "$CORPUS/sentinel" "$CORPUS/sentinel-supplement" \
    > "$WORK/rules-$engine-tables.txt" 2> "$WORK/stderr"
  cut -f1 "$WORK/rules-$engine-tables.txt" > "$WORK/rules-$engine.txt"
  note "$(cat "$WORK/stderr")"
  local total
  total=$(wc -l < "$WORK/rules-$engine.txt")
  PACK_SIZES=()
  for n in 1 10 100 "$total"; do
    [ "$n" -le "$total" ] || continue
    [[ " ${PACK_SIZES[*]} " == *" $n "* ]] && continue
    PACK_SIZES+=("$n")
    [ ! -d "$WORK/rules-$engine-$n" ] || continue
    mkdir "$WORK/rules-$engine-$n"
    i=0
    head -n "$n" "$WORK/rules-$engine.txt" | while read -r path; do
      i=$((i + 1))
      ln -s "$path" "$WORK/rules-$engine-$n/$(printf %04d "$i")-$(basename "$path")"
    done
  done
}

if has rules || has compile; then
  if [ ! -d "$CORPUS/sentinel" ]; then
    note "rules and compile skipped: no Sentinel corpus in $CORPUS (give --corpus DIR)"
    ONLY=${ONLY//rules/} ONLY=${ONLY//compile/}
  fi
fi

if has rules; then
  archive=$DATA/archive-$ARCHIVE_EVENTS
  if [ ! -d "$archive" ]; then
    check_space $((ARCHIVE_EVENTS * 6000))
    note "generating an archive of all ten Device* tables, $ARCHIVE_EVENTS events, every scenario planted"
    GENERATED+=("$archive")
    "$GEN" --events "$ARCHIVE_EVENTS" --seed 7 --now "$NOW" --tables all --scenarios all -o "$archive/" 2> /dev/null
  fi
  archive_bytes=$(du -sb "$archive" | cut -f1)
  echo
  echo "## Scale with rules: corpus rules over an archive of all ten Device* tables"
  echo
  echo "$ARCHIVE_EVENTS events, $(calc "$archive_bytes / 1e9" %.2f) GB of JSON lines, every scenario planted; 1 thread."
  echo "The rules are the corpus rules that read only Device* tables and that the engine compiles"
  echo "(tools/bench/pick_rules.cpp), taken in file order; under either engine one read of each file"
  echo "feeds every rule of the pack (a join's probe side takes a second read)."
  echo
  echo "| engine | rules | seconds | CPU s | ms per rule | M events/s | peak RSS MiB | detections |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  engines=$ENGINE
  [ "$ENGINE" != auto ] || engines="interp jit"
  for engine in $engines; do
    make_rule_packs "$engine"
    for n in "${PACK_SIZES[@]}"; do
      note "rules: a pack of $n over the archive, $engine"
      times=() cpus=() rss=()
      for ((r = 0; r < REPS; r++)); do
        cat "$archive"/* > /dev/null
        timed "$HUNTC" run "$WORK/rules-$engine-$n" --events "$archive" --now "$NOW" --threads 1 \
          --engine "$engine" -o /dev/null || break
        times+=("$T") cpus+=("$CPU") rss+=("$RSS")
      done
      [ ${#times[@]} -eq "$REPS" ] || continue
      detections=$(sed -n 's/.*; \([0-9]*\) detections\{0,1\}$/\1/p' "$WORK/stderr" | tail -n 1)
      s=$(median "${times[@]}")
      echo "| $engine | $n | $(calc "$s" %.3f) | $(median "${cpus[@]}") | $(calc "$s * 1000 / $n" %.1f) | $(calc "$ARCHIVE_EVENTS / $s / 1e6" %.3f) | $(calc "$(median "${rss[@]}") / 1024" %.0f) | $detections |"
    done
  done
  drop "$archive"

  # The pack of all compiled rules against the cheapest rule alone, on an archive large enough
  # that reading and running the rules, not loading them, make the time. Speed: events of the
  # archive per CPU second, the whole archive given to both (a rule alone reads only the files
  # of its tables); the pack is compiled first (`huntc compile`), so its run loads its kernels.
  if [[ " $engines " == *" jit "* ]]; then
    archive=$DATA/archive-$PACK_EVENTS
    if [ ! -d "$archive" ]; then
      check_space $((PACK_EVENTS * 3000))
      note "generating an archive of all ten Device* tables, $PACK_EVENTS events, every scenario planted"
      GENERATED+=("$archive")
      "$GEN" --events "$PACK_EVENTS" --seed 7 --now "$NOW" --tables all --scenarios all -o "$archive/" 2> /dev/null
    fi
    archive_bytes=$(du -sb "$archive" | cut -f1)
    make_rule_packs jit
    all=$WORK/rules-jit-${PACK_SIZES[-1]}
    # Every rule's kernels into the kernel cache, so that no rule alone is timed compiling.
    "$HUNTC" run "$all" --events "$EMPTY" --now "$NOW" > /dev/null 2>&1 || true
    note "rules: compiling the pack of ${PACK_SIZES[-1]} rules"
    if timed "$HUNTC" compile "$all" -o "$WORK/corpus.pack"; then
      note "rules: the pack over $PACK_EVENTS events"
      cpus=() rss=()
      for ((r = 0; r < REPS; r++)); do
        cat "$archive"/* > /dev/null
        timed "$HUNTC" run "$WORK/corpus.pack" --events "$archive" --now "$NOW" --threads 1 -o /dev/null || break
        cpus+=("$CPU") rss+=("$RSS")
      done
      pack_cpu=$(median "${cpus[@]}") pack_rss=$(median "${rss[@]}")
      pack_read=$(sed -n 's/.*); \([0-9]* files\) .*/\1/p' "$WORK/stderr" | tail -n 1)
      # Each rule alone, once (its kernels from the cache the compile filled); then the cheapest
      # again, as often as the pack ran. A rule that fails alone is named, not timed.
      note "rules: each of the ${PACK_SIZES[-1]} rules alone over $PACK_EVENTS events"
      cheapest= cheapest_cpu= failed=()
      : > "$WORK/rule-cpus.txt"
      for rule in "$all"/*; do
        if ! /usr/bin/time -f '%U %S' -o "$WORK/rss" "$HUNTC" run "$rule" --events "$archive" --now "$NOW" --threads 1 \
             -o /dev/null > /dev/null 2> "$WORK/stderr"; then
          failed+=("$(basename "$rule")")
          continue
        fi
        cpu=$(tail -n 1 "$WORK/rss" | awk '{ printf "%.2f", $1 + $2 }')
        printf '%s\t%s\t%s\n' "$cpu" "$rule" "$(readlink "$rule")" >> "$WORK/rule-cpus.txt"
        if [ -z "$cheapest" ] || awk "BEGIN { exit !($cpu < $cheapest_cpu) }"; then cheapest=$rule cheapest_cpu=$cpu; fi
      done
      # The fair measure: the cheapest rule of each table the pack reads (of the rules that read
      # that table alone; else of those that read it), each such rule counted once. Their CPU
      # seconds summed are what reading and running one rule per table costs, which the pack's
      # cost is compared with: the cheapest rule alone reads one small table, the pack all ten.
      ls "$archive" | sed 's/\.[^.]*$//' | sort -u > "$WORK/archive-tables.txt"
      awk -F '\t' -v tables="$WORK/archive-tables.txt" -v paths="$WORK/rules-jit-tables.txt" '
        BEGIN {
          while ((getline line < tables) > 0) present[line] = 1
          while ((getline line < paths) > 0) { split(line, f, "\t"); read[f[1]] = f[2] }
        }
        {
          n = split(read[$3], t, ","); count = 0
          for (i = 1; i <= n; ++i) if (t[i] in present) all[NR, ++count] = t[i]
          for (i = 1; i <= count; ++i) {
            tb = all[NR, i]; alone = count == 1
            if (!(tb in best) || (alone && !best_alone[tb]) || (alone == best_alone[tb] && $1 < cpu[tb])) {
              best[tb] = $2; cpu[tb] = $1; best_alone[tb] = alone
            }
          }
        }
        END { for (tb in best) print best[tb] }' "$WORK/rule-cpus.txt" | sort -u > "$WORK/per-table.txt"
      per_table_cpu=0
      while IFS= read -r rule; do
        cpus=()
        for ((r = 0; r < REPS; r++)); do
          cat "$archive"/* > /dev/null
          timed "$HUNTC" run "$rule" --events "$archive" --now "$NOW" --threads 1 -o /dev/null || break
          cpus+=("$CPU")
        done
        per_table_cpu=$(calc "$per_table_cpu + $(median "${cpus[@]}")" %.2f)
      done < "$WORK/per-table.txt"
      per_table_rules=$(wc -l < "$WORK/per-table.txt")
      cpus=()
      for ((r = 0; r < REPS; r++)); do
        cat "$archive"/* > /dev/null
        timed "$HUNTC" run "$cheapest" --events "$archive" --now "$NOW" --threads 1 -o /dev/null || break
        cpus+=("$CPU")
      done
      rule_cpu=$(median "${cpus[@]}")
      rule_read=$(sed -n 's/.*); \([0-9]* files\{0,1\}\) .*/\1/p' "$WORK/stderr" | tail -n 1)
      echo
      echo "The pack of all ${PACK_SIZES[-1]} rules (compiled: \`huntc run PACK\`) against the cheapest of them alone, over"
      echo "$PACK_EVENTS events ($(calc "$archive_bytes / 1e9" %.2f) GB); 1 thread. Speed: events of the archive per CPU second,"
      echo "the whole archive given to both (a rule alone reads only the files of its tables)."
      echo
      echo "| run | CPU s | M events per CPU s | files read | peak RSS MiB |"
      echo "|---|---:|---:|---:|---:|"
      echo "| pack of ${PACK_SIZES[-1]} rules | $pack_cpu | $(calc "$PACK_EVENTS / ($pack_cpu + 0.005) / 1e6" %.3f) | ${pack_read% files} | $(calc "$pack_rss / 1024" %.0f) |"
      echo "| cheapest rule alone: $(basename "$cheapest") | $rule_cpu | $(calc "$PACK_EVENTS / ($rule_cpu + 0.005) / 1e6" %.3f) | ${rule_read% file*} | |"
      echo "| cheapest rule of each table, summed ($per_table_rules rules) | $per_table_cpu | $(calc "$PACK_EVENTS / ($per_table_cpu + 0.005) / 1e6" %.3f) | | |"
      echo
      echo "The pack runs at $(calc "($rule_cpu + 0.005) / ($pack_cpu + 0.005)" %.4f) of the cheapest rule's speed (issue 9: at least 0.2), and at"
      echo "$(calc "($per_table_cpu + 0.005) / ($pack_cpu + 0.005)" %.4f) of the speed of the cheapest rule of each table it reads, summed (the fair measure:"
      echo "those rules read what the pack reads, one rule per table; the cheapest rule alone reads one table). CPU"
      echo "seconds are rounded to 0.01 s, and 0.005 s is added to each so that a rule under the clock's grain is not taken as free."
      [ ${#failed[@]} -eq 0 ] || echo "Rules that failed alone (left out of the search): ${failed[*]}."
    fi
    rm -f "$WORK/corpus.pack"
    drop "$archive"
  fi
fi

if has compile; then
  echo
  echo "## Compile latency: \`huntc run PACK\` over an empty archive (process start, load, compile)"
  echo
  echo "| engine | rules | seconds | CPU s | ms per rule | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|"
  engines=$ENGINE
  [ "$ENGINE" != auto ] || engines="interp jit"
  for engine in $engines; do
    make_rule_packs "$engine"
    for n in "${PACK_SIZES[@]}"; do
      note "compile: $n rules, $engine"
      times=() cpus=() rss=()
      for ((r = 0; r < REPS; r++)); do
        timed "$HUNTC" run "$WORK/rules-$engine-$n" --events "$EMPTY" --now "$NOW" --engine "$engine" || break
        times+=("$T") cpus+=("$CPU") rss+=("$RSS")
      done
      [ ${#times[@]} -eq "$REPS" ] || continue
      s=$(median "${times[@]}")
      echo "| $engine | $n | $(calc "$s" %.3f) | $(median "${cpus[@]}") | $(calc "$s * 1000 / $n" %.2f) | $(calc "$(median "${rss[@]}") / 1024" %.0f) |"
    done
  done
  # Packs (JIT only): `huntc compile` with no cache (every kernel optimised and emitted, on all
  # cores), then `huntc run PACK` with no cache (each kernel's object code from the pack).
  if [[ $engines == *jit* ]]; then
    for n in "${PACK_SIZES[@]}"; do
      for step in compile run; do
        note "compile: a pack of $n rules, $step"
        times=() cpus=() rss=()
        for ((r = 0; r < REPS; r++)); do
          if [ "$step" = compile ]; then
            timed "$HUNTC" compile "$WORK/rules-jit-$n" -o "$WORK/rules-$n.pack" --no-cache || break
          else
            timed "$HUNTC" run "$WORK/rules-$n.pack" --events "$EMPTY" --now "$NOW" --no-cache || break
          fi
          times+=("$T") cpus+=("$CPU") rss+=("$RSS")
        done
        [ ${#times[@]} -eq "$REPS" ] || continue
        s=$(median "${times[@]}")
        label="jit: huntc compile -o PACK, no cache"
        [ "$step" = compile ] || label="jit: huntc run PACK, no cache"
        echo "| $label | $n | $(calc "$s" %.3f) | $(median "${cpus[@]}") | $(calc "$s * 1000 / $n" %.2f) | $(calc "$(median "${rss[@]}") / 1024" %.0f) |"
      done
      rm -f "$WORK/rules-$n.pack"
    done
  fi
fi

# --- peak memory on a large input ------------------------------------------------------------

if has memory; then
  hunt_a=$(ls "$HUNTS"/*.kql 2> /dev/null | head -n 1)
  if [ -z "$hunt_a" ]; then
    note "memory skipped: no hunts in $HUNTS (give --hunts DIR)"
  else
    name=$(basename "$hunt_a" .kql)
    mkdir -p "$WORK/pack-memory"
    { echo "id: $name"; echo "name: $name"; echo "severity: Informational"; echo "query: |"; sed 's/^/  /' "$hunt_a"; } \
      > "$WORK/pack-memory/$name.yaml"
    file=$DATA/DeviceNetworkEvents-$MEMORY_EVENTS.jsonl
    gen_file "$MEMORY_EVENTS" "$file"
    bytes=$(stat -c %s "$file")
    engine=$(engine_for run "$WORK/pack-memory")
    echo
    echo "## Peak memory: a filter-only pack ($name) over one large JSON-lines file"
    echo
    echo "\`huntc run\` of a pack holding only $name ($engine), output to /dev/null; peak RSS from"
    echo "\`/usr/bin/time\`. The file is read into the page cache first (page cache is not RSS)."
    echo
    echo "| events | file GB | threads | seconds | CPU s | peak RSS MiB | detections |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    IFS=, read -r -a thread_counts <<< "$THREADS"
    for t in "${thread_counts[@]}"; do
      note "memory: $name over $MEMORY_EVENTS events, $t thread(s)"
      cat "$file" > /dev/null
      timed "$HUNTC" run "$WORK/pack-memory" --events "$file" --now "$NOW" --threads "$t" --engine "$engine" \
        -o /dev/null || continue
      detections=$(sed -n 's/.*; \([0-9]*\) detections\{0,1\}$/\1/p' "$WORK/stderr" | tail -n 1)
      echo "| $MEMORY_EVENTS | $(calc "$bytes / 1e9" %.2f) | $t | $(calc "$T" %.3f) | $CPU | $(calc "$RSS / 1024" %.0f) | $detections |"
    done
    drop "$file"
  fi
fi

echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$FAILED" = 1 ]; then
  echo "bench: FAILED (see the lines above)" >&2
  exit 1
fi
