import CareAtlas
import Foundation
import Testing
import TestSupport

@Suite struct AccessGapTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    /// With 1 km nurse-station catchments (see StudyAccessTests) five wards have no supply in reach;
    /// of the four scored (松 0.02, 柳 0.025, 椿 0.01, 藤 0.012), the lowest quintile (nearest rank:
    /// the 1st of 4) is 椿 at 0.01, whose need (2,000) is above the median 65+ (1,000): a gap too.
    @Test func gapsWithReasonsBySeverity() throws {
        let m = try Self.model.get()
        let access = try StudyAccess.compute(m, kinds: ["visiting_nurse"], capacityField: "patients_per_month", method: try .twoStep(maximumCost: 1000))
        let scores = Dictionary(uniqueKeysWithValues: access.areaIDs.compactMap { id in access.score(id).map { (id, $0) } })
        let nearest = try DistanceCatchments.nearestDistances(m, level: .municipality)
        let gaps = try AccessGaps.find(m, access: scores, nearest: nearest, requiredKinds: ["visiting_nurse"], withinKm: 2)
        #expect(gaps.medianNeed == 1000 && gaps.lowQuintileCut == 0.01)
        // Two reasons (no supply in reach, nearest station beyond 2 km), by need: 楓 1800 (2.71 km),
        // 欅 800 (2.92 km), 梅 700 ((500,1000) → N03 (2500,1500): 2.06 km). One reason, by need:
        // 椿 2000 (low access), 竹 1800 and 桜 1000 (no supply in reach; stations at 1.58 km).
        #expect(gaps.gaps.map(\.areaID) == ["99102", "99103", "99107", "99108", "99106", "99101"])
        #expect(gaps.gaps[0].reasons == ["no supply within the access threshold", "no visiting_nurse within 2.0 km (nearest 2.7 km)"])
        #expect(gaps.gaps[3].reasons == ["low access (lowest quintile) with above-median need"])
        #expect(gaps.gaps[4].reasons == ["no supply within the access threshold"])
    }

    @Test func unknownRequiredKind() throws {
        let m = try Self.model.get()
        #expect(throws: AnalysisError("no institution is of kind \"pharmacy\"", fix: "kinds in this study are: homecare_clinic, hospital, visiting_nurse")) {
            try AccessGaps.find(m, access: [:], nearest: [], requiredKinds: ["pharmacy"])
        }
    }
}
