import CareAtlas
import CarePrivacy
import CareExport
import Foundation
import Testing
import TestSupport

/// A study with a single hospital: the Huff model is unavailable (and says why), every other
/// output is the same as in a run with the Huff model not asked for.
@Suite struct StudyRunExportTests {
    /// The demo with only the anchor hospital (and its rows of the flow table).
    static func singleHospitalDemo() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-one-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("geodata/demo"), to: dir)
        for (file, column) in [("hospitals.csv", 0), ("flows.csv", 1)] {
            let url = dir.appendingPathComponent(file)
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            let kept = [lines[0]] + lines.dropFirst().filter { $0.split(separator: ",", omittingEmptySubsequences: false)[column] == "H01" }
            try (kept.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.appendingPathComponent("study.yaml")
    }

    static func write(_ run: StudyRun) throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-run-\(UUID().uuidString)")
        var folder = try OutputFolder(dir, inputs: run.model.inputFiles)
        let shares = try run.shares.get()
        try CatchmentExport.write(model: run.model, shares: shares, distances: try #require(run.distances).get(), disclosure: run.disclosure,
                                  excel: false, to: &folder)
        try HospitalCatchmentExport.write(run: run, excel: false, to: &folder)
        try folder.commit()
        return (dir, CatchmentReport.text(shares, disclosure: run.disclosure))
    }

    @Test func huffUnavailableChangesNothingElse() throws {
        let study = try Self.singleHospitalDemo()
        defer { try? FileManager.default.removeItem(at: study.deletingLastPathComponent()) }
        let model = try StudyLoader.load(study)
        var options = StudyRun.Options()
        options.distances = .init()
        let without = try StudyRun.compute(model, options: options)
        options.huff = .init()
        let with = try StudyRun.compute(model, options: options)
        #expect(with.huff?.reason == "Huff not fitted: needs at least two institutions of kind hospital with beds > 0; found 1 — add the other hospitals of the region, or choose the kinds and the capacity field (e.g. beds) the study has")
        #expect(with.unavailable == [with.huff?.reason].compactMap { $0 })
        #expect(without.huff == nil && without.unavailable == [])
        let (a, textA) = try Self.write(without)
        let (b, textB) = try Self.write(with)
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        #expect(textA == textB)
        let filesA = try FileManager.default.contentsOfDirectory(atPath: a.path).filter { !$0.hasPrefix(".") }.sorted()
        let filesB = try FileManager.default.contentsOfDirectory(atPath: b.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(filesB == (filesA + ["huff_fit.csv"]).sorted())
        for f in filesA {
            #expect(try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: b.appendingPathComponent(f)), "\(f)")
        }
        let fit = try String(contentsOf: b.appendingPathComponent("huff_fit.csv"), encoding: .utf8)
        #expect(fit.contains("status,\"not available: Huff not fitted: needs at least two institutions"))
        #expect(CatchmentReport.huffLine(with.huff).hasPrefix("huff: not available: Huff not fitted"))
        #expect(CatchmentReport.huffLine(without.huff) == "huff: not asked for")
    }

    /// The summary's text takes the run's decision: on the demo the outside bucket (10) stays shown
    /// in the summary as in the report's view.
    @Test func summarySharesTheRunsDecision() throws {
        let run = try StudyRun.compute(try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")))
        let summary = StudySummary(run: run)
        #expect(summary.outsidePatients == "10")
        #expect(try run.results().outsidePatientsLabel == "10")
        #expect(summary.renderText().contains("Patients: 150 in total, 10 outside the study areas"))
    }
}
