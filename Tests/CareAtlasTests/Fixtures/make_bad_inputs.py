#!/usr/bin/env python3
"""Generates the bad-input corpus: one folder per case under bad/, each a copy of the demo study
with one defect. Each case's expected diagnostic lives in bad/<case>/expected.txt; the test
`BadInputCorpusTests` compares them exactly (CAREATLAS_REGENERATE=1 rewrites expected.txt files
from the actual output, for review in git diff).

Run from anywhere: python3 Tests/CareAtlasTests/Fixtures/make_bad_inputs.py
"""
import os, shutil, json

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.normpath(os.path.join(HERE, "../../../geodata/demo"))
OUT = os.path.join(HERE, "bad")
FILES = ["study.yaml", "wards.geojson", "small_areas.geojson", "population_wards.csv",
         "population_small_areas.csv", "patients.csv", "flows.csv", "hospitals.csv", "homecare.csv", "groups.csv"]

def read(name):
    with open(os.path.join(DEMO, name), encoding="utf-8", newline="") as f:
        return f.read()

cases = {}
DIRECTORY = object()  # the file is replaced by an empty directory

class SymLink(str):
    """The file is replaced by a symbolic link to this (relative) target."""

def case(name, **changes):
    """changes: file name -> new text (str), bytes, or None to delete the file."""
    cases[name] = changes

def replace(name, old, new, count=1):
    """Replaces in the demo file `name`, or in `name` itself when it is already text (not a file name)."""
    text = read(name) if name in FILES else name
    assert old in text, (name[:40], old)
    return text.replace(old, new, count)

# --- patients.csv
case("count_not_a_number", **{"patients.csv": replace("patients.csv", "99101,桜区,2025,pct_consult,5", "99101,桜区,2025,pct_consult,abc")})
case("count_negative", **{"patients.csv": replace("patients.csv", "99101,桜区,2025,pct_consult,5", "99101,桜区,2025,pct_consult,-3")})
case("count_decimal", **{"patients.csv": replace("patients.csv", "99101,桜区,2025,pct_consult,5", "99101,桜区,2025,pct_consult,2.5")})
case("count_empty", **{"patients.csv": replace("patients.csv", "99101,桜区,2025,pct_consult,5", "99101,桜区,2025,pct_consult,")})
case("unknown_area_code", **{"patients.csv": replace("patients.csv", "99101,桜区,2025,pct_consult,5", "99110,桜区,2025,pct_consult,5")})
case("wrong_check_digit", **{"patients.csv": replace("patients.csv", "99105,松区,2025,pct_consult,24", "991059,松区,2025,pct_consult,24")})
case("patients_file_empty", **{"patients.csv": ""})
case("patients_header_only", **{"patients.csv": "area_code,area_name,fiscal_year,service,patients\n"})
case("patients_wrong_delimiter", **{"patients.csv": read("patients.csv").replace(",", "|")})
case("patients_ragged_row", **{"patients.csv": replace("patients.csv", "99102,楓区,2025,pct_consult,9", "99102,楓区,2025,pct_consult,9,extra")})
case("patients_unclosed_quote", **{"patients.csv": replace("patients.csv", "99103,欅区,2025,pct_consult,4", '99103,"欅区,2025,pct_consult,4')})
case("patients_missing_column", **{"study.yaml": replace("study.yaml", "count: patients", "count: patient_count")})
case("patients_bom_mid_file", **{"patients.csv": replace("patients.csv", "99104,柳区,2025,pct_consult,18", "\ufeff99104,柳区,2025,pct_consult,18")})
case("patients_invalid_utf8", **{"patients.csv": read("patients.csv").encode("utf-8").replace("欅区".encode(), b"\xff\xfe\xfd", 1)})
case("patients_file_missing", **{"patients.csv": None})
case("patients_exact_duplicate_row", **{"patients.csv": replace("patients.csv", "99101,桜区,2025,pct_consult,5\n", "99101,桜区,2025,pct_consult,5\n99101,桜区,2025,pct_consult,5\n")})
case("filter_matches_nothing", **{"study.yaml": replace("study.yaml", "  # filter: {service: pcu_admission}   # keep only PCU admissions", "  filter: {service: pcu}")})

# --- institutions
case("lonlat_swapped", **{"hospitals.csv": replace("hospitals.csv", "H02,柳中央病院,hospital,139.8411002,36.0243354", "H02,柳中央病院,hospital,36.0243354,139.8411002")})
case("latitude_out_of_range", **{"hospitals.csv": replace("hospitals.csv", "139.8411002,36.0243354", "139.8411002,96.0243354")})
case("institution_far_away", **{"hospitals.csv": replace("hospitals.csv", "139.8411002,36.0243354", "135.5000000,34.6900000")})
case("institution_outside_areas", **{"homecare.csv": replace("homecare.csv", "C05,梅の里診療所,homecare_clinic,500,500", "C05,梅の里診療所,homecare_clinic,-5000,500")})
case("institution_duplicate_id", **{"homecare.csv": replace("homecare.csv", "C02,柳在宅診療所", "C01,柳在宅診療所")})
case("institution_position_not_number", **{"homecare.csv": replace("homecare.csv", "C05,梅の里診療所,homecare_clinic,500,500", "C05,梅の里診療所,homecare_clinic,abc,500")})
case("anchor_unknown", **{"study.yaml": replace("study.yaml", "anchor: H01", "anchor: H99")})

# --- areas
wards = json.loads(read("wards.geojson"))
def dump(fc):
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"][0].pop()
case("area_unclosed_ring", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][1]["properties"]["code"] = "99101"
case("area_duplicate_id", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"] = [[[0, 4000], [2000, 6000], [2000, 4000], [0, 6000], [0, 4000]]]
case("area_bow_tie", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"] = [[[0, 4000], [3000, 4000], [3000, 6000], [0, 6000], [0, 4000]]]
case("areas_overlap", **{"wards.geojson": dump(w)})
case("area_truncated_json", **{"wards.geojson": read("wards.geojson")[:700]})
w = json.loads(read("wards.geojson")); w["features"][2]["geometry"]["coordinates"][0][1] = [4000, "6000"]
case("area_string_coordinate", **{"wards.geojson": dump(w)})
case("area_missing_id_field", **{"study.yaml": replace("study.yaml", "    id: code\n    label: name\n    label_en: name_en", "    id: ward_code\n    label: name\n    label_en: name_en")})
case("area_null_id_not_dropped", **{"study.yaml": replace("study.yaml", "drop_null_ids: true ", "drop_null_ids: false ")})

# --- population
case("population_not_a_number", **{"population_wards.csv": replace("population_wards.csv", "99101,桜区,4000", "99101,桜区,many")})
case("population_duplicate_row", **{"population_wards.csv": read("population_wards.csv") + "99101,桜区,4000,1000,2000\n"})
case("population_level_without_areas", **{"study.yaml": replace("study.yaml", "    level: small_area\n    id: code\n    columns: {total: population}", "    level: prefecture\n    id: code\n    columns: {total: population}")})

# --- study file
case("study_unknown_key", **{"study.yaml": replace("study.yaml", "population:\n  - file: population_wards.csv", "populaton:\n  - file: population_wards.csv")})
case("study_bad_level", **{"study.yaml": replace("study.yaml", "level: municipality\n    id: code\n    label: name", "level: ward\n    id: code\n    label: name")})
case("study_bad_crs", **{"study.yaml": replace("study.yaml", "crs: auto ", "crs: Tokyo ")})
case("study_yaml_syntax", **{"study.yaml": replace("study.yaml", "  min_cell: 10", "  min_cell: [10")})
case("study_min_cell_zero", **{"study.yaml": replace("study.yaml", "  min_cell: 10", "  min_cell: 0")})
case("study_xy_without_crs", **{"study.yaml": replace("study.yaml", "    crs: EPSG:6677\n", "")})
case("study_empty", **{"study.yaml": ""})

# --- issue 9: coordinates, rings, encodings, types, file kinds (small enough to commit; the big
# cases — 10 MB property, 1 million rows, FIFO, unreadable file — are generated at test time by
# BadInputCorpusTests.generatedCases)
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"][0][1] = [float("nan"), 4000]
case("area_nan_coordinate", **{"wards.geojson": json.dumps(w, ensure_ascii=False, separators=(",", ":"))})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"][0][2] = [1e308, 1e308]
case("area_huge_coordinate", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"] = [[]]
case("area_empty_ring", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"] = []
case("area_empty_polygon", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"]["coordinates"] = [[[0, 4000], [2000, 4000], [0, 4000]]]
case("area_ring_too_short", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[0, 4000], [2000, 4000]]}
case("area_wrong_geometry_type", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"][0]["properties"]["code"] = 99101
case("ok_area_numeric_id", **{"wards.geojson": dump(w)})
w = json.loads(read("wards.geojson")); w["features"] = {"0": w["features"][0]}
case("area_features_not_array", **{"wards.geojson": dump(w)})
case("area_not_geojson", **{"wards.geojson": '{"type":"Topology","objects":{}}'})
case("area_empty_file", **{"wards.geojson": ""})
case("area_utf16", **{"wards.geojson": read("wards.geojson").encode("utf-16")})
case("patients_mixed_encodings", **{"patients.csv": read("patients.csv").encode("utf-8").replace("欅区".encode(), "欅区".encode("cp932"), 1)})
case("patients_nul_byte", **{"patients.csv": read("patients.csv").encode("utf-8").replace(b"99104", b"99\x00104", 1)})
case("patients_is_directory", **{"patients.csv": DIRECTORY})
case("patients_dangling_symlink", **{"patients.csv": SymLink("no_such_patients.csv")})
case("population_huge_number", **{"population_wards.csv": replace("population_wards.csv", "99101,桜区,4000", "99101,桜区,1e308")})
case("institution_nan_position", **{"homecare.csv": replace("homecare.csv", "C05,梅の里診療所,homecare_clinic,500,500", "C05,梅の里診療所,homecare_clinic,NaN,500")})
case("institution_huge_position", **{"homecare.csv": replace("homecare.csv", "C05,梅の里診療所,homecare_clinic,500,500", "C05,梅の里診療所,homecare_clinic,1e308,500")})
case("study_wrong_type_min_cell", **{"study.yaml": replace("study.yaml", "  min_cell: 10", "  min_cell: ten")})
case("study_privacy_not_a_mapping", **{"study.yaml": replace("study.yaml", "privacy:\n  min_cell: 10", "privacy: 10\n  #")})
case("study_is_directory", **{"study.yaml": DIRECTORY})

# --- point CSVs of `careatlas access` (demand.csv + supply.csv) and `careatlas mclp` (demand.csv +
# candidates.csv): folders points_<tool>_<case>, read by BadInputCorpusTests.pointCaseReportMatchesExpected
POINTS = {
    "access": {"demand.csv": "id,x,y,population\nd1,0,0,100\nd2,1000,0,200\nd3,0,1000,300\n",
               "supply.csv": "id,x,y,capacity\ns1,500,500,10\ns2,1500,0,5\n"},
    "mclp": {"demand.csv": "id,x,y,weight\nd1,0,0,100\nd2,1000,0,200\nd3,0,1000,300\n",
             "candidates.csv": "id,x,y\nc1,500,500\nc2,1500,0\n"},
}
point_cases = {}
def point_case(tool, name, **changes):
    files = dict(POINTS[tool])
    for f, change in changes.items():
        files[f] = change(files[f]) if callable(change) else change
    point_cases[f"points_{tool}_{name}"] = files
point_case("access", "ok", )
point_case("access", "nan_position", **{"demand.csv": lambda t: t.replace("d2,1000,0", "d2,NaN,0")})
point_case("access", "huge_position", **{"supply.csv": lambda t: t.replace("s2,1500,0", "s2,1e308,0")})
point_case("access", "infinite_capacity", **{"supply.csv": lambda t: t.replace("s1,500,500,10", "s1,500,500,inf")})
point_case("access", "negative_population", **{"demand.csv": lambda t: t.replace("d3,0,1000,300", "d3,0,1000,-300")})
point_case("access", "duplicate_id", **{"demand.csv": lambda t: t.replace("d3,", "d1,")})
point_case("access", "missing_column", **{"supply.csv": lambda t: t.replace("capacity", "beds")})
point_case("access", "header_only", **{"demand.csv": "id,x,y,population\n"})
point_case("access", "bom_mid_file", **{"demand.csv": lambda t: t.replace("d2,", "\ufeffd2,")})
point_case("access", "is_directory", **{"supply.csv": DIRECTORY})
point_case("mclp", "ok")
point_case("mclp", "negative_weight", **{"demand.csv": lambda t: t.replace("d2,1000,0,200", "d2,1000,0,-1")})
point_case("mclp", "empty_id", **{"candidates.csv": lambda t: t.replace("c2,", ",")})
point_case("mclp", "huge_position", **{"candidates.csv": lambda t: t.replace("c2,1500,0", "c2,1500,-1e300")})
point_case("mclp", "text_position", **{"candidates.csv": lambda t: t.replace("c1,500,500", "c1,五百,500")})
point_case("mclp", "ragged_row", **{"demand.csv": lambda t: t.replace("d1,0,0,100", "d1,0,0,100,extra")})
point_case("mclp", "cp932_names_ok", **{"candidates.csv": "id,x,y,name\nc1,500,500,病院\nc2,1500,0,診療所\n".encode("cp932")})

# --- inputs that must load (tolerated quirks): expected.txt says what the loader reports
case("ok_patients_cp932", **{"patients.csv": read("patients.csv").encode("cp932")})
case("ok_patients_bom_crlf", **{"patients.csv": ("\ufeff" + read("patients.csv").replace("\n", "\r\n")).encode("utf-8")})
case("ok_check_digit_and_fullwidth", **{"patients.csv": replace(replace("patients.csv", "99105,松区,2025,pct_consult,24", "991058,松区,2025,pct_consult,２４"), "99101,桜区,2025,pct_consult,5", " 99101 ,桜区,2025,pct_consult,\"5\"")})
case("ok_thousands_separators", **{"population_wards.csv": replace("population_wards.csv", "99105,松区,10000,2000,5000", '99105,松区,"10,000","2,000","5,000"')})

# expected.txt files are kept (the test writes them with CAREATLAS_REGENERATE=1)
kept = {}
for name in (os.listdir(OUT) if os.path.isdir(OUT) else []):
    path = os.path.join(OUT, name, "expected.txt")
    if os.path.exists(path):
        with open(path, "rb") as f:
            kept[name] = f.read()
shutil.rmtree(OUT, ignore_errors=True)
for name, changes in sorted(cases.items()):
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    for f in FILES:
        if f in changes:
            content = changes[f]
            if content is None:
                continue
            if content is DIRECTORY:
                os.makedirs(os.path.join(folder, f))
                with open(os.path.join(folder, f, ".keep"), "w") as keep:  # git keeps no empty folders
                    keep.write("this folder stands where a file is expected\n")
                continue
            if isinstance(content, SymLink):
                os.symlink(str(content), os.path.join(folder, f))
                continue
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(os.path.join(folder, f), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as out:
                out.write(content)
        else:
            shutil.copy(os.path.join(DEMO, f), os.path.join(folder, f))
for name, files in sorted(point_cases.items()):
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    for f, content in files.items():
        if content is DIRECTORY:
            os.makedirs(os.path.join(folder, f))
            with open(os.path.join(folder, f, ".keep"), "w") as keep:
                keep.write("this folder stands where a file is expected\n")
            continue
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(os.path.join(folder, f), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as out:
            out.write(content)
cases.update(point_cases)
for name, content in kept.items():
    if name.startswith("generated_"):  # made at test time; only the expected report is committed
        os.makedirs(os.path.join(OUT, name))
    if name in cases or name.startswith("generated_"):
        with open(os.path.join(OUT, name, "expected.txt"), "wb") as f:
            f.write(content)
print(f"{len(cases)} cases written to {OUT}")
