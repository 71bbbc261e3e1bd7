import Foundation

/// Test fixtures under `Tests/CareFormatsTests/Fixtures/geojson`, found from this file's location.
///
/// - `in/`: valid GeoJSON inputs, hand-written.
/// - `out/`: what `GeoJSON.encode` must produce for each input. Set `CAREATLAS_REGENERATE_FIXTURES=1`
///   to rewrite them from the current writer (then review the diff before committing).
/// - `invalid/`: files that must fail to read, with the exact messages asserted in the tests.
enum GeoJSONFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/geojson")

    static func input(_ name: String) -> URL { directory.appendingPathComponent("in/\(name)") }
    static func expectedOutput(_ name: String) -> URL { directory.appendingPathComponent("out/\(name)") }
    static func invalid(_ name: String) -> URL { directory.appendingPathComponent("invalid/\(name)") }

    static var inputNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("in").path)) ?? []
        return names.filter { $0.hasSuffix(".geojson") }.sorted()
    }

    static var regenerate: Bool {
        ProcessInfo.processInfo.environment["CAREATLAS_REGENERATE_FIXTURES"] == "1"
    }
}
