import Foundation
import Testing
import TestSupport

/// A study loaded from patient records: every output of `report`, `catchment`, `summary` and
/// `validate` (files, stdout and stderr) is scanned for the records' addresses, postal codes and
/// distinctive address parts. None may appear.
@Suite struct PatientRecordsPrivacyTests {
    static let study = "geodata/demo/study_records.yaml"

    /// Every postal code and address of the demo records (an address that is only a municipality
    /// name, 架空市梅区, is left out: outputs name municipalities), plus house numbers and building names.
    static func fragments() throws -> [String] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("geodata/demo/patient_records.csv"), encoding: .utf8)
        var out: Set<String> = ["メゾン桜", "1-5-45", "１－５－４５", "２番３号", "123番地", "字東456", "境通", "〒"]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for f in fields.prefix(2) where !f.isEmpty && f != "架空市梅区" { out.insert(f) }
        }
        return out.sorted()
    }

    static func scan(_ text: String, _ what: String, _ fragments: [String]) {
        for f in fragments { #expect(!text.contains(f), "\(what) contains \"\(f)\"") }
    }

    @Test func noRowLevelValueInAnyOutput() throws {
        let fragments = try Self.fragments()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-records-privacy-\(getpid())")
        defer { try? FileManager.default.removeItem(at: base) }
        var runs: [(String, CLITests.Run)] = []
        for command in ["report", "catchment"] {
            let out = base.appendingPathComponent(command).path
            let r = try CLITests.run([command, Self.study, "--out", out])
            #expect(r.status == 0, "\(command): \(r.stderr)")
            runs.append((command, r))
        }
        runs.append(("summary", try CLITests.run(["summary", Self.study])))
        runs.append(("summary --json", try CLITests.run(["summary", "--json", Self.study])))
        runs.append(("validate", try CLITests.run(["validate", Self.study])))
        for (name, r) in runs {
            Self.scan(r.stdout, "\(name) stdout", fragments)
            Self.scan(r.stderr, "\(name) stderr", fragments)
        }
        var files = 0
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard let data = try? Data(contentsOf: url), !data.isEmpty else { continue }
            files += 1
            // Text files are scanned as UTF-8; binary ones (PDF, PNG, GeoPackage) for the UTF-8 bytes too.
            let text = String(decoding: data, as: UTF8.self)
            Self.scan(text, url.lastPathComponent, fragments)
        }
        #expect(files > 10, "the report and catchment folders should hold many files, found \(files)")
        // The report's data section gives the counts per match level, with the small-cell rule.
        let html = try String(contentsOf: base.appendingPathComponent("report/report.html"), encoding: .utf8)
        #expect(html.contains("Patient records geocoded offline"))
        #expect(html.contains("町丁 15、大字・町 &lt;10、市区町村 &lt;10、unmatched &lt;10") || html.contains("町丁 15、大字・町 <10、市区町村 <10、unmatched <10"))
        // The validate output does give the counts per match level.
        #expect(runs.last!.1.stdout.contains("23 patient records geocoded: 町丁 15, 大字・町 <10, 市区町村 <10, unmatched <10"))
    }
}

/// `validate --show-unmatched` prints the unplaced rows' own text, so it refuses to run when
/// standard error is not a terminal (a file or a pipe would keep patient addresses).
@Suite struct ShowUnmatchedTests {
    @Test func refusedWhenStderrIsNotATerminal() throws {
        let r = try CLITests.run(["validate", "--show-unmatched", PatientRecordsPrivacyTests.study])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--show-unmatched prints patient addresses and goes to a terminal only"))
        PatientRecordsPrivacyTests.scan(r.stdout + r.stderr, "validate --show-unmatched", try PatientRecordsPrivacyTests.fragments())
    }
}
