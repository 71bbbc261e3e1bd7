import CareAtlas
import Foundation
import Testing
import TestSupport

/// The demo study loaded from patient records (geodata/demo/study_records.yaml): every record
/// geocoded and aggregated as make_demo_records.py's expected table says, unmatched rows kept in
/// the outside bucket by reason, and no row-level value in any diagnostic.
@Suite struct PatientRecordsStudyTests {
    static let study = repositoryRoot.appendingPathComponent("geodata/demo/study_records.yaml")
    static let model = Result { try StudyLoader.load(study) }

    @Test func aggregatesRecordsToSmallAreasAndWards() throws {
        let m = try Self.model.get()
        #expect(!m.diagnostics.contains { $0.severity == .error })
        #expect(m.totalPatients == 23)
        let small = Dictionary(uniqueKeysWithValues: m.areas[.smallArea]!.compactMap { a in a.patients.map { (a.id, $0) } })
        #expect(small == ["991010001": 1, "991010002": 1, "991010003": 1, "991020001": 1, "991020002": 1, "991030001": 1,
                          "991030004": 1, "991040002": 1, "991050001": 1, "991050003": 1, "991050004": 1, "991060001": 1,
                          "991060002": 1, "991090001": 1])
        // Wards: their small areas plus the records placed at ward level only (99104 境通 by
        // address, 99107 twice, 99108 from the postal code alone).
        let wards = Dictionary(uniqueKeysWithValues: m.areas[.municipality]!.map { ($0.id, $0.patients ?? 0) })
        #expect(wards == ["99101": 3, "99102": 2, "99103": 2, "99104": 2, "99105": 3, "99106": 2, "99107": 2, "99108": 1, "99109": 1])
        #expect(m.area("99101", at: .municipality)?.patientBreakdown
                == ["service=pct_consult": 2, "service=pcu_admission": 1, "age_band=75-84": 2, "age_band=65-74": 1])
    }

    @Test func unplacedRecordsAreKeptByReason() throws {
        let m = try Self.model.get()
        #expect(m.outside.patients == 5)
        #expect(m.outside.entries.map(\.reason) == [
            "small area (chome) match outside the study areas",
            "unmatched: no address and no postal code",
            "unmatched: postal code not in the postal table",
            "unmatched: postal code shared by several municipalities",
            "unmatched: prefecture not in the gazetteer",
        ])
        #expect(m.outside.entries.allSatisfy { $0.code.isEmpty && $0.name.isEmpty })
        // The rows themselves stay in memory for `validate --show-unmatched` (terminal only).
        #expect(m.outside.unplacedRecords.count == 5)
        #expect(Set(m.outside.unplacedRecords.map(\.reason)) == Set(m.outside.entries.map(\.reason)))
        #expect(m.outside.unplacedRecords.map(\.line) == m.outside.unplacedRecords.map(\.line).sorted())
    }

    @Test func validateCountsPerLevelAndMunicipality() throws {
        let m = try Self.model.get()
        let text = m.diagnostics.map(\.message)
        #expect(text.contains("23 patient records geocoded: 町丁 15, 大字・町 <10, 市区町村 <10, unmatched <10 (町丁 = the census 町丁・字 the address names, 大字・町 = a town of several, 市区町村 = municipality only)"))
        #expect(text.contains("patient records by municipality: 99101 架空市桜区 <10, 99102 架空市楓区 <10, 99103 架空市欅区 <10, 99104 架空市柳区 <10, 99105 架空市松区 <10, 99106 架空市竹区 <10, 99107 架空市梅区 <10, 99108 架空市椿区 <10, 99109 架空市藤区 <10"))
    }

    /// No address, postal code or other row value of the records file reaches a diagnostic.
    @Test func noRowLevelValueInDiagnostics() throws {
        let m = try Self.model.get()
        let all = m.diagnostics.map { "\($0)" }.joined(separator: "\n")
        for fragment in try PatientRecordsPrivacy.fragments() {
            #expect(!all.contains(fragment), "diagnostics contain \(fragment)")
        }
    }
}

/// The identifying values of the demo's patient records: every postal code and address, and the
/// distinctive parts of the addresses (house numbers, buildings).
enum PatientRecordsPrivacy {
    static func fragments() throws -> [String] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("geodata/demo/patient_records.csv"), encoding: .utf8)
        var out: Set<String> = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // An "address" that is only a municipality name (架空市梅区) is not identifying: outputs name municipalities.
            for f in fields.prefix(2) where !f.isEmpty && f != "架空市梅区" { out.insert(f) }
            if fields.count > 1 {
                for part in ["メゾン桜", "１－５－４５", "1-5-45", "２番３号", "大字竹林123", "字東456", "境通"] where fields[1].contains(part) {
                    out.insert(part)
                }
            }
        }
        return out.sorted()
    }
}

/// Patient records kept as a workbook: the same table saved as .xlsx (by GDAL's ogr2ogr, as a
/// user's spreadsheet program would) gives the same areas and counts as the CSV.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ogr2ogr"), "ogr2ogr (gdal-bin) is absent"))
struct PatientRecordsSpreadsheetTests {
    @Test func xlsxRecordsEqualTheCSV() throws {
        let demo = repositoryRoot.appendingPathComponent("geodata/demo")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-records-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in try FileManager.default.contentsOfDirectory(atPath: demo.path) {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let convert = Process()
        convert.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
        // Every column as text, as in a sheet where postal codes keep their leading zeros.
        convert.arguments = ["-f", "XLSX", dir.appendingPathComponent("patient_records.xlsx").path,
                             dir.appendingPathComponent("patient_records.csv").path, "-oo", "AUTODETECT_TYPE=NO", "-nln", "records"]
        convert.standardOutput = FileHandle.nullDevice
        try convert.run()
        convert.waitUntilExit()
        #expect(convert.terminationStatus == 0)
        let yaml = try String(contentsOf: dir.appendingPathComponent("study_records.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "records: patient_records.csv", with: "records: patient_records.xlsx")
        try yaml.write(to: dir.appendingPathComponent("study_records.yaml"), atomically: true, encoding: .utf8)
        let fromSheet = try StudyLoader.load(dir.appendingPathComponent("study_records.yaml"))
        let fromCSV = try PatientRecordsStudyTests.model.get()
        #expect(!fromSheet.diagnostics.contains { $0.severity == .error }, "\(fromSheet.diagnostics)")
        #expect(fromSheet.totalPatients == fromCSV.totalPatients)
        for level in [AreaLevel.smallArea, .municipality] {
            #expect(fromSheet.areas[level]!.map(\.patients) == fromCSV.areas[level]!.map(\.patients), "\(level)")
        }
        #expect(fromSheet.outside.entries.map(\.reason) == fromCSV.outside.entries.map(\.reason))
    }
}
