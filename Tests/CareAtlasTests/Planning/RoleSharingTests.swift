@testable import CareAtlas
import Foundation
import Testing
import TestSupport

/// Role sharing (contiguous, capacity-balanced districting) against brute-force enumeration.
@Suite struct RoleSharingTests {
    /// A rows × cols grid with rook adjacency; node = r · cols + c, centre (c + 0.5, r + 0.5) km.
    static func grid(_ rows: Int, _ cols: Int) -> (adjacency: [[Int]], centres: [(Double, Double)]) {
        var adjacency = [[Int]](repeating: [], count: rows * cols)
        var centres: [(Double, Double)] = []
        for r in 0..<rows {
            for c in 0..<cols {
                let i = r * cols + c
                if c + 1 < cols { adjacency[i].append(i + 1); adjacency[i + 1].append(i) }
                if r + 1 < rows { adjacency[i].append(i + cols); adjacency[i + cols].append(i) }
                centres.append((Double(c) + 0.5, Double(r) + 0.5))
            }
        }
        return (adjacency.map { $0.sorted() }, centres)
    }

    static func problem(rows: Int, cols: Int, demand: [Double], roots: [Int], capacity: [Double], tolerance: Double) -> DistrictProblem {
        let (adjacency, centres) = grid(rows, cols)
        let distance = centres.map { a in roots.map { hypot(a.0 - centres[$0].0, a.1 - centres[$0].1) } }
        return DistrictProblem(demand: demand, adjacency: adjacency, roots: roots, capacity: capacity, distanceKm: distance, tolerance: tolerance)
    }

    /// Every assignment of p hospitals to n areas (pⁿ), the feasible one with the least cost.
    static func bruteForce(_ p: DistrictProblem) -> (cost: Double, assignment: [Int])? {
        let n = p.demand.count, m = p.roots.count
        var best: (Double, [Int])? = nil
        var a = [Int](repeating: 0, count: n)
        let total = Int(pow(Double(m), Double(n)))
        for code in 0..<total {
            var c = code
            for i in 0..<n { a[i] = c % m; c /= m }
            guard p.isFeasible(a) else { continue }
            let cost = p.cost(a)
            if best == nil || cost < best!.0 - 1e-9 { best = (cost, a) }
        }
        return best
    }

    @Test(arguments: [
        // demand (3 × 3, row-major), roots, capacities, tolerance
        ([5.0, 1, 1, 1, 1, 1, 1, 1, 5], [0, 8], [1.0, 1], 0.25),
        ([3.0, 1, 4, 1, 5, 9, 2, 6, 5], [0, 8], [1.0, 2], 0.3),
        ([3.0, 1, 4, 1, 5, 9, 2, 6, 5], [0, 2, 7], [2.0, 1, 1], 0.5),
        ([1.0, 1, 1, 8, 1, 8, 1, 1, 1], [1, 7], [1.0, 1], 0.2),
        ([2.0, 7, 1, 8, 2, 8, 1, 8, 2], [4, 0, 8], [3.0, 1, 1], 0.4),
    ])
    func exactEqualsBruteForceOnAGrid(demand: [Double], roots: [Int], capacity: [Double], tolerance: Double) throws {
        let p = Self.problem(rows: 3, cols: 3, demand: demand, roots: roots, capacity: capacity, tolerance: tolerance)
        let reference = try #require(Self.bruteForce(p), "the instance has a feasible assignment")
        let s = try RoleSharing.solve(p)
        #expect(s.optimal)
        #expect(p.isFeasible(s.assignment), "the solver's districts keep every rule: \(s.assignment)")
        #expect(abs(s.objective - reference.cost) < 1e-6, "ILP \(s.objective) vs brute force \(reference.cost)")
    }

    /// A 1 × 5 strip 0–1–2–3–4 bent so that areas 1 and 3 lie near hospital B (at 4) and area 2
    /// near A (at 0); the band is wide. Without contiguity B would take 1 and 3 and A take 2 (cost
    /// 5·1 + 5·1 + 1·1 = 11); B's district cannot jump over 2, so the best contiguous split gives
    /// B 1, 2, 3 (5·1 + 5·4 + 1·1 = 26; A keeping 1–2 costs 31 or more).
    @Test func contiguityBinds() throws {
        let adjacency = [[1], [0, 2], [1, 3], [2, 4], [3]]
        let distance: [[Double]] = [[0, 9], [5, 1], [1, 4], [5, 1], [9, 0]]
        let p = DistrictProblem(demand: [1, 5, 5, 1, 1], adjacency: adjacency, roots: [0, 4], capacity: [1, 1],
                                distanceKm: distance, tolerance: 10)
        let unconstrained = zip(p.demand, distance).reduce(0) { $0 + $1.0 * $1.1.min()! }
        #expect(unconstrained == 11)
        #expect(!p.isFeasible([0, 1, 0, 1, 1]), "B's area 1 is cut off from B's root")
        let s = try RoleSharing.solve(p)
        #expect(s.assignment == [0, 1, 1, 1, 1])
        #expect(s.objective == 26)
        #expect(Self.bruteForce(p)?.assignment == [0, 1, 1, 1, 1])
    }

    @Test func anImpossibleBandSaysSo() {
        let p = Self.problem(rows: 3, cols: 3, demand: [1, 1, 1, 1, 100, 1, 1, 1, 1], roots: [0, 8], capacity: [1, 1], tolerance: 0.1)
        #expect(Self.bruteForce(p) == nil)
        #expect(throws: DistrictError.self) { try RoleSharing.solve(p) }
    }

    /// The demo (geodata/demo/study_planning.yaml): 架空市's nine wards shared by the two hospitals
    /// with PCU beds, H01 (松区, 20 beds) and H03 (竹区, 15 beds), by the 65+ population (12,100).
    /// Known answer from enumerating all 2⁹ assignments with the wards' weighted centroids
    /// (make_demo.py's small-area populations): H01 takes 桜, 柳, 松, 梅, 椿 (6,700 aged 65+, target
    /// 6,914.3), H03 楓, 欅, 竹, 藤 (5,400, target 5,185.7); Σ d·km = 23,435.58. At ±3 % no
    /// contiguous districts exist.
    @Test func demoDistricts() throws {
        let model = try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml"))
        let spec = try #require(model.spec.planning?.roleSharing)
        let r = try RoleSharingResult.analyse(model, spec: spec, scenarios: nil)
        #expect(r.solution.optimal)
        #expect(r.districts.map(\.hospitalID) == ["H01", "H03"])
        #expect(r.districts[0].areaIDs == ["99101", "99104", "99105", "99107", "99108"])
        #expect(r.districts[1].areaIDs == ["99102", "99103", "99106", "99109"])
        #expect(r.districts[0].demand == 6700 && r.districts[1].demand == 5400)
        #expect(abs(r.districts[0].target - 12_100 * 20 / 35) < 1e-9)
        // The hospitals are given in lon/lat to 7 decimals (about 1 cm): 1e-5 relative.
        #expect(abs(r.solution.objective - 23_435.575592181896) < 23_435.6 * 1e-5)
        // Today's plurality service areas (flows.csv): 桜 → H02, 楓 → H01, 欅 → H03, …
        let line = Dictionary(uniqueKeysWithValues: r.areas.map { ($0.areaID, $0) })
        #expect(line["99101"]?.todayHospitalID == "H02" && line["99101"]?.changed == true)
        #expect(line["99102"]?.todayHospitalID == "H01" && line["99102"]?.changed == true)
        #expect(line["99105"]?.todayHospitalID == "H01" && line["99105"]?.changed == false)
        var tight = spec
        tight.tolerance = 0.03
        #expect(throws: AnalysisError.self) { try RoleSharingResult.analyse(model, spec: tight, scenarios: nil) }
    }
}
