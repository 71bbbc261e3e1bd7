"""Writes the inputs of benchmarks/network/scale_compare.sh once, into OUT_DIR:

    python3 benchmarks/network/grid_inputs.py SIDE ORIGINS DESTINATIONS OUT_DIR

- grid.osm.pbf: the road grid of grid.py as OSM (make_grid_pbf.py, roads only), read by CareAtlas
  and by osrm-extract;
- grid_arrays.npz: the same grid as node and edge arrays (x, y; from, to, seconds), read by pandana;
- points.csv: role (o origin, d destination), index, node, lon, lat — the origin and destination
  nodes of grid.draw_nodes, read by all three.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid import draw_nodes, edges, node_positions  # noqa: E402
from make_grid_pbf import write_grid_pbf  # noqa: E402

side, n_orig, n_dest, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.makedirs(out, exist_ok=True)
write_grid_pbf(side, os.path.join(out, "grid.osm.pbf"), buildings=False)
lon, lat = node_positions(side)
a, b, seconds = edges(side)
np.savez(os.path.join(out, "grid_arrays.npz"), x=lon, y=lat, src=a, dst=b, seconds=seconds)
orig, dest = draw_nodes(side, n_orig, n_dest)
with open(os.path.join(out, "points.csv"), "w") as f:
    f.write("role,index,node,lon,lat\n")
    for role, nodes in (("o", orig), ("d", dest)):
        for i, n in enumerate(nodes):
            f.write(f"{role},{i},{n},{lon[n]:.7f},{lat[n]:.7f}\n")
print(f"{out}: {side * side} nodes, {2 * len(a)} directed edges, {n_orig} origins, {n_dest} destinations")
