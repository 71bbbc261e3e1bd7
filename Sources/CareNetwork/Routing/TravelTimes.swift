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

    /// The origins that reach `destination` within `withinSeconds`, ascending: the demand points
    /// inside the destination's drive-time area (isochrone).
    ///
    /// - Precondition: `withinSeconds ≤ cutoffSeconds` (beyond the cutoff nothing is known).
    public func origins(reaching destination: Int, withinSeconds: Double) -> [Int] {
        precondition(withinSeconds <= cutoffSeconds, "the table knows times up to its cutoff only")
        var result: [Int] = []
        for o in 0..<originCount {
            if let t = seconds(from: o, to: destination), t <= withinSeconds { result.append(o) }
        }
        return result
    }

    /// For each destination, the sum of `originWeights` (population, aged 65+, …) over the origins
    /// that reach it within `withinSeconds`: the population a drive-time area covers,
    /// P_j(t) = Σ_{i : t_ij ≤ t} w_i. A NaN weight (no data) among them makes the sum NaN, never 0;
    /// a destination no origin reaches covers 0.
    ///
    /// - Precondition: one weight per origin; `withinSeconds ≤ cutoffSeconds`.
    public func coveredWeight(originWeights: [Double], withinSeconds: Double) -> [Double] {
        precondition(originWeights.count == originCount, "one weight per origin")
        precondition(withinSeconds <= cutoffSeconds, "the table knows times up to its cutoff only")
        var covered = [Double](repeating: 0, count: destinationCount)
        for o in 0..<originCount {
            for k in rowStart[o]..<rowStart[o + 1] where seconds[k] <= withinSeconds {
                covered[Int(destinations[k])] += originWeights[o]
            }
        }
        return covered
    }
}

extension RoadNetwork {
    /// Travel times from every origin to every destination reachable within `cutoffSeconds`.
    ///
    /// One Dijkstra search (binary heap, lazy deletion) per point of the smaller side, stopped at the
    /// cutoff: from each origin over the edges when there are fewer origins than destinations,
    /// otherwise from each destination over the reversed edges (20,000 demand points × 3,000
    /// institutions takes 3,000 searches, not 20,000). Searches run on all cores, points handed out
    /// in chunks, each worker reusing its own distance array. A route point on a segment enters the
    /// graph at the segment's ends with the fraction of the segment's time (in the directions the
    /// segment allows); an origin and a destination on the same segment also get the direct time
    /// along it when its direction allows. Times are seconds from snapped position to snapped
    /// position (snap legs not added, see ``RoutePoint``).
    ///
    /// Straight-line bound: a searched point farther than `cutoff × fastest speed of the network`
    /// (haversine between snapped positions) from every point of the other side cannot reach any of
    /// them within the cutoff, and is not searched at all.
    ///
    /// - Parameters:
    ///   - origins: route points (nil: not snapped, listed in ``TravelTimeTable/unroutedOrigins``).
    ///   - destinations: likewise.
    ///   - cutoffSeconds: the largest travel time kept (`.infinity` for all reachable pairs).
    ///   - progress: called with (searches done, searches in all), from any thread.
    /// - Returns: the sparse table, identical on every run and for any number of cores.
    public func travelTimes(from origins: [RoutePoint?], to destinations: [RoutePoint?], cutoffSeconds: Double,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) -> TravelTimeTable {
        travelTimes(from: origins, to: destinations, cutoffSeconds: cutoffSeconds, progress: progress, backward: nil)
    }

    /// As the public method; `backward` forces the direction of the searches (tests compare both).
    func travelTimes(from origins: [RoutePoint?], to destinations: [RoutePoint?], cutoffSeconds: Double,
                     progress: (@Sendable (Int, Int) -> Void)?, backward forced: Bool?) -> TravelTimeTable {
        precondition(cutoffSeconds >= 0 && !cutoffSeconds.isNaN, "cutoffSeconds must be non-negative")
        precondition(origins.count < Int(Int32.max) && destinations.count < Int(Int32.max), "too many points")
        let backward = forced ?? (destinations.lazy.filter { $0 != nil }.count < origins.lazy.filter { $0 != nil }.count)
        let sources = backward ? destinations : origins
        let targets = backward ? origins : destinations
        let swept = sweep(sources: sources, targets: targets, backward: backward, cutoff: cutoffSeconds, progress: progress)

        var rowStart = [Int](repeating: 0, count: origins.count + 1)
        var allDestinations: [Int32], allSeconds: [Double]
        if !backward {
            for o in 0..<origins.count { rowStart[o + 1] = rowStart[o] + swept.rowLengths[o] }
            allDestinations = swept.targets
            allSeconds = swept.seconds
        } else {
            // Transpose: rows come per destination; rebuild them per origin. Destinations are visited
            // in increasing order, so each origin's row comes out sorted.
            for o in swept.targets { rowStart[Int(o) + 1] += 1 }
            for o in 0..<origins.count { rowStart[o + 1] += rowStart[o] }
            var fill = rowStart
            allDestinations = [Int32](repeating: 0, count: swept.targets.count)
            allSeconds = [Double](repeating: 0, count: swept.targets.count)
            var k = 0
            for d in 0..<destinations.count {
                for _ in 0..<swept.rowLengths[d] {
                    let o = Int(swept.targets[k])
                    allDestinations[fill[o]] = Int32(d)
                    allSeconds[fill[o]] = swept.seconds[k]
                    fill[o] += 1
                    k += 1
                }
            }
        }
        return TravelTimeTable(
            originCount: origins.count, destinationCount: destinations.count, cutoffSeconds: cutoffSeconds,
            rowStart: rowStart, destinations: allDestinations, seconds: allSeconds,
            unroutedOrigins: origins.indices.filter { origins[$0] == nil },
            unroutedDestinations: destinations.indices.filter { destinations[$0] == nil })
    }

    /// The nodes a point leaves by (`exits`: node and seconds from the point to it) or is reached from
    /// (`entries`: node and seconds from it to the point).
    func exits(_ p: RoutePoint) -> [(node: Int, seconds: Double)] {
        if p.segment < 0 { return [(Int(p.nodeA), 0)] }
        let ab = segmentSecondsAB[p.segment], ba = segmentSecondsBA[p.segment]
        var result: [(node: Int, seconds: Double)] = []
        if ab.isFinite { result.append((Int(p.nodeB), (1 - p.fraction) * ab)) }
        if ba.isFinite { result.append((Int(p.nodeA), p.fraction * ba)) }
        return result
    }

    func entries(_ p: RoutePoint) -> [(node: Int, seconds: Double)] {
        if p.segment < 0 { return [(Int(p.nodeA), 0)] }
        let ab = segmentSecondsAB[p.segment], ba = segmentSecondsBA[p.segment]
        var result: [(node: Int, seconds: Double)] = []
        if ab.isFinite { result.append((Int(p.nodeA), p.fraction * ab)) }
        if ba.isFinite { result.append((Int(p.nodeB), (1 - p.fraction) * ba)) }
        return result
    }

    /// The direct time from an origin to a destination on the same segment, or nil.
    func direct(segment: Int, originFraction fo: Double, destinationFraction fd: Double) -> Double? {
        let ab = segmentSecondsAB[segment], ba = segmentSecondsBA[segment]
        var best: Double? = nil
        if fd >= fo && ab.isFinite { best = (fd - fo) * ab }
        if fd <= fo && ba.isFinite { best = min(best ?? .infinity, (fo - fd) * ba) }
        return best
    }

    /// One search per source; rows of (target, seconds), targets ascending, per source in order.
    private func sweep(sources: [RoutePoint?], targets: [RoutePoint?], backward: Bool, cutoff: Double,
                       progress: (@Sendable (Int, Int) -> Void)?) -> (rowLengths: [Int], targets: [Int32], seconds: [Double]) {
        let n = nodeCount
        // Target attachments: node → (target, extra seconds), compressed rows.
        var attachCount = [Int](repeating: 0, count: n + 1)
        var list: [(node: Int, target: Int32, extra: Double)] = []
        var onSegment: [Int: [Int32]] = [:]
        for (j, point) in targets.enumerated() {
            guard let p = point else { continue }
            for (node, seconds) in backward ? exits(p) : entries(p) { list.append((node, Int32(j), seconds)) }
            if p.segment >= 0 { onSegment[p.segment, default: []].append(Int32(j)) }
        }
        for e in list { attachCount[e.node + 1] += 1 }
        for i in 0..<n { attachCount[i + 1] += attachCount[i] }
        var fill = attachCount
        var attachTarget = [Int32](repeating: 0, count: list.count)
        var attachExtra = [Double](repeating: 0, count: list.count)
        for e in list {
            attachTarget[fill[e.node]] = e.target
            attachExtra[fill[e.node]] = e.extra
            fill[e.node] += 1
        }
        let attachments = Attachments(start: attachCount, target: attachTarget, seconds: attachExtra, onSegment: onSegment)

        // Straight-line bound: targets in a coarse grid of reach-sized cells (none when the reach is
        // longer than half the Earth's circumference).
        let reachMetres = cutoff * maximumSpeedMetresPerSecond
        let targetIndex = reachMetres < 2e7 ? PointBuckets(points: targets, cellMetres: max(reachMetres, 1)) : nil

        let chunk = 16
        let chunkCount = (sources.count + chunk - 1) / chunk
        let results = Slots<(rows: [Int], targets: [Int32], seconds: [Double])>(count: chunkCount, initial: ([], [], []))
        let done = Counter()
        let m = targets.count
        let start = backward ? reverseEdgeStart : edgeStart
        let adjacent = backward ? reverseEdgeTarget : edgeTarget
        let weight = backward ? reverseEdgeSeconds : edgeSeconds
        Parallel.forEach(count: chunkCount, makeState: { DijkstraWorkspace(nodeCount: n, destinationCount: m) }) { c, workspace in
            var rowLengths: [Int] = []
            var found: [Int32] = []
            var seconds: [Double] = []
            for i in (c * chunk)..<min(sources.count, (c + 1) * chunk) {
                let before = found.count
                if let p = sources[i], targetIndex?.anyWithin(lat: p.lat, lon: p.lon, metres: reachMetres) ?? true {
                    let starts = backward ? self.entries(p) : self.exits(p)
                    self.search(starts: starts, cutoff: cutoff, start: start, adjacent: adjacent, weight: weight,
                                workspace: &workspace, attachments: attachments)
                    if p.segment >= 0, let here = attachments.onSegment[p.segment] {
                        for j in here {
                            // Only targets that exist are attached to a segment.
                            guard let f = targets[Int(j)]?.fraction else { continue }
                            if let t = backward ? self.direct(segment: p.segment, originFraction: f, destinationFraction: p.fraction)
                                                : self.direct(segment: p.segment, originFraction: p.fraction, destinationFraction: f) {
                                workspace.offer(j, t, cutoff: cutoff)
                            }
                        }
                    }
                    workspace.collect(into: &found, &seconds)
                }
                rowLengths.append(found.count - before)
            }
            results.set(c, (rowLengths, found, seconds))
            let finished = done.next() + 1
            progress?(min(finished * chunk, sources.count), sources.count)
        }
        var rowLengths: [Int] = [], allTargets: [Int32] = [], allSeconds: [Double] = []
        rowLengths.reserveCapacity(sources.count)
        for c in 0..<chunkCount {
            let part = results.get(c)
            rowLengths.append(contentsOf: part.rows)
            allTargets.append(contentsOf: part.targets)
            allSeconds.append(contentsOf: part.seconds)
        }
        return (rowLengths, allTargets, allSeconds)
    }

    /// One bounded Dijkstra search from the start entries; offers every attached target to the workspace.
    private func search(starts: [(node: Int, seconds: Double)], cutoff: Double, start: [Int], adjacent: [UInt32], weight: [Double],
                        workspace w: inout DijkstraWorkspace, attachments: Attachments) {
        // The search loop works on local arrays and raw buffers (no exclusivity or bounds checks
        // per access); they go back into the workspace afterwards.
        var heap = w.heap, touched = w.touched, distance = w.distance
        w.heap = BinaryHeap(); w.touched = []; w.distance = []
        distance.withUnsafeMutableBufferPointer { dist in
            for (node, cost) in starts where cost <= cutoff && cost < dist[node] {
                if dist[node] == .infinity { touched.append(UInt32(node)) }
                dist[node] = cost
                heap.push(cost, UInt32(node))
            }
            start.withUnsafeBufferPointer { start in
                adjacent.withUnsafeBufferPointer { target in
                    weight.withUnsafeBufferPointer { weight in
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
            // Every touched node now holds its exact shortest time (all are ≤ cutoff).
            for u32 in touched {
                let u = Int(u32)
                let d = dist[u]
                for a in attachments.start[u]..<attachments.start[u + 1] {
                    w.offer(attachments.target[a], d + attachments.seconds[a], cutoff: cutoff)
                }
                dist[u] = .infinity
            }
        }
        touched.removeAll(keepingCapacity: true)
        w.heap = heap; w.touched = touched; w.distance = distance
    }
}

/// Where the targets of a sweep attach to the graph.
struct Attachments: Sendable {
    let start: [Int]
    let target: [Int32]
    let seconds: [Double]
    let onSegment: [Int: [Int32]]
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

    /// Records a time to target `j` when within the cutoff and better than the one held.
    @inline(__always)
    mutating func offer(_ j: Int32, _ t: Double, cutoff: Double) {
        let k = Int(j)
        if t <= cutoff && t < best[k] {
            if best[k] == .infinity { reached.append(j) }
            best[k] = t
        }
    }

    /// Appends the targets reached (ascending) and their times, and clears them.
    mutating func collect(into targets: inout [Int32], _ seconds: inout [Double]) {
        reached.sort()
        for j in reached {
            targets.append(j)
            seconds.append(best[Int(j)])
            best[Int(j)] = .infinity
        }
        reached.removeAll(keepingCapacity: true)
    }
}

/// A binary min-heap of (seconds, node), lazy deletion (a node may be pushed more than once).
struct BinaryHeap {
    private struct Entry { var key: Double; var node: UInt32 }
    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func push(_ key: Double, _ node: UInt32) {
        entries.append(Entry(key: key, node: node))
        entries.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                if h[parent].key <= key { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = Entry(key: key, node: node)
        }
    }

    mutating func pop() -> (Double, UInt32)? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        entries.withUnsafeMutableBufferPointer { h in
            let count = h.count
            guard count > 0 else { return }
            var i = 0
            while true {
                var child = 2 * i + 1
                if child >= count { break }
                if child + 1 < count && h[child + 1].key < h[child].key { child += 1 }
                if h[child].key >= last.key { break }
                h[i] = h[child]
                i = child
            }
            h[i] = last
        }
        return (top.key, top.node)
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
