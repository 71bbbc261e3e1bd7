"""Turns the "step" lines of a scale_compare.sh log into the Markdown table of benchmarks/RESULTS.md:

    python benchmarks/network/summarize.py RUN.log

One row per step (wall, CPU = user + sys, peak RSS of the process running the step, 1-minute load
average when it ended), a total per engine (sums of wall and CPU; the largest peak RSS) and the
ratios peer / CareAtlas of the totals. Where a peer answered only the first N of the run's ORIGINS
(PANDANA_ORIGINS / OSRM_ORIGINS), its query step is also given scaled to all origins (every origin is
an independent search, so its time is N-proportional) and the ratios use the scaled figure; the
table marks such rows "scaled from N origins".
"""
import re
import sys

pattern = re.compile(r"step (CareAtlas|OSRM|pandana) (.+?): wall ([\d.]+) s, CPU ([\d.]+) s, peak RSS (\d+) MB, load (\S+)$")
queried = re.compile(r"(?:table|shortest_path_lengths) (\d+) × \d+")
all_origins = None
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    header = re.search(r"ORIGINS=(\d+) ", line)
    if line.startswith("# scale_compare.sh") and header:
        all_origins = int(header.group(1))
    m = pattern.search(line.rstrip("\n"))
    if m:
        engine, name, wall, cpu, rss, load = m.group(1), m.group(2), float(m.group(3)), float(m.group(4)), int(m.group(5)), m.group(6)
        q = queried.search(name)
        if q and all_origins and int(q.group(1)) < all_origins:
            factor = all_origins / int(q.group(1))
            rows.append((engine, f"{name} (measured)", wall, cpu, rss, load, False))
            name = f"{name}, scaled from {q.group(1)} to {all_origins} origins (×{factor:.1f})"
            wall, cpu = wall * factor, cpu * factor
        rows.append((engine, name, wall, cpu, rss, load, True))
totals = {}
print("| engine | step | wall s | CPU s | peak RSS MB | load |")
print("|---|---|---|---|---|---|")
for engine, name, wall, cpu, rss, load, counted in rows:
    print(f"| {engine} | {name} | {wall:.1f} | {cpu:.1f} | {rss:,} | {load} |")
    if not counted:
        continue
    w, c, r = totals.get(engine, (0.0, 0.0, 0))
    totals[engine] = (w + wall, c + cpu, max(r, rss))
for engine, (w, c, r) in totals.items():
    print(f"| **{engine}** | **total** | **{w:.1f}** | **{c:.1f}** | **{r:,}** | |")
if "CareAtlas" in totals:
    w0, c0, r0 = totals["CareAtlas"]
    for engine, (w, c, r) in totals.items():
        if engine != "CareAtlas":
            print(f"\n{engine} / CareAtlas: wall {w / w0:.2f}×, CPU {c / c0:.2f}×, peak RSS {r / r0:.2f}×")
