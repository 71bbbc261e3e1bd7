import CareGeometry
import Foundation

/// A place on the network where a route starts or ends: a node, or a position along a road segment.
///
/// Travel times are counted from (to) this position; the leg from the original point to the road,
/// ``snapDistanceMetres``, is reported but not added, so that the caller can add an access time of
/// its choice (on foot at 5 km/h, `snapDistanceMetres / 1.389` seconds) or none.
public struct RoutePoint: Sendable, Hashable {
    /// The segment the point lies on, or -1 for a point at a node.
    public let segment: Int
    let nodeA: UInt32
    let nodeB: UInt32
    /// Where on the segment, from its first node (0) to its second (1).
    public let fraction: Double
    /// The great-circle distance from the original point to the snapped position, metres.
    public let snapDistanceMetres: Double
    /// The snapped position, degrees.
    public let lon: Double
    public let lat: Double
}

/// The result of snapping one point.
public enum SnapOutcome: Sendable, Hashable {
    /// The point lies within the maximum distance of a usable road.
    case snapped(RoutePoint)
    /// No usable road lies within `maxMetres` of the point: it is not routed.
    case unsnappable(maxMetres: Double)
    /// The coordinate is not a longitude/latitude pair (not finite, or outside ±180/±90).
    case invalidCoordinate

    /// The route point, or nil when the point could not be snapped.
    public var point: RoutePoint? {
        if case .snapped(let p) = self { return p }
        return nil
    }
}

extension RoadNetwork {
    /// Snaps each point (longitude `x`, latitude `y`, degrees) to the nearest position on a road
    /// segment usable in the network's mode (a segment travelled in at least one direction).
    ///
    /// The nearest position is found in a local equirectangular plane about the point (see
    /// ``Geodesy``) among the segments indexed in the grid cells within `maxMetres`; among equally
    /// near segments the first in segment order wins, so the result is deterministic. Points farther
    /// than `maxMetres` from every usable road are reported ``SnapOutcome/unsnappable(maxMetres:)``,
    /// never routed.
    public func snap(points: [Coordinate], maxMetres: Double) -> [SnapOutcome] {
        precondition(maxMetres >= 0 && maxMetres.isFinite, "maxMetres must be a finite non-negative distance")
        return points.map { snap($0, maxMetres: maxMetres) }
    }

    func snap(_ point: Coordinate, maxMetres: Double) -> SnapOutcome {
        let lon = point.x, lat = point.y
        guard lon.isFinite, lat.isFinite, abs(lon) <= 180, abs(lat) <= 90 else { return .invalidCoordinate }
        let R = Geodesy.earthRadiusMetres
        let degree = Double.pi / 180
        let cosLat = cos(lat * degree)
        // Nearest by planar distance about the point (cheap); the haversine distance of the winner only.
        var best: (planar2: Double, segment: Int, t: Double)? = nil
        grid.forEachSegment(lat: lat, lon: lon, radiusMetres: maxMetres) { s in
            let a = Int(segmentA[s]), b = Int(segmentB[s])
            let ax = (longitudes[a] - lon) * degree * R * cosLat, ay = (latitudes[a] - lat) * degree * R
            let bx = (longitudes[b] - lon) * degree * R * cosLat, by = (latitudes[b] - lat) * degree * R
            let dx = bx - ax, dy = by - ay
            let length2 = dx * dx + dy * dy
            var t = length2 > 0 ? -(ax * dx + ay * dy) / length2 : 0
            t = min(1, max(0, t))
            let px = ax + t * dx, py = ay + t * dy
            let planar2 = px * px + py * py
            if best == nil || planar2 < best!.planar2 || (planar2 == best!.planar2 && s < best!.segment) {
                best = (planar2, s, t)
            }
        }
        guard let found = best else { return .unsnappable(maxMetres: maxMetres) }
        let a = Int(segmentA[found.segment]), b = Int(segmentB[found.segment])
        let plon = longitudes[a] + found.t * (longitudes[b] - longitudes[a])
        let plat = latitudes[a] + found.t * (latitudes[b] - latitudes[a])
        let distance = Geodesy.haversineMetres(lat1: lat, lon1: lon, lat2: plat, lon2: plon)
        guard distance <= maxMetres else { return .unsnappable(maxMetres: maxMetres) }
        return .snapped(RoutePoint(segment: found.segment, nodeA: segmentA[found.segment], nodeB: segmentB[found.segment],
                                   fraction: found.t, snapDistanceMetres: distance, lon: plon, lat: plat))
    }
}

/// A uniform grid over segment bounding boxes in degrees, for finding the segments near a point.
///
/// Cells are 0.005° of latitude (about 556 m) by 0.005°/cos φ₀ of longitude (φ₀ the mean
/// latitude of the nodes); cells are stored as sorted keys with a compressed list of segments.
struct SegmentGrid: Sendable {
    let originLat: Double
    let originLon: Double
    let cellLat: Double
    let cellLon: Double
    let keys: [Int64]
    let starts: [Int]
    let segments: [UInt32]

    init(latitudes: [Double], longitudes: [Double], segmentA: [UInt32], segmentB: [UInt32]) {
        let minLat = latitudes.min() ?? 0, minLon = longitudes.min() ?? 0
        let meanLat = latitudes.isEmpty ? 0 : latitudes.reduce(0, +) / Double(latitudes.count)
        originLat = minLat
        originLon = minLon
        cellLat = 0.005
        cellLon = 0.005 / max(0.05, cos(meanLat * .pi / 180))
        var pairs: [(key: Int64, segment: UInt32)] = []
        pairs.reserveCapacity(segmentA.count * 2)
        for s in segmentA.indices {
            let a = Int(segmentA[s]), b = Int(segmentB[s])
            let r0 = Int64(((min(latitudes[a], latitudes[b]) - minLat) / cellLat).rounded(.down))
            let r1 = Int64(((max(latitudes[a], latitudes[b]) - minLat) / cellLat).rounded(.down))
            let c0 = Int64(((min(longitudes[a], longitudes[b]) - minLon) / cellLon).rounded(.down))
            let c1 = Int64(((max(longitudes[a], longitudes[b]) - minLon) / cellLon).rounded(.down))
            for r in r0...r1 { for c in c0...c1 { pairs.append((r << 32 | c, UInt32(s))) } }
        }
        pairs.sort { ($0.key, $0.segment) < ($1.key, $1.segment) }
        var keys: [Int64] = [], starts: [Int] = [], segments: [UInt32] = []
        segments.reserveCapacity(pairs.count)
        for (i, pair) in pairs.enumerated() {
            if keys.last != pair.key { keys.append(pair.key); starts.append(i) }
            segments.append(pair.segment)
        }
        starts.append(pairs.count)
        self.keys = keys
        self.starts = starts
        self.segments = segments
    }

    /// Calls `body` for every segment whose cells meet the box of `radiusMetres` about the point
    /// (a segment may be visited more than once).
    func forEachSegment(lat: Double, lon: Double, radiusMetres: Double, _ body: (Int) -> Void) {
        let dLat = radiusMetres / Geodesy.earthRadiusMetres * 180 / .pi
        let widest = min(89.9, abs(lat) + dLat)
        let dLon = min(360, dLat / max(1e-3, cos(widest * .pi / 180)))
        let r0 = Int64(((lat - dLat - originLat) / cellLat).rounded(.down))
        let r1 = Int64(((lat + dLat - originLat) / cellLat).rounded(.down))
        let c0 = Int64(((lon - dLon - originLon) / cellLon).rounded(.down))
        let c1 = Int64(((lon + dLon - originLon) / cellLon).rounded(.down))
        guard r1 >= 0, c1 >= 0 else { return }
        for r in max(0, r0)...r1 {
            // Keys are sorted by row then column: find the first key of this row at or after c0.
            let firstKey = r << 32 | max(0, c0)
            var low = 0, high = keys.count
            while low < high {
                let mid = (low + high) >> 1
                if keys[mid] < firstKey { low = mid + 1 } else { high = mid }
            }
            var k = low
            while k < keys.count, keys[k] <= (r << 32 | c1) {
                for i in starts[k]..<starts[k + 1] { body(Int(segments[i])) }
                k += 1
            }
        }
    }
}
