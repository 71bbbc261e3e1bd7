// careatlas-bench: benchmarks of CareAtlas at national scale (see benchmarks/RESULTS.md).
print("careatlas-bench: no benchmarks yet")
