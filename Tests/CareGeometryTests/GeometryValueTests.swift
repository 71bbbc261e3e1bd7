import Testing
@testable import CareGeometry

@Suite struct GeometryValueTests {
    typealias F = Fixture

    @Test func ringMustBeClosed() {
        #expect(throws: GeometryError.invalidInput(
            "a linear ring must be closed: first position (0.0, 0.0) differs from last (0.0, 1.0)")) {
            try LinearRing([F.c(0, 0), F.c(1, 0), F.c(1, 1), F.c(0, 1)])
        }
    }

    @Test func ringNeedsFourPositions() {
        #expect(throws: GeometryError.invalidInput("a linear ring needs at least 4 positions, got 3")) {
            try LinearRing([F.c(0, 0), F.c(1, 0), F.c(0, 0)])
        }
    }

    @Test func nonFiniteCoordinatesAreRejected() {
        #expect(throws: GeometryError.invalidInput("point has a non-finite coordinate at position 0: (nan, 1.0)")) {
            try Point(x: .nan, y: 1)
        }
        #expect(throws: GeometryError.invalidInput("line string has a non-finite coordinate at position 1: (inf, 0.0)")) {
            try LineString([F.c(0, 0), F.c(.infinity, 0)])
        }
    }

    @Test func lineStringNeedsTwoPositions() {
        #expect(throws: GeometryError.invalidInput("a line string needs at least 2 positions, got 1")) {
            try LineString([F.c(0, 0)])
        }
    }

    @Test func orientationForRFC7946() throws {
        let clockwise = try Polygon(rings: [[F.c(0, 0), F.c(0, 1), F.c(1, 1), F.c(1, 0), F.c(0, 0)]])
        #expect(!clockwise.exterior.isCounterClockwise)
        #expect(clockwise.exterior.signedDoubleArea == -2)
        let oriented = clockwise.orientedForRFC7946
        #expect(oriented.exterior.isCounterClockwise)
        #expect(oriented.exterior.coordinates == clockwise.exterior.coordinates.reversed())
        let holed = F.squareWithHole.orientedForRFC7946
        #expect(holed.exterior.isCounterClockwise && !holed.holes[0].isCounterClockwise)
    }

    @Test func boundingBoxAndEmptiness() {
        let g = Geometry.multiPolygon(MultiPolygon([F.rectangle(0, 0, 1, 1), F.rectangle(3, -2, 4, 5)]))
        #expect(g.boundingBox == Envelope(minX: 0, minY: -2, maxX: 4, maxY: 5))
        #expect(Geometry.multiPolygon(MultiPolygon([])).boundingBox == nil)
        #expect(Geometry.collection([.multiPoint(MultiPoint([]))]).isEmpty)
        #expect(!g.isEmpty)
    }
}
