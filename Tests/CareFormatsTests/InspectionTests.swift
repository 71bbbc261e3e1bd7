import CareGeometry
import Foundation
import Testing

@testable import CareFormats

@Suite("Layer inspection")
struct InspectionTests {
    private func fixtureLayer() throws -> FeatureLayer {
        try GeoJSON.read(contentsOf: GeoJSONFixtures.input("inspection.geojson"))
    }

    /// Flags MultiPolygons, so that the report's invalid list has a known content.
    private let fakeValidity: (Geometry) -> String? = { g in
        g.typeName == "MultiPolygon" ? "Self-intersection[139.72 35.7]" : nil
    }

    @Test func summary() throws {
        let report = LayerInspection.inspect(try fixtureLayer(), validity: fakeValidity)
        #expect(report.name == "inspection")
        #expect(report.crs == .wgs84)
        #expect(report.featureCount == 5)
        #expect(report.nullGeometryCount == 1)
        #expect(report.geometryTypeCounts == ["Point": 1, "Polygon": 2, "MultiPolygon": 1])
        #expect(report.boundingBox == Envelope(minX: 139.67, minY: 35.66, maxX: 139.80, maxY: 35.73))
        #expect(report.invalidGeometries == [.init(featureIndex: 4, featureID: "e", reason: "Self-intersection[139.72 35.7]")])
    }

    @Test func propertyTypesAndSamples() throws {
        let report = LayerInspection.inspect(try fixtureLayer())
        typealias P = LayerReport.PropertySummary
        #expect(report.properties == [
            P(name: "code", type: .string, valueTypes: [.string], nullCount: 0, missingCount: 0,
              samples: ["13101", "13102", "13104"]),
            P(name: "名称", type: .string, valueTypes: [.string], nullCount: 0, missingCount: 0,
              samples: ["千代田区", "中央区", "新宿区"]),
            P(name: "pop", type: .integer, valueTypes: [.integer], nullCount: 0, missingCount: 0,
              samples: [66680, 169179, 349385]),
            P(name: "share", type: .number, valueTypes: [.number], nullCount: 0, missingCount: 0,
              samples: [0.25, 1, 0.5]),
            P(name: "flag", type: .boolean, valueTypes: [.boolean], nullCount: 0, missingCount: 0,
              samples: [true, false]),
            P(name: "empty", type: .null, valueTypes: [], nullCount: 5, missingCount: 0, samples: []),
            P(name: "mixed", type: .mixed, valueTypes: [.string, .number], nullCount: 1, missingCount: 0,
              samples: [1, "one", 1.5]),
            P(name: "list", type: .array, valueTypes: [.array], nullCount: 0, missingCount: 4, samples: [[1, 2]]),
            P(name: "extra", type: .object, valueTypes: [.object], nullCount: 0, missingCount: 4,
              samples: [["k": "v"]]),
        ])
        #expect(report.invalidGeometries == nil)
    }

    @Test func renderText() throws {
        let report = LayerInspection.inspect(try fixtureLayer(), validity: fakeValidity)
        #expect(report.renderText() == """
            layer             inspection
            crs               EPSG:4326
            features          5
            without geometry  1
            geometry types    Point 1, Polygon 2, MultiPolygon 1
            extent            x 139.67 … 139.8, y 35.66 … 35.73
            validity          1 of 4 geometries invalid
            invalid           feature 4 (id "e"): Self-intersection[139.72 35.7]
            properties        9

            property  type                    nulls  missing  samples
            code      string                      0        0  "13101", "13102", "13104"
            名称      string                      0        0  "千代田区", "中央区", "新宿区"
            pop       integer                     0        0  66680, 169179, 349385
            share     number                      0        0  0.25, 1, 0.5
            flag      boolean                     0        0  true, false
            empty     null                        5        0
            mixed     mixed (string, number)      1        0  1, "one", 1.5
            list      array                       0        4  [1,2]
            extra     object                      0        4  {"k":"v"}

            """)
    }

    @Test func renderTextWithoutValidityOrFeatures() {
        let report = LayerInspection.inspect(FeatureLayer(name: "empty", crs: .jgd2011, features: []))
        #expect(report.renderText() == """
            layer             empty
            crs               EPSG:6668
            features          0
            without geometry  0
            geometry types    none
            extent            none (no positions)
            validity          not checked
            properties        0

            """)
    }

    @Test func renderJSON() throws {
        let report = LayerInspection.inspect(try fixtureLayer(), validity: fakeValidity)
        let expected = #"{"bounding_box":[139.67,35.66,139.8,35.73],"crs":"EPSG:4326","feature_count":5,"geometry_types":{"MultiPolygon":1,"Point":1,"Polygon":2},"invalid_geometries":[{"feature":4,"id":"e","reason":"Self-intersection[139.72 35.7]"}],"name":"inspection","null_geometry_count":1,"properties":["#
            + #"{"missing":0,"name":"code","nulls":0,"samples":["13101","13102","13104"],"type":"string","value_types":["string"]},"#
            + #"{"missing":0,"name":"名称","nulls":0,"samples":["千代田区","中央区","新宿区"],"type":"string","value_types":["string"]},"#
            + #"{"missing":0,"name":"pop","nulls":0,"samples":[66680,169179,349385],"type":"integer","value_types":["integer"]},"#
            + #"{"missing":0,"name":"share","nulls":0,"samples":[0.25,1,0.5],"type":"number","value_types":["number"]},"#
            + #"{"missing":0,"name":"flag","nulls":0,"samples":[true,false],"type":"boolean","value_types":["boolean"]},"#
            + #"{"missing":0,"name":"empty","nulls":5,"samples":[],"type":"null","value_types":[]},"#
            + #"{"missing":0,"name":"mixed","nulls":1,"samples":[1,"one",1.5],"type":"mixed","value_types":["string","number"]},"#
            + #"{"missing":4,"name":"list","nulls":0,"samples":[[1,2]],"type":"array","value_types":["array"]},"#
            + #"{"missing":4,"name":"extra","nulls":0,"samples":[{"k":"v"}],"type":"object","value_types":["object"]}]}"#
        #expect(report.renderJSON() == expected)
        #expect(try JSONParser.parse(report.renderJSON())["feature_count"] == 5)

        let unchecked = LayerInspection.inspect(FeatureLayer(name: "e", features: []))
        #expect(unchecked.renderJSON()
            == #"{"bounding_box":null,"crs":"EPSG:4326","feature_count":0,"geometry_types":{},"invalid_geometries":null,"name":"e","null_geometry_count":0,"properties":[]}"#)
    }

    @Test func geosValidity() throws {
        let bowTie = try Polygon(rings: [[
            Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 1), Coordinate(x: 1, y: 0), Coordinate(x: 0, y: 1),
            Coordinate(x: 0, y: 0),
        ]])
        let square = Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1).polygon
        let layer = FeatureLayer(name: "v", features: [
            Feature(id: 1, geometry: .polygon(square)), Feature(id: 2, geometry: .polygon(bowTie)), Feature(geometry: nil),
        ])
        let report = LayerInspection.inspect(layer, validity: LayerInspection.geosValidity)
        #expect(report.invalidGeometries == [.init(featureIndex: 1, featureID: 2, reason: "Self-intersection[0.5 0.5]")])
        #expect(report.renderText().contains("""
            validity          1 of 2 geometries invalid
            invalid           feature 1 (id 2): Self-intersection[0.5 0.5]
            """))
        let valid = LayerInspection.inspect(
            FeatureLayer(name: "ok", features: [Feature(geometry: .polygon(square))]), validity: LayerInspection.geosValidity)
        #expect(valid.invalidGeometries == [])
        #expect(valid.renderText().contains("validity          all 1 geometries valid"))
    }

    @Test func longInvalidListsAreCutInText() throws {
        let square = Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1).polygon
        let layer = FeatureLayer(name: "many", features: Array(repeating: Feature(geometry: .polygon(square)), count: 25))
        let report = LayerInspection.inspect(layer) { _ in "Too few points" }
        let text = report.renderText()
        #expect(text.contains("""
            validity          25 of 25 geometries invalid
            invalid           feature 0: Too few points
            """))
        #expect(text.contains("""
                              feature 19: Too few points
                              … and 5 more (see the JSON report)
            properties        0
            """))
        #expect(!text.contains("feature 20:"))
        #expect(report.invalidGeometries?.count == 25)
        let json = try JSONParser.parse(report.renderJSON())
        #expect(json["invalid_geometries"]?.arrayValue?.count == 25)
    }

    @Test func longSamplesAreCutByDisplayWidth() {
        #expect(LayerReport.sampleText("東京都千代田区丸の内一丁目から大手町二丁目まで") == #""東京都千代田区丸の内一丁目から…"#)
        #expect(displayWidth(#""東京都千代田区丸の内一丁目から…"#) == 32)
        #expect(LayerReport.sampleText("short") == #""short""#)
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("東京") == 4)
        #expect(displayWidth("ｶﾀｶﾅ") == 4)  // half-width katakana
        #expect(displayWidth("e\u{301}") == 1)  // combining acute accent
    }

    @Test func alignmentUsesDisplayWidth() {
        #expect(alignedRows([["名前", "x", "1"], ["ab", "yy", "22"]], rightAligned: [1], gap: 1) == [
            "名前  x 1",
            "ab   yy 22",
        ])
    }
}
