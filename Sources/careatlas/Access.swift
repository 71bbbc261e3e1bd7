import ArgumentParser
import CareAtlas
import CarePrivacy
import CareExport
import CareFormats
import CareGeometry
import CarePoints
import Foundation

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

            Study mode (careatlas access STUDY --out DIR): demand is each area's
            population measure (--demand-measure, default aged65) at its
            population-weighted centroid, supply the institutions of --kinds with
            the --capacity field; writes access_scores.csv and access_areas.geojson.
            Costs follow the study's cost: straight-line metres, or minutes with
            cost: network or cost: table (--threshold and --weights in minutes,
            pairs without a route out of reach). --cost-matrix OD.csv works here too:
            origin = area code, destination = institution id, cost in the table's
            unit (the threshold in the same unit).
            """)

    @Argument(help: "A study file (study mode). Leave out for point mode with --demand and --supply.")
    var study: String?

    @OptionGroup var studyOptions: StudyAccessOptions

    @Option(help: ArgumentHelp("Demand points: CSV with id,x,y,population.", valueName: "D.csv"))
    var demand: String?

    @Option(help: ArgumentHelp("Supply points: CSV with id,x,y,capacity.", valueName: "S.csv"))
    var supply: String?

    @OptionGroup var fca: FloatingCatchmentOptions

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

    @Option(help: ArgumentHelp("Where to write the scores (written atomically).", valueName: "SCORES.csv"))
    var out: String

    @Flag(name: [.short, .long], help: "No progress messages on stderr.")
    var quiet = false

    func validate() throws {
        guard fca.method != nil else { throw ValidationError("give --method 2sfca|e2sfca|gaussian|gravity|3sfca") }
        if let study {
            guard demand == nil, supply == nil, crs == nil else {
                throw ValidationError("give either a STUDY file or --demand and --supply, not both")
            }
            try validateInputFile(study, what: "study file")
            if let costMatrix {
                try validateInputFile(costMatrix, what: "--cost-matrix")
                guard detourFactor == nil else {
                    throw ValidationError("--detour-factor applies to straight-line costs; with --cost-matrix the table gives the costs")
                }
            }
            _ = try fca.model()
            return
        }
        guard studyOptions.kinds.isEmpty, studyOptions.capacity == nil else {
            throw ValidationError("--kinds and --capacity apply to study mode (careatlas access STUDY --out DIR)")
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
        _ = try fca.model()
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

    func run() throws {
        if let study {
            try runStudyAccess(study: study)
            return
        }
        guard let demand, let supply else { throw ValidationError("point mode needs --demand and --supply") }
        let terminal = Terminal(quiet: quiet)
        let model = try fca.model()
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
                warnIfLonLat(demandPoints.map(\.position) + supplyPoints.map(\.position), distance: model.maximumCost, option: "--threshold")
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
                demand: demandPoints, supply: supplyPoints, cost: cost, model: model, normalize: fca.normalize,
                progress: { terminal.progress($0) })
            terminal.progress(
                "\(scores.pairCount) pairs; \(scores.demandWithoutSupply.count) demand points without supply in reach, \(scores.supplyWithoutDemand.count) supply points without demand")
            try AtomicFile.write(Data(scores.csv(ids: demandPoints.map(\.id)).utf8), to: URL(fileURLWithPath: out))
            terminal.progress("wrote \(out)")
            print(PointReport.access(scores))
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
}


// MARK: - Study mode

extension Access {
    func runStudyAccess(study: String) throws {
        let terminal = Terminal(quiet: quiet)
        var options = StudyRun.Options()
        options.level = studyOptions.level
        options.access = studyOptions.settings(method: try fca.model(), detourFactor: detourFactor ?? 1, normalize: fca.normalize)
        options.access?.costMatrix = costMatrix.map { URL(fileURLWithPath: $0) }
        let run = try studyRun(study, options: options, policy: nil, terminal: terminal)
        // The study lacks the 65+ population the default demand measure needs: no scores, said so.
        if studyOptions.demandMeasure == nil, let reason = missingDataReason(run.access) {
            var folder = try OutputFolder(URL(fileURLWithPath: out), inputs: run.model.inputFiles)
            try NotAvailable.write("access", reason: reason, to: &folder)
            try folder.commit()
            print(NotAvailable.text("access", reason: reason))
            return
        }
        let result = try runAnalysis { try run.access?.get() }
        guard let result else { return }
        var folder = try OutputFolder(URL(fileURLWithPath: out), inputs: run.model.inputFiles)
        try AccessExport.write(model: run.model, access: result, policy: run.policy, to: &folder)
        let noData = result.status.filter { $0 == .noData }.count
        print(PointReport.access(result.scores) + " no_data=\(noData)")
        try folder.commit()
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}

/// Options of study-mode accessibility (`access STUDY`, `gaps STUDY`).
struct StudyAccessOptions: ParsableArguments {
    @Option(help: "Study mode: area level scored.")
    var level: AreaLevel = .municipality

    @Option(name: .customLong("demand-measure"), help: "Study mode: population measure of the demand (e.g. aged65, total; default aged65).")
    var demandMeasure: String?

    @Option(help: "Study mode: institution kinds that supply care, comma-separated (default: every kind with the capacity field).",
            transform: parseList)
    var kinds: [String] = []

    @Option(help: "Study mode: capacity field of the supply (e.g. patients_per_month, beds).")
    var capacity: String?

    /// The library's settings (its defaults apply to what is not given).
    func settings(method: FloatingCatchmentModel, detourFactor: Double, normalize: Bool) -> StudyAccess.Settings {
        StudyAccess.Settings(method: method, level: level, demandMeasure: demandMeasure ?? "aged65", kinds: kinds, capacity: capacity,
                             detourFactor: detourFactor, normalize: normalize)
    }
}
