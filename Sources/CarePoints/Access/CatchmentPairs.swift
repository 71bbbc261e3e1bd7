import CareGeometry
import Foundation

/// How the cost c_ij of reaching supply j from demand i is measured.
public enum AccessCost: Sendable {
    /// c_ij = detour factor × the straight-line distance in metres between the two positions (a
    /// detour factor of 1.3 is a common stand-in for road distance; it must be ≥ 1).
    case euclidean(detourFactor: Double)
    /// c_ij read from an origin–destination table (origin = demand id, destination = supply id);
    /// a pair absent from the table is out of reach.
    case table(CostTable)
}

/// The sparse list of demand–supply pairs within the catchment threshold, c_ij ≤ d0: what every
/// floating-catchment method sums over. Never a dense N × M matrix.
///
/// Stored twice, in compressed sparse row form:
/// - by demand: the pairs of demand i are `rowStarts[i]..<rowStarts[i + 1]`, each with its
///   supply index (`supplyIndices`) and cost (`costs`), in increasing supply index;
/// - by supply: the entries of supply j are `columnStarts[j]..<columnStarts[j + 1]`, each with its
///   demand index (`columnDemands`) and its pair (`columnPairs`, an index into `supplyIndices`
///   and `costs`), in increasing demand index.
///
/// The order is canonical (it does not depend on how the pairs were found), so every sum over a
/// catchment is taken in the same order whatever the neighbour search, the number of cores or the
/// order of the cost table. Memory: 28 bytes per pair plus 16 bytes per point.
///
/// Thread safety: an immutable value; share it freely.
public struct CatchmentPairs: Sendable {
    /// The number of demand points (rows).
    public let demandCount: Int
    /// The number of supply points (columns).
    public let supplyCount: Int
    /// The threshold d0: pairs with c_ij ≤ d0 are kept. A negative threshold keeps nothing (as
    /// PySAL's `cost <= max_cost` filter does).
    public let maximumCost: Double
    /// `demandCount + 1` offsets into `supplyIndices` and `costs`.
    public let rowStarts: [Int]
    /// For each pair, its supply point (0-based index).
    public let supplyIndices: [Int32]
    /// For each pair, its cost c_ij.
    public let costs: [Double]
    /// `supplyCount + 1` offsets into `columnDemands` and `columnPairs`.
    public let columnStarts: [Int]
    /// For each entry of the transpose, its demand point (0-based index).
    public let columnDemands: [Int32]
    /// For each entry of the transpose, its pair (an index into `supplyIndices` and `costs`).
    public let columnPairs: [Int]

    /// The number of pairs.
    public var count: Int { costs.count }

    /// The pairs of demand `i`, as indices into `supplyIndices` and `costs`.
    public func pairs(ofDemand i: Int) -> Range<Int> { rowStarts[i]..<rowStarts[i + 1] }

    /// The entries of supply `j`, as indices into `columnDemands` and `columnPairs`.
    public func entries(ofSupply j: Int) -> Range<Int> { columnStarts[j]..<columnStarts[j + 1] }

    /// Builds the transpose of rows given in canonical order.
    private init(demandCount: Int, supplyCount: Int, maximumCost: Double, rowStarts: [Int], supplyIndices: [Int32], costs: [Double]) {
        self.demandCount = demandCount
        self.supplyCount = supplyCount
        self.maximumCost = maximumCost
        self.rowStarts = rowStarts
        self.supplyIndices = supplyIndices
        self.costs = costs
        // Counting sort by supply; visiting demands in increasing order keeps each column sorted.
        var starts = [Int](repeating: 0, count: supplyCount + 1)
        for j in supplyIndices { starts[Int(j) + 1] += 1 }
        for j in 0..<supplyCount { starts[j + 1] += starts[j] }
        var cursor = starts
        var demands = [Int32](repeating: 0, count: supplyIndices.count)
        var pairs = [Int](repeating: 0, count: supplyIndices.count)
        for i in 0..<demandCount {
            for p in rowStarts[i]..<rowStarts[i + 1] {
                let j = Int(supplyIndices[p])
                demands[cursor[j]] = Int32(i)
                pairs[cursor[j]] = p
                cursor[j] += 1
            }
        }
        columnStarts = starts
        columnDemands = demands
        columnPairs = pairs
    }

    /// The pairs within `maximumCost` of straight-line cost, found with a uniform grid over the
    /// supply points, on all cores.
    ///
    /// c_ij = `detourFactor` × √((x_i − x_j)² + (y_i − y_j)²); a pair is kept when c_ij ≤
    /// `maximumCost`. Time O(N + M + pairs + candidates), where candidates are the supply points in
    /// the grid cells around each demand point (about 3 × pairs for an even spread).
    ///
    /// - Parameters:
    ///   - demand, supply: positions in projected metres.
    ///   - maximumCost: d0 in metres; negative keeps no pair.
    ///   - detourFactor: ≥ 1.
    /// - Throws: ``AccessError`` `.invalidParameter` for a non-finite threshold or a detour factor
    ///   below 1, `.invalidValue` for a non-finite position.
    public init(euclideanFrom demand: [Coordinate], to supply: [Coordinate], maximumCost: Double, detourFactor: Double = 1)
        throws(AccessError)
    {
        var problems = AccessProblems()
        if !maximumCost.isFinite {
            problems.add(.invalidParameter, "the threshold must be a finite number, got \(maximumCost)")
        }
        if !(detourFactor.isFinite && detourFactor >= 1) {
            problems.add(.invalidParameter, "the detour factor must be a finite number ≥ 1, got \(detourFactor)")
        }
        if let i = demand.firstIndex(where: { !$0.isFinite }) {
            problems.add(.invalidValue, "demand point \(i + 1) has a non-finite position \(demand[i])")
        }
        if let j = supply.firstIndex(where: { !$0.isFinite }) {
            problems.add(.invalidValue, "supply point \(j + 1) has a non-finite position \(supply[j])")
        }
        try problems.throwIfAny()

        guard maximumCost >= 0, !demand.isEmpty, !supply.isEmpty else {
            self.init(demandCount: demand.count, supplyCount: supply.count, maximumCost: maximumCost,
                      rowStarts: [Int](repeating: 0, count: demand.count + 1), supplyIndices: [], costs: [])
            return
        }
        // The search radius in metres; the exact test below is on the cost itself.
        let radius = maximumCost / detourFactor * (1 + 1e-12)
        let grid = PointGrid(points: supply, radius: radius)
        @inline(__always) func cost(_ d: Coordinate, _ x: Double, _ y: Double) -> Double {
            let dx = d.x - x, dy = d.y - y
            return detourFactor * (dx * dx + dy * dy).squareRoot()
        }

        // Pass 1: count the pairs of each demand point.
        let counts = ParallelChunks.map(count: demand.count) { i -> Int in
            var n = 0
            grid.forEachCandidate(near: demand[i], radius: radius) { _, x, y in
                if cost(demand[i], x, y) <= maximumCost { n += 1 }
            }
            return n
        }
        var rowStarts = [Int](repeating: 0, count: demand.count + 1)
        for i in 0..<demand.count { rowStarts[i + 1] = rowStarts[i] + counts[i] }
        let total = rowStarts[demand.count]

        // Pass 2: write each row's supply indices in place, sort them, then their costs.
        var supplyIndices = [Int32](repeating: 0, count: total)
        var costs = [Double](repeating: 0, count: total)
        if total > 0 {
            supplyIndices.withUnsafeMutableBufferPointer { indexBuffer in
                costs.withUnsafeMutableBufferPointer { costBuffer in
                    let indices = SharedBuffer(indexBuffer)
                    let rowCosts = SharedBuffer(costBuffer)
                    ParallelChunks.forEach(count: demand.count) { range in
                        for i in range {
                            let start = rowStarts[i]
                            var k = start
                            grid.forEachCandidate(near: demand[i], radius: radius) { j, x, y in
                                if cost(demand[i], x, y) <= maximumCost {
                                    indices[k] = j
                                    k += 1
                                }
                            }
                            sortInPlace(indices.base + start, count: k - start)
                            for p in start..<k {
                                rowCosts[p] = cost(demand[i], supply[Int(indices[p])].x, supply[Int(indices[p])].y)
                            }
                        }
                    }
                }
            }
        }
        self.init(demandCount: demand.count, supplyCount: supply.count, maximumCost: maximumCost,
                  rowStarts: rowStarts, supplyIndices: supplyIndices, costs: costs)
    }

    /// The pairs of an origin–destination cost table with cost ≤ `maximumCost`.
    ///
    /// Every row is checked first and every problem reported, naming the table's line: an origin
    /// that is not a demand id or a destination that is not a supply id (`.unknownID`), an
    /// (origin, destination) pair given twice (`.duplicatePair`), a cost that is NaN, infinite or
    /// negative (`.invalidValue`). Demand–supply pairs absent from the table are out of reach.
    ///
    /// - Parameters:
    ///   - demandIDs, supplyIDs: the ids of the demand and supply points, in input order.
    ///   - maximumCost: d0 in the table's unit; negative keeps no pair.
    public init(table: CostTable, demandIDs: [String], supplyIDs: [String], maximumCost: Double) throws(AccessError) {
        var problems = AccessProblems()
        if maximumCost.isNaN || maximumCost.isInfinite {
            problems.add(.invalidParameter, "the threshold must be a finite number, got \(maximumCost)")
        }
        let demandIndex = Dictionary(demandIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let supplyIndex = Dictionary(supplyIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var firstLine: [Int: Int] = [:]
        var kept: [(demand: Int32, supply: Int32, cost: Double)] = []
        for (row, entry) in table.entries.enumerated() {
            let line = entry.line
            let rowName = line == nil ? "row \(row + 1): " : ""
            let i = demandIndex[entry.origin]
            let j = supplyIndex[entry.destination]
            if i == nil {
                problems.add(.unknownID, source: table.source, line: line,
                             "\(rowName)origin \"\(entry.origin)\" is not the id of a demand point",
                             fix: "the origin column holds demand ids, the destination column supply ids")
            }
            if j == nil {
                problems.add(.unknownID, source: table.source, line: line,
                             "\(rowName)destination \"\(entry.destination)\" is not the id of a supply point",
                             fix: "the origin column holds demand ids, the destination column supply ids")
            }
            if !(entry.cost.isFinite && entry.cost >= 0) {
                problems.add(.invalidValue, source: table.source, line: line,
                             "\(rowName)cost must be a finite number ≥ 0, got \(entry.cost)")
            }
            guard let i, let j else { continue }
            let key = i * supplyIDs.count + j
            if let first = firstLine[key] {
                let firstName = table.entries[first].line.map { "line \($0)" } ?? "row \(first + 1)"
                problems.add(.duplicatePair, source: table.source, line: line,
                             "\(rowName)the pair \(entry.origin) → \(entry.destination) repeats \(firstName)",
                             fix: "give each origin–destination pair once")
            } else {
                firstLine[key] = row
            }
            if entry.cost <= maximumCost {
                kept.append((Int32(i), Int32(j), entry.cost))
            }
        }
        try problems.throwIfAny()

        kept.sort { ($0.demand, $0.supply) < ($1.demand, $1.supply) }
        var rowStarts = [Int](repeating: 0, count: demandIDs.count + 1)
        for pair in kept { rowStarts[Int(pair.demand) + 1] += 1 }
        for i in 0..<demandIDs.count { rowStarts[i + 1] += rowStarts[i] }
        self.init(demandCount: demandIDs.count, supplyCount: supplyIDs.count, maximumCost: maximumCost,
                  rowStarts: rowStarts, supplyIndices: kept.map(\.supply), costs: kept.map(\.cost))
    }
}

/// Sorts `count` values in place without allocating: insertion sort for short runs, heapsort
/// otherwise.
private func sortInPlace(_ base: UnsafeMutablePointer<Int32>, count: Int) {
    if count <= 24 {
        var i = 1
        while i < count {
            let value = base[i]
            var k = i
            while k > 0 && base[k - 1] > value {
                base[k] = base[k - 1]
                k -= 1
            }
            base[k] = value
            i += 1
        }
        return
    }
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while 2 * root + 1 < end {
            var child = 2 * root + 1
            if child + 1 < end && base[child] < base[child + 1] { child += 1 }
            if base[root] >= base[child] { return }
            base.swapAt(root, child)
            root = child
        }
    }
    var start = count / 2 - 1
    while start >= 0 {
        siftDown(start, count)
        start -= 1
    }
    var end = count - 1
    while end > 0 {
        base.swapAt(0, end)
        siftDown(0, end)
        end -= 1
    }
}

extension UnsafeMutablePointer {
    @inline(__always)
    fileprivate func swapAt(_ a: Int, _ b: Int) {
        let t = self[a]
        self[a] = self[b]
        self[b] = t
    }
}
