@testable import CareAtlas
import Foundation
import Testing
import TestSupport

/// The sensitivity of the staged path on the demo (geodata/demo/study_planning.yaml), every answer
/// worked out by hand on make_demo.py's 3 × 3 grid of wards:
///
///     桜 8   楓 15  欅 6        providers of the liaison kinds: 松 2, 柳 2, 竹 1, 楓 1, 梅 1, 椿 1, 藤 1
///     柳 30  松 40  竹 20       population (thousands): 桜 4, 楓 6, 欅 2, 柳 4, 松 10, 竹 6, 梅 2, 椿 8, 藤 4
///     梅 5   椿 12  藤 4        FY2024 (patients_fy2024.csv): 松 38, 柳 12, 竹 25, 楓 10, 椿 15, 桜 6, 欅 9, 梅 6, 藤 14; outside 8
@Suite struct PlanningSensitivityTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml")) }
    static let scenarios = Result { try ScenarioAnalysis.run(try model.get()) }
    static let sensitivity = Result {
        try PathSensitivity.compute(try model.get(), spec: try #require(try model.get().spec.planning?.sensitivity), scenarios: try scenarios.get())
    }

    static let names = ["99101": "桜", "99102": "楓", "99103": "欅", "99104": "柳", "99105": "松", "99106": "竹", "99107": "梅", "99108": "椿", "99109": "藤"]
    static func named(_ ids: [String]?) -> Set<String> { Set((ids ?? []).map { names[$0] ?? $0 }) }

    func cell(_ plan: String, _ order: Int, _ variant: String) throws -> PathSensitivity.Cell {
        let s = try Self.sensitivity.get()
        let v = try #require(s.variants.firstIndex { $0.label == variant }, "variant \(variant)")
        return try #require(s.cells.first { $0.plan == plan && $0.stageOrder == order && $0.variant == v })
    }

    @Test func parsesTheSensitivitySection() throws {
        let s = try #require(try Self.model.get().spec.planning?.sensitivity)
        #expect(s.thresholds == [1000, 5000] && s.budgetMeasures == [.maxAreas, .maxPopulation])
        #expect(s.years.map(\.label) == ["2024年度"] && s.years[0].file?.lastPathComponent == "patients_fy2024.csv")
        // The year's table is read like patients: (totals by ward, the outside bucket).
        let year = try #require(try Self.model.get().patientYears.first)
        #expect(year.totalPatients == 143 && year.outside.patients == 8)
        #expect(year.patients[.municipality]?["99109"] == 14 && year.patients[.smallArea]?.isEmpty == true)
    }

    @Test func badSensitivityKeysAreNamed() {
        let url = repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml")
        let yaml = try! String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "thresholds: [1000, 5000]", with: "thresholds: [1000, -5]")
            .replacingOccurrences(of: "budget_measures: [max_areas, max_population]", with: "budget_measures: [max_beds]")
            .replacingOccurrences(of: "{label: 2024年度, file: patients_fy2024.csv}", with: "{label: 2024年度}")
        let (spec, d) = StudyFileParser.parse(yaml: yaml, file: url)
        #expect(spec == nil)
        let text = d.items.map(\.description).joined(separator: "\n")
        #expect(text.contains("planning.sensitivity.thresholds: \"-5\" is not a positive number"))
        #expect(text.contains("unknown budget measure \"max_beds\""))
        #expect(text.contains("(2024年度) gives neither file nor filter"))
    }

    /// 連携4施設まで (≤ 4 providers) takes 桜 楓 欅 松 竹 (89 patients, 28,000 people, 5 wards).
    /// - max_areas ≤ 5: the five largest counts 松 柳 竹 楓 椿 are connected: 117 patients.
    /// - max_population ≤ 28,000: 松 + 18,000 people; 柳 竹 楓 欅 (71 patients) beats 柳 竹 楓 梅 (70)
    ///   and 柳 竹 欅 桜 梅 (69).
    /// - 2024: 桜 楓 欅 松 竹 holds 88, 松 竹 椿 欅 87, 松 竹 藤 欅 86: the same region.
    @Test func firstBudgetStage() throws {
        let plan = "連携施設数の上限"
        let areas = try cell(plan, 1, "max_areas"), population = try cell(plan, 1, "max_population"), year = try cell(plan, 1, "2024年度")
        #expect(Self.named(areas.areaIDs) == ["松", "柳", "竹", "楓", "椿"])
        #expect(Self.named(areas.added) == ["柳", "椿"] && Self.named(areas.dropped) == ["桜", "欅"])
        #expect(areas.note == "max_areas ≤ 5 (the stage's region in this measure)")
        #expect(Self.named(population.added) == ["柳"] && Self.named(population.dropped) == ["桜"])
        #expect(year.sameRegion)
    }

    /// 連携7施設まで adds 柳 and 椿 (131 patients, 40,000 people, 7 wards).
    /// - max_areas ≤ 7 after 松 柳 竹 楓 椿: two more, 桜 (8) and 欅 (6): the study's region again.
    /// - max_population ≤ 40,000 after 楓 欅 柳 松 竹 (28,000): 椿 + 桜 (12,000, 20 patients): the same.
    /// - 2024 (≤ 3 more providers after 桜 楓 欅 松 竹): 椿 梅 藤 hold 35, 柳 椿 27: 柳 drops out.
    @Test func secondBudgetStage() throws {
        let plan = "連携施設数の上限"
        #expect(try cell(plan, 2, "max_areas").sameRegion)
        #expect(try cell(plan, 2, "max_population").sameRegion)
        let year = try cell(plan, 2, "2024年度")
        #expect(Self.named(year.added) == ["梅", "藤"] && Self.named(year.dropped) == ["柳"])
    }

    /// Fixed areas, a group and distance rings do not move; the 75 % catchment grown on the 2024
    /// counts (75 % of 143 = 107.25: 松 38, 竹 25, 椿 15, 藤 14, 柳 12, 楓 10 → 114) adds 藤.
    @Test func otherStagesAndTheShareStage() throws {
        let s = try Self.sensitivity.get()
        for c in s.cells where c.plan == "距離" || (c.plan == "段階的拡大" && c.stageOrder < 3) { #expect(c.sameRegion, "\(c)") }
        let share = try cell("段階的拡大", 3, "2024年度")
        #expect(Self.named(share.added) == ["藤"] && share.dropped.isEmpty)
        #expect(try cell("段階的拡大", 3, "max_areas").note == nil)
    }

    /// At a 100 m threshold no provider is in reach of any ward's population-weighted centroid (the
    /// nearest pair is N02 and 柳区's centroid (750, 3500), 250 m): every ward with 65+ residents is
    /// a gap ("no supply in reach"), so each stage's gap areas are all its areas; the regions stay.
    @Test func thresholdsMoveTheGapsNotTheRegions() throws {
        var spec = SensitivitySpec()
        spec.thresholds = [100]
        let s = try PathSensitivity.compute(try Self.model.get(), spec: spec, scenarios: try Self.scenarios.get())
        #expect(s.variants.map(\.label) == ["100 m", "3000 m"] && s.variants.map(\.isStudySetting) == [false, true])
        for c in s.cells {
            #expect(c.sameRegion)
            if c.variant == 0 { #expect(c.gapAreaIDs == c.areaIDs, "\(c)") }
        }
        // At the study's own 3000 m the gaps are those of gaps.csv (楓 椿 桜 欅 梅) inside each stage.
        let own = try #require(s.cells.first { $0.plan == "連携施設数の上限" && $0.stageOrder == 2 && $0.variant == 1 })
        #expect(Self.named(own.gapAreaIDs) == ["楓", "椿", "桜", "欅"])
    }

    @Test func isDeterministic() throws {
        let model = try Self.model.get(), spec = try #require(model.spec.planning?.sensitivity)
        let a = try PathSensitivity.compute(model, spec: spec, scenarios: try Self.scenarios.get())
        let b = try PathSensitivity.compute(model, spec: spec, scenarios: try Self.scenarios.get())
        #expect(a.cells == b.cells && a.variants == b.variants)
    }
}
