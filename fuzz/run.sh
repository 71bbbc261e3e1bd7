#!/usr/bin/env bash
# Builds and runs CareAtlas's libFuzzer targets (issue 9).
#
#   fuzz/run.sh TARGET SECONDS          TARGET: geojson | csv | study | whole | all
#                                       (whole: a whole study through load and every analysis, issue 14)
#   fuzz/run.sh build                   build only
#   fuzz/run.sh smoke                   each target over its seed corpus once (no mutation), for CI
#
# Targets are built with `-sanitize=fuzzer,address` into .build-fuzz at the repository root.
# The committed seed corpus is fuzz/corpus/<target>/ (project-authored files only). At run time
# the seeds are copied into a temporary working corpus, together with real files from
# ../shared/geodata when present (never committed); new inputs found by the fuzzer stay in the
# temporary corpus. Crashes, hangs and out-of-memory inputs are written to fuzz/artifacts/<target>/
# (git-ignored) and the script exits non-zero: add each one to the bad-input corpus with its
# expected error after fixing the reader.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="$root/.build-fuzz"
shared="${CAREATLAS_SHARED_DATA:-$root/../shared/geodata}"

build() {
  # A failed build fails the script: a stale binary from an earlier build must never be fuzzed.
  local log status=0
  log="$(mktemp "${TMPDIR:-/tmp}/careatlas-fuzz-build.XXXXXX")"
  # SwiftPM keeps the build plan of the local CareAtlas dependency (path "..") and does not notice
  # source files added there since ("cannot find 'X' in scope"): plan again every time (a second).
  rm -f "$scratch/debug.yaml" "$scratch"/*/debug/description.json
  (cd "$here" && swift build --scratch-path "$scratch" -c debug \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    -Xcc -fsanitize=fuzzer-no-link,address) >"$log" 2>&1 || status=$?
  grep -E "error|warning: .*fuzz/|Compiling fuzz|Build complete" "$log" >&2 || true
  if [ "$status" -ne 0 ]; then
    echo "the fuzz targets did not build (exit $status); full log: $log" >&2
    exit 1
  fi
  rm -f "$log"
  for t in geojson csv study whole; do
    [ -x "$scratch/debug/fuzz-$t" ] || { echo "fuzz-$t was not built" >&2; exit 1; }
  done
}

# Per-target options: the largest input tried and the token dictionary.
max_len() { case "$1" in geojson) echo 65536 ;; csv) echo 16384 ;; study) echo 8192 ;; whole) echo 32768 ;; esac; }
dict() { case "$1" in geojson) echo "$here/dict/json.dict" ;; csv) echo "$here/dict/csv.dict" ;; study) echo "$here/dict/yaml.dict" ;; whole) echo "$here/dict/whole.dict" ;; esac; }
# Per-input time limit (wall-clock seconds): a whole study runs the exact optimisations of its
# scenarios and the disclosure attacker's integer programs, 10–30 times slower under AddressSanitizer
# and coverage counters. 60 s was hit on a machine with load 18 on 2 cores by a demo variant that
# takes 1.2 CPU-seconds in the plain debug CLI (fuzz/artifacts was a timeout, not a hang); 300 s
# still catches a hang.
per_input_timeout() { case "$1" in whole) echo 300 ;; *) echo 10 ;; esac; }

# Real files of a kind, copied into the working corpus when ../shared/geodata is there (small ones only).
real_files() {
  [ -d "$shared" ] || return 0
  case "$1" in
    geojson) find "$shared" -name '*.geojson' -size -64k ;;
    csv) find "$shared" -name '*.csv' -size -16k ;;
    study) find "$root/geodata" -name '*.yaml' ;;
  esac
}

run_one() {
  local t="$1" seconds="$2"
  local work; work="$(mktemp -d "${TMPDIR:-/tmp}/careatlas-fuzz-$t.XXXXXX")"
  cp "$here/corpus/$t/"* "$work/"
  real_files "$t" | while read -r f; do cp "$f" "$work/real-$(basename "$f")"; done
  mkdir -p "$here/artifacts/$t"
  echo "== fuzz-$t for ${seconds}s (corpus $(ls "$work" | wc -l) files, max_len $(max_len "$t"))" >&2
  local status=0
  "$scratch/debug/fuzz-$t" "$work" -dict="$(dict "$t")" -max_len="$(max_len "$t")" \
    -max_total_time="$seconds" -timeout="$(per_input_timeout "$t")" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$here/artifacts/$t/" >"$work.log" 2>&1 || status=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done|ERROR|SUMMARY" "$work.log" >&2 || true
  # CPU time of the fuzzer (the shell's children: user and system), which on a busy machine is
  # less than the wall-clock seconds asked for.
  times >"$work.times"  # not in a pipeline: a subshell would have no children
  echo "cpu of the fuzzer (user system): $(tail -1 "$work.times")" >&2
  rm -f "$work.times"
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then
    echo "fuzz-$t found a defect; log: $work.log, input in fuzz/artifacts/$t/" >&2
    return "$status"
  fi
  rm -f "$work.log"
}

smoke() {
  local t="$1"
  # -runs=0 executes each seed once and stops: a regression check, not a search.
  "$scratch/debug/fuzz-$t" "$here/corpus/$t" -runs=0 -max_len="$(max_len "$t")" -timeout="$(per_input_timeout "$t")" -rss_limit_mb=2048 \
    2>&1 | grep -E "INITED|DONE|ERROR|SUMMARY" >&2
}

target="${1:-}"
case "$target" in
  build) build ;;
  smoke) build; for t in geojson csv study whole; do smoke "$t"; done ;;
  geojson|csv|study|whole) build; run_one "$target" "${2:?seconds}" ;;
  all) build; for t in geojson csv study whole; do run_one "$t" "${2:?seconds}"; done ;;
  *) echo "usage: fuzz/run.sh geojson|csv|study|whole|all SECONDS | build | smoke" >&2; exit 2 ;;
esac
