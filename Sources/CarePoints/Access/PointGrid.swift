import CareGeometry

/// A uniform grid over a fixed set of points, for "every point within r of q" queries repeated
/// millions of times: each query visits only the cells that overlap the square q ± r, and the
/// points of a cell lie next to each other in memory.
///
/// Built in O(n) by a counting sort of the points by cell; within a cell points keep their input
/// order. The grid is at most `maximumCellsPerSide` cells on a side, so that a tiny radius over a
/// large extent does not allocate a huge grid (cells then become larger than the radius; queries
/// stay correct).
///
/// Thread safety: immutable after construction; share it between threads freely.
struct PointGrid: Sendable {
    static let maximumCellsPerSide = 1024

    private let minX: Double
    private let minY: Double
    private let cellSize: Double
    private let columns: Int
    private let rows: Int
    /// Points of cell `c` (row-major) are `members[cellStarts[c]..<cellStarts[c + 1]]`.
    private let cellStarts: [Int]
    /// Point indices, grouped by cell.
    private let members: [Int32]
    /// Coordinates of `members`, in the same order.
    private let xs: [Double]
    private let ys: [Double]

    /// - Parameters:
    ///   - points: finite positions.
    ///   - radius: the query radius the grid is tuned for (cells are about this wide).
    init(points: [Coordinate], radius: Double) {
        var extent = Envelope(points.first ?? Coordinate(x: 0, y: 0))
        for p in points { extent.expand(toInclude: p) }
        let span = Swift.max(extent.width, extent.height)
        var cell = Swift.max(radius, span / Double(Self.maximumCellsPerSide))
        if !(cell > 0) || !cell.isFinite { cell = Swift.max(span, 1) }
        minX = extent.minX
        minY = extent.minY
        cellSize = cell
        columns = Swift.min(Self.maximumCellsPerSide, Int((extent.width / cell).rounded(.down)) + 1)
        rows = Swift.min(Self.maximumCellsPerSide, Int((extent.height / cell).rounded(.down)) + 1)

        var counts = [Int](repeating: 0, count: columns * rows + 1)
        var cellOf = [Int](repeating: 0, count: points.count)
        for (i, p) in points.enumerated() {
            let c = Self.clamp((p.y - minY) / cell, rows) * columns + Self.clamp((p.x - minX) / cell, columns)
            cellOf[i] = c
            counts[c + 1] += 1
        }
        for c in 0..<(columns * rows) { counts[c + 1] += counts[c] }
        cellStarts = counts
        var cursor = counts
        var members = [Int32](repeating: 0, count: points.count)
        var xs = [Double](repeating: 0, count: points.count)
        var ys = [Double](repeating: 0, count: points.count)
        for (i, p) in points.enumerated() {
            let slot = cursor[cellOf[i]]
            cursor[cellOf[i]] += 1
            members[slot] = Int32(i)
            xs[slot] = p.x
            ys[slot] = p.y
        }
        self.members = members
        self.xs = xs
        self.ys = ys
    }

    /// The cell index of a scaled coordinate, clamped to `0..<limit`.
    @inline(__always)
    private static func clamp(_ scaled: Double, _ limit: Int) -> Int {
        if !(scaled > 0) { return 0 }  // also NaN
        if scaled >= Double(limit - 1) { return limit - 1 }
        return Int(scaled)
    }

    /// Calls `body(index, x, y)` for every point in the cells that overlap the square
    /// `centre ± radius`: a superset of the points within `radius`, which the caller filters by
    /// its exact cost. Cells are visited row by row, points within a cell in input order.
    @inline(__always)
    func forEachCandidate(near centre: Coordinate, radius: Double, _ body: (Int32, Double, Double) -> Void) {
        guard radius >= 0 else { return }
        let lowX = (centre.x - radius - minX) / cellSize
        let highX = (centre.x + radius - minX) / cellSize
        let lowY = (centre.y - radius - minY) / cellSize
        let highY = (centre.y + radius - minY) / cellSize
        // The square lies wholly outside the grid: nothing to visit.
        if highX < 0 || highY < 0 || lowX > Double(columns) || lowY > Double(rows) { return }
        let c0 = Self.clamp(lowX, columns), c1 = Self.clamp(highX, columns)
        let r0 = Self.clamp(lowY, rows), r1 = Self.clamp(highY, rows)
        members.withUnsafeBufferPointer { members in
            xs.withUnsafeBufferPointer { xs in
                ys.withUnsafeBufferPointer { ys in
                    cellStarts.withUnsafeBufferPointer { starts in
                        for r in r0...r1 {
                            let start = starts[r * columns + c0]
                            let end = starts[r * columns + c1 + 1]
                            // Cells c0...c1 of one row are contiguous in `members`.
                            for k in start..<end { body(members[k], xs[k], ys[k]) }
                        }
                    }
                }
            }
        }
    }
}
