import Foundation

/// Options of ``HuffModel/fit(anchorID:observedPatients:options:)``, with their defaults.
public struct HuffFitOptions: Sendable, Hashable {
    /// The interval α is searched in (default 0…5).
    public var alphaBounds: ClosedRange<Double>
    /// The interval β is searched in (default 0…10; per km for exponential decay).
    public var betaBounds: ClosedRange<Double>
    /// When set, α is held at this value and only β (and κ) are fitted.
    public var fixedAlpha: Double?
    /// The iteration limit of each Nelder–Mead run (default 500).
    public var maxIterations: Int

    public init(
        alphaBounds: ClosedRange<Double> = 0...5, betaBounds: ClosedRange<Double> = 0...10,
        fixedAlpha: Double? = nil, maxIterations: Int = 500
    ) {
        self.alphaBounds = alphaBounds
        self.betaBounds = betaBounds
        self.fixedAlpha = fixedAlpha
        self.maxIterations = maxIterations
    }
}

/// The maximum-likelihood fit of a Huff model to one hospital's observed patient origins.
public struct HuffFit: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// The gradient of the profile log-likelihood vanishes at an interior maximum.
        case converged
        /// A maximum on the boundary of the search box: the gradient points out of the box there
        /// (see ``HuffFit/alphaAtBound`` and ``HuffFit/betaAtBound``); widen the bounds if this is
        /// not expected.
        case convergedAtBound = "converged at a bound"
        /// The optimiser stopped before the gradient vanished (``HuffFit/warnings`` says why).
        case notConverged = "not converged"
    }

    public let anchorID: String
    public let decay: HuffDecay
    /// α̂, or the fixed α.
    public let alpha: Double
    public let alphaFixed: Bool
    /// β̂ (per km for exponential decay).
    public let beta: Double
    /// κ̂ = Σnᵢ / Σwᵢ·Pᵢₐ(α̂, β̂): the anchor's patients per unit of potential it attracts.
    public let kappa: Double
    /// Approximate standard errors from the numerical Hessian of the profile log-likelihood;
    /// nil for a fixed parameter, a parameter on a bound, or where the likelihood is not strictly
    /// concave at the estimate.
    public let standardErrorAlpha: Double?
    public let standardErrorBeta: Double?
    /// The correlation of α̂ and β̂ from the same inverse Hessian, when both have standard errors.
    public let correlationAlphaBeta: Double?
    /// The maximised Poisson log-likelihood ℓ̂ (with its −Σ log nᵢ! term).
    public let logLikelihood: Double
    /// ℓ₀: the intercept-only model μᵢ = κ·wᵢ, which is the Huff model with β = 0 (for any α).
    public let nullLogLikelihood: Double
    /// McFadden's pseudo-R² = 1 − ℓ̂ / ℓ₀.
    public let mcFaddenR2: Double
    /// Origins with a positive potential (those in the likelihood).
    public let origins: Int
    /// Origins with at least one observed patient.
    public let originsWithPatients: Int
    /// N = Σnᵢ.
    public let patients: Double
    public let status: Status
    public let alphaAtBound: Bool
    public let betaAtBound: Bool
    /// Nelder–Mead iterations plus Newton steps.
    public let iterations: Int
    /// Evaluations of the profile log-likelihood (a gradient counts as one).
    public let evaluations: Int
    /// max |∂ℓ/∂θ| over the parameters not held on a bound, at the estimate.
    public let gradientNorm: Double
    /// Anything the user should know about the fit (a flat likelihood, the iteration limit…).
    public let warnings: [String]
}

extension HuffModel {
    /// Fits α and β (or β alone) by maximum likelihood to the patients observed at one hospital.
    ///
    /// **Model.** The anchor a's patients from origin i are Poisson with mean
    ///
    ///     μᵢ = κ · wᵢ · Pᵢₐ(α, β)
    ///
    /// where wᵢ is the origin's potential (its ``HuffOrigin/weight``: population 65+, or all the
    /// area's patients when the other hospitals' are known) and κ > 0 the anchor's overall rate.
    /// Huff (1964) calibrated the model on one store's observed customer origins; the Poisson
    /// likelihood is that of spatial interaction models (Flowerdew & Aitkin 1982, Journal of
    /// Regional Science 22(2)). The log-likelihood is
    ///
    ///     ℓ(α, β, κ) = Σᵢ [nᵢ·log μᵢ − μᵢ − log nᵢ!]
    ///
    /// (log nᵢ! as log Γ(nᵢ + 1), so non-integer expected counts are accepted). For fixed (α, β),
    /// ∂ℓ/∂κ = 0 gives κ̂ = N / Σᵢ wᵢ·Pᵢₐ with N = Σᵢ nᵢ; then Σᵢ μᵢ = N and the profile
    /// log-likelihood is
    ///
    ///     ℓₚ(α, β) = Σᵢ nᵢ·log Pᵢₐ + Σᵢ nᵢ·log wᵢ + N·log N − N·log Σᵢ wᵢ·Pᵢₐ − N − Σᵢ log nᵢ!
    ///
    /// with the gradient ∂ℓₚ/∂θ = Σᵢ (nᵢ − μ̂ᵢ)·∂log Pᵢₐ/∂θ, where ∂log Pᵢₐ/∂α = log Aₐ − Σₖ Pᵢₖ·log Aₖ
    /// and ∂log Pᵢₐ/∂β = −(hᵢₐ − Σₖ Pᵢₖ·hᵢₖ), h = log d (power) or d (exponential).
    ///
    /// **Null model and pseudo-R².** With β = 0, Pᵢₐ is the same for every origin whatever α, so
    /// μᵢ = κ'·wᵢ: the intercept-only Poisson model with offset log wᵢ, ℓ₀ = Σᵢ nᵢ·log(N·wᵢ/W) − N −
    /// Σᵢ log nᵢ!, W = Σᵢ wᵢ. McFadden's R² = 1 − ℓ̂/ℓ₀ (McFadden, D. 1974, Conditional logit
    /// analysis of qualitative choice behavior, in Zarembka (ed.), Frontiers in Econometrics).
    ///
    /// **Optimiser** (deterministic). (1) A grid over the box (11 × 21 points for (α, β), 41 for β
    /// alone); (2) Nelder–Mead (Nelder & Mead 1965, The Computer Journal 7(4)) from the best grid
    /// point, trial points clamped into the box, restarted from its result with a fresh simplex
    /// until a restart no longer improves ℓ (at most 5 restarts); (3) projected Newton steps with the analytic gradient and a
    /// numerical Hessian (central differences of the gradient) and a halving line search, until
    /// the largest gradient component over the parameters not held on a bound is below
    /// 10⁻⁶·max(1, N). Standard errors are √diag((−H)⁻¹) of that Hessian over the parameters not
    /// on a bound — the observed information of the profile likelihood, which equals the
    /// (α, β) block of the full inverse information.
    ///
    /// Origins with wᵢ = 0 are left out (they have μᵢ = 0); an origin of the model missing from
    /// `observedPatients` has nᵢ = 0 — it is information, not a gap.
    ///
    /// - Parameters:
    ///   - anchorID: the destination whose patients were observed.
    ///   - observedPatients: nᵢ by origin id, finite and ≥ 0.
    /// - Throws: ``HuffError`` when the input is degenerate: unknown anchor or origins, negative
    ///   counts, no patients, patients at origins with zero potential, fewer than k + 2 origins
    ///   with a positive potential (κ, the k fitted shape parameters and one degree of freedom;
    ///   k = 2, or 1 with α fixed), fewer than two destinations, or α free while every
    ///   attractiveness is equal.
    public func fit(
        anchorID: String, observedPatients: [String: Double], options: HuffFitOptions = HuffFitOptions()
    ) throws -> HuffFit {
        var problems: [String] = []
        for (name, range) in [("α", options.alphaBounds), ("β", options.betaBounds)]
        where !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound >= 0) {
            problems.append("the bounds of \(name) \(range) must be finite and ≥ 0")
        }
        if let a = options.fixedAlpha, !(a.isFinite && a >= 0) {
            problems.append("the fixed α = \(a) must be finite and ≥ 0")
        }
        if options.maxIterations < 1 { problems.append("maxIterations \(options.maxIterations) must be ≥ 1") }
        let badCounts = observedPatients.filter { !($0.value.isFinite && $0.value >= 0) }
            .map { "\($0.key): \($0.value)" }.sorted()
        if !badCounts.isEmpty {
            problems.append("\(badCounts.count) observed count\(badCounts.count == 1 ? "" : "s") not finite and ≥ 0: "
                + HuffError.listed(badCounts))
        }
        guard problems.isEmpty else { throw HuffError.invalidInput(problems) }
        guard let anchor = destinationIndex(anchorID) else { throw HuffError.unknownDestination(anchorID) }
        guard destinations.count >= 2 else { throw HuffError.tooFewDestinations(destinations.count) }
        let unknown = observedPatients.keys.filter { originIndex($0) == nil }.sorted()
        guard unknown.isEmpty else { throw HuffError.unknownOrigins(unknown) }
        let withoutPotential = origins.filter { $0.weight == 0 && (observedPatients[$0.id] ?? 0) > 0 }.map(\.id)
        guard withoutPotential.isEmpty else { throw HuffError.patientsWithoutPotential(withoutPotential) }
        guard observedPatients.values.contains(where: { $0 > 0 }) else { throw HuffError.noObservedPatients }
        let shapeParameters = options.fixedAlpha == nil ? 2 : 1
        let positive = origins.filter { $0.weight > 0 }.count
        guard positive >= shapeParameters + 2 else {
            throw HuffError.tooFewOrigins(found: positive, required: shapeParameters + 2)
        }
        if options.fixedAlpha == nil, let lo = logAttractiveness.min(), let hi = logAttractiveness.max(), hi - lo < 1e-12 {
            throw HuffError.alphaNotIdentifiable
        }

        let likelihood = HuffLikelihood(model: self, anchor: anchor, observed: observedPatients)
        let fixedAlpha = options.fixedAlpha
        // θ = (α, β), or (β) with α fixed.
        let lower = fixedAlpha == nil ? [options.alphaBounds.lowerBound, options.betaBounds.lowerBound] : [options.betaBounds.lowerBound]
        let upper = fixedAlpha == nil ? [options.alphaBounds.upperBound, options.betaBounds.upperBound] : [options.betaBounds.upperBound]
        let split = { (theta: [Double]) -> (Double, Double) in
            fixedAlpha.map { ($0, theta[0]) } ?? (theta[0], theta[1])
        }
        var optimiser = BoxMaximiser(
            lower: lower, upper: upper, gradientTolerance: 1e-6 * max(1, likelihood.totalPatients),
            value: { theta in let (a, b) = split(theta); return likelihood.value(alpha: a, beta: b) },
            gradient: { theta in
                let (a, b) = split(theta)
                let g = likelihood.gradient(alpha: a, beta: b)
                return fixedAlpha == nil ? [g.alpha, g.beta] : [g.beta]
            })
        let outcome = optimiser.maximise(gridPoints: fixedAlpha == nil ? [11, 21] : [41], maxIterations: options.maxIterations)

        let (alpha, beta) = split(outcome.theta)
        let names = fixedAlpha == nil ? ["α", "β"] : ["β"]
        var warnings = outcome.warnings
        var standardErrors = [Double?](repeating: nil, count: names.count)
        var correlation: Double?
        let free = outcome.free
        if !free.isEmpty {
            let h = optimiser.hessian(outcome.theta)
            let negative = free.map { r in free.map { c in -h[r][c] } }
            if let inverse = Self.inverseOfPositiveDefinite(negative) {
                for (r, k) in free.enumerated() { standardErrors[k] = inverse[r][r].squareRoot() }
                if free.count == 2 { correlation = inverse[0][1] / (inverse[0][0] * inverse[1][1]).squareRoot() }
            } else {
                warnings.append("the profile log-likelihood is not strictly concave at the estimate (flat in "
                    + free.map { names[$0] }.joined(separator: ", ") + "): no standard errors")
            }
        }
        let se = { (name: String) -> Double? in names.firstIndex(of: name).flatMap { standardErrors[$0] } }
        let atBound = { (name: String) -> Bool in names.firstIndex(of: name).map { outcome.atBound[$0] } ?? false }
        let ll = likelihood.value(alpha: alpha, beta: beta)
        let ll0 = likelihood.nullValue
        return HuffFit(
            anchorID: anchorID, decay: decay, alpha: alpha, alphaFixed: fixedAlpha != nil, beta: beta,
            kappa: likelihood.kappa(alpha: alpha, beta: beta),
            standardErrorAlpha: se("α"), standardErrorBeta: se("β"), correlationAlphaBeta: correlation,
            logLikelihood: ll, nullLogLikelihood: ll0, mcFaddenR2: 1 - ll / ll0,
            origins: likelihood.count, originsWithPatients: likelihood.observed.filter { $0 > 0 }.count,
            patients: likelihood.totalPatients, status: outcome.status,
            alphaAtBound: atBound("α"), betaAtBound: atBound("β"),
            iterations: optimiser.iterations, evaluations: optimiser.evaluations,
            gradientNorm: outcome.gradientNorm, warnings: warnings)
    }

    /// The profile log-likelihood ℓₚ(α, β) of ``fit(anchorID:observedPatients:options:)``, for
    /// plotting or checking a fit. Same preconditions as the fit, but no parameter bounds.
    public func profileLogLikelihood(anchorID: String, observedPatients: [String: Double], alpha: Double, beta: Double) throws -> Double {
        guard let anchor = destinationIndex(anchorID) else { throw HuffError.unknownDestination(anchorID) }
        let unknown = observedPatients.keys.filter { originIndex($0) == nil }.sorted()
        guard unknown.isEmpty else { throw HuffError.unknownOrigins(unknown) }
        let withoutPotential = origins.filter { $0.weight == 0 && (observedPatients[$0.id] ?? 0) > 0 }.map(\.id)
        guard withoutPotential.isEmpty else { throw HuffError.patientsWithoutPotential(withoutPotential) }
        return HuffLikelihood(model: self, anchor: anchor, observed: observedPatients).value(alpha: alpha, beta: beta)
    }

    /// (M)⁻¹ by Cholesky for a symmetric positive-definite 1 × 1 or 2 × 2 matrix; nil otherwise.
    static func inverseOfPositiveDefinite(_ m: [[Double]]) -> [[Double]]? {
        switch m.count {
        case 1:
            return m[0][0] > 0 && m[0][0].isFinite ? [[1 / m[0][0]]] : nil
        case 2:
            let a = m[0][0], b = 0.5 * (m[0][1] + m[1][0]), d = m[1][1]
            let det = a * d - b * b
            guard a > 0, det > 1e-12 * a * d, det.isFinite else { return nil }
            return [[d / det, -b / det], [-b / det, a / det]]
        default:
            return nil
        }
    }
}

/// The profile log-likelihood of a Huff fit and its gradient, over the origins with wᵢ > 0.
/// Evaluations walk the precomputed arrays of ``HuffModel`` and allocate nothing.
struct HuffLikelihood {
    let model: HuffModel
    let anchor: Int
    /// Model origin indices with wᵢ > 0, and their nᵢ and log wᵢ.
    let rows: [Int]
    let observed: [Double]
    let logWeights: [Double]
    let totalPatients: Double
    /// Σ nᵢ·log wᵢ + N·log N − N − Σ log Γ(nᵢ + 1): the part of ℓₚ that depends on neither α nor β.
    let constant: Double
    /// ℓ₀ (see ``HuffModel/fit(anchorID:observedPatients:options:)``).
    let nullValue: Double

    var count: Int { rows.count }

    init(model: HuffModel, anchor: Int, observed counts: [String: Double]) {
        self.model = model
        self.anchor = anchor
        let rows = model.origins.indices.filter { model.origins[$0].weight > 0 }
        self.rows = rows
        self.observed = rows.map { counts[model.origins[$0].id] ?? 0 }
        self.logWeights = rows.map { Foundation.log(model.origins[$0].weight) }
        let n = observed.reduce(0, +)
        self.totalPatients = n
        var c = n > 0 ? n * Foundation.log(n) - n : 0
        for (k, nk) in observed.enumerated() where nk > 0 { c += nk * logWeights[k] - lgamma(nk + 1) }
        self.constant = c
        let w = rows.reduce(0.0) { $0 + model.origins[$1].weight }
        self.nullValue = c - (n > 0 ? n * Foundation.log(w) : 0)
    }

    /// Per origin: log Pᵢₐ, and the expectations of log A and h under Pᵢ.
    @inline(__always)
    private func row(_ i: Int, alpha: Double, beta: Double) -> (logP: Double, meanLogA: Double, meanH: Double) {
        let m = model.destinations.count, base = i * m
        let logA = model.logAttractiveness, h = model.distanceTerm
        var top = -Double.infinity
        for k in 0..<m { top = max(top, alpha * logA[k] - beta * h[base + k]) }
        var z = 0.0, za = 0.0, zh = 0.0
        for k in 0..<m {
            let e = Foundation.exp(alpha * logA[k] - beta * h[base + k] - top)
            z += e
            za += e * logA[k]
            zh += e * h[base + k]
        }
        let logP = alpha * logA[anchor] - beta * h[base + anchor] - top - Foundation.log(z)
        return (logP, za / z, zh / z)
    }

    /// log Σᵢ wᵢ·Pᵢₐ and Σᵢ nᵢ·log Pᵢₐ.
    private func sums(alpha: Double, beta: Double) -> (logS: Double, observedLogP: Double) {
        var top = -Double.infinity, s = 0.0, nLogP = 0.0
        for (r, i) in rows.enumerated() {
            let logP = row(i, alpha: alpha, beta: beta).logP
            if observed[r] > 0 { nLogP += observed[r] * logP }
            let t = logWeights[r] + logP
            if t > top { s = s * Foundation.exp(top - t) + 1; top = t } else { s += Foundation.exp(t - top) }
        }
        return (top + Foundation.log(s), nLogP)
    }

    /// ℓₚ(α, β).
    func value(alpha: Double, beta: Double) -> Double {
        let (logS, nLogP) = sums(alpha: alpha, beta: beta)
        return nLogP - totalPatients * logS + constant
    }

    /// κ̂(α, β) = N / Σᵢ wᵢ·Pᵢₐ.
    func kappa(alpha: Double, beta: Double) -> Double {
        totalPatients / Foundation.exp(sums(alpha: alpha, beta: beta).logS)
    }

    /// ∇ℓₚ = Σᵢ nᵢ·uᵢ − N·Σᵢ wᵢPᵢₐ·uᵢ / Σᵢ wᵢPᵢₐ, with uᵢ = ∂log Pᵢₐ/∂(α, β); the second sum is
    /// accumulated with a running log-sum-exp so that it cannot underflow.
    func gradient(alpha: Double, beta: Double) -> (alpha: Double, beta: Double) {
        let logAa = model.logAttractiveness[anchor], m = model.destinations.count
        var nUa = 0.0, nUb = 0.0
        var top = -Double.infinity, s = 0.0, sUa = 0.0, sUb = 0.0
        for (r, i) in rows.enumerated() {
            let (logP, meanLogA, meanH) = row(i, alpha: alpha, beta: beta)
            let ua = logAa - meanLogA
            let ub = -(model.distanceTerm[i * m + anchor] - meanH)
            nUa += observed[r] * ua
            nUb += observed[r] * ub
            let t = logWeights[r] + logP
            if t > top {
                let scale = Foundation.exp(top - t)
                s = s * scale + 1; sUa = sUa * scale + ua; sUb = sUb * scale + ub
                top = t
            } else {
                let e = Foundation.exp(t - top)
                s += e; sUa += e * ua; sUb += e * ub
            }
        }
        return (nUa - totalPatients * sUa / s, nUb - totalPatients * sUb / s)
    }
}

/// A deterministic maximiser over a box: grid, Nelder–Mead with restarts, projected Newton polish.
struct BoxMaximiser {
    let lower: [Double]
    let upper: [Double]
    let gradientTolerance: Double
    let value: ([Double]) -> Double
    let gradient: ([Double]) -> [Double]
    private(set) var evaluations = 0
    private(set) var iterations = 0

    init(lower: [Double], upper: [Double], gradientTolerance: Double,
         value: @escaping ([Double]) -> Double, gradient: @escaping ([Double]) -> [Double]) {
        self.lower = lower
        self.upper = upper
        self.gradientTolerance = gradientTolerance
        self.value = value
        self.gradient = gradient
    }

    struct Outcome {
        var theta: [Double]
        var status: HuffFit.Status
        var atBound: [Bool]
        /// Indices of the parameters not held on a bound.
        var free: [Int]
        var gradientNorm: Double
        var warnings: [String]
    }

    private var dimension: Int { lower.count }
    private func clamp(_ x: [Double]) -> [Double] { x.indices.map { min(max(x[$0], lower[$0]), upper[$0]) } }

    /// ℓ at x; NaN counts as −∞ so that it always loses.
    private mutating func f(_ x: [Double]) -> Double {
        evaluations += 1
        let v = value(x)
        return v.isNaN ? -.infinity : v
    }

    private mutating func g(_ x: [Double]) -> [Double] {
        evaluations += 1
        return gradient(x)
    }

    mutating func maximise(gridPoints: [Int], maxIterations: Int) -> Outcome {
        var warnings: [String] = []
        // 1. Grid.
        var best = lower, bestValue = -Double.infinity
        var index = [Int](repeating: 0, count: dimension)
        gridLoop: while true {
            let x = index.indices.map { k in
                gridPoints[k] == 1 ? lower[k] : lower[k] + (upper[k] - lower[k]) * Double(index[k]) / Double(gridPoints[k] - 1)
            }
            let v = f(x)
            if v > bestValue { best = x; bestValue = v }
            for k in index.indices {
                index[k] += 1
                if index[k] < gridPoints[k] { continue gridLoop }
                index[k] = 0
            }
            break
        }
        // 2. Nelder–Mead, restarted until it stops improving.
        var runsAtLimit = 0
        for restart in 0...5 {
            let run = nelderMead(start: best, startValue: bestValue, maxIterations: maxIterations)
            let improvement = run.value - bestValue
            if run.value >= bestValue { best = run.x; bestValue = run.value }
            if !run.converged { runsAtLimit += 1 }
            if restart > 0 && improvement <= 1e-10 * max(1, abs(bestValue)) { break }
        }
        // 3. Projected Newton.
        var x = best, fx = bestValue
        var free: [Int] = [], gradientNorm = Double.infinity
        for _ in 0..<100 {
            let grad = g(x)
            free = activeFree(x, grad)
            gradientNorm = free.map { abs(grad[$0]) }.max() ?? 0
            if gradientNorm <= gradientTolerance { break }
            let h = hessian(x)
            var direction = [Double](repeating: 0, count: dimension)
            let negative = free.map { r in free.map { c in -h[r][c] } }
            if let inverse = HuffModel.inverseOfPositiveDefinite(negative) {
                for (r, k) in free.enumerated() {
                    direction[k] = free.indices.reduce(0) { $0 + inverse[r][$1] * grad[free[$1]] }
                }
            } else {
                // Not concave here: a gradient step scaled to a tenth of the box.
                for k in free { direction[k] = grad[k] / gradientNorm * 0.1 * (upper[k] - lower[k]) }
            }
            iterations += 1
            var step = 1.0, moved = false
            for _ in 0..<40 {
                let trial = clamp(x.indices.map { x[$0] + step * direction[$0] })
                let v = f(trial)
                if v > fx { x = trial; fx = v; moved = true; break }
                // Within rounding of ℓ, the gradient decides: near the maximum ℓ changes by
                // ~‖g‖²/‖H‖, which can be below the resolution of a sum of thousands of terms.
                if abs(v - fx) <= 1e-11 * max(1, abs(fx)) {
                    let trialGradient = g(trial)
                    let norm = activeFree(trial, trialGradient).map { abs(trialGradient[$0]) }.max() ?? 0
                    if norm < gradientNorm { x = trial; fx = max(fx, v); moved = true; break }
                }
                step *= 0.5
            }
            if !moved { break }
        }
        let grad = g(x)
        free = activeFree(x, grad)
        gradientNorm = free.map { abs(grad[$0]) }.max() ?? 0
        let atBound = x.indices.map { !free.contains($0) }
        let status: HuffFit.Status
        if gradientNorm <= gradientTolerance {
            status = atBound.contains(true) ? .convergedAtBound : .converged
        } else {
            status = .notConverged
            if runsAtLimit > 0 {
                warnings.append("Nelder–Mead reached its iteration limit (\(maxIterations)) in \(runsAtLimit) run\(runsAtLimit == 1 ? "" : "s")")
            }
            warnings.append("the gradient of the log-likelihood is still \(gradientNorm) at the estimate (tolerance \(gradientTolerance))")
        }
        return Outcome(theta: x, status: status, atBound: atBound, free: free, gradientNorm: gradientNorm, warnings: warnings)
    }

    /// The parameters not held on a bound: a parameter on a bound whose gradient points out of
    /// the box (or is zero) is held there.
    private func activeFree(_ x: [Double], _ grad: [Double]) -> [Int] {
        x.indices.filter { k in
            let span = upper[k] - lower[k]
            if span <= 0 { return false }
            let tol = 1e-10 * span
            if x[k] <= lower[k] + tol && grad[k] <= 0 { return false }
            if x[k] >= upper[k] - tol && grad[k] >= 0 { return false }
            return true
        }
    }

    /// The Hessian by central differences of the analytic gradient, symmetrised; steps of
    /// 10⁻⁴·max(1, |θₖ|) (the likelihood is defined outside the box too).
    mutating func hessian(_ x: [Double]) -> [[Double]] {
        var h = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
        for k in 0..<dimension {
            let step = 1e-4 * max(1, abs(x[k]))
            var plus = x, minus = x
            plus[k] += step
            minus[k] -= step
            let gp = g(plus), gm = g(minus)
            for r in 0..<dimension { h[r][k] = (gp[r] - gm[r]) / (2 * step) }
        }
        for r in 0..<dimension {
            for c in 0..<r {
                let s = 0.5 * (h[r][c] + h[c][r])
                h[r][c] = s
                h[c][r] = s
            }
        }
        return h
    }

    /// Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) maximising ℓ, each trial
    /// point clamped into the box. Converged when the simplex spans less than 10⁻⁹ of the box in
    /// every coordinate and its values differ by less than 10⁻¹²·max(1, |ℓ|).
    private mutating func nelderMead(start: [Double], startValue: Double, maxIterations: Int) -> (x: [Double], value: Double, converged: Bool) {
        let n = dimension
        var vertices = [start], values = [startValue]
        for k in 0..<n {
            var v = start
            let step = 0.05 * (upper[k] - lower[k])
            v[k] = v[k] + step <= upper[k] ? v[k] + step : v[k] - step
            vertices.append(clamp(v))
            values.append(f(vertices[k + 1]))
        }
        for _ in 0..<maxIterations {
            // Best first (largest ℓ); ties keep their order, so runs are deterministic.
            let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
            vertices = order.map { vertices[$0] }
            values = order.map { values[$0] }
            var spread = 0.0
            for i in 1...n {
                for k in 0..<n {
                    let span = max(upper[k] - lower[k], 1e-300)
                    spread = max(spread, abs(vertices[i][k] - vertices[0][k]) / span)
                }
            }
            if spread < 1e-9 && abs(values[0] - values[n]) <= 1e-12 * max(1, abs(values[0])) {
                return (vertices[0], values[0], true)
            }
            iterations += 1
            let centroid = (0..<n).map { k in (0..<n).reduce(0.0) { $0 + vertices[$1][k] } / Double(n) }
            let worst = vertices[n]
            let (lo, hi) = (lower, upper)
            let point = { (t: Double) -> [Double] in
                (0..<n).map { k in min(max(centroid[k] + t * (centroid[k] - worst[k]), lo[k]), hi[k]) }
            }
            let reflected = point(1), fr = f(reflected)
            if fr > values[0] {
                let expanded = point(2), fe = f(expanded)
                if fe > fr { vertices[n] = expanded; values[n] = fe } else { vertices[n] = reflected; values[n] = fr }
            } else if fr > values[n - 1] {
                vertices[n] = reflected; values[n] = fr
            } else {
                let outside = fr > values[n]
                let contracted = point(outside ? 0.5 : -0.5), fc = f(contracted)
                if fc > (outside ? fr : values[n]) {
                    vertices[n] = contracted; values[n] = fc
                } else {
                    for i in 1...n {
                        vertices[i] = clamp((0..<n).map { vertices[0][$0] + 0.5 * (vertices[i][$0] - vertices[0][$0]) })
                        values[i] = f(vertices[i])
                    }
                }
            }
        }
        let bestIndex = values.indices.max { values[$0] < values[$1] }!
        return (vertices[bestIndex], values[bestIndex], false)
    }
}
