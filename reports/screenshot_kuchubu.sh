#!/usr/bin/env bash
# Screenshots of the 区中央部 report (geodata/cases/kuchubu.yaml, reading ../shared/geodata) in Debian's
# headless Chromium at 1280 px, committed under reports/kuchubu/ (the report itself is not committed:
# it is made from the shared data):
#   reports/kuchubu/screenshot_decision.png   the top of the report: the decision page
#   reports/kuchubu/screenshot_maps.png       the report from its maps section on: the patient map and the stages map
#   bash reports/screenshot_kuchubu.sh [CAREATLAS]     (default: .build/release/careatlas, else .build/debug/careatlas)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-}"
[ -n "$bin" ] || for b in .build/release/careatlas .build/debug/careatlas; do [ -x "$b" ] && { bin="$b"; break; }; done
[ -x "${bin:-}" ] || { echo "screenshot_kuchubu: build careatlas first: swift build -c release --product careatlas" >&2; exit 1; }
[ -d ../shared/geodata ] || { echo "screenshot_kuchubu: ../shared/geodata is absent: the 区中央部 case reads it" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" report geodata/cases/kuchubu.yaml --out "$work/report" >/dev/null
# The maps section on its own page (the same HTML from the heading "3. 地図 Maps" on).
python3 - "$work/report/report.html" "$work/maps.html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
head, start = s[: s.index("<main>") + len("<main>")], re.search(r"<h2[^>]*>3\. ", s).start()
open(sys.argv[2], "w", encoding="utf-8").write(head + "\n" + s[start:])
PY
mkdir -p reports/kuchubu
bash reports/screenshot.sh "$work/report/report.html" reports/kuchubu/screenshot_decision.png 1280x2400
bash reports/screenshot.sh "$work/maps.html" reports/kuchubu/screenshot_maps.png 1280x2000
