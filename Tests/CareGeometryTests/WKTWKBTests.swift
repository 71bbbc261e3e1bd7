import Testing
@testable import CareGeometry

@Suite struct WKTWKBTests {
    @Test func wktRoundTrip() throws {
        let g = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))")
        #expect(g == .polygon(Fixture.squareWithHole))
        #expect(try g.wkt() == "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))")
        #expect(try Geometry(wkt: "POINT (139.7636 35.7013)").wkt(decimals: 4) == "POINT (139.7636 35.7013)")
    }

    @Test func wktErrorCarriesGEOSMessage() {
        #expect(throws: GeometryError.geos(
            operation: "GEOSWKTReader_read_r",
            message: "ParseException: Expected word but encountered end of stream")) {
            try Geometry(wkt: "POLYGON ((0 0, 1 0")
        }
    }

    @Test func wkbRoundTripAllTypes() throws {
        let texts = [
            "POINT (1 2)", "LINESTRING (0 0, 1 1, 2 0)", "MULTIPOINT ((0 0), (1 1))",
            "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
            "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1))",
        ]
        for text in texts {
            let g = try Geometry(wkt: text)
            let bytes = try g.wkb()
            #expect(try Geometry(wkb: bytes) == g, "\(text)")
        }
        // A point in little-endian WKB: byte order 1, type 1, then x and y.
        #expect(try Geometry(wkt: "POINT (1 2)").wkb() == [1, 1, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] + [0, 0, 0, 0, 0, 0, 0, 0x40])
    }
}
