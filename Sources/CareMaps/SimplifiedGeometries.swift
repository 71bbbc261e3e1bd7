import CareGeometry
import Foundation

/// Boundaries simplified for drawing (``Geometry/simplified(tolerance:)``: GEOS, topology
/// preserving), kept by area and tolerance, so that they can be made ahead of use (while the
/// disclosure decision runs) and shared by the maps and the report's interactive map.
///
/// A kept result is used only for the same geometry (compared in full) and the same tolerance, so
/// what ``simplified(_:id:tolerance:)`` returns is always what simplifying there and then returns.
/// Thread-safe.
public final class SimplifiedGeometries: @unchecked Sendable {
    private struct Key: Hashable {
        let id: String
        let tolerance: Double
    }
    private var kept: [Key: (source: Geometry, simplified: Geometry)] = [:]
    private let lock = NSLock()

    public init() {}

    /// `geometry` (the boundary of area `id`) simplified to `tolerance`; itself for a tolerance of
    /// 0 or where GEOS cannot simplify it.
    public func simplified(_ geometry: Geometry, id: String, tolerance: Double) -> Geometry {
        guard tolerance > 0 else { return geometry }
        let key = Key(id: id, tolerance: tolerance)
        if let k = lock.withLock({ kept[key] }), k.source == geometry { return k.simplified }
        let simple = (try? geometry.simplified(tolerance: tolerance)) ?? geometry
        lock.withLock { kept[key] = (geometry, simple) }
        return simple
    }
}
