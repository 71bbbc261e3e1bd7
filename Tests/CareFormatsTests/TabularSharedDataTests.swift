import Foundation
import Testing
import TestSupport

@testable import CareFormats

/// The tabular layer on the real files in ../shared/geodata (read in place, never copied).
@Suite("Tabular input on shared data")
struct TabularSharedDataTests {
    typealias T = TabularTestData

    static let patientOrigins = "case_kuchubu/patient_origins_fy2023_synthetic.csv"

    struct PatientTotals: Equatable {
        var rows = 0
        var patients = 0
        var emptyCodeRows = 0
        var bunkyo = 0
        var kuChubu = 0
    }

    /// Sums the patient file the way the engine will: counts parsed, codes normalised, empty codes kept.
    func totals(_ table: CSVTable) throws -> PatientTotals {
        let columns = try table.columns(["area_code", "patients"])
        let kuChubu: Set<String> = ["13101", "13102", "13103", "13105", "13106"]
        var totals = PatientTotals()
        for row in table {
            totals.rows += 1
            let patients = try #require(try row.parseCount(columns[1]).value)
            totals.patients += patients
            if row[columns[0]].isEmpty {
                totals.emptyCodeRows += 1
                continue
            }
            let code = try row.parseAreaCode(columns[0])
            if code == "13105" { totals.bunkyo += patients }
            if kuChubu.contains(code) { totals.kuChubu += patients }
        }
        return totals
    }

    /// 216 rows, 640 patients (including 20 in the two rows with an empty code); 文京区 31 = 4.84 %
    /// and 区中央部 70 = 10.94 %, the shares the case README states.
    @Test func patientOrigins() throws {
        guard let url = SharedData.file(Self.patientOrigins) else {
            print(SharedData.skipMessage)
            return
        }
        let table = try CSVTable(contentsOf: url)
        #expect(table.header == ["area_code", "area_name", "fiscal_year", "service", "patients"])
        #expect(table.encoding == .utf8)
        #expect(table.delimiter == .comma)
        let totals = try totals(table)
        #expect(totals == PatientTotals(rows: 216, patients: 640, emptyCodeRows: 2, bunkyo: 31, kuChubu: 70))
        #expect(table[0].lineNumber == 2)
        #expect(table[215].lineNumber == 217)
    }

    /// The lead's acceptance test: the same file converted to CP932 on the fly loads to identical
    /// rows and totals.
    @Test func patientOriginsAsCP932() throws {
        guard let url = SharedData.file(Self.patientOrigins) else {
            print(SharedData.skipMessage)
            return
        }
        let utf8 = try CSVTable(contentsOf: url)
        let text = try TextDecoding.decode(contentsOf: url).text
        let cp932 = try CSVTable(data: try T.cp932(text), source: url.lastPathComponent)
        #expect(cp932.encoding == .cp932)
        #expect(cp932.header == utf8.header)
        #expect(T.rows(cp932) == T.rows(utf8))
        #expect(cp932.map(\.lineNumber) == utf8.map(\.lineNumber))
        #expect(try totals(cp932) == totals(utf8))
    }

    /// A fully quoted file with Japanese headers: 310 rows = 62 municipalities × 5 editions.
    @Test func fullyQuotedPopulationTable() throws {
        guard let url = SharedData.file("population/tokyo_kurashi_to_toukei_2019-2023_municipal_araki-ka.csv") else {
            print(SharedData.skipMessage)
            return
        }
        let table = try CSVTable(contentsOf: url)
        #expect(table.count == 310)
        #expect(
            table.header == [
                "年", "市区町村", "面積(㎢)", "人口(総数)", "人口(男性)", "人口(女性)", "65歳以上人口の割合", "世帯数", "小学校児童数",
                "中学校生徒数",
            ])
        #expect(table[0].fields == ["2019", "千代田区", "11.66", "63584", "32071", "31513", "0.1779", "36248", "4709", "5955"])
        let columns = try table.columns(["年", "人口(総数)", "面積(㎢)", "65歳以上人口の割合"])
        var population2023 = 0
        for row in table {
            let population = try #require(try row.parseCount(columns[1]).value)
            if row[columns[0]] == "2023" { population2023 += population }
            #expect(try row.parseMeasure(columns[2]).value != nil)
            #expect(try row.parseMeasure(columns[3]).value != nil)
        }
        #expect(population2023 == 14_034_861)
        // This file cannot be CP932: ㎢ (U+33A2) has no CP932 code (NEC row 13 has ㎡ but not ㎢).
        #expect(throws: TabularTestData.TestFailure.self) { try T.cp932(TextDecoding.decode(contentsOf: url).text) }
    }

    /// Census small-area KEY_CODEs: 661 codes of 9 or 11 digits whose first 5 digits are the ward;
    /// JINKO sums to the six wards' total population.
    @Test func smallAreaKeyCodes() throws {
        guard let url = SharedData.file("small_areas/estat_census2020_small_area_population_13101-13106.csv") else {
            print(SharedData.skipMessage)
            return
        }
        let table = try CSVTable(contentsOf: url)
        let columns = try table.columns(["KEY_CODE", "CITY_CODE", "JINKO"])
        var population = 0
        for row in table {
            let key = try row.parseAreaCode(columns[0], kind: .smallArea)
            #expect(key.count == 9 || key.count == 11)
            #expect(String(key.prefix(5)) == (try row.parseAreaCode(columns[1])))
            population += try #require(try row.parseCount(columns[2]).value)
        }
        #expect(table.count == 661)
        #expect(population == 66_680 + 169_179 + 260_486 + 349_385 + 240_069 + 211_444)
    }
}
