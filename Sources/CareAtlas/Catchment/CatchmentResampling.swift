import CareFormats
import Foundation

/// How sure the patient-share catchments and the staged regions are, given that one year's counts
/// are one draw of a random process: the counts are resampled (parametric bootstrap, seeded) and
/// the catchment rule of ``PatientShareCatchments`` is applied to every draw.
///
/// - **Poisson** (default): each area's count, and the outside bucket, is drawn from
///   Poisson(observed count) independently, so the total varies as it does from year to year.
/// - **Multinomial**: the total N is kept and N patients are spread over the areas and the outside
///   bucket with the observed shares as probabilities.
///
/// An area with 0 observed patients stays at 0 under both (its rate is estimated as 0); so an area
/// outside every draw's catchment has probability 0, not "unknown". The estimates are Monte Carlo
/// frequencies: with D draws their standard error is at most 0.5 / √D (0.016 for 1,000 draws).
///
/// Reference: Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, ch. 6 (parametric
/// bootstrap); the catchment rule after Garnick et al. (1987).
public struct CatchmentUncertainty: Sendable, Hashable {
    public enum Model: String, Sendable, Hashable, CaseIterable {
        case poisson, multinomial
    }

    /// One area: how often it fell in each share catchment.
    public struct Area: Sendable, Hashable {
        public let areaID: String
        /// The observed count the draws are based on.
        public let observedPatients: Int
        /// P(area in the unconstrained catchment of `shares[k]`), one per share, 0…1.
        public let membership: [Double]
    }

    /// One fixed region (a plan's stage): the share of all patients it covers, across draws.
    public struct Region: Sendable, Hashable {
        public let name: String
        public let areaIDs: [String]
        /// Observed share of all patients (outside bucket included).
        public let observedShare: Double
        /// The 2.5 % and 97.5 % quantiles of the share over the draws (type 7, as R's default).
        public let lower: Double
        public let upper: Double
    }

    public let model: Model
    public let draws: Int
    public let seed: UInt64
    public let shares: [Double]
    public let areas: [Area]
    public let regions: [Region]
}

public enum CatchmentResampling {
    /// Resamples the counts `draws` times and reports, per area, the probability of membership in
    /// each share catchment and, per region, the interval of the share it covers.
    ///
    /// - Parameters:
    ///   - areaIDs: the areas, in the order ties are broken (as the ranking breaks them: nearer the
    ///     anchor first, then id); an area earlier in this list goes first among equal counts.
    ///   - patients: observed counts, one per area, ≥ 0.
    ///   - outside: patients outside the study's areas (they count in every total, never in a
    ///     catchment).
    ///   - shares: target shares in (0, 1].
    ///   - regions: fixed regions (name and member ids) whose coverage interval is wanted.
    /// - Precondition: `patients.count == areaIDs.count`, counts ≥ 0, `draws` ≥ 1.
    public static func resample(
        areaIDs: [String], patients: [Int], outside: Int, shares: [Double],
        regions: [(name: String, areaIDs: [String])] = [], draws: Int = 1000, seed: UInt64 = 1,
        model: CatchmentUncertainty.Model = .poisson
    ) -> CatchmentUncertainty {
        precondition(areaIDs.count == patients.count && draws >= 1 && outside >= 0 && patients.allSatisfy { $0 >= 0 })
        let n = areaIDs.count
        let index = Dictionary(areaIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let regionMembers = regions.map { $0.areaIDs.compactMap { index[$0] } }
        // Per draw: the share catchments' members and each region's covered share.
        let perDraw = forEachDraw(patients: patients, outside: outside, draws: draws, seed: seed, model: model) { draw, drawOutside in
            let total = draw.reduce(0, +) + drawOutside
            return (members(draw, total: total, shares: shares),
                    regionMembers.map { m in total > 0 ? Double(m.reduce(0) { $0 + draw[$1] }) / Double(total) : 0 })
        }
        var memberCounts = [[Int]](repeating: [Int](repeating: 0, count: n), count: shares.count)
        for (members, _) in perDraw {
            for (k, list) in members.enumerated() { for i in list { memberCounts[k][i] += 1 } }
        }
        let observedTotal = patients.reduce(0, +) + outside
        let areas = (0..<n).map { i in
            CatchmentUncertainty.Area(
                areaID: areaIDs[i], observedPatients: patients[i],
                membership: shares.indices.map { Double(memberCounts[$0][i]) / Double(draws) })
        }
        let regionLines = regions.enumerated().map { r, region in
            let observed = regionMembers[r].reduce(0) { $0 + patients[$1] }
            let sorted = perDraw.map { $0.1[r] }.sorted()
            return CatchmentUncertainty.Region(
                name: region.name, areaIDs: region.areaIDs,
                observedShare: observedTotal > 0 ? Double(observed) / Double(observedTotal) : 0,
                lower: quantile(sorted, 0.025), upper: quantile(sorted, 0.975))
        }
        return CatchmentUncertainty(model: model, draws: draws, seed: seed, shares: shares, areas: areas, regions: regionLines)
    }

    /// The members of each share catchment of one draw: areas by more patients first (ties in the
    /// given order), taken while the sum is below the target share of `total`.
    static func members(_ draw: [Int], total: Int, shares: [Double]) -> [[Int]] {
        let order = draw.indices.sorted { (-draw[$0], $0) < (-draw[$1], $1) }
        return shares.map { share in
            let target = share * Double(total)
            var sum = 0, taken: [Int] = []
            for i in order where draw[i] > 0 && Double(sum) < target {
                taken.append(i)
                sum += draw[i]
            }
            return taken
        }
    }

    /// Draws the counts `draws` times and returns `body` of each draw, in draw order.
    ///
    /// Draw d has its own stream, SplitMix64 seeded with mix(seed) ⊕ mix(d + 1) (``SeededRandom``),
    /// so the draws can run on every core and the result is the same on any number of them.
    static func forEachDraw<R: Sendable>(
        patients: [Int], outside: Int, draws: Int, seed: UInt64, model: CatchmentUncertainty.Model,
        body: @escaping @Sendable (_ draw: [Int], _ outside: Int) -> R
    ) -> [R] {
        let n = patients.count
        let observedTotal = patients.reduce(0, +) + outside
        var cumulative = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { cumulative[i + 1] = cumulative[i] + patients[i] }
        let cumulativeCounts = cumulative
        let one: @Sendable (Int) -> R = { d in
            var random = SeededRandom(seed: seed, stream: UInt64(d))
            var draw = [Int](repeating: 0, count: n)
            var drawOutside = 0
            switch model {
            case .poisson:
                for i in 0..<n { draw[i] = random.poisson(Double(patients[i])) }
                drawOutside = random.poisson(Double(outside))
            case .multinomial:
                // Each of the N patients lands by binary search in the cumulative observed counts.
                for _ in 0..<observedTotal {
                    let u = Int(random.next() % UInt64(observedTotal))
                    if u >= cumulativeCounts[n] { drawOutside += 1; continue }
                    var lo = 0, hi = n  // first i with cumulative[i + 1] > u
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if cumulativeCounts[mid + 1] > u { hi = mid } else { lo = mid + 1 }
                    }
                    draw[lo] += 1
                }
            }
            return body(draw, drawOutside)
        }
        let results = ParallelSlots<R>(count: draws)
        let chunks = min(draws, max(1, ProcessInfo.processInfo.activeProcessorCount) * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for d in stride(from: c, to: draws, by: chunks) { results.set(d, one(d)) }
        }
        return results.filled
    }

    /// Quantile of sorted values, linear between order statistics (Hyndman & Fan type 7).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

/// The project's seeded generator (``CareFormats/SplitMix64``): a fixed, documented stream, so
/// a seed gives the same draws on every machine and version of the standard library.
struct SeededRandom: RandomNumberGenerator {
    private var base: SplitMix64
    init(seed: UInt64) { base = SplitMix64(state: seed) }

    mutating func next() -> UInt64 { base.next() }

    /// Stream `stream` of `seed`: started at mix(seed) ⊕ mix(stream + 1), a point of the 2⁶⁴-long
    /// cycle far from the other streams' (mix: SplitMix64's output function applied to one step).
    init(seed: UInt64, stream: UInt64) {
        base = SplitMix64(state: Self.mix(seed) ^ Self.mix(stream &+ 1))
    }

    /// SplitMix64's finaliser of `x + γ`: the first output of a generator started at `x`.
    static func mix(_ x: UInt64) -> UInt64 {
        var g = SplitMix64(state: x)
        return g.next()
    }

    /// Uniform in (0, 1): 53 random bits, never 0.
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// Poisson(mean), exactly: Knuth's product of uniforms on pieces of mean ≤ 10 (a sum of
    /// independent Poisson variables is Poisson with the summed mean), O(mean) uniforms.
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        var remaining = mean, count = 0
        while remaining > 0 {
            let piece = min(remaining, 10)
            remaining -= piece
            let limit = exp(-piece)
            var product = uniform()
            while product > limit {
                count += 1
                product *= uniform()
            }
        }
        return count
    }
}
