import Foundation
import TestSupport
import XCTest

@testable import CareNetwork

final class GraphCacheTests: XCTestCase {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func testCacheIsReusedAndRebuiltWhenTheExtractChangesOrTheCacheIsDamaged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pbf = folder.appendingPathComponent("demo.osm.pbf")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("geodata/demo/roads.osm.pbf"), to: pbf)
        let cache = folder.appendingPathComponent("cache")
        let cacheFile = cache.appendingPathComponent("demo.osm.pbf.car.careatlas-graph")

        func load() throws -> (RoadNetwork, [String]) {
            let lines = Lines()
            let net = try RoadNetwork.load(pbf: pbf, mode: .car, cacheFolder: cache) { lines.add($0) }
            return (net, lines.all)
        }
        let (built, first) = try load()
        XCTAssertTrue(first.contains { $0.hasPrefix("graph cached in") }, "\(first)")
        let (cached, second) = try load()
        XCTAssertEqual(second.count, 1)
        XCTAssertTrue(second[0].hasPrefix("reusing the cached car graph"), "\(second)")
        XCTAssertEqual(cached.osmIDs, built.osmIDs)
        XCTAssertEqual(cached.edgeStart, built.edgeStart)
        XCTAssertEqual(cached.edgeTarget, built.edgeTarget)
        XCTAssertEqual(cached.edgeSeconds, built.edgeSeconds)
        XCTAssertEqual(cached.reverseEdgeSeconds, built.reverseEdgeSeconds)
        XCTAssertEqual(cached.diagnostics, built.diagnostics)
        let points = stride(from: 0, to: built.nodeCount, by: 5).map { built.point(atNode: $0) }
        XCTAssertEqual(cached.travelTimes(from: points, to: points, cutoffSeconds: 600),
                       built.travelTimes(from: points, to: points, cutoffSeconds: 600))

        // A damaged cache (a segment end outside the nodes) is rebuilt, not used.
        var bytes = try Data(contentsOf: cacheFile)
        let aOffset = bytes.count - built.segmentCount * 24  // the `a` array: 4 of each segment's 24 bytes come first
        bytes.replaceSubrange(aOffset..<(aOffset + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        try bytes.write(to: cacheFile)
        let (_, third) = try load()
        XCTAssertTrue(third.contains { $0.hasPrefix("graph cached in") }, "\(third)")

        // A changed extract (another modification time) is read again.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: pbf.path)
        let (_, fourth) = try load()
        XCTAssertTrue(fourth.contains { $0.hasPrefix("graph cached in") }, "\(fourth)")
        let (_, fifth) = try load()
        XCTAssertTrue(fifth[0].hasPrefix("reusing"), "\(fifth)")
    }
}
