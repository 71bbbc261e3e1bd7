"""Reference scores of PySAL `access` for CareAtlas's floating-catchment tests.

Generates a seeded instance (2,000 demand points, 300 supply points, projected metres), writes it
as demand.csv and supply.csv, finds the demand-supply pairs within the threshold with scipy's
cKDTree as a user of PySAL would, runs PySAL access's 2SFCA, E2SFCA, Gaussian, gravity and 3SFCA
on that cost table, and writes reference_scores.csv (17 significant digits, `nan`, `inf`) and
REFERENCE.md (package versions, the command, what each column is).

Run it through make_reference.sh, which makes the virtual environment under /tmp with the exact
versions of requirements.txt. Usage: python make_reference.py OUTPUT_FOLDER
"""

import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from access import Access, weights

SEED = 20240611
THRESHOLD = 6000.0  # d0, metres
SIGMA = 3000.0  # Gaussian width, metres
GRAVITY_BETA = 1.5  # f(c) = max(c, 100)^-1.5 ...
GRAVITY_MIN = 100.0
GRAVITY_SCALE = 1000.0  # ... divided by a scale, which cancels in every ratio (CareAtlas omits it)
E2SFCA_STEPS = {2000.0: 1.0, 4000.0: 0.68, 6000.0: 0.22}  # = CareAtlas's default bands for d0 = 6000
THREE_STEPS = {1000.0: 0.962, 2000.0: 0.704, 3000.0: 0.377, 6000.0: 0.042}  # PySAL's 3SFCA default, scaled to d0

# Each column of reference_scores.csv: (PySAL call, CareAtlas equivalent).
METHODS = {
    "2sfca": ("two_stage_fca(max_cost=6000)", "--method 2sfca --threshold 6000"),
    "e2sfca": ("enhanced_two_stage_fca(max_cost=6000, weight_fn=step_fn({2000: 1, 4000: 0.68, 6000: 0.22}))",
               "--method e2sfca --weights 2000:1,4000:0.68,6000:0.22"),
    "gaussian": ("two_stage_fca(max_cost=6000, weight_fn=gaussian(3000))", "--method gaussian --threshold 6000 --sigma 3000"),
    "gravity": ("two_stage_fca(max_cost=6000, weight_fn=gravity(scale=1000, alpha=-1.5, min_dist=100))",
                "--method gravity --threshold 6000 --beta 1.5 --min-distance 100"),
    "3sfca": ("three_stage_fca(max_cost=6000, weight_fn=step_fn({1000: 0.962, 2000: 0.704, 3000: 0.377, 6000: 0.042}))",
              "--method 3sfca --threshold 6000"),
    "3sfca_gaussian": ("three_stage_fca(max_cost=6000, weight_fn=gaussian(3000))", "--method 3sfca --threshold 6000 --sigma 3000"),
    "2sfca_normalized": ("two_stage_fca(max_cost=6000, normalize=True) (the returned, normalised frame)",
                         "--method 2sfca --threshold 6000 --normalize"),
}


def make_instance(rng):
    """Clustered demand and supply over a 60 km x 40 km region, plus special cases placed far away."""
    def positions(n, cluster_share, centres):
        clustered = int(n * cluster_share)
        which = rng.integers(0, len(centres), clustered)
        xy_clustered = centres[which] + rng.normal(0.0, 3000.0, (clustered, 2))
        xy_uniform = np.column_stack([rng.uniform(10000, 70000, n - clustered), rng.uniform(-50000, -10000, n - clustered)])
        xy = np.vstack([xy_clustered, xy_uniform])
        return np.round(xy[rng.permutation(n)], 2)

    centres = np.column_stack([rng.uniform(15000, 65000, 8), rng.uniform(-45000, -15000, 8)])
    n_demand, n_supply = 1992, 295
    demand_xy = positions(n_demand, 0.6, centres)
    supply_xy = positions(n_supply, 0.5, centres)
    population = rng.integers(1, 3000, n_demand).astype(float)
    population[rng.choice(n_demand, 40, replace=False)] = 0  # empty blocks
    capacity = np.round(rng.uniform(0.5, 30.0, n_supply), 1)
    capacity[rng.choice(n_supply, 5, replace=False)] = 0  # a clinic without doctors this year
    # Ten demand points exactly on a supply point (cost 0).
    on_supply = rng.choice(n_demand, 10, replace=False)
    demand_xy[on_supply] = supply_xy[rng.choice(n_supply, 10, replace=False)]

    demand = pd.DataFrame({"id": [f"d{i:04d}" for i in range(n_demand)], "x": demand_xy[:, 0], "y": demand_xy[:, 1],
                           "population": population})
    supply = pd.DataFrame({"id": [f"s{j:03d}" for j in range(n_supply)], "x": supply_xy[:, 0], "y": supply_xy[:, 1],
                           "capacity": capacity})

    special_demand = [
        # A remote village: no supply within 6 km, so NaN.
        *[(f"remote{k}", 200000.0 + 300 * k, 200000.0, 120.0) for k in range(4)],
        # An empty block alone with a clinic: the clinic's catchment has no demand, R = 5/0 = inf,
        # and the block scores inf.
        ("lonely_zero", -100000.0, 0.0, 0.0),
        # An empty block alone with a clinic without doctors: R = 0/0 = NaN, left out of the sum: 0.
        ("zero_zero", -100000.0, 50000.0, 0.0),
        # Exactly on a band limit and on the threshold (costs 2000 and 6000 exactly).
        ("at_band_limit", 300000.5, 10000.0, 500.0),
        ("at_threshold", 300000.5, 0.0, 700.0),
    ]
    special_supply = [
        ("s_lonely", -99500.0, 0.0, 5.0),
        ("s_zero", -100000.0, 50300.0, 0.0),
        ("s_band", 302000.5, 10000.0, 3.0),
        ("s_threshold", 306000.5, 0.0, 4.0),
        ("s_nobody", -200000.0, -200000.0, 7.0),  # no demand within reach
    ]
    demand = pd.concat([demand, pd.DataFrame(special_demand, columns=demand.columns)], ignore_index=True)
    supply = pd.concat([supply, pd.DataFrame(special_supply, columns=supply.columns)], ignore_index=True)
    # Shuffle so that the special rows are not last.
    demand = demand.iloc[rng.permutation(len(demand))].reset_index(drop=True)
    supply = supply.iloc[rng.permutation(len(supply))].reset_index(drop=True)
    return demand, supply


def write_points(frame, value, path):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"id,x,y,{value}\n")
        for row in frame.itertuples(index=False):
            f.write(f"{row.id},{row.x:.2f},{row.y:.2f},{getattr(row, value):g}\n")


def read_points(path):
    # round_trip: the same doubles as a correctly rounded parser (CareAtlas's) reads.
    return pd.read_csv(path, dtype={"id": str}, float_precision="round_trip")


def cost_table(demand, supply):
    """Pairs within THRESHOLD, as a PySAL user builds them: a k-d tree query, then the distance."""
    tree = cKDTree(supply[["x", "y"]].to_numpy())
    dxy, sxy = demand[["x", "y"]].to_numpy(), supply[["x", "y"]].to_numpy()
    found = tree.query_ball_point(dxy, r=THRESHOLD * (1 + 1e-9))
    rows = []
    for i, neighbours in enumerate(found):
        for j in sorted(neighbours):
            dx, dy = dxy[i, 0] - sxy[j, 0], dxy[i, 1] - sxy[j, 1]
            cost = float(np.sqrt(dx * dx + dy * dy))
            if cost <= THRESHOLD:
                rows.append((demand.id[i], supply.id[j], cost))
    return pd.DataFrame(rows, columns=["origin", "dest", "cost"])


def main(folder):
    folder = Path(folder)
    rng = np.random.default_rng(SEED)
    demand, supply = make_instance(rng)
    write_points(demand, "population", folder / "demand.csv")
    write_points(supply, "capacity", folder / "supply.csv")
    demand, supply = read_points(folder / "demand.csv"), read_points(folder / "supply.csv")
    costs = cost_table(demand, supply)

    model = Access(demand_df=demand, demand_index="id", demand_value="population", supply_df=supply,
                   supply_index="id", supply_value="capacity", cost_df=costs, cost_origin="origin",
                   cost_dest="dest", cost_name="cost")
    model.two_stage_fca(name="2sfca", max_cost=THRESHOLD)
    model.enhanced_two_stage_fca(name="e2sfca", max_cost=THRESHOLD, weight_fn=weights.step_fn(E2SFCA_STEPS))
    model.two_stage_fca(name="gaussian", max_cost=THRESHOLD, weight_fn=weights.gaussian(SIGMA))
    model.two_stage_fca(name="gravity", max_cost=THRESHOLD,
                        weight_fn=weights.gravity(scale=GRAVITY_SCALE, alpha=-GRAVITY_BETA, min_dist=GRAVITY_MIN))
    model.three_stage_fca(name="3sfca", max_cost=THRESHOLD, weight_fn=weights.step_fn(THREE_STEPS))
    model.three_stage_fca(name="3sfca_gaussian", max_cost=THRESHOLD, weight_fn=weights.gaussian(SIGMA))
    normalized = model.two_stage_fca(name="2sfca_normalized", max_cost=THRESHOLD, normalize=True)

    # access_df is sorted by id; back to input order.
    scores = pd.DataFrame(index=demand.id)
    for name in METHODS:
        source = normalized if name == "2sfca_normalized" else model.access_df
        scores[name] = source[f"{name}_capacity"].reindex(demand.id).to_numpy()

    with open(folder / "reference_scores.csv", "w", encoding="utf-8", newline="\n") as f:
        f.write("id," + ",".join(METHODS) + "\n")
        for demand_id, row in scores.iterrows():
            f.write(demand_id + "," + ",".join(format(float(v), ".17g") for v in row) + "\n")

    packages = ["access", "pandas", "numpy", "scipy", "geopandas"]
    undefined = {name: int(scores[name].isna().sum()) for name in METHODS}
    infinite = {name: int(np.isinf(scores[name]).sum()) for name in METHODS}
    lines = [
        "# PySAL `access` reference scores",
        "",
        "Generated by `make_reference.py`; do not edit by hand. To regenerate, from the repository root:",
        "",
        "    sh Tests/CarePointsTests/Fixtures/access/make_reference.sh",
        "",
        "which makes a virtual environment under /tmp (`python3 -m venv`), installs the exact versions of",
        "`requirements.txt` from PyPI, and rewrites `demand.csv`, `supply.csv`, `reference_scores.csv` and",
        "this file. Then review `git diff` and run `swift test --filter Access`.",
        "",
        f"- Python {sys.version.split()[0]}; " + ", ".join(f"{p} {version(p)}" for p in packages),
        f"- seed {SEED}: {len(demand)} demand points (`demand.csv`), {len(supply)} supply points (`supply.csv`),",
        f"  projected metres; threshold d0 = {THRESHOLD:g} m; {len(costs)} pairs within d0 (scipy cKDTree",
        "  `query_ball_point`, then c = sqrt(dx² + dy²) ≤ d0), cost table in (origin, destination) order.",
        "- pandas 2.x is pinned on purpose: its `groupby().sum()` is Kahan-compensated, which PySAL's own",
        "  known-answer tests need (with pandas 3 the uniform-grid 2SFCA gives 5.000000000000001, not 5).",
        "",
        "`reference_scores.csv`: one row per demand point in input order, `%.17g`, `nan`, `inf`.",
        "",
        "| column | PySAL `Access` call | `careatlas access` | nan | inf |",
        "|---|---|---|---|---|",
    ]
    for name, (pysal, careatlas) in METHODS.items():
        lines.append(f"| {name} | `{pysal}` | `{careatlas}` | {undefined[name]} | {infinite[name]} |")
    lines += [
        "",
        "Special rows: `remote0`…`remote3` have no supply in reach (nan); `lonely_zero` (population 0) is",
        "alone with `s_lonely` (capacity 5), whose catchment demand is 0, so R = 5/0 = inf and the score is",
        "inf; `zero_zero` (population 0) is alone with `s_zero` (capacity 0): R = 0/0 = nan, left out of",
        "the sum, score 0; `at_band_limit` and `at_threshold` lie exactly 2000 m and 6000 m from their",
        "clinic (band limits and the threshold are inclusive); `s_nobody` reaches nobody; ten demand",
        "points lie exactly on a supply point (cost 0).",
        "",
    ]
    (folder / "REFERENCE.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {len(demand)} demand, {len(supply)} supply, {len(costs)} pairs to {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
