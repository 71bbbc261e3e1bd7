import CareAtlas
import Foundation
import Testing
import TestSupport

/// Labels that identify, on a hand-made N03-like layer of six squares: 中央区 in Tokyo (13102,
/// N03_003 null), Chiba (12101, 千葉市), Saitama (11105, さいたま市) and Sagamihara (14151, 相模原市),
/// 南区 in Yokohama (14111) and Saitama (11108), and 千代田区 (13101), unique.
struct AreaLabelsTests {
    static let features: [(code: String, city: String?, ward: String)] = [
        ("13101", nil, "千代田区"), ("13102", nil, "中央区"), ("12101", "千葉市", "中央区"), ("11105", "さいたま市", "中央区"),
        ("14151", "相模原市", "中央区"), ("14111", "横浜市", "南区"), ("11108", "さいたま市", "南区"),
    ]

    static func study(label: String) throws -> StudyModel {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // 0.01° squares in a row near Tokyo.
        let features = features.enumerated().map { k, f in
            let x = 139.70 + 0.01 * Double(k), y = 35.60
            let city = f.city.map { "\"\($0)\"" } ?? "null"
            return """
                {"type":"Feature","properties":{"N03_003":\(city),"N03_004":"\(f.ward)","N03_007":"\(f.code)"},\
                "geometry":{"type":"Polygon","coordinates":[[[\(x),\(y)],[\(x + 0.01),\(y)],[\(x + 0.01),\(y + 0.01)],[\(x),\(y + 0.01)],[\(x),\(y)]]]}}
                """
        }
        try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}"
            .write(to: folder.appendingPathComponent("n03.geojson"), atomically: true, encoding: .utf8)
        try """
            study: {name: labels, period: test, report_date: "2026-04-01"}
            areas:
              - name: municipalities
                file: n03.geojson
                level: municipality
                id: N03_007
                label: \(label)
            """.write(to: folder.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        return try StudyLoader.load(folder.appendingPathComponent("study.yaml"))
    }

    static func names(_ m: StudyModel) -> [String: String] {
        Dictionary(uniqueKeysWithValues: m.areas[.municipality]!.map { ($0.id, $0.name) })
    }

    @Test func composedLabelsJoinTheFields() throws {
        let m = try Self.study(label: "[N03_003, N03_004]")
        #expect(Self.names(m) == ["13101": "千代田区", "13102": "中央区", "12101": "千葉市中央区", "11105": "さいたま市中央区",
                                  "14151": "相模原市中央区", "14111": "横浜市南区", "11108": "さいたま市南区"])
        #expect(m.labelNotes == [])  // composed labels are unique: nothing to disambiguate
    }

    @Test func duplicateLabelsGetTheirCityOrPrefectureWithANote() throws {
        let m = try Self.study(label: "N03_004")
        #expect(Self.names(m) == ["13101": "千代田区", "13102": "東京都中央区", "12101": "千葉市中央区", "11105": "さいたま市中央区",
                                  "14151": "相模原市中央区", "14111": "横浜市南区", "11108": "さいたま市南区"])
        let note = "municipality: duplicate labels 中央区 ×4, 南区 ×2 made unique with the prefecture or city: "
            + "さいたま市中央区, さいたま市南区, 千葉市中央区, 東京都中央区, 横浜市南区, 相模原市中央区"
        #expect(m.labelNotes == [note])
        #expect(m.diagnostics.contains { $0.severity == .note && $0.message == "labels: " + note })
    }

    @Test func designatedCityAndPrefectureOfCodes() {
        #expect(AreaLabels.designatedCity(of: "27128") == "大阪市")  // 大阪市 has 24 wards, up to 27128
        #expect(AreaLabels.designatedCity(of: "27141") == "堺市")
        #expect(AreaLabels.designatedCity(of: "14137") == "川崎市")
        #expect(AreaLabels.designatedCity(of: "13101") == nil)
        #expect(AreaLabels.designatedCity(of: "14100") == nil)  // the city itself is no ward
        #expect(AreaLabels.prefecture(of: "14382") == "神奈川県")
        #expect(AreaLabels.prefecture(of: "99109") == nil)  // the demo's fictional codes
    }
}
