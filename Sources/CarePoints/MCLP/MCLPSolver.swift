import Dispatch

/// Solves ``MCLPProblem``s exactly.
///
/// 1. Preprocessing (``MCLPSolver/Options/preprocessing``): demand points with the same coverage
///    set merged, uncoverable and weightless ones dropped, dominated sites removed (exactly when
///    that keeps an optimum: see `MCLPPreprocessing`), demand covered by a forced site or by
///    every site left counted up front.
/// 2. An incumbent by greedy adding and Teitz–Bart interchange.
/// 3. Lagrangian relaxation of the coverage constraints (Galvão & ReVelle 1996), minimised by the
///    volume algorithm (Barahona & Anbil 2000), a subgradient method whose averaged primal
///    solution approximates the LP's: an upper bound equal in the limit to the LP relaxation's,
///    and a feasible choice at every iteration.
/// 4. Branch-and-bound on the sites with that bound, warm-started multipliers, fixing by reduced
///    costs and strong branching on the most fractional x̄_j (its probes run concurrently) where
///    the gap is wide, pseudocost branching where it is narrow, until the bound meets the
///    incumbent; the top eight open nodes are bounded at a time, concurrently, against the state
///    of the search when their round began. See `MCLPSearch`, `MCLPPseudocosts` and
///    `MCLPRelaxation`.
///
/// Thread safety: stateless; `solve` may run on several threads at once.
public enum MCLPSolver {
    /// What the solver may do.
    public struct Options: Sendable, Hashable {
        /// Reduce the problem first (default true); false solves it as given, for checking.
        public var preprocessing: Bool

        public init(preprocessing: Bool = true) {
            self.preprocessing = preprocessing
        }
    }

    /// An optimal choice of p sites, or the best found when `timeLimitSeconds` ran out
    /// (`optimal == false`, with the bound and gap reached).
    ///
    /// The result does not depend on the machine or the number of cores, only (when the limit
    /// hits) on the time limit.
    ///
    /// - Throws: ``MCLPError`` `.invalidParameter` for a time limit that is not a positive number.
    public static func solve(_ problem: MCLPProblem, timeLimitSeconds: Double = 60, options: Options = Options())
        throws(MCLPError) -> MCLPSolution
    {
        guard timeLimitSeconds > 0, !timeLimitSeconds.isNaN else {
            throw MCLPError(.invalidParameter, "the time limit must be a positive number of seconds, got \(timeLimitSeconds)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = timeLimitSeconds >= 1e9 ? UInt64.max : start &+ UInt64(timeLimitSeconds * 1e9)
        let outcome = options.preprocessing ? MCLPPreprocessing.reduce(problem) : MCLPPreprocessing.unreduced(problem)
        switch outcome {
        case .solved(let chosen):
            let covered = problem.covered(by: chosen)
            return MCLPSolution(chosen: chosen, covered: covered, bound: covered, optimal: true, gap: 0, nodes: 0,
                                method: .preprocessing, rootBound: covered, reducedDemandCount: 0, reducedCandidateCount: 0)
        case .reduced(let core, let fixed, let offset, let rootStatus):
            let search = MCLPSearch(core: core, rootStatus: rootStatus, deadline: deadline)
            let openBound = search.run(from: [search.rootNode(status: rootStatus)])
            let chosen = (fixed + search.incumbent.map { core.siteIndex[Int($0)] }).sorted()
            let covered = problem.covered(by: chosen)
            let optimal = !search.timedOut
            let bound = optimal ? covered : Swift.max(covered, offset + Swift.max(openBound, search.incumbentValue))
            return MCLPSolution(
                chosen: chosen, covered: covered, bound: bound, optimal: optimal,
                gap: optimal ? 0 : (bound - covered) / Swift.max(covered, 1), nodes: search.nodes,
                method: search.nodes <= 1 ? .rootBound : .branchAndBound, rootBound: offset + search.rootBound,
                reducedDemandCount: core.demandCount, reducedCandidateCount: core.siteCount)
        }
    }
}
