#!/usr/bin/env python3
"""Writes the fictional road network of the demo region 架空市 as an OpenStreetMap extract,
`roads.osm.pbf` (the network that CareNetwork routes on; see Sources/CareNetwork). Deterministic:
running it again gives a byte-identical file.

Authored in JGD2011 / plane rectangular zone IX (EPSG:6677, metres) like make_demo.py, over the
same 6 km × 6 km of nine wards, then converted to longitude/latitude with PROJ's cs2cs:

- streets every 250 m in both directions (`highway=residential`, `maxspeed=30`), two-way;
- the ward boundaries and the region's edge, x or y = 0, 2000, 4000, 6000, are arterials
  (`highway=primary`, `maxspeed=40`), so that a drive along one is 6 km at 40 km/h = 540 s;
- the street y = 3250 between x = 2000 and 4000 is one-way eastbound (`oneway=yes`);
- the street x = 1250 between y = 0 and 2000 is private (`access=private`): not used by car.

Node ids are 1 + row × 25 + column (rows south to north, columns west to east, 250 m apart);
way ids count from 1. The PBF is written by hand here (protocol buffers and zlib from the standard
library; one header block, one block of dense nodes, one block of ways).
Requires cs2cs (Debian proj-bin, installed by .ci/setup).
"""
import os
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
STEP, N = 250, 25  # 0 .. 6000 m in 250 m steps


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zigzag(v):
    return (v << 1) ^ (v >> 63)


def field(number, wire, payload):
    if wire == 0:
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def packed(values):
    return b"".join(varint(v) for v in values)


def blob(kind, payload, level=9):
    body = field(2, 0, len(payload)) + field(3, 2, zlib.compress(payload, level))
    header = field(1, 2, kind.encode()) + field(3, 0, len(body))
    return struct.pack(">I", len(header)) + header + body


def lonlat(points):
    text = "".join(f"{y} {x}\n" for x, y in points)  # EPSG:6677 axis order is northing, easting
    res = subprocess.run(["cs2cs", "EPSG:6677", "EPSG:4326", "-f", "%.7f"], input=text,
                         capture_output=True, text=True, check=True)
    out = []
    for line in res.stdout.strip().splitlines():
        lat, lon = line.split()[:2]
        out.append((float(lon), float(lat)))
    return out


def node_id(row, col):
    return 1 + row * N + col


def main():
    grid = [(col * STEP, row * STEP) for row in range(N) for col in range(N)]
    positions = lonlat(grid)
    ways = []  # (refs, tags)
    for row in range(N):  # east-west streets
        y = row * STEP
        if y % 2000 == 0:
            ways.append(([node_id(row, c) for c in range(N)], {"highway": "primary", "maxspeed": "40", "name": f"東西{y // 2000}号線"}))
        elif y == 3250:
            ways.append(([node_id(row, c) for c in range(0, 9)], {"highway": "residential", "maxspeed": "30"}))
            ways.append(([node_id(row, c) for c in range(8, 17)], {"highway": "residential", "maxspeed": "30", "oneway": "yes"}))
            ways.append(([node_id(row, c) for c in range(16, N)], {"highway": "residential", "maxspeed": "30"}))
        else:
            ways.append(([node_id(row, c) for c in range(N)], {"highway": "residential", "maxspeed": "30"}))
    for col in range(N):  # north-south streets
        x = col * STEP
        if x % 2000 == 0:
            ways.append(([node_id(r, col) for r in range(N)], {"highway": "primary", "maxspeed": "40", "name": f"南北{x // 2000}号線"}))
        elif x == 1250:
            ways.append(([node_id(r, col) for r in range(0, 9)], {"highway": "residential", "maxspeed": "30", "access": "private"}))
            ways.append(([node_id(r, col) for r in range(8, N)], {"highway": "residential", "maxspeed": "30"}))
        else:
            ways.append(([node_id(r, col) for r in range(N)], {"highway": "residential", "maxspeed": "30"}))

    header = field(4, 2, b"OsmSchema-V0.6") + field(4, 2, b"DenseNodes") + field(16, 2, b"make_demo_roads.py")
    ids = [node_id(r, c) for r in range(N) for c in range(N)]
    lats = [round(lat * 1e7) for _, lat in positions]
    lons = [round(lon * 1e7) for lon, _ in positions]
    def deltas(values):
        return [zigzag(b - a) for a, b in zip([0] + values[:-1], values)]
    dense = field(1, 2, packed(deltas(ids))) + field(8, 2, packed(deltas(lats))) + field(9, 2, packed(deltas(lons)))
    nodes_block = field(1, 2, field(1, 2, b"")) + field(2, 2, field(2, 2, dense))

    strings = [""]
    def sid(s):
        if s not in strings:
            strings.append(s)
        return strings.index(s)
    group = b""
    for k, (refs, tags) in enumerate(ways, start=1):
        keys = sorted(tags)
        key_ids = [sid(key) for key in keys]
        value_ids = [sid(tags[key]) for key in keys]
        w = field(1, 0, k) + field(2, 2, packed(key_ids)) + field(3, 2, packed(value_ids))
        w += field(8, 2, packed(deltas(refs)))
        group += field(3, 2, w)
    table = b"".join(field(1, 2, s.encode()) for s in strings)
    ways_block = field(1, 2, table) + field(2, 2, group)

    data = blob("OSMHeader", header) + blob("OSMData", nodes_block) + blob("OSMData", ways_block)
    with open(os.path.join(HERE, "roads.osm.pbf"), "wb") as f:
        f.write(data)
    print(f"roads.osm.pbf: {len(ids)} nodes, {len(ways)} ways, {len(data)} bytes")


if __name__ == "__main__":
    main()
