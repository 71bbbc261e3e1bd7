import Foundation

/// Travel times from origins to destinations within a cutoff, kept sparse: only the pairs within
/// the cutoff are stored, row by row (one row per origin, destinations in increasing index order).
/// Memory is proportional to the pairs kept, never to origins × destinations.
///
/// A pair that is absent is "not reachable within the cutoff" when both points were routed; an
/// origin or destination listed in ``unroutedOrigins`` / ``unroutedDestinations`` has no data
/// (it could not be snapped), which is not the same as unreachable.
public struct TravelTimeTable: Sendable, Hashable {
    /// The number of origins and destinations given.
    public let originCount: Int
    public let destinationCount: Int
    /// The cutoff, seconds (pairs with a time ≤ cutoff are kept).
    public let cutoffSeconds: Double
    /// Row `o` is `rowStart[o]..<rowStart[o + 1]` in ``destinations`` and ``seconds``.
    public let rowStart: [Int]
    public let destinations: [Int32]
    public let seconds: [Double]
    /// Origins and destinations given as nil (not snapped): no data, not routed.
    public let unroutedOrigins: [Int]
    public let unroutedDestinations: [Int]

    /// The number of pairs kept.
    public var pairCount: Int { destinations.count }

    /// The pairs kept for one origin, destinations in increasing order.
    public func row(_ origin: Int) -> [(destination: Int, seconds: Double)] {
        (rowStart[origin]..<rowStart[origin + 1]).map { (Int(destinations[$0]), seconds[$0]) }
    }

    /// The travel time from `origin` to `destination`, or nil when not within the cutoff (or not routed).
    public func seconds(from origin: Int, to destination: Int) -> Double? {
        var low = rowStart[origin], high = rowStart[origin + 1]
        let target = Int32(destination)
        while low < high {
            let mid = (low + high) >> 1
            if destinations[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < rowStart[origin + 1] && destinations[low] == target ? seconds[low] : nil
    }
}

extension RoadNetwork {
    /// Travel times from every origin to every destination reachable within `cutoffSeconds`.
    ///
    /// One Dijkstra search (binary heap, lazy deletion) per origin over the directed edges, stopped
    /// when the next node is farther than the cutoff; searches run on all cores, origins handed out
    /// in chunks, each worker reusing its own distance array. A route point on a segment enters the
    /// graph at the segment's ends with the fraction of the segment's time (in the directions the
    /// segment allows); an origin and a destination on the same segment also get the direct time
    /// along it when its direction allows. Times are seconds from snapped position to snapped
    /// position (snap legs not added, see ``RoutePoint``).
    ///
    /// Straight-line bound: an origin farther than `cutoff × fastest speed of the network` from
    /// every destination (haversine between snapped positions) cannot reach any within the cutoff,
    /// and is not searched at all.
    ///
    /// - Parameters:
    ///   - origins: route points (nil: not snapped, listed in ``TravelTimeTable/unroutedOrigins``).
    ///   - destinations: likewise.
    ///   - cutoffSeconds: the largest travel time kept.
    /// - Returns: the sparse table, identical on every run and for any number of cores.
    public func travelTimes(from origins: [RoutePoint?], to destinations: [RoutePoint?], cutoffSeconds: Double,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) -> TravelTimeTable {
        precondition(cutoffSeconds >= 0 && !cutoffSeconds.isNaN, "cutoffSeconds must be non-negative")
        precondition(destinations.count < Int(Int32.max), "too many destinations")
        let n = nodeCount

        // Destination attachments: node → (destination, extra seconds), compressed rows.
        var attachCount = [Int](repeating: 0, count: n + 1)
        var entries: [(node: Int, destination: Int32, extra: Double)] = []
        var onSegment: [Int: [Int32]] = [:]
        for (j, point) in destinations.enumerated() {
            guard let p = point else { continue }
            if p.segment < 0 {
                entries.append((Int(p.nodeA), Int32(j), 0))
            } else {
                // Reaching the point from a (travelling a→b) costs fraction × time(a→b).
                let ab = segmentSecondsAB[p.segment], ba = segmentSecondsBA[p.segment]
                if ab.isFinite { entries.append((Int(p.nodeA), Int32(j), p.fraction * ab)) }
                if ba.isFinite { entries.append((Int(p.nodeB), Int32(j), (1 - p.fraction) * ba)) }
                onSegment[p.segment, default: []].append(Int32(j))
            }
        }
        for e in entries { attachCount[e.node + 1] += 1 }
        for i in 0..<n { attachCount[i + 1] += attachCount[i] }
        var fill = attachCount
        var attachDestination = [Int32](repeating: 0, count: entries.count)
        var attachExtra = [Double](repeating: 0, count: entries.count)
        for e in entries {
            attachDestination[fill[e.node]] = e.destination
            attachExtra[fill[e.node]] = e.extra
            fill[e.node] += 1
        }
        let attachStart = attachCount
        let attachDest = attachDestination, attachSec = attachExtra
        let sameSegment = onSegment

        // Straight-line bound: destinations in a coarse grid of reach-sized cells.
        let reachMetres = cutoffSeconds * maximumSpeedMetresPerSecond
        // (No bound when the reach is longer than half the Earth's circumference.)
        let destinationIndex = reachMetres < 2e7 ? PointBuckets(points: destinations, cellMetres: max(reachMetres, 1)) : nil

        let chunk = 64
        let chunkCount = (origins.count + chunk - 1) / chunk
        let results = Slots<(rows: [Int], destinations: [Int32], seconds: [Double])>(count: chunkCount)
        let done = Counter()
        let m = destinations.count
        Parallel.forEach(count: chunkCount, makeState: { DijkstraWorkspace(nodeCount: n, destinationCount: m) }) { c, workspace in
            var rowLengths: [Int] = []
            var dests: [Int32] = []
            var secs: [Double] = []
            for o in (c * chunk)..<min(origins.count, (c + 1) * chunk) {
                let before = dests.count
                if let p = origins[o], destinationIndex?.anyWithin(lat: p.lat, lon: p.lon, metres: reachMetres) ?? true {
                    self.search(from: p, cutoff: cutoffSeconds, workspace: &workspace,
                                attachStart: attachStart, attachDestination: attachDest, attachSeconds: attachSec,
                                sameSegment: sameSegment, destinations: destinations, into: &dests, &secs)
                }
                rowLengths.append(dests.count - before)
            }
            results.set(c, (rowLengths, dests, secs))
            let finished = done.next() + 1
            progress?(min(finished * chunk, origins.count), origins.count)
        }
        var rowStart = [0]
        rowStart.reserveCapacity(origins.count + 1)
        var allDestinations: [Int32] = [], allSeconds: [Double] = []
        for c in 0..<chunkCount {
            let part = results.get(c)!
            for length in part.rows { rowStart.append(rowStart.last! + length) }
            allDestinations.append(contentsOf: part.destinations)
            allSeconds.append(contentsOf: part.seconds)
        }
        if origins.isEmpty { rowStart = [0] }
        return TravelTimeTable(
            originCount: origins.count, destinationCount: destinations.count, cutoffSeconds: cutoffSeconds,
            rowStart: rowStart, destinations: allDestinations, seconds: allSeconds,
            unroutedOrigins: origins.indices.filter { origins[$0] == nil },
            unroutedDestinations: destinations.indices.filter { destinations[$0] == nil })
    }

    /// One bounded Dijkstra search; appends the row (destinations ascending) to `dests`/`secs`.
    private func search(from origin: RoutePoint, cutoff: Double, workspace w: inout DijkstraWorkspace,
                        attachStart: [Int], attachDestination: [Int32], attachSeconds: [Double],
                        sameSegment: [Int: [Int32]], destinations: [RoutePoint?],
                        into dests: inout [Int32], _ secs: inout [Double]) {
        func relaxStart(_ node: Int, _ cost: Double) {
            if cost <= cutoff && cost < w.distance[node] {
                if w.distance[node] == .infinity { w.touched.append(UInt32(node)) }
                w.distance[node] = cost
                w.heap.push(cost, UInt32(node))
            }
        }
        if origin.segment < 0 {
            relaxStart(Int(origin.nodeA), 0)
        } else {
            let ab = segmentSecondsAB[origin.segment], ba = segmentSecondsBA[origin.segment]
            if ab.isFinite { relaxStart(Int(origin.nodeB), (1 - origin.fraction) * ab) }
            if ba.isFinite { relaxStart(Int(origin.nodeA), origin.fraction * ba) }
        }
        // The search loop works on local arrays and raw buffers (no exclusivity or bounds checks
        // per access); they go back into the workspace afterwards.
        var heap = w.heap, touched = w.touched, distance = w.distance
        w.heap = BinaryHeap(); w.touched = []; w.distance = []
        distance.withUnsafeMutableBufferPointer { dist in
            edgeStart.withUnsafeBufferPointer { start in
                edgeTarget.withUnsafeBufferPointer { target in
                    edgeSeconds.withUnsafeBufferPointer { weight in
                        while let (d, u32) = heap.pop() {
                            let u = Int(u32)
                            if d > dist[u] { continue }  // a stale heap entry
                            for e in start[u]..<start[u + 1] {
                                let v = Int(target[e])
                                let nd = d + weight[e]
                                if nd <= cutoff && nd < dist[v] {
                                    if dist[v] == .infinity { touched.append(UInt32(v)) }
                                    dist[v] = nd
                                    heap.push(nd, UInt32(v))
                                }
                            }
                        }
                    }
                }
            }
        }
        w.heap = heap; w.touched = touched; w.distance = distance
        // Every touched node now holds its exact shortest time (all are ≤ cutoff).
        func offer(_ j: Int32, _ t: Double) {
            let k = Int(j)
            if t <= cutoff && t < w.best[k] {
                if w.best[k] == .infinity { w.reached.append(j) }
                w.best[k] = t
            }
        }
        for u32 in w.touched {
            let u = Int(u32)
            let d = w.distance[u]
            for a in attachStart[u]..<attachStart[u + 1] { offer(attachDestination[a], d + attachSeconds[a]) }
        }
        if origin.segment >= 0, let here = sameSegment[origin.segment] {
            let ab = segmentSecondsAB[origin.segment], ba = segmentSecondsBA[origin.segment]
            for j in here {
                let f = destinations[Int(j)]!.fraction
                if f >= origin.fraction && ab.isFinite { offer(j, (f - origin.fraction) * ab) }
                if f <= origin.fraction && ba.isFinite { offer(j, (origin.fraction - f) * ba) }
            }
        }
        w.reached.sort()
        for j in w.reached {
            dests.append(j)
            secs.append(w.best[Int(j)])
            w.best[Int(j)] = .infinity
        }
        w.reached.removeAll(keepingCapacity: true)
        for u in w.touched { w.distance[Int(u)] = .infinity }
        w.touched.removeAll(keepingCapacity: true)
    }
}

/// A worker's reusable state: distances for every node (+∞ when untouched), the touched nodes, the
/// heap, and the best time per destination for the current origin.
struct DijkstraWorkspace {
    var distance: [Double]
    var touched: [UInt32] = []
    var heap = BinaryHeap()
    var best: [Double]
    var reached: [Int32] = []

    init(nodeCount: Int, destinationCount: Int) {
        distance = [Double](repeating: .infinity, count: nodeCount)
        best = [Double](repeating: .infinity, count: destinationCount)
    }
}

/// A binary min-heap of (seconds, node), lazy deletion (a node may be pushed more than once).
struct BinaryHeap {
    private var keys: [Double] = []
    private var nodes: [UInt32] = []

    var isEmpty: Bool { keys.isEmpty }

    mutating func push(_ key: Double, _ node: UInt32) {
        keys.append(key)
        nodes.append(node)
        keys.withUnsafeMutableBufferPointer { k in
            nodes.withUnsafeMutableBufferPointer { n in
                var i = k.count - 1
                while i > 0 {
                    let parent = (i - 1) >> 1
                    if k[parent] <= key { break }
                    k[i] = k[parent]
                    n[i] = n[parent]
                    i = parent
                }
                k[i] = key
                n[i] = node
            }
        }
    }

    mutating func pop() -> (Double, UInt32)? {
        guard let topKey = keys.first else { return nil }
        let topNode = nodes[0]
        let lastKey = keys.removeLast()
        let lastNode = nodes.removeLast()
        keys.withUnsafeMutableBufferPointer { k in
            nodes.withUnsafeMutableBufferPointer { n in
                let count = k.count
                guard count > 0 else { return }
                var i = 0
                while true {
                    var child = 2 * i + 1
                    if child >= count { break }
                    if child + 1 < count && k[child + 1] < k[child] { child += 1 }
                    if k[child] >= lastKey { break }
                    k[i] = k[child]
                    n[i] = n[child]
                    i = child
                }
                k[i] = lastKey
                n[i] = lastNode
            }
        }
        return (topKey, topNode)
    }
}

/// Points bucketed in square cells of `cellMetres` (equirectangular about the points' mean
/// latitude), for the question "is any point within `metres` of here?".
struct PointBuckets: Sendable {
    let cellLat: Double
    let cellLon: Double
    let cells: [Int64: [Int]]
    let lats: [Double]
    let lons: [Double]

    init(points: [RoutePoint?], cellMetres: Double) {
        let present = points.compactMap { $0 }
        let meanLat = present.isEmpty ? 0 : present.map(\.lat).reduce(0, +) / Double(present.count)
        cellLat = cellMetres / Geodesy.earthRadiusMetres * 180 / .pi
        cellLon = min(360, cellLat / max(1e-3, cos(min(89.9, abs(meanLat)) * .pi / 180)))
        var cells: [Int64: [Int]] = [:]
        for (i, p) in present.enumerated() { cells[Self.key(p.lat, p.lon, cellLat, cellLon), default: []].append(i) }
        self.cells = cells
        lats = present.map(\.lat)
        lons = present.map(\.lon)
    }

    static func key(_ lat: Double, _ lon: Double, _ cellLat: Double, _ cellLon: Double) -> Int64 {
        let r = Int64((lat / cellLat).rounded(.down)), c = Int64((lon / cellLon).rounded(.down))
        return r << 32 | (c & 0xFFFF_FFFF)
    }

    /// Whether any point lies within `metres` (haversine) of (lat, lon). Cells are one reach wide at
    /// the mean latitude; the search widens for latitudes where cells are narrower in metres.
    func anyWithin(lat: Double, lon: Double, metres: Double) -> Bool {
        let dLat = metres / Geodesy.earthRadiusMetres * 180 / .pi
        let dLon = min(360, dLat / max(1e-3, cos(min(89.9, abs(lat) + dLat) * .pi / 180)))
        let r0 = Int64(((lat - dLat) / cellLat).rounded(.down)), r1 = Int64(((lat + dLat) / cellLat).rounded(.down))
        let c0 = Int64(((lon - dLon) / cellLon).rounded(.down)), c1 = Int64(((lon + dLon) / cellLon).rounded(.down))
        if (r1 - r0 + 1) * (c1 - c0 + 1) > Int64(cells.count) {
            return lats.indices.contains { Geodesy.haversineMetres(lat1: lat, lon1: lon, lat2: lats[$0], lon2: lons[$0]) <= metres }
        }
        for r in r0...r1 {
            for c in c0...c1 {
                guard let members = cells[r << 32 | (c & 0xFFFF_FFFF)] else { continue }
                for i in members where Geodesy.haversineMetres(lat1: lat, lon1: lon, lat2: lats[i], lon2: lons[i]) <= metres {
                    return true
                }
            }
        }
        return false
    }
}
