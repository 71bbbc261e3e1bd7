"""Agreement of the pairs dumped by scale_compare.sh (the first K origins of each engine's table):

    python benchmarks/network/compare_tables.py OURS.csv PEER.csv NAME

Prints the pairs each keeps, those only one keeps (with their times: pairs near the cutoff can fall
either side of it) and the median and largest relative difference of the seconds over the pairs
both keep.
"""
import sys

import numpy as np
import pandas as pd

ours, peer, name = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2]), sys.argv[3]
both = ours.merge(peer, on=["origin", "destination"], how="outer", suffixes=("_ours", "_peer"), indicator=True)
shared = both[both._merge == "both"]
rel = np.abs(shared.seconds_peer - shared.seconds_ours)[shared.seconds_ours > 0] / shared.seconds_ours[shared.seconds_ours > 0]
only_ours = both[both._merge == "left_only"]
only_peer = both[both._merge == "right_only"]
positive = shared[shared.seconds_ours > 0]  # a destination at the origin's node: 0 s in both
ratio = positive.seconds_peer / positive.seconds_ours
print(f"{name}: {len(shared)} shared pairs; {name} / CareAtlas seconds: median {np.median(ratio):.5f} "
      f"(min {ratio.min():.5f}, max {ratio.max():.5f}); |relative difference| median {np.median(rel):.2e}, "
      f"max {rel.max():.2e}; only CareAtlas {len(only_ours)} (seconds {only_ours.seconds_ours.min() if len(only_ours) else '–'}"
      f"–{only_ours.seconds_ours.max() if len(only_ours) else '–'}), only {name} {len(only_peer)} "
      f"(seconds {only_peer.seconds_peer.min() if len(only_peer) else '–'}–{only_peer.seconds_peer.max() if len(only_peer) else '–'})")
