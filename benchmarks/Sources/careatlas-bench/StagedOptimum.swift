import ArgumentParser
import CareAtlas
import Dispatch
import Foundation

/// `staged --study geodata/cases/kuchubu.yaml`: the exact best connected region (the region
/// optimiser over CBC) at the municipality and small-area levels of a study: areas weighted by
/// their patients (the 65+ population where an area has no patient count), a population budget of
/// a quarter of the level's total, connected and containing the anchor's area.
struct StagedOptimum: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staged", abstract: "Time the region optimiser on every level of a study.")

    @Option(help: "The study file.") var study: String
    @Option(help: "Share of the level's total population allowed as budget.") var budgetShare = 0.25
    @Option(help: "Time limit per solve, seconds.") var timeLimit = 120.0

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
            let weights = areas.map { Double($0.patients ?? 0) > 0 ? Double($0.patients!) : ($0.population["aged65"] ?? 0) }
            let costs = areas.map { $0.population["total"] ?? 0 }
            let budget = costs.reduce(0, +) * budgetShare
            let problem = RegionProblem(weights: weights, costs: [costs], budgets: [budget], adjacency: adjacency, root: root)
            let start = DispatchTime.now()
            let solution = try RegionOptimizer.solve(problem, timeLimitSeconds: timeLimit)
            let wall = seconds(since: start)
            rows.append("{\"level\":\"\(level.rawValue)\",\"areas\":\(areas.count),\"selected\":\(solution.selected.count),"
                        + "\"objective\":\(solution.objective),\"optimal\":\(solution.optimal),\"seconds\":\(String(format: "%.3f", wall))}")
        }
        print("{\"seconds_load\":\(String(format: "%.3f", loadSeconds)),\"levels\":[\(rows.joined(separator: ","))]}")
    }
}
