#!/usr/bin/env bash
# CareAtlas, OSRM's table service and pandana on the same synthetic road grid, in one run (issue 19,
# "Scale"; figures in benchmarks/RESULTS.md, "Road network at scale, side by side"). Not part of
# `swift test` or CI.
#
#   bash benchmarks/network/scale_compare.sh [OUT_DIR]        # default /tmp/careatlas-netscale
#
# Environment (defaults = the issue's scale):
#   SIDE=1415 (1415² = 2,002,225 nodes)  ORIGINS=20000  DESTINATIONS=3000  CUTOFF=30 (minutes)
#   BIN=…/careatlas-network-bench (default: built here, release, --scratch-path .build-rel)
#   VENV=benchmarks/network/.venv (made with python3.12 and requirements.txt when absent)
#   OSRM_ALGORITHM=mld|ch  OSRM_BATCH=500 (origins per table request)  THREADS=2 (OSRM, pandana's CH)
#   PANDANA_ORIGINS=0, OSRM_ORIGINS=0 (all; N answers the first N origins only, the time for all is then
#   N-proportional, see pandana_table.py and osrm_table.py; summarize.py prints the extrapolation)
#   DUMP=200 (the first DUMP origins' pairs are written by each engine and compared)
#   NICE=10 (every step runs under nice -n NICE)
#   OSRM_REUSE=1 uses the grid.osrm files already in OUT_DIR (preprocessing run earlier or by hand)
#
# Every step prints one "step ENGINE NAME: wall …, CPU …, peak RSS …, load …" line; the log is
# OUT_DIR/run.log and the Markdown table of all steps with the ratios is OUT_DIR/summary.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-/tmp/careatlas-netscale}
SIDE=${SIDE:-1415} ORIGINS=${ORIGINS:-20000} DESTINATIONS=${DESTINATIONS:-3000} CUTOFF=${CUTOFF:-30}
VENV=${VENV:-$ROOT/benchmarks/network/.venv}
OSRM_ALGORITHM=${OSRM_ALGORITHM:-mld} OSRM_BATCH=${OSRM_BATCH:-500} THREADS=${THREADS:-2} OSRM_ORIGINS=${OSRM_ORIGINS:-0}
PANDANA_ORIGINS=${PANDANA_ORIGINS:-0} DUMP=${DUMP:-200} NICE=${NICE:-10} OSRM_REUSE=${OSRM_REUSE:-0}
N="nice -n $NICE"

if [ ! -x "$VENV/bin/python" ]; then
    PY312=$(command -v python3.12 || true)
    [ -n "$PY312" ] || { echo "python3.12 is needed for the osrm-bindings wheel (or give VENV=…)" >&2; exit 1; }
    "$PY312" -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$ROOT/benchmarks/network/requirements.txt"
fi
PY="$VENV/bin/python"
if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && swift build -c release --scratch-path .build-rel --product careatlas-network-bench >&2)
    BIN="$ROOT/.build-rel/release/careatlas-network-bench"
fi
mkdir -p "$OUT"
LOG="$OUT/run.log"
: > "$LOG"
say() { echo "$@" | tee -a "$LOG"; }

say "# scale_compare.sh $(date -u +%Y-%m-%dT%H:%M:%SZ): SIDE=$SIDE ORIGINS=$ORIGINS DESTINATIONS=$DESTINATIONS CUTOFF=$CUTOFF min"
say "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2 " GiB, " $7 " GiB available"}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
say "# OSRM_ALGORITHM=$OSRM_ALGORITHM OSRM_BATCH=$OSRM_BATCH THREADS=$THREADS PANDANA_ORIGINS=$PANDANA_ORIGINS OSRM_ORIGINS=$OSRM_ORIGINS NICE=$NICE"
say "# $("$PY" -c 'import importlib.metadata as m; print("osrm-bindings", m.version("osrm-bindings"), "pandana", m.version("pandana"), "numpy", m.version("numpy"))')"

say "## inputs (written once: PBF for CareAtlas and OSRM, arrays for pandana, the same points for all)"
$N "$PY" "$ROOT/benchmarks/network/grid_inputs.py" "$SIDE" "$ORIGINS" "$DESTINATIONS" "$OUT" 2>&1 | tee -a "$LOG"

say "## CareAtlas (careatlas-network-bench table)"
$N /usr/bin/time -v "$BIN" table "$OUT/grid.osm.pbf" "$OUT/points.csv" "$CUTOFF" --dump "$DUMP" "$OUT/careatlas_pairs.csv" \
    > "$OUT/careatlas.out" 2> "$OUT/careatlas.time"
tee -a "$LOG" < "$OUT/careatlas.out"
grep -E "Elapsed|Maximum resident|User time|System time" "$OUT/careatlas.time" | sed 's/^\s*/  time -v: /' | tee -a "$LOG"

say "## OSRM ($OSRM_ALGORITHM, table service of osrm-routed)"
$N "$PY" "$ROOT/benchmarks/network/osrm_table.py" "$OUT" "$CUTOFF" --algorithm "$OSRM_ALGORITHM" --batch "$OSRM_BATCH" \
    --threads "$THREADS" --origins "$OSRM_ORIGINS" $([ "$OSRM_REUSE" = 1 ] && echo --reuse) --dump "$DUMP" "$OUT/osrm_pairs.csv" 2> "$OUT/osrm.err" | tee -a "$LOG"

say "## pandana"
OMP_NUM_THREADS=$THREADS $N "$PY" "$ROOT/benchmarks/network/pandana_table.py" "$OUT" "$CUTOFF" --origins "$PANDANA_ORIGINS" \
    --dump "$DUMP" "$OUT/pandana_pairs.csv" 2> "$OUT/pandana.err" | grep -v -E "^(Generating|Setting|Range|\. 10%)" | tee -a "$LOG"

say "## agreement (first $DUMP origins)"
"$PY" "$ROOT/benchmarks/network/compare_tables.py" "$OUT/careatlas_pairs.csv" "$OUT/osrm_pairs.csv" OSRM | tee -a "$LOG"
"$PY" "$ROOT/benchmarks/network/compare_tables.py" "$OUT/careatlas_pairs.csv" "$OUT/pandana_pairs.csv" pandana | tee -a "$LOG"
say "# end $(date -u +%Y-%m-%dT%H:%M:%SZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$ROOT/benchmarks/network/summarize.py" "$LOG" | tee "$OUT/summary.md"
