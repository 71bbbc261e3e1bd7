import Foundation

/// A stretch of one road segment: the points at fractions `from … to` (0 at the segment's end a,
/// 1 at b) along it.
public struct SegmentPiece: Sendable, Hashable {
    public let segment: Int
    public let from: Double
    public let to: Double
}

/// For each node, the segments that end at it (compressed rows), built once per network for
/// drive-time areas (``RoadNetwork/reachingPieces(to:withinSeconds:incidence:)``).
public struct SegmentIncidence: Sendable {
    let start: [Int]
    let segments: [UInt32]
}

extension RoadNetwork {
    /// The segments ending at each node, for ``reachingPieces(to:withinSeconds:incidence:)``.
    public func segmentIncidence() -> SegmentIncidence {
        var start = [Int](repeating: 0, count: nodeCount + 1)
        for s in 0..<segmentCount {
            start[Int(segmentA[s]) + 1] += 1
            start[Int(segmentB[s]) + 1] += 1
        }
        for i in 0..<nodeCount { start[i + 1] += start[i] }
        var fill = start
        var segments = [UInt32](repeating: 0, count: 2 * segmentCount)
        for s in 0..<segmentCount {
            for node in [Int(segmentA[s]), Int(segmentB[s])] {
                segments[fill[node]] = UInt32(s)
                fill[node] += 1
            }
        }
        return SegmentIncidence(start: start, segments: segments)
    }

    /// The network from which `destination` is reached within `withinSeconds`: every stretch of
    /// road whose points can drive to the destination in at most that time (the drive-time area
    /// of the destination, "isochrone" towards it), as pieces of segments sorted by segment.
    ///
    /// One Dijkstra search over the reversed edges from the destination gives each node's time
    /// to it, d(v). A point at fraction f of segment a→b reaches it through b in
    /// (1 − f)·t_ab + d(b) (when a→b is allowed) and through a in f·t_ba + d(a) (when b→a is
    /// allowed); the pieces are the fractions where either is ≤ the limit: [0, (T − d(a))/t_ba]
    /// and [1 − (T − d(b))/t_ab, 1]. On the destination's own segment the direct drive along it
    /// counts too. One-way streets, turn-free, free-flow: as ``travelTimes(from:to:cutoffSeconds:progress:)``.
    public func reachingPieces(to destination: RoutePoint, withinSeconds limit: Double, incidence: SegmentIncidence) -> [SegmentPiece] {
        precondition(limit >= 0 && limit.isFinite, "withinSeconds must be a finite non-negative time")
        var distance: [Int: Double] = [:]
        var heap = BinaryHeap()
        for (node, seconds) in entries(destination) where seconds <= limit && seconds < distance[node, default: .infinity] {
            distance[node] = seconds
            heap.push(seconds, UInt32(node))
        }
        while let (d, u32) = heap.pop() {
            let u = Int(u32)
            if d > distance[u, default: .infinity] { continue }
            for e in reverseEdgeStart[u]..<reverseEdgeStart[u + 1] {
                let v = Int(reverseEdgeTarget[e])
                let nd = d + reverseEdgeSeconds[e]
                if nd <= limit && nd < distance[v, default: .infinity] {
                    distance[v] = nd
                    heap.push(nd, UInt32(v))
                }
            }
        }
        // Fractions reachable per segment, as intervals.
        var intervals: [Int: [(Double, Double)]] = [:]
        for (node, d) in distance {
            for k in incidence.start[node]..<incidence.start[node + 1] {
                let s = Int(incidence.segments[k])
                let slack = limit - d
                if Int(segmentA[s]) == node {
                    // Points drive b→a to reach a: fraction f costs f·t_ba.
                    let tba = segmentSecondsBA[s]
                    if tba.isFinite { intervals[s, default: []].append((0, tba > 0 ? min(1, slack / tba) : 1)) }
                }
                if Int(segmentB[s]) == node {
                    let tab = segmentSecondsAB[s]
                    if tab.isFinite { intervals[s, default: []].append((tab > 0 ? max(0, 1 - slack / tab) : 0, 1)) }
                }
            }
        }
        if destination.segment >= 0 {
            let s = destination.segment, f = destination.fraction
            let tab = segmentSecondsAB[s], tba = segmentSecondsBA[s]
            if tab.isFinite { intervals[s, default: []].append((tab > 0 ? max(0, f - limit / tab) : 0, f)) }
            if tba.isFinite { intervals[s, default: []].append((f, tba > 0 ? min(1, f + limit / tba) : 1)) }
        }
        var pieces: [SegmentPiece] = []
        for (s, list) in intervals.sorted(by: { $0.key < $1.key }) {
            // Merge overlapping intervals so that each stretch is listed once.
            let sorted = list.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            guard var current = sorted.first else { continue }
            for next in sorted.dropFirst() {
                if next.0 <= current.1 { current.1 = max(current.1, next.1) } else {
                    pieces.append(SegmentPiece(segment: s, from: current.0, to: current.1))
                    current = next
                }
            }
            pieces.append(SegmentPiece(segment: s, from: current.0, to: current.1))
        }
        return pieces
    }

    /// The longitude/latitude of the point at fraction `f` of segment `s` (linear in degrees, as
    /// snapping places points).
    public func position(segment s: Int, fraction f: Double) -> (lon: Double, lat: Double) {
        let a = Int(segmentA[s]), b = Int(segmentB[s])
        return (longitudes[a] + f * (longitudes[b] - longitudes[a]), latitudes[a] + f * (latitudes[b] - latitudes[a]))
    }
}
