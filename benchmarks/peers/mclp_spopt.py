#!/usr/bin/env python3
"""The MCLP as an analyst would solve it with PySAL `spopt` and CBC: the peer of `careatlas mclp`.

    python mclp_spopt.py --demand D.csv --candidates C.csv --radius 3000 --p 40 [--json]

D.csv has the columns id,x,y,weight and C.csv id,x,y (projected metres), as `careatlas mclp` reads
them. The script reads both with pandas, builds the full demand x candidate distance matrix with
scipy's `cdist`, builds `spopt.locate.MCLP.from_cost_matrix(cost, weights, service_radius=r,
p_facilities=p)` and solves it with `pulp.PULP_CBC_CMD(msg=False)` (CBC as bundled with PuLP,
default options). Coverage is d <= r, as in spopt.

Timing (wall clock, `time.perf_counter`):
- seconds_build: reading the CSVs, the distance matrix and the spopt/PuLP model;
- seconds_solve: `model.solve(...)` alone (writing the MPS file, CBC, reading its solution back);
- seconds_total: both. Importing the Python packages is not counted here; measure the whole
  process with `/usr/bin/time -f "%e %M"` for that.
peak_rss_mib is the peak resident set size of this process and of its children (CBC runs as a
child process), from `resource.getrusage`, in MiB.

Prints one JSON object with --json, otherwise one line per figure. Exits with status 1 when CBC
does not report an optimal solution.

Needs Python 3.11 with spopt 0.7.x (spopt 0.8 needs Python >= 3.12), pulp, scipy, pandas.
"""

import argparse
import json
import resource
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demand", required=True, help="demand points: CSV with id,x,y,weight")
    parser.add_argument("--candidates", required=True, help="candidate sites: CSV with id,x,y")
    parser.add_argument("--radius", type=float, required=True, help="coverage radius in metres (d <= r)")
    parser.add_argument("--p", type=int, required=True, help="how many sites to choose")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    import numpy as np
    import pandas as pd
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    start = time.perf_counter()
    demand = pd.read_csv(args.demand, dtype={"id": str})
    candidates = pd.read_csv(args.candidates, dtype={"id": str})
    for name, table, columns in (("--demand", demand, ["id", "x", "y", "weight"]),
                                 ("--candidates", candidates, ["id", "x", "y"])):
        missing = [c for c in columns if c not in table.columns]
        if missing:
            sys.exit(f"{name}: missing column(s) {', '.join(missing)}; the header must name {','.join(columns)}")
    if not 1 <= args.p <= len(candidates):
        sys.exit(f"--p {args.p}: give 1 <= p <= {len(candidates)} (the number of candidate sites)")
    cost = cdist(demand[["x", "y"]].to_numpy(float), candidates[["x", "y"]].to_numpy(float))
    weights = demand["weight"].to_numpy(float)
    model = MCLP.from_cost_matrix(cost, weights, service_radius=args.radius, p_facilities=args.p, name="mclp")
    built = time.perf_counter()
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    solved = time.perf_counter()

    status = pulp.LpStatus[model.problem.status]
    chosen = [j for j, x in enumerate(model.fac_vars) if x.value() is not None and x.value() > 0.5]
    covered_mask = (cost[:, chosen] <= args.radius).any(axis=1) if chosen else np.zeros(len(demand), bool)
    covered = float(weights[covered_mask].sum())
    objective = float(pulp.value(model.problem.objective))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {
        "objective": objective,
        "covered": covered,
        "status": status,
        "sites": [str(candidates["id"].iloc[j]) for j in chosen],
        "seconds_build": round(built - start, 4),
        "seconds_solve": round(solved - built, 4),
        "seconds_total": round(solved - start, 4),
        "peak_rss_mib": round(max(own, children) / 1024, 1),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {' '.join(value) if isinstance(value, list) else value}")
    return 0 if status == "Optimal" else 1


if __name__ == "__main__":
    sys.exit(main())
