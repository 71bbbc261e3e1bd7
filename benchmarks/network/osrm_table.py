"""OSRM's side of benchmarks/network/scale_compare.sh: preprocesses OUT_DIR/grid.osm.pbf with the
careatlas_car.lua profile and answers the origins × destinations of OUT_DIR/points.csv with the
table service of osrm-routed, in batches of origins (one request holds BATCH origins and every
destination; `--max-table-size` is raised to fit).

    python benchmarks/network/osrm_table.py OUT_DIR CUTOFF_MINUTES [--algorithm mld|ch] [--batch 500]
        [--threads 2] [--origins N] [--dump K OUT.csv] [--reuse]

--origins N answers only the first N origins (each table request is one search per origin, so the time
for all origins is then N-proportional, as for pandana_table.py); the default is all.

Each preprocessing step runs under /usr/bin/time -v (wall, user + sys CPU, peak RSS); so does
osrm-routed, whose peak RSS and CPU are read when it is stopped after the last request. The client
sends THREADS requests at a time (osrm-routed answers each request on one thread) and keeps the
pairs within the cutoff; OSRM computes every pair (its table service has no cutoff).
"""
import argparse
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import numpy as np
import osrm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid import KeptPairs, loadavg, write_pairs  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("cutoff", type=float)
parser.add_argument("--algorithm", default="mld", choices=["mld", "ch"])
parser.add_argument("--batch", type=int, default=500)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--port", type=int, default=5029)
parser.add_argument("--origins", type=int, default=0)
parser.add_argument("--dump", nargs=2)
parser.add_argument("--reuse", action="store_true",
                    help="skip extract and partition/customize (or contract): the grid.osrm files of an earlier run "
                         "(or of the steps run by hand) are used as they are")
args = parser.parse_args()

binary = lambda name: os.path.join(os.path.dirname(osrm.__file__), "bin", name)
profile = os.path.join(os.path.dirname(os.path.abspath(__file__)), "careatlas_car.lua")
pbf = os.path.join(args.out, "grid.osm.pbf")
base = os.path.join(args.out, "grid.osrm")


def time_v(text):
    """(wall s, CPU s, peak RSS MB) from /usr/bin/time -v's report."""
    get = lambda key: re.search(re.escape(key) + r":\s*(\S+)", text).group(1)
    wall = 0.0
    for part in get("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    return wall, float(get("User time (seconds)")) + float(get("System time (seconds)")), int(get("Maximum resident set size (kbytes)")) / 1024


def step(name, command):
    run = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True, cwd=args.out)
    if run.returncode != 0:
        sys.exit(f"{name} failed ({run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
    wall, cpu, rss = time_v(run.stderr)
    print(f"step OSRM {name}: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MB, load {loadavg()}", flush=True)


if args.reuse:
    needed = base + (".mldgr" if args.algorithm == "mld" else ".hsgr")
    if not os.path.exists(needed):
        sys.exit(f"--reuse: {needed} is missing; run without --reuse to preprocess")
    print(f"step OSRM preprocessing: reused the files of an earlier run ({os.path.basename(needed)})", flush=True)
else:
    for f in os.listdir(args.out):
        if f.startswith("grid.osrm"):
            os.remove(os.path.join(args.out, f))
    step("osrm-extract", [binary("osrm-extract"), "-p", profile, "-t", str(args.threads), pbf])
    if args.algorithm == "mld":
        step("osrm-partition", [binary("osrm-partition"), "-t", str(args.threads), base])
        step("osrm-customize", [binary("osrm-customize"), "-t", str(args.threads), base])
    else:
        step("osrm-contract", [binary("osrm-contract"), "-t", str(args.threads), base])

origins, destinations = [], []
with open(os.path.join(args.out, "points.csv")) as f:
    next(f)
    for line in f:
        role, _, _, lon, lat = line.rstrip("\n").split(",")
        (origins if role == "o" else destinations).append(f"{float(lon):.6f},{float(lat):.6f}")
if args.origins > 0:
    origins = origins[:args.origins]
n_orig, n_dest = len(origins), len(destinations)
cutoff = args.cutoff * 60

log = open(os.path.join(args.out, "osrm-routed.log"), "w")
t_load = time.perf_counter()
server = subprocess.Popen(["/usr/bin/time", "-v", binary("osrm-routed"), "--algorithm", args.algorithm, "-p", str(args.port),
                           "-t", str(args.threads), "--max-table-size", str(max(n_dest, args.batch) + 1), base],
                          stdout=log, stderr=subprocess.PIPE, text=True)
url = f"http://127.0.0.1:{args.port}"
for _ in range(6000):
    try:
        urllib.request.urlopen(f"{url}/nearest/v1/driving/{origins[0]}", timeout=1)
        break
    except Exception:
        if server.poll() is not None:
            sys.exit(f"osrm-routed exited: {server.stderr.read()[-4000:]}")
        time.sleep(0.1)
start_wall = time.perf_counter() - t_load
print(f"osrm-routed ready (data loaded) after {start_wall:.2f} s", flush=True)

dest_text = ";".join(destinations)


def request(start):
    batch = origins[start:start + args.batch]
    sources = ";".join(str(i) for i in range(len(batch)))
    dests = ";".join(str(len(batch) + j) for j in range(n_dest))
    query = f"{url}/table/v1/driving/{';'.join(batch)};{dest_text}?sources={sources}&destinations={dests}&annotations=duration"
    answer = json.load(urllib.request.urlopen(query, timeout=3600))
    if answer.get("code") != "Ok":
        raise RuntimeError(f"table request for origins {start}…: {answer.get('code')} {answer.get('message')}")
    durations = np.array([[np.nan if v is None else v for v in row] for row in answer["durations"]])
    return start, durations


pairs = KeptPairs(cutoff, int(args.dump[0]) if args.dump else 0)
cpu0 = time.process_time()
t0 = time.perf_counter()
try:
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        for start, durations in pool.map(request, range(0, n_orig, args.batch)):
            pairs.add(start, durations)
            print(f"  OSRM origins {start + len(durations)} / {n_orig}", file=sys.stderr, flush=True)
    query_wall = time.perf_counter() - t0
finally:
    routed = [int(c) for c in open(f"/proc/{server.pid}/task/{server.pid}/children").read().split()]
    for pid in routed:
        os.kill(pid, signal.SIGINT)
    _, report = server.communicate(timeout=600)
wall, cpu, rss = time_v(report)
client_cpu = time.process_time() - cpu0
print(f"osrm-routed: CPU {cpu:.2f} s, peak RSS {rss:.0f} MB (its whole life: loading + table); the table requests "
      f"took {query_wall:.2f} s wall, the client {client_cpu:.2f} s of CPU (HTTP, JSON parsing, cutoff)")
print(f"step OSRM osrm-routed: load the data, table {n_orig} × {n_dest} in {-(-n_orig // args.batch)} requests of "
      f"{args.batch} origins: wall {start_wall + query_wall:.2f} s, CPU {cpu + client_cpu:.2f} s, peak RSS {rss:.0f} MB, load {loadavg()}")
print(f"pairs kept {pairs.kept} ({pairs.kept / (n_orig * n_dest) * 100:.2f} % of all), sum of seconds {pairs.total:.3f}")
if args.dump:
    write_pairs(args.dump[1], pairs.dump)
