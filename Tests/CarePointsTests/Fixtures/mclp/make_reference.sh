#!/bin/sh
# Regenerates the PySAL `spopt` MCLP reference fixtures in this folder (demand.csv, candidates.csv,
# reference.csv, REFERENCE.md). The virtual environment lives under /tmp, never in the repository;
# its packages are the exact versions of requirements.txt, from PyPI (spopt 0.7.0 is the last
# release for Python 3.11; PuLP brings its own CBC binary).
#
#   sh Tests/CarePointsTests/Fixtures/mclp/make_reference.sh
#
# Takes about two minutes (CBC's solve times are written to REFERENCE.md). Then review `git diff`
# and run `swift test --filter MCLP`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${CAREATLAS_MCLP_VENV:-/tmp/careatlas-mclp-reference-venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -W ignore "$here/make_reference.py" "$here"
