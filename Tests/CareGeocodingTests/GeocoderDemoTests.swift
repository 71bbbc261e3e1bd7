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

    /// The byte-level reader on every layout detail, each answer written out by hand: quotes with
    /// `""` inside, padding spaces, a 町域 split over three rows (joined, its note removed), the
    /// phrases meaning "no 町域" (以下に掲載がない場合, …の次に番地がくる場合, …一円; a town that
    /// merely ends in 合 or 円 is kept), ASCII brackets, a repeated row (kept once), two
    /// municipalities on one code, LF and CRLF line ends, and the line of a bad row.
    func testPostalTableParsesByteByByte() throws {
        let rows = [
            #"99101,"990  ","9900001","","","","架空県","架空市","以下に掲載がない場合",0,0,0,0,0,0"#,
            #"99101,"990  ","9900002","","",""," 架空県 ","架空市","大通（１～３丁目）",0,0,0,0,0,0"#,
            #"99101,"990  ","9900003","","","","架空県","架空市","長い町域（次のビルを除く、",0,0,0,0,0,0"#,
            #"99101,"990  ","9900003","","","","架空県","架空市","ＡＢＣビル、",0,0,0,0,0,0"#,
            #"99101,"990  ","9900003","","","","架空県","架空市","ＤＥＦビル）",0,0,0,0,0,0"#,
            #"99101,"990  ","9900004","","","","架空県","架空市","西町の次に番地がくる場合",0,0,0,0,0,0"#,
            #"99101,"990  ","9900005","","","","架空県","架空市","架空郡一円",0,0,0,0,0,0"#,
            #"99101,"990  ","9900006","","","","架空県","架空市","落合",0,0,0,0,0,0"#,
            #"99101,"990  ","9900007","","","","架空県","架空市","五円",0,0,0,0,0,0"#,
            #"99101,"990  ","9900008","","","","架空県","架空市","""引用""町(旧)",0,0,0,0,0,0"#,
            #"99101,"990  ","9900008","","","","架空県","架空市","""引用""町(旧)",0,0,0,0,0,0"#,
            #"99102,"990  ","9900008","","","","架空県","架空町","東",0,0,0,0,0,0"#,
        ]
        let p = try PostalTable(text: rows.prefix(6).joined(separator: "\r\n") + "\n" + rows.dropFirst(6).joined(separator: "\n"), source: "t.csv")
        XCTAssertEqual(p.entries(for: "9900001").map(\.town), [nil])
        XCTAssertEqual(p.entries(for: "9900002").map(\.town), ["大通"])
        XCTAssertEqual(p.entries(for: "9900002").first?.prefecture, "架空県")
        XCTAssertEqual(p.entries(for: "9900003").map(\.town), ["長い町域"])
        XCTAssertEqual(p.entries(for: "9900004").map(\.town), [nil])
        XCTAssertEqual(p.entries(for: "9900005").map(\.town), [nil])
        XCTAssertEqual(p.entries(for: "9900006").map(\.town), ["落合"])
        XCTAssertEqual(p.entries(for: "9900007").map(\.town), ["五円"])
        XCTAssertEqual(p.entries(for: "9900008").map(\.town), ["\"引用\"町", "東"])
        XCTAssertEqual(p.entries(for: "9900008").map(\.municipality), ["架空市", "架空町"])
        XCTAssertEqual(p.municipalityCodes(for: "9900008"), ["99101", "99102"])
        XCTAssertEqual(p.count, 9)
        XCTAssertThrowsError(try PostalTable(text: rows[0] + "\n99101,\"990\",\"99000\",\"\",\"\",\"\",\"架空県\",\"架空市\",\"東\"\n", source: "t.csv")) { error in
            XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
            XCTAssertTrue("\(error)".contains("\"99000\", not a 7-digit postal code"), "\(error)")
        }
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
        XCTAssertEqual(AddressNormalizer.normalize("前原東Ⅰ－６－４"), "前原東1-6-4", "Roman numerals for 丁目")
        XCTAssertEqual(AddressNormalizer.normalize("松濤２－１１"), "松涛2-11")
    }

    /// `2丁21番` (丁 without 目) gives 丁目 2; a 丁目 (or 大字) the census divides into same-named
    /// parts is a 町丁 match on the union of the parts (no single KEY_CODE, population-weighted
    /// centroid, its own note); a 大字 divided into different 字 the address does not name stays at
    /// the town level; a postal code's 町域 names the town when the address names none.
    func testChomeFormsAndCensusSplits() throws {
        let g = try Gazetteer(rows: [
            row("99101001001", "長洲１丁目", 10, 0), row("99101001002", "長洲２丁目", 10, 1),
            row("99101002010", "小川町１丁目", 10, 2), row("99101002011", "小川町１丁目", 30, 3),
            row("99101003001", "大字小室", 10, 4), row("99101003002", "大字小室", 10, 5),
            row("99101004001", "皆野字下戦場", 10, 6), row("99101004002", "皆野字上根岸", 10, 7),
        ])
        let postal = try PostalTable(text: "99101,\"990  \",\"9900201\",\"ｶｸｳｹﾝ\",\"ｶｸｳｼｻｸﾗｸ\",\"ﾅｶﾞｽ\",\"架空県\",\"架空市桜区\",\"長洲\",0,0,0,0,0,0\r\n",
                                     source: "postal.csv")
        let geocoder = Geocoder(gazetteer: g, postalTable: postal)
        XCTAssertEqual(geocoder.geocode(address: "架空市桜区長洲２丁２１番８号").smallAreaCode, "99101001002")
        XCTAssertEqual(geocoder.geocode(address: "架空市桜区長洲Ⅱ－２１－８").smallAreaCode, "99101001002")
        let same = geocoder.geocode(address: "架空市桜区小川町１－４８５")
        XCTAssertEqual(same.level, .chome)
        XCTAssertNil(same.smallAreaCode, "two parts: no single KEY_CODE")
        XCTAssertEqual(same.chomeAreaCodes, ["99101002010", "99101002011"])
        XCTAssertEqual(same.reasons, [.townSplitSameName])
        XCTAssertEqual(same.longitude!, 2.75, accuracy: 1e-12, "population-weighted centroid of the two parts (10 at x 2, 30 at x 3)")
        let oaza = geocoder.geocode(address: "架空市桜区大字小室７８０番地")
        XCTAssertEqual(oaza.level, .chome)
        XCTAssertEqual(oaza.reasons, [.townSplitSameName])
        XCTAssertEqual(oaza.longitude!, 4.5, accuracy: 1e-12, "equal populations: the midpoint")
        let single = geocoder.geocode(address: "架空市桜区長洲１－２")
        XCTAssertEqual(single.chomeAreaCodes, ["99101001001"])
        XCTAssertEqual(single.smallAreaCode, "99101001001")
        let aza = geocoder.geocode(address: "架空市桜区皆野１３９０－２")
        XCTAssertEqual(aza.level, .town)
        XCTAssertEqual(aza.reasons, [.townSplit])
        XCTAssertEqual(aza.chomeAreaCodes, [])
        let fromPostal = geocoder.geocode(address: nil, postalCode: "990-0201")
        XCTAssertEqual(fromPostal.level, .town)
        XCTAssertEqual(fromPostal.basis, .postalCode)
        XCTAssertEqual(fromPostal.townAreaCodes, ["99101001001", "99101001002"])
        XCTAssertEqual(fromPostal.reasons, [.chomeMissing, .townFromPostalCode])
        let named = geocoder.geocode(address: "架空市桜区新町9-9", postalCode: "990-0201")
        XCTAssertEqual(named.level, .town, "the address names no town the gazetteer has; the 町域 does")
        XCTAssertEqual(named.basis, .address)
    }

    /// The census's part numbers in brackets do not separate names (新磯野（１）２丁目 and
    /// 新磯野（３）２丁目 are one 町丁), other notes do (下大多喜（台）, （峯之越）: 字 the address does not
    /// name); a former municipality written before the town (岬町桑田) is passed over when the
    /// census omits it, any other prefix is not (東野川 is a town of its own, not 野川).
    func testCensusPartNumbersAndFormerMunicipality() throws {
        let g = try Gazetteer(rows: [
            row("99101001102", "新磯野（１）２丁目", 30, 0), row("99101001302", "新磯野（３）２丁目", 10, 4),
            row("991010021", "下大多喜（台）", 10, 5), row("991010022", "下大多喜（峯之越）", 10, 6),
            row("991010031", "桑田", 10, 7), row("991010041", "野川", 10, 8),
        ])
        let geocoder = Geocoder(gazetteer: g)
        let parts = geocoder.geocode(address: "架空市桜区新磯野２－７－１０")
        XCTAssertEqual(parts.level, .chome)
        XCTAssertEqual(parts.chomeAreaCodes, ["99101001102", "99101001302"])
        XCTAssertEqual(parts.longitude!, 1.0, accuracy: 1e-12, "(30 × 0 + 10 × 4) / 40")
        let aza = geocoder.geocode(address: "架空市桜区下大多喜１２３４")
        XCTAssertEqual(aza.level, .town)
        XCTAssertEqual(aza.reasons, [.townSplit])
        let former = geocoder.geocode(address: "架空市桜区岬町桑田２５３１")
        XCTAssertEqual(former.level, .chome)
        XCTAssertEqual(former.smallAreaCode, "991010031")
        XCTAssertEqual(former.reasons, [.townNameWithPrefix])
        let newer = geocoder.geocode(address: "架空市桜区東野川１－７－９")
        XCTAssertEqual(newer.level, .municipality)
        XCTAssertEqual(newer.reasons, [.townNotFound])
    }

    /// A small area of 架空市桜区 (架空県) on the line y = 0, for the fixtures above.
    private func row(_ code: String, _ name: String, _ pop: Int, _ x: Double) -> Gazetteer.Row {
        Gazetteer.Row(code: code, prefecture: "架空県", gstName: "架空市", cssName: "桜区", name: name, population: pop,
                      longitude: x, latitude: 0)
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
