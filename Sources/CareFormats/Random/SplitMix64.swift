/// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators",
/// OOPSLA): a tiny seeded generator whose stream is fixed by its definition, so a seed gives the
/// same draws on every machine and every version of the standard library (Swift's
/// `SystemRandomNumberGenerator` cannot be seeded). The project's one generator: resampled
/// catchments (``CareAtlas``), benchmarks' synthetic inputs and the tests' random instances.
///
/// zᵢ = s + i·0x9E3779B97F4A7C15, then z ← (z ⊕ (z ≫ 30))·0xBF58476D1CE4E5B9,
/// z ← (z ⊕ (z ≫ 27))·0x94D049BB133111EB, output z ⊕ (z ≫ 31) (wrapping arithmetic mod 2⁶⁴).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state s (the seed before the first draw).
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits of a draw, times 2⁻⁵³.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}
