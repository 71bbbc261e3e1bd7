/// The contacts of pairs of polygonal areas decided exactly in Swift where their boundaries meet
/// cleanly, so that the overlay of ``PairwiseContacts`` is needed only for the other pairs.
///
/// **What it settles.** For polygonal geometries A and B it compares the boundary segments that
/// reach the intersection of the two bounding boxes (a sweep over x), each pair of segments by
/// exact orientation signs (``PolygonLocator``'s filter, Shewchuk 1997). The pair is *settled*
/// when every contact of the two boundaries is clean:
/// - segments that meet do so only at a vertex both hold (same coordinates), or are the same
///   segment (both end points equal): a vertex of one lying inside a segment of the other, a
///   proper crossing or a partial collinear overlap leaves the pair unsettled;
/// - at every shared vertex the interiors' angular sectors do not overlap (each ring's sector
///   between its incoming and outgoing edge, on the side of the polygon's interior; the angular
///   order around the vertex is decided by half-plane and orientation signs, all exact);
/// - no vertex of A (other than a shared one) lies in B, nor one of B in A (exact
///   point-in-polygon).
///
/// Then the interiors are disjoint: a non-empty A ∩ B would be bounded by a piece of an edge of
/// one lying inside the other, and such an edge either ends strictly inside the other (a vertex
/// test), or at a shared vertex where it points into the other's sector (the sector test), or
/// meets the other's boundary elsewhere (not clean). So the overlap area is 0, and the shared
/// boundary ∂A ∩ ∂B is the union of the common segments plus points: its length is positive
/// exactly when one segment is common. The reported length is the sum of the common segments'
/// lengths (GEOS's length of the same lines, up to rounding of the sum).
///
/// Polygons that share their edges exactly (one layer of municipalities or small areas, cut from
/// one topology) are settled; layers simplified independently overlap slightly along their
/// common border and are left to GEOS.
///
/// Thread safety: immutable; share it between threads.
public struct ExactContacts: Sendable {
    /// Per geometry: nil when it is not polygonal or a ring's orientation is degenerate.
    private let shapes: [Shape?]
    private let polygonal: [Bool]
    private let locator: PolygonLocator

    private struct Shape: Sendable {
        /// Every ring, closed (last == first), with `interiorLeft[r]` telling on which side of
        /// the ring's direction the polygon's interior lies.
        let rings: [[Coordinate]]
        let interiorLeft: [Bool]
        let box: Envelope
        /// This geometry's polygons in `locator`.
        let parts: Range<Int>
    }

    /// How a settled pair meets.
    public struct Settled: Sendable, Hashable {
        /// The summed length of the segments both boundaries hold (0: apart, or a corner contact).
        public var sharedLength: Double
        /// Whether the boundaries have any point in common.
        public var touching: Bool
    }

    /// Prepares `geometries` (projected coordinates); non-polygonal ones are never settled.
    public init(_ geometries: [Geometry]) {
        var shapes: [Shape?] = []
        var polygons: [Polygon] = []
        shapes.reserveCapacity(geometries.count)
        for g in geometries {
            let parts: [Polygon]
            switch g {
            case .polygon(let p): parts = [p]
            case .multiPolygon(let m) where !m.polygons.isEmpty: parts = m.polygons
            default: shapes.append(nil); continue
            }
            var rings: [[Coordinate]] = []
            var left: [Bool] = []
            var degenerate = false
            var box = Envelope(parts[0].exterior.coordinates[0])
            for p in parts {
                for (r, ring) in p.rings.enumerated() {
                    let c = ring.coordinates
                    guard let ccw = Self.isCounterClockwise(c) else { degenerate = true; break }
                    for point in c { box.expand(toInclude: point) }
                    rings.append(c)
                    left.append(ccw == (r == 0))  // shells counter-clockwise, holes clockwise
                }
            }
            if degenerate { shapes.append(nil); continue }
            shapes.append(Shape(rings: rings, interiorLeft: left, box: box, parts: polygons.count..<(polygons.count + parts.count)))
            polygons += parts
        }
        self.shapes = shapes
        self.polygonal = geometries.map {
            switch $0 {
            case .polygon, .multiPolygon: return true
            default: return false
            }
        }
        self.locator = PolygonLocator(polygons)
    }

    /// The number of geometries.
    public var count: Int { shapes.count }

    /// Whether geometry `i` is a polygon or a multipolygon (its pairs may be settled here).
    public func isPolygonal(_ i: Int) -> Bool { polygonal[i] }

    /// The contact of geometries `i` and `j` when it can be decided without an overlay; nil when
    /// it cannot (the boundaries cross, overlap partly, or a geometry is not polygonal).
    public func settle(_ i: Int, _ j: Int) -> Settled? {
        guard let a = shapes[i], let b = shapes[j] else { return nil }
        guard a.box.intersects(b.box) else { return Settled(sharedLength: 0, touching: false) }
        let box = Envelope(minX: max(a.box.minX, b.box.minX), minY: max(a.box.minY, b.box.minY),
                           maxX: min(a.box.maxX, b.box.maxX), maxY: min(a.box.maxY, b.box.maxY))
        let segmentsA = Self.segments(a, in: box), segmentsB = Self.segments(b, in: box)
        var shared = 0.0
        var touching = false
        // Shared vertices: the occurrences in A and in B (ring, vertex index), by coordinates.
        var occurrences: [Coordinate: (a: [Vertex], b: [Vertex])] = [:]
        func note(_ v: Coordinate, _ va: Vertex, _ vb: Vertex) {
            // One lookup, the entry changed in place.
            func add(_ entry: inout (a: [Vertex], b: [Vertex])) {
                if !entry.a.contains(va) { entry.a.append(va) }
                if !entry.b.contains(vb) { entry.b.append(vb) }
            }
            add(&occurrences[v, default: ([], [])])
        }
        // A sweep over x: both lists sorted by their segments' smaller x.
        var active: [Int] = []  // indices into segmentsB whose x-range may still meet
        var k = 0
        for sa in segmentsA {
            while k < segmentsB.count && segmentsB[k].minX <= sa.maxX { active.append(k); k += 1 }
            active.removeAll { segmentsB[$0].maxX < sa.minX }
            for m in active {
                let sb = segmentsB[m]
                guard sb.minX <= sa.maxX, sb.minY <= sa.maxY, sa.minY <= sb.maxY else { continue }
                let p0 = a.rings[sa.ring][sa.index], p1 = a.rings[sa.ring][sa.index + 1]
                let q0 = b.rings[sb.ring][sb.index], q1 = b.rings[sb.ring][sb.index + 1]
                switch Self.meet(p0, p1, q0, q1) {
                case .apart: continue
                case .unclean: return nil
                case .vertices(let sameSegment):
                    touching = true
                    if sameSegment { shared += ((p1.x - p0.x) * (p1.x - p0.x) + (p1.y - p0.y) * (p1.y - p0.y)).squareRoot() }
                    for (p, ia) in [(p0, sa.index), (p1, sa.index + 1)] {
                        if p == q0 { note(p, Vertex(ring: sa.ring, index: ia), Vertex(ring: sb.ring, index: sb.index)) }
                        if p == q1 { note(p, Vertex(ring: sa.ring, index: ia), Vertex(ring: sb.ring, index: sb.index + 1)) }
                    }
                }
            }
        }
        // The interiors' sectors at every shared vertex.
        for (v, entry) in occurrences {
            for va in entry.a {
                guard let sa = Self.sector(a, va, v) else { return nil }
                for vb in entry.b {
                    guard let sb = Self.sector(b, vb, v), Self.disjoint(v, sa, sb) else { return nil }
                }
            }
        }
        // No vertex of one inside the other (a shared vertex is on both boundaries).
        if contains(b, verticesOf: a, in: box, except: occurrences) || contains(a, verticesOf: b, in: box, except: occurrences) { return nil }
        return Settled(sharedLength: shared, touching: touching)
    }

    private struct Vertex: Hashable {
        let ring: Int
        let index: Int
    }

    private struct Segment {
        let ring: Int
        let index: Int
        let minX: Double, maxX: Double, minY: Double, maxY: Double
    }

    /// The non-degenerate segments of `shape` whose boxes meet `box`, sorted by smaller x.
    private static func segments(_ shape: Shape, in box: Envelope) -> [Segment] {
        var result: [Segment] = []
        for (r, c) in shape.rings.enumerated() {
            for k in 0..<(c.count - 1) {
                let p = c[k], q = c[k + 1]
                let minX = min(p.x, q.x), maxX = max(p.x, q.x), minY = min(p.y, q.y), maxY = max(p.y, q.y)
                guard p != q, minX <= box.maxX, maxX >= box.minX, minY <= box.maxY, maxY >= box.minY else { continue }
                result.append(Segment(ring: r, index: k, minX: minX, maxX: maxX, minY: minY, maxY: maxY))
            }
        }
        result.sort { $0.minX < $1.minX }
        return result
    }

    private enum Meeting {
        case apart
        /// They meet only at end points both hold; `sameSegment` when both ends are common.
        case vertices(sameSegment: Bool)
        /// A proper crossing, an end point inside the other segment, or a partial overlap.
        case unclean
    }

    /// How the closed segments p0p1 and q0q1 (neither degenerate) meet, exactly.
    private static func meet(_ p0: Coordinate, _ p1: Coordinate, _ q0: Coordinate, _ q1: Coordinate) -> Meeting {
        let o1 = orientation(p0, p1, q0), o2 = orientation(p0, p1, q1)
        if o1 != 0 && o1 == o2 { return .apart }
        let o3 = orientation(q0, q1, p0), o4 = orientation(q0, q1, p1)
        if o3 != 0 && o3 == o4 { return .apart }
        if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 { return .unclean }  // a proper crossing
        var touching = false
        for (point, o, s0, s1) in [(q0, o1, p0, p1), (q1, o2, p0, p1), (p0, o3, q0, q1), (p1, o4, q0, q1)] where o == 0 {
            guard min(s0.x, s1.x) <= point.x, point.x <= max(s0.x, s1.x), min(s0.y, s1.y) <= point.y, point.y <= max(s0.y, s1.y) else { continue }
            guard point == s0 || point == s1 else { return .unclean }  // inside the other segment
            touching = true
        }
        guard touching else { return .apart }  // collinear but disjoint, or on the line beyond an end
        return .vertices(sameSegment: (p0 == q0 && p1 == q1) || (p0 == q1 && p1 == q0))
    }

    /// The interior's open angular sector at vertex `vertex` (coordinates `v`) of `shape`: from the
    /// direction of `from` counter-clockwise to the direction of `to`; nil when degenerate (the
    /// ring turns back on itself there).
    private static func sector(_ shape: Shape, _ vertex: Vertex, _ v: Coordinate) -> (from: Coordinate, to: Coordinate)? {
        let c = shape.rings[vertex.ring]
        let n = c.count - 1  // distinct positions (the last repeats the first)
        var k = vertex.index % n
        var previous = c[(k + n - 1) % n], steps = 0
        while previous == v && steps < n { k = (k + n - 1) % n; previous = c[(k + n - 1) % n]; steps += 1 }
        k = vertex.index % n
        var next = c[(k + 1) % n]
        steps = 0
        while next == v && steps < n { k = (k + 1) % n; next = c[(k + 1) % n]; steps += 1 }
        guard previous != v, next != v else { return nil }
        // Interior on the left of previous → v → next: the sector runs from next round to previous.
        let sector = shape.interiorLeft[vertex.ring] ? (from: next, to: previous) : (from: previous, to: next)
        guard angleClass(v, sector.to, sector.from) != 0 else { return nil }  // a spike
        return sector
    }

    /// Whether the open sectors s and t at v are disjoint: t lies in the closed arc from s.to
    /// counter-clockwise to s.from, i.e. θ(t.from) < θ(t.to) ≤ θ(s.from), angles measured
    /// counter-clockwise from the direction of s.to.
    private static func disjoint(_ v: Coordinate, _ s: (from: Coordinate, to: Coordinate), _ t: (from: Coordinate, to: Coordinate)) -> Bool {
        let origin = s.to
        guard angleClass(v, origin, t.to) != 0 else { return false }  // θ(t.to) = 0: t would need an empty sector
        return angleLess(v, origin, t.from, t.to) && !angleLess(v, origin, s.from, t.to)
    }

    /// Where the direction v → p lies counter-clockwise from v → origin: 0 the same direction,
    /// 1 strictly between 0 and π, 2 exactly π, 3 strictly between π and 2π.
    private static func angleClass(_ v: Coordinate, _ origin: Coordinate, _ p: Coordinate) -> Int {
        let o = orientation(v, origin, p)
        if o > 0 { return 1 }
        if o < 0 { return 3 }
        // Collinear with v: the same direction when every coordinate moves the same way.
        func sign(_ x: Double) -> Int { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        let same = sign(p.x - v.x) == sign(origin.x - v.x) && sign(p.y - v.y) == sign(origin.y - v.y)
        return same ? 0 : 2
    }

    /// θ(p) < θ(q), angles counter-clockwise from the direction of `origin` around v.
    private static func angleLess(_ v: Coordinate, _ origin: Coordinate, _ p: Coordinate, _ q: Coordinate) -> Bool {
        let cp = angleClass(v, origin, p), cq = angleClass(v, origin, q)
        if cp != cq { return cp < cq }
        if cp == 0 || cp == 2 { return false }
        return orientation(v, p, q) > 0
    }

    /// Whether a vertex of `inner` within `box`, other than a shared vertex, is covered by `outer`.
    private func contains(_ outer: Shape, verticesOf inner: Shape, in box: Envelope, except shared: [Coordinate: (a: [Vertex], b: [Vertex])]) -> Bool {
        for c in inner.rings {
            for p in c.dropLast() where p.x >= box.minX && p.x <= box.maxX && p.y >= box.minY && p.y <= box.maxY {
                if !shared.isEmpty && shared[p] != nil { continue }
                for part in outer.parts where locator.location(of: p, polygon: part) != .exterior { return true }
            }
        }
        return false
    }

    /// The exact sign of (b − a) × (c − a); 0 at once when c is a or b.
    @inline(__always)
    private static func orientation(_ a: Coordinate, _ b: Coordinate, _ c: Coordinate) -> Int {
        if c == a || c == b || a == b { return 0 }
        return PolygonLocator.orientation(a.x, a.y, b.x, b.y, c.x, c.y)
    }

    /// Whether a closed ring runs counter-clockwise, from the exact orientation at its lowest
    /// (then leftmost) vertex, a corner of its convex hull; nil when that corner is degenerate.
    private static func isCounterClockwise(_ c: [Coordinate]) -> Bool? {
        let n = c.count - 1
        guard n >= 3 else { return nil }
        var low = 0
        for k in 1..<n where c[k].y < c[low].y || (c[k].y == c[low].y && c[k].x < c[low].x) { low = k }
        let v = c[low]
        var p = (low + n - 1) % n, steps = 0
        while c[p] == v && steps < n { p = (p + n - 1) % n; steps += 1 }
        var q = (low + 1) % n
        steps = 0
        while c[q] == v && steps < n { q = (q + 1) % n; steps += 1 }
        let o = orientation(c[p], v, c[q])
        return o == 0 ? nil : o > 0
    }
}
