import Testing
@testable import CareGeometry

/// ``ExactContacts`` against GEOS (``PairwiseContacts``, the overlay it spares): a settled pair
/// must have no overlap in GEOS, a shared boundary length > 0 exactly when GEOS's is, and the
/// same length up to rounding; pairs that need an overlay must be left unsettled.
@Suite struct ExactContactsTests {
    typealias F = Fixture

    static func polygon(_ points: [(Double, Double)]) throws -> Geometry {
        .polygon(try Polygon(rings: [(points + [points[0]]).map { F.c($0.0, $0.1) }]))
    }

    /// Checks every pair of `layer` in both orders; returns the settled ones.
    static func compare(_ layer: [Geometry]) throws -> [[Int]: ExactContacts.Settled] {
        let exact = ExactContacts(layer)
        let geos = try PairwiseContacts(layer)
        var settled: [[Int]: ExactContacts.Settled] = [:]
        for i in layer.indices {
            for j in layer.indices where j != i {
                guard let s = exact.settle(i, j) else { continue }
                let c = try geos.contact(i, j)
                #expect(c.overlapArea == 0, "pair \(i), \(j)")
                #expect((c.sharedBoundaryLength > 0) == (s.sharedLength > 0), "pair \(i), \(j)")
                #expect(abs(c.sharedBoundaryLength - s.sharedLength) <= 1e-12 * max(1, c.sharedBoundaryLength), "pair \(i), \(j)")
                if i < j { settled[[i, j]] = s }
            }
        }
        return settled
    }

    /// A 3 × 3 grid of unit cells drawn with mixed orientations: every pair is settled; the 12
    /// rook pairs share length 1, the 8 diagonal pairs touch at a corner only, the others are apart.
    @Test func gridIsSettledWithRookNeighbours() throws {
        var layer: [Geometry] = []
        for row in 0..<3 {
            for col in 0..<3 {
                let r = F.rectangle(Double(col), Double(row), Double(col + 1), Double(row + 1))
                layer.append(.polygon((row + col) % 2 == 0 ? r : Polygon(exterior: r.exterior.reversed)))
            }
        }
        let settled = try Self.compare(layer)
        #expect(settled.count == 36)
        let rook: Set<[Int]> = [[0, 1], [1, 2], [3, 4], [4, 5], [6, 7], [7, 8], [0, 3], [3, 6], [1, 4], [4, 7], [2, 5], [5, 8]]
        #expect(Set(settled.filter { $0.value.sharedLength > 0 }.keys) == rook)
        #expect(settled.values.filter { $0.sharedLength == 1 }.count == 12)
        #expect(settled[[0, 4]] == ExactContacts.Settled(sharedLength: 0, touching: true))
        #expect(settled[[0, 8]] == ExactContacts.Settled(sharedLength: 0, touching: false))
    }

    /// An edge shared over several segments, split at the same vertices on both sides: settled,
    /// length 1 + 1 + √2.
    @Test func sharedChainOfSegments() throws {
        let a = try Self.polygon([(0, 0), (1, 0), (2, 0), (3, 1), (3, 3), (0, 3)])
        let b = try Self.polygon([(0, 0), (0, -2), (4, -2), (4, 1), (3, 1), (2, 0), (1, 0)])
        let settled = try Self.compare([a, b])
        #expect(abs(try #require(settled[[0, 1]]).sharedLength - (2 + 2.0.squareRoot())) < 1e-15)
    }

    /// A partial shared edge (an extra vertex on one side only, exactly on the other's edge), a
    /// slight overlap, a proper crossing, containment, a square inside another sharing a corner,
    /// a triangle that is half of a square (all its vertices on the square: only the angular test
    /// at the shared corners sees the overlap) and identical polygons: none is settled; GEOS gives
    /// the values on paper.
    @Test func pairsThatNeedAnOverlayAreLeftToGEOS() throws {
        let square = try Self.polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
        let cases: [(Geometry, Contact)] = [
            // x = 2 from y 0 to 1: the square's edge holds (2, 1) inside it, not as a vertex.
            (try Self.polygon([(2, 0), (3, 0), (3, 1), (2, 1)]), Contact(sharedBoundaryLength: 1, overlapArea: 0)),
            (try Self.polygon([(1.75, 0), (3, 0), (3, 2), (1.75, 2)]), Contact(sharedBoundaryLength: 0.5, overlapArea: 0.5)),
            (try Self.polygon([(1, 1), (3, 1), (3, 3), (1, 3)]), Contact(sharedBoundaryLength: 0, overlapArea: 1)),
            (try Self.polygon([(0.5, 0.5), (1, 0.5), (1, 1), (0.5, 1)]), Contact(sharedBoundaryLength: 0, overlapArea: 0.25)),
            (try Self.polygon([(0, 0), (1, 0.5), (0.5, 1)]), Contact(sharedBoundaryLength: 0, overlapArea: 0.375)),
            (try Self.polygon([(0, 0), (2, 2), (2, 0)]), Contact(sharedBoundaryLength: 4, overlapArea: 2)),
            (square, Contact(sharedBoundaryLength: 8, overlapArea: 4)),
        ]
        let layer = [square] + cases.map(\.0)
        let exact = ExactContacts(layer)
        let geos = try PairwiseContacts(layer)
        for (k, (_, expected)) in cases.enumerated() {
            #expect(exact.settle(0, k + 1) == nil, "case \(k)")
            #expect(exact.settle(k + 1, 0) == nil, "case \(k)")
            let c = try geos.contact(0, k + 1)
            #expect(abs(c.sharedBoundaryLength - expected.sharedBoundaryLength) < 1e-12 && abs(c.overlapArea - expected.overlapArea) < 1e-12, "case \(k): \(c)")
        }
    }

    /// A square with a square hole and the island that fills the hole exactly: they share the
    /// hole's ring (length 8) without overlapping; a polygon inside the hole touching it at a
    /// corner, and a multipolygon whose two parts share the square's left and right sides.
    @Test func holesIslandsAndMultipolygons() throws {
        let donut = Geometry.polygon(F.squareWithHole)  // 4 × 4 with the hole 1…3 × 1…3
        let island = Geometry.polygon(F.rectangle(1, 1, 3, 3))
        let corner = try Self.polygon([(1, 1), (1.5, 1.2), (1.2, 1.5)])
        let sides = Geometry.multiPolygon(MultiPolygon([F.rectangle(4, 0, 5, 4), F.rectangle(-1, 0, 0, 4)]))
        let settled = try Self.compare([donut, island, corner, sides])
        #expect(settled[[0, 1]]?.sharedLength == 8)
        #expect(settled[[0, 2]] == ExactContacts.Settled(sharedLength: 0, touching: true))
        #expect(settled[[0, 3]]?.sharedLength == 8)
        // The corner triangle lies in the island: that pair needs GEOS.
        #expect(ExactContacts([island, corner]).settle(0, 1) == nil)
    }

    /// Non-polygonal geometries are never settled.
    @Test func nonPolygonalIsNotSettled() throws {
        let line = Geometry.lineString(try LineString([F.c(0, 0), F.c(1, 1)]))
        let exact = ExactContacts([.polygon(F.rectangle(0, 0, 1, 1)), line])
        #expect(exact.settle(0, 1) == nil)
        #expect(!exact.isPolygonal(1) && exact.isPolygonal(0))
    }
}
