"""pandana's side of benchmarks/network/scale_compare.sh: builds a pandana network (its contraction
hierarchy) from OUT_DIR/grid_arrays.npz and answers the origins × destinations of OUT_DIR/points.csv
with `shortest_path_lengths`, BATCH origins at a time, keeping the pairs within the cutoff.

    python benchmarks/network/pandana_table.py OUT_DIR CUTOFF_MINUTES [--origins N] [--batch 500]
        [--dump K OUT.csv]

pandana has no bounded many-to-many: `nodes_in_range` returns every node within reach of each
source (about 170,000 rows per destination at 30 minutes on the 2 M-node grid), so every pair is
queried and the cutoff applied afterwards. --origins N answers only the first N origins (the time
for all is then N-proportional: every pair is an independent query); the default is all.
"""
import argparse
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
import pandana

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid import KeptPairs, loadavg, write_pairs  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("cutoff", type=float)
parser.add_argument("--origins", type=int, default=0)
parser.add_argument("--batch", type=int, default=500)
parser.add_argument("--dump", nargs=2)
args = parser.parse_args()


def step(name, since_wall, since_cpu):
    cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"step pandana {name}: wall {time.perf_counter() - since_wall:.2f} s, CPU {cpu - since_cpu:.2f} s, "
          f"peak RSS {peak:.0f} MB, load {loadavg()}", flush=True)


cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
t, c = time.perf_counter(), cpu()
arrays = np.load(os.path.join(args.out, "grid_arrays.npz"))
nodes = pd.DataFrame({"x": arrays["x"], "y": arrays["y"]})
edges = pd.DataFrame({"from": arrays["src"], "to": arrays["dst"], "seconds": arrays["seconds"]})
points = pd.read_csv(os.path.join(args.out, "points.csv"))
orig = points.loc[points.role == "o", "node"].to_numpy()
dest = points.loc[points.role == "d", "node"].to_numpy()
step("read the node and edge arrays", t, c)
t, c = time.perf_counter(), cpu()
net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["seconds"]], twoway=True)
step(f"build the network and contraction hierarchy ({len(nodes)} nodes, {2 * len(edges)} directed edges)", t, c)
n_orig = args.origins or len(orig)
cutoff = args.cutoff * 60
pairs = KeptPairs(cutoff, int(args.dump[0]) if args.dump else 0)
t, c = time.perf_counter(), cpu()
for start in range(0, n_orig, args.batch):
    block = orig[start:min(n_orig, start + args.batch)]
    lengths = np.asarray(net.shortest_path_lengths(np.repeat(block, len(dest)), np.tile(dest, len(block)),
                                                   imp_name="seconds")).reshape(len(block), len(dest))
    pairs.add(start, lengths)
    print(f"  pandana origins {start + len(block)} / {n_orig}", file=sys.stderr, flush=True)
step(f"shortest_path_lengths {n_orig} × {len(dest)} in batches of {args.batch} origins", t, c)
print(f"pairs kept {pairs.kept} ({pairs.kept / (n_orig * len(dest)) * 100:.2f} % of all), sum of seconds {pairs.total:.3f}")
if args.dump:
    write_pairs(args.dump[1], pairs.dump)
