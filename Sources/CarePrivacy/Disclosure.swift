import CareAtlas
import CareFormats
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
/// 5. **the attacker** (``DisclosureAttack``): no cell shown as "<m" may be narrowed below
///    1 … m − 1 by everything published together: the shown totals, and the orders and stopping
///    rules of the member lists of the share catchments and share stages
///    (``Publication/memberRules``).
///
/// Violations are removed greedily: for a determined, pinned or narrowed cell, a shown non-zero
/// cell is hidden too ("x", complementary suppression, as in τ-ARGUS: headline totals stay; with
/// member lists published, cells inside them first, as a cell left out is bounded above by
/// their smallest member); when no cell helps, or for a small difference, the least important
/// total is hidden (stages of the first plan matter most, then other plans, catchments, groups,
/// frontier points, path steps). A total with a member list is tried shown, then hidden with its
/// list published, then withheld whole (a catchment listed without areas; a share stage not
/// published: ``stagesPublished(_:)``). A removal pass then shows again each "x" and each total
/// that the rules no longer need (``Control/prune()``).
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
    /// Complementary cells (`x`) the greedy search hid before its removal pass (the cells hidden
    /// now are in ``attackerView``).
    public let complementsBeforePruning: Int
    /// Totals whose member lists are withheld too (a share catchment whose members would narrow a
    /// hidden cell through the order they were taken in): their outputs name no areas.
    let withheldMasks: [Family: [Bool]]

    /// Share catchments (in their order) whose member list, map and area figures are withheld.
    public func catchmentWithheld(_ a: PatientShareAnalysis) -> [Bool] {
        withheldMasks[.catchments] ?? Array(repeating: false, count: a.catchments.count)
    }

    /// The plans cut before their first withheld stage (a share stage whose area list would narrow
    /// a hidden cell; the later stages contain it), or nil when every stage can be published.
    public func stagesPublished(_ a: ScenarioAnalysis) -> ScenarioAnalysis? {
        let kept = a.plans.indices.map { p in (withheldMasks[.stages(plan: p)] ?? []).firstIndex(of: true) ?? a.plans[p].stages.count }
        return kept == a.plans.map(\.stages.count) ? nil : a.keepingStages(kept)
    }

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
    public static func decide(_ publication: Publication, policy: SmallCellPolicy, progress: @escaping (String) -> Void = { _ in }) -> Disclosure {
        decide(publication, policy: policy, pruning: true, progress: progress)
    }

    /// The decision, optionally without the removal pass (to count what it saves).
    static func decide(_ publication: Publication, policy: SmallCellPolicy, pruning: Bool, progress: @escaping (String) -> Void = { _ in }) -> Disclosure {
        let counts = publication.counts
        let totals = publication.totals.map { Total(family: $0.family, index: $0.index, members: $0.members, value: $0.value) }
        // Control's totals are the grand total, then the publication's (one position later).
        let rules = Dictionary(uniqueKeysWithValues: publication.memberRules.map { ($0.key + 1, $0.value) })
        // Every total with member rules may have its member list withheld: a share catchment is
        // then listed without areas, a share stage is not published (``stagesPublished(_:)``).
        let withholdable = Set(publication.memberRules.keys.map { $0 + 1 })
        var control = Control(counts: counts, policy: policy, totals: totals, rules: rules, withholdable: withholdable)
        control.run(pruning: pruning, progress: progress)
        var masks = publication.familySizes.mapValues { [Bool](repeating: false, count: $0) }
        for (t, hidden) in zip(control.totals, control.totalHidden) where hidden && t.index >= 0 { masks[t.family]?[t.index] = true }
        var withheld = publication.familySizes.mapValues { [Bool](repeating: false, count: $0) }
        for (t, w) in zip(control.totals, control.withheld) where w && t.index >= 0 { withheld[t.family]?[t.index] = true }
        // Families at another level keep the nested-difference rule within themselves.
        for s in publication.sequences {
            var m = policy.differenceMask(s.values.compactMap { $0 }, alreadyShown: [0, publication.grandTotal]).makeIterator()
            masks[s.family] = s.values.map { $0 == nil ? false : m.next() ?? false }
        }
        return Disclosure(policy: policy, level: publication.level, areaIDs: publication.areaIDs, counts: counts,
                          primary: counts.map(policy.isSmall), hidden: control.hidden, masks: masks,
                          attackerView: control.attackerView, complementsBeforePruning: control.complementsBeforePruning,
                          withheldMasks: withheld)
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
        /// Member rules by total (the share catchments' and share stages' growth).
        let rules: [Int: Publication.MemberRules]
        /// Totals whose member lists may be withheld (the share catchments); the others' member
        /// lists are always published.
        let withholdable: Set<Int>
        /// Whether a total's member list (and so its rules) is withheld.
        var withheld: [Bool]
        /// Integer assignments kept between attacks (see ``DisclosureAttack/WitnessPool``),
        /// completed by the true counts.
        let witnesses: DisclosureAttack.WitnessPool

        init(counts: [Int], policy: SmallCellPolicy, totals: [Total], rules: [Int: Publication.MemberRules] = [:], withholdable: Set<Int> = []) {
            self.counts = counts
            self.policy = policy
            self.rules = rules
            self.withholdable = withholdable
            witnesses = DisclosureAttack.WitnessPool(reference: counts)
            let grand = Total(family: .catchments, index: -1, members: Array(counts.indices), value: counts.reduce(0, +))
            self.totals = [grand] + totals
            hidden = policy.suppressionMask(counts, totalShown: true)
            totalHidden = self.totals.map { $0.index >= 0 && policy.isSmall($0.value) }
            memberSets = self.totals.map { Set($0.members) }
            withheld = self.totals.indices.map { policy.isSuppressing && withholdable.contains($0) }
        }

        enum Violation: Equatable { case cell(Int), pinned(Int), difference(Int, Int) }

        /// Totals are admitted one by one, most important first. A total is admitted when the
        /// rules hold with it, possibly after hiding a few more cells (complementary suppression);
        /// otherwise it is hidden and the cells hidden while trying are shown again.
        mutating func run(pruning: Bool = true, progress: @escaping (String) -> Void = { _ in }) {
            guard policy.isSuppressing else { return }
            totalHidden = totals.indices.map { $0 != 0 }
            _ = repair(attempts: counts.count)  // the line with its grand total alone
            // The true counts satisfy everything published: a first witness for the attacker.
            witnesses.add(cells: [], values: [], count: counts.count)
            var counter = ProgressCounter("disclosure: published total", total: totals.count - 1, minimumTotal: 20, report: progress)
            for t in totals.indices.dropFirst() {
                counter.advance(to: t - 1)
                let saved = hidden
                let attempts = Self.cellRepairs(totals[t].family, cells: counts.count)
                if !policy.isSmall(totals[t].value) {
                    totalHidden[t] = false
                    withheld[t] = false
                    if repair(attempts: attempts) { continue }
                    hidden = saved
                    totalHidden[t] = true
                }
                // A share catchment whose total cannot be shown keeps its member list when that
                // narrows nothing, and is withheld whole otherwise.
                if withholdable.contains(t) {
                    withheld[t] = false
                    if repair(attempts: attempts) { continue }
                    hidden = saved
                    withheld[t] = true
                }
            }
            counter.advance(to: totals.count - 1)
            complementsBeforePruning = counts.indices.filter { hidden[$0] && !policy.isSmall(counts[$0]) }.count
            if pruning { prune() }
        }

        /// Complementary cells hidden by the greedy search, before ``prune()``.
        var complementsBeforePruning = 0

        /// The removal pass after the greedy search: each complementary cell, largest first, is
        /// shown again when every rule still holds without it (the attacker included); then each
        /// hidden total, most important first, is shown again when every rule holds with it. The
        /// greedy search hides a complement for the violation it meets first, and a later one may
        /// make an earlier one unnecessary; after this pass no single complement can be shown and
        /// no single hidden total added without breaking the guarantee.
        mutating func prune() {
            let complements = counts.indices.filter { hidden[$0] && !policy.isSmall(counts[$0]) }
                .sorted { (counts[$0], $0) > (counts[$1], $1) }
            for c in complements {
                hidden[c] = false
                if firstViolation() != nil { hidden[c] = true }
            }
            for t in totals.indices.dropFirst() where totalHidden[t] || withheld[t] {
                let was = (totalHidden[t], withheld[t])
                if !policy.isSmall(totals[t].value) {
                    (totalHidden[t], withheld[t]) = (false, false)
                    if firstViolation() == nil { continue }
                    (totalHidden[t], withheld[t]) = was
                }
                if withheld[t] {
                    withheld[t] = false
                    if firstViolation() != nil { withheld[t] = true }
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
            // A cell left out of a published member list ranks after its members, so the list's
            // smallest member bounds it from above (an "x" of 10 … 12 helps little); a member is
            // bounded from below only. With member lists published, cells inside more of them are
            // tried first, among sixteen.
            let lists = rules.keys.filter { !withheld[$0] }
            func leftOut(_ c: Int) -> Int { lists.reduce(0) { $0 + (memberSets[$1].contains(c) ? 0 : 1) } }
            let candidates = counts.indices.filter { !hidden[$0] && counts[$0] > 0 }
                .map { (cell: $0, distance: distance($0), leftOut: leftOut($0)) }
                .sorted { lists.isEmpty
                    ? ($0.distance, counts[$0.cell], $0.cell) < ($1.distance, counts[$1.cell], $1.cell)
                    : ($0.leftOut, $0.distance, counts[$0.cell], $0.cell) < ($1.leftOut, $1.distance, counts[$1.cell], $1.cell) }
            // Each trial is an attack of its own (at most two programs); they run on every core,
            // and the first candidate in order that protects h is kept, as in a loop.
            let tried = Array(candidates.prefix(lists.isEmpty ? 8 : 16))
            let first = FirstPassing.index(count: tried.count) { k in
                var trial = self
                trial.hidden[tried[k].cell] = true
                return !trial.determinedCells().contains(h) && trial.isProtected(h)
            }
            return first.map { tried[$0].cell } ?? candidates.first?.cell
        }

        /// The cells and the shown totals as an attacker reads them.
        var attackerView: PublishedCells {
            let cells: [PublishedCells.Cell] = counts.indices.map { i in
                !hidden[i] ? .shown(counts[i]) : policy.isSmall(counts[i]) ? .small : .secondary
            }
            let shown = totals.indices.filter { !totalHidden[$0] }.map { PublishedCells.Total(members: totals[$0].members, value: totals[$0].value) }
            let published = rules.keys.sorted().filter { !withheld[$0] }.compactMap { rules[$0] }
            return PublishedCells(cells: cells, totals: shown, orders: published.flatMap(\.orders), bounds: published.flatMap(\.bounds),
                                  minCell: policy.minCell)
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

        /// Hidden cells the shown totals determine (reduced row echelon form over the hidden cells,
        /// Gauss–Jordan with partial pivoting, in one flat buffer of rows).
        func determinedCells() -> [Int] {
            let vars = counts.indices.filter { hidden[$0] }
            guard !vars.isEmpty else { return [] }
            let n = vars.count
            var column = [Int](repeating: -1, count: counts.count)
            for (k, v) in vars.enumerated() { column[v] = k }
            var matrix: [Double] = []
            var count = 0
            for (t, total) in totals.enumerated() where !totalHidden[t] {
                var any = false
                for m in total.members where column[m] >= 0 { any = true; break }
                guard any else { continue }
                matrix += repeatElement(0, count: n)
                for m in total.members where column[m] >= 0 { matrix[count * n + column[m]] = 1 }
                count += 1
            }
            // Row r of the elimination is stored at slot[r] (a row swap swaps slots).
            var slot = Array(0..<count)
            var pivots: [(row: Int, column: Int)] = []
            matrix.withUnsafeMutableBufferPointer { a in
                var pivotRow = 0
                for c in 0..<n where pivotRow < count {
                    // The first row of largest |a| in column c (as `max(by:)` picks it).
                    var p = pivotRow
                    for r in (pivotRow + 1)..<count where abs(a[slot[p] * n + c]) < abs(a[slot[r] * n + c]) { p = r }
                    guard abs(a[slot[p] * n + c]) > 1e-9 else { continue }
                    slot.swapAt(pivotRow, p)
                    let top = slot[pivotRow] * n
                    let scale = a[top + c]
                    for k in c..<n { a[top + k] /= scale }
                    for r in 0..<count where r != pivotRow && abs(a[slot[r] * n + c]) > 1e-12 {
                        let row = slot[r] * n
                        let f = a[row + c]
                        for k in c..<n { a[row + k] -= f * a[top + k] }
                    }
                    pivots.append((pivotRow, c))
                    pivotRow += 1
                }
            }
            return pivots.filter { p in
                let row = slot[p.row] * n
                return (0..<n).allSatisfy { $0 == p.column || abs(matrix[row + $0]) < 1e-9 }
            }.map { vars[$0.column] }
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

/// The first index of 0..<count whose test passes, the tests run on every core: indices are handed
/// out in increasing order and none past a passing one, so every index below the answer is tested
/// and the answer is the loop's, whatever the threads' timing.
enum FirstPassing {
    static func index(count: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount, _ test: (Int) -> Bool) -> Int? {
        guard count > 1, workers > 1 else { return (0..<count).first(where: test) }
        let state = State(count: count)
        // The tests only read what they capture; each builds its own trial.
        nonisolated(unsafe) let test = test
        DispatchQueue.concurrentPerform(iterations: min(count, workers)) { _ in
            while let k = state.next() {
                if test(k) { state.passed(k) }
            }
        }
        return state.best
    }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private var nextIndex = 0
        private(set) var best: Int?
        init(count: Int) { self.count = count }
        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard nextIndex < count, best.map({ nextIndex < $0 }) ?? true else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }
        func passed(_ k: Int) {
            lock.lock()
            best = min(best ?? k, k)
            lock.unlock()
        }
    }
}
