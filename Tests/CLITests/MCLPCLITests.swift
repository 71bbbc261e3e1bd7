import Foundation
import Testing
import TestSupport

/// `careatlas mclp` run as a user runs it: CHOSEN.csv, the exact last line of stdout, messages
/// and exit codes.
@Suite struct MCLPCLITests {
    /// A fresh folder with a small instance: sites A, B, C, D and demand as in the library's hand
    /// example, on a line (metres): A at 0, B at 1000, C at 2000, D at 2600; r = 600.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-mclp-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // d0 10 at −300 (A), d1 7 and d6 2 at 500 (A, B), d2 6 at 1000 (B), d3 5 at 1500 (B, C),
        // d4 9 at 2300 (C, D), d5 4 at 9000 (none).
        try """
            id,x,y,weight
            d0,-300,0,10
            d1,500,0,7
            d2,1000,0,6
            d3,1500,0,5
            d4,2300,0,9
            d5,9000,0,4
            d6,500,0,2

            """.write(to: url.appendingPathComponent("demand.csv"), atomically: true, encoding: .utf8)
        try "id,x,y\nA,0,0\nB,1000,0\nC,2000,0\nD,2600,0\n".write(
            to: url.appendingPathComponent("candidates.csv"), atomically: true, encoding: .utf8)
        return url
    }

    static func run(_ folder: URL, _ options: [String]) throws -> (run: CLITests.Run, chosen: String?) {
        let out = folder.appendingPathComponent("chosen.csv")
        let run = try CLITests.run(["mclp", "--demand", folder.appendingPathComponent("demand.csv").path,
                                    "--candidates", folder.appendingPathComponent("candidates.csv").path] + options
                                   + ["--out", out.path])
        return (run, try? String(contentsOf: out, encoding: .utf8))
    }

    @Test func choosesAndWritesTheSites() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // p = 2: A + C cover 10 + 7 + 2 + 5 + 9 = 33, the most of any pair.
        let (run, chosen) = try Self.run(folder, ["--radius", "600", "--p", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")  // not a terminal: no progress
        #expect(chosen == "id\nA\nC\n")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "" && lines.dropLast().last == "covered=33 optimal=true gap=0")
        #expect(run.stdout == "chosen=2 demand=7 candidates=4 bound=33 nodes=1 method=root bound\ncovered=33 optimal=true gap=0\n")
    }

    /// --json: one JSON object on stdout (a single line) with the figures of the text output;
    /// CHOSEN.csv is the same, byte for byte, on a second run.
    @Test func jsonOutput() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, chosen) = try Self.run(folder, ["--radius", "600", "--p", "2", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        #expect(run.stdout.hasSuffix("}\n") && run.stdout.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        // A + C cover 33 of the 43 weight: 76.74…%.
        #expect(object["covered"] as? Double == 33 && object["objective"] as? Double == 33)
        #expect(object["total_weight"] as? Double == 43)
        #expect(abs((object["percent_covered"] as? Double ?? 0) - 100 * 33 / 43) < 1e-12)
        #expect(object["chosen"] as? [String] == ["A", "C"])
        #expect(object["optimal"] as? Bool == true && object["gap"] as? Double == 0 && object["bound"] as? Double == 33)
        #expect(object["nodes"] as? Double == 1 && object["method"] as? String == "root bound")
        #expect(object["p"] as? Double == 2 && object["radius_m"] as? Double == 600)
        #expect(object["demand_points"] as? Double == 7 && object["candidate_sites"] as? Double == 4)
        #expect((object["seconds_solve"] as? Double ?? -1) >= 0 && (object["seconds_total"] as? Double ?? -1) >= 0)
        #expect(chosen == "id\nA\nC\n")
        let again = try Self.run(folder, ["--radius", "600", "--p", "2", "--json"])
        #expect(again.chosen == chosen)
    }

    @Test func idsInCandidateFileOrder() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, chosen) = try Self.run(folder, ["--radius", "600", "--p", "3"])
        #expect(run.status == 0)
        #expect(chosen == "id\nA\nB\nC\n")
        #expect(run.stdout.hasSuffix("\ncovered=39 optimal=true gap=0\n"))
    }

    @Test func longitudeLatitudeIsProjected() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Around Tokyo: 0.01° of latitude ≈ 1.11 km. Demand 1.0 km north of A, 1.2 km north of B.
        try "id,x,y,weight\nnear,139.75,35.709,3\nfar,139.80,35.7108,4\n".write(
            to: folder.appendingPathComponent("demand.csv"), atomically: true, encoding: .utf8)
        try "id,x,y\nA,139.75,35.70\nB,139.80,35.70\n".write(
            to: folder.appendingPathComponent("candidates.csv"), atomically: true, encoding: .utf8)
        let (run, chosen) = try Self.run(folder, ["--radius", "1100", "--p", "1", "--crs", "EPSG:4326"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(chosen == "id\nA\n")
        #expect(run.stdout.hasSuffix("\ncovered=3 optimal=true gap=0\n"))
    }

    @Test(arguments: [
        (["--radius", "600", "--p", "0"], "--p must be at least 1"),
        (["--radius", "600", "--p", "5"], "--p 5 is more than the 4 candidate sites"),
        (["--radius", "0", "--p", "1"], "--radius must be a distance in metres > 0"),
        (["--radius=-5", "--p", "1"], "--radius must be a distance in metres > 0"),
        (["--radius", "600", "--p", "1", "--time-limit", "0"], "--time-limit must be a number of seconds > 0"),
        (["--radius", "600", "--p", "1", "--crs", "EPSG:nonsense"], "--crs"),
    ])
    func badArgumentsAreUsageErrors(options: [String], message: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, chosen) = try Self.run(folder, options)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout == "" && chosen == nil)
    }

    @Test func missingFilesAreUsageErrors() throws {
        let r = try CLITests.run(["mclp", "--demand", "no/such/demand.csv", "--candidates", "no/such/c.csv", "--radius", "600",
                                  "--p", "1", "--out", "/tmp/careatlas-never.csv"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("Error: --demand no/such/demand.csv does not exist"))
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let noFolder = try CLITests.run(["mclp", "--demand", folder.appendingPathComponent("demand.csv").path, "--candidates",
                                         folder.appendingPathComponent("candidates.csv").path, "--radius", "600", "--p", "1",
                                         "--out", "/no/such/folder/chosen.csv"])
        #expect(noFolder.status == 64)
        #expect(noFolder.stderr.contains("the folder /no/such/folder does not exist"))
    }

    @Test func badRowsExitOneWithEveryProblem() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "id,x,y,weight\nd0,0,0,-1\nd0,0,0,1\n".write(to: folder.appendingPathComponent("demand.csv"), atomically: true, encoding: .utf8)
        let (run, chosen) = try Self.run(folder, ["--radius", "600", "--p", "1"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: demand.csv, line 2: column \"weight\": must be ≥ 0, got -1"))
        #expect(run.stderr.contains("error: demand.csv, line 3: id \"d0\" repeats line 2; ids must be unique"))
        #expect(run.stdout == "" && chosen == nil)
    }

    /// The spopt reference instance with p = 10 (Fixtures/mclp): the same objective as CBC.
    @Test func referenceInstance() throws {
        let fixtures = "Tests/CarePointsTests/Fixtures/mclp"
        let reference = try String(contentsOf: repositoryRoot.appendingPathComponent("\(fixtures)/reference.csv"), encoding: .utf8)
        let row = try #require(reference.split(separator: "\n").first { $0.hasPrefix("10,") })
        let covered = row.split(separator: ",")[1]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-mclp-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try CLITests.run(["mclp", "--demand", "\(fixtures)/demand.csv", "--candidates", "\(fixtures)/candidates.csv",
                                    "--radius", "3000", "--p", "10", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("\ncovered=\(covered) optimal=true gap=0\n"))
        let chosen = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(chosen.first == "id" && chosen.count == 11)
    }

    /// Study mode: the radius follows the study's cost (minutes on the demo's road network, metres in
    /// straight line); the known answers are in the library's StudyMCLPTests.
    @Test func studyModeRadiusFollowsTheCost() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("chosen.csv").path
        let minutes = try CLITests.run(["mclp", "geodata/demo/study_network.yaml", "--kinds", "hospital", "--p", "1",
                                        "--radius-minutes", "6", "--out", out, "--quiet"])
        #expect(minutes.status == 0, "\(minutes.stderr)")
        let chosen = try String(contentsOfFile: out, encoding: .utf8)
        #expect(chosen.hasPrefix("id\nH") && chosen.split(separator: "\n").count == 2)
        #expect(minutes.stdout.hasPrefix("chosen=1 ") && minutes.stdout.contains("optimal=true gap=0"))
        let metresOnNetwork = try CLITests.run(["mclp", "geodata/demo/study_network.yaml", "--kinds", "hospital", "--p", "1",
                                                "--radius", "1000", "--out", out, "--quiet"])
        #expect(metresOnNetwork.status == 1)
        #expect(metresOnNetwork.stderr.contains("the study's cost is network: the MCLP radius is a travel time"))
        let minutesInStraightLine = try CLITests.run(["mclp", "geodata/demo/study.yaml", "--kinds", "hospital", "--p", "1",
                                                      "--radius-minutes", "6", "--out", out, "--quiet"])
        #expect(minutesInStraightLine.status == 1)
        #expect(minutesInStraightLine.stderr.contains("the study's cost is straight_line: the MCLP radius is a distance"))
        let metres = try CLITests.run(["mclp", "geodata/demo/study.yaml", "--kinds", "hospital", "--p", "1", "--radius", "3000",
                                       "--out", out, "--quiet"])
        #expect(metres.status == 0, "\(metres.stderr)")
        let noKinds = try CLITests.run(["mclp", "geodata/demo/study.yaml", "--p", "1", "--radius", "3000", "--out", out])
        #expect(noKinds.status == 64 && noKinds.stderr.contains("study mode needs --kinds"))
        let both = try CLITests.run(["mclp", "geodata/demo/study.yaml", "--kinds", "hospital", "--p", "1", "--radius", "3000",
                                     "--radius-minutes", "6", "--out", out])
        #expect(both.status == 64 && both.stderr.contains("give one of --radius METRES"))
    }
}
