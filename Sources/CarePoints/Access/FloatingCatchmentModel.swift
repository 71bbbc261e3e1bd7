/// The floating-catchment methods, named as on the command line.
public enum FloatingCatchmentMethod: String, CaseIterable, Sendable {
    /// Two-step floating catchment area, no distance decay (Luo & Wang 2003).
    case twoStep = "2sfca"
    /// Enhanced 2SFCA: step weights by distance band (Luo & Qi 2009).
    case enhancedTwoStep = "e2sfca"
    /// 2SFCA with Gaussian decay (Dai 2010; PySAL `weights.gaussian`).
    case gaussian
    /// 2SFCA with gravity (inverse power) decay (PySAL `weights.gravity`).
    case gravity
    /// Three-step floating catchment area: selection weights among the supplies in reach
    /// (Wan, Zou & Sternberg 2012).
    case threeStep = "3sfca"
}

/// A floating-catchment method with its parameters, checked: the number of stages, the decay
/// function f and the catchment threshold d0.
///
/// Build it with the method's factory (``twoStep(maximumCost:)``, ``enhancedTwoStep(bands:)``,
/// ``gaussian(maximumCost:sigma:)``, ``gravity(maximumCost:beta:minimumCost:)``,
/// ``threeStep(maximumCost:decay:)``) or with ``init(stages:decay:maximumCost:)``.
public struct FloatingCatchmentModel: Hashable, Sendable, CustomStringConvertible {
    /// Two stages (2SFCA and its weighted variants) or three (3SFCA).
    public enum Stages: Hashable, Sendable {
        case two
        case three
    }

    /// Two or three stages.
    public let stages: Stages
    /// The distance decay f.
    public let decay: DistanceDecay
    /// The threshold d0, in the cost's unit (metres for Euclidean costs): pairs with c_ij ≤ d0
    /// are in each other's catchment.
    public let maximumCost: Double

    /// - Throws: ``AccessError`` `.invalidParameter` when `maximumCost` is not a finite number > 0
    ///   or the decay's parameters are invalid (see ``DistanceDecay/validate()``); every problem is
    ///   reported.
    public init(stages: Stages, decay: DistanceDecay, maximumCost: Double) throws(AccessError) {
        var problems = AccessProblems()
        if !(maximumCost.isFinite && maximumCost > 0) {
            problems.add(.invalidParameter, "the threshold must be a finite number > 0, got \(maximumCost)",
                         fix: "give the catchment size in the cost's unit, e.g. 5000 for 5 km")
        }
        do { try decay.validate() } catch { problems.add(contentsOf: error) }
        try problems.throwIfAny()
        self.stages = stages
        self.decay = decay
        self.maximumCost = maximumCost
    }

    /// 2SFCA (Luo & Wang 2003): f(c) = 1 within d0.
    public static func twoStep(maximumCost: Double) throws(AccessError) -> FloatingCatchmentModel {
        try FloatingCatchmentModel(stages: .two, decay: .uniform, maximumCost: maximumCost)
    }

    /// E2SFCA (Luo & Qi 2009): f(c) = W_r in band r; d0 is the last band's limit.
    public static func enhancedTwoStep(bands: [DistanceBand]) throws(AccessError) -> FloatingCatchmentModel {
        try FloatingCatchmentModel(stages: .two, decay: .steps(bands), maximumCost: bands.last?.upperLimit ?? .nan)
    }

    /// 2SFCA with Gaussian decay f(c) = exp(−c² / (2σ²)) within d0 (PySAL `weights.gaussian`).
    public static func gaussian(maximumCost: Double, sigma: Double) throws(AccessError) -> FloatingCatchmentModel {
        try FloatingCatchmentModel(stages: .two, decay: .gaussian(sigma: sigma), maximumCost: maximumCost)
    }

    /// 2SFCA with gravity decay f(c) = max(c, c_min)^(−β) within d0 (PySAL `weights.gravity`).
    public static func gravity(maximumCost: Double, beta: Double, minimumCost: Double = 0) throws(AccessError)
        -> FloatingCatchmentModel
    {
        try FloatingCatchmentModel(stages: .two, decay: .gravity(beta: beta, minimumCost: minimumCost), maximumCost: maximumCost)
    }

    /// 3SFCA (Wan, Zou & Sternberg 2012) with decay f within d0.
    public static func threeStep(maximumCost: Double, decay: DistanceDecay) throws(AccessError) -> FloatingCatchmentModel {
        try FloatingCatchmentModel(stages: .three, decay: decay, maximumCost: maximumCost)
    }

    /// The E2SFCA bands PySAL uses when none are given — `step_fn({10: 1, 20: 0.68, 30: 0.22})`
    /// for 30 minutes, after Luo & Qi (2009) — scaled so that the last limit is `maximumCost`:
    /// limits d0/3, 2d0/3, d0.
    public static func defaultEnhancedBands(maximumCost: Double) -> [DistanceBand] {
        [DistanceBand(upperLimit: maximumCost / 3, weight: 1),
         DistanceBand(upperLimit: maximumCost * 2 / 3, weight: 0.68),
         DistanceBand(upperLimit: maximumCost, weight: 0.22)]
    }

    /// The 3SFCA bands PySAL uses when none are given — `step_fn({10: 0.962, 20: 0.704, 30:
    /// 0.377, 60: 0.042})` for 60 minutes, Wan et al.'s (2012) Gaussian weights — scaled so that
    /// the last limit is `maximumCost`: limits d0/6, d0/3, d0/2, d0.
    public static func defaultThreeStepBands(maximumCost: Double) -> [DistanceBand] {
        [DistanceBand(upperLimit: maximumCost / 6, weight: 0.962),
         DistanceBand(upperLimit: maximumCost / 3, weight: 0.704),
         DistanceBand(upperLimit: maximumCost / 2, weight: 0.377),
         DistanceBand(upperLimit: maximumCost, weight: 0.042)]
    }

    /// The command-line name of the method this model is an instance of.
    public var method: FloatingCatchmentMethod {
        switch (stages, decay) {
        case (.three, _): return .threeStep
        case (.two, .uniform): return .twoStep
        case (.two, .steps): return .enhancedTwoStep
        case (.two, .gaussian): return .gaussian
        case (.two, .gravity): return .gravity
        }
    }

    /// `2sfca d0=5000 uniform`
    public var description: String { "\(method.rawValue) d0=\(formatNumber(maximumCost)) \(decay)" }
}
