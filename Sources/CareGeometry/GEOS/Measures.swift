import CGEOS

extension GeometryConvertible {
    /// Planar area in squared CRS units (m² in a metric CRS), by GEOS (`GEOSArea_r`).
    ///
    /// Shoelace formula over every ring, holes subtracted: A = ½ |Σ (xᵢ yᵢ₊₁ − xᵢ₊₁ yᵢ)|.
    /// Meaningless in a geographic CRS: project first, or use ``Geodesic/area(of:)``.
    public func area() throws -> Double {
        try withGEOS { ctx, g in
            var value = 0.0
            // GEOSArea_r returns 0 on exception.
            guard geosAPI.GEOSArea_r(ctx.handle, g.pointer, &value) != 0 else { throw ctx.error("GEOSArea_r") }
            return value
        }
    }

    /// Planar length in CRS units (for polygons: the perimeter of every ring), by `GEOSLength_r`.
    public func length() throws -> Double {
        try withGEOS { ctx, g in
            var value = 0.0
            // GEOSLength_r returns 0 on exception.
            guard geosAPI.GEOSLength_r(ctx.handle, g.pointer, &value) != 0 else { throw ctx.error("GEOSLength_r") }
            return value
        }
    }

    /// Minimum planar distance to `other` in CRS units, by `GEOSDistance_r` (0 when they intersect).
    public func distance(to other: any GeometryConvertible) throws -> Double {
        try withGEOS { ctx, a in
            let b = try GEOSObject(other.geometry, context: ctx)
            var value = 0.0
            // GEOSDistance_r returns 0 on exception.
            guard geosAPI.GEOSDistance_r(ctx.handle, a.pointer, b.pointer, &value) != 0 else { throw ctx.error("GEOSDistance_r") }
            return value
        }
    }

    /// The envelope computed by GEOS (`GEOSGeom_getExtent_r`); nil for an empty geometry.
    /// ``Geometry/boundingBox`` gives the same rectangle without a GEOS round trip.
    public func envelope() throws -> Envelope? {
        try withGEOS { ctx, g in
            guard try !ctx.bool(geosAPI.GEOSisEmpty_r(ctx.handle, g.pointer), "GEOSisEmpty_r") else { return nil }
            var e = Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
            // GEOSGeom_getExtent_r returns 0 on exception.
            guard geosAPI.GEOSGeom_getExtent_r(ctx.handle, g.pointer, &e.minX, &e.minY, &e.maxX, &e.maxY) != 0 else {
                throw ctx.error("GEOSGeom_getExtent_r")
            }
            return e
        }
    }

    /// The centroid (centre of mass of the highest-dimension parts), by `GEOSGetCentroid_r`;
    /// nil for an empty geometry. May lie outside a concave polygon: see ``pointOnSurface()``.
    public func centroid() throws -> Point? {
        try pointResult(unaryGEOS("GEOSGetCentroid_r") { geosAPI.GEOSGetCentroid_r($0, $1) })
    }

    /// A point guaranteed to lie in the interior of a polygonal geometry, by `GEOSPointOnSurface_r`;
    /// nil for an empty geometry. Used for labels and for assigning areas to containers.
    public func pointOnSurface() throws -> Point? {
        try pointResult(unaryGEOS("GEOSPointOnSurface_r") { geosAPI.GEOSPointOnSurface_r($0, $1) })
    }
}

private func pointResult(_ g: Geometry) throws -> Point? {
    if case .point(let p) = g { return p }
    if g.isEmpty { return nil }
    throw GeometryError.geos(operation: "point result", message: "expected a point, got \(g.typeName)")
}
