import Testing
import TestSupport
@testable import CareGeometry

@Suite struct IndexTests {
    typealias F = Fixture

    @Test func strTreeQueryMatchesBruteForce() throws {
        var rng = SplitMix64(state: 42)
        let boxes = (0..<2000).map { _ -> Envelope in
            let x = Double.random(in: 0..<1000, using: &rng), y = Double.random(in: 0..<1000, using: &rng)
            return Envelope(minX: x, minY: y, maxX: x + Double.random(in: 0..<20, using: &rng), maxY: y + 5)
        }
        let index = try SpatialIndex(envelopes: boxes)
        for _ in 0..<50 {
            let x = Double.random(in: 0..<1000, using: &rng), y = Double.random(in: 0..<1000, using: &rng)
            let q = Envelope(minX: x, minY: y, maxX: x + 50, maxY: y + 50)
            #expect(index.query(intersecting: q) == boxes.indices.filter { boxes[$0].intersects(q) })
            let p = F.c(x, y)
            #expect(index.query(within: 30, of: p) == boxes.indices.filter { boxes[$0].distance(to: p) <= 30 })
            let nearest = try #require(try index.nearest(to: p))
            let best = boxes.map { $0.distance(to: p) }.min()!
            #expect(boxes[nearest].distance(to: p) == best)
        }
    }

    @Test func emptyIndexAndBadEnvelope() throws {
        let empty = try SpatialIndex(envelopes: [])
        #expect(empty.query(intersecting: Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)) == [])
        #expect(try empty.nearest(to: F.c(0, 0)) == nil)
        #expect(throws: GeometryError.invalidInput("spatial index item 1 has an invalid envelope [0.0, 0.0, nan, 1.0]")) {
            try SpatialIndex(envelopes: [Envelope(F.c(0, 0)), Envelope(minX: 0, minY: 0, maxX: .nan, maxY: 1)])
        }
    }

    @Test func preparedGeometryMatchesUnpreparedPredicates() throws {
        let square = F.rectangle(0, 0, 10, 10)
        let prepared = try PreparedGeometry(square)
        for p in [F.c(5, 5), F.c(10, 5), F.c(0, 0), F.c(11, 5), F.c(-1e-9, 3)] {
            let point = try Point(p)
            #expect(try prepared.contains(point) == square.contains(point))
            #expect(try prepared.intersects(point) == square.intersects(point))
        }
        #expect(try prepared.covers(F.c(10, 5)))  // boundary: covered but not contained
        #expect(try !prepared.contains(Point(F.c(10, 5))))
        #expect(try prepared.covers(F.rectangle(1, 1, 2, 2)))
    }

    @Test func voronoiOfTwoSitesSplitsTheFrame() throws {
        let frame = Envelope(minX: 0, minY: 0, maxX: 10, maxY: 10)
        let cells = try Voronoi.cells(sites: [F.c(8, 5), F.c(2, 5)], clippedTo: frame)
        let east = try #require(cells[0]), west = try #require(cells[1])
        #expect(try east.area() == 50)
        #expect(try west.area() == 50)
        #expect(east.geometry.boundingBox == Envelope(minX: 5, minY: 0, maxX: 10, maxY: 10))
        #expect(west.geometry.boundingBox == Envelope(minX: 0, minY: 0, maxX: 5, maxY: 10))
    }

    @Test func voronoiOfFourSitesAndDuplicates() throws {
        // Sites at the centres of the four quadrants of a 4 × 4 frame: each cell is its quadrant (area 4).
        let frame = Envelope(minX: 0, minY: 0, maxX: 4, maxY: 4)
        let sites = [F.c(1, 1), F.c(3, 1), F.c(1, 3), F.c(3, 3), F.c(3, 3)]
        let cells = try Voronoi.cells(sites: sites, clippedTo: frame)
        for (site, cell) in zip(sites, cells) {
            let cell = try #require(cell)
            #expect(try cell.area() == 4)
            #expect(try cell.contains(Point(site)))
        }
        #expect(cells[3] == cells[4])
        #expect(try Voronoi.cells(sites: [F.c(1, 1)], clippedTo: frame) == [frame.polygon])
    }

    /// Distinct sites 5e-324 apart (the smallest double) make GEOS's triangulation fail; with a
    /// snapping tolerance they are one site and share its cell (issue 14).
    @Test func voronoiOfNearlyCoincidentSites() throws {
        let frame = Envelope(minX: 0, minY: 0, maxX: 4, maxY: 4)
        let tiny = Double.leastNonzeroMagnitude
        let sites = [F.c(0, 0), F.c(tiny, 0), F.c(0, tiny), F.c(4, 4)]
        #expect {
            _ = try Voronoi.cells(sites: sites, clippedTo: frame)
        } throws: { error in
            guard case let GeometryError.geos(operation, message) = error else { return false }
            return operation == "GEOSVoronoiDiagram_r" && message.contains("LocateFailureException")
        }
        let cells = try Voronoi.cells(sites: sites, clippedTo: frame, snapTolerance: 0.001)
        let corner = try #require(cells[0]), opposite = try #require(cells[3])
        #expect(cells[1] == corner && cells[2] == corner)
        // The diagonal splits the frame: two triangles of 8.
        #expect(try corner.area() == 8)
        #expect(try opposite.area() == 8)
        #expect(try PreparedGeometry(corner).covers(F.c(0, 0)))
    }
}
