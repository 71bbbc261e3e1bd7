#!/bin/sh
# Regenerates the PySAL `access` reference fixtures in this folder (demand.csv, supply.csv,
# reference_scores.csv, REFERENCE.md). The virtual environment lives under /tmp, never in the
# repository; its packages are the exact versions of requirements.txt, from PyPI.
#
#   sh Tests/CarePointsTests/Fixtures/access/make_reference.sh
#
# Then review `git diff` and run `swift test --filter Access`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${CAREATLAS_ACCESS_VENV:-/tmp/careatlas-access-reference-venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" "$here/make_reference.py" "$here"
