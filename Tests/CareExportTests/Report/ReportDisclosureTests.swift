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
        // Issue 18: the page of 区中央部 is under 2 MB (it was 9.1 MB with five inline maps).
        let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("report.html").path)[.size] as? Int ?? 0
        #expect(size > 100_000 && size < 2_000_000, "report.html is \(size) bytes")
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

    /// The interactive map's inlined data and the QGIS project are read too: a small count in the
    /// map's areas, or a rule limit below the minimum in careatlas.qgs, is flagged; a cell the map
    /// shows while areas.csv hides it is a contradiction.
    @Test func auditReadsTheMapDataAndTheQGISProject() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "rank,area_code,area_name,patients\n1,A,a,40\n,B,b,<10\n,,outside,10\n,,total,55\n"
            .write(to: dir.appendingPathComponent("areas.csv"), atomically: true, encoding: .utf8)
        func page(_ a: String, _ b: String) -> String {
            "<html><script id=\"careatlas-data\" type=\"application/json\">{\"areas\":{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"area_code\":\"A\",\"patients_label\":\"\(a)\"}},"
                + "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"area_code\":\"B\",\"patients_label\":\"\(b)\"}}]}}</script></html>"
        }
        try page("40", "<10").write(to: dir.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        try "<qgis><rule filter=\"&quot;patients&quot; &gt; 13 AND &quot;patients&quot; &lt;= 16\"/></qgis>"
            .write(to: dir.appendingPathComponent("careatlas.qgs"), atomically: true, encoding: .utf8)
        #expect(try DisclosureAudit(folder: dir, minCell: 10).problems == [])
        try page("40", "5").write(to: dir.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        try "<qgis><rule filter=\"&quot;patients&quot; &gt; 4 AND &quot;patients&quot; &lt;= 16\"/></qgis>"
            .write(to: dir.appendingPathComponent("careatlas.qgs"), atomically: true, encoding: .utf8)
        let problems = try DisclosureAudit(folder: dir, minCell: 10).problems
        #expect(problems.contains("careatlas.qgs: rule on patients with limit 4"), "\(problems)")
        #expect(problems.contains("report.html map data areas 1: patients_label = 5"), "\(problems)")
        #expect(problems.contains { $0.hasPrefix("B: hidden in areas.csv") && $0.contains("shown as 5 in report.html map data") }, "\(problems)")
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
