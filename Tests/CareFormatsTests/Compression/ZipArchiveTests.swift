import CareFormats
import Foundation
import TestSupport
import XCTest

final class ZipArchiveTests: XCTestCase {
    /// Written by Python's zipfile: `a.txt` deflated ("hello, 架空市\n" three times), `dir/b.csv` stored.
    static let small = Data(base64Encoded: """
        UEsDBBQAAAAIAAAAIQDqWtg7FwAAADMAAAAFAAAAYS50eHTLSM3JyddReDZv2/OVu57uaOLKICgAAFBLAwQUAAAAAAAAACEA/p103xAAAAAQAAAACQAAAGRpci9iLmNz\
        dmNvZGUsbgoxMzEwNSwzMQpQSwECFAMUAAAACAAAACEA6lrYOxcAAAAzAAAABQAAAAAAAAAAAAAAgAEAAAAAYS50eHRQSwECFAMUAAAAAAAAACEA/p103xAAAAAQAAAA\
        CQAAAAAAAAAAAAAAgAE6AAAAZGlyL2IuY3N2UEsFBgAAAAACAAIAagAAAHEAAAAAAA==
        """)!

    func testReadsStoredAndDeflatedMembers() throws {
        let zip = try ZipArchive(data: Self.small, source: "small.zip")
        XCTAssertEqual(zip.entries.map(\.name), ["a.txt", "dir/b.csv"])
        let a = try zip.data(of: zip.entry(named: "a.txt")!)
        XCTAssertEqual(String(decoding: a, as: UTF8.self), String(repeating: "hello, 架空市\n", count: 3))
        let b = try zip.data(of: zip.entry(named: "dir/b.csv")!)
        XCTAssertEqual(String(decoding: b, as: UTF8.self), "code,n\n13105,31\n")
    }

    func testDamagedMemberIsRefusedWithItsName() throws {
        var damaged = Self.small
        damaged[damaged.startIndex + 40] ^= 0xFF  // inside a.txt's deflate data
        let zip = try ZipArchive(data: damaged, source: "small.zip")
        XCTAssertThrowsError(try zip.data(of: zip.entry(named: "a.txt")!)) { error in
            XCTAssertTrue("\(error)".contains("small.zip (member a.txt)"), "\(error)")
        }
    }

    func testNotAZipIsRefused() {
        XCTAssertThrowsError(try ZipArchive(data: Data("code,n\n1,2\n".utf8), source: "x.csv")) { error in
            XCTAssertTrue("\(error)".contains("not a zip archive"), "\(error)")
        }
    }

    func testZlibStreamAndCRC() throws {
        // zlib.compress(b'node ways ' * 20) from Python.
        let blob = Data(base64Encoded: "eJzLy09JVShPrCxWyBvSLADafElJ")!
        let out = try Inflate.decompress(blob, format: .zlib, expectedSize: 200, source: "blob")
        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(repeating: "node ways ", count: 20))
        XCTAssertThrowsError(try Inflate.decompress(blob, format: .zlib, expectedSize: 199, source: "blob"))
        XCTAssertThrowsError(try Inflate.decompress(blob.prefix(10), format: .zlib, source: "blob"))
        XCTAssertEqual(Inflate.crc32(Data("123456789".utf8)), 0xCBF4_3926)  // the CRC-32 check value
    }

    /// The 医療情報ネット download as published: one CSV member of 4,396,222 bytes.
    func testReadsTheIryojohoDownload() throws {
        guard let url = SharedData.file("institutions/iryojoho/01-1_hospital_facility_info_20250601.zip") else {
            throw XCTSkip(SharedData.skipMessage)
        }
        let zip = try ZipArchive(contentsOf: url)
        XCTAssertEqual(zip.entries.map(\.name), ["01-1_hospital_facility_info_20250601.csv"])
        XCTAssertEqual(try zip.data(of: zip.entries[0]).count, 4_396_222)
    }
}
