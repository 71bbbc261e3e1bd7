@testable import CareAtlas
import Foundation
import Testing
import TestSupport

/// Poisson counts drawn in sorted key order: a dictionary's own order changes from run to run,
/// which would make the draws (and the test) depend on the process.
fileprivate func poissonCounts(_ means: [String: Double], _ rng: inout SplitMix64) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: means.keys.sorted().map { ($0, Double(rng.poisson(means[$0]!))) })
}

extension Dictionary where Key == String, Value == Double {
    fileprivate func sampled(_ rng: inout SplitMix64) -> [String: Double] { poissonCounts(self, &rng) }
}

extension SplitMix64 {
    /// Poisson(λ) by Knuth's product of uniforms, on chunks of λ ≤ 20 (a sum of independent
    /// Poisson variables is Poisson), so that exp(−λ) never underflows.
    mutating func poisson(_ lambda: Double) -> Int {
        var remaining = lambda, count = 0
        while remaining > 0 {
            let chunk = min(remaining, 20)
            remaining -= chunk
            let limit = exp(-chunk)
            var product = uniform(), k = 0
            while product > limit { product *= uniform(); k += 1 }
            count += k
        }
        return count
    }
}

/// A random region: origins spread over a 40 × 40 km square, hospitals inside it.
fileprivate struct HuffInstance {
    let model: HuffModel
    let origins: [(id: String, x: Double, y: Double)]
    let hospitals: [(id: String, x: Double, y: Double)]

    init(seed: UInt64, origins n: Int, hospitals m: Int, decay: HuffDecay = .power) throws {
        var rng = SplitMix64(state: seed)
        let origins = (0..<n).map { i in
            (id: String(format: "O%03d", i), x: rng.uniform(0...40), y: rng.uniform(0...40))
        }
        let hospitals = (0..<m).map { j in
            (id: String(format: "H%02d", j), x: rng.uniform(5...35), y: rng.uniform(5...35))
        }
        let weights = origins.map { _ in rng.uniform(1000...10000) }
        let beds = hospitals.map { _ in rng.uniform(50...800).rounded() }
        self.origins = origins
        self.hospitals = hospitals
        self.model = try HuffModel(
            origins: origins.indices.map { HuffOrigin(id: origins[$0].id, weight: weights[$0]) },
            destinations: hospitals.indices.map { HuffDestination(id: hospitals[$0].id, attractiveness: beds[$0]) },
            distancesKm: origins.map { o in hospitals.map { h in hypot(o.x - h.x, o.y - h.y) } },
            decay: decay)
    }

    /// Expected patients of `anchor`, μᵢ = κ·wᵢ·Pᵢₐ, with κ scaled so that Σμᵢ = `total`.
    func expectedCounts(anchor: String, alpha: Double, beta: Double, total: Double) throws -> [String: Double] {
        let result = try model.evaluate(alpha: alpha, beta: beta)
        let j = try #require(model.destinationIndex(anchor))
        let raw = model.origins.indices.map { model.origins[$0].weight * result.probability(origin: $0, destination: j) }
        let kappa = total / raw.reduce(0, +)
        return Dictionary(uniqueKeysWithValues: model.origins.indices.map { (model.origins[$0].id, kappa * raw[$0]) })
    }
}

@Suite struct HuffTests {
    // MARK: Huff probabilities

    /// Two hospitals, three origins, α = 1, β = 2 (power), A = (100, 400):
    ///   o1: d = (1, 2)   → A·d^−2 = (100/1, 400/4)  = (100, 100) → P = (1/2, 1/2)
    ///   o2: d = (2, 2)   → (100/4, 400/4)           = (25, 100)  → P = (1/5, 4/5)
    ///   o3: d = (0, 4)   → 0 raised to 0.5 km: (100/0.25, 400/16) = (400, 25) → P = (16/17, 1/17)
    /// Weights (1000, 500, 170):
    ///   E₁ = 1000·½ + 500·⅕ + 170·16/17 = 500 + 100 + 160 = 760
    ///   E₂ = 1000·½ + 500·⅘ + 170·1/17  = 500 + 400 +  10 = 910
    ///   shares 760/1670 and 910/1670.
    @Test func handComputedTwoHospitalsThreeOrigins() throws {
        let model = try HuffModel(
            origins: [HuffOrigin(id: "o1", weight: 1000), HuffOrigin(id: "o2", weight: 500), HuffOrigin(id: "o3", weight: 170)],
            destinations: [HuffDestination(id: "h1", attractiveness: 100), HuffDestination(id: "h2", attractiveness: 400)],
            distancesKm: [[1, 2], [2, 2], [0, 4]])
        let r = try model.evaluate(alpha: 1, beta: 2)
        let expected: [[Double]] = [[0.5, 0.5], [0.2, 0.8], [16.0 / 17, 1.0 / 17]]
        for i in 0..<3 {
            for j in 0..<2 { #expect(abs(r.probability(origin: i, destination: j) - expected[i][j]) < 1e-15, "\(i),\(j)") }
        }
        #expect(r.destinations.map(\.id) == ["h1", "h2"])
        #expect(abs(r.destinations[0].expectedPatients - 760) < 1e-10)
        #expect(abs(r.destinations[1].expectedPatients - 910) < 1e-10)
        #expect(abs(r.destinations[0].marketShare! - 760.0 / 1670) < 1e-15)
        #expect(abs(r.destinations[1].marketShare! - 910.0 / 1670) < 1e-15)
        #expect(r.totalWeight == 1670)
        #expect(r.probability(originID: "o3", destinationID: "h2").map { abs($0 - 1.0 / 17) < 1e-15 } == true)
        #expect(r.probability(originID: "o9", destinationID: "h2") == nil)
    }

    /// Exponential decay, β = 1 per km, equal attractiveness, d = (1, 2):
    /// P₁ = e⁻¹ / (e⁻¹ + e⁻²) = 1 / (1 + e⁻¹) = 0.7310585786300049.
    /// α is irrelevant when every A is equal.
    @Test func handComputedExponentialDecay() throws {
        let model = try HuffModel(
            origins: [HuffOrigin(id: "o")],
            destinations: [HuffDestination(id: "a", attractiveness: 50), HuffDestination(id: "b", attractiveness: 50)],
            distancesKm: [[1, 2]], decay: .exponential)
        for alpha in [0.0, 1, 3] {
            let r = try model.evaluate(alpha: alpha, beta: 1)
            #expect(abs(r.probability(origin: 0, destination: 0) - 0.7310585786300049) < 1e-15)
            #expect(abs(r.probability(origin: 0, destination: 1) - 0.2689414213699951) < 1e-15)
        }
    }

    /// β = 0 and α = 1: the probabilities are the attractiveness shares, whatever the distances.
    @Test func noDecayGivesAttractivenessShares() throws {
        let instance = try HuffInstance(seed: 7, origins: 20, hospitals: 4)
        let r = try instance.model.evaluate(alpha: 1, beta: 0)
        let beds = instance.model.destinations.map(\.attractiveness)
        let total = beds.reduce(0, +)
        for i in 0..<20 {
            for j in 0..<4 { #expect(abs(r.probability(origin: i, destination: j) - beds[j] / total) < 1e-14) }
        }
    }

    @Test func rowsSumToOneOnRandomInstances() throws {
        for seed in UInt64(1)...5 {
            for decay in HuffDecay.allCases {
                let instance = try HuffInstance(seed: seed, origins: 60, hospitals: 12, decay: decay)
                // β = 10 with exponential decay gives weights of e^−400 and below: the log-space
                // evaluation must still give finite rows.
                for (alpha, beta) in [(0.0, 0.0), (1, 2), (0.5, 1), (5, 10)] {
                    let r = try instance.model.evaluate(alpha: alpha, beta: beta)
                    #expect(r.probabilities.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
                    for i in 0..<60 {
                        let sum = r.row(i).reduce(0, +)
                        #expect(abs(sum - 1) < 1e-12, "seed \(seed) \(decay) α \(alpha) β \(beta) row \(i): \(sum)")
                    }
                    // Σⱼ Eⱼ = Σᵢ wᵢ.
                    let expected = r.destinations.reduce(0) { $0 + $1.expectedPatients }
                    #expect(abs(expected - r.totalWeight) <= 1e-10 * r.totalWeight)
                }
            }
        }
    }

    /// Raising β raises the nearest hospital's probability at every origin (power and
    /// exponential): Pₙ/Pₖ = (Aₙ/Aₖ)^α · f(dₙ)/f(dₖ) grows with β when dₙ < dₖ.
    @Test func raisingBetaFavoursTheNearestHospital() throws {
        for decay in HuffDecay.allCases {
            let instance = try HuffInstance(seed: 11, origins: 50, hospitals: 6, decay: decay)
            let distances = instance.origins.map { o in instance.hospitals.map { h in hypot(o.x - h.x, o.y - h.y) } }
            var previous = try instance.model.evaluate(alpha: 1, beta: 0.5)
            for beta in [1.0, 1.5, 2, 3] {
                let next = try instance.model.evaluate(alpha: 1, beta: beta)
                for i in 0..<50 {
                    // Origins and hospitals are already in id order (O000…, H00…).
                    let nearest = distances[i].indices.min { distances[i][$0] < distances[i][$1] }!
                    #expect(next.probability(origin: i, destination: nearest) > previous.probability(origin: i, destination: nearest),
                            "\(decay) β \(beta) origin \(i)")
                }
                previous = next
            }
        }
    }

    /// Raising α raises the largest hospital's market share.
    @Test func raisingAlphaFavoursTheLargestHospital() throws {
        let instance = try HuffInstance(seed: 12, origins: 50, hospitals: 6)
        let largest = instance.model.destinations.indices.max {
            instance.model.destinations[$0].attractiveness < instance.model.destinations[$1].attractiveness
        }!
        var previous = -1.0
        for alpha in [0.0, 0.5, 1, 2, 4] {
            let share = try #require(try instance.model.evaluate(alpha: alpha, beta: 2).destinations[largest].marketShare)
            #expect(share > previous)
            previous = share
        }
    }

    /// A distance below the minimum counts as the minimum: the origin's own minimum when given,
    /// otherwise the model's.
    @Test func minimumDistanceReplacesShorterDistances() throws {
        let destinations = [HuffDestination(id: "a", attractiveness: 1), HuffDestination(id: "b", attractiveness: 1)]
        // Model minimum 0.5 km: d = (0, 1) acts as (0.5, 1) → P_a = 0.5⁻² / (0.5⁻² + 1) = 4/5.
        let byModel = try HuffModel(origins: [HuffOrigin(id: "o")], destinations: destinations, distancesKm: [[0, 1]])
        #expect(abs(try byModel.evaluate(alpha: 1, beta: 2).probability(origin: 0, destination: 0) - 0.8) < 1e-15)
        // Origin minimum 1 km (a 9π/4 km² area: (2/3)·√(A/π) = 1): (0, 1) acts as (1, 1) → ½.
        let byOrigin = try HuffModel(
            origins: [HuffOrigin(id: "o", minimumDistanceKm: 1)], destinations: destinations, distancesKm: [[0, 1]])
        #expect(abs(try byOrigin.evaluate(alpha: 1, beta: 2).probability(origin: 0, destination: 0) - 0.5) < 1e-15)
        // 0.2 km is below the minimum too: the same as 0.
        let near = try HuffModel(origins: [HuffOrigin(id: "o")], destinations: destinations, distancesKm: [[0.2, 1]])
        #expect(abs(try near.evaluate(alpha: 1, beta: 2).probability(origin: 0, destination: 0) - 0.8) < 1e-15)
    }

    /// Inputs in any order: the model sorts by id and permutes the matrix with them.
    @Test func inputOrderDoesNotMatter() throws {
        let model = try HuffModel(
            origins: [HuffOrigin(id: "z"), HuffOrigin(id: "a")],
            destinations: [HuffDestination(id: "q", attractiveness: 1), HuffDestination(id: "p", attractiveness: 3)],
            distancesKm: [[1, 10], [2, 3]])  // z→q 1, z→p 10, a→q 2, a→p 3
        #expect(model.origins.map(\.id) == ["a", "z"])
        #expect(model.destinations.map(\.id) == ["p", "q"])
        let r = try model.evaluate(alpha: 1, beta: 1)
        // a: p 3/3 = 1, q 1/2 → P(a, p) = 1 / 1.5 = 2/3.  z: p 3/10, q 1 → P(z, p) = 0.3 / 1.3.
        #expect(abs(r.probability(originID: "a", destinationID: "p")! - 2.0 / 3) < 1e-15)
        #expect(abs(r.probability(originID: "z", destinationID: "p")! - 0.3 / 1.3) < 1e-15)
    }

    @Test func invalidInputListsEveryProblem() throws {
        let error = #expect(throws: HuffError.self) {
            try HuffModel(
                origins: [HuffOrigin(id: "o", weight: -1), HuffOrigin(id: "o"), HuffOrigin(id: "p", minimumDistanceKm: 0)],
                destinations: [HuffDestination(id: "a", attractiveness: 0), HuffDestination(id: "b", attractiveness: .nan)],
                distancesKm: [[1, -2], [1, .infinity], [1]],
                minimumDistanceKm: 0)
        }
        #expect(error == .invalidInput([
            "minimum distance 0.0 km must be finite and > 0",
            "origin id 'o' appears more than once",
            "origin 'o': weight -1.0 must be finite and ≥ 0",
            "origin 'p': minimum distance 0.0 km must be finite and > 0",
            "destination 'a': attractiveness 0.0 must be finite and > 0",
            "destination 'b': attractiveness nan must be finite and > 0",
            "distance row of origin 'p' has 1 values for 2 destinations",
            "2 distances not finite and ≥ 0: o → b: -2.0, o → b: inf",
        ]))
        #expect(throws: HuffError.invalidInput(["α = -1.0 must be finite and ≥ 0", "β = nan must be finite and ≥ 0"])) {
            try HuffModel(origins: [HuffOrigin(id: "o")], destinations: [HuffDestination(id: "a", attractiveness: 1)],
                          distancesKm: [[1]]).evaluate(alpha: -1, beta: .nan)
        }
    }

    // MARK: Fit

    /// With exact expected counts nᵢ = κ·wᵢ·Pᵢₐ(1, 2), every residual nᵢ − μᵢ is 0 at the true
    /// parameters, so the gradient vanishes there: (1, 2) is the exact maximiser and only the
    /// optimiser's stopping rule (gradient ≤ 10⁻⁶·N, i.e. |θ̂ − θ| ~ 10⁻⁶ / Var(u) for a curvature of
    /// N·Var(u)) separates the estimate from it — 10⁻⁴ leaves two orders of margin.
    @Test func fitRecoversParametersFromExactExpectedCounts() throws {
        let instance = try HuffInstance(seed: 42, origins: 200, hospitals: 10)
        let counts = try instance.expectedCounts(anchor: "H00", alpha: 1, beta: 2, total: 1500)
        let fit = try instance.model.fit(anchorID: "H00", observedPatients: counts)
        #expect(fit.status == .converged)
        #expect(abs(fit.alpha - 1) < 1e-4, "α̂ = \(fit.alpha)")
        #expect(abs(fit.beta - 2) < 1e-4, "β̂ = \(fit.beta)")
        #expect(!fit.alphaFixed && !fit.alphaAtBound && !fit.betaAtBound)
        #expect(abs(fit.patients - 1500) < 1e-9)
        #expect(fit.origins == 200 && fit.originsWithPatients == 200)
        // κ̂ = N / Σ wᵢ·Pᵢₐ at the true parameters.
        let r = try instance.model.evaluate(alpha: 1, beta: 2)
        #expect(relativeDifference(fit.kappa, 1500 / r.destinations[0].expectedPatients) < 1e-4)
        #expect(fit.logLikelihood > fit.nullLogLikelihood)
        #expect(fit.mcFaddenR2 > 0 && fit.mcFaddenR2 < 1)
        #expect(fit.standardErrorAlpha.map { $0 > 0 } == true && fit.standardErrorBeta.map { $0 > 0 } == true)
        #expect(fit.correlationAlphaBeta.map { abs($0) < 1 } == true)
        #expect(fit.iterations > 0 && fit.evaluations > fit.iterations)
        #expect(fit.warnings.isEmpty)
    }

    @Test func fitRecoversExponentialDecay() throws {
        let instance = try HuffInstance(seed: 43, origins: 200, hospitals: 10, decay: .exponential)
        let counts = try instance.expectedCounts(anchor: "H03", alpha: 1.5, beta: 0.3, total: 800)
        let fit = try instance.model.fit(anchorID: "H03", observedPatients: counts)
        #expect(fit.status == .converged)
        #expect(abs(fit.alpha - 1.5) < 1e-4, "α̂ = \(fit.alpha)")
        #expect(abs(fit.beta - 0.3) < 1e-4, "β̂ = \(fit.beta)")
        #expect(fit.decay == .exponential)
    }

    @Test func fitWithFixedAlpha() throws {
        let instance = try HuffInstance(seed: 44, origins: 200, hospitals: 10)
        let counts = try instance.expectedCounts(anchor: "H00", alpha: 1, beta: 2, total: 1500)
        let fit = try instance.model.fit(anchorID: "H00", observedPatients: counts, options: HuffFitOptions(fixedAlpha: 1))
        #expect(fit.status == .converged)
        #expect(fit.alphaFixed && fit.alpha == 1)
        #expect(abs(fit.beta - 2) < 1e-4, "β̂ = \(fit.beta)")
        #expect(fit.standardErrorAlpha == nil && fit.correlationAlphaBeta == nil)
        #expect(fit.standardErrorBeta.map { $0 > 0 } == true)
        // With the wrong α, β̂ moves and the fit is worse than the free fit.
        let wrong = try instance.model.fit(anchorID: "H00", observedPatients: counts, options: HuffFitOptions(fixedAlpha: 0))
        let free = try instance.model.fit(anchorID: "H00", observedPatients: counts)
        #expect(wrong.logLikelihood < free.logLikelihood - 1e-6)
        #expect(abs(wrong.beta - 2) > 1e-3)
    }

    /// Poisson-sampled counts: the estimates fall within 2 standard errors of the truth, and over
    /// 40 replicates the standard errors match the spread of the estimates (the coverage of
    /// ±2 SE is 95 % in theory; ≥ 85 % is 3 binomial standard deviations below it).
    @Test func fitOnPoissonCountsIsWithinTwoStandardErrors() throws {
        let instance = try HuffInstance(seed: 45, origins: 200, hospitals: 10)
        let means = try instance.expectedCounts(anchor: "H00", alpha: 1, beta: 2, total: 1500)
        var rng = SplitMix64(state: 2024)
        var betas: [Double] = [], ses: [Double] = [], covered = 0
        let replicates = 40
        for replicate in 0..<replicates {
            let counts = poissonCounts(means, &rng)
            let fit = try instance.model.fit(anchorID: "H00", observedPatients: counts)
            #expect(fit.status == .converged)
            let seBeta = try #require(fit.standardErrorBeta)
            let seAlpha = try #require(fit.standardErrorAlpha)
            if replicate == 0 {
                #expect(abs(fit.beta - 2) < 2 * seBeta, "β̂ = \(fit.beta) ± \(seBeta)")
                #expect(abs(fit.alpha - 1) < 2 * seAlpha, "α̂ = \(fit.alpha) ± \(seAlpha)")
            }
            betas.append(fit.beta)
            ses.append(seBeta)
            if abs(fit.beta - 2) < 2 * seBeta { covered += 1 }
        }
        let mean = betas.reduce(0, +) / Double(replicates)
        let sd = (betas.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replicates - 1)).squareRoot()
        let meanSE = ses.reduce(0, +) / Double(replicates)
        #expect(Double(covered) / Double(replicates) >= 0.85, "coverage \(covered)/\(replicates)")
        #expect(sd / meanSE > 0.7 && sd / meanSE < 1.4, "sd \(sd) vs mean SE \(meanSE)")
        #expect(abs(mean - 2) < 3 * meanSE / Double(replicates).squareRoot() + 0.01, "mean β̂ \(mean)")
    }

    /// The bound is reported when the maximum lies outside the box.
    @Test func fitStopsAtABound() throws {
        let instance = try HuffInstance(seed: 46, origins: 200, hospitals: 10)
        let counts = try instance.expectedCounts(anchor: "H00", alpha: 1, beta: 2, total: 1500)
        // α held below its true value: α̂ on the bound, β̂ interior with a standard error.
        let alphaCapped = try instance.model.fit(anchorID: "H00", observedPatients: counts, options: HuffFitOptions(alphaBounds: 0...0.5))
        #expect(alphaCapped.status == .convergedAtBound)
        #expect(alphaCapped.alphaAtBound && alphaCapped.alpha == 0.5 && !alphaCapped.betaAtBound)
        #expect(alphaCapped.standardErrorAlpha == nil && alphaCapped.standardErrorBeta != nil)
        // β held below its true value: α̂ and β̂ are positively correlated here (≈ 0.7 in the free
        // fit), and α̂ follows β̂ down to its own lower bound.
        let betaCapped = try instance.model.fit(anchorID: "H00", observedPatients: counts, options: HuffFitOptions(betaBounds: 0...1))
        #expect(betaCapped.status == .convergedAtBound)
        #expect(betaCapped.betaAtBound && betaCapped.beta == 1)
        #expect(betaCapped.alphaAtBound && betaCapped.alpha == 0)
        #expect(betaCapped.standardErrorBeta == nil && betaCapped.standardErrorAlpha == nil)
        #expect(betaCapped.logLikelihood < alphaCapped.logLikelihood)
    }

    /// The analytic gradient against central differences of ℓₚ, the null model against ℓₚ at
    /// β = 0, and the Hessian behind the standard errors against second differences of ℓₚ.
    @Test func likelihoodGradientAndNullModel() throws {
        let instance = try HuffInstance(seed: 47, origins: 80, hospitals: 7, decay: .power)
        var rng = SplitMix64(state: 9)
        let counts = try instance.expectedCounts(anchor: "H02", alpha: 0.8, beta: 1.7, total: 600).sampled(&rng)
        let anchor = try #require(instance.model.destinationIndex("H02"))
        let l = HuffLikelihood(model: instance.model, anchor: anchor, observed: counts)
        for (a, b) in [(0.3, 0.5), (1.0, 2.0), (2.5, 4.0)] {
            let g = l.gradient(alpha: a, beta: b)
            let h = 1e-5
            let da = (l.value(alpha: a + h, beta: b) - l.value(alpha: a - h, beta: b)) / (2 * h)
            let db = (l.value(alpha: a, beta: b + h) - l.value(alpha: a, beta: b - h)) / (2 * h)
            #expect(abs(g.alpha - da) < 1e-5 * max(1, abs(da)), "∂α at (\(a), \(b)): \(g.alpha) vs \(da)")
            #expect(abs(g.beta - db) < 1e-5 * max(1, abs(db)), "∂β at (\(a), \(b)): \(g.beta) vs \(db)")
        }
        // β = 0: ℓₚ equals ℓ₀ whatever α.
        for a in [0.0, 1, 3] { #expect(abs(l.value(alpha: a, beta: 0) - l.nullValue) < 1e-9 * abs(l.nullValue)) }
        // ℓ₀ by hand: Σ nᵢ log(N wᵢ / W) − N − Σ log nᵢ!.
        let n = l.totalPatients, w = instance.model.origins.reduce(0) { $0 + $1.weight }
        var byHand = -n
        for o in instance.model.origins {
            let ni = counts[o.id] ?? 0
            if ni > 0 { byHand += ni * log(n * o.weight / w) - lgamma(ni + 1) }
        }
        #expect(abs(byHand - l.nullValue) < 1e-9 * abs(byHand))
        #expect(try instance.model.profileLogLikelihood(anchorID: "H02", observedPatients: counts, alpha: 1, beta: 0) == l.value(alpha: 1, beta: 0))
        // Standard errors: (−H)⁻¹ from second differences of ℓₚ itself.
        let fit = try instance.model.fit(anchorID: "H02", observedPatients: counts)
        let (a, b, s) = (fit.alpha, fit.beta, 1e-3)
        let f = { (x: Double, y: Double) in l.value(alpha: x, beta: y) }
        let haa = (f(a + s, b) - 2 * f(a, b) + f(a - s, b)) / (s * s)
        let hbb = (f(a, b + s) - 2 * f(a, b) + f(a, b - s)) / (s * s)
        let hab = (f(a + s, b + s) - f(a + s, b - s) - f(a - s, b + s) + f(a - s, b - s)) / (4 * s * s)
        let det = haa * hbb - hab * hab
        #expect(relativeDifference(fit.standardErrorAlpha!, (-hbb / det).squareRoot()) < 1e-3)
        #expect(relativeDifference(fit.standardErrorBeta!, (-haa / det).squareRoot()) < 1e-3)
        #expect(abs(fit.correlationAlphaBeta! - hab / (haa * hbb).squareRoot()) < 1e-3)
    }

    /// The same data give the same fit, bit for bit.
    @Test func fitIsDeterministic() throws {
        let instance = try HuffInstance(seed: 48, origins: 100, hospitals: 8)
        var rng = SplitMix64(state: 5)
        let counts = try instance.expectedCounts(anchor: "H01", alpha: 1, beta: 2, total: 500).sampled(&rng)
        let first = try instance.model.fit(anchorID: "H01", observedPatients: counts)
        let second = try instance.model.fit(anchorID: "H01", observedPatients: counts)
        #expect(first == second)
    }

    @Test func degenerateFitsGiveClearErrors() throws {
        let instance = try HuffInstance(seed: 49, origins: 30, hospitals: 4)
        let ids = instance.model.origins.map(\.id)
        let zeros = Dictionary(uniqueKeysWithValues: ids.map { ($0, 0.0) })
        #expect(throws: HuffError.noObservedPatients) {
            try instance.model.fit(anchorID: "H00", observedPatients: zeros)
        }
        #expect(throws: HuffError.noObservedPatients) {
            try instance.model.fit(anchorID: "H00", observedPatients: [:])
        }
        #expect(throws: HuffError.unknownDestination("H99")) {
            try instance.model.fit(anchorID: "H99", observedPatients: ["O000": 3])
        }
        #expect(throws: HuffError.unknownOrigins(["X1", "X2"])) {
            try instance.model.fit(anchorID: "H00", observedPatients: ["X2": 3, "O000": 1, "X1": 1])
        }
        #expect(throws: HuffError.invalidInput(["1 observed count not finite and ≥ 0: O001: -2.0"])) {
            try instance.model.fit(anchorID: "H00", observedPatients: ["O000": 3, "O001": -2])
        }

        // One origin: κ, α and β and a degree of freedom need 4.
        let one = try HuffModel(
            origins: [HuffOrigin(id: "o", weight: 100)],
            destinations: [HuffDestination(id: "a", attractiveness: 10), HuffDestination(id: "b", attractiveness: 20)],
            distancesKm: [[1, 2]])
        #expect(throws: HuffError.tooFewOrigins(found: 1, required: 4)) {
            try one.fit(anchorID: "a", observedPatients: ["o": 12])
        }
        #expect(throws: HuffError.tooFewOrigins(found: 1, required: 3)) {
            try one.fit(anchorID: "a", observedPatients: ["o": 12], options: HuffFitOptions(fixedAlpha: 1))
        }
        #expect(HuffError.tooFewOrigins(found: 1, required: 4).description
                == "only 1 origin with a positive potential; the fit needs at least 4")

        // Patients where the potential is zero.
        let zeroWeight = try HuffModel(
            origins: ["o1", "o2", "o3", "o4", "o5"].map { HuffOrigin(id: $0, weight: $0 == "o2" ? 0 : 10) },
            destinations: [HuffDestination(id: "a", attractiveness: 10), HuffDestination(id: "b", attractiveness: 20)],
            distancesKm: [[1, 2], [2, 1], [1, 3], [3, 1], [2, 2]])
        #expect(throws: HuffError.patientsWithoutPotential(["o2"])) {
            try zeroWeight.fit(anchorID: "a", observedPatients: ["o1": 4, "o2": 1])
        }

        // One destination: every probability is 1.
        let single = try HuffModel(
            origins: (1...5).map { HuffOrigin(id: "o\($0)") }, destinations: [HuffDestination(id: "a", attractiveness: 1)],
            distancesKm: (1...5).map { [Double($0)] })
        #expect(throws: HuffError.tooFewDestinations(1)) {
            try single.fit(anchorID: "a", observedPatients: ["o1": 1])
        }

        // Equal attractiveness: α has no effect; fixing it makes the fit possible.
        let equal = try HuffModel(
            origins: (1...6).map { HuffOrigin(id: "o\($0)", weight: 100) },
            destinations: [HuffDestination(id: "a", attractiveness: 5), HuffDestination(id: "b", attractiveness: 5)],
            distancesKm: (1...6).map { [Double($0), 7 - Double($0)] })
        let counts = ["o1": 40.0, "o2": 25, "o3": 14, "o4": 9, "o5": 4, "o6": 2]
        #expect(throws: HuffError.alphaNotIdentifiable) {
            try equal.fit(anchorID: "a", observedPatients: counts)
        }
        let fixed = try equal.fit(anchorID: "a", observedPatients: counts, options: HuffFitOptions(fixedAlpha: 1))
        #expect(fixed.status == .converged && fixed.beta > 0)
    }
}
