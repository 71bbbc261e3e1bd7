"""pandana on the synthetic road grid of careatlas-network-bench (same nodes, same edge times, same
origin and destination nodes), for benchmarks/RESULTS.md, "Road network".

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pandana
    /tmp/venv/bin/python benchmarks/network/pandana_grid.py SIDE ORIGINS DESTINATIONS CUTOFF_MINUTES

The grid (as in benchmarks/Sources/careatlas-network-bench/main.swift): SIDE × SIDE nodes, 0.0009°
of latitude and 0.0011° of longitude apart from 35°N 139°E, rows and columns two-way, every 10th
`primary` at 65 km/h, the others `residential` at 25 km/h; edge time = haversine (R = 6,371,008.8 m)
/ speed. Origins and destinations are nodes drawn with SplitMix64 (seed 19). pandana builds a
contraction hierarchy, then answers every origin–destination pair with `shortest_path_lengths`
(pandana has no bounded many-to-many; `nodes_in_range` returns every node within reach, which is far
larger); pairs beyond the cutoff are dropped afterwards. Prints times, pairs kept, their sum of
seconds (to compare with careatlas-network-bench --nodes) and the peak RSS.
"""
import math
import resource
import sys
import time

import numpy as np
import pandas as pd
import pandana

side, n_orig, n_dest, cutoff_min = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
R = 6371008.8
MASK = (1 << 64) - 1


class SplitMix:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


t0 = time.perf_counter()
r, c = np.divmod(np.arange(side * side), side)
lat = 35 + r * 0.0009
lon = 139 + c * 0.0011
nodes = pd.DataFrame({"x": lon, "y": lat}, index=np.arange(side * side))


def haversine(a, b):
    p1, p2 = np.radians(lat[a]), np.radians(lat[b])
    s1 = np.sin((p2 - p1) / 2)
    s2 = np.sin(np.radians(lon[b] - lon[a]) / 2)
    return 2 * R * np.arcsin(np.minimum(1, np.sqrt(s1 * s1 + np.cos(p1) * np.cos(p2) * s2 * s2)))


ids = np.arange(side * side).reshape(side, side)
a_h, b_h = ids[:, :-1].ravel(), ids[:, 1:].ravel()            # along rows
a_v, b_v = ids[:-1, :].ravel(), ids[1:, :].ravel()            # along columns
speed_h = np.where((a_h // side) % 10 == 0, 65.0, 25.0)
speed_v = np.where((a_v % side) % 10 == 0, 65.0, 25.0)
a = np.concatenate([a_h, a_v]); b = np.concatenate([b_h, b_v])
seconds = haversine(a, b) / (np.concatenate([speed_h, speed_v]) / 3.6)
edges = pd.DataFrame({"from": a, "to": b, "seconds": seconds})
t1 = time.perf_counter()
net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["seconds"]], twoway=True)
t2 = time.perf_counter()
rng = SplitMix(19)
orig = [rng.next() % (side * side) for _ in range(n_orig)]
dest = [rng.next() % (side * side) for _ in range(n_dest)]
o = np.repeat(orig, n_dest)
d = np.tile(dest, n_orig)
lengths = np.asarray(net.shortest_path_lengths(o, d, imp_name="seconds"))
t3 = time.perf_counter()
kept = lengths[lengths <= cutoff_min * 60]
if len(sys.argv) > 5:  # a CSV of the pairs kept, to compare with careatlas-network-bench --dump
    k = np.nonzero(lengths <= cutoff_min * 60)[0]
    pd.DataFrame({"origin": k // n_dest, "destination": k % n_dest, "seconds": lengths[k]}).to_csv(sys.argv[5], index=False)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandana {pandana.__version__}: grid {side} x {side}, {len(nodes)} nodes, {2 * len(edges)} directed edges; "
      f"edge table {t1 - t0:.2f} s, contraction hierarchy {t2 - t1:.2f} s, {n_orig} x {n_dest} pairs {t3 - t2:.2f} s; "
      f"{len(kept)} pairs within {cutoff_min} min, sum of seconds {kept.sum():.3f}; peak RSS {peak:.0f} MB")
