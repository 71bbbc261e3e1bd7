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
        var random = SeededRandom(seed: seed)
        var memberCounts = [[Int]](repeating: [Int](repeating: 0, count: n), count: shares.count)
        var regionShares = [[Double]](repeating: [], count: regions.count)
        var draw = [Int](repeating: 0, count: n)
        let observedTotal = patients.reduce(0, +) + outside
        for _ in 0..<draws {
            var drawOutside = 0
            switch model {
            case .poisson:
                for i in 0..<n { draw[i] = random.poisson(Double(patients[i])) }
                drawOutside = random.poisson(Double(outside))
            case .multinomial:
                for i in 0..<n { draw[i] = 0 }
                if observedTotal > 0 {
                    // Cumulative observed counts; each of the N patients lands by binary search.
                    var cumulative = [Int](repeating: 0, count: n + 1)
                    for i in 0..<n { cumulative[i + 1] = cumulative[i] + patients[i] }
                    for _ in 0..<observedTotal {
                        let u = Int(random.next() % UInt64(observedTotal))
                        if u >= cumulative[n] { drawOutside += 1; continue }
                        var lo = 0, hi = n  // first i with cumulative[i + 1] > u
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if cumulative[mid + 1] > u { hi = mid } else { lo = mid + 1 }
                        }
                        draw[lo] += 1
                    }
                }
            }
            let total = draw.reduce(0, +) + drawOutside
            // More patients first; ties in the given order.
            let order = (0..<n).sorted { (-draw[$0], $0) < (-draw[$1], $1) }
            for (k, share) in shares.enumerated() {
                let target = share * Double(total)
                var sum = 0
                for i in order where draw[i] > 0 && Double(sum) < target {
                    memberCounts[k][i] += 1
                    sum += draw[i]
                }
            }
            for (r, members) in regionMembers.enumerated() {
                let covered = members.reduce(0) { $0 + draw[$1] }
                regionShares[r].append(total > 0 ? Double(covered) / Double(total) : 0)
            }
        }
        let areas = (0..<n).map { i in
            CatchmentUncertainty.Area(
                areaID: areaIDs[i], observedPatients: patients[i],
                membership: shares.indices.map { Double(memberCounts[$0][i]) / Double(draws) })
        }
        let regionLines = regions.enumerated().map { r, region in
            let observed = regionMembers[r].reduce(0) { $0 + patients[$1] }
            let sorted = regionShares[r].sorted()
            return CatchmentUncertainty.Region(
                name: region.name, areaIDs: region.areaIDs,
                observedShare: observedTotal > 0 ? Double(observed) / Double(observedTotal) : 0,
                lower: quantile(sorted, 0.025), upper: quantile(sorted, 0.975))
        }
        return CatchmentUncertainty(model: model, draws: draws, seed: seed, shares: shares, areas: areas, regions: regionLines)
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
