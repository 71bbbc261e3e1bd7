"""Sanity check of CareNetwork's car times against a real engine: OSRM (the `osrm-bindings` wheel
for Python 3.12 ships osrm-extract/partition/customize/routed and the default car profile) on the
same pairs as the reference check.

    python3.12 -m venv /tmp/osrm && /tmp/osrm/bin/pip install osrm-bindings osmium
    /tmp/osrm/bin/python benchmarks/network/osrm_compare.py ~/.cache/careatlas/osm-test/Helsinki.osm.pbf \
        Tests/CareNetworkTests/Reference/reference_Helsinki_car.csv

The reference CSV holds CareNetwork's times (equal to them to 1e-10, see ReferenceTravelTimeTests).
OSRM is run with its own car profile (MLD); each pair is one /route request between the two nodes'
positions. Prints the distribution of CareNetwork seconds / OSRM seconds over the pairs both
reach, and the pairs where only one of them finds a route.
"""
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import osmium
import osrm

pbf, reference = sys.argv[1], sys.argv[2]
osrm_dir = os.path.dirname(osrm.__file__)
binary = lambda name: os.path.join(osrm_dir, "bin", name)
profile = os.path.join(osrm_dir, "share", "profiles", "car.lua")

pairs = []
with open(reference) as f:
    for row in csv.DictReader(f):
        pairs.append((int(row["origin"]), int(row["destination"]), float(row["seconds"]) if row["seconds"] else None))
wanted = {o for o, _, _ in pairs} | {d for _, d, _ in pairs}


class Positions(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.pos = {}

    def node(self, n):
        if n.id in wanted:
            self.pos[n.id] = (n.location.lon, n.location.lat)


positions = Positions()
positions.apply_file(pbf)

work = tempfile.mkdtemp()
try:
    data = os.path.join(work, "x.osm.pbf")
    shutil.copy(pbf, data)
    t0 = time.perf_counter()
    for cmd in ([binary("osrm-extract"), "-p", profile, data], [binary("osrm-partition"), data[:-8] + ".osrm"],
                [binary("osrm-customize"), data[:-8] + ".osrm"]):
        subprocess.run(cmd, check=True, capture_output=True)
    t1 = time.perf_counter()
    server = subprocess.Popen([binary("osrm-routed"), "--algorithm", "mld", "-p", "5019", data[:-8] + ".osrm"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:5019/nearest/v1/driving/24.94,60.17", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        ratios, only_ours, only_osrm, both_none, zero = [], 0, 0, 0, 0
        for o, d, ours in pairs:
            (lo1, la1), (lo2, la2) = positions.pos[o], positions.pos[d]
            url = f"http://127.0.0.1:5019/route/v1/driving/{lo1},{la1};{lo2},{la2}?overview=false"
            try:
                answer = json.load(urllib.request.urlopen(url, timeout=10))
                theirs = answer["routes"][0]["duration"] if answer.get("code") == "Ok" else None
            except Exception:
                theirs = None
            if ours is None and theirs is None:
                both_none += 1
            elif ours is None:
                only_osrm += 1
            elif theirs is None:
                only_ours += 1
            elif theirs == 0 or ours == 0:
                zero += 1
            else:
                ratios.append(ours / theirs)
    finally:
        server.terminate()
        server.wait()
finally:
    shutil.rmtree(work)

q = statistics.quantiles(ratios, n=4)
print(f"OSRM {osrm.__version__ if hasattr(osrm, '__version__') else ''} car profile, MLD; preprocessing {t1 - t0:.1f} s")
print(f"{len(ratios)} pairs routed by both: CareNetwork / OSRM seconds median {statistics.median(ratios):.3f}, "
      f"quartiles {q[0]:.3f}–{q[2]:.3f}, min {min(ratios):.3f}, max {max(ratios):.3f}")
print(f"only CareNetwork: {only_ours}; only OSRM: {only_osrm}; neither: {both_none}; zero-length: {zero}")
