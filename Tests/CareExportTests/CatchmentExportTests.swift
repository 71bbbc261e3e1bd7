import CareAtlas
import CarePrivacy
import CareExport
import Foundation
import Testing
import TestSupport

@Suite struct CatchmentExportTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    func export(_ policy: SmallCellPolicy) throws -> (URL, [String]) {
        let m = try Self.model.get()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-catchment-\(UUID().uuidString)")
        var folder = try OutputFolder(out, inputs: m.inputFiles)
        let shares = try PatientShareCatchments.analyse(m)
        try CatchmentExport.write(model: m, shares: shares, distances: try DistanceCatchments.compute(m, kinds: ["hospital"]),
                                  disclosure: Disclosure.compute(m, level: .municipality, shares: shares, policy: policy), excel: false, to: &folder)
        try folder.commit()
        return (out, folder.written)
    }

    @Test func noSmallCountInAnyFile() throws {
        let (out, files) = try export(SmallCellPolicy(minCell: 10))
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(files.count == 11)
        let ranking = try String(contentsOf: out.appendingPathComponent("catchment_ranking.csv"), encoding: .utf8)
        // 桜 8, 欅 6, 梅 5, 藤 4 are hidden, with their shares and rates, without a rank and after
        // the shown areas, by code (a rank would order the hidden counts).
        #expect(ranking.contains("\n,99101,桜区,北部,<10,,,2.860,1000,,,,ok\n,99103,"))
        #expect(!ranking.contains(",8,") && !ranking.contains(",4,"))
        let areas = try String(contentsOf: out.appendingPathComponent("catchment_areas.geojson"), encoding: .utf8)
        #expect(areas.contains("\"patients\":null,\"patients_label\":\"<10\""))
        #expect(!areas.contains("internal"))
    }

    @Test func byteIdenticalAcrossRuns() throws {
        let (a, files) = try export(SmallCellPolicy(minCell: 10))
        let (b, _) = try export(SmallCellPolicy(minCell: 10))
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        for f in files {
            #expect(try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: b.appendingPathComponent(f)), "\(f)")
        }
    }

    @Test func internalRunsAreMarked() throws {
        let (out, files) = try export(.none)
        defer { try? FileManager.default.removeItem(at: out) }
        for f in files where f.hasPrefix("catchment") {
            #expect(try String(contentsOf: out.appendingPathComponent(f), encoding: .utf8).contains("internal — contains small counts"), "\(f)")
        }
    }
}
