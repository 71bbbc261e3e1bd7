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

/// The gap list of the six wards' small areas (home-care supply, 1 km catchments), checked rule by
/// rule against the scores and distances it was made from.
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuGapTests {
    @Test func everyGapMeetsItsRulesAndNoOtherAreaDoes() throws {
        let m = try KuchubuCatchmentTests.model.get()
        let kinds = ["homecare_clinic", "visiting_nurse_station"]
        let access = try StudyAccess.compute(m, level: .smallArea, demandMeasure: "total", kinds: kinds,
                                             capacityField: "patients_per_month", method: try .twoStep(maximumCost: 1000))
        let scores = Dictionary(uniqueKeysWithValues: access.areaIDs.compactMap { id in access.score(id).map { (id, $0) } })
        let nearest = try DistanceCatchments.nearestDistances(m, level: .smallArea)
        let gaps = try AccessGaps.find(m, level: .smallArea, need: .total, access: scores, nearest: nearest, requiredKinds: kinds, withinKm: 1)
        #expect(gaps.gaps.count == 72)
        let sorted = scores.values.sorted()
        let cut = sorted[Int((0.2 * Double(sorted.count)).rounded(.up)) - 1]
        let needs = m.areas[.smallArea]!.compactMap { $0.population["total"] }.sorted()
        let median = needs.count % 2 == 1 ? needs[needs.count / 2] : (needs[needs.count / 2 - 1] + needs[needs.count / 2]) / 2
        let flagged = Set(gaps.gaps.map(\.areaID))
        for a in m.areas[.smallArea]! {
            let need = a.population["total"] ?? 0
            let score = scores[a.id]
            let far = nearest.first { $0.areaID == a.id }!.distanceKm.filter { kinds.contains($0.key) && $0.value > 1 }
            let expected = need > 0 && ((score.map { $0 <= cut && $0 > 0 && need > median } ?? false) || score == nil || score == 0 || !far.isEmpty)
            #expect(flagged.contains(a.id) == expected, "\(a.id) \(a.name)")
        }
        // Severity order: reasons never increase down the list.
        #expect(zip(gaps.gaps, gaps.gaps.dropFirst()).allSatisfy { $0.reasons.count >= $1.reasons.count })
    }
}
