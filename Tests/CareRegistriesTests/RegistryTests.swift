import CareFormats
import CareGDAL
import CareRegistries
import Foundation
import TestSupport
import XCTest

final class SSDSEATests: XCTestCase {
    func testPublishedFiguresAndDesignatedCities() throws {
        guard let url = SharedData.file("population/ssdse/SSDSE-A-2026.csv") else { throw XCTSkip(SharedData.skipMessage) }
        let (rows, report) = try SSDSEA.read(contentsOf: url)
        XCTAssertEqual(rows.count, 1741)
        XCTAssertEqual(report.rowsRead, 1741)
        XCTAssertTrue(report.dropped.isEmpty)
        let bunkyo = try XCTUnwrap(rows.first { $0.code == "13105" })
        XCTAssertEqual(bunkyo.name, "文京区")
        XCTAssertEqual(bunkyo.total, 240_069)
        XCTAssertEqual(bunkyo.aged65, 42_020)
        XCTAssertEqual(bunkyo.line, 635)  // the physical line in the file (three header rows first)
        let yokohama = try XCTUnwrap(rows.first { $0.code == "14100" })
        XCTAssertEqual(yokohama.total, 3_777_491)
        XCTAssertNil(rows.first { $0.code == "14104" })  // wards are not in SSDSE-A
    }

    /// 横浜市 allocated to its 18 wards by the 2015 small-area population: the wards add up to the
    /// city exactly, and each ward's share equals its 2015 share to within one person.
    func testAllocationToWardsPreservesTotals() throws {
        guard let url = SharedData.file("population/ssdse/SSDSE-A-2026.csv"),
            let dbf = SharedData.file("small_areas/census2015_attributes/14-kanagawa-all.dbf")
        else { throw XCTSkip(SharedData.skipMessage) }
        let rows = try SSDSEA.read(contentsOf: url).rows.filter { $0.code.hasPrefix("14") }
        let wards2015 = try WardAllocation.populationByMunicipality(dbfs: [dbf])
        let (allocated, notes) = WardAllocation.allocate(rows, wardPopulation: wards2015)
        XCTAssertEqual(notes.count, 3)  // 横浜市, 川崎市, 相模原市
        let yokohama = allocated.filter { $0.code >= "14101" && $0.code <= "14118" }
        XCTAssertEqual(yokohama.count, 18)
        XCTAssertEqual(yokohama.compactMap(\.total).reduce(0, +), 3_777_491)
        XCTAssertEqual(yokohama.compactMap(\.aged65).reduce(0, +), rows.first { $0.code == "14100" }!.aged65)
        let kawasaki = allocated.filter { $0.code >= "14131" && $0.code <= "14137" }
        XCTAssertEqual(kawasaki.count, 7)
        XCTAssertEqual(kawasaki.compactMap(\.total).reduce(0, +), 1_538_262)
        let sagamihara = allocated.filter { ["14151", "14152", "14153"].contains($0.code) }
        XCTAssertEqual(sagamihara.count, 3)
        XCTAssertNil(allocated.first { ["14100", "14130", "14150"].contains($0.code) })
        let sum2015 = (14101...14118).map { wards2015[String($0)] ?? 0 }.reduce(0, +)
        for ward in yokohama {
            let exact = 3_777_491.0 * Double(wards2015[ward.code]!) / Double(sum2015)
            XCTAssertEqual(Double(ward.total!), exact, accuracy: 1.0, ward.code)
            XCTAssertTrue(ward.method.contains("allocated to its 18 wards by 2015 census small-area population"))
        }
        // Ordinary municipalities pass unchanged.
        XCTAssertEqual(allocated.first { $0.code == "14201" }?.method, "SSDSE-A")
    }

    func testLargestRemainderKnownAnswer() {
        // 10 over weights 1:1:1 → 4, 3, 3 (remainders tie; the earlier weight gets the extra one).
        XCTAssertEqual(WardAllocation.allocate(
            [MunicipalPopulation(code: "99100", prefecture: "架空県", name: "架空市", total: 10, aged65: nil, aged75: 2, method: "SSDSE-A", line: 4)],
            wardPopulation: ["99101": 5, "99102": 5, "99103": 5]).rows.map { $0.total }, [4, 3, 3])
        // Missing figures stay missing (nil), never 0.
        let rows = WardAllocation.allocate(
            [MunicipalPopulation(code: "99100", prefecture: "架空県", name: "架空市", total: 7, aged65: nil, aged75: 2, method: "SSDSE-A", line: 4)],
            wardPopulation: ["99101": 1, "99102": 3]).rows
        XCTAssertEqual(rows.map { $0.total }, [2, 5])  // 1.75 → 2, 5.25 → 5
        XCTAssertEqual(rows.map { $0.aged65 }, [nil, nil])
        XCTAssertEqual(rows.map { $0.aged75 }, [1, 1])  // 0.5 and 1.5: equal remainders, the earlier ward gets the extra one
    }

    func testNotSSDSEIsRefusedWithTheReason() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("not-ssdse-\(UUID().uuidString).csv")
        try Data("code,total\n13105,1\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try SSDSEA.read(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("line 1: is not an SSDSE-A table (the first header cell is \"code\""), "\(error)")
        }
    }
}

final class RegistryImportTests: XCTestCase {
    func testIryojohoHospitals() throws {
        guard let url = SharedData.file("institutions/iryojoho/01-1_hospital_facility_info_20250601.zip") else { throw XCTSkip(SharedData.skipMessage) }
        let all = try Iryojoho.read(contentsOf: url)
        XCTAssertEqual(all.report.rowsRead, 7587)
        XCTAssertEqual(all.report.dropped.map(\.count), [270])  // 0/0 nationwide
        let (facilities, report) = try Iryojoho.read(contentsOf: url, prefectures: ["11", "12", "13", "14"])
        XCTAssertEqual(report.dropped.count, 1)
        XCTAssertEqual(report.dropped[0].count, 6)  // prefectures 11–14 without coordinates
        XCTAssertTrue(report.dropped[0].examples.contains { $0.hasSuffix("千葉県総合救急災害医療センター") })
        let tokyo = facilities.filter { $0.municipalityCode.hasPrefix("13") }
        XCTAssertEqual(tokyo.count + 1, 583)  // 583 Tokyo rows, one of them (むさしの病院) at 0/0
        let kuchubu = tokyo.filter { ["13101", "13102", "13103", "13105", "13106"].contains($0.municipalityCode) }
        XCTAssertEqual(kuchubu.count, 45)
        let kagaku = try XCTUnwrap(facilities.first { $0.id == "1311131200280" })
        XCTAssertEqual(kagaku.name, "東京科学大学病院")
        XCTAssertEqual(kagaku.beds, 813)
        XCTAssertEqual(facilities.count, 327 + 266 + 583 + 307 - 6)

        /// The geocoder hook places the rows without coordinates, keeping its level; one it cannot
        /// place is left out and counted with the geocoder's reason.
        struct Fixed: AddressGeocoder {
            func locate(address: String, postalCode: String?, prefectureCode: String) -> Result<GeocodedPlace, GeocodingFailure> {
                address.contains("むさしの病院") || prefectureCode == "13"
                    ? .failure(GeocodingFailure(reason: "town not found"))
                    : .success(GeocodedPlace(lon: 139.0, lat: 35.0, level: "大字・町", municipalityCode: "11208"))
            }
        }
        let geocoded = try Iryojoho.read(contentsOf: url, prefectures: ["11", "12", "13", "14"], geocoder: Fixed())
        XCTAssertEqual(geocoded.facilities.count, facilities.count + 5)
        XCTAssertEqual(geocoded.facilities.filter { $0.matchLevel == "大字・町" }.count, 5)
        XCTAssertEqual(geocoded.report.dropped.map(\.reason), ["no coordinates (0/0 in the file), address not placed: town not found"])
        XCTAssertEqual(geocoded.report.dropped.first?.count, 1)
        XCTAssertTrue(geocoded.report.notes.contains { $0.hasPrefix("5 rows without coordinates (0/0) placed by address") })
    }

    func testTodokedeSaitamaAndChiba() throws {
        guard let saitama = SharedData.file("institutions/kouseikyoku/11届出受理医療機関名簿（医科）埼玉r0710.xlsx"),
            let chiba = SharedData.file("institutions/kouseikyoku/12届出受理医療機関名簿（医科）千葉r0710.xlsx")
        else { throw XCTSkip(SharedData.skipMessage) }
        let s = try Kouseikyoku.readTodokede(contentsOf: saitama)
        XCTAssertEqual(s.report.rowsRead, 35_541)
        XCTAssertEqual(s.institutions.count, 4_305)
        XCTAssertEqual(s.institutions.filter { $0.roles.homeCareClinic != nil }.count, 572)
        let c = try Kouseikyoku.readTodokede(contentsOf: chiba)
        XCTAssertEqual(c.report.rowsRead, 29_601)
        XCTAssertEqual(c.institutions.count, 3_676)
        XCTAssertEqual(c.institutions.filter { $0.roles.homeCareClinic != nil }.count, 463)
        XCTAssertTrue(s.institutions.allSatisfy { $0.code.count == 9 && $0.code.hasPrefix("11") })
        // Every role carries the date it was filed from, as an ISO date.
        for i in s.institutions where i.roles.homeCareClinic != nil {
            let since = try XCTUnwrap(i.roleSince["在宅療養支援診療所\(i.roles.homeCareClinic!)"], i.code)
            XCTAssertNotNil(since.range(of: #"^(19|20)\d\d-\d\d-\d\d$"#, options: .regularExpression), "\(i.code) \(since)")
        }
        XCTAssertGreaterThan(s.institutions.filter { $0.roles.palliativeCareUnit }.count, 0)
        XCTAssertGreaterThan(s.institutions.filter { $0.roles.homeCareHospital != nil }.count, 0)
    }

    func testEraDates() {
        XCTAssertEqual(EraDate.iso("平成22年 4月 1日"), "2010-04-01")
        XCTAssertEqual(EraDate.iso("令和７年９月１日"), "2025-09-01")
        XCTAssertEqual(EraDate.iso("令和元年5月1日"), "2019-05-01")
        XCTAssertEqual(EraDate.iso("昭和64年 1月 7日"), "1989-01-07")
        XCTAssertNil(EraDate.iso("令和 5年 2月30日"))
        XCTAssertNil(EraDate.iso("2025-09-01"))
        XCTAssertNil(EraDate.iso(""))
    }

    func testRolesFromFiledStandards() {
        var r = CareRoles()
        XCTAssertTrue(r.record("別添１の「第９」の１の(３)に規定する在宅療養支援診療所"))
        XCTAssertTrue(r.record("別添１の「第９」の１の(２)に規定する在宅療養支援診療所"))  // the stronger kind wins
        XCTAssertFalse(r.record("在宅療養支援歯科診療所２"))
        XCTAssertTrue(r.record("緩和ケア病棟入院料１"))
        XCTAssertTrue(r.record("別添１の「第９」の２の(３)に規定する在宅緩和ケア充実診療所・病院加算"))
        XCTAssertFalse(r.record("がん性疼痛緩和指導管理料"))
        XCTAssertEqual(r.labels, ["在宅療養支援診療所2", "緩和ケア病棟", "在宅緩和ケア充実加算"])
    }

    func testKouseikyokuListWithoutHeader() throws {
        guard let url = SharedData.file("institutions/kouseikyoku/202508_all_med_inst_cd.zip") else { throw XCTSkip(SharedData.skipMessage) }
        let all = try Kouseikyoku.readList(contentsOf: url)
        XCTAssertEqual(all.report.rowsRead, 97_024)
        let (list, report) = try Kouseikyoku.readList(contentsOf: url, prefectures: ["11", "12", "13", "14"])
        // Rows per prefecture as published: 4,408 / 3,785 / 13,760 / 6,922; 334 of them repeat a
        // code with identical fields (hospitals listed twice) and are merged.
        XCTAssertEqual(report.rowsRead, 97_024)
        XCTAssertEqual(report.dropped.map(\.count), [334])
        XCTAssertEqual(Dictionary(grouping: list, by: \.prefectureCode).mapValues(\.count),
                       ["11": 4_408 - 101, "12": 3_785 - 102, "13": 13_760, "14": 6_922 - 131])
        XCTAssertTrue(report.notes.contains { $0.hasPrefix("no coordinates: 28541 institutions usable for lists only") }, "\(report.notes)")
        XCTAssertEqual(all.institutions.first?.line, 1)  // no header: the first row is line 1
    }
}
