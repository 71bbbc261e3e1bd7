import CareAtlas
import CareFormats
@testable import CarePrivacy
import Testing
import TestSupport

/// The attacker itself, on hand-made tables whose answers are known.
@Suite struct DisclosureAttackTests {
    typealias C = PublishedCells.Cell

    /// A 2×2 table with its margins and one cell hidden: the row total gives it back exactly.
    @Test func twoByTwoWithOneHiddenCellIsFound() {
        // cells 0 1 / 2 3 = 12 3 / 20 15; rows 15, 35; columns 32, 18; total 50.
        let p = PublishedCells(
            cells: [.shown(12), .small, .shown(20), .shown(15)],
            totals: [.init(members: [0, 1], value: 15), .init(members: [2, 3], value: 35), .init(members: [0, 2], value: 32),
                     .init(members: [1, 3], value: 18), .init(members: [0, 1, 2, 3], value: 50)],
            minCell: 10)
        #expect(DisclosureAttack.ranges(p) == [.init(cell: 1, lower: 3, upper: 3)])
        #expect(DisclosureAttack.narrowedCells(p).map(\.cell) == [1])
    }

    /// The classic protection of one small cell in a 2×2 table: hide the rectangle. The hidden
    /// cells can move together by ±t, so the small cell ranges over 1 … 9 when the others are
    /// large enough.
    @Test func rectangleProtectedByHandHolds() {
        // 4 | 30 ; 25 | 41 — hide all four (one small, three complementary "x").
        let p = PublishedCells(
            cells: [.small, .secondary, .secondary, .secondary],
            totals: [.init(members: [0, 1], value: 34), .init(members: [2, 3], value: 66), .init(members: [0, 2], value: 29),
                     .init(members: [1, 3], value: 71), .init(members: [0, 1, 2, 3], value: 100)],
            minCell: 10)
        #expect(DisclosureAttack.narrowedCells(p).isEmpty)
        let small = DisclosureAttack.ranges(p).first { $0.cell == 0 }
        #expect(small == .init(cell: 0, lower: 1, upper: 9))
    }

    /// The same rectangle with a complementary cell too small to move far: "x" means at least 10,
    /// so cell 0 can be at most 34 − 10 = 24 — fine — but cell 2 = 12 − x0 ≥ 10 forces x0 ≤ 2.
    @Test func complementaryCellTooSmallNarrows() {
        let p = PublishedCells(
            cells: [.small, .secondary, .secondary, .secondary],
            totals: [.init(members: [0, 1], value: 34), .init(members: [2, 3], value: 66), .init(members: [0, 2], value: 12),
                     .init(members: [1, 3], value: 88)],
            minCell: 10)
        #expect(DisclosureAttack.narrowedCells(p) == [.init(cell: 0, lower: 1, upper: 2)])
    }

    /// Nested totals of the kind: 77 − 55 − 64 + 50 = 8 = a − b pins two small cells to 9
    /// and 1. Here: two hidden small cells with x_a − x_b = 8 published through totals.
    @Test func differenceOfTotalsPinsTwoSmallCells() {
        // cells: a (small, 9), b (small, 1), c 40, d 30. Totals {a, c} = 49, {b, c} = 41.
        let p = PublishedCells(cells: [.small, .small, .shown(40), .shown(30)],
                               totals: [.init(members: [0, 2], value: 49), .init(members: [1, 2], value: 41)], minCell: 10)
        #expect(Set(DisclosureAttack.narrowedCells(p).map(\.cell)) == [0, 1])
        // Published only as a sum of both: a + b = 10 leaves 1 … 9 for each.
        let safe = PublishedCells(cells: [.small, .small, .shown(40), .shown(30)],
                                  totals: [.init(members: [0, 1, 2], value: 50)], minCell: 10)
        #expect(DisclosureAttack.narrowedCells(safe).isEmpty)
    }

    /// Orders narrow too: a rank says the hidden cell is at least a shown 7 (with m = 10).
    @Test func publishedOrderNarrows() {
        let p = PublishedCells(cells: [.small, .shown(7)], orders: [.init(larger: 0, smaller: 1)], minCell: 10)
        #expect(DisclosureAttack.narrowedCells(p) == [.init(cell: 0, lower: 7, upper: 9)])
        // Two hidden cells ordered between themselves keep 1 … 9 each.
        let q = PublishedCells(cells: [.small, .small], orders: [.init(larger: 0, smaller: 1)], minCell: 10)
        #expect(DisclosureAttack.narrowedCells(q).isEmpty)
    }

    /// A strict order (margin 1: the tie-break would have put the other cell first) narrows one
    /// more: x0 ≥ 7 + 1.
    @Test func strictOrderNarrowsOneMore() {
        let p = PublishedCells(cells: [.small, .shown(7)], orders: [.init(larger: 0, smaller: 1, margin: 1)], minCell: 10)
        #expect(DisclosureAttack.narrowedCells(p) == [.init(cell: 0, lower: 8, upper: 9)])
    }

    /// A catchment's stopping rule: cells 40 | a | b with a + b = 10 published; the 90 % catchment
    /// of 50 patients (τ = 45) took the 40, then a, and stopped: 40 < 45 ≤ 40 + a, so a ≥ 5. The
    /// same catchment listed without its stopping rule leaves a anywhere in 1 … 9.
    @Test func catchmentStoppingRuleNarrows() {
        let cells: [C] = [.shown(40), .small, .small]
        let total = PublishedCells.Total(members: [0, 1, 2], value: 50)
        let stopped = PublishedCells(cells: cells, totals: [total], orders: [.init(larger: 0, smaller: 1)],
                                     bounds: [.init(members: [0], lower: nil, upper: 44), .init(members: [0, 1], lower: 45, upper: nil)],
                                     minCell: 10)
        #expect(DisclosureAttack.ranges(stopped) == [.init(cell: 1, lower: 5, upper: 9), .init(cell: 2, lower: 1, upper: 5)])
        #expect(DisclosureAttack.narrowedCells(stopped).map(\.cell) == [1, 2])
        let membersOnly = PublishedCells(cells: cells, totals: [total], orders: [.init(larger: 0, smaller: 1)], minCell: 10)
        #expect(DisclosureAttack.narrowedCells(membersOnly).isEmpty)
    }

    /// Membership of a reached catchment bounds what is left out: a complement "x" left out of a
    /// catchment whose smallest member is a shown 12 is 10 … 12, which pins the small cell beside
    /// it in a total (x + s = 20 gives s ≥ 8).
    @Test func membershipBoundsAComplementLeftOut() {
        let p = PublishedCells(cells: [.shown(12), .secondary, .small], totals: [.init(members: [1, 2], value: 20)],
                               orders: [.init(larger: 0, smaller: 1), .init(larger: 0, smaller: 2)], minCell: 10)
        #expect(DisclosureAttack.narrowedCells(p) == [.init(cell: 2, lower: 8, upper: 9)])
    }

    /// An integer-only narrowing the relaxation misses: 2 x_a + ... cannot arise from 0/1 sums, so
    /// use parity through three overlapping pairs: x0 + x1 = 10, x1 + x2 = 10, x0 + x2 = 10 gives
    /// x = 5 each (the LP finds it too); with sums 3, 3, 3 the LP vertex is 1.5 and the integer
    /// program has no solution, which is read as fully narrowed.
    @Test func fractionalRelaxationFallsBackToIntegers() {
        let p = PublishedCells(cells: [.small, .small, .small],
                               totals: [.init(members: [0, 1], value: 3), .init(members: [1, 2], value: 3), .init(members: [0, 2], value: 3)],
                               minCell: 10)
        // The relaxation is feasible (1.5 each) but fractional; the integer program is not.
        let found = DisclosureAttack.narrowedCells(p)
        #expect(found.count == 3 && found.allSatisfy { $0.lower > $0.upper! })
        let q = PublishedCells(cells: [.small, .small, .small],
                               totals: [.init(members: [0, 1], value: 10), .init(members: [1, 2], value: 10), .init(members: [0, 2], value: 10)],
                               minCell: 10)
        #expect(DisclosureAttack.ranges(q).map(\.lower) == [5, 5, 5])
    }

    /// A fractional relaxation whose bound already misses the cell's end settles it without the
    /// integer program: x0 + x1 = 5, x1 + x2 = 5, x0 + x2 + x3 = 12, all "<10". Then x2 = x0 and
    /// x3 = 12 − 2 x0 ≤ 9, so x0 ≥ 1.5 in the relaxation (its vertex 1.5, 3.5, 1.5, 9) and x0 ≥ 2
    /// over the integers (2, 3, 2, 8 is feasible): cell 0 cannot be 1.
    @Test func relaxationBoundSettlesANarrowedCell() {
        let p = PublishedCells(cells: [.small, .small, .small, .small],
                               totals: [.init(members: [0, 1], value: 5), .init(members: [1, 2], value: 5), .init(members: [0, 2, 3], value: 12)],
                               minCell: 10)
        #expect(!DisclosureAttack.protects(0, in: p, pool: DisclosureAttack.WitnessPool()))
        let full = DisclosureAttack.narrowedCells(p)
        #expect(full.first?.cell == 0 && full.first?.lower == 2)
        // The search's question (the first narrowed cell) gets the same cell and the bound 2 = ⌈1.5⌉.
        let first = DisclosureAttack.narrowedCells(p, stopAtFirst: true, pool: DisclosureAttack.WitnessPool())
        #expect(first.map(\.cell) == [0] && first.first?.lower == 2)
    }

    /// The suppression search's parallel trials: the first passing index is the loop's, whatever
    /// the threads do (every index below it is tested, none past it is needed).
    @Test func firstPassingIsTheLoopsAnswer() {
        for trial in 0..<200 {
            let count = trial % 20
            let passing = Set((0..<count).filter { ($0 * 7 + trial * 3) % (2 + trial % 5) == 0 })
            let expected = (0..<count).first { passing.contains($0) }
            for workers in [1, 2, 4, 8] {
                #expect(FirstPassing.index(count: count, workers: workers) { passing.contains($0) } == expected)
            }
        }
    }

    /// A witness of an earlier publication, completed by the true counts for the cells it does not
    /// name, answers only where it satisfies the publication asked about. Cells x0, x1 "<10" (true
    /// 1 and 9) and x2 = 10. Shown x2 with x0 + x1 = 10: the witness {x0: 9, x1: 1} is feasible.
    /// Then x2 hidden ("x", ≥ 10) and x0 + x2 = 11 published: x0 ≤ 1, so x0 = 1 (its upper end 9
    /// out of reach) and x1 = 9; the old witness completed with x2 = 10 gives 9 + 10 ≠ 11 and must not
    /// certify it.
    @Test func completedWitnessesAnswerOnlyWhereTheySatisfy() {
        let truth = [1, 9, 10]
        let first = PublishedCells(cells: [.small, .small, .shown(10)], totals: [.init(members: [0, 1], value: 10)], minCell: 10)
        let pool = DisclosureAttack.WitnessPool(reference: truth)
        pool.add(cells: [0, 1], values: [9, 1], count: 3)
        #expect(DisclosureAttack.protects(0, in: first, pool: pool))
        #expect(DisclosureAttack.narrowedCells(first, stopAtFirst: true, pool: pool).isEmpty)
        let second = PublishedCells(cells: [.small, .small, .secondary],
                                    totals: [.init(members: [0, 1], value: 10), .init(members: [0, 2], value: 11)], minCell: 10)
        #expect(!DisclosureAttack.protects(0, in: second, pool: pool))
        let found = DisclosureAttack.narrowedCells(second, stopAtFirst: true, pool: pool)
        // The first narrowed cell: x1 = 10 − x0 = 9 cannot be 1 (the lower ends come first).
        #expect(found.map(\.cell) == [1] && found.first?.lower == 9)
        // Where the completed witness does satisfy (x0 + x2 = 19 instead), it answers: x0 is
        // 1 … 9 (x2 = 18 − … ≥ 10 leaves x0 ≤ 9), as the attack without any witness finds.
        let third = PublishedCells(cells: [.small, .small, .secondary],
                                   totals: [.init(members: [0, 1], value: 10), .init(members: [0, 2], value: 19)], minCell: 10)
        #expect(DisclosureAttack.protects(0, in: third, pool: pool))
        #expect(DisclosureAttack.protects(0, in: third, pool: DisclosureAttack.WitnessPool()))
    }

    /// The first narrowed cell, searched on every core with witnesses shared between the searches,
    /// is the serial definition's: in the first component (by its first cell) that has one, the
    /// smallest cell whose lower end is out of reach, else the smallest whose upper end is —
    /// computed here from each cell's exact range (``DisclosureAttack/ranges(_:)``, one integer
    /// program per end). Random publications of true counts: totals over random sets, a few
    /// orders, secondary cells.
    @Test func firstNarrowedCellIsTheSerialDefinitions() {
        var rng = SplitMix64(state: 2026)
        var narrowedSeen = 0
        for _ in 0..<150 {
            let n = rng.int(4...8)
            let truth = (0..<n).map { _ in [0, 1, 2, 5, 9, 10, 12, 15, 20][rng.int(0...8)] }
            let cells: [C] = truth.map { t in
                t == 0 ? .shown(0) : t < 10 ? .small : rng.int(0...2) == 0 ? .secondary : .shown(t)
            }
            var totals: [PublishedCells.Total] = []
            for _ in 0..<rng.int(1...4) {
                let members = (0..<n).filter { _ in rng.int(0...1) == 0 }
                if !members.isEmpty { totals.append(.init(members: members, value: members.reduce(0) { $0 + truth[$1] })) }
            }
            var orders: [PublishedCells.Order] = []
            if rng.int(0...1) == 0 {
                let a = rng.int(0...(n - 1)), b = rng.int(0...(n - 1))
                if a != b, truth[a] >= truth[b] { orders.append(.init(larger: a, smaller: b)) }
            }
            let p = PublishedCells(cells: cells, totals: totals, orders: orders, minCell: 10)
            let ranges = Dictionary(uniqueKeysWithValues: DisclosureAttack.ranges(p).map { ($0.cell, $0) })
            var expected: Int?
            for component in DisclosureAttack.Problem(p).components where expected == nil {
                let small = component.filter { cells[$0] == .small }
                expected = small.first { ranges[$0]!.lower > 1 } ?? small.first { (ranges[$0]!.upper ?? 9) < 9 }
            }
            let pool = DisclosureAttack.WitnessPool(reference: truth)
            let found = DisclosureAttack.narrowedCells(p, stopAtFirst: true, pool: pool)
            #expect(found.first?.cell == expected, "\(p)")
            if expected != nil { narrowedSeen += 1 }
        }
        // Both kinds of publication occur.
        #expect(narrowedSeen > 10 && narrowedSeen < 140)
    }
}


