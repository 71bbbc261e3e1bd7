import Foundation
import Testing
@testable import CareGeometry

/// Resident set size in bytes, from /proc/self/statm (Linux); nil elsewhere.
func residentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

@Suite struct MemoryTests {
    /// Builds, projects, measures and destroys 100,000 geometries (and 1,000 prepared geometries and
    /// 100 transformations); a leaked GEOS or PROJ handle per iteration would add ≥ 30 MB each time;
    /// the bound (16 MiB) leaves room for other tests running in parallel. LeakSanitizer's check of
    /// the suites is `.ci/leaks`.
    @Test func handlesAreFreed() throws {
        guard residentBytes() != nil else { return }  // not Linux: nothing to measure
        func churn(_ n: Int) throws {
            var transform = try CoordinateTransform(from: .wgs84, to: .epsg(6677))
            for i in 0..<n {
                if i % 1000 == 999 { transform = try CoordinateTransform(from: .wgs84, to: .epsg(6677)) }
                let x = 139.7 + Double(i % 100) / 1000, y = 35.6 + Double(i % 77) / 1000
                let square = Fixture.rectangle(x, y, x + 0.001, y + 0.001)
                let projected = try transform.transform(square.geometry)
                _ = try projected.area()
                if i % 100 == 0 { _ = try PreparedGeometry(projected).covers(projected.boundingBox!.center) }
            }
        }
        try churn(10_000)  // warm up allocators and caches
        // RSS is the whole process's: a suite allocating in parallel (the million-row input cases)
        // can add to one measurement. A leak adds to every one, so the smallest of up to three counts.
        var growths: [Int] = []
        for _ in 0..<3 {
            let before = residentBytes()!
            try churn(100_000)
            growths.append(residentBytes()! - before)
            if growths.last! < 16 << 20 { break }
        }
        print("RSS growth over 100,000 geometries: \(growths.map { "\($0 / 1024) KiB" }.joined(separator: ", "))")
        #expect(growths.min()! < 16 << 20, "resident memory grew by \(growths) bytes")
    }
}
