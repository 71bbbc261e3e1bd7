"""Writes the synthetic road grid of careatlas-network-bench as an OSM PBF file (dense nodes, 8,000
per block; ways 8,000 per block; zlib level 6), to time CareNetwork's PBF loading at scale:

    python3 benchmarks/network/make_grid_pbf.py SIDE OUT.osm.pbf
    .build/release/careatlas-network-bench pbf OUT.osm.pbf car 0

Also writes, per node, an untagged "building" way of 4 nodes for every 4th grid node (as real
extracts hold more buildings than roads), so that the reader's skipping of non-road ways is timed.
"""
import struct
import sys
import zlib

side, out = int(sys.argv[1]), sys.argv[2]


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zz(v):
    return (v << 1) ^ (v >> 63)


def field(n, payload):
    return varint(n << 3 | 2) + varint(len(payload)) + payload


def vfield(n, v):
    return varint(n << 3) + varint(v)


def packed(values):
    return b"".join(varint(v) for v in values)


def deltas(values):
    prev = 0
    res = []
    for v in values:
        res.append(zz(v - prev))
        prev = v
    return res


def blob(kind, payload):
    body = vfield(2, len(payload)) + field(3, zlib.compress(payload, 6))
    header = field(1, kind.encode()) + vfield(3, len(body))
    return struct.pack(">I", len(header)) + header + body


with open(out, "wb") as f:
    f.write(blob("OSMHeader", field(4, b"OsmSchema-V0.6") + field(4, b"DenseNodes")))
    n = side * side
    extra = []  # building corner nodes
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
    for i in range(1, n - side - 1, 4):
        refs = [i, i + 1, i + side + 1, i + side, i]
        group.append(field(3, vfield(1, way_id) + field(2, packed([4])) + field(3, packed([5])) + field(8, packed(deltas(refs)))))
        way_id += 1
        if len(group) == 8000:
            f.write(blob("OSMData", table + field(2, b"".join(group))))
            group = []
    if group:
        f.write(blob("OSMData", table + field(2, b"".join(group))))
print(f"{out}: {side * side} nodes, {way_id - 1} ways")
