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
///   already counts institutions, else the liaison kinds of `scenarios:`.
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

        /// Every published stage of every plan evaluated in `context`, each with the rule `rule`
        /// gives it (and a note), nested as the plan is; a stage without a region ends its plan.
        func evaluate(_ context: StageContext, rule: (StageSpec, _ plan: Int, _ stage: Int) -> (StageSpec, String?)) -> ([[Set<String>?]], [[String?]]) {
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
                    let (changed, note) = rule(stage, p, k)
                    do {
                        let (members, _, stageNotes) = try context.region(for: changed, previous: planSpec.nested ? before : [])
                        let region = planSpec.nested ? members.union(before) : members
                        previous = region
                        planRegions.append(Set(region.map { context.areas[$0].id }))
                        let all = [note].compactMap { $0 } + stageNotes
                        planNotes.append(all.isEmpty ? nil : all.joined(separator: "; "))
                    } catch {
                        previous = nil
                        planRegions.append(nil)
                        planNotes.append("no region fits: \(error)")
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
                let (regions, notes) = evaluate(context) { stage, p, k in
                    guard case .budget(let b) = stage.rule else { return (stage, nil) }
                    if b.measure == measure { return (stage, "the stage's own measure") }
                    let kinds = b.measure == .maxInstitutions ? b.kinds : scenarioSpec.liaison.kinds
                    let perArea = context.costs(measure, kinds: kinds)
                    let workload = plans[p].1.stages[k].areaIDs.compactMap { model.areaIndex($0, at: level) }.reduce(0.0) { $0 + perArea[$1] }
                    var changed = stage
                    changed.rule = .budget(Budget(measure: measure, limit: workload * (1 + 1e-9), kinds: measure == .maxInstitutions ? kinds : []))
                    return (changed, "\(measure.rawValue) ≤ \(numberText(workload)) (the stage's region in this measure)")
                }
                variants.append(Variant(factor: .budgetMeasure, label: measure.rawValue, isStudySetting: false))
                add(variants.count - 1, regions: regions, notes: notes)
            }
        }

        for year in model.patientYears where spec.years.contains(where: { $0.label == year.label }) {
            let (regions, notes) = evaluate(try StageContext(model.withPatients(of: year), light, costs: costs)) { stage, _, _ in (stage, nil) }
            variants.append(Variant(factor: .year, label: year.label, isStudySetting: false))
            add(variants.count - 1, regions: regions, notes: notes)
        }
        return PathSensitivity(level: level, variants: variants, cells: cells, studyGapAreaIDs: studyGaps)
    }

    /// The cells of one stage, in the variants' order.
    public func cells(plan: String, stageOrder: Int) -> [Cell] {
        cells.filter { $0.plan == plan && $0.stageOrder == stageOrder }
    }
}
