/// Point-in-polygon tests for millions of points against a fixed set of polygons, in Swift on
/// the projected rings: no GEOS object per point, nothing allocated per test.
///
/// **Rule.** A point is *covered* by a polygon when it lies in its interior or on its boundary
/// (any ring, holes included) — GEOS's `covers` / `GEOSPreparedCovers_r`, the predicate the
/// study load uses to place points in areas, so that a point on a shared edge is never lost.
/// ``firstCovering(_:)`` gives the first polygon, in the order given, that covers the point: a
/// point on an edge shared by two areas goes to the earlier one.
///
/// **Method.** The crossing number (Shimrat 1962; Haines 1994, "Point in polygon strategies"):
/// a ray from the point towards +x crosses the rings' edges; the point is inside when it crosses
/// an odd number of times (the even–odd rule, which for a valid polygon — holes inside the shell,
/// rings not crossing — is GEOS's location). An edge (a, b) counts when it straddles the ray
/// half-openly (one end above the point's y, the other at or below) and the point lies on the
/// side from which the ray meets it; a point exactly on an edge or at a vertex is on the
/// boundary. The side is the sign of the orientation determinant
/// (b − a) × (p − a), decided exactly: a floating-point filter (Shewchuk 1997, error bound
/// (3 + 16ε)ε × (|l| + |r|)) and, where it cannot tell, the exact sum of the six products
/// (each split by a fused multiply–add, summed as a non-overlapping expansion), so boundary
/// points are found however the coordinates round.
///
/// **Index.** A uniform grid over all envelopes lists, per cell, the polygons whose envelope
/// meets it (in the given order); each polygon's edges are bucketed into horizontal strips of
/// its envelope, so a test reads only the edges whose y-range holds the point's y.
///
/// Thread safety: immutable; share it between threads.
public struct PolygonLocator: Sendable {
    private let envelopes: [Envelope]
    /// Edges of every ring of every polygon: (ax, ay, bx, by), four Doubles per edge.
    private let edges: [Double]
    /// Per polygon: its strips' first entry in `stripStarts`, the strip count and height.
    private let stripBase: [Int]
    private let stripCount: [Int]
    private let stripHeight: [Double]
    /// Edge indices of strip s (global) are `stripEdges[stripStarts[s]..<stripStarts[s + 1]]`.
    private let stripStarts: [Int]
    private let stripEdges: [Int32]
    /// The grid over the envelopes: polygons of cell c are `cellPolygons[cellStarts[c]..<cellStarts[c + 1]]`.
    private let grid: Envelope
    private let cellWidth: Double
    private let cellHeight: Double
    private let columns: Int
    private let rows: Int
    private let cellStarts: [Int]
    private let cellPolygons: [Int32]

    /// The number of polygons.
    public var count: Int { envelopes.count }

    /// Indexes `polygons` (finite coordinates, projected; at most 2³¹ − 1 edges in all).
    public init(_ polygons: [Polygon]) {
        var envelopes: [Envelope] = []
        var edges: [Double] = []
        var stripBase: [Int] = [], stripCount: [Int] = [], stripHeight: [Double] = []
        var stripStarts: [Int] = [0], stripEdges: [Int32] = []
        envelopes.reserveCapacity(polygons.count)
        for polygon in polygons {
            let first = edges.count / 4
            var envelope = Envelope(polygon.exterior.coordinates[0])
            for ring in polygon.rings {
                let c = ring.coordinates
                for k in 0..<(c.count - 1) {
                    edges.append(c[k].x); edges.append(c[k].y); edges.append(c[k + 1].x); edges.append(c[k + 1].y)
                    envelope.expand(toInclude: c[k])
                }
            }
            envelopes.append(envelope)
            let n = edges.count / 4 - first
            // About two edges per strip; a strip is found from y by one division.
            let strips = Swift.max(1, Swift.min(n / 2, 4096))
            let height = envelope.height > 0 ? envelope.height / Double(strips) : 1
            var lists = [[Int32]](repeating: [], count: strips)
            for e in first..<(first + n) {
                let low = Swift.min(edges[4 * e + 1], edges[4 * e + 3]), high = Swift.max(edges[4 * e + 1], edges[4 * e + 3])
                let s0 = Self.strip(low, envelope.minY, height, strips), s1 = Self.strip(high, envelope.minY, height, strips)
                for s in s0...s1 { lists[s].append(Int32(e)) }
            }
            stripBase.append(stripStarts.count - 1)
            stripCount.append(strips)
            stripHeight.append(height)
            for list in lists {
                stripEdges += list
                stripStarts.append(stripEdges.count)
            }
        }
        self.envelopes = envelopes
        self.edges = edges
        self.stripBase = stripBase
        self.stripCount = stripCount
        self.stripHeight = stripHeight
        self.stripStarts = stripStarts
        self.stripEdges = stripEdges

        // The grid: about one cell per polygon, at most 1024 on a side.
        var all = envelopes.first ?? Envelope(Coordinate(x: 0, y: 0))
        for e in envelopes { all.expand(toInclude: e) }
        grid = all
        let side = Swift.max(1, Swift.min(1024, Int(Double(envelopes.count).squareRoot().rounded(.up))))
        columns = side
        rows = side
        cellWidth = all.width > 0 ? all.width / Double(side) : 1
        cellHeight = all.height > 0 ? all.height / Double(side) : 1
        var counts = [Int](repeating: 0, count: side * side + 1)
        var spans: [(Int, Int, Int, Int)] = []
        spans.reserveCapacity(envelopes.count)
        for e in envelopes {
            let c0 = Self.cell(e.minX, all.minX, cellWidth, side), c1 = Self.cell(e.maxX, all.minX, cellWidth, side)
            let r0 = Self.cell(e.minY, all.minY, cellHeight, side), r1 = Self.cell(e.maxY, all.minY, cellHeight, side)
            spans.append((c0, c1, r0, r1))
            for r in r0...r1 { for c in c0...c1 { counts[r * side + c + 1] += 1 } }
        }
        for c in 0..<(side * side) { counts[c + 1] += counts[c] }
        var cursor = counts
        var members = [Int32](repeating: 0, count: counts[side * side])
        for (k, (c0, c1, r0, r1)) in spans.enumerated() {
            for r in r0...r1 {
                for c in c0...c1 {
                    members[cursor[r * side + c]] = Int32(k)
                    cursor[r * side + c] += 1
                }
            }
        }
        cellStarts = counts
        cellPolygons = members
    }

    @inline(__always)
    private static func strip(_ y: Double, _ minY: Double, _ height: Double, _ count: Int) -> Int {
        let s = (y - minY) / height
        if !(s > 0) { return 0 }
        if s >= Double(count - 1) { return count - 1 }
        return Int(s)
    }

    @inline(__always)
    private static func cell(_ v: Double, _ origin: Double, _ size: Double, _ count: Int) -> Int {
        strip(v, origin, size, count)
    }

    /// Whether polygon `k` covers `p` (interior or boundary).
    public func covers(_ p: Coordinate, polygon k: Int) -> Bool {
        location(p, k) != .exterior
    }

    /// Where `p` lies relative to polygon `k`.
    public func location(of p: Coordinate, polygon k: Int) -> PointLocation {
        location(p, k)
    }

    /// The first polygon, in the order given, that covers `p`; nil when none does.
    public func firstCovering(_ p: Coordinate) -> Int? {
        guard p.x >= grid.minX && p.x <= grid.maxX && p.y >= grid.minY && p.y <= grid.maxY else { return nil }
        let c = Self.cell(p.x, grid.minX, cellWidth, columns), r = Self.cell(p.y, grid.minY, cellHeight, rows)
        let start = cellStarts[r * columns + c], end = cellStarts[r * columns + c + 1]
        for m in start..<end {
            let k = Int(cellPolygons[m])
            if location(p, k) != .exterior { return k }
        }
        return nil
    }

    @inline(__always)
    private func location(_ p: Coordinate, _ k: Int) -> PointLocation {
        let e = envelopes[k]
        guard p.x >= e.minX && p.x <= e.maxX && p.y >= e.minY && p.y <= e.maxY else { return .exterior }
        let s = stripBase[k] + Self.strip(p.y, e.minY, stripHeight[k], stripCount[k])
        var crossings = 0
        return edges.withUnsafeBufferPointer { edges in
            stripEdges.withUnsafeBufferPointer { list in
                for m in stripStarts[s]..<stripStarts[s + 1] {
                    let i = 4 * Int(list[m])
                    let ax = edges[i], ay = edges[i + 1], bx = edges[i + 2], by = edges[i + 3]
                    switch Self.crossing(p.x, p.y, ax, ay, bx, by) {
                    case 1: crossings += 1
                    case 2: return .boundary
                    default: break
                    }
                }
                return crossings & 1 == 1 ? .interior : .exterior
            }
        }
    }

    /// How the edge a → b meets the ray from p towards +x: 0 not counted, 1 a crossing, 2 p lies
    /// on the edge.
    @inline(__always)
    static func crossing(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Int {
        if ax < px && bx < px { return 0 }  // wholly left of p: the ray cannot meet it
        if bx == px && by == py { return 2 }  // p is the end vertex (the start is the previous edge's end)
        if ay == py && by == py {  // horizontal at p's height: on it, or not counted
            return Swift.min(ax, bx) <= px && px <= Swift.max(ax, bx) ? 2 : 0
        }
        // Half-open straddle: one end above p, the other at or below.
        guard (ay > py && by <= py) || (by > py && ay <= py) else { return 0 }
        let side = orientation(ax, ay, bx, by, px, py)
        if side == 0 { return 2 }
        // Upward edges are met from their left (side > 0), downward ones from their right.
        return (by > ay) == (side > 0) ? 1 : 0
    }

    /// The sign of (b − a) × (c − a): +1 when c lies left of a → b, −1 right, 0 on the line; exact.
    static func orientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
        let left = (bx - ax) * (cy - ay)
        let right = (by - ay) * (cx - ax)
        let det = left - right
        let bound = 3.3306690738754716e-16 * (abs(left) + abs(right))
        if det > bound { return 1 }
        if -det > bound { return -1 }
        return exactOrientation(ax, ay, bx, by, cx, cy)
    }

    /// The exact sign of ax·by − ay·bx + bx·cy − by·cx + cx·ay − cy·ax (the same determinant
    /// expanded so that no difference is rounded): each product as p + e with e = fma(x, y, −p)
    /// exact, the twelve terms summed into a non-overlapping expansion (Shewchuk's
    /// Grow-Expansion), whose sign is that of its largest non-zero component.
    static func exactOrientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
        var expansion: [Double] = []
        expansion.reserveCapacity(12)
        func add(_ value: Double) {
            var q = value
            for i in expansion.indices {
                let s = q + expansion[i]
                let b = s - q
                let error = (q - (s - b)) + (expansion[i] - b)
                expansion[i] = error
                q = s
            }
            expansion.append(q)
        }
        func product(_ x: Double, _ y: Double, _ sign: Double) {
            let p = x * y
            let e = (-p).addingProduct(x, y)
            add(sign * p)
            add(sign * e)
        }
        product(ax, by, 1); product(ay, bx, -1)
        product(bx, cy, 1); product(by, cx, -1)
        product(cx, ay, 1); product(cy, ax, -1)
        for v in expansion.reversed() where v != 0 { return v > 0 ? 1 : -1 }
        return 0
    }
}

/// Where a point lies relative to a polygon.
public enum PointLocation: Sendable, Hashable {
    case interior
    case boundary
    case exterior
}
