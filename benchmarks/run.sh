#!/usr/bin/env bash
# Runs the national-scale benchmarks of issue 7 and prints one Markdown table: step, scale, ours
# (wall s, peak RSS MiB), peer (wall s, peak RSS MiB), ratio ours/peer (wall), notes. Every wall
# time and peak RSS is of a whole process, measured with /usr/bin/time -f "%e %M".
#
#   bash benchmarks/peers/setup.sh          # once: the peers' venv (PySAL access, spopt, geopandas)
#   bash benchmarks/run.sh [options]
#
# Options:
#   --quick            only the two small scales (no 200,000 x 20,000, no 1,000,000 x 100,000)
#   --with-pysal-200k  also PySAL access 2SFCA at 200,000 x 20,000 (peaks near 19 GiB: needs
#                      >= 21 GiB available, checked with free; nothing else big may run)
#   --with-1m          also ours at 1,000,000 x 100,000 (E2SFCA 10 km; no peer)
#   --skip-mclp        leave out the MCLP rows (spopt + CBC takes minutes)
# Environment: SCRATCH (SwiftPM scratch path, default .build-perf), BIN (folder of prebuilt
# release binaries; then nothing is built), DATA (inputs and outputs, default
# /tmp/careatlas-bench), SEED (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build-perf}
data=${DATA:-/tmp/careatlas-bench}
seed=${SEED:-1}
quick=0 pysal200k=0 with1m=0 mclp=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --with-pysal-200k) pysal200k=1 ;;
    --with-1m) with1m=1 ;;
    --skip-mclp) mclp=0 ;;
    *) echo "run.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
py=benchmarks/peers/.venv/bin/python
[ -x "$py" ] || { echo "run.sh: no peers venv; run bash benchmarks/peers/setup.sh first" >&2; exit 1; }
mkdir -p "$data"
log="$data/run.log"
: > "$log"

if [ -n "${BIN:-}" ]; then
  bin=$BIN  # prebuilt release binaries (careatlas, careatlas-bench)
else
  swift build -c release --scratch-path "$scratch" --product careatlas >&2
  swift build -c release --scratch-path "$scratch" --product careatlas-bench >&2
  bin="$scratch/release"
fi

rows=()
# measure NAME CMD...: runs CMD with stdout to $data/NAME.out; sets WALL (s), RSS (MiB), OUT.
measure() {
  local name=$1; shift
  echo "+ $*" >> "$log"
  /usr/bin/time -f "%e %M" -o "$data/$name.time" "$@" > "$data/$name.out" 2>> "$log"
  read -r WALL kib < "$data/$name.time"
  RSS=$(( (kib + 1023) / 1024 ))
  OUT=$(cat "$data/$name.out")
  echo "  $name: $WALL s, $RSS MiB: $OUT" >> "$log"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3g", a / b; else print "–" }'; }
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"); echo "$1 $2: ours $3 s $4 MiB, peer $5 s $6 MiB, $8" >&2; }
field() { sed -n "s/.*\"$1\": *\([^,}]*\).*/\1/p" <<< "$2" | head -1; }
available_gib() { free -g | awk '/^Mem:/ { print $7 }'; }

scales=(2000x300 20000x3000)
[ "$quick" = 1 ] || scales+=(200000x20000)
[ "$with1m" = 1 ] && scales+=(1000000x100000)

for scale in "${scales[@]}"; do
  dir="$data/$scale"
  if [ ! -f "$dir/supply.csv" ]; then
    extra=(); [ "$scale" = 1000000x100000 ] && extra=(--no-pairs)
    "$bin/careatlas-bench" generate --scale "$scale" --seed "$seed" --out "$dir" "${extra[@]}" > "$dir.pairs.json"
  fi
  echo "generated $scale: $(cat "$dir.pairs.json")" >> "$log"
  for spec in "2sfca 5000" "e2sfca 10000" "gaussian 10000"; do
    set -- $spec; method=$1; d0=$2
    [ "$scale" = 1000000x100000 ] && [ "$method" != e2sfca ] && continue
    opts=(--method "$method" --threshold "$d0"); [ "$method" = gaussian ] && opts+=(--sigma $((d0 / 2)))
    tag="${scale}_${method}"
    measure "ours_$tag" "$bin/careatlas" access --demand "$dir/demand.csv" --supply "$dir/supply.csv" "${opts[@]}" \
      --out "$dir/ours_$method.csv" --quiet
    ow=$WALL orss=$RSS pairs=$(sed -n 's/.*pairs=\([0-9]*\).*/\1/p' <<< "$OUT")
    engine=pysal
    if [ "$scale" = 1000000x100000 ]; then
      row "$method $((d0 / 1000)) km" "$scale" "$ow" "$orss" "–" "–" "–" "$pairs pairs; no peer at this scale (target ≤ 120 s, ≤ 4096 MiB)"
      continue
    fi
    if [ "$scale" = 200000x20000 ]; then
      if [ "$method" = 2sfca ] && [ "$pysal200k" = 1 ] && [ "$(available_gib)" -ge 21 ]; then engine=pysal; else engine=numpy; fi
    fi
    measure "peer_$tag" "$py" benchmarks/peers/access_peer.py --engine "$engine" --demand "$dir/demand.csv" \
      --supply "$dir/supply.csv" "${opts[@]}" --out "$dir/peer_$method.npy"
    pw=$WALL prss=$RSS peer=$OUT
    cmp=$("$py" benchmarks/peers/compare_scores.py "$dir/ours_$method.csv" "$dir/peer_$method.npy" --tolerance 1e-9)
    echo "  compare $tag: $cmp" >> "$log"
    note="$pairs pairs; vs $engine: max rel diff $(field max_relative_difference "$cmp"), pass $(field pass "$cmp")"
    if [ "$engine" = pysal ]; then
      note="$note; PySAL: k-d tree pairs $(field seconds_pairs "$peer") s + access $(field seconds_access "$peer") s"
    else
      note="$note; numpy streaming reference (PySAL does not fit or was not run at this scale)"
    fi
    row "$method $((d0 / 1000)) km" "$scale" "$ow" "$orss" "$pw" "$prss" "$(ratio "$ow" "$pw")" "$note"
  done
done

# Point-in-polygon aggregation and coverage union: 5,000 adjacent polygons, 1,000,000 points.
tess="$data/tessellation"
[ -f "$tess/points.csv" ] || "$bin/careatlas-bench" tessellation --columns 100 --rows 50 --points 1000000 --seed "$seed" --out "$tess" > /dev/null
measure ours_pip "$bin/careatlas-bench" pip --polygons "$tess/polygons.geojson" --points "$tess/points.csv" --out "$tess/ours_counts.csv"
ow=$WALL orss=$RSS ours=$OUT
measure peer_pip "$py" benchmarks/peers/sjoin_peer.py --polygons "$tess/polygons.geojson" --points "$tess/points.csv" --out "$tess/peer_counts.csv"
same=$(cmp -s "$tess/ours_counts.csv" "$tess/peer_counts.csv" && echo "identical counts" || echo "COUNTS DIFFER")
row "point in polygon" "1,000,000 pts × 5,000 polygons" "$ow" "$orss" "$WALL" "$RSS" "$(ratio "$ow" "$WALL")" \
  "$same; join alone: ours $(field seconds_join "$ours") s, geopandas sjoin+groupby $(field seconds_join "$OUT") s (ratio $(ratio "$(field seconds_join "$ours")" "$(field seconds_join "$OUT")"))"
measure ours_union "$bin/careatlas-bench" union --polygons "$tess/polygons.geojson"
ow=$WALL orss=$RSS ours=$OUT
measure peer_union "$py" benchmarks/peers/union_peer.py --polygons "$tess/polygons.geojson"
row "coverage union" "5,000 polygons" "$ow" "$orss" "$WALL" "$RSS" "$(ratio "$ow" "$WALL")" \
  "union alone: ours $(field seconds_union "$ours") s, shapely coverage_union_all $(field seconds_union "$OUT") s; areas $(field area "$ours") / $(field area "$OUT") m²"

# MCLP 2,000 x 300, r = 3 km, to proven optimality.
if [ "$mclp" = 1 ]; then
  dir="$data/2000x300"
  sed '1s/population/weight/' "$dir/demand.csv" > "$dir/mclp_demand.csv"
  cut -d, -f1-3 "$dir/supply.csv" > "$dir/mclp_candidates.csv"
  for p in 10 20 40; do
    measure "ours_mclp_$p" "$bin/careatlas" mclp --demand "$dir/mclp_demand.csv" --candidates "$dir/mclp_candidates.csv" \
      --radius 3000 --p "$p" --out "$dir/mclp_$p.csv" --quiet
    ow=$WALL orss=$RSS ours=$(tr '\n' ' ' <<< "$OUT")
    if [ -f benchmarks/peers/mclp_spopt.py ]; then
      measure "peer_mclp_$p" "$py" benchmarks/peers/mclp_spopt.py --demand "$dir/mclp_demand.csv" \
        --candidates "$dir/mclp_candidates.csv" --radius 3000 --p "$p" --json
      row "MCLP p = $p" "2,000 × 300, r = 3 km" "$ow" "$orss" "$WALL" "$RSS" "$(ratio "$ow" "$WALL")" \
        "ours: $ours; spopt+CBC objective $(field objective "$OUT"), build $(field seconds_build "$OUT") s, solve $(field seconds_solve "$OUT") s"
    else
      row "MCLP p = $p" "2,000 × 300, r = 3 km" "$ow" "$orss" "pending" "–" "–" "ours: $ours; peer script not there yet"
    fi
  done
fi

# The staged optimum and the 区中央部 study (need ../shared/geodata).
study=geodata/cases/kuchubu.yaml
if [ -d ../shared/geodata ]; then
  measure ours_staged "$bin/careatlas-bench" staged --study "$study" --time-limit 30
  row "staged optimum" "区中央部 study levels" "$WALL" "$RSS" "–" "–" "–" "$OUT"
  out="$data/kuchubu"
  rm -rf "$out"
  if "$bin/careatlas" report --help > /dev/null 2>&1; then
    measure ours_report "$bin/careatlas" report "$study" --out "$out/report" --quiet
    row "区中央部 load → report" "study" "$WALL" "$RSS" "–" "–" "–" "careatlas report (target < 1 s; CPU time and load: benchmarks/report.sh)"
  else
    total=0 peak=0 parts=""
    for cmd in summary catchment scenarios gaps; do
      extra=(); [ "$cmd" = summary ] || extra=(--out "$out/$cmd")
      measure "ours_$cmd" "$bin/careatlas" "$cmd" "$study" "${extra[@]}" --quiet
      total=$(awk -v a="$total" -v b="$WALL" 'BEGIN { printf "%.2f", a + b }')
      [ "$RSS" -gt "$peak" ] && peak=$RSS
      parts="$parts $cmd $WALL s;"
    done
    row "区中央部 load → outputs" "study" "$total" "$peak" "–" "–" "–" "no report command yet: sum of${parts} (target < 2 s)"
  fi
else
  echo "run.sh: ../shared/geodata is absent: staged optimum and 区中央部 rows skipped" >&2
fi

echo
echo "| step | scale | ours wall s | ours peak RSS MiB | peer wall s | peer peak RSS MiB | ratio ours/peer (wall) | notes |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
