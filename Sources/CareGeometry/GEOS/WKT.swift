import CGEOS

extension Geometry {
    /// Parses Well-Known Text (ISO 13249 / OGC 06-103), by a `GEOSWKTReader`.
    ///
    /// - Throws: ``GeometryError/geos(operation:message:)`` with GEOS's parse message.
    public init(wkt: String) throws {
        let ctx = try GEOSContext.current()
        ctx.resetMessage()
        guard let reader = geosAPI.GEOSWKTReader_create_r(ctx.handle) else { throw ctx.error("GEOSWKTReader_create_r") }
        defer { geosAPI.GEOSWKTReader_destroy_r(ctx.handle, reader) }
        self = try ctx.own(geosAPI.GEOSWKTReader_read_r(ctx.handle, reader, wkt), "GEOSWKTReader_read_r").value()
    }
}

extension GeometryConvertible {
    /// Well-Known Text with `decimals` digits after the point and trailing zeros trimmed.
    public func wkt(decimals: Int = 7) throws -> String {
        try withGEOS { ctx, g in
            guard let writer = geosAPI.GEOSWKTWriter_create_r(ctx.handle) else { throw ctx.error("GEOSWKTWriter_create_r") }
            defer { geosAPI.GEOSWKTWriter_destroy_r(ctx.handle, writer) }
            geosAPI.GEOSWKTWriter_setTrim_r(ctx.handle, writer, 1)
            geosAPI.GEOSWKTWriter_setRoundingPrecision_r(ctx.handle, writer, Int32(decimals))
            geosAPI.GEOSWKTWriter_setOutputDimension_r(ctx.handle, writer, 2)
            return try ctx.takeString(geosAPI.GEOSWKTWriter_write_r(ctx.handle, writer, g.pointer), "GEOSWKTWriter_write_r")
        }
    }
}
