import CareAtlas
import CarePrivacy
import Foundation
import Testing
import TestSupport

/// StudyResults on the demo region: figures checked by hand from geodata/demo/make_demo.py
/// (patients 桜 8, 楓 15, 欅 6, 柳 30, 松 40, 竹 20, 梅 5, 椿 12, 藤 4, outside 10; total 150).
@Suite struct StudyResultsTests {
    static let results = Result {
        let model = try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml"))
        return try StudyResults.compute(model, policy: SmallCellPolicy(minCell: model.spec.minCell))
    }

    @Test func areaFiguresWithSuppression() throws {
        let r = try Self.results.get()
        #expect(r.level == .municipality)
        #expect(r.areas.map(\.id) == (1...9).map { "9910\($0)" })
        let byID = Dictionary(uniqueKeysWithValues: r.areas.map { ($0.id, $0) })
        let matsu = try #require(byID["99105"])
        #expect(matsu.name == "松区" && matsu.nameEnglish == "Matsu")
        #expect(matsu.patients == 40 && matsu.patientsLabel == "40" && !matsu.patientsHidden && matsu.rank == 1)
        #expect(abs(matsu.sharePercent! - 40.0 / 150 * 100) < 1e-9)
        let aged65 = try #require(matsu.aged65)
        #expect(abs(matsu.penetration! - 40 / aged65 * 1e4) < 1e-9)
        // Four wards below 10: hidden as "<10" with no share or rate; no secondary suppression needed.
        for id in ["99101", "99103", "99107", "99109"] {
            let a = try #require(byID[id])
            #expect(a.patients == nil && a.patientsHidden && a.patientsLabel == "<10" && a.sharePercent == nil && a.penetration == nil, "\(id)")
        }
        #expect(r.areas.filter(\.patientsHidden).count == 4)
        // Without suppression every count shows.
        let open = try StudyResults.compute(r.model, policy: .none)
        #expect(open.areas.first { $0.id == "99101" }?.patients == 8)
    }

    /// The demo without its 65+ population (the ward layer keeps total and households): the
    /// study's access gaps cannot run (2SFCA demand is 65+), so the results carry no gaps and say
    /// why; the staged plans are still evaluated (松区 40, 中部 90, the 75 % stage 117, as on the
    /// demo) with no gap count (nil, never 0) and the reason; nothing throws.
    @Test func missingAged65LeavesGapsOutWithTheReason() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-no65-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("geodata/demo"), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = dir.appendingPathComponent("study.yaml")
        let text = try String(contentsOf: study, encoding: .utf8)
        let without = text.replacingOccurrences(of: "aged65: pop_65plus, ", with: "")
        #expect(without != text)
        try without.write(to: study, atomically: true, encoding: .utf8)
        let model = try StudyLoader.load(study)
        let r = try StudyResults.compute(model, policy: SmallCellPolicy(minCell: model.spec.minCell))
        let missing = "no municipality area has the population measure \"aged65\" — measures at this level: households, total"
        #expect(r.gaps == nil && r.access == nil)
        #expect(r.unavailable.gaps == "access gaps not computed: \(missing)")
        #expect(r.unavailable.scenarios == nil && r.unavailable.stageGaps == "gap areas not counted: \(missing)")
        let plan = try #require(r.scenarios?.plans.first)
        #expect(plan.stages.map(\.patients) == [40, 90, 117])
        #expect(r.scenarios?.plans.allSatisfy { $0.stages.allSatisfy { $0.gapAreas == nil } } == true)
        #expect(r.areas.allSatisfy { $0.gapClass == nil && $0.penetration == nil })
    }

    @Test func gapsAndStagesAreCarried() throws {
        let r = try Self.results.get()
        let gaps = try #require(r.gaps)
        let gapIDs = Set(gaps.gaps.map(\.areaID))
        for a in r.areas {
            #expect((a.gapClass != GapClass.none) == gapIDs.contains(a.id), "\(a.id)")
            #expect(a.gapReasons.isEmpty == !gapIDs.contains(a.id))
        }
        let scenarios = try #require(r.scenarios)
        let plan = try #require(scenarios.plans.first)
        // The first stage containing an area is the smallest k whose region contains it.
        for a in r.areas {
            let expected = plan.stages.firstIndex { $0.areaIDs.contains(a.id) }.map { $0 + 1 }
            #expect(a.firstStage.first { $0.plan == plan.name }?.order == expected, "\(a.id)")
        }
    }
}
