@testable import CareAtlas
import Foundation
import Testing
import TestSupport

/// The region optimiser on the real adjacency of the 区中央部 case: the municipalities of Tokyo and
/// the three neighbouring prefectures, and the census small areas of six wards. Prints the solve
/// times (no timed assertions).
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct RegionOptimizerKuchubuTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml")) }

    /// The problem at `level` with the budgets named in `budgets` ("areas", "institutions",
    /// "population"); the weights are patients for municipalities (the level of the study's patient
    /// table), the population for small areas.
    static func problem(_ level: AreaLevel, budgets: [(String, Double)], root rootID: String? = nil) throws -> RegionProblem {
        let model = try model.get()
        let areas = try #require(model.areas[level])
        let adjacency = try #require(model.adjacency[level])
        let anchor = try #require(model.anchorIndex)
        let root = try rootID.map { try #require(model.areaIndex($0, at: level)) }
            ?? #require(areas.firstIndex { $0.institutionIndices.contains(anchor) })
        let weights = areas.map { area in
            level == .smallArea ? area.population["total"] ?? 0 : area.patients.map(Double.init) ?? 0
        }
        let costs: [[Double]] = budgets.map { name, _ in
            switch name {
            case "areas": return areas.map { _ in 1 }
            case "institutions": return areas.map { Double($0.institutionIndices.count) }
            default: return areas.map { $0.population["total"] ?? 0 }
            }
        }
        return RegionProblem(weights: weights, costs: costs, budgets: budgets.map(\.1), adjacency: adjacency, root: root)
    }

    /// Small areas weighted by the synthetic small-area patient table (88 rows, most areas 0).
    static func smallAreaPatientProblem(maxAreas: Double) throws -> RegionProblem {
        var p = try problem(.smallArea, budgets: [("areas", maxAreas)])
        let model = try model.get()
        let areas = try #require(model.areas[.smallArea])
        let text = try String(contentsOf: try #require(SharedData.file("case_kuchubu/patient_origins_fy2023_small_area_synthetic.csv")), encoding: .utf8)
        var patients: [String: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",")
            patients[String(fields[0]), default: 0] += Double(fields[3].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        p.weights = areas.map { patients[$0.id] ?? 0 }
        return p
    }

    static func report(_ label: String, _ p: RegionProblem, _ s: RegionSolution) {
        let edges = p.adjacency.reduce(0) { $0 + $1.count } / 2
        print("RegionOptimizer \(label): \(p.weights.count) nodes, \(edges) edges → \(s.selected.count) areas, objective \(s.objective), bound \(s.bound), optimal \(s.optimal), \(String(format: "%.2f", s.seconds)) s — \(s.method)")
    }

    @Test("municipalities of Tokyo, Saitama, Chiba and Kanagawa from 文京区: optimal within the default limit",
          arguments: [[("areas", 5.0)], [("areas", 10.0)], [("areas", 20.0)], [("areas", 40.0)],
                      [("population", 3_000_000.0)], [("areas", 15.0), ("population", 4_000_000.0)],
                      [("institutions", 150.0), ("areas", 30.0)]])
    func municipalities(budgets: [(String, Double)]) throws {
        let p = try Self.problem(.municipality, budgets: budgets, root: "13105")
        let s = try RegionOptimizer.solve(p)
        Self.report("municipalities \(budgets)", p, s)
        #expect(s.optimal)
        #expect(s.selected.contains(p.root))
    }

    @Test("census small areas of six wards, population, at most 20 areas: optimal")
    func smallAreasOptimal() throws {
        let p = try Self.problem(.smallArea, budgets: [("areas", 20)])
        let s = try RegionOptimizer.solve(p)
        Self.report("small areas, population, at most 20 areas", p, s)
        #expect(s.optimal)
    }

    @Test("census small areas of six wards, synthetic patients, at most 10 areas: optimal")
    func smallAreaPatientsOptimal() throws {
        let p = try Self.smallAreaPatientProblem(maxAreas: 10)
        let s = try RegionOptimizer.solve(p)
        Self.report("small areas, patients, at most 10 areas", p, s)
        #expect(s.optimal)
    }

    @Test("census small areas, larger budgets, 5 s: the best region found with a proven bound",
          arguments: [("population", 60.0), ("patients", 30.0)])
    func smallAreasWithGap(weights: String, maxAreas: Double) throws {
        let p = weights == "patients"
            ? try Self.smallAreaPatientProblem(maxAreas: maxAreas) : try Self.problem(.smallArea, budgets: [("areas", maxAreas)])
        let s = try RegionOptimizer.solve(p, timeLimitSeconds: 5)
        Self.report("small areas, \(weights), at most \(Int(maxAreas)) areas, 5 s", p, s)
        #expect(s.bound >= s.objective && s.gap >= 0 && s.gap < 0.25)
        #expect(s.selected.count <= Int(maxAreas) && s.selected.contains(p.root))
        #expect(s.optimal || s.method.contains("time limit"))
    }

    @Test("the frontier's budgets 1…25 and nested stages: the connected-set search gives CBC's regions")
    func frontierSearchEqualsCBC() throws {
        var searched = 0
        var previous: [Int] = []
        for budget in 1...25 {
            for nested in [false, true] {
                var p = try Self.problem(.municipality, budgets: [("areas", Double(budget))], root: "13105")
                if nested { p.required = previous }
                let cbc = try RegionOptimizer.solve(p, options: .init(enumerationNodeLimit: 0))
                let instance = try RegionInstance(p)
                let found = instance.enumerateOptimum(nodeLimit: RegionOptimizer.Options().enumerationNodeLimit)
                let s = try RegionOptimizer.solve(p)
                print("RegionOptimizer frontier \(budget)\(nested ? " nested" : ""): \(instance.count) nodes, search \(found.map { "\($0.nodes) nodes, \($0.optimalRegions) optimal regions" } ?? "over the limit"); \(String(format: "%.4f", s.seconds)) s vs cbc \(String(format: "%.4f", cbc.seconds)) s")
                #expect(s.optimal && cbc.optimal)
                #expect(s.selected == cbc.selected, "budget \(budget)")
                // Every budget is settled by the search within the default node limit; a unique
                // optimum is its answer, a tie goes to CBC.
                #expect(found != nil, "budget \(budget): the search did not settle within the node limit")
                if found?.optimalRegions == 1 {
                    #expect(s.method == RegionInstance.enumerationMethod || s.method.hasPrefix("preprocessing"), "budget \(budget): \(s.method)")
                } else {
                    #expect(s.method != RegionInstance.enumerationMethod, "budget \(budget): \(s.method)")
                }
                if s.method == RegionInstance.enumerationMethod { searched += 1 }
                if !nested { previous = s.selected }
            }
        }
        #expect(searched >= 15, "the search answered \(searched) of 50 solves")
    }
}
