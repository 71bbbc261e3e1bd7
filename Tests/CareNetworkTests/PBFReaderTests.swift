import Foundation
import TestSupport
import XCTest

@testable import CareNetwork

/// Damaged and unsupported files give a message naming the file and blob, and what to do.
final class PBFReaderTests: XCTestCase {
    let nodes: [TestPBF.Node] = [.init(id: 1, lat: 35.7, lon: 139.7), .init(id: 2, lat: 35.701, lon: 139.7)]
    let ways: [TestPBF.Way] = [.init(id: 9, refs: [1, 2], tags: ["highway": "residential"])]

    func load(_ data: Data, name: String = "damaged.osm.pbf") -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)")
        try! data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try RoadNetwork.load(pbf: url, mode: .car)
            return "no error"
        } catch {
            return error.description
        }
    }

    func testTruncatedFile() {
        let good = TestPBF.encode(nodes: nodes, ways: ways)
        let message = load(good.prefix(good.count - 5))
        XCTAssertTrue(message.contains("damaged.osm.pbf, blob 2"), message)
        XCTAssertTrue(message.contains("the file ends inside a blob"), message)
        XCTAssertTrue(message.contains("download the extract again"), message)
    }

    func testCorruptBlockContent() {
        var good = TestPBF.encode(nodes: nodes, ways: ways, compression: .raw)
        // Overwrite the last bytes (inside the ways block) with a varint that never ends.
        for i in (good.count - 6)..<good.count { good[i] = 0xFF }
        let message = load(good)
        XCTAssertTrue(message.contains("blob 2"), message)
        XCTAssertTrue(message.contains("cannot be decoded"), message)
    }

    func testBadZlibData() {
        var good = TestPBF.encode(nodes: nodes, ways: ways, compression: .zlib)
        good[good.count - 1] ^= 0xFF  // the Adler-32 of the last blob
        let message = load(good)
        XCTAssertTrue(message.contains("blob 2"), message)
        XCTAssertTrue(message.contains("cannot decompress"), message)
    }

    func testNotAPBFFile() {
        let message = load(Data("<?xml version='1.0'?><osm></osm>".utf8), name: "map.osm")
        XCTAssertTrue(message.contains("is not an OpenStreetMap PBF file"), message)
        XCTAssertTrue(message.contains("osmium cat"), message)
    }

    func testHistoryFileRefused() {
        let message = load(TestPBF.encode(nodes: nodes, ways: ways, requiredFeatures: ["OsmSchema-V0.6", "HistoricalInformation"]))
        XCTAssertTrue(message.contains("HistoricalInformation"), message)
        XCTAssertTrue(message.contains("history file"), message)
    }

    func testOtherCompressionRefused() {
        var file = Data()
        var header = Proto(); header.string(4, "OsmSchema-V0.6")
        TestPBF.appendBlob(&file, type: "OSMHeader", payload: header.bytes, compression: .raw)
        var blob = Proto(); blob.unsigned(2, 10); blob.bytes(7, [1, 2, 3])  // zstd_data
        var blobHeader = Proto(); blobHeader.string(1, "OSMData"); blobHeader.unsigned(3, UInt64(blob.bytes.count))
        let n = UInt8(blobHeader.bytes.count)
        file.append(contentsOf: [0, 0, 0, n] + blobHeader.bytes + blob.bytes)
        let message = load(file)
        XCTAssertTrue(message.contains("blob 1"), message)
        XCTAssertTrue(message.contains("zstd"), message)
        XCTAssertTrue(message.contains("pbf_compression=zlib"), message)
    }

    func testMissingFileAndNoRoads() {
        XCTAssertThrowsError(try RoadNetwork.load(pbf: URL(fileURLWithPath: "/nonexistent/x.osm.pbf"), mode: .car)) { error in
            XCTAssertTrue("\(error)".contains("no such file"))
        }
        let message = load(TestPBF.encode(nodes: nodes, ways: [.init(id: 9, refs: [1, 2], tags: ["highway": "footway"])]))
        XCTAssertTrue(message.contains("holds no road usable by car"), message)
    }

    func testWayCutAtTheExtractEdgeIsCounted() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).osm.pbf")
        try TestPBF.encode(nodes: nodes, ways: [.init(id: 9, refs: [1, 2, 3], tags: ["highway": "residential"])]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let net = try RoadNetwork.load(pbf: url, mode: .car)
        XCTAssertEqual(net.segmentCount, 1)
        XCTAssertEqual(net.diagnostics.segmentsWithMissingNodes, 1)
        XCTAssertEqual(net.diagnostics.waysWithMissingNodes, [9])
    }

    func testWireReaderVarints() throws {
        var p = Proto()
        for v: UInt64 in [0, 1, 127, 128, 300, UInt64.max] { p.varint(v) }
        for v: Int64 in [0, -1, 1, -64, Int64.min, Int64.max] { p.varint(Proto.zigzag(v)) }
        try p.bytes.withUnsafeBytes { bytes in
            var r = WireReader(bytes)
            for v: UInt64 in [0, 1, 127, 128, 300, UInt64.max] { XCTAssertEqual(try r.varint(), v) }
            for v: Int64 in [0, -1, 1, -64, Int64.min, Int64.max] { XCTAssertEqual(try r.signedVarint(), v) }
            XCTAssertTrue(r.isAtEnd)
        }
        try [UInt8](repeating: 0xFF, count: 11).withUnsafeBytes { bytes in
            var r = WireReader(bytes)
            XCTAssertThrowsError(try r.varint())
        }
    }
}
