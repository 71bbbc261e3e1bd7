import CareGeometry
import Foundation
import Testing

@testable import CareFormats

@Suite("GeoJSON writer")
struct GeoJSONWriterTests {
    private func c(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x: x, y: y) }

    private func text(_ layer: FeatureLayer, decimals: Int = 7, boundingBoxes: Bool = false) throws -> String {
        String(decoding: try GeoJSON.encode(layer, decimals: decimals, boundingBoxes: boundingBoxes), as: UTF8.self)
    }

    /// Every input fixture encodes to its expected output, and encoding the output again is a fixed
    /// point. `CAREATLAS_REGENERATE_FIXTURES=1` rewrites the expected files.
    @Test(arguments: GeoJSONFixtures.inputNames)
    func fixture(name: String) throws {
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input(name))
        let encoded = try GeoJSON.encode(layer)
        let expectedURL = GeoJSONFixtures.expectedOutput(name)
        if GeoJSONFixtures.regenerate {
            try AtomicFile.write(encoded, to: expectedURL)
            print("regenerated \(expectedURL.path)")
        }
        let expected = try Data(contentsOf: expectedURL)
        #expect(String(decoding: encoded, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        let again = try GeoJSON.read(data: expected, name: name)
        #expect(try GeoJSON.encode(again) == expected)
        #expect(again.features.count == layer.features.count)
    }

    @Test func roundingKeySortingAndLayout() throws {
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input("rounding.geojson"))
        #expect(try text(layer) == """
            {"type":"FeatureCollection","features":[
            {"geometry":{"coordinates":[139.7636,35.6812346],"type":"Point"},"id":7,"properties":{"a":"x","b":2.5,"c":0.1},"type":"Feature"},
            {"geometry":{"coordinates":[[140,-35],[0,0.1234568]],"type":"LineString"},"properties":{},"type":"Feature"}
            ]}

            """)
        #expect(try text(layer, decimals: 2) == """
            {"type":"FeatureCollection","features":[
            {"geometry":{"coordinates":[139.76,35.68],"type":"Point"},"id":7,"properties":{"a":"x","b":2.5,"c":0.1},"type":"Feature"},
            {"geometry":{"coordinates":[[140,-35],[0,0.12]],"type":"LineString"},"properties":{},"type":"Feature"}
            ]}

            """)
    }

    @Test func clockwiseExteriorIsWrittenCounterClockwise() throws {
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input("clockwise_polygon.geojson"))
        let polygon = try #require(layer.features[0].geometry?.polygons.first)
        #expect(!polygon.exterior.isCounterClockwise)
        #expect(polygon.holes[0].isCounterClockwise)
        #expect(try text(layer) == """
            {"type":"FeatureCollection","features":[
            {"geometry":{"coordinates":[[[139,35],[140,35],[140,36],[139,36],[139,35]],[[139.2,35.2],[139.2,35.4],[139.4,35.4],[139.4,35.2],[139.2,35.2]]],"type":"Polygon"},"properties":{"name":"clockwise"},"type":"Feature"}
            ]}

            """)
        let reread = try GeoJSON.read(data: GeoJSON.encode(layer), name: "x")
        let written = try #require(reread.features[0].geometry?.polygons.first)
        #expect(written.exterior.isCounterClockwise)
        #expect(!written.holes[0].isCounterClockwise)
    }

    @Test func multiPolygonAndCollectionPartsAreOriented() throws {
        let clockwise = try Polygon(rings: [[c(0, 0), c(0, 1), c(1, 1), c(0, 0)]])
        let layer = FeatureLayer(name: "x", features: [
            Feature(geometry: .multiPolygon(MultiPolygon([clockwise]))),
            Feature(geometry: .collection([.polygon(clockwise)])),
        ])
        #expect(try text(layer) == """
            {"type":"FeatureCollection","features":[
            {"geometry":{"coordinates":[[[[0,0],[1,1],[0,1],[0,0]]]],"type":"MultiPolygon"},"properties":{},"type":"Feature"},
            {"geometry":{"geometries":[{"coordinates":[[[0,0],[1,1],[0,1],[0,0]]],"type":"Polygon"}],"type":"GeometryCollection"},"properties":{},"type":"Feature"}
            ]}

            """)
    }

    @Test func boundingBoxes() throws {
        let layer = FeatureLayer(name: "b", features: [
            Feature(id: "a", geometry: .lineString(try LineString([c(139.123456789, 35.5), c(139.5, 35.987654321)]))),
            Feature(id: "b", geometry: nil),
            Feature(id: "c", geometry: .point(try Point(x: 140, y: 34))),
        ])
        #expect(try text(layer, boundingBoxes: true) == """
            {"type":"FeatureCollection","bbox":[139.1234568,34,140,35.9876543],"features":[
            {"bbox":[139.1234568,35.5,139.5,35.9876543],"geometry":{"coordinates":[[139.1234568,35.5],[139.5,35.9876543]],"type":"LineString"},"id":"a","properties":{},"type":"Feature"},
            {"geometry":null,"id":"b","properties":{},"type":"Feature"},
            {"bbox":[140,34,140,34],"geometry":{"coordinates":[140,34],"type":"Point"},"id":"c","properties":{},"type":"Feature"}
            ]}

            """)
    }

    @Test func emptyLayer() throws {
        #expect(try text(FeatureLayer(name: "e", features: [])) == "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n")
        #expect(try text(FeatureLayer(name: "e", features: []), boundingBoxes: true)
            == "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n")
        #expect(try GeoJSON.read(data: GeoJSON.encode(FeatureLayer(name: "e", features: [])), name: "e").features.isEmpty)
    }

    @Test func legacyCRSIsNotWrittenAndJGD2011IsWrittenUnchanged() throws {
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input("legacy_crs_jgd2011.geojson"))
        #expect(layer.crs == .jgd2011)
        let output = try text(layer)
        #expect(!output.contains("crs"))
        #expect(output.contains("[[[139.761,35.6857],"))
        #expect(try GeoJSON.read(data: Data(output.utf8), name: "x").crs == .wgs84)
    }

    /// Expected values from PROJ's `cs2cs` (EPSG:6677 takes northing first there; CareAtlas easting first):
    ///     echo "-12000.5 -36000.25" | cs2cs EPSG:6677 EPSG:4326 -f %.12f → 35.891173662596 139.434564980537
    ///     echo "35.6812 139.7671" | cs2cs EPSG:4301 EPSG:4326 -f %.12f   → 35.684438883107 139.763866029031
    @Test func otherCRSsAreTransformedToWGS84() throws {
        let projected = FeatureLayer(
            name: "plane", crs: .epsg(6677), features: [Feature(geometry: .point(try Point(x: -36000.25, y: -12000.5)))])
        #expect(try text(projected).contains(#"{"geometry":{"coordinates":[139.434565,35.8911737],"type":"Point"}"#))
        // A geographic CRS on another datum is transformed too: the Tokyo datum is ~400 m off WGS 84.
        let tokyo = FeatureLayer(
            name: "tokyo", crs: .epsg(4301), features: [Feature(geometry: .point(try Point(x: 139.7671, y: 35.6812)))])
        #expect(try text(tokyo).contains(#"{"geometry":{"coordinates":[139.763866,35.6844389],"type":"Point"}"#))
    }

    @Test func encodingErrorsListEveryFeature() throws {
        let layer = FeatureLayer(name: "bad.geojson", features: [
            Feature(id: true, geometry: nil),
            Feature(geometry: nil, properties: ["ok": 1]),
            Feature(geometry: nil, properties: ["ratio": [1, .number(.nan)]]),
        ])
        let error = try #require(throws: GeoJSONError.self) { try GeoJSON.encode(layer) }
        #expect(error.description == """
            bad.geojson: feature 0 ($.features[0].id): "id" must be a string or a number, found a boolean (true)
            bad.geojson: feature 2 ($.features[2].properties.ratio[1]): cannot write nan: JSON has no NaN or infinity — replace it with null or a finite number
            """)
        let decimals = try #require(throws: GeoJSONError.self) { try GeoJSON.encode(layer, decimals: 16) }
        #expect(decimals.description == "bad.geojson: $: cannot write with 16 decimals — use 0 to 15 decimals (7 is about 1 cm)")
        let unknown = FeatureLayer(name: "u", crs: .epsg(999_999), features: [])
        let crsError = try #require(throws: GeoJSONError.self) { try GeoJSON.encode(unknown) }
        #expect(crsError.description.hasPrefix("u: $: cannot transform EPSG:999999 to WGS 84: "))
        #expect(crsError.description.hasSuffix(" — check the layer's CRS"))
    }

    @Test func writeIsAtomicAndDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-geojson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let layer = try GeoJSON.read(contentsOf: GeoJSONFixtures.input("all_geometry_types.geojson"))
        let url = dir.appendingPathComponent("out.geojson")
        try GeoJSON.write(layer, to: url)
        let first = try Data(contentsOf: url)
        try GeoJSON.write(layer, to: url)
        #expect(try Data(contentsOf: url) == first)
        #expect(first == (try GeoJSON.encode(layer)))
        let reread = try GeoJSON.read(contentsOf: url)
        #expect(reread.name == "out")
        #expect(reread.features == layer.features)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.geojson"])
    }
}
