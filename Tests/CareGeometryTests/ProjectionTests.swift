import Foundation
import Testing
@testable import CareGeometry

@Suite struct ProjectionTests {
    @Test func tokyoToPlaneRectangularZoneIXMatchesCs2cs() throws {
        // `echo "35.7013 139.7636" | cs2cs EPSG:4326 EPSG:6677 -f %.6f` prints
        // -33137.072283  -6310.408280 (northing X first, as EPSG:6677 declares); we keep easting first.
        let t = try CoordinateTransform(from: .wgs84, to: .epsg(6677))
        let p = try t.transform(Coordinate(lon: 139.7636, lat: 35.7013))
        #expect(abs(p.x - -6310.408280) < 0.001)
        #expect(abs(p.y - -33137.072283) < 0.001)
        // JGD2011 geographic gives the same (cs2cs EPSG:6668 EPSG:6677 prints the same figures).
        let j = try CoordinateTransform(from: .jgd2011, to: .epsg(6677)).transform(Coordinate(lon: 139.7636, lat: 35.7013))
        #expect(abs(j.x - p.x) < 0.001 && abs(j.y - p.y) < 0.001)
    }

    @Test func batchTransformRoundTrips() throws {
        let forward = try CoordinateTransform(from: .wgs84, to: .epsg(6677))
        let back = try CoordinateTransform(from: .epsg(6677), to: .wgs84)
        let original = (0..<1000).map { Coordinate(lon: 139 + Double($0) / 1000, lat: 35 + Double($0 % 37) / 100) }
        var coords = original
        try forward.transform(&coords)
        try back.transform(&coords)
        for (a, b) in zip(original, coords) {
            #expect(abs(a.x - b.x) < 1e-9 && abs(a.y - b.y) < 1e-9)
        }
        let square = Geometry.polygon(Fixture.rectangle(139.7, 35.6, 139.8, 35.7))
        let projected = try forward.transform(square)
        #expect(projected.allCoordinates.count == 5)
    }

    @Test func borrowedTransformsAreReusedAndGiveTheSamePositions() throws {
        // A pair no other test borrows (JGD2011 zones I and II), so the pool is this test's alone.
        let a = try CoordinateTransform.borrow(from: .epsg(6669), to: .epsg(6670))
        let b = try CoordinateTransform.borrow(from: .epsg(6669), to: .epsg(6670))
        #expect(a !== b)  // both in use: two transformations
        CoordinateTransform.giveBack(a)
        let c = try CoordinateTransform.borrow(from: .epsg(6669), to: .epsg(6670))
        #expect(c === a)  // the one given back
        #expect(c.source == .epsg(6669) && c.target == .epsg(6670))
        CoordinateTransform.giveBack(b)
        CoordinateTransform.giveBack(c)
        // A transformation used before gives what a new one gives: the cs2cs figures of the
        // test above, through a borrowed, given back and borrowed again WGS 84 → EPSG:6677.
        let first = try CoordinateTransform.borrow(from: .wgs84, to: .epsg(6677))
        _ = try first.transform(Coordinate(lon: 135.0, lat: 34.0))
        CoordinateTransform.giveBack(first)
        let again = try CoordinateTransform.borrow(from: .wgs84, to: .epsg(6677))
        let p = try again.transform(Coordinate(lon: 139.7636, lat: 35.7013))
        CoordinateTransform.giveBack(again)
        #expect(abs(p.x - -6310.408280) < 0.001)
        #expect(abs(p.y - -33137.072283) < 0.001)
        #expect(p == (try CoordinateTransform(from: .wgs84, to: .epsg(6677)).transform(Coordinate(lon: 139.7636, lat: 35.7013))))
    }

    @Test func thePoolKeepsAtMostFourIdleTransformsOfAPair() throws {
        // A pair no other test borrows (JGD2011 zones III → IV).
        let six = try (0..<6).map { _ in try CoordinateTransform.borrow(from: .epsg(6671), to: .epsg(6672)) }
        for t in six { CoordinateTransform.giveBack(t) }
        let again = try (0..<5).map { _ in try CoordinateTransform.borrow(from: .epsg(6671), to: .epsg(6672)) }
        // The first four given back were kept (the other two released), so four borrows reuse
        // them and the fifth is built anew.
        #expect(again.prefix(4).allSatisfy { t in six.contains { $0 === t } })
        #expect(!six.contains { $0 === again[4] })
        for t in again { CoordinateTransform.giveBack(t) }
    }

    @Test func unknownCRSCarriesPROJMessage() {
        #expect(throws: GeometryError.self) { try CoordinateTransform(from: .wgs84, to: .epsg(999_999)) }
        do {
            _ = try CoordinateTransform(from: .wgs84, to: .epsg(999_999))
        } catch {
            #expect("\(error)".contains("EPSG:999999"))
        }
    }

    @Test func outOfRangeLatitudeIsAnError() throws {
        let t = try CoordinateTransform(from: .wgs84, to: .epsg(6677))
        var coords = [Coordinate(lon: 139, lat: 35), Coordinate(lon: 139, lat: 95)]
        #expect(throws: GeometryError.self) { try t.transform(&coords) }
    }

    @Test func crsParsing() throws {
        #expect(try CRS(parsing: "urn:ogc:def:crs:EPSG::6668") == .jgd2011)
        #expect(try CRS(parsing: "EPSG:6677") == .epsg(6677))
        #expect(try CRS(parsing: "epsg:4326") == .wgs84)
        #expect(try CRS(parsing: "urn:ogc:def:crs:OGC:1.3:CRS84").identifier == "OGC:CRS84")
        #expect(try CRS(parsing: "6677") == .epsg(6677))
        #expect(throws: GeometryError.invalidInput(
            "unrecognised CRS \"Tokyo\": write it as EPSG:<code>, for example EPSG:6668 or EPSG:6677")) {
            try CRS(parsing: "Tokyo")
        }
        let info = try CRSInfo(.epsg(6677))
        #expect(info.name == "JGD2011 / Japan Plane Rectangular CS IX")
        #expect(!info.isGeographic)
        #expect(try CRSInfo(.jgd2011).isGeographic)
    }

    @Test func geodesicOctantIsOneEighthOfTheEllipsoid() throws {
        // The triangle (0°,0°)–(90°E,0°)–(0°,90°N) is bounded by the equator and two meridians, all
        // geodesics, so its area is 1/8 of the GRS80 surface: S = 2πa² + π(b²/e) ln((1+e)/(1−e)).
        let a = 6_378_137.0, f = 1 / 298.257222101
        let b = a * (1 - f), e = (f * (2 - f)).squareRoot()
        let surface = 2 * Double.pi * a * a + Double.pi * (b * b / e) * log((1 + e) / (1 - e))
        let octant = try Polygon(rings: [[
            Coordinate(lon: 0, lat: 0), Coordinate(lon: 90, lat: 0), Coordinate(lon: 0, lat: 90), Coordinate(lon: 0, lat: 0),
        ]])
        #expect(relativeDiff(try Geodesic.area(of: octant), surface / 8) < 1e-12)
    }

    @Test func geodesicAndProjectedAreasAgreeForASmallSquare() throws {
        // A 0.01° square in Bunkyō: zone IX's scale error there is < 1e-4, so areas agree to 0.02 %.
        let square = Fixture.rectangle(139.75, 35.70, 139.76, 35.71)
        let projected = try CoordinateTransform(from: .wgs84, to: .epsg(6677)).transform(square.geometry)
        #expect(relativeDiff(try projected.area(), try Geodesic.area(of: square)) < 2e-4)
        let holed = Polygon(exterior: Fixture.rectangle(139.7, 35.7, 139.8, 35.8).exterior,
                            holes: [square.exterior.reversed])
        let expected = try Geodesic.area(of: Fixture.rectangle(139.7, 35.7, 139.8, 35.8)) - Geodesic.area(of: square)
        #expect(relativeDiff(try Geodesic.area(of: holed), expected) < 1e-12)
    }

    @Test(arguments: [
        (139.76, 35.70, 6677),  // Tokyo, zone IX
        (141.35, 43.06, 6680),  // Sapporo, zone XII
        (135.50, 34.69, 6674),  // Osaka, zone VI
        (130.40, 33.60, 6670),  // Fukuoka, zone II
        (127.68, 26.21, 6683),  // Naha, zone XV
        (2.35, 48.85, 32631),  // Paris, UTM 31N
        (151.21, -33.87, 32756),  // Sydney, UTM 56S
    ])
    func automaticMetricCRS(lon: Double, lat: Double, expected: Int) {
        let extent = Envelope(minX: lon - 0.1, minY: lat - 0.1, maxX: lon + 0.1, maxY: lat + 0.1)
        #expect(MetricCRS.choose(forLonLatExtent: extent).crs == .epsg(expected))
    }
}
