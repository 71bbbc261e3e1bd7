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
    /// The decision region: the areas of the first plan's stages, or else of the catchment
    /// reaching half of the patients (contiguous when there is one); maps show it by default.
    public var decisionAreaIDs: [String] = []
    /// Areas by group name (e.g. 二次医療圏) and by stage name of every plan, for `--extent`.
    public var namedAreaSets: [String: [String]] = [:]
    /// The study's metric CRS (for an extent given in longitude and latitude).
    public var crs: CRS?

    /// Travel times to the anchor (travel-time studies): the band limits in minutes, each area's
    /// minutes to the anchor ("no route" and "no data" kept apart), and the anchor's drive-time
    /// areas at the limits, drawn as outlines.
    public struct DriveTime: Sendable {
        public let limits: [Double]
        /// Minutes to the anchor by area id (absent: no route).
        public let minutesToAnchor: [String: Double]
        /// Areas without travel times.
        public let noData: Set<String>
        public let zones: [(minutes: Double, geometry: Geometry)]
        /// What the cost is, for the subtitle.
        public let cost: String
    }
    public var driveTime: DriveTime?

    /// The districts of `planning.role_sharing` (``StudyMaps/roleSharingMap(_:options:)``): each
    /// base hospital with its position and areas, at the map's level; nil without role sharing.
    public struct RoleSharing: Sendable {
        public struct District: Sendable {
            public let hospitalID: String
            public let hospitalName: String
            public let position: Coordinate
            public let areaIDs: [String]
        }
        public let districts: [District]
        public let optimal: Bool
        public let gap: Double
    }
    public var roleSharing: RoleSharing?

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
    ///
    /// - Parameter simplified: boundaries simplified ahead (see ``drawingTolerance(_:)``), used
    ///   where they are those of the same geometries at the same tolerance.
    public init(results: StudyResults, simplified: SimplifiedGeometries? = nil) {
        let policy = results.policy
        let tolerance = Self.drawingTolerance(results.areas.map { ($0.geometry, $0.patientsHidden || ($0.patients ?? 0) > 0) })
        func drawn(_ g: Geometry) -> Geometry { tolerance > 0 ? (try? g.simplified(tolerance: tolerance)) ?? g : g }
        func drawn(_ g: Geometry, id: String) -> Geometry { simplified?.simplified(g, id: id, tolerance: tolerance) ?? drawn(g) }
        let rows = results.areas.map { a -> Row in
            let patients: MapDatum
            if a.patientsHidden {
                patients = a.patientsLabel == SmallCellPolicy.secondaryLabel ? .hidden : .suppressed
            } else {
                patients = .value(Double(a.patients ?? 0))
            }
            var penetration: MapDatum
            switch patients {
            case .value(let n): penetration = n == 0 && (a.aged65 ?? 0) > 0 ? .value(0) : a.penetration.map(MapDatum.value) ?? .noData
            default: penetration = patients
            }
            // Without a 65+ population there is no rate to draw, whatever the count: no data (which
            // reveals less than the count's own class).
            if a.aged65 == nil { penetration = .noData }
            return Row(
                id: a.id, name: a.name, nameEnglish: a.nameEnglish, geometry: drawn(a.geometry, id: a.id), labelPoint: a.labelPoint,
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
        if let costs = results.costs, let anchor = model.anchorIndex, let areas = model.areas[results.level] {
            var minutes: [String: Double] = [:]
            for (i, a) in areas.enumerated() { minutes[a.id] = costs.minutes(level: results.level, area: i, institution: anchor) }
            let anchorID = model.institutions[anchor].id
            let zones = (results.driveTimes?.zones ?? []).filter { $0.institutionID == anchorID }.map { (minutes: $0.minutes, geometry: drawn($0.geometry)) }
            let limits = results.driveTimes?.minutes ?? DriveTimeAreas.defaultMinutes.filter { $0 <= (costs.cutoffMinutes ?? .infinity) }
            driveTime = DriveTime(limits: limits, minutesToAnchor: minutes, noData: Set(costs.areasWithoutData[results.level] ?? []),
                                  zones: zones, cost: costs.japaneseDescription)
        }
        crs = model.crs
        var named: [String: [String]] = [:]
        let levelIDs = Set(rows.map(\.id))
        for group in model.groups.values.flatMap({ $0 }) {
            let ids = group.memberIDs.filter(levelIDs.contains)
            if !ids.isEmpty { named[group.name] = ids }
        }
        if let s = results.scenarios, s.level == results.level {
            for p in s.plans { for st in p.stages where named[st.name] == nil { named[st.name] = st.areaIDs } }
        }
        namedAreaSets = named
        if let rs = results.planning?.roleSharing?.value, rs.level == results.level {
            let position = Dictionary(uniqueKeysWithValues: model.institutions.map { ($0.id, $0.position) })
            roleSharing = RoleSharing(
                districts: rs.districts.compactMap { d in
                    position[d.hospitalID].map { .init(hospitalID: d.hospitalID, hospitalName: d.hospitalName, position: $0, areaIDs: d.areaIDs) }
                },
                optimal: rs.solution.optimal, gap: rs.solution.gap)
        }
        if let last = plan?.stages.last {
            decisionAreaIDs = last.areaIDs
        } else {
            let half = results.shares.catchments.filter { abs($0.targetShare - 0.5) < 1e-9 }
            decisionAreaIDs = (half.first { $0.contiguous } ?? half.first)?.areaIDs ?? []
        }
    }

    /// The tolerance the maps' boundaries are simplified to (topology-preserving Douglas–Peucker):
    /// 1/4000 of the diagonal of the areas with patients (shown or suppressed; of every area when
    /// none has any) — about 0.05 mm on an A4 map, a third of a pixel on a slide — which makes maps
    /// and the HTML report several times smaller without a visible change. The diagonal is that of
    /// the areas with patients (what the widest map shows), not of every area: a study reaching
    /// 小笠原 would otherwise simplify wards by a quarter of a kilometre. 0 without geometry.
    public static func drawingTolerance(_ areas: [(geometry: Geometry, hasPatients: Bool)]) -> Double {
        var all: Envelope?
        let withPatients = areas.filter(\.hasPatients)
        for a in withPatients.isEmpty ? areas : withPatients {
            if let b = a.geometry.boundingBox { if var e = all { e.expand(toInclude: b); all = e } else { all = b } }
        }
        return all.map { hypot($0.maxX - $0.minX, $0.maxY - $0.minY) / 4000 } ?? 0
    }

    /// The extent a `--extent` value names: `all`; `bbox:LON0,LAT0,LON1,LAT1` (WGS 84); or
    /// comma-separated area codes, group names (e.g. 区中央部) and stage names, together.
    ///
    /// - Throws: ``MapRenderError`` naming what was not found and what may be given.
    public func extent(named text: String) throws -> MapExtent {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value == "all" { return .all }
        if value == "decision" { return .decision }
        if value.hasPrefix("bbox:") {
            let numbers = value.dropFirst(5).split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 4, numbers[0] < numbers[2], numbers[1] < numbers[3], let crs else {
                throw MapRenderError("--extent \(value): write bbox:LON0,LAT0,LON1,LAT1 in degrees (WGS 84) with LON0 < LON1 and LAT0 < LAT1, e.g. bbox:139.70,35.65,139.82,35.74")
            }
            let t = try CoordinateTransform(from: .wgs84, to: crs)
            var corners = [Coordinate(x: numbers[0], y: numbers[1]), Coordinate(x: numbers[2], y: numbers[3]),
                           Coordinate(x: numbers[0], y: numbers[3]), Coordinate(x: numbers[2], y: numbers[1])]
            try t.transform(&corners)
            return .box(Envelope(minX: corners.map(\.x).min()!, minY: corners.map(\.y).min()!,
                                 maxX: corners.map(\.x).max()!, maxY: corners.map(\.y).max()!))
        }
        let ids = Set(rows.map(\.id))
        var chosen: [String] = []
        var unknown: [String] = []
        for token in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !token.isEmpty {
            if ids.contains(token) { chosen.append(token) }
            else if let set = namedAreaSets[token] { chosen += set }
            else if let row = rows.first(where: { $0.name == token }) { chosen.append(row.id) }
            else { unknown.append(token) }
        }
        guard unknown.isEmpty, !chosen.isEmpty else {
            let names = namedAreaSets.keys.sorted().prefix(12).joined(separator: ", ")
            throw MapRenderError("--extent \(value): \(unknown.isEmpty ? "names no area" : "no area, group or stage named \(unknown.joined(separator: ", "))"); give area codes (e.g. \(rows.first?.id ?? "13105")), area names, a group or stage (\(names)), all, or bbox:LON0,LAT0,LON1,LAT1")
        }
        return .areas(Array(Set(chosen)).sorted())
    }
}

/// The part of a study a map shows.
public enum MapExtent: Sendable, Hashable {
    /// The decision region (``StudyMapData/decisionAreaIDs``) with an overview inset; every area
    /// with patients when the study has none.
    case decision
    /// Every area with patients, and the anchor.
    case all
    /// These areas (labelled), with an overview inset.
    case areas([String])
    /// A box in the study's metric CRS, with an overview inset.
    case box(Envelope)
}

/// Options of study maps.
public struct StudyMapOptions: Sendable, Hashable {
    public var classification: ClassificationMethod
    public var page: MapPage
    public var language: MapLanguage
    public var showLabels: Bool
    public var extent: MapExtent
    /// Institution kinds drawn (nil: every kind). The anchor is always drawn.
    public var kinds: [String]?

    public init(classification: ClassificationMethod = .quantile(k: 5), page: MapPage = .a4, language: MapLanguage = .ja, showLabels: Bool = true,
                extent: MapExtent = .decision, kinds: [String]? = nil) {
        self.classification = classification
        self.page = page
        self.language = language
        self.showLabels = showLabels
        self.extent = extent
        self.kinds = kinds
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
        // Every stage of the first plan as an outline in its own colour (inner stages drawn last, on top).
        if metric != .gaps {
            map.outlines = data.stages.enumerated().map { i, s in
                OutlineLayer(name: "\(t.stagesLegend)\(i + 1) \(s.name)", geometries: [s.geometry], color: Palette.stages[i % Palette.stages.count],
                             width: 2.4 - 0.4 * Double(min(i, 3)), dash: [])
            }
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
            (key: String(i), label: "\(i + 1) \(s.name)", color: Palette.stages[i % Palette.stages.count].mixed(with: RGBColor(255, 255, 255), 0.25))
        }
        let outside = (key: "outside", label: t.outsideStages, color: Palette.noData)
        let classified = Classifier.categorical(
            data.rows.map { firstStage[$0.id].map(String.init) ?? outside.key }, categories: categories + [outside], text: t)
        var map = baseMap(data, options: options, title: t.stagesTitle, legend: t.stagesLegend, classified: classified)
        if let plan = data.stagePlanName { map.subtitle += " · " + plan }
        map.outlines = data.stages.enumerated().map { i, s in
            OutlineLayer(name: "\(i + 1) \(s.name)", geometries: [s.geometry], color: RGBColor(20, 20, 20), width: 0.8 + 0.5 * Double(i), dash: [])
        }
        return map
    }

    /// Every standard map of the study, named by metric ("patients", "penetration", "access",
    /// "gaps", "stages", "drive_time", "role_sharing"), skipping those the study's settings do not provide.
    public static func standardMaps(_ data: StudyMapData, options: StudyMapOptions = StudyMapOptions()) throws -> [(name: String, map: ThematicMap)] {
        var maps: [(name: String, map: ThematicMap)] = []
        for metric in StudyMetric.allCases {
            if metric == .access && !data.hasAccess || metric == .gaps && !data.hasGaps { continue }
            maps.append((metric.rawValue, try map(data, metric: metric, options: options)))
        }
        if let stages = stageMap(data, options: options) { maps.append(("stages", stages)) }
        if let driveTime = driveTimeMap(data, options: options) { maps.append(("drive_time", driveTime)) }
        if let roleSharing = roleSharingMap(data, options: options) { maps.append(("role_sharing", roleSharing)) }
        return maps
    }

    /// The drive-time map (travel-time studies): each area coloured by its travel time to the
    /// anchor in bands of the drive-time limits (10, 20, 30 min by default), "no route" and "no
    /// data" in their own classes, with the anchor's drive-time areas as outlines. Nil for
    /// straight-line studies.
    public static func driveTimeMap(_ data: StudyMapData, options: StudyMapOptions = StudyMapOptions()) -> ThematicMap? {
        guard let d = data.driveTime, !d.limits.isEmpty else { return nil }
        let en = options.language == .en
        let unit = en ? " min" : "分"
        var categories: [(key: String, label: String, color: RGBColor)] = []
        var lower = 0.0
        let colors = Array(ColorRamp.access.colors(d.limits.count).reversed())  // nearest darkest
        for (i, limit) in d.limits.enumerated() {
            let label = i == 0 ? "≤ \(numberLabel(limit))\(unit)" : "\(numberLabel(lower))–\(numberLabel(limit))\(unit)"
            categories.append((String(i), label, colors[i]))
            lower = limit
        }
        let beyond = (key: "beyond", label: en ? "over \(numberLabel(lower)) min or no route" : "\(numberLabel(lower))分超・経路なし", color: RGBColor(200, 200, 200))
        let noData = (key: "no_data", label: en ? "no data (off the road network)" : "データなし（道路網外）", color: Palette.noData)
        let keys: [String?] = data.rows.map { row in
            if d.noData.contains(row.id) { return noData.key }
            guard let t = d.minutesToAnchor[row.id] else { return beyond.key }
            return d.limits.firstIndex { t <= $0 }.map(String.init) ?? beyond.key
        }
        let classified = Classifier.categorical(keys, categories: categories + [beyond, noData], text: options.language.texts)
        var map = baseMap(data, options: options, title: en ? "Travel time to the anchor hospital" : "基幹病院までの所要時間",
                          legend: en ? "Minutes from the area's population centre" : "地域の人口重心からの所要時間", classified: classified)
        map.subtitle += " · " + (en ? "road network" : d.cost)
        map.outlines = d.zones.enumerated().map { i, z in
            OutlineLayer(name: en ? "drive-time area \(numberLabel(z.minutes)) min" : "\(numberLabel(z.minutes))分圏",
                         geometries: [z.geometry], color: RGBColor(20, 20, 20), width: 0.8 + 0.5 * Double(i), dash: i % 2 == 1 ? [4, 2] : [])
        }
        return map
    }

    static func numberLabel(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

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
            case .noData: return Palette.noDataFill
            }
        }
        // no_data is not a category: it falls into the hatched "データなし" / "no data" class.
        return GapClass.allCases.filter { $0 != .noData }.map { ($0.rawValue, $0.label(english: language == .en), color($0)) }
    }

    /// Symbols of institution kinds, in sorted kind order.
    static let kindSymbols: [PointSymbol] = [.circle, .square, .triangle, .diamond, .cross, .invertedTriangle]
    static let kindColors: [RGBColor] = [RGBColor(0, 114, 178), RGBColor(0, 158, 115), RGBColor(86, 60, 140), RGBColor(90, 90, 90), RGBColor(0, 0, 0), RGBColor(160, 80, 0)]

    static func baseMap(_ data: StudyMapData, options: StudyMapOptions, title: String, legend: String, classified: Classified) -> ThematicMap {
        let t = options.language.texts
        // The areas in focus: labelled whatever it takes, and highlighted in the overview.
        let focus: Set<String>
        switch options.extent {
        case .decision: focus = Set(data.decisionAreaIDs)
        case .areas(let ids): focus = Set(ids)
        case .box(let e): focus = Set(data.rows.filter { e.contains($0.labelPoint) }.map(\.id))
        case .all: focus = []
        }
        let areas = zip(data.rows, classified.classIndex).map { row, cls in
            MapArea(
                geometry: row.geometry, classIndex: cls,
                label: options.language.areaLabel(name: row.name, code: row.id, englishName: row.nameEnglish), labelPoint: row.labelPoint,
                labelPriority: row.patients.shownValue ?? 0, labelRequired: focus.contains(row.id))
        }
        var points: [PointLayer] = []
        let others = data.institutions.indices.filter { $0 != data.anchorIndex && (options.kinds?.contains(data.institutions[$0].kind) ?? true) }
        let allKinds = Set(data.institutions.indices.filter { $0 != data.anchorIndex }.map { data.institutions[$0].kind }).sorted()
        let kinds = Set(others.map { data.institutions[$0].kind }).sorted()
        for kind in kinds {
            // Symbols by the kind's place among all kinds, so that filtering keeps each kind's symbol.
            let k = allKinds.firstIndex(of: kind) ?? 0
            let members = others.filter { data.institutions[$0].kind == kind }
            let isHospital = kind.contains("hospital")
            points.append(PointLayer(
                name: t.kindName(kind), positions: members.map { data.institutions[$0].position },
                symbol: kindSymbols[k % kindSymbols.count], color: kindColors[k % kindColors.count], size: isHospital ? 5 : 3.2))
        }
        if let a = data.anchorIndex {
            let anchor = data.institutions[a]
            points.append(PointLayer(
                name: "\(t.anchor)（\(anchor.name)）", positions: [anchor.position], symbol: .star, color: RGBColor(230, 0, 18), size: 9,
                emphasised: true))
        }
        func envelope(_ rows: [StudyMapData.Row]) -> Envelope? {
            var extent: Envelope?
            for row in rows {
                guard let b = row.geometry.boundingBox else { continue }
                if var e = extent { e.expand(toInclude: b); extent = e } else { extent = b }
            }
            return extent
        }
        // Extent: every area with patients (shown or suppressed) and the anchor; all areas when none.
        let withPatients = data.rows.filter { row in
            switch row.patients {
            case .value(let v): return v > 0
            case .suppressed, .hidden: return true
            case .noData: return false
            }
        }
        var whole = envelope(withPatients)
        if var e = whole, let a = data.anchorIndex { e.expand(toInclude: data.institutions[a].position); whole = e }
        var extent = whole
        switch options.extent {
        case .all: break
        case .decision, .areas:
            if !focus.isEmpty, var e = envelope(data.rows.filter { focus.contains($0.id) }) {
                if let a = data.anchorIndex { e.expand(toInclude: data.institutions[a].position) }
                extent = e
            }
        case .box(let e): extent = e
        }
        let level = options.language == .ja ? data.level.japaneseName : data.level.rawValue.replacingOccurrences(of: "_", with: " ")
        let period = data.period.isEmpty ? "" : "\(t.period)\(options.language == .ja ? "：" : ": ")\(data.period) · "
        var map = ThematicMap(
            page: options.page, language: options.language, title: "\(title) — \(data.studyName)",
            subtitle: "\(period)\(level)", legendTitle: legend, classes: classified.classes, areas: areas, points: points,
            showLabels: options.showLabels, credits: data.credits, internalBanner: !data.policy.isSuppressing, extent: extent)
        // An overview of the whole study when the map shows a part of it.
        if let e = extent, let all = envelope(data.rows), e.width * e.height < 0.8 * all.width * all.height {
            map.overview = data.rows.map(\.geometry)
            map.overviewExtent = whole
            map.overviewHighlight = data.rows.filter { focus.contains($0.id) }.map(\.geometry)
        }
        if points.contains(where: { !$0.emphasised }) {
            map.legendNote = options.language == .ja
                ? "近くの同じ種別の施設は1つの記号にまとめ、数が多いほど大きく表示。ラベルと基幹病院の上には描かない。"
                : "Nearby institutions of one kind are drawn as one symbol, larger for more; none is drawn over a label or the anchor."
        }
        return map
    }
}
