import CareAtlas
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Hand-checked catchments of the demo (geodata/demo): patients 松40 柳30 竹20 楓15 椿12 桜8 欅6 梅5
/// 藤4 and 10 outside, 150 in all.
@Suite struct PatientShareTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    @Test func rankingAndCumulativeShares() throws {
        let a = try PatientShareCatchments.analyse(try Self.model.get())
        #expect(a.ranking.map(\.areaID) == ["99105", "99104", "99106", "99102", "99108", "99101", "99103", "99107", "99109"])
        #expect(a.ranking.map(\.patients) == [40, 30, 20, 15, 12, 8, 6, 5, 4])
        #expect(a.ranking.last!.cumulativeShare == 140.0 / 150)
        // 松区's weighted centroid is its centre (3000, 3000); the anchor is at (3300, 3300): 300√2 m.
        #expect(abs(a.ranking[0].distanceKm - 0.3 * 2.0.squareRoot()) < 1e-4)
        // Penetration: 40 per 2,000 aged 65+ = 200 per 10,000.
        #expect(a.ranking[0].penetration?.rate == 200)
    }

    @Test func catchmentsReachTheirShares() throws {
        let a = try PatientShareCatchments.analyse(try Self.model.get())
        // 50 % of 150 = 75 → 40+30+20 = 90; 75 % = 112.5 → +15+12 = 117; 90 % = 135 → +8+6+5 = 136.
        let expected: [(Double, [String], Int)] = [
            (0.5, ["99105", "99104", "99106"], 90),
            (0.75, ["99105", "99104", "99106", "99102", "99108"], 117),
            (0.9, ["99105", "99104", "99106", "99102", "99108", "99101", "99103", "99107"], 136),
        ]
        for (share, ids, patients) in expected {
            for contiguous in [false, true] {
                let c = try #require(a.catchments.first { $0.targetShare == share && $0.contiguous == contiguous })
                // Growth from 松区: 柳 (30) > 竹 (20) > 楓 (15) > 椿 (12) are all its neighbours, then the
                // outer ring 桜 8, 欅 6, 梅 5 — the same areas in the same order as the ranking here.
                #expect(c.areaIDs == ids)
                #expect(c.patients == patients && c.reached)
                #expect(c.areaKm2 == Double(4 * ids.count))
                #expect(try c.geometry.area() == Double(4 * ids.count) * 1e6)
            }
        }
        let fifty = a.catchments[0]
        #expect(fifty.population == 20_000 && fifty.aged65 == 4_800)
        #expect(fifty.institutionsByKind == ["homecare_clinic": 3, "hospital": 3, "visiting_nurse": 2])
        // One polygon: the three wards of the middle row dissolve into a 6 km × 2 km rectangle.
        #expect(fifty.geometry.polygons.count == 1 && fifty.geometry.boundingBox == Envelope(minX: 0, minY: 2000, maxX: 6000, maxY: 4000))
    }

    @Test func sharesBeyondTheAreasAreNotReached() throws {
        // The unconstrained 100 % catchment takes every area with patients; at 95 % (142.5 of 150)
        // the areas cannot reach it (only 140 live in areas): not reached.
        let a = try PatientShareCatchments.analyse(try Self.model.get(), shares: [0.95])
        #expect(a.catchments.allSatisfy { !$0.reached && $0.patients == 140 && $0.areaIDs.count == 9 })
    }

    @Test func groupsWithPenetration() throws {
        let a = try PatientShareCatchments.analyse(try Self.model.get())
        #expect(a.groups.map(\.name) == ["中部", "北部", "南部"])
        #expect(a.groups.map(\.patients) == [90, 29, 21])
        #expect(a.groups[0].share == 0.6)
        #expect(a.groups[0].penetration?.rate == 187.5)  // 90 / 4,800 × 10,000
    }

    @Test func badArgumentsAreClearErrors() throws {
        let m = try Self.model.get()
        #expect(throws: AnalysisError("target share 1.5 is outside (0, 1]", fix: "give shares such as 0.5, 0.75, 0.9")) {
            try PatientShareCatchments.analyse(m, shares: [1.5])
        }
        #expect(throws: AnalysisError("the patient table has no rows at or below the small_area level", fix: "use the level the patient codes are given at")) {
            try PatientShareCatchments.analyse(m, level: .smallArea)
        }
    }

    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857–872,
    /// Table I: Wilson intervals for 81/263, 15/148, 0/10 and 5/10.
    @Test func wilsonIntervalsMatchNewcombe() throws {
        let cases: [(Double, Double, Double, Double)] = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 10, 0, 0.2775), (5, 10, 0.2366, 0.7634)]
        for (x, n, lo, hi) in cases {
            let ci = try #require(wilsonInterval(successes: x, trials: n))
            #expect(abs(ci.lower - lo) < 5e-5 && abs(ci.upper - hi) < 5e-5, "\(x)/\(n)")
        }
        #expect(wilsonInterval(successes: 3, trials: 0) == nil)
        #expect(Penetration(patients: 3, population: nil) == nil)
    }
}
