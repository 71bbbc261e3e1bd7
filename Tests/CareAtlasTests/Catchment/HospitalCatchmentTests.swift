import CareAtlas
import Foundation
import Testing
import TestSupport

/// The Huff model and service areas wired to the demo study (flows in geodata/demo/make_demo.py).
@Suite struct HospitalCatchmentTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    @Test func serviceAreasFollowThePluralityOfTheFlows() throws {
        let h = try HospitalCatchments.analyse(try Self.model.get())
        let sa = try #require(h.serviceAreas)
        // Designed by hand: H01 wins 楓, 柳, 松; H02 桜 and 梅 (a 10–10 tie with H04, broken by H02's
        // larger total, 57 > 52); H03 欅, 竹; H04 椿, 藤.
        #expect(sa.area("H01")?.originIDs == ["99102", "99104", "99105"])
        #expect(sa.area("H02")?.originIDs == ["99101", "99107"])
        #expect(sa.area("H03")?.originIDs == ["99103", "99106"])
        #expect(sa.area("H04")?.originIDs == ["99108", "99109"])
        #expect(sa.origin("99107")?.tiedHospitalIDs == ["H04"])
        // H01: 15 + 30 + 40 local of 29 + 57 + 54 residents.
        #expect(sa.area("H01")?.localizationIndex == 85.0 / 140.0)
        #expect(sa.totalPatients == 304)
    }

    @Test func huffProbabilitiesSumToOnePerArea() throws {
        let h = try HospitalCatchments.analyse(try Self.model.get())
        #expect(h.huff.destinations.map(\.id) == ["H01", "H02", "H03", "H04"])
        for i in h.huff.originIDs.indices {
            #expect(abs(h.huff.row(i).reduce(0, +) - 1) < 1e-12)
        }
        let fit = try #require(h.fit)
        #expect(fit.anchorID == "H01" && fit.origins == 9 && fit.patients == 140)
        #expect(fit.logLikelihood >= fit.nullLogLikelihood)
        // At the maximum of the Poisson likelihood κ̂ Σ wᵢ Pᵢₐ equals the observed patients (140).
        let anchor = try #require(h.huff.destinations.first { $0.id == "H01" })
        #expect(abs(fit.kappa * anchor.expectedPatients - 140) < 1e-6)
    }

    @Test func tooFewDestinationsIsAClearError() throws {
        // Home-care clinics have no beds.
        #expect(throws: AnalysisError("needs at least two institutions of kind homecare_clinic with beds > 0; found 0",
                                      fix: "add the other hospitals of the region, or choose the kinds and the capacity field (e.g. beds) the study has")) {
            try HospitalCatchments.analyse(try Self.model.get(), kinds: ["homecare_clinic"])
        }
    }

    @Test func pcuBedsGiveTwoDestinations() throws {
        // Only H01 (20) and H03 (15) have PCU beds.
        let h = try HospitalCatchments.analyse(try Self.model.get(), attractiveness: "pcu_beds")
        #expect(h.huff.destinations.map(\.id) == ["H01", "H03"])
    }
}
