#!/usr/bin/env python3
"""The LP relaxation of an MCLP, solved exactly: the bound that `careatlas mclp`'s Lagrangian bound
approaches and that branch-and-bound has to close (a diagnostic for benchmarks/RESULTS.md).

    python mclp_lp_bound.py --demand D.csv --candidates C.csv --radius 3000 --p 40

D.csv has id,x,y,weight and C.csv id,x,y (projected metres), as `careatlas mclp` and
mclp_spopt.py read them; coverage is d <= r (scipy `cdist`, as spopt). The LP

    maximise Σ_i w_i y_i  s.t.  y_i <= Σ_{j: d_ij <= r} x_j,  Σ_j x_j = p,  0 <= x, y <= 1

is solved by HiGHS (`scipy.optimize.linprog(method="highs")`). Prints one JSON object: lp_bound,
the number of x_j strictly between 0 and 1 (1e-6) and at 1, and the solve time.
"""

import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demand", required=True)
    parser.add_argument("--candidates", required=True)
    parser.add_argument("--radius", type=float, required=True)
    parser.add_argument("--p", type=int, required=True)
    args = parser.parse_args()

    import numpy as np
    import pandas as pd
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack, identity
    from scipy.spatial.distance import cdist

    demand = pd.read_csv(args.demand, dtype={"id": str})
    candidates = pd.read_csv(args.candidates, dtype={"id": str})
    if not 1 <= args.p <= len(candidates):
        sys.exit(f"--p {args.p}: give 1 <= p <= {len(candidates)} (the number of candidate sites)")
    cover = csr_matrix(cdist(demand[["x", "y"]].to_numpy(float), candidates[["x", "y"]].to_numpy(float)) <= args.radius,
                       dtype=float)
    weights = demand["weight"].to_numpy(float)
    m, n = cover.shape
    start = time.perf_counter()
    result = linprog(np.concatenate([np.zeros(n), -weights]),
                     A_ub=hstack([-cover, identity(m)]).tocsr(), b_ub=np.zeros(m),
                     A_eq=csr_matrix(np.concatenate([np.ones(n), np.zeros(m)])[None, :]), b_eq=[args.p],
                     bounds=(0, 1), method="highs")
    seconds = time.perf_counter() - start
    if result.status != 0:
        sys.exit(f"HiGHS did not solve the LP: {result.message}")
    x = result.x[:n]
    print(json.dumps({"lp_bound": round(-result.fun, 6), "fractional_sites": int(((x > 1e-6) & (x < 1 - 1e-6)).sum()),
                      "sites_at_one": int((x > 1 - 1e-6).sum()), "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
