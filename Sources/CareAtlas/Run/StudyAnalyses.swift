import CareGeometry
import CareSolver
import Foundation

/// The outcome of one analysis of a run: its result, or why it could not be computed.
public enum Availability<Value: Sendable>: Sendable {
    case available(Value)
    /// The analysis was asked for but cannot run on this study; the reason is one English
    /// sentence for outputs ("Huff not fitted: needs at least two …; found 1").
    case unavailable(reason: String, error: AnalysisError)

    /// The result, nil when unavailable.
    public var value: Value? {
        if case let .available(v) = self { return v }
        return nil
    }

    /// Why it is unavailable, nil when available.
    public var reason: String? {
        if case let .unavailable(reason, _) = self { return reason }
        return nil
    }

    /// The result, or the analysis's own error (for a command whose main output it is).
    public func get() throws -> Value {
        switch self {
        case let .available(v): return v
        case let .unavailable(_, error): throw error
        }
    }

    /// Runs `body`, recording an ``AnalysisError`` as unavailable (`what` prefixes the reason).
    static func attempt(_ what: String, _ body: () throws -> Value) throws -> Availability {
        do { return .available(try body()) } catch let error as AnalysisError {
            return .unavailable(reason: "\(what): \(error)", error: error)
        }
    }
}

/// Every analysis of one study run, computed once: each available, or unavailable with its reason.
///
/// Every command that reads a study (`summary`, `catchment`, `access STUDY`, `gaps`, `scenarios`,
/// `map`, `report`) computes these analyses through `CarePrivacy`'s `StudyRun`, which adds the one
/// disclosure decision over them; nothing here decides what may be shown.
/// What each run computes:
///
/// | analysis | when | if it cannot run |
/// |---|---|---|
/// | patient-share ranking, catchments, groups (``shares``) | always, with the study's default shares and with `options.shares` | unavailable (e.g. no patient rows at the level) |
/// | staged plans and frontier (``scenarios``) | the study has `scenarios:` | unavailable |
/// | nearest distances (``nearest``) | always | unavailable |
/// | access and gaps of the study's `scenarios.gaps` (``studyGaps``) | the study has them | unavailable |
/// | rings, cells (``distances``) | `options.distances` | unavailable |
/// | Huff model (``huff``) | `options.huff` | unavailable, with the reason |
/// | plurality service areas (``serviceAreas``) | the study has a flow table | — |
/// | access and gaps with the command's settings (``access``, ``gaps``) | `options.access`, `options.gaps` | unavailable |
///
/// An unavailable analysis never stops the others; a command whose main output it is reports its
/// error (``Availability/get()``).
public struct StudyAnalyses: Sendable {
    /// What a command asks of a run beyond what every run computes.
    public struct Options: Sendable {
        /// The level of the area line (nil: municipalities when the study has them, else its coarsest level).
        public var level: AreaLevel?
        /// Target shares of the command's patient-share catchments.
        public var shares: [Double] = PatientShareCatchments.defaultShares
        /// Rings and nearest-institution cells (the `catchment` command).
        public var distances: DistanceSettings?
        /// The Huff model (the `catchment` command).
        public var huff: HuffSettings?
        /// Access with the command's settings (`access STUDY`, `gaps`).
        public var access: StudyAccess.Settings?
        /// Gaps with the command's settings over ``access`` (`gaps`).
        public var gaps: AccessGaps.Settings?
        /// Drive-time areas of the study's road network (`catchment`, `report`; only with
        /// `cost: network`): the settings of `cost.network`.
        public var driveTimes = false

        public init() {}
    }

    /// Rings and cells around the institutions of some kinds.
    public struct DistanceSettings: Sendable, Hashable {
        public var kinds: [String]
        public var radiiKm: [Double]
        public init(kinds: [String] = [], radiiKm: [Double] = [1, 2, 5, 10]) {
            self.kinds = kinds
            self.radiiKm = radiiKm
        }
    }

    /// The Huff model's destinations and decay.
    public struct HuffSettings: Sendable, Hashable {
        public var attractiveness: String
        public var kinds: [String]
        public var decay: HuffDecay
        public init(attractiveness: String = "beds", kinds: [String] = ["hospital"], decay: HuffDecay = .power) {
            self.attractiveness = attractiveness
            self.kinds = kinds
            self.decay = decay
        }
    }

    public let model: StudyModel
    public let options: Options
    /// The run's one cost provider: travel times from the study's `cost: network | table`, nil
    /// for straight-line studies. Every analysis below that measures reach uses it.
    public let costs: StudyCosts?
    /// The level of the area line and of the catchment analyses.
    public let level: AreaLevel
    /// The command's patient-share analysis (``Options/shares``).
    public let shares: Availability<PatientShareAnalysis>
    /// The patient-share analysis with the default shares (what the report and maps show); the
    /// same value as ``shares`` when the command uses the defaults.
    public let defaultShares: Availability<PatientShareAnalysis>
    public let scenarios: Availability<ScenarioAnalysis>?
    public let nearest: Availability<[DistanceCatchments.Nearest]>
    public let studyGaps: Availability<StudyGaps>?
    public let distances: Availability<DistanceCatchments>?
    public let huff: Availability<HospitalCatchments>?
    public let serviceAreas: ServiceAreas?
    /// Drive-time areas (``Options/driveTimes`` with a road network).
    public let driveTimes: Availability<DriveTimeAreas>?
    public let access: Availability<StudyAccess>?
    public let gaps: Availability<AccessGaps>?
    /// The default level of a study: municipalities when it has them, else its coarsest level.
    public static func defaultLevel(_ model: StudyModel) throws -> AreaLevel {
        guard let level = model.areas[.municipality] != nil ? .municipality : model.levels.last else {
            throw AnalysisError("the study has no areas", fix: "add an areas: layer")
        }
        return level
    }

    /// Runs every analysis the study and `options` configure. `progress` gets short English
    /// phrases (for a terminal; the staged plans report from their own thread).
    ///
    /// - Throws: ``AnalysisError`` when the study's travel-time cost cannot be built (an unreadable
    ///   extract or table): every analysis depends on it. `ILPError.libraryNotLoaded` when the CBC
    ///   library cannot be loaded: the staged plans and the disclosure decision made from these
    ///   analyses solve integer programs, and without CBC they would be left out or decided blind.
    public static func compute(_ model: StudyModel, options: Options = Options(),
                               progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> StudyAnalyses {
        try ILPSolver.loadLibrary()
        let level = try options.level ?? defaultLevel(model)
        let costs = try StudyCosts.build(model, progress: progress)
        // The staged plans (the longest part: one integer programme per budget) run on the other
        // core while the rest is computed here.
        let staged = StagedRun()
        let group = DispatchGroup()
        // The staged plans count gap areas with the access gaps of `scenarios.gaps` at their level;
        // at this run's level those are the study's gaps below, computed once and handed over.
        let handoff = model.spec.scenarios.map { $0.gaps != nil && $0.level == level } == true ? GapsHandoff() : nil
        if model.spec.scenarios != nil {
            progress("staged plans")
            DispatchQueue.global().async(group: group) {
                defer { handoff?.close() }
                staged.result = Result { try ScenarioAnalysis.run(model, costs: costs, progress: progress, gaps: handoff) }
            }
        }
        progress("ranking areas and growing catchments")
        let defaultShares = try Availability.attempt("patient-share catchments not computed") {
            try PatientShareCatchments.analyse(model, level: level)
        }
        let shares = options.shares == PatientShareCatchments.defaultShares ? defaultShares
            : try Availability.attempt("patient-share catchments not computed") {
                try PatientShareCatchments.analyse(model, level: level, shares: options.shares)
            }
        progress("nearest institutions")
        let nearest = try Availability.attempt("nearest institutions not computed") { try DistanceCatchments.nearestDistances(model, level: level, costs: costs) }
        var studyGaps: Availability<StudyGaps>?
        if let settings = model.spec.scenarios?.gaps {
            progress("access and gaps")
            let handedOver = handoff?.wait()
            studyGaps = try Availability.attempt("access gaps not computed") {
                let (access, gaps) = try handedOver?.get() ?? AccessGaps.find(model, level: level, settings: settings, costs: costs)
                return StudyGaps(access: access, gaps: gaps)
            }
        }
        var distances: Availability<DistanceCatchments>?
        if let d = options.distances {
            progress("rings, cells and nearest distances")
            distances = try Availability.attempt("rings and cells not computed") {
                try DistanceCatchments.compute(model, kinds: d.kinds, radiiKm: d.radiiKm, level: level)
            }
        }
        var huff: Availability<HospitalCatchments>?
        if let h = options.huff {
            progress("fitting the Huff model")
            huff = try Availability.attempt("Huff not fitted") {
                try HospitalCatchments.analyse(model, level: level, attractiveness: h.attractiveness, kinds: h.kinds, decay: h.decay,
                                               costs: costs)
            }
        }
        var driveTimes: Availability<DriveTimeAreas>?
        if options.driveTimes, let costs, case let .network(n) = costs.spec {
            progress("drive-time areas")
            driveTimes = try Availability.attempt("drive-time areas not computed") {
                try DriveTimeAreas.compute(model, costs: costs, kinds: n.driveTimeKinds, minutes: n.driveTimeMinutes,
                                           bufferMetres: n.driveTimeBufferMetres, progress: progress)
            }
        }
        let serviceAreas = model.flows.isEmpty || model.areas[level] == nil
            ? nil : ServiceAreas(flows: model.flows, originIDs: (model.areas[level] ?? []).map(\.id))
        var access: Availability<StudyAccess>?
        var gaps: Availability<AccessGaps>?
        if let a = options.access {
            progress("scoring areas")
            let computed = try Availability.attempt("access not computed") { try StudyAccess.compute(model, settings: a, costs: costs) }
            access = computed
            if let g = options.gaps {
                switch computed {
                case let .available(scores):
                    gaps = try Availability.attempt("gaps not found") {
                        try AccessGaps.find(model, access: scores, settings: g, nearest: try nearest.get(), costs: costs)
                    }
                case let .unavailable(reason, error):
                    gaps = .unavailable(reason: reason, error: error)
                }
            }
        }
        group.wait()
        let scenarios: Availability<ScenarioAnalysis>? = try staged.result.map { result in
            try Availability.attempt("staged plans not computed") { try result.get() }
        }
        return StudyAnalyses(model: model, options: options, costs: costs, level: level, shares: shares, defaultShares: defaultShares,
                             scenarios: scenarios, nearest: nearest, studyGaps: studyGaps, distances: distances, huff: huff,
                             serviceAreas: serviceAreas, driveTimes: driveTimes, access: access, gaps: gaps)
    }

    /// The staged plans, or why there are none.
    public func scenarioAnalysis() throws -> ScenarioAnalysis {
        guard let scenarios else {
            throw AnalysisError("the study has no scenarios", fix: "add a scenarios: section with plans (see geodata/README.md)")
        }
        return try scenarios.get()
    }

    /// The rings, cells and nearest distances, or why there are none (a run made without
    /// `options.distances` has none).
    public func distanceCatchments() throws -> DistanceCatchments {
        guard let distances else {
            throw AnalysisError("rings and cells were not asked of this run", fix: "set StudyRun.Options.distances")
        }
        return try distances.get()
    }

    /// What the run could not compute, one English sentence each, in the order of the table above.
    public var unavailable: [String] {
        [shares.reason, scenarios?.reason, nearest.reason, studyGaps?.reason, distances?.reason, huff?.reason, driveTimes?.reason,
         access?.reason, gaps?.reason]
            .compactMap { $0 }
    }
}

/// Access and the gaps it leaves, with the study's `scenarios.gaps` settings.
public struct StudyGaps: Sendable {
    public let access: StudyAccess
    public let gaps: AccessGaps
}

/// The access gaps of `scenarios.gaps` passed from the staged plans' thread (which computes them
/// first, for its gap counts) to the thread that reports them: ``wait()`` returns once they are
/// there or once the staged plans ended without them (nil: compute them yourself).
final class GapsHandoff: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Result<(access: StudyAccess, gaps: AccessGaps), any Error>?
    private var closed = false

    /// Hands over the gaps (or the error that stopped them); later calls are ignored.
    func fulfil(_ result: Result<(access: StudyAccess, gaps: AccessGaps), any Error>) {
        condition.lock()
        if !closed { value = result }
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the hand-over (the staged plans are done, with or without gaps).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The gaps once handed over, nil when the staged plans ended without them.
    func wait() -> Result<(access: StudyAccess, gaps: AccessGaps), any Error>? {
        condition.lock()
        defer { condition.unlock() }
        while !closed { condition.wait() }
        return value
    }
}

/// The staged plans computed on another thread (written once before the group is waited on).
private final class StagedRun: @unchecked Sendable {
    var result: Result<ScenarioAnalysis, Error>?
}
