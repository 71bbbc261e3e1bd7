import CareSolver
import Foundation

/// One instance of the role-sharing (districting) problem: assign every area of a target region
/// to one base hospital so that each hospital's district is contiguous, holds its own area, carries
/// a share of the expected demand within a band around its share of the capacity, and the
/// demand-weighted distance is as small as possible.
///
/// Nodes are areas `0 ..< demand.count`; the caller keeps the mapping to area codes.
public struct DistrictProblem: Sendable, Hashable {
    /// Expected demand per area (≥ 0), e.g. the population aged 65 and over.
    public var demand: [Double]
    /// Symmetric neighbour lists over the areas (rook adjacency).
    public var adjacency: [[Int]]
    /// The area holding each hospital (distinct): the root of its district.
    public var roots: [Int]
    /// Capacity of each hospital (> 0), e.g. its palliative-care-unit beds.
    public var capacity: [Double]
    /// `distanceKm[i][h]`: distance from area `i` to hospital `h` (≥ 0).
    public var distanceKm: [[Double]]
    /// Relative band τ ≥ 0: hospital h carries between (1 − τ) and (1 + τ) times its capacity
    /// share of the total demand.
    public var tolerance: Double

    public init(demand: [Double], adjacency: [[Int]], roots: [Int], capacity: [Double], distanceKm: [[Double]], tolerance: Double) {
        self.demand = demand
        self.adjacency = adjacency
        self.roots = roots
        self.capacity = capacity
        self.distanceKm = distanceKm
        self.tolerance = tolerance
    }

    /// The band of hospital `h`'s demand: (1 ∓ τ) · D · c_h / Σ c.
    public func band(_ h: Int) -> ClosedRange<Double> {
        let total = demand.reduce(0, +), cap = capacity.reduce(0, +)
        let target = total * capacity[h] / cap
        return max(0, (1 - tolerance) * target)...((1 + tolerance) * target)
    }

    /// Σ_i d_i · dist_{i,a(i)} of an assignment (one hospital index per area).
    public func cost(_ assignment: [Int]) -> Double {
        assignment.enumerated().reduce(0) { $0 + demand[$1.offset] * distanceKm[$1.offset][$1.element] }
    }

    /// Whether `assignment` keeps every rule: roots at home, every band, every district connected.
    public func isFeasible(_ assignment: [Int]) -> Bool {
        guard assignment.count == demand.count else { return false }
        for (h, r) in roots.enumerated() where assignment[r] != h { return false }
        for h in roots.indices {
            let load = assignment.indices.filter { assignment[$0] == h }.reduce(0) { $0 + demand[$1] }
            let b = band(h)
            if load < b.lowerBound - 1e-9 * max(1, b.lowerBound) || load > b.upperBound + 1e-9 * max(1, b.upperBound) { return false }
            // Connected: everything assigned to h is reached from its root inside the district.
            var seen: Set<Int> = [roots[h]], stack = [roots[h]]
            while let u = stack.popLast() {
                for v in adjacency[u] where assignment[v] == h && seen.insert(v).inserted { stack.append(v) }
            }
            if seen.count != assignment.filter({ $0 == h }).count { return false }
        }
        return true
    }
}

/// The districts found, with the proof status.
public struct DistrictSolution: Sendable, Hashable {
    /// Hospital index per area.
    public let assignment: [Int]
    /// Demand-weighted distance Σ d_i · dist (demand × km).
    public let objective: Double
    /// A proven lower bound on the optimum; equal to ``objective`` when ``optimal``.
    public let bound: Double
    public let optimal: Bool
    /// Variables and constraints of the integer programme, for the methods text.
    public let columns: Int
    public let rows: Int

    /// (objective − bound) / objective; 0 when optimal.
    public var gap: Double { optimal ? 0 : max(objective - bound, 0) / max(abs(objective), 1e-12) }
}

/// Why no districts could be made.
public struct DistrictError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let fix: String
    public var description: String { "\(message) — \(fix)" }
}

/// Role sharing among base hospitals as a contiguous, capacity-balanced p-median districting
/// problem, solved exactly with COIN-OR CBC.
///
/// With areas i (demand d_i ≥ 0, D = Σ d_i), hospitals h (capacity c_h > 0, C = Σ c_h, home area
/// r_h), distances δ_ih and x_ih = 1 when area i belongs to hospital h:
///
///     min  Σ_i Σ_h d_i δ_ih x_ih
///     s.t. Σ_h x_ih = 1                                   every area in one district
///          x_{r_h h} = 1                                  each hospital holds its own area
///          (1 − τ) D c_h / C ≤ Σ_i d_i x_ih ≤ (1 + τ) D c_h / C      demand within the capacity band
///          contiguity (below), x ∈ {0, 1}
///
/// **Contiguity by flow** (Shirabe 2005, "A model of contiguity for spatial unit allocation",
/// Geographical Analysis 37(1):2–16): one commodity per hospital; its root sends flow f^h_uv ≥ 0
/// over the arcs of the adjacency graph and every other area of the district absorbs one unit:
///
///     Σ_u f^h_uv − Σ_w f^h_vw = x_vh                      v ≠ r_h
///     f^h_uv ≤ M x_uh,  f^h_uv ≤ M x_vh,   M = n − p + 1
///
/// Flow moves only inside a district, so a district reached by no path from its root has no
/// feasible flow; every integer point CBC returns is a set of connected districts. The model is
/// exact: ``DistrictSolution/optimal`` is CBC's proof, otherwise the gap to its bound is given.
///
/// The same formulation is the capacitated p-median with contiguity of school and sales
/// districting (Hess et al. 1965, "Nonpartisan political redistricting by computer", Oper. Res.
/// 13(6); Kalcsics & Ríos-Mercado 2019, "Districting problems", in *Location Science*).
public enum RoleSharing {
    /// Solves `problem` exactly, or to the time limit (the gap then printed).
    /// - Throws: ``DistrictError`` for malformed input or when no districts keep every rule.
    public static func solve(_ problem: DistrictProblem, timeLimitSeconds: Double = 30) throws -> DistrictSolution {
        let n = problem.demand.count, p = problem.roots.count
        func fail(_ m: String, _ fix: String) -> DistrictError { DistrictError(message: m, fix: fix) }
        guard p >= 1 else { throw fail("role sharing needs at least one base hospital", "name hospitals: or give the study hospitals with capacity") }
        guard problem.capacity.count == p, problem.distanceKm.count == n, problem.adjacency.count == n,
              problem.distanceKm.allSatisfy({ $0.count == p }) else {
            throw fail("role sharing: one capacity per hospital and one distance per area and hospital are needed", "report this as a bug")
        }
        guard Set(problem.roots).count == p, problem.roots.allSatisfy({ (0..<n).contains($0) }) else {
            throw fail("role sharing: two base hospitals lie in the same area", "keep one of them in hospitals:, or use a finer level")
        }
        guard problem.capacity.allSatisfy({ $0 > 0 && $0.isFinite }), problem.demand.allSatisfy({ $0 >= 0 && $0.isFinite }),
              problem.distanceKm.joined().allSatisfy({ $0 >= 0 && $0.isFinite }), problem.tolerance >= 0 else {
            throw fail("role sharing: capacities must be positive, demand and distances finite and ≥ 0, tolerance ≥ 0", "check the inputs")
        }
        var lp = LinearProgram(sense: .minimize)
        var x = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for h in 0..<p {
                x[i].append(lp.addBinary(objective: problem.demand[i] * problem.distanceKm[i][h]))
            }
        }
        for (h, r) in problem.roots.enumerated() {
            for g in 0..<p { lp.setBounds(ofColumn: x[r][g], lower: g == h ? 1 : 0, upper: g == h ? 1 : 0) }
        }
        for i in 0..<n { lp.addRow((0..<p).map { (x[i][$0], 1.0) }, lower: 1, upper: 1) }
        for h in 0..<p {
            let b = problem.band(h)
            lp.addRow((0..<n).map { (x[$0][h], problem.demand[$0]) }, lower: b.lowerBound, upper: b.upperBound)
        }
        let bigM = Double(n - p + 1)
        for h in 0..<p where n > p {
            let root = problem.roots[h]
            var inflow = [[(column: Int, value: Double)]](repeating: [], count: n)
            var outflow = [[(column: Int, value: Double)]](repeating: [], count: n)
            for u in 0..<n {
                for v in problem.adjacency[u] where v != root && v != u && !problem.roots.enumerated().contains(where: { $0.offset != h && ($0.element == u || $0.element == v) }) {
                    let f = lp.addColumn(lower: 0, upper: bigM, objective: 0)
                    inflow[v].append((f, 1))
                    outflow[u].append((f, -1))
                    lp.addRow([(f, 1), (x[u][h], -bigM)], upper: 0)
                    lp.addRow([(f, 1), (x[v][h], -bigM)], upper: 0)
                }
            }
            for v in 0..<n where v != root && !problem.roots.contains(v) {
                lp.addRow(inflow[v] + outflow[v] + [(x[v][h], -1)], lower: 0, upper: 0)
            }
        }
        let solution: ILPSolution
        do { solution = try ILPSolver.solve(lp, options: ILPOptions(timeLimitSeconds: timeLimitSeconds)) } catch ILPError.infeasible {
            throw fail("no contiguous districts keep every hospital's demand within ±\(Int((problem.tolerance * 100).rounded())) % of its capacity share",
                       "raise role_sharing.tolerance, use a finer level, or change the hospitals")
        } catch {
            throw fail("role sharing could not be solved: \(error)", "raise role_sharing.time_limit_s or use a coarser level")
        }
        guard let values = solution.values, let objective = solution.objective else {
            throw fail("CBC found no districts within \(timeLimitSeconds) s", "raise role_sharing.time_limit_s or use a coarser level")
        }
        let assignment = (0..<n).map { i in (0..<p).max { values[x[i][$0]] < values[x[i][$1]] }! }
        return DistrictSolution(assignment: assignment, objective: problem.cost(assignment),
                                bound: solution.outcome == .optimal ? objective : min(solution.bound, objective),
                                optimal: solution.outcome == .optimal, columns: lp.columnCount, rows: lp.rowCount)
    }
}
