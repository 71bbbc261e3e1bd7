import CareFormats
import CareGeometry
import Foundation
import TestSupport
import XCTest

@testable import CareGeoPackage

final class GeoPackageTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-gpkg-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func square(_ x: Double, _ y: Double, _ size: Double) throws -> Polygon {
        try Polygon(rings: [[Coordinate(x: x, y: y), Coordinate(x: x + size, y: y), Coordinate(x: x + size, y: y + size),
                             Coordinate(x: x, y: y + size), Coordinate(x: x, y: y)]])
    }

    /// Three hand-made wards in WGS 84 with every property type, and two points.
    private func handLayers() throws -> [GeoPackageLayer] {
        let wards: [(geometry: Geometry?, properties: JSONObject)] = [
            (.polygon(try square(139.70, 35.68, 0.01)),
             ["area_code": "13101", "area_name": "千代田区", "patients": 12, "penetration": 3.25, "in_stage": true, "label": "12", "mixed": 1]),
            (.multiPolygon(MultiPolygon([try square(139.72, 35.68, 0.01), try square(139.74, 35.68, 0.005)])),
             ["area_code": "13102", "area_name": "中央区", "patients": .null, "penetration": 0.5, "in_stage": false, "label": "<10", "mixed": "x"]),
            (nil, ["area_code": "13103", "area_name": "港区", "patients": 40, "penetration": 2, "in_stage": false, "label": "40", "mixed": [1, 2]]),
        ]
        let sites: [(geometry: Geometry?, properties: JSONObject)] = [
            (.point(try Point(x: 139.7610, y: 35.7125)), ["name": "架空大学病院", "kind": "hospital", "beds": 900]),
            (.point(try Point(x: 139.7000, y: 35.6900)), ["name": "訪問看護ステーションA", "kind": "visiting_nurse", "beds": 0]),
        ]
        let style = LayerStyle(name: "patients", renderer: .graduated(field: "patients", classes: [
            .init(lower: 10, upper: 20, color: StyleColor(hex: "#fee5d9")!, label: "10–20"),
            .init(lower: 20, upper: 50, color: StyleColor(hex: "#a50f15")!, label: "20–50"),
        ], missing: .init(color: StyleColor(hex: "#dddddd")!, label: "<10", hatched: true)))
        let kinds = LayerStyle(name: "kind", renderer: .categorized(field: "kind", categories: [
            .init(value: "hospital", color: StyleColor(red: 200, green: 0, blue: 0), label: "病院"),
            .init(value: "visiting_nurse", color: StyleColor(red: 0, green: 100, blue: 200), label: "訪問看護"),
        ]))
        return [GeoPackageLayer(name: "wards", crs: .wgs84, features: wards, style: style, description: "hand-made wards"),
                GeoPackageLayer(name: "institutions", crs: .wgs84, features: sites, style: kinds)]
    }

    func testRoundTripOfHandFeatures() throws {
        let url = folder.appendingPathComponent("hand.gpkg")
        let layers = try handLayers()
        try GeoPackage.write(layers: layers, to: url, timestamp: "2026-04-01")
        let reader = try GeoPackageReader(url: url)
        XCTAssertEqual(try reader.integrityProblems(), [])
        let infos = try reader.layers()
        XCTAssertEqual(infos.map(\.name), ["institutions", "wards"])
        let wards = try XCTUnwrap(infos.first { $0.name == "wards" })
        XCTAssertEqual(wards.featureCount, 3)
        XCTAssertEqual(wards.crsName, "EPSG:4326")
        XCTAssertEqual(wards.geometryTypeName, "MULTIPOLYGON")  // Polygon + MultiPolygon → multi
        XCTAssertEqual(wards.extent, Envelope(minX: 139.70, minY: 35.68, maxX: 139.745, maxY: 35.69))
        XCTAssertEqual(infos.first { $0.name == "institutions" }?.geometryTypeName, "POINT")

        let back = try reader.features(of: "wards")
        XCTAssertEqual(back.count, 3)
        // The single polygon comes back as a one-part multipolygon; the others unchanged.
        XCTAssertEqual(back[0].geometry, .multiPolygon(MultiPolygon([try square(139.70, 35.68, 0.01)])))
        XCTAssertEqual(back[1].geometry, layers[0].features[1].geometry)
        XCTAssertNil(back[2].geometry)
        // Typed columns come back with their JSON types; the mixed column as TEXT (JSON for non-strings).
        XCTAssertEqual(back[0].properties["patients"], 12)
        XCTAssertEqual(back[1].properties["patients"], .null)
        XCTAssertEqual(back[2].properties["penetration"], 2)
        XCTAssertEqual(back[0].properties["in_stage"], true)
        XCTAssertEqual(back[1].properties["area_name"], "中央区")
        XCTAssertEqual(back.map { $0.properties["mixed"] }, ["1", "x", "[1,2]"])
        XCTAssertEqual(back[0].properties.keys, ["area_code", "area_name", "patients", "penetration", "in_stage", "label", "mixed"])
        let sites = try reader.features(of: "institutions")
        XCTAssertEqual(sites.map(\.geometry), layers[1].features.map(\.geometry))
        XCTAssertEqual(sites.map(\.properties), layers[1].features.map(\.properties))
    }

    func testDeclaredColumnTypes() throws {
        let url = folder.appendingPathComponent("types.gpkg")
        try GeoPackage.write(layers: try handLayers(), to: url, timestamp: "2026-04-01T09:30:00Z")
        let db = try SQLiteDatabase(path: url.path, readOnly: true)
        let types = try db.query("PRAGMA table_info(wards)").map { "\($0[1].text!) \($0[2].text!)" }
        XCTAssertEqual(types, ["fid INTEGER", "geom MULTIPOLYGON", "area_code TEXT", "area_name TEXT", "patients INTEGER",
                               "penetration REAL", "in_stage BOOLEAN", "label TEXT", "mixed TEXT"])
        XCTAssertEqual(try db.query("PRAGMA application_id").first?.first, .integer(0x4750_4B47))
        XCTAssertEqual(try db.query("PRAGMA user_version").first?.first, .integer(10300))
        let srs = try db.query("SELECT srs_id, organization FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        XCTAssertEqual(srs, [[.integer(-1), .text("NONE")], [.integer(0), .text("NONE")], [.integer(4326), .text("EPSG")]])
        let changes = try db.query("SELECT DISTINCT last_change FROM gpkg_contents")
        XCTAssertEqual(changes, [[.text("2026-04-01T09:30:00.000Z")]])
    }

    func testRTreeIndexHoldsEveryNonEmptyEnvelope() throws {
        let url = folder.appendingPathComponent("rtree.gpkg")
        let layers = try handLayers()
        try GeoPackage.write(layers: layers, to: url, timestamp: "2026-04-01")
        let db = try SQLiteDatabase(path: url.path, readOnly: true)
        let extensions = try db.query("SELECT table_name, column_name, extension_name, scope FROM gpkg_extensions ORDER BY table_name")
        XCTAssertEqual(extensions, [[.text("institutions"), .text("geom"), .text("gpkg_rtree_index"), .text("write-only")],
                                    [.text("wards"), .text("geom"), .text("gpkg_rtree_index"), .text("write-only")]])
        let rows = try db.query("SELECT id, minx, maxx, miny, maxy FROM rtree_wards_geom ORDER BY id")
        XCTAssertEqual(rows.map { $0[0] }, [.integer(1), .integer(2)])  // the third ward has no geometry
        for row in rows {
            let envelope = try XCTUnwrap(layers[0].features[Int(row[0].integer!) - 1].geometry?.boundingBox)
            // SQLite's R*Tree stores 32-bit floats rounded outwards: the box contains the envelope,
            // within two float ulps (2 × 2^-16 ≈ 3e-5° at 139°).
            let (minX, maxX, minY, maxY) = (row[1].real!, row[2].real!, row[3].real!, row[4].real!)
            XCTAssertTrue(minX <= envelope.minX && maxX >= envelope.maxX && minY <= envelope.minY && maxY >= envelope.maxY)
            XCTAssertEqual(minX, envelope.minX, accuracy: 3e-5)
            XCTAssertEqual(maxY, envelope.maxY, accuracy: 3e-5)
        }
        let triggers = try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'wards' ORDER BY name")
        XCTAssertEqual(triggers.compactMap { $0[0].text }, ["delete", "insert", "update1", "update2", "update3", "update4"].map { "rtree_wards_geom_" + $0 })
    }

    func testStylesAreStoredAsDefaultQMLAndSLD() throws {
        let url = folder.appendingPathComponent("styles.gpkg")
        try GeoPackage.write(layers: try handLayers(), to: url, timestamp: "2026-04-01")
        let styles = try GeoPackageReader(url: url).styles()
        XCTAssertEqual(styles.map(\.table), ["institutions", "wards"])
        XCTAssertTrue(styles.allSatisfy(\.useAsDefault))
        let wards = styles[1]
        // With a class for null (suppressed) counts the graduated style is written as rules.
        XCTAssertTrue(wards.qml.contains("type=\"RuleRenderer\""))
        XCTAssertTrue(wards.qml.contains("label=\"10–20\" filter=\"&quot;patients&quot; &gt;= 10 AND &quot;patients&quot; &lt;= 20\""))
        XCTAssertTrue(wards.qml.contains("label=\"20–50\" filter=\"&quot;patients&quot; &gt; 20 AND &quot;patients&quot; &lt;= 50\""))
        XCTAssertTrue(wards.qml.contains("symbol=\"2\" label=\"&lt;10\" filter=\"&quot;patients&quot; IS NULL\""))
        XCTAssertTrue(wards.qml.contains("value=\"b_diagonal\""))
        XCTAssertTrue(wards.sld.contains("<ogc:PropertyIsNull><ogc:PropertyName>patients</ogc:PropertyName></ogc:PropertyIsNull>"))
        XCTAssertTrue(wards.qml.contains("value=\"165,15,21,255\""))  // #a50f15
        XCTAssertTrue(wards.qml.contains("class=\"SimpleFill\""))
        XCTAssertTrue(wards.sld.contains("<se:SvgParameter name=\"fill\">#a50f15</se:SvgParameter>"))
        let sites = styles[0]
        XCTAssertTrue(sites.qml.contains("<category value=\"visiting_nurse\" symbol=\"1\" label=\"訪問看護\""))
        XCTAssertTrue(sites.qml.contains("class=\"SimpleMarker\""))
        // Without it: QGIS's graduated renderer with one range per class.
        let plain = StyleDocuments.qml(LayerStyle(name: "p", renderer: .graduated(field: "patients", classes: [
            .init(lower: 10, upper: 20, color: StyleColor(red: 1, green: 2, blue: 3), label: "10–20")])), kind: .fill)
        XCTAssertTrue(plain.contains("type=\"graduatedSymbol\" attr=\"patients\""))
        XCTAssertTrue(plain.contains("<range lower=\"10\" upper=\"20\" symbol=\"0\" label=\"10–20\""))
        XCTAssertTrue(plain.contains("value=\"1,2,3,255\""))
        XCTAssertTrue(XMLWellFormed.check(plain), plain)
        for document in styles.flatMap({ [$0.qml, $0.sld] }) {
            XCTAssertTrue(XMLWellFormed.check(document), document)
        }
    }

    func testRerunsAreByteIdenticalAndTheTimestampIsTheOnlyTime() throws {
        let a = folder.appendingPathComponent("a.gpkg"), b = folder.appendingPathComponent("b.gpkg")
        try GeoPackage.write(layers: try handLayers(), to: a, timestamp: "2026-04-01")
        try GeoPackage.write(layers: try handLayers(), to: b, timestamp: "2026-04-01")
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))
        try GeoPackage.write(layers: try handLayers(), to: b, timestamp: "2026-04-02")
        XCTAssertNotEqual(try Data(contentsOf: a), try Data(contentsOf: b))
        // Overwriting leaves no temporary file behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["a.gpkg", "b.gpkg"])
    }

    func testProjectedLayersAreStoredInWGS84() throws {
        // A 1 km square in JGD2011 zone IX (EPSG:6677) near Tokyo station; PROJ gives the expected corners.
        let metric = try square(-6000, -35000, 1000)
        let transform = try CoordinateTransform(from: .epsg(6677), to: .wgs84)
        let expected = try transform.transform(Geometry.polygon(metric))
        let url = folder.appendingPathComponent("projected.gpkg")
        try GeoPackage.write(layers: [GeoPackageLayer(name: "cells", crs: .epsg(6677), features: [(.polygon(metric), ["id": "c1"])])],
                             to: url, timestamp: "2026-04-01")
        let back = try GeoPackageReader(url: url).features(of: "cells")
        XCTAssertEqual(back.first?.geometry, expected)
        // Sanity of the transform: zone IX's origin is 139°50′E 36°N, so the square lies west and south of it.
        let corner = try XCTUnwrap(expected.boundingBox)
        let metresPerDegreeLon: Double = 111_320 * cos(35.68 * Double.pi / 180)
        let expectedMinX: Double = 139 + 50.0 / 60 - 6000 / metresPerDegreeLon
        XCTAssertEqual(corner.minX, expectedMinX, accuracy: 0.002)
        let expectedMinY: Double = 36 - 35000.0 / 110_950
        XCTAssertEqual(corner.minY, expectedMinY, accuracy: 0.002)
    }

    func testInvalidInputIsNamed() throws {
        let url = folder.appendingPathComponent("bad.gpkg")
        func message(_ layers: [GeoPackageLayer], timestamp: String = "2026-04-01") -> String {
            do {
                try GeoPackage.write(layers: layers, to: url, timestamp: timestamp)
                return "no error"
            } catch { return "\(error)" }
        }
        let p: Geometry = .point(try Point(x: 1, y: 2))
        XCTAssertTrue(message([GeoPackageLayer(name: "区", crs: .wgs84, features: [])]).contains("not a valid GeoPackage table name"))
        XCTAssertTrue(message([GeoPackageLayer(name: "gpkg_x", crs: .wgs84, features: [])]).contains("not a valid"))
        XCTAssertTrue(message([GeoPackageLayer(name: "a", crs: .wgs84, features: []), GeoPackageLayer(name: "A", crs: .wgs84, features: [])])
            .contains("used twice"))
        XCTAssertTrue(message([GeoPackageLayer(name: "a", crs: .wgs84, features: [(p, ["FID": 1])])]).contains("clashes"))
        XCTAssertTrue(message([GeoPackageLayer(name: "a", crs: .wgs84, features: [(p, ["n": 1, "N": 2])])]).contains("differ only in case"))
        let onText = LayerStyle(name: "s", renderer: .graduated(field: "kind", classes: []))
        XCTAssertTrue(message([GeoPackageLayer(name: "a", crs: .wgs84, features: [(p, ["kind": "x"])], style: onText)])
            .contains("graduated on \"kind\", a TEXT column"))
        let missing = LayerStyle(name: "s", renderer: .categorized(field: "role", categories: []))
        XCTAssertTrue(message([GeoPackageLayer(name: "a", crs: .wgs84, features: [(p, ["kind": "x"])], style: missing)])
            .contains("\"role\", which is not a property"))
        XCTAssertTrue(message([], timestamp: "yesterday").contains("timestamp \"yesterday\""))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testReaderRejectsAFileThatIsNotAGeoPackage() throws {
        let url = folder.appendingPathComponent("plain.sqlite")
        let db = try SQLiteDatabase(path: url.path)
        try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        XCTAssertThrowsError(try GeoPackageReader(url: url)) { error in
            XCTAssertTrue("\(error)".contains("not a GeoPackage"), "\(error)")
        }
    }
}

/// Well-formedness of an XML document by Foundation's parser.
enum XMLWellFormed {
    static func check(_ text: String) -> Bool {
        #if canImport(FoundationXML)
            return FoundationXMLCheck.parse(text)
        #else
            return XMLParser(data: Data(text.utf8)).parse()
        #endif
    }
}
