"""Writes the synthetic road grid of careatlas-network-bench as an OSM PBF file (dense nodes, 8,000
per block; ways 8,000 per block; zlib level 6), to time CareNetwork's PBF loading at scale:

    python3 benchmarks/network/make_grid_pbf.py SIDE OUT.osm.pbf [--roads-only]
    .build/release/careatlas-network-bench pbf OUT.osm.pbf car 0

Also writes, per node, an untagged "building" way of 4 nodes for every 4th grid node (as real
extracts hold more buildings than roads), so that the reader's skipping of non-road ways is timed;
--roads-only leaves them out (benchmarks/network/scale_compare.sh, where OSRM reads the same file).
Node r·SIDE + c (0-based) has OSM id r·SIDE + c + 1.
"""
import os
import sys

# The protocol-buffer and blob encoders of the demo's road writer (one PBF writer in the project).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "geodata", "demo"))
from make_demo_roads import packed, zigzag  # noqa: E402
from make_demo_roads import blob as demo_blob  # noqa: E402
from make_demo_roads import field as demo_field  # noqa: E402

def field(n, payload):
    return demo_field(n, 2, payload)


def vfield(n, v):
    return demo_field(n, 0, v)


def deltas(values):
    prev = 0
    res = []
    for v in values:
        res.append(zigzag(v - prev))
        prev = v
    return res


def blob(kind, payload):
    return demo_blob(kind, payload, level=6)


def write_grid_pbf(side, out, buildings=True):
    with open(out, "wb") as f:
        f.write(blob("OSMHeader", field(4, b"OsmSchema-V0.6") + field(4, b"DenseNodes")))
        n = side * side
        for start in range(0, n, 8000):
            ids = list(range(start + 1, min(n, start + 8000) + 1))
            lats = [round((35 + ((i - 1) // side) * 0.0009) * 1e7) for i in ids]
            lons = [round((139 + ((i - 1) % side) * 0.0011) * 1e7) for i in ids]
            dense = field(1, packed(deltas(ids))) + field(8, packed(deltas(lats))) + field(9, packed(deltas(lons)))
            f.write(blob("OSMData", field(1, field(1, b"")) + field(2, field(2, dense))))
        strings = [b"", b"highway", b"primary", b"residential", b"building", b"yes"]
        table = field(1, b"".join(field(1, s) for s in strings))
        ways = []
        for r in range(side):
            ways.append(([r * side + c + 1 for c in range(side)], 2 if r % 10 == 0 else 3))
        for c in range(side):
            ways.append(([r * side + c + 1 for r in range(side)], 2 if c % 10 == 0 else 3))
        way_id = 1
        group = []
        for refs, cls in ways:
            group.append(field(3, vfield(1, way_id) + field(2, packed([1])) + field(3, packed([cls])) + field(8, packed(deltas(refs)))))
            way_id += 1
            if len(group) == 8000:
                f.write(blob("OSMData", table + field(2, b"".join(group))))
                group = []
        # Buildings: ways over existing nodes tagged building=yes (skipped by the reader).
        for i in range(1, n - side - 1, 4) if buildings else ():
            refs = [i, i + 1, i + side + 1, i + side, i]
            group.append(field(3, vfield(1, way_id) + field(2, packed([4])) + field(3, packed([5])) + field(8, packed(deltas(refs)))))
            way_id += 1
            if len(group) == 8000:
                f.write(blob("OSMData", table + field(2, b"".join(group))))
                group = []
        if group:
            f.write(blob("OSMData", table + field(2, b"".join(group))))
    print(f"{out}: {side * side} nodes, {way_id - 1} ways")


if __name__ == "__main__":
    write_grid_pbf(int(sys.argv[1]), sys.argv[2], buildings="--roads-only" not in sys.argv[3:])
