import Dispatch

/// Chunked data parallelism with results that do not depend on thread scheduling.
///
/// Work is split into chunks whose boundaries depend only on the element count (never on the
/// number of cores), each chunk writes only its own slots of preallocated output buffers, and
/// every sum is taken inside one element in a fixed order; so the same input gives the same bits
/// on one core or many.
enum ParallelChunks {
    /// Elements per chunk: large enough to amortise dispatch, small enough to balance two cores.
    static let defaultChunkSize = 2048

    /// Calls `body` once per chunk `start..<end` of `0..<count`, concurrently.
    static func forEach(count: Int, chunkSize: Int = defaultChunkSize, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = (count + chunkSize - 1) / chunkSize
        if chunks == 1 {
            body(0..<count)
            return
        }
        // concurrentPerform wants a @Sendable closure, but it returns only when every iteration
        // has run, so `body` and what it captures are used within this call only; chunks write
        // disjoint slots (see SharedBuffer).
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body(chunk * chunkSize..<Swift.min(count, (chunk + 1) * chunkSize))
        }
    }

    /// An array of `count` values, element `i` computed by `value(i)`, concurrently by chunks.
    static func map<T: BitwiseCopyable>(count: Int, chunkSize: Int = defaultChunkSize, _ value: (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = SharedBuffer(buffer)
            forEach(count: count, chunkSize: chunkSize) { range in
                for i in range { output[i] = value(i) }
            }
            initialized = count
        }
    }
}

/// A buffer that chunks of one parallel loop write at disjoint indices.
///
/// `@unchecked Sendable` because the loops above guarantee that no two chunks touch the same
/// index and that the buffer outlives the loop; nothing else may use it.
struct SharedBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    let count: Int

    /// - Precondition: `buffer` is not empty.
    init(_ buffer: UnsafeMutableBufferPointer<T>) {
        base = buffer.baseAddress!
        count = buffer.count
    }

    subscript(index: Int) -> T {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

/// Kahan-compensated summation that skips NaN: the algorithm of pandas' `groupby(...).sum()`
/// (`group_sum` in `pandas/_libs/groupby.pyx`, pandas 2.x), by which PySAL `access` sums every
/// catchment.
///
/// NaN terms are left out (an all-NaN or empty sum is 0, pandas' `min_count=0`); when the
/// compensation stops being finite (an infinite term) it is reset to 0, so that a sum with +∞
/// terms is +∞ rather than NaN (pandas GH#53606, GH#60303). Compensation also makes sums such as
/// twenty-five times 0.2 come out as exactly 5, which PySAL's own known-answer test relies on.
struct CompensatedSum {
    private(set) var sum = 0.0
    private var compensation = 0.0

    @inline(__always)
    mutating func add(_ value: Double) {
        guard !value.isNaN else { return }
        let y = value - compensation
        let t = sum + y
        compensation = (t - sum) - y
        if !compensation.isFinite { compensation = 0 }
        sum = t
    }
}
