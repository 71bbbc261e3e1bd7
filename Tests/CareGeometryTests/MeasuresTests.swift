import Foundation
import Testing
@testable import CareGeometry

@Suite struct MeasuresTests {
    typealias F = Fixture

    @Test func areaAndLengthOfPolygonWithHole() throws {
        #expect(try F.squareWithHole.area() == 12)
        #expect(try F.squareWithHole.length() == 24)
    }

    @Test func lengthOfLineString() throws {
        // 3-4-5 triangle legs: 5 + 5.
        let line = try LineString([F.c(0, 0), F.c(3, 4), F.c(6, 0)])
        #expect(try line.length() == 10)
    }

    @Test func distanceBetweenGeometries() throws {
        #expect(try Point(x: 0, y: 0).distance(to: Point(x: 3, y: 4)) == 5)
        #expect(try F.rectangle(0, 0, 1, 1).distance(to: Point(x: 4, y: 5)) == 5)  // to corner (1,1)
        #expect(try F.rectangle(0, 0, 2, 2).distance(to: Point(x: 1, y: 1)) == 0)
    }

    @Test func centroidAndPointOnSurface() throws {
        #expect(try F.rectangle(0, 0, 4, 2).centroid() == Point(x: 2, y: 1))
        // An L-shape (area 3) whose centroid lies at (5/6, 5/6)… inside; a U-shape has it outside:
        // U = 3×3 square minus the middle column's top two cells: centroid (1.5, 7/6)? compute:
        // cells (0,0),(1,0),(2,0),(0,1),(2,1),(0,2),(2,2) → x̄ = 1.5·…, ȳ = (3·0.5 + 2·1.5 + 2·2.5)/7 = 9.5/7.
        let u = try Polygon(rings: [[
            F.c(0, 0), F.c(3, 0), F.c(3, 3), F.c(2, 3), F.c(2, 1), F.c(1, 1), F.c(1, 3), F.c(0, 3), F.c(0, 0),
        ]])
        let centroid = try #require(try u.centroid())
        #expect(abs(centroid.coordinate.x - 1.5) < 1e-12)
        #expect(abs(centroid.coordinate.y - 9.5 / 7) < 1e-12)
        #expect(try !u.contains(centroid))  // (1.5, 1.357) is in the notch
        let onSurface = try #require(try u.pointOnSurface())
        #expect(try u.contains(onSurface))
        #expect(try Geometry.multiPolygon(MultiPolygon([])).centroid() == nil)
    }

    @Test func envelopeFromGEOSMatchesSwift() throws {
        let g = Geometry.polygon(F.squareWithHole)
        #expect(try g.envelope() == g.boundingBox)
        #expect(try Geometry.collection([]).envelope() == nil)
    }

    @Test func bufferOfPointIsARegular32Gon() throws {
        // 8 segments per quadrant: a regular 32-gon inscribed in the circle, area = 16 r² sin(π/16).
        let r = 100.0
        let disc = try Point(x: 10, y: 20).buffer(distance: r)
        #expect(relativeDiff(try disc.area(), 16 * r * r * sin(.pi / 16)) < 1e-12)
        let coarse = try Point(x: 0, y: 0).buffer(distance: 1, quadrantSegments: 1)  // a square diamond, area 2
        #expect(abs(try coarse.area() - 2) < 1e-12)
        #expect(throws: GeometryError.invalidInput("buffer distance must be finite, got nan")) {
            try Point(x: 0, y: 0).buffer(distance: .nan)
        }
    }

    @Test func simplifyKeepsTopology() throws {
        // A square with a 0.01 bump on one edge: simplified with tolerance 0.1 it is the square again.
        let bumpy = try Polygon(rings: [[
            F.c(0, 0), F.c(5, 0), F.c(5.5, 0.01), F.c(6, 0), F.c(10, 0), F.c(10, 10), F.c(0, 10), F.c(0, 0),
        ]])
        let simple = try bumpy.simplified(tolerance: 0.1)
        #expect(simple.polygons.count == 1)
        #expect(try simple.area() == 100)
        #expect(simple.polygons[0].exterior.coordinates.count == 5)
        #expect(throws: GeometryError.self) { try bumpy.simplified(tolerance: -1) }
    }
}

func relativeDiff(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), .leastNormalMagnitude) }
