import ArgumentParser
import CareAtlas
import CareExport
import CareFormats
import CareGeometry
import CarePoints
import Foundation

struct MCLP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mclp",
        abstract: "Choose p sites that cover the most demand within a radius (maximal covering location problem), exactly.",
        discussion: """
            Reads --demand D.csv (id,x,y,weight) and --candidates C.csv (id,x,y),
            positions in projected metres, or longitude/latitude with --crs EPSG:4326
            (projected to the JGD2011 or UTM zone of the extent). A demand point is
            covered when a chosen site lies within --radius metres (inclusive).

            Maximises Σ w_i y_i subject to y_i ≤ Σ_{j within r of i} x_j and Σ x_j = p
            (Church & ReVelle 1974; the model of PySAL spopt's MCLP). Solved exactly:
            preprocessing (merged demand, dominated sites), Lagrangian bounds with
            subgradient optimisation (Galvão & ReVelle 1996), greedy and interchange
            solutions, branch-and-bound with fixing by reduced costs.

            --out CHOSEN.csv gets the header id and the chosen ids in candidate-file
            order. stdout gets a line with the search's figures, then as its last line
              covered=<weight covered, %.17g> optimal=<true|false> gap=<relative gap, %.17g>
            When --time-limit runs out the best choice found is written with
            optimal=false and the gap (bound − covered) / covered.

            --json prints instead one JSON object (keys sorted, no other line on stdout):
            command, p, radius_m, demand_points, candidate_sites, total_weight,
            covered (= objective), percent_covered (100 × covered / total_weight),
            chosen (ids, candidate-file order), optimal, bound, gap, root_bound, nodes,
            method, out, seconds_solve (the solver alone) and seconds_total (reading,
            coverage, solving and writing).

            Study mode (careatlas mclp STUDY --kinds K --p N --out CHOSEN.csv): demand is
            each area's population measure (--level, --demand-measure, default aged65),
            candidates the institutions of --kinds. The radius follows the study's
            cost: --radius METRES for straight_line (area centroid to institution),
            --radius-minutes M for cost: network or table (the same travel minutes as
            access, gaps and stages; at most the network's cutoff). Areas without the
            measure or without a travel time are left out of the problem and listed on
            stderr (no data, not "uncovered").
            """)

    @Argument(help: "A study file (study mode). Leave out for point mode with --demand and --candidates.")
    var study: String?

    @Option(help: ArgumentHelp("Demand points: CSV with id,x,y,weight.", valueName: "D.csv"))
    var demand: String?

    @Option(help: ArgumentHelp("Candidate sites: CSV with id,x,y.", valueName: "C.csv"))
    var candidates: String?

    @Option(help: ArgumentHelp("Coverage radius in metres (> 0).", valueName: "METRES"))
    var radius: Double?

    @Option(name: .customLong("radius-minutes"),
            help: ArgumentHelp("Study mode with cost: network or table: coverage radius in travel minutes (> 0).", valueName: "MINUTES"))
    var radiusMinutes: Double?

    @Option(help: "Study mode: area level of the demand.")
    var level: AreaLevel = .municipality

    @Option(name: .customLong("demand-measure"), help: "Study mode: population measure of the demand (e.g. aged65, total).")
    var demandMeasure = "aged65"

    @Option(help: "Study mode: institution kinds to choose among, comma-separated.", transform: parseList)
    var kinds: [String] = []

    @Option(help: ArgumentHelp("How many sites to choose (1 … the number of candidates).", valueName: "N"))
    var p: Int

    @Option(help: ArgumentHelp("CRS of the positions, e.g. EPSG:4326 for longitude/latitude (default: projected metres).",
                               valueName: "EPSG:…"))
    var crs: String?

    @Option(name: .customLong("time-limit"),
            help: ArgumentHelp("Stop the search after this many seconds with the best choice found (default 60).",
                               valueName: "SECONDS"))
    var timeLimit: Double = 60

    @Option(help: ArgumentHelp("Where to write the chosen ids (written atomically).", valueName: "CHOSEN.csv"))
    var out: String

    @Flag(name: [.short, .long], help: "No progress messages on stderr.")
    var quiet = false

    @Flag(help: "Print one JSON object on stdout instead of the two text lines.")
    var json = false

    func validate() throws {
        if let study {
            try validateInputFile(study, what: "study file")
            guard demand == nil, candidates == nil, crs == nil, !json else {
                throw ValidationError("--demand, --candidates, --crs and --json apply to point mode; study mode takes the areas and institutions of the study")
            }
            guard !kinds.isEmpty else { throw ValidationError("study mode needs --kinds, the institution kinds to choose among") }
            guard (radius == nil) != (radiusMinutes == nil) else {
                throw ValidationError("give one of --radius METRES (cost: straight_line) or --radius-minutes MINUTES (cost: network or table)")
            }
            if let radiusMinutes, !(radiusMinutes.isFinite && radiusMinutes > 0) {
                throw ValidationError("--radius-minutes must be a number of minutes > 0 (e.g. 20), got \(radiusMinutes)")
            }
        } else {
            guard let demand, let candidates else {
                throw ValidationError("give a study file, or --demand D.csv and --candidates C.csv (point mode)")
            }
            try validateInputFile(demand, what: "--demand")
            try validateInputFile(candidates, what: "--candidates")
            guard radiusMinutes == nil, kinds.isEmpty else {
                throw ValidationError("--radius-minutes and --kinds apply to study mode (careatlas mclp STUDY …)")
            }
            guard radius != nil else { throw ValidationError("point mode needs --radius METRES") }
        }
        if let radius, !(radius.isFinite && radius > 0) {
            throw ValidationError("--radius must be a distance in metres > 0 (e.g. 3000), got \(radius)")
        }
        guard p >= 1 else { throw ValidationError("--p must be at least 1 (the number of sites to choose), got \(p)") }
        guard timeLimit.isFinite, timeLimit > 0 else {
            throw ValidationError("--time-limit must be a number of seconds > 0, got \(timeLimit)")
        }
        if let crs {
            do { _ = try CRS(parsing: crs) } catch { throw ValidationError("--crs: \(error)") }
        }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out \(out): the folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--out \(out) is a folder; give a file name such as chosen.csv")
        }
        // p against the number of candidates needs the file: a cheap count of its rows.
        if let candidates, let table = try? CSVTable(contentsOf: URL(fileURLWithPath: candidates)), !table.isEmpty, p > table.count {
            throw ValidationError("--p \(p) is more than the \(table.count) candidate sites in \(candidates); give --p ≤ \(table.count)")
        }
    }

    func run() throws {
        let terminal = Terminal(quiet: quiet)
        if let study {
            try runStudy(study, terminal: terminal)
            return
        }
        guard let demand, let candidates, let radius else { return }  // validate() requires them
        let started = Date()
        do {
            terminal.progress("reading \(demand) and \(candidates)")
            var demandPoints = try MCLPInput.readDemand(contentsOf: URL(fileURLWithPath: demand))
            var sites = try MCLPInput.readCandidates(contentsOf: URL(fileURLWithPath: candidates))
            if let crs {
                let projected = try MCLPInput.projectToMetric(demand: demandPoints, candidates: sites, from: CRS(parsing: crs))
                demandPoints = projected.demand
                sites = projected.candidates
                if let choice = projected.choice { terminal.progress("projected \(crs) to \(choice.reason)") }
            } else {
                warnIfLonLat(demandPoints.map(\.position) + sites.map(\.position), distance: radius, option: "--radius")
            }
            let problem = try MCLPProblem(demand: demandPoints, candidates: sites, radiusMeters: radius, p: p)
            terminal.progress("choosing \(p) of \(sites.count) sites for \(demandPoints.count) demand points within \(formatOption(radius)) m")
            let solveStart = Date()
            let solution = try MCLPSolver.solve(problem, timeLimitSeconds: timeLimit)
            let solveSeconds = Date().timeIntervalSince(solveStart)
            try AtomicFile.write(Data(solution.csv(candidateIDs: sites.map(\.id)).utf8), to: URL(fileURLWithPath: out))
            terminal.progress("wrote \(out)")
            if !solution.optimal {
                Terminal.error("warning: the time limit of \(formatOption(timeLimit)) s ran out before optimality was proved; the choice written is the best found")
            }
            if json {
                print(PointReport.mclpJSON(problem, solution, candidateIDs: sites.map(\.id), radiusMeters: radius, out: out,
                                           secondsSolve: solveSeconds, secondsTotal: Date().timeIntervalSince(started)))
            } else {
                print(PointReport.mclp(problem, solution), terminator: "")
            }
        } catch let error as MCLPError {
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
}

// MARK: - Study mode

extension MCLP {
    func runStudy(_ study: String, terminal: Terminal) throws {
        let model = try loadStudy(study, terminal: terminal)
        let result = try runAnalysis {
            let costs = try StudyCosts.build(model, progress: terminal.callback)
            terminal.progress("choosing \(p) institutions of kind \(kinds.joined(separator: ", ")) within \(formatOption(radiusMinutes ?? radius ?? 0)) \(radiusMinutes == nil ? "m" : "min")")
            return try StudyMCLP.solve(model, level: level, demandMeasure: demandMeasure, kinds: kinds, p: p, radiusMetres: radius,
                                       radiusMinutes: radiusMinutes, costs: costs, timeLimitSeconds: timeLimit)
        }
        if !result.areasWithoutData.isEmpty {
            Terminal.error("note: \(result.areasWithoutData.count) \(level.rawValue) areas left out (no data): "
                           + result.areasWithoutData.prefix(10).map { "\($0.id) (\($0.reason))" }.joined(separator: ", ")
                           + (result.areasWithoutData.count > 10 ? ", …" : ""))
        }
        do {
            try AtomicFile.write(Data(result.solution.csv(candidateIDs: result.candidateIDs).utf8), to: URL(fileURLWithPath: out))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
        terminal.progress("wrote \(out)")
        if !result.solution.optimal {
            Terminal.error("warning: the time limit of \(formatOption(timeLimit)) s ran out before optimality was proved; the choice written is the best found")
        }
        print(PointReport.mclp(result.problem, result.solution), terminator: "")
    }
}
