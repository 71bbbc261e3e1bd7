import ArgumentParser
import CareAtlas
import CarePoints
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


    /// The library's settings from the options.
    var settings: FloatingCatchmentSettings {
        FloatingCatchmentSettings(method: method, threshold: threshold, sigma: sigma, weights: weights, beta: beta,
                                  minDistance: minDistance, normalize: normalize)
    }

    /// The method's model (the rules are the library's, ``FloatingCatchmentSettings``), or a
    /// ValidationError saying which option is wrong or missing.
    func model(defaultMethod: FloatingCatchmentMethod? = nil, defaultThreshold: Double? = nil) throws -> FloatingCatchmentModel {
        do { return try settings.model(defaultMethod: defaultMethod, defaultThreshold: defaultThreshold) } catch {
            throw ValidationError(error.description)
        }
    }
}

/// `5000`, not `5000.0`.
func formatOption(_ value: Double) -> String { FloatingCatchmentSettings.format(value) }
