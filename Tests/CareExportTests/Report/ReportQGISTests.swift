import CareAtlas
import CarePrivacy
import CareFormats
import CareGeoPackage
import CareMaps
import Foundation
import Testing
import TestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import CareExport

/// The QGIS styles of the report are the Cairo maps' classes: every area matches exactly the rule
/// of its map class, the rules leave no gap between classes, and the labels are the legend's.
@Suite struct ReportQGISTests {
    static func results(_ study: String) throws -> (StudyResults, [ReportLayers.Layer], StudyMapData) {
        let model = try StudyLoader.load(repositoryRoot.appendingPathComponent(study))
        let r = try StudyResults.compute(model, policy: SmallCellPolicy(minCell: model.spec.minCell))
        let layers = RegionOutlines.apply(try ReportLayers.all(r), areaPoints: r.areas.map(\.labelPoint))
        return (r, layers, StudyMapData(results: r))
    }

    /// For each theme and area: the rules matching its published properties (the ELSE rule when none).
    static func check(_ study: String) throws -> [String: [LayerStyle.Rule]] {
        let (r, layers, data) = try results(study)
        let published = layers.first { $0.name == "areas" }!.features.map(\.1)
        let themes = try ReportQGIS.themes(r, mapData: data, published: published, language: .ja)
        let maps = Dictionary(try StudyMaps.standardMaps(data).map { ($0.name, $0.map) }, uniquingKeysWith: { a, _ in a })
        #expect(themes.map(\.key) == ["patients", "penetration", "access", "gaps", "stages"])
        var out: [String: [LayerStyle.Rule]] = [:]
        for theme in themes {
            guard case .rules(let rules) = theme.style.renderer, let map = maps[theme.key] else { Issue.record("\(theme.key) is not rule-based"); continue }
            #expect(rules.filter { $0.condition == nil }.count == 1, "\(theme.key): one ELSE rule")
            // Classes by value (or status), never by area code, in every theme and class.
            #expect(!rules.contains { if case .oneOf? = $0.condition { return true }; return false }, "\(theme.key): classes by value, not by area code")
            for (a, p) in zip(map.areas, published) {
                let matched = rules.filter { $0.condition?.matches(p) ?? false }
                let expected = map.classes[a.classIndex]
                #expect(matched.count <= 1, "\(theme.key) \(p["area_name"]!): \(matched.map(\.label))")
                let drawn = matched.first ?? rules.first { $0.condition == nil }!
                #expect(drawn.label == expected.label, "\(theme.key) \(p["area_name"]!): rule \(drawn.label), map class \(expected.label)")
                #expect(drawn.fill == StyleColor(red: expected.color.r, green: expected.color.g, blue: expected.color.b))
                #expect(drawn.hatched == expected.hatched)
            }
            out[theme.key] = rules
        }
        return out
    }

    @Test func demoAreasMatchTheirMapClass() throws {
        let rules = try Self.check("geodata/demo/study.yaml")
        // Known answer (reports/demo/areas.csv: 12, 15, 20, 30, 40 and four <10): the legend's
        // classes and their ranges, each upper limit the label's.
        let patients = try #require(rules["patients"])
        #expect(patients.map(\.label) == ["<10", "12–14", "15–18", "19–24", "25–32", "33–40", "データなし"])
        #expect(patients.map { $0.condition?.expression ?? "ELSE" } == [
            "\"patients_label\" = '<10'", "\"patients\" > 0 AND \"patients\" <= 14", "\"patients\" > 14 AND \"patients\" <= 18",
            "\"patients\" > 18 AND \"patients\" <= 24", "\"patients\" > 24 AND \"patients\" <= 32", "\"patients\" > 32", "ELSE",
        ])
    }

    /// No gap between classes: every count from 0 to beyond the largest matches exactly one rule
    /// (counts below the minimum cell are published as "<10" and match that rule).
    @Test func everyCountHasExactlyOneClass() throws {
        let rules = try #require(try Self.check("geodata/demo/study.yaml")["patients"])
        for n in 1...60 {
            let p: JSONObject = n < 10 ? ["patients": .null, "patients_label": "<10"] : ["patients": .number(Double(n)), "patients_label": .string(String(n))]
            #expect(rules.filter { $0.condition?.matches(p) ?? false }.count == 1, "\(n) patients")
        }
    }

    /// Issue 18: in QGIS, 町田市 with exactly 10 patients matched no rule (`>= 0 AND <= 0`, then
    /// `> 10 AND <= 13`) and was not drawn.
    @Test(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
    func machidaWithTenPatientsIsInTheFirstClass() throws {
        let rules = try #require(try Self.check("geodata/cases/kuchubu.yaml")["patients"])
        let machida: JSONObject = ["area_code": "13209", "patients": 10, "patients_label": "10"]
        let matched = rules.filter { $0.condition?.matches(machida) ?? false }
        #expect(matched.map(\.label) == ["10–13"])
    }

    /// 区中央部: the municipalities outside Tokyo have no 65+ population (the population table is
    /// Tokyo's), so their penetration is no data on the map whatever their count, "<10" included.
    /// In QGIS every class but the no-data one asks for `aged65_status = 'ok'`: such an area
    /// matches no class and falls to the ELSE rule, データなし, without listing area codes.
    @Test(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
    func kuchubuPenetrationWithoutAged65IsNoDataByStatus() throws {
        let (r, layers, data) = try Self.results("geodata/cases/kuchubu.yaml")
        let published = layers.first { $0.name == "areas" }!.features.map(\.1)
        let theme = try #require(try ReportQGIS.themes(r, mapData: data, published: published, language: .ja).first { $0.key == "penetration" })
        guard case .rules(let rules) = theme.style.renderer else { Issue.record("not rule-based"); return }
        // Suppressed areas without a 65+ population exist (the case the area-code fallback hid).
        let suppressedNoAged65 = published.filter { $0["patients_label"]?.stringValue == "<10" && $0["aged65_status"]?.stringValue == "no_data" }
        #expect(!suppressedNoAged65.isEmpty)
        for p in suppressedNoAged65 {
            let matched = rules.filter { $0.condition?.matches(p) ?? false }
            #expect(matched.isEmpty, "\(p["area_name"]!)")
        }
        let elseRule = try #require(rules.last)
        #expect(elseRule.condition == nil)
        #expect(elseRule.label == "データなし")
        // The same count with a 65+ population is the "<10" class.
        var withAged65 = try #require(suppressedNoAged65.first)
        withAged65["aged65_status"] = "ok"
        let matched = rules.filter { $0.condition?.matches(withAged65) ?? false }.map(\.label)
        #expect(matched == ["<10"])
        for rule in rules where rule.condition != nil {
            #expect(rule.condition!.expression.hasPrefix("\"aged65_status\" = 'ok' AND "), "\(rule.label): \(rule.condition!.expression)")
        }
    }

    @Test func labelUpperLimits() {
        #expect(ReportQGIS.labelUpperLimit("14–16") == 16)
        #expect(ReportQGIS.labelUpperLimit("16") == 16)
        #expect(ReportQGIS.labelUpperLimit("1,234–2,000") == 2000)
        #expect(ReportQGIS.labelUpperLimit("0.0079–0.0104") == 0.0104)
        #expect(ReportQGIS.labelUpperLimit("x（秘匿）") == nil)
    }

    /// The project: every layer from the GeoPackage beside it, the metric CRS as WKT, the decision
    /// region as extent (the widest stage, not the whole city), labels on.
    @Test func demoProject() throws {
        let (r, layers, data) = try Self.results("geodata/demo/study.yaml")
        let xml = try ReportQGIS.project(r, mapData: data, layers: layers, language: .ja)
        #expect(XMLParser(data: Data(xml.utf8)).parse(), "careatlas.qgs is well-formed XML")
        for id in ["area_labels", "anchor", "institutions", "stage_regions", "catchments", "access_gaps", "areas_patients", "areas_penetration",
                   "areas_access", "areas_gaps", "areas_stages"] {
            #expect(xml.contains("<id>careatlas_\(id)</id>"), "\(id)")
        }
        #expect(xml.contains("<datasource>./careatlas.gpkg|layername=areas</datasource>"))
        #expect(xml.contains("<authid>EPSG:6677</authid>") && xml.contains("<wkt>PROJCRS[&quot;JGD2011 / Japan Plane Rectangular CS IX&quot;"))
        #expect(xml.contains("<ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>"))
        #expect(xml.contains("labelsEnabled=\"1\"") && xml.contains("fieldName=\"area_name\""))
        // The widest stage of the demo's first plan (5 wards of the 3 × 3 city) framed with 5 %.
        let stage = try #require(r.scenarios?.plans.first?.stages.last?.geometry.boundingBox)
        let extent = try #require(DecisionRegion.extent(r))
        #expect(abs(extent.minX - (stage.minX - 0.05 * stage.width)) < 1e-6 && abs(extent.maxY - (stage.maxY + 0.05 * stage.height)) < 1e-6)
        #expect(xml.contains("<xmin>\(Int(extent.minX.rounded(.down)))</xmin>"))
    }
}

/// The interactive map's data: the maps' classes, the published figures only, safe in a script.
@Suite struct InteractiveMapTests {
    @Test func demoData() throws {
        let (r, layers, data) = try ReportQGISTests.results("geodata/demo/study.yaml")
        let text = try InteractiveMap.data(r, layers: layers, mapData: data, language: .ja)
        #expect(!text.contains("</"))
        let json = try JSONParser.parse(text)
        #expect(json["themes"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == ["patients", "penetration", "access", "gaps", "stages"])
        let areas = try #require(json["areas"]?["features"]?.arrayValue)
        #expect(areas.count == 9)
        let maps = try StudyMaps.standardMaps(data)
        for (i, f) in areas.enumerated() {
            let p = try #require(f["properties"]?.objectValue)
            #expect(p["c"]?.arrayValue?.compactMap(\.numberValue).map(Int.init) == maps.map { $0.map.areas[i].classIndex })
            // Only published figures: the label, never a hidden number.
            #expect(p["patients"] == nil)
            #expect(p["patients_label"]?.stringValue == r.areas[i].patientsLabel)
        }
        let matsu = try #require(areas.first { $0["properties"]?["area_name"]?.stringValue == "松区" })
        #expect(matsu["properties"]?["patients_label"]?.stringValue == "40")
        #expect(matsu["properties"]?["share_percent"]?.numberValue == 26.6667)
        let colours = json["themes"]?.arrayValue?.first?["classes"]?.arrayValue?.compactMap { $0["color"]?.stringValue }
        #expect(colours == maps[0].map.classes.map(\.color.description))
    }

    @Test func withoutLeafletThePageSaysSoAndHasNoScript() {
        #expect(InteractiveMap.leaflet(folder: "/nonexistent-leaflet") == nil)
        let html = InteractiveMap.html(data: "{}", leaflet: nil)
        #expect(html.contains("careatlas-map-missing") && html.contains("libjs-leaflet") && !html.contains("<script"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: InteractiveMap.defaultLeafletFolder + "/leaflet.css"), "libjs-leaflet is not installed"))
    func debianLeafletIsInlinedWithoutFetches() throws {
        let leaflet = try #require(InteractiveMap.leaflet())
        #expect(!leaflet.css.contains("url(images/") && leaflet.css.contains("url(data:image/png;base64,"))
        #expect(leaflet.version.hasPrefix("1."))
        #expect(!leaflet.script.contains("</script"))
    }
}
