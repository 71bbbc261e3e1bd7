import Dispatch
import Foundation

/// Work spread over the machine's cores: `count` items handed out one at a time to one worker per
/// core (`DispatchQueue.concurrentPerform`), each item's result stored in its own slot, so the
/// output order never depends on scheduling.
enum Parallel {
    /// The number of workers: `CAREATLAS_THREADS` when set to a whole number ≥ 1 (to measure
    /// scaling, or to leave cores to other work), else the active processor count.
    static var workerCount: Int {
        if let text = ProcessInfo.processInfo.environment["CAREATLAS_THREADS"], let n = Int(text), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `body(item)` for every item in `0..<count`, concurrently.
    static func forEach(count: Int, workers: Int = workerCount, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let counter = Counter()
        let n = min(workers, count)
        DispatchQueue.concurrentPerform(iterations: n) { _ in
            while true {
                let item = counter.next()
                guard item < count else { return }
                body(item)
            }
        }
    }

    /// Like ``forEach(count:workers:_:)`` but each worker first builds a private state (a
    /// workspace) with `makeState`, reused for every item it takes.
    static func forEach<State>(count: Int, workers: Int = workerCount, makeState: @Sendable () -> State,
                               _ body: @Sendable (Int, inout State) -> Void) {
        guard count > 0 else { return }
        let counter = Counter()
        let n = min(workers, count)
        DispatchQueue.concurrentPerform(iterations: n) { _ in
            var state = makeState()
            while true {
                let item = counter.next()
                guard item < count else { return }
                body(item, &state)
            }
        }
    }
}

/// A shared item counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// One result slot per item, written by workers under a lock. Every slot starts with `initial`
/// (what an item that never ran would leave: an error, or an empty result), so reading one never
/// meets a missing value.
final class Slots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T]
    init(count: Int, initial: T) { values = Array(repeating: initial, count: count) }
    func set(_ i: Int, _ value: T) {
        lock.lock()
        values[i] = value
        lock.unlock()
    }
    func get(_ i: Int) -> T {
        lock.lock()
        defer { lock.unlock() }
        return values[i]
    }
}
