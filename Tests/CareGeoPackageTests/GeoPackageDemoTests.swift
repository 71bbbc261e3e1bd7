import CareAtlas
import CareFormats
import CareGeometry
import Foundation
import TestSupport
import XCTest

@testable import CareGeoPackage

/// Real layers from the demo study (架空市), read back by our reader and by GDAL's ogrinfo.
final class GeoPackageDemoTests: XCTestCase {
    private static func demoLayers() throws -> (model: StudyModel, layers: [GeoPackageLayer]) {
        let model = try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml"))
        let wards = try XCTUnwrap(model.areas[.municipality])
        let areaFeatures: [(geometry: Geometry?, properties: JSONObject)] = wards.map { a in
            var p: JSONObject = ["area_code": .string(a.id), "area_name": .string(a.name), "area_km2": .number(a.areaKm2)]
            p["aged65"] = a.population["aged65"].map { .number($0) } ?? .null
            return (a.geometry, p)
        }
        let institutionFeatures: [(geometry: Geometry?, properties: JSONObject)] = try model.institutions.map { i in
            (.point(try Point(i.position)), ["institution_id": .string(i.id), "name": .string(i.name), "kind": .string(i.kind)])
        }
        let kinds = Set(model.institutions.map(\.kind)).sorted()
        let style = LayerStyle(name: "institutions by kind", renderer: .categorized(field: "kind", categories: kinds.enumerated().map {
            .init(value: $0.element, color: StyleColor(red: UInt8(40 * $0.offset), green: 80, blue: 160), label: $0.element)
        }))
        return (model, [
            GeoPackageLayer(name: "areas_municipality", crs: model.crs, features: areaFeatures,
                            style: LayerStyle(name: "outline", renderer: .single(fill: nil))),
            GeoPackageLayer(name: "institutions", crs: model.crs, features: institutionFeatures, style: style),
        ])
    }

    private func temporaryFile(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-gpkg-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent(name)
    }

    func testDemoLayersRoundTrip() throws {
        let (model, layers) = try Self.demoLayers()
        let url = try temporaryFile("demo.gpkg")
        try GeoPackage.write(layers: layers, to: url, timestamp: "2026-04-01")
        let reader = try GeoPackageReader(url: url)
        XCTAssertEqual(try reader.integrityProblems(), [])
        let infos = Dictionary(uniqueKeysWithValues: try reader.layers().map { ($0.name, $0) })
        XCTAssertEqual(infos["areas_municipality"]?.featureCount, model.areas[.municipality]?.count)
        XCTAssertEqual(infos["institutions"]?.featureCount, model.institutions.count)
        XCTAssertEqual(infos["institutions"]?.crsName, "EPSG:4326")

        // Institutions: the stored positions equal the study's own longitude/latitude (read from
        // the input, not transformed back) to 1e-7° (1 cm).
        let sites = try reader.features(of: "institutions")
        for (site, institution) in zip(sites, model.institutions) {
            guard case .point(let p)? = site.geometry else { return XCTFail("institution \(institution.id) has no point") }
            XCTAssertEqual(p.coordinate.x, institution.lonLat.x, accuracy: 1e-7, institution.id)
            XCTAssertEqual(p.coordinate.y, institution.lonLat.y, accuracy: 1e-7, institution.id)
            XCTAssertEqual(site.properties["kind"], .string(institution.kind))
        }
        // Areas: same number of positions as the input, every header envelope inside the layer
        // extent, and the area (projected back to the study CRS) equal to the model's.
        let areas = try reader.features(of: "areas_municipality")
        let back = try CoordinateTransform(from: .wgs84, to: model.crs)
        let extent = try XCTUnwrap(infos["areas_municipality"]?.extent)
        for (area, original) in zip(areas, try XCTUnwrap(model.areas[.municipality])) {
            let g = try XCTUnwrap(area.geometry)
            XCTAssertEqual(g.allCoordinates.count, original.geometry.allCoordinates.count, original.id)
            let km2 = try back.transform(g).area() / 1e6
            let expectedKm2 = try original.geometry.area() / 1e6
            XCTAssertLessThan(relativeDifference(km2, expectedKm2), 1e-9, original.id)
            XCTAssertEqual(area.properties["area_name"], .string(original.name))
        }
        for header in try reader.geometryHeaders(of: "areas_municipality") {
            let e = try XCTUnwrap(header.envelope)
            XCTAssertTrue(extent.contains(Coordinate(x: e.minX, y: e.minY)) && extent.contains(Coordinate(x: e.maxX, y: e.maxY)))
            XCTAssertEqual(header.srsID, 4326)
        }
    }

    /// GDAL's own reading: `ogrinfo -so -al` lists every layer with its feature count and CRS.
    func testOgrinfoListsEveryLayerWithCountAndCRS() throws {
        guard let ogrinfo = ["/usr/bin/ogrinfo", "/usr/local/bin/ogrinfo"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("ogrinfo (Debian gdal-bin) is not installed; `bash .ci/setup` installs it. Skipping the GDAL check of the GeoPackage")
        }
        let (model, layers) = try Self.demoLayers()
        let url = try temporaryFile("demo.gpkg")
        try GeoPackage.write(layers: layers, to: url, timestamp: "2026-04-01")
        let (status, stdout, stderr) = try runProgram(ogrinfo, ["-so", "-al", url.path])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertEqual(stderr, "", "ogrinfo warned: \(stderr)")
        let summary = OgrinfoSummary(stdout)
        let expected = ["areas_municipality": model.areas[.municipality]!.count, "institutions": model.institutions.count]
        for (name, count) in expected {
            let layer = try XCTUnwrap(summary.layers[name], "ogrinfo does not list \(name):\n\(stdout)")
            XCTAssertEqual(layer.featureCount, count, name)
            XCTAssertTrue(layer.crsIsEPSG4326, "\(name) CRS in ogrinfo: \(layer.crsText)")
        }
        // GDAL's geometry type names for what the GeoPackage declares.
        let declared = Dictionary(uniqueKeysWithValues: try GeoPackageReader(url: url).layers().map { ($0.name, $0.geometryTypeName) })
        let gdalName = ["POINT": "Point", "POLYGON": "Polygon", "MULTIPOLYGON": "Multi Polygon"]
        XCTAssertEqual(summary.layers["areas_municipality"]?.geometry, declared["areas_municipality"].flatMap { gdalName[$0] })
        XCTAssertEqual(summary.layers["institutions"]?.geometry, "Point")

        // GDAL sees the R-tree index, and its triggers keep it current when GDAL edits the layer.
        let index = try runProgram(ogrinfo, ["-ro", "-sql", "SELECT HasSpatialIndex('institutions', 'geom')", url.path])
        XCTAssertTrue(index.stdout.contains("(Integer) = 1"), index.stdout + index.stderr)
        let delete = try runProgram(ogrinfo, ["-sql", "DELETE FROM institutions WHERE fid = 1", url.path])
        XCTAssertEqual(delete.status, 0, delete.stderr)
        let db = try SQLiteDatabase(path: url.path, readOnly: true)
        XCTAssertEqual(try db.query("SELECT count(*) FROM rtree_institutions_geom").first?.first, .integer(Int64(model.institutions.count - 1)))
        XCTAssertEqual(try db.query("SELECT count(*) FROM rtree_institutions_geom WHERE id = 1").first?.first, .integer(0))
    }
}

/// The per-layer facts of `ogrinfo -so -al` output (GDAL 3.x text format).
struct OgrinfoSummary {
    struct Layer {
        var geometry = ""
        var featureCount = -1
        var crsText = ""
        var crsIsEPSG4326: Bool { crsText.contains("ID[\"EPSG\",4326]") || crsText.contains("AUTHORITY[\"EPSG\",\"4326\"]") }
    }

    var layers: [String: Layer] = [:]

    init(_ text: String) {
        var current: String?
        var inCRS = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("Layer name: ") {
                current = String(line.dropFirst("Layer name: ".count))
                layers[current!] = Layer()
                inCRS = false
                continue
            }
            guard let name = current else { continue }
            if line.hasPrefix("Geometry: ") {
                layers[name]!.geometry = String(line.dropFirst("Geometry: ".count))
            } else if line.hasPrefix("Feature Count: ") {
                layers[name]!.featureCount = Int(line.dropFirst("Feature Count: ".count)) ?? -1
            } else if line.hasPrefix("Layer SRS WKT:") {
                inCRS = true
            } else if inCRS {
                if line.hasPrefix("Data axis") || line.contains(": ") && !line.hasPrefix(" ") { inCRS = false } else { layers[name]!.crsText += line }
            }
        }
    }
}
