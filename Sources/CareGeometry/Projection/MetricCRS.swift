import Foundation

/// The automatic choice of a metric (projected) CRS for a study, from its longitude/latitude extent.
public struct MetricCRSChoice: Hashable, Sendable {
    public let crs: CRS
    /// Why this CRS was chosen, for the study report.
    public let reason: String
}

public enum MetricCRS {
    /// Origins (latitude, longitude in degrees) of the 19 zones of Japan's plane rectangular
    /// coordinate system (平面直角座標系, MLIT notice 国土交通省告示第九号, 2002), zone I … XIX.
    /// JGD2011 codes are EPSG:6669 (I) … EPSG:6687 (XIX).
    static let japanZoneOrigins: [(lat: Double, lon: Double)] = [
        (33, 129.5), (33, 131), (36, 132 + 10.0 / 60), (33, 133.5), (36, 134 + 20.0 / 60),
        (36, 136), (36, 137 + 10.0 / 60), (36, 138.5), (36, 139 + 50.0 / 60), (40, 140 + 50.0 / 60),
        (44, 140.25), (44, 142.25), (44, 144.25), (26, 142), (26, 127.5),
        (26, 124), (26, 131), (20, 136), (26, 154),
    ]

    /// Chooses the CRS in which distances and areas of the extent are least distorted.
    ///
    /// In Japan (the extent's centre within 20–46° N, 122–154° E) this is the JGD2011 plane
    /// rectangular zone whose origin is nearest to the centre, with east–west offsets weighted
    /// three times north–south ones (the transverse Mercator scale error grows with the distance
    /// from the central meridian). For the Tokyo area this gives zone IX (EPSG:6677), the zone the
    /// MLIT notice assigns to Tokyo's 23 wards and neighbouring prefectures; zones are assigned by
    /// prefecture, so near zone borders the rule can differ from the notice — override with
    /// `crs: EPSG:…` in the study. Elsewhere the WGS 84 UTM zone of the centre (EPSG:326zz north,
    /// 327zz south).
    public static func choose(forLonLatExtent extent: Envelope) -> MetricCRSChoice {
        let c = extent.center
        if (20...46).contains(c.y), (122...154).contains(c.x) {
            var best = 0
            var bestScore = Double.infinity
            for (i, o) in japanZoneOrigins.enumerated() {
                let dLon = (c.x - o.lon) * cosDegrees(c.y)
                let dLat = c.y - o.lat
                let score = (3 * dLon) * (3 * dLon) + dLat * dLat
                if score < bestScore { bestScore = score; best = i }
            }
            let roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
                         "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX"][best]
            return MetricCRSChoice(
                crs: .epsg(6669 + best),
                reason: "JGD2011 plane rectangular zone \(roman) (EPSG:\(6669 + best)), the zone whose origin is nearest to the study centre \(String(format: "%.4f", c.x)) E, \(String(format: "%.4f", c.y)) N")
        }
        let zone = min(60, max(1, Int(((c.x + 180) / 6).rounded(.down)) + 1))
        let code = (c.y >= 0 ? 32600 : 32700) + zone
        return MetricCRSChoice(
            crs: .epsg(code),
            reason: "WGS 84 / UTM zone \(zone)\(c.y >= 0 ? "N" : "S") (EPSG:\(code)) for the study centre \(c)")
    }
}

private func cosDegrees(_ degrees: Double) -> Double { cos(degrees * .pi / 180) }
