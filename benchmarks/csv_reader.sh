#!/bin/sh
# Times CSVTable on a generated 1,000,000-row, 5-column CSV (about 40 MB), optimised like a release
# build (-O, whole module). The Tabular sources are compiled on their own with a small driver, as
# they need nothing but Foundation. Usage, from the repository root:  sh benchmarks/csv_reader.sh
set -eu
work="${TMPDIR:-/tmp}/careatlas-csv-benchmark"
mkdir -p "$work"
cat > "$work/main.swift" <<'SWIFT'
import Foundation

let rows = 1_000_000
let url = URL(fileURLWithPath: CommandLine.arguments[1])
if !FileManager.default.fileExists(atPath: url.path) {
    var text = "area_code,area_name,fiscal_year,service,patients\r\n"
    text.reserveCapacity(rows * 45)
    let services = ["pct_consult", "pcu_admission", "\"palliative, outpatient\""]
    for row in 0..<rows {
        text += "\(13101 + row % 23),区\(row % 997),2023,\(services[row % 3]),\(row % 17)\r\n"
    }
    try! text.write(to: url, atomically: true, encoding: .utf8)
}
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
for round in 1...3 {
    var table: CSVTable!
    let read = try seconds { table = try CSVTable(contentsOf: url) }
    var sum = 0
    let patients = try table.column("patients")
    let code = try table.column("area_code")
    let sumTime = try seconds {
        for row in table {
            sum += try row.parseCount(patients).value ?? 0
            _ = try row.parseAreaCode(code)
        }
    }
    print(String(format: "round %d: read %.3f s (%d rows), then counts + area codes of every row %.3f s (sum %d)",
                 round, read, table.count, sumTime, sum))
}
SWIFT
swiftc -O -wmo -o "$work/benchmark" Sources/CareFormats/Tabular/*.swift "$work/main.swift"
ls -l "$work/rows.csv" 2>/dev/null || true
"$work/benchmark" "$work/rows.csv"
