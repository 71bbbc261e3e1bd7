import CareAtlas
import CareFormats
import CareGeometry
import Foundation

/// Tables and layers of travel-time studies: `drive_time_areas.csv` / `.geojson` (population
/// covered per institution or stage and time limit) and `travel_costs.csv` (what the cost
/// provider could and could not route). Population only: no patient count is derived here.
public enum DriveTimeExport {
    /// The population measures covered, sorted.
    static func measures(_ d: DriveTimeAreas) -> [String] { Set(d.zones.flatMap(\.covered.keys)).sorted() }

    /// One row per drive-time area: institution or stage, time limit, road length, area and the
    /// population it covers (areal weighting).
    public static func areasTable(_ d: DriveTimeAreas) -> Table {
        let measures = measures(d)
        var t = Table(title: "Population within drive time (road network, buffer \(Format.count(d.bufferMetres)) m)",
                      header: ["institution_id", "plan", "stage", "name", "kind", "minutes", "road_km", "area_km2"]
                          + measures.flatMap { ["\($0)_covered", "\($0)_covered_percent"] })
        for z in d.zones {
            t.rows.append([z.institutionID ?? "", z.plan ?? "", z.stage ?? "", z.name, z.kind, Format.count(z.minutes),
                           Format.number(z.roadKm, decimals: 3), Format.number(z.areaKm2, decimals: 3)]
                          + measures.flatMap { [Format.number(z.covered[$0], decimals: 1), Format.percent(z.coveredShare[$0])] })
        }
        return t
    }

    /// The drive-time areas as features (study CRS), the same fields as the table.
    public static func features(_ d: DriveTimeAreas) -> [(Geometry?, JSONObject)] {
        let measures = measures(d)
        return d.zones.map { z in
            var o: JSONObject = ["institution_id": z.institutionID.map(JSONValue.string) ?? .null, "plan": z.plan.map(JSONValue.string) ?? .null,
                                 "stage": z.stage.map(JSONValue.string) ?? .null, "name": .string(z.name), "kind": .string(z.kind),
                                 "minutes": .number(z.minutes), "road_km": Layers.number(z.roadKm, decimals: 3)]
            for m in measures { o["\(m)_covered"] = Layers.number(z.covered[m], decimals: 1) }
            return (z.geometry, o)
        }
    }

    /// Per level: areas and institutions with and without travel times, pairs with and without a
    /// route (unreachable and unsnappable are reported, never routed as 0).
    public static func costsTable(_ model: StudyModel, _ c: StudyCosts) -> Table {
        var t = Table(title: "Travel costs: \(c.description)",
                      header: ["level", "areas", "areas_without_travel_time", "institutions", "institutions_without_travel_time",
                               "pairs_with_route", "pairs_without_route"])
        for level in model.levels {
            let areas = model.areas[level] ?? []
            let withRoute = areas.indices.reduce(0) { $0 + c.row(level: level, area: $1).count }
            t.rows.append([level.rawValue, String(areas.count), String(c.areasWithoutData[level]?.count ?? 0), String(model.institutions.count),
                           String(c.institutionsWithoutData.count), String(withRoute), String(c.pairsWithoutRoute[level] ?? 0)])
        }
        return t
    }
}
