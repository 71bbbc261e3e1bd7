#!/usr/bin/env python3
"""Generates the second bad-input corpus (issue 14: hostile and unusual input): one folder per case
under hostile/, holding only the files that differ from the demo study (geodata/demo), an `args`
file (the careatlas command line, one argument per line, run in a copy of the demo with the case's
files laid over it) and `expected.txt` (exit code, stderr, and stdout — all of it for `validate`,
the note/warning/error lines for the other commands). The test is CLITests/HostileInputCorpusTests;
CAREATLAS_REGENERATE=1 rewrites expected.txt files from the actual runs (review them in git diff).

Run from anywhere: python3 Tests/CareAtlasTests/Fixtures/make_hostile_inputs.py
"""
import os, shutil, json

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.normpath(os.path.join(HERE, "../../../geodata/demo"))
OUT = os.path.join(HERE, "hostile")


def read(name):
    with open(os.path.join(DEMO, name), encoding="utf-8", newline="") as f:
        return f.read()


class SymLink(str):
    """The file is replaced by a symbolic link to this (relative) target."""


cases = {}


def case(name, args, **files):
    """args: the command line after `careatlas`; files: name -> text, bytes or SymLink."""
    assert name not in cases, name
    cases[name] = (args, files)


def replace(name, old, new, count=1):
    """Replaces in the demo file `name`, or in `name` itself when it is already text."""
    text = read(name) if "\n" not in name else name
    assert old in text, (name, old)
    return text.replace(old, new, count)


def study(old, new):
    return {"study.yaml": replace("study.yaml", old, new)}


V = ["validate", "study.yaml"]
P1 = "99101,桜区,2025,pct_consult,5"

# --- ranges and overflow: counts
case("count_int64_max", V, **{"patients.csv": replace("patients.csv", P1, "99101,桜区,2025,pct_consult,9223372036854775807")})
case("count_above_int64", V, **{"patients.csv": replace("patients.csv", P1, "99101,桜区,2025,pct_consult,99999999999999999999")})
case("count_just_above_limit", V, **{"patients.csv": replace("patients.csv", P1, "99101,桜区,2025,pct_consult,1000000001")})
case("ok_count_at_limit", V, **{"patients.csv": replace("patients.csv", P1, "99101,桜区,2025,pct_consult,1000000000")})
case("count_total_above_limit", V, **{"patients.csv": read("patients.csv") + "".join(
    f"99105,松区,{3000 + i},pct_consult,1000000000\n" for i in range(1001))})
case("count_rows_summing_past_int64", V, **{"patients.csv": read("patients.csv") + "".join(
    f"99105,松区,{3000 + i},pct_consult,4611686018427387904\n" for i in range(3))})
case("shared_patients_int64_max", V, **{"homecare.csv": replace("homecare.csv", "C01,松町在宅クリニック,homecare_clinic,2500,3500,30,12",
                                                                "C01,松町在宅クリニック,homecare_clinic,2500,3500,30,9223372036854775807")})
case("flows_count_int64_max", V, **{"flows.csv": replace("flows.csv", "99101,H01,8", "99101,H01,9223372036854775807")})

# --- ranges: privacy.min_cell
for value, name in [("1", "min_cell_1"), ("4", "min_cell_4"), ("9223372036854775807", "min_cell_int64_max"),
                    ("7.5", "min_cell_decimal"), ("1e300", "min_cell_1e300"), ("-10", "min_cell_negative")]:
    case(name, V, **study("  min_cell: 10 ", f"  min_cell: {value} "))
case("ok_min_cell_5_warned", V, **study("  min_cell: 10 ", "  min_cell: 5 "))
case("ok_min_cell_9_warned", V, **study("  min_cell: 10 ", "  min_cell: 9 "))

# --- ranges: budgets, frontier, liaison
STAGE4 = "budget: {max_institutions: 4, kinds"
case("budget_population_1e300", V, **study(STAGE4, "budget: {max_population: 1e300, kinds"))
case("budget_institutions_int64_max", V, **study(STAGE4, "budget: {max_institutions: 9223372036854775807, kinds"))
case("budget_areas_above_1e12", V, **study(STAGE4, "budget: {max_areas: 1e13, kinds"))
case("budget_population_infinite", V, **study(STAGE4, "budget: {max_population: .inf, kinds"))
case("ok_budget_above_what_the_level_holds", ["scenarios", "study.yaml", "--out", "out"],
     **{"study.yaml": replace(replace("study.yaml", STAGE4, "budget: {max_institutions: 40, kinds"),
                              "budget: {max_institutions: 7, kinds", "budget: {max_institutions: 1000000, kinds")})
case("frontier_up_to_million", V, **study("up_to: 9}", "up_to: 1000000}"))
case("frontier_up_to_int64_max", V, **study("up_to: 9}", "up_to: 9223372036854775807}"))
case("frontier_up_to_decimal", V, **study("up_to: 9}", "up_to: 2.5}"))
case("frontier_up_to_zero", V, **study("up_to: 9}", "up_to: 0}"))
case("ok_frontier_up_to_10000_stops_at_the_level", ["scenarios", "study.yaml", "--out", "out"], **study("up_to: 9}", "up_to: 10000}"))
case("min_shared_1e300", V, **study("liaison: {min_shared: 1,", "liaison: {min_shared: 1e300,"))
case("min_shared_negative", V, **study("liaison: {min_shared: 1,", "liaison: {min_shared: -1,"))

# --- dates
case("report_date_february_30", V, **study('report_date: "2026-04-01"', 'report_date: "2026-02-30"'))
case("report_date_month_13", V, **study('report_date: "2026-04-01"', 'report_date: "2026-13-45"'))
case("report_date_february_29_not_leap", V, **study('report_date: "2026-04-01"', 'report_date: "2026-02-29"'))
case("report_date_words", V, **study('report_date: "2026-04-01"', 'report_date: "next April"'))
case("ok_report_date_leap_day", V, **study('report_date: "2026-04-01"', 'report_date: "2028-02-29"'))
case("cli_date_month_13", ["report", "study.yaml", "--out", "out", "--date", "2026-13-45"])
case("cli_date_february_30", ["report", "study.yaml", "--out", "out", "--date", "2026-02-30"])

# --- messages
case("duplicate_top_level_key", V, **study("anchor: H01\n", "anchor: H01\nanchor: H02\n"))
case("duplicate_key_in_a_layer", V, **study("    id: code\n    label: name\n    parent: ward", "    id: code\n    label: name\n    id: name\n    parent: ward"))
case("duplicate_key_flow_style", V, **study("liaison: {min_shared: 1,", "liaison: {min_shared: 1, min_shared: 2,"))
case("patients_blank_rows_at_the_end", V, **{"patients.csv": read("patients.csv") + ",,,,\n,,,,\n,,,,\n"})
case("population_blank_rows_at_the_end_crlf", V, **{"population_wards.csv": read("population_wards.csv").replace("\n", "\r\n") + ",,,,\r\n"})
case("patients_symlink_loop", V, **{"patients.csv": SymLink("patients_again.csv"), "patients_again.csv": SymLink("patients.csv")})
case("patients_symlink_to_itself", V, **{"patients.csv": SymLink("patients.csv")})

# --- geometry
w = json.loads(read("wards.geojson"))
for f in w["features"]:
    if f["properties"].get("code") == "99105":
        ring = f["geometry"]["coordinates"][0]
        dense = []
        for a, b in zip(ring, ring[1:]):
            dense += [a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]]
        f["geometry"]["coordinates"][0] = dense + [ring[-1]]
collinear = json.dumps(w, ensure_ascii=False, separators=(",", ":"))
case("ok_ward_collinear_vertices", V, **{"wards.geojson": collinear})
case("ok_ward_collinear_vertices_catchment", ["catchment", "study.yaml", "--out", "out"], **{"wards.geojson": collinear})
case("ok_ward_collinear_vertices_scenarios", ["scenarios", "study.yaml", "--out", "out"], **{"wards.geojson": collinear})
w = json.loads(read("wards.geojson"))
for f in w["features"]:
    if f["properties"].get("code") == "99105":
        ring = f["geometry"]["coordinates"][0]
        f["geometry"]["coordinates"][0] = [ring[0], ring[0]] + ring[1:3] + [ring[2]] + ring[3:]
case("ok_ward_repeated_vertices", V, **{"wards.geojson": json.dumps(w, ensure_ascii=False, separators=(",", ":"))})
w = json.loads(read("wards.geojson"))
for f in w["features"]:
    if f["properties"].get("code") == "99105":
        ring = f["geometry"]["coordinates"][0]
        f["geometry"]["coordinates"][0] = ring[:1] + [[ring[0][0] + 1e-9, ring[0][1] + 1e-9]] + ring[1:]
case("ok_ward_nearly_coincident_vertices", V, **{"wards.geojson": json.dumps(w, ensure_ascii=False, separators=(",", ":"))})
w = json.loads(read("wards.geojson"))
w["features"] = [f for f in w["features"] if f["properties"].get("code") == "99105"]
case("ok_single_ward_with_warnings", V, **{"wards.geojson": json.dumps(w, ensure_ascii=False, separators=(",", ":"))})
w = json.loads(read("wards.geojson"))
w["features"] = []
case("no_wards", V, **{"wards.geojson": json.dumps(w, ensure_ascii=False, separators=(",", ":"))})
pop = read("population_wards.csv").split("\n")
same_need = "\n".join([pop[0]] + [",".join(l.split(",")[:3] + ["1000"] + l.split(",")[4:]) for l in pop[1:] if l]) + "\n"
case("ok_no_access_gaps_report", ["report", "study.yaml", "--out", "out"],
     **{"population_wards.csv": same_need,
        "study.yaml": replace("study.yaml", "threshold_m: 3000, within_km: 2}", "threshold_m: 100000, within_km: 100}")})

# --- GEOS inside analyses: institutions 5e-324 m apart (a copied row) made the Voronoi
# triangulation fail ("LocateFailureException: Could not locate vertex"); sites within 1 mm are one
case("ok_institutions_nearly_coincident", ["catchment", "study.yaml", "--out", "out"],
     **{"homecare.csv": read("homecare.csv") + "C06,角の診療所,homecare_clinic,0,0,5,0\n"
        "C07,角の診療所（複写）,homecare_clinic,5e-324,0,5,0\nC08,角の診療所（別写）,homecare_clinic,0,5e-324,5,0\n"})
case("ok_frontier_areas_up_to_10000_stops_at_the_level", ["scenarios", "study.yaml", "--out", "out"],
     **study("frontier: {budget: max_institutions, kinds: [homecare_clinic, visiting_nurse], up_to: 9}", "frontier: {budget: max_areas, up_to: 10000}"))

# --- output folder
C = ["catchment", "study.yaml", "--out"]
case("out_empty", C + [""])
case("out_current_folder", C + ["."])
case("out_parent_of_the_current_folder", C + [".."])
case("out_root", C + ["/"])
case("out_is_a_file", C + ["patients.csv"])
case("ok_out_inside_the_study_folder", C + ["out/sub"])
case("out_symlink_to_the_study_folder", C + ["link"], **{"link": SymLink(".")})

# expected.txt files are kept (the test writes them with CAREATLAS_REGENERATE=1)
kept = {}
for name in (os.listdir(OUT) if os.path.isdir(OUT) else []):
    path = os.path.join(OUT, name, "expected.txt")
    if os.path.exists(path):
        with open(path, "rb") as f:
            kept[name] = f.read()
shutil.rmtree(OUT, ignore_errors=True)
for name, (args, files) in sorted(cases.items()):
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    with open(os.path.join(folder, "args"), "w", encoding="utf-8") as f:
        f.write("".join(a + "\n" for a in args))
    for fname, content in files.items():
        path = os.path.join(folder, fname)
        if isinstance(content, SymLink):
            os.symlink(str(content), path)
            continue
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as out:
            out.write(content)
    if name in kept:
        with open(os.path.join(folder, "expected.txt"), "wb") as f:
            f.write(kept[name])
print(f"{len(cases)} cases written to {OUT}")
