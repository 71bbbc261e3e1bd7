import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// The plain-CSV fast path reads files of several chunks (256 KiB each, cut at line ends, parsed
/// on all cores) exactly as written, and gives the same points — or the same error — as the
/// general reader, which reads the same rows when one field is quoted.
@Suite struct PlainReaderChunkTests {
    /// 40,000 rows (about 1 MiB, four or five chunks) with known values; ids d1 … d40000.
    static func rows(seed: UInt64) -> (text: [String], points: [DemandPoint]) {
        var random = SplitMix64(state: seed)
        var lines: [String] = []
        var points: [DemandPoint] = []
        for i in 1...40_000 {
            let x = Double(Int(random.next() % 10_000_000) - 5_000_000) / 100
            let y = Double(Int(random.next() % 10_000_000) - 5_000_000) / 100
            let population = Double(random.next() % 1000)
            lines.append("d\(i),\(String(format: "%.2f", x)),\(String(format: "%.2f", y)),\(Int(population))")
            points.append(DemandPoint(id: "d\(i)", position: Coordinate(x: x, y: y), population: population))
        }
        return (lines, points)
    }

    static func read(_ text: String) throws -> [DemandPoint] {
        try AccessInput.readDemand(contentsOf: AccessInputTests.file("demand.csv", text))
    }

    /// The general reader's answer for the same rows: a quoted header field sends the file there.
    static func readGeneral(_ text: String) throws -> [DemandPoint] {
        try read(text.replacingOccurrences(of: "id,x,y,population", with: "\"id\",x,y,population"))
    }

    @Test func chunksGiveTheRowsAsWritten() throws {
        let (lines, points) = Self.rows(seed: 5)
        let text = "id,x,y,population\n" + lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 4 << 18)
        #expect(try Self.read(text) == points)
        #expect(try Self.readGeneral(text) == points)
        // No final newline, CRLF line ends, a final blank line: the same points.
        #expect(try Self.read("id,x,y,population\n" + lines.joined(separator: "\n")) == points)
        #expect(try Self.read("id,x,y,population\r\n" + lines.joined(separator: "\r\n") + "\r\n") == points)
        #expect(try Self.read(text + "\n") == points)
    }

    @Test func aRepeatInAnotherChunkIsReportedWithItsLines() throws {
        var (lines, _) = Self.rows(seed: 6)
        lines[35_000] = "d12" + lines[35_000].drop(while: { $0 != "," })
        let text = "id,x,y,population\n" + lines.joined(separator: "\n") + "\n"
        #expect(AccessInputTests.message { _ = try Self.read(text) }
            == "demand.csv, line 35002, column \"id\": \"d12\" repeats line 13; ids must be unique")
    }

    @Test func aBlankOrBadLineInALaterChunkGoesToTheGeneralReader() throws {
        let (lines, points) = Self.rows(seed: 7)
        var blank = lines
        blank.insert("", at: 30_000)
        let blankText = "id,x,y,population\n" + blank.joined(separator: "\n") + "\n"
        #expect(try Self.read(blankText) == Self.readGeneral(blankText))
        #expect(try Self.read(blankText) == points)
        var bad = lines
        bad[39_999] = "d40000,1e3,0,5"
        let badText = "id,x,y,population\n" + bad.joined(separator: "\n") + "\n"
        #expect(try Self.read(badText).last == DemandPoint(id: "d40000", position: Coordinate(x: 1000, y: 0), population: 5))
    }
}
