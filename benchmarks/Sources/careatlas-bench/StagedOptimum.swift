import ArgumentParser
import CareAtlas
import Dispatch
import Foundation

/// `staged --study geodata/cases/kuchubu.yaml`: the exact best connected region (the region
/// optimiser over CBC) at the municipality and small-area levels of a study: areas weighted by
/// their patients (by their total population at a level without patient counts), an area budget
/// of a quarter of the level's total km², connected and containing the anchor's area.
struct StagedOptimum: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staged", abstract: "Time the region optimiser on every level of a study.")

    @Option(help: "The study file.") var study: String
    @Option(help: "Share of the level's total area (km²) allowed as budget.") var budgetShare = 0.25
    @Option(help: "Time limit per solve, seconds.") var timeLimit = 30.0

    func run() throws {
        let loadStart = DispatchTime.now()
        let model = try StudyLoader.load(URL(fileURLWithPath: study))
        let loadSeconds = seconds(since: loadStart)
        guard let anchor = model.anchor else { throw ValidationError("\(study) has no anchor") }
        var rows: [String] = []
        for level in [AreaLevel.municipality, .smallArea] {
            guard let areas = model.areas[level], let adjacency = model.adjacency[level],
                let anchorID = anchor.areaIDs[level], let root = model.areaIndex(anchorID, at: level)
            else { continue }
            let hasPatients = areas.contains { ($0.patients ?? 0) > 0 }
            let weights = areas.map { hasPatients ? Double($0.patients ?? 0) : ($0.population["total"] ?? 0) }
            let costs = areas.map(\.areaKm2)
            let budget = costs.reduce(0, +) * budgetShare
            let problem = RegionProblem(weights: weights, costs: [costs], budgets: [budget], adjacency: adjacency, root: root)
            let start = DispatchTime.now()
            let solution = try RegionOptimizer.solve(problem, timeLimitSeconds: timeLimit)
            let wall = seconds(since: start)
            rows.append("{\"level\":\"\(level.rawValue)\",\"areas\":\(areas.count),\"weight\":\"\(hasPatients ? "patients" : "population")\",\"selected\":\(solution.selected.count),"
                        + "\"objective\":\(solution.objective),\"optimal\":\(solution.optimal),\"gap\":\(String(format: "%.4f", solution.gap)),\"seconds\":\(String(format: "%.3f", wall))}")
        }
        print("{\"seconds_load\":\(String(format: "%.3f", loadSeconds)),\"levels\":[\(rows.joined(separator: ","))]}")
    }
}
