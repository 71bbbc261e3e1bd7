import ArgumentParser
import CareAtlas
import Foundation

extension FloatingCatchmentMethod: ExpressibleByArgument {}

/// The floating-catchment options shared by `access` and `gaps`.
struct FloatingCatchmentOptions: ParsableArguments {
    @Option(help: "The floating-catchment method.")
    var method: FloatingCatchmentMethod?

    @Option(help: ArgumentHelp(
        "Catchment size d0 in metres (in the cost unit with --cost-matrix); with --weights it defaults to the last limit.",
        valueName: "METRES"))
    var threshold: Double?

    @Option(help: ArgumentHelp("Width σ of the Gaussian decay (gaussian, 3sfca).", valueName: "METRES"))
    var sigma: Double?

    @Option(help: ArgumentHelp("Step weights by band, limit:weight with increasing limits (e2sfca, 3sfca).",
                               valueName: "1000:1,2000:0.68,3000:0.22"))
    var weights: String?

    @Option(help: ArgumentHelp("Exponent β of the gravity decay f(c) = c^(-β) (gravity).", valueName: "β"))
    var beta: Double?

    @Option(name: .customLong("min-distance"),
            help: ArgumentHelp("Costs below this count as this in the gravity decay, so that f(0) stays finite (gravity; default 0, as PySAL).",
                               valueName: "METRES"))
    var minDistance: Double?

    @Flag(help: "Divide scores by their population-weighted mean (PySAL normalize=True).")
    var normalize = false


    /// The method's model from the options, or a ValidationError saying which option is wrong or
    /// missing.
    func model(defaultMethod: FloatingCatchmentMethod? = nil, defaultThreshold: Double? = nil) throws -> FloatingCatchmentModel {
        guard let method = method ?? defaultMethod else {
            throw ValidationError("give --method 2sfca|e2sfca|gaussian|gravity|3sfca")
        }
        let threshold = self.threshold ?? (weights == nil ? defaultThreshold : nil)
        let name = method.rawValue
        func reject(_ option: String, unless allowed: [FloatingCatchmentMethod]) throws {
            guard !allowed.contains(method) else { return }
            let list = allowed.map { "--method \($0.rawValue)" }.joined(separator: " or ")
            throw ValidationError("\(option) applies to \(list), not to --method \(name); remove it or change the method")
        }
        if sigma != nil { try reject("--sigma", unless: [.gaussian, .threeStep]) }
        if weights != nil { try reject("--weights", unless: [.enhancedTwoStep, .threeStep]) }
        if beta != nil { try reject("--beta", unless: [.gravity]) }
        if minDistance != nil { try reject("--min-distance", unless: [.gravity]) }
        if sigma != nil && weights != nil {
            throw ValidationError("give --sigma (Gaussian decay) or --weights (step decay) for --method 3sfca, not both")
        }
        if let threshold, !(threshold.isFinite && threshold > 0) {
            throw ValidationError("--threshold must be a number of metres > 0, got \(threshold)")
        }
        if let sigma, !(sigma.isFinite && sigma > 0) {
            throw ValidationError("--sigma must be a number of metres > 0, got \(sigma)")
        }
        if let beta, !(beta.isFinite && beta >= 0) {
            throw ValidationError("--beta must be a number ≥ 0 (e.g. 1 or 2), got \(beta)")
        }
        if let minDistance, !(minDistance.isFinite && minDistance >= 0) {
            throw ValidationError("--min-distance must be a number of metres ≥ 0, got \(minDistance)")
        }

        var bands: [DistanceBand]?
        if let weights {
            do {
                bands = try DistanceDecay.parseBands(weights)
            } catch {
                throw ValidationError("--weights \"\(weights)\": " + error.problems.map(\.description).joined(separator: "; "))
            }
        }
        let maximumCost: Double
        if let bands, let last = bands.last?.upperLimit {
            if let threshold, threshold != last {
                throw ValidationError(
                    "--threshold \(formatOption(threshold)) differs from the last --weights limit \(formatOption(last)): the catchment ends at the last band; leave out --threshold or make it \(formatOption(last))")
            }
            maximumCost = last
        } else if let threshold {
            maximumCost = threshold
        } else {
            throw ValidationError("--method \(name) needs --threshold METRES, the catchment size (e.g. --threshold 5000)")
        }

        do {
            switch method {
            case .twoStep:
                return try .twoStep(maximumCost: maximumCost)
            case .enhancedTwoStep:
                return try .enhancedTwoStep(bands: bands ?? FloatingCatchmentModel.defaultEnhancedBands(maximumCost: maximumCost))
            case .gaussian:
                guard let sigma else {
                    throw ValidationError(
                        "--method gaussian needs --sigma METRES, the width of f(c) = exp(-c²/(2σ²)) (e.g. --sigma \(formatOption(maximumCost / 2)) for --threshold \(formatOption(maximumCost)))")
                }
                return try .gaussian(maximumCost: maximumCost, sigma: sigma)
            case .gravity:
                guard let beta else {
                    throw ValidationError("--method gravity needs --beta, the exponent of f(c) = c^(-β) (e.g. --beta 1)")
                }
                return try .gravity(maximumCost: maximumCost, beta: beta, minimumCost: minDistance ?? 0)
            case .threeStep:
                let decay: DistanceDecay =
                    sigma.map { .gaussian(sigma: $0) }
                    ?? .steps(bands ?? FloatingCatchmentModel.defaultThreeStepBands(maximumCost: maximumCost))
                return try .threeStep(maximumCost: maximumCost, decay: decay)
            }
        } catch let error as AccessError {
            throw ValidationError(error.problems.map(\.description).joined(separator: "; "))
        }
    }

}

/// `5000`, not `5000.0`.
func formatOption(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}
