#!/usr/bin/env bash
# Runs the national-scale benchmarks of issues 7 and 21 and prints one Markdown table: step, scale,
# ours and the peer (wall s, CPU s = user + sys, peak RSS MiB), peer / ours (wall and CPU), the
# 1-minute load average when each process started (ours / peer), our CPU cost per pair or per
# point (ns of one core), notes. Every figure is of a whole process, measured with
# /usr/bin/time -f "%e %M %U %S"; the load is read from /proc/loadavg just before it starts.
#
#   bash benchmarks/peers/setup.sh          # once: the peers' venv (PySAL access, spopt, geopandas)
#   bash benchmarks/run.sh [options]
#
# Options:
#   --quick            only the two small scales (no 200,000 x 20,000, no 1,000,000 x 100,000)
#   --with-pysal-200k  also PySAL access 2SFCA at 200,000 x 20,000 (peaked at 18.9 GiB on
#                      2026-12-04 and was OOM-killed at 24.3 GB with 23 GiB free on 2026-12-05:
#                      needs >= 26 GiB available, checked with free; nothing else big may run)
#   --with-1m          also ours at 1,000,000 x 100,000 (E2SFCA 10 km; no peer)
#   --skip-mclp        leave out the MCLP rows (spopt + CBC: about 6 CPU-minutes for the four rows)
#   --skip-study       leave out the staged optimum and 区中央部 report rows
# Environment: SCRATCH (SwiftPM scratch path, default .build-perf), BIN (folder of prebuilt
# release binaries; then nothing is built), DATA (inputs and outputs, default
# /tmp/careatlas-bench), SEED (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build-perf}
data=${DATA:-/tmp/careatlas-bench}
seed=${SEED:-1}
quick=0 pysal200k=0 with1m=0 mclp=1 study=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --with-pysal-200k) pysal200k=1 ;;
    --with-1m) with1m=1 ;;
    --skip-mclp) mclp=0 ;;
    --skip-study) study=0 ;;
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
# measure NAME CMD...: runs CMD with stdout to $data/NAME.out; sets WALL (s), CPU (user + sys s),
# RSS (MiB), LOAD (1-minute load average just before), OUT.
measure() {
  local name=$1; shift
  echo "+ $*" >> "$log"
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %M %U %S" -o "$data/$name.time" "$@" > "$data/$name.out" 2>> "$log"
  local kib user sys
  read -r WALL kib user sys < "$data/$name.time"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS=$(( (kib + 1023) / 1024 ))
  OUT=$(cat "$data/$name.out")
  echo "  $name: $WALL s wall, $CPU s CPU, $RSS MiB, load $LOAD: $OUT" >> "$log"
}
# ours: sets OW OC ORSS OLOAD from the last measure.
ours() { OW=$WALL OC=$CPU ORSS=$RSS OLOAD=$LOAD; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a > 0) printf "%.3g", a / b; else print "–" }'; }
# per UNIT COUNT CPU: ns of CPU (one core) per pair or point.
per() { awk -v n="$2" -v c="$3" -v u="$1" 'BEGIN { if (n > 0) printf "%.3g ns/%s", c * 1e9 / n, u; else print "–" }'; }
# row STEP SCALE COST NOTE [peer]: ours from OW OC ORSS OLOAD; with "peer", the peer from WALL CPU RSS LOAD.
row() {
  local pw=– pc=– prss=– pload=– rw=– rc=–
  if [ "${5:-}" = peer ]; then pw=$WALL pc=$CPU prss=$RSS pload=$LOAD rw="$(ratio "$WALL" "$OW")×" rc="$(ratio "$CPU" "$OC")×"; fi
  rows+=("| $1 | $2 | $OW | $OC | $ORSS | $pw | $pc | $prss | $rw | $rc | $OLOAD / $pload | $3 | $4 |")
  echo "$1 $2: ours $OW s ($OC CPU s, $ORSS MiB, load $OLOAD), peer $pw s ($pc CPU s, $prss MiB, load $pload), $3; $4" >&2
}
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
  for spec in "2sfca 5000" "e2sfca 10000" "gaussian 10000" "gravity 10000"; do
    set -- $spec; method=$1; d0=$2
    [ "$scale" = 1000000x100000 ] && [ "$method" != e2sfca ] && continue
    opts=(--method "$method" --threshold "$d0"); [ "$method" = gaussian ] && opts+=(--sigma $((d0 / 2)))
    [ "$method" = gravity ] && opts+=(--beta 1.5 --min-distance 100)
    tag="${scale}_${method}"
    measure "ours_$tag" "$bin/careatlas" access --demand "$dir/demand.csv" --supply "$dir/supply.csv" "${opts[@]}" \
      --out "$dir/ours_$method.csv" --quiet
    ours; pairs=$(sed -n 's/.*pairs=\([0-9]*\).*/\1/p' <<< "$OUT")
    cost=$(per pair "$pairs" "$OC")
    engine=pysal
    if [ "$scale" = 1000000x100000 ]; then
      row "$method $((d0 / 1000)) km" "$scale" "$cost" "$pairs pairs; no peer at this scale (issue 21: < 12 s, < 512 MiB)"
      continue
    fi
    if [ "$scale" = 200000x20000 ]; then
      if [ "$method" = 2sfca ] && [ "$pysal200k" = 1 ] && [ "$(available_gib)" -ge 26 ]; then engine=pysal; else engine=numpy; fi
    fi
    measure "peer_$tag" "$py" benchmarks/peers/access_peer.py --engine "$engine" --demand "$dir/demand.csv" \
      --supply "$dir/supply.csv" "${opts[@]}" --out "$dir/peer_$method.npy"
    peer=$OUT
    cmp=$("$py" benchmarks/peers/compare_scores.py "$dir/ours_$method.csv" "$dir/peer_$method.npy" --tolerance 1e-9)
    echo "  compare $tag: $cmp" >> "$log"
    note="$pairs pairs; vs $engine: max rel diff $(field max_relative_difference "$cmp"), pass $(field pass "$cmp")"
    if [ "$engine" = pysal ]; then
      note="$note; PySAL: k-d tree pairs $(field seconds_pairs "$peer") s + access $(field seconds_access "$peer") s"
    else
      note="$note; numpy streaming reference (PySAL does not fit or was not run at this scale)"
    fi
    row "$method $((d0 / 1000)) km" "$scale" "$cost" "$note" peer
  done
done

# Point-in-polygon aggregation and coverage union: 5,000 adjacent polygons, 1,000,000 points.
tess="$data/tessellation"
[ -f "$tess/points.csv" ] || "$bin/careatlas-bench" tessellation --columns 100 --rows 50 --points 1000000 --seed "$seed" --out "$tess" > /dev/null
measure ours_pip "$bin/careatlas-bench" pip --polygons "$tess/polygons.geojson" --points "$tess/points.csv" --out "$tess/ours_counts.csv"
ours; o=$OUT
measure peer_pip "$py" benchmarks/peers/sjoin_peer.py --polygons "$tess/polygons.geojson" --points "$tess/points.csv" --out "$tess/peer_counts.csv"
same=$(cmp -s "$tess/ours_counts.csv" "$tess/peer_counts.csv" && echo "identical counts" || echo "COUNTS DIFFER")
row "point in polygon" "1,000,000 pts × 5,000 polygons" "$(per point 1000000 "$OC")" \
  "$same; join alone: ours $(field seconds_join "$o") s, geopandas sjoin+groupby $(field seconds_join "$OUT") s (peer / ours $(ratio "$(field seconds_join "$OUT")" "$(field seconds_join "$o")")×)" peer
measure ours_union "$bin/careatlas-bench" union --polygons "$tess/polygons.geojson"
ours; o=$OUT
measure peer_union "$py" benchmarks/peers/union_peer.py --polygons "$tess/polygons.geojson"
row "coverage union" "5,000 polygons" "–" \
  "union alone: ours $(field seconds_union "$o") s, shapely coverage_union_all $(field seconds_union "$OUT") s; areas $(field area "$o") / $(field area "$OUT") m²" peer

# MCLP, r = 3 km, to proven optimality: the 2,000 x 300 input above at p = 10, 20, 40, and a
# 3,000 x 400 instance generated for this run (the same layout, seeded by SEED) at p = 25.
if [ "$mclp" = 1 ]; then
  mclp_dir="$data/3000x400"
  if [ ! -f "$mclp_dir/supply.csv" ]; then
    "$bin/careatlas-bench" generate --scale 3000x400 --seed "$seed" --out "$mclp_dir" > "$mclp_dir.pairs.json"
  fi
  echo "generated 3000x400: $(cat "$mclp_dir.pairs.json")" >> "$log"
  for spec in "2000x300 10" "2000x300 20" "2000x300 40" "3000x400 25"; do
    set -- $spec; scale=$1; p=$2; dir="$data/$scale"
    sed '1s/population/weight/' "$dir/demand.csv" > "$dir/mclp_demand.csv"
    cut -d, -f1-3 "$dir/supply.csv" > "$dir/mclp_candidates.csv"
    label="${scale%x*} × ${scale#*x}, r = 3 km"; label="${label/2000 /2,000 }"; label="${label/3000 /3,000 }"
    measure "ours_mclp_${scale}_$p" "$bin/careatlas" mclp --demand "$dir/mclp_demand.csv" --candidates "$dir/mclp_candidates.csv" \
      --radius 3000 --p "$p" --out "$dir/mclp_$p.csv" --quiet
    ours; o=$(tr '\n' ' ' <<< "$OUT")
    measure "peer_mclp_${scale}_$p" "$py" benchmarks/peers/mclp_spopt.py --demand "$dir/mclp_demand.csv" \
      --candidates "$dir/mclp_candidates.csv" --radius 3000 --p "$p" --json
    covered=$(sed -n 's/.*covered=\([0-9.e+]*\).*/\1/p' <<< "$o")
    same=$(awk -v a="$covered" -v b="$(field objective "$OUT")" 'BEGIN { print (a != "" && a == b) ? "equal objectives" : "OBJECTIVES DIFFER" }')
    row "MCLP p = $p" "$label" "–" \
      "$same; ours: $o; spopt+CBC objective $(field objective "$OUT"), build $(field seconds_build "$OUT") s, solve $(field seconds_solve "$OUT") s" peer
  done
fi

# The staged optimum and the 区中央部 study (need ../shared/geodata).
case=geodata/cases/kuchubu.yaml
if [ "$study" = 0 ]; then
  echo "run.sh: --skip-study: staged optimum and 区中央部 rows skipped" >&2
elif [ -d ../shared/geodata ]; then
  measure ours_staged "$bin/careatlas-bench" staged --study "$case" --time-limit 30
  ours; row "staged optimum" "区中央部 study levels" "–" "$OUT"
  out="$data/kuchubu"
  rm -rf "$out"
  if "$bin/careatlas" report --help > /dev/null 2>&1; then
    measure ours_report "$bin/careatlas" report "$case" --out "$out/report" --quiet
    ours; row "区中央部 load → report" "study" "–" "careatlas report (target < 1 s; benchmarks/report.sh)"
  fi
else
  echo "run.sh: ../shared/geodata is absent: staged optimum and 区中央部 rows skipped" >&2
fi

echo
echo "| step | scale | ours wall s | ours CPU s | ours peak RSS MiB | peer wall s | peer CPU s | peer peak RSS MiB | peer / ours (wall) | peer / ours (CPU) | load 1 min (ours / peer) | ours: CPU per pair or point | notes |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
