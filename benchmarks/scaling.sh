#!/usr/bin/env bash
# How the access and routing engines scale with cores: the same seeded workloads of
# careatlas-network-bench run under `taskset -c 0-(K-1)` for K = 1, 2, 4, 8, 16 (only the K the
# machine has). Results go to stdout, one line per run, prefixed with K; see benchmarks/RESULTS.md,
# "Scaling to 16 cores".
#
#   bash benchmarks/scaling.sh [BIN]    (BIN defaults to the release build of careatlas-network-bench)
set -euo pipefail
BIN=${1:-.build/release/careatlas-network-bench}
CORES=$(nproc --all)
echo "machine: $(nproc --all) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
for k in 1 2 4 8 16; do
  [ "$k" -le "$CORES" ] || continue
  run() { echo "K=$k $(CAREATLAS_BENCH_CORES=$k taskset -c 0-$((k - 1)) "$BIN" "$@" | grep -v '^workers:' | tr '\n' ' ')"; }
  run access 1000000 100000 10 e2sfca
  run access 1000000 100000 10 2sfca
  run access 200000 20000 10 gaussian
  run grid 1415 10000 3000 30
done
