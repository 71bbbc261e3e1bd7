#!/usr/bin/env bash
# Screenshots a CareAtlas report in Debian's headless Chromium (installed by .ci/setup).
#   bash reports/screenshot.sh [REPORT.html] [OUT.png] [WIDTHxHEIGHT]
# Defaults: reports/demo/report.html → reports/demo/screenshot.png, 1280x4000 (the first maps and tables).
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-reports/demo/report.html}"
png="${2:-reports/demo/screenshot.png}"
size="${3:-1280x4000}"
[ -f "$html" ] || { echo "screenshot: $html does not exist; make it with: swift run -c release careatlas report geodata/demo/study.yaml --out reports/demo" >&2; exit 1; }
chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium_bin" ] || { echo "screenshot: chromium is not installed; run: bash .ci/setup" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$chromium_bin" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$(realpath -m "$png")" "file://$(realpath "$html")" 2>/dev/null
echo "$png"
