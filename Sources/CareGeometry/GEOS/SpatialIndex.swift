import CGEOS

/// A read-only STR-tree (Leutenegger, Lopez & Edgington 1997, "STR: a simple and efficient
/// algorithm for R-tree packing") over item envelopes, backed by GEOS's `GEOSSTRtree`.
///
/// Items are identified by their index in the array given at construction. The tree is packed once
/// in the initialiser; queries return indices in ascending order so that results are deterministic.
///
/// Thread safety: not thread-safe (it owns a private GEOS context); one instance per thread.
public final class SpatialIndex {
    /// The envelope of each item, by index.
    public let envelopes: [Envelope]
    private let context: GEOSContext
    private let tree: OpaquePointer
    private let keys: [GEOSObject]  // the rectangles whose envelopes the tree holds

    /// - Parameter nodeCapacity: children per node (GEOS's default is 10).
    public init(envelopes: [Envelope], nodeCapacity: Int = 10) throws {
        self.envelopes = envelopes
        context = try GEOSContext()
        // GEOSSTRtree_create_r returns NULL on exception.
        guard let t = geosAPI.GEOSSTRtree_create_r(context.handle, max(2, nodeCapacity)) else {
            throw context.error("GEOSSTRtree_create_r")
        }
        tree = t
        var keys: [GEOSObject] = []
        keys.reserveCapacity(envelopes.count)
        for (index, e) in envelopes.enumerated() {
            guard e.minX.isFinite, e.minY.isFinite, e.maxX.isFinite, e.maxY.isFinite, e.minX <= e.maxX, e.minY <= e.maxY else {
                geosAPI.GEOSSTRtree_destroy_r(context.handle, t)
                throw GeometryError.invalidInput("spatial index item \(index) has an invalid envelope \(e)")
            }
            // GEOSGeom_createRectangle_r returns NULL on exception (a degenerate box becomes a point).
            let key = try context.own(
                geosAPI.GEOSGeom_createRectangle_r(context.handle, e.minX, e.minY, e.maxX, e.maxY), "GEOSGeom_createRectangle_r")
            // The item is the index + 1 stored in the pointer bits (never NULL).
            geosAPI.GEOSSTRtree_insert_r(context.handle, t, key.pointer, UnsafeMutableRawPointer(bitPattern: index + 1))
            keys.append(key)
        }
        self.keys = keys
        // GEOS packs the tree on the first query; do it now so that later queries only read.
        _ = query(intersecting: Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0))
    }

    deinit { geosAPI.GEOSSTRtree_destroy_r(context.handle, tree) }

    /// Indices of the items whose envelope intersects `envelope`, ascending.
    public func query(intersecting envelope: Envelope) -> [Int] {
        guard !envelopes.isEmpty,
            let box = geosAPI.GEOSGeom_createRectangle_r(context.handle, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY)
        else { return [] }
        defer { geosAPI.GEOSGeom_destroy_r(context.handle, box) }
        var found: [Int] = []
        withUnsafeMutablePointer(to: &found) { sink in
            geosAPI.GEOSSTRtree_query_r(context.handle, tree, box, { item, userdata in
                guard let item, let userdata else { return }
                userdata.assumingMemoryBound(to: [Int].self).pointee.append(Int(bitPattern: item) - 1)
            }, sink)
        }
        found.sort()
        return found
    }

    /// Indices of the items whose envelope lies within `distance` of `point` (envelope distance),
    /// ascending. Exact for point items.
    public func query(within distance: Double, of point: Coordinate) -> [Int] {
        query(intersecting: Envelope(point).expanded(by: distance)).filter {
            envelopes[$0].distance(to: point) <= distance
        }
    }

    /// The item whose envelope is nearest to `point` (ties: the lowest index), or nil when empty.
    /// Uses `GEOSSTRtree_nearest_generic_r` with the envelope distance.
    public func nearest(to point: Coordinate) throws -> Int? {
        guard !envelopes.isEmpty else { return nil }
        context.resetMessage()
        let probe = try context.own(geosAPI.GEOSGeom_createPointFromXY_r(context.handle, point.x, point.y), "GEOSGeom_createPointFromXY_r")
        var state = NearestState(envelopes: envelopes, point: point)
        let result = withUnsafeMutablePointer(to: &state) { statePointer -> UnsafeRawPointer? in
            // The probe item is a sentinel (NULL is not allowed as an item, so use a non-index value);
            // the distance callback recognises it by its bit pattern 0 … never inserted.
            geosAPI.GEOSSTRtree_nearest_generic_r(
                context.handle, tree, nil, probe.pointer,
                { a, b, distance, userdata in
                    guard let userdata, let distance else { return 0 }
                    let s = userdata.assumingMemoryBound(to: NearestState.self)
                    // One of a/b is the probe (nil); the other an item.
                    let item = a.map { Int(bitPattern: $0) } ?? b.map { Int(bitPattern: $0) } ?? 0
                    guard item > 0 else { return 0 }
                    distance.pointee = s.pointee.envelopes[item - 1].distance(to: s.pointee.point)
                    return 1
                }, statePointer)
        }
        guard let result else { throw context.error("GEOSSTRtree_nearest_generic_r") }
        let best = Int(bitPattern: result) - 1
        // Resolve ties deterministically: the lowest index at the same distance.
        let d = envelopes[best].distance(to: point)
        return query(within: d, of: point).first { envelopes[$0].distance(to: point) == d } ?? best
    }
}

private struct NearestState {
    let envelopes: [Envelope]
    let point: Coordinate
}

extension Envelope {
    /// Euclidean distance from the rectangle to a position (0 inside).
    public func distance(to c: Coordinate) -> Double {
        let dx = Swift.max(minX - c.x, 0, c.x - maxX)
        let dy = Swift.max(minY - c.y, 0, c.y - maxY)
        return (dx * dx + dy * dy).squareRoot()
    }
}
