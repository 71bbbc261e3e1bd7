import CareGeometry
import Foundation
import Testing
import TestSupport

@testable import CareFormats

/// Round trips of the real boundary files in `../shared/geodata` (read from there, never copied).
/// Each test prints `SharedData.skipMessage` and returns when the folder is absent.
@Suite("GeoJSON: real files")
struct GeoJSONRealDataTests {
    /// File → feature count, from `geodata/README.md`.
    static let files: [(String, Int)] = [
        ("boundaries/N03-21_11_210101_saitama_municipalities_s0010.geojson", 72),
        ("boundaries/N03-21_12_210101_chiba_municipalities_s0010.geojson", 60),
        ("boundaries/N03-21_13_210101_tokyo_municipalities_s0010.geojson", 63),
        ("boundaries/N03-21_14_210101_kanagawa_municipalities_s0010.geojson", 58),
        ("small_areas/estat_census2020_small_areas_13101-13106.geojson", 687),
    ]

    @Test func everyBoundaryFileIsCovered() throws {
        guard let root = SharedData.root else {
            print(SharedData.skipMessage)
            return
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("boundaries").path)
            .filter { $0.hasSuffix(".geojson") }.map { "boundaries/" + $0 }
        #expect(Set(names).isSubset(of: Set(GeoJSONRealDataTests.files.map(\.0))))
        #expect(names.count == 4)
    }

    @Test(arguments: files)
    func roundTrip(path: String, featureCount: Int) throws {
        guard let url = SharedData.file(path) else {
            print(SharedData.skipMessage)
            return
        }
        let layer = try GeoJSON.read(contentsOf: url)
        #expect(layer.features.count == featureCount)
        #expect(layer.crs == (path.hasPrefix("small_areas") ? .jgd2011 : .wgs84))

        let encoded = try GeoJSON.encode(layer)
        #expect(try GeoJSON.encode(layer) == encoded)
        let reread = try GeoJSON.read(data: encoded, name: layer.name)
        #expect(reread.crs == .wgs84)
        #expect(reread.features.count == featureCount)
        // The written file is a fixed point of read → write.
        #expect(try GeoJSON.encode(reread) == encoded)

        // Rounding to 7 decimals moves a coordinate by at most half a unit in the 7th place, plus
        // the representation error of the doubles involved.
        let tolerance = 0.5e-7 + 1e-12
        var worst = 0.0
        for (before, after) in zip(layer.features, reread.features) {
            #expect(after.id == before.id)
            #expect(after.properties == before.properties)
            let g0 = try #require(before.geometry)
            let g1 = try #require(after.geometry)
            #expect(g1.typeName == g0.typeName)
            // Orientation may be reversed on write; compare each ring as a set of positions in order
            // after aligning its direction.
            let rings0 = g0.polygons.flatMap(\.rings)
            let rings1 = g1.polygons.flatMap(\.rings)
            #expect(rings0.count == rings1.count)
            for (r0, r1) in zip(rings0, rings1) {
                let forward = r1.coordinates
                let aligned = r0.isCounterClockwise == r1.isCounterClockwise ? forward : Array(forward.reversed())
                #expect(aligned.count == r0.coordinates.count)
                for (p, q) in zip(r0.coordinates, aligned) {
                    worst = max(worst, abs(p.x - q.x), abs(p.y - q.y))
                }
            }
        }
        #expect(worst <= tolerance, "largest coordinate change \(worst)")
        #expect(worst > 0)  // the files have 14+ decimals, so rounding must show
    }

    @Test func smallAreaFileDetails() throws {
        guard let url = SharedData.file("small_areas/estat_census2020_small_areas_13101-13106.geojson") else {
            print(SharedData.skipMessage)
            return
        }
        let layer = try GeoJSON.read(contentsOf: url)
        #expect(layer.crs.identifier == "EPSG:6668")
        let first = try #require(layer.features.first)
        #expect(first.properties["KEY_CODE"] == "13101001001")
        #expect(first.properties["S_NAME"] == "丸の内一丁目")
        #expect(first.properties["JINKO"] == 10)
        #expect(first.properties["AREA"] == 379196.0)
        #expect(first.properties.keys.first == "KEY_CODE")
        #expect(layer.features.allSatisfy { $0.geometry?.typeName == "Polygon" })
        // Ward population sums from geodata/README.md.
        var sums: [String: Double] = [:]
        for f in layer.features {
            sums[f.properties["CITY_NAME"]?.stringValue ?? "?", default: 0] += f.properties["JINKO"]?.numberValue ?? 0
        }
        #expect(sums == ["千代田区": 66680, "中央区": 169179, "港区": 260486, "新宿区": 349385, "文京区": 240069, "台東区": 211444])
    }

    @Test func tokyoFileDetails() throws {
        guard let url = SharedData.file("boundaries/N03-21_13_210101_tokyo_municipalities_s0010.geojson") else {
            print(SharedData.skipMessage)
            return
        }
        let layer = try GeoJSON.read(contentsOf: url)
        let counts = Dictionary(grouping: layer.features, by: { $0.geometry?.typeName ?? "null" }).mapValues(\.count)
        #expect(counts == ["Polygon": 53, "MultiPolygon": 10])
        let bunkyo = try #require(layer.features.first { $0.properties["N03_007"] == "13105" })
        #expect(bunkyo.properties["N03_004"] == "文京区")
        #expect(bunkyo.properties["N03_002"] == .null)
        let unassigned = layer.features.filter { $0.properties["N03_007"] == .null }
        #expect(unassigned.count == 1)
        #expect(unassigned.first?.properties["N03_004"] == "所属未定地")
    }

    /// Rough timing of the 2 MB small-area file (release builds read it in a few tens of ms; debug
    /// builds are slower, hence the generous bound).
    @Test func readingTheLargestFileIsFast() throws {
        guard let url = SharedData.file("small_areas/estat_census2020_small_areas_13101-13106.geojson") else {
            print(SharedData.skipMessage)
            return
        }
        let data = try Data(contentsOf: url)
        let clock = ContinuousClock()
        var layer: FeatureLayer? = nil
        let read = try clock.measure { layer = try GeoJSON.read(data: data, name: "small_areas") }
        var encoded = Data()
        let write = try clock.measure { encoded = try GeoJSON.encode(layer!) }
        print("small areas (\(data.count) bytes): read \(read), encode \(write) (\(encoded.count) bytes)")
        #expect(read < .seconds(5))
    }
}
