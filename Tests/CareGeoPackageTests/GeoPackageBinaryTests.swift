import CareGeometry
import XCTest

@testable import CareGeoPackage

/// The geometry encoding against bytes written out by hand from OGC 12-128r18 §2.1.3 and ISO WKB.
final class GeoPackageBinaryTests: XCTestCase {
    private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    private func le64(_ d: Double) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: d.bitPattern >> (8 * UInt64($0))) } }

    func testPointHasNoEnvelopeAndLittleEndianWKB() throws {
        let blob = GeoPackageBinary.encode(.point(try Point(x: 139.75, y: 35.6875)), srsID: 4326)
        // "GP", version 0, flags 0b0000_0001 (little-endian, no envelope), srs_id 4326 = 0x10E6.
        let expected: [UInt8] = [0x47, 0x50, 0x00, 0x01, 0xE6, 0x10, 0x00, 0x00]
            + [0x01] + le32(1) + le64(139.75) + le64(35.6875)
        XCTAssertEqual(blob, expected)
    }

    func testPolygonEnvelopeIsMinxMaxxMinyMaxy() throws {
        let square = try Polygon(rings: [[Coordinate(x: 1, y: 2), Coordinate(x: 4, y: 2), Coordinate(x: 4, y: 7),
                                          Coordinate(x: 1, y: 2)]])
        let blob = GeoPackageBinary.encode(.polygon(square), srsID: 4326)
        XCTAssertEqual(Array(blob[0..<8]), [0x47, 0x50, 0x00, 0x03, 0xE6, 0x10, 0x00, 0x00])  // envelope indicator 1
        XCTAssertEqual(Array(blob[8..<40]), le64(1) + le64(4) + le64(2) + le64(7))
        // WKB: byte order, type 3, one ring of four points.
        XCTAssertEqual(Array(blob[40..<53]), [0x01] + le32(3) + le32(1) + le32(4))
        XCTAssertEqual(blob.count, 8 + 32 + 13 + 4 * 16)
        let decoded = try GeoPackageBinary.decode(blob, context: "test")
        XCTAssertEqual(decoded.envelope, Envelope(minX: 1, minY: 2, maxX: 4, maxY: 7))
        XCTAssertEqual(decoded.srsID, 4326)
        XCTAssertFalse(decoded.isEmpty)
        // GEOS reads our WKB back to the same polygon (an independent decoder).
        XCTAssertEqual(try Geometry(wkb: decoded.wkb), .polygon(square))
    }

    func testEmptyMultiPolygonSetsTheEmptyFlag() throws {
        let blob = GeoPackageBinary.encode(.multiPolygon(MultiPolygon([])), srsID: 4326)
        XCTAssertEqual(blob, [0x47, 0x50, 0x00, 0x11, 0xE6, 0x10, 0x00, 0x00, 0x01] + le32(6) + le32(0))
        XCTAssertTrue(try GeoPackageBinary.decode(blob, context: "test").isEmpty)
    }

    func testEveryGeometryTypeRoundTripsThroughGEOS() throws {
        let a = Coordinate(x: 0.5, y: -1.25), b = Coordinate(x: 3, y: 4), c = Coordinate(x: -2, y: 8)
        let ring = try LinearRing([a, b, c, a])
        let hole = try LinearRing([Coordinate(x: 0.4, y: 0.4), Coordinate(x: 0.6, y: 0.4), Coordinate(x: 0.5, y: 0.6),
                                   Coordinate(x: 0.4, y: 0.4)])
        let geometries: [Geometry] = [
            .lineString(try LineString([a, b, c])),
            .polygon(Polygon(exterior: ring, holes: [hole])),
            .multiPoint(MultiPoint([try Point(a), try Point(c)])),
            .multiLineString(MultiLineString([try LineString([a, b]), try LineString([b, c])])),
            .multiPolygon(MultiPolygon([Polygon(exterior: ring), Polygon(exterior: ring.reversed)])),
            .collection([.point(try Point(b)), .lineString(try LineString([a, c]))]),
        ]
        for g in geometries {
            let decoded = try GeoPackageBinary.decode(GeoPackageBinary.encode(g, srsID: 4326), context: g.typeName)
            XCTAssertEqual(try Geometry(wkb: decoded.wkb), g, g.typeName)
            XCTAssertEqual(decoded.envelope, g.boundingBox, g.typeName)
        }
    }

    func testBigEndianHeaderIsRead() throws {
        // Flags 0b0000_0010: big-endian, envelope [minx, maxx, miny, maxy]; srs_id 6677 = 0x1A15.
        let be64 = { (d: Double) -> [UInt8] in self.le64(d).reversed() }
        let blob: [UInt8] = [0x47, 0x50, 0x00, 0x02, 0x00, 0x00, 0x1A, 0x15] + be64(-1.5) + be64(2) + be64(3) + be64(4.25)
            + [0x01] + le32(1) + le64(0) + le64(3.5)
        let decoded = try GeoPackageBinary.decode(blob, context: "test")
        XCTAssertEqual(decoded.srsID, 6677)
        XCTAssertEqual(decoded.envelope, Envelope(minX: -1.5, minY: 3, maxX: 2, maxY: 4.25))
        XCTAssertEqual(try Geometry(wkb: decoded.wkb), .point(try Point(x: 0, y: 3.5)))
    }

    func testMalformedBlobsAreNamed() {
        XCTAssertThrowsError(try GeoPackageBinary.decode([0x00, 0x01, 0, 1, 0, 0, 0, 0], context: "layer x fid 3")) { error in
            XCTAssertTrue("\(error)".contains("layer x fid 3"), "\(error)")
            XCTAssertTrue("\(error)".contains("magic"), "\(error)")
        }
        XCTAssertThrowsError(try GeoPackageBinary.decode([0x47, 0x50, 0, 0b1011, 0, 0, 0, 0], context: "c")) { error in
            XCTAssertTrue("\(error)".contains("envelope contents indicator 5"), "\(error)")
        }
    }
}
