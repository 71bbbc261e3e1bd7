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
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
import pandana

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid import draw_nodes, edges as grid_edges, node_positions  # noqa: E402

side, n_orig, n_dest, cutoff_min = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))

t0 = time.perf_counter()
lon, lat = node_positions(side)
nodes = pd.DataFrame({"x": lon, "y": lat}, index=np.arange(side * side))
a, b, seconds = grid_edges(side)
edges = pd.DataFrame({"from": a, "to": b, "seconds": seconds})
t1 = time.perf_counter()
net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["seconds"]], twoway=True)
t2 = time.perf_counter()
orig, dest = draw_nodes(side, n_orig, n_dest)
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
