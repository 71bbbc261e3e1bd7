import CareAtlas

/// One run of a study: every analysis the study and the command's options configure, computed
/// once (``StudyAnalyses``), and one disclosure decision over everything any output of the run can
/// publish.
///
/// Every command that reads a study (`summary`, `catchment`, `access STUDY`, `gaps`, `scenarios`,
/// `map`, `report`) builds one run and takes its files, its terminal text and its `--json` from it.
/// The analyses are reached through the run (`run.huff`, `run.shares`, … are those of
/// ``analyses``).
///
/// **Disclosure.** The publication (``publication``) lists the line of area cells at the run's
/// level and every total over it that any command of the run can publish — the default-share
/// catchments and the command's, the groups and the "other or outside" line, the stages, the
/// frontier and its path, the anchor's service area — whatever the command will actually write, so
/// that two commands of the same study give one and the same suppression. ``disclosure`` is decided
/// once from it.
@dynamicMemberLookup
public struct StudyRun: Sendable {
    /// What a command asks of a run beyond what every run computes.
    public typealias Options = StudyAnalyses.Options

    /// Every analysis of the run, unprotected: exports take counts from here and labels from
    /// ``disclosure``.
    public let analyses: StudyAnalyses
    /// The small-cell policy the run applies.
    public let policy: SmallCellPolicy
    /// Everything the run can publish about patient counts: the input of ``disclosure``.
    public let publication: Publication
    /// The one disclosure decision of the run.
    public let disclosure: Disclosure
    /// What the run's service-area tables may show.
    public let serviceAreaDisclosure: ServiceAreaDisclosure?
    /// The staged plans as the run publishes them: the analyses' plans, each cut before a share
    /// stage whose area list would narrow a hidden cell (``Disclosure/stagesPublished(_:)``).
    /// Outputs read this, not `analyses.scenarios`.
    public let scenarios: Availability<ScenarioAnalysis>?

    /// An analysis of the run (``StudyAnalyses``), e.g. `run.huff`, `run.model`.
    public subscript<Value>(dynamicMember keyPath: KeyPath<StudyAnalyses, Value>) -> Value {
        analyses[keyPath: keyPath]
    }

    /// Runs every analysis the study and `options` configure, then decides disclosure once under
    /// `policy` (nil: the study's `privacy.min_cell`; ``SmallCellPolicy/none`` for internal use,
    /// every output then says so). `progress` gets short English phrases (for a terminal).
    public static func compute(_ model: StudyModel, options: Options = Options(), policy: SmallCellPolicy? = nil,
                               progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> StudyRun {
        try StudyRun(StudyAnalyses.compute(model, options: options, progress: progress),
                     policy: policy ?? SmallCellPolicy(minCell: model.spec.minCell), progress: progress)
    }

    /// Protects computed analyses: the publication of everything they can show, and the one
    /// decision (whose search reports through `progress`).
    public init(_ analyses: StudyAnalyses, policy: SmallCellPolicy, progress: @escaping (String) -> Void = { _ in }) {
        let model = analyses.model
        func decide(_ scenarios: ScenarioAnalysis?) -> (Publication, Disclosure) {
            var publication = Publication(model, level: analyses.level)
            publication.addStudyTotals(model, shares: analyses.defaultShares.value, commandShares: analyses.shares.value,
                                       scenarios: scenarios, serviceAreas: analyses.serviceAreas)
            return (publication, Disclosure.decide(publication, policy: policy, progress: progress))
        }
        progress("deciding what to suppress")
        var (publication, disclosure) = decide(analyses.scenarios?.value)
        var scenarios = analyses.scenarios
        // A share stage whose area list would itself narrow a hidden cell cannot be published: its
        // plan stops before it (the later stages contain it), and the decision is taken again
        // over what remains.
        if let a = scenarios?.value, let cut = disclosure.stagesPublished(a) {
            scenarios = .available(cut)
            (publication, disclosure) = decide(cut)
        }
        self.scenarios = scenarios
        self.analyses = analyses
        self.policy = policy
        self.publication = publication
        self.disclosure = disclosure
        serviceAreaDisclosure = analyses.serviceAreas.map { ServiceAreaDisclosure($0, model: model, disclosure: disclosure) }
    }

    /// The staged plans as published (cut where a share stage cannot be), or why there are none.
    public func scenarioAnalysis() throws -> ScenarioAnalysis {
        guard let scenarios else { return try analyses.scenarioAnalysis() }
        return try scenarios.get()
    }

    /// The report's view of the run: the study's own settings (default shares, the study's gaps).
    ///
    /// The optional analyses (the study's access gaps, its staged plans, drive-time areas) that
    /// cannot run are left out with their reason in ``StudyResults/unavailable``: the outputs say
    /// why where they would appear, and nothing else changes.
    ///
    /// - Throws: ``AnalysisError`` when the patient-share ranking or the nearest distances (which
    ///   every output shows) are unavailable, or when the run was made with other target shares
    ///   than the defaults.
    public func results() throws -> StudyResults {
        guard analyses.options.shares == PatientShareCatchments.defaultShares else {
            throw AnalysisError("the report's view needs a run with the default target shares")
        }
        let model = analyses.model, level = analyses.level
        let shares = try analyses.defaultShares.get()
        let nearest = try analyses.nearest.get()
        let gaps = analyses.studyGaps?.value
        let scenarios = scenarios?.value
        let areas = AreaMetrics.build(model, level: level, shares: shares, disclosure: disclosure, nearest: nearest,
                                      access: gaps?.access, gaps: gaps?.gaps, scenarios: scenarios)
        var results = StudyResults(model: model, policy: policy, disclosure: disclosure, level: level, shares: shares, nearest: nearest,
                                   access: gaps?.access, gaps: gaps?.gaps, scenarios: scenarios, areas: areas,
                                   outsidePatientsLabel: policy.label(shares.outsidePatients, secondary: disclosure.outsideHidden))
        results.costs = analyses.costs
        results.driveTimes = analyses.driveTimes?.value
        results.unavailable = StudyResults.Unavailable(gaps: analyses.studyGaps?.reason, scenarios: self.scenarios?.reason,
                                                       driveTimes: analyses.driveTimes?.reason, stageGaps: scenarios?.gapsUnavailable)
        results.planning = try PlanningAnalysis.compute(model, shares: shares, scenarios: scenarios, access: gaps?.access, costs: analyses.costs)
        return results
    }
}
