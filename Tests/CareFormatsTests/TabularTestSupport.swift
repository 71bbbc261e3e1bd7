import Foundation

@testable import CareFormats

/// Helpers for the tests of `Sources/CareFormats/Tabular`.
enum TabularTestData {
    /// `text` as the CP932 bytes Japanese Excel would write; fails the test if CP932 lacks a character.
    static func cp932(_ text: String) throws -> Data {
        switch CP932.encode(text) {
        case .success(let bytes): return Data(bytes)
        case .failure(let failure):
            throw TestFailure("U+\(String(failure.scalar.value, radix: 16, uppercase: true)) has no CP932 code")
        }
    }

    static func utf8(_ text: String) -> Data { Data(text.utf8) }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The fields of every row, for comparing two tables.
    static func rows(_ table: CSVTable) -> [[String]] { table.map(\.fields) }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
