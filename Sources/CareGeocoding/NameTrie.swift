/// Names written as Unicode scalar values (the form ``AddressNormalizer`` gives), for
/// longest-prefix lookup: "which of these names begins this address, and how long is it".
///
/// A trie whose edges (parent node, scalar) → child live in one open-addressing hash table of
/// 64-bit keys, so a lookup walks the address once, one multiplicative hash and a probe or two per
/// scalar, without allocating. Several tries share the table through their roots (one per
/// municipality for its towns). Each node holds an `Int32` value (-1: no name ends there).
///
/// Thread safety: immutable once built.
struct NameTrie: Sendable {
    private var keys: [UInt64]
    private var children: [Int32]
    private var shift: UInt64
    /// The value of each node; -1 where no name ends.
    private(set) var values: [Int32]

    /// Collects names; ``build()`` freezes them.
    struct Builder {
        private var edges: [UInt64: Int32] = [:]
        /// Node 0 is never used, so that no edge key is 0 (the empty slot).
        private(set) var values: [Int32] = [-1]

        /// A new root.
        mutating func root() -> Int32 {
            values.append(-1)
            return Int32(values.count - 1)
        }

        /// The node of `name` under `root`, created with its path when absent.
        mutating func node<C: Collection>(_ name: C, root: Int32) -> Int32 where C.Element == UInt32 {
            var node = root
            for s in name {
                let key = UInt64(UInt32(node)) << 32 | UInt64(s)
                if let child = edges[key] {
                    node = child
                } else {
                    values.append(-1)
                    let child = Int32(values.count - 1)
                    edges[key] = child
                    node = child
                }
            }
            return node
        }

        mutating func setValue(_ value: Int32, at node: Int32) { values[Int(node)] = value }

        func build() -> NameTrie {
            var capacity = 16
            while capacity < edges.count * 2 { capacity *= 2 }
            let shift = UInt64(64 - capacity.trailingZeroBitCount)
            var keys = [UInt64](repeating: 0, count: capacity)
            var children = [Int32](repeating: 0, count: capacity)
            for (key, child) in edges {
                var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while keys[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
                keys[slot] = key
                children[slot] = child
            }
            return NameTrie(keys: keys, children: children, shift: shift, values: values)
        }
    }

    @inline(__always)
    private func child(_ node: Int32, _ scalar: UInt32) -> Int32? {
        let key = UInt64(UInt32(node)) << 32 | UInt64(scalar)
        let mask = keys.count - 1
        var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let k = keys[slot]
            if k == key { return children[slot] }
            if k == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Calls `found` with (value, length) for every name under `root` that begins `text`, shortest first.
    @inline(__always)
    private func walk(_ text: ArraySlice<UInt32>, root: Int32, _ found: (Int32, Int) -> Void) {
        var node = root
        var length = 0
        for s in text {
            guard let next = child(node, s) else { return }
            node = next
            length += 1
            if values[Int(next)] >= 0 { found(values[Int(next)], length) }
        }
    }

    /// Every name under `root` that begins `text`, longest first: (value, length in scalars).
    func prefixes(of text: ArraySlice<UInt32>, root: Int32) -> [(value: Int32, length: Int)] {
        var found: [(value: Int32, length: Int)] = []
        walk(text, root: root) { found.append(($0, $1)) }
        return found.reversed()
    }

    /// The longest name under `root` that begins `text`.
    func longestPrefix(of text: ArraySlice<UInt32>, root: Int32) -> (value: Int32, length: Int)? {
        var best: (value: Int32, length: Int)? = nil
        walk(text, root: root) { best = ($0, $1) }
        return best
    }

    /// The value of exactly `name` under `root`.
    func value<C: Collection>(of name: C, root: Int32) -> Int32? where C.Element == UInt32 {
        var node = root
        for s in name {
            guard let next = child(node, s) else { return nil }
            node = next
        }
        return values[Int(node)] >= 0 ? values[Int(node)] : nil
    }
}
