import CareAtlas
import Foundation
import Testing
import TestSupport

/// The demo's scenarios, computed by hand. Patients: 松 40 (anchor), 柳 30, 竹 20, 楓 15, 椿 12,
/// 桜 8, 欅 6, 梅 5, 藤 4; home-care institutions per ward (the budget's cost): 松 2, 柳 2, 竹 1,
/// 楓 1, 梅 1, 椿 1, 藤 1, 桜 0, 欅 0.
@Suite struct ScenarioTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }
    static let analysis = Result { try ScenarioAnalysis.run(try model.get()) }

    func plan(_ name: String) throws -> [StageResult] {
        try #require(try Self.analysis.get().plans.first { $0.name == name }).stages
    }

    @Test func stagedPlanIsNested() throws {
        let stages = try plan("段階的拡大")
        #expect(stages.map(\.areaIDs) == [["99105"], ["99104", "99105", "99106"], ["99102", "99104", "99105", "99106", "99108"]])
        #expect(stages.map(\.patients) == [40, 90, 117])
        #expect(stages.map(\.marginalPatients) == [40, 50, 27])
        #expect(stages[0].share == 40.0 / 150)
        // Homecare clinics and nurse stations engaged: 松 2; 中部 +柳 2 +竹 1; 75 % +楓 1 +椿 1.
        #expect(stages.map(\.engagedInstitutions) == [2, 5, 7])
        #expect(stages[1].patientsPerInstitution == 18)
        #expect(stages.allSatisfy { $0.connected && $0.containsAnchor && $0.notes.isEmpty })
        for (a, b) in zip(stages, stages.dropFirst()) { #expect(Set(a.areaIDs).isSubset(of: Set(b.areaIDs))) }
        #expect(stages[0].maxDistanceKm == stages[0].meanDistanceKm)
        #expect(abs(stages[0].meanDistanceKm - 0.3 * 2.0.squareRoot()) < 1e-4)
    }

    @Test func budgetStagesAreTheExactOptima() throws {
        let stages = try plan("連携施設数の上限")
        // ≤ 4: 松 (2) + 楓 (1) + 竹 (1) + the free 桜 and 欅 = 40 + 15 + 20 + 8 + 6 = 89.
        #expect(stages[0].areaIDs == ["99101", "99102", "99103", "99105", "99106"])
        #expect(stages[0].patients == 89)
        #expect(stages[0].optimization?.optimal == true)
        // ≤ 7, containing the first stage (cost 4): + 柳 (2) + 椿 (1) = 131.
        #expect(stages[1].patients == 131)
        #expect(Set(stages[1].areaIDs) == Set(["99101", "99102", "99103", "99104", "99105", "99106", "99108"]))
    }

    @Test func distanceStages() throws {
        let stages = try plan("距離")
        // Weighted centroids within 2 km of H01 (3300, 3300): 松 0.42, 竹 (5000,3000) 1.73, 楓 (3000,5166.7) 1.89 km.
        #expect(stages[0].areaIDs == ["99102", "99105", "99106"])
        #expect(stages[0].patients == 75)
    }

    @Test func frontierKneeAndPath() throws {
        let f = try #require(try Self.analysis.get().frontier)
        // Budget 1 is infeasible (松 alone costs 2); 2: 松 40; 3: + 楓 + free 桜, 欅 = 69; 4: + 竹 = 89;
        // 5: 松 + 柳 + 竹 + 桜 + 欅 = 104; 6: 119; 7: 131; 8: 136; 9: all 140.
        #expect(f.points.map(\.patients) == [nil, 40, 69, 89, 104, 119, 131, 136, 140])
        // Coverage never decreases as the budget grows.
        let values = f.points.compactMap(\.patients)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        // Kneedle: (b − 2)/7 against (p − 40)/100 is largest at b = 6.
        #expect(f.kneeBudget == 6)
        // Upper envelope up to the knee drops (5, 104), which lies on the chord (4, 89)–(6, 119).
        #expect(f.path.map(\.budget) == [2, 3, 4, 6])
        #expect(f.path.map(\.patients) == [40, 69, 89, 119])
        #expect(f.path.map(\.marginalPerUnit) == [20, 29, 20, 15])
    }

    @Test func liaisonListOfAStage() throws {
        let m = try Self.model.get()
        let stage = try plan("段階的拡大")[1]  // 中部: 柳, 松, 竹
        let list = LiaisonList.build(m, region: stage.areaIDs, level: .municipality, spec: LiaisonSpec(minShared: 1, kinds: ["homecare_clinic", "visiting_nurse"]))
        // Shared patients: 柳 C02 8, N02 7 (15 in all); 松 C01 12, N01 10 (22); 竹 C03 5 (5).
        #expect(list.map(\.id) == ["C01", "N01", "C02", "N02", "C03"])
        #expect(list.map(\.rank) == [1, 2, 3, 4, 5])
        #expect(list.map(\.wardName) == ["松区", "松区", "柳区", "柳区", "竹区"])
        let strict = LiaisonList.build(m, region: stage.areaIDs, level: .municipality, spec: LiaisonSpec(minShared: 8, kinds: []))
        // ≥ 8 shared, any kind: 柳 H02 14 + C02 8 = 22 and 松 C01 12 + N01 10 = 22 (tie: lower ward code
        // first), then 竹 H03 9.
        #expect(strict.map(\.id) == ["H02", "C02", "C01", "N01", "H03"])
        #expect(strict.map(\.rank) == [1, 5, 2, 3, 4])  // 14, 12, 10, 9, 8
    }

    @Test func gapAreasAreCounted() throws {
        let stages = try plan("段階的拡大")
        #expect(stages.allSatisfy { $0.gapAreas != nil })
    }
}
