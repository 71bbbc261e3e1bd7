@_exported import struct CareFormats.SplitMix64
import CareFormats
import Foundation

/// Shared helpers for the test targets. Not part of CareAtlas's API.
public enum SharedData {
    /// `../shared/geodata` beside the checkout, found from this source file's location so that
    /// tests work from any working directory. `nil` when the folder is absent (tests then skip).
    public static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["CAREATLAS_SHARED_GEODATA"] {
            return FileManager.default.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = repo.deletingLastPathComponent().appendingPathComponent("shared/geodata")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }()

    /// The message a test gives when it skips for lack of the shared data.
    public static let skipMessage =
        "../shared/geodata is absent (set CAREATLAS_SHARED_GEODATA to its path); skipping a test that reads real data"

    /// A file under the shared data folder, or nil when the folder is absent.
    public static func file(_ relativePath: String) -> URL? {
        root?.appendingPathComponent(relativePath)
    }
}

/// The repository root (for `geodata/` and fixtures).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Relative difference |a − b| / max(|a|, |b|, tiny): the tolerance semantics used by every
/// approximate comparison in the tests.
public func relativeDifference(_ a: Double, _ b: Double) -> Double {
    let scale = max(abs(a), abs(b), Double.leastNormalMagnitude)
    return abs(a - b) / scale
}

/// The project's seeded generator (``CareFormats/SplitMix64``), visible to every test that
/// imports TestSupport, with the draws the tests use besides ``SplitMix64/uniform()``.
extension SplitMix64 {
    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

/// Runs `executable` with `arguments` and waits: its exit status and its output, for tests that
/// check a file with another program (GDAL's ogrinfo, Python).
public func runProgram(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, stdout, stderr)
}

/// Scratch folders for tests: each a fresh folder under one folder per test process,
/// `careatlas-tests-<pid>` in the system's temporary folder, which is removed with everything in
/// it when the process exits normally (a crashed run leaves it for inspection).
public enum ScratchFolder {
    private static let root: URL = {
        let url = processRoot()
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchFolder.processRoot()) }
        return url
    }()

    private static func processRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-tests-\(getpid())")
    }

    /// A new folder `<prefix>-<UUID>` under the process's scratch folder.
    public static func make(_ prefix: String) throws -> URL {
        let url = path(prefix)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new path `<prefix>-<UUID>` under the process's scratch folder, not created (for callers
    /// that copy a folder there or let a command make it).
    public static func path(_ prefix: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }
}
