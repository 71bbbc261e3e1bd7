/// Whether a list of byte strings (ids) holds a repeat, without Swift `String` hashing: a 64-bit
/// hash of the raw bytes, an open-addressing table of indices, and a byte comparison whenever two
/// hashes are equal — so a hash collision never makes two different ids equal.
///
/// Bytes are compared, not Unicode canonical equivalence (`String ==`): the two agree for ASCII,
/// so callers use this for ASCII ids only. The hash is not keyed; against ids crafted to collide
/// the table bounds its probes (16 per key on average) and answers nil, and the caller falls back
/// to a `Set`/`Dictionary` of `String` (SipHash with a per-process seed).
enum DuplicateKeys {
    /// The hash of `bytes` (8 bytes at a time; the length is mixed in, so "a" and "a\0" differ).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var k = 0
        let n = bytes.count
        while k + 8 <= n {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            k += 8
        }
        if k < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while k < n {
                tail |= UInt64(bytes[k]) << shift
                shift += 8
                k += 1
            }
            h = mix(h ^ tail)
        }
        // MurmurHash3's 64-bit finaliser: every input bit reaches the low bits the table uses.
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    @inline(__always)
    private static func mix(_ h: UInt64) -> UInt64 {
        let x = h &* 0x9FB2_1C65_1E98_DF25
        return (x ^ (x >> 29)) &+ 0x632B_E59B_D9B4_E019
    }

    /// The first key `i` (in index order) equal to an earlier key `j`, as `(i, j)` with `j` the
    /// first occurrence; `.none` when all `count` keys differ; nil when the probe budget ran out.
    ///
    /// - Parameters:
    ///   - hashes: ``hash(_:)`` of each key.
    ///   - equal: whether keys `a` and `b` hold the same bytes (called only when their hashes are equal).
    static func firstRepeat(hashes: UnsafeBufferPointer<UInt64>, equal: (Int, Int) -> Bool) -> Repeat? {
        let count = hashes.count
        guard count > 1 else { return Repeat.none }
        guard count < Int(UInt32.max) else { return nil }
        var capacity = 16
        while capacity < 2 * count { capacity <<= 1 }
        let mask = capacity - 1
        var budget = 16 * count + 1024
        // Slot s holds 1 + the index of the key stored there (0: empty).
        let slots = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: capacity)
        slots.initialize(repeating: 0)
        defer { slots.deallocate() }
        for i in 0..<count {
            let h = hashes[i]
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let stored = slots[s]
                if stored == 0 {
                    slots[s] = UInt32(i + 1)
                    break
                }
                let j = Int(stored) - 1
                if hashes[j] == h && equal(i, j) { return .found(key: i, first: j) }
                budget -= 1
                if budget < 0 { return nil }
                s = (s + 1) & mask
            }
        }
        return Repeat.none
    }

    /// The answer of ``firstRepeat(hashes:equal:)``.
    enum Repeat: Equatable {
        case none
        case found(key: Int, first: Int)
    }

    /// Whether `ids` are all distinct, by their bytes; nil when that cannot be decided fast (an
    /// id is not ASCII, where `String ==` is canonical equivalence, or the probe budget ran out).
    static func allDistinct(_ count: Int, _ id: (Int) -> String) -> Bool? {
        var ascii = true
        let hashes = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                let h = id(i).utf8.withContiguousStorageIfAvailable { utf8 -> UInt64 in
                    for byte in utf8 where byte >= 0x80 { ascii = false }
                    return hash(UnsafeRawBufferPointer(utf8))
                }
                guard let h else {
                    ascii = false
                    buffer[i] = 0
                    continue
                }
                buffer[i] = h
            }
            initialized = count
        }
        guard ascii else { return nil }
        return hashes.withUnsafeBufferPointer { hashes in
            firstRepeat(hashes: hashes) { id($0) == id($1) }.map { $0 == .none }
        }
    }
}
