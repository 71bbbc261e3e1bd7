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

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so that every random test
/// instance is the same on every platform and every run.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}
