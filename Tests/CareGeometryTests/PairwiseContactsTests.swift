import Testing
@testable import CareGeometry

/// ``PairwiseContacts`` against the pairwise overlay it replaces in the study load's adjacency:
/// boundary ∩ boundary length and geometry ∩ geometry area, each pair converted on its own.
@Suite struct PairwiseContactsTests {
    typealias F = Fixture

    /// The old computation, one GEOS conversion per operand and per result.
    static func reference(_ a: Geometry, _ b: Geometry) throws -> Contact {
        Contact(sharedBoundaryLength: try a.boundary().intersection(b.boundary()).length(),
                overlapArea: try a.intersection(b).area())
    }

    /// A 3 × 3 grid of unit cells (rook neighbours known by hand: 12 shared edges of length 1, the
    /// 8 diagonal pairs meet at a corner only), a square overlapping cell 4 by ¼, a square whose
    /// box overlaps cell 8's box without touching it (an L-shaped cell), and a far square.
    @Test func handMadeLayerKnownNeighbours() throws {
        var layer: [Geometry] = []
        for row in 0..<3 {
            for col in 0..<3 { layer.append(.polygon(F.rectangle(Double(col), Double(row), Double(col + 1), Double(row + 1)))) }
        }
        layer.append(.polygon(F.rectangle(1.5, 1.5, 2.0, 2.0)))  // 9: inside cell 4 (1…2 × 1…2), ¼ of it
        layer.append(.polygon(Polygon(exterior: try LinearRing([  // 10: an L, box 3…5 × 3…5
            F.c(3, 3), F.c(5, 3), F.c(5, 5), F.c(4.5, 5), F.c(4.5, 3.5), F.c(3, 3.5), F.c(3, 3)]))))
        layer.append(.polygon(F.rectangle(3.1, 3.6, 4.0, 4.9)))  // 11: in the L's box, touching nothing
        layer.append(.polygon(F.rectangle(100, 100, 101, 101)))  // 12: far away
        let contacts = try PairwiseContacts(layer)
        #expect(contacts.count == layer.count)
        var neighbours: Set<[Int]> = []
        for i in layer.indices {
            #expect(contacts.failure(i) == nil)
            for j in layer.indices where j > i {
                let c = try contacts.contact(i, j)
                #expect(c == (try Self.reference(layer[i], layer[j])), "pair \(i), \(j)")
                if c.sharedBoundaryLength > 0 || c.overlapArea > 0 { neighbours.insert([i, j]) }
            }
        }
        let rook: Set<[Int]> = [[0, 1], [1, 2], [3, 4], [4, 5], [6, 7], [7, 8], [0, 3], [3, 6], [1, 4], [4, 7], [2, 5], [5, 8]]
        // The square 9 in cell 4 also shares ½ of its right edge with cell 5 and ½ of its top edge
        // with cell 7, and touches cell 8 at a corner only.
        #expect(neighbours == rook.union([[4, 9], [5, 9], [7, 9]]))
        #expect(try contacts.contact(5, 9) == Contact(sharedBoundaryLength: 0.5, overlapArea: 0))
        #expect(try contacts.contact(8, 9) == Contact(sharedBoundaryLength: 0, overlapArea: 0))
        #expect(try contacts.contact(0, 1) == Contact(sharedBoundaryLength: 1, overlapArea: 0))
        #expect(try contacts.contact(0, 4) == Contact(sharedBoundaryLength: 0, overlapArea: 0))  // a corner
        // Cell 4 and the square inside it: the square's two edges on x = 2 and y = 2 (½ each), ¼ m².
        #expect(try contacts.contact(4, 9) == Contact(sharedBoundaryLength: 1, overlapArea: 0.25))
        #expect(try contacts.contact(10, 11) == Contact(sharedBoundaryLength: 0, overlapArea: 0))
        // Symmetric.
        #expect(try contacts.contact(9, 4) == contacts.contact(4, 9))
    }

    /// ``PairwiseContacts/adjacencyContact(_:_:)`` on the same hand-made layer: the overlap is
    /// ``PairwiseContacts/contact(_:_:)``'s for every pair, the shared length too where the pair
    /// does not overlap, and it is left out (nil) exactly where the overlap is positive — so rook
    /// adjacency (overlap > 0 or shared length > 0) is the same relation.
    @Test func adjacencyContactSkipsTheBoundaryOnlyWhereAreasOverlap() throws {
        var layer: [Geometry] = []
        for row in 0..<3 {
            for col in 0..<3 { layer.append(.polygon(F.rectangle(Double(col), Double(row), Double(col + 1), Double(row + 1)))) }
        }
        layer.append(.polygon(F.rectangle(1.5, 1.5, 2.0, 2.0)))  // 9: inside cell 4, ¼ of it
        layer.append(.polygon(F.rectangle(2.5, 0.5, 3.5, 1.5)))  // 10: overlaps cells 2 and 5 by ¼ each
        let contacts = try PairwiseContacts(layer)
        let both = try PairwiseContacts(layer)  // a second context: the two calls share nothing
        var overlapping: Set<[Int]> = []
        for i in layer.indices {
            for j in layer.indices where j > i {
                let full = try both.contact(i, j)
                let found = try contacts.adjacencyContact(i, j)
                #expect(found.overlapArea == full.overlapArea, "pair \(i), \(j)")
                if found.overlapArea > 0 {
                    overlapping.insert([i, j])
                    #expect(found.sharedBoundaryLength == nil, "pair \(i), \(j)")
                } else {
                    #expect(found.sharedBoundaryLength == full.sharedBoundaryLength, "pair \(i), \(j)")
                }
            }
        }
        // By hand: the square 9 lies in cell 4 (¼); the square 10 covers x 2.5…3 of cell 2
        // (y 0.5…1) and of cell 5 (y 1…1.5): 0.5 × 0.5 = ¼ in each.
        #expect(overlapping == [[4, 9], [2, 10], [5, 10]])
        #expect(try contacts.adjacencyContact(4, 9).overlapArea == 0.25)
        #expect(try contacts.adjacencyContact(2, 10).overlapArea == 0.25)
        for (i, j, length) in [(5, 9, 0.5), (0, 1, 1.0), (0, 4, 0.0), (0, 8, 0.0)] {  // a half edge, an edge, a corner, apart
            let found = try contacts.adjacencyContact(i, j)
            #expect(found.overlapArea == 0 && found.sharedBoundaryLength == length, "pair \(i), \(j)")
        }
    }

    /// A geometry whose boundary GEOS cannot compute (a collection: "Operation not supported by
    /// GeometryCollection") is a failure of that item only: the other pairs are still compared and
    /// a pair with it throws.
    @Test func badItemIsReportedAndOthersStillWork() throws {
        let bad = Geometry.collection([.polygon(F.rectangle(5, 5, 6, 6)), .lineString(try LineString([F.c(0, 0), F.c(1, 1)]))])
        let contacts = try PairwiseContacts([.polygon(F.rectangle(0, 0, 1, 1)), bad, .polygon(F.rectangle(1, 0, 2, 1))])
        #expect(contacts.failure(0) == nil && contacts.failure(2) == nil)
        #expect(contacts.failure(1) != nil)
        #expect(try contacts.contact(0, 2).sharedBoundaryLength == 1)
        #expect(throws: (any Error).self) { try contacts.contact(0, 1) }
    }
}
