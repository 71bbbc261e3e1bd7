/// Pseudocosts of the MCLP search's sites (Bénichou, Gauthier, Girodet, Hentges, Ribière &
/// Vincent 1971, "Experiments in mixed-integer linear programming", Mathematical Programming
/// 1:76–94; the product score of Achterberg, Koch & Martin 2005, "Branching rules revisited",
/// Operations Research Letters 33:42–54).
///
/// Each observation of a bound's fall Δ when site j, at x̄_j in its parent, was fixed in (up) or
/// out (down) is kept per unit of change: Δ⁺ / (1 − x̄_j) or Δ⁻ / x̄_j. Ψ⁺_j and Ψ⁻_j are the means
/// of site j's observations; a site without observations in a direction takes the mean of Ψ over
/// the sites that have them. A site's estimated falls are Ψ⁺_j (1 − x̄_j) and Ψ⁻_j x̄_j, and its
/// score max(Ψ⁺_j (1 − x̄_j), ε) · max(Ψ⁻_j x̄_j, ε), the product that strong branching also scores.
///
/// Thread safety: a value; the search updates it on one thread.
struct MCLPPseudocosts {
    private var upSum: [Double], downSum: [Double]
    private var upCount: [Int], downCount: [Int]

    init(siteCount: Int) {
        upSum = Array(repeating: 0, count: siteCount)
        downSum = upSum
        upCount = Array(repeating: 0, count: siteCount)
        downCount = upCount
    }

    /// Records that fixing `site` in (`up`) or out moved the bound down by `fall` (a negative fall
    /// counts as 0), the site's x̄ being `x` in the parent. Ignored unless the fall is finite and x
    /// is more than 10⁻³ from 0 and 1 (the per-unit value would be meaningless).
    mutating func record(site: Int, up: Bool, fall: Double, x: Double) {
        guard fall.isFinite, Swift.min(x, 1 - x) > 1e-3 else { return }
        if up {
            upSum[site] += Swift.max(0, fall) / (1 - x)
            upCount[site] += 1
        } else {
            downSum[site] += Swift.max(0, fall) / x
            downCount[site] += 1
        }
    }

    /// Ψ⁺_j and Ψ⁻_j (nil where site j has no observation in that direction).
    func unitFalls(_ site: Int) -> (up: Double?, down: Double?) {
        (upCount[site] > 0 ? upSum[site] / Double(upCount[site]) : nil,
         downCount[site] > 0 ? downSum[site] / Double(downCount[site]) : nil)
    }

    /// The candidate (site, x̄) of the highest score (ties to the earlier one), or nil when there is
    /// no candidate or no observation yet in one of the directions.
    func best(of candidates: [(site: Int, x: Double)], epsilon: Double) -> Int? {
        var upTotal = 0.0, downTotal = 0.0, upSites = 0, downSites = 0
        for j in upCount.indices {
            if let up = unitFalls(j).up {
                upTotal += up
                upSites += 1
            }
            if let down = unitFalls(j).down {
                downTotal += down
                downSites += 1
            }
        }
        guard upSites > 0, downSites > 0 else { return nil }
        let (upMean, downMean) = (upTotal / Double(upSites), downTotal / Double(downSites))
        var best: Int?
        var bestScore = -Double.infinity
        for (site, x) in candidates {
            let (up, down) = unitFalls(site)
            let score = Swift.max((up ?? upMean) * (1 - x), epsilon) * Swift.max((down ?? downMean) * x, epsilon)
            if score > bestScore {
                bestScore = score
                best = site
            }
        }
        return best
    }
}
