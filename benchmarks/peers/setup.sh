#!/usr/bin/env bash
# Creates benchmarks/peers/.venv (git-ignored) with the pinned peer libraries from PyPI.
# Usage: bash benchmarks/peers/setup.sh   (idempotent; set PYTHON to choose the interpreter)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
  "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet --upgrade pip
"$here/.venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
"$here/.venv/bin/python" - <<'PY'
import access, spopt, geopandas, shapely, scipy, pandas, numpy, pulp
print("peers ready: access", access.__version__ if hasattr(access, "__version__") else "?",
      "spopt", spopt.__version__, "geopandas", geopandas.__version__, "shapely", shapely.__version__,
      "scipy", scipy.__version__, "pandas", pandas.__version__, "numpy", numpy.__version__, "pulp", pulp.__version__)
PY
