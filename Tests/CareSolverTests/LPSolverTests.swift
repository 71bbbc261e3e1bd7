import CareSolver
import Foundation
import Testing

/// Clp alone, for the disclosure attacker's relaxations.
@Suite("LP solver (Clp)")
struct LPSolverTests {
    /// max x + y s.t. x + 2y ≤ 4, 3x + y ≤ 6, x, y ≥ 0: the vertex where both rows bind,
    /// x = 8/5, y = 6/5 (solve the 2 × 2 system by hand), objective 14/5.
    @Test("a two-variable LP: the hand-computed vertex; minimising the negated objective gives the same point")
    func vertex() throws {
        for sense in [LinearProgram.Sense.maximize, .minimize] {
            var p = LinearProgram(sense: sense)
            let k = sense == .maximize ? 1.0 : -1.0
            p.addColumn(upper: .infinity, objective: k)
            p.addColumn(upper: .infinity, objective: k)
            p.addRow([(0, 1), (1, 2)], upper: 4)
            p.addRow([(0, 3), (1, 1)], upper: 6)
            let x = try LPSolver.solve(p)
            #expect(abs(x[0] - 1.6) < 1e-9 && abs(x[1] - 1.2) < 1e-9)
        }
    }

    @Test("integrality is ignored; equality rows and bounds hold")
    func relaxation() throws {
        // min x0 s.t. x0 + x1 = 3, x1 ≤ 1.5, both integer in the program: the relaxation's optimum is
        // x0 = 1.5 (the integer one would be 2).
        var p = LinearProgram(sense: .minimize)
        p.addColumn(lower: 0, upper: 10, objective: 1, isInteger: true)
        p.addColumn(lower: 0, upper: 1.5, objective: 0, isInteger: true)
        p.addRow([(0, 1), (1, 1)], lower: 3, upper: 3)
        let x = try LPSolver.solve(p)
        #expect(abs(x[0] - 1.5) < 1e-9 && abs(x[0] + x[1] - 3) < 1e-9)
        #expect(try ILPSolver.solve(p).objective == 2)
    }

    @Test("infeasible and unbounded programs throw; a malformed one lists its problems")
    func errors() {
        var infeasible = LinearProgram(sense: .maximize)
        infeasible.addColumn(upper: 1, objective: 1)
        infeasible.addColumn(upper: 1, objective: 1)
        infeasible.addRow([(0, 1), (1, 1)], lower: 3)
        #expect { try LPSolver.solve(infeasible) } throws: { error in
            if case .infeasible = error as? ILPError { return true }
            return false
        }
        var unbounded = LinearProgram(sense: .maximize)
        unbounded.addColumn(upper: .infinity, objective: 1)
        unbounded.addColumn(upper: .infinity, objective: 0)
        unbounded.addRow([(0, 1), (1, -1)], upper: 2)
        #expect { try LPSolver.solve(unbounded) } throws: { error in
            if case .unbounded = error as? ILPError { return true }
            return false
        }
        var bad = LinearProgram(sense: .minimize)
        bad.addColumn(lower: 2, upper: 1, objective: 1)
        #expect { try LPSolver.solve(bad) } throws: { error in
            if case .invalidProgram(let problems) = error as? ILPError { return !problems.isEmpty }
            return false
        }
    }

    @Test("solves run concurrently on many threads give the single-threaded answer")
    func concurrent() throws {
        var p = LinearProgram(sense: .maximize)
        for c in [5.0, 4, 3] { p.addColumn(upper: 1, objective: c) }
        p.addRow([(0, 2), (1, 3), (2, 1)], upper: 5)
        p.addRow([(0, 4), (1, 1), (2, 2)], upper: 11)
        p.addRow([(0, 3), (1, 4), (2, 2)], upper: 8)
        let expected = try LPSolver.solve(p)
        let program = p
        let results = Results(count: 64)
        DispatchQueue.concurrentPerform(iterations: 64) { i in results.set(i, try? LPSolver.solve(program)) }
        #expect(results.all.allSatisfy { $0 == expected })
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [[Double]?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ v: [Double]?) { lock.lock(); values[i] = v; lock.unlock() }
        var all: [[Double]?] { lock.lock(); defer { lock.unlock() }; return values }
    }
}
