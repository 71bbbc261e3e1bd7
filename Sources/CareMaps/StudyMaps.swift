import CareAtlas
import CarePrivacy
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
        public let gap: GapClass?

        public init(
            id: String, name: String, nameEnglish: String? = nil, geometry: Geometry, labelPoint: Coordinate,
            patients: MapDatum, penetration: MapDatum, access: Double?, gap: GapClass?
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

    /// The map data of a study's results: the figures of ``StudyResults/areas`` (suppression
    /// already applied there: "<k" → suppressed bin, "x" → hidden), its access scores and gap
    /// classes when computed, and the stages of its first plan.
    ///
    /// An area without patients in the ranking has 0 patients.
    public init(results: StudyResults) {
        let policy = results.policy
        // Boundaries are simplified for drawing (topology-preserving, Douglas–Peucker) to 1/4000 of
        // the study's diagonal — about 0.05 mm on an A4 map, a third of a pixel on a slide — which
        // makes maps and the HTML report several times smaller without a visible change.
        var all: Envelope?
        for a in results.areas { if let b = a.geometry.boundingBox { if var e = all { e.expand(toInclude: b); all = e } else { all = b } } }
        let tolerance = all.map { hypot($0.maxX - $0.minX, $0.maxY - $0.minY) / 4000 } ?? 0
        func drawn(_ g: Geometry) -> Geometry { tolerance > 0 ? (try? g.simplified(tolerance: tolerance)) ?? g : g }
        let rows = results.areas.map { a -> Row in
            let patients: MapDatum
            if a.patientsHidden {
                patients = a.patientsLabel == SmallCellPolicy.secondaryLabel ? .hidden : .suppressed
            } else {
                patients = .value(Double(a.patients ?? 0))
            }
            let penetration: MapDatum
            switch patients {
            case .value(let n): penetration = n == 0 && (a.aged65 ?? 0) > 0 ? .value(0) : a.penetration.map(MapDatum.value) ?? .noData
            default: penetration = patients
            }
            return Row(
                id: a.id, name: a.name, nameEnglish: a.nameEnglish, geometry: drawn(a.geometry), labelPoint: a.labelPoint,
                patients: patients, penetration: penetration, access: a.accessScore, gap: a.gapClass)
        }
        let model = results.model
        let plan = results.scenarios.flatMap { $0.level == results.level ? $0.plans.first : nil }
        self.init(
            studyName: model.spec.name, period: model.spec.period, reportDate: model.spec.reportDate, credits: model.spec.credits,
            policy: policy, level: results.level, rows: rows, institutions: model.institutions, anchorIndex: model.anchorIndex,
            hasAccess: results.access != nil, hasGaps: results.gaps != nil,
            stages: plan?.stages.map { Stage(name: $0.name, areaIDs: $0.areaIDs, geometry: drawn($0.geometry)) } ?? [],
            stagePlanName: plan?.name)
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
            classified = Classifier.categorical(data.rows.map { $0.gap?.rawValue }, categories: gapCategories(options.language), text: t)
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
        let outside = (key: "outside", label: t.outsideStages, color: Palette.noData)
        let classified = Classifier.categorical(
            data.rows.map { firstStage[$0.id].map(String.init) ?? outside.key }, categories: categories + [outside], text: t)
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

    static func gapCategories(_ language: MapLanguage) -> [(key: String, label: String, color: RGBColor)] {
        let p = Palette.categorical
        func color(_ c: GapClass) -> RGBColor {
            switch c {
            case .none: return Palette.zero
            case .lowAccessHighNeed: return p[0]
            case .noSupplyInReach: return p[3]
            case .farFromRequiredKind: return p[1]
            case .several: return p[4]
            }
        }
        return GapClass.allCases.map { ($0.rawValue, $0.label(english: language == .en), color($0)) }
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
        let period = data.period.isEmpty ? "" : "\(t.period)\(options.language == .ja ? "：" : ": ")\(data.period) · "
        return ThematicMap(
            page: options.page, language: options.language, title: "\(title) — \(data.studyName)",
            subtitle: "\(period)\(level)", legendTitle: legend, classes: classified.classes, areas: areas, points: points,
            showLabels: options.showLabels, credits: data.credits, internalBanner: !data.policy.isSuppressing, extent: extent)
    }
}
