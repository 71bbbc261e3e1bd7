import CareAtlas
import Foundation
import Testing
import TestSupport

/// The bad-input corpus (Fixtures/bad, made by Fixtures/make_bad_inputs.py): each case is the demo
/// study with one defect, and `expected.txt` holds the exact `careatlas validate` report for it.
/// Set CAREATLAS_REGENERATE=1 to rewrite the expected files from the actual reports (then review
/// the git diff).
@Suite struct BadInputCorpusTests {
    static let corpus = repositoryRoot.appendingPathComponent("Tests/CareAtlasTests/Fixtures/bad")
    static let cases: [String] = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path))?.sorted() ?? []
    static let regenerate = ProcessInfo.processInfo.environment["CAREATLAS_REGENERATE"] == "1"

    @Test func corpusHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
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
