import Foundation

/// Results filled in by the iterations of a `DispatchQueue.concurrentPerform`, one slot each,
/// each written once by the iteration that computed it and read after the loop.
final class ParallelSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    /// Every slot (nil where no iteration wrote).
    var values: [T?] { lock.lock(); defer { lock.unlock() }; return slots }
    /// Every slot, each written (after a loop that set them all).
    var filled: [T] { values.map { $0! } }
}
