import CareAtlas
import Foundation
import Testing
import TestSupport

/// The staged plans of the 区中央部 case (geodata/cases/kuchubu.yaml).
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuScenarioTests {
    static let analysis = Result { try ScenarioAnalysis.run(try KuchubuCatchmentTests.model.get()) }

    @Test func ownWardThenSecondaryMedicalArea() throws {
        let plan = try #require(try Self.analysis.get().plans.first { $0.name.hasPrefix("段階的拡大") })
        #expect(plan.stages.map(\.name) == ["文京区", "区中央部", "患者50%圏"])
        #expect(String(format: "%.2f", plan.stages[0].share * 100) == "4.84")
        #expect(String(format: "%.2f", plan.stages[1].share * 100) == "10.94")
        #expect(plan.stages[1].areaIDs == ["13101", "13102", "13103", "13105", "13106"])
        #expect(plan.stages[2].share >= 0.5)
        for (a, b) in zip(plan.stages, plan.stages.dropFirst()) { #expect(Set(a.areaIDs).isSubset(of: Set(b.areaIDs))) }
        #expect(plan.stages.allSatisfy { $0.connected && $0.containsAnchor })
    }

    @Test func budgetStagesAreNestedOptimaAndTheFrontierNeverDecreases() throws {
        let a = try Self.analysis.get()
        let plan = try #require(a.plans.first { $0.name == "区市町村数の上限" })
        #expect(plan.stages.map(\.areaIDs.count) == [5, 10, 15])
        #expect(plan.stages.allSatisfy { $0.optimization?.optimal == true })
        for (x, y) in zip(plan.stages, plan.stages.dropFirst()) { #expect(Set(x.areaIDs).isSubset(of: Set(y.areaIDs))) }
        let f = try #require(a.frontier)
        let values = f.points.compactMap(\.patients)
        #expect(values.count == 25)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(f.points.allSatisfy { $0.optimal })
        // A nested stage can never beat the unconstrained optimum of its budget.
        for (stage, budget) in zip(plan.stages, [5, 10, 15]) { #expect(stage.patients <= f.points[budget - 1].patients!) }
        #expect(f.kneeBudget != nil && !f.path.isEmpty)
        #expect(f.path.map(\.budget) == f.path.map(\.budget).sorted())
    }
}
