import CGEOS

/// A geometry prepared for many repeated predicate tests against it (`GEOSPrepare_r`): GEOS
/// indexes its segments once, so testing thousands of points against one ward polygon costs
/// O(log n) per point instead of O(n).
///
/// Thread safety: not thread-safe (GEOS builds the index lazily on first use, and the instance
/// owns a private GEOS context). Use one instance per thread; it is deliberately not `Sendable`.
public final class PreparedGeometry {
    /// The geometry that was prepared.
    public let geometry: Geometry
    private let context: GEOSContext
    private let source: GEOSObject
    private let prepared: OpaquePointer

    public init(_ geometry: any GeometryConvertible) throws {
        self.geometry = geometry.geometry
        context = try GEOSContext()
        source = try GEOSObject(self.geometry, context: context)
        // GEOSPrepare_r returns NULL on exception; the prepared geometry borrows `source`.
        guard let p = geosAPI.GEOSPrepare_r(context.handle, source.pointer) else { throw context.error("GEOSPrepare_r") }
        prepared = p
    }

    deinit { geosAPI.GEOSPreparedGeom_destroy_r(context.handle, prepared) }

    /// Same semantics as ``GeometryConvertible/contains(_:)``: boundary points are not contained.
    public func contains(_ other: any GeometryConvertible) throws -> Bool {
        try test(other, "GEOSPreparedContains_r") { geosAPI.GEOSPreparedContains_r($0, $1, $2) }
    }

    /// True when `other` has no point outside this geometry (boundary points count as inside).
    /// Use it to assign points to areas so that a point on a shared edge is not lost.
    public func covers(_ other: any GeometryConvertible) throws -> Bool {
        try test(other, "GEOSPreparedCovers_r") { geosAPI.GEOSPreparedCovers_r($0, $1, $2) }
    }

    /// Same semantics as ``GeometryConvertible/intersects(_:)``.
    public func intersects(_ other: any GeometryConvertible) throws -> Bool {
        try test(other, "GEOSPreparedIntersects_r") { geosAPI.GEOSPreparedIntersects_r($0, $1, $2) }
    }

    /// Whether the position lies in the geometry or on its boundary.
    public func covers(_ coordinate: Coordinate) throws -> Bool {
        try covers(Point(coordinate))
    }

    private func test(
        _ other: any GeometryConvertible, _ name: String,
        _ call: (OpaquePointer, OpaquePointer, OpaquePointer) -> CChar
    ) throws -> Bool {
        context.resetMessage()
        let g = try GEOSObject(other.geometry, context: context)
        // Prepared predicates return 2 on exception.
        return try context.bool(call(context.handle, prepared, g.pointer), name)
    }
}
