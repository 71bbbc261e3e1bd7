import CareFormats
import Foundation

/// libFuzzer entry: the bytes are a CSV file as users have them (UTF-8 with or without BOM, CP932,
/// UTF-16…). The reader must return a table or throw a `TabularError`; a table's every row must have
/// the header's width and a line number inside the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        let table = try CSVTable(data: data, source: "fuzz.csv")
        var previousLine = 0
        for row in table {
            precondition(row.fields.count == table.header.count, "row width differs from the header's")
            precondition(row.lineNumber > previousLine, "line numbers must increase")
            previousLine = row.lineNumber
        }
        if let first = table.header.first { _ = try? table.column(first) }
    } catch {
        precondition(!error.description.isEmpty, "TabularError without a message")
    }
    // The text decoder on its own (used for study side files).
    _ = try? TextDecoding.decode(data, source: "fuzz.txt")
    return 0
}
