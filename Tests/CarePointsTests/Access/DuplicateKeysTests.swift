@testable import CarePoints
import Testing

/// The id-uniqueness check without String hashing (``DuplicateKeys``): repeats found with the
/// index of their first occurrence, different keys with equal hashes kept apart, a flood of equal
/// hashes refused (nil) rather than compared pairwise, non-ASCII ids left to `String ==`.
@Suite struct DuplicateKeysTests {
    static func firstRepeat(_ keys: [String], hashes: [UInt64]? = nil) -> DuplicateKeys.Repeat? {
        let h = hashes ?? keys.map { key in
            Array(key.utf8).withUnsafeBytes { DuplicateKeys.hash($0) }
        }
        return h.withUnsafeBufferPointer { DuplicateKeys.firstRepeat(hashes: $0) { keys[$0] == keys[$1] } }
    }

    @Test func repeatsAreFoundWithTheirFirstOccurrence() {
        let ids = (0..<50_000).map { "d\($0)" }
        #expect(Self.firstRepeat(ids) == DuplicateKeys.Repeat.none)
        #expect(Self.firstRepeat(ids + ["d123"]) == .found(key: 50_000, first: 123))
        #expect(Self.firstRepeat(["a", "b", "a", "b"]) == .found(key: 2, first: 0))
        #expect(Self.firstRepeat([]) == DuplicateKeys.Repeat.none && Self.firstRepeat(["x"]) == DuplicateKeys.Repeat.none)
        // Length is part of the hash: a key and the same key with a NUL appended differ.
        #expect(Self.firstRepeat(["a", "a\u{0}", "ab", "abcdefgh", "abcdefgh\u{0}"]) == DuplicateKeys.Repeat.none)
    }

    @Test func equalHashesAreComparedByBytes() {
        // Every hash equal: the bytes decide (40 keys, 780 probes, fit the budget of 16 a key + 1024).
        let ids = (0..<40).map { "s\($0)" }
        #expect(Self.firstRepeat(ids, hashes: Array(repeating: 42, count: 40)) == DuplicateKeys.Repeat.none)
        #expect(Self.firstRepeat(ids + ["s7"], hashes: Array(repeating: 42, count: 41)) == .found(key: 40, first: 7))
        // Ten thousand keys crafted to collide: refused after 16 probes a key, not 50 million comparisons.
        let flood = (0..<10_000).map { "k\($0)" }
        #expect(Self.firstRepeat(flood, hashes: Array(repeating: 7, count: 10_000)) == nil)
    }

    @Test func onlyASCIIIdsAreDecidedByBytes() {
        #expect(DuplicateKeys.allDistinct(3) { ["a", "b", "c"][$0] } == true)
        #expect(DuplicateKeys.allDistinct(3) { ["a", "b", "a"][$0] } == false)
        // "é" precomposed and decomposed are equal Strings with different bytes: left to String ==.
        #expect(DuplicateKeys.allDistinct(2) { ["\u{E9}", "e\u{301}"][$0] } == nil)
    }
}
