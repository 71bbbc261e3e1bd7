"""The synthetic road grid of careatlas-network-bench, in numpy (one definition for the Python peers).

SIDE × SIDE nodes, 0.0009° of latitude and 0.0011° of longitude apart from 35°N 139°E (about 100 m);
node r·SIDE + c (0-based; OSM id r·SIDE + c + 1 in make_grid_pbf.py). Every row and column is a
two-way road, every 10th `primary` at 65 km/h, the others `residential` at 25 km/h (CareNetwork's
car table); edge time = haversine length (R = 6,371,008.8 m, CareNetwork's Geodesy) / speed.
Origins and destinations are nodes drawn with SplitMix64 (seed 19): all origins first, then all
destinations, as careatlas-network-bench grid --nodes draws them.
"""
import numpy as np

R = 6371008.8
MASK = (1 << 64) - 1
PRIMARY_KMH, RESIDENTIAL_KMH = 65.0, 25.0


class SplitMix:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def node_positions(side):
    """Longitudes and latitudes of the nodes, degrees."""
    r, c = np.divmod(np.arange(side * side), side)
    return 139 + c * 0.0011, 35 + r * 0.0009


def edges(side):
    """Undirected edges (from, to, seconds) of the grid, rows first, then columns."""
    lon, lat = node_positions(side)
    ids = np.arange(side * side).reshape(side, side)
    a_h, b_h = ids[:, :-1].ravel(), ids[:, 1:].ravel()            # along rows
    a_v, b_v = ids[:-1, :].ravel(), ids[1:, :].ravel()            # along columns
    speed_h = np.where((a_h // side) % 10 == 0, PRIMARY_KMH, RESIDENTIAL_KMH)
    speed_v = np.where((a_v % side) % 10 == 0, PRIMARY_KMH, RESIDENTIAL_KMH)
    a = np.concatenate([a_h, a_v])
    b = np.concatenate([b_h, b_v])
    p1, p2 = np.radians(lat[a]), np.radians(lat[b])
    s1 = np.sin((p2 - p1) / 2)
    s2 = np.sin(np.radians(lon[b] - lon[a]) / 2)
    metres = 2 * R * np.arcsin(np.minimum(1, np.sqrt(s1 * s1 + np.cos(p1) * np.cos(p2) * s2 * s2)))
    return a, b, metres / (np.concatenate([speed_h, speed_v]) / 3.6)


def draw_nodes(side, n_orig, n_dest, seed=19):
    """Origin and destination node indices (SplitMix64)."""
    rng = SplitMix(seed)
    orig = [rng.next() % (side * side) for _ in range(n_orig)]
    dest = [rng.next() % (side * side) for _ in range(n_dest)]
    return np.array(orig, dtype=np.int64), np.array(dest, dtype=np.int64)


def loadavg():
    """The 1-minute load average (printed beside every step: the machine may be shared)."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def write_pairs(path, rows):
    """Writes (origin, destination, seconds) rows as the CSV compare_tables.py reads."""
    with open(path, "w") as f:
        f.write("origin,destination,seconds\n")
        for i, j, s in rows:
            f.write(f"{i},{j},{s}\n")


class KeptPairs:
    """Keeps the pairs within the cutoff of a block of rows (origins start … of a full table):
    their count, their sum of seconds and, for the first `dump_rows` origins, the pairs themselves."""

    def __init__(self, cutoff_seconds, dump_rows):
        self.cutoff, self.dump_rows = cutoff_seconds, dump_rows
        self.kept, self.total, self.dump = 0, 0.0, []

    def add(self, start, seconds):
        within = seconds <= self.cutoff  # NaN (no route) is never within
        self.kept += int(within.sum())
        self.total += float(seconds[within].sum())
        for i in range(start, min(start + len(seconds), self.dump_rows)):
            for j in np.nonzero(within[i - start])[0]:
                self.dump.append((i, int(j), float(seconds[i - start, j])))
