import CareAtlas
import CareGeometry
import Foundation

/// What a study map shows.
public enum StudyMetric: String, Sendable, Hashable, CaseIterable {
    /// Patients per area (suppressed bin "<k" for 1 … k−1, explicit 0).
    case patients
    /// Patients per 10,000 residents aged 65+: 10,000 · patients / aged65. Areas whose count is
    /// suppressed are drawn in the suppressed bin, never as a rate.
    case penetration
    /// Floating-catchment access score (2SFCA; Luo & Wang 2003) of the area.
    case access
    /// Access-gap class (the rules of ``AccessGaps``), categorical.
    case gaps
}

/// The per-area figures study maps draw, with the suppression already applied.
public struct StudyMapData: Sendable {
    public struct Row: Sendable {
        public let id: String
        public let name: String
        public let nameEnglish: String?
        public let geometry: Geometry
        public let labelPoint: Coordinate
        /// Patients: `.value(n)` when shown, `.suppressed` (1 … k−1), `.hidden` ("x"), `.noData`.
        public let patients: MapDatum
        /// Patients per 10,000 aged 65+, with the state of the count.
        public let penetration: MapDatum
        public let access: Double?
        /// The gap class of the area; nil when gaps were not computed.
        public let gap: GapCategory?

        public init(
            id: String, name: String, nameEnglish: String? = nil, geometry: Geometry, labelPoint: Coordinate,
            patients: MapDatum, penetration: MapDatum, access: Double?, gap: GapCategory?
        ) {
            self.id = id
            self.name = name
            self.nameEnglish = nameEnglish
            self.geometry = geometry
            self.labelPoint = labelPoint
            self.patients = patients
            self.penetration = penetration
            self.access = access
            self.gap = gap
        }
    }

    /// A stage (or catchment) region drawn as an outline, with the areas it holds.
    public struct Stage: Sendable {
        public let name: String
        public let areaIDs: [String]
        public let geometry: Geometry
        public init(name: String, areaIDs: [String], geometry: Geometry) {
            self.name = name
            self.areaIDs = areaIDs
            self.geometry = geometry
        }
    }

    public let studyName: String
    public let period: String
    public let reportDate: String
    public let credits: [String]
    public let policy: SmallCellPolicy
    public let level: AreaLevel
    public let rows: [Row]
    public let institutions: [Institution]
    public let anchorIndex: Int?
    public let hasAccess: Bool
    public let hasGaps: Bool
    /// The stages of the study's first plan, when it has one.
    public let stages: [Stage]
    public let stagePlanName: String?

    public init(
        studyName: String, period: String, reportDate: String, credits: [String], policy: SmallCellPolicy,
        level: AreaLevel, rows: [Row], institutions: [Institution], anchorIndex: Int?, hasAccess: Bool, hasGaps: Bool,
        stages: [Stage] = [], stagePlanName: String? = nil
    ) {
        self.studyName = studyName
        self.period = period
        self.reportDate = reportDate
        self.credits = credits
        self.policy = policy
        self.level = level
        self.rows = rows
        self.institutions = institutions
        self.anchorIndex = anchorIndex
        self.hasAccess = hasAccess
        self.hasGaps = hasGaps
        self.stages = stages
        self.stagePlanName = stagePlanName
    }

    /// The patient state of a count under `policy`: shown, or suppressed when 1 … k−1.
    static func patientDatum(_ count: Int?, policy: SmallCellPolicy) -> MapDatum {
        guard let count else { return .noData }
        return policy.isSmall(count) ? .suppressed : .value(Double(count))
    }

    /// Patients per 10,000 aged 65+ for a count state: suppressed and hidden counts stay so.
    static func penetrationDatum(_ patients: MapDatum, aged65: Double?) -> MapDatum {
        switch patients {
        case .value(let n):
            guard let aged65, aged65 > 0 else { return .noData }
            return .value(10_000 * n / aged65)
        default: return patients
        }
    }

    /// Builds the map data straight from a study model: patients and penetration at `level`
    /// (default: the finest level with patient counts); access and gaps with the study's
    /// `scenarios.gaps` settings (2SFCA over the given kinds and capacity; omitted when the study has
    /// none); stages of the first plan when `scenarios` is given and `stages` is true.
    ///
    /// An area without a patient row has 0 patients when the level has patient counts at all.
    public static func compute(
        _ model: StudyModel, policy: SmallCellPolicy, level: AreaLevel? = nil, stages includeStages: Bool = true,
        progress: (String) -> Void = { _ in }
    ) throws -> StudyMapData {
        let chosen = level ?? model.levels.first { model.areas[$0]!.contains { $0.patients != nil } } ?? model.levels.first!
        guard let areas = model.areas[chosen] else {
            throw MapRenderError("the study has no \(chosen.rawValue) areas: choose one of \(model.levels.map(\.rawValue).joined(separator: ", "))")
        }
        let levelHasPatients = areas.contains { $0.patients != nil }
        var scores: [String: Double]?
        var rules: [String: GapCategory]?
        if let g = model.spec.scenarios?.gaps {
            progress("access scores")
            let access = try StudyAccess.compute(
                model, level: chosen, kinds: g.kinds, capacityField: g.capacity, method: try .twoStep(maximumCost: g.thresholdMeters))
            let s = Dictionary(uniqueKeysWithValues: access.areaIDs.compactMap { id in access.score(id).map { (id, $0) } })
            scores = s
            progress("access gaps")
            let gaps = try AccessGaps.find(
                model, level: chosen, access: s, nearest: try DistanceCatchments.nearestDistances(model, level: chosen),
                requiredKinds: g.kinds, withinKm: g.withinKm)
            rules = Dictionary(uniqueKeysWithValues: gaps.gaps.map { ($0.areaID, GapCategory(reasons: $0.reasons)) })
        }
        let rows = areas.map { a -> Row in
            let count = a.patients ?? (levelHasPatients ? 0 : nil)
            let patients = patientDatum(count, policy: policy)
            return Row(
                id: a.id, name: a.name, geometry: a.geometry, labelPoint: a.pointOnSurface, patients: patients,
                penetration: penetrationDatum(patients, aged65: a.population["aged65"]),
                access: scores?[a.id], gap: rules.map { $0[a.id] ?? GapCategory.none })
        }
        var stageList: [Stage] = []
        var planName: String?
        if includeStages, model.spec.scenarios?.plans.isEmpty == false, model.spec.scenarios?.level == chosen {
            progress("stages")
            let analysis = try ScenarioAnalysis.run(model)
            if let plan = analysis.plans.first {
                planName = plan.name
                stageList = plan.stages.map { Stage(name: $0.name, areaIDs: $0.areaIDs, geometry: $0.geometry) }
            }
        }
        return StudyMapData(
            studyName: model.spec.name, period: model.spec.period, reportDate: model.spec.reportDate,
            credits: model.spec.credits, policy: policy, level: chosen, rows: rows, institutions: model.institutions,
            anchorIndex: model.anchorIndex, hasAccess: scores != nil, hasGaps: rules != nil, stages: stageList,
            stagePlanName: planName)
    }
}

/// The class of an area on the gap map: no gap, one of the rules of ``AccessGaps``, or several.
public enum GapCategory: String, Sendable, Hashable, CaseIterable {
    case none
    case lowAccessHighNeed = "low_access_high_need"
    case noSupplyInReach = "no_supply_in_reach"
    case farFromRequiredKind = "far_from_required_kind"
    case several

    /// The category of a gap from its reasons as ``AccessGaps`` words them ("low access …",
    /// "no supply …", "no <kind> …"): one reason gives its rule, more give ``several``.
    public init(reasons: [String]) {
        let rules = Set(reasons.map { r -> GapCategory in
            r.hasPrefix("low access") ? .lowAccessHighNeed : r.hasPrefix("no supply") ? .noSupplyInReach : .farFromRequiredKind
        })
        self = rules.count > 1 ? .several : rules.first ?? .none
    }
}

/// Options of study maps.
public struct StudyMapOptions: Sendable, Hashable {
    public var classification: ClassificationMethod
    public var page: MapPage
    public var language: MapLanguage
    public var showLabels: Bool

    public init(classification: ClassificationMethod = .quantile(k: 5), page: MapPage = .a4, language: MapLanguage = .ja, showLabels: Bool = true) {
        self.classification = classification
        self.page = page
        self.language = language
        self.showLabels = showLabels
    }
}

/// Builds the standard maps of a study from its figures.
public enum StudyMaps {
    /// The map of one metric.
    ///
    /// - Throws: ``MapRenderError`` when the metric was not computed (access and gaps need
    ///   `scenarios.gaps` in the study), ``ClassificationError`` for bad class options.
    public static func map(_ data: StudyMapData, metric: StudyMetric, options: StudyMapOptions = StudyMapOptions()) throws -> ThematicMap {
        let t = options.language.texts
        let classified: Classified
        let title: String, legend: String
        switch metric {
        case .patients:
            classified = try Classifier.classify(
                data.rows.map(\.patients), method: options.classification, ramp: .patients, policy: data.policy,
                zeroClass: true, integers: true, text: t)
            (title, legend) = (t.patientsTitle, t.patientsLegend)
        case .penetration:
            classified = try Classifier.classify(
                data.rows.map(\.penetration), method: options.classification, ramp: .penetration, policy: data.policy,
                zeroClass: true, integers: false, decimals: 1, text: t)
            (title, legend) = (t.penetrationTitle, t.penetrationLegend)
        case .access:
            guard data.hasAccess else { throw missingSettings(metric) }
            classified = try Classifier.classify(
                data.rows.map { $0.access.map(MapDatum.value) ?? .noData }, method: options.classification, ramp: .access,
                policy: data.policy, zeroClass: false, integers: false, decimals: 4, text: t)
            (title, legend) = (t.accessTitle, t.accessLegend)
        case .gaps:
            guard data.hasGaps else { throw missingSettings(metric) }
            classified = Classifier.categorical(data.rows.map { $0.gap?.rawValue }, categories: gapCategories(t), text: t)
            (title, legend) = (t.gapsTitle, t.gapsLegend)
        }
        var map = baseMap(data, options: options, title: title, legend: legend, classified: classified)
        map.subtitle += metric == .gaps ? "" : " · " + methodName(options.classification, t)
        // The widest stage of the first plan (e.g. the patients' 50 % region) as the reference outline.
        if let last = data.stages.last, metric != .gaps {
            map.outlines = [OutlineLayer(name: last.name, geometries: [last.geometry], color: RGBColor(20, 20, 20), width: 1.6, dash: [4, 2])]
        }
        return map
    }

    /// The stage map: each area coloured by the first stage of the study's first plan that holds it,
    /// with every stage's outline. Nil when the study has no stages at the map level.
    public static func stageMap(_ data: StudyMapData, options: StudyMapOptions = StudyMapOptions()) -> ThematicMap? {
        guard !data.stages.isEmpty else { return nil }
        let t = options.language.texts
        var firstStage: [String: Int] = [:]
        for (i, stage) in data.stages.enumerated() { for id in stage.areaIDs where firstStage[id] == nil { firstStage[id] = i } }
        let categories = data.stages.enumerated().map { i, s in
            (key: String(i), label: s.name, color: Palette.categorical[i % Palette.categorical.count])
        }
        let classified = Classifier.categorical(data.rows.map { firstStage[$0.id].map(String.init) }, categories: categories, text: t)
        var map = baseMap(data, options: options, title: t.stagesTitle, legend: t.stagesLegend, classified: classified)
        if let plan = data.stagePlanName { map.subtitle += " · " + plan }
        map.outlines = data.stages.enumerated().map { i, s in
            OutlineLayer(name: s.name, geometries: [s.geometry], color: RGBColor(20, 20, 20), width: 0.8 + 0.6 * Double(i), dash: i % 2 == 1 ? [4, 2] : [])
        }
        return map
    }

    /// Every standard map of the study, named by metric ("patients", "penetration", "access",
    /// "gaps", "stages"), skipping those the study's settings do not provide.
    public static func standardMaps(_ data: StudyMapData, options: StudyMapOptions = StudyMapOptions()) throws -> [(name: String, map: ThematicMap)] {
        var maps: [(name: String, map: ThematicMap)] = []
        for metric in StudyMetric.allCases {
            if metric == .access && !data.hasAccess || metric == .gaps && !data.hasGaps { continue }
            maps.append((metric.rawValue, try map(data, metric: metric, options: options)))
        }
        if let stages = stageMap(data, options: options) { maps.append(("stages", stages)) }
        return maps
    }

    static func missingSettings(_ metric: StudyMetric) -> MapRenderError {
        MapRenderError("the \(metric.rawValue) map needs access settings: add scenarios: gaps: {kinds: […], capacity: FIELD} to the study file (see geodata/README.md)")
    }

    static func methodName(_ method: ClassificationMethod, _ t: MapTexts) -> String {
        switch method {
        case .quantile: return t.classesQuantile
        case .naturalBreaks: return t.classesJenks
        case .fixed: return t.classesFixed
        }
    }

    static func gapCategories(_ t: MapTexts) -> [(key: String, label: String, color: RGBColor)] {
        let p = Palette.categorical
        return [
            ("none", t.noGap, Palette.zero),
            (GapCategory.lowAccessHighNeed.rawValue, t.gapLowAccessHighNeed, p[0]),
            (GapCategory.noSupplyInReach.rawValue, t.gapNoSupplyInReach, p[3]),
            (GapCategory.farFromRequiredKind.rawValue, t.gapFarFromRequiredKind, p[1]),
            (GapCategory.several.rawValue, t.gapSeveral, p[4]),
        ]
    }

    /// Symbols of institution kinds, in sorted kind order.
    static let kindSymbols: [PointSymbol] = [.circle, .square, .triangle, .diamond, .cross, .invertedTriangle]
    static let kindColors: [RGBColor] = [RGBColor(0, 114, 178), RGBColor(0, 158, 115), RGBColor(86, 60, 140), RGBColor(90, 90, 90), RGBColor(0, 0, 0), RGBColor(160, 80, 0)]

    static func baseMap(_ data: StudyMapData, options: StudyMapOptions, title: String, legend: String, classified: Classified) -> ThematicMap {
        let t = options.language.texts
        let areas = zip(data.rows, classified.classIndex).map { row, cls in
            MapArea(
                geometry: row.geometry, classIndex: cls,
                label: options.language.areaLabel(name: row.name, code: row.id, englishName: row.nameEnglish), labelPoint: row.labelPoint,
                labelPriority: row.patients.shownValue ?? 0)
        }
        var points: [PointLayer] = []
        let others = data.institutions.indices.filter { $0 != data.anchorIndex }
        let kinds = Set(others.map { data.institutions[$0].kind }).sorted()
        for (k, kind) in kinds.enumerated() {
            let members = others.filter { data.institutions[$0].kind == kind }
            let isHospital = kind.contains("hospital")
            points.append(PointLayer(
                name: t.kindName(kind), positions: members.map { data.institutions[$0].position },
                symbol: kindSymbols[k % kindSymbols.count], color: kindColors[k % kindColors.count], size: isHospital ? 5.5 : 3.6))
        }
        if let a = data.anchorIndex {
            let anchor = data.institutions[a]
            points.append(PointLayer(
                name: "\(t.anchor)（\(anchor.name)）", positions: [anchor.position], symbol: .star, color: RGBColor(230, 0, 18), size: 9,
                emphasised: true))
        }
        // Extent: the areas with patients (shown or suppressed) and the anchor; all areas when none.
        var extent: Envelope?
        for row in data.rows {
            let hasPatients: Bool
            switch row.patients {
            case .value(let v): hasPatients = v > 0
            case .suppressed, .hidden: hasPatients = true
            case .noData: hasPatients = false
            }
            guard hasPatients, let b = row.geometry.boundingBox else { continue }
            if var e = extent { e.expand(toInclude: b); extent = e } else { extent = b }
        }
        if var e = extent, let a = data.anchorIndex { e.expand(toInclude: data.institutions[a].position); extent = e }
        let level = options.language == .ja ? data.level.japaneseName : data.level.rawValue.replacingOccurrences(of: "_", with: " ")
        let period = data.period.isEmpty ? "" : "\(t.period)：\(data.period) · "
        return ThematicMap(
            page: options.page, language: options.language, title: "\(title) — \(data.studyName)",
            subtitle: "\(period)\(level)", legendTitle: legend, classes: classified.classes, areas: areas, points: points,
            showLabels: options.showLabels, credits: data.credits, internalBanner: !data.policy.isSuppressing, extent: extent)
    }
}
