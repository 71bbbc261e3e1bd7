@testable import CareRegistries
import Foundation
import TestSupport
import XCTest

final class RegistryMergeTests: XCTestCase {
    /// Figures from an independent Python computation over the same files (same normalisation).
    func testSaitamaRegistriesJoined() throws {
        guard let todokede = SharedData.file("institutions/kouseikyoku/11届出受理医療機関名簿（医科）埼玉r0710.xlsx"),
            let list = SharedData.file("institutions/kouseikyoku/202508_all_med_inst_cd.zip"),
            let iryojoho = SharedData.file("institutions/iryojoho/01-1_hospital_facility_info_20250601.zip")
        else { throw XCTSkip(SharedData.skipMessage) }
        let filed = try Kouseikyoku.readTodokede(contentsOf: todokede).institutions
        let listed = try Kouseikyoku.readList(contentsOf: list, prefectures: ["11"]).institutions
        let byCode = RegistryMerge.byCode(filed, listed)
        XCTAssertEqual(byCode.matches.count, 4_290)  // of 4,305 filing institutions
        XCTAssertTrue(byCode.matches.allSatisfy { $0.reason == "same 医療機関コード" && $0.first == $0.second })

        struct Keep: AddressGeocoder {  // keeps the one hospital at 0/0 so that all 327 take part
            func locate(address: String, postalCode: String?, prefectureCode: String) -> Result<GeocodedPlace, GeocodingFailure> {
                .success(GeocodedPlace(lon: 139.5, lat: 35.9, level: "町丁", municipalityCode: "11208"))
            }
        }
        let hospitals = try Iryojoho.read(contentsOf: iryojoho, prefectures: ["11"], geocoder: Keep()).facilities
        XCTAssertEqual(hospitals.count, 327)
        let joined = RegistryMerge.byNameAndAddress(hospitals, filed)
        XCTAssertEqual(joined.matches.count, 253)
        XCTAssertTrue(joined.ambiguous.isEmpty)
        let tokorozawa = joined.matches.first { $0.name == "医療法人社団　白翔会　所沢白翔会病院" }
        XCTAssertEqual(tokorozawa?.reason, "same name and municipality (所沢市)")
    }

    func testNormalisation() {
        XCTAssertEqual(RegistryMerge.municipality("東京都千代田区千代田１－２"), "千代田区")
        XCTAssertEqual(RegistryMerge.municipality("さいたま市南区根岸４－５－１１"), "さいたま市南区")
        XCTAssertEqual(RegistryMerge.municipality("神奈川県横浜市都筑区茅ケ崎中央"), "横浜市都筑区")
        XCTAssertEqual(RegistryMerge.municipality("横浜市都筑区茅ケ崎中央"), "横浜市都筑区")
        XCTAssertEqual(RegistryMerge.municipality("埼玉県入間郡三芳町藤久保"), "入間郡三芳町")
        XCTAssertEqual(RegistryMerge.municipality("京都府京都市左京区"), "京都市左京区")
        XCTAssertEqual(RegistryMerge.municipality("千葉県市川市八幡"), "市川市")
        XCTAssertEqual(RegistryMerge.municipality("町田市原町田"), "町田市")
    }
}

final class KouseikyokuFieldTests: XCTestCase {
    /// 病床数 of the 名簿 as written per bed type, totalled; no number is no data, never 0.
    func testTotalBeds() {
        XCTAssertEqual(Kouseikyoku.totalBeds("一般  395"), 395)
        XCTAssertEqual(Kouseikyoku.totalBeds("一般  80/療養  37"), 117)
        XCTAssertEqual(Kouseikyoku.totalBeds("一般 一般 20/ 療養 174"), 194)
        XCTAssertEqual(Kouseikyoku.totalBeds("一般  361/一般(感染)  2"), 363)
        XCTAssertEqual(Kouseikyoku.totalBeds("一般　１９"), 19, "full-width digits and space")
        XCTAssertNil(Kouseikyoku.totalBeds(""))
        XCTAssertNil(Kouseikyoku.totalBeds("一般"))
    }

    /// Postal codes of the 厚生局 files (`3360024` in the list, `336-0024` in the 名簿) as 123-4567.
    func testPostalCodesNormalised() {
        XCTAssertEqual(StudySources.postalCode("3360024"), "336-0024")
        XCTAssertEqual(StudySources.postalCode("336-0024"), "336-0024")
        XCTAssertEqual(StudySources.postalCode(" 〒336-0024"), "336-0024")
        XCTAssertEqual(StudySources.postalCode(""), "")
        XCTAssertEqual(StudySources.postalCode("33600"), "33600")
    }
}
