import Foundation
import Testing
import TestSupport

/// Every study command on the demo with small counts (six of the nine wards 1–9 patients): all of
/// its outputs, stdout included, go to the independent disclosure audit, each command alone and
/// all of them together. Then the demo with a single hospital: every command exits 0 and says why
/// the Huff model is absent.
@Suite struct CommandDisclosureTests {
    /// A copy of the demo (temporary folder) with the patient table (and the anchor's rows of the
    /// flow table, which are the same counts) changed, or with hospitals removed.
    static func variant(_ name: String, patients: [String: (Int, Int)] = [:], keepHospitals: Set<String>? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-\(name)-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("geodata/demo"), to: dir)
        func rewrite(_ file: String, _ body: ([String]) -> [String]?) throws {
            let url = dir.appendingPathComponent(file)
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            let kept = [lines[0]] + lines.dropFirst().compactMap { body($0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) }
                .map { $0.joined(separator: ",") }
            try (kept.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        if !patients.isEmpty {
            try rewrite("patients.csv") { f in
                guard let (consult, admission) = patients[f[0]] else { return f }
                return Array(f[0..<4]) + [String(f[3] == "pct_consult" ? consult : admission)]
            }
            try rewrite("flows.csv") { f in
                guard f[1] == "H01", let (consult, admission) = patients[f[0]] else { return f }
                return [f[0], f[1], String(consult + admission)]
            }
        }
        if let keep = keepHospitals {
            try rewrite("hospitals.csv") { keep.contains($0[0]) ? $0 : nil }
            try rewrite("flows.csv") { keep.contains($0[1]) ? $0 : nil }
        }
        return dir
    }

    /// 桜 3, 楓 7, 欅 6, 梅 5, 椿 9, 藤 4 (the demo has 8, 15, 6, 5, 12, 4).
    static let smallCounts: [String: (Int, Int)] = ["99101": (2, 1), "99102": (4, 3), "99108": (5, 4)]

    /// The demo's grouping file, read here (not through the engine).
    static let groups: [String: Set<String>] = {
        let text = (try? String(contentsOf: repositoryRoot.appendingPathComponent("geodata/demo/groups.csv"), encoding: .utf8)) ?? ""
        var groups: [String: Set<String>] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            if f.count == 3 { groups[f[2], default: []].insert(f[0]) }
        }
        return groups
    }()

    static let adjacency = Result { try DisclosureAudit.adjacency(study: repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    struct Output: Sendable {
        let command: String
        let status: Int32
        let stdout: String
        let stderr: String
        /// The output folder or file.
        let out: URL
    }

    /// Each command's arguments after the study; OUT is replaced by its output path.
    static let commands: [(name: String, arguments: [String])] = [
        ("summary", ["summary", "STUDY"]),
        ("summary --json", ["summary", "--json", "STUDY"]),
        ("catchment", ["catchment", "STUDY", "--out", "OUT"]),
        ("catchment --json", ["catchment", "--json", "STUDY", "--out", "OUT"]),
        ("access", ["access", "STUDY", "--out", "OUT", "--method", "2sfca", "--threshold", "3000", "--capacity", "patients_per_month"]),
        ("gaps", ["gaps", "STUDY", "--out", "OUT", "--capacity", "patients_per_month", "--need", "patients", "--within-km", "1"]),
        ("gaps --json", ["gaps", "--json", "STUDY", "--out", "OUT", "--capacity", "patients_per_month", "--need", "patients", "--within-km", "1"]),
        ("scenarios", ["scenarios", "STUDY", "--out", "OUT"]),
        ("scenarios --json", ["scenarios", "--json", "STUDY", "--out", "OUT"]),
        ("map", ["map", "STUDY", "--metric", "patients", "--format", "svg", "--out", "OUT.svg"]),
        ("report", ["report", "STUDY", "--out", "OUT"]),
    ]

    static func runAll(_ study: URL) throws -> [Output] {
        try commands.map { name, arguments in
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-cmd-\(UUID().uuidString)")
            let args = arguments.map { $0 == "STUDY" ? study.path : $0 == "OUT" ? out.path : $0 == "OUT.svg" ? out.path + ".svg" : $0 }
            let r = try CLITests.run(args)
            return Output(command: name, status: r.status, stdout: r.stdout, stderr: r.stderr,
                          out: arguments.contains("OUT.svg") ? URL(fileURLWithPath: out.path + ".svg") : out)
        }
    }

    static let small: Result<[Output], Error> = Result {
        let dir = try variant("small", patients: smallCounts)
        return try runAll(dir.appendingPathComponent("study.yaml"))
    }

    static func audit(_ outputs: [Output]) throws -> DisclosureAudit {
        var audit = DisclosureAudit(minCell: 10, groups: groups, anchorID: "H01")
        // The demo's boundaries (every variant has them): the growth of contiguous catchments.
        audit.adjacency = try adjacency.get()
        // Folders first (they carry the area line), then the terminal outputs.
        for o in outputs where FileManager.default.fileExists(atPath: o.out.path) && o.out.pathExtension != "svg" {
            try audit.add(folder: o.out)
        }
        for o in outputs { audit.add(stdout: o.stdout, name: o.command) }
        return audit
    }

    @Test(arguments: commands.map(\.name))
    func commandAloneDisclosesNothing(_ command: String) throws {
        let output = try #require(try Self.small.get().first { $0.command == command })
        #expect(output.status == 0, "\(command): \(output.stderr)")
        let audit = try Self.audit([output])
        #expect(audit.problems == [], "\(command)")
        #expect(audit.reconstructions() == [], "\(command)")
        #expect(audit.narrowedByAttacker() == [], "\(command)")
    }

    @Test func allCommandsTogetherDiscloseNothing() throws {
        let outputs = try Self.small.get()
        let audit = try Self.audit(outputs)
        #expect(audit.problems == [])
        #expect(audit.reconstructions() == [])
        let narrowed = audit.narrowedByAttacker()
        #expect(narrowed == [])
        let rules = audit.catchmentRules()
        print("disclosure all commands together (demo, small counts): \(audit.cells.values.filter { $0 == .hidden(primary: true) }.count) hidden small cells, "
              + "\(audit.cells.values.filter { $0 == .hidden(primary: false) }.count) secondary, \(narrowed.count) narrowed; "
              + "\(audit.equations.count) totals, \(audit.catchments.count) catchment lists read, \(rules.orders.count) orders and \(rules.bounds.count) bounds from them")
        // The catchments' member lists were read in both forms (the report's by code, catchment's
        // in the order taken), and their rules reach the attacker.
        #expect(audit.catchments.contains { $0.ordered } && audit.catchments.contains { !$0.ordered })
        #expect(!rules.orders.isEmpty && !rules.bounds.isEmpty)
        // The audit saw the line and protected cells, and totals over them.
        #expect(audit.cells.count == 10)
        #expect(audit.cells.values.filter { $0 == .hidden(primary: true) }.count == 6)
        #expect(audit.equations.count > 30)
    }

    /// The institutions' shared-patient counts (issue 15): one cell per institution, in no
    /// published sum; the institution list orders hidden ones by kind and id, the liaison lists by
    /// ward, band and name. The attacker, given every order those rows could imply, narrows none;
    /// the committed demo report the same.
    @Test func sharedPatientCountsNarrowNothing() throws {
        let report = try #require(try Self.small.get().first { $0.command == "report" })
        for folder in [report.out, repositoryRoot.appendingPathComponent("reports/demo")] {
            let r = try DisclosureAudit.sharedPatients(folder: folder, minCell: 10)
            print("disclosure shared patients (\(folder.lastPathComponent)): \(r.cells) institutions, \(r.hidden) hidden, \(r.narrowed.count) narrowed")
            #expect(r.problems == [])
            #expect(r.hidden >= 5)
            #expect(r.narrowed == [])
        }
    }

    /// Summary and catchment show what the report shows. With the attacker-verified decision
    /// (issue 15) the outside bucket (10) and the groups stay shown: 北部 16 over three hidden
    /// cells and 南部 18 over three leave each of them anywhere in 1 … 9; the anchor's 124
    /// patients in every area is then 134 − the shown 10, no secret.
    @Test func summaryAndServiceAreasAgreeWithTheReport() throws {
        let outputs = try Self.small.get()
        let summary = try #require(outputs.first { $0.command == "summary" }).stdout
        #expect(summary.contains("Patients: 134 in total, 10 outside the study areas"))
        #expect(summary.range(of: #"南部\s+18\s"#, options: .regularExpression) != nil)
        let report = try #require(outputs.first { $0.command == "report" })
        let areas = try String(contentsOf: report.out.appendingPathComponent("areas.csv"), encoding: .utf8)
        #expect(areas.contains("（対象地域外・不明）outside the study areas,,10,"))
        let catchment = try #require(outputs.first { $0.command == "catchment" })
        let serviceAreas = try String(contentsOf: catchment.out.appendingPathComponent("service_areas.csv"), encoding: .utf8)
        #expect(serviceAreas.contains("H01,架空大学病院,2,111,70,124,"))
    }

    /// The audit finds a leak between commands: the same outputs with the summary showing a cell
    /// the other outputs hide (桜 3) are flagged, as the old summary's leaks were.
    @Test func auditFindsTheOldSummaryLeak() throws {
        var outputs = try Self.small.get()
        let k = try #require(outputs.firstIndex { $0.command == "summary" })
        let old = outputs[k]
        let leaked = old.stdout.replacingOccurrences(
            of: #"(99101  桜区\s+)<10"#, with: "$1 3", options: .regularExpression)
        #expect(leaked != old.stdout)
        outputs[k] = Output(command: old.command, status: old.status, stdout: leaked, stderr: old.stderr, out: old.out)
        let audit = try Self.audit(outputs)
        #expect(audit.problems.contains { $0.hasPrefix("99101: hidden in") })
    }

    // MARK: A single hospital

    @Test func singleHospitalRunsEveryCommand() throws {
        let dir = try Self.variant("one", keepHospitals: ["H01"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outputs = try Self.runAll(dir.appendingPathComponent("study.yaml"))
        for o in outputs { #expect(o.status == 0, "\(o.command): \(o.stderr)") }
        let catchment = try #require(outputs.first { $0.command == "catchment" })
        let reason = "Huff not fitted: needs at least two institutions of kind hospital with beds > 0; found 1"
        #expect(catchment.stdout.contains("huff: not available: \(reason)"))
        let fit = try String(contentsOf: catchment.out.appendingPathComponent("huff_fit.csv"), encoding: .utf8)
        #expect(fit.contains("not available: \(reason)"))
        #expect(!FileManager.default.fileExists(atPath: catchment.out.appendingPathComponent("huff_areas.csv").path))
        #expect(FileManager.default.fileExists(atPath: catchment.out.appendingPathComponent("service_areas.csv").path))
        let json = try #require(outputs.first { $0.command == "catchment --json" }).stdout
        #expect(json.contains("\"fitted\":false") && json.contains(reason))
        let audit = try Self.audit(outputs)
        #expect(audit.problems == [])
        #expect(audit.reconstructions() == [])
        #expect(audit.narrowedByAttacker() == [])
    }
}
