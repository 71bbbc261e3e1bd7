import CareAtlas
import Foundation

/// Which patient figures of a study's outputs to hide, decided once for all of them together.
///
/// The outputs publish one line of cells — the patients of every area of a level and the outside
/// bucket, with their total — and totals over sets of those areas: catchments, stages, frontier
/// regions and path steps, groups (二次医療圏). A suppressed cell must not come back from them:
///
/// 1. **primary**: counts 1 … `minCell`−1 are hidden ("<10");
/// 2. **exact reconstruction**: no hidden cell may be determined by the shown totals — with the
///    shown cells substituted, the equations Σ_{a∈S} x_a = v_S over the hidden cells must not have
///    the unit vector of any hidden cell in their row space (tested on the reduced row echelon
///    form: e_h is in the row space iff h is a pivot column whose row has no other non-zero);
/// 3. **pinned ranges**: no shown total may leave k hidden small cells summing to k or to
///    k·(minCell−1) (each would be 1, or each minCell−1);
/// 4. **small differences**: no two shown totals over nested sets S ⊂ T may differ, once the shown
///    cells of T∖S are taken off, by 1 … minCell−1 (the count of the areas added).
///
/// Violations are removed greedily: for a determined or pinned cell, the smallest shown non-zero
/// cell of a shown total containing it is hidden too ("x", complementary suppression, as in
/// τ-ARGUS: headline totals stay); when no cell helps, or for a small difference, the least
/// important total is hidden (stages of the first plan matter most, then other plans,
/// catchments, groups, frontier points, path steps). Repeats until no rule is broken.
/// Hundepool et al. (2012), *Statistical Disclosure Control*, Wiley, ch. 7 (cell suppression).
public struct Disclosure: Sendable {
    /// The totals published with the cells.
    public enum Family: Hashable, Sendable {
        case stages(plan: Int)
        case catchments
        case groups
        case frontier
        case path
        /// The catchments of the study's default shares, when a command publishes its own shares
        /// (``catchments``) and other commands publish the defaults.
        case defaultCatchments
        /// The anchor's plurality service area (its local patients) and its patients in all areas.
        case serviceAreas
    }

    public let policy: SmallCellPolicy
    public let level: AreaLevel
    /// Area ids of the line, in the level's order; the outside bucket is the last cell.
    public let areaIDs: [String]
    let counts: [Int]
    let primary: [Bool]
    /// Hidden cells (areas, then outside).
    let hidden: [Bool]
    let masks: [Family: [Bool]]
    /// What the line and its shown totals publish, as an attacker reads them (the input of
    /// ``DisclosureAttack``).
    public let attackerView: PublishedCells

    /// True when the area's count is hidden.
    public func isHidden(_ areaID: String) -> Bool {
        guard let i = areaIDs.firstIndex(of: areaID) else { return false }
        return hidden[i]
    }

    public var outsideHidden: Bool { hidden.last ?? false }

    /// Hidden flags of the cells in `areaIDs` order followed by the outside bucket.
    public var cellMask: [Bool] { hidden }

    /// The mask of a family's totals, in the order they were given (all false when absent).
    public func mask(_ family: Family, count: Int) -> [Bool] {
        masks[family] ?? Array(repeating: false, count: count)
    }

    /// A count's label: the number, "<10" or "x".
    public func label(_ areaID: String, _ count: Int) -> String { policy.label(count, secondary: isHidden(areaID)) }

    /// Decides what to hide for the line of `level` and the totals over it (the publication of
    /// ``Publication/addStudyTotals(_:shares:commandShares:scenarios:serviceAreas:)``).
    public static func compute(
        _ model: StudyModel, level: AreaLevel, shares: PatientShareAnalysis? = nil, scenarios: ScenarioAnalysis? = nil,
        policy: SmallCellPolicy
    ) -> Disclosure {
        var publication = Publication(model, level: level)
        publication.addStudyTotals(model, shares: shares, scenarios: scenarios)
        return decide(publication, policy: policy)
    }

    /// The one decision: what to hide among the cells and totals of `publication` (the rules
    /// above), and the small-difference masks of its sequences at other levels.
    public static func decide(_ publication: Publication, policy: SmallCellPolicy) -> Disclosure {
        let counts = publication.counts
        let totals = publication.totals.map { Total(family: $0.family, index: $0.index, members: $0.members, value: $0.value) }
        var control = Control(counts: counts, policy: policy, totals: totals)
        control.run()
        var masks = publication.familySizes.mapValues { [Bool](repeating: false, count: $0) }
        for (t, hidden) in zip(control.totals, control.totalHidden) where hidden && t.index >= 0 { masks[t.family]?[t.index] = true }
        // Families at another level keep the nested-difference rule within themselves.
        for s in publication.sequences {
            var m = policy.differenceMask(s.values.compactMap { $0 }, alreadyShown: [0, publication.grandTotal]).makeIterator()
            masks[s.family] = s.values.map { $0 == nil ? false : m.next() ?? false }
        }
        return Disclosure(policy: policy, level: publication.level, areaIDs: publication.areaIDs, counts: counts,
                          primary: counts.map(policy.isSmall), hidden: control.hidden, masks: masks,
                          attackerView: control.attackerView)
    }

    struct Total {
        let family: Family
        let index: Int
        let members: [Int]
        let value: Int
    }

    /// The greedy search.
    struct Control {
        let counts: [Int]
        let policy: SmallCellPolicy
        /// The grand total (every cell) first, never hidden; then the totals by importance.
        let totals: [Total]
        var hidden: [Bool]
        var totalHidden: [Bool]
        let memberSets: [Set<Int>]
        /// Integer assignments kept between attacks (see ``DisclosureAttack/WitnessPool``).
        let witnesses = DisclosureAttack.WitnessPool()

        init(counts: [Int], policy: SmallCellPolicy, totals: [Total]) {
            self.counts = counts
            self.policy = policy
            let grand = Total(family: .catchments, index: -1, members: Array(counts.indices), value: counts.reduce(0, +))
            self.totals = [grand] + totals
            hidden = policy.suppressionMask(counts, totalShown: true)
            totalHidden = self.totals.map { $0.index >= 0 && policy.isSmall($0.value) }
            memberSets = self.totals.map { Set($0.members) }
        }

        enum Violation: Equatable { case cell(Int), pinned(Int), difference(Int, Int) }

        /// Totals are admitted one by one, most important first. A total is admitted when the
        /// rules hold with it, possibly after hiding a few more cells (complementary suppression);
        /// otherwise it is hidden and the cells hidden while trying are shown again.
        mutating func run() {
            guard policy.isSuppressing else { return }
            totalHidden = totals.indices.map { $0 != 0 }
            _ = repair(attempts: counts.count)  // the line with its grand total alone
            // The true counts satisfy everything published: a first witness for the attacker.
            witnesses.add(Dictionary(uniqueKeysWithValues: counts.indices.filter { hidden[$0] }.map { ($0, counts[$0]) }))
            for t in totals.indices.dropFirst() where !policy.isSmall(totals[t].value) {
                let saved = hidden
                totalHidden[t] = false
                if !repair(attempts: Self.cellRepairs(totals[t].family, cells: counts.count)) {
                    hidden = saved
                    totalHidden[t] = true
                }
            }
        }

        /// How many more cells may be hidden to keep a total shown: as many as it takes for the
        /// first plan's stages (the headline figures the team decides on), six for the share
        /// catchments, none for the rest — any other total that would narrow a hidden cell is
        /// hidden itself instead.
        static func cellRepairs(_ family: Family, cells: Int) -> Int {
            switch family {
            case .stages(plan: 0): cells
            case .catchments, .defaultCatchments: 6
            default: 0
            }
        }

        /// Hides cells until no rule is broken; false when it cannot within `attempts` cells.
        mutating func repair(attempts: Int) -> Bool {
            for _ in 0...attempts {
                guard let v = firstViolation() else { return true }
                let cell: Int?
                switch v {
                case let .cell(h): cell = twin(of: h)
                case let .pinned(t):
                    cell = totals[t].members.filter { !hidden[$0] && counts[$0] > 0 }.min { (counts[$0], $0) < (counts[$1], $1) }
                case let .difference(a, b):
                    // Hiding a shown cell of the difference makes its hidden part at least minCell.
                    cell = memberSets[b].subtracting(memberSets[a]).filter { !hidden[$0] && counts[$0] > 0 }
                        .min { (counts[$0], $0) < (counts[$1], $1) }
                }
                guard let c = cell else { return false }
                hidden[c] = true
            }
            return firstViolation() == nil
        }

        /// The shown non-zero cell whose membership of the shown totals is nearest to h's (a cell in
        /// exactly the same totals makes h and it indistinguishable), among the eight nearest the
        /// first that stops h being determined, else the nearest.
        func twin(of h: Int) -> Int? {
            let shownTotals = totals.indices.filter { !totalHidden[$0] }
            func distance(_ c: Int) -> Int { shownTotals.reduce(0) { $0 + (memberSets[$1].contains(c) == memberSets[$1].contains(h) ? 0 : 1) } }
            let candidates = counts.indices.filter { !hidden[$0] && counts[$0] > 0 }
                .map { (cell: $0, distance: distance($0)) }
                .sorted { ($0.distance, counts[$0.cell], $0.cell) < ($1.distance, counts[$1.cell], $1.cell) }
            var trial = self
            for c in candidates.prefix(8) {
                trial.hidden[c.cell] = true
                if !trial.determinedCells().contains(h) && trial.isProtected(h) { return c.cell }
                trial.hidden[c.cell] = false
            }
            return candidates.first?.cell
        }

        /// The cells and the shown totals as an attacker reads them.
        var attackerView: PublishedCells {
            let cells: [PublishedCells.Cell] = counts.indices.map { i in
                !hidden[i] ? .shown(counts[i]) : policy.isSmall(counts[i]) ? .small : .secondary
            }
            let shown = totals.indices.filter { !totalHidden[$0] }.map { PublishedCells.Total(members: totals[$0].members, value: totals[$0].value) }
            return PublishedCells(cells: cells, totals: shown, minCell: policy.minCell)
        }

        /// Whether the attacker's range of cell `h` covers 1 … minCell − 1 (true for a shown or
        /// secondary cell).
        func isProtected(_ h: Int) -> Bool {
            guard hidden[h], policy.isSmall(counts[h]) else { return true }
            return DisclosureAttack.protects(h, in: attackerView, pool: witnesses)
        }

        /// The first broken rule: a determined or pinned cell, a cell the attacker narrows, or a
        /// total to hide.
        func firstViolation() -> Violation? {
            if let h = determinedCells().first { return .cell(h) }
            for (t, total) in totals.enumerated() where !totalHidden[t] {
                let vars = total.members.filter { hidden[$0] }
                guard !vars.isEmpty, vars.allSatisfy({ policy.isSmall(counts[$0]) }) else { continue }
                let residual = vars.reduce(0) { $0 + counts[$1] }
                if residual == vars.count || residual == vars.count * (policy.minCell - 1) { return .pinned(t) }
            }
            if let narrowed = DisclosureAttack.narrowedCells(attackerView, stopAtFirst: true, pool: witnesses).first { return .cell(narrowed.cell) }
            for a in totals.indices where !totalHidden[a] {
                for b in totals.indices where b != a && !totalHidden[b] && memberSets[a].count < memberSets[b].count
                    && memberSets[a].isSubset(of: memberSets[b]) {
                    let added = memberSets[b].subtracting(memberSets[a]).filter { hidden[$0] }
                    let d = added.reduce(0) { $0 + counts[$1] }
                    if !added.isEmpty && policy.isSmall(d) { return .difference(a, b) }
                }
            }
            return nil
        }

        /// Hidden cells the shown totals determine (reduced row echelon form over the hidden cells).
        func determinedCells() -> [Int] {
            let vars = counts.indices.filter { hidden[$0] }
            guard !vars.isEmpty else { return [] }
            let column = Dictionary(uniqueKeysWithValues: vars.enumerated().map { ($1, $0) })
            var rows: [[Double]] = []
            for (t, total) in totals.enumerated() where !totalHidden[t] {
                var r = [Double](repeating: 0, count: vars.count)
                var any = false
                for m in total.members { if let c = column[m] { r[c] = 1; any = true } }
                if any { rows.append(r) }
            }
            var pivotRow = 0
            var pivots: [(row: Int, column: Int)] = []
            for c in 0..<vars.count where pivotRow < rows.count {
                guard let p = (pivotRow..<rows.count).max(by: { abs(rows[$0][c]) < abs(rows[$1][c]) }), abs(rows[p][c]) > 1e-9 else { continue }
                rows.swapAt(pivotRow, p)
                let scale = rows[pivotRow][c]
                for k in c..<vars.count { rows[pivotRow][k] /= scale }
                for r in rows.indices where r != pivotRow && abs(rows[r][c]) > 1e-12 {
                    let f = rows[r][c]
                    for k in c..<vars.count { rows[r][k] -= f * rows[pivotRow][k] }
                }
                pivots.append((pivotRow, c))
                pivotRow += 1
            }
            return pivots.filter { p in rows[p.row].enumerated().allSatisfy { $0.offset == p.column || abs($0.element) < 1e-9 } }
                .map { vars[$0.column] }
        }
    }
}

extension Disclosure {
    /// The order in which a patient-share ranking may be published, with the rank to print: shown
    /// areas in rank order, numbered 1, 2, … among themselves; then hidden areas ("<10" and "x") by
    /// code, without a rank. A rank, or a position in the ranking, of a hidden area is an
    /// inequality between counts that an attacker can combine with the totals (with `policy.none`
    /// the ranking is unchanged).
    public func publishedRanking(_ ranking: [PatientShareAnalysis.RankedArea]) -> [(area: PatientShareAnalysis.RankedArea, rank: Int?)] {
        guard policy.isSuppressing else { return ranking.map { ($0, $0.rank) } }
        let shown = ranking.filter { !isHidden($0.areaID) }
        let hidden = ranking.filter { isHidden($0.areaID) }.sorted { $0.areaID < $1.areaID }
        return shown.enumerated().map { ($1, $0 + 1) } + hidden.map { ($0, nil) }
    }

    /// Hidden flags of each plan's stages.
    public func stageMasks(_ a: ScenarioAnalysis) -> [[Bool]] {
        a.plans.enumerated().map { mask(.stages(plan: $0.offset), count: $0.element.stages.count) }
    }

    /// Hidden flags of the frontier's points and of its path's steps.
    public func frontierMasks(_ a: ScenarioAnalysis) -> (points: [Bool], path: [Bool]) {
        guard let f = a.frontier else { return ([], []) }
        return (mask(.frontier, count: f.points.count), mask(.path, count: f.path.count))
    }

    /// Hidden flags of the catchments, in their order.
    public func catchmentMask(_ a: PatientShareAnalysis) -> [Bool] { mask(.catchments, count: a.catchments.count) }

    /// Hidden flags of the group lines followed by the line "other or outside".
    public func groupMask(_ a: PatientShareAnalysis) -> [Bool] { mask(.groups, count: a.groups.count + 1) }
}
