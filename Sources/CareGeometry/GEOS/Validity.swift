import CGEOS

extension GeometryConvertible {
    /// Whether the geometry is valid in the OGC sense, by `GEOSisValid_r`.
    public func isValid() throws -> Bool {
        try withGEOS { ctx, g in try ctx.bool(geosAPI.GEOSisValid_r(ctx.handle, g.pointer), "GEOSisValid_r") }
    }

    /// nil when valid, otherwise GEOS's reason with its location, e.g. `Self-intersection[0.5 0.5]`
    /// (`GEOSisValidReason_r`).
    public func invalidityReason() throws -> String? {
        try withGEOS { ctx, g in
            guard try !ctx.bool(geosAPI.GEOSisValid_r(ctx.handle, g.pointer), "GEOSisValid_r") else { return nil }
            return try ctx.takeString(geosAPI.GEOSisValidReason_r(ctx.handle, g.pointer), "GEOSisValidReason_r")
        }
    }

    /// A valid geometry covering the same points, by `GEOSMakeValidWithParams_r` with the
    /// "structure" method (rings are treated as the boundaries of areas, so a bow-tie becomes two
    /// triangles) and collapsed parts dropped. A valid input is returned unchanged in content.
    public func makeValid() throws -> Geometry {
        try unaryGEOS("GEOSMakeValidWithParams_r") { handle, g in
            guard let params = geosAPI.GEOSMakeValidParams_create_r(handle) else { return nil }
            defer { geosAPI.GEOSMakeValidParams_destroy_r(handle, params) }
            // Both setters return 0 on exception.
            guard geosAPI.GEOSMakeValidParams_setMethod_r(handle, params, GEOS_MAKE_VALID_STRUCTURE) != 0,
                geosAPI.GEOSMakeValidParams_setKeepCollapsed_r(handle, params, 0) != 0
            else { return nil }
            return geosAPI.GEOSMakeValidWithParams_r(handle, g, params)
        }
    }
}
