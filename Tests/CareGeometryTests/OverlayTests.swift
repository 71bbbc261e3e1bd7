import Testing
@testable import CareGeometry

@Suite struct OverlayTests {
    typealias F = Fixture

    @Test func intersectionAndDifferenceOfOffsetSquares() throws {
        let a = F.rectangle(0, 0, 2, 2)
        let b = F.rectangle(1, 1, 3, 3)
        let both = try a.intersection(b)
        #expect(try both.area() == 1)
        #expect(both.boundingBox == Envelope(minX: 1, minY: 1, maxX: 2, maxY: 2))
        #expect(try a.difference(b).area() == 3)
        let none = try a.intersection(F.rectangle(5, 5, 6, 6))
        #expect(none == .multiPolygon(MultiPolygon([])))
    }

    @Test func unionOfOverlappingSquares() throws {
        let u = try Geometry.union([F.rectangle(0, 0, 2, 2), F.rectangle(1, 1, 3, 3)])
        #expect(try u.area() == 7)
        #expect(u.polygons.count == 1)
        let multi = Geometry.multiPolygon(MultiPolygon([F.rectangle(0, 0, 1, 1), F.rectangle(1, 0, 2, 1)]))
        let dissolved = try multi.unaryUnion()
        #expect(dissolved.polygons.count == 1)
        #expect(try dissolved.area() == 2)
    }

    @Test func coverageUnionOfGrid() throws {
        // A 3 × 3 grid of unit cells dissolves to one 3 × 3 square with no interior edges left.
        var cells: [Polygon] = []
        for i in 0..<3 { for j in 0..<3 { cells.append(F.rectangle(Double(i), Double(j), Double(i + 1), Double(j + 1))) } }
        let u = try Geometry.coverageUnion(cells)
        #expect(u.polygons.count == 1)
        #expect(try u.area() == 9)
        #expect(try u.length() == 12)
        #expect(try Geometry.coverageUnion([]) == .multiPolygon(MultiPolygon([])))
        // Two separate groups stay two parts.
        let two = try Geometry.coverageUnion([F.rectangle(0, 0, 1, 1), F.rectangle(5, 5, 6, 6)])
        #expect(two.polygons.count == 2)
    }

    @Test func sharedBoundaryLengthOfNeighbours() throws {
        // Two unit squares side by side share one edge of length 1; diagonal neighbours share a point.
        let a = F.rectangle(0, 0, 1, 1)
        #expect(try a.boundary().intersection(F.rectangle(1, 0, 2, 1).boundary()).length() == 1)
        #expect(try a.boundary().intersection(F.rectangle(1, 1, 2, 2).boundary()).length() == 0)
        #expect(try a.boundary().length() == 4)
    }

    @Test func predicates() throws {
        let square = F.rectangle(0, 0, 2, 2)
        #expect(try square.contains(Point(x: 1, y: 1)))
        #expect(try !square.contains(Point(x: 2, y: 1)))  // on the boundary
        #expect(try square.intersects(Point(x: 2, y: 1)))
        #expect(try square.touches(F.rectangle(2, 0, 3, 2)))  // shared edge
        #expect(try square.touches(F.rectangle(2, 2, 3, 3)))  // shared corner only
        #expect(try !square.touches(F.rectangle(1, 1, 3, 3)))  // overlap
        #expect(try !square.intersects(F.rectangle(3, 3, 4, 4)))
    }
}
