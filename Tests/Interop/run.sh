#!/usr/bin/env bash
# The report's interactive map in a browser and its QGIS project in QGIS (issue 18):
#
#   bash Tests/Interop/run.sh [OUT_DIR]        # from anywhere; OUT_DIR defaults to a new temp folder
#
# 1. Writes the demo report (and the 区中央部 report when ../shared/geodata exists) with the CLI at
#    CAREATLAS_CLI (default .build/release/careatlas, then .build/debug/careatlas).
# 2. browser_map_test.py on each (headless Chromium over the DevTools protocol, network off):
#    pan, zoom, hover 松区 (the demo's anchor ward) / 文京区 and read the tooltip, no request logged.
#    Then the same test on a copy of the demo report with one external image added: it must fail
#    (the request log is not blind).
# 3. qgis_project_test.py on each (Debian's python3-qgis, QT_QPA_PLATFORM=offscreen).
# Screenshots and renders go to OUT_DIR. Last line: "interop: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d -t careatlas-interop-XXXXXX)}
mkdir -p "$out"
cli=${CAREATLAS_CLI:-}
if [ -z "$cli" ]; then
  for c in "$root/.build/release/careatlas" "$root/.build/debug/careatlas"; do [ -x "$c" ] && { cli=$c; break; }; done
fi
[ -n "$cli" ] && [ -x "$cli" ] || { echo "no careatlas CLI: build it (swift build -c release) or set CAREATLAS_CLI" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium is missing (bash .ci/setup installs it)" >&2; exit 1; }
/usr/bin/python3 -c "import qgis.core" 2>/dev/null || { echo "python3-qgis is missing (bash .ci/setup installs qgis and python3-qgis)" >&2; exit 1; }

passed=0; failed=0
run() {  # name, command…
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}

cases=("demo|$root/geodata/demo/study.yaml|松区")
shared=${CAREATLAS_SHARED_GEODATA:-$root/../shared/geodata}
if [ -d "$shared" ]; then
  cases+=("kuchubu|$root/geodata/cases/kuchubu.yaml|文京区")
else
  echo "skipping the 区中央部 case: $shared is absent (set CAREATLAS_SHARED_GEODATA)"
fi

for c in "${cases[@]}"; do
  IFS='|' read -r name study area <<<"$c"
  report="$out/$name/report"
  rm -rf "$report"
  run "report $name" "$cli" report "$study" --out "$report" --quiet
  run "browser map $name" python3 "$here/browser_map_test.py" "$report" "$area" "$out/$name"
  run "QGIS project $name" env QT_QPA_PLATFORM=offscreen /usr/bin/python3 "$here/qgis_project_test.py" "$report" "$out/$name"
done

# The request log must see a request: the demo page with one external image must fail the test.
leaky="$out/leaky"
rm -rf "$leaky"; cp -r "$out/demo/report" "$leaky"
sed -i 's|<main>|<main><img src="https://tile.openstreetmap.org/0/0/0.png" alt="">|' "$leaky/report.html"
echo "== browser map, a page with an external image (must fail)"
if python3 "$here/browser_map_test.py" "$leaky" 松区 >"$out/leaky.log" 2>&1; then
  failed=$((failed + 1)); echo "FAILED: the external image was not caught" >&2; cat "$out/leaky.log"
elif grep -q "FAIL: no request leaves the file" "$out/leaky.log" && grep -q "tile.openstreetmap.org" "$out/leaky.log"; then
  passed=$((passed + 1)); echo "ok: the external request was logged and failed the test"
else
  failed=$((failed + 1)); echo "FAILED: the leaky page failed for another reason" >&2; cat "$out/leaky.log"
fi

echo "images and logs: $out"
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
