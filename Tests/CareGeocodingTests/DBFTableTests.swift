import CareFormats
import Foundation
import TestSupport
import XCTest

/// The dBASE reader on hand-built tables and on the real census attribute tables.
final class DBFTableTests: XCTestCase {
    /// A two-field table (C 6, N 5.1) with one live and one deleted record, in CP932.
    static func table(records: [(deleted: Bool, text: [UInt8], number: String)], truncate: Int = 0) -> Data {
        var bytes: [UInt8] = [0x03, 126, 1, 1]
        let count = UInt32(records.count)
        bytes += [UInt8(count & 0xFF), UInt8(count >> 8 & 0xFF), 0, 0]
        let headerLength = 32 + 64 + 1, recordLength = 1 + 6 + 5
        bytes += [UInt8(headerLength), 0, UInt8(recordLength), 0]
        bytes += [UInt8](repeating: 0, count: 20)
        bytes[29] = 0x13
        func descriptor(_ name: String, _ type: Character, _ length: UInt8, _ decimals: UInt8) -> [UInt8] {
            var d = Array(name.utf8) + [UInt8](repeating: 0, count: 11 - name.utf8.count)
            d.append(type.asciiValue!)
            d += [0, 0, 0, 0, length, decimals]
            return d + [UInt8](repeating: 0, count: 14)
        }
        bytes += descriptor("MOJI", "C", 6, 0) + descriptor("JINKO", "N", 5, 1) + [0x0D]
        for r in records {
            bytes.append(r.deleted ? 0x2A : 0x20)
            bytes += r.text + [UInt8](repeating: 0x20, count: 6 - r.text.count)
            let n = Array(r.number.utf8)
            bytes += [UInt8](repeating: 0x20, count: 5 - n.count) + n
        }
        bytes.append(0x1A)
        return Data(bytes.dropLast(truncate))
    }

    func testFieldsRecordsDeletionAndCP932() throws {
        // 千代 in CP932 is 90 E7 91 E3.
        let data = Self.table(records: [(false, [0x90, 0xE7, 0x91, 0xE3], "12.5"), (true, Array("ab".utf8), ""), (false, [], "  0")])
        let t = try DBFTable(data: data, source: "t.dbf")
        XCTAssertEqual(t.fields.map(\.name), ["MOJI", "JINKO"])
        XCTAssertEqual(t.fields.map(\.type), ["C", "N"])
        XCTAssertEqual(t.fields[1].decimalCount, 1)
        XCTAssertEqual(t.count, 3)
        XCTAssertEqual(t.encoding, .cp932)
        XCTAssertEqual(try t.text(0, 0), "千代")
        XCTAssertEqual(try t.number(0, 1), 12.5)
        XCTAssertTrue(t.isDeleted(1))
        XCTAssertFalse(t.isDeleted(0))
        XCTAssertNil(try t.number(1, 1), "a blank number is no data, not 0")
        XCTAssertEqual(try t.number(2, 1), 0)
        XCTAssertEqual(try t.text(2, 0), "")
        XCTAssertEqual(try t.fieldIndex("JINKO"), 1)
        XCTAssertThrowsError(try t.fieldIndex("POP")) { error in
            XCTAssertEqual("\(error)", "t.dbf: no field \"POP\"; fields are: MOJI, JINKO")
        }
    }

    func testErrorsNameFileRecordAndField() throws {
        let bad = Self.table(records: [(false, Array("a".utf8), "1"), (false, Array("b".utf8), "x")])
        let t = try DBFTable(data: bad, source: "bad.dbf")
        XCTAssertThrowsError(try t.number(1, 1)) { error in
            XCTAssertEqual("\(error)", "bad.dbf, record 2, field \"JINKO\": \"x\" is not a number; numeric fields hold decimal numbers such as 139.88549")
        }
        let cut = Self.table(records: [(false, Array("a".utf8), "1"), (false, Array("b".utf8), "2")], truncate: 8)
        XCTAssertThrowsError(try DBFTable(data: cut, source: "cut.dbf")) { error in
            XCTAssertEqual("\(error)", "cut.dbf, record 2: the file ends inside record 2 of 2: it has 114 bytes, 121 are needed; the file was cut short; copy or download it again")
        }
        XCTAssertThrowsError(try DBFTable(data: Data("KEY_CODE,MOJI\n".utf8), source: "x.dbf")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.dbf: the file has 14 bytes"), "\(error)")
        }
        // Invalid CP932: 0x85 0x40 is unassigned.
        let invalid = try DBFTable(data: Self.table(records: [(false, [0x85, 0x40], "1")]), source: "i.dbf")
        XCTAssertThrowsError(try invalid.text(0, 0)) { error in
            XCTAssertTrue("\(error)".hasPrefix("i.dbf, record 1, field \"MOJI\": byte 0x85 at position 1"), "\(error)")
        }
    }

    /// The 2015 census attribute tables: row counts and Tokyo's population (README section 6).
    func testCensusAttributeTables() throws {
        var counts: [Int] = []
        for name in ["11-saitama", "12-chiba", "13-tokyo", "14-kanagawa"] {
            guard let url = SharedData.file("small_areas/census2015_attributes/\(name)-all.dbf") else { throw XCTSkip(SharedData.skipMessage) }
            let t = try DBFTable(contentsOf: url)
            XCTAssertEqual(t.encoding, .cp932)
            counts.append(t.count)
            if name == "13-tokyo" {
                let jinko = try t.fieldIndex("JINKO"), moji = try t.fieldIndex("MOJI")
                var sum = 0.0
                for r in 0..<t.count { sum += try t.number(r, jinko) ?? 0 }
                XCTAssertEqual(sum, 13_515_271)
                XCTAssertEqual(try t.text(1, moji), "南小岩１丁目")
            }
        }
        XCTAssertEqual(counts, [6379, 6583, 6010, 5344])
    }
}
