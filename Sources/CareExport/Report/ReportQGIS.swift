import CareAtlas
import CarePrivacy
import CareFormats
import CareGeoPackage
import CareGeometry
import CareMaps
import Foundation

/// QGIS styles of the report's layers and the project `careatlas.qgs`, derived from the Cairo
/// maps: the class of every area is the one ``StudyMaps`` gives it, and each class becomes one rule
/// with the map's colour and legend label, so QGIS, the slides and the HTML map agree.
///
/// Value classes become ranges on the published field: class k holds (upper limit of class k−1,
/// upper limit of class k], the upper limit being the one its legend label shows ("14–16" → 16; the
/// largest value of the class when the label has no number), the first class from 0 (exclusive)
/// for counts and from −∞ otherwise, the last class up to +∞: the ranges cover every number, and
/// the "<10" / "x" / "0" / no-data classes and an ELSE rule cover the rest, so no feature is left
/// undrawn. A rate's classes also require its denominator (`aged65_status = 'ok'`), so that
/// areas without one fall to the no-data rule whatever their count. Every area is then checked
/// against its map class; where the published (rounded) values cannot separate two classes, that
/// theme's classes are given by area code instead.
enum ReportQGIS {
    struct Theme {
        let key: String
        let title: String
        let style: LayerStyle
    }

    static func color(_ c: RGBColor) -> StyleColor { StyleColor(red: c.r, green: c.g, blue: c.b) }

    static let labels = LayerStyle.Labels(field: "area_name")

    /// The status field of each theme's denominator (`ok` / `no_data` in the areas layer): the
    /// penetration map has no rate where the 65+ population is missing.
    static let denominatorStatus = ["penetration": "aged65_status"]

    /// One style per standard map ("patients", "penetration", "access", "gaps", "stages") for the
    /// areas layer, in the maps' order.
    static func themes(_ r: StudyResults, mapData: StudyMapData, published: [JSONObject], language: MapLanguage) throws -> [Theme] {
        let maps = try StudyMaps.standardMaps(mapData, options: StudyMapOptions(page: .a4, language: language))
        var themes: [Theme] = []
        for (key, map) in maps where map.areas.count == published.count {
            let field: String? = ["patients": "patients", "penetration": "penetration_per_10k_aged65", "access": "access_score"][key]
            let category: String? = ["gaps": "gap_class", "stages": "plan1_first_stage_order"][key]
            let countBased = key == "patients" || key == "penetration"
            var rules: [LayerStyle.Rule] = []
            let valueClasses = map.classes.indices.filter { map.classes[$0].role == .value }
            // Upper limit of each value class: its label's, unless the label's rounding puts a
            // published value of the class above it or one of the next class below it; then the
            // largest published value of the class.
            var largest: [Int: Double] = [:], smallest: [Int: Double] = [:]
            for (a, p) in zip(map.areas, published) {
                guard let field, map.classes[a.classIndex].role == .value, let v = p[field]?.numberValue else { continue }
                largest[a.classIndex] = max(largest[a.classIndex] ?? -.infinity, v)
                smallest[a.classIndex] = min(smallest[a.classIndex] ?? .infinity, v)
            }
            var upper = largest
            for (position, k) in valueClasses.enumerated() {
                guard let u = labelUpperLimit(map.classes[k].label) else { continue }
                let next = position + 1 < valueClasses.count ? smallest[valueClasses[position + 1]] : nil
                if u >= (largest[k] ?? -.infinity), u < (next ?? .infinity) { upper[k] = u }
            }
            for (k, c) in map.classes.enumerated() {
                var condition: LayerStyle.Condition?
                switch c.role {
                case .suppressed: condition = .equalsText("patients_label", r.policy.suppressedLabel)
                case .hidden: condition = .equalsText("patients_label", SmallCellPolicy.secondaryLabel)
                case .zero: condition = .all([.isNotNull("patients"), .equals(field ?? "patients", 0)])
                case .value:
                    guard let field, let position = valueClasses.firstIndex(of: k) else { continue }
                    var parts: [LayerStyle.Condition] = countBased && field != "patients" ? [.isNotNull("patients")] : []
                    if position > 0, let below = upper[valueClasses[position - 1]] {
                        parts.append(.above(field, below, inclusive: false))
                    } else if countBased {
                        parts.append(.above(field, 0, inclusive: false))
                    } else {
                        parts.append(.isNotNull(field))
                    }
                    if position < valueClasses.count - 1, let top = upper[k] { parts.append(.atMost(field, top)) }
                    condition = .all(parts)
                case .category:
                    // Every area of the class has the same value of the category field.
                    guard let category, let i = map.areas.firstIndex(where: { $0.classIndex == k }) else { continue }
                    switch published[i][category] {
                    case .string(let s)?: condition = .equalsText(category, s)
                    case .number(let v)?: condition = .equals(category, v)
                    default: condition = .isNull(category)  // e.g. the areas in no stage
                    }
                case .noData: condition = nil
                }
                // A rate needs its denominator: every class but データなし / no data asks for it
                // (`aged65_status = 'ok'`), so an area without one (whatever its count, even "<10")
                // falls to the no-data rule, as on the map.
                if let gate = denominatorStatus[key], let c = condition {
                    let ok = LayerStyle.Condition.equalsText(gate, "ok")
                    if case .all(let parts) = c { condition = .all([ok] + parts) } else { condition = .all([ok, c]) }
                }
                rules.append(LayerStyle.Rule(label: c.label, condition: condition, fill: color(c.color), hatched: c.hatched))
            }
            if !rules.contains(where: { $0.condition == nil }) {
                rules.append(LayerStyle.Rule(label: language.texts.noData, condition: nil, fill: color(Palette.noData)))
            }
            // Check: every area matches the one rule of its map class. Where the published values
            // cannot separate the classes (rounding), the classes are given by area code instead.
            let agrees = zip(map.areas, published).allSatisfy { a, p in
                let matched = rules.indices.filter { rules[$0].condition?.matches(p) ?? false }
                let label = map.classes[a.classIndex].label
                return matched.isEmpty ? rules.first { $0.condition == nil }?.label == label : matched.count == 1 && rules[matched[0]].label == label
            }
            if !agrees {
                rules = map.classes.enumerated().compactMap { k, c in
                    let codes = zip(map.areas, published).filter { $0.0.classIndex == k }.compactMap { $0.1["area_code"]?.stringValue }
                    return codes.isEmpty ? nil : LayerStyle.Rule(label: c.label, condition: .oneOf("area_code", codes), fill: color(c.color), hatched: c.hatched)
                } + [LayerStyle.Rule(label: language.texts.noData, condition: nil, fill: color(Palette.noData))]
            }
            themes.append(Theme(key: key, title: map.legendTitle, style: LayerStyle(
                name: key, renderer: .rules(rules), stroke: color(Palette.boundary), strokeWidthMM: 0.15,
                description: map.title, labels: key == "patients" ? labels : nil)))
        }
        return themes
    }

    /// The upper number of a class label ("14–16" → 16, "1,234–2,000" → 2000, "16" → 16).
    static func labelUpperLimit(_ label: String) -> Double? {
        let last = label.split(separator: "–").last.map(String.init) ?? label
        return Double(last.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces))
    }

    /// Institutions by kind with the maps' symbols and colours; the anchor as a red star.
    static func institutionStyle(_ r: StudyResults, mapData: StudyMapData, language: MapLanguage, anchorOnly: Bool) throws -> LayerStyle {
        let t = language.texts
        let map = try StudyMaps.map(mapData, metric: .patients, options: StudyMapOptions(page: .a4, language: language))
        let star = LayerStyle.Rule(label: t.anchor, condition: .equalsText("role", "anchor"), fill: StyleColor(red: 230, green: 0, blue: 18),
                                   marker: .init(shape: "star", sizeMM: 6), stroke: StyleColor(red: 255, green: 255, blue: 255), strokeWidthMM: 0.4)
        if anchorOnly { return LayerStyle(name: "anchor", renderer: .rules([star])) }
        var rules: [LayerStyle.Rule] = []
        let kinds = Set(r.model.institutions.enumerated().filter { $0.offset != r.model.anchorIndex }.map(\.element.kind)).sorted()
        for kind in kinds {
            let layer = map.points.first { $0.name == t.kindName(kind) && !$0.emphasised }
            let shape: (String, Double)
            switch layer?.symbol ?? .circle {
            case .circle: shape = ("circle", 0)
            case .square: shape = ("square", 0)
            case .triangle: shape = ("triangle", 0)
            case .invertedTriangle: shape = ("triangle", 180)
            case .diamond: shape = ("diamond", 0)
            case .cross: shape = ("cross_fill", 0)
            case .star: shape = ("star", 0)
            }
            // The maps' sizes are in points; a little larger in QGIS, where the map is on screen.
            let size = max(1.8, (layer?.size ?? 4) * 25.4 / 72 * 1.2)
            rules.append(LayerStyle.Rule(label: t.kindName(kind), condition: .all([.equalsText("kind", kind), .notEqualsText("role", "anchor")]),
                                         fill: color(layer?.color ?? RGBColor(90, 90, 90)), marker: .init(shape: shape.0, sizeMM: size, angle: shape.1),
                                         stroke: StyleColor(red: 255, green: 255, blue: 255), strokeWidthMM: 0.3))
        }
        return LayerStyle(name: "kind", renderer: .rules(rules + [star]))
    }

    /// The first plan's stages as outlines (the stage map's widths and dashes); other plans'
    /// stages are not drawn.
    static func stageStyle(_ r: StudyResults) -> LayerStyle {
        guard let plan = r.scenarios?.plans.first else { return LayerStyle(name: "stage_regions", renderer: .rules([])) }
        let rules = plan.stages.enumerated().map { i, s in
            LayerStyle.Rule(label: s.name, condition: .all([.equalsText("plan", plan.name), .equals("stage_order", Double(i + 1))]), fill: nil,
                            stroke: StyleColor(red: 20, green: 20, blue: 20), strokeWidthMM: (0.8 + 0.6 * Double(i)) * 25.4 / 72 * 1.5, dashed: i % 2 == 1)
        }
        return LayerStyle(name: "stage_regions", renderer: .rules(rules))
    }

    /// Catchments as outlines: contiguous solid, rank-order dashed, wider for larger targets.
    static func catchmentStyle(_ r: StudyResults) -> LayerStyle {
        var rules: [LayerStyle.Rule] = []
        let targets = Set(r.shares.catchments.map { ($0.targetShare * 100).rounded() }).sorted()
        for contiguous in [true, false] {
            for (i, t) in targets.enumerated() {
                let method = contiguous ? "contiguous" : "unconstrained"
                rules.append(LayerStyle.Rule(
                    label: "\(Int(t)) %（\(contiguous ? "連結" : "順位順")）", condition: .all([.equals("target_share_percent", t), .equalsText("method", method)]),
                    fill: nil, stroke: contiguous ? StyleColor(red: 0, green: 90, blue: 160) : StyleColor(red: 150, green: 60, blue: 0),
                    strokeWidthMM: 0.4 + 0.3 * Double(i), dashed: !contiguous))
            }
        }
        return LayerStyle(name: "catchments", renderer: .rules(rules))
    }

    /// Gap classes of the access-gap layer, in the gap map's colours.
    static func gapStyle(_ themes: [Theme]) -> LayerStyle? {
        guard let gaps = themes.first(where: { $0.key == "gaps" }), case .rules(let rules) = gaps.style.renderer else { return nil }
        return LayerStyle(name: "gap_class", renderer: .rules(rules.filter { $0.condition != nil }), stroke: gaps.style.stroke, strokeWidthMM: 0.15)
    }

    /// The default style of each GeoPackage layer (`layer_styles`): the patient map for areas.
    static func defaultStyles(_ r: StudyResults, mapData: StudyMapData, layers: [ReportLayers.Layer], language: MapLanguage) throws -> [String: LayerStyle] {
        let published = layers.first { $0.name == "areas" }?.features.map(\.1) ?? []
        let themes = try themes(r, mapData: mapData, published: published, language: language)
        var styles: [String: LayerStyle] = ["institutions": try institutionStyle(r, mapData: mapData, language: language, anchorOnly: false),
                                            "stage_regions": stageStyle(r), "catchments": catchmentStyle(r)]
        if let patients = themes.first { styles["areas"] = patients.style }
        if let g = gapStyle(themes) { styles["access_gaps"] = g }
        return styles
    }

    /// `careatlas.qgs`: labels, the anchor, institutions by kind, stage and catchment outlines, the
    /// access gaps, then one areas layer per map theme (the patient map shown); the project CRS is
    /// the study's metric CRS and it opens on the decision region (``DecisionRegion``).
    static func project(_ r: StudyResults, mapData: StudyMapData, layers: [ReportLayers.Layer], language: MapLanguage) throws -> String {
        let published = layers.first { $0.name == "areas" }?.features.map(\.1) ?? []
        let themes = try themes(r, mapData: mapData, published: published, language: language)
        let en = language == .en
        var out: [QGISProject.Layer] = []
        let transparent = StyleColor(red: 0, green: 0, blue: 0, alpha: 0)
        out.append(.init(id: "area_labels", title: en ? "Area names" : "地域名", table: "areas", geometry: "Polygon",
                         style: LayerStyle(name: "labels", renderer: .single(fill: nil), stroke: transparent, strokeWidthMM: 0, labels: labels), visible: true))
        let tables = Set(layers.filter { !$0.features.isEmpty }.map(\.name))
        if tables.contains("institutions") {
            if r.model.anchorIndex != nil {
                out.append(.init(id: "anchor", title: language.texts.anchor, table: "institutions", geometry: "Point",
                                 style: try institutionStyle(r, mapData: mapData, language: language, anchorOnly: true), visible: true))
            }
            out.append(.init(id: "institutions", title: en ? "Institutions by kind" : "医療機関（種別）", table: "institutions", geometry: "Point",
                             style: try institutionStyle(r, mapData: mapData, language: language, anchorOnly: false), visible: false))
        }
        if tables.contains("stage_regions") {
            out.append(.init(id: "stage_regions", title: en ? "Stages (outlines)" : "段階（境界）", table: "stage_regions", geometry: "Polygon",
                             style: stageStyle(r), visible: true))
        }
        out.append(.init(id: "catchments", title: en ? "Catchments (outlines)" : "診療圏（境界）", table: "catchments", geometry: "Polygon",
                         style: catchmentStyle(r), visible: false))
        if tables.contains("access_gaps"), let g = gapStyle(themes) {
            out.append(.init(id: "access_gaps", title: en ? "Access gaps" : "アクセスのギャップ", table: "access_gaps", geometry: "Polygon", style: g, visible: false))
        }
        for (i, theme) in themes.enumerated() {
            var style = theme.style
            style.labels = nil  // the label layer names the areas once, over every theme
            out.append(.init(id: "areas_\(theme.key)", title: theme.title, table: "areas", geometry: "Polygon", style: style, visible: i == 0))
        }
        guard let e = DecisionRegion.extent(r) else { throw ExportError("the study has no areas to frame the QGIS project on") }
        let extent = Envelope(minX: e.minX.rounded(.down), minY: e.minY.rounded(.down), maxX: e.maxX.rounded(.up), maxY: e.maxY.rounded(.up))
        return QGISProject(title: r.model.spec.name, geoPackage: "careatlas.gpkg", crs: r.model.crs, extent: extent, layers: out).xml()
    }
}
