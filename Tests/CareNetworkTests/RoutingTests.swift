import CareGeometry
import Foundation
import TestSupport
import XCTest

@testable import CareNetwork

/// Hand-made graphs with known answers, read end to end from PBF files written by `TestPBF`.
///
/// All nodes lie on the equator, on meridians or on the parallel 0.01°N, where the great-circle
/// length has a closed form: along the equator or a meridian R·Δ (radians); along the parallel φ,
/// 2R·asin(cos φ·sin(Δλ/2)). Speeds are `maxspeed=36` (10 m/s), so seconds = metres / 10.
final class RoutingTests: XCTestCase {
    static let R = 6_371_008.8
    static let rad = Double.pi / 180
    /// 0.01° along the equator or a meridian.
    static let L = R * 0.01 * rad
    /// 0.01° of longitude along the parallel 0.01°N.
    static let Lp = 2 * R * asin(cos(0.01 * rad) * sin(0.005 * rad))

    static let square: [TestPBF.Node] = [
        .init(id: 1, lat: 0, lon: 0), .init(id: 2, lat: 0, lon: 0.01),
        .init(id: 3, lat: 0.01, lon: 0.01), .init(id: 4, lat: 0.01, lon: 0),
        // A separate road far away (unreachable from the square).
        .init(id: 10, lat: 0, lon: 1), .init(id: 11, lat: 0, lon: 1.01),
        // A diamond symmetric about the equator (two equal routes from 20 to 23).
        .init(id: 20, lat: 0, lon: 2), .init(id: 21, lat: 0.01, lon: 2.01),
        .init(id: 22, lat: -0.01, lon: 2.01), .init(id: 23, lat: 0, lon: 2.02),
    ]
    static let squareWays: [TestPBF.Way] = [
        .init(id: 100, refs: [1, 2, 3, 4, 1], tags: ["highway": "residential", "oneway": "yes", "maxspeed": "36"]),
        .init(id: 101, refs: [10, 11], tags: ["highway": "residential", "maxspeed": "36"]),
        .init(id: 102, refs: [20, 21, 23], tags: ["highway": "residential", "maxspeed": "36"]),
        .init(id: 103, refs: [20, 22, 23], tags: ["highway": "residential", "maxspeed": "36"]),
        // Not usable by car: private access, a footway, a building outline.
        .init(id: 104, refs: [1, 3], tags: ["highway": "residential", "access": "private"]),
        .init(id: 105, refs: [2, 4], tags: ["highway": "footway"]),
        .init(id: 106, refs: [10, 20], tags: ["building": "yes"]),
    ]

    func network(_ mode: TravelMode = .car, compression: TestPBF.Compression = .zlib, dense: Bool = true) throws -> RoadNetwork {
        let data = TestPBF.encode(nodes: Self.square, ways: Self.squareWays, compression: compression, dense: dense)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-net-\(UUID().uuidString).osm.pbf")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try RoadNetwork.load(pbf: url, mode: mode)
    }

    func times(_ net: RoadNetwork, from: [Int64], to: [Int64], cutoff: Double = 1e9) -> TravelTimeTable {
        let o = from.map { net.point(atNode: net.nodeIndex(osmID: $0)!) }
        let d = to.map { net.point(atNode: net.nodeIndex(osmID: $0)!) }
        return net.travelTimes(from: o, to: d, cutoffSeconds: cutoff)
    }

    func testGraphCountsAndExclusions() throws {
        let net = try network()
        // 4 ways usable of 6 highway ways (private and footway left out for car); the building is not a highway.
        XCTAssertEqual(net.diagnostics.highwayWays, 6)
        XCTAssertEqual(net.diagnostics.usableWays, 4)
        XCTAssertEqual(net.nodeCount, 10)
        XCTAssertEqual(net.segmentCount, 4 + 1 + 2 + 2)
        XCTAssertEqual(net.edgeCount, 4 + 2 + 4 + 4)  // the loop is one-way
        let foot = try network(.foot)
        XCTAssertEqual(foot.diagnostics.usableWays, 5)  // + the footway; private still excluded
        XCTAssertEqual(foot.edgeCount, 2 * (4 + 1 + 2 + 2 + 1))  // no one-way on foot
    }

    func testOneWayLoop() throws {
        let net = try network()
        let t = times(net, from: [1, 2, 4], to: [1, 2, 4])
        XCTAssertEqual(t.seconds(from: 0, to: 0), 0)
        XCTAssertEqual(t.seconds(from: 0, to: 1)!, Self.L / 10, accuracy: 1e-9)
        XCTAssertEqual(t.seconds(from: 1, to: 0)!, (2 * Self.L + Self.Lp) / 10, accuracy: 1e-9)
        XCTAssertEqual(t.seconds(from: 0, to: 2)!, (2 * Self.L + Self.Lp) / 10, accuracy: 1e-9)
        XCTAssertEqual(t.seconds(from: 2, to: 0)!, Self.L / 10, accuracy: 1e-9)
        // On foot the same loop is walked both ways at 5 km/h.
        let foot = try network(.foot)
        let f = times(foot, from: [2], to: [1])
        XCTAssertEqual(f.seconds(from: 0, to: 0)!, Self.L / (5 / 3.6), accuracy: 1e-9)
    }

    func testCutoffAndUnreachablePart() throws {
        let net = try network()
        let all = times(net, from: [1], to: [1, 2, 3, 4, 10, 11])
        XCTAssertEqual(all.row(0).map(\.destination), [0, 1, 2, 3])  // 10 and 11 unreachable
        XCTAssertNil(all.seconds(from: 0, to: 4))
        // A cutoff between L/10 and 2L/10 keeps the start and its one-way neighbour only.
        let cut = times(net, from: [1], to: [1, 2, 3, 4], cutoff: 1.5 * Self.L / 10)
        XCTAssertEqual(cut.row(0).map(\.destination), [0, 1])
        XCTAssertEqual(cut.pairCount, 2)
    }

    func testTies() throws {
        let net = try network()
        // Both routes 20→21→23 and 20→22→23 have length 2·d(20,21), d on the sphere in closed form.
        let d = 2 * Self.R * asin(sqrt(pow(sin(0.005 * Self.rad), 2) + cos(0.01 * Self.rad) * pow(sin(0.005 * Self.rad), 2)))
        let t = times(net, from: [20, 23], to: [23, 20])
        XCTAssertEqual(t.seconds(from: 0, to: 0)!, 2 * d / 10, accuracy: 1e-9)
        XCTAssertEqual(t.seconds(from: 1, to: 1)!, 2 * d / 10, accuracy: 1e-9)
        XCTAssertEqual(times(net, from: [20, 23], to: [23, 20]), t)  // deterministic
    }

    func testPointOffTheNetworkAndBeyondTheMaximum() throws {
        let net = try network()
        let outcomes = net.snap(points: [Coordinate(lon: 0.005, lat: -0.001), Coordinate(lon: 0.005, lat: -0.02),
                                         Coordinate(lon: .nan, lat: 0)], maxMetres: 500)
        guard case .snapped(let p) = outcomes[0] else { return XCTFail("\(outcomes[0])") }
        XCTAssertEqual(p.snapDistanceMetres, Self.R * 0.001 * Self.rad, accuracy: 1e-6)  // 111.195 m
        XCTAssertEqual(p.fraction, 0.5, accuracy: 1e-12)
        XCTAssertEqual(p.lat, 0, accuracy: 1e-15)
        XCTAssertEqual(outcomes[1], .unsnappable(maxMetres: 500))  // 2.2 km from any road
        XCTAssertEqual(outcomes[2], .invalidCoordinate)

        let node1 = net.point(atNode: net.nodeIndex(osmID: 1)!)
        let node2 = net.point(atNode: net.nodeIndex(osmID: 2)!)
        let t = net.travelTimes(from: [p, nil, node1], to: [node2, node1, nil, p], cutoffSeconds: 1e9)
        // From the middle of the one-way edge 1→2: half an edge forward, or round the loop back to 1.
        XCTAssertEqual(t.seconds(from: 0, to: 0)!, Self.L / 2 / 10, accuracy: 1e-9)
        XCTAssertEqual(t.seconds(from: 0, to: 1)!, (Self.L / 2 + 2 * Self.L + Self.Lp) / 10, accuracy: 1e-9)
        XCTAssertEqual(t.seconds(from: 0, to: 3), 0)  // the same place
        XCTAssertEqual(t.seconds(from: 2, to: 3)!, Self.L / 2 / 10, accuracy: 1e-9)
        // The unsnapped origin and destination are reported, not routed.
        XCTAssertEqual(t.row(1).count, 0)
        XCTAssertEqual(t.unroutedOrigins, [1])
        XCTAssertEqual(t.unroutedDestinations, [2])
    }

    /// Searching from the destinations over the reversed edges gives exactly the table that
    /// searching from the origins gives: snapped points on one-way and two-way segments, nodes,
    /// an unsnapped point, with and without a cutoff.
    func testBackwardSearchesGiveTheSameTable() throws {
        let net = try network()
        var rng = SplitMix64(state: 7)
        var points: [RoutePoint?] = net.snap(points: (0..<40).map { k in
            k % 2 == 0 ? Coordinate(lon: rng.uniform(-0.002...0.012), lat: rng.uniform(-0.002...0.012))
                       : Coordinate(lon: rng.uniform(1.998...2.022), lat: rng.uniform(-0.012...0.012))
        }, maxMetres: 400).map(\.point)
        points.append(net.point(atNode: net.nodeIndex(osmID: 3)!))
        points.append(nil)
        XCTAssertGreaterThan(points.compactMap { $0 }.count, 30)
        for cutoff in [Double.infinity, 150] {
            let forward = net.travelTimes(from: points, to: Array(points.reversed()), cutoffSeconds: cutoff, progress: nil, backward: false)
            let backward = net.travelTimes(from: points, to: Array(points.reversed()), cutoffSeconds: cutoff, progress: nil, backward: true)
            XCTAssertEqual(forward.rowStart, backward.rowStart)
            XCTAssertEqual(forward.destinations, backward.destinations)
            for (a, b) in zip(forward.seconds, backward.seconds) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, a)) }
            XCTAssertGreaterThan(forward.pairCount, 100)
        }
    }

    /// Drive-time areas: which origins reach a destination within t, and the population they hold.
    /// The roads from which node 1 of the one-way square 1 → 2 → 3 → 4 → 1 is reached within
    /// 1.5 L / 10 m/s: all of 4 → 1 (L) and the last 0.5 L of 3 → 4, nothing of 1 → 2 (it leads
    /// away) nor of the separate road or the diamond: 1.5 L of road in all.
    func testReachingPiecesOnTheOneWaySquare() throws {
        let net = try network()
        let target = net.point(atNode: net.nodeIndex(osmID: 1)!)
        let pieces = net.reachingPieces(to: target, withinSeconds: 1.5 * Self.L / 10, incidence: net.segmentIncidence())
        func metres(_ p: (lon: Double, lat: Double), _ q: (lon: Double, lat: Double)) -> Double {
            let dLat = (q.lat - p.lat) * Self.rad, dLon = (q.lon - p.lon) * Self.rad
            let h = sin(dLat / 2) * sin(dLat / 2) + cos(p.lat * Self.rad) * cos(q.lat * Self.rad) * sin(dLon / 2) * sin(dLon / 2)
            return 2 * Self.R * asin(min(1, sqrt(h)))
        }
        var total = 0.0
        for p in pieces {
            let a = net.position(segment: p.segment, fraction: p.from), b = net.position(segment: p.segment, fraction: p.to)
            // Every piece lies on the west edge (lon 0) or the north edge (lat 0.01) of the square.
            XCTAssertTrue((abs(a.lon) < 1e-12 && abs(b.lon) < 1e-12) || (abs(a.lat - 0.01) < 1e-12 && abs(b.lat - 0.01) < 1e-12), "\(p)")
            total += metres(a, b)
        }
        XCTAssertEqual(pieces.count, 2)
        XCTAssertEqual(total, 1.5 * Self.L, accuracy: 1e-6 * Self.L)
        // The piece of 3 → 4 starts 0.5 L before node 4: at longitude 0.01 · (0.5 L / Lp) (linear in degrees).
        let north = try XCTUnwrap(pieces.first { abs(net.position(segment: $0.segment, fraction: $0.from).lat - 0.01) < 1e-12 })
        let start = net.position(segment: north.segment, fraction: north.from), end = net.position(segment: north.segment, fraction: north.to)
        XCTAssertEqual(max(start.lon, end.lon), 0.01 * 0.5 * Self.L / Self.Lp, accuracy: 1e-12)
        // Within no time, only the point itself.
        XCTAssertTrue(net.reachingPieces(to: target, withinSeconds: 0, incidence: net.segmentIncidence()).allSatisfy { $0.from == $0.to })
    }

    func testCoveredPopulation() throws {
        let net = try network()
        let t = times(net, from: [1, 2, 3, 4, 10], to: [1, 2])
        // Within L/10 (+ a hair): node 1 reaches itself; 4 reaches 1 (one edge); 1 reaches 2.
        let edge = Self.L / 10 * (1 + 1e-9)
        XCTAssertEqual(t.origins(reaching: 0, withinSeconds: edge), [0, 3])
        XCTAssertEqual(t.origins(reaching: 1, withinSeconds: edge), [0, 1])
        XCTAssertEqual(t.coveredWeight(originWeights: [100, 20, 3, 4000, 50000], withinSeconds: edge), [4100, 120])
        // Everything reachable (2 more sides): node 10 is on another road, never counted.
        XCTAssertEqual(t.coveredWeight(originWeights: [100, 20, 3, 4000, 50000], withinSeconds: 1e9), [4123, 4123])
        // A missing weight among the origins reached is no data, not zero.
        XCTAssertTrue(t.coveredWeight(originWeights: [100, .nan, 3, 4000, 50000], withinSeconds: edge)[1].isNaN)
        XCTAssertEqual(t.coveredWeight(originWeights: [100, .nan, 3, 4000, 50000], withinSeconds: edge)[0], 4100)
    }

    func testSameOneWaySegment() throws {
        let net = try network()
        let snapped = net.snap(points: [Coordinate(lon: 0.002, lat: -0.0001), Coordinate(lon: 0.008, lat: -0.0001)], maxMetres: 100)
        let a = snapped[0].point!, b = snapped[1].point!
        XCTAssertEqual(a.segment, b.segment)
        for backward in [false, true] {
        let t = net.travelTimes(from: [a, b], to: [a, b], cutoffSeconds: 1e9, progress: nil, backward: backward)
        // Forward along the segment directly: 0.6 of it.
        XCTAssertEqual(t.seconds(from: 0, to: 1)!, 0.6 * Self.L / 10, accuracy: 1e-6)
        // Backward only round the loop: 0.2 + 3 sides + ... = from b to 2 (0.2L), 2→3→4→1 (2L + Lp), 1 to a (0.2L).
        XCTAssertEqual(t.seconds(from: 1, to: 0)!, (0.4 * Self.L + 2 * Self.L + Self.Lp) / 10, accuracy: 1e-6)
        }
    }

    func testRawAndPlainNodesReadTheSame() throws {
        let a = try network(compression: .zlib, dense: true)
        let b = try network(compression: .raw, dense: false)
        XCTAssertEqual(a.osmIDs, b.osmIDs)
        XCTAssertEqual(a.latitudes, b.latitudes)
        XCTAssertEqual(a.edgeSeconds, b.edgeSeconds)
    }

    /// A seeded random grid with random one-ways and speeds, against Floyd–Warshall with edge
    /// weights computed here from the tags (an independent implementation of the same rules).
    func testRandomGridAgainstFloydWarshall() throws {
        var rng = SplitMix64(state: 19)
        let side = 7
        var nodes: [TestPBF.Node] = []
        for r in 0..<side { for c in 0..<side {
            nodes.append(.init(id: Int64(1000 + r * side + c), lat: 35 + Double(r) * 0.003 + rng.uniform(-0.001...0.001),
                               lon: 139 + Double(c) * 0.003 + rng.uniform(-0.001...0.001)))
        } }
        var ways: [TestPBF.Way] = []
        var weight = [[Double]](repeating: [Double](repeating: .infinity, count: nodes.count), count: nodes.count)
        for i in 0..<nodes.count { weight[i][i] = 0 }
        func hav(_ a: TestPBF.Node, _ b: TestPBF.Node) -> Double {
            let x = sin((b.lat - a.lat) * Self.rad / 2), y = sin((b.lon - a.lon) * Self.rad / 2)
            return 2 * Self.R * asin(sqrt(x * x + cos(a.lat * Self.rad) * cos(b.lat * Self.rad) * y * y))
        }
        var wayID: Int64 = 1
        for r in 0..<side { for c in 0..<side {
            for (dr, dc) in [(0, 1), (1, 0)] where r + dr < side && c + dc < side {
                guard rng.uniform() < 0.85 else { continue }
                let a = r * side + c, b = (r + dr) * side + c + dc
                let speed = [20.0, 30, 40, 60][rng.int(0...3)]
                let oneway = ["no", "yes", "-1"][rng.int(0...2)]
                ways.append(.init(id: wayID, refs: [nodes[a].id, nodes[b].id],
                                  tags: ["highway": "tertiary", "maxspeed": "\(Int(speed))", "oneway": oneway]))
                wayID += 1
                // The quantised positions the PBF stores (100 nanodegrees).
                let qa = TestPBF.Node(id: 0, lat: (nodes[a].lat * 1e7).rounded() / 1e7, lon: (nodes[a].lon * 1e7).rounded() / 1e7)
                let qb = TestPBF.Node(id: 0, lat: (nodes[b].lat * 1e7).rounded() / 1e7, lon: (nodes[b].lon * 1e7).rounded() / 1e7)
                let seconds = hav(qa, qb) / (speed / 3.6)
                if oneway != "-1" { weight[a][b] = min(weight[a][b], seconds) }
                if oneway != "yes" { weight[b][a] = min(weight[b][a], seconds) }
            }
        } }
        for k in nodes.indices { for i in nodes.indices { for j in nodes.indices where weight[i][k] + weight[k][j] < weight[i][j] {
            weight[i][j] = weight[i][k] + weight[k][j]
        } } }
        let data = TestPBF.encode(nodes: nodes, ways: ways, nodesPerBlock: 10)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-grid-\(UUID().uuidString).osm.pbf")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let net = try RoadNetwork.load(pbf: url, mode: .car)
        let points = nodes.map { net.nodeIndex(osmID: $0.id).map { net.point(atNode: $0) } }
        let cutoff = 120.0
        let table = net.travelTimes(from: points, to: points, cutoffSeconds: cutoff)
        var compared = 0
        for i in nodes.indices { for j in nodes.indices {
            let expected = weight[i][j]
            guard points[i] != nil, points[j] != nil else {
                XCTAssertTrue(expected == .infinity || i == j); continue
            }
            if expected <= cutoff * (1 - 1e-9) {
                guard let got = table.seconds(from: i, to: j) else { XCTFail("\(i)→\(j) missing, expected \(expected)"); continue }
                XCTAssertLessThan(relativeDifference(got, expected), 1e-9, "\(i)→\(j)")
                compared += 1
            } else if expected > cutoff * (1 + 1e-9) {
                XCTAssertNil(table.seconds(from: i, to: j), "\(i)→\(j) beyond the cutoff")
            }
        } }
        XCTAssertGreaterThan(compared, 300)
        XCTAssertLessThan(compared, nodes.count * nodes.count)  // the cutoff did cut
    }
}
