/// The floating-catchment settings a caller gives (the command line's `--method`, `--threshold`,
/// `--sigma`, `--weights`, `--beta`, `--min-distance`), and the rules that turn them into a
/// ``FloatingCatchmentModel``:
///
/// - the catchment size d₀ is `threshold`, or, with `weights`, the last band's limit (a
///   `threshold` that differs from it is refused);
/// - `e2sfca` without weights uses 1, 0.68, 0.22 up to d₀/3, 2d₀/3, d₀ (Luo & Qi 2009);
///   `3sfca` without weights or σ uses 0.962, 0.704, 0.377, 0.042 up to d₀/6, d₀/3, d₀/2, d₀
///   (Wan et al. 2012);
/// - `sigma` applies to `gaussian` and `3sfca`, `weights` to `e2sfca` and `3sfca` (not both),
///   `beta` and `minDistance` to `gravity`;
/// - `gaps` defaults to `2sfca` with d₀ = 5,000 m (``gapDefaults``).
///
/// Messages name the command-line options, since that is where most settings come from.
public struct FloatingCatchmentSettings: Sendable, Hashable {
    public var method: FloatingCatchmentMethod?
    /// d₀ in metres (or in the cost unit of a cost table).
    public var threshold: Double?
    public var sigma: Double?
    /// Step weights as text, `limit:weight,…` with increasing limits.
    public var weights: String?
    public var beta: Double?
    public var minDistance: Double?
    public var normalize = false

    public init(method: FloatingCatchmentMethod? = nil, threshold: Double? = nil, sigma: Double? = nil, weights: String? = nil,
                beta: Double? = nil, minDistance: Double? = nil, normalize: Bool = false) {
        self.method = method
        self.threshold = threshold
        self.sigma = sigma
        self.weights = weights
        self.beta = beta
        self.minDistance = minDistance
        self.normalize = normalize
    }

    /// A setting that is wrong or missing, in one sentence naming the option and the fix.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The defaults of the `gaps` command: `2sfca`, d₀ = 5,000 m.
    public static let gapDefaults = (method: FloatingCatchmentMethod.twoStep, threshold: 5000.0)

    /// The method's model, or the ``Problem`` with the first wrong or missing setting.
    public func model(defaultMethod: FloatingCatchmentMethod? = nil, defaultThreshold: Double? = nil) throws(Problem) -> FloatingCatchmentModel {
        guard let method = method ?? defaultMethod else {
            throw Problem("give --method 2sfca|e2sfca|gaussian|gravity|3sfca")
        }
        let threshold = self.threshold ?? (weights == nil ? defaultThreshold : nil)
        let name = method.rawValue
        func reject(_ option: String, unless allowed: [FloatingCatchmentMethod]) throws(Problem) {
            guard !allowed.contains(method) else { return }
            let list = allowed.map { "--method \($0.rawValue)" }.joined(separator: " or ")
            throw Problem("\(option) applies to \(list), not to --method \(name); remove it or change the method")
        }
        if sigma != nil { try reject("--sigma", unless: [.gaussian, .threeStep]) }
        if weights != nil { try reject("--weights", unless: [.enhancedTwoStep, .threeStep]) }
        if beta != nil { try reject("--beta", unless: [.gravity]) }
        if minDistance != nil { try reject("--min-distance", unless: [.gravity]) }
        if sigma != nil && weights != nil {
            throw Problem("give --sigma (Gaussian decay) or --weights (step decay) for --method 3sfca, not both")
        }
        if let threshold, !(threshold.isFinite && threshold > 0) {
            throw Problem("--threshold must be a number of metres > 0, got \(threshold)")
        }
        if let sigma, !(sigma.isFinite && sigma > 0) {
            throw Problem("--sigma must be a number of metres > 0, got \(sigma)")
        }
        if let beta, !(beta.isFinite && beta >= 0) {
            throw Problem("--beta must be a number ≥ 0 (e.g. 1 or 2), got \(beta)")
        }
        if let minDistance, !(minDistance.isFinite && minDistance >= 0) {
            throw Problem("--min-distance must be a number of metres ≥ 0, got \(minDistance)")
        }
        var bands: [DistanceBand]?
        if let weights {
            do {
                bands = try DistanceDecay.parseBands(weights)
            } catch {
                throw Problem("--weights \"\(weights)\": " + error.problems.map(\.description).joined(separator: "; "))
            }
        }
        let maximumCost: Double
        if let bands, let last = bands.last?.upperLimit {
            if let threshold, threshold != last {
                throw Problem(
                    "--threshold \(Self.format(threshold)) differs from the last --weights limit \(Self.format(last)): the catchment ends at the last band; leave out --threshold or make it \(Self.format(last))")
            }
            maximumCost = last
        } else if let threshold {
            maximumCost = threshold
        } else {
            throw Problem("--method \(name) needs --threshold METRES, the catchment size (e.g. --threshold 5000)")
        }
        do {
            switch method {
            case .twoStep:
                return try .twoStep(maximumCost: maximumCost)
            case .enhancedTwoStep:
                return try .enhancedTwoStep(bands: bands ?? FloatingCatchmentModel.defaultEnhancedBands(maximumCost: maximumCost))
            case .gaussian:
                guard let sigma else {
                    throw Problem(
                        "--method gaussian needs --sigma METRES, the width of f(c) = exp(-c²/(2σ²)) (e.g. --sigma \(Self.format(maximumCost / 2)) for --threshold \(Self.format(maximumCost)))")
                }
                return try .gaussian(maximumCost: maximumCost, sigma: sigma)
            case .gravity:
                guard let beta else {
                    throw Problem("--method gravity needs --beta, the exponent of f(c) = c^(-β) (e.g. --beta 1)")
                }
                return try .gravity(maximumCost: maximumCost, beta: beta, minimumCost: minDistance ?? 0)
            case .threeStep:
                let decay: DistanceDecay =
                    sigma.map { .gaussian(sigma: $0) }
                    ?? .steps(bands ?? FloatingCatchmentModel.defaultThreeStepBands(maximumCost: maximumCost))
                return try .threeStep(maximumCost: maximumCost, decay: decay)
            }
        } catch let error as Problem {
            throw error
        } catch let error as AccessError {
            throw Problem(error.problems.map(\.description).joined(separator: "; "))
        } catch {
            throw Problem("\(error)")
        }
    }

    /// `5000`, not `5000.0`.
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
