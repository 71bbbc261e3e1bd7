import ArgumentParser
import CareAtlas
import CarePoints
import Dispatch
import Foundation

/// `access-phases --demand D.csv --supply S.csv --method e2sfca --threshold 10000`: the phases of
/// `careatlas access` point mode timed one by one (reading and checking the CSVs, scoring, writing
/// the scores), to show what bounds the command's wall time.
struct AccessPhases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-phases", abstract: "Time the phases of careatlas access (read, score, write).")

    enum Method: String, ExpressibleByArgument { case twoStep = "2sfca", enhanced = "e2sfca", gaussian }

    @Option(help: "Demand points: CSV with id,x,y,population.") var demand: String
    @Option(help: "Supply points: CSV with id,x,y,capacity.") var supply: String
    @Option(help: "2sfca, e2sfca (default bands) or gaussian (σ = d0 / 2).") var method: Method
    @Option(help: "d0 in metres.") var threshold: Double
    @Option(help: "Where to write the scores (default: not written).") var out: String?

    func run() throws {
        var start = DispatchTime.now()
        let demandPoints = try AccessInput.readDemand(contentsOf: URL(fileURLWithPath: demand))
        let supplyPoints = try AccessInput.readSupply(contentsOf: URL(fileURLWithPath: supply))
        let read = seconds(since: start)
        let model: FloatingCatchmentModel
        switch method {
        case .twoStep: model = try .twoStep(maximumCost: threshold)
        case .enhanced: model = try .enhancedTwoStep(bands: FloatingCatchmentModel.defaultEnhancedBands(maximumCost: threshold))
        case .gaussian: model = try .gaussian(maximumCost: threshold, sigma: threshold / 2)
        }
        start = DispatchTime.now()
        let scores = try FloatingCatchment.scores(demand: demandPoints, supply: supplyPoints, cost: .euclidean(detourFactor: 1), model: model)
        let score = seconds(since: start)
        start = DispatchTime.now()
        let text = scores.csv(ids: demandPoints.map(\.id))
        if let out { try Data(text.utf8).write(to: URL(fileURLWithPath: out)) }
        let write = seconds(since: start)
        print("{\"pairs\":\(scores.pairCount),\"seconds_read\":\(String(format: "%.3f", read)),"
              + "\"seconds_score\":\(String(format: "%.3f", score)),\"seconds_format_write\":\(String(format: "%.3f", write)),"
              + "\"pairs_per_second\":\(String(format: "%.3g", Double(scores.pairCount) / score))}")
    }
}
