import CareAtlas
import CarePrivacy
import CareExport
import Foundation
import Testing
import TestSupport

/// Every artifact of the report, read back: no small count shown, no suppressed cell reconstructable.
@Suite struct ReportDisclosureTests {
    static func report(_ study: URL) throws -> (URL, Int) {
        let model = try StudyLoader.load(study)
        let results = try StudyResults.compute(model, policy: SmallCellPolicy(minCell: model.spec.minCell))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-disclosure-\(UUID().uuidString)")
        var folder = try OutputFolder(dir, inputs: model.inputFiles)
        try ReportWriter.write(results, to: &folder)
        try folder.commit()
        return (dir, model.spec.minCell)
    }

    @Test func demoReportDisclosesNothing() throws {
        let (dir, minCell) = try Self.report(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let audit = try DisclosureAudit(folder: dir, minCell: minCell)
        #expect(audit.problems == [])
        #expect(audit.reconstructions() == [])
        #expect(audit.narrowedByAttacker() == [])
        #expect(audit.cells.values.contains(.hidden(primary: true)), "the demo has small cells to protect")
    }

    @Test(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
    func kuchubuReportDisclosesNothing() throws {
        let (dir, minCell) = try Self.report(repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let audit = try DisclosureAudit(folder: dir, minCell: minCell)
        #expect(audit.problems == [])
        #expect(audit.reconstructions() == [])
        #expect(audit.narrowedByAttacker() == [])
        #expect(audit.equations.count > 10)
    }

    /// The audit itself finds what it must: a folder whose 90 % catchment leaves out one hidden
    /// area (total − catchment = that area) is flagged.
    @Test func auditFindsAReconstructableCell() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            rank,area_code,area_name,patients
            1,A,a,40
            2,B,b,<10
            3,C,c,<10
            ,,outside,10
            ,,total,58
            """.write(to: dir.appendingPathComponent("areas.csv"), atomically: true, encoding: .utf8)
        try "target_share_percent,patients,area_codes\n90,44,A B\n".write(to: dir.appendingPathComponent("catchments.csv"), atomically: true, encoding: .utf8)
        let audit = try DisclosureAudit(folder: dir, minCell: 10)
        #expect(audit.problems == [])
        let found = audit.reconstructions()
        #expect(found.contains("B is determined by the shown totals"))
        #expect(found.contains("C is determined by the shown totals"))
        #expect(audit.narrowedByAttacker() == ["B narrowed by an attacker to 4 … 4", "C narrowed by an attacker to 4 … 4"])
        try "rank,area_code,area_name,patients\n1,A,a,4\n".write(to: dir.appendingPathComponent("more.csv"), atomically: true, encoding: .utf8)
        #expect(try DisclosureAudit(folder: dir, minCell: 10).problems == ["more.csv line 2: patients = 4"])
    }

    /// Ranks are equations too: two hidden cells summing to 10 keep 1 … 9 each, until a published
    /// rank says which is larger (then 5 … 9 and 1 … 5).
    @Test func auditReadsRanksAsOrders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(ranked: Bool) throws -> DisclosureAudit {
            try """
                rank,area_code,area_name,patients
                1,A,a,40
                \(ranked ? "2" : ""),B,b,<10
                \(ranked ? "3" : ""),C,c,<10
                ,,outside,10
                ,,total,60
                """.write(to: dir.appendingPathComponent("areas.csv"), atomically: true, encoding: .utf8)
            return try DisclosureAudit(folder: dir, minCell: 10)
        }
        #expect(try write(ranked: false).narrowedByAttacker() == [])
        #expect(try write(ranked: true).narrowedByAttacker() == ["B narrowed by an attacker to 5 … 9", "C narrowed by an attacker to 1 … 5"])
    }
}
