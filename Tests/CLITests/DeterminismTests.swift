import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Two runs of every command on the same inputs give byte-identical outputs (stdout and every
/// file), each run in its own process, so that Swift's per-process hash seed changes dictionary
/// and set iteration order between them. Commands that appear later (map, report) are added here
/// when they are in `careatlas --help`; ``everyOutputCommandIsCovered`` fails until they are.
@Suite struct DeterminismTests {
    /// The subcommands this suite runs; the ones without outputs of their own are listed too.
    static let covered: Set<String> = ["inspect", "validate", "summary", "catchment", "access", "gaps", "scenarios", "mclp", "map", "report"]

    /// Seeded point files for the point modes of access and mclp (metres, EPSG:6677-like plane).
    static func pointFiles(in folder: URL) throws {
        var rng = SplitMix64(state: 0x5EED_0009)
        var demand = "id,x,y,population\n", supply = "id,x,y,capacity\n", candidates = "id,x,y\n"
        for i in 0..<300 {
            demand += String(format: "d%03d,%.2f,%.2f,%d\n", i, rng.uniform(0...20_000), rng.uniform(0...20_000), rng.int(1...900))
        }
        for i in 0..<40 {
            supply += String(format: "s%02d,%.2f,%.2f,%.1f\n", i, rng.uniform(0...20_000), rng.uniform(0...20_000), rng.uniform(1...50))
            candidates += String(format: "c%02d,%.2f,%.2f\n", i, rng.uniform(0...20_000), rng.uniform(0...20_000))
        }
        try Data(demand.utf8).write(to: folder.appendingPathComponent("demand.csv"))
        try Data(supply.utf8).write(to: folder.appendingPathComponent("supply.csv"))
        try Data(candidates.utf8).write(to: folder.appendingPathComponent("candidates.csv"))
        // mclp reads the demand's weight column.
        try Data(demand.replacingOccurrences(of: "id,x,y,population", with: "id,x,y,weight").utf8)
            .write(to: folder.appendingPathComponent("mclp_demand.csv"))
    }

    /// Every file under `folder` (relative path → bytes).
    static func contents(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return result
    }

    /// A command line; `{out}` is replaced by the run's output path, `{pts}` by the point-file folder.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        /// Whether `{out}` is a folder (else a single file, or no output).
        let outputIsFolder: Bool
        var testDescription: String { name }
    }

    static let demo = "geodata/demo/study.yaml"
    static let cases: [Case] = [
        Case(name: "inspect", arguments: ["inspect", "geodata/demo/wards.geojson", "geodata/demo/small_areas.geojson"], outputIsFolder: false),
        Case(name: "inspect --json", arguments: ["inspect", "--json", "geodata/demo/wards.geojson", "geodata/demo/small_areas.geojson"], outputIsFolder: false),
        Case(name: "validate", arguments: ["validate", demo], outputIsFolder: false),
        Case(name: "summary", arguments: ["summary", demo], outputIsFolder: false),
        Case(name: "summary --json", arguments: ["summary", "--json", demo], outputIsFolder: false),
        Case(name: "catchment", arguments: ["catchment", demo, "--out", "{out}"], outputIsFolder: true),
        Case(name: "catchment --excel", arguments: ["catchment", demo, "--excel", "--out", "{out}"], outputIsFolder: true),
        Case(name: "access (study)", arguments: ["access", demo, "--out", "{out}", "--method", "e2sfca", "--threshold", "3000",
                                                 "--kinds", "visiting_nurse", "--capacity", "patients_per_month"], outputIsFolder: true),
        Case(name: "access (points)", arguments: ["access", "--demand", "{pts}/demand.csv", "--supply", "{pts}/supply.csv",
                                                  "--method", "gaussian", "--threshold", "6000", "--sigma", "3000", "--out", "{out}"], outputIsFolder: false),
        Case(name: "access (points, 3sfca)", arguments: ["access", "--demand", "{pts}/demand.csv", "--supply", "{pts}/supply.csv",
                                                         "--method", "3sfca", "--threshold", "5000", "--sigma", "2500", "--normalize",
                                                         "--out", "{out}"], outputIsFolder: false),
        Case(name: "gaps", arguments: ["gaps", demo, "--out", "{out}", "--threshold", "3000", "--kinds", "visiting_nurse",
                                       "--capacity", "patients_per_month", "--within-km", "2"], outputIsFolder: true),
        Case(name: "scenarios", arguments: ["scenarios", demo, "--out", "{out}"], outputIsFolder: true),
        Case(name: "map png", arguments: ["map", demo, "--metric", "penetration", "--format", "png", "--out", "{out}"], outputIsFolder: false),
        Case(name: "map pdf", arguments: ["map", demo, "--metric", "patients", "--format", "pdf", "--out", "{out}"], outputIsFolder: false),
        Case(name: "map svg", arguments: ["map", demo, "--metric", "gaps", "--format", "svg", "--out", "{out}"], outputIsFolder: false),
        // The real 区中央部 case (hundreds of areas: more room for hash-order effects); skipped
        // with a message when ../shared/geodata is absent.
        Case(name: "summary --json (区中央部)", arguments: ["summary", "--json", "geodata/cases/kuchubu.yaml"], outputIsFolder: false),
        Case(name: "catchment (区中央部)", arguments: ["catchment", "geodata/cases/kuchubu.yaml", "--out", "{out}"], outputIsFolder: true),
        Case(name: "scenarios (区中央部)", arguments: ["scenarios", "geodata/cases/kuchubu.yaml", "--out", "{out}"], outputIsFolder: true),
        Case(name: "report (区中央部)", arguments: ["report", "geodata/cases/kuchubu.yaml", "--out", "{out}"], outputIsFolder: true),
        Case(name: "report --lang en --excel", arguments: ["report", demo, "--lang", "en", "--excel", "--out", "{out}"], outputIsFolder: true),
        Case(name: "mclp", arguments: ["mclp", "--demand", "{pts}/mclp_demand.csv", "--candidates", "{pts}/candidates.csv",
                                       "--radius", "3000", "--p", "5", "--out", "{out}"], outputIsFolder: false),
    ]

    @Test(arguments: cases)
    func twoRunsAreByteIdentical(_ c: Case) throws {
        if c.arguments.contains("geodata/cases/kuchubu.yaml"), SharedData.root == nil {
            print(SharedData.skipMessage)
            return
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-determinism-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let points = base.appendingPathComponent("points")
        try FileManager.default.createDirectory(at: points, withIntermediateDirectories: true)
        try Self.pointFiles(in: points)

        var runs: [(stdout: String, files: [String: Data])] = []
        for i in 0..<2 {
            let format = c.arguments.firstIndex(of: "--format").map { "." + c.arguments[$0 + 1] } ?? ".csv"
            let out = base.appendingPathComponent("run\(i)" + (c.outputIsFolder ? "" : format))
            let arguments = c.arguments.map {
                $0.replacingOccurrences(of: "{out}", with: out.path).replacingOccurrences(of: "{pts}", with: points.path)
            }
            let run = try CLITests.run(arguments)
            #expect(run.status == 0, "\(c.name): \(run.stderr)")
            // The output path is the only part of stdout allowed to differ.
            let stdout = run.stdout.replacingOccurrences(of: out.path, with: "{out}")
            var files: [String: Data] = [:]
            if c.arguments.contains("{out}") {
                files = c.outputIsFolder ? try Self.contents(out) : ["file": try Data(contentsOf: out)]
                #expect(!files.isEmpty, "\(c.name) wrote nothing")
            }
            runs.append((stdout, files))
        }
        #expect(runs[0].stdout == runs[1].stdout, "\(c.name): stdout differs between runs")
        #expect(runs[0].files.keys.sorted() == runs[1].files.keys.sorted(), "\(c.name): different files")
        for (name, data) in runs[0].files.sorted(by: { $0.key < $1.key }) {
            #expect(runs[1].files[name] == data, "\(c.name): \(name) differs between runs")
        }
    }

    /// Every subcommand listed by `careatlas --help` is run above.
    @Test func everyOutputCommandIsCovered() throws {
        let help = try CLITests.run(["--help"]).stdout
        guard let start = help.range(of: "SUBCOMMANDS:") else {
            Issue.record("no SUBCOMMANDS in --help")
            return
        }
        // The subcommand list ends at the first empty line.
        let section = help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { !$0.isEmpty }
        let commands = section.compactMap { line -> String? in
            // A subcommand line starts with exactly two spaces; its description continues further in.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first else { return nil }
            return word == "help" ? nil : String(word)
        }
        #expect(!commands.isEmpty)
        for command in commands {
            #expect(Self.covered.contains(command), "careatlas \(command) is not covered by DeterminismTests: add it to cases")
        }
    }
}

/// A `careatlas catchment` run killed with SIGKILL at a random moment leaves the output folder
/// holding either the complete old output set or the complete new one (OutputFolder's staging
/// folder and exchange), and the next run cleans up what the killed one left.
@Suite struct InterruptedRunTests {
    /// Hash of every file in the folder (name and bytes), ignoring nothing.
    static func fingerprint(_ folder: URL) throws -> [String: Data] {
        try DeterminismTests.contents(folder)
    }

    @Test func killedRunsLeaveTheOldOrTheNewSet() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let out = base.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)

        // Two different complete sets: the old one with suppression at the study's 10, the new one
        // with --no-suppression (different bytes in several files) and --excel (every CSV differs).
        let oldArguments = ["catchment", "geodata/demo/study.yaml", "--out", out.path]
        let newArguments = ["catchment", "geodata/demo/study.yaml", "--out", out.path, "--excel", "--no-suppression"]
        #expect(try CLITests.run(newArguments).status == 0)
        let newSet = try Self.fingerprint(out)
        try FileManager.default.removeItem(at: out)
        #expect(try CLITests.run(oldArguments).status == 0)
        let oldSet = try Self.fingerprint(out)
        #expect(oldSet != newSet)
        #expect(oldSet.keys.contains(".careatlas-manifest"))

        // How long a run takes, to spread the kills over it.
        let started = ContinuousClock.now
        #expect(try CLITests.run(oldArguments).status == 0)
        let runTime = ContinuousClock.now - started
        let seconds = Double(runTime.components.seconds) + Double(runTime.components.attoseconds) * 1e-18
        let microseconds = max(Int(seconds * 1e6), 1_000)

        var rng = SplitMix64(state: 0x0009_0009)
        var sawOld = 0, sawNew = 0
        let iterations = 40
        for i in 0..<iterations {
            // Alternate the direction so that both old → new and new → old are interrupted.
            let arguments = i % 2 == 0 ? newArguments : oldArguments
            let before = try Self.fingerprint(out)
            let process = Process()
            process.executableURL = CLITests.executable
            process.arguments = arguments
            process.currentDirectoryURL = repositoryRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(rng.int(0...(microseconds * 11 / 10))))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try Self.fingerprint(out)
            let isOld = after == oldSet, isNew = after == newSet
            #expect(isOld || isNew, "iteration \(i): the output folder holds a mix (\(after.count) files)")
            #expect(after == before || after == (arguments == newArguments ? newSet : oldSet), "iteration \(i)")
            if isOld { sawOld += 1 }
            if isNew { sawNew += 1 }
        }
        #expect(sawOld + sawNew == iterations)
        print("killed \(iterations) catchment runs (a run takes \(runTime)): \(sawOld) left the old set, \(sawNew) the new one")

        // The next complete run removes every staging folder the killed runs left beside `out`.
        #expect(try CLITests.run(oldArguments).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path) == ["out"])
        #expect(try Self.fingerprint(out) == oldSet)
    }
}
