import CareAtlas
import CareExport
import CarePoints
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Testing
import TestSupport

/// The bad-input corpus (Fixtures/bad, made by Fixtures/make_bad_inputs.py): each case is the demo
/// study with one defect, and `expected.txt` holds the exact `careatlas validate` report for it.
/// Set CAREATLAS_REGENERATE=1 to rewrite the expected files from the actual reports (then review
/// the git diff).
@Suite struct BadInputCorpusTests {
    static let corpus = repositoryRoot.appendingPathComponent("Tests/CareAtlasTests/Fixtures/bad")
    /// Committed cases; `generated_…` folders hold only the expected report of a case made at test
    /// time (see ``generatedCases``).
    static let cases: [String] = allFolders.filter { !$0.hasPrefix("generated_") && !$0.hasPrefix("points_") }
    /// Point-file cases of `careatlas access` and `careatlas mclp` (folders `points_<tool>_<case>`).
    static let pointCases: [String] = allFolders.filter { $0.hasPrefix("points_") }
    static let allFolders: [String] = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path))?.sorted() ?? []
    static let regenerate = ProcessInfo.processInfo.environment["CAREATLAS_REGENERATE"] == "1"

    @Test func corpusHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.allFolders.filter { $0.hasPrefix("generated_") }) == Set(Self.generatedCases.keys.map { "generated_" + $0 }))
    }

    // MARK: - Point files of access and mclp

    /// The report for a point case: one line per file, `demand.csv: 3 points` or the reader's error.
    static func pointReport(_ folder: URL) -> String {
        let access = folder.lastPathComponent.hasPrefix("points_access_")
        func line(_ file: String, _ read: (URL) throws -> Int) -> String {
            do { return "\(file): \(try read(folder.appendingPathComponent(file))) points\n" } catch { return "\(file): \(error)\n" }
        }
        if access {
            return line("demand.csv") { try AccessInput.readDemand(contentsOf: $0).count }
                + line("supply.csv") { try AccessInput.readSupply(contentsOf: $0).count }
        }
        return line("demand.csv") { try MCLPInput.readDemand(contentsOf: $0).count }
            + line("candidates.csv") { try MCLPInput.readCandidates(contentsOf: $0).count }
    }

    @Test(arguments: pointCases)
    func pointCaseReportMatchesExpected(_ name: String) throws {
        let folder = Self.corpus.appendingPathComponent(name)
        let actual = Self.pointReport(folder).replacingOccurrences(of: folder.path, with: "$CASE")
        let expectedURL = folder.appendingPathComponent("expected.txt")
        if Self.regenerate {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(actual == (try String(contentsOf: expectedURL, encoding: .utf8)), "case \(name)")
        // Cases with "ok" read every row; the others name a problem in at least one file.
        let readAll = actual.split(separator: "\n").allSatisfy { $0.hasSuffix(" points") }
        #expect(readAll == name.contains("_ok"), "case \(name): \(actual)")
    }

    // MARK: - Cases made at test time (too big to commit, or not storable in git)

    /// Each generated case starts from a copy of the demo study in a temporary folder and changes it.
    /// Its report, with the temporary folder's path written as `$CASE`, must equal
    /// `bad/generated_<name>/expected.txt`. Names starting with `ok_` must load.
    static let generatedCases: [String: @Sendable (URL) throws -> Void] = [
        // A 10 MB string property (a pasted document in a notes column): read, kept, no error.
        "ok_area_10mb_property": { folder in
            let url = folder.appendingPathComponent("wards.geojson")
            var text = try String(contentsOf: url, encoding: .utf8)
            let note = String(repeating: "長文メモ。", count: 10_485_760 / 15)  // 3 bytes per character
            text = text.replacingOccurrences(of: #""name":"桜区""#, with: #""name":"桜区","note":""# + note + #"""#)
            try Data(text.utf8).write(to: url)
        },
        // One million patient rows (one patient each, in a ward and a service that exist): every row
        // counted, none dropped.
        "ok_patients_million_rows": { folder in
            var text = "area_code,area_name,fiscal_year,service,patients\n"
            text.reserveCapacity(32_000_000)
            let codes = ["99101", "99102", "99103", "99104", "99105", "99106", "99107", "99108", "99109"]
            for i in 0..<1_000_000 { text += "\(codes[i % 9]),,\(1_000 + i / 9),pct_consult,1\n" }
            try Data(text.utf8).write(to: folder.appendingPathComponent("patients.csv"))
        },
        // Ten million rows: refused by the row limit (CAREATLAS_MAX_CSV_ROWS, default 5,000,000),
        // not an out-of-memory crash.
        "patients_ten_million_rows": { folder in
            let url = folder.appendingPathComponent("patients.csv")
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            let handle = try FileHandle(forWritingTo: url)
            // Short rows keep the file at 20 MB (the limit counts rows, whatever their width).
            try handle.write(contentsOf: Data("area_code\n".utf8))
            let block = Data(String(repeating: "9\n", count: 100_000).utf8)
            for _ in 0..<100 { try handle.write(contentsOf: block) }
            try handle.close()
        },
        // A 1.5 GiB GeoJSON (sparse: no disk used): refused by its size before it is read.
        "area_sparse_huge_file": { folder in
            try sparseFile(folder.appendingPathComponent("wards.geojson"), bytes: 1_610_612_736)
        },
        // A 2 GiB CSV (sparse): refused by its size before it is read.
        "population_sparse_huge_file": { folder in
            try sparseFile(folder.appendingPathComponent("population_wards.csv"), bytes: 2_147_483_648)
        },
        // A FIFO where the patients file should be: refused at once (reading it would block forever).
        // This is also the "unreadable file" case that works as root, where chmod 000 does not stop reading.
        "patients_fifo": { folder in
            let url = folder.appendingPathComponent("patients.csv")
            try FileManager.default.removeItem(at: url)
            guard mkfifo(url.path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
        },
        // A study file of 5 MiB (a pasted log): refused by the study-file limit.
        "study_huge_file": { folder in
            let url = folder.appendingPathComponent("study.yaml")
            var text = try String(contentsOf: url, encoding: .utf8)
            text += "# " + String(repeating: "x", count: 5 * 1_048_576) + "\n"
            try Data(text.utf8).write(to: url)
        },
    ]

    static func sparseFile(_ url: URL, bytes: Int64) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard truncate(url.path, off_t(bytes)) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Copies the demo study into a fresh temporary folder.
    static func demoCopy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let demo = repositoryRoot.appendingPathComponent("geodata/demo")
        for name in try FileManager.default.contentsOfDirectory(atPath: demo.path) where !name.hasSuffix(".py") {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func report(_ study: URL) -> (String, [Diagnostic], StudyModel?) {
        do {
            let model = try StudyLoader.load(study)
            return (ValidationReport.text(model.diagnostics), model.diagnostics, model)
        } catch let error as StudyLoadError {
            return (ValidationReport.text(error.diagnostics), error.diagnostics, nil)
        } catch {
            return ("unexpected error: \(error)", [], nil)
        }
    }

    @Test(arguments: generatedCases.keys.sorted())
    func generatedCaseReportMatchesExpected(_ name: String) throws {
        let folder = try Self.demoCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.generatedCases[name]!(folder)
        let started = ContinuousClock.now
        let (text, diagnostics, model) = Self.report(folder.appendingPathComponent("study.yaml"))
        let elapsed = ContinuousClock.now - started
        let actual = text.replacingOccurrences(of: folder.path, with: "$CASE")
        let expectedURL = Self.corpus.appendingPathComponent("generated_\(name)/expected.txt")
        if Self.regenerate {
            try FileManager.default.createDirectory(at: expectedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(actual == (try String(contentsOf: expectedURL, encoding: .utf8)), "case generated_\(name)")
        if name.hasPrefix("ok_") {
            #expect(!diagnostics.contains { $0.severity == .error }, "case \(name)")
        } else {
            #expect(diagnostics.contains { $0.severity == .error }, "case \(name)")
            print("generated case \(name): refused after \(elapsed)")
        }
        if name == "ok_patients_million_rows", let model {
            // 1,000,000 rows of 1 patient over 9 wards (111,112 in 99101 — rows 0, 9, 18, …).
            #expect(model.totalPatients == 1_000_000)
            #expect(model.area("99101", at: .municipality)?.patients == 111_112)
            #expect(model.area("99109", at: .municipality)?.patients == 111_111)
        }
        if name == "ok_area_10mb_property", let model {
            #expect(model.totalPatients == 150)
        }
    }

    /// Without permission to read (only testable when not root: root reads a chmod 000 file anyway,
    /// so as root the FIFO case above stands in for an unreadable file).
    @Test func unreadableFileIsReportedWithItsPath() throws {
        guard getuid() != 0 else {
            print("running as root: chmod 000 does not stop root from reading; the FIFO case (generated_patients_fifo) covers unreadable inputs")
            return
        }
        let folder = try Self.demoCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let patients = folder.appendingPathComponent("patients.csv")
        #expect(chmod(patients.path, 0) == 0)
        let (text, _, _) = Self.report(folder.appendingPathComponent("study.yaml"))
        #expect(text.contains("error: patients.csv: cannot read \(patients.path): Permission denied; check the file's permissions"), "\(text)")
    }

    @Test(arguments: cases)
    func reportMatchesExpected(_ name: String) throws {
        let folder = Self.corpus.appendingPathComponent(name)
        let diagnostics: [Diagnostic]
        do {
            diagnostics = try StudyLoader.load(folder.appendingPathComponent("study.yaml")).diagnostics
        } catch let error as StudyLoadError {
            diagnostics = error.diagnostics
        }
        let actual = ValidationReport.text(diagnostics)
        let expectedURL = folder.appendingPathComponent("expected.txt")
        if Self.regenerate {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "case \(name)")
        // Cases named ok_… must load; every other case must report an error or a warning.
        if name.hasPrefix("ok_") {
            #expect(!diagnostics.contains { $0.severity == .error }, "case \(name)")
        } else {
            #expect(diagnostics.contains { $0.severity != .note }, "case \(name)")
        }
    }

    /// Quirks that must not change the figures: the same totals as the demo.
    @Test(arguments: ["ok_patients_cp932", "ok_patients_bom_crlf", "ok_check_digit_and_fullwidth"])
    func toleratedQuirksGiveTheDemoTotals(_ name: String) throws {
        let model = try StudyLoader.load(Self.corpus.appendingPathComponent(name).appendingPathComponent("study.yaml"))
        #expect(model.totalPatients == 150)
        #expect(model.area("99105", at: .municipality)?.patients == 40)
        #expect(model.area("99101", at: .municipality)?.patients == 8)
        #expect(model.outside.patients == 10)
    }

    @Test func thousandsSeparatorsAreRead() throws {
        let model = try StudyLoader.load(Self.corpus.appendingPathComponent("ok_thousands_separators/study.yaml"))
        #expect(model.area("99105", at: .municipality)?.population["total"] == 10_000)
        #expect(model.area("99105", at: .municipality)?.population["aged65"] == 2_000)
    }
}
