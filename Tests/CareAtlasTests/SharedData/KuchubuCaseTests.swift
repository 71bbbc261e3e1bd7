import CareAtlas
@testable import CareFormats
import Foundation
import Testing
import TestSupport

/// The real 区中央部 case (geodata/cases/kuchubu.yaml reading ../shared/geodata).
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuCaseTests {
    static let study = repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml")
    static let model = Result { try StudyLoader.load(study) }

    @Test func patientTotalsMatchTheCalibration() throws {
        let m = try Self.model.get()
        #expect(m.crs == .epsg(6677))
        #expect(m.totalPatients == 640)
        let bunkyo = try #require(m.area("13105", at: .municipality))
        #expect(bunkyo.name == "文京区" && bunkyo.patients == 31)
        #expect(String(format: "%.2f", 100 * Double(bunkyo.patients!) / Double(m.totalPatients)) == "4.84")
        let kuchubu = try #require(m.groups["secondary_medical_area"]?.first { $0.name == "区中央部" })
        #expect(kuchubu.patients == 70)
        #expect(kuchubu.memberIDs == ["13101", "13102", "13103", "13105", "13106"])
        #expect(String(format: "%.2f", 100 * Double(kuchubu.patients) / Double(m.totalPatients)) == "10.94")
        #expect(m.outside.patients == 20)
        // Every patient is somewhere: areas (at the matched level) plus the outside bucket.
        #expect(m.areas[.municipality]!.compactMap(\.patients).reduce(0, +) + m.outside.patients == 640)
        #expect(!m.diagnostics.contains { $0.severity == .error })
    }

    @Test func everyInstitutionIsInItsWard() throws {
        let m = try Self.model.get()
        let root = try #require(SharedData.root)
        var listed: [String: String] = [:]
        for file in ["case_kuchubu/hospitals_illustrative.csv", "case_kuchubu/homecare_providers_synthetic.csv"] {
            let table = try CSVTable(contentsOf: root.appendingPathComponent(file))
            let id = try table.column("id"), code = try table.column("municipality_code")
            for row in table { listed[row[id]] = row[code] }
        }
        #expect(listed.count == 420)
        #expect(m.institutions.count == 420)
        #expect(m.institutions.filter { $0.kind == "hospital" }.count == 30)
        #expect(m.institutions.filter { $0.kind != "hospital" }.count == 390)
        for inst in m.institutions {
            #expect(inst.areaIDs[.municipality] == listed[inst.id], "\(inst.id) \(inst.name)")
        }
        #expect(m.anchor?.id == "H01" && m.anchor?.areaIDs[.municipality] == "13105")
    }

    @Test func secondaryMedicalAreasMatchTheTable() throws {
        let m = try Self.model.get()
        let root = try #require(SharedData.root)
        let table = try CSVTable(contentsOf: root.appendingPathComponent("case_kuchubu/tokyo_secondary_medical_areas.csv"))
        let code = try table.column("municipality_code"), group = try table.column("secondary_medical_area")
        var expected: [String: [String]] = [:]
        for row in table { expected[row[group], default: []].append(row[code]) }
        let groups = try #require(m.groups["secondary_medical_area"])
        #expect(groups.count == 13)
        for g in groups { #expect(g.memberIDs == expected[g.name]?.sorted(), "\(g.name)") }
        // Each group's patients are the sum of its members' patients.
        for g in groups {
            let sum = g.memberIDs.compactMap { m.area($0, at: .municipality)?.patients }.reduce(0, +)
            #expect(g.patients == sum, "\(g.name)")
        }
    }

    @Test func smallAreasNestInTheirWards() throws {
        let m = try Self.model.get()
        let small = try #require(m.areas[.smallArea])
        #expect(small.count == 661)  // 687 features; e-Stat rows sharing a KEY_CODE merged
        #expect(small.allSatisfy { $0.parentID == String($0.id.prefix(5)) })
        // Ward populations from the e-Stat small areas (README: 文京 240,069; 台東 211,444).
        let bunkyo = small.filter { $0.parentID == "13105" }.compactMap { $0.population["total"] }.reduce(0, +)
        let taito = small.filter { $0.parentID == "13106" }.compactMap { $0.population["total"] }.reduce(0, +)
        #expect(bunkyo == 240_069 && taito == 211_444)
    }

    /// The patient table converted to CP932 on the fly loads to identical totals.
    @Test func cp932PatientTableGivesIdenticalTotals() throws {
        let m = try Self.model.get()
        let root = try #require(SharedData.root)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-cp932-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let utf8 = try String(contentsOf: root.appendingPathComponent("case_kuchubu/patient_origins_fy2023_synthetic.csv"), encoding: .utf8)
        let cp932 = Data(try CP932.encode(utf8).get())
        #expect(cp932 != Data(utf8.utf8))
        try cp932.write(to: folder.appendingPathComponent("patients_cp932.csv"))
        var yaml = try String(contentsOf: Self.study, encoding: .utf8)
        let sharedPath = root.path
        yaml = yaml.replacingOccurrences(of: "../../../shared/geodata", with: sharedPath)
        yaml = yaml.replacingOccurrences(of: "\(sharedPath)/case_kuchubu/patient_origins_fy2023_synthetic.csv", with: "patients_cp932.csv")
        let studyURL = folder.appendingPathComponent("kuchubu_cp932.yaml")
        try yaml.write(to: studyURL, atomically: true, encoding: .utf8)
        let converted = try StudyLoader.load(studyURL)
        #expect(converted.totalPatients == m.totalPatients)
        #expect(converted.outside == m.outside)
        #expect(converted.areas[.municipality]!.map(\.patients) == m.areas[.municipality]!.map(\.patients))
        #expect(converted.areas[.municipality]!.map(\.patientBreakdown) == m.areas[.municipality]!.map(\.patientBreakdown))
    }
}
