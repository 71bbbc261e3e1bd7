import Foundation

/// Inequality of access over people: the population-weighted Lorenz curve, Gini index and Theil T
/// index of accessibility scores, as the `accessibility` R package of Ipea defines them
/// (Pereira & Herszenhut, `gini_index()` and `theil_t()`; <https://ipeagit.github.io/accessibility/>):
/// each area's score stands for every person counted in it (for palliative care, the population
/// aged 65 and over), so the indices describe inequality between people, not between areas.
///
/// Areas whose score is not a number (no data: no demand, or no supply in reach where the method
/// leaves it undefined) and areas without population are left out and counted in
/// ``excludedAreas``; they are never taken as a score of 0.
public struct AccessInequality: Sendable, Hashable {
    /// One vertex of the Lorenz curve: the share of people with the lowest access (x) and the share
    /// of all access they hold (y). The curve starts at (0, 0) and ends at (1, 1).
    public struct LorenzPoint: Sendable, Hashable {
        public let populationShare: Double
        public let accessShare: Double
    }

    /// Gini index, 1 − 2 × (area under the Lorenz curve), the area taken by trapezoids between the
    /// curve's vertices:
    ///
    ///     G = 1 − Σ_k (L_{k−1} + L_k) p_k,   p_k = w_k / Σ w,   L_k = Σ_{i≤k} w_i x_i / Σ w_i x_i
    ///
    /// with the areas sorted by score (ascending). 0 when everybody has the same access; below 1.
    /// NaN when no area has both a score and people, or when every score is 0.
    public let gini: Double
    /// Theil T index (generalised entropy GE(1)), population-weighted:
    ///
    ///     T = Σ_i w_i (x_i / μ) ln(x_i / μ) / Σ_i w_i,   μ = Σ w_i x_i / Σ w_i
    ///
    /// with 0 × ln 0 taken as 0 (its limit), so areas with a score of 0 count; Ipea's `theil_t()`
    /// gives NaN there instead. 0 for equal access; at most ln(Σ w / min w).
    public let theil: Double
    /// The Lorenz curve, (0, 0) first, then one vertex per area in ascending order of score.
    public let lorenz: [LorenzPoint]
    /// μ, the population-weighted mean score.
    public let weightedMean: Double
    /// Areas counted: a finite score ≥ 0 and a population > 0.
    public let includedAreas: Int
    /// Areas left out: no score (NaN), or no population (0 or missing).
    public let excludedAreas: Int

    /// Computes the indices of `scores` weighted by `population` (same order, same length).
    ///
    /// Ties in score are kept in input order (the curve's vertices differ, the indices do not).
    /// - Precondition: `scores.count == population.count`.
    public init(scores: [Double], population: [Double]) {
        precondition(scores.count == population.count, "one population per score")
        var items: [(x: Double, w: Double, index: Int)] = []
        items.reserveCapacity(scores.count)
        for (i, (x, w)) in zip(scores, population).enumerated() where x.isFinite && x >= 0 && w.isFinite && w > 0 {
            items.append((x, w, i))
        }
        includedAreas = items.count
        excludedAreas = scores.count - items.count
        items.sort { ($0.x, $0.index) < ($1.x, $1.index) }
        let totalWeight = items.reduce(0) { $0 + $1.w }
        let totalAccess = items.reduce(0) { $0 + $1.w * $1.x }
        guard totalWeight > 0, totalAccess > 0 else {
            gini = .nan
            theil = .nan
            lorenz = []
            weightedMean = totalWeight > 0 ? 0 : .nan
            return
        }
        var curve = [LorenzPoint(populationShare: 0, accessShare: 0)]
        curve.reserveCapacity(items.count + 1)
        var cumulativeWeight = 0.0, cumulativeAccess = 0.0, area = 0.0, previous = 0.0
        for item in items {
            cumulativeWeight += item.w
            cumulativeAccess += item.w * item.x
            let share = cumulativeAccess / totalAccess
            area += (previous + share) * (item.w / totalWeight) / 2
            previous = share
            curve.append(LorenzPoint(populationShare: cumulativeWeight / totalWeight, accessShare: share))
        }
        gini = 1 - 2 * area
        lorenz = curve
        let mean = totalAccess / totalWeight
        weightedMean = mean
        var entropy = 0.0
        for item in items where item.x > 0 {
            let r = item.x / mean
            entropy += item.w * r * Foundation.log(r)
        }
        theil = entropy / totalWeight
    }
}
