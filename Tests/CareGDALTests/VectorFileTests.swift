import CareFormats
import CareGDAL
import CareGeoPackage
import CareGeometry
import Foundation
import TestSupport
import XCTest

final class VectorFileTests: XCTestCase {
    /// e-Stat's 2020 small-area Shapefiles of wards 13101–13106, read as downloaded (CP932 DBF
    /// without .cpg, EPSG:6668), against the GeoJSON made from the same data.
    func testEStatShapefilesMatchTheGeoJSON() throws {
        guard let folder = SharedData.file("small_areas/estat_r2ka_shapefiles"),
            let geojson = SharedData.file("small_areas/estat_census2020_small_areas_13101-13106.geojson")
        else { throw XCTSkip(SharedData.skipMessage) }
        var features: [Feature] = []
        for ward in 13101...13106 {
            let layer = try VectorFile.read(contentsOf: folder.appendingPathComponent("r2ka\(ward).shp"))
            XCTAssertEqual(layer.name, "r2ka\(ward)")
            XCTAssertEqual(layer.crs, .wgs84)
            features += layer.features
        }
        let reference = try GeoJSON.read(contentsOf: geojson)
        XCTAssertEqual(features.count, 687)
        XCTAssertEqual(reference.features.count, 687)
        func codes(_ fs: [Feature]) -> Set<String> { Set(fs.compactMap { $0.properties["KEY_CODE"]?.stringValue }) }
        XCTAssertEqual(codes(features).count, 661)
        XCTAssertEqual(codes(features), codes(reference.features))
        func total(_ fs: [Feature], _ key: String) -> Double { fs.reduce(0) { $0 + ($1.properties[key]?.numberValue ?? 0) } }
        XCTAssertEqual(total(features, "JINKO"), total(reference.features, "JINKO"))
        XCTAssertEqual(total(features, "SETAI"), total(reference.features, "SETAI"))
        XCTAssertGreaterThan(total(features, "JINKO"), 700_000)
        // CP932 names decoded: the same Japanese text as the GeoJSON, feature by feature.
        let names = features.map { "\($0.properties["KEY_CODE"]!.stringValue!) \($0.properties["S_NAME"]!.stringValue!)" }.sorted()
        let expected = reference.features.map { "\($0.properties["KEY_CODE"]!.stringValue!) \($0.properties["S_NAME"]!.stringValue!)" }.sorted()
        XCTAssertEqual(names, expected)
        XCTAssertTrue(names.contains("13101001001 丸の内一丁目"))
        // Geometry: the same lon/lat area (square degrees) to 1e-9 relative.
        func area(_ fs: [Feature]) throws -> Double { try fs.reduce(0) { try $0 + ($1.geometry?.area() ?? 0) } }
        XCTAssertEqual(try area(features), try area(reference.features), accuracy: try area(reference.features) * 1e-9)
    }

    /// With the encoding named (as a study's `encoding: cp932` does), GDAL recodes the DBF itself.
    func testNamedEncodingGivesTheSameText() throws {
        guard let shp = SharedData.file("small_areas/estat_r2ka_shapefiles/r2ka13105.shp") else { throw XCTSkip(SharedData.skipMessage) }
        let detected = try VectorFile.read(contentsOf: shp)
        let named = try VectorFile.read(contentsOf: shp, encoding: "cp932")
        XCTAssertEqual(detected.features.map { $0.properties["S_NAME"] }, named.features.map { $0.properties["S_NAME"] })
        XCTAssertEqual(named.features.first?.properties["CITY_NAME"]?.stringValue, "文京区")
    }

    /// A DBF without geometry (the 2015 census attribute tables) reads as features without geometry.
    func testAttributeOnlyDBF() throws {
        guard let dbf = SharedData.file("small_areas/census2015_attributes/13-tokyo-all.dbf") else { throw XCTSkip(SharedData.skipMessage) }
        let layer = try VectorFile.read(contentsOf: dbf)
        XCTAssertEqual(layer.features.count, 6010)
        XCTAssertEqual(layer.nullGeometryCount, 6010)
        let jinko = layer.features.reduce(0.0) { $0 + ($1.properties["JINKO"]?.numberValue ?? 0) }
        XCTAssertEqual(jinko, 13_515_271)  // Tokyo, 2015 census
        XCTAssertTrue(layer.features.contains { $0.properties["GST_NAME"]?.stringValue == "文京区" })
    }

    /// A GeoPackage in a plane rectangular CRS (EPSG:6677) reads back in lon/lat, equal to PROJ's
    /// own transform of the same coordinates.
    func testGeoPackageInPlaneCoordinatesReadsBackAsLonLat() throws {
        let wards = try GeoJSON.read(contentsOf: repositoryRoot.appendingPathComponent("geodata/demo/wards.geojson"))
        XCTAssertEqual(wards.crs, .epsg(6677))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("wards.gpkg")
        let layers = [
            GeoPackageLayer(name: "areas", crs: .epsg(6677), features: wards.features.map { ($0.geometry, $0.properties) }),
            GeoPackageLayer(name: "other", crs: .epsg(6677), features: []),
        ]
        try GeoPackage.write(layers: layers, to: url, timestamp: "2026-04-01T00:00:00Z")
        XCTAssertEqual(try VectorFile.layerNames(contentsOf: url), ["areas", "other"])
        // Two layers and none named: an error that lists them.
        XCTAssertThrowsError(try VectorFile.read(contentsOf: url)) { error in
            XCTAssertEqual("\(error)", "wards.gpkg: holds 2 layers and the study names none; add `layer:` with one of: areas, other")
        }
        XCTAssertThrowsError(try VectorFile.read(contentsOf: url, layer: "nope")) { error in
            XCTAssertEqual("\(error)", "wards.gpkg: has no layer \"nope\"; layers are: areas, other")
        }
        let back = try VectorFile.read(contentsOf: url, layer: "areas")
        XCTAssertEqual(back.features.count, wards.features.count)
        let transform = try CoordinateTransform(from: .epsg(6677), to: .wgs84)
        for (a, b) in zip(wards.features, back.features) {
            XCTAssertEqual(a.properties["code"], b.properties["code"])
            XCTAssertEqual(a.properties["name"], b.properties["name"])
            guard let ga = a.geometry, let gb = b.geometry else {
                XCTAssertEqual(a.geometry == nil, b.geometry == nil)
                continue
            }
            let expected = try transform.transform(ga).polygons.flatMap { $0.exterior.coordinates }
            let found = gb.polygons.flatMap { $0.exterior.coordinates }
            XCTAssertEqual(expected.count, found.count)
            for (p, q) in zip(expected, found) {
                XCTAssertEqual(p.x, q.x, accuracy: 1e-9)
                XCTAssertEqual(p.y, q.y, accuracy: 1e-9)
            }
        }
    }

    /// GML, FlatGeobuf, KML and a zipped Shapefile, written by ogr2ogr from the demo wards, read back
    /// to the same codes, names and lon/lat areas.
    func testOtherFormatsThroughOgr2ogr() throws {
        guard let ogr2ogr = ["/usr/bin/ogr2ogr", "/usr/local/bin/ogr2ogr"].first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("ogr2ogr (gdal-bin, installed by .ci/setup) is absent") }
        let source = repositoryRoot.appendingPathComponent("geodata/demo/wards.geojson")
        let wards = try GeoJSON.read(contentsOf: source)
        let transform = try CoordinateTransform(from: .epsg(6677), to: .wgs84)
        let expectedArea = try wards.features.compactMap(\.geometry).reduce(0) { try $0 + transform.transform($1).area() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func run(_ arguments: [String], in dir: URL = folder) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: arguments[0])
            p.arguments = Array(arguments.dropFirst())
            p.currentDirectoryURL = dir
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "\(arguments)")
        }
        let shpDir = folder.appendingPathComponent("shp")
        try FileManager.default.createDirectory(at: shpDir, withIntermediateDirectories: true)
        try run([ogr2ogr, "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-nlt", "PROMOTE_TO_MULTI", shpDir.appendingPathComponent("wards.shp").path, source.path])
        try run(["/usr/bin/zip", "-q", "-j", folder.appendingPathComponent("wards.zip").path]
                + ["shp", "shx", "dbf", "prj", "cpg"].map { shpDir.appendingPathComponent("wards.\($0)").path })
        for (driver, name, extra) in [("GML", "wards.gml", [String]()), ("FlatGeobuf", "wards.fgb", []), ("KML", "wards.kml", [])] {
            try run([ogr2ogr, "-f", driver, folder.appendingPathComponent(name).path, source.path] + extra)
        }
        for name in ["wards.gml", "wards.fgb", "wards.kml", "wards.zip"] {
            let layer = try VectorFile.read(contentsOf: folder.appendingPathComponent(name))
            let withGeometry = layer.features.filter { $0.geometry != nil }
            XCTAssertEqual(withGeometry.count, wards.features.filter { $0.geometry != nil }.count, name)
            let area = try withGeometry.compactMap(\.geometry).reduce(0) { try $0 + $1.area() }
            XCTAssertEqual(area, expectedArea, accuracy: expectedArea * 1e-6, name)
            let nameField = name == "wards.kml" ? "Name" : "name"
            let names = Set(layer.features.compactMap { $0.properties[nameField]?.stringValue })
            XCTAssertTrue(names.contains("桜区"), "\(name): \(names.sorted())")
        }
    }

    func testMissingAndUnreadableFilesAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try VectorFile.read(contentsOf: folder.appendingPathComponent("absent.shp"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("absent.shp: cannot read the file: no such file; check the path "), "\(error)")
        }
        let junk = folder.appendingPathComponent("junk.gpkg")
        try Data("not a geopackage".utf8).write(to: junk)
        XCTAssertThrowsError(try VectorFile.read(contentsOf: junk)) { error in
            XCTAssertTrue("\(error)".hasPrefix("junk.gpkg: GDAL cannot open it: "), "\(error)")
        }
    }
}
