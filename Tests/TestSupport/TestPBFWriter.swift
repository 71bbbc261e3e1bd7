import Foundation

/// A minimal OpenStreetMap PBF writer for tests: protocol buffers encoded by hand, blobs stored raw
/// or as zlib streams of stored (uncompressed) deflate blocks, so that the reader's zlib path runs
/// without a compressor. Only what the tests need: a header, dense or plain nodes, ways with tags.
public enum TestPBF {
    public struct Node: Sendable, Hashable {
        public var id: Int64; public var lat: Double; public var lon: Double
        public init(id: Int64, lat: Double, lon: Double) { self.id = id; self.lat = lat; self.lon = lon }
    }
    public struct Way: Sendable, Hashable {
        public var id: Int64; public var refs: [Int64]; public var tags: [String: String]
        public init(id: Int64, refs: [Int64], tags: [String: String]) { self.id = id; self.refs = refs; self.tags = tags }
    }
    public enum Compression { case raw, zlib }

    public static func encode(nodes: [Node], ways: [Way], compression: Compression = .zlib, dense: Bool = true,
                       requiredFeatures: [String] = ["OsmSchema-V0.6", "DenseNodes"],
                       granularity: Int64 = 100, nodesPerBlock: Int = 8000) -> Data {
        var file = Data()
        var header = Proto()
        for feature in requiredFeatures { header.string(4, feature) }
        header.string(16, "CareNetworkTests")
        appendBlob(&file, type: "OSMHeader", payload: header.bytes, compression: compression)
        var start = 0
        repeat {
            let part = Array(nodes[start..<min(nodes.count, start + nodesPerBlock)])
            if !part.isEmpty {
                appendBlob(&file, type: "OSMData", payload: primitiveBlock(nodes: part, ways: [], dense: dense, granularity: granularity), compression: compression)
            }
            start += nodesPerBlock
        } while start < nodes.count
        if !ways.isEmpty {
            appendBlob(&file, type: "OSMData", payload: primitiveBlock(nodes: [], ways: ways, dense: dense, granularity: granularity), compression: compression)
        }
        return file
    }

    static func primitiveBlock(nodes: [Node], ways: [Way], dense: Bool, granularity: Int64) -> [UInt8] {
        var strings = [""]
        var index: [String: Int] = ["": 0]
        func id(_ s: String) -> UInt64 {
            if let i = index[s] { return UInt64(i) }
            strings.append(s); index[s] = strings.count - 1
            return UInt64(strings.count - 1)
        }
        func raw(_ degrees: Double) -> Int64 { Int64((degrees * 1e9 / Double(granularity)).rounded()) }
        var group = Proto()
        if !nodes.isEmpty {
            if dense {
                var d = Proto()
                var lastID: Int64 = 0, lastLat: Int64 = 0, lastLon: Int64 = 0
                var ids: [Int64] = [], lats: [Int64] = [], lons: [Int64] = []
                for n in nodes {
                    ids.append(n.id - lastID); lastID = n.id
                    lats.append(raw(n.lat) - lastLat); lastLat = raw(n.lat)
                    lons.append(raw(n.lon) - lastLon); lastLon = raw(n.lon)
                }
                d.packedSigned(1, ids)
                d.packedSigned(8, lats)
                d.packedSigned(9, lons)
                d.packedUnsigned(10, Array(repeating: 0, count: nodes.count))  // no tags
                group.message(2, d)
            } else {
                for n in nodes {
                    var p = Proto()
                    p.signed(1, n.id)
                    p.signed(8, raw(n.lat))
                    p.signed(9, raw(n.lon))
                    group.message(1, p)
                }
            }
        }
        for w in ways {
            var p = Proto()
            p.unsigned(1, UInt64(w.id))
            let keys = w.tags.keys.sorted()
            p.packedUnsigned(2, keys.map { id($0) })
            p.packedUnsigned(3, keys.map { id(w.tags[$0]!) })
            var last: Int64 = 0
            p.packedSigned(8, w.refs.map { r in defer { last = r }; return r - last })
            group.message(3, p)
        }
        var table = Proto()
        for s in strings { table.bytes(1, Array(s.utf8)) }
        var block = Proto()
        block.message(1, table)
        block.message(2, group)
        if granularity != 100 { block.unsigned(17, UInt64(granularity)) }
        return block.bytes
    }

    public static func appendBlob(_ file: inout Data, type: String, payload: [UInt8], compression: Compression) {
        var blob = Proto()
        switch compression {
        case .raw: blob.bytes(1, payload)
        case .zlib:
            blob.unsigned(2, UInt64(payload.count))
            blob.bytes(3, zlibStored(payload))
        }
        var header = Proto()
        header.string(1, type)
        header.unsigned(3, UInt64(blob.bytes.count))
        let n = UInt32(header.bytes.count)
        file.append(contentsOf: [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
        file.append(contentsOf: header.bytes)
        file.append(contentsOf: blob.bytes)
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) with its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out.append(final)
            out.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)])
            out.append(contentsOf: data[offset..<(offset + n)])
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let adler = b << 16 | a
        out.append(contentsOf: [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)])
        return out
    }
}

/// A protocol-buffers message under construction.
public struct Proto {
    public var bytes: [UInt8] = []
    public init() {}

    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    public mutating func key(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }
    public static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    public mutating func unsigned(_ field: Int, _ value: UInt64) { key(field, 0); varint(value) }
    public mutating func signed(_ field: Int, _ value: Int64) { key(field, 0); varint(Self.zigzag(value)) }
    public mutating func bytes(_ field: Int, _ value: [UInt8]) { key(field, 2); varint(UInt64(value.count)); bytes.append(contentsOf: value) }
    public mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }
    public mutating func message(_ field: Int, _ value: Proto) { bytes(field, value.bytes) }
    public mutating func packedSigned(_ field: Int, _ values: [Int64]) {
        var p = Proto(); for v in values { p.varint(Self.zigzag(v)) }
        bytes(field, p.bytes)
    }
    public mutating func packedUnsigned(_ field: Int, _ values: [UInt64]) {
        var p = Proto(); for v in values { p.varint(v) }
        bytes(field, p.bytes)
    }
}
