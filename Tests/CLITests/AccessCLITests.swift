import Foundation
import Testing
import TestSupport

/// `careatlas access` run as a user runs it: on the PySAL reference fixtures, with exact output
/// files, summary lines, messages and exit codes.
@Suite struct AccessCLITests {
    static let fixtures = "Tests/CarePointsTests/Fixtures/access"

    /// A fresh folder for outputs.
    static func folder() throws -> URL {
        try ScratchFolder.make("careatlas-access-cli")
    }

    /// The reference scores of one column, by demand id, from reference_scores.csv.
    static func reference(_ column: String) throws -> [(id: String, score: Double)] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("\(fixtures)/reference_scores.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let index = try #require(header.firstIndex(of: column))
        return lines.map { ($0[0], Double($0[index])!) }
    }

    /// Runs `careatlas access` on the fixtures with `options`; returns the run and SCORES.csv.
    static func runOnFixtures(_ options: [String]) throws -> (run: CLITests.Run, scores: String) {
        let out = try folder().appendingPathComponent("scores.csv")
        let run = try CLITests.run(["access", "--demand", "\(fixtures)/demand.csv", "--supply", "\(fixtures)/supply.csv"]
                                   + options + ["--out", out.path])
        let scores = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        return (run, scores)
    }

    @Test func twoStepOnTheReferenceInstance() throws {
        let (run, scores) = try Self.runOnFixtures(["--method", "2sfca", "--threshold", "6000"])
        #expect(run.status == 0)
        #expect(run.stdout == "scored=2000 pairs=37938 undefined=4\n")
        #expect(run.stderr == "")  // not a terminal: no progress
        let lines = scores.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "id,score")
        #expect(lines.count == 2002 && lines.last == "")  // 2000 rows, each ending in LF
        let rows = lines.dropFirst().dropLast().map { $0.split(separator: ",").map(String.init) }
        let reference = try Self.reference("2sfca")
        #expect(rows.map { $0[0] } == reference.map(\.id), "rows in demand input order")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[1]) })
        #expect(byID["remote0"] == "nan" && byID["lonely_zero"] == "inf" && byID["zero_zero"] == "0")
        for (row, expected) in zip(rows, reference) {
            let text = row[1]
            guard let value = Double(text) else {
                Issue.record("\(row[0]): \(text) is not a number")
                continue
            }
            if value.isFinite {
                // 17 significant digits, exactly as %.17g writes them.
                #expect(text == String(format: "%.17g", value), "\(row[0]): \(text)")
                #expect(relativeDifference(value, expected.score) <= 1e-9, "\(row[0]): \(value) vs \(expected.score)")
            } else {
                #expect(value.isNaN ? expected.score.isNaN : value == expected.score, "\(row[0]): \(text)")
            }
        }
        #expect(byID["d0023"] == "0.00084249228684832333")  // the first reference row, to the last digit
    }

    /// Each method's options as REFERENCE.md lists them reproduce PySAL's column.
    @Test(arguments: [
        ("e2sfca", ["--method", "e2sfca", "--weights", "2000:1,4000:0.68,6000:0.22"]),
        ("e2sfca", ["--method", "e2sfca", "--threshold", "6000"]),  // the default bands are the same
        ("gaussian", ["--method", "gaussian", "--threshold", "6000", "--sigma", "3000"]),
        ("gravity", ["--method", "gravity", "--threshold", "6000", "--beta", "1.5", "--min-distance", "100"]),
        ("3sfca", ["--method", "3sfca", "--threshold", "6000"]),
        ("3sfca_gaussian", ["--method", "3sfca", "--threshold", "6000", "--sigma", "3000"]),
        ("2sfca_normalized", ["--method", "2sfca", "--threshold", "6000", "--normalize"]),
    ])
    func methodsMatchTheReference(column: String, options: [String]) throws {
        let (run, scores) = try Self.runOnFixtures(options)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "scored=2000 pairs=37938 undefined=4\n")
        let values = scores.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1])! }
        let reference = try Self.reference(column).map(\.score)
        #expect(values.count == reference.count)
        for (value, expected) in zip(values, reference) {
            if expected.isNaN {
                #expect(value.isNaN)
            } else if expected.isInfinite {
                #expect(value == expected)
            } else {
                #expect(relativeDifference(value, expected) <= 1e-9, "\(value) vs \(expected)")
            }
        }
    }

    /// A cost table instead of positions; ids with a comma are quoted in SCORES.csv.
    ///
    /// a–h costs 10, b–h 30 and b–k 20 minutes (the positions are ignored); d0 = 25: R_h = 6/100,
    /// R_k = 3/300; A_a = 0.06, A_b = 0.01, "c, east" reaches nothing.
    @Test func costMatrixMode() throws {
        let folder = try Self.folder()
        try "id,x,y,population\na,0,0,100\nb,0,0,300\n\"c, east\",0,0,50\n"
            .write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        try "id,x,y,capacity\nh,0,0,6\nk,0,0,3\n".write(to: folder.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        try "origin,destination,cost\na,h,10\nb,h,30\nb,k,20\n"
            .write(to: folder.appendingPathComponent("od.csv"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("scores.csv")
        let run = try CLITests.run([
            "access", "--demand", folder.appendingPathComponent("d.csv").path, "--supply", folder.appendingPathComponent("s.csv").path,
            "--cost-matrix", folder.appendingPathComponent("od.csv").path, "--method", "2sfca", "--threshold", "25",
            "--out", out.path,
        ])
        #expect(run.status == 0)
        #expect(run.stdout == "scored=3 pairs=2 undefined=1\n")
        #expect(try String(contentsOf: out, encoding: .utf8) == "id,score\na,0.059999999999999998\nb,0.01\n\"c, east\",nan\n")

        // An unknown id in the table: exit 1, the line named, no output written.
        try "origin,destination,cost\na,h,10\nb,x,30\n".write(to: folder.appendingPathComponent("od.csv"), atomically: true, encoding: .utf8)
        let out2 = folder.appendingPathComponent("scores2.csv")
        let bad = try CLITests.run([
            "access", "--demand", folder.appendingPathComponent("d.csv").path, "--supply", folder.appendingPathComponent("s.csv").path,
            "--cost-matrix", folder.appendingPathComponent("od.csv").path, "--method", "2sfca", "--threshold", "25",
            "--out", out2.path,
        ])
        #expect(bad.status == 1)
        #expect(bad.stdout == "")
        #expect(bad.stderr == "error: od.csv, line 3: destination \"x\" is not the id of a supply point; the origin column holds demand ids, the destination column supply ids\n")
        #expect(!FileManager.default.fileExists(atPath: out2.path))
    }

    /// Study mode with an imported table (issue 19: it was refused before): 松区 → N01 10, 柳区 → N01
    /// 30 and 柳区 → N02 20 minutes; d0 = 25: R_N01 = 40 / 2,000 (松区's 65+), R_N02 = 25 / 1,000
    /// (柳区's); A_松 = 0.02, A_柳 = 0.025; the other wards reach nothing (nan).
    @Test func studyModeWithACostMatrix() throws {
        let folder = try Self.folder()
        try "origin,destination,cost\n99105,N01,10\n99104,N01,30\n99104,N02,20\n"
            .write(to: folder.appendingPathComponent("od.csv"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try CLITests.run([
            "access", "geodata/demo/study.yaml", "--cost-matrix", folder.appendingPathComponent("od.csv").path, "--method", "2sfca",
            "--threshold", "25", "--kinds", "visiting_nurse", "--capacity", "patients_per_month", "--out", out.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "scored=9 pairs=2 undefined=7 no_data=0\n")
        let rows = try String(contentsOf: out.appendingPathComponent("access_scores.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        // area_code,area_name,demand_aged65,demand_status,score,score_status (split drops the empty score).
        let score = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { (String($0[0]), $0.count == 6 ? String($0[4]) : String($0.last!)) })
        #expect(Double(score["99105"]!) == 0.02 && Double(score["99104"]!) == 0.025 && score["99101"] == "no_supply_in_reach")

        try "origin,destination,cost\n99105,N01,10\n12345,N01,5\n".write(to: folder.appendingPathComponent("od.csv"), atomically: true, encoding: .utf8)
        let bad = try CLITests.run([
            "access", "geodata/demo/study.yaml", "--cost-matrix", folder.appendingPathComponent("od.csv").path, "--method", "2sfca",
            "--threshold", "25", "--kinds", "visiting_nurse", "--capacity", "patients_per_month", "--out", folder.appendingPathComponent("bad").path,
        ])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--cost-matrix od.csv: line 3: origin \"12345\" is no area of the study — origins are area codes of the study, destinations institution ids"))
    }

    /// Longitude/latitude with --crs: 0.01° of latitude at Tokyo Station is about 1109 m.
    @Test func lonLatWithCRS() throws {
        let folder = try Self.folder()
        try "id,x,y,population\na,139.7671,35.6812,10\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        try "id,x,y,capacity\nh,139.7671,35.6912,1\n".write(to: folder.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        func run(_ threshold: String, crs: [String]) throws -> CLITests.Run {
            try CLITests.run(["access", "--demand", folder.appendingPathComponent("d.csv").path,
                              "--supply", folder.appendingPathComponent("s.csv").path, "--method", "2sfca",
                              "--threshold", threshold, "--out", folder.appendingPathComponent("o.csv").path] + crs)
        }
        #expect(try run("1120", crs: ["--crs", "EPSG:4326"]).stdout == "scored=1 pairs=1 undefined=0\n")
        #expect(try run("1100", crs: ["--crs", "EPSG:4326"]).stdout == "scored=1 pairs=0 undefined=1\n")
        // Without --crs the degrees are taken as metres: a warning says so.
        let unprojected = try run("1100", crs: [])
        #expect(unprojected.status == 0)
        #expect(unprojected.stderr == "warning: the positions look like longitude/latitude degrees but --threshold is 1100 metres; give --crs EPSG:4326 (or the data's CRS) to project them\n")
    }

    @Test func badDataExitsOneWithEveryProblem() throws {
        let folder = try Self.folder()
        try "id,x,y,population\na,0,0,-1\na,0,0,2\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let run = try CLITests.run(["access", "--demand", folder.appendingPathComponent("d.csv").path,
                                    "--supply", "\(Self.fixtures)/supply.csv", "--method", "2sfca", "--threshold", "6000",
                                    "--out", folder.appendingPathComponent("o.csv").path])
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == """
            error: d.csv, line 2, column "population": population must be ≥ 0, got -1
            error: d.csv, line 3, column "id": "a" repeats line 2; ids must be unique

            """)
    }

    /// Usage errors: exit 64 and a message that says what to do.
    @Test(arguments: [
        (["--method", "2sfca", "--threshold", "6000", "--weights", "1000:1"],
         "Error: --weights applies to --method e2sfca or --method 3sfca, not to --method 2sfca; remove it or change the method"),
        (["--method", "2sfca", "--threshold", "6000", "--sigma", "100"],
         "Error: --sigma applies to --method gaussian or --method 3sfca, not to --method 2sfca; remove it or change the method"),
        (["--method", "gaussian", "--threshold", "6000", "--beta", "1"],
         "Error: --beta applies to --method gravity, not to --method gaussian; remove it or change the method"),
        (["--method", "e2sfca", "--weights", "1000:1;2000:0.5"],
         "Error: --weights \"1000:1;2000:0.5\": band 1 \"1000:1;2000:0.5\" is not limit:weight; write bands as limit:weight separated by commas, e.g. 1000:1,2000:0.68,3000:0.22"),
        (["--method", "e2sfca", "--weights", "2000:1,1000:0.5"],
         "Error: --weights \"2000:1,1000:0.5\": band 2: the limit 1000 does not exceed the previous limit 2000; list the bands in increasing order of their limits"),
        (["--method", "e2sfca", "--weights", "1000:1,3000:0.5", "--threshold", "5000"],
         "Error: --threshold 5000 differs from the last --weights limit 3000: the catchment ends at the last band; leave out --threshold or make it 3000"),
        (["--method", "gaussian", "--threshold", "6000"],
         "Error: --method gaussian needs --sigma METRES, the width of f(c) = exp(-c²/(2σ²)) (e.g. --sigma 3000 for --threshold 6000)"),
        (["--method", "gravity", "--threshold", "6000"], "Error: --method gravity needs --beta, the exponent of f(c) = c^(-β) (e.g. --beta 1)"),
        (["--method", "2sfca"], "Error: --method 2sfca needs --threshold METRES, the catchment size (e.g. --threshold 5000)"),
        (["--method", "2sfca", "--threshold", "0"], "Error: --threshold must be a number of metres > 0, got 0.0"),
        (["--method", "2sfca", "--threshold=-5"], "Error: --threshold must be a number of metres > 0, got -5.0"),
        (["--method", "3sfca", "--threshold", "6000", "--sigma", "1", "--weights", "6000:1"],
         "Error: give --sigma (Gaussian decay) or --weights (step decay) for --method 3sfca, not both"),
        (["--method", "2sfca", "--threshold", "6000", "--crs", "WGS84"],
         "Error: --crs: unrecognised CRS \"WGS84\": write it as EPSG:<code>, for example EPSG:6668 or EPSG:6677"),
        (["--method", "2sfca", "--threshold", "6000", "--detour-factor", "0.5"],
         "Error: --detour-factor must be a number ≥ 1 (e.g. 1.3), got 0.5"),
        (["--method", "2sfca", "--threshold", "6000", "--cost-matrix", "\(fixtures)/demand.csv", "--detour-factor", "1.3"],
         "Error: --detour-factor applies to straight-line costs; with --cost-matrix the table gives the costs"),
        (["--method", "2sfca", "--threshold", "6000", "--cost-matrix", "no/such/od.csv"], "Error: --cost-matrix no/such/od.csv does not exist"),
        (["--method", "nearest", "--threshold", "6000"],
         "Error: The value 'nearest' is invalid for '--method <method>'. Please provide one of '2sfca', 'e2sfca', 'gaussian', 'gravity' or '3sfca'."),
    ])
    func usageErrors(options: [String], message: String) throws {
        let folder = try Self.folder()
        let run = try CLITests.run(["access", "--demand", "\(Self.fixtures)/demand.csv", "--supply", "\(Self.fixtures)/supply.csv"]
                                   + options + ["--out", folder.appendingPathComponent("o.csv").path])
        #expect(run.status == 64)
        #expect(run.stdout == "")
        #expect(run.stderr.hasPrefix(message + "\n"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func modeAndPathErrors() throws {
        let missing = try CLITests.run(["access", "--method", "2sfca", "--threshold", "5000", "--out", "/tmp/x.csv"])
        #expect(missing.status == 64)
        #expect(missing.stderr.hasPrefix("Error: point mode needs --demand D.csv and --supply S.csv (or give a STUDY file)\n"))
        let both = try CLITests.run(["access", "geodata/demo/study.yaml", "--demand", "\(Self.fixtures)/demand.csv",
                                     "--method", "2sfca", "--out", "/tmp/x"])
        #expect(both.status == 64)
        #expect(both.stderr.hasPrefix("Error: give either a STUDY file or --demand and --supply, not both\n"))
        let study = try CLITests.run(["access", "geodata/demo/study.yaml", "--method", "2sfca", "--out", "/tmp/x"])
        #expect(study.status == 64)
        #expect(study.stderr.hasPrefix("Error: --method 2sfca needs --threshold METRES, the catchment size (e.g. --threshold 5000)\n"))
        let noFolder = try CLITests.run(["access", "--demand", "\(Self.fixtures)/demand.csv", "--supply", "\(Self.fixtures)/supply.csv",
                                         "--method", "2sfca", "--threshold", "5000", "--out", "/no/such/folder/s.csv"])
        #expect(noFolder.status == 64)
        #expect(noFolder.stderr.hasPrefix("Error: --out /no/such/folder/s.csv: the folder /no/such/folder does not exist\n"))
        let noDemand = try CLITests.run(["access", "--demand", "nothing.csv", "--supply", "\(Self.fixtures)/supply.csv",
                                         "--method", "2sfca", "--threshold", "5000", "--out", "/tmp/s.csv"])
        #expect(noDemand.status == 64)
        #expect(noDemand.stderr.hasPrefix("Error: --demand nothing.csv does not exist\n"))
    }

    /// An existing SCORES.csv is replaced whole, and two runs give the same bytes.
    @Test func outputIsReplacedAndDeterministic() throws {
        let out = try Self.folder().appendingPathComponent("scores.csv")
        try "stale\n".write(to: out, atomically: true, encoding: .utf8)
        let arguments = ["access", "--demand", "\(Self.fixtures)/demand.csv", "--supply", "\(Self.fixtures)/supply.csv",
                         "--method", "3sfca", "--threshold", "6000", "--sigma", "3000", "--out", out.path]
        #expect(try CLITests.run(arguments).status == 0)
        let first = try Data(contentsOf: out)
        #expect(try CLITests.run(arguments).status == 0)
        #expect(try Data(contentsOf: out) == first)
        #expect(first.starts(with: Data("id,score\n".utf8)))
    }
}
