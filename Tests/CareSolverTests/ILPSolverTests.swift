import CareSolver
import Foundation
import Testing

/// The CBC wrapper the region optimiser and the disclosure attacker build on.
@Suite("ILP wrapper (CBC)")
struct ILPSolverTests {
    /// max 5a + 4b + 3c s.t. 2a + 3b + c ≤ 5, 4a + b + 2c ≤ 11, 3a + 4b + 2c ≤ 8, a, b, c ∈ [0, 1]
    /// (binary when `integer`): the binary optimum is a = b = 1 (9).
    static func smallProgram(integer: Bool) -> LinearProgram {
        var p = LinearProgram(sense: .maximize)
        for c in [5.0, 4, 3] { p.addColumn(upper: 1, objective: c, isInteger: integer) }
        p.addRow([(0, 2), (1, 3), (2, 1)], upper: 5)
        p.addRow([(0, 4), (1, 1), (2, 2)], upper: 11)
        p.addRow([(0, 3), (1, 4), (2, 2)], upper: 8)
        return p
    }

    @Test("a binary program: CBC's optimum equals enumeration, bound equals objective")
    func binaryOptimum() throws {
        let p = Self.smallProgram(integer: true)
        let s = try ILPSolver.solve(p)
        var best = -Double.infinity
        for mask in 0..<8 {
            let x = (0..<3).map { Double(mask >> $0 & 1) }
            let rows = [[2.0, 3, 1], [4, 1, 2], [3, 4, 2]]
            if zip(rows, [5.0, 11, 8]).allSatisfy({ row, b in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } <= b }) {
                best = max(best, p.objectiveValue(x))
            }
        }
        #expect(s.outcome == .optimal)
        #expect(s.objective == best && best == 9)
        #expect(s.bound == s.objective)
        #expect(s.values.map { $0.map { $0.rounded() } } == [1, 1, 0])
    }

    @Test("a pure LP (no integer column) is solved by Clp through CBC; minimisation keeps its sign")
    func linearProgram() throws {
        let s = try ILPSolver.solve(Self.smallProgram(integer: false))
        #expect(s.outcome == .optimal)
        // The LP optimum is at least the binary one (9) and its value is that of its point.
        let x = try #require(s.values)
        #expect(abs(s.objective! - (5 * x[0] + 4 * x[1] + 3 * x[2])) < 1e-9)
        #expect(s.objective! >= 9 - 1e-9)

        var min = LinearProgram(sense: .minimize)
        min.addColumn(lower: 1, upper: 10, objective: 2)
        min.addColumn(lower: 0, upper: 10, objective: -1, isInteger: true)
        min.addRow([(0, 1), (1, 1)], upper: 4.5)
        let m = try ILPSolver.solve(min)
        // x0 = 1, x1 = 3 (integer, x0 + x1 ≤ 4.5): 2 − 3 = −1.
        #expect(m.outcome == .optimal && abs(m.objective! - -1) < 1e-9 && m.bound == m.objective)
    }

    @Test("an infeasible program throws .infeasible with CBC's status; a malformed one lists its problems")
    func errors() throws {
        var p = LinearProgram(sense: .maximize)
        p.addBinary(objective: 1)
        p.addBinary(objective: 1)
        p.addRow([(0, 1), (1, 1)], lower: 3)
        #expect {
            try ILPSolver.solve(p)
        } throws: { error in
            guard case .infeasible(let status)? = error as? ILPError else { return false }
            return !status.description.isEmpty
        }

        var bad = LinearProgram(sense: .minimize)
        bad.addColumn(lower: 2, upper: 1, objective: .nan)
        bad.addRow([(0, .infinity)], lower: 1, upper: 0)
        #expect(throws: ILPError.invalidProgram([
            "column 0: bounds [2.0, 1.0] are not an interval", "column 0: objective coefficient nan is not finite",
            "column 0, row 0: coefficient inf is not finite", "row 0: bounds [1.0, 0.0] are not an interval",
        ])) { try ILPSolver.solve(bad) }
    }

    /// A market split instance (Cornuéjols & Dawande 1999): Σ_j a_ij x_j + s⁺_i − s⁻_i = ⌊Σ_j a_ij / 2⌋,
    /// minimise Σ (s⁺ + s⁻); notoriously hard for branch-and-bound, so a short limit stops CBC.
    static func marketSplit(rows: Int, columns: Int, seed: UInt64) -> LinearProgram {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % 100
        }
        var p = LinearProgram(sense: .minimize)
        for _ in 0..<columns { p.addBinary(objective: 0) }
        for _ in 0..<rows {
            let a = (0..<columns).map { _ in Double(next()) }
            let plus = p.addColumn(upper: .infinity, objective: 1)
            let minus = p.addColumn(upper: .infinity, objective: 1)
            let d = (a.reduce(0, +) / 2).rounded(.down)
            p.addRow(a.enumerated().map { ($0.offset, $0.element) } + [(plus, 1), (minus, -1)], lower: d, upper: d)
        }
        return p
    }

    @Test("the time limit stops CBC: the incumbent (from the start) and a valid bound are returned")
    func timeLimit() throws {
        let p = Self.marketSplit(rows: 5, columns: 40, seed: 7)
        var options = ILPOptions()
        options.timeLimitSeconds = 0.5
        // A start: every x = 0, all slack on s⁻… CBC completes the continuous columns itself.
        options.start = (0..<40).map { ($0, 0.0) }
        let clock = ContinuousClock()
        let started = clock.now
        let s = try ILPSolver.solve(p, options: options)
        let elapsed = (clock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        print("ILP market split 5 × 40, limit 0.5 s: \(s.outcome), objective \(s.objective ?? .nan), bound \(s.bound), \(s.nodes) nodes, \(String(format: "%.2f", seconds)) s (\(s.status))")
        #expect(s.outcome == .stopped)
        #expect(s.status.secondaryStatus == 4)
        let objective = try #require(s.objective)
        #expect(s.bound <= objective + 1e-9)
        #expect(s.bound >= 0)
        #expect(seconds < 10)
    }
}
