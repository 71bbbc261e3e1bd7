import CareFormats
import Foundation
import XCTest

@testable import CareGeoPackage

/// Rule-based styles: each rule's condition as a QGIS expression, an OGC filter and an evaluator
/// that agree; the ELSE rule; hatching over the class colour; labels.
final class LayerStyleRulesTests: XCTestCase {
    let style = LayerStyle(name: "patients", renderer: .rules([
        .init(label: "<10", condition: .equalsText("patients_label", "<10"), fill: StyleColor(red: 224, green: 216, blue: 198), hatched: true),
        .init(label: "10–13", condition: .all([.above("patients", 0, inclusive: false), .atMost("patients", 13)]), fill: StyleColor(red: 255, green: 243, blue: 176)),
        .init(label: "14–16", condition: .range("patients", lower: 13, upper: 16, first: false), fill: StyleColor(red: 250, green: 160, blue: 70)),
        .init(label: "no data", condition: nil, fill: StyleColor(red: 200, green: 200, blue: 200)),
    ]), labels: LayerStyle.Labels(field: "area_name"))

    func testExpressionsFiltersAndEvaluation() {
        guard case .rules(let rules) = style.renderer else { return XCTFail() }
        XCTAssertEqual(rules.map { $0.condition?.expression ?? "ELSE" },
                       ["\"patients_label\" = '<10'", "\"patients\" > 0 AND \"patients\" <= 13", "\"patients\" > 13 AND \"patients\" <= 16", "ELSE"])
        XCTAssertEqual(rules[2].condition?.ogcFilter,
                       "<ogc:And><ogc:PropertyIsGreaterThan><ogc:PropertyName>patients</ogc:PropertyName><ogc:Literal>13</ogc:Literal></ogc:PropertyIsGreaterThan>"
                       + "<ogc:PropertyIsLessThanOrEqualTo><ogc:PropertyName>patients</ogc:PropertyName><ogc:Literal>16</ogc:Literal></ogc:PropertyIsLessThanOrEqualTo></ogc:And>")
        // 10 patients (町田市 in issue 18) is in the first value class; 13 too, 14 in the next; null counts match no range.
        for (n, label) in [(10, "10–13"), (13, "10–13"), (14, "14–16"), (16, "14–16")] {
            XCTAssertEqual(rules.filter { $0.condition?.matches(["patients": .number(Double(n)), "patients_label": .string(String(n))]) ?? false }.map(\.label), [label])
        }
        XCTAssertEqual(rules.filter { $0.condition?.matches(["patients": .null, "patients_label": "<10"]) ?? false }.map(\.label), ["<10"])
        XCTAssertEqual(LayerStyle.Condition.oneOf("area_code", ["13105", "13101"]).expression, "\"area_code\" IN ('13105', '13101')")
        XCTAssertTrue(LayerStyle.Condition.notEqualsText("role", "anchor").matches(["role": "partner"]))
        XCTAssertFalse(LayerStyle.Condition.notEqualsText("role", "anchor").matches(["role": .null]))
        XCTAssertEqual(style.fields, ["patients", "patients_label", "area_name"])
    }

    func testQMLAndSLD() {
        let qml = StyleDocuments.qml(style, kind: .fill)
        XCTAssertTrue(qml.contains("styleCategories=\"Symbology|Labeling\" labelsEnabled=\"1\""))
        XCTAssertTrue(qml.contains("<rule key=\"rule3\" symbol=\"3\" label=\"no data\" filter=\"ELSE\"/>"))
        XCTAssertTrue(qml.contains("filter=\"&quot;patients&quot; &gt; 13 AND &quot;patients&quot; &lt;= 16\""))
        // The hatched class: its colour, then diagonal lines in the maps' hatch colour.
        XCTAssertTrue(qml.contains("value=\"224,216,198,255\"") && qml.contains("value=\"140,128,108,255\"") && qml.contains("value=\"b_diagonal\""))
        XCTAssertTrue(qml.contains("<text-style fieldName=\"area_name\"") && qml.contains("fitInPolygonOnly=\"1\""))
        let sld = StyleDocuments.sld(style, layerName: "areas", kind: .fill)
        XCTAssertTrue(sld.contains("<se:Rule><se:Name>no data</se:Name><se:ElseFilter/>"))
        XCTAssertTrue(XMLWellFormed.check(qml), qml)
        XCTAssertTrue(XMLWellFormed.check(sld), sld)
    }

    func testAStyleOnAMissingFieldIsRefused() {
        let layer = GeoPackageLayer(name: "areas", crs: .wgs84, features: [(nil, ["patients": 12, "patients_label": "12"])], style: style)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-rules-\(UUID().uuidString).gpkg")
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try GeoPackage.write(layers: [layer], to: url, timestamp: "2026-04-01")) { error in
            XCTAssertTrue("\(error)".contains("reads \"area_name\", which is not a property of the layer"), "\(error)")
        }
    }
}
