import Foundation

/// A zip archive read as published (医療情報ネット and 厚生局 downloads, `.xlsx` workbooks): the
/// members listed in its central directory, each read and checked (CRC-32) on demand.
///
/// Supported: methods 0 (stored) and 8 (deflate); member names in UTF-8 (flag bit 11) or, as
/// Japanese Windows tools write them, CP932. Not supported, with a clear error: encryption,
/// zip64 archives (members over 4 GiB), other methods.
///
/// Thread-safety: a value type over immutable bytes; ``data(of:)`` may be called concurrently.
public struct ZipArchive: Sendable {
    /// One member of the archive.
    public struct Entry: Sendable, Hashable {
        /// The member's path inside the archive (`/`-separated).
        public let name: String
        public let method: UInt16
        public let compressedSize: Int
        public let uncompressedSize: Int
        public let crc32: UInt32
        let localHeaderOffset: Int
        let encrypted: Bool
        /// Whether the member is a folder (its name ends with `/`).
        public var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// The archive's path or name, for messages.
    public let source: String
    /// The members in central-directory order.
    public let entries: [Entry]
    private let bytes: Data

    /// Reads the archive at `url` (the whole file in memory; the size limit is that of CSV inputs).
    public init(contentsOf url: URL) throws(CompressionError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CompressionError(source: url.path, detail: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(data: data, source: url.path)
    }

    /// Reads an archive held in memory. `source` names it in messages.
    public init(data: Data, source: String) throws(CompressionError) {
        self.source = source
        self.bytes = data
        self.entries = try Self.centralDirectory(Array(data), source: source)
    }

    /// The member named `name`, if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The uncompressed bytes of `entry`, checked against its CRC-32 and size.
    public func data(of entry: Entry) throws(CompressionError) -> Data {
        let where_ = "\(source) (member \(entry.name))"
        if entry.encrypted { throw CompressionError(source: where_, detail: "the member is encrypted") }
        let start = bytes.startIndex + entry.localHeaderOffset
        guard entry.localHeaderOffset >= 0, entry.localHeaderOffset + 30 <= bytes.count,
              Self.u32(bytes, at: start) == 0x0403_4b50
        else { throw CompressionError(source: where_, detail: "no local header at offset \(entry.localHeaderOffset)") }
        let nameLength = Int(Self.u16(bytes, at: start + 26))
        let extraLength = Int(Self.u16(bytes, at: start + 28))
        let dataStart = start + 30 + nameLength + extraLength
        guard dataStart + entry.compressedSize <= bytes.endIndex else {
            throw CompressionError(source: where_, detail: "the member runs past the end of the archive")
        }
        let raw = bytes[dataStart..<(dataStart + entry.compressedSize)]
        let output: Data
        switch entry.method {
        case 0: output = Data(raw)
        case 8: output = try Inflate.decompress(Data(raw), format: .raw, expectedSize: entry.uncompressedSize, source: where_)
        default: throw CompressionError(source: where_, detail: "compression method \(entry.method) is not supported (only stored and deflate)")
        }
        guard output.count == entry.uncompressedSize else {
            throw CompressionError(source: where_, detail: "\(output.count) bytes where \(entry.uncompressedSize) were stated")
        }
        guard Inflate.crc32(output) == entry.crc32 else { throw CompressionError(source: where_, detail: "CRC-32 mismatch") }
        return output
    }

    // MARK: - Central directory

    private static func centralDirectory(_ b: [UInt8], source: String) throws(CompressionError) -> [Entry] {
        // The end-of-central-directory record (22 bytes + a comment of at most 65,535 bytes) is
        // found by scanning back from the end for its signature.
        guard b.count >= 22 else { throw CompressionError(source: source, detail: "not a zip archive (too short)") }
        var eocd = -1
        var i = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while i >= lowest {
            if b[i] == 0x50, b[i + 1] == 0x4b, b[i + 2] == 0x05, b[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw CompressionError(source: source, detail: "not a zip archive (no end-of-central-directory record)") }
        let count = Int(le16(b, eocd + 10))
        let size = Int(le32(b, eocd + 12))
        let offset = Int(le32(b, eocd + 16))
        if count == 0xFFFF || offset == 0xFFFF_FFFF {
            throw CompressionError(source: source, detail: "zip64 archives are not supported; re-pack it with a standard zip tool")
        }
        guard offset + size <= eocd else { throw CompressionError(source: source, detail: "the central directory lies outside the file") }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var p = offset
        for n in 0..<count {
            guard p + 46 <= eocd, le32(b, p) == 0x0201_4b50 else {
                throw CompressionError(source: source, detail: "central directory entry \(n + 1) is damaged")
            }
            let flags = le16(b, p + 8)
            let nameLength = Int(le16(b, p + 28)), extraLength = Int(le16(b, p + 30)), commentLength = Int(le16(b, p + 32))
            guard p + 46 + nameLength <= eocd else { throw CompressionError(source: source, detail: "central directory entry \(n + 1) is damaged") }
            let nameBytes = Data(b[(p + 46)..<(p + 46 + nameLength)])
            let name: String
            if flags & 0x0800 != 0, let utf8 = String(data: nameBytes, encoding: .utf8) {
                name = utf8
            } else {
                name = (try? TextDecoding.decode(nameBytes, source: source).text) ?? String(decoding: nameBytes, as: UTF8.self)
            }
            entries.append(Entry(name: name, method: le16(b, p + 10), compressedSize: Int(le32(b, p + 20)),
                                 uncompressedSize: Int(le32(b, p + 24)), crc32: le32(b, p + 16),
                                 localHeaderOffset: Int(le32(b, p + 42)), encrypted: flags & 1 != 0))
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    private static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    private static func u16(_ d: Data, at i: Int) -> UInt16 { UInt16(d[i]) | UInt16(d[i + 1]) << 8 }
    private static func u32(_ d: Data, at i: Int) -> UInt32 {
        UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 24
    }
}
