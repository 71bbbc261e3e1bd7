import Foundation

/// One band of a step decay: costs up to and including `upperLimit` (and above the previous
/// band's limit) weigh `weight`.
public struct DistanceBand: Hashable, Sendable, CustomStringConvertible {
    /// The band's upper cost limit, inclusive, in the cost's unit (metres for Euclidean costs).
    public let upperLimit: Double
    /// The weight W_r of the band, finite and ≥ 0.
    public let weight: Double

    /// A band; checked by ``DistanceDecay/validate()``.
    public init(upperLimit: Double, weight: Double) {
        self.upperLimit = upperLimit
        self.weight = weight
    }

    /// `1000:0.68`
    public var description: String { "\(formatNumber(upperLimit)):\(formatNumber(weight))" }
}

/// The distance-decay function f(c) of a floating-catchment method: how much a supply–demand
/// pair at cost c counts. Matches the weight functions of PySAL `access` (`access/weights.py`).
///
/// Costs are in one unit throughout — metres for Euclidean costs, the cost table's unit (metres,
/// minutes) otherwise; parameters (band limits, σ, the minimum cost) are in that same unit. Nothing
/// can tell minutes from metres: mixing them silently gives wrong scores.
public enum DistanceDecay: Hashable, Sendable, CustomStringConvertible {
    /// f(c) = 1: the classic 2SFCA (Luo & Wang 2003), PySAL's `weight_fn=None`.
    case uniform
    /// f(c) = W_r for the first band r (bands in increasing limit order) with c ≤ limit_r, and 0
    /// beyond the last limit: PySAL's `weights.step_fn({limit: weight, …})`, the E2SFCA weights
    /// of Luo & Qi (2009).
    case steps([DistanceBand])
    /// f(c) = exp(−c² / (2σ²)), so f(0) = 1 (no 1/√(2πσ²) factor and no shift to 0 at the
    /// threshold): PySAL's `weights.gaussian(sigma)`, after Dai (2010).
    case gaussian(sigma: Double)
    /// f(c) = max(c, c_min)^(−β): PySAL's `weights.gravity(scale, alpha=−β, min_dist=c_min)`.
    /// PySAL's `scale` divides the cost before the power; it multiplies every weight by the same
    /// constant, which cancels in every floating-catchment ratio, so it is left out. With
    /// c_min = 0 a demand point on top of a supply point gets an infinite weight (as in PySAL):
    /// give a minimum cost such as 100 m.
    case gravity(beta: Double, minimumCost: Double)

    /// The weight f(c) of a pair at cost `cost`.
    ///
    /// The arithmetic follows PySAL's expressions operation by operation (`-x * x / (2 * sigma**2)`
    /// for the Gaussian), so that scores agree to the last bits where the libraries' `exp` and
    /// `pow` agree.
    @inline(__always)
    public func weight(_ cost: Double) -> Double {
        switch self {
        case .uniform:
            return 1
        case .steps(let bands):
            for band in bands where cost <= band.upperLimit { return band.weight }
            return 0
        case .gaussian(let sigma):
            return exp(-cost * cost / (2 * (sigma * sigma)))
        case .gravity(let beta, let minimumCost):
            return pow(Swift.max(cost, minimumCost), -beta)
        }
    }

    /// Checks the parameters: band limits finite, ≥ 0 and strictly increasing, band weights finite
    /// and ≥ 0, at least one band; σ finite and > 0; β finite and ≥ 0; the minimum cost finite and
    /// ≥ 0. Every problem is reported.
    public func validate() throws(AccessError) {
        var problems = AccessProblems()
        switch self {
        case .uniform:
            break
        case .steps(let bands):
            if bands.isEmpty {
                problems.add(.invalidParameter, "the step decay has no bands", fix: "give bands such as 1000:1,2000:0.68,3000:0.22")
            }
            for (index, band) in bands.enumerated() {
                if !(band.upperLimit.isFinite && band.upperLimit >= 0) {
                    problems.add(.invalidParameter, "band \(index + 1): the limit must be a finite number ≥ 0, got \(band.upperLimit)")
                } else if index > 0, !(band.upperLimit > bands[index - 1].upperLimit) {
                    problems.add(
                        .invalidParameter,
                        "band \(index + 1): the limit \(formatNumber(band.upperLimit)) does not exceed the previous limit \(formatNumber(bands[index - 1].upperLimit))",
                        fix: "list the bands in increasing order of their limits")
                }
                if !(band.weight.isFinite && band.weight >= 0) {
                    problems.add(.invalidParameter, "band \(index + 1): the weight must be a finite number ≥ 0, got \(band.weight)")
                }
            }
        case .gaussian(let sigma):
            if !(sigma.isFinite && sigma > 0) {
                problems.add(.invalidParameter, "σ of the Gaussian decay must be a finite number > 0, got \(sigma)")
            }
        case .gravity(let beta, let minimumCost):
            if !(beta.isFinite && beta >= 0) {
                problems.add(.invalidParameter, "β of the gravity decay must be a finite number ≥ 0, got \(beta)")
            }
            if !(minimumCost.isFinite && minimumCost >= 0) {
                problems.add(.invalidParameter, "the minimum cost of the gravity decay must be a finite number ≥ 0, got \(minimumCost)")
            }
        }
        try problems.throwIfAny()
    }

    /// Parses step bands written `limit:weight` separated by commas, limits increasing:
    /// `"1000:1,2000:0.68,3000:0.22"` weighs pairs up to 1 km by 1, over 1 km up to 2 km by 0.68,
    /// over 2 km up to 3 km by 0.22. Spaces around numbers are allowed.
    ///
    /// - Throws: ``AccessError`` `.invalidParameter` naming the part that is wrong.
    public static func parseBands(_ text: String) throws(AccessError) -> [DistanceBand] {
        var bands: [DistanceBand] = []
        var problems = AccessProblems()
        let example = "write bands as limit:weight separated by commas, e.g. 1000:1,2000:0.68,3000:0.22"
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let limit = Double(fields[0]), let weight = Double(fields[1]) else {
                problems.add(.invalidParameter, "band \(index + 1) \"\(part.trimmingCharacters(in: .whitespaces))\" is not limit:weight", fix: example)
                continue
            }
            bands.append(DistanceBand(upperLimit: limit, weight: weight))
        }
        try problems.throwIfAny()
        try DistanceDecay.steps(bands).validate()
        return bands
    }

    /// `uniform`, `steps 1000:1,2000:0.68`, `gaussian σ=1500`, `gravity β=1.5 min=100`.
    public var description: String {
        switch self {
        case .uniform: return "uniform"
        case .steps(let bands): return "steps " + bands.map(\.description).joined(separator: ",")
        case .gaussian(let sigma): return "gaussian σ=\(formatNumber(sigma))"
        case .gravity(let beta, let minimumCost): return "gravity β=\(formatNumber(beta)) min=\(formatNumber(minimumCost))"
        }
    }
}

/// The shortest decimal that reads back as `value` (`1000`, not `1000.0`).
func formatNumber(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
