"""Floating-catchment scores with the peers CareAtlas is measured against.

  --engine pysal   PySAL `access` (Access.two_stage_fca / enhanced_two_stage_fca) on a cost table
                   of the pairs within the threshold built with scipy's cKDTree
                   (sparse_distance_matrix), as a PySAL user would; the pair table and `access`
                   are timed separately and together.
  --engine numpy   a streaming, chunked numpy reference of the same two-step formula: supply
                   points in chunks; for each chunk the k-d tree gives its pairs, the chunk's
                   R_j = S_j / sum_i P_i f(c_ij) is complete, and A_i += R_j f(c_ij) is added with
                   bincount; memory O(N + M + chunk pairs). For scales where PySAL does not fit.

Writes the scores (demand input order) to --out as .npy and prints one line of JSON:
pairs, seconds_pairs, seconds_access, seconds_total. Memory is measured outside (peak RSS of the
process, /usr/bin/time). Usage:
  python access_peer.py --engine pysal --demand D.csv --supply S.csv --method 2sfca --threshold 5000 --out P.npy
"""

import argparse
import json
import time

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree


def read(path):
    # round_trip: the same doubles as a correctly rounded parser (CareAtlas's) reads.
    return pd.read_csv(path, float_precision="round_trip")


def bands_of(args):
    if args.weights:
        pairs = [part.split(":") for part in args.weights.split(",")]
        return {float(a): float(b) for a, b in pairs}
    d0 = args.threshold
    return {d0 / 3: 1.0, 2 * d0 / 3: 0.68, d0: 0.22}  # CareAtlas's e2sfca default (Luo & Qi 2009)


def decay(args):
    """f(c) as a vectorised numpy function (the same arithmetic as access.weights)."""
    if args.method == "2sfca":
        return lambda c: np.ones_like(c)
    if args.method == "gaussian":
        s = args.sigma
        return lambda c: np.exp(-c * c / (2 * s**2))
    if args.method == "gravity":
        # access.weights.gravity(scale=1, alpha=-beta, min_dist): (max(c, min_dist) / 1) ** alpha
        return lambda c: np.power(np.maximum(c, args.min_distance), -args.beta)
    bands = sorted(bands_of(args).items())

    def step(c):
        w = np.zeros_like(c)
        for limit, weight in reversed(bands):
            w[c <= limit] = weight
        return w
    return step


def run_pysal(args, demand, supply):
    from access import Access, weights

    t0 = time.perf_counter()
    dtree = cKDTree(demand[["x", "y"]].to_numpy())
    stree = cKDTree(supply[["x", "y"]].to_numpy())
    coo = dtree.sparse_distance_matrix(stree, args.threshold, output_type="coo_matrix")
    cost = pd.DataFrame({"origin": coo.row.astype(np.int64), "dest": coo.col.astype(np.int64), "cost": coo.data})
    del coo
    t1 = time.perf_counter()
    dem = pd.DataFrame({"origin": np.arange(len(demand)), "population": demand["population"].to_numpy()})
    sup = pd.DataFrame({"dest": np.arange(len(supply)), "capacity": supply["capacity"].to_numpy()})
    acc = Access(demand_df=dem, demand_index="origin", demand_value="population",
                 supply_df=sup, supply_index="dest", supply_value="capacity",
                 cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
    if args.method == "2sfca":
        acc.two_stage_fca(name="fca", max_cost=args.threshold)
    elif args.method == "e2sfca":
        acc.enhanced_two_stage_fca(name="fca", max_cost=args.threshold, weight_fn=weights.step_fn(bands_of(args)))
    elif args.method == "gravity":
        acc.two_stage_fca(name="fca", max_cost=args.threshold,
                          weight_fn=weights.gravity(1, -args.beta, min_dist=args.min_distance))
    else:
        acc.two_stage_fca(name="fca", max_cost=args.threshold, weight_fn=weights.gaussian(args.sigma))
    scores = acc.access_df["fca_capacity"].reindex(np.arange(len(demand))).to_numpy()
    t2 = time.perf_counter()
    return scores, len(cost), t1 - t0, t2 - t1


def run_numpy(args, demand, supply):
    t0 = time.perf_counter()
    f = decay(args)
    dxy = demand[["x", "y"]].to_numpy()
    sxy = supply[["x", "y"]].to_numpy()
    population = demand["population"].to_numpy(dtype=float)
    capacity = supply["capacity"].to_numpy(dtype=float)
    dtree = cKDTree(dxy)
    scores = np.zeros(len(demand))
    reached = np.zeros(len(demand), dtype=bool)
    pairs = 0
    for start in range(0, len(supply), args.chunk):
        stop = min(len(supply), start + args.chunk)
        coo = cKDTree(sxy[start:stop]).sparse_distance_matrix(dtree, args.threshold, output_type="coo_matrix")
        # Rows are the chunk's supply points (local index), columns the demand points.
        j, i, c = coo.row, coo.col, coo.data
        del coo
        w = f(c)
        pairs += len(c)
        weighted = np.bincount(j, weights=population[i] * w, minlength=stop - start)
        counted = np.bincount(j, minlength=stop - start)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(counted > 0, capacity[start:stop] / weighted, np.nan)
        terms = ratio[j] * w
        terms[np.isnan(terms)] = 0
        scores += np.bincount(i, weights=terms, minlength=len(demand))
        reached[i] = True
    scores[~reached] = np.nan
    t1 = time.perf_counter()
    return scores, pairs, 0.0, t1 - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", choices=["pysal", "numpy"], required=True)
    p.add_argument("--demand", required=True)
    p.add_argument("--supply", required=True)
    p.add_argument("--method", choices=["2sfca", "e2sfca", "gaussian", "gravity"], required=True)
    p.add_argument("--threshold", type=float, required=True)
    p.add_argument("--sigma", type=float)
    p.add_argument("--weights")
    p.add_argument("--beta", type=float, help="gravity: f(c) = max(c, --min-distance)^(-beta)")
    p.add_argument("--min-distance", type=float, default=0.0)
    p.add_argument("--chunk", type=int, default=256, help="supply points per chunk (numpy engine)")
    p.add_argument("--out", required=True, help="scores, .npy, demand input order")
    args = p.parse_args()
    start = time.perf_counter()
    demand, supply = read(args.demand), read(args.supply)
    read_seconds = time.perf_counter() - start
    run = run_pysal if args.engine == "pysal" else run_numpy
    scores, pairs, seconds_pairs, seconds_access = run(args, demand, supply)
    np.save(args.out, scores)
    print(json.dumps({"engine": args.engine, "pairs": int(pairs), "seconds_read": round(read_seconds, 3),
                      "seconds_pairs": round(seconds_pairs, 3), "seconds_access": round(seconds_access, 3),
                      "seconds_total": round(seconds_pairs + seconds_access, 3)}))


if __name__ == "__main__":
    main()
