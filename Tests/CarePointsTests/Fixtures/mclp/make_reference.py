"""Reference solutions of PySAL `spopt`'s MCLP (solved by CBC through PuLP) for CareAtlas's MCLP tests.

Generates a seeded instance (2,000 weighted demand points, clustered, and 300 candidate sites,
projected metres), writes it as demand.csv (id,x,y,weight) and candidates.csv (id,x,y), reads it
back, builds the demand x candidate distance matrix with scipy's `cdist` as a spopt user does,
solves `spopt.locate.MCLP.from_cost_matrix(..., service_radius=3000, p_facilities=p)` with PuLP's
bundled CBC for p = 10, 20, 40, and writes reference.csv (p, objective, chosen ids, status,
seconds) and REFERENCE.md (package versions, machine, command, times).

Run it through make_reference.sh, which makes the virtual environment under /tmp with the exact
versions of requirements.txt. Usage: python make_reference.py OUTPUT_FOLDER
"""

import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pulp
from scipy.spatial.distance import cdist
from spopt.locate import MCLP

SEED = 20250307
RADIUS = 3000.0  # service radius r, metres (coverage is d <= r, as spopt's `cost_matrix <= service_radius`)
PS = (10, 20, 40)
N_DEMAND, N_CANDIDATES = 2000, 300
# A 40 km x 30 km region; demand clusters have a standard deviation of 3.5 km, candidate clusters 4.4 km.
# (Denser instances make CBC take many minutes for p = 20 or 40; this one keeps regeneration short.)
REGION = ((10000.0, 50000.0), (-40000.0, -10000.0))
SPREAD = 3500.0


def make_instance(rng):
    """Clustered demand and candidates over REGION, plus special cases placed far away."""
    (x0, x1), (y0, y1) = REGION
    margin = 0.1 * (x1 - x0)
    centres = np.column_stack([rng.uniform(x0 + margin, x1 - margin, 8), rng.uniform(y0 + margin, y1 - margin, 8)])

    def positions(n, cluster_share, spread):
        clustered = int(n * cluster_share)
        which = rng.integers(0, len(centres), clustered)
        xy_clustered = centres[which] + rng.normal(0.0, spread, (clustered, 2))
        xy_uniform = np.column_stack([rng.uniform(x0, x1, n - clustered), rng.uniform(y0, y1, n - clustered)])
        xy = np.vstack([xy_clustered, xy_uniform])
        return np.round(xy[rng.permutation(n)], 2)

    special_demand = [
        # Remote villages: no candidate within 3 km, never covered.
        *[(f"remote{k}", 200000.0 + 700 * k, 200000.0, 300 + k) for k in range(4)],
        # Exactly on the radius of c_edge (dx = 1800, dy = 2400: the distance is exactly 3000,
        # covered because coverage is inclusive).
        ("at_radius", 301800.5, 2400.0, 500),
        # Just beyond the radius of c_edge (3000.54 m): not covered by it, and by nothing else.
        ("beyond_radius", 298199.6, -2400.0, 400),
    ]
    special_candidates = [
        ("c_edge", 300000.5, 0.0),
        ("c_nowhere", -200000.0, -200000.0),  # covers no demand point
    ]
    n_demand = N_DEMAND - len(special_demand) - 20
    n_candidates = N_CANDIDATES - len(special_candidates)
    demand_xy = positions(n_demand, 0.65, SPREAD)
    candidate_xy = positions(n_candidates, 0.5, 1.25 * SPREAD)
    weights = rng.integers(1, 1001, n_demand)
    weights[rng.choice(n_demand, 30, replace=False)] = 0  # empty blocks
    demand = pd.DataFrame({"id": [f"d{i:04d}" for i in range(n_demand)], "x": demand_xy[:, 0], "y": demand_xy[:, 1],
                           "weight": weights})
    # Twenty more points at the positions of others (same coverage sets: merged by preprocessing).
    twins = demand.iloc[rng.choice(n_demand, 20, replace=False)].copy()
    twins["id"] = [f"t{k:02d}" for k in range(20)]
    twins["weight"] = rng.integers(1, 1001, 20)
    candidates = pd.DataFrame({"id": [f"c{j:03d}" for j in range(n_candidates)], "x": candidate_xy[:, 0],
                               "y": candidate_xy[:, 1]})
    demand = pd.concat([demand, twins, pd.DataFrame(special_demand, columns=demand.columns)], ignore_index=True)
    candidates = pd.concat([candidates, pd.DataFrame(special_candidates, columns=candidates.columns)], ignore_index=True)
    # Shuffle so that the special rows are not last.
    demand = demand.iloc[rng.permutation(len(demand))].reset_index(drop=True)
    candidates = candidates.iloc[rng.permutation(len(candidates))].reset_index(drop=True)
    return demand, candidates


def write_csv(frame, columns, path):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(columns) + "\n")
        for row in frame.itertuples(index=False):
            values = [row.id, f"{row.x:.2f}", f"{row.y:.2f}"] + ([f"{int(row.weight)}"] if "weight" in columns else [])
            f.write(",".join(values) + "\n")


def read_csv(path):
    # round_trip: the same doubles as a correctly rounded parser (CareAtlas's) reads.
    return pd.read_csv(path, dtype={"id": str})


def main(folder):
    folder = Path(folder)
    rng = np.random.default_rng(SEED)
    demand, candidates = make_instance(rng)
    write_csv(demand, ["id", "x", "y", "weight"], folder / "demand.csv")
    write_csv(candidates, ["id", "x", "y"], folder / "candidates.csv")
    demand, candidates = read_csv(folder / "demand.csv"), read_csv(folder / "candidates.csv")

    cost = cdist(demand[["x", "y"]].to_numpy(), candidates[["x", "y"]].to_numpy())
    # Coverage must not hinge on the last bit of a distance: apart from the designed case at
    # exactly 3000 m, no pair lies within 1e-6 m of the radius.
    near = np.abs(cost - RADIUS) < 1e-6
    assert near.sum() == 1 and cost[near][0] == RADIUS, "a pair lies on the radius by chance: change SEED"
    pairs = int((cost <= RADIUS).sum())
    weights = demand["weight"].to_numpy()

    rows = []
    for p in PS:
        model = MCLP.from_cost_matrix(cost, weights, service_radius=RADIUS, p_facilities=p, name=f"mclp_p{p}")
        start = time.perf_counter()
        model = model.solve(pulp.PULP_CBC_CMD(msg=False))
        seconds = time.perf_counter() - start
        status = pulp.LpStatus[model.problem.status]
        objective = model.problem.objective.value()
        assert abs(objective - round(objective)) < 1e-6, objective
        chosen = [candidates.id[j] for j in range(len(candidates)) if model.fac_vars[j].value() > 0.5]
        assert len(chosen) == p
        # The objective is the weight within the radius of a chosen site, recomputed here.
        chosen_index = [j for j in range(len(candidates)) if model.fac_vars[j].value() > 0.5]
        covered = int(weights[(cost[:, chosen_index] <= RADIUS).any(axis=1)].sum())
        assert covered == round(objective), (covered, objective)
        rows.append((p, covered, " ".join(chosen), status, seconds))
        print(f"p={p}: covered {covered} ({status}) in {seconds:.1f} s", flush=True)

    with open(folder / "reference.csv", "w", encoding="utf-8", newline="\n") as f:
        f.write("p,covered,chosen,status,seconds\n")
        for p, covered, chosen, status, seconds in rows:
            f.write(f"{p},{covered},{chosen},{status},{seconds:.2f}\n")

    packages = ["spopt", "pulp", "numpy", "pandas", "scipy", "geopandas", "shapely"]
    total = int(weights.sum())
    lines = [
        "# PySAL `spopt` MCLP reference solutions",
        "",
        "Generated by `make_reference.py`; do not edit by hand. To regenerate, from the repository root:",
        "",
        "    sh Tests/CarePointsTests/Fixtures/mclp/make_reference.sh",
        "",
        "which makes a virtual environment under /tmp (`python3 -m venv`), installs the exact versions of",
        "`requirements.txt` from PyPI, and rewrites `demand.csv`, `candidates.csv`, `reference.csv` and this",
        "file. Then review `git diff` and run `swift test --filter MCLP`.",
        "",
        f"- Python {sys.version.split()[0]}; " + ", ".join(f"{p} {version(p)}" for p in packages)
        + f"; CBC as bundled with PuLP (`PULP_CBC_CMD(msg=False)`, default options)",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"- seed {SEED}: {len(demand)} demand points (`demand.csv`, id,x,y,weight with integer weights,",
        f"  total {total}), {len(candidates)} candidate sites (`candidates.csv`, id,x,y), projected metres;",
        f"  r = {RADIUS:g} m; {pairs} demand-candidate pairs with d <= r (scipy `cdist`, the full",
        "  2000 x 300 matrix that `MCLP.from_cost_matrix` takes).",
        "- the model: `MCLP.from_cost_matrix(cost, weights, service_radius=3000, p_facilities=p)`, then",
        "  `.solve(pulp.PULP_CBC_CMD(msg=False))`; `seconds` is the wall time of `solve` alone (building the",
        "  PuLP model is not counted).",
        "",
        "`reference.csv`: `covered` is CBC's objective (an integer, since the weights are), checked against",
        "the weight within r of the chosen sites; `chosen` lists the chosen ids in candidate-file order (one",
        "optimal choice among possibly several: compare objectives, not choices).",
        "",
        "| p | covered | status | CBC seconds |",
        "|---|---|---|---|",
    ]
    for p, covered, _, status, seconds in rows:
        lines.append(f"| {p} | {covered} | {status} | {seconds:.1f} |")
    lines += [
        "",
        "Special rows: `remote0`…`remote3` have no candidate within r; `at_radius` lies exactly 3000 m from",
        "`c_edge` (dx = 1800, dy = 2400: covered, coverage is inclusive) and `beyond_radius` 3000.54 m from",
        "it (covered by nothing); `c_nowhere` covers no demand point; `t00`…`t19` sit on the positions of",
        "twenty other demand points (identical coverage sets); thirty demand points have weight 0.",
        "",
    ]
    (folder / "REFERENCE.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {len(demand)} demand points, {len(candidates)} candidates, {pairs} pairs to {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
