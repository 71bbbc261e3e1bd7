import CareFormats
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Areas of Tokyo's 23 wards from the N03 boundaries (simplified to 1 %) against the published
/// areas, and planar (zone IX) against geodesic (GRS80) areas of the same polygons.
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct WardAreaTests {
    struct Ward { let code: String; let name: String; let planarKm2: Double; let geodesicKm2: Double; let publishedKm2: Double }

    static func wards() throws -> [Ward] {
        let root = try #require(SharedData.root)
        let layer = try GeoJSON.read(contentsOf: root.appendingPathComponent("boundaries/N03-21_13_210101_tokyo_municipalities_s0010.geojson"))
        let table = try CSVTable(contentsOf: root.appendingPathComponent("population/tokyo_municipal_population_65plus_2019-2023_with_codes.csv"))
        let year = try table.column("edition_year"), code = try table.column("N03_007"), km2 = try table.column("area_km2")
        var published: [String: Double] = [:]
        for row in table where row[year] == "2023" { published[row[code]] = Double(row[km2]) }
        let toZoneIX = try CoordinateTransform(from: .jgd2011, to: .epsg(6677))
        return try layer.features.compactMap { f -> Ward? in
            guard case .string(let c)? = f.properties["N03_007"], c.hasPrefix("131"), let g = f.geometry,
                case .string(let name)? = f.properties["N03_004"]
            else { return nil }
            return Ward(code: c, name: name, planarKm2: try toZoneIX.transform(g).area() / 1e6,
                        geodesicKm2: try Geodesic.area(of: g) / 1e6, publishedKm2: try #require(published[c]))
        }.sorted { $0.code < $1.code }
    }

    @Test func bunkyoMatchesPublishedArea() throws {
        let bunkyo = try #require(try Self.wards().first { $0.code == "13105" })
        #expect(bunkyo.name == "文京区")
        #expect(relativeDifference(bunkyo.planarKm2, 11.29) < 0.03, "文京区 \(bunkyo.planarKm2) km²")
        #expect(relativeDifference(bunkyo.planarKm2, bunkyo.geodesicKm2) < 0.001)
    }

    /// Planar and geodesic areas agree to 0.1 % for every ward (zone IX's scale error is below
    /// 1e-4 there). Against the published areas the 1 % simplification limits agreement: measured
    /// here, the worst ward is 江戸川区 at 2.42 % (its coastline and river mouths lose most to the
    /// simplification), 文京区 is 0.48 %; the tolerance held for every ward is 3 %.
    @Test func allWardsAgainstPublishedAndGeodesicAreas() throws {
        let wards = try Self.wards()
        #expect(wards.count == 23)
        var worst = (0.0, "")
        for w in wards {
            let published = relativeDifference(w.planarKm2, w.publishedKm2)
            if published > worst.0 { worst = (published, "\(w.code) \(w.name)") }
            print(String(format: "%@ %@ planar %.3f geodesic %.3f published %.2f km² (%.2f %%)", w.code, w.name,
                         w.planarKm2, w.geodesicKm2, w.publishedKm2, 100 * published))
            #expect(relativeDifference(w.planarKm2, w.geodesicKm2) < 0.001, "\(w.code) \(w.name)")
            #expect(published < 0.03, "\(w.code) \(w.name): \(w.planarKm2) vs \(w.publishedKm2)")
        }
        print(String(format: "worst ward against the published area: %@, %.2f %%", worst.1, 100 * worst.0))
    }
}
