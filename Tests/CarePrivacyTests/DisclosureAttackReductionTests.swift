import CareFormats
@testable import CarePrivacy
import CareSolver
import Testing
import TestSupport

/// The attacker's shortcuts — rows left out of its programs, bounds propagated along the rows,
/// sums that gather witnesses without an integer program, answers remembered — against hand-worked
/// cases and against an independent reference: the attacker's whole program (every cell a column,
/// shown cells fixed, every published row), solved over the integers by CBC.
@Suite struct DisclosureAttackReductionTests {
    typealias Row = DisclosureAttack.Problem.Row

    /// Orders implied by two others are dropped, duplicates merged to the larger margin, orders
    /// and totals implied by the cells' bounds dropped; the rest kept in order.
    @Test func redundantRowsByHand() {
        // Cells 0, 1, 2 "<10" (1 … 9), cell 3 "x" (≥ 10).
        let lower: [Double] = [1, 1, 1, 10], upper: [Double] = [9, 9, 9, .infinity]
        func order(_ a: Int, _ b: Int, _ m: Double) -> Row { ([(a, 1), (b, -1)], m, .infinity) }
        let rows: [Row] = [
            order(0, 1, 0), order(1, 2, 1),
            order(0, 2, 1),  // x0 ≥ x1 ≥ x2 + 1: implied, dropped
            order(0, 1, 1),  // the same pair again: merged, margin 1
            order(3, 0, 1),  // x3 ≥ 10 ≥ x0 + 1: implied by the bounds
            order(3, 1, 2),  // x3 − x1 ≥ 10 − 9 = 1 only: kept
            ([(0, 1), (1, 1), (2, 1)], 3, 27),  // 3 ≤ Σ ≤ 27 holds for every value in the bounds
            ([(0, 1), (1, 1)], 5, 5),
        ]
        let reduced = DisclosureAttack.Problem.reduced(rows, lower: lower, upper: upper)
        let described = reduced.map { r in "\(r.terms.map { "\($0.1 > 0 ? "+" : "-")x\($0.0)" }.joined()) in [\(r.lower), \(r.upper)]" }
        #expect(described == ["+x0-x1 in [1.0, inf]", "+x1-x2 in [1.0, inf]", "+x3-x1 in [2.0, inf]", "+x0+x1 in [5.0, 5.0]"])
        // x0 − x2 ≥ 3 is not implied by x0 − x1 ≥ 1 and x1 − x2 ≥ 1: kept.
        let strict = DisclosureAttack.Problem.reduced([order(0, 1, 1), order(1, 2, 1), order(0, 2, 3)], lower: lower, upper: upper)
        #expect(strict.count == 3)
        // A chain over 600 cells (the pair table beyond its dense size): x_i ≥ x_{i+1} and
        // x_i ≥ x_{i+2}; every second-step order is implied and dropped, the 599 steps stay.
        let many = 600
        let chain = (0..<(many - 1)).map { order($0, $0 + 1, 0) } + (0..<(many - 2)).map { order($0, $0 + 2, 0) }
        let kept = DisclosureAttack.Problem.reduced(chain, lower: Array(repeating: 1, count: many), upper: Array(repeating: 9, count: many))
        #expect(kept.count == many - 1 && kept.allSatisfy { $0.terms[1].0 == $0.terms[0].0 + 1 })
        // Crossed bounds (an inconsistent publication) imply nothing.
        let crossed = DisclosureAttack.Problem.reduced([([(0, 1), (1, 1)], 2, 18)], lower: [5, 1], upper: [4, 9])
        #expect(crossed.count == 1)
    }

    /// x0 + x1 = 3 with x0 ≥ x1 + 1, both "<10": x1 ≤ 1 so x1 = 1 and x0 = 2, found by
    /// propagation alone; both cells are narrowed (neither reaches 9, x0 does not reach 1).
    @Test func propagationByHand() {
        let p = PublishedCells(cells: [.small, .small, .shown(20)], totals: [.init(members: [0, 1, 2], value: 23)],
                               orders: [.init(larger: 0, smaller: 1, margin: 1)], minCell: 10)
        let problem = DisclosureAttack.Problem(p)
        let bounds = problem.propagatedBounds([0, 1])
        #expect(bounds.map { [$0.lower[0], $0.upper[0], $0.lower[1], $0.upper[1]] } == [2, 2, 1, 1])
        #expect(!DisclosureAttack.protects(0, in: p, pool: .init()))
        #expect(!DisclosureAttack.protects(1, in: p, pool: .init()))
        #expect(DisclosureAttack.ranges(p) == [.init(cell: 0, lower: 2, upper: 2), .init(cell: 1, lower: 1, upper: 1)])
        // x0 + x1 = 3 with x0 ≥ x1 + 3 has no integer solution with both ≥ 1: the bounds cross.
        let none = PublishedCells(cells: [.small, .small], totals: [.init(members: [0, 1], value: 3)],
                                  orders: [.init(larger: 0, smaller: 1, margin: 3)], minCell: 10)
        #expect(DisclosureAttack.Problem(none).propagatedBounds([0, 1]) == nil)
    }

    /// Seeded random publications with many orders (chains, repeats, orders against shown and
    /// secondary cells), sums bounded on one or both sides and totals: every small cell's range,
    /// whether it is protected, and the first narrowed cell agree with the whole program's
    /// integer optima.
    @Test func shortcutsAgreeWithTheWholeProgram() throws {
        var rng = SplitMix64(state: 515)
        var narrowed = 0, protected = 0
        for _ in 0..<80 {
            let n = rng.int(4...8)
            let truth = (0..<n).map { _ in [0, 1, 2, 4, 5, 8, 9, 10, 12, 15, 20][rng.int(0...10)] }
            let cells: [PublishedCells.Cell] = truth.map { t in
                t == 0 ? .shown(0) : t < 10 ? (rng.int(0...4) == 0 ? .shown(t) : .small) : rng.int(0...1) == 0 ? .secondary : .shown(t)
            }
            var totals: [PublishedCells.Total] = []
            for _ in 0..<rng.int(0...3) {
                let members = (0..<n).filter { _ in rng.int(0...1) == 0 }
                if !members.isEmpty { totals.append(.init(members: members, value: members.reduce(0) { $0 + truth[$1] })) }
            }
            var orders: [PublishedCells.Order] = []
            for _ in 0..<rng.int(0...12) {
                let a = rng.int(0...(n - 1)), b = rng.int(0...(n - 1))
                guard a != b, truth[a] >= truth[b] else { continue }
                orders.append(.init(larger: a, smaller: b, margin: rng.int(0...(truth[a] - truth[b]))))
            }
            var bounds: [PublishedCells.Bound] = []
            for _ in 0..<rng.int(0...2) {
                let members = (0..<n).filter { _ in rng.int(0...2) == 0 }
                let sum = members.reduce(0) { $0 + truth[$1] }
                if !members.isEmpty {
                    bounds.append(.init(members: members, lower: rng.int(0...1) == 0 ? sum - rng.int(0...3) : nil,
                                        upper: rng.int(0...1) == 0 ? sum + rng.int(0...3) : nil))
                }
            }
            let p = PublishedCells(cells: cells, totals: totals, orders: orders, bounds: bounds, minCell: 10)
            let reference = try Self.integerRanges(p)
            let ranges = DisclosureAttack.ranges(p).filter { cells[$0.cell] == .small }
            #expect(ranges == reference.keys.sorted().map { reference[$0]! }, "\(p)")
            for (h, r) in reference {
                let isProtected = r.lower <= 1 && (r.upper ?? 9) >= 9
                #expect(DisclosureAttack.protects(h, in: p, pool: .init(reference: truth)) == isProtected, "cell \(h) of \(p)")
                if isProtected { protected += 1 } else { narrowed += 1 }
            }
            var expected: Int?
            for component in DisclosureAttack.Problem(p).components where expected == nil {
                let small = component.filter { cells[$0] == .small }
                expected = small.first { reference[$0]!.lower > 1 } ?? small.first { (reference[$0]!.upper ?? 9) < 9 }
            }
            #expect(DisclosureAttack.narrowedCells(p, stopAtFirst: true, pool: .init(reference: truth)).first?.cell == expected, "\(p)")
            #expect(Set(DisclosureAttack.narrowedCells(p).map(\.cell)) == Set(reference.filter { $0.value.lower > 1 || ($0.value.upper ?? 9) < 9 }.keys))
        }
        // Both answers occur often.
        #expect(narrowed > 20 && protected > 20, "narrowed \(narrowed), protected \(protected)")
    }

    /// The integer range of each "<m" cell over the whole program: every cell a column (a shown
    /// one fixed at its count), every total, bound and order a row, nothing reduced.
    static func integerRanges(_ p: PublishedCells) throws -> [Int: DisclosureAttack.Range] {
        let m = Double(p.minCell)
        var program = LinearProgram(sense: .minimize)
        for c in p.cells {
            switch c {
            case .shown(let v): program.addColumn(lower: Double(v), upper: Double(v), objective: 0, isInteger: true)
            case .small: program.addColumn(lower: 1, upper: m - 1, objective: 0, isInteger: true)
            case .secondary: program.addColumn(lower: m, upper: .infinity, objective: 0, isInteger: true)
            case .unpublished: program.addColumn(lower: 0, upper: .infinity, objective: 0, isInteger: true)
            }
        }
        for t in p.totals { program.addRow(t.members.map { ($0, 1.0) }, lower: Double(t.value), upper: Double(t.value)) }
        for b in p.bounds {
            program.addRow(b.members.map { ($0, 1.0) }, lower: b.lower.map(Double.init) ?? -.infinity, upper: b.upper.map(Double.init) ?? .infinity)
        }
        for o in p.orders { program.addRow([(o.larger, 1), (o.smaller, -1)], lower: Double(o.margin)) }
        var out: [Int: DisclosureAttack.Range] = [:]
        for h in p.cells.indices where p.cells[h] == .small {
            var ends: [Int] = []
            for sense in [LinearProgram.Sense.minimize, .maximize] {
                var q = program
                q.sense = sense
                q.setObjective(ofColumn: h, 1)
                let x = try #require(try ILPSolver.solve(q).values)
                ends.append(Int(x[h].rounded()))
            }
            out[h] = .init(cell: h, lower: ends[0], upper: ends[1])
        }
        return out
    }
}
