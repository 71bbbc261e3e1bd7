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
    /// What the line and its shown totals publish, as an attacker reads them.
    public let publication: PublishedCells

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

    /// Decides what to hide for the line of `level` and the totals over it.
    public static func compute(
        _ model: StudyModel, level: AreaLevel, shares: PatientShareAnalysis? = nil, scenarios: ScenarioAnalysis? = nil,
        policy: SmallCellPolicy
    ) -> Disclosure {
        let areas = model.areas[level] ?? []
        let ids = areas.map(\.id)
        let counts = areas.map { $0.patients ?? 0 } + [model.totalPatients - areas.reduce(0) { $0 + ($1.patients ?? 0) }]
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        func members(_ set: [String]) -> [Int]? {
            let m = set.compactMap { index[$0] }
            return m.count == set.count ? m.sorted() : nil
        }
        var totals: [Total] = []
        func add(_ family: Family, _ sets: [(ids: [String], value: Int?)]) {
            for (k, s) in sets.enumerated() {
                guard let v = s.value, let m = members(s.ids) else { continue }
                totals.append(Total(family: family, index: k, members: m, value: v))
            }
        }
        if let scenarios, scenarios.level == level {
            for (p, plan) in scenarios.plans.enumerated() { add(.stages(plan: p), plan.stages.map { ($0.areaIDs, $0.patients) }) }
        }
        if let shares, shares.level == level {
            add(.catchments, shares.catchments.map { ($0.areaIDs, $0.patients) })
            let groups = shares.groups.map { g in
                (model.groups[g.grouping]?.first { $0.name == g.name }?.memberIDs ?? [], Optional(g.patients))
            }
            add(.groups, groups)
            // The line "other or outside" of the group table: total − Σ groups.
            let grouped = Set(groups.flatMap(\.0))
            let rest = ids.indices.filter { !grouped.contains(ids[$0]) } + [ids.count]
            totals.append(Total(family: .groups, index: shares.groups.count, members: rest,
                                value: rest.reduce(0) { $0 + counts[$1] }))
        }
        if let scenarios, scenarios.level == level, let f = scenarios.frontier {
            add(.frontier, f.points.map { ($0.areaIDs, $0.patients) })
            add(.path, f.path.map { ($0.areaIDs, Optional($0.patients)) })
        }
        // Membership of an unconstrained share catchment is an order: the areas are taken by rank,
        // so every member holds at least as many patients as every area left out.
        // Areas with fewer than minCell patients join a catchment after all others, by code, so only
        // the order of the larger counts is published (an attacker knows which cells are small from
        // their label).
        var orders = Set<PublishedCells.Order>()
        let bounds: [PublishedCells.Bound] = []
        if let shares, shares.level == level {
            let large = ids.indices.filter { counts[$0] >= policy.minCell }
            for c in shares.catchments {
                guard let m = members(c.areaIDs), let lastID = c.areaIDs.last, let last = index[lastID] else { continue }
                // Not modelled yet (a known gap, stated in the README): the stopping rule, a bound
                // on the sum of the areas before the last one (PublishedCells.Bound carries it).
                _ = last
                guard !c.contiguous else { continue }
                let inside = Set(m)
                for a in m where counts[a] >= policy.minCell {
                    for b in large where !inside.contains(b) { orders.insert(.init(larger: a, smaller: b)) }
                }
            }
        }
        var control = Control(counts: counts, policy: policy, totals: totals,
                              orders: orders.sorted { ($0.larger, $0.smaller) < ($1.larger, $1.smaller) }, bounds: bounds)
        control.run()
        var masks: [Family: [Bool]] = [:]
        if let scenarios {
            for (p, plan) in scenarios.plans.enumerated() { masks[.stages(plan: p)] = Array(repeating: false, count: plan.stages.count) }
            if let f = scenarios.frontier {
                masks[.frontier] = Array(repeating: false, count: f.points.count)
                masks[.path] = Array(repeating: false, count: f.path.count)
            }
        }
        if let shares {
            masks[.catchments] = Array(repeating: false, count: shares.catchments.count)
            masks[.groups] = Array(repeating: false, count: shares.groups.count + 1)
        }
        for (t, hidden) in zip(control.totals, control.totalHidden) where hidden { masks[t.family]?[t.index] = true }
        // Families at another level keep the nested-difference rule within themselves.
        if let scenarios, scenarios.level != level {
            for (p, plan) in scenarios.plans.enumerated() {
                masks[.stages(plan: p)] = policy.differenceMask(plan.stages.map(\.patients), alreadyShown: [0, model.totalPatients])
            }
            if let f = scenarios.frontier {
                var m = policy.differenceMask(f.points.compactMap(\.patients), alreadyShown: [0, model.totalPatients]).makeIterator()
                masks[.frontier] = f.points.map { $0.patients == nil ? false : m.next()! }
                masks[.path] = policy.differenceMask(f.path.map(\.patients), alreadyShown: [0, model.totalPatients])
            }
        }
        return Disclosure(policy: policy, level: level, areaIDs: ids, counts: counts, primary: counts.map(policy.isSmall),
                          hidden: control.hidden, masks: masks, publication: control.publication)
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

        /// Orders the outputs publish whatever is hidden (catchment membership).
        let orders: [PublishedCells.Order]

        /// Bounds on sums the outputs publish whatever is hidden (catchment stopping rules).
        let bounds: [PublishedCells.Bound]

        init(counts: [Int], policy: SmallCellPolicy, totals: [Total], orders: [PublishedCells.Order] = [], bounds: [PublishedCells.Bound] = []) {
            self.counts = counts
            self.orders = orders
            self.bounds = bounds
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
                if !repair(attempts: Self.repairsCells(totals[t].family) ? 6 : 0) {
                    hidden = saved
                    totalHidden[t] = true
                }
            }
        }

        /// The families worth hiding more cells for: the first plan's stages and the share
        /// catchments (the headline figures). Any other total that would narrow a hidden cell is
        /// hidden itself instead.
        static func repairsCells(_ family: Family) -> Bool {
            switch family {
            case .stages(plan: 0), .catchments: true
            default: false
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
        var publication: PublishedCells {
            let cells: [PublishedCells.Cell] = counts.indices.map { i in
                !hidden[i] ? .shown(counts[i]) : policy.isSmall(counts[i]) ? .small : .secondary
            }
            let shown = totals.indices.filter { !totalHidden[$0] }.map { PublishedCells.Total(members: totals[$0].members, value: totals[$0].value) }
            var published = PublishedCells(cells: cells, totals: shown, orders: orders, minCell: policy.minCell)
            published.bounds = bounds
            return published
        }

        /// Whether the attacker's range of cell `h` covers 1 … minCell − 1 (true for a shown or
        /// secondary cell).
        func isProtected(_ h: Int) -> Bool {
            guard hidden[h], policy.isSmall(counts[h]) else { return true }
            return DisclosureAttack.protects(h, in: publication, pool: witnesses)
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
            if let narrowed = DisclosureAttack.narrowedCells(publication, stopAtFirst: true, pool: witnesses).first { return .cell(narrowed.cell) }
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
