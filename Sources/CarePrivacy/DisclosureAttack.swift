import CareAtlas
import CareSolver
import Foundation

/// A line of patient cells as an outsider reads it from every output of a run: which cells are
/// shown, which are hidden and how (the label says it), which totals over sets of cells are
/// published, and which orders between cells are published.
///
/// An attacker knows, for a hidden cell:
/// - `"<m"` (``Cell/small``): 1 ≤ x ≤ m − 1 (zeros are shown as 0);
/// - `"x"` (``Cell/secondary``): x ≥ m, because a complementary cell is always a shown count
///   (counts 1 … m − 1 carry the `"<m"` label instead);
/// - every published total: Σ_{a∈S} x_a = v_S;
/// - every published order (a rank, a sort order, membership of a "top k" list or of a share
///   catchment, a region grown step by step): x_a ≥ x_b + margin;
/// - every published bound on a sum (a catchment's stopping rule): lower ≤ Σ_{a∈S} x_a ≤ upper.
public struct PublishedCells: Sendable {
    /// How a cell appears in the outputs.
    public enum Cell: Sendable, Hashable {
        /// The count is printed.
        case shown(Int)
        /// Printed as `"<m"`: a count 1 … m − 1.
        case small
        /// Printed as `"x"`: a count of at least m hidden to protect another cell.
        case secondary
        /// Not printed at all, but part of published sums and orders (a flow of the flow table
        /// that only the service-area totals and the plurality rule involve): any count ≥ 0.
        case unpublished
    }

    /// A published total: the sum of the cells `members` is `value`.
    public struct Total: Sendable, Hashable {
        public var members: [Int]
        public var value: Int
        public init(members: [Int], value: Int) {
            self.members = members
            self.value = value
        }
    }

    /// A published order: cell `larger` holds at least `margin` more patients than cell `smaller`
    /// (x_larger ≥ x_smaller + margin). A margin of 1 is a strict order: a ranking whose tie-break
    /// (distance, then code) would have put `smaller` first at equal counts.
    public struct Order: Sendable, Hashable {
        public var larger: Int
        public var smaller: Int
        public var margin: Int
        public init(larger: Int, smaller: Int, margin: Int = 0) {
            self.larger = larger
            self.smaller = smaller
            self.margin = margin
        }
    }

    /// A published bound on a sum: `lower ≤ Σ_{a∈members} x_a ≤ upper` (a catchment's stopping
    /// rule: the areas before the last one hold less than the target share).
    public struct Bound: Sendable, Hashable {
        public var members: [Int]
        public var lower: Int?
        public var upper: Int?
        public init(members: [Int], lower: Int?, upper: Int?) {
            self.members = members
            self.lower = lower
            self.upper = upper
        }
    }

    public var cells: [Cell]
    public var totals: [Total]
    public var orders: [Order]
    public var bounds: [Bound] = []
    /// The minimum cell size m of the policy.
    public var minCell: Int

    public init(cells: [Cell], totals: [Total] = [], orders: [Order] = [], bounds: [Bound] = [], minCell: Int) {
        self.cells = cells
        self.totals = totals
        self.orders = orders
        self.bounds = bounds
        self.minCell = minCell
    }
}

/// An attacker with an integer-programming solver: for each hidden cell, the smallest and largest
/// count consistent with everything a run publishes (``PublishedCells``).
///
/// For a hidden cell h it solves min x_h and max x_h over the non-negative integers subject to the
/// attacker's knowledge (the label bounds, Σ_{a∈S} x_a = v_S for each published total,
/// x_a ≥ x_b + margin for each published order, lower ≤ Σ_{a∈S} x_a ≤ upper for each published
/// bound), with the shown cells substituted. Cells are split into independent components first
/// (cells linked by a total, an order or a bound), so each program holds only the cells
/// it needs; rows the cells' bounds or two other orders already imply are left out of the
/// programs (``Problem/reduced(_:lower:upper:)``: the feasible set, and so every optimum, is the
/// same). Each bound is found on the linear relaxation (Clp, through COIN-OR CBC); when the
/// optimal vertex is integral it is the integer optimum too, otherwise the integer program is
/// solved (CBC branch-and-bound).
///
/// The protection guarantee checked by ``narrowedCells(_:)``: for every cell shown as `"<m"`, the
/// feasible range covers all of 1 … m − 1 (Hundepool et al. 2012, *Statistical Disclosure
/// Control*, §7.3, "protection intervals"; the τ-ARGUS and sdcTable audit of a suppression
/// pattern).
public enum DisclosureAttack {
    /// Programs solved so far in this process (for benchmarks and tests).
    static let solves = SolveCounter()
    final class SolveCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    /// The feasible range of one hidden cell; `upper` is nil when nothing published bounds it.
    public struct Range: Sendable, Hashable, CustomStringConvertible {
        public let cell: Int
        public let lower: Int
        public let upper: Int?
        public var description: String { "cell \(cell): \(lower) … \(upper.map(String.init) ?? "∞")" }
    }

    /// The range of every hidden cell (small first, then secondary, each by index).
    public static func ranges(_ published: PublishedCells) -> [Range] {
        let problem = Problem(published)
        return problem.components.flatMap { problem.ranges(in: $0, cells: $0) }.sorted { $0.cell < $1.cell }
    }

    /// The cells shown as `"<m"` whose feasible range does not cover 1 … m − 1, with their ranges.
    /// Empty when the publication protects every small cell. With `stopAtFirst`, at most one.
    ///
    /// Witnesses keep the number of programs small: one integer solution that minimises the sum of
    /// the small cells not yet shown to reach 1 shows every cell it sets to 1 can be 1; likewise
    /// maximising for m − 1. Only cells no such witness reaches get a program of their own, whose
    /// optimum is either a witness too or the proof that the cell is narrowed.
    public static func narrowedCells(_ published: PublishedCells, stopAtFirst: Bool = false) -> [Range] {
        narrowedCells(published, stopAtFirst: stopAtFirst, pool: WitnessPool())
    }

    /// Integer assignments found by earlier attacks on similar publications (the suppression search
    /// asks many times with one total or cell changed): each one that still satisfies everything
    /// published certifies the cells it sets to 1 or m − 1 without a solve.
    ///
    /// Thread-safe: the suppression search runs its trial attacks on several threads at once. Which
    /// witnesses a pool holds changes how many programs are solved, never an answer (a witness is
    /// used only when it satisfies everything published).
    ///
    /// With a `reference` (the true counts, which satisfy every publication of them), a witness
    /// found over one component is completed by the reference's values for the other cells: a
    /// cell hidden later (a complement) or a component merged with another. So a witness outlives
    /// the one cell hidden or shown again between two attacks; ``Problem/satisfies(_:component:)``
    /// still checks every value against the publication asked about. Witnesses are held dense
    /// (one value per cell, −1 where none is known), so that test is a few array reads per row.
    final class WitnessPool: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [[Int]] = []
        let capacity = 96
        /// Values for the cells a witness does not name (nil: a witness must name every cell of
        /// the component it is tested on).
        let reference: [Int]?
        init(reference: [Int]? = nil) { self.reference = reference }
        /// Assignments added so far (the held ones are the last `capacity`).
        private var added = 0
        /// The assignments held now (a copy), one value per cell of the line, −1 where unknown.
        var assignments: [[Int]] { assignments(since: 0).found }
        /// The held assignments among those added after the first `seen`, and how many have been
        /// added now (the `seen` of the next call).
        func assignments(since seen: Int) -> (found: [[Int]], seen: Int) {
            lock.lock()
            defer { lock.unlock() }
            let new = min(max(added - seen, 0), stored.count)
            return (Array(stored.suffix(new)), added)
        }
        /// Optima found so far, by program and question (the suppression search asks the same
        /// question of the same program again, e.g. when a total is tried shown, then withheld).
        /// The solver is deterministic, so an answer read here is the one a solve would give.
        private var optima: [Problem.Query: Problem.Optimum] = [:]
        func optimum(_ query: Problem.Query) -> Problem.Optimum? {
            lock.lock()
            defer { lock.unlock() }
            return optima[query]
        }
        func remember(_ query: Problem.Query, _ optimum: Problem.Optimum) {
            lock.lock()
            if optima.count >= 1024 { optima.removeAll(keepingCapacity: true) }
            optima[query] = optimum
            lock.unlock()
        }

        /// Adds the assignment `values` of `cells` (a line of `count` cells).
        func add(cells: [Int], values: [Int], count: Int) {
            var w = reference?.count == count ? reference! : [Int](repeating: -1, count: count)
            for (c, v) in zip(cells, values) { w[c] = v }
            lock.lock()
            stored.append(w)
            added += 1
            if stored.count > capacity { stored.removeFirst(stored.count - capacity) }
            lock.unlock()
        }
    }

    /// Whether the attacker's range of the one small cell `h` covers 1 … m − 1 (at most two
    /// programs, none when earlier witnesses show both ends or the bounds propagated along the
    /// rows already keep h off an end).
    static func protects(_ h: Int, in published: PublishedCells, pool: WitnessPool) -> Bool {
        guard published.cells[h] == .small else { return true }
        let problem = Problem(published)
        guard let component = problem.components.first(where: { $0.contains(h) }) else { return true }
        let column = Problem.Columns(component, cells: published.cells.count)
        let m = published.minCell
        // Bounds propagated along the rows settle most trials that fail: every integer assignment
        // lies within them, so a cell they keep off 1 or off m − 1 is narrowed (what the programs
        // below would find, without them).
        guard let b = problem.propagatedBounds(component), b.lower[h] <= 1, b.upper[h] >= Double(m - 1) else { return false }
        var low = false, high = false
        for w in pool.assignments where problem.satisfies(w, component: component) {
            if w[h] == 1 { low = true }
            if w[h] == m - 1 { high = true }
            if low && high { return true }
        }
        let program = problem.program(for: component)
        for (sense, done) in [(LinearProgram.Sense.minimize, low), (.maximize, high)] where !done {
            let end = sense == .minimize ? 1 : m - 1
            switch Problem.integerOptimum(program, objective: [column[h]], sense: sense, settledBeyond: Double(end), pool: pool) {
            case .none, .beyond: return false
            case .assignment(let x):
                pool.add(cells: component, values: x.map { Int($0) }, count: published.cells.count)
                if Int(x[column[h]]) != end { return false }
            }
        }
        return true
    }

    static func narrowedCells(_ published: PublishedCells, stopAtFirst: Bool, pool: WitnessPool) -> [Range] {
        let problem = Problem(published)
        var found: [Range] = []
        for component in problem.components where component.contains(where: { published.cells[$0] == .small }) {
            let (ranges, final) = narrowedCells(problem, in: component, senses: [.minimize, .maximize], stopAtFirst: stopAtFirst, pool: pool)
            if final { return ranges }
            found += ranges
        }
        return found.sorted { $0.cell < $1.cell }
    }

    /// The narrowed small cells of one component, searched end by end in the order of `senses`;
    /// `final` when the answer stops the whole search (an inconsistent publication, or the first
    /// narrowed cell with `stopAtFirst`).
    private static func narrowedCells(_ problem: Problem, in component: [Int], senses: [LinearProgram.Sense], stopAtFirst: Bool,
                                      pool: WitnessPool) -> (ranges: [Range], final: Bool) {
        let published = problem.published
        let m = Double(published.minCell)
        let small = component.filter { published.cells[$0] == .small }
        let program = problem.program(for: component)
        let column = Problem.Columns(component, cells: published.cells.count)
        var needLow = Set(small), needHigh = Set(small)
        var narrowedHere: [Int: (lower: Int, upper: Int?)] = [:]
        func certify(_ x: [Double]) {
            for h in needLow where abs(x[column[h]] - 1) < 1e-7 { needLow.remove(h) }
            for h in needHigh where abs(x[column[h]] - (m - 1)) < 1e-7 { needHigh.remove(h) }
        }
        // A satisfying assignment gives a value to every cell of the component; those added
        // meanwhile (by concurrent attacks on the same pool) are read before each program.
        var seen = 0
        func certifyFromPool() {
            let (found, now) = pool.assignments(since: seen)
            seen = now
            for w in found where problem.satisfies(w, component: component) { certify(component.map { Double(w[$0]) }) }
        }
        for sense in senses {
            var useSum = true
            while true {
                certifyFromPool()
                let pending = (sense == .minimize ? needLow : needHigh).sorted()
                guard let first = pending.first else { break }
                let targets = useSum ? pending : [first]
                // One cell alone, when only the first narrowed cell is asked for: a relaxation
                // whose bound misses the cell's end settles it without an integer program.
                let end = stopAtFirst && targets.count == 1 ? (sense == .minimize ? 1 : m - 1) : nil
                let witness: [Double]
                if stopAtFirst && targets.count > 1 {
                    // The sum only gathers witnesses (any integer assignment certifies the cells it
                    // sets to an end): a fractional vertex is not worth an integer program, the
                    // cells are then examined one by one.
                    guard let x = Problem.integralVertex(program, objective: targets.map { column[$0] }, sense: sense) else {
                        useSum = false
                        continue
                    }
                    witness = x
                } else {
                switch Problem.integerOptimum(program, objective: targets.map { column[$0] }, sense: sense, settledBeyond: end, pool: pool) {
                case .assignment(let x): witness = x
                case .beyond(let bound):
                    let value = sense == .minimize ? Int((bound - 1e-6).rounded(.up)) : Int((bound + 1e-6).rounded(.down))
                    return ([sense == .minimize ? Range(cell: first, lower: value, upper: Int(m) - 1) : Range(cell: first, lower: 1, upper: value)], true)
                case .none:
                    // No integer assignment at all: the publication is inconsistent, which
                    // cannot happen for true counts; every small cell counts as narrowed.
                    return (small.map { Range(cell: $0, lower: Int.max, upper: Int.min) }, true)
                }
                }
                let before = pending.count
                certify(witness)
                pool.add(cells: component, values: witness.map { Int($0) }, count: published.cells.count)
                let after = (sense == .minimize ? needLow : needHigh).count
                if targets.count == 1 && after == before {
                    // The cell's own optimum does not reach its end of 1 … m − 1.
                    let value = Int(witness[column[first]].rounded())
                    var r = narrowedHere[first] ?? (1, Int(m) - 1)
                    if sense == .minimize { needLow.remove(first); r.lower = value } else { needHigh.remove(first); r.upper = value }
                    narrowedHere[first] = r
                    if stopAtFirst { return ([Range(cell: first, lower: r.lower, upper: r.upper)], true) }
                }
                useSum = after < before && useSum
            }
        }
        return (narrowedHere.map { Range(cell: $0.key, lower: $0.value.lower, upper: $0.value.upper) }, false)
    }

    /// The published equations reduced to the hidden cells.
    struct Problem {
        let published: PublishedCells
        /// Rows over hidden cells: Σ coefficient·x = value (equalities) or ≥ 0 (orders).
        var rows: [Row] = []
        typealias Row = (terms: [(Int, Double)], lower: Double, upper: Double)
        /// Bounds of each cell's count by cell index (those of shown cells are unused).
        var lower: [Double]
        var upper: [Double]
        var components: [[Int]] = []
        /// The component of each hidden cell (−1 for a shown one), and the rows of each component.
        var componentOf: [Int] = []
        var rowsByComponent: [[Int]] = []

        /// The position of each cell of one component among the program's columns.
        struct Columns {
            private var position: [Int]
            init(_ component: [Int], cells: Int) {
                position = [Int](repeating: -1, count: cells)
                for (k, c) in component.enumerated() { position[c] = k }
            }
            func contains(_ cell: Int) -> Bool { position[cell] >= 0 }
            /// The column of a cell of the component.
            subscript(cell: Int) -> Int { position[cell] }
        }

        init(_ published: PublishedCells) {
            self.published = published
            let m = Double(published.minCell)
            lower = [Double](repeating: 0, count: published.cells.count)
            upper = [Double](repeating: 0, count: published.cells.count)
            var hidden: [Int] = []
            for (i, c) in published.cells.enumerated() {
                switch c {
                case .shown: continue
                case .small: lower[i] = 1; upper[i] = m - 1
                case .secondary: lower[i] = m; upper[i] = .infinity
                case .unpublished: lower[i] = 0; upper[i] = .infinity
                }
                hidden.append(i)
            }
            func shownValue(_ i: Int) -> Int? {
                if case let .shown(v) = published.cells[i] { return v }
                return nil
            }
            for t in published.totals {
                var residual = t.value
                var vars: [Int] = []
                for i in t.members {
                    if let v = shownValue(i) { residual -= v } else { vars.append(i) }
                }
                guard !vars.isEmpty else { continue }
                if vars.count == 1 {
                    // A single hidden cell in a total is pinned: its bounds say so.
                    lower[vars[0]] = max(lower[vars[0]], Double(residual))
                    upper[vars[0]] = min(upper[vars[0]], Double(residual))
                }
                rows.append((vars.map { ($0, 1.0) }, Double(residual), Double(residual)))
            }
            for b in published.bounds {
                var shown = 0
                var vars: [Int] = []
                for i in b.members {
                    if let v = shownValue(i) { shown += v } else { vars.append(i) }
                }
                guard !vars.isEmpty else { continue }
                rows.append((vars.map { ($0, 1.0) }, b.lower.map { Double($0 - shown) } ?? -.infinity,
                             b.upper.map { Double($0 - shown) } ?? .infinity))
            }
            for o in published.orders {
                switch (shownValue(o.larger), shownValue(o.smaller)) {
                case (.some, .some): continue
                case let (.some(v), nil): upper[o.smaller] = min(upper[o.smaller], Double(v - o.margin))
                case let (nil, .some(v)): lower[o.larger] = max(lower[o.larger], Double(v + o.margin))
                case (nil, nil): rows.append(([(o.larger, 1), (o.smaller, -1)], Double(o.margin), .infinity))
                }
            }
            // Components: cells linked through a row.
            var parent = Array(published.cells.indices)
            func find(_ x: Int) -> Int {
                var x = x
                while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
                return x
            }
            for r in rows {
                let first = find(r.terms[0].0)
                for (c, _) in r.terms.dropFirst() { parent[find(c)] = first }
            }
            // The components stay those of every published row (the order in which cells are
            // examined, and so the first narrowed cell found, is the publication's); the programs
            // keep only the rows that the cells' bounds do not already imply.
            rows = Self.reduced(rows, lower: lower, upper: upper)
            var groups: [Int: [Int]] = [:]
            for h in hidden { groups[find(h), default: []].append(h) }
            components = groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
            componentOf = [Int](repeating: -1, count: published.cells.count)
            for (k, c) in components.enumerated() { for h in c { componentOf[h] = k } }
            rowsByComponent = Array(repeating: [], count: components.count)
            for (r, row) in rows.enumerated() { rowsByComponent[componentOf[row.terms[0].0]].append(r) }
        }

        /// The rows with the same feasible set over the integers and the reals: rows over the same
        /// terms merged into one (the intersection of their ranges: an order published by several
        /// catchments, a stage equal to a catchment), and rows dropped whose range the cells'
        /// bounds already imply (Σ a·x over the bounds' box lies within [lower, upper]: an order
        /// between an "x" (≥ m) and a "<m" (≤ m − 1), a total with one hidden cell, which pins
        /// that cell's bounds). Crossed bounds (an inconsistent publication) imply nothing, so the
        /// program stays infeasible. The optimum of every program is unchanged; only the vertex
        /// the simplex returns may differ, and the attack uses optimum values and integer
        /// witnesses checked against every row (``satisfies(_:component:)``), never a vertex
        /// as such.
        static func reduced(_ rows: [Row], lower: [Double], upper: [Double]) -> [Row] {
            // Orders (the most rows by far) are keyed by their pair of cells, numbered among the
            // cells that some order names (a dense table while small, a dictionary beyond).
            var number = [Int](repeating: -1, count: lower.count)
            var n = 0
            for r in rows { if let (a, c) = order(r) { for x in [a, c] where number[x] < 0 { number[x] = n; n += 1 } } }
            struct Key: Hashable { let cells: [Int]; let coefficients: [Double] }
            var merged: [Row] = []
            var position: [Key: Int] = [:]
            var orderAt = PairTable<Int>(count: n, empty: -1)
            for r in rows {
                if let (a, c) = order(r) {
                    let k = orderAt[number[a], number[c]]
                    if k >= 0 { merged[k].lower = max(merged[k].lower, r.lower) } else {
                        orderAt[number[a], number[c]] = merged.count
                        merged.append(r)
                    }
                    continue
                }
                let terms = r.terms.sorted { $0.0 < $1.0 }
                let key = Key(cells: terms.map(\.0), coefficients: terms.map(\.1))
                if let k = position[key] {
                    merged[k].lower = max(merged[k].lower, r.lower)
                    merged[k].upper = min(merged[k].upper, r.upper)
                } else {
                    position[key] = merged.count
                    merged.append(r)
                }
            }
            let kept = merged.filter { r in
                var low = 0.0, high = 0.0
                for (c, a) in r.terms {
                    guard lower[c] <= upper[c] else { return true }
                    low += a > 0 ? a * lower[c] : a * upper[c]
                    high += a > 0 ? a * upper[c] : a * lower[c]
                }
                return !(low >= r.lower && high <= r.upper)
            }
            // Orders x_a − x_c ≥ m implied by two others still kept, x_a − x_b ≥ m₁ and
            // x_b − x_c ≥ m₂ with m₁ + m₂ ≥ m (a catchment's member ordered before each area of
            // its frontier, step after step), are dropped one at a time: each is implied by the
            // rows left when it goes, so the feasible set never changes.
            var margin = PairTable<Double>(count: n, empty: -.infinity)
            var out = [[Int]](repeating: [], count: n)
            for r in kept {
                guard let (a, c) = order(r) else { continue }
                margin[number[a], number[c]] = r.lower
                out[number[a]].append(number[c])
            }
            var dropped = [Bool](repeating: false, count: kept.count)
            for (k, r) in kept.enumerated() {
                guard let (a0, c0) = order(r) else { continue }
                let (a, c) = (number[a0], number[c0])
                for b in out[a] where b != c && b != a {
                    let m1 = margin[a, b], m2 = margin[b, c]
                    if m1 > -.infinity && m2 > -.infinity && m1 + m2 >= r.lower {
                        margin[a, c] = -.infinity
                        dropped[k] = true
                        break
                    }
                }
            }
            return kept.indices.filter { !dropped[$0] }.map { kept[$0] }
        }

        /// A value for each ordered pair of `count` items: a dense table up to 512 items, a
        /// dictionary beyond (a study at small-area level may hide thousands of cells).
        struct PairTable<Value> {
            private let count: Int
            private let empty: Value
            private var dense: [Value]
            private var sparse: [Int: Value] = [:]
            init(count: Int, empty: Value) {
                self.count = count
                self.empty = empty
                dense = count <= 512 ? [Value](repeating: empty, count: count * count) : []
            }
            subscript(a: Int, b: Int) -> Value {
                get { dense.isEmpty ? sparse[a * count + b] ?? empty : dense[a * count + b] }
                set { if dense.isEmpty { sparse[a * count + b] = newValue } else { dense[a * count + b] = newValue } }
            }
        }

        /// An order row x_a − x_c ≥ margin as (a, c); nil for any other row.
        static func order(_ r: Row) -> (larger: Int, smaller: Int)? {
            guard r.terms.count == 2, r.upper == .infinity, r.lower.isFinite else { return nil }
            switch (r.terms[0].1, r.terms[1].1) {
            case (1, -1): return (r.terms[0].0, r.terms[1].0)
            case (-1, 1): return (r.terms[1].0, r.terms[0].0)
            default: return nil
            }
        }

        /// The cells' bounds tightened along the rows of `component` over the integers (each row
        /// bounds each of its cells by the others' bounds, rounded inwards; repeated until nothing
        /// changes, at most `passes` times), indexed by cell; nil when they cross, i.e. no integer
        /// assignment satisfies the rows. Every integer assignment satisfying the publication lies
        /// within them (Savelsbergh 1994, "Preprocessing and probing techniques for mixed integer
        /// programming problems", bound tightening).
        func propagatedBounds(_ component: [Int], passes: Int = 16) -> (lower: [Double], upper: [Double])? {
            var lo = lower, hi = upper
            for h in component where lo[h] > hi[h] { return nil }
            let componentRows = rowsByComponent[componentOf[component[0]]]
            for _ in 0..<passes {
                var changed = false
                for r in componentRows {
                    let row = rows[r]
                    // Σ of the terms' least and greatest values, infinite parts counted apart.
                    var minSum = 0.0, maxSum = 0.0, minInfinite = 0, maxInfinite = 0
                    for (c, a) in row.terms {
                        let (l, u) = a > 0 ? (a * lo[c], a * hi[c]) : (a * hi[c], a * lo[c])
                        if l.isFinite { minSum += l } else { minInfinite += 1 }
                        if u.isFinite { maxSum += u } else { maxInfinite += 1 }
                    }
                    for (c, a) in row.terms {
                        let (l, u) = a > 0 ? (a * lo[c], a * hi[c]) : (a * hi[c], a * lo[c])
                        // a·x_c ≥ row.lower − Σ_{others} max and ≤ row.upper − Σ_{others} min.
                        let othersMax = u.isFinite ? (maxInfinite == 0 ? maxSum - u : .infinity) : (maxInfinite == 1 ? maxSum : .infinity)
                        let othersMin = l.isFinite ? (minInfinite == 0 ? minSum - l : -.infinity) : (minInfinite == 1 ? minSum : -.infinity)
                        let least = row.lower - othersMax, most = row.upper - othersMin
                        var newLo = a > 0 ? least / a : most / a
                        var newHi = a > 0 ? most / a : least / a
                        if newLo.isNaN { newLo = -.infinity }
                        if newHi.isNaN { newHi = .infinity }
                        newLo = (newLo - 1e-9).rounded(.up)
                        newHi = (newHi + 1e-9).rounded(.down)
                        if newLo > lo[c] { lo[c] = newLo; changed = true }
                        if newHi < hi[c] { hi[c] = newHi; changed = true }
                        if lo[c] > hi[c] { return nil }
                    }
                }
                if !changed { break }
            }
            return (lo, hi)
        }

        /// Whether an earlier assignment (one value per cell, −1 where unknown) is feasible here:
        /// it gives every cell of `component` a value within its bounds and satisfies every row
        /// over them.
        func satisfies(_ w: [Int], component: [Int]) -> Bool {
            guard w.count == published.cells.count else { return false }
            for h in component {
                let v = w[h]
                guard v >= 0, Double(v) >= lower[h], Double(v) <= upper[h] else { return false }
            }
            // Every row names cells of one component only.
            for r in rowsByComponent[componentOf[component[0]]] {
                var sum = 0.0
                for (c, a) in rows[r].terms { sum += a * Double(w[c]) }
                if sum < rows[r].lower - 1e-9 || sum > rows[r].upper + 1e-9 { return false }
            }
            return true
        }

        /// The program over the cells of `component` (columns in its order), with no objective.
        func program(for component: [Int]) -> LinearProgram {
            let column = Columns(component, cells: published.cells.count)
            var program = LinearProgram(sense: .minimize)
            for h in component { _ = program.addColumn(lower: lower[h], upper: upper[h], objective: 0) }
            for r in rows where column.contains(r.terms[0].0) {
                _ = program.addRow(r.terms.map { (column[$0.0], $0.1) }, lower: r.lower, upper: r.upper)
            }
            return program
        }

        /// What ``integerOptimum(_:objective:sense:settledBeyond:)`` found.
        enum Optimum {
            /// An optimal integer assignment, one value per column.
            case assignment([Double])
            /// The relaxation's bound on Σ x_c already lies beyond the value asked about, so the
            /// integer optimum does too (no integer program was solved); the bound is given.
            case beyond(Double)
            /// No integer assignment exists (or the solver failed).
            case none
        }

        /// An integer assignment optimising Σ x_c over `objective` columns: the relaxation's vertex
        /// when it is integral, else the integer program's optimum. nil when none exists.
        static func integerOptimum(_ base: LinearProgram, objective: [Int], sense: LinearProgram.Sense) -> [Double]? {
            guard case .assignment(let x) = integerOptimum(base, objective: objective, sense: sense, settledBeyond: nil) else { return nil }
            return x
        }

        /// The relaxation's optimal vertex for Σ x_c over `objective` columns when it is integral
        /// (an integer assignment, optimal or not beyond the relaxation's own optimum); nil when
        /// it is fractional or the relaxation has no optimum.
        static func integralVertex(_ base: LinearProgram, objective: [Int], sense: LinearProgram.Sense) -> [Double]? {
            guard base.rowCount > 0 else {
                guard case .assignment(let x) = integerOptimum(base, objective: objective, sense: sense, settledBeyond: nil) else { return nil }
                return x
            }
            var program = base
            program.sense = sense
            for c in objective { program.setObjective(ofColumn: c, 1) }
            DisclosureAttack.solves.add(1)
            guard let x = try? relaxation(program), x.allSatisfy({ abs($0 - $0.rounded()) < 1e-7 }) else { return nil }
            return x.map { $0.rounded() }
        }

        /// A program with a question about it (objective columns, sense, the value asked about),
        /// as the key of ``WitnessPool``'s answers.
        struct Query: Hashable {
            let data: [Double]
            init(_ p: LinearProgram, objective: [Int], sense: LinearProgram.Sense, end: Double?) {
                var d: [Double] = [Double(p.columnCount), Double(p.rowCount), sense == .minimize ? 0 : 1, end ?? .nan, Double(objective.count)]
                d.reserveCapacity(5 + objective.count + 2 * p.columnCount + 2 * p.rowCount + 3 * p.nonzeroCount)
                d += objective.map(Double.init)
                for c in p.columns { d += [c.lower, c.upper] }
                d += p.rowLower
                d += p.rowUpper
                for column in p.entries {
                    d.append(Double(column.count))
                    for (r, v) in column { d += [Double(r), v] }
                }
                data = d
            }
            // NaN (no value asked about) compares unequal to itself: compare bit patterns.
            static func == (a: Query, b: Query) -> Bool { a.data.map(\.bitPattern) == b.data.map(\.bitPattern) }
            func hash(into h: inout Hasher) { for x in data { h.combine(x.bitPattern) } }
        }

        /// ``integerOptimum(_:objective:sense:settledBeyond:)``, answered from `pool` when it has
        /// seen the same question about the same program.
        static func integerOptimum(_ base: LinearProgram, objective: [Int], sense: LinearProgram.Sense, settledBeyond end: Double?,
                                   pool: WitnessPool) -> Optimum {
            let query = Query(base, objective: objective, sense: sense, end: end)
            if let known = pool.optimum(query) { return known }
            let found = integerOptimum(base, objective: objective, sense: sense, settledBeyond: end)
            pool.remember(query, found)
            return found
        }

        /// The integer optimum of Σ x_c over `objective` columns, found as above; with
        /// `settledBeyond` v, a fractional relaxation whose optimum is already worse than v (above
        /// v + 10⁻⁶ when minimising, below v − 10⁻⁶ when maximising) answers ``Optimum/beyond(_:)``
        /// without the integer program: the integer optimum is at least as far from v (the
        /// relaxation bounds it), which is all a caller asking "can the optimum reach v?" needs.
        ///
        /// The relaxation is solved by Clp alone (``LPSolver``), the integer program by CBC without
        /// its preprocessing (programs of about a hundred columns).
        static func integerOptimum(_ base: LinearProgram, objective: [Int], sense: LinearProgram.Sense, settledBeyond end: Double?) -> Optimum {
            var program = base
            program.sense = sense
            for c in objective { program.setObjective(ofColumn: c, 1) }
            if base.rowCount == 0 {
                // Bounds alone: each column at its own end (finite, since small cells are bounded).
                return .assignment(base.columns.enumerated().map { j, c in
                    objective.contains(j) ? (sense == .minimize ? c.lower : c.upper) : c.lower
                })
            }
            do {
                DisclosureAttack.solves.add(1)
                let x = try relaxation(program)
                if x.allSatisfy({ abs($0 - $0.rounded()) < 1e-7 }) { return .assignment(x.map { $0.rounded() }) }
                if let end {
                    let bound = objective.reduce(0.0) { $0 + x[$1] }
                    if sense == .minimize ? bound > end + 1e-6 : bound < end - 1e-6 { return .beyond(bound) }
                }
                program.makeAllInteger()
                guard let values = try ILPSolver.solve(program, options: ILPOptions(preprocess: false)).values else { return .none }
                return .assignment(values.map { $0.rounded() })
            } catch .unbounded {
                // Nothing published bounds the objective in its direction (a secondary cell's max).
                return .assignment(base.columns.enumerated().map { j, c in
                    objective.contains(j) ? (sense == .minimize ? -.infinity : .infinity) : c.lower
                })
            } catch .libraryNotLoaded(let message) {
                // Unreachable through StudyRun: StudyAnalyses.compute binds CBC before any attack.
                // An attack without its solver must not pass for "nothing is feasible".
                preconditionFailure("the disclosure attack needs CBC: \(message)")
            } catch {
                return .none
            }
        }

        /// The relaxation's optimal vertex: Clp alone, or CBC's LP path when Clp gives up.
        static func relaxation(_ program: LinearProgram) throws(ILPError) -> [Double] {
            do {
                return try LPSolver.solve(program)
            } catch .abandoned(let status) {
                guard let values = try ILPSolver.solve(program).values else { throw .abandoned(status) }
                return values
            }
        }

        /// Min and max of each of `cells` (members of `component`).
        func ranges(in component: [Int], cells: [Int], stopWhen: (Range) -> Bool = { _ in false }) -> [Range] {
            let column = Columns(component, cells: published.cells.count)
            let program = program(for: component)
            var out: [Range] = []
            for h in cells {
                guard let lo = optimum(program, column: column[h], sense: .minimize) else {
                    // Inconsistent publication (cannot happen for true counts): nothing is feasible,
                    // which the caller reads as fully narrowed.
                    out.append(Range(cell: h, lower: Int.max, upper: Int.min))
                    return out
                }
                let hi = optimum(program, column: column[h], sense: .maximize)
                let r = Range(cell: h, lower: Int(lo.rounded()), upper: hi.flatMap { $0.isFinite ? Int($0.rounded()) : nil })
                out.append(r)
                if stopWhen(r) { return out }
            }
            return out
        }

        /// The optimum of x_column over the integers: the LP's when its vertex is integral, else
        /// the integer program's. nil when infeasible; +∞ when unbounded.
        func optimum(_ base: LinearProgram, column: Int, sense: LinearProgram.Sense) -> Double? {
            Self.integerOptimum(base, objective: [column], sense: sense).map { $0[column] }
        }
    }
}
