import CPROJ
import Foundation

/// A transformation between two CRSs, built once and applied to many coordinates.
///
/// Built with `proj_create_crs_to_crs` and then `proj_normalize_for_visualization`, so that
/// geographic CRSs take and give longitude first. Coordinates are transformed in batches with
/// `proj_trans_generic`; the error number is checked after each batch and every output position is
/// checked to be finite.
///
/// Thread safety: an instance owns its own PROJ context and must be used by one thread at a time
/// (it is not `Sendable`). Create one transformation per thread or task, or borrow one with
/// ``borrow(from:to:)`` and give it back with ``giveBack(_:)``.
public final class CoordinateTransform {
    public let source: CRS
    public let target: CRS
    private let context: ProjContext
    private let pj: OpaquePointer

    /// - Throws: ``GeometryError/proj(operation:message:)`` with PROJ's message when either CRS is
    ///   unknown or no transformation exists between them.
    public init(from source: CRS, to target: CRS) throws {
        self.source = source
        self.target = target
        context = try ProjContext()
        let api = context.api
        // proj_create_crs_to_crs returns NULL on failure and sets the context's errno.
        guard let raw = api.proj_create_crs_to_crs(context.handle, source.identifier, target.identifier, nil) else {
            throw GeometryError.proj(
                operation: "proj_create_crs_to_crs(\(source) → \(target))", message: context.lastErrorMessage)
        }
        // proj_normalize_for_visualization returns a new object (NULL on failure); the input stays ours.
        let normalized = api.proj_normalize_for_visualization(context.handle, raw)
        _ = api.proj_destroy(raw)
        guard let n = normalized else {
            throw GeometryError.proj(
                operation: "proj_normalize_for_visualization(\(source) → \(target))", message: context.lastErrorMessage)
        }
        pj = n
    }

    deinit { _ = context.api.proj_destroy(pj) }

    /// A transformation from `source` to `target` for the calling thread's use until it is handed
    /// to ``giveBack(_:)``: one given back earlier when there is one, else a new one. Building a
    /// transformation (`proj_create_crs_to_crs`, which searches PROJ's database) takes ≈ 3–8 ms;
    /// transforming a layer takes far less, so writers of many layers borrow instead of building.
    /// A borrowed transformation gives the same positions as a new one: PROJ chooses among a
    /// transformation's alternative operations by each position alone.
    ///
    /// - Throws: as ``init(from:to:)``.
    public static func borrow(from source: CRS, to target: CRS) throws -> CoordinateTransform {
        if let kept = Pool.shared.take(source, target) { return kept }
        return try CoordinateTransform(from: source, to: target)
    }

    /// Gives a transformation back for later ``borrow(from:to:)`` calls; the caller no longer uses it.
    public static func giveBack(_ transform: CoordinateTransform) {
        Pool.shared.put(transform)
    }

    /// Idle transformations by (source, target), each used by no thread. At most ``kept`` of a
    /// pair stay idle (each holds a PROJ context with its own connection to proj.db); one more is
    /// released.
    private final class Pool: @unchecked Sendable {
        static let shared = Pool()
        static let kept = 4
        private let lock = NSLock()
        private var idle: [Pair: [CoordinateTransform]] = [:]
        private struct Pair: Hashable {
            let source: String
            let target: String
            init(_ source: CRS, _ target: CRS) { (self.source, self.target) = (source.identifier, target.identifier) }
        }
        /// An idle transformation of the pair; nil when there is none.
        func take(_ source: CRS, _ target: CRS) -> CoordinateTransform? {
            lock.lock()
            defer { lock.unlock() }
            return idle[Pair(source, target)]?.popLast()
        }
        /// Keeps `t` idle unless ``kept`` of its pair already are.
        func put(_ t: CoordinateTransform) {
            let pair = Pair(t.source, t.target)
            lock.lock()
            if idle[pair, default: []].count < Self.kept { idle[pair, default: []].append(t) }
            lock.unlock()
        }
    }

    /// Transforms `coordinates` in place, in one batch.
    ///
    /// - Throws: ``GeometryError/proj(operation:message:)`` naming the first position that could not
    ///   be transformed (for example a latitude beyond ±90°).
    public func transform(_ coordinates: inout [Coordinate]) throws {
        guard !coordinates.isEmpty else { return }
        _ = context.api.proj_errno_reset(pj)
        let count = coordinates.count
        let stride = MemoryLayout<Coordinate>.stride
        let done = coordinates.withUnsafeMutableBufferPointer { buffer -> Int in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            let xs = base.assumingMemoryBound(to: Double.self)
            let ys = (base + MemoryLayout<Double>.stride).assumingMemoryBound(to: Double.self)
            // proj_trans_generic returns the number of transformed coordinates.
            return context.api.proj_trans_generic(pj, PJ_FWD, xs, stride, count, ys, stride, count, nil, 0, 0, nil, 0, 0)
        }
        let err = context.api.proj_errno(pj)
        if let bad = coordinates.firstIndex(where: { !$0.isFinite }) {
            let message = err != 0 ? context.message(err) : "no finite result"
            throw GeometryError.proj(
                operation: "transform \(source) → \(target)",
                message: "position \(bad) could not be transformed (\(message)); check that the coordinates are in \(source)")
        }
        if err != 0 || done != count {
            throw GeometryError.proj(
                operation: "transform \(source) → \(target)",
                message: context.message(err))
        }
    }

    /// Transforms one position.
    public func transform(_ coordinate: Coordinate) throws -> Coordinate {
        var one = [coordinate]
        try transform(&one)
        return one[0]
    }

    /// Transforms every position of a geometry in one batch.
    public func transform(_ geometry: Geometry) throws -> Geometry {
        var coordinates = geometry.allCoordinates
        try transform(&coordinates)
        var index = 0
        return try geometry.mapCoordinates { _ in
            defer { index += 1 }
            return coordinates[index]
        }
    }
}
