import CGEOS

/// Owns one `GEOSGeometry*` and destroys it in `deinit`, or borrows a sub-geometry of a parent that
/// it keeps alive (a borrowed handle is never destroyed itself).
///
/// Internal: no raw pointer reaches the public API. Not thread-safe: used only inside one call, or
/// inside an owner (``PreparedGeometry``, ``SpatialIndex``) that documents its own rules.
final class GEOSObject {
    let pointer: OpaquePointer
    let context: GEOSContext
    private let parent: GEOSObject?

    init(owning pointer: OpaquePointer, context: GEOSContext) {
        self.pointer = pointer
        self.context = context
        self.parent = nil
    }

    private init(borrowing pointer: OpaquePointer, parent: GEOSObject) {
        self.pointer = pointer
        self.context = parent.context
        self.parent = parent
    }

    deinit {
        if parent == nil { geosAPI.GEOSGeom_destroy_r(context.handle, pointer) }
    }

    /// Borrows a sub-geometry (GEOSGetGeometryN_r, rings): the result keeps `self` alive.
    func borrow(_ sub: OpaquePointer?, _ operation: String) throws -> GEOSObject {
        guard let sub else { throw context.error(operation) }
        return GEOSObject(borrowing: sub, parent: self)
    }
}

// MARK: - Swift value → GEOS

extension GEOSObject {
    /// Builds the GEOS counterpart of a value.
    convenience init(_ geometry: Geometry, context: GEOSContext) throws {
        let pointer = try GEOSObject.make(geometry, context)
        self.init(owning: pointer, context: context)
    }

    /// Returns an owned pointer (caller takes ownership).
    private static func make(_ geometry: Geometry, _ ctx: GEOSContext) throws -> OpaquePointer {
        let h = ctx.handle
        switch geometry {
        case .point(let p):
            // GEOSGeom_createPointFromXY_r returns NULL on exception.
            guard let g = geosAPI.GEOSGeom_createPointFromXY_r(h, p.coordinate.x, p.coordinate.y) else {
                throw ctx.error("GEOSGeom_createPointFromXY_r")
            }
            return g
        case .lineString(let l):
            let seq = try sequence(l.coordinates, ctx)
            guard let g = geosAPI.GEOSGeom_createLineString_r(h, seq) else { throw ctx.error("GEOSGeom_createLineString_r") }
            return g
        case .polygon(let p):
            return try polygon(p, ctx)
        case .multiPoint(let m):
            return try collection(GEOS_MULTIPOINT, m.points.map { .point($0) }, ctx)
        case .multiLineString(let m):
            return try collection(GEOS_MULTILINESTRING, m.lineStrings.map { .lineString($0) }, ctx)
        case .multiPolygon(let m):
            return try collection(GEOS_MULTIPOLYGON, m.polygons.map { .polygon($0) }, ctx)
        case .collection(let parts):
            return try collection(GEOS_GEOMETRYCOLLECTION, parts, ctx)
        }
    }

    private static func sequence(_ coordinates: [Coordinate], _ ctx: GEOSContext) throws -> OpaquePointer {
        // Coordinate is two contiguous Doubles, so the array is the xy buffer GEOS expects.
        let seq = coordinates.withUnsafeBytes { raw -> OpaquePointer? in
            geosAPI.GEOSCoordSeq_copyFromBuffer_r(
                ctx.handle, raw.baseAddress!.assumingMemoryBound(to: Double.self), UInt32(coordinates.count), 0, 0)
        }
        guard let seq else { throw ctx.error("GEOSCoordSeq_copyFromBuffer_r") }
        return seq
    }

    private static func ring(_ r: LinearRing, _ ctx: GEOSContext) throws -> OpaquePointer {
        let seq = try sequence(r.coordinates, ctx)
        // Takes ownership of seq; returns NULL on exception.
        guard let g = geosAPI.GEOSGeom_createLinearRing_r(ctx.handle, seq) else { throw ctx.error("GEOSGeom_createLinearRing_r") }
        return g
    }

    private static func polygon(_ p: Polygon, _ ctx: GEOSContext) throws -> OpaquePointer {
        let shell = try ring(p.exterior, ctx)
        var holes: [OpaquePointer?] = []
        holes.reserveCapacity(p.holes.count)
        do {
            for hole in p.holes { holes.append(try ring(hole, ctx)) }
        } catch {
            geosAPI.GEOSGeom_destroy_r(ctx.handle, shell)
            for hole in holes { if let hole { geosAPI.GEOSGeom_destroy_r(ctx.handle, hole) } }
            throw error
        }
        // Takes ownership of the rings (not of the array); returns NULL on exception.
        let g = holes.withUnsafeMutableBufferPointer { buffer in
            geosAPI.GEOSGeom_createPolygon_r(ctx.handle, shell, buffer.baseAddress, UInt32(buffer.count))
        }
        guard let g else { throw ctx.error("GEOSGeom_createPolygon_r") }
        return g
    }

    private static func collection(_ type: GEOSGeomTypes, _ parts: [Geometry], _ ctx: GEOSContext) throws -> OpaquePointer {
        var members: [OpaquePointer?] = []
        members.reserveCapacity(parts.count)
        do {
            for part in parts { members.append(try make(part, ctx)) }
        } catch {
            for m in members { if let m { geosAPI.GEOSGeom_destroy_r(ctx.handle, m) } }
            throw error
        }
        // Takes ownership of the members (not of the array); returns NULL on exception.
        let g = members.withUnsafeMutableBufferPointer { buffer in
            geosAPI.GEOSGeom_createCollection_r(ctx.handle, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count))
        }
        guard let g else { throw ctx.error("GEOSGeom_createCollection_r") }
        return g
    }
}

// MARK: - GEOS → Swift value

extension GEOSObject {
    /// Reads the geometry back into a value. Empty results become empty collections of the matching
    /// kind (an empty polygon becomes an empty ``MultiPolygon``).
    func value() throws -> Geometry {
        let h = context.handle
        let type = geosAPI.GEOSGeomTypeId_r(h, pointer)
        // GEOSisEmpty_r returns 2 on exception.
        let empty = try context.bool(geosAPI.GEOSisEmpty_r(h, pointer), "GEOSisEmpty_r")
        switch GEOSGeomTypes(rawValue: UInt32(bitPattern: type)) {
        case GEOS_POINT:
            return empty ? .multiPoint(MultiPoint([])) : .point(try Point(coordinates()[0]))
        case GEOS_LINESTRING, GEOS_LINEARRING:
            return empty ? .multiLineString(MultiLineString([])) : .lineString(try LineString(coordinates()))
        case GEOS_POLYGON:
            return empty ? .multiPolygon(MultiPolygon([])) : .polygon(try polygonValue())
        case GEOS_MULTIPOINT:
            return .multiPoint(MultiPoint(try parts().map { try Point($0.coordinates()[0]) }))
        case GEOS_MULTILINESTRING:
            return .multiLineString(MultiLineString(try parts().map { try LineString($0.coordinates()) }))
        case GEOS_MULTIPOLYGON:
            return .multiPolygon(MultiPolygon(try parts().map { try $0.polygonValue() }))
        case GEOS_GEOMETRYCOLLECTION:
            return .collection(try parts().map { try $0.value() })
        default:
            throw GeometryError.geos(operation: "GEOSGeomTypeId_r", message: "unexpected geometry type \(type)")
        }
    }

    private func parts() throws -> [GEOSObject] {
        let h = context.handle
        // GEOSGetNumGeometries_r returns -1 on exception.
        let n = geosAPI.GEOSGetNumGeometries_r(h, pointer)
        guard n >= 0 else { throw context.error("GEOSGetNumGeometries_r") }
        return try (0..<n).map { try borrow(geosAPI.GEOSGetGeometryN_r(h, pointer, $0), "GEOSGetGeometryN_r") }
            .filter { try !context.bool(geosAPI.GEOSisEmpty_r(h, $0.pointer), "GEOSisEmpty_r") }
    }

    private func polygonValue() throws -> Polygon {
        let h = context.handle
        let shell = try borrow(geosAPI.GEOSGetExteriorRing_r(h, pointer), "GEOSGetExteriorRing_r")
        // GEOSGetNumInteriorRings_r returns -1 on exception.
        let n = geosAPI.GEOSGetNumInteriorRings_r(h, pointer)
        guard n >= 0 else { throw context.error("GEOSGetNumInteriorRings_r") }
        let holes = try (0..<n).map { try borrow(geosAPI.GEOSGetInteriorRingN_r(h, pointer, $0), "GEOSGetInteriorRingN_r") }
        return Polygon(
            exterior: try LinearRing(shell.coordinates()),
            holes: try holes.map { try LinearRing($0.coordinates()) })
    }

    /// The coordinates of a point, line string or ring.
    func coordinates() throws -> [Coordinate] {
        let h = context.handle
        // The sequence is borrowed from the geometry: never destroyed here.
        guard let seq = geosAPI.GEOSGeom_getCoordSeq_r(h, pointer) else { throw context.error("GEOSGeom_getCoordSeq_r") }
        var size: UInt32 = 0
        // GEOSCoordSeq_getSize_r returns 0 on exception.
        guard geosAPI.GEOSCoordSeq_getSize_r(h, seq, &size) != 0 else { throw context.error("GEOSCoordSeq_getSize_r") }
        var out = [Coordinate](repeating: Coordinate(x: 0, y: 0), count: Int(size))
        guard size > 0 else { return out }
        let ok = out.withUnsafeMutableBytes { raw in
            geosAPI.GEOSCoordSeq_copyToBuffer_r(h, seq, raw.baseAddress!.assumingMemoryBound(to: Double.self), 0, 0)
        }
        // GEOSCoordSeq_copyToBuffer_r returns 0 on exception.
        guard ok != 0 else { throw context.error("GEOSCoordSeq_copyToBuffer_r") }
        return out
    }
}

// MARK: - Shared plumbing for the operation extensions

extension GeometryConvertible {
    /// Runs `body` with this geometry converted to GEOS in the calling thread's context.
    func withGEOS<T>(_ body: (GEOSContext, GEOSObject) throws -> T) throws -> T {
        let context = try GEOSContext.current()
        context.resetMessage()
        return try body(context, try GEOSObject(geometry, context: context))
    }

    /// A unary operation returning a new geometry (NULL on exception).
    func unaryGEOS(_ name: String, _ call: (OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> Geometry {
        try withGEOS { ctx, g in try ctx.own(call(ctx.handle, g.pointer), name).value() }
    }

    /// A binary operation returning a new geometry (NULL on exception).
    func binaryGEOS(
        _ other: any GeometryConvertible, _ name: String,
        _ call: (OpaquePointer, OpaquePointer, OpaquePointer) -> OpaquePointer?
    ) throws -> Geometry {
        try withGEOS { ctx, a in
            let b = try GEOSObject(other.geometry, context: ctx)
            return try ctx.own(call(ctx.handle, a.pointer, b.pointer), name).value()
        }
    }

    /// A binary predicate (0 false, 1 true, 2 exception).
    func predicateGEOS(
        _ other: any GeometryConvertible, _ name: String,
        _ call: (OpaquePointer, OpaquePointer, OpaquePointer) -> CChar
    ) throws -> Bool {
        try withGEOS { ctx, a in
            let b = try GEOSObject(other.geometry, context: ctx)
            return try ctx.bool(call(ctx.handle, a.pointer, b.pointer), name)
        }
    }
}
