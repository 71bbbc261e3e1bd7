import CareAtlas
import Foundation
import Testing
import TestSupport

/// The demo study with its wards as a GeoPackage (two layers, one named with `layer:`) and its ward
/// population as an .xlsx workbook: the same model as from GeoJSON and CSV.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ogr2ogr"), "ogr2ogr (gdal-bin) is absent"))
struct GDALStudyTests {
    static func run(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
        p.arguments = arguments
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(arguments)")
    }

    @Test func geoPackageAndWorkbookGiveTheDemoModel() throws {
        let demo = repositoryRoot.appendingPathComponent("geodata/demo")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gdal-study-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: demo, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gpkg = folder.appendingPathComponent("wards.gpkg").path
        try Self.run(["-f", "GPKG", "-nln", "wards", gpkg, folder.appendingPathComponent("wards.geojson").path])
        try Self.run(["-f", "GPKG", "-update", "-nln", "small", gpkg, folder.appendingPathComponent("small_areas.geojson").path])
        try Self.run(["-f", "XLSX", folder.appendingPathComponent("population_wards.xlsx").path,
                      folder.appendingPathComponent("population_wards.csv").path, "-oo", "AUTODETECT_TYPE=NO"])
        var yaml = try String(contentsOf: folder.appendingPathComponent("study.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "    file: wards.geojson\n", with: "    file: wards.gpkg\n    layer: wards\n")
            .replacingOccurrences(of: "  - file: population_wards.csv\n", with: "  - file: population_wards.xlsx\n    sheet: population_wards\n    header_row: 1\n")
        let study = folder.appendingPathComponent("study_gdal.yaml")
        try yaml.write(to: study, atomically: true, encoding: .utf8)
        let m = try StudyLoader.load(study)
        let reference = try StudyLoader.load(demo.appendingPathComponent("study.yaml"))
        let wards = try #require(m.areas[.municipality]), referenceWards = try #require(reference.areas[.municipality])
        #expect(wards.map(\.id) == referenceWards.map(\.id))
        #expect(wards.map(\.name) == referenceWards.map(\.name))
        for (a, b) in zip(wards, referenceWards) {
            #expect(abs(a.areaKm2 - b.areaKm2) < 1e-6, "\(a.id)")
            #expect(a.population == b.population, "\(a.id)")
        }
        #expect(m.totalPatients == reference.totalPatients)
        #expect(!m.diagnostics.contains { $0.severity == .error })
    }

    /// The report's own GeoPackage (reports/demo/careatlas.gpkg, kept current by ReportCommandTests)
    /// reads back as an area layer: the demo's nine wards, 4 km² each, with their Japanese names.
    @Test func reportGeoPackageReadsBackAsAreas() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpkg-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gpkg = repositoryRoot.appendingPathComponent("reports/demo/careatlas.gpkg").path
        let study = folder.appendingPathComponent("study.yaml")
        try """
            study: {name: careatlas.gpkg read back, period: test, report_date: "2026-04-01"}
            areas:
              - name: wards
                file: \(gpkg)
                layer: areas
                level: municipality
                id: area_code
                label: area_name
            """.write(to: study, atomically: true, encoding: .utf8)
        let m = try StudyLoader.load(study)
        let reference = try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml"))
        let wards = try #require(m.areas[.municipality])
        #expect(wards.map(\.id) == reference.areas[.municipality]!.map(\.id))
        #expect(wards.map(\.name) == reference.areas[.municipality]!.map(\.name))
        for a in wards { #expect(abs(a.areaKm2 - 4) < 1e-6, "\(a.id)") }
        #expect(m.crs == .epsg(6677))
    }

    /// A GeoPackage with several layers and no `layer:` is an error naming the layers.
    @Test func severalLayersNeedALayerKey() throws {
        let demo = repositoryRoot.appendingPathComponent("geodata/demo")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gdal-study-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: demo, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gpkg = folder.appendingPathComponent("wards.gpkg").path
        try Self.run(["-f", "GPKG", "-nln", "wards", gpkg, folder.appendingPathComponent("wards.geojson").path])
        try Self.run(["-f", "GPKG", "-update", "-nln", "small", gpkg, folder.appendingPathComponent("small_areas.geojson").path])
        var yaml = try String(contentsOf: folder.appendingPathComponent("study.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "    file: wards.geojson\n", with: "    file: wards.gpkg\n")
        let study = folder.appendingPathComponent("study_gdal.yaml")
        try yaml.write(to: study, atomically: true, encoding: .utf8)
        let error = try #require(throws: StudyLoadError.self) { try StudyLoader.load(study) }
        #expect(error.diagnostics.contains {
            $0.severity == .error && "\($0)".contains("wards.gpkg") && $0.message.contains("holds 2 layers and the study names none")
        }, "\(error.diagnostics)")
    }
}
