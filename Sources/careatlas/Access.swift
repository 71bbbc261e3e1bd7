import ArgumentParser
import CareAtlas
import CareFormats
import CareGeometry
import Foundation

extension FloatingCatchmentMethod: ExpressibleByArgument {}

struct Access: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score spatial accessibility with the floating-catchment family (2SFCA, E2SFCA, Gaussian, gravity, 3SFCA).",
        discussion: """
            Point mode reads --demand D.csv (id,x,y,population) and --supply S.csv
            (id,x,y,capacity), positions in projected metres, or longitude/latitude
            with --crs EPSG:4326 (projected to the JGD2011 or UTM zone of the extent).
            Costs are straight-line metres (× --detour-factor), or come from
            --cost-matrix OD.csv (origin,destination,cost: demand id, supply id).
            --out SCORES.csv gets id,score: one row per demand point in input order,
            17 significant digits, nan where no supply is in reach. stdout gets one
            line: scored=<n> pairs=<m> undefined=<k>.

            Methods, as PySAL access computes them, over pairs with cost c ≤ d0:
              2sfca     R_j = S_j / Σ P_i;  A_i = Σ R_j  (Luo & Wang 2003)
              e2sfca    R_j = S_j / Σ P_i f(c);  A_i = Σ R_j f(c), f = step weights
                        --weights 1000:1,2000:0.68,3000:0.22, d0 = the last limit;
                        default 1, 0.68, 0.22 up to d0/3, 2d0/3, d0 (Luo & Qi 2009)
              gaussian  f(c) = exp(-c²/(2σ²)), --sigma σ (PySAL weights.gaussian)
              gravity   f(c) = max(c, --min-distance)^(-β), --beta β
              3sfca     G_ij = f_ij / Σ_k f_ik shares demand among the supplies in
                        reach (Wan et al. 2012); f from --weights or --sigma, default
                        0.962, 0.704, 0.377, 0.042 up to d0/6, d0/3, d0/2, d0
            --normalize divides scores by their population-weighted mean.
            """)

    // Study mode (careatlas access STUDY --out DIR) arrives with the catchment issue; point mode
    // is selected by --demand.
    @Argument(help: "A study file (study mode, not available yet). Leave out for point mode with --demand and --supply.")
    var study: String?

    @Option(help: ArgumentHelp("Demand points: CSV with id,x,y,population.", valueName: "D.csv"))
    var demand: String?

    @Option(help: ArgumentHelp("Supply points: CSV with id,x,y,capacity.", valueName: "S.csv"))
    var supply: String?

    @Option(help: "The floating-catchment method.")
    var method: FloatingCatchmentMethod

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

    @Option(name: .customLong("detour-factor"),
            help: ArgumentHelp("Multiplies straight-line distances, e.g. 1.3 for roads (≥ 1; default 1).", valueName: "FACTOR"))
    var detourFactor: Double?

    @Option(name: .customLong("cost-matrix"),
            help: ArgumentHelp("Origin–destination costs: CSV with origin,destination,cost; pairs not listed are out of reach.",
                               valueName: "OD.csv"))
    var costMatrix: String?

    @Option(help: ArgumentHelp("CRS of the positions, e.g. EPSG:4326 for longitude/latitude (default: projected metres).",
                               valueName: "EPSG:…"))
    var crs: String?

    @Flag(help: "Divide scores by their population-weighted mean (PySAL normalize=True).")
    var normalize = false

    @Option(help: ArgumentHelp("Where to write the scores (written atomically).", valueName: "SCORES.csv"))
    var out: String

    @Flag(name: [.short, .long], help: "No progress messages on stderr.")
    var quiet = false

    func validate() throws {
        if let study {
            guard demand == nil, supply == nil, costMatrix == nil else {
                throw ValidationError("give either a STUDY file or --demand and --supply, not both")
            }
            try validateInputFile(study, what: "study file")
            return
        }
        guard let demand, let supply else {
            throw ValidationError("point mode needs --demand D.csv and --supply S.csv (or give a STUDY file)")
        }
        try validateInputFile(demand, what: "--demand")
        try validateInputFile(supply, what: "--supply")
        if let costMatrix { try validateInputFile(costMatrix, what: "--cost-matrix") }
        try validateOutputFolder()
        if let crs {
            do { _ = try CRS(parsing: crs) } catch { throw ValidationError("--crs: \(error)") }
        }
        if let detourFactor {
            guard costMatrix == nil else {
                throw ValidationError("--detour-factor applies to straight-line costs; with --cost-matrix the table gives the costs")
            }
            guard detourFactor.isFinite, detourFactor >= 1 else {
                throw ValidationError("--detour-factor must be a number ≥ 1 (e.g. 1.3), got \(detourFactor)")
            }
        }
        _ = try model()
    }

    /// The folder that will hold --out must exist.
    private func validateOutputFolder() throws {
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out \(out): the folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--out \(out) is a folder; give a file name such as scores.csv")
        }
    }

    /// The method's model from the options, or a ValidationError saying which option is wrong or
    /// missing.
    func model() throws -> FloatingCatchmentModel {
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

    func run() throws {
        if let study {
            try runStudyAccess(study: study, out: out, method: method, threshold: threshold, sigma: sigma, weights: weights,
                               beta: beta, minDistance: minDistance, normalize: normalize, quiet: quiet)
            return
        }
        guard let demand, let supply else { throw ValidationError("point mode needs --demand and --supply") }
        let terminal = Terminal(quiet: quiet)
        let model = try model()
        do {
            terminal.progress("reading \(demand) and \(supply)")
            var demandPoints = try AccessInput.readDemand(contentsOf: URL(fileURLWithPath: demand))
            var supplyPoints = try AccessInput.readSupply(contentsOf: URL(fileURLWithPath: supply))
            if let crs {
                let projected = try AccessInput.projectToMetric(demand: demandPoints, supply: supplyPoints, from: CRS(parsing: crs))
                demandPoints = projected.demand
                supplyPoints = projected.supply
                if let choice = projected.choice { terminal.progress("projected \(crs) to \(choice.reason)") }
            } else if costMatrix == nil {
                warnIfLonLat(demandPoints.map(\.position) + supplyPoints.map(\.position), maximumCost: model.maximumCost)
            }
            let cost: AccessCost
            if let costMatrix {
                terminal.progress("reading \(costMatrix)")
                cost = .table(try CostTable(contentsOf: URL(fileURLWithPath: costMatrix)))
            } else {
                cost = .euclidean(detourFactor: detourFactor ?? 1)
            }
            terminal.progress("scoring \(demandPoints.count) demand and \(supplyPoints.count) supply points: \(model)")
            let scores = try FloatingCatchment.scores(
                demand: demandPoints, supply: supplyPoints, cost: cost, model: model, normalize: normalize)
            terminal.progress(
                "\(scores.pairCount) pairs; \(scores.demandWithoutSupply.count) demand points without supply in reach, \(scores.supplyWithoutDemand.count) supply points without demand")
            try AtomicFile.write(Data(scores.csv(ids: demandPoints.map(\.id)).utf8), to: URL(fileURLWithPath: out))
            terminal.progress("wrote \(out)")
            print("scored=\(scores.scores.count) pairs=\(scores.pairCount) undefined=\(scores.undefinedCount)")
        } catch let error as AccessError {
            Terminal.error("error: " + error.description.replacingOccurrences(of: "\n", with: "\nerror: "))
            throw ExitCode.failure
        } catch let error as FileWriteError {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        } catch let error as GeometryError {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
    }

    /// Positions that all fit in ±180, ±90 with a threshold of more than 360 "metres" are almost
    /// certainly degrees: say so (every pair would be in reach).
    private func warnIfLonLat(_ positions: [Coordinate], maximumCost: Double) {
        guard maximumCost > 360, !positions.isEmpty,
            positions.allSatisfy({ abs($0.x) <= 180 && abs($0.y) <= 90 })
        else { return }
        Terminal.error(
            "warning: the positions look like longitude/latitude degrees but --threshold is \(formatOption(maximumCost)) metres; give --crs EPSG:4326 (or the data's CRS) to project them")
    }
}

/// `5000`, not `5000.0`.
private func formatOption(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}

// MARK: - Study mode

/// STUB — study mode (`careatlas access STUDY --out DIR`) arrives with the catchment issue; the
/// lead engineer replaces this function. Point mode does not call it.
func runStudyAccess(
    study: String, out: String, method: FloatingCatchmentMethod, threshold: Double?, sigma: Double?, weights: String?,
    beta: Double?, minDistance: Double?, normalize: Bool, quiet: Bool
) throws {
    throw ValidationError("study mode arrives with the catchment issue")
}
