import CGEOS

extension Geometry {
    /// Parses Well-Known Binary (either byte order), by a `GEOSWKBReader`.
    public init(wkb: [UInt8]) throws {
        let ctx = try GEOSContext.current()
        ctx.resetMessage()
        guard let reader = geosAPI.GEOSWKBReader_create_r(ctx.handle) else { throw ctx.error("GEOSWKBReader_create_r") }
        defer { geosAPI.GEOSWKBReader_destroy_r(ctx.handle, reader) }
        let pointer = wkb.withUnsafeBufferPointer { geosAPI.GEOSWKBReader_read_r(ctx.handle, reader, $0.baseAddress, $0.count) }
        self = try ctx.own(pointer, "GEOSWKBReader_read_r").value()
    }
}

extension GeometryConvertible {
    /// Well-Known Binary, 2D, little-endian (NDR), as GeoPackage and PostGIS store it.
    public func wkb() throws -> [UInt8] {
        try withGEOS { ctx, g in
            guard let writer = geosAPI.GEOSWKBWriter_create_r(ctx.handle) else { throw ctx.error("GEOSWKBWriter_create_r") }
            defer { geosAPI.GEOSWKBWriter_destroy_r(ctx.handle, writer) }
            geosAPI.GEOSWKBWriter_setOutputDimension_r(ctx.handle, writer, 2)
            geosAPI.GEOSWKBWriter_setByteOrder_r(ctx.handle, writer, Int32(GEOS_WKB_NDR.rawValue))
            var size = 0
            // Returns a buffer to free with GEOSFree_r, or NULL on exception.
            guard let bytes = geosAPI.GEOSWKBWriter_write_r(ctx.handle, writer, g.pointer, &size) else {
                throw ctx.error("GEOSWKBWriter_write_r")
            }
            defer { geosAPI.GEOSFree_r(ctx.handle, bytes) }
            return Array(UnsafeBufferPointer(start: bytes, count: size))
        }
    }
}
