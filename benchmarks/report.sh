#!/usr/bin/env bash
# The 区中央部 meeting report, load → every file (issue 21's first target: under 1 s wall):
# runs `careatlas report geodata/cases/kuchubu.yaml --quiet` RUNS times (default 5) with a release
# binary and prints, per run and as the median, the wall seconds, the user + sys CPU seconds and the
# 1-minute load average before the run (on a shared machine wall time lies; CPU time less so), then
# checks that every run wrote the same bytes (diff -r against the first).
#
#   bash benchmarks/report.sh [RUNS]
#
# Environment: BIN (folder with a release careatlas; default: builds .build-rel), OUT (default
# /tmp/careatlas-report-bench). CAREATLAS_THREADS sets only the routing workers of network studies; the
# report's map encoders and disclosure trials use every core (GCD's pool), whatever it says.
# Needs ../shared/geodata beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=${OUT:-/tmp/careatlas-report-bench}
[ -d ../shared/geodata ] || { echo "report.sh: ../shared/geodata is absent" >&2; exit 1; }
if [ -n "${BIN:-}" ]; then
  cli=$BIN/careatlas
else
  swift build -c release --scratch-path .build-rel --product careatlas >&2
  cli=.build-rel/release/careatlas
fi
mkdir -p "$out"
walls=() cpus=()
echo "| run | wall s | user+sys s | load (1 min) before |"
echo "|---|---|---|---|"
for i in $(seq 1 "$runs"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$out/run$i"
  /usr/bin/time -f "%e %U %S" -o "$out/time$i" "$cli" report geodata/cases/kuchubu.yaml --out "$out/run$i" --quiet > /dev/null
  read -r wall user sys < "$out/time$i"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  walls+=("$wall"); cpus+=("$cpu")
  echo "| $i | $wall | $cpu | $load |"
  if [ "$i" -gt 1 ]; then diff -r "$out/run1" "$out/run$i" > /dev/null || { echo "report.sh: run $i differs from run 1" >&2; exit 1; }; fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "median of $runs: wall $(median "${walls[@]}") s, user+sys $(median "${cpus[@]}") s; $(ls "$out/run1" | wc -l) files, identical in every run; $(nproc) cores, load now $(cut -d' ' -f1-3 /proc/loadavg)"
