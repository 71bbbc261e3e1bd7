import CareFormats
import CareGeocoding
import Foundation
import TestSupport
import XCTest

/// Known answers on the fictional 架空市 fixtures of geodata/demo (make_demo_records.py): every
/// format variant of the patient records placed where the expected table says.
final class GeocoderDemoTests: XCTestCase {
    static let demo = repositoryRoot.appendingPathComponent("geodata/demo")

    static func geocoder() throws -> Geocoder {
        let gazetteer = try Gazetteer(dbfFiles: [demo.appendingPathComponent("gazetteer_demo.dbf")])
        let postal = try PostalTable(contentsOf: demo.appendingPathComponent("postal_demo.csv"))
        return Geocoder(gazetteer: gazetteer, postalTable: postal)
    }

    func testDemoGazetteer() throws {
        let g = try Self.geocoder().gazetteer
        XCTAssertEqual(g.smallAreas.count, 38)
        XCTAssertEqual(g.municipalities.map(\.code), ["99101", "99102", "99103", "99104", "99105", "99106", "99107", "99108", "99109", "99301"])
        XCTAssertEqual(g.municipality("99105")?.name, "架空市松区")
        XCTAssertEqual(g.municipality("99105")?.city, "架空市")
        XCTAssertEqual(g.municipality("99301")?.county, "架空郡")
        XCTAssertEqual(g.municipality("99105")?.population, 10_000)
        XCTAssertEqual(g.smallArea("991020001")?.name, "楓町一丁目")
        XCTAssertEqual(g.smallArea("991090005")?.isWater, true)
        // 柳区: 3000 people in the NW small area, 1000 in the NE one, none in the south: the weighted
        // centroid lies three quarters of the way from NE to NW.
        let nw = try XCTUnwrap(g.smallArea("991040001")), ne = try XCTUnwrap(g.smallArea("991040002"))
        let m = try XCTUnwrap(g.municipality("99104"))
        XCTAssertEqual(m.longitude, 0.75 * nw.longitude + 0.25 * ne.longitude, accuracy: 1e-9)
        XCTAssertEqual(m.latitude, nw.latitude, accuracy: 1e-9)
    }

    func testPostalTableJapanPostLayout() throws {
        let p = try Self.geocoder().postalTable!
        // CP932 with half-width kana; the 町域 split over two rows is joined, its note removed.
        XCTAssertEqual(p.entries(for: "990-0106").map(\.town), ["竹林"])
        XCTAssertEqual(p.entries(for: "9900100").map(\.town), [nil])
        XCTAssertEqual(p.municipalityCodes(for: "９９０－０９９９"), ["99104", "99105"])
        XCTAssertEqual(p.municipalityCodes(for: "〒990 0101"), ["99101"])
        XCTAssertEqual(p.count, 13)
        XCTAssertNil(PostalTable.normalizePostalCode("990-01"))
    }

    /// Every row of patient_records.csv placed as patient_records_expected.csv says.
    func testEveryRecordVariant() throws {
        let geocoder = try Self.geocoder()
        let records = try CSVTable(contentsOf: Self.demo.appendingPathComponent("patient_records.csv"))
        let expected = try CSVTable(contentsOf: Self.demo.appendingPathComponent("patient_records_expected.csv"))
        XCTAssertEqual(records.count, expected.count)
        let postal = try records.column("郵便番号"), address = try records.column("住所")
        let level = try expected.column("level"), area = try expected.column("area"), reason = try expected.column("reason")
        let studyWards = Set((1...9).map { "9910\($0)" })
        for (row, want) in zip(records, expected) {
            let r = geocoder.geocode(address: row[address], postalCode: row[postal])
            let what = "line \(row.lineNumber): \(row[address]) \(row[postal])"
            XCTAssertEqual(r.level.rawValue, want[level], what)
            let placed: String
            switch r.level {
            case .chome: placed = studyWards.contains(r.municipalityCode ?? "") ? r.smallAreaCode! : "outside"
            case .town, .municipality: placed = studyWards.contains(r.municipalityCode ?? "") ? r.municipalityCode! : "outside"
            case .unmatched: placed = "outside"
            }
            XCTAssertEqual(placed, want[area], what)
            if !want[reason].isEmpty, want[reason] != "municipality not in the study areas" {
                XCTAssertTrue(r.reasons.map(\.rawValue).contains(want[reason]), "\(what): \(r.reasons)")
            }
        }
    }

    func testNormaliser() {
        XCTAssertEqual(AddressNormalizer.normalize("文京区千駄木一丁目１番５号"), "文京区千駄木1丁目1番5号")
        XCTAssertEqual(AddressNormalizer.normalize("千代田区千代田１－２"), "千代田区千代田1-2")
        XCTAssertEqual(AddressNormalizer.normalize("二十三丁目"), "23丁目")
        XCTAssertEqual(AddressNormalizer.normalize("自由が丘　2ー5"), "自由ケ丘2-5")
        XCTAssertEqual(AddressNormalizer.normalize("一之江"), "一ノ江")
        XCTAssertEqual(AddressNormalizer.normalize("ﾊﾞﾗｶﾞｵｶ"), "バラガオカ")
        XCTAssertEqual(AddressNormalizer.normalize("八丁堀"), "八丁堀", "八 before 丁 but not 丁目 stays")
        XCTAssertEqual(AddressNormalizer.normalize("髙田馬場"), "高田馬場")
    }

    func testAmbiguousWardNameWithoutCity() throws {
        // A ward name alone resolves when unique; with a postal code naming another ward, the
        // address wins and the disagreement is noted.
        let geocoder = try Self.geocoder()
        let r = geocoder.geocode(address: "松区松原2-3", postalCode: "990-0104")
        XCTAssertEqual(r.smallAreaCode, "991050002")
        XCTAssertEqual(r.reasons, [.postalAddressDisagree])
    }
}
