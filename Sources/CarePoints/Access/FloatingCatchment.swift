/// Scores of a floating-catchment analysis, with what a reader needs to judge them.
public struct AccessScores: Sendable {
    /// A_i for each demand point, in input order; divided by ``normalizationMean`` when the
    /// scores were normalised. NaN when demand point i has no supply point in reach (PySAL's
    /// missing value); +∞ when a supply point in reach has capacity but no weighted demand at all
    /// in its catchment (only possible for a demand point of zero population, or of zero weight),
    /// as PySAL's `S_j / 0` gives.
    public let scores: [Double]
    /// R_j for each supply point, in input order: capacity over the (weighted) demand in its
    /// catchment. NaN for a supply point that no demand point reaches, and for 0 / 0.
    public let supplyRatios: [Double]
    /// The number of demand–supply pairs within the threshold.
    public let pairCount: Int
    /// Demand points (0-based indices) with no supply point in reach: their score is NaN.
    public let demandWithoutSupply: [Int]
    /// Supply points (0-based indices) whose catchment holds no demand: no demand point within
    /// reach, or only demand of zero population or zero weight.
    public let supplyWithoutDemand: [Int]
    /// Σ_i P_i A_i / Σ_i P_i when the scores were normalised (``FloatingCatchment/normalized(_:population:)``),
    /// else nil.
    public let normalizationMean: Double?

    /// Scores and diagnostics as computed elsewhere (the functions of ``FloatingCatchment`` make them).
    public init(scores: [Double], supplyRatios: [Double], pairCount: Int, demandWithoutSupply: [Int],
                supplyWithoutDemand: [Int], normalizationMean: Double?) {
        self.scores = scores
        self.supplyRatios = supplyRatios
        self.pairCount = pairCount
        self.demandWithoutSupply = demandWithoutSupply
        self.supplyWithoutDemand = supplyWithoutDemand
        self.normalizationMean = normalizationMean
    }

    /// How many scores are NaN (undefined).
    public var undefinedCount: Int { scores.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }
}

/// The floating-catchment family of spatial accessibility measures, with the semantics of PySAL
/// `access` (`access/fca.py`, `access/weights.py`, `access/helpers.py`, version 1.1.10).
///
/// Every method has two halves. The supply side gives each supply point j a ratio R_j of its
/// capacity to the demand in its catchment; the demand side sums, for each demand point i, the
/// ratios of the supply points in its catchment. Catchments "float": each point has its own,
/// the pairs with cost c_ij ≤ d0 (``CatchmentPairs``). Population P_i and capacity S_j are any
/// non-negative amounts; the score A_i is supply per person (doctors per resident…).
///
/// Where PySAL's arithmetic gives NaN or ∞ these functions give the same:
/// - a demand point with no supply point in reach has A_i = NaN (PySAL leaves it out of its
///   result and the join onto the demand table fills NaN); so does every demand point when the
///   threshold is negative;
/// - a supply point in reach whose catchment has no weighted demand has R_j = S_j / 0: +∞ when
///   S_j > 0, NaN when S_j = 0;
/// - every catchment sum leaves NaN terms out and uses Kahan compensation, as pandas'
///   `groupby().sum()` does (an empty or all-NaN sum is 0): a demand point whose only supply in
///   reach has R_j = NaN scores 0, one with a supply of R_j = +∞ at weight > 0 scores +∞;
/// - a 0 × ∞ weight product (gravity decay at cost 0) is NaN and so is left out of the sum.
///
/// One deliberate difference: 3SFCA's selection weights sum over the supply points *within d0*
/// of the demand point (Wan et al. 2012); PySAL sums over every row of the cost table for that
/// origin, before applying `max_cost`. The two agree when the cost table holds only the pairs
/// within d0, as a table built with a k-d tree query at d0 does.
///
/// Work runs on all cores; every sum is taken in the canonical order of ``CatchmentPairs``, so
/// the scores are the same bits on any number of threads.
///
/// Thread safety: stateless.
public enum FloatingCatchment {
    /// Scores demand points against supply points, after checking every input.
    ///
    /// Checks (all problems reported together): non-empty demand and supply, unique ids, finite
    /// positions, population and capacity finite and ≥ 0; for a cost table, every origin and
    /// destination known, no pair twice, costs finite and ≥ 0. Then, for two-stage methods on
    /// straight-line costs, streams over a grid without storing pairs (memory O(N + M), see
    /// ``twoStageStreaming(demand:supply:maximumCost:detourFactor:decay:progress:)``); otherwise
    /// finds the pairs within `model.maximumCost` (``CatchmentPairs``) and applies
    /// ``twoStage(pairs:population:capacity:decay:)`` or ``threeStage(pairs:population:capacity:decay:)``.
    /// Then ``normalized(_:population:)`` when `normalize` is set.
    ///
    /// - Parameter progress: called with a short message as each phase starts (on the calling thread).
    /// - Throws: ``AccessError`` listing every problem.
    public static func scores(
        demand: [DemandPoint], supply: [SupplyPoint], cost: AccessCost, model: FloatingCatchmentModel,
        normalize: Bool = false, progress: ((String) -> Void)? = nil
    ) throws(AccessError) -> AccessScores {
        try AccessInput.validate(demand: demand, supply: supply)
        let pairs: CatchmentPairs
        switch cost {
        case .euclidean(let detourFactor) where model.stages == .two:
            let raw = try twoStageStreaming(
                demand: demand, supply: supply, maximumCost: model.maximumCost, detourFactor: detourFactor,
                decay: model.decay, progress: progress)
            return normalize ? normalized(raw, population: demand.map(\.population)) : raw
        case .euclidean(let detourFactor):
            pairs = try CatchmentPairs(
                euclideanFrom: demand.map(\.position), to: supply.map(\.position), maximumCost: model.maximumCost,
                detourFactor: detourFactor)
        case .table(let table):
            pairs = try CatchmentPairs(
                table: table, demandIDs: demand.map(\.id), supplyIDs: supply.map(\.id), maximumCost: model.maximumCost)
        }
        return scores(pairs: pairs, population: demand.map(\.population), capacity: supply.map(\.capacity),
                      stages: model.stages, decay: model.decay, normalize: normalize)
    }

    /// Scores over pairs already found: ``twoStage(pairs:population:capacity:decay:)`` or
    /// ``threeStage(pairs:population:capacity:decay:)``, normalised when `normalize` is set.
    /// Values are not checked here (see ``scores(demand:supply:cost:model:normalize:)``).
    public static func scores(
        pairs: CatchmentPairs, population: [Double], capacity: [Double], stages: FloatingCatchmentModel.Stages,
        decay: DistanceDecay, normalize: Bool = false
    ) -> AccessScores {
        let raw: AccessScores
        switch stages {
        case .two: raw = twoStage(pairs: pairs, population: population, capacity: capacity, decay: decay)
        case .three: raw = threeStage(pairs: pairs, population: population, capacity: capacity, decay: decay)
        }
        return normalize ? normalized(raw, population: population) : raw
    }

    /// The two-step floating catchment area, with an optional distance decay f: 2SFCA (Luo &
    /// Wang 2003) with f = 1, E2SFCA (Luo & Qi 2009) with step weights, and the Gaussian and
    /// gravity variants.
    ///
    ///     R_j = S_j / Σ_{i: c_ij ≤ d0} P_i f(c_ij)
    ///     A_i = Σ_{j: c_ij ≤ d0} R_j f(c_ij)
    ///
    /// PySAL `access.fca.two_stage_fca` (`Access.two_stage_fca`, `Access.enhanced_two_stage_fca`
    /// with `weight_fn`), term by term: P_i × f(c_ij), then R_j × f(c_ij).
    ///
    /// - Parameters:
    ///   - pairs: the pairs within d0.
    ///   - population: P_i, one per demand point of `pairs`.
    ///   - capacity: S_j, one per supply point of `pairs`.
    ///   - decay: f.
    public static func twoStage(pairs: CatchmentPairs, population: [Double], capacity: [Double], decay: DistanceDecay)
        -> AccessScores
    {
        checkCounts(pairs, population, capacity)
        let weight = ParallelChunks.map(count: pairs.count) { decay.weight(pairs.costs[$0]) }
        let demandInReach = columnSums(pairs) { i, p in population[i] * weight[p] }
        let ratios = supplyRatios(capacity, demandInReach)
        let scores = rowSums(pairs) { j, p in ratios[j] * weight[p] }
        return result(pairs, scores, ratios, demandInReach)
    }

    /// ``twoStage(pairs:population:capacity:decay:)`` over straight-line costs c_ij = detour ×
    /// ‖x_i − y_j‖ without a pair list: two streaming passes over points sorted by grid cell, on
    /// all cores, in memory O(N + M) (about 60 bytes per point) whatever the number of pairs.
    ///
    ///     pass 1, per supply point j:  R_j = S_j / Σ_{i: c_ij ≤ d0} P_i f(c_ij)
    ///     pass 2, per demand point i:  A_i = Σ_{j: c_ij ≤ d0} R_j f(c_ij)
    ///
    /// The pairs are exactly those of ``CatchmentPairs/init(euclideanFrom:to:maximumCost:detourFactor:)``
    /// (the squared distance is compared with the largest square whose cost rounds to ≤ d0), the
    /// terms the same products; the sums are taken in a fixed grid order (four lanes per row of
    /// cells, rows added with Kahan compensation), so results are the same bits on every run and
    /// agree with the pair-list path to about 1e-15 relative. The NaN and ∞ conventions are those
    /// of the pair-list path.
    ///
    /// - Throws: ``AccessError`` `.invalidParameter` for a non-finite threshold or a detour factor
    ///   below 1, `.invalidValue` for a non-finite position.
    public static func twoStageStreaming(
        demand: [DemandPoint], supply: [SupplyPoint], maximumCost: Double, detourFactor: Double, decay: DistanceDecay,
        progress: ((String) -> Void)? = nil
    ) throws(AccessError) -> AccessScores {
        var problems = AccessProblems()
        if !maximumCost.isFinite {
            problems.add(.invalidParameter, "the threshold must be a finite number, got \(maximumCost)")
        }
        if !(detourFactor.isFinite && detourFactor >= 1) {
            problems.add(.invalidParameter, "the detour factor must be a finite number ≥ 1, got \(detourFactor)")
        }
        if let i = demand.firstIndex(where: { !$0.position.isFinite }) {
            problems.add(.invalidValue, "demand point \(i + 1) has a non-finite position \(demand[i].position)")
        }
        if let j = supply.firstIndex(where: { !$0.position.isFinite }) {
            problems.add(.invalidValue, "supply point \(j + 1) has a non-finite position \(supply[j].position)")
        }
        try problems.throwIfAny()
        return StreamingCatchment.twoStage(
            demand: demand.map(\.position), population: demand.map(\.population), supply: supply.map(\.position),
            capacity: supply.map(\.capacity), maximumCost: maximumCost, detourFactor: detourFactor, decay: decay,
            progress: progress)
    }

    /// The three-step floating catchment area (Wan, Zou & Sternberg 2012): a demand point's
    /// population is shared among the supply points in its reach by selection weights G_ij, so
    /// that nobody is counted at full weight in several catchments.
    ///
    ///     G_ij = f(c_ij) / Σ_{k: c_ik ≤ d0} f(c_ik)
    ///     R_j  = S_j / Σ_{i: c_ij ≤ d0} G_ij P_i f(c_ij)
    ///     A_i  = Σ_{j: c_ij ≤ d0} G_ij R_j f(c_ij)
    ///
    /// PySAL `access.fca.three_stage_fca` (`Access.three_stage_fca`), term by term: (P_i × f) × G,
    /// then (R_j × f) × G. When Σ_k f(c_ik) is 0 (every supply of i at weight 0), G_ij = 0/0 = NaN
    /// and point i drops out of both sums, as in PySAL.
    ///
    /// - Parameters: as ``twoStage(pairs:population:capacity:decay:)``.
    public static func threeStage(pairs: CatchmentPairs, population: [Double], capacity: [Double], decay: DistanceDecay)
        -> AccessScores
    {
        checkCounts(pairs, population, capacity)
        let weight = ParallelChunks.map(count: pairs.count) { decay.weight(pairs.costs[$0]) }
        let weightInReach = rowSums(pairs, emptyValue: 0) { _, p in weight[p] }
        // G_ij, one per pair, written row by row.
        var selection = [Double](repeating: 0, count: pairs.count)
        if pairs.count > 0 {
            selection.withUnsafeMutableBufferPointer { buffer in
                let out = SharedBuffer(buffer)
                ParallelChunks.forEach(count: pairs.demandCount) { range in
                    for i in range {
                        for p in pairs.pairs(ofDemand: i) { out[p] = weight[p] / weightInReach[i] }
                    }
                }
            }
        }
        let demandInReach = columnSums(pairs) { i, p in population[i] * weight[p] * selection[p] }
        let ratios = supplyRatios(capacity, demandInReach)
        let scores = rowSums(pairs) { j, p in ratios[j] * weight[p] * selection[p] }
        return result(pairs, scores, ratios, demandInReach)
    }

    /// Scores divided by their population-weighted mean, so that 1 is the average accessibility
    /// of a person:
    ///
    ///     A'_i = A_i / (Σ_i P_i A_i / Σ_i P_i)
    ///
    /// PySAL `access.helpers.normalized_access` (`normalize=True`): the numerator leaves out NaN
    /// products (demand points without supply, and 0 × ∞), the denominator sums the population of
    /// every demand point. The mean is kept in ``AccessScores/normalizationMean``.
    public static func normalized(_ scores: AccessScores, population: [Double]) -> AccessScores {
        precondition(population.count == scores.scores.count, "one population per score")
        var weighted = CompensatedSum()
        var total = CompensatedSum()
        for (score, p) in zip(scores.scores, population) {
            weighted.add(score * p)
            total.add(p)
        }
        let mean = weighted.sum / total.sum
        return AccessScores(
            scores: scores.scores.map { $0 / mean }, supplyRatios: scores.supplyRatios, pairCount: scores.pairCount,
            demandWithoutSupply: scores.demandWithoutSupply, supplyWithoutDemand: scores.supplyWithoutDemand,
            normalizationMean: mean)
    }

    // MARK: - Sums over catchments

    private static func checkCounts(_ pairs: CatchmentPairs, _ population: [Double], _ capacity: [Double]) {
        precondition(population.count == pairs.demandCount, "population has \(population.count) values for \(pairs.demandCount) demand points")
        precondition(capacity.count == pairs.supplyCount, "capacity has \(capacity.count) values for \(pairs.supplyCount) supply points")
    }

    /// For each supply point j: Σ term(i, pair) over its entries in increasing i, compensated and
    /// skipping NaN; NaN when no demand point reaches j.
    private static func columnSums(_ pairs: CatchmentPairs, _ term: (Int, Int) -> Double) -> [Double] {
        pairs.columnDemands.withUnsafeBufferPointer { demands in
            pairs.columnPairs.withUnsafeBufferPointer { pairIndices in
                ParallelChunks.map(count: pairs.supplyCount, chunkSize: 256) { j -> Double in
                    let entries = pairs.entries(ofSupply: j)
                    guard !entries.isEmpty else { return .nan }
                    var sum = CompensatedSum()
                    for e in entries { sum.add(term(Int(demands[e]), pairIndices[e])) }
                    return sum.sum
                }
            }
        }
    }

    /// For each demand point i: Σ term(j, pair) over its pairs in increasing j, compensated and
    /// skipping NaN; `emptyValue` when i reaches no supply point.
    private static func rowSums(_ pairs: CatchmentPairs, emptyValue: Double = .nan, _ term: (Int, Int) -> Double) -> [Double] {
        pairs.supplyIndices.withUnsafeBufferPointer { supplies in
            ParallelChunks.map(count: pairs.demandCount, chunkSize: 1024) { i -> Double in
                let range = pairs.pairs(ofDemand: i)
                guard !range.isEmpty else { return emptyValue }
                var sum = CompensatedSum()
                for p in range { sum.add(term(Int(supplies[p]), p)) }
                return sum.sum
            }
        }
    }

    /// R_j = S_j / D_j; NaN for a supply point outside every catchment.
    private static func supplyRatios(_ capacity: [Double], _ demandInReach: [Double]) -> [Double] {
        zip(capacity, demandInReach).map { s, d in d.isNaN ? .nan : s / d }
    }

    private static func result(_ pairs: CatchmentPairs, _ scores: [Double], _ ratios: [Double], _ demandInReach: [Double])
        -> AccessScores
    {
        AccessScores(
            scores: scores, supplyRatios: ratios, pairCount: pairs.count,
            demandWithoutSupply: (0..<pairs.demandCount).filter { pairs.rowStarts[$0] == pairs.rowStarts[$0 + 1] },
            supplyWithoutDemand: demandInReach.indices.filter { demandInReach[$0].isNaN || demandInReach[$0] == 0 },
            normalizationMean: nil)
    }
}
