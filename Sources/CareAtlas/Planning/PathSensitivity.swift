import Foundation

/// How the staged path depends on the settings behind it: every stage of every plan of
/// `scenarios:` evaluated again with one setting changed at a time (`planning.sensitivity`), and
/// for each stage whether its region is the same, which areas it adds and which it drops.
///
/// - **Thresholds**: the floating-catchment threshold of `scenarios.gaps` (metres, or minutes
///   with a travel-time cost) set to each value in turn, the study's own among them, ascending. No stage rule
///   reads the access scores, so the regions stay; what moves is the set of access-gap areas each
///   stage holds, which the table gives per threshold.
/// - **Budget measures**: each budget stage solved again (exactly, ``RegionOptimizer``) with its
///   workload counted in another measure, the limit being the workload of the stage's own region
///   in that measure — the same workload counted another way, so the stage's region stays
///   feasible and changes only where another region of that size holds more patients. The stages
///   after it follow (nesting). With `max_institutions` the stage's own kinds are counted when it
///   already counts institutions, else the liaison kinds of `scenarios:`. Areas without data for
///   the measure (no population; outside a source's `covers:`) are never taken, never free.
/// - **Years**: every stage evaluated again on another year's patient counts (share catchments
///   redrawn, budgets re-solved with the same limits; fixed areas and groups stay).
///
/// A nested stage contains its plan's previous stage under the same variant. A variant in which
/// a budget stage has no feasible region (its nested previous stage already exceeds the limit)
/// gives no region for it and the stages after it, with a note.
public struct PathSensitivity: Sendable {
    public enum Factor: String, Sendable, Hashable, CaseIterable {
        case threshold
        case budgetMeasure = "budget_measure"
        case year
    }

    /// One changed setting.
    public struct Variant: Sendable, Hashable {
        public let factor: Factor
        /// "3000 m", "20 min", "max_areas", "2024年度".
        public let label: String
        /// The study's own setting (the threshold of `scenarios.gaps`), listed for comparison.
        public let isStudySetting: Bool
    }

    /// One stage under one variant.
    public struct Cell: Sendable, Hashable {
        public let plan: String
        /// 1-based position of the stage in its plan.
        public let stageOrder: Int
        public let stage: String
        /// Index into ``PathSensitivity/variants``.
        public let variant: Int
        /// The stage's region under the variant, sorted; nil when no region fits.
        public let areaIDs: [String]?
        /// Areas the variant's region has and the study's does not, and the reverse, sorted.
        public let added: [String]
        public let dropped: [String]
        /// Access-gap areas inside the region (threshold variants only).
        public let gapAreaIDs: [String]?
        /// Why there is no region, or what the variant did (e.g. "the stage's own measure").
        public let note: String?

        /// Whether the region is the study's.
        public var sameRegion: Bool { areaIDs != nil && added.isEmpty && dropped.isEmpty }
    }

    public let level: AreaLevel
    public let variants: [Variant]
    /// Plan × stage × variant, plans and stages in the study's order, variants in ``variants``' order.
    public let cells: [Cell]
    /// The study's gap areas of each stage (at its own threshold), by plan and stage name; empty
    /// without threshold variants.
    public let studyGapAreaIDs: [String: [String]]

    /// Evaluates `scenarios`' published stages under every variant of `spec`.
    ///
    /// - Throws: ``AnalysisError`` when the study has no plans, or thresholds are asked without
    ///   `scenarios.gaps`.
    public static func compute(_ model: StudyModel, spec: SensitivitySpec, scenarios: ScenarioAnalysis,
                               costs: StudyCosts? = nil) throws -> PathSensitivity {
        guard let scenarioSpec = model.spec.scenarios, !scenarioSpec.plans.isEmpty, !scenarios.plans.isEmpty else {
            throw AnalysisError("planning.sensitivity needs the plans of scenarios:", fix: "add scenarios: with plans, or leave sensitivity: out")
        }
        let level = scenarios.level
        var light = scenarioSpec
        light.gaps = nil
        let plans = Array(zip(scenarioSpec.plans, scenarios.plans))
        var variants: [Variant] = []
        var cells: [Cell] = []
        var studyGaps: [String: [String]] = [:]

        func key(_ plan: String, _ stage: String) -> String { plan + "\u{1F}" + stage }
        func add(_ variant: Int, regions: [[Set<String>?]], gaps: Set<String>? = nil, notes: [[String?]] = []) {
            for (p, (_, result)) in plans.enumerated() {
                for (k, stage) in result.stages.enumerated() {
                    let region = regions[p][k]
                    let base = Set(stage.areaIDs)
                    cells.append(Cell(
                        plan: result.name, stageOrder: k + 1, stage: stage.name, variant: variant, areaIDs: region.map { $0.sorted() },
                        added: region.map { $0.subtracting(base).sorted() } ?? [], dropped: region.map { base.subtracting($0).sorted() } ?? [],
                        gapAreaIDs: gaps.flatMap { g in region.map { $0.filter(g.contains).sorted() } },
                        note: p < notes.count && k < notes[p].count ? notes[p][k] : nil))
                }
            }
        }
        let studyRegions = plans.map { _, result in result.stages.map { Optional(Set($0.areaIDs)) } }

        if !spec.thresholds.isEmpty {
            guard let g = scenarioSpec.gaps else {
                throw AnalysisError("planning.sensitivity.thresholds needs scenarios.gaps (the thresholds replace its threshold)",
                                    fix: "add scenarios: gaps: {kinds: […], capacity: …}, or leave thresholds: out")
            }
            let own = try g.threshold(costs: costs)
            let unit = costs == nil ? "m" : "min"
            for t in Set([own] + spec.thresholds).sorted() {
                var settings = g
                if costs == nil { settings.thresholdMeters = t } else { settings.thresholdMinutes = t }
                let gaps = Set(try AccessGaps.find(model, level: level, settings: settings, costs: costs).gaps.gaps.map(\.areaID))
                if t == own {
                    for (_, result) in plans { for s in result.stages { studyGaps[key(result.name, s.name)] = s.areaIDs.filter(gaps.contains) } }
                }
                variants.append(Variant(factor: .threshold, label: "\(numberText(t)) \(unit)", isStudySetting: t == own))
                add(variants.count - 1, regions: studyRegions, gaps: gaps)
            }
        }

        /// Every published stage of every plan, each stage's region given by `region` (members and
        /// notes, from the stage and the required previous region), nested as the plan is; a stage
        /// without a region ends its plan.
        func evaluate(_ region: (StageSpec, _ plan: Int, _ stage: Int, _ previous: Set<Int>) throws -> (Set<Int>, [String]),
                      ids: [Area]) -> ([[Set<String>?]], [[String?]]) {
            var regions: [[Set<String>?]] = [], notes: [[String?]] = []
            for (p, (planSpec, result)) in plans.enumerated() {
                var planRegions: [Set<String>?] = [], planNotes: [String?] = []
                var previous: Set<Int>? = []
                for (k, stage) in planSpec.stages.prefix(result.stages.count).enumerated() {
                    guard let before = previous else {
                        planRegions.append(nil)
                        planNotes.append("no region: an earlier stage has none")
                        continue
                    }
                    do {
                        let (members, stageNotes) = try region(stage, p, k, planSpec.nested ? before : [])
                        let union = planSpec.nested ? members.union(before) : members
                        previous = union
                        planRegions.append(Set(union.map { ids[$0].id }))
                        planNotes.append(stageNotes.isEmpty ? nil : stageNotes.joined(separator: "; "))
                    } catch {
                        previous = nil
                        planRegions.append(nil)
                        planNotes.append("no region: \(error)")
                    }
                }
                regions.append(planRegions)
                notes.append(planNotes)
            }
            return (regions, notes)
        }

        if !spec.budgetMeasures.isEmpty {
            let context = try StageContext(model, light, costs: costs)
            for measure in spec.budgetMeasures {
                let (regions, notes) = evaluate({ stage, p, k, previous in
                    guard case .budget(let b) = stage.rule, b.measure != measure else {
                        let (members, _, stageNotes) = try context.region(for: stage, previous: previous)
                        if case .budget = stage.rule { return (members, ["the stage's own measure"] + stageNotes) }
                        return (members, stageNotes)
                    }
                    return try Self.budgetVariant(context, stage: stage, budget: b, measure: measure, stageAreaIDs: plans[p].1.stages[k].areaIDs,
                                                  liaisonKinds: scenarioSpec.liaison.kinds, previous: previous)
                }, ids: context.areas)
                variants.append(Variant(factor: .budgetMeasure, label: measure.rawValue, isStudySetting: false))
                add(variants.count - 1, regions: regions, notes: notes)
            }
        }

        for year in model.patientYears where spec.years.contains(where: { $0.label == year.label }) {
            let context = try StageContext(model.withPatients(of: year), light, costs: costs)
            let (regions, notes) = evaluate({ stage, _, _, previous in
                let (members, _, stageNotes) = try context.region(for: stage, previous: previous)
                return (members, stageNotes)
            }, ids: context.areas)
            variants.append(Variant(factor: .year, label: year.label, isStudySetting: false))
            add(variants.count - 1, regions: regions, notes: notes)
        }
        return PathSensitivity(level: level, variants: variants, cells: cells, studyGapAreaIDs: studyGaps)
    }

    /// A budget stage solved exactly with its workload counted in `measure`, the limit being the
    /// workload of the stage's own region (`stageAreaIDs`) in that measure. Areas where the
    /// measure has no data (no total population; outside the coverage of a source of the counted
    /// kinds) are never taken — counted as 0 they would come free — and a stage whose own region
    /// holds one cannot be measured: it has no region, with the reason.
    static func budgetVariant(_ context: StageContext, stage: StageSpec, budget b: Budget, measure: Budget.Measure, stageAreaIDs: [String],
                              liaisonKinds: [String], previous: Set<Int>) throws -> (Set<Int>, [String]) {
        let kinds = measure == .maxInstitutions ? (b.measure == .maxInstitutions ? b.kinds : liaisonKinds) : []
        let noData = context.areasWithoutData(measure, kinds: kinds)
        let members = stageAreaIDs.compactMap { context.model.areaIndex($0, at: context.level) }
        let missing = members.filter(noData.contains)
        guard missing.isEmpty else {
            throw AnalysisError("\(missing.count) area\(missing.count == 1 ? "" : "s") of the stage's region (\(missing.prefix(3).map { context.areas[$0].name }.joined(separator: ", "))) \(missing.count == 1 ? "has" : "have") no data for \(measure.rawValue)")
        }
        let known = context.costs(measure, kinds: kinds)
        let workload = members.reduce(0.0) { $0 + known[$1] }
        let (perArea, _) = try context.budgetCosts(measure, kinds: kinds, limit: workload, required: previous.union([context.anchorIndex]),
                                                   what: "stage \(stage.name)")
        let problem = RegionProblem(weights: context.weights(stage.objective), costs: [perArea], budgets: [workload * (1 + 1e-9)],
                                    adjacency: context.adjacency, root: context.anchorIndex, connected: stage.contiguous, required: previous.sorted())
        let solution = try RegionOptimizer.solve(problem)
        var notes = ["\(measure.rawValue) ≤ \(numberText(workload)) (the stage's region in this measure)"]
        if let note = context.noDataNote(noData, measure) { notes.append(note) }
        if !solution.optimal { notes.append(String(format: "not proven optimal: gap %.2f %%", solution.gap * 100)) }
        return (Set(solution.selected), notes)
    }

    /// The cells of one stage, in the variants' order.
    public func cells(plan: String, stageOrder: Int) -> [Cell] {
        cells.filter { $0.plan == plan && $0.stageOrder == stageOrder }
    }
}
