import ArgumentParser
import CareAtlas
import CareFormats
import CareGeometry
import CarePoints
import Foundation
import TestSupport

/// `generate --scale 200000x20000 --seed 1 --out DIR`: demand.csv (id,x,y,population) and
/// supply.csv (id,x,y,capacity) in projected metres, the inputs of `careatlas access`.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write seeded clustered demand and supply points (the same layout at every scale).")

    @Option(help: "Demand × supply counts: 2000x300, 20000x3000, 200000x20000, 1000000x100000 (any NxM).")
    var scale: String

    @Option(help: "Seed of the generator (same seed, same bytes).")
    var seed: UInt64 = 1

    @Option(help: "Folder to write demand.csv and supply.csv into (created).")
    var out: String

    @Flag(name: .customLong("no-pairs"), help: "Do not count the pairs within 5 and 10 km.")
    var noPairs = false

    func validate() throws {
        guard Self.parseScale(scale) != nil else {
            throw ValidationError("--scale must be NxM with N, M > 0 (e.g. 200000x20000), got \(scale)")
        }
    }

    static func parseScale(_ text: String) -> (demand: Int, supply: Int)? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let n = Int(parts[0]), let m = Int(parts[1]), n > 0, m > 0 else { return nil }
        return (n, m)
    }

    func run() throws {
        let (n, m) = Self.parseScale(scale)!
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = SplitMix64(state: seed)
        let layout = Layout(random: &random)
        let demandRows = try Self.write(n, prefix: "d", column: "population", median: 120, spread: 0.8, layout, &random,
                                        to: folder.appendingPathComponent("demand.csv"))
        let supplyRows = try Self.write(m, prefix: "s", column: "capacity", median: 8, spread: 0.6, layout, &random,
                                        to: folder.appendingPathComponent("supply.csv"))
        let demand = demandRows.map { DemandPoint(id: $0.id, position: $0.position, population: $0.amount) }
        let supply = supplyRows.map { SupplyPoint(id: $0.id, position: $0.position, capacity: $0.amount) }

        var json = "{\"demand\":\(n),\"supply\":\(m),\"seed\":\(seed)"
        if !noPairs {
            for radius in [5_000.0, 10_000.0] {
                let r = try FloatingCatchment.twoStageStreaming(
                    demand: demand, supply: supply, maximumCost: radius, detourFactor: 1, decay: .uniform)
                let share = Double(r.pairCount) / (Double(n) * Double(m))
                json += ",\"pairs_\(Int(radius / 1000))km\":\(r.pairCount),\"share_\(Int(radius / 1000))km\":\(String(format: "%.4f", share))"
            }
        }
        print(json + "}")
    }

    /// Draws `count` points with a log-normal amount, writes them as id,x,y,<column> and returns them.
    static func write(
        _ count: Int, prefix: String, column: String, median: Double, spread: Double, _ layout: Layout,
        _ random: inout SplitMix64, to url: URL
    ) throws -> [(id: String, position: Coordinate, amount: Double)] {
        var rows: [(id: String, position: Coordinate, amount: Double)] = []
        rows.reserveCapacity(count)
        var text = "id,x,y,\(column)\n"
        text.reserveCapacity(40 * (count + 1))
        for k in 0..<count {
            let p = layout.point(&random)
            let amount = Layout.amount(&random, median: median, spread: spread)
            let id = "\(prefix)\(k + 1)"
            rows.append((id, Coordinate(x: p.x, y: p.y), Double(amount)))
            text += id + ","
            appendCentimetres(p.x, to: &text)
            text += ","
            appendCentimetres(p.y, to: &text)
            text += ",\(amount)\n"
        }
        try AtomicFile.write(Data(text.utf8), to: url)
        return rows
    }
}
