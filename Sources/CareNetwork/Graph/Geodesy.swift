import Foundation

/// Distances on the sphere used for edge lengths and snap distances.
///
/// Edge lengths are great-circle distances (haversine) on a sphere of the mean Earth radius
/// R = 6,371,008.8 m (IUGG mean radius R₁): no projection is needed, so a Kanto-wide extract has no
/// scale distortion, and an independent reference reproduces the lengths exactly. Against the
/// ellipsoid (GRS80) the sphere errs by at most about 0.5 %, the same for every edge, far below the
/// uncertainty of the speeds. Snapping works in a local equirectangular plane about each query point
/// (x = R·cos φ₀·Δλ, y = R·Δφ), exact enough for distances of a few kilometres, and reports the
/// haversine distance to the snapped position.
public enum Geodesy {
    /// The mean Earth radius in metres.
    public static let earthRadiusMetres = 6_371_008.8

    /// The haversine great-circle distance in metres between two points given in degrees:
    /// d = 2R·asin(√(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2))).
    @inline(__always)
    public static func haversineMetres(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        let dp = p2 - p1, dl = (lon2 - lon1) * .pi / 180
        let s1 = sin(dp / 2), s2 = sin(dl / 2)
        let h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2
        return 2 * earthRadiusMetres * asin(min(1, sqrt(h)))
    }
}
