import CareAtlas
import Foundation
import Testing
import TestSupport

/// 2SFCA on the demo, by hand. Ward 65+ populations: 桜 1000, 楓 1800, 欅 800, 柳 1000, 松 2000,
/// 竹 1800, 梅 700, 椿 2000, 藤 1000 (12,100 in all); home-care capacity (patients per month):
/// clinics 30 + 20 + 15 + 10 + 8, nurse stations 40 + 25 + 20 + 12 (180 in all).
@Suite struct StudyAccessTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    @Test func everythingInReachGivesCapacityPerPopulation() throws {
        let a = try StudyAccess.compute(try Self.model.get(), kinds: ["homecare_clinic", "visiting_nurse"],
                                        capacityField: "patients_per_month", method: try .twoStep(maximumCost: 100_000))
        // R_j = S_j / 12,100 for every supply, A_i = Σ_j R_j = 180 / 12,100 for every area.
        for s in a.scores.scores { #expect(abs(s - 180.0 / 12_100) < 1e-15) }
        #expect(a.supplyIDs.count == 9)
    }

    @Test func oneKilometreCatchmentsOfTheNurseStations() throws {
        let a = try StudyAccess.compute(try Self.model.get(), kinds: ["visiting_nurse"], capacityField: "patients_per_month",
                                        method: try .twoStep(maximumCost: 1000))
        // Weighted centroids within 1 km: N01 (3500,2500) ← 松 (3000,3000) at 707 m; N02 (500,3500) ← 柳
        // (750,3500) at 250 m; N03 (2500,1500) ← 椿 (3000,1000) at 707 m; N04 (5500,500) ← 藤 (5100,900)
        // at 566 m. Each station serves one ward: A = S / P.
        #expect(a.score("99105") == 40.0 / 2000)
        #expect(a.score("99104") == 25.0 / 1000)
        #expect(a.score("99108") == 20.0 / 2000)
        #expect(a.score("99109") == 12.0 / 1000)
        for ward in ["99101", "99102", "99103", "99106", "99107"] { #expect(a.score(ward) == nil, "\(ward)") }
        #expect(a.scores.pairCount == 4)
    }

    @Test func clearErrors() throws {
        let m = try Self.model.get()
        #expect(throws: AnalysisError("no institution of kind hospital has the capacity field \"patients_per_month\"",
                                      fix: "capacity fields of these kinds: beds, pcu_beds")) {
            try StudyAccess.compute(m, kinds: ["hospital"], capacityField: "patients_per_month", method: try .twoStep(maximumCost: 1000))
        }
        #expect(throws: AnalysisError("no municipality area has the population measure \"aged75\"", fix: "measures at this level: aged65, households, total")) {
            try StudyAccess.compute(m, demandMeasure: "aged75", kinds: ["hospital"], capacityField: "beds", method: try .twoStep(maximumCost: 1000))
        }
    }
}
