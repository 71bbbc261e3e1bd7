import CareFormats
import CareGeometry
import CarePoints
import Foundation

/// `careatlas-network-bench access N M RADIUS_KM [2sfca|e2sfca|gaussian|gravity]`: the floating-catchment
/// engine on N demand and M supply points drawn uniformly (SplitMix64, seed 19) in a 100 km square,
/// timed with the per-pair cost, to see how the access engine scales with the cores it is given
/// (`taskset -c 0-K` in benchmarks/scaling.sh). Pairs within 10 km are about 3.1 % of N × M.
func runAccessScaling(_ args: [String], rng: inout SplitMix64) throws {
    let n = args.count > 2 ? Int(args[2]) ?? 200_000 : 200_000
    let m = args.count > 3 ? Int(args[3]) ?? 20_000 : 20_000
    let radius = (args.count > 4 ? Double(args[4]) ?? 10 : 10) * 1000
    let method = args.count > 5 ? args[5] : "e2sfca"
    let side = 100_000.0
    let demand = (0..<n).map { i in
        DemandPoint(id: "d\(i)", position: Coordinate(x: rng.uniform() * side, y: rng.uniform() * side),
                    population: Double(1 + rng.next() % 500))
    }
    let supply = (0..<m).map { j in
        SupplyPoint(id: "s\(j)", position: Coordinate(x: rng.uniform() * side, y: rng.uniform() * side),
                    capacity: Double(1 + rng.next() % 20))
    }
    let model: FloatingCatchmentModel
    switch method {
    case "2sfca": model = try .twoStep(maximumCost: radius)
    case "gaussian": model = try .gaussian(maximumCost: radius, sigma: radius / 2)
    case "gravity": model = try .gravity(maximumCost: radius, beta: 1.5, minimumCost: 100)
    default: model = try .enhancedTwoStep(bands: FloatingCatchmentModel.defaultEnhancedBands(maximumCost: radius))
    }
    let loadBefore = loadAverage()
    let cpuStart = processCPUSeconds()
    let start = clock.now
    let scores = try FloatingCatchment.scores(demand: demand, supply: supply, cost: .euclidean(detourFactor: 1), model: model)
    let elapsed = clock.now - start
    let cpu = processCPUSeconds() - cpuStart
    let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    // Under taskset the process may see every core of the machine; benchmarks/scaling.sh says how many it may use.
    let workers = ProcessInfo.processInfo.environment["CAREATLAS_BENCH_CORES"].flatMap { Int($0) }
        ?? ProcessInfo.processInfo.activeProcessorCount
    print("access \(method) \(n) × \(m), \(radius / 1000) km: \(seconds(elapsed)), CPU \(String(format: "%.2f", cpu)) s "
          + "(\(String(format: "%.2f", cpu * 1e9 / Double(scores.pairCount))) ns per pair), load \(loadBefore) → \(loadAverage()); "
          + "\(scores.pairCount) pairs; "
          + String(format: "%.2f ns per pair, %.2f ns per pair per core (%d cores); ", s * 1e9 / Double(scores.pairCount),
                   s * 1e9 * Double(workers) / Double(scores.pairCount), workers)
          + "sum of finite scores \(String(format: "%.12g", scores.scores.filter { $0.isFinite }.reduce(0, +))); peak RSS \(String(format: "%.0f", peakResidentMegabytes())) MB")
}
