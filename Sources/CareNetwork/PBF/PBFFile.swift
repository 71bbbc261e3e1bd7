import CareFormats
import Foundation

/// A problem in an OpenStreetMap PBF file: which file, which blob (counting from 0, the header
/// blob included) and byte offset, what is wrong, and what to do about it.
public struct PBFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file's path as given.
    public let file: String
    /// The blob (file block) where the problem is, counting from 0; nil for problems of the whole file.
    public let blob: Int?
    /// The byte offset of that blob's header in the file.
    public let offset: Int?
    /// What is wrong.
    public let message: String
    /// What the user can do.
    public let fix: String

    public var description: String {
        var source = file
        if let blob { source += ", blob \(blob)" }
        if let offset { source += " (byte \(offset))" }
        return ProblemText.format(source: source, line: nil, message, fix: fix)
    }

    static let damaged = "the file is damaged or truncated; download the extract again (or check it with `osmium fileinfo -e`)"
}

/// An OpenStreetMap PBF file (<https://wiki.openstreetmap.org/wiki/PBF_Format>), read by hand.
///
/// The file is a sequence of blocks: a 4-byte big-endian length, a `BlobHeader` (fileformat.proto:
/// `type` = "OSMHeader" or "OSMData", `datasize`), then a `Blob` of that size holding one
/// `HeaderBlock` or `PrimitiveBlock` (osmformat.proto), stored raw or zlib-compressed. Protocol
/// buffers are decoded by hand (``WireReader``), with no generated code and no plugin to build:
/// routing needs only nodes (plain and dense), ways and the string table, a few hundred lines.
///
/// Only what routing needs is decoded: node ids and positions, way ids, node references and tags.
/// Relations, metadata (`Info`, `DenseInfo`) and node tags are skipped. Files whose header requires
/// a feature other than `OsmSchema-V0.6` and `DenseNodes` (for example `HistoricalInformation`)
/// are refused, as the format asks. Blobs compressed with lzma, lz4 or zstd are refused with a
/// message saying how to recompress.
///
/// The file is memory-mapped; blobs decode independently, so callers may decode them concurrently.
struct PBFFile: Sendable {
    /// Where a data blob lies in the file.
    struct BlobLocation: Sendable {
        let index: Int
        let headerOffset: Int
        let dataOffset: Int
        let dataSize: Int
    }

    let path: String
    let data: Data
    /// The `OSMData` blobs, in file order.
    let dataBlobs: [BlobLocation]
    /// The header block's `required_features`.
    let requiredFeatures: [String]

    /// The largest `BlobHeader` (64 KiB) and `Blob` (32 MiB) the format allows.
    static let maximumHeaderSize = 64 * 1024
    static let maximumBlobSize = 32 * 1024 * 1024
    static let supportedFeatures: Set<String> = ["OsmSchema-V0.6", "DenseNodes"]

    init(url: URL) throws(PBFError) {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PBFError(file: path, blob: nil, offset: nil, message: "no such file",
                           fix: "check the path of the OpenStreetMap extract (.osm.pbf)")
        }
        guard !isDirectory.boolValue else {
            throw PBFError(file: path, blob: nil, offset: nil, message: "is a folder, not an .osm.pbf file",
                           fix: "name the extract file itself")
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw PBFError(file: path, blob: nil, offset: nil, message: "cannot be read (\(error.localizedDescription))",
                           fix: "check that the file exists and is readable")
        }
        try self.init(data: data, path: path)
    }

    init(data: Data, path: String) throws(PBFError) {
        self.path = path
        self.data = data
        var blobs: [BlobLocation] = []
        var features: [String]? = nil
        var offset = 0
        var index = 0
        let result: Result<Void, PBFError> = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            do throws(PBFError) {
                while offset < bytes.count {
                    func fail(_ message: String) -> PBFError {
                        PBFError(file: path, blob: index, offset: offset, message: message, fix: PBFError.damaged)
                    }
                    guard bytes.count - offset >= 4 else { throw fail("the file ends inside a block length") }
                    let headerLength = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16
                        | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                    guard headerLength > 0, headerLength <= Self.maximumHeaderSize else {
                        if offset == 0 {
                            throw PBFError(file: path, blob: nil, offset: nil,
                                           message: "is not an OpenStreetMap PBF file (its first block length is \(headerLength) bytes)",
                                           fix: "give an .osm.pbf extract (OSM XML, .osm.bz2 and .o5m are not read; convert with `osmium cat IN -o OUT.osm.pbf`)")
                        }
                        throw fail("a block header of \(headerLength) bytes is outside the format's limit of \(Self.maximumHeaderSize)")
                    }
                    guard bytes.count - offset - 4 >= headerLength else { throw fail("the file ends inside a block header") }
                    var reader = WireReader(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + headerLength)]))
                    var type: String? = nil
                    var dataSize: Int? = nil
                    do {
                        while let (number, wireType) = try reader.field() {
                            switch number {
                            case 1: type = String(decoding: try reader.bytesField(wireType: wireType, name: "BlobHeader.type"), as: UTF8.self)
                            case 3: dataSize = Int(truncatingIfNeeded: try reader.varintField(wireType: wireType, name: "BlobHeader.datasize"))
                            default: try reader.skip(wireType: wireType)
                            }
                        }
                    } catch {
                        throw fail("its block header cannot be decoded: \(error)")
                    }
                    guard let type, let dataSize else { throw fail("its block header lacks the type or the data size") }
                    guard dataSize >= 0, dataSize <= Self.maximumBlobSize else {
                        throw fail("a blob of \(dataSize) bytes is outside the format's limit of \(Self.maximumBlobSize)")
                    }
                    let dataOffset = offset + 4 + headerLength
                    guard bytes.count - dataOffset >= dataSize else {
                        throw fail("the file ends inside a blob (\(dataSize) bytes stated, \(bytes.count - dataOffset) left)")
                    }
                    let location = BlobLocation(index: index, headerOffset: offset, dataOffset: dataOffset, dataSize: dataSize)
                    if type == "OSMHeader" {
                        guard features == nil else { throw fail("a second OSMHeader block") }
                        let block = try Self.decompress(bytes: bytes, location, path: path)
                        features = try Self.requiredFeatures(of: block, location, path: path)
                    } else if type == "OSMData" {
                        guard features != nil else { throw fail("a data block comes before the OSMHeader block") }
                        blobs.append(location)
                    }
                    // Other block types are skipped, as the format asks.
                    offset = dataOffset + dataSize
                    index += 1
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        guard let features else {
            throw PBFError(file: path, blob: nil, offset: nil, message: "has no OSMHeader block (empty or not a PBF file)",
                           fix: "give an .osm.pbf extract")
        }
        let unsupported = features.filter { !Self.supportedFeatures.contains($0) }
        guard unsupported.isEmpty else {
            throw PBFError(file: path, blob: 0, offset: 0,
                           message: "requires the feature(s) \(unsupported.joined(separator: ", ")), which CareAtlas does not read",
                           fix: unsupported.contains("HistoricalInformation")
                               ? "this is a history file; use a current extract (e.g. from Geofabrik)"
                               : "convert it with `osmium cat IN -o OUT.osm.pbf`")
        }
        requiredFeatures = features
        dataBlobs = blobs
    }

    /// The decompressed contents of a blob.
    func decompress(_ location: BlobLocation) throws(PBFError) -> Data {
        let path = self.path
        let result: Result<Data, PBFError> = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            do throws(PBFError) { return .success(try Self.decompress(bytes: bytes, location, path: path)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func decompress(bytes: UnsafeRawBufferPointer, _ location: BlobLocation, path: String) throws(PBFError) -> Data {
        func fail(_ message: String, fix: String = PBFError.damaged) -> PBFError {
            PBFError(file: path, blob: location.index, offset: location.headerOffset, message: message, fix: fix)
        }
        var reader = WireReader(UnsafeRawBufferPointer(
            rebasing: bytes[location.dataOffset..<(location.dataOffset + location.dataSize)]))
        var raw: UnsafeRawBufferPointer? = nil
        var zlib: UnsafeRawBufferPointer? = nil
        var rawSize: Int? = nil
        var otherCompression: String? = nil
        do {
            while let (number, wireType) = try reader.field() {
                switch number {
                case 1: raw = try reader.bytesField(wireType: wireType, name: "Blob.raw")
                case 2: rawSize = Int(truncatingIfNeeded: try reader.varintField(wireType: wireType, name: "Blob.raw_size"))
                case 3: zlib = try reader.bytesField(wireType: wireType, name: "Blob.zlib_data")
                case 4: otherCompression = "lzma"; try reader.skip(wireType: wireType)
                case 5: otherCompression = "bzip2"; try reader.skip(wireType: wireType)
                case 6: otherCompression = "lz4"; try reader.skip(wireType: wireType)
                case 7: otherCompression = "zstd"; try reader.skip(wireType: wireType)
                default: try reader.skip(wireType: wireType)
                }
            }
        } catch {
            throw fail("the blob cannot be decoded: \(error)")
        }
        if let raw { return Data(raw) }
        if let zlib {
            guard let rawSize, rawSize >= 0, rawSize <= maximumBlobSize else {
                throw fail("a zlib blob without a valid raw_size")
            }
            do {
                return try Inflate.decompress(Data(zlib), format: .zlib, expectedSize: rawSize,
                                              source: "\(path), blob \(location.index)")
            } catch {
                throw fail("cannot decompress: \(error.detail)")
            }
        }
        if let otherCompression {
            throw fail("the blob is compressed with \(otherCompression), which CareAtlas does not read",
                       fix: "recompress with zlib: `osmium cat IN -o OUT.osm.pbf --output-format pbf,pbf_compression=zlib`")
        }
        throw fail("the blob holds no data")
    }

    private static func requiredFeatures(of block: Data, _ location: BlobLocation, path: String) throws(PBFError) -> [String] {
        var features: [String] = []
        let result: Result<Void, WireError> = block.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            do throws(WireError) {
                var reader = WireReader(bytes)
                while let (number, wireType) = try reader.field() {
                    if number == 4 {
                        features.append(String(decoding: try reader.bytesField(wireType: wireType, name: "HeaderBlock.required_features"), as: UTF8.self))
                    } else {
                        try reader.skip(wireType: wireType)
                    }
                }
                return .success(())
            } catch { return .failure(error) }
        }
        if case .failure(let error) = result {
            throw PBFError(file: path, blob: location.index, offset: location.headerOffset,
                           message: "the header block cannot be decoded: \(error)", fix: PBFError.damaged)
        }
        return features
    }
}
