#!/usr/bin/env bash
# Executes every notebook in this folder headless and fails on any error.
#
#   bash notebooks/run.sh            # from the repository root (or anywhere)
#
# 1. Checks that the committed notebooks carry no outputs (they are stored stripped).
# 2. Creates the virtual environment notebooks/.venv (git-ignored) from requirements.txt (PyPI,
#    exact versions) and registers its Jupyter kernel "careatlas" inside the venv.
# 3. Runs each notebook with nbclient (per-cell timeout CAREATLAS_NOTEBOOK_TIMEOUT, default 600 s)
#    and writes the executed copies to CAREATLAS_NOTEBOOK_OUT (default: a new temporary folder),
#    never into the repository.
#
# The notebooks use the CLI at CAREATLAS_CLI, else .build/release/careatlas (built with
# `swift build -c release` when missing). Last line: "notebooks: N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
shopt -s nullglob
notebooks=("$here"/*.ipynb)
[ ${#notebooks[@]} -gt 0 ] || { echo "no notebooks in $here" >&2; exit 1; }

echo "== notebooks: committed copies carry no outputs"
python3 - "${notebooks[@]}" <<'PY'
import json, sys
bad = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            bad.append(f"{path}: cell {i} has outputs or an execution count")
if bad:
    print("\n".join(bad), file=sys.stderr)
    print("strip the outputs before committing (e.g. jupyter nbconvert --clear-output --inplace FILE)", file=sys.stderr)
    sys.exit(1)
print(f"{len(sys.argv) - 1} notebooks are stripped")
PY

venv=${CAREATLAS_NOTEBOOK_VENV:-$here/.venv}
echo "== notebooks: virtual environment $venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -m ipykernel install --sys-prefix --name careatlas --display-name "CareAtlas (notebooks/.venv)" >/dev/null

out=${CAREATLAS_NOTEBOOK_OUT:-$(mktemp -d -t careatlas-notebooks-XXXXXX)}
mkdir -p "$out"
echo "== notebooks: executing into $out"
"$venv/bin/python" - "$out" "${CAREATLAS_NOTEBOOK_TIMEOUT:-600}" "${notebooks[@]}" <<'PY'
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

out, timeout, paths = Path(sys.argv[1]), int(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
passed, failed = 0, 0
for path in paths:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="careatlas", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        passed += 1
        status = "ok"
    except CellExecutionError as error:
        failed += 1
        status = "FAILED"
        print(str(error)[-3000:], file=sys.stderr)
    nbformat.write(nb, out / path.name)
    print(f"{path.name}: {status} in {time.perf_counter() - start:.1f} s", flush=True)
print(f"notebooks: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
