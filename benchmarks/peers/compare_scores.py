"""Compares CareAtlas's scores (CSV id,score, demand order) with a peer's (.npy, same order).
Prints one line of JSON: max_relative_difference over finite scores, NaN positions agree, and
pass = max_relative_difference <= --tolerance and NaNs agree. Usage:
  python compare_scores.py OURS.csv PEER.npy --tolerance 1e-9
"""
import argparse
import json

import numpy as np
import pandas as pd

p = argparse.ArgumentParser()
p.add_argument("ours")
p.add_argument("peer")
p.add_argument("--tolerance", type=float, default=1e-9)
a = p.parse_args()
ours = pd.read_csv(a.ours, float_precision="round_trip", na_values=["nan"], keep_default_na=False)["score"].to_numpy(float)
peer = np.load(a.peer)
same_nan = bool(np.array_equal(np.isnan(ours), np.isnan(peer)))
finite = np.isfinite(ours) & np.isfinite(peer)
scale = np.maximum(np.abs(ours[finite]), np.abs(peer[finite]))
rel = np.abs(ours[finite] - peer[finite]) / np.where(scale > 0, scale, 1)
worst = float(rel.max()) if rel.size else 0.0
print(json.dumps({"scores": int(len(ours)), "finite": int(finite.sum()), "nan_positions_agree": same_nan,
                  "max_relative_difference": worst, "pass": bool(same_nan and worst <= a.tolerance)}))
