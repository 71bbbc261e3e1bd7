import CareAtlas
import CareFormats
import CareGeometry
import Foundation

/// GeoJSON layers (RFC 7946, WGS 84) built from model geometry (in the study's metric CRS),
/// written with fixed decimals and sorted keys so that reruns are byte-identical.
public enum Layers {
    /// Encodes features given in the study CRS as an RFC 7946 FeatureCollection.
    public static func geojson(_ name: String, crs: CRS, _ features: [(Geometry?, JSONObject)], decimals: Int = 7) throws -> Data {
        let layer = FeatureLayer(name: name, crs: crs, features: features.map { Feature(geometry: $0.0, properties: $0.1) })
        return try GeoJSON.encode(layer, decimals: decimals)
    }

    /// A patient count as layer properties: `<key>` is the number, or null when suppressed, and
    /// `<key>_label` the text to show ("<10" when suppressed), so that QGIS can style the number.
    public static func count(_ n: Int?, hidden: Bool, key: String, policy: SmallCellPolicy, into object: inout JSONObject) {
        guard let n else {
            object[key] = .null
            object[key + "_label"] = .null
            return
        }
        object[key] = hidden ? .null : .number(Double(n))
        object[key + "_label"] = .string(policy.label(n, secondary: hidden))
    }

    /// A number rounded to `decimals`, or null.
    public static func number(_ v: Double?, decimals: Int = 6) -> JSONValue {
        guard let v, v.isFinite else { return .null }
        let scale = pow(10, Double(decimals))
        return .number((v * scale).rounded() / scale)
    }

    /// Properties common to every area feature.
    public static func areaProperties(_ a: Area) -> JSONObject {
        var o: JSONObject = ["area_code": .string(a.id), "area_name": .string(a.name), "level": .string(a.level.rawValue),
                             "area_km2": number(a.areaKm2, decimals: 4)]
        o["population"] = number(a.population["total"], decimals: 1)
        o["aged65"] = number(a.population["aged65"], decimals: 1)
        // null above is "no data", never 0; the status says so in words for QGIS and spreadsheets.
        o["population_status"] = .string(a.population["total"] == nil ? "no_data" : "ok")
        o["aged65_status"] = .string(a.population["aged65"] == nil ? "no_data" : "ok")
        for (k, v) in a.groups.sorted(by: { $0.key < $1.key }) { o[k] = .string(v) }
        return o
    }
}
