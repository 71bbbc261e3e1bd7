#!/usr/bin/env python3
"""Patient records of the demo (架空市): one row per patient episode with a postal code and/or an
address in every format variant the geocoder reads, plus the fictional reference tables it needs:

- gazetteer_demo.dbf  — a census-style small-area attribute table (dBASE III, CP932) of 架空県:
  KEY_CODE = the demo's small-area codes (991010001 …), KEN_NAME, GST_NAME (架空市 / 架空郡),
  CSS_NAME (ward / town), MOJI (町丁・字 name), JINKO, X_CODE/Y_CODE (centroid lon/lat), HCODE;
- postal_demo.csv     — a postal table in Japan Post's KEN_ALL.CSV layout as Japan Post writes it
  (CP932, half-width kana, numbers unquoted, one long 町域 split over two rows, a code shared by two
  wards);
- patient_records.csv — the records (UTF-8), with the expected placement of each row in
  patient_records_expected.csv (used by the known-answer tests).

Every name, address and code is fictional. Run from anywhere, after make_demo.py (whose layout it
follows): python3 geodata/demo/make_demo_records.py. Requires cs2cs (Debian proj-bin) for the centroids.
"""
import csv, io, os, struct, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

# ward code, ward name, column, row (as in make_demo.py), and the names of its four small areas
# (NW, NE, SW, SE = codes …0001 … …0004), chosen to exercise the normaliser.
WARDS = [
    ("99101", "桜区", 0, 0, ["桜ケ丘１丁目", "桜ケ丘２丁目", "桜ケ丘３丁目", "桜ケ丘４丁目"]),     # ヶ/ケ/が
    ("99102", "楓区", 1, 0, ["楓町一丁目", "楓町二丁目", "楓町三丁目", "楓町四丁目"]),             # kanji numerals
    ("99103", "欅区", 2, 0, ["欅ノ木１丁目", "欅ノ木２丁目", "欅ノ木３丁目", "欅ノ木４丁目"]),     # 之/ノ/の
    ("99104", "柳区", 0, 1, ["柳沢１丁目", "柳沢２丁目", "柳沢３丁目", "柳沢４丁目"]),             # 澤/沢
    ("99105", "松区", 1, 1, ["松原１丁目", "松原２丁目", "松原３丁目", "松原４丁目"]),             # 1-5-45 forms
    ("99106", "竹区", 2, 1, ["大字竹林", "大字竹山", "大字竹田", "大字竹野"]),                     # 大字・字, no 丁目
    ("99107", "梅区", 0, 2, ["梅園１丁目", "梅園２丁目", "梅園３丁目", "梅園４丁目"]),
    ("99108", "椿区", 1, 2, ["椿台１丁目", "椿台２丁目", "椿台３丁目", "椿台４丁目"]),
    ("99109", "藤区", 2, 2, ["藤見１丁目", "藤見２丁目", "藤見３丁目", "藤見４丁目"]),
]
QUADRANTS = [("0001", 0, 1), ("0002", 1, 1), ("0003", 0, 0), ("0004", 1, 0)]
POP = {  # as make_demo.py
    "99101": (1000, 1000, 1000, 1000), "99102": (2000, 2000, 1000, 1000), "99103": (500, 500, 500, 500),
    "99104": (3000, 1000, 0, 0),       "99105": (2500, 2500, 2500, 2500), "99106": (1500, 1500, 1500, 1500),
    "99107": (1000, 0, 1000, 0),       "99108": (2000, 2000, 2000, 2000), "99109": (800, 800, 800, 1600),
}


def lonlat(points):
    text = "".join(f"{y} {x}\n" for x, y in points)  # EPSG:6677 axis order is northing, easting
    res = subprocess.run(["cs2cs", "EPSG:6677", "EPSG:4326", "-f", "%.5f"], input=text,
                         capture_output=True, text=True, check=True)
    return [(float(l.split()[1]), float(l.split()[0])) for l in res.stdout.strip().splitlines()]


# --- gazetteer_demo.dbf -------------------------------------------------------------------------
rows = []  # KEY_CODE, KEN_NAME, GST_NAME, CSS_NAME, MOJI, JINKO, x, y, HCODE
centres = []
for code, ward, col, row, names in WARDS:
    x0, y0 = col * 2000, (2 - row) * 2000
    for (suffix, qc, qr), name, pop in zip(QUADRANTS, names, POP[code]):
        centres.append((x0 + qc * 1000 + 500, y0 + qr * 1000 + 500))
        rows.append([code + suffix, "架空県", "架空市", ward, name, pop, None, None, 8101])
# A town of a county outside the study's areas, and a water area.
centres += [(7500, 3000), (6500, 500)]
rows.append(["993010001", "架空県", "架空郡", "空町", "空町", 300, None, None, 8101])
rows.append(["991090005", "架空県", "架空市", "藤区", "藤見湖", 0, None, None, 8154])
for r, (lon, lat) in zip(rows, lonlat(centres)):
    r[6], r[7] = lon, lat

FIELDS = [("KEY_CODE", "C", 11, 0), ("KEN_NAME", "C", 12, 0), ("GST_NAME", "C", 14, 0), ("CSS_NAME", "C", 14, 0),
          ("MOJI", "C", 96, 0), ("JINKO", "N", 10, 0), ("X_CODE", "N", 19, 5), ("Y_CODE", "N", 19, 5), ("HCODE", "N", 4, 0)]


def dbf(records):
    record_length = 1 + sum(f[2] for f in FIELDS)
    header_length = 32 + 32 * len(FIELDS) + 1
    out = bytearray(struct.pack("<BBBBIHH20x", 0x03, 126, 4, 1, len(records), header_length, record_length))
    out[29] = 0x13  # language driver: Japanese (CP932)
    for name, kind, length, decimals in FIELDS:
        out += struct.pack("<11sc4xBB14x", name.encode("ascii"), kind.encode("ascii"), length, decimals)
    out += b"\r"
    for rec in records:
        out += b" "
        for (name, kind, length, decimals), value in zip(FIELDS, rec):
            if kind == "C":
                raw = str(value).encode("cp932")
                out += raw.ljust(length, b" ")
            else:
                text = f"{value:.{decimals}f}" if decimals else str(value)
                out += text.encode("ascii").rjust(length, b" ")
    out += b"\x1a"
    return bytes(out)


with open(os.path.join(HERE, "gazetteer_demo.dbf"), "wb") as f:
    f.write(dbf(rows))

# --- postal_demo.csv (KEN_ALL.CSV layout, CP932, half-width kana) --------------------------------
POSTAL = [  # code5, postal, kana city, kana town, city, town
    ("99101", "9900100", "ｶｸｳｼｻｸﾗｸ", "ｲｶﾆｹｲｻｲｶﾞﾅｲﾊﾞｱｲ", "架空市桜区", "以下に掲載がない場合"),
    ("99101", "9900101", "ｶｸｳｼｻｸﾗｸ", "ｻｸﾗｶﾞｵｶ", "架空市桜区", "桜ケ丘"),
    ("99102", "9900102", "ｶｸｳｼｶｴﾃﾞｸ", "ｶｴﾃﾞﾁｮｳ", "架空市楓区", "楓町"),
    ("99103", "9900103", "ｶｸｳｼｹﾔｷｸ", "ｹﾔｷﾉｷ", "架空市欅区", "欅ノ木"),
    ("99104", "9900104", "ｶｸｳｼﾔﾅｷﾞｸ", "ﾔﾅｷﾞｻﾜ", "架空市柳区", "柳沢"),
    ("99105", "9900105", "ｶｸｳｼﾏﾂｸ", "ﾏﾂﾊﾞﾗ", "架空市松区", "松原"),
    # a long 町域 split over two rows, as Japan Post writes them
    ("99106", "9900106", "ｶｸｳｼﾀｹｸ", "ﾀｹﾊﾞﾔｼ(1-3ﾊﾞﾝﾁ､5ﾊﾞﾝﾁ､", "架空市竹区", "竹林（１～３番地、５番地、"),
    ("99106", "9900106", "ｶｸｳｼﾀｹｸ", "7ﾊﾞﾝﾁ)", "架空市竹区", "７番地）"),
    ("99107", "9900107", "ｶｸｳｼｳﾒｸ", "ｳﾒｿﾞﾉ", "架空市梅区", "梅園"),
    ("99108", "9900108", "ｶｸｳｼﾂﾊﾞｷｸ", "ﾂﾊﾞｷﾀﾞｲ", "架空市椿区", "椿台"),
    ("99109", "9900109", "ｶｸｳｼﾌｼﾞｸ", "ﾌｼﾞﾐ", "架空市藤区", "藤見"),
    # one code shared by two wards (a street on their border)
    ("99104", "9900999", "ｶｸｳｼﾔﾅｷﾞｸ", "ｻｶｲﾄﾞｵﾘ", "架空市柳区", "境通"),
    ("99105", "9900999", "ｶｸｳｼﾏﾂｸ", "ｻｶｲﾄﾞｵﾘ", "架空市松区", "境通"),
    ("99301", "9903001", "ｶｸｳｸﾞﾝｿﾗﾏﾁ", "ｿﾗﾏﾁ", "架空郡空町", "空町"),
]
lines = []
for code5, postal, kcity, ktown, city, town in POSTAL:
    fields = [code5, f'"{postal[:3]}  "', f'"{postal}"', '"ｶｸｳｹﾝ"', f'"{kcity}"', f'"{ktown}"', '"架空県"',
              f'"{city}"', f'"{town}"', "0", "0", "0", "0", "0", "0"]
    lines.append(",".join(fields))
with open(os.path.join(HERE, "postal_demo.csv"), "wb") as f:
    f.write(("\r\n".join(lines) + "\r\n").encode("cp932"))

# --- patient_records.csv and the expected placements ---------------------------------------------
# postal code, address, service, fiscal year, age band, expected level, expected area (small area,
# ward, or "outside"), and the reason when outside or coarser than 町丁.
RECORDS = [
    ("990-0101", "架空県架空市桜区桜ヶ丘１丁目２番３号", "pct_consult", 2025, "75-84", "町丁", "991010001", ""),
    ("", "架空市桜区桜が丘2-5-1 メゾン桜101号室", "pct_consult", 2025, "65-74", "町丁", "991010002", ""),
    ("9900101", "桜区桜ケ丘三丁目4番地", "pcu_admission", 2025, "75-84", "町丁", "991010003", ""),
    ("〒990-0102", "架空市楓区楓町一丁目１－１", "pct_consult", 2025, "85+", "町丁", "991020001", ""),
    ("", "架空市　楓区　楓町　２丁目　３ー４", "pcu_admission", 2025, "75-84", "町丁", "991020002", ""),
    ("９９０－０１０３", "架空市欅区欅之木1-2", "pct_consult", 2025, "65-74", "町丁", "991030001", ""),
    ("", "架空県架空市欅区欅の木４丁目", "pct_consult", 2024, "75-84", "町丁", "991030004", ""),
    ("", "架空市柳区柳澤二丁目", "pcu_admission", 2025, "85+", "町丁", "991040002", ""),
    ("990-0105", "架空市松区松原4-1-1 5F", "pct_consult", 2025, "75-84", "町丁", "991050004", ""),
    ("", "架空市松区松原１－５－４５", "pct_consult", 2025, "65-74", "町丁", "991050001", ""),
    ("", "架空市松区松原３丁目２番", "pct_consult", 2025, "65-74", "町丁", "991050003", ""),
    ("", "架空市竹区大字竹林123番地", "pcu_admission", 2025, "75-84", "町丁", "991060001", ""),
    ("", "架空市竹区竹山字東456", "pct_consult", 2025, "85+", "町丁", "991060002", ""),
    ("990-0108", "", "pct_consult", 2025, "75-84", "大字・町", "99108", "town from the postal code's 町域"),
    ("", "架空市梅区", "pcu_admission", 2025, "75-84", "市区町村", "99107", ""),
    ("", "架空市梅区梅園9丁目1", "pct_consult", 2025, "65-74", "大字・町", "99107", "chome not in the census table of the town"),
    ("990-0101", "架空市藤区藤見1-1", "pct_consult", 2025, "75-84", "町丁", "991090001", "postal code and address name different municipalities"),
    ("990-0999", "", "pct_consult", 2025, "75-84", "unmatched", "outside", "postal code shared by several municipalities"),
    ("990-0999", "架空市柳区境通5", "pct_consult", 2025, "75-84", "市区町村", "99104", "town (machi/oaza) not found in the municipality"),
    ("", "大阪府大阪市北区梅田1-1", "pct_consult", 2025, "75-84", "unmatched", "outside", "prefecture not in the gazetteer"),
    ("", "", "pcu_admission", 2025, "85+", "unmatched", "outside", "no address and no postal code"),
    ("990-3001", "架空県架空郡空町空町1-2", "pct_consult", 2025, "75-84", "町丁", "outside", "municipality not in the study areas"),
    ("123-4567", "", "pct_consult", 2025, "65-74", "unmatched", "outside", "postal code not in the postal table"),
]
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["郵便番号", "住所", "service", "fiscal_year", "age_band"])
for r in RECORDS:
    w.writerow(r[:5])
with open(os.path.join(HERE, "patient_records.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(out.getvalue())
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["line", "level", "area", "reason"])
for i, r in enumerate(RECORDS):
    w.writerow([i + 2, r[5], r[6], r[7]])
with open(os.path.join(HERE, "patient_records_expected.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(out.getvalue())
