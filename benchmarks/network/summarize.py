"""Turns the "step" lines of a scale_compare.sh log into the Markdown table of benchmarks/RESULTS.md:

    python benchmarks/network/summarize.py RUN.log

One row per step (wall, CPU = user + sys, peak RSS of the process running the step, 1-minute load
average when it ended), a total per engine (sums of wall and CPU; the largest peak RSS) and the
ratios peer / CareAtlas of the totals.
"""
import re
import sys

pattern = re.compile(r"step (CareAtlas|OSRM|pandana) (.+?): wall ([\d.]+) s, CPU ([\d.]+) s, peak RSS (\d+) MB, load (\S+)$")
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    m = pattern.search(line.rstrip("\n"))
    if m:
        rows.append((m.group(1), m.group(2), float(m.group(3)), float(m.group(4)), int(m.group(5)), m.group(6)))
totals = {}
print("| engine | step | wall s | CPU s | peak RSS MB | load |")
print("|---|---|---|---|---|---|")
for engine, name, wall, cpu, rss, load in rows:
    print(f"| {engine} | {name} | {wall:.1f} | {cpu:.1f} | {rss:,} | {load} |")
    w, c, r = totals.get(engine, (0.0, 0.0, 0))
    totals[engine] = (w + wall, c + cpu, max(r, rss))
for engine, (w, c, r) in totals.items():
    print(f"| **{engine}** | **total** | **{w:.1f}** | **{c:.1f}** | **{r:,}** | |")
if "CareAtlas" in totals:
    w0, c0, r0 = totals["CareAtlas"]
    for engine, (w, c, r) in totals.items():
        if engine != "CareAtlas":
            print(f"\n{engine} / CareAtlas: wall {w / w0:.2f}×, CPU {c / c0:.2f}×, peak RSS {r / r0:.2f}×")
