import CareAtlas
import CarePrivacy
import CareExport
import Foundation
import Testing
import TestSupport

/// The report's preparation (done while the disclosure is decided) changes no byte of the report.
@Suite struct ReportPreparationTests {
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    static func write(_ results: StudyResults, preparation: ReportWriter.Preparation?, inputs: [URL]) throws -> [String: Data] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-preparation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var folder = try OutputFolder(dir, inputs: inputs)
        try ReportWriter.write(results, preparation: preparation, to: &folder)
        try folder.commit()
        return try files(dir)
    }

    @Test(arguments: ["geodata/demo/study.yaml", "geodata/demo/study_network.yaml"])
    func preparedReportIsTheSameBytesAsOneWrittenWithoutPreparation(_ path: String) throws {
        let model = try StudyLoader.load(repositoryRoot.appendingPathComponent(path))
        var options = StudyRun.Options()
        options.driveTimes = true  // as `careatlas report`
        let (run, preparation) = try ReportWriter.studyRun(model, options: options)
        let prepared = try Self.write(run.results(), preparation: preparation, inputs: model.inputFiles)
        let plain = try Self.write(StudyRun.compute(model, options: options).results(), preparation: nil, inputs: model.inputFiles)
        #expect(prepared.keys.sorted() == plain.keys.sorted())
        #expect(prepared.count > 30, "the whole report: tables, layers, maps, PDF, HTML, GeoPackage")
        for (name, bytes) in plain { #expect(prepared[name] == bytes, "\(name) differs") }
    }
}
