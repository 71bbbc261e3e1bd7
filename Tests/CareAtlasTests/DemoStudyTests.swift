import CareAtlas
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Known answers of the demo region, computed by hand from geodata/demo/make_demo.py.
@Suite struct DemoStudyTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    @Test func loadsWithAutomaticZoneIX() throws {
        let m = try Self.model.get()
        #expect(m.crs == .epsg(6677))
        #expect(m.levels == [.smallArea, .municipality])
        #expect(m.areas[.municipality]!.map(\.id) == (1...9).map { "9910\($0)" })
        #expect(m.areas[.smallArea]!.count == 36)
        #expect(!m.diagnostics.contains { $0.severity == .error })
    }

    @Test func areasAreExactSquares() throws {
        let m = try Self.model.get()
        for a in m.areas[.municipality]! { #expect(abs(a.areaKm2 - 4) < 1e-9, "\(a.id)") }
        for a in m.areas[.smallArea]! { #expect(abs(a.areaKm2 - 1) < 1e-9, "\(a.id)") }
    }

    @Test func patientTotalsAndOutsideBucket() throws {
        let m = try Self.model.get()
        #expect(m.totalPatients == 150)
        #expect(m.outside.patients == 10)
        #expect(m.outside.entries.map(\.code) == ["", "99999"])
        #expect(m.outside.entries.map(\.patients) == [4, 6])
        let byWard = Dictionary(uniqueKeysWithValues: m.areas[.municipality]!.map { ($0.id, $0.patients ?? -1) })
        #expect(byWard == ["99101": 8, "99102": 15, "99103": 6, "99104": 30, "99105": 40, "99106": 20,
                           "99107": 5, "99108": 12, "99109": 4])
        #expect(m.area("99105", at: .municipality)?.patientBreakdown == ["service=pct_consult": 24, "service=pcu_admission": 16])
        // Patients are given per ward, so small areas have none.
        #expect(m.areas[.smallArea]!.allSatisfy { $0.patients == nil })
    }

    @Test func populationAndGroups() throws {
        let m = try Self.model.get()
        let wards = m.areas[.municipality]!
        #expect(wards.compactMap { $0.population["total"] }.reduce(0, +) == 46_000)
        #expect(wards.compactMap { $0.population["aged65"] }.reduce(0, +) == 12_100)
        let groups = try #require(m.groups["secondary_medical_area"])
        #expect(groups.map(\.name) == ["中部", "北部", "南部"])
        #expect(groups.map(\.patients) == [90, 29, 21])
        #expect(groups[0].memberIDs == ["99104", "99105", "99106"])
        #expect(groups.map { $0.population["total"]! } == [20_000, 12_000, 14_000])
        // Small areas inherit their ward's group.
        #expect(m.area("991050001", at: .smallArea)?.groups["secondary_medical_area"] == "中部")
    }

    @Test func rookAdjacencyOfTheGrid() throws {
        let m = try Self.model.get()
        let wards = m.areas[.municipality]!
        let adjacency = m.adjacency[.municipality]!
        // 3 × 3 grid: 12 shared edges; corners 2 neighbours, edges 3, centre 4; diagonals never.
        #expect(adjacency.map(\.count).reduce(0, +) == 24)
        let ids = { (i: Int) in adjacency[i].map { wards[$0].id } }
        #expect(ids(m.areaIndex("99105", at: .municipality)!) == ["99102", "99104", "99106", "99108"])
        #expect(ids(m.areaIndex("99101", at: .municipality)!) == ["99102", "99104"])
        #expect(ids(m.areaIndex("99102", at: .municipality)!) == ["99101", "99103", "99105"])
        // 6 × 6 grid of small areas: 2 · 6 · 5 = 60 edges.
        #expect(m.adjacency[.smallArea]!.map(\.count).reduce(0, +) == 120)
    }

    /// The adjacency of the load (each area converted to GEOS once, only pairs whose boxes meet
    /// compared) equals the pairwise overlay of every pair of areas, each converted on its own.
    @Test func adjacencyEqualsAllPairsOverlay() throws {
        let m = try Self.model.get()
        #expect(try AdjacencyReference.neighbours(of: m) == m.adjacency)
    }

    @Test func hierarchyAndWeightedCentroids() throws {
        let m = try Self.model.get()
        #expect(m.areas[.smallArea]!.allSatisfy { $0.parentID == String($0.id.prefix(5)) })
        // 柳区: NW (500, 3500) × 3000 and NE (1500, 3500) × 1000 → (750, 3500).
        let yanagi = try #require(m.area("99104", at: .municipality))
        #expect(abs(yanagi.weightedCentroid.x - 750) < 1e-6 && abs(yanagi.weightedCentroid.y - 3500) < 1e-6)
        // 藤区: 800 at (4500,1500), (5500,1500), (4500,500) and 1600 at (5500,500) → (5100, 900).
        let fuji = try #require(m.area("99109", at: .municipality))
        #expect(abs(fuji.weightedCentroid.x - 5100) < 1e-6 && abs(fuji.weightedCentroid.y - 900) < 1e-6)
        // Point on surface of a square is its centre.
        #expect(fuji.pointOnSurface == Coordinate(x: 5000, y: 1000))
    }

    @Test func institutionsAssignedToWards() throws {
        let m = try Self.model.get()
        #expect(m.institutions.count == 13)
        let perWard = Dictionary(uniqueKeysWithValues: m.areas[.municipality]!.map { ($0.id, $0.institutionIndices.count) })
        #expect(perWard == ["99101": 0, "99102": 1, "99103": 0, "99104": 3, "99105": 3, "99106": 2,
                            "99107": 1, "99108": 2, "99109": 1])
        let anchor = try #require(m.anchor)
        #expect(anchor.id == "H01" && anchor.areaIDs[.municipality] == "99105" && anchor.areaIDs[.smallArea] == "991050002")
        // Lon/lat (7 decimals from cs2cs) projected back lands within 1 cm of the authored (3300, 3300).
        #expect(abs(anchor.position.x - 3300) < 0.01 && abs(anchor.position.y - 3300) < 0.01)
        #expect(anchor.capacity == ["beds": 600, "pcu_beds": 20])
        let n01 = try #require(m.institutions.first { $0.id == "N01" })
        #expect(n01.position == Coordinate(x: 3500, y: 2500) && n01.kind == "visiting_nurse" && n01.sharedPatients == 10)
    }
}
