import CareFormats
import Foundation

/// Coverage against budget: the best connected region containing the anchor's area for every
/// budget 1 … B, the knee of the curve, and a recommended nested stage path.
///
/// - Knee: the Kneedle rule (Satopää et al. 2011, "Finding a 'kneedle' in a haystack", ICDCS
///   Workshops): with budget and coverage scaled to [0, 1] over the feasible points, the knee is the
///   point farthest above the chord, i.e. maximising ŷ − x̂ (ties: the smaller budget).
/// - Path: the vertices of the upper concave envelope of (budget, coverage) up to the knee — the
///   steps along which each added unit of workload buys the most patients, in decreasing marginal
///   gain per unit — solved again as **nested** stages (each containing the previous region), so
///   that the path can be taken stage by stage.
public struct Frontier: Sendable {
    public struct Point: Sendable, Hashable {
        public let budget: Int
        /// nil when no region fits the budget (the anchor's area alone exceeds it).
        public let objective: Double?
        public let patients: Int?
        public let areaIDs: [String]
        public let optimal: Bool
        public let gap: Double
    }

    public struct Step: Sendable, Hashable {
        public let budget: Int
        /// Patients of the nested region at this step.
        public let patients: Int
        public let areaIDs: [String]
        public let marginalPatients: Int
        /// Marginal patients per unit of budget over the previous step.
        public let marginalPerUnit: Double
    }

    public let measure: Budget.Measure
    public let kinds: [String]
    public let objective: Objective
    public let points: [Point]
    public let kneeBudget: Int?
    public let path: [Step]
    /// What the computation changed or found worth saying (a budget range cut to what the level holds).
    public var notes: [String] = []

    static func compute(_ c: StageContext, _ spec: FrontierSpec, progress: @escaping (String) -> Void = { _ in }) throws -> Frontier {
        guard spec.upTo >= 1 else { throw AnalysisError("scenarios.frontier.up_to must be at least 1") }
        let weights = c.weights(spec.objective)
        // Areas without data for the measure cost more than every budget of the frontier (never taken).
        var measured = c.costs(spec.measure, kinds: spec.kinds)
        let known = measured.reduce(0, +)
        let noData = c.areasWithoutData(spec.measure, kinds: spec.kinds)
        for i in noData { measured[i] = Double(max(spec.upTo, 1)) + known + 1 }
        let costs = measured
        @Sendable func solve(_ budget: Int, required: [Int]) throws -> RegionSolution? {
            let problem = RegionProblem(weights: weights, costs: [costs], budgets: [Double(budget)], adjacency: c.adjacency,
                                        root: c.anchorIndex, connected: true, required: required)
            // Infeasible budgets (the anchor's area alone exceeds them) have no region.
            let fixed = costs[c.anchorIndex] + required.filter({ $0 != c.anchorIndex }).reduce(0) { $0 + costs[$1] }
            if fixed > Double(budget) { return nil }
            return try RegionOptimizer.solve(problem)
        }
        func patients(_ members: [Int]) -> Int { members.reduce(0) { $0 + (c.areas[$1].patients ?? 0) } }
        var points: [Point] = []
        var solutions: [Int: RegionSolution] = [:]
        let (last, boundNotes) = Self.lastBudget(spec, totalCost: known, level: c.level)
        var notes = boundNotes
        if let note = c.noDataNote(noData, spec.measure) { notes.append(note) }
        if noData.contains(c.anchorIndex) {
            notes.append("the anchor's area \(c.areas[c.anchorIndex].name) has no data for \(spec.measure.rawValue): no budget can be measured")
        }
        // The budgets are independent: solved on every core, taken in order from a shared queue
        // (the searches run at once; CBC's runs, for ties, wait for each other).
        let slots = BudgetSlots(last, progress: ProgressCounter("frontier: budget", total: last, minimumTotal: 10, report: progress))
        let workers = max(1, min(last, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let b = slots.next() { slots.store(b, Result { try solve(b, required: []) }) }
        }
        for (index, result) in slots.results.enumerated() {
            let b = index + 1
            if let s = try result?.get() {
                solutions[b] = s
                points.append(Point(budget: b, objective: s.objective, patients: patients(s.selected),
                                    areaIDs: s.selected.map { c.areas[$0].id }, optimal: s.optimal, gap: s.gap))
            } else {
                points.append(Point(budget: b, objective: nil, patients: nil, areaIDs: [], optimal: true, gap: 0))
            }
        }
        let feasible = points.compactMap { p in p.objective.map { (point: p, objective: $0) } }
        let knee = Self.knee(feasible.map { (Double($0.point.budget), $0.objective) })
        let kneeBudget = knee.map { feasible[$0].point.budget }
        // Upper concave envelope (monotone chain) of the feasible points up to the knee.
        var hull: [(point: Point, objective: Double)] = []
        for p in feasible where kneeBudget.map({ p.point.budget <= $0 }) ?? true {
            while hull.count >= 2 {
                let a = hull[hull.count - 2], b = hull[hull.count - 1]
                let cross = Double(b.point.budget - a.point.budget) * (p.objective - a.objective)
                    - (b.objective - a.objective) * Double(p.point.budget - a.point.budget)
                if cross >= 0 { hull.removeLast() } else { break }
            }
            hull.append(p)
        }
        var path: [Step] = []
        var previous: [Int] = []
        var previousBudget = 0, previousPatients = 0
        for vertex in hull.map(\.point) {
            guard let s = try solve(vertex.budget, required: previous) else { continue }
            let n = patients(s.selected)
            path.append(Step(budget: vertex.budget, patients: n, areaIDs: s.selected.map { c.areas[$0].id },
                             marginalPatients: n - previousPatients,
                             marginalPerUnit: Double(n - previousPatients) / Double(max(1, vertex.budget - previousBudget))))
            previous = s.selected
            previousBudget = vertex.budget
            previousPatients = n
        }
        var frontier = Frontier(measure: spec.measure, kinds: spec.kinds, objective: spec.objective, points: points,
                                kneeBudget: kneeBudget, path: path)
        frontier.notes = notes
        return frontier
    }

    /// Index of the Kneedle knee of an increasing curve, nil for fewer than three points or a flat one.
    static func knee(_ xy: [(Double, Double)]) -> Int? {
        guard xy.count >= 3, let x0 = xy.first?.0, let x1 = xy.last?.0, let y0 = xy.map(\.1).min(), let y1 = xy.map(\.1).max(),
            x1 > x0, y1 > y0
        else { return nil }
        var best = 0
        var bestValue = -Double.infinity
        for (i, (x, y)) in xy.enumerated() {
            let value = (y - y0) / (y1 - y0) - (x - x0) / (x1 - x0)
            if value > bestValue + 1e-12 { best = i; bestValue = value }
        }
        return best
    }
}

/// The frontier's budgets 1 … last handed out one at a time to the workers, and their solutions.
private final class BudgetSlots: @unchecked Sendable {
    private let lock = NSLock()
    private let last: Int
    private var handedOut = 0
    private var done = 0
    private var progress: ProgressCounter
    /// The solution (nil: no region fits) or the error of each budget, in budget order.
    private(set) var results: [Result<RegionSolution?, any Error>?]

    init(_ last: Int, progress: ProgressCounter) {
        self.last = last
        self.progress = progress
        results = Array(repeating: nil, count: last)
        self.progress.advance(to: 0)
    }

    /// The next budget to solve, nil when all are handed out.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard handedOut < last else { return nil }
        handedOut += 1
        return handedOut
    }

    func store(_ budget: Int, _ result: Result<RegionSolution?, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        results[budget - 1] = result
        done += 1
        progress.advance(to: done)
    }
}
