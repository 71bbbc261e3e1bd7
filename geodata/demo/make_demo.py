#!/usr/bin/env python3
"""Writes the fictional demo region 架空市 (Kakū City) used by the README quick start and by the
known-answer tests. Deterministic: running it again gives byte-identical files.

Geometry is authored in JGD2011 / plane rectangular zone IX (EPSG:6677, metres) so that every
area, adjacency and centroid can be checked by hand:

    y (north)
    6000 ┌──────────┬──────────┬──────────┐
         │ 99101 桜区│ 99102 楓区│ 99103 欅区│   北部 (north)
    4000 ├──────────┼──────────┼──────────┤
         │ 99104 柳区│ 99105 松区│ 99106 竹区│   中部 (centre)   ← anchor hospital H01 in 松区
    2000 ├──────────┼──────────┼──────────┤
         │ 99107 梅区│ 99108 椿区│ 99109 藤区│   南部 (south)
       0 └──────────┴──────────┴──────────┘
         0        2000       4000       6000  x (east)

Each ward is 2 km × 2 km = 4 km², split into four 1 km × 1 km small areas (codes ward + 0001 NW,
0002 NE, 0003 SW, 0004 SE). Rook adjacency of the wards has 12 edges (corner contacts have a shared
boundary of length 0 and do not count). Hospitals are given in longitude/latitude (converted from
the zone IX positions with PROJ's cs2cs, 7 decimals); home-care providers in x/y metres.
Requires cs2cs (Debian proj-bin, installed by .ci/setup).
"""
import csv, io, json, subprocess, os

HERE = os.path.dirname(os.path.abspath(__file__))
ENGLISH = {"99101": "Sakura", "99102": "Kaede", "99103": "Keyaki", "99104": "Yanagi", "99105": "Matsu",
           "99106": "Take", "99107": "Ume", "99108": "Tsubaki", "99109": "Fuji"}  # name_en (maps with --lang en)
WARDS = [  # code, name, column, row (row 0 = north), group
    ("99101", "桜区", 0, 0, "北部"), ("99102", "楓区", 1, 0, "北部"), ("99103", "欅区", 2, 0, "北部"),
    ("99104", "柳区", 0, 1, "中部"), ("99105", "松区", 1, 1, "中部"), ("99106", "竹区", 2, 1, "中部"),
    ("99107", "梅区", 0, 2, "南部"), ("99108", "椿区", 1, 2, "南部"), ("99109", "藤区", 2, 2, "南部"),
]
QUADRANTS = [("0001", "北西", 0, 1), ("0002", "北東", 1, 1), ("0003", "南西", 0, 0), ("0004", "南東", 1, 0)]
# Small-area populations (NW, NE, SW, SE) per ward: chosen so ward totals and weighted centroids are easy.
POP = {
    "99101": (1000, 1000, 1000, 1000), "99102": (2000, 2000, 1000, 1000), "99103": (500, 500, 500, 500),
    "99104": (3000, 1000, 0, 0),       "99105": (2500, 2500, 2500, 2500), "99106": (1500, 1500, 1500, 1500),
    "99107": (1000, 0, 1000, 0),       "99108": (2000, 2000, 2000, 2000), "99109": (800, 800, 800, 1600),
}
SHARE65 = {"99101": 0.25, "99102": 0.30, "99103": 0.40, "99104": 0.25, "99105": 0.20,
           "99106": 0.30, "99107": 0.35, "99108": 0.25, "99109": 0.25}
# Patients by ward and service (FY2025, fictional).
PATIENTS = {  # code: (pct_consult, pcu_admission)
    "99105": (24, 16), "99104": (18, 12), "99106": (12, 8), "99102": (9, 6), "99108": (7, 5),
    "99101": (5, 3), "99103": (4, 2), "99107": (3, 2), "99109": (2, 2),
}

def ward_box(col, row):
    x0 = col * 2000; y0 = (2 - row) * 2000
    return x0, y0, x0 + 2000, y0 + 2000

def ring(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]

def feature_collection(features):
    fc = {"type": "FeatureCollection", "name": "demo",
          "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6677"}},
          "features": features}
    text = json.dumps(fc, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.replace('},{"type":"Feature"', '},\n{"type":"Feature"') + "\n"

def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)

def to_csv(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header); w.writerows(rows)
    return out.getvalue()

def lonlat(points):
    text = "".join(f"{y} {x}\n" for x, y in points)  # EPSG:6677 axis order is northing, easting
    res = subprocess.run(["cs2cs", "EPSG:6677", "EPSG:4326", "-f", "%.7f"], input=text,
                         capture_output=True, text=True, check=True)
    out = []
    for line in res.stdout.strip().splitlines():
        lat, lon = line.split()[:2]
        out.append((lon, lat))
    return out

wards, smalls, pop_w, pop_s, groups = [], [], [], [], []
for code, name, col, row, group in WARDS:
    x0, y0, x1, y1 = ward_box(col, row)
    wards.append({"type": "Feature", "properties": {"code": code, "name": name, "name_en": ENGLISH[code]},
                  "geometry": {"type": "Polygon", "coordinates": [ring(x0, y0, x1, y1)]}})
    total = sum(POP[code])
    pop_w.append([code, name, total, round(total * SHARE65[code]), total // 2])
    groups.append([code, name, group])
    for (suffix, qname, qc, qr), p in zip(QUADRANTS, POP[code]):
        qx0, qy0 = x0 + qc * 1000, y0 + qr * 1000
        scode = code + suffix
        smalls.append({"type": "Feature", "properties": {"code": scode, "name": f"{name}{qname}", "ward": code},
                       "geometry": {"type": "Polygon", "coordinates": [ring(qx0, qy0, qx0 + 1000, qy0 + 1000)]}})
        pop_s.append([scode, p])
# A feature with a null code, as N03 has for 所属未定地: dropped by the study's rule.
wards.append({"type": "Feature", "properties": {"code": None, "name": "所属未定地", "name_en": None},
              "geometry": {"type": "Polygon", "coordinates": [ring(6000, 6000, 6200, 6200)]}})

write("wards.geojson", feature_collection(wards))
write("small_areas.geojson", feature_collection(smalls))
write("population_wards.csv", to_csv(["code", "name", "population", "pop_65plus", "households"], pop_w))
write("population_small_areas.csv", to_csv(["code", "population"], pop_s))
write("groups.csv", to_csv(["municipality_code", "municipality_name", "secondary_medical_area"], groups))

names = {c: n for c, n, *_ in WARDS}
rows = []
for code, (pct, pcu) in PATIENTS.items():
    rows.append([code, names[code], 2025, "pct_consult", pct])
    rows.append([code, names[code], 2025, "pcu_admission", pcu])
rows.sort()
rows.append(["99999", "不明（市外）", 2025, "pct_consult", 6])   # code outside the study areas
rows.append(["", "", 2025, "pcu_admission", 4])                  # no code: outside the study areas
write("patients.csv", to_csv(["area_code", "area_name", "fiscal_year", "service", "patients"], rows))

# The year before (FY2024, fictional), for planning.sensitivity.years in study_planning.yaml: 柳区
# has fewer patients and 藤区 more, so that the 7-partner budget stage takes 梅区 and 藤区 instead
# of 柳区 (checked by hand in PlanningSensitivityTests).
PATIENTS_2024 = {"99105": 38, "99104": 12, "99106": 25, "99102": 10, "99108": 15,
                 "99101": 6, "99103": 9, "99107": 6, "99109": 14}
rows = []
for code, n in PATIENTS_2024.items():
    rows.append([code, names[code], 2024, "pct_consult", (n * 3 + 4) // 5])
    rows.append([code, names[code], 2024, "pcu_admission", n - (n * 3 + 4) // 5])
rows.sort()
rows.append(["99999", "不明（市外）", 2024, "pct_consult", 8])
write("patients_fy2024.csv", to_csv(["area_code", "area_name", "fiscal_year", "service", "patients"], rows))

# Patients of the four hospitals by ward (fictional DPC-like flows); H01's are its own patients.
FLOWS = {  # ward: (H01, H02, H03, H04)
    "99101": (8, 12, 0, 1), "99102": (15, 5, 9, 0), "99103": (6, 0, 14, 0), "99104": (30, 25, 0, 2),
    "99105": (40, 3, 6, 5), "99106": (20, 0, 22, 1), "99107": (5, 10, 0, 10), "99108": (12, 2, 1, 18),
    "99109": (4, 0, 3, 15),
}
write("flows.csv", to_csv(["origin_code", "hospital_id", "patients"],
                          [[w, f"H0{k + 1}", n] for w, row in FLOWS.items() for k, n in enumerate(row) if n > 0]))

hospitals = [  # id, name, kind, x, y, beds, pcu_beds, cancer_base, shared patients
    ("H01", "架空大学病院", "hospital", 3300, 3300, 600, 20, "regional", 0),
    ("H02", "柳中央病院", "hospital", 700, 2700, 200, 0, "", 14),
    ("H03", "竹の森病院", "hospital", 5300, 3500, 150, 15, "", 9),
    ("H04", "南部医療センター", "hospital", 3000, 900, 300, 0, "prefectural", 6),
]
coords = lonlat([(h[3], h[4]) for h in hospitals])
write("hospitals.csv", to_csv(
    ["id", "name", "kind", "lon", "lat", "beds", "pcu_beds", "cancer_base", "shared_patients"],
    [[h[0], h[1], h[2], lon, lat, h[5], h[6], h[7], h[8]] for h, (lon, lat) in zip(hospitals, coords)]))

homecare = [  # id, name, kind, x, y, patients per month, shared patients
    ("C01", "松町在宅クリニック", "homecare_clinic", 2500, 3500, 30, 12),
    ("C02", "柳在宅診療所", "homecare_clinic", 1500, 2500, 20, 8),
    ("C03", "竹在宅医院", "homecare_clinic", 4500, 2500, 15, 5),
    ("C04", "楓ホームクリニック", "homecare_clinic", 3500, 4500, 10, 2),
    ("C05", "梅の里診療所", "homecare_clinic", 500, 500, 8, 0),
    ("N01", "松訪問看護ステーション", "visiting_nurse", 3500, 2500, 40, 10),
    ("N02", "柳訪問看護ステーション", "visiting_nurse", 500, 3500, 25, 7),
    ("N03", "椿訪問看護ステーション", "visiting_nurse", 2500, 1500, 20, 3),
    ("N04", "藤訪問看護ステーション", "visiting_nurse", 5500, 500, 12, 1),
]
write("homecare.csv", to_csv(["id", "name", "kind", "x", "y", "patients_per_month", "shared_patients"],
                             [list(h) for h in homecare]))
