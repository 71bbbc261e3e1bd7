import CareGeometry
import Foundation
import Testing

@testable import CareFormats

@Suite("GeoJSON reader")
struct GeoJSONReaderTests {
    private func c(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x: x, y: y) }

    @Test func everyGeometryType() throws {
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input("all_geometry_types.geojson"))
        #expect(layer.name == "all_geometry_types")
        #expect(layer.crs == .wgs84)
        #expect(layer.features.count == 8)
        #expect(layer.nullGeometryCount == 1)
        let f = layer.features

        // Point, z dropped; id as string; properties of every JSON type.
        #expect(f[0].id == "pt")
        #expect(f[0].geometry == .point(try Point(x: 139.7671, y: 35.6812)))
        #expect(f[0].properties == [
            "name": "東京駅", "beds": 12, "share": 0.25, "open": true, "note": nil, "tags": ["a", "b"], "meta": ["k": 1],
        ])
        #expect(f[0].properties.keys == ["name", "beds", "share", "open", "note", "tags", "meta"])

        #expect(f[1].id == 2)
        #expect(f[1].geometry == .multiPoint(MultiPoint([try Point(x: 139, y: 35), try Point(x: 139.5, y: 35.5)])))
        #expect(f[2].id == nil)
        #expect(f[2].geometry == .lineString(try LineString([c(139, 35), c(139.1, 35.1), c(139.2, 35)])))
        #expect(f[3].geometry == .multiLineString(MultiLineString([
            try LineString([c(139, 35), c(139.1, 35.1)]), try LineString([c(140, 36), c(140.1, 36.1)]),
        ])))
        #expect(f[4].geometry == .polygon(try Polygon(rings: [
            [c(139, 35), c(140, 35), c(140, 36), c(139, 36), c(139, 35)],
            [c(139.2, 35.2), c(139.2, 35.4), c(139.4, 35.4), c(139.4, 35.2), c(139.2, 35.2)],
        ])))
        #expect(f[5].geometry == .multiPolygon(MultiPolygon([
            try Polygon(rings: [[c(139, 35), c(139.5, 35), c(139.5, 35.5), c(139, 35)]]),
            try Polygon(rings: [[c(140, 36), c(140.5, 36), c(140.5, 36.5), c(140, 36)]]),
        ])))
        #expect(f[6].geometry == .collection([
            .point(try Point(x: 139, y: 35)), .lineString(try LineString([c(139, 35), c(139.1, 35.1)])),
        ]))
        #expect(f[7].geometry == nil)
        #expect(f[7].properties == ["name": "no geometry"])
    }

    @Test func legacyCRSMember() throws {
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input("legacy_crs_jgd2011.geojson"))
        #expect(layer.crs == .jgd2011)
        #expect(layer.crs.identifier == "EPSG:6668")
        // Coordinates stay as in the file.
        #expect(layer.features[0].geometry?.allCoordinates.first == c(139.761, 35.6857))
    }

    @Test(arguments: [
        (#"{"type":"name","properties":{"name":"EPSG:6677"}}"#, "EPSG:6677"),
        (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"#, "OGC:CRS84"),
        (#"{"type":"EPSG","properties":{"code":4612}}"#, "EPSG:4612"),
        ("null", "EPSG:4326"),
    ])
    func crsSpellings(member: String, identifier: String) throws {
        let text = #"{"type":"FeatureCollection","crs":"# + member + #","features":[]}"#
        let layer = try GeoJSON.read(data: Data(text.utf8), name: "x")
        #expect(layer.crs.identifier == identifier)
        #expect(layer.features.isEmpty)
    }

    @Test func singleFeatureAndBareGeometry() throws {
        let feature = try GeoJSON.read(
            data: Data(#"{"type":"Feature","id":1.5,"geometry":{"type":"Point","coordinates":[1,2]},"properties":null}"#.utf8),
            name: "one")
        #expect(feature.name == "one")
        #expect(feature.features == [Feature(id: 1.5, geometry: .point(try Point(x: 1, y: 2)))])

        let bare = try GeoJSON.read(data: Data(#"{"type":"LineString","coordinates":[[1,2],[3,4,5]]}"#.utf8), name: "g")
        #expect(bare.features == [Feature(geometry: .lineString(try LineString([c(1, 2), c(3, 4)])))])
    }

    @Test func emptyGeometries() throws {
        let text = #"""
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[]}},
            {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[]}},
            {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[]}},
            {"type":"Feature","id":null,"geometry":null}
            ]}
            """#
        let layer = try GeoJSON.read(data: Data(text.utf8), name: "empty")
        #expect(layer.features.map(\.geometry) == [nil, nil, .multiPolygon(MultiPolygon([])), .collection([]), nil])
        #expect(layer.nullGeometryCount == 3)
        #expect(layer.features[4].id == nil)
        #expect(layer.features[4].properties.isEmpty)
    }

    @Test func byteOrderMarkAndForeignMembers() throws {
        let text = #"{"type":"FeatureCollection","name":"n","bbox":[0,0,1,1],"features":[{"type":"Feature","extra":1,"properties":{"a":1},"geometry":{"type":"Point","coordinates":[0.5,0.5],"bbox":[0,0,1,1]}}]}"#
        let layer = try GeoJSON.read(data: Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)), name: "bom")
        #expect(layer.features == [Feature(geometry: .point(try Point(x: 0.5, y: 0.5)), properties: ["a": 1])])
    }
}

@Suite("GeoJSON reader: error messages")
struct GeoJSONReaderErrorTests {
    private func readError(_ text: String) -> String? {
        do {
            _ = try GeoJSON.read(data: Data(text.utf8), name: "districts.geojson")
            return nil
        } catch {
            return error.description
        }
    }

    /// A collection with one feature whose geometry is `geometry`.
    private func withGeometry(_ geometry: String) -> String {
        #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":"# + geometry + "}]}"
    }

    @Test(arguments: [
        (
            #"{"type":"Polygon","coordinates":[[[139,35],[140,35],[140,36],[139,36]]]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[0]): a linear ring must be closed: first position (139.0, 35.0) differs from last (139.0, 36.0) — close the ring by repeating its first position"
        ),
        (
            #"{"type":"Polygon","coordinates":[[[139,35],[140,35],[139,35]]]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[0]): a linear ring needs at least 4 positions, got 3 — give at least 3 corners and repeat the first one at the end"
        ),
        (
            #"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2]]]]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[1][1]): a linear ring needs at least 4 positions, got 3 — give at least 3 corners and repeat the first one at the end"
        ),
        (
            #"{"type":"MultiPolygon","coordinates":[[]]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[0]): a polygon needs an exterior ring, got no rings — give the exterior ring first, then any holes"
        ),
        (
            #"{"type":"Point","coordinates":[139]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates): a position needs at least 2 numbers (longitude, latitude), got 1 — write [lon, lat]"
        ),
        (
            #"{"type":"LineString","coordinates":[[139,35],["139.1",35.1]]}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry.coordinates[1][0]): a coordinate must be a number, found a string ("139.1") — write numbers without quotes"#
        ),
        (
            #"{"type":"LineString","coordinates":[[139,35]]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates): a line string needs at least 2 positions, got 1 — give at least 2 positions, or use a Point"
        ),
        (
            #"{"type":"LineString","coordinates":[139,35]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[0]): expected a position [lon, lat], found a number (139) — LineString coordinates are nested like [[lon, lat], …]"
        ),
        (
            #"{"type":"Point","coordinates":[[139,35]]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[0]): a coordinate must be a number, found an array — Point coordinates are nested like [lon, lat]"
        ),
        (
            #"{"type":"Point","coordinates":[139,null]}"#,
            "districts.geojson: feature 0 ($.features[0].geometry.coordinates[1]): a coordinate must be a number, found null"
        ),
        (
            #"{"type":"Polygon","coordinates":"none"}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry.coordinates): "coordinates" must be an array, found a string ("none") — Polygon coordinates are nested like [[[lon, lat], …], …]"#
        ),
        (
            #"{"type":"Polygon"}"#,
            "districts.geojson: feature 0 ($.features[0].geometry): missing \"coordinates\" member — Polygon coordinates are nested like [[[lon, lat], …], …]"
        ),
        (
            #"{"type":"Circle","coordinates":[0,0]}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry.type): unknown geometry type "Circle" — use one of Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, GeometryCollection"#
        ),
        (
            #"{"type":"polygon","coordinates":[]}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry.type): unknown geometry type "polygon" — did you mean "Polygon"? (type names are case-sensitive)"#
        ),
        (
            #"{"coordinates":[0,0]}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry): missing "type" member — a geometry has a "type" such as "Polygon""#
        ),
        (
            #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},{"type":"Point","coordinates":["a",0]}]}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry.geometries[1].coordinates[0]): a coordinate must be a number, found a string ("a") — write numbers without quotes"#
        ),
        (
            #"{"type":"GeometryCollection"}"#,
            #"districts.geojson: feature 0 ($.features[0].geometry): missing "geometries" member — a GeometryCollection holds its parts in "geometries": […]"#
        ),
        (
            "[1,2]",
            "districts.geojson: feature 0 ($.features[0].geometry): \"geometry\" must be an object or null, found an array"
        ),
    ])
    func geometryErrors(geometry: String, expected: String) {
        #expect(readError(withGeometry(geometry)) == expected)
    }

    @Test(arguments: [
        (
            #"{"features":[]}"#,
            #"districts.geojson: $: missing "type" member — a GeoJSON document is a FeatureCollection, a Feature or a geometry"#
        ),
        (
            #"{"type":"FeatureCollection","features":{}}"#,
            #"districts.geojson: $.features: "features" must be an array, found an object — write "features": [ {"type": "Feature", …}, … ]"#
        ),
        (
            #"{"type":"FeatureCollection"}"#,
            #"districts.geojson: $: missing "features" member — a FeatureCollection holds its features in "features": […]"#
        ),
        (
            #"{"type":"Topology","objects":{}}"#,
            #"districts.geojson: $: unknown GeoJSON type "Topology" — a GeoJSON document is a FeatureCollection, a Feature or a geometry"#
        ),
        (
            #"{"type":"featurecollection","features":[]}"#,
            #"districts.geojson: $: unknown GeoJSON type "featurecollection" — did you mean "FeatureCollection"? (type names are case-sensitive)"#
        ),
        (
            #"{"type":7}"#,
            #"districts.geojson: $.type: "type" must be a string, found a number (7) — a GeoJSON document is a FeatureCollection, a Feature or a geometry"#
        ),
        (
            "[]",
            #"districts.geojson: $: a GeoJSON document must be an object, found an array — the file should start with {"type": "FeatureCollection", …"#
        ),
        (
            #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"Tokyo"}},"features":[]}"#,
            #"districts.geojson: $.crs.properties.name: unrecognised CRS "Tokyo": write it as EPSG:<code>, for example EPSG:6668 or EPSG:6677"#
        ),
        (
            #"{"type":"FeatureCollection","crs":{"type":"link","properties":{"href":"x"}},"features":[]}"#,
            #"districts.geojson: $.crs.type: unsupported "crs" member of type "link" — name the CRS as {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6668"}}, or remove the member for WGS 84"#
        ),
        (
            #"{"type":"Point","coordinates":[1]}"#,
            "districts.geojson: $.coordinates: a position needs at least 2 numbers (longitude, latitude), got 1 — write [lon, lat]"
        ),
    ])
    func documentErrors(text: String, expected: String) {
        #expect(readError(text) == expected)
    }

    @Test(arguments: [
        (
            #"{"properties":{},"geometry":null}"#,
            #"districts.geojson: feature 0 ($.features[0]): missing "type" member — a feature has "type": "Feature""#
        ),
        (
            #"{"type":"Polygon","coordinates":[]}"#,
            #"districts.geojson: feature 0 ($.features[0].type): "type" is "Polygon", but a member of "features" must be a Feature — wrap the geometry as {"type": "Feature", "geometry": {…}, "properties": {}}"#
        ),
        (
            #"{"type":"Feature","properties":{}}"#,
            #"districts.geojson: feature 0 ($.features[0]): missing "geometry" member — write "geometry": null for a feature without geometry"#
        ),
        (
            #"{"type":"Feature","properties":[1],"geometry":null}"#,
            #"districts.geojson: feature 0 ($.features[0].properties): "properties" must be an object or null, found an array"#
        ),
        (
            #"{"type":"Feature","id":true,"geometry":null}"#,
            #"districts.geojson: feature 0 ($.features[0].id): "id" must be a string or a number, found a boolean (true)"#
        ),
        (
            #""Feature""#,
            #"districts.geojson: feature 0 ($.features[0]): a feature must be an object, found a string ("Feature") — write {"type": "Feature", "geometry": …, "properties": {…}}"#
        ),
    ])
    func featureErrors(feature: String, expected: String) {
        #expect(readError(#"{"type":"FeatureCollection","features":["# + feature + "]}") == expected)
    }

    @Test func syntaxErrorsNameFeatureLineAndColumn() {
        let truncated = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[139
            """
        #expect(readError(truncated)
            == "districts.geojson: feature 0, line 2, column 80 ($.features[0].geometry.coordinates): invalid JSON: unexpected end of input (expected ',' or ']'): the document is truncated")

        let nan = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[139,35]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,35]}}
            ]}
            """
        #expect(readError(nan)
            == "districts.geojson: feature 1, line 3, column 77 ($.features[1].geometry.coordinates[0]): invalid JSON: invalid literal 'NaN': JSON has no NaN or Infinity; write null or a finite number")

        #expect(readError(#"{"type":"FeatureCollection","features":[],}"#)
            == "districts.geojson: line 1, column 43 ($): invalid JSON: unexpected character '}' (expected a string key): trailing commas are not allowed")
        #expect(readError("") == "districts.geojson: line 1, column 1 ($): invalid JSON: the document is empty: expected a JSON value")
    }

    @Test func everyFeatureProblemIsReported() throws {
        let url = GeoJSONFixtures.invalid("unclosed_ring.geojson")
        let error = try #require(throws: GeoJSONError.self) { try GeoJSON.read(contentsOf: url) }
        #expect(error.source == "unclosed_ring.geojson")
        #expect(error.problems.map(\.featureIndex) == [1, 2])
        #expect(error.description == """
            unclosed_ring.geojson: feature 1 ($.features[1].geometry.coordinates[0]): a linear ring must be closed: first position (139.0, 35.0) differs from last (139.0, 36.0) — close the ring by repeating its first position
            unclosed_ring.geojson: feature 2 ($.features[2].geometry.coordinates[1][0]): a coordinate must be a number, found a string ("139.1") — write numbers without quotes
            """)
    }

    @Test func severalProblemsInOneFeatureAndTheLimit() throws {
        let one = #"{"type":"Feature","id":[],"properties":3,"geometry":{"type":"Point","coordinates":[1]}}"#
        #expect(readError(#"{"type":"FeatureCollection","features":["# + one + "]}") == """
            districts.geojson: feature 0 ($.features[0].id): "id" must be a string or a number, found an array
            districts.geojson: feature 0 ($.features[0].properties): "properties" must be an object or null, found a number (3)
            districts.geojson: feature 0 ($.features[0].geometry.coordinates): a position needs at least 2 numbers (longitude, latitude), got 1 — write [lon, lat]
            """)

        let bad = #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1]}}"#
        let many = #"{"type":"FeatureCollection","features":["# + Array(repeating: bad, count: 60).joined(separator: ",") + "]}"
        let error = try #require(throws: GeoJSONError.self) { try GeoJSON.read(data: Data(many.utf8), name: "many.geojson") }
        #expect(error.problems.count == 60)
        let lines = error.description.split(separator: "\n")
        #expect(lines.count == 51)
        #expect(lines.last == "many.geojson: … and 10 more problems")
        #expect(lines[49].hasPrefix("many.geojson: feature 49 ($.features[49].geometry.coordinates)"))
    }

    @Test func unreadableFile() throws {
        let url = GeoJSONFixtures.directory.appendingPathComponent("no-such-file.geojson")
        let error = try #require(throws: GeoJSONError.self) { try GeoJSON.read(contentsOf: url) }
        #expect(error.source == "no-such-file.geojson")
        #expect(error.problems.count == 1)
        #expect(error.description.hasPrefix("no-such-file.geojson: $: cannot read the file: "))
        #expect(error.description.hasSuffix(" — check the path \(url.path)"))
    }
}
