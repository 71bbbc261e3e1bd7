@testable import CareAtlas
@testable import CarePrivacy
import Foundation
import Testing
import TestSupport

/// The sensitivity table under the run's disclosure decision (``PlanningDisclosure/sensitivityShown(_:_:)``)
/// on the demo (geodata/demo/study_planning.yaml; hidden wards 桜 8, 欅 6, 梅 5, 藤 4 read `<10`).
@Suite struct PlanningSensitivityDisclosureTests {
    static let results = Result { try StudyRun.compute(try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml"))).results() }

    /// A budget-measure cell of plan 連携施設数の上限, stage 1 (region 桜 楓 欅 松 竹), with `region`.
    static func cell(_ region: [String]) -> PathSensitivity.Cell {
        let base: Set<String> = ["99101", "99102", "99103", "99105", "99106"]
        return PathSensitivity.Cell(plan: "連携施設数の上限", stageOrder: 1, stage: "連携4施設まで", variant: 0, areaIDs: region.sorted(),
                                    added: Set(region).subtracting(base).sorted(), dropped: base.subtracting(region).sorted(), gapAreaIDs: nil, note: nil)
    }

    static func table(_ cells: [PathSensitivity.Cell]) -> PathSensitivity {
        PathSensitivity(level: .municipality, variants: [.init(factor: .budgetMeasure, label: "max_areas", isStudySetting: false)],
                        cells: cells, studyGapAreaIDs: [:])
    }

    /// Every region the demo's table publishes, written as the inequality Σ gained ≥ Σ lost and
    /// given to the attacker with everything else the run publishes: each `<10` ward keeps its
    /// whole range 1 … 9 (the attacker's integer programs, not the rule under test, decide).
    @Test func thePublishedTableNarrowsNoHiddenCount() throws {
        let r = try Self.results.get()
        let s = try #require(r.planning?.sensitivity?.value)
        let shown = PlanningDisclosure.sensitivityShown(s, r)
        #expect(shown.allSatisfy { $0 })  // on the demo every variant can be published
        var view = r.disclosure.attackerView
        let index = Dictionary(uniqueKeysWithValues: r.disclosure.areaIDs.enumerated().map { ($1, $0) })
        let stages = Dictionary(uniqueKeysWithValues: try #require(r.scenarios).plans.flatMap { p in p.stages.enumerated().map { ("\(p.name)/\($0.offset + 1)", $0.element.areaIDs) } })
        let counts = Dictionary(uniqueKeysWithValues: r.model.areas[.municipality]!.map { ($0.id, $0.patients ?? 0) })
        var inequalities = 0
        for c in s.cells where s.variants[c.variant].factor == .budgetMeasure && !c.sameRegion {
            let base = try #require(stages["\(c.plan)/\(c.stageOrder)"])
            let gained = Set(c.areaIDs ?? []).subtracting(base), lost = Set(base).subtracting(c.areaIDs ?? [])
            // The inequality holds on the true counts (the variant's region is the better one).
            #expect(gained.reduce(0) { $0 + counts[$1]! } >= lost.reduce(0) { $0 + counts[$1]! })
            // Shown wards enter as numbers, hidden ones as unknowns: lower bound on the unknown side.
            let hiddenGained = gained.filter { r.disclosure.isHidden($0) }, hiddenLost = lost.filter { r.disclosure.isHidden($0) }
            let known = gained.subtracting(hiddenGained).reduce(0) { $0 + counts[$1]! } - lost.subtracting(hiddenLost).reduce(0) { $0 + counts[$1]! }
            if hiddenGained.isEmpty && hiddenLost.isEmpty { continue }
            #expect(hiddenGained.isEmpty || hiddenLost.isEmpty)
            if hiddenLost.isEmpty {
                view.bounds.append(.init(members: hiddenGained.map { index[$0]! }, lower: -known, upper: nil))
            } else {
                view.bounds.append(.init(members: hiddenLost.map { index[$0]! }, lower: nil, upper: known))
            }
            inequalities += 1
        }
        #expect(inequalities == 2)  // max_areas drops 桜 欅, max_population drops 桜
        for range in DisclosureAttack.ranges(view) where view.cells[range.cell] == .small {
            #expect(range.lower == 1 && range.upper == 9, "\(range)")
        }
    }

    /// Gaining 柳 (30, shown) for 桜 (hidden): 桜 ≤ 30 says nothing. Gaining 梅 and 藤 for 桜 and 欅
    /// (all hidden): an inequality between unknowns, which the attacker's bounds cannot hold: withheld.
    /// A region equal to the stage's own, or a threshold or year variant, is always published.
    @Test func theRuleWithholdsAnInequalityBetweenHiddenCounts() throws {
        let r = try Self.results.get()
        let cells = [Self.cell(["99102", "99103", "99104", "99105", "99106"]), Self.cell(["99102", "99105", "99106", "99107", "99109"]),
                     Self.cell(["99101", "99102", "99103", "99105", "99106"])]
        #expect(PlanningDisclosure.sensitivityShown(Self.table(cells), r) == [true, false, true])
    }
}
