import CareFormats
import Foundation

extension RoadNetwork {
    /// Like ``load(pbf:mode:progress:)``, reusing a graph cached in `cacheFolder` when the extract
    /// has not changed since it was built.
    ///
    /// The cache file `<extract name>.<mode>.careatlas-graph` holds the nodes and road segments
    /// (the edges and the snapping grid are rebuilt from them in seconds). It is used only when
    /// its header matches the extract's size and modification time, the mode, and
    /// ``GraphCache/rulesVersion``; otherwise, or when it is damaged, the graph is built from the
    /// extract again and the cache rewritten (atomically). A cache that cannot be written is
    /// reported through `progress` and does not fail the load.
    public static func load(pbf url: URL, mode: TravelMode, cacheFolder: URL,
                            progress: (@Sendable (String) -> Void)? = nil) throws(PBFError) -> RoadNetwork {
        let cacheFile = cacheFolder.appendingPathComponent("\(url.lastPathComponent).\(mode.rawValue).careatlas-graph")
        let key = GraphCache.Key(pbf: url, mode: mode)
        if let key, let segments = GraphCache.read(cacheFile, key: key) {
            progress?("reusing the cached \(mode.rawValue) graph \(cacheFile.path)")
            return RoadNetwork(mode: mode, source: url.path, segments: segments)
        }
        let network = try load(pbf: url, mode: mode, progress: progress)
        if let key {
            do {
                try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true)
                try GraphCache.write(network, key: key, to: cacheFile)
                progress?("graph cached in \(cacheFile.path)")
            } catch {
                progress?("could not write the graph cache \(cacheFile.path): \(error)")
            }
        }
        return network
    }
}

/// The graph cache file: `CAGRAPH1`, a little-endian UInt32 length and a JSON header (the key,
/// the counts, the fastest speed and the load diagnostics), then the arrays as raw little-endian
/// values: node ids (Int64), latitudes, longitudes (Float64), segment ends a, b (UInt32), seconds
/// a→b, b→a (Float64, +∞ where not allowed).
public enum GraphCache {
    /// Changes whenever ``TravelMode``'s rules or the segment construction change, so that a cache
    /// built by an older CareAtlas is rebuilt rather than reused.
    public static let rulesVersion = 1

    static let magic = Array("CAGRAPH1".utf8)

    struct Key: Codable, Equatable {
        var pbfSize: Int64
        var pbfModified: Double
        var mode: String
        var rulesVersion: Int

        init?(pbf: URL, mode: TravelMode) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: pbf.path),
                  let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date else { return nil }
            pbfSize = size.int64Value
            pbfModified = modified.timeIntervalSince1970
            self.mode = mode.rawValue
            rulesVersion = GraphCache.rulesVersion
        }
    }

    struct Header: Codable {
        var key: Key
        var nodeCount: Int
        var segmentCount: Int
        var fastestMetresPerSecond: Double
        var diagnostics: RoadNetwork.LoadDiagnostics
    }

    static func write(_ network: RoadNetwork, key: Key, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = try encoder.encode(Header(key: key, nodeCount: network.nodeCount, segmentCount: network.segmentCount,
                                               fastestMetresPerSecond: network.maximumSpeedMetresPerSecond,
                                               diagnostics: network.diagnostics))
        var data = Data(magic)
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        func append<T>(_ array: [T]) { array.withUnsafeBytes { data.append(contentsOf: $0) } }
        append(network.osmIDs)
        append(network.latitudes)
        append(network.longitudes)
        append(network.segmentA)
        append(network.segmentB)
        append(network.segmentSecondsAB)
        append(network.segmentSecondsBA)
        try AtomicFile.write(data, to: url)
    }

    /// The cached segments, or nil when the file is absent, stale or damaged.
    static func read(_ url: URL, key: Key) -> RoadNetwork.Segments? {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped), data.count >= 12,
              Array(data.prefix(8)) == magic else { return nil }
        let headerLength = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
        guard data.count >= 12 + headerLength,
              let header = try? JSONDecoder().decode(Header.self, from: data.subdata(in: 12..<(12 + headerLength))),
              header.key == key, header.nodeCount >= 0, header.segmentCount >= 0 else { return nil }
        let n = header.nodeCount, s = header.segmentCount
        guard data.count == 12 + headerLength + n * 24 + s * 24 else { return nil }
        var offset = 12 + headerLength
        func take<T>(_ count: Int, _ type: T.Type) -> [T] {
            let bytes = count * MemoryLayout<T>.stride
            defer { offset += bytes }
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                data.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + bytes)]))
                }
                initialized = count
            }
        }
        let segments = RoadNetwork.Segments(
            nodeIDs: take(n, Int64.self), latitudes: take(n, Double.self), longitudes: take(n, Double.self),
            a: take(s, UInt32.self), b: take(s, UInt32.self), secondsAB: take(s, Double.self), secondsBA: take(s, Double.self),
            fastestMetresPerSecond: header.fastestMetresPerSecond, diagnostics: header.diagnostics)
        // Damage that would break the graph: an end outside the nodes, a negative or NaN time.
        guard segments.a.allSatisfy({ Int($0) < n }), segments.b.allSatisfy({ Int($0) < n }),
              segments.secondsAB.allSatisfy({ $0 >= 0 }), segments.secondsBA.allSatisfy({ $0 >= 0 }),
              zip(segments.nodeIDs, segments.nodeIDs.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        return segments
    }
}
