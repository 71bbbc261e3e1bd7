import Foundation

/// A way as routing sees it: its id, node references in order, and tags.
struct DecodedWay: Sendable {
    let id: Int64
    let refs: [Int64]
    let tags: [String: String]
}

/// What one `PrimitiveBlock` (osmformat.proto) holds that routing needs.
struct PrimitiveBlockContent: Sendable {
    /// Node ids with their latitude and longitude in degrees (when nodes were asked for).
    var nodeIDs: [Int64] = []
    var nodeLatitudes: [Double] = []
    var nodeLongitudes: [Double] = []
    /// Ways that carry the required tag key (when ways were asked for).
    var ways: [DecodedWay] = []
    /// Ways with the tag key that a filter dropped (counted for the diagnostics).
    var droppedWays = 0
    /// Whether the block holds any nodes at all (so that a second pass can skip it when it does not).
    var hasNodes = false
}

enum PrimitiveBlockDecoder {
    /// Decodes a `PrimitiveBlock`.
    ///
    /// Fields used: `stringtable` (1), `primitivegroup` (2), `granularity` (17, default 100 nanodegrees),
    /// `lat_offset` (19), `lon_offset` (20). Positions are `1e-9 × (offset + granularity × value)`
    /// degrees. In a group: `nodes` (1), `dense` (2: ids, latitudes and longitudes delta-coded as packed
    /// `sint64`), `ways` (3: `keys`/`vals` as string-table indices, `refs` delta-coded `sint64`);
    /// relations and changesets are skipped.
    ///
    /// - Parameters:
    ///   - wantNodes: decode node positions.
    ///   - wayKey: when non-nil, decode the ways that have this tag key (others are skipped).
    static func decode(_ block: Data, wantNodes: Bool, wayKey: String?) throws(WireError) -> PrimitiveBlockContent {
        let result: Result<PrimitiveBlockContent, WireError> = block.withUnsafeBytes { bytes in
            do throws(WireError) { return .success(try decode(bytes: bytes, wantNodes: wantNodes, wayKey: wayKey)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func decode(bytes: UnsafeRawBufferPointer, wantNodes: Bool, wayKey: String?) throws(WireError) -> PrimitiveBlockContent {
        var reader = WireReader(bytes)
        var strings: [UnsafeRawBufferPointer] = []
        var groups: [UnsafeRawBufferPointer] = []
        var granularity: Int64 = 100
        var latOffset: Int64 = 0
        var lonOffset: Int64 = 0
        while let (number, wireType) = try reader.field() {
            switch number {
            case 1:
                var table = WireReader(try reader.bytesField(wireType: wireType, name: "PrimitiveBlock.stringtable"))
                while let (n, w) = try table.field() {
                    if n == 1 { strings.append(try table.bytesField(wireType: w, name: "StringTable.s")) } else { try table.skip(wireType: w) }
                }
            case 2: groups.append(try reader.bytesField(wireType: wireType, name: "PrimitiveBlock.primitivegroup"))
            case 17:
                granularity = Int64(truncatingIfNeeded: try reader.varintField(wireType: wireType, name: "granularity"))
                guard granularity > 0 else { throw WireError("granularity \(granularity) is not positive") }
            case 19: latOffset = Int64(bitPattern: try reader.varintField(wireType: wireType, name: "lat_offset"))
            case 20: lonOffset = Int64(bitPattern: try reader.varintField(wireType: wireType, name: "lon_offset"))
            default: try reader.skip(wireType: wireType)
            }
        }
        var content = PrimitiveBlockContent()
        let keyIndex: Int? = wayKey.flatMap { key in
            let utf8 = Array(key.utf8)
            return strings.firstIndex { $0.elementsEqual(utf8) }
        }
        func string(_ index: UInt64) throws(WireError) -> String {
            guard index < UInt64(strings.count) else {
                throw WireError("a string-table index \(index) is beyond the block's \(strings.count) strings")
            }
            return String(decoding: strings[Int(index)], as: UTF8.self)
        }
        // Divided (not multiplied by 1e-9) so that the result is the correctly rounded decimal value,
        // the same double as other readers that divide the fixed-point value.
        func latitude(_ raw: Int64) -> Double { Double(latOffset &+ granularity &* raw) / 1e9 }
        func longitude(_ raw: Int64) -> Double { Double(lonOffset &+ granularity &* raw) / 1e9 }

        for group in groups {
            var g = WireReader(group)
            while let (number, wireType) = try g.field() {
                switch number {
                case 1: // Node
                    content.hasNodes = true
                    let node = try g.bytesField(wireType: wireType, name: "PrimitiveGroup.nodes")
                    guard wantNodes else { continue }
                    var n = WireReader(node)
                    var id: Int64? = nil, lat: Int64? = nil, lon: Int64? = nil
                    while let (f, w) = try n.field() {
                        switch f {
                        case 1: guard w == 0 else { throw WireError("Node.id has wire type \(w)") }; id = try n.signedVarint()
                        case 8: guard w == 0 else { throw WireError("Node.lat has wire type \(w)") }; lat = try n.signedVarint()
                        case 9: guard w == 0 else { throw WireError("Node.lon has wire type \(w)") }; lon = try n.signedVarint()
                        default: try n.skip(wireType: w)
                        }
                    }
                    guard let id, let lat, let lon else { throw WireError("a node lacks its id, lat or lon") }
                    content.nodeIDs.append(id)
                    content.nodeLatitudes.append(latitude(lat))
                    content.nodeLongitudes.append(longitude(lon))
                case 2: // DenseNodes
                    content.hasNodes = true
                    let dense = try g.bytesField(wireType: wireType, name: "PrimitiveGroup.dense")
                    guard wantNodes else { continue }
                    var d = WireReader(dense)
                    var ids = WireReader(UnsafeRawBufferPointer(start: nil, count: 0))
                    var lats = ids, lons = ids
                    while let (f, w) = try d.field() {
                        switch f {
                        case 1: ids = WireReader(try d.bytesField(wireType: w, name: "DenseNodes.id"))
                        case 8: lats = WireReader(try d.bytesField(wireType: w, name: "DenseNodes.lat"))
                        case 9: lons = WireReader(try d.bytesField(wireType: w, name: "DenseNodes.lon"))
                        default: try d.skip(wireType: w)
                        }
                    }
                    var id: Int64 = 0, lat: Int64 = 0, lon: Int64 = 0
                    while !ids.isAtEnd {
                        guard !lats.isAtEnd, !lons.isAtEnd else {
                            throw WireError("dense nodes have more ids than latitudes or longitudes")
                        }
                        id &+= try ids.signedVarint()
                        lat &+= try lats.signedVarint()
                        lon &+= try lons.signedVarint()
                        content.nodeIDs.append(id)
                        content.nodeLatitudes.append(latitude(lat))
                        content.nodeLongitudes.append(longitude(lon))
                    }
                    guard lats.isAtEnd, lons.isAtEnd else {
                        throw WireError("dense nodes have more latitudes or longitudes than ids")
                    }
                case 3: // Way
                    let way = try g.bytesField(wireType: wireType, name: "PrimitiveGroup.ways")
                    guard let keyIndex else { continue }
                    var r = WireReader(way)
                    var id: Int64? = nil
                    var keys: [UInt64] = [], values: [UInt64] = []
                    var refs: UnsafeRawBufferPointer? = nil
                    var refsUnpacked: [Int64] = []
                    while let (f, w) = try r.field() {
                        switch f {
                        case 1: id = Int64(bitPattern: try r.varintField(wireType: w, name: "Way.id"))
                        case 2: try r.repeatedVarints(wireType: w, name: "Way.keys", into: &keys)
                        case 3: try r.repeatedVarints(wireType: w, name: "Way.vals", into: &values)
                        case 8:
                            if w == 2 { refs = try r.lengthDelimited() } else { try r.repeatedSignedVarints(wireType: w, name: "Way.refs", into: &refsUnpacked) }
                        default: try r.skip(wireType: w)
                        }
                    }
                    guard let id else { throw WireError("a way lacks its id") }
                    guard keys.count == values.count else {
                        throw WireError("way \(id) has \(keys.count) tag keys but \(values.count) values")
                    }
                    guard keys.contains(UInt64(keyIndex)) else { continue }
                    var tags: [String: String] = [:]
                    for (k, v) in zip(keys, values) { tags[try string(k)] = try string(v) }
                    var deltas = refsUnpacked
                    if let refs {
                        var p = WireReader(refs)
                        while !p.isAtEnd { deltas.append(try p.signedVarint()) }
                    }
                    var nodeRefs: [Int64] = []
                    nodeRefs.reserveCapacity(deltas.count)
                    var current: Int64 = 0
                    for delta in deltas { current &+= delta; nodeRefs.append(current) }
                    content.ways.append(DecodedWay(id: id, refs: nodeRefs, tags: tags))
                default:
                    try g.skip(wireType: wireType)
                }
            }
        }
        return content
    }
}
