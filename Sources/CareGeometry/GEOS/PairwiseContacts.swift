import CGEOS

/// How two polygonal geometries meet: the length of boundary they share and the area they overlap.
public struct Contact: Sendable, Hashable {
    /// Length of the intersection of the two boundaries, in CRS units (0 for a corner contact).
    public var sharedBoundaryLength: Double
    /// Area of the intersection of the two geometries, in squared CRS units.
    public var overlapArea: Double

    public init(sharedBoundaryLength: Double, overlapArea: Double) {
        self.sharedBoundaryLength = sharedBoundaryLength
        self.overlapArea = overlapArea
    }
}

/// The contacts between pairs of a fixed list of polygonal geometries (rook adjacency and overlap
/// checks), with each geometry and its boundary converted to GEOS once (on first use) rather than
/// once per pair. ``ExactContacts`` settles most pairs of a clean layer without GEOS.
///
/// For a pair (i, j): when the two geometries do not intersect (`GEOSPreparedIntersects_r` on
/// geometry i, prepared once, against geometry j) the contact is zero without any overlay;
/// otherwise the shared boundary length is |∂Aᵢ ∩ ∂Aⱼ| (`GEOSIntersection_r` of the two
/// boundaries, `GEOSLength_r`) and the overlap is |Aᵢ ∩ Aⱼ| (`GEOSIntersection_r`, `GEOSArea_r`) —
/// the same GEOS operations on the same coordinates as ``GeometryConvertible/intersection(_:)``
/// followed by ``GeometryConvertible/length()`` and ``GeometryConvertible/area()``, without the
/// round trips through Swift values. Disjoint geometries have an empty intersection, so the
/// shortcut gives the same numbers.
///
/// Candidate pairs are the caller's (typically those whose bounding boxes intersect, from a
/// ``SpatialIndex``). A geometry whose GEOS form or boundary cannot be built is reported by
/// ``failure(_:)`` and every pair with it throws.
///
/// Thread safety: not thread-safe (it owns a private GEOS context, and prepared geometries index
/// lazily); use one instance per thread. Deliberately not `Sendable`.
public final class PairwiseContacts {
    private let context: GEOSContext
    private let geometries: [Geometry]
    /// Each geometry's GEOS form, converted on first use: nil until then.
    private var items: [Item?]
    private var failures: [(any Error)?]
    private var converted: [Bool]

    private struct Item {
        let geometry: GEOSObject
        let boundary: GEOSObject
        let prepared: OpaquePointer
    }

    /// Keeps the geometries; each one (and its boundary) is converted to GEOS on its first use by
    /// ``contact(_:_:)`` or ``failure(_:)``, so that a caller comparing only some pairs converts
    /// only their geometries. A failure is kept per geometry.
    ///
    /// - Throws: ``GeometryError`` when no GEOS context can be created.
    public init(_ geometries: [Geometry]) throws {
        context = try GEOSContext()
        self.geometries = geometries
        items = Array(repeating: nil, count: geometries.count)
        failures = Array(repeating: nil, count: geometries.count)
        converted = Array(repeating: false, count: geometries.count)
    }

    deinit {
        // The prepared geometries borrow their sources: destroyed first. Each GEOSObject keeps the
        // context alive until it is itself destroyed.
        for item in items { if let item { geosAPI.GEOSPreparedGeom_destroy_r(context.handle, item.prepared) } }
    }

    /// The number of geometries.
    public var count: Int { geometries.count }

    /// Why geometry `i` (or its boundary) could not be converted to GEOS; nil when it was.
    public func failure(_ i: Int) -> (any Error)? {
        convert(i)
        return failures[i]
    }

    private func convert(_ i: Int) {
        guard !converted[i] else { return }
        converted[i] = true
        do {
            context.resetMessage()
            let object = try GEOSObject(geometries[i], context: context)
            let boundary = try context.own(geosAPI.GEOSBoundary_r(context.handle, object.pointer), "GEOSBoundary_r")
            // GEOSPrepare_r returns NULL on exception; the prepared geometry borrows `object`.
            guard let prepared = geosAPI.GEOSPrepare_r(context.handle, object.pointer) else { throw context.error("GEOSPrepare_r") }
            items[i] = Item(geometry: object, boundary: boundary, prepared: prepared)
        } catch {
            failures[i] = error
        }
    }

    /// The contact of geometries `i` and `j`.
    ///
    /// - Throws: ``GeometryError`` when GEOS fails on the pair, or the conversion failure of either
    ///   geometry.
    public func contact(_ i: Int, _ j: Int) throws -> Contact {
        let found = try meeting(i, j, boundaryWhenOverlapping: true)
        return Contact(sharedBoundaryLength: found.sharedBoundaryLength ?? 0, overlapArea: found.overlapArea)
    }

    /// The overlap of geometries `i` and `j`, and the length of boundary they share unless they
    /// overlap: what rook adjacency needs (an overlap makes two areas neighbours whatever boundary
    /// they share). The boundaries are intersected only when the overlap area is 0, which spares
    /// one of the two overlays for overlapping pairs (layers simplified independently). Each value
    /// given is ``contact(_:_:)``'s, from the same GEOS operations.
    ///
    /// - Returns: the overlap area, and the shared boundary length (nil when the overlap is
    ///   positive and the length was not computed).
    /// - Throws: as ``contact(_:_:)``.
    public func adjacencyContact(_ i: Int, _ j: Int) throws -> (overlapArea: Double, sharedBoundaryLength: Double?) {
        try meeting(i, j, boundaryWhenOverlapping: false)
    }

    private func meeting(_ i: Int, _ j: Int, boundaryWhenOverlapping: Bool) throws -> (overlapArea: Double, sharedBoundaryLength: Double?) {
        convert(i)
        convert(j)
        guard let a = items[i] else { throw failures[i]! }
        guard let b = items[j] else { throw failures[j]! }
        let h = context.handle
        context.resetMessage()
        guard try context.bool(geosAPI.GEOSPreparedIntersects_r(h, a.prepared, b.geometry.pointer), "GEOSPreparedIntersects_r") else {
            return (0, 0)
        }
        let overlap = try context.own(geosAPI.GEOSIntersection_r(h, a.geometry.pointer, b.geometry.pointer), "GEOSIntersection_r")
        var area = 0.0
        // GEOSLength_r and GEOSArea_r return 0 on exception.
        guard geosAPI.GEOSArea_r(h, overlap.pointer, &area) != 0 else { throw context.error("GEOSArea_r") }
        if area > 0 && !boundaryWhenOverlapping { return (area, nil) }
        let lines = try context.own(geosAPI.GEOSIntersection_r(h, a.boundary.pointer, b.boundary.pointer), "GEOSIntersection_r")
        var length = 0.0
        guard geosAPI.GEOSLength_r(h, lines.pointer, &length) != 0 else { throw context.error("GEOSLength_r") }
        return (area, length)
    }
}
