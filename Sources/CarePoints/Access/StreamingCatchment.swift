import CareGeometry
import Foundation

/// Two-step floating catchments over straight-line costs without a pair list: memory O(N + M)
/// whatever the number of pairs, so that a national run (a million demand points, a hundred
/// thousand supply points, tens of billions of pairs within 10 km) fits in a few hundred MiB.
///
/// Demand and supply are each sorted by the cell of a uniform grid (``CellSortedPoints``, cells
/// sized for about 32 points each, between 1/64 and 1/4 of the search radius), their coordinates
/// and values in contiguous arrays.
/// Two passes, each split into fixed chunks over both cores:
///
///     pass 1, per supply point j:  D_j = Σ_{i: c_ij ≤ d0} P_i f(c_ij),  R_j = S_j / D_j
///     pass 2, per demand point i:  A_i = Σ_{j: c_ij ≤ d0} R_j f(c_ij)
///
/// Each pass visits, row of cells by row of cells, only the cells that meet the disc of radius
/// d0 / detour around the point; a candidate is tested on its squared distance against the
/// largest squared distance whose cost rounds to ≤ d0 (``CellSortedPoints/squaredLimit(cost:detourFactor:)``),
/// so the pairs kept are exactly those of ``CatchmentPairs/init(euclideanFrom:to:maximumCost:detourFactor:)``
/// with no square root for uniform or step decay.
///
/// - Step decays whose weights do not rise with distance (2SFCA, E2SFCA) are summed as
///   Σ_b (w_b − w_{b+1}) × S_b, S_b the sum of the values within band b's limit: each disc S_b
///   adds, row of cells by row, the strips (1/8 of a cell wide, rows sorted by x) wholly inside it
///   by prefix sums and tests the candidates of the strips its circle crosses against its one
///   limit (``CellSortedPoints/sum(around:_:radius:limit:_:_:)``).
///   Rising weights and more than four steps take the band-by-band path.
/// - The Gaussian sums whole cells by truncated Taylor expansions where that pays
///   (``GaussianExpansion``, each pair's weight within 1e−13 relative): in pass 1 the demand cells
///   wholly inside a supply point's catchment by their moments about the cell's centre, in pass 2
///   the supply points wholly inside the catchments of a whole demand cell by a local expansion
///   about that cell's centre; the pairs the circle may cut, and cells too wide for the expansion
///   (small σ), take the per-pair path below with the exact cut-off.
/// - The Gaussian's per-pair f is a vectorised e^x (``GaussianWeight``: a table of the run's range
///   [s·limit, 0], ``BoundedExponential``, when that range is within [−64, 0]), within 1e−12 of libm
///   (documented bounds and tests in `ExponentialTests` and `BoundedExponentialTests`). Gravity's
///   max(c, c_min)^(−β): for whole β up to 8, 1 / (powers and square roots of detour² d²), within
///   4.4e−15 (``HalfIntegerGravityWeight``); for any other 0 < β ≤ 8, S[E] · T[k] · (1 + z)^(−β/2)
///   from tables over the exponent and the top bits of detour² d² and a short Taylor polynomial,
///   within 3.4e−15 (``TabulatedGravityWeight``); above 8, a vectorised e^(−β/2 · ln(detour² d²))
///   (``GravityWeight``, within 1e−12; `LogarithmTests`).
///
/// Terms are those of ``FloatingCatchment/twoStage(pairs:population:capacity:decay:)`` (P_i × f,
/// then R_j × f, NaN terms left out); each run of candidates is summed in four lanes, and the
/// pieces are added with Kahan compensation. Sums run in an order fixed by the grid, never by the
/// threads, so results are the same bits on every run; they agree with the pair-list path to
/// about 1e-15 relative (the order of additions differs).
///
/// Thread safety: stateless.
enum StreamingCatchment {
    /// R_j and A_i for ``FloatingCatchment/twoStage(pairs:population:capacity:decay:)`` over
    /// straight-line costs c_ij = detour × ‖x_i − y_j‖, with the same NaN and ∞ conventions.
    ///
    /// - Precondition: positions finite, `maximumCost` finite, `detourFactor` ≥ 1, one
    ///   population per demand position and one capacity per supply position (checked by the caller).
    static func twoStage(
        demand: [Coordinate], population: [Double], supply: [Coordinate], capacity: [Double], maximumCost: Double,
        detourFactor: Double, decay: DistanceDecay, progress: ((String) -> Void)? = nil
    ) -> AccessScores {
        precondition(population.count == demand.count && capacity.count == supply.count)
        guard maximumCost >= 0, !demand.isEmpty, !supply.isEmpty else {
            return AccessScores(
                scores: [Double](repeating: .nan, count: demand.count),
                supplyRatios: [Double](repeating: .nan, count: supply.count), pairCount: 0,
                demandWithoutSupply: Array(demand.indices), supplyWithoutDemand: Array(supply.indices),
                normalizationMean: nil)
        }
        let radius = maximumCost / detourFactor
        var frame = Envelope(demand[0])
        for p in demand { frame.expand(toInclude: p) }
        for p in supply { frame.expand(toInclude: p) }
        let demandGrid = CellSortedPoints(points: demand, values: population, frame: frame, radius: radius)
        let supplyGrid = CellSortedPoints(points: supply, values: capacity, frame: frame, radius: radius)
        let limit = CellSortedPoints.squaredLimit(cost: maximumCost, detourFactor: detourFactor)

        switch decay {
        case .uniform:
            let bands = BandTable(squaredLimits: [limit], weights: [1], limit: limit)
            return run(UniformWeight(), bands, demandGrid, supplyGrid, radius, limit, progress)
        case .steps(let steps) where steps.count <= StepWeight.maximumBands:
            let weight = StepWeight(bands: steps, detourFactor: detourFactor)
            let bands = BandTable(
                squaredLimits: steps.map { CellSortedPoints.squaredLimit(cost: $0.upperLimit, detourFactor: detourFactor) },
                weights: steps.map(\.weight), limit: limit)
            return run(weight, bands, demandGrid, supplyGrid, radius, limit, progress)
        case .gaussian(let sigma):
            let weight = GaussianWeight(sigma: sigma, detourFactor: detourFactor, squaredLimit: limit)
            let expand = GaussianExpansion.worthwhile(alpha: (-weight.scale).squareRoot(), cellSize: demandGrid.cellSize, radius: radius)
            return run(weight, nil, demandGrid, supplyGrid, radius, limit, progress, gaussian: expand ? weight : nil)
        case .gravity(let beta, let minimumCost) where TabulatedGravity.takes(beta: beta):
            func tabulated<Series: PowerSeries>(_: Series.Type) -> AccessScores {
                let weight = TabulatedGravityWeight<Series>(
                    beta: beta, minimumCost: minimumCost, detourFactor: detourFactor, squaredLimit: limit)
                return run(weight, nil, demandGrid, supplyGrid, radius, limit, progress)
            }
            return TabulatedGravity.series(beta: beta) == ShortPowerSeries.self
                ? tabulated(ShortPowerSeries.self) : tabulated(LongPowerSeries.self)
        case .gravity(let beta, let minimumCost) where HalfIntegerGravity.halves(beta: beta) != nil:
            func halfInteger<Root: QuarterPower>(_: Root.Type) -> AccessScores {
                let weight = HalfIntegerGravityWeight<Root>(
                    beta: beta, minimumCost: minimumCost, detourFactor: detourFactor, squaredLimit: limit)
                return run(weight, nil, demandGrid, supplyGrid, radius, limit, progress)
            }
            switch HalfIntegerGravity.halves(beta: beta)! % 4 {
            case 0: return halfInteger(NoRoot.self)
            case 1: return halfInteger(FourthRoot.self)
            case 2: return halfInteger(SquareRoot.self)
            default: return halfInteger(ThreeQuarterPower.self)
            }
        case .gravity(let beta, let minimumCost):
            let weight = GravityWeight(beta: beta, minimumCost: minimumCost, detourFactor: detourFactor)
            return run(weight, nil, demandGrid, supplyGrid, radius, limit, progress)
        default:
            let weight = CostWeight(decay: decay, detourFactor: detourFactor)
            return run(weight, nil, demandGrid, supplyGrid, radius, limit, progress)
        }
    }

    private static func run<W: SquaredDistanceWeight>(
        _ weight: W, _ bands: BandTable?, _ demand: CellSortedPoints, _ supply: CellSortedPoints, _ radius: Double,
        _ limit: Double, _ progress: ((String) -> Void)?, gaussian: GaussianWeight? = nil
    ) -> AccessScores {
        // Pass 1: per supply point (in grid order), the weighted demand in its catchment.
        progress?("pass 1 of 2: weighted demand around \(supply.count) supply points")
        var demandInReach = [Double](repeating: 0, count: supply.count)
        var pairCounts = [Int](repeating: 0, count: supply.count)
        // The Gaussian: whole demand cells inside a catchment by their expansions (``GaussianExpansion``).
        let alpha = gaussian.map { (-$0.scale).squareRoot() }
        let moments = alpha.map { demand.gaussianMoments(alpha: $0) }
        demandInReach.withUnsafeMutableBufferPointer { sumBuffer in
            pairCounts.withUnsafeMutableBufferPointer { countBuffer in
                let sums = SharedBuffer(sumBuffer), counts = SharedBuffer(countBuffer)
                ParallelChunks.forEach(count: supply.count, chunkSize: 64) { range in
                    var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
                    for slot in range {
                        let (sum, count): (Double, Int)
                        if let gaussian, let moments {
                            (sum, count, _) = powers.withUnsafeMutableBufferPointer { powers in
                                demand.gaussianSum(around: supply.x(slot), supply.y(slot), radius: radius, limit: limit, gaussian,
                                                   moments, powers.baseAddress!)
                            }
                        } else {
                            (sum, count) = demand.sum(around: supply.x(slot), supply.y(slot), radius: radius, limit: limit, weight, bands)
                        }
                        sums[slot] = sum
                        counts[slot] = count
                    }
                }
            }
        }
        // R_j = S_j / D_j in grid order (NaN outside every catchment), then in input order.
        let gridRatios = (0..<supply.count).map { slot in
            pairCounts[slot] == 0 ? Double.nan : supply.value(slot) / demandInReach[slot]
        }
        var ratios = [Double](repeating: .nan, count: supply.count)
        var supplyWithoutDemand: [Int] = []
        for slot in 0..<supply.count {
            let j = supply.index(slot)
            ratios[j] = gridRatios[slot]
            if pairCounts[slot] == 0 || demandInReach[slot] == 0 { supplyWithoutDemand.append(j) }
        }
        supplyWithoutDemand.sort()
        let pairCount = pairCounts.reduce(0, +)

        // Pass 2: per demand point, the ratios in its catchment.
        progress?("pass 2 of 2: scores of \(demand.count) demand points over \(pairCount) pairs")
        let ratioGrid = supply.replacingValues(gridRatios)
        var scores = [Double](repeating: .nan, count: demand.count)
        scores.withUnsafeMutableBufferPointer { scoreBuffer in
            let out = SharedBuffer(scoreBuffer)
            if let gaussian, let alpha {
                // Per block of 2 × 2 demand cells: local expansions about the block's and the cells'
                // centres for the supply wholly inside their catchments.
                let span = 2
                let blockColumns = (demand.columns + span - 1) / span, blockRows = (demand.rows + span - 1) / span
                ParallelChunks.forEach(count: blockColumns * blockRows, chunkSize: 4) { blocks in
                    var scratch = GaussianExpansion.Scratch()
                    for block in blocks {
                        GaussianExpansion.targetBlock(
                            row: block / blockColumns, column: block % blockColumns, span: span, sources: ratioGrid, targets: demand,
                            radius: radius, limit: limit, weight: gaussian, alpha: alpha, &scratch
                        ) { slot, sum, count in
                            out[demand.index(slot)] = count == 0 ? .nan : sum
                        }
                    }
                }
                return
            }
            ParallelChunks.forEach(count: demand.count, chunkSize: 512) { range in
                for slot in range {
                    let (sum, count) = ratioGrid.sum(around: demand.x(slot), demand.y(slot), radius: radius, limit: limit, weight, bands)
                    out[demand.index(slot)] = count == 0 ? .nan : sum
                }
            }
        }
        return AccessScores(
            scores: scores, supplyRatios: ratios, pairCount: pairCount,
            // The sums skip NaN terms, so a score is NaN exactly when no supply is in reach.
            demandWithoutSupply: scores.indices.filter { scores[$0].isNaN },
            supplyWithoutDemand: supplyWithoutDemand, normalizationMean: nil)
    }
}

// MARK: - Weights of a pair from its squared distance

/// f of a pair within reach, computed from its squared straight-line distance d² = dx² + dy².
protocol SquaredDistanceWeight: Sendable {
    /// True when ``weight(squaredDistance:)`` is cheap and finite for any d², so that it can be
    /// evaluated for every candidate and the result selected without a branch.
    static var branchFree: Bool { get }
    /// True when a vector of four candidates all beyond the limit skips ``weights(squaredDistances:)``
    /// (an e^x): their terms are 0 either way, so the sums are the same bits. False for the step
    /// weights, which cost less than the branch.
    static var skipsOutside: Bool { get }
    /// True when no term v × w of a pair within the limit can be NaN, so that
    /// ``CellSortedPoints/runSum`` need not test for NaN terms: the weight is finite and > 0 within
    /// the limit (∞ × w = ∞) and the caller's values hold no NaN (a NaN value set to 0 adds
    /// 0 × w = +0, the same bits as the test's 0). False by default.
    static var termsAreNumbers: Bool { get }
    func weight(squaredDistance: Double) -> Double
    /// ``weight(squaredDistance:)`` of four squared distances; used only when ``branchFree``.
    func weights(squaredDistances: SIMD4<Double>) -> SIMD4<Double>
}

extension SquaredDistanceWeight {
    static var skipsOutside: Bool { false }
    static var termsAreNumbers: Bool { false }

    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        SIMD4(weight(squaredDistance: d2[0]), weight(squaredDistance: d2[1]), weight(squaredDistance: d2[2]),
              weight(squaredDistance: d2[3]))
    }
}

/// f = 1 (2SFCA).
struct UniformWeight: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    @inline(__always) func weight(squaredDistance: Double) -> Double { 1 }
    @inline(__always) func weights(squaredDistances: SIMD4<Double>) -> SIMD4<Double> { SIMD4(repeating: 1) }
}

/// f = 1 over values without NaN (``CellSortedPoints/numbers``: NaN set to 0) and without ∞
/// (the disc sums run only when every value is finite or NaN): a term v × 1 is then a number,
/// so ``CellSortedPoints/runSum`` skips the NaN test (``SquaredDistanceWeight/termsAreNumbers``).
/// A NaN value adds 0 × 1 = +0 where the test would have added +0: the same bits.
struct UniformNumberWeight: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    static var termsAreNumbers: Bool { true }
    @inline(__always) func weight(squaredDistance: Double) -> Double { 1 }
    @inline(__always) func weights(squaredDistances: SIMD4<Double>) -> SIMD4<Double> { SIMD4(repeating: 1) }
}

/// Step weights (E2SFCA) with up to four bands, decided on d² against each band's squared
/// limit, exactly as `cost ≤ limit` decides it on the cost.
struct StepWeight: SquaredDistanceWeight {
    static let maximumBands = 4
    static var branchFree: Bool { true }
    private let limits: (Double, Double, Double, Double)
    private let weights: (Double, Double, Double, Double)

    init(bands: [DistanceBand], detourFactor: Double) {
        precondition(bands.count <= Self.maximumBands)
        var limits = [Double](repeating: -.infinity, count: Self.maximumBands)
        var weights = [Double](repeating: 0, count: Self.maximumBands)
        for (b, band) in bands.enumerated() {
            limits[b] = CellSortedPoints.squaredLimit(cost: band.upperLimit, detourFactor: detourFactor)
            weights[b] = band.weight
        }
        self.limits = (limits[0], limits[1], limits[2], limits[3])
        self.weights = (weights[0], weights[1], weights[2], weights[3])
    }

    /// The weight of the first band whose limit the pair is within (bands in increasing order),
    /// 0 beyond the last.
    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        var w = d2 <= limits.3 ? weights.3 : 0
        w = d2 <= limits.2 ? weights.2 : w
        w = d2 <= limits.1 ? weights.1 : w
        return d2 <= limits.0 ? weights.0 : w
    }

    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        var w = SIMD4<Double>(repeating: 0).replacing(with: weights.3, where: d2 .<= SIMD4(repeating: limits.3))
        w.replace(with: weights.2, where: d2 .<= SIMD4(repeating: limits.2))
        w.replace(with: weights.1, where: d2 .<= SIMD4(repeating: limits.1))
        w.replace(with: weights.0, where: d2 .<= SIMD4(repeating: limits.0))
        return w
    }
}

/// Gaussian decay f(c) = exp(−c² / (2σ²)) with c = detour × √d², four candidates at a time, as
/// exp(d² × s) with s = −detour² / (2σ²): no square root and no division per pair. The exponent
/// differs from PySAL's `-x * x / (2 * sigma**2)` by at most 7 roundings, ≤ 7.8e−16 × |x|
/// relative in the weight (≤ 6e−13 at the largest |x| = 745 where e^x is not 0; ≤ 2.3e−15 at
/// the threshold of the benchmark, |x| = 2). e^x is, for every pair (also those the scalar tail of a
/// run takes, so that a pair's weight does not depend on its place in the run):
/// - when x_min = s · limit ≥ −64 (the benchmark's: −2), ``BoundedExponential`` on [x_min, 0] with d²
///   first clamped to the limit (lanes beyond it are discarded by the caller; a lane within keeps its
///   d²), within 2.3e−16 relative of the true e^x;
/// - otherwise ``SIMD4/exponential()``, within 4.5e−16 relative of libm's `exp`.
struct GaussianWeight: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    static var skipsOutside: Bool { true }
    /// −detour² / (2σ²).
    let scale: Double
    /// e^x on [s · limit, 0], or nil when that range is too wide for its table.
    let bounded: BoundedExponential?
    /// The squared limit that d² is clamped to, and −128 s (d² × it = −128 x, exactly).
    private let squaredLimit: Double
    private let scaledFactor: Double
    nonisolated(unsafe) private let table = MathTables.exponential

    init(sigma: Double, detourFactor: Double, squaredLimit: Double) {
        scale = -(detourFactor * detourFactor) / (2 * (sigma * sigma))
        self.squaredLimit = squaredLimit
        scaledFactor = -BoundedExponential.stepsPerUnit * scale
        bounded = BoundedExponential(lowest: squaredLimit * scale)
    }

    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        weights(squaredDistances: SIMD4(repeating: d2))[0]
    }

    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        if let bounded { return weights(squaredDistances: d2, bounded) }
        return (d2 * SIMD4(repeating: scale)).exponential(table)
    }

    /// The weights by the table `bounded` (this weight's ``bounded``).
    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>, _ bounded: BoundedExponential) -> SIMD4<Double> {
        let bound = SIMD4<Double>(repeating: squaredLimit)
        // min(d², limit), the limit for NaN: u = −128 s d² lies in [0, −128 x_min].
        let clamped = bound.replacing(with: d2, where: d2 .< bound)
        return bounded(scaled: clamped * SIMD4(repeating: scaledFactor))
    }

    /// e^x of four exponents (the local expansions' e^(−‖V‖²)): ``BoundedExponential`` when every
    /// lane is in its range, else ``SIMD4/exponential()``.
    @inline(__always) func exponentials(_ x: SIMD4<Double>) -> SIMD4<Double> {
        if let bounded {
            let u = x * SIMD4(repeating: -BoundedExponential.stepsPerUnit)
            if allLanes((u .>= SIMD4(repeating: 0)) .& (u .<= SIMD4(repeating: bounded.highestScaled))) { return bounded(scaled: u) }
        }
        return x.exponential(table)
    }

    /// e^x of one exponent (the expansions' e^(−‖W‖²)): ``BoundedExponential`` when x is in its
    /// range, else libm's `exp`.
    @inline(__always) func exponential(_ x: Double) -> Double {
        if let bounded { return bounded(x) }
        return Foundation.exp(x)
    }
}

/// ``GaussianWeight`` whose table covers the run's range (``GaussianWeight/bounded`` not nil), for
/// the Gaussian's pair loops over values without NaN (NaN set to 0): within the limit the weights
/// are ≥ e^(−64) and ≤ 1, so no term is NaN (``SquaredDistanceWeight/termsAreNumbers``), and the
/// table's presence is not tested per vector. The same weights, bit for bit.
struct TableGaussianWeight: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    static var skipsOutside: Bool { true }
    static var termsAreNumbers: Bool { true }
    let base: GaussianWeight
    let bounded: BoundedExponential

    /// nil when `base` has no table.
    init?(_ base: GaussianWeight) {
        guard let bounded = base.bounded else { return nil }
        self.base = base
        self.bounded = bounded
    }

    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        weights(squaredDistances: SIMD4(repeating: d2))[0]
    }

    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        base.weights(squaredDistances: d2, bounded)
    }
}

/// Gravity decay f(c) = max(c, c_min)^(−β) with c = detour × √d², four candidates at a time, for
/// β above 8 and not a multiple of ½ (else ``TabulatedGravityWeight`` or ``HalfIntegerGravityWeight``), without a square root:
/// where c > c_min, f = e^(−β/2 · ln(detour² d²)) (``SIMD4/logarithm()`` and
/// ``SIMD4/exponential()``); detour² d² differs from the rounded c² by ≤ 3 roundings, so the
/// weight is within (β/2 |ln c²| + 3) × 4.5e−16 relative of libm's `pow(c, −β)` (≤ 1e−14 for
/// costs and β of real studies, ≤ 3.3e−13 where the weight nears the edge of the normal range).
/// Whether c ≤ c_min is decided on d² against the largest d² whose rounded cost is ≤ c_min
/// (``CellSortedPoints/squaredLimit(cost:detourFactor:)``), exactly as `max` decides it on the
/// cost; those pairs weigh `pow(c_min, −β)`. c = 0 with c_min = 0 gives +∞ as `pow` does.
/// Vectors with a lane whose e^x would leave the normal range take libm's `pow` lane by lane.
/// Every pair takes this path, also those of the scalar tail of a run.
struct GravityWeight: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    static var skipsOutside: Bool { true }
    /// −β / 2 (exact), the exponent applied to c².
    private let halfExponent: Double
    private let detourSquared: Double
    /// The floor c ≤ c_min and libm's weights.
    private let floor: GravityFloor
    /// ln's argument is at least this (a positive normal number), so that the lanes replaced by
    /// the floor weight never send the vector to libm.
    private let lowestArgument: Double
    nonisolated(unsafe) private let logTable = MathTables.logarithm
    nonisolated(unsafe) private let expTable = MathTables.exponential

    init(beta: Double, minimumCost: Double, detourFactor: Double) {
        halfExponent = -beta / 2
        detourSquared = detourFactor * detourFactor
        floor = GravityFloor(beta: beta, minimumCost: minimumCost, detourFactor: detourFactor)
        lowestArgument = Swift.max(detourSquared * floor.squared, Double.leastNormalMagnitude)
    }

    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        weights(squaredDistances: SIMD4(repeating: d2))[0]
    }

    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        let floored = d2 .<= SIMD4(repeating: floor.squared)
        let scaled = SIMD4(repeating: detourSquared) * d2
        let argument = scaled.replacing(with: lowestArgument, where: scaled .< SIMD4(repeating: lowestArgument))
        let y = SIMD4(repeating: halfExponent) * argument.logarithm(logTable)
        let inRange = (y .>= SIMD4(repeating: SIMD4<Double>.exponentialLowest)) .& (y .<= SIMD4(repeating: SIMD4<Double>.exponentialHighest))
        // A lane not floored whose detour² d² is subnormal (c < 1.5e−154) was raised to the
        // lowest argument above: libm's pow decides it instead.
        let normal = scaled .>= SIMD4(repeating: Double.leastNormalMagnitude)
        guard allLanes((inRange .& normal) .| floored) else { return floor.libmWeights(d2) }
        return y.exponential(expTable).replacing(with: floor.weight, where: floored)
    }
}

/// Gravity decay f(c) = max(c, c_min)^(−β) for β a multiple of ½ up to 8 (k = 2β halves), four
/// candidates at a time, with no ln and no e^x; the streaming path takes it for whole β (k even, at
/// most one square root; ``TabulatedGravityWeight`` is faster where k is odd). With x = detour² d²
/// (= c²) and k = 4a + b, b < 4,
///
///     f = 1 / p,  p = x^(k/4) = x^(b/4) × x^a,  x^(b/4) = 1, √√x, √x or √x · √√x  (`Root`)
///
/// (β = 2: 1/x; β = 1: 1/√x; β = 1.5: 1/(√x · √√x)), square roots and `/` correctly rounded
/// (``SIMD4/packedSquareRoot()``: `sqrtpd`; `divpd`), x^a by repeated products. Every factor
/// lies on the side of 1 that x does, so each partial product lies between 1 and p.
///
/// Error bound against libm's `pow(max(c, c_min), −β)` on the cost as the pair list computes it,
/// c = detour × √d² (u = 2⁻⁵³): x differs from the rounded c² by ≤ 6u relative (2 roundings in x,
/// 2 in c, squared; 2u when detour = 1), which the power scales by k/4; √x adds ≤ u, √√x ≤ 1.5u,
/// each product and the division ≤ u, and `pow` is within 1 ulp (≤ 2u relative). In all
/// ≤ (2k + 7)u relative: 1.4e−15 for β = 1.5, 4.4e−15 for β = 8 (tests: `GravityKernelTests`).
/// Whether c ≤ c_min is decided on d² as ``GravityWeight`` decides it (exactly as `max` on the
/// cost); those pairs weigh `pow(c_min, −β)`, so c = 0 with c_min = 0 gives +∞ as `pow` does.
/// A vector with a lane not floored whose x lies outside the range where x and p are normal
/// numbers and p ≤ 2¹⁰²² (``HalfIntegerGravity/range(halves:)``) takes libm's `pow` lane by lane;
/// the test is left out where no pair within reach can fail it.
struct HalfIntegerGravityWeight<Root: QuarterPower>: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    static var skipsOutside: Bool { true }
    private let detourSquared: Double
    /// a: whole powers of x.
    private let wholePowers: Int
    /// The floor c ≤ c_min and libm's weights.
    private let floor: GravityFloor
    /// The x for which this kernel's arithmetic stays within the normal range.
    private let lowest: Double, highest: Double
    /// False when every pair within reach and not floored has x in range, x = detour² d² rounded
    /// being monotone in d²: detour² × the floor's squared limit ≥ `lowest` and detour² × the
    /// threshold's squared limit ≤ `highest` (c_min > 0 and any real threshold); then no vector is
    /// checked (lanes beyond the threshold may then weigh anything: the sums drop them).
    private let checksRange: Bool

    /// `squaredLimit`: the threshold's squared limit (``CellSortedPoints/squaredLimit(cost:detourFactor:)``);
    /// weights are exact for d² ≤ `squaredLimit`.
    ///
    /// - Precondition: `HalfIntegerGravity.halves(beta: beta) % 4 == Root.quarters`.
    init(beta: Double, minimumCost: Double, detourFactor: Double, squaredLimit: Double) {
        let k = HalfIntegerGravity.halves(beta: beta)!
        precondition(k % 4 == Root.quarters)
        detourSquared = detourFactor * detourFactor
        wholePowers = k / 4
        floor = GravityFloor(beta: beta, minimumCost: minimumCost, detourFactor: detourFactor)
        (lowest, highest) = HalfIntegerGravity.range(halves: k)
        checksRange = !(detourSquared * floor.squared >= lowest && detourSquared * squaredLimit <= highest)
    }

    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        weights(squaredDistances: SIMD4(repeating: d2))[0]
    }

    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        let floored = d2 .<= SIMD4(repeating: floor.squared)
        let x = SIMD4(repeating: detourSquared) * d2
        var p = Root.power(x)
        for _ in 0..<wholePowers { p *= x }
        if checksRange {
            let inRange = (x .>= SIMD4(repeating: lowest)) .& (x .<= SIMD4(repeating: highest))
            guard allLanes(inRange .| floored) else { return floor.libmWeights(d2) }
        }
        return (SIMD4(repeating: 1) / p).replacing(with: floor.weight, where: floored)
    }
}

/// The choice of the gravity kernel for β a multiple of ½ (``HalfIntegerGravityWeight``).
enum HalfIntegerGravity {
    /// The largest k = 2β the kernel takes (β = 8).
    static let maximumHalves = 16

    /// k = 2β when β is a multiple of ½ with 0 ≤ k ≤ ``maximumHalves``, else nil.
    static func halves(beta: Double) -> Int? {
        let k = 2 * beta
        guard k >= 0, k <= Double(maximumHalves), k == k.rounded(.towardZero) else { return nil }
        return Int(k)
    }

    /// The x = detour² d² for which x is a normal number and p = x^(k/4), with its roundings (at
    /// most 1 + 39u relative), is a normal number ≤ 2¹⁰²², so that 1/p is normal too:
    /// x ∈ [max(2⁻¹⁰²², 2^(⌈−4088/k⌉ + 1)), 2^(⌊4088/k⌋ − 1)] (powers of 2 with a margin of at least
    /// a factor 2^(k/4) for the roundings); every x for k = 0 (p = 1).
    static func range(halves k: Int) -> (lowest: Double, highest: Double) {
        guard k > 0 else { return (-.infinity, .infinity) }
        let low = -((4 * 1022) / k) + 1      // ⌈−4088/k⌉ + 1 (integer division truncates toward zero)
        let high = (4 * 1022) / k - 1        // ⌊4088/k⌋ − 1
        let lowest = Swift.max(Double.leastNormalMagnitude, Double(sign: .plus, exponent: Swift.max(low, -1022), significand: 1))
        let highest = high > 1023 ? Double.greatestFiniteMagnitude : Double(sign: .plus, exponent: high, significand: 1)
        return (lowest, highest)
    }
}

/// x^(b/4) for one b in 0…3, the root part of ``HalfIntegerGravityWeight``'s power.
protocol QuarterPower {
    static var quarters: Int { get }
    static func power(_ x: SIMD4<Double>) -> SIMD4<Double>
}

/// x⁰ = 1.
enum NoRoot: QuarterPower {
    static var quarters: Int { 0 }
    @inline(__always) static func power(_ x: SIMD4<Double>) -> SIMD4<Double> { SIMD4(repeating: 1) }
}

/// x^(1/4) = √√x.
enum FourthRoot: QuarterPower {
    static var quarters: Int { 1 }
    @inline(__always) static func power(_ x: SIMD4<Double>) -> SIMD4<Double> { x.packedSquareRoot().packedSquareRoot() }
}

/// x^(1/2) = √x.
enum SquareRoot: QuarterPower {
    static var quarters: Int { 2 }
    @inline(__always) static func power(_ x: SIMD4<Double>) -> SIMD4<Double> { x.packedSquareRoot() }
}

/// x^(3/4) = √x · √√x.
enum ThreeQuarterPower: QuarterPower {
    static var quarters: Int { 3 }
    @inline(__always) static func power(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let root = x.packedSquareRoot()
        return root * root.packedSquareRoot()
    }
}

/// The gravity kernels' floor c ≤ c_min, decided on d² against the largest d² whose rounded
/// cost is ≤ c_min (``CellSortedPoints/squaredLimit(cost:detourFactor:)``), exactly as `max`
/// decides it on the cost; and libm's weights, their fall-back where their arithmetic would leave
/// the normal range.
struct GravityFloor: Sendable {
    /// Pairs with d² ≤ this have c ≤ c_min.
    let squared: Double
    /// pow(c_min, −β) (libm).
    let weight: Double
    private let exponent: Double
    private let detourFactor: Double

    init(beta: Double, minimumCost: Double, detourFactor: Double) {
        squared = CellSortedPoints.squaredLimit(cost: minimumCost, detourFactor: detourFactor)
        weight = pow(minimumCost, -beta)
        exponent = -beta
        self.detourFactor = detourFactor
    }

    /// libm's `pow(max(c, c_min), −β)` lane by lane, c = detour × √d² as the pair list computes it.
    func libmWeights(_ d2: SIMD4<Double>) -> SIMD4<Double> {
        var w = SIMD4<Double>()
        for lane in 0..<4 {
            w[lane] = d2[lane] <= squared ? weight : pow(detourFactor * d2[lane].squareRoot(), exponent)
        }
        return w
    }
}

/// Any decay, from the cost c = detour × √d² as the pair list computes it (more than four steps).
struct CostWeight: SquaredDistanceWeight {
    static var branchFree: Bool { false }
    let decay: DistanceDecay
    let detourFactor: Double
    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        decay.weight(detourFactor * d2.squareRoot())
    }
}

/// Piecewise-constant weights (2SFCA, E2SFCA) as bands of squared distance, for whole-cell sums:
/// band b holds the pairs with T_{b−1} < d² ≤ T_b and weighs w_b. Limits are clipped to the
/// threshold's squared limit, and a band of weight 0 is added up to it when the steps end before.
struct BandTable: Sendable {
    let squaredLimits: [Double]
    /// √T_b, in metres: the band's radius for the cell geometry.
    let radii: [Double]
    let weights: [Double]

    init(squaredLimits: [Double], weights: [Double], limit: Double) {
        var limits: [Double] = [], kept: [Double] = []
        for (t, w) in zip(squaredLimits, weights) where t >= 0 {
            limits.append(Swift.min(t, limit))
            kept.append(w)
            if t >= limit { break }
        }
        if (limits.last ?? -1) < limit {
            limits.append(limit)
            kept.append(0)
        }
        self.squaredLimits = limits
        radii = limits.map { $0.squareRoot() }
        self.weights = kept
        deltas = kept.indices.map { b in kept[b] - (b + 1 < kept.count ? kept[b + 1] : 0) }
        telescoping = deltas.allSatisfy { $0 >= 0 }
    }

    /// Δ_b = w_b − w_{b+1} (w past the last band is 0): Σ_pairs w(d) v = Σ_b Δ_b × Σ_{d² ≤ T_b} v.
    let deltas: [Double]
    /// True when every Δ_b ≥ 0 (weights that do not rise with distance, as E2SFCA's and 2SFCA's):
    /// then the disc sums are added without cancellation (see ``CellSortedPoints/discSums``).
    let telescoping: Bool
}

// MARK: - Points sorted by grid cell

/// Points with one value each, sorted by the row-major cell of a uniform grid; coordinates and
/// values of a cell are contiguous. Built by a counting sort, then each cell sorted by x (ties by
/// input index), so each row of cells is sorted by x and the layout, and every sum over it,
/// depends only on the input.
///
/// Thread safety: immutable; share it between threads freely.
struct CellSortedPoints: Sendable {
    /// At most this many cells on a side: a tiny radius over a national extent gets cells wider
    /// than the preferred size (queries stay exact).
    static let maximumCellsPerSide = 2048
    /// Points per cell the grid aims at (on average over the frame). A query pays a fixed cost
    /// per row of cells its circles meet (∝ radius / cell) and a cost per candidate in the cells a
    /// circle crosses (∝ radius × cell × density); the sum is least when cell² × density — the
    /// points per cell — is the ratio of the two costs, whatever the radius.
    /// Measured flat between 16 and 64 (200,000 × 20,000 points, 26 km: CPU within 5 %).
    static let pointsPerCell = 32.0

    let minX: Double
    let minY: Double
    let cellSize: Double
    let columns: Int
    let rows: Int
    /// Points of cell c are slots `cellStarts[c]..<cellStarts[c + 1]`.
    let cellStarts: [Int]
    /// For each slot, the point's input index.
    private let order: [Int32]
    let xs: [Double]
    let ys: [Double]
    let values: [Double]
    /// ``values`` with NaN set to 0 (the same array when no value is NaN), for the disc sums'
    /// crossed strips (``UniformNumberWeight``): the sums leave NaN terms out, and 0 adds +0.
    private let numbers: [Double]
    /// Prefix sums of the values over the slots, as unevaluated sums high + low (TwoSum), NaN
    /// values counted as 0 (the sums leave NaN terms out); used for whole cells inside one band.
    private let prefixHigh: [Double]
    private let prefixLow: [Double]
    /// False when a value is infinite (then every cell is summed point by point).
    private let prefixUsable: Bool
    /// Added to every search radius: covers the rounding of cell arithmetic on large coordinates.
    let slack: Double
    /// Each row of cells cut into ``fineColumns`` strips of width ``fineWidth`` (a fraction of a
    /// cell): the points of strip f of row r are slots `fineStarts[r × fineColumns + f] ..<
    /// fineStarts[r × fineColumns + f + 1]`. A row is sorted by x and a point's strip is monotone
    /// in x, so strips are contiguous; the disc sums cut a row at the circle strip by strip, so
    /// that a crossed piece is about as thin as the circle's sliver in that row.
    let fineStarts: [Int]
    let fineColumns: Int
    let fineWidth: Double
    /// Strips per cell, at most; fewer where the table would exceed ``maximumFineCells``.
    /// (Measured at 200,000 × 20,000, E2SFCA 10 km and 2SFCA 5 km: 8 and 16 strips with 16, 32
    /// or 64 points per cell within the noise of a loaded machine, 1.5–1.7 CPU-s and 0.9–1.0.)
    static let stripsPerCell = 8
    static let maximumFineCells = 1 << 22

    var count: Int { order.count }
    func x(_ slot: Int) -> Double { xs[slot] }
    func y(_ slot: Int) -> Double { ys[slot] }
    func value(_ slot: Int) -> Double { values[slot] }
    func index(_ slot: Int) -> Int { Int(order[slot]) }

    /// - Parameters:
    ///   - frame: an envelope holding every point (the same for grids queried against each other).
    ///   - radius: the search radius the grid is tuned for; cells are radius/64 … radius/4 wide,
    ///     holding about ``pointsPerCell`` points on average.
    init(points: [Coordinate], values: [Double], frame: Envelope, radius: Double) {
        precondition(points.count == values.count && points.count < Int(Int32.max))
        let span = Swift.max(frame.width, frame.height)
        let area = Swift.max(frame.width, radius) * Swift.max(frame.height, radius)
        let preferred = (Self.pointsPerCell * area / Double(Swift.max(points.count, 1))).squareRoot()
        var cell = Swift.max(Swift.min(Swift.max(preferred, radius / 64), radius / 4), span / Double(Self.maximumCellsPerSide))
        if !(cell > 0) || !cell.isFinite { cell = Swift.max(span, 1) }
        minX = frame.minX
        minY = frame.minY
        cellSize = cell
        columns = Swift.min(Self.maximumCellsPerSide, Int((frame.width / cell).rounded(.down)) + 1)
        rows = Swift.min(Self.maximumCellsPerSide, Int((frame.height / cell).rounded(.down)) + 1)
        let magnitude = Swift.max(abs(frame.minX), abs(frame.maxX), abs(frame.minY), abs(frame.maxY), span)
        slack = radius * 1e-9 + magnitude * 1e-12

        var starts = [Int](repeating: 0, count: columns * rows + 1)
        var cellOf = [Int32](repeating: 0, count: points.count)
        for (i, p) in points.enumerated() {
            let c = Self.clamp((p.y - minY) / cell, rows) * columns + Self.clamp((p.x - minX) / cell, columns)
            cellOf[i] = Int32(c)
            starts[c + 1] += 1
        }
        for c in 0..<(columns * rows) { starts[c + 1] += starts[c] }
        var cursor = starts
        var order = [Int32](repeating: 0, count: points.count)
        var xs = [Double](repeating: 0, count: points.count)
        var ys = [Double](repeating: 0, count: points.count)
        var sorted = [Double](repeating: 0, count: points.count)
        for i in points.indices {
            let c = Int(cellOf[i])
            order[cursor[c]] = Int32(i)
            cursor[c] += 1
        }
        // Within a cell by x, then by input index. A point's column is monotone in its x (the
        // same rounded subtraction, division and clamp for every point), so each row of cells is
        // then one run sorted by x: the disc sums cut it at the circle's x by binary search.
        // Cells are sorted on all cores, each on a local copy of its (x, index) keys (the order
        // is total, so the result does not depend on the sort or the scheduling).
        let cellCount = columns * rows
        if points.count > 1 {
            order.withUnsafeMutableBufferPointer { buffer in
                let shared = SharedBuffer(buffer)
                ParallelChunks.forEach(count: cellCount, chunkSize: 256) { cells in
                    var keys: [(x: Double, index: Int32)] = []
                    for c in cells where starts[c + 1] - starts[c] > 1 {
                        keys.removeAll(keepingCapacity: true)
                        for slot in starts[c]..<starts[c + 1] {
                            let i = shared[slot]
                            keys.append((points[Int(i)].x, i))
                        }
                        keys.sort { ($0.x, $0.index) < ($1.x, $1.index) }
                        for (k, key) in keys.enumerated() { shared[starts[c] + k] = key.index }
                    }
                }
            }
        }
        for slot in order.indices {
            let i = Int(order[slot])
            xs[slot] = points[i].x
            ys[slot] = points[i].y
            sorted[slot] = values[i]
        }
        cellStarts = starts
        self.order = order
        self.xs = xs
        self.ys = ys
        self.values = sorted
        numbers = Self.withoutNaN(sorted)
        (fineStarts, fineColumns, fineWidth) = Self.strips(xs: xs, cellStarts: starts, minX: minX, cell: cell, columns: columns, rows: rows)
        (prefixHigh, prefixLow, prefixUsable) = Self.prefixSums(sorted)
    }

    /// The strip table of ``fineStarts``: rows of `columns × k` strips of width cell / k, k ≤
    /// ``stripsPerCell``, a point's strip computed from its x as its column is (so monotone in x).
    private static func strips(xs: [Double], cellStarts: [Int], minX: Double, cell: Double, columns: Int, rows: Int)
        -> ([Int], Int, Double)
    {
        let k = Swift.max(1, Swift.min(Self.stripsPerCell, Self.maximumFineCells / Swift.max(1, rows * columns)))
        let fineColumns = columns * k
        let width = cell / Double(k)
        var starts = [Int](repeating: 0, count: rows * fineColumns + 1)
        for row in 0..<rows {
            for slot in cellStarts[row * columns]..<cellStarts[(row + 1) * columns] {
                starts[row * fineColumns + clamp((xs[slot] - minX) / width, fineColumns) + 1] += 1
            }
        }
        for f in 0..<(rows * fineColumns) { starts[f + 1] += starts[f] }
        return (starts, fineColumns, width)
    }

    /// Prefix sums high + low of `values` (NaN as 0), and whether every value is finite or NaN.
    private static func prefixSums(_ values: [Double]) -> ([Double], [Double], Bool) {
        var high = [Double](repeating: 0, count: values.count + 1)
        var low = [Double](repeating: 0, count: values.count + 1)
        var h = 0.0, l = 0.0
        for (k, value) in values.enumerated() {
            if value.isInfinite { return ([], [], false) }
            let v = value.isNaN ? 0 : value
            let s = h + v
            let b = s - h
            l += (h - (s - b)) + (v - b)
            h = s
            high[k + 1] = h
            low[k + 1] = l
        }
        return (high, low, true)
    }

    /// Σ of the values of slots a..<b (NaN as 0).
    @inline(__always)
    private func rangeSum(_ a: Int, _ b: Int) -> Double {
        (prefixHigh[b] - prefixHigh[a]) + (prefixLow[b] - prefixLow[a])
    }

    private init(_ base: CellSortedPoints, values: [Double]) {
        minX = base.minX
        minY = base.minY
        cellSize = base.cellSize
        columns = base.columns
        rows = base.rows
        cellStarts = base.cellStarts
        order = base.order
        xs = base.xs
        ys = base.ys
        slack = base.slack
        fineStarts = base.fineStarts
        fineColumns = base.fineColumns
        fineWidth = base.fineWidth
        self.values = values
        numbers = Self.withoutNaN(values)
        (prefixHigh, prefixLow, prefixUsable) = Self.prefixSums(values)
    }

    /// `values` with NaN set to 0; `values` itself (no copy) when none is NaN.
    private static func withoutNaN(_ values: [Double]) -> [Double] {
        values.contains(where: \.isNaN) ? values.map { $0.isNaN ? 0 : $0 } : values
    }

    /// The same points with other values, given per slot.
    func replacingValues(_ slotValues: [Double]) -> CellSortedPoints {
        precondition(slotValues.count == count)
        return CellSortedPoints(self, values: slotValues)
    }

    @inline(__always)
    static func clamp(_ scaled: Double, _ limit: Int) -> Int {
        if !(scaled > 0) { return 0 }  // also NaN
        if scaled >= Double(limit - 1) { return limit - 1 }
        return Int(scaled)
    }

    /// The largest d² whose cost `detourFactor × √d²` is ≤ `cost` in floating point, so that
    /// `d² ≤ squaredLimit` keeps exactly the pairs that `cost(d²) ≤ cost` keeps (the rounded
    /// square root and product are monotone in d², so the kept set is a down-set of doubles).
    /// −∞ for a negative cost.
    static func squaredLimit(cost: Double, detourFactor: Double) -> Double {
        guard cost >= 0 else { return -.infinity }
        guard cost.isFinite else { return .infinity }
        func within(_ d2: Double) -> Bool { detourFactor * d2.squareRoot() <= cost }
        var t = (cost / detourFactor) * (cost / detourFactor)
        while t > 0 && !within(t) { t = t.nextDown }
        while t.nextUp.isFinite && within(t.nextUp) { t = t.nextUp }
        return t
    }

    /// Σ value × f over the points with d² ≤ `limit` around (qx, qy), NaN terms left out, and how
    /// many points those are. Cells are visited row by row, only those meeting the disc of
    /// `radius` (+ slack). With `bands` (piecewise-constant f) and finite values, the cells of a
    /// row that lie wholly within one band — every point of the cell, widened by the slack, is
    /// beyond the previous band's radius and within this band's — add w_b × their prefix-sum
    /// difference and their point count; the other cells are summed point by point
    /// (``runSum``). Pieces are added in cell order with Kahan compensation.
    @inline(__always)
    func sum<W: SquaredDistanceWeight>(
        around qx: Double, _ qy: Double, radius: Double, limit: Double, _ weight: W, _ bands: BandTable?
    ) -> (sum: Double, count: Int) {
        if prefixUsable, let bands, bands.telescoping {
            return discSums(around: qx, qy, bands)
        }
        let r = radius + slack
        let rowLow = Self.clamp((qy - r - minY) / cellSize, rows)
        let rowHigh = Self.clamp((qy + r - minY) / cellSize, rows)
        let banded = prefixUsable ? bands : nil
        var total = CompensatedSum()
        var count = 0
        /// Pure cell intervals of one row (at most 2 per band), as (first cell, last cell, band).
        var pure = [(Int, Int, Int)]()
        pure.reserveCapacity(2 * (bands?.weights.count ?? 0))
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                values.withUnsafeBufferPointer { values in
                    cellStarts.withUnsafeBufferPointer { starts in
                        func pointByPoint(_ row: Int, _ first: Int, _ last: Int) {
                            guard first <= last else { return }
                            let start = starts[row * columns + first], end = starts[row * columns + last + 1]
                            guard start < end else { return }
                            let run = Self.runSum(qx, qy, xs.baseAddress!, ys.baseAddress!, values.baseAddress!, start, end, limit, weight)
                            total.add(run.sum)
                            count += run.count
                        }
                        for row in rowLow...rowHigh {
                            // The nearest y of the row's band to qy bounds the disc's half-width there.
                            let bandLow = minY + Double(row) * cellSize
                            let dy = Swift.max(0, Swift.max(bandLow - qy, qy - (bandLow + cellSize)))
                            if dy > r { continue }
                            let half = (r * r - dy * dy).squareRoot() + slack
                            let c0 = Self.clamp((qx - half - minX) / cellSize, columns)
                            let c1 = Self.clamp((qx + half - minX) / cellSize, columns)
                            guard let banded else {
                                pointByPoint(row, c0, c1)
                                continue
                            }
                            // Distances from qy to the row's band widened by the slack.
                            let yLow = bandLow - slack, yHigh = bandLow + cellSize + slack
                            let near = Swift.max(0, Swift.max(yLow - qy, qy - yHigh))
                            let far = Swift.max(abs(qy - yLow), abs(qy - yHigh))
                            pure.removeAll(keepingCapacity: true)
                            for band in banded.weights.indices {
                                // Cells wholly within this band's radius (less the slack)…
                                let inner = banded.radii[band] - slack
                                guard inner > far else { continue }
                                let h = (inner * inner - far * far).squareRoot()
                                var first = Self.cellIndex(((qx - h + slack - minX) / cellSize).rounded(.up), columns)
                                var last = Self.cellIndex(((qx + h - slack - minX) / cellSize).rounded(.down) - 1, columns)
                                first = Swift.max(first, c0)
                                last = Swift.min(last, c1)
                                guard first <= last else { continue }
                                // … less those that may hold a point within the previous band's radius.
                                if band > 0 {
                                    let outer = banded.radii[band - 1] + slack
                                    if outer >= near {
                                        let h2 = (outer * outer - near * near).squareRoot()
                                        let t0 = Self.cellIndex(((qx - h2 - slack - minX) / cellSize).rounded(.down), columns)
                                        let t1 = Self.cellIndex(((qx + h2 + slack - minX) / cellSize).rounded(.down), columns)
                                        if t0 <= last && t1 >= first {
                                            if first <= t0 - 1 { pure.append((first, t0 - 1, band)) }
                                            if t1 + 1 <= last { pure.append((t1 + 1, last, band)) }
                                            continue
                                        }
                                    }
                                }
                                pure.append((first, last, band))
                            }
                            pure.sort { $0.0 < $1.0 }
                            var next = c0
                            for (first, last, band) in pure {
                                pointByPoint(row, next, first - 1)
                                let start = starts[row * columns + first], end = starts[row * columns + last + 1]
                                if start < end {
                                    total.add(banded.weights[band] * rangeSum(start, end))
                                    count += end - start
                                }
                                next = last + 1
                            }
                            pointByPoint(row, next, c1)
                        }
                    }
                }
            }
        }
        return (total.sum, count)
    }

    /// Σ value × w(d) for a step decay whose weights do not rise with distance, as
    /// Σ_b Δ_b × S_b with S_b = Σ_{d² ≤ T_b} value (the telescoped bands, Δ_b ≥ 0, so no
    /// cancellation), and the number of points with d² ≤ T_last. Each disc S_b is summed row of
    /// cells by row, the row cut into strips (``fineStarts``, 1/8 of a cell wide): the strips
    /// wholly inside the disc (shrunk by the slack) by one prefix-sum difference, the strips its
    /// circle crosses (at most one run on each side, about as wide as the circle's sliver in that
    /// row plus a strip) point by point against T_b alone (``runSum`` with f = 1 over
    /// ``numbers``, without a NaN test per term: ``UniformNumberWeight``). Every candidate
    /// is thus tested against one limit, and a row costs O(1) whatever its width. Pieces are added
    /// in row order with Kahan compensation, the discs from the innermost; the same bits on every
    /// run.
    @inline(__always)
    private func discSums(around qx: Double, _ qy: Double, _ bands: BandTable) -> (sum: Double, count: Int) {
        var total = CompensatedSum()
        var count = 0
        let last = bands.squaredLimits.count - 1
        xs.withUnsafeBufferPointer { xsBuffer in
            ys.withUnsafeBufferPointer { ysBuffer in
                numbers.withUnsafeBufferPointer { valuesBuffer in
                    fineStarts.withUnsafeBufferPointer { starts in
                        prefixHigh.withUnsafeBufferPointer { high in
                            prefixLow.withUnsafeBufferPointer { low in
                                let xp = xsBuffer.baseAddress!, yp = ysBuffer.baseAddress!, vp = valuesBuffer.baseAddress!
                                let inverse = 1 / cellSize, fineInverse = 1 / fineWidth
                                for b in 0...last {
                                    let delta = bands.deltas[b]
                                    // Inner discs of weight step 0 add nothing; the last one gives the count.
                                    if delta == 0 && b < last { continue }
                                    let limit = bands.squaredLimits[b]
                                    let r = bands.radii[b] + slack
                                    let inner = bands.radii[b] - slack
                                    var disc = CompensatedSum()
                                    var discCount = 0
                                    let rowLow = Self.clamp((qy - r - minY) * inverse, rows)
                                    let rowHigh = Self.clamp((qy + r - minY) * inverse, rows)
                                    // Offsets of the query from the grid's origin, in metres.
                                    let ox = qx - minX
                                    for row in rowLow...rowHigh {
                                        let bandLow = minY + Double(row) * cellSize
                                        let dy = Swift.max(0, Swift.max(bandLow - qy, qy - (bandLow + cellSize)))
                                        if dy > r { continue }
                                        let half = (r * r - dy * dy).squareRoot() + slack
                                        // Strips, not cells, across the row.
                                        let c0 = Self.clamp((ox - half) * fineInverse, fineColumns)
                                        let c1 = Self.clamp((ox + half) * fineInverse, fineColumns)
                                        let base = row * fineColumns
                                        // Strips wholly inside: every point of the strip, its row band widened by the slack, within `inner`.
                                        let far = Swift.max(abs(qy - (bandLow - slack)), abs(qy - (bandLow + cellSize + slack)))
                                        var first = c1 + 1, pureLast = c1
                                        if inner > far {
                                            let h = (inner * inner - far * far).squareRoot() - slack
                                            // Strips k with k·width ≥ ox − h and (k + 1)·width ≤ ox + h.
                                            first = Swift.max(c0, Self.ceilingIndex((ox - h) * fineInverse, fineColumns))
                                            pureLast = Swift.min(c1, Self.floorIndex((ox + h) * fineInverse, fineColumns) - 1)
                                            if first > pureLast { first = c1 + 1; pureLast = c1 }
                                        }
                                        // Left run c0..<first, the pure cells first...pureLast, right run.
                                        let leftStart = starts[base + c0], leftEnd = starts[base + first]
                                        if leftStart < leftEnd {
                                            let run = Self.runSum(qx, qy, xp, yp, vp, leftStart, leftEnd, limit, UniformNumberWeight())
                                            disc.add(run.sum)
                                            discCount &+= run.count
                                        }
                                        if first <= pureLast {
                                            let start = leftEnd, end = starts[base + pureLast + 1]
                                            if start < end {
                                                disc.add((high[end] - high[start]) + (low[end] - low[start]))
                                                discCount &+= end - start
                                            }
                                            let rightStart = end, rightEnd = starts[base + c1 + 1]
                                            if rightStart < rightEnd {
                                                let run = Self.runSum(qx, qy, xp, yp, vp, rightStart, rightEnd, limit, UniformNumberWeight())
                                                disc.add(run.sum)
                                                discCount &+= run.count
                                            }
                                        }
                                    }
                                    if delta != 0 { total.add(delta * disc.sum) }
                                    if b == last { count = discCount }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (total.sum, count)
    }

    /// ⌈v⌉ clamped to −1…limit, without libm (v a scaled coordinate; NaN gives −1).
    @inline(__always)
    private static func ceilingIndex(_ v: Double, _ limit: Int) -> Int {
        if !(v > -1) { return -1 }
        if v >= Double(limit) { return limit }
        let t = Int(v)  // toward zero: ⌈v⌉ for v in (−1, 0], else ⌊v⌋
        return v > Double(t) ? t + 1 : t
    }

    /// ⌊v⌋ clamped to −1…limit, without libm (NaN gives −1).
    @inline(__always)
    private static func floorIndex(_ v: Double, _ limit: Int) -> Int {
        if !(v >= 0) { return -1 }
        if v >= Double(limit) { return limit }
        return Int(v)
    }

    /// A cell index from a rounded scaled coordinate, clamped to −1…limit (outside the grid on
    /// either side), safe for any Double.
    @inline(__always)
    private static func cellIndex(_ scaled: Double, _ limit: Int) -> Int {
        if !(scaled > -1) { return -1 }
        if scaled >= Double(limit) { return limit }
        return Int(scaled)
    }

    /// Σ over slots start..<end in four interleaved lanes (lane k mod 4), then (l0 + l1) + (l2 + l3).
    /// Branch-free weights take four candidates at a time as SIMD vectors (the same lanes and
    /// the same operations per lane as the scalar loop, so the same bits). NaN terms are left out
    /// (added as 0); with ``SquaredDistanceWeight/termsAreNumbers`` the vector loop does not test
    /// for them.
    @inline(__always)
    static func runSum<W: SquaredDistanceWeight>(
        _ qx: Double, _ qy: Double, _ xs: UnsafePointer<Double>, _ ys: UnsafePointer<Double>, _ values: UnsafePointer<Double>,
        _ start: Int, _ end: Int, _ limit: Double, _ weight: W
    ) -> (sum: Double, count: Int) {
        var lanes = SIMD4<Double>(repeating: 0)
        var count = 0
        var k = start
        if W.branchFree {
            let px = SIMD4<Double>(repeating: qx), py = SIMD4<Double>(repeating: qy)
            let bound = SIMD4<Double>(repeating: limit)
            var counts = SIMD4<Int64>(repeating: 0)
            while k + 4 <= end {
                let dx = UnsafeRawPointer(xs + k).loadUnaligned(as: SIMD4<Double>.self) - px
                let dy = UnsafeRawPointer(ys + k).loadUnaligned(as: SIMD4<Double>.self) - py
                let d2 = dx * dx + dy * dy
                let inside = d2 .<= bound
                if W.skipsOutside && unsafeBitCast(inside, to: SIMD4<Int64>.self) == SIMD4<Int64>(repeating: 0) {
                    k += 4
                    continue
                }
                let t = UnsafeRawPointer(values + k).loadUnaligned(as: SIMD4<Double>.self) * weight.weights(squaredDistances: d2)
                lanes += t.replacing(with: 0, where: .!(W.termsAreNumbers ? inside : inside .& (t .== t)))
                counts &+= SIMD4<Int64>(repeating: 0).replacing(with: 1, where: inside)
                k += 4
            }
            count = Int(counts.wrappedSum())
        }
        @inline(__always) func term(_ k: Int) -> Double {
            let dx = xs[k] - qx, dy = ys[k] - qy
            let d2 = dx * dx + dy * dy
            guard d2 <= limit else { return 0 }
            count &+= 1
            let t = values[k] * weight.weight(squaredDistance: d2)
            return t.isNaN ? 0 : t
        }
        while k + 4 <= end {
            lanes[0] += term(k)
            lanes[1] += term(k + 1)
            lanes[2] += term(k + 2)
            lanes[3] += term(k + 3)
            k += 4
        }
        if k < end { lanes[0] += term(k) }
        if k + 1 < end { lanes[1] += term(k + 1) }
        if k + 2 < end { lanes[2] += term(k + 2) }
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]), count)
    }
}
