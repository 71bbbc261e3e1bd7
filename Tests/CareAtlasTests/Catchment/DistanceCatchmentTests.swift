import CareAtlas
import CareGeometry
import Foundation
import Testing
import TestSupport

@Suite struct DistanceCatchmentTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    /// The four visiting-nurse stations sit at the centres of 1 km small-area cells (pop 2,500, 3,000,
    /// 2,000, 1,600), so 500 m discs lie inside one cell each: covered = cell population × disc area,
    /// the disc being GEOS's 64-gon, area 32 r² sin(2π/64). 65+ is known per ward only (2,000, 1,000,
    /// 2,000 and 1,000 over 4 km² each).
    @Test func ringsInterpolateByArea() throws {
        let d = try DistanceCatchments.compute(try Self.model.get(), kinds: ["visiting_nurse"], radiiKm: [0.5])
        let disc = 32 * 0.25 * sin(2 * Double.pi / 64)  // km²
        let ring = try #require(d.rings.first)
        #expect(relativeDifference(ring.covered["total"]!, disc * (2500 + 3000 + 2000 + 1600)) < 1e-9)
        #expect(relativeDifference(ring.covered["aged65"]!, disc / 4 * (2000 + 1000 + 2000 + 1000)) < 1e-9)
        #expect(relativeDifference(ring.coveredShare["total"]!, disc * 9100 / 46_000) < 1e-9)
    }

    @Test func nearestCellsPartitionTheStudy() throws {
        let d = try DistanceCatchments.compute(try Self.model.get(), kinds: ["hospital"], radiiKm: [1, 5])
        #expect(d.cells.map(\.institutionID) == ["H01", "H02", "H03", "H04"])
        #expect(abs(d.cells.map(\.areaKm2).reduce(0, +) - 36) < 1e-6)
        #expect(abs(d.cells.compactMap { $0.covered["total"] }.reduce(0, +) - 46_000) < 1e-6)
        // A 5 km ring from four hospitals covers the whole 6 km × 6 km city.
        #expect(abs(d.rings[1].covered["total"]! - 46_000) < 1e-6)
        let m = try Self.model.get()
        for c in d.cells {
            let inst = try #require(m.institutions.first { $0.id == c.institutionID })
            #expect(try PreparedGeometry(c.geometry).covers(inst.position))
        }
    }

    @Test func nearestDistancesFromWeightedCentroids() throws {
        let m = try Self.model.get()
        let nearest = try DistanceCatchments.nearestDistances(m, level: .municipality)
        let matsu = try #require(nearest.first { $0.areaID == "99105" })
        // (3000, 3000) → H01 (3300, 3300): 0.4243 km; → N01 (3500, 2500) and C01 (2500, 3500): √(500²+500²).
        #expect(matsu.institutionID["hospital"] == "H01")
        #expect(abs(matsu.distanceKm["hospital"]! - 0.3 * 2.0.squareRoot()) < 1e-4)
        #expect(abs(matsu.distanceKm["visiting_nurse"]! - 0.5 * 2.0.squareRoot()) < 1e-9)
        #expect(matsu.institutionID["homecare_clinic"] == "C01")
    }

    @Test func unknownKindIsAnError() throws {
        #expect(throws: AnalysisError("no institution is of kind \"clinic\"", fix: "kinds in this study are: homecare_clinic, hospital, visiting_nurse")) {
            try DistanceCatchments.compute(try Self.model.get(), kinds: ["clinic"])
        }
    }
}
