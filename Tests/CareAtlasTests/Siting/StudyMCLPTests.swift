import CareGeometry
import Foundation
import Testing
import TestSupport

@testable import CareAtlas

/// MCLP on the hand-made study and road network of ``StudyCostTests`` (its drawing gives the roads).
/// Demand: aged65 of areas 90001 … 90005 = 100, 200, 300, 400, 500. Candidates: the hospital H1 at A
/// (area 1's centroid) and the home-care clinics K1, K2 at C (area 3's centroid).
///
/// Travel minutes (10 m/s on every road, one-way A → B → F and F → D → E → A):
///
/// | area | H1 | K1 = K2 |
/// |---|---|---|
/// | 90001 (A) | 0 | (AB + BF + FC) / v ≈ 3.03 |
/// | 90002 (B) | (BF + FD + DE + EA) / v ≈ 3.30 | (BF + FC) / v ≈ 1.52 |
/// | 90003 (C) | (CF + FD + DE + EA) / v ≈ 4.15 | 0 |
/// | 90004 (island) | no route | no route |
/// | 90005 (off the network) | no data | no data |
///
/// In straight line the centroids are 0.01° of longitude (≈ 911 m) apart.
@Suite struct StudyMCLPTests {
    typealias S = StudyCostTests
    static let candidates = ["hospital", "homecare_clinic"]

    @Test func coverageInMinutesOnTheNetwork() throws {
        let model = try S.load(S.writeStudy(cost: S.networkCost))
        let costs = try #require(try StudyCosts.build(model))
        // The hand figures the coverage rests on.
        let bfc = S.bc / S.v, abfc = (S.ab + S.bc) / S.v, loop = S.loop / S.v, cBack = (S.metres(S.c, S.f) + S.back) / S.v
        #expect(bfc < 150 && abfc > 150 && abfc < 210 && loop > 150 && loop < 210 && cBack > 210)

        // 2.5 minutes, p = 1: H1 covers area 1 (100); K1 (or its twin K2) covers areas 2 and 3 (500).
        let one = try StudyMCLP.solve(model, level: .municipality, kinds: Self.candidates, p: 1, radiusMinutes: 2.5, costs: costs)
        #expect(one.unit == "min" && one.radius == 2.5)
        #expect(one.candidateIDs == ["H1", "K1", "K2"])
        #expect(one.demandAreaIDs == ["90001", "90002", "90003", "90004"])
        #expect(one.areasWithoutData.map(\.id) == ["90005"])
        #expect(one.areasWithoutData[0].reason == "no travel time (network)")
        #expect(one.problem.coverage(ofDemand: 0).map(Int.init) == [0])
        #expect(one.problem.coverage(ofDemand: 1).map(Int.init) == [1, 2])
        #expect(one.problem.coverage(ofDemand: 2).map(Int.init) == [1, 2])
        #expect(one.problem.coverage(ofDemand: 3).isEmpty)  // the island: no route is not coverage
        #expect(one.solution.covered == 500 && one.solution.optimal)
        #expect(one.chosenIDs == ["K1"] || one.chosenIDs == ["K2"])

        // 3.5 minutes, p = 1: the clinic now reaches area 1 too (3.03 min): 600; H1 would give 300.
        let wider = try StudyMCLP.solve(model, level: .municipality, kinds: Self.candidates, p: 1, radiusMinutes: 3.5, costs: costs)
        #expect(wider.solution.covered == 600)
        #expect(wider.problem.coverage(ofDemand: 1).map(Int.init) == [0, 1, 2])
        // 2.5 minutes, p = 2: H1 and one clinic, 600; the island's 400 stays uncovered.
        let two = try StudyMCLP.solve(model, level: .municipality, kinds: Self.candidates, p: 2, radiusMinutes: 2.5, costs: costs)
        #expect(two.solution.covered == 600 && two.chosenIDs.first == "H1")
    }

    @Test func straightLineCoversTheIslandThatNoRoadReaches() throws {
        let model = try S.load(S.writeStudy(cost: "cost: straight_line", gaps: "{kinds: [homecare_clinic], capacity: slots}"))
        #expect(try StudyCosts.build(model) == nil)
        // 1,000 m: K1 at C covers areas 2, 3, 4 (≈ 911 m, 0, ≈ 911 m) = 900; H1 covers 1 and 2 = 300.
        let run = try StudyMCLP.solve(model, level: .municipality, kinds: Self.candidates, p: 1, radiusMetres: 1000)
        #expect(run.unit == "m" && run.areasWithoutData.isEmpty)
        #expect(run.solution.covered == 900)
        #expect(run.chosenIDs == ["K1"] || run.chosenIDs == ["K2"])
        // Below the spacing only the own area is covered: K at C covers area 3 (300).
        let tight = try StudyMCLP.solve(model, level: .municipality, kinds: Self.candidates, p: 1, radiusMetres: 900)
        #expect(tight.solution.covered == 300)
    }

    @Test func theRadiusFollowsTheStudysCost() throws {
        let network = try S.load(S.writeStudy(cost: S.networkCost))
        let costs = try #require(try StudyCosts.build(network))
        #expect(throws: AnalysisError.self) {  // metres on a travel-time study
            try StudyMCLP.solve(network, level: .municipality, kinds: Self.candidates, p: 1, radiusMetres: 1000, costs: costs)
        }
        #expect(throws: AnalysisError.self) {  // beyond the network's 30-minute cutoff
            try StudyMCLP.solve(network, level: .municipality, kinds: Self.candidates, p: 1, radiusMinutes: 45, costs: costs)
        }
        let straight = try S.load(S.writeStudy(cost: "cost: straight_line", gaps: "{kinds: [homecare_clinic], capacity: slots}"))
        #expect(throws: AnalysisError.self) {  // minutes without a travel-time cost
            try StudyMCLP.solve(straight, level: .municipality, kinds: Self.candidates, p: 1, radiusMinutes: 10)
        }
        #expect(throws: AnalysisError.self) {  // p beyond the three candidates
            try StudyMCLP.solve(straight, level: .municipality, kinds: Self.candidates, p: 4, radiusMetres: 1000)
        }
    }
}
