import CareFormats
import Foundation

/// A routable road network for one ``TravelMode``: nodes, directed edges in compressed sparse rows
/// with their travel time in seconds, and the undirected road segments behind them for snapping.
///
/// Every pair of consecutive nodes of a usable way is one segment; its length is the haversine
/// distance (``Geodesy``) and its travel time `length / (speed / 3.6)` seconds with the way's speed
/// from ``TravelMode/rule(tags:)``. A segment gives the edge a→b when the way may be travelled
/// forward and b→a when backward. Nodes are numbered in increasing OSM id order, edges grouped by
/// their tail node in the order of the segments, so the graph is the same on every run.
///
/// Memory: per node 8 (id) + 16 (position) + 16 (row starts) bytes, per directed edge 24 bytes
/// (stored forward and reversed), per segment 24 bytes plus the snapping grid.
///
/// Thread-safety: immutable after construction; every method may be called concurrently.
public final class RoadNetwork: Sendable {
    /// The mode the network was built for.
    public let mode: TravelMode
    /// Where the network came from (the PBF path, or a caller's label).
    public let source: String
    /// What was read and what was left out, with counts.
    public let diagnostics: LoadDiagnostics

    let osmIDs: [Int64]
    let latitudes: [Double]
    let longitudes: [Double]
    let edgeStart: [Int]
    let edgeTarget: [UInt32]
    let edgeSeconds: [Double]
    /// The same edges grouped by head node (row v lists the tails u of edges u→v), for searches
    /// towards a destination.
    let reverseEdgeStart: [Int]
    let reverseEdgeTarget: [UInt32]
    let reverseEdgeSeconds: [Double]
    let segmentA: [UInt32]
    let segmentB: [UInt32]
    /// Seconds from a to b, +∞ where that direction is not allowed (likewise b to a).
    let segmentSecondsAB: [Double]
    let segmentSecondsBA: [Double]
    let grid: SegmentGrid
    /// The fastest speed on any segment, m/s (for straight-line bounds).
    let maximumSpeedMetresPerSecond: Double

    /// The number of nodes (every node of a usable way that has a position).
    public var nodeCount: Int { osmIDs.count }
    /// The number of directed edges.
    public var edgeCount: Int { edgeTarget.count }
    /// The number of road segments (pairs of consecutive way nodes).
    public var segmentCount: Int { segmentA.count }

    /// What loading read and what it left out. Nothing is dropped without being counted here.
    public struct LoadDiagnostics: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Ways with a `highway` tag that were read.
        public var highwayWays = 0
        /// Of those, ways usable in the mode (the rest: a class not in the speed table, access
        /// `no`/`private`, `area=yes`, reversible one-ways).
        public var usableWays = 0
        /// Segments left out because one of their nodes is not in the extract (ways cut at the
        /// extract's edge), and the ids of up to 10 such ways.
        public var segmentsWithMissingNodes = 0
        public var waysWithMissingNodes: [Int64] = []
        /// Segments whose two ends are the same node (repeated references), left out.
        public var degenerateSegments = 0
        /// Ways with a `maxspeed` tag that could not be parsed (the table's speed was used), and up
        /// to 10 of the values.
        public var unparsedMaxspeed = 0
        public var unparsedMaxspeedExamples: [String] = []

        public var description: String {
            var text = "\(usableWays) of \(highwayWays) highway ways usable"
            if segmentsWithMissingNodes > 0 {
                text += "; \(segmentsWithMissingNodes) segments left out because a node is outside the extract (ways \(waysWithMissingNodes.map(String.init).joined(separator: ", ")))"
            }
            if degenerateSegments > 0 { text += "; \(degenerateSegments) repeated-node segments left out" }
            if unparsedMaxspeed > 0 {
                text += "; \(unparsedMaxspeed) maxspeed values not understood, table speed used (e.g. \(unparsedMaxspeedExamples.joined(separator: ", ")))"
            }
            return text
        }
    }

    /// A way as given to ``init(mode:source:nodeIDs:latitudes:longitudes:ways:)``.
    public struct SourceWay: Sendable {
        public let id: Int64
        public let refs: [Int64]
        public let tags: [String: String]
        public init(id: Int64, refs: [Int64], tags: [String: String]) {
            self.id = id
            self.refs = refs
            self.tags = tags
        }
    }

    // MARK: - Loading

    /// Reads an OpenStreetMap extract (`.osm.pbf`) and builds the network for `mode`.
    ///
    /// Two passes over the file: the first decodes the ways with a `highway` tag and keeps those
    /// usable in the mode; the second decodes only the blocks that hold nodes and keeps the positions
    /// of the nodes those ways reference. Blocks are decoded on all cores.
    ///
    /// - Parameter progress: called with a short English line per stage (for a terminal).
    /// - Throws: ``PBFError`` naming the file and blob for a damaged or unsupported file, or when no
    ///   usable road is found.
    public static func load(pbf url: URL, mode: TravelMode, progress: (@Sendable (String) -> Void)? = nil) throws(PBFError) -> RoadNetwork {
        let file = try PBFFile(url: url)
        progress?("\(url.lastPathComponent): \(file.dataBlobs.count) data blocks; reading ways")
        let blobs = file.dataBlobs
        // Ways not usable in the mode (footways for a car, buildings are never read) are dropped in
        // the workers and only counted, so that a large extract's tags are not all held at once.
        let wayResults = try decodeAll(file, blobs) { content in
            var kept = content
            kept.ways = content.ways.filter { mode.rule(tags: $0.tags) != nil }
            kept.droppedWays = content.ways.count - kept.ways.count
            return kept
        }
        var ways: [SourceWay] = []
        var nodeBlobs: [PBFFile.BlobLocation] = []
        var droppedWays = 0
        for (blob, content) in zip(blobs, wayResults) {
            if content.hasNodes { nodeBlobs.append(blob) }
            droppedWays += content.droppedWays
            for way in content.ways { ways.append(SourceWay(id: way.id, refs: way.refs, tags: way.tags)) }
        }
        var needed: [Int64] = []
        for way in ways { needed.append(contentsOf: way.refs) }
        needed.sort()
        needed = uniqueSorted(needed)
        progress?("\(ways.count + droppedWays) highway ways, \(ways.count) usable by \(mode.rawValue), \(needed.count) nodes referenced; reading node positions")
        let neededIDs = needed
        let nodeResults = try decodeAll(file, nodeBlobs, wantNodes: true) { content in
            // Keep only referenced nodes (a city extract has ten times more nodes than roads use).
            var kept = PrimitiveBlockContent()
            for i in content.nodeIDs.indices where binarySearch(neededIDs, content.nodeIDs[i]) != nil {
                kept.nodeIDs.append(content.nodeIDs[i])
                kept.nodeLatitudes.append(content.nodeLatitudes[i])
                kept.nodeLongitudes.append(content.nodeLongitudes[i])
            }
            return kept
        }
        var ids: [Int64] = [], lats: [Double] = [], lons: [Double] = []
        for content in nodeResults {
            ids.append(contentsOf: content.nodeIDs)
            lats.append(contentsOf: content.nodeLatitudes)
            lons.append(contentsOf: content.nodeLongitudes)
        }
        progress?("\(ids.count) node positions; building the \(mode.rawValue) graph")
        let network = RoadNetwork(mode: mode, source: url.path, nodeIDs: ids, latitudes: lats, longitudes: lons, ways: ways,
                                  unusableWays: droppedWays)
        guard network.segmentCount > 0 else {
            throw PBFError(file: url.path, blob: nil, offset: nil,
                           message: "holds no road usable by \(mode.rawValue) (\(network.diagnostics))",
                           fix: "check that the extract covers the study region and has highway ways")
        }
        progress?("\(network.nodeCount) nodes, \(network.edgeCount) edges; \(network.diagnostics)")
        return network
    }

    private static func decodeAll(_ file: PBFFile, _ blobs: [PBFFile.BlobLocation], wantNodes: Bool = false,
                                  transform: @escaping @Sendable (PrimitiveBlockContent) -> PrimitiveBlockContent) throws(PBFError) -> [PrimitiveBlockContent] {
        let notDecoded = PBFError(file: file.path, blob: nil, offset: nil, message: "a data block was not decoded (an internal error)",
                                  fix: "run the command again; report it if it persists")
        let slots = Slots<Result<PrimitiveBlockContent, PBFError>>(count: blobs.count, initial: .failure(notDecoded))
        Parallel.forEach(count: blobs.count) { i in
            let blob = blobs[i]
            do throws(PBFError) {
                let data = try file.decompress(blob)
                do throws(WireError) {
                    let content = try PrimitiveBlockDecoder.decode(data, wantNodes: wantNodes, wayKey: wantNodes ? nil : "highway")
                    slots.set(i, .success(transform(content)))
                } catch {
                    slots.set(i, .failure(PBFError(file: file.path, blob: blob.index, offset: blob.headerOffset,
                                                   message: "the data block cannot be decoded: \(error)", fix: PBFError.damaged)))
                }
            } catch {
                slots.set(i, .failure(error))
            }
        }
        var results: [PrimitiveBlockContent] = []
        results.reserveCapacity(blobs.count)
        for i in 0..<blobs.count {
            switch slots.get(i) {
            case .success(let content): results.append(content)
            case .failure(let error): throw error
            }
        }
        return results
    }

    // MARK: - Building

    /// Builds the network from nodes and ways given directly (a generated grid, a test graph).
    /// Ways go through the same ``TravelMode/rule(tags:)`` as ways read from a PBF file; nodes that
    /// no usable way references are left out.
    ///
    /// - Precondition: `nodeIDs`, `latitudes` and `longitudes` have the same length.
    public convenience init(mode: TravelMode, source: String, nodeIDs: [Int64], latitudes: [Double], longitudes: [Double], ways: [SourceWay]) {
        self.init(mode: mode, source: source, nodeIDs: nodeIDs, latitudes: latitudes, longitudes: longitudes, ways: ways, unusableWays: 0)
    }

    /// `unusableWays`: highway ways already dropped by the caller as unusable (counted only).
    convenience init(mode: TravelMode, source: String, nodeIDs: [Int64], latitudes: [Double], longitudes: [Double], ways: [SourceWay],
                     unusableWays: Int) {
        precondition(nodeIDs.count == latitudes.count && nodeIDs.count == longitudes.count)
        var diagnostics = LoadDiagnostics()
        diagnostics.highwayWays = unusableWays

        // Usable ways and the nodes they reference.
        var rules: [(way: SourceWay, rule: TravelMode.WayRule)] = []
        for way in ways {
            diagnostics.highwayWays += 1
            guard let rule = mode.rule(tags: way.tags) else { continue }
            diagnostics.usableWays += 1
            if mode == .car, let maxspeed = way.tags["maxspeed"], TravelMode.parseMaxspeed(maxspeed) == nil {
                diagnostics.unparsedMaxspeed += 1
                if diagnostics.unparsedMaxspeedExamples.count < 10, !diagnostics.unparsedMaxspeedExamples.contains(maxspeed) {
                    diagnostics.unparsedMaxspeedExamples.append(maxspeed)
                }
            }
            rules.append((way, rule))
        }
        var referenced: [Int64] = []
        for (way, _) in rules { referenced.append(contentsOf: way.refs) }
        referenced.sort()
        referenced = uniqueSorted(referenced)

        // Nodes: referenced ids that have a position, in id order (the first position of a repeated id wins).
        let order = nodeIDs.indices.sorted { (nodeIDs[$0], $0) < (nodeIDs[$1], $1) }
        var ids: [Int64] = [], lats: [Double] = [], lons: [Double] = []
        for i in order where binarySearch(referenced, nodeIDs[i]) != nil && ids.last != nodeIDs[i] {
            ids.append(nodeIDs[i])
            lats.append(latitudes[i])
            lons.append(longitudes[i])
        }

        // Segments.
        var segA: [UInt32] = [], segB: [UInt32] = [], secondsAB: [Double] = [], secondsBA: [Double] = []
        var fastest = 0.0
        for (way, rule) in rules {
            let metresPerSecond = rule.speedKmh / 3.6
            fastest = max(fastest, metresPerSecond)
            var missing = false
            for k in 1..<max(way.refs.count, 1) {
                guard let a = binarySearch(ids, way.refs[k - 1]), let b = binarySearch(ids, way.refs[k]) else {
                    diagnostics.segmentsWithMissingNodes += 1
                    missing = true
                    continue
                }
                guard a != b else { diagnostics.degenerateSegments += 1; continue }
                let metres = Geodesy.haversineMetres(lat1: lats[a], lon1: lons[a], lat2: lats[b], lon2: lons[b])
                let seconds = metres / metresPerSecond
                segA.append(UInt32(a))
                segB.append(UInt32(b))
                secondsAB.append(rule.forward ? seconds : .infinity)
                secondsBA.append(rule.backward ? seconds : .infinity)
            }
            if missing, diagnostics.waysWithMissingNodes.count < 10 { diagnostics.waysWithMissingNodes.append(way.id) }
        }

        self.init(mode: mode, source: source, segments: Segments(
            nodeIDs: ids, latitudes: lats, longitudes: lons, a: segA, b: segB, secondsAB: secondsAB, secondsBA: secondsBA,
            fastestMetresPerSecond: fastest, diagnostics: diagnostics))
    }

    /// Nodes and road segments: everything the graph is built from (and what the cache stores).
    struct Segments {
        var nodeIDs: [Int64]
        var latitudes: [Double]
        var longitudes: [Double]
        var a: [UInt32]
        var b: [UInt32]
        var secondsAB: [Double]
        var secondsBA: [Double]
        var fastestMetresPerSecond: Double
        var diagnostics: LoadDiagnostics
    }

    /// The edges (forward and reversed compressed rows) and the snapping grid from the segments.
    init(mode: TravelMode, source: String, segments: Segments) {
        self.mode = mode
        self.source = source
        let ids = segments.nodeIDs, lats = segments.latitudes, lons = segments.longitudes
        let segA = segments.a, segB = segments.b, secondsAB = segments.secondsAB, secondsBA = segments.secondsBA
        let fastest = segments.fastestMetresPerSecond, diagnostics = segments.diagnostics
        // Directed edges in compressed sparse rows, grouped by tail, in segment order.
        var degree = [Int](repeating: 0, count: ids.count + 1)
        for s in segA.indices {
            if secondsAB[s].isFinite { degree[Int(segA[s]) + 1] += 1 }
            if secondsBA[s].isFinite { degree[Int(segB[s]) + 1] += 1 }
        }
        for i in 0..<ids.count { degree[i + 1] += degree[i] }
        var fill = degree
        var targets = [UInt32](repeating: 0, count: degree[ids.count])
        var weights = [Double](repeating: 0, count: degree[ids.count])
        for s in segA.indices {
            if secondsAB[s].isFinite {
                let a = Int(segA[s]); targets[fill[a]] = segB[s]; weights[fill[a]] = secondsAB[s]; fill[a] += 1
            }
            if secondsBA[s].isFinite {
                let b = Int(segB[s]); targets[fill[b]] = segA[s]; weights[fill[b]] = secondsBA[s]; fill[b] += 1
            }
        }

        // The reversed edges, grouped by head, in the same segment order.
        var inDegree = [Int](repeating: 0, count: ids.count + 1)
        for s in segA.indices {
            if secondsAB[s].isFinite { inDegree[Int(segB[s]) + 1] += 1 }
            if secondsBA[s].isFinite { inDegree[Int(segA[s]) + 1] += 1 }
        }
        for i in 0..<ids.count { inDegree[i + 1] += inDegree[i] }
        var reverseFill = inDegree
        var reverseTargets = [UInt32](repeating: 0, count: inDegree[ids.count])
        var reverseWeights = [Double](repeating: 0, count: inDegree[ids.count])
        for s in segA.indices {
            if secondsAB[s].isFinite {
                let b = Int(segB[s]); reverseTargets[reverseFill[b]] = segA[s]; reverseWeights[reverseFill[b]] = secondsAB[s]; reverseFill[b] += 1
            }
            if secondsBA[s].isFinite {
                let a = Int(segA[s]); reverseTargets[reverseFill[a]] = segB[s]; reverseWeights[reverseFill[a]] = secondsBA[s]; reverseFill[a] += 1
            }
        }
        reverseEdgeStart = inDegree
        reverseEdgeTarget = reverseTargets
        reverseEdgeSeconds = reverseWeights

        osmIDs = ids
        self.latitudes = lats
        self.longitudes = lons
        edgeStart = degree
        edgeTarget = targets
        edgeSeconds = weights
        segmentA = segA
        segmentB = segB
        segmentSecondsAB = secondsAB
        segmentSecondsBA = secondsBA
        maximumSpeedMetresPerSecond = fastest
        grid = SegmentGrid(latitudes: lats, longitudes: lons, segmentA: segA, segmentB: segB)
        self.diagnostics = diagnostics
    }

    // MARK: - Nodes

    /// The graph index of the node with this OSM id, or nil when it is not in the network.
    public func nodeIndex(osmID: Int64) -> Int? { binarySearch(osmIDs, osmID) }

    /// The OSM id of a node.
    public func osmID(ofNode index: Int) -> Int64 { osmIDs[index] }

    /// The position of a node: longitude `x`, latitude `y`, degrees.
    public func position(ofNode index: Int) -> (lon: Double, lat: Double) { (longitudes[index], latitudes[index]) }

    /// A route point exactly at a node (no snapping).
    public func point(atNode index: Int) -> RoutePoint {
        RoutePoint(segment: -1, nodeA: UInt32(index), nodeB: UInt32(index), fraction: 0, snapDistanceMetres: 0,
                   lon: longitudes[index], lat: latitudes[index])
    }
}

// MARK: - Helpers

func uniqueSorted(_ sorted: [Int64]) -> [Int64] {
    var result: [Int64] = []
    result.reserveCapacity(sorted.count)
    for value in sorted where result.last != value { result.append(value) }
    return result
}

@inline(__always)
func binarySearch(_ sorted: [Int64], _ value: Int64) -> Int? {
    var low = 0, high = sorted.count
    while low < high {
        let mid = (low + high) >> 1
        if sorted[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low < sorted.count && sorted[low] == value ? low : nil
}
