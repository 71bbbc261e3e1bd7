import CareAtlas
@testable import CareExport
import CareMaps
import CarePrivacy
import Testing

/// Numbers and codes as the report's pages show them.
struct PeopleFormatTests {
    /// The hand-written decimal scanner accepts exactly what the pattern it replaced accepts (the
    /// regex is the reference).
    @Test func decimalScannerMatchesItsPattern() {
        let pattern = #/-?[0-9]+(\.[0-9]+)?/#
        for t in ["", "0", "-0", "1311", "-12", "2187.123", "-0.5", ".5", "5.", "1.2.3", "--1", "+1", "1,311", "<10", "x", "１２", "1e5",
                  "99105 99106", "12 ", "-", "0.0000208"] {
            #expect(PeopleFormat.isDecimal(t) == (t.wholeMatch(of: pattern) != nil), "\(t.debugDescription)")
        }
    }

    @Test func thousandsSeparatorsAndSignificantFigures() {
        #expect(PeopleFormat.grouped(1311) == "1,311")
        #expect(PeopleFormat.grouped(999) == "999")
        #expect(PeopleFormat.grouped(-1234567) == "-1,234,567")
        #expect(PeopleFormat.separated("2187.123") == "2,187.123")
        #expect(PeopleFormat.separated("<10") == "<10")
        #expect(PeopleFormat.separated("x") == "x")
        #expect(PeopleFormat.separated("99105 99106") == "99105 99106")
        #expect(PeopleFormat.significant(0.028347723879672198) == "0.0283")
        #expect(PeopleFormat.significant(2.08e-05) == "0.0000208")
        #expect(PeopleFormat.significant(1234.56) == "1,235")
        #expect(PeopleFormat.significant(0) == "0")
    }

    @Test func everyCodeHasAJapaneseLabelAndAnEnglishOne() {
        #expect(PeopleFormat.cell("kind", "homecare_clinic", language: .ja) == "在宅療養支援診療所")
        #expect(PeopleFormat.cell("kind", "visiting_nurse_station", language: .ja) == "訪問看護ステーション")
        #expect(PeopleFormat.cell("kind", "homecare_clinic", language: .en) == "Home-care clinic")
        #expect(PeopleFormat.cell("gap_class", "several", language: .ja) == "複数の理由")
        #expect(PeopleFormat.cell("gap_class", "several", language: .en) == "several reasons")
        #expect(PeopleFormat.cell("role", "partner", language: .ja) == "連携先（患者共有あり）")
        #expect(PeopleFormat.cell("method", "contiguous", language: .ja).hasPrefix("連結"))
        #expect(PeopleFormat.cell("optimal", "yes", language: .ja) == "はい")
        // Access scores per 1,000 aged 65+, three significant figures.
        #expect(PeopleFormat.cell("access_score", "0.028347723879672198", language: .ja) == "28.3")
        #expect(PeopleFormat.cell("access_score", "2.08e-05", language: .ja) == "0.0208")
        #expect(PeopleFormat.cell("patients", "1311", language: .ja) == "1,311")
        #expect(PeopleFormat.cell("area_codes", "13101 13102", language: .ja) == "13101 13102")
    }
}
