"""Union of an adjacent tessellation with shapely: coverage_union_all (GEOS coverage union, the
peer of `careatlas-bench union`) and union_all (the generic overlay union). Prints one line of
JSON. Usage: python union_peer.py --polygons P.geojson [--generic]
"""
import argparse
import json
import time

import geopandas as gpd
import shapely

p = argparse.ArgumentParser()
p.add_argument("--polygons", required=True)
p.add_argument("--generic", action="store_true", help="union_all instead of coverage_union_all")
a = p.parse_args()
t0 = time.perf_counter()
geoms = gpd.read_file(a.polygons).geometry.to_numpy()
t1 = time.perf_counter()
union = shapely.union_all(geoms) if a.generic else shapely.coverage_union_all(geoms)
t2 = time.perf_counter()
print(json.dumps({"polygons": len(geoms), "area": round(union.area, 3), "generic": a.generic,
                  "seconds_read": round(t1 - t0, 3), "seconds_union": round(t2 - t1, 3)}))
