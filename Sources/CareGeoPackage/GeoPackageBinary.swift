import CareGeometry

/// The GeoPackage geometry encoding (OGC 12-128r18, §2.1.3): a `GP` header (version 0, flags,
/// `srs_id`, envelope) followed by ISO Well-Known Binary.
///
/// Written little-endian, with an `[minx, maxx, miny, maxy]` envelope for every non-empty geometry
/// except points (whose envelope is the point itself), and the empty flag for empty geometries.
enum GeoPackageBinary {
    /// Flags byte: bit 0 byte order (1 = little-endian), bits 1–3 envelope contents indicator
    /// (0 none, 1 = [minx, maxx, miny, maxy]), bit 4 empty geometry, bit 5 extended type (0).
    static func encode(_ geometry: Geometry, srsID: Int32) -> [UInt8] {
        var out: [UInt8] = [0x47, 0x50, 0]  // "GP", version 0 (= GeoPackage 1.0 and later)
        let envelope: Envelope?
        if case .point = geometry { envelope = nil } else { envelope = geometry.boundingBox }
        var flags: UInt8 = 0b1
        if envelope != nil { flags |= 0b1 << 1 }
        if geometry.isEmpty { flags |= 0b1 << 4 }
        out.append(flags)
        appendInt32(srsID, to: &out)
        if let e = envelope {
            for v in [e.minX, e.maxX, e.minY, e.maxY] { appendDouble(v, to: &out) }
        }
        WKBEncoder.append(geometry, to: &out)
        return out
    }

    /// The parts of a GeoPackage geometry blob, the WKB not yet decoded.
    struct Decoded {
        var srsID: Int32
        var envelope: Envelope?
        var isEmpty: Bool
        var wkb: [UInt8]
    }

    /// Splits a blob into header fields and WKB.
    ///
    /// - Throws: ``GeoPackageError/malformed(_:)`` saying what is wrong with the header, prefixed by `context`.
    static func decode(_ blob: [UInt8], context: String) throws -> Decoded {
        func bad(_ why: String) -> GeoPackageError { .malformed("\(context): \(why)") }
        guard blob.count >= 8, blob[0] == 0x47, blob[1] == 0x50 else { throw bad("the geometry blob does not start with the GeoPackage magic \"GP\"") }
        guard blob[2] == 0 else { throw bad("unsupported GeoPackage binary version \(blob[2]) (expected 0)") }
        let flags = blob[3]
        let little = flags & 1 == 1
        guard flags & 0b10_0000 == 0 else { throw bad("extended GeoPackage geometry types are not supported") }
        let indicator = Int((flags >> 1) & 0b111)
        let envelopeDoubles = [0: 0, 1: 4, 2: 6, 3: 6, 4: 8][indicator]
        guard let n = envelopeDoubles else { throw bad("invalid envelope contents indicator \(indicator)") }
        guard blob.count >= 8 + 8 * n else { throw bad("the blob is shorter than its header (\(blob.count) bytes)") }
        let srsID = Int32(bitPattern: readUInt32(blob, at: 4, little: little))
        var envelope: Envelope? = nil
        if n >= 4 {
            let v = (0..<4).map { Double(bitPattern: readUInt64(blob, at: 8 + 8 * $0, little: little)) }
            envelope = Envelope(minX: v[0], minY: v[2], maxX: v[1], maxY: v[3])
        }
        return Decoded(srsID: srsID, envelope: envelope, isEmpty: flags & 0b1_0000 != 0, wkb: Array(blob[(8 + 8 * n)...]))
    }
}

/// ISO Well-Known Binary (ISO 19125-1 / OGC 06-103r4 §8.2), 2D, little-endian.
enum WKBEncoder {
    static func append(_ geometry: Geometry, to out: inout [UInt8]) {
        out.append(1)  // byte order: 1 = little-endian (NDR)
        switch geometry {
        case .point(let p):
            appendUInt32(1, to: &out)
            appendCoordinate(p.coordinate, to: &out)
        case .lineString(let l):
            appendUInt32(2, to: &out)
            appendCoordinates(l.coordinates, to: &out)
        case .polygon(let p):
            appendUInt32(3, to: &out)
            appendPolygonBody(p, to: &out)
        case .multiPoint(let m):
            appendUInt32(4, to: &out)
            appendUInt32(UInt32(m.points.count), to: &out)
            for p in m.points { append(.point(p), to: &out) }
        case .multiLineString(let m):
            appendUInt32(5, to: &out)
            appendUInt32(UInt32(m.lineStrings.count), to: &out)
            for l in m.lineStrings { append(.lineString(l), to: &out) }
        case .multiPolygon(let m):
            appendUInt32(6, to: &out)
            appendUInt32(UInt32(m.polygons.count), to: &out)
            for p in m.polygons { append(.polygon(p), to: &out) }
        case .collection(let c):
            appendUInt32(7, to: &out)
            appendUInt32(UInt32(c.count), to: &out)
            for g in c { append(g, to: &out) }
        }
    }

    private static func appendPolygonBody(_ p: Polygon, to out: inout [UInt8]) {
        appendUInt32(UInt32(p.rings.count), to: &out)
        for ring in p.rings { appendCoordinates(ring.coordinates, to: &out) }
    }

    private static func appendCoordinates(_ cs: [Coordinate], to out: inout [UInt8]) {
        appendUInt32(UInt32(cs.count), to: &out)
        for c in cs { appendCoordinate(c, to: &out) }
    }

    private static func appendCoordinate(_ c: Coordinate, to out: inout [UInt8]) {
        appendDouble(c.x, to: &out)
        appendDouble(c.y, to: &out)
    }
}

private func appendUInt32(_ v: UInt32, to out: inout [UInt8]) { appendLittleEndian(v, to: &out) }

private func appendInt32(_ v: Int32, to out: inout [UInt8]) { appendLittleEndian(UInt32(bitPattern: v), to: &out) }

private func appendDouble(_ v: Double, to out: inout [UInt8]) { appendLittleEndian(v.bitPattern, to: &out) }

private func appendLittleEndian<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
}

/// The unsigned integer of `T`'s width at `offset`, in the given byte order.
private func readInteger<T: FixedWidthInteger & UnsignedInteger>(_ b: [UInt8], at offset: Int, little: Bool) -> T {
    let size = MemoryLayout<T>.size
    var v: T = 0
    for i in 0..<size {
        v |= T(b[offset + (little ? i : size - 1 - i)]) << (8 * i)
    }
    return v
}

private func readUInt32(_ b: [UInt8], at offset: Int, little: Bool) -> UInt32 { readInteger(b, at: offset, little: little) }

private func readUInt64(_ b: [UInt8], at offset: Int, little: Bool) -> UInt64 { readInteger(b, at: offset, little: little) }
