import CareAtlas
@testable import CarePrivacy
import Foundation
import Testing
import TestSupport

/// Direct tests of the privacy code: the publication (the decision's input), the decision, and the
/// line protection of the service-area tables.
@Suite struct DisclosureTests {
    static let policy = SmallCellPolicy(minCell: 10)
    static let demo = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")) }

    /// Hidden cells that the shown totals determine, by rank (an independent re-implementation:
    /// e_h is in the row space of the shown totals' rows over the hidden cells).
    static func determined(_ p: Publication, _ d: Disclosure) -> [Int] {
        let hidden = d.cellMask.indices.filter { d.cellMask[$0] }
        let shown = p.totals.filter { !d.mask($0.family, count: p.familySizes[$0.family] ?? 0)[$0.index] }.map(\.members)
        return determined(hidden: hidden, totals: [Array(d.cellMask.indices)] + shown)  // the grand total: every cell
    }

    /// The cells of `hidden` that the totals over `totals` (member lists) determine, by rank.
    static func determined(hidden: [Int], totals: [[Int]]) -> [Int] {
        let rows: [[Double]] = totals.map { t in hidden.map { t.contains($0) ? 1 : 0 } }
        func rank(_ m: [[Double]]) -> Int {
            var a = m, r = 0
            let n = a.first?.count ?? 0
            for c in 0..<n where r < a.count {
                guard let p = (r..<a.count).first(where: { abs(a[$0][c]) > 1e-9 }) else { continue }
                a.swapAt(r, p)
                for i in a.indices where i != r && abs(a[i][c]) > 1e-12 {
                    let f = a[i][c] / a[r][c]
                    for k in 0..<n { a[i][k] -= f * a[r][k] }
                }
                r += 1
            }
            return r
        }
        let base = rank(rows)
        return hidden.enumerated().filter { k, _ in rank(rows + [hidden.indices.map { $0 == k ? 1 : 0 }]) == base }.map(\.element)
    }

    /// ``Disclosure/Control/determinedCells()`` by hand, and against the rank test on random
    /// patterns. Cells 0 … 4, cell 4 shown; totals {0, 1}, {1, 2}, {3, 4} and the grand total:
    /// {3, 4} gives x₃, then the grand total less {0, 1} gives x₂, {1, 2} x₁ and {0, 1} x₀. With
    /// {3, 4} hidden, x₀ + x₁, x₁ + x₂ and x₀ + … + x₃ fix no cell alone.
    @Test func determinedCellsKnownAnswersAndRank() {
        let totals = [[0, 1], [1, 2], [3, 4]].enumerated().map { Disclosure.Total(family: .groups, index: $0, members: $1, value: 0) }
        var control = Disclosure.Control(counts: [5, 20, 30, 3, 40], policy: Self.policy, totals: totals)
        control.hidden = [true, true, true, true, false]
        control.totalHidden = [false, false, false, false]
        #expect(control.determinedCells() == [0, 1, 2, 3])
        control.totalHidden[3] = true
        #expect(control.determinedCells() == [])
        var rng = SplitMix64(state: 21)
        for _ in 0..<200 {
            let cells = rng.int(2...9)
            let sets = (0..<rng.int(0...6)).map { _ in (0..<cells).filter { _ in rng.uniform() < 0.5 } }
            var c = Disclosure.Control(counts: (0..<cells).map { _ in rng.int(0...30) }, policy: Self.policy,
                                       totals: sets.enumerated().map { Disclosure.Total(family: .groups, index: $0, members: $1, value: 0) })
            c.hidden = (0..<cells).map { _ in rng.uniform() < 0.5 }
            c.totalHidden = c.totals.indices.map { $0 > 0 && rng.uniform() < 0.25 }
            let hidden = (0..<cells).filter { c.hidden[$0] }
            let shown = c.totals.indices.filter { !c.totalHidden[$0] }.map { c.totals[$0].members }
            #expect(c.determinedCells() == Self.determined(hidden: hidden, totals: shown), "\(c.hidden) \(shown)")
        }
    }

    // MARK: The line and one shown total

    /// Cells 40, 3, 12 and the outside bucket 20 under the grand total 75: 3 is small, and total −
    /// the shown cells would give it back. The greedy search hides the smallest other cell, 12,
    /// first; that is not enough against an attacker who knows an "x" is at least 10 (B + C = 15
    /// puts B in 1 … 5), so the outside bucket goes too. The removal pass then shows 12 again:
    /// B + outside = 23 with outside ≥ 10 leaves B anywhere in 1 … 9 — one complement, not two.
    @Test func oneSmallCellTakesTheSmallestOtherOne() {
        let p = Publication(level: .municipality, areaIDs: ["A", "B", "C"], counts: [40, 3, 12], outside: 20)
        let d = Disclosure.decide(p, policy: Self.policy)
        #expect(d.cellMask == [false, true, false, true])
        #expect(d.complementsBeforePruning == 2)
        #expect(DisclosureAttack.narrowedCells(d.attackerView).isEmpty)
        #expect(d.label("B", 3) == "<10" && d.label("C", 12) == "12" && d.label("A", 40) == "40" && d.outsideHidden)
        #expect(Disclosure.decide(p, policy: Self.policy, pruning: false).cellMask == [false, true, true, true])
        #expect(p.grandTotal == 75)
    }

    /// A total {A, B} = 43 would give B back (43 − 40); it is kept only with A hidden too, or
    /// hidden itself: either way no hidden cell is determined.
    @Test func aTotalThatWouldRevealACellIsNotShownAsIs() {
        var p = Publication(level: .municipality, areaIDs: ["A", "B", "C"], counts: [40, 3, 12], outside: 20)
        p.add(.catchments, [(["A", "B"], 43)])
        let d = Disclosure.decide(p, policy: Self.policy)
        #expect(Self.determined(p, d) == [])
        #expect(d.mask(.catchments, count: 1) == [true] || d.cellMask[0])
    }

    @Test func noSuppressionShowsEverything() {
        var p = Publication(level: .municipality, areaIDs: ["A", "B"], counts: [40, 3], outside: 0)
        p.add(.catchments, [(["A"], 40)])
        let d = Disclosure.decide(p, policy: .none)
        #expect(d.cellMask == [false, false, false] && d.mask(.catchments, count: 1) == [false])
    }

    /// Random lines and nested totals (seeded): no hidden cell is ever determined, and every small
    /// cell is hidden.
    @Test func randomPublicationsRevealNothing() {
        var rng = SplitMix64(state: 13)
        for _ in 0..<150 {
            let n = rng.int(3...9)
            let ids = (0..<n).map { "a\($0)" }
            let counts = ids.map { _ in rng.uniform() < 0.4 ? rng.int(1...9) : rng.int(0...60) }
            var p = Publication(level: .municipality, areaIDs: ids, counts: counts, outside: rng.int(0...15))
            var order = ids.shuffled(using: &rng)
            var sets: [(areaIDs: [String], value: Int?)] = []
            for k in 1..<n where rng.uniform() < 0.5 {
                let s = Array(order.prefix(k))
                sets.append((s, s.reduce(0) { $0 + counts[ids.firstIndex(of: $1)!] }))
            }
            p.add(.catchments, sets)
            order.shuffle(using: &rng)
            let g = Array(order.prefix(n / 2))
            p.add(.groups, [(g, g.reduce(0) { $0 + counts[ids.firstIndex(of: $1)!] })])
            let d = Disclosure.decide(p, policy: Self.policy)
            #expect(Self.determined(p, d) == [], "\(counts) \(p.listing)")
            for (c, hidden) in zip(p.counts, d.cellMask) where Self.policy.isSmall(c) { #expect(hidden) }
        }
    }

    // MARK: The study's publication

    /// The demo's publication lists every total a command can show: 6 catchments, 3 groups and the
    /// "other or outside" line (南部 and the rest), 7 stages, the frontier and path, and the
    /// anchor's service area (its flows are the patient table's counts).
    @Test func demoPublicationListsEveryTotal() throws {
        let run = try StudyRun.compute(Self.demo.get())
        let p = run.publication
        #expect(p.areaIDs.count == 9 && p.counts.count == 10 && p.grandTotal == 150)
        #expect(p.familySizes[.catchments] == 6)
        #expect(p.familySizes[.groups] == 4)
        #expect(p.familySizes[.serviceAreas] == 2)
        #expect(p.listing.contains("groups 3: {outside} = 10"))
        #expect(p.listing.contains("serviceAreas 1: {99101 99102 99103 99104 99105 99106 99107 99108 99109} = 140"))
        // The attacker-verified decision keeps the outside bucket (10) and hides totals instead;
        // the anchor's 140 patients (150 − 10) then reveal nothing.
        #expect(!run.disclosure.outsideHidden)
        #expect(!run.disclosure.mask(.serviceAreas, count: 2)[1])
        #expect(Self.determined(p, run.disclosure) == [])
        #expect(DisclosureAttack.narrowedCells(run.disclosure.attackerView).isEmpty)
        // The report's view shares the decision (the summary's text: CareExportTests).
        #expect(try run.results().outsidePatientsLabel == "10")
    }

    /// The demo's 50 % catchment took 松区 40, 柳区 30, then 竹区 20 (τ = 75): its member list
    /// publishes 40 + 30 ≤ 74 and 40 + 30 + 20 ≥ 75, the rank order of the three, and that 竹区
    /// has at least as many patients as every ward left out. The 90 % catchments' member lists
    /// (every ward but 藤区) would say 藤区 + outside ≤ 150 − 135 = 15, so with the outside
    /// bucket shown as 10, 藤区 (4) ≤ 5: they are withheld whole; the 75 % stays (its rules are
    /// the first plan's third stage's too).
    @Test func catchmentMemberRulesOnTheDemo() throws {
        let run = try StudyRun.compute(Self.demo.get())
        let p = run.publication
        let i = { (code: String) in p.areaIDs.firstIndex(of: code)! }
        let t = try #require(p.totals.firstIndex { $0.family == .catchments && $0.index == 0 })
        let rules = try #require(p.memberRules[t])
        #expect(rules.bounds == [.init(members: [i("99104"), i("99105")], lower: nil, upper: 74),
                                 .init(members: [i("99104"), i("99105"), i("99106")], lower: 75, upper: nil)])
        #expect(rules.orders.prefix(2).map { [$0.larger, $0.smaller] } == [[i("99105"), i("99104")], [i("99104"), i("99106")]])
        let leftOut = ["99101", "99102", "99103", "99107", "99108", "99109"].map(i)
        #expect(rules.orders.dropFirst(2).map(\.smaller) == leftOut && rules.orders.dropFirst(2).allSatisfy { $0.larger == i("99106") })
        // The share stage (段階的拡大 3, 患者75%圏) carries the rules of the 75 % catchment.
        let stage = try #require(p.totals.firstIndex { $0.family == .stages(plan: 0) && $0.index == 2 })
        let c75 = try #require(p.totals.firstIndex { $0.family == .catchments && $0.index == 2 })
        #expect(p.memberRules[stage] == p.memberRules[c75])
        let shares = try run.defaultShares.get()
        #expect(run.disclosure.catchmentWithheld(shares) == [false, false, false, false, true, true])
        #expect(DisclosureAttack.narrowedCells(run.disclosure.attackerView).isEmpty)
    }

    /// Other target shares than the defaults: the command's catchments lead, the defaults follow
    /// (other commands publish them), and nothing is determined with both.
    @Test func commandSharesAndDefaultsAreDecidedTogether() throws {
        var options = StudyRun.Options()
        options.shares = [0.6, 0.95]
        let run = try StudyRun.compute(Self.demo.get(), options: options)
        #expect(run.publication.familySizes[.catchments] == 4)
        #expect(run.publication.familySizes[.defaultCatchments] == 6)
        #expect(Self.determined(run.publication, run.disclosure) == [])
        #expect(throws: AnalysisError.self) { try run.results() }
    }

    // MARK: Lines of the service-area tables

    @Test func protectLineKnownAnswers() {
        let p = Self.policy
        #expect(p.protectLine([40, 3, 12]) == ([false, true, true], false))
        #expect(p.protectLine([3]) == ([true], true))       // the total would be the cell
        #expect(p.protectLine([0, 5]) == ([false, true], true))
        #expect(p.protectLine([1, 1, 30]) == ([true, true, true], false))  // 1 + 1 = 2 pins both to 1
        #expect(p.protectLine([9, 9]) == ([true, true], true))  // 18 = 2 · 9 pins both to 9
        #expect(p.protectLine([4, 5, 30]) == ([true, true, false], false))
        #expect(p.protectLine([30, 40]) == ([false, false], false))
        #expect(SmallCellPolicy.none.protectLine([1, 2]) == ([false, false], false))
    }

    /// The demo's flows: every hospital's line protected; the anchor's cells are the run's.
    @Test func serviceAreasFollowTheRun() throws {
        let run = try StudyRun.compute(Self.demo.get())
        let sa = try #require(run.serviceAreas)
        let d = try #require(run.serviceAreaDisclosure)
        for (o, m) in zip(sa.origins, d.origins) where o.hospitalID == "H01" {
            #expect(m.atHospitalHidden == run.disclosure.isHidden(o.id), "\(o.id)")
        }
        for (a, m) in zip(sa.areas, d.areas) {
            let cells = sa.origins.filter { a.originIDs.contains($0.id) }
            let hidden = zip(sa.origins, d.origins).filter { a.originIDs.contains($0.0.id) && $0.1.atHospitalHidden }.map(\.0)
            // Never exactly one hidden cell under a shown local total.
            if !m.localHidden && a.hospitalID != "H01" { #expect(hidden.count != 1, "\(a.hospitalID)") }
            #expect(cells.count == a.originIDs.count)
        }
    }

    /// The demo hides 桜区 8, 欅区 6, 梅区 5 and 藤区 4; the anchor's flows are the line, so those
    /// four origins' assignments are withheld (no plurality count is below 10 on the demo). H02
    /// (桜, 梅) lists no origin, H03 竹区 alone, H04 椿区 alone, each with Rs and L hidden; the
    /// other hospitals' N are hidden; the anchor's area (楓, 柳, 松) is listed whole.
    @Test func withheldAssignmentsOnTheDemo() throws {
        let run = try StudyRun.compute(Self.demo.get())
        let sa = try #require(run.serviceAreas)
        let d = try #require(run.serviceAreaDisclosure)
        let withheld = zip(sa.origins, d.origins).filter { $0.1.assignmentWithheld }.map(\.0.id)
        #expect(withheld == ["99101", "99103", "99107", "99109"])
        #expect(withheld.allSatisfy(run.disclosure.isHidden))
        let areas = Dictionary(uniqueKeysWithValues: zip(sa.areas.map(\.hospitalID), d.areas).map { ($0, $1) })
        #expect(areas["H01"]?.publishedOriginIDs == ["99102", "99104", "99105"])
        #expect(areas["H02"]?.publishedOriginIDs == [])
        #expect(areas["H03"]?.publishedOriginIDs == ["99106"])
        #expect(areas["H04"]?.publishedOriginIDs == ["99108"])
        for h in ["H02", "H03", "H04"] {
            let a = try #require(areas[h])
            #expect(a.residentHidden && a.localHidden && a.hospitalHidden && !a.indicesShown, "\(h)")
        }
        let anchor = try #require(areas["H01"])
        #expect(!anchor.residentHidden && !anchor.localHidden && anchor.indicesShown)
        // Without suppression nothing is withheld.
        let open = try StudyRun.compute(Self.demo.get(), policy: SmallCellPolicy.none)
        #expect(try #require(open.serviceAreaDisclosure).origins.allSatisfy { !$0.assignmentWithheld })
    }
}
