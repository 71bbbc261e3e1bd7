@testable import CareAtlas
import Foundation
import Testing
import TestSupport

/// Budget stages where the measure has no data for some areas: geodata/demo/study_missing_population.yaml,
/// whose 藤区 (99109) has no population. Counted as 0, 藤区 would come free under `max_population`.
///
/// The demo's 3 × 3 grid of wards (patients; population in thousands, 藤 unknown):
///
///     桜 8 (4)   楓 15 (6)  欅 6 (2)
///     柳 30 (4)  松 40 (10) 竹 20 (6)
///     梅 5 (2)   椿 12 (8)  藤 4 (–)
///
/// With the anchor 松 and max_population ≤ 20,000, the 10,000 left after 松 buy 柳 + 竹 (50 patients),
/// better than 柳 + 楓 (45) or 柳 + 梅 + 桜 (43): 松 柳 竹, 90 patients. With 藤 free (the old
/// behaviour) 藤 was added beside 竹: 94 patients for "20,000 people".
@Suite struct BudgetWithoutDataTests {
    static let demo = repositoryRoot.appendingPathComponent("geodata/demo")

    /// The missing-population study with its plans replaced by `plans` (YAML lines under `plans:`),
    /// in a temporary copy of the demo folder.
    static func study(plans: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-budget-nodata-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: demo.path) {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let yaml = try String(contentsOf: demo.appendingPathComponent("study_missing_population.yaml"), encoding: .utf8)
        let head = try #require(yaml.range(of: "  plans:\n"))
        let text = String(yaml[..<head.upperBound]) + plans
        let url = dir.appendingPathComponent("study.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func names(_ model: StudyModel, _ ids: [String]) -> Set<String> {
        Set(ids.compactMap { id in model.areas[.municipality]?.first { $0.id == id }?.name })
    }

    @Test func populationBudgetNeverTakesAnAreaWithoutPopulation() throws {
        let url = try Self.study(plans: """
                - name: 人口上限
                  stages:
                    - {name: 人口2万人まで, budget: {max_population: 20000}}

            """)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let model = try StudyLoader.load(url)
        let analysis = try ScenarioAnalysis.run(model)
        let stage = try #require(analysis.plans.first?.stages.first)
        #expect(Self.names(model, stage.areaIDs) == ["松区", "柳区", "竹区"])
        #expect(stage.patients == 90)
        #expect(stage.population == 20000)
        #expect(stage.notes.contains("1 area without data for max_population left out (never counted as 0)"))
    }

    @Test func aRequiredAreaWithoutPopulationIsAnErrorNamingIt() throws {
        let url = try Self.study(plans: """
                - name: 藤区から
                  stages:
                    - {name: 松区と藤区, areas: ["99105", "99109"]}
                    - {name: 人口3万人まで, budget: {max_population: 30000}}

            """)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let model = try StudyLoader.load(url)
        #expect {
            _ = try ScenarioAnalysis.run(model)
        } throws: { error in
            let text = "\(error)"
            return text.contains("stage 人口3万人まで: 1 area that must be in the region (藤区) has no data for max_population")
                && text.contains("give those areas a total population, or use max_areas")
        }
    }

    /// Which areas lack data depends on the measure; the costs a budget sees put them out of reach.
    @Test func areasWithoutDataAreTheMeasuresOwn() throws {
        let url = try Self.study(plans: """
                - name: 施設
                  stages:
                    - {name: 連携4施設まで, budget: {max_institutions: 4, kinds: [homecare_clinic, visiting_nurse]}}

            """)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let model = try StudyLoader.load(url)
        let context = try StageContext(model, try #require(model.spec.scenarios))
        let fuji = try #require(model.areaIndex("99109", at: .municipality))
        #expect(context.areasWithoutData(.maxPopulation, kinds: []) == [fuji])
        #expect(context.areasWithoutData(.maxAreas, kinds: []).isEmpty)
        #expect(context.costs(.maxPopulation, kinds: [])[fuji] == 0)
        let (costs, noData) = try context.budgetCosts(.maxPopulation, kinds: [], limit: 12345, required: [], what: "test")
        #expect(noData == [fuji] && costs[fuji] == 12346)
    }
}
