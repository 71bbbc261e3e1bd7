import CareAtlas
import CareFormats
import Foundation
import Testing
import TestSupport

/// Catchments of the 区中央部 case against an independent computation from the raw patient table.
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuCatchmentTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml")) }

    /// Patients per code summed straight from the CSV, ranked, and counted until each share.
    static func areasNeeded(for share: Double) throws -> Int {
        let table = try CSVTable(contentsOf: SharedData.file("case_kuchubu/patient_origins_fy2023_synthetic.csv")!)
        let code = try table.column("area_code"), patients = try table.column("patients")
        var byCode: [String: Int] = [:]
        var total = 0
        for row in table {
            let n = Int(row[patients])!
            total += n
            if !row[code].isEmpty { byCode[row[code], default: 0] += n }
        }
        var sum = 0
        for (k, n) in byCode.values.sorted(by: >).enumerated() {
            sum += n
            if Double(sum) >= share * Double(total) { return k + 1 }
        }
        return -1
    }

    @Test func cumulativeShareTableMatchesTheRawTable() throws {
        let a = try PatientShareCatchments.analyse(try Self.model.get())
        for share in [0.5, 0.75, 0.9] {
            let unconstrained = try #require(a.catchments.first { $0.targetShare == share && !$0.contiguous })
            #expect(unconstrained.areaIDs.count == (try Self.areasNeeded(for: share)), "\(share)")
            let contiguous = try #require(a.catchments.first { $0.targetShare == share && $0.contiguous })
            #expect(contiguous.reached && contiguous.areaIDs.first == "13105")
            // A contiguous region needs at least as many areas as the best unconstrained choice.
            #expect(contiguous.areaIDs.count >= unconstrained.areaIDs.count)
        }
        #expect(a.catchments.map(\.areaIDs.count) == [16, 16, 40, 43, 79, 82])
        let kuchubu = try #require(a.groups.first { $0.name == "区中央部" })
        #expect(String(format: "%.2f", kuchubu.share * 100) == "10.94")
        let bunkyo = try #require(a.ranking.first)
        #expect(bunkyo.areaID == "13105" && bunkyo.patients == 31)
        // 31 per 46,840 aged 65+ (2023 table) = 6.62 per 10,000, Wilson 95 % 4.66–9.39.
        #expect(String(format: "%.2f %.2f %.2f", bunkyo.penetration!.rate, bunkyo.penetration!.lower, bunkyo.penetration!.upper) == "6.62 4.66 9.39")
    }
}
