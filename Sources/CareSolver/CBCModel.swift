import CCBC
import Foundation

/// How one integer program is solved.
public struct ILPOptions: Sendable {
    public init(timeLimitSeconds: Double = 30, start: [(column: Int, value: Double)] = [], relativeGap: Double = 0, preprocess: Bool = true) {
        self.timeLimitSeconds = timeLimitSeconds
        self.start = start
        self.relativeGap = relativeGap
        self.preprocess = preprocess
    }

    /// Wall-clock limit of CBC's run, in seconds (CBC `timeMode elapsed`), counted from the moment
    /// the process-wide CBC lock is held.
    public var timeLimitSeconds: Double = 30
    /// A starting assignment (column, value) for some or all columns, used by CBC as its first
    /// incumbent when it is feasible (`Cbc_setMIPStartI`; CBC completes the continuous columns).
    public var start: [(column: Int, value: Double)] = []
    /// CBC stops when (incumbent − bound) / |incumbent| falls below this; 0 asks for a proof of
    /// optimality up to CBC's own tolerances.
    public var relativeGap: Double = 0
    /// Whether CBC runs its integer preprocessing (CglPreProcess: probing, clique and coefficient
    /// strengthening) before branch-and-bound. It pays off on large models; on programs of a few
    /// dozen columns it costs more than the search itself (`-preprocess off`). The optimum is the
    /// same either way; the optimal assignment returned may differ where there are several.
    public var preprocess = true
}

/// CBC's final status of a solve (`Cbc_status`, `Cbc_secondaryStatus`).
public struct ILPStatus: Sendable, Hashable, CustomStringConvertible {
    /// -1 before branch-and-bound (a pure LP), 0 finished, 1 stopped on a limit, 2 abandoned
    /// (numerical difficulties), 5 stopped by the user.
    public let status: Int
    /// -1 unset, 0 search completed with a solution, 1 relaxation infeasible, 2 stopped on gap,
    /// 3 on nodes, 4 on time, 5 on a user event, 6 on solutions, 7 relaxation unbounded, 8 on
    /// iterations.
    public let secondaryStatus: Int

    public var description: String {
        let primary = [-1: "no branch-and-bound", 0: "finished", 1: "stopped on a limit", 2: "abandoned", 5: "interrupted"][status]
        let secondary = [
            -1: "unset", 0: "search completed", 1: "relaxation infeasible", 2: "stopped on gap", 3: "stopped on nodes",
            4: "stopped on time", 5: "stopped on a user event", 6: "stopped on solutions", 7: "relaxation unbounded",
            8: "stopped on iterations",
        ][secondaryStatus]
        return "CBC status \(status) (\(primary ?? "unknown")), secondary status \(secondaryStatus) (\(secondary ?? "unknown"))"
    }
}

/// The result of a solve that ended with a proof of optimality or on a limit.
public struct ILPSolution: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// The incumbent is proven optimal.
        case optimal
        /// A limit (time) stopped the search; ``ILPSolution/values`` is the best assignment found,
        /// if any, and ``ILPSolution/bound`` the proven bound.
        case stopped
    }

    public let outcome: Outcome
    /// The incumbent, one value per column; nil when the search stopped before finding one.
    public let values: [Double]?
    /// The incumbent's objective value in the program's own sense; nil without an incumbent.
    public let objective: Double?
    /// A proven bound on the optimum in the program's own sense (an upper bound when maximising);
    /// equal to ``objective`` when optimal.
    public let bound: Double
    /// Branch-and-bound nodes explored (0 for a pure LP).
    public let nodes: Int
    public let status: ILPStatus
    /// Seconds spent waiting for the process-wide CBC lock before the solve started.
    public let waitedSeconds: Double
}

/// Why a program has no solution, or could not be solved.
public enum ILPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The program is malformed (NaN, crossed bounds…); every problem is listed.
    case invalidProgram([String])
    /// CBC proved that no assignment satisfies the constraints.
    case infeasible(ILPStatus)
    /// The relaxation is unbounded in the direction of the objective.
    case unbounded(ILPStatus)
    /// CBC gave up on numerical difficulties, or ended without any usable result.
    case abandoned(ILPStatus)
    /// `Cbc_newModel` returned NULL.
    case modelNotCreated
    /// The CBC library could not be loaded (it is bound at first use): what was tried, why each
    /// failed, and the fix.
    case libraryNotLoaded(String)

    public var description: String {
        switch self {
        case .invalidProgram(let problems): return "invalid integer program: " + problems.joined(separator: "; ")
        case .infeasible(let s): return "the integer program is infeasible (\(s))"
        case .unbounded(let s): return "the integer program is unbounded (\(s))"
        case .abandoned(let s): return "CBC abandoned the solve (\(s))"
        case .modelNotCreated: return "Cbc_newModel could not allocate a model"
        case .libraryNotLoaded(let message): return message
        }
    }
}

/// Solves ``LinearProgram``s with COIN-OR CBC (Forrest et al., branch-and-cut on Clp).
///
/// Thread safety: safe to call from any thread. CBC 2.10's C interface runs `CbcMain0` when it
/// creates a model and `CbcMain1` when it solves one, and both keep static state (they are not
/// re-entrant: coin-or/Cbc#332), so each model is created, solved and destroyed under one
/// process-wide lock; concurrent solves wait for each other. Deterministic: CBC runs
/// single-threaded, so the same program and options give the same result (unless the time limit
/// stops the search).
public enum ILPSolver {
    /// Solves `program`: ``ILPSolution/Outcome/optimal``, or ``ILPSolution/Outcome/stopped`` at the
    /// time limit (with the incumbent, if any, and the proven bound).
    ///
    /// - Throws: ``ILPError``: `.invalidProgram` before CBC is called, `.infeasible`, `.unbounded`
    ///   or `.abandoned` with CBC's status, `.libraryNotLoaded` when CBC's library cannot be loaded.
    /// Binds the CBC library now (it is otherwise bound by the first solve), so that a run that
    /// will need it fails at its start, naming the libraries tried and the fix, rather than part
    /// way through. Cheap after the first call.
    ///
    /// - Throws: ``ILPError/libraryNotLoaded(_:)``.
    public static func loadLibrary() throws(ILPError) {
        _ = try CBCLibrary.loaded()
    }

    public static func solve(_ program: LinearProgram, options: ILPOptions = ILPOptions()) throws(ILPError) -> ILPSolution {
        let problems = program.problems()
        guard problems.isEmpty else { throw .invalidProgram(problems) }
        let clock = ContinuousClock()
        let asked = clock.now
        cbcLock.lock()
        let waited = clock.now - asked
        let result: Result<ILPSolution, ILPError>
        do {
            // The model lives inside this block: it is destroyed before the lock is released.
            let model = try CBCModel(program)
            result = .success(try model.solve(options, waitedSeconds: Double(waited.components.seconds) + Double(waited.components.attoseconds) * 1e-18))
        } catch {
            result = .failure(error)
        }
        cbcLock.unlock()
        return try result.get()
    }
}

/// Owns one `Cbc_Model*` (`Cbc_newModel` … `Cbc_deleteModel` in `deinit`), loaded in bulk from a
/// ``LinearProgram``. A CBC model must not be modified after `Cbc_solve`, so each model is solved
/// once.
///
/// Thread safety: not thread-safe; created, solved and destroyed only by ``ILPSolver`` under the
/// process-wide CBC lock.
private final class CBCModel {
    private let api: CareAtlasCBC
    private let handle: UnsafeMutableRawPointer
    private let objective: [Double]
    private let hasIntegers: Bool
    /// +1 when the program minimises, −1 when it maximises: CBC is always given a minimisation.
    private let sign: Double
    private var solved = false

    /// Builds the model (`Cbc_loadProblem` with compressed-sparse-column arrays, then
    /// `Cbc_setInteger` for the integer columns).
    init(_ program: LinearProgram) throws(ILPError) {
        api = try CBCLibrary.loaded()
        // Cbc_newModel returns NULL only when it cannot allocate.
        guard let h = api.Cbc_newModel() else { throw .modelNotCreated }
        handle = h
        objective = program.columns.map(\.objective)
        hasIntegers = program.columns.contains(where: \.isInteger)
        sign = program.sense == .minimize ? 1 : -1

        // COIN-OR's infinity is DBL_MAX.
        func coin(_ x: Double) -> Double { x == .infinity ? .greatestFiniteMagnitude : x == -.infinity ? -.greatestFiniteMagnitude : x }
        let (start, index, value) = program.compressedColumns()
        let cStart = start.map { CoinBigIndex($0) }
        let cIndex = index.map { Int32($0) }
        let lower = program.columns.map { coin($0.lower) }
        let upper = program.columns.map { coin($0.upper) }
        let cost = program.columns.map { sign * $0.objective }
        let rowLower = program.rowLower.map(coin)
        let rowUpper = program.rowUpper.map(coin)
        api.Cbc_loadProblem(
            handle, Int32(program.columnCount), Int32(program.rowCount), cStart, cIndex, value, lower, upper, cost,
            rowLower, rowUpper)
        for (j, column) in program.columns.enumerated() where column.isInteger { api.Cbc_setInteger(handle, Int32(j)) }
        api.Cbc_setLogLevel(handle, 0)
    }

    deinit { api.Cbc_deleteModel(handle) }

    /// Solves the model (once) and reads the status, incumbent and bound. The time limit applies to
    /// CBC's own run.
    func solve(_ options: ILPOptions, waitedSeconds: Double) throws(ILPError) -> ILPSolution {
        precondition(!solved, "a CBC model is solved once: Cbc_solve invalidates its problem data")
        solved = true
        api.Cbc_setParameter(handle, "timeMode", "elapsed")
        api.Cbc_setMaximumSeconds(handle, options.timeLimitSeconds.isFinite ? max(options.timeLimitSeconds, 0.01) : 1e9)
        api.Cbc_setAllowableFractionGap(handle, max(options.relativeGap, 0))
        if !options.preprocess { api.Cbc_setParameter(handle, "preprocess", "off") }
        if !options.start.isEmpty {
            let idx = options.start.map { Int32($0.column) }
            let val = options.start.map(\.value)
            api.Cbc_setMIPStartI(handle, Int32(idx.count), idx, val)
        }
        // Cbc_solve returns CBC's status; the outcome is read from the accessors below.
        _ = api.Cbc_solve(handle)

        let status = ILPStatus(status: Int(api.Cbc_status(handle)), secondaryStatus: Int(api.Cbc_secondaryStatus(handle)))
        // Each predicate returns 1 for true, 0 for false.
        if api.Cbc_isProvenInfeasible(handle) != 0 { throw .infeasible(status) }
        if api.Cbc_isContinuousUnbounded(handle) != 0 { throw .unbounded(status) }
        if api.Cbc_isAbandoned(handle) != 0 { throw .abandoned(status) }
        let optimal = api.Cbc_isProvenOptimal(handle) != 0

        // The incumbent: for a MIP Cbc_bestSolution (NULL when none was found), for an LP the
        // solver's solution once optimal.
        let pointer: UnsafePointer<Double>? = hasIntegers
            ? api.Cbc_bestSolution(handle).map { UnsafePointer($0) } ?? (optimal ? api.Cbc_getColSolution(handle) : nil)
            : (optimal ? api.Cbc_getColSolution(handle) : nil)
        let values = pointer.map { Array(UnsafeBufferPointer(start: $0, count: objective.count)) }
        let value = values.map { x in zip(objective, x).reduce(0.0) { $0 + $1.0 * $1.1 } }
        let nodes = Int(api.Cbc_getNodeCount(handle))
        if optimal, let value {
            return ILPSolution(outcome: .optimal, values: values, objective: value, bound: value, nodes: nodes, status: status, waitedSeconds: waitedSeconds)
        }
        guard hasIntegers else { throw .abandoned(status) }
        // The best possible value of CBC's minimisation, a valid bound even when stopped; ±DBL_MAX
        // when CBC stopped before computing one, which becomes the trivial bound (±infinity).
        let best = api.Cbc_getBestPossibleObjValue(handle)
        let bound = best.isFinite && abs(best) < 1e300 ? sign * best : -sign * .infinity
        return ILPSolution(outcome: .stopped, values: values, objective: value, bound: bound, nodes: nodes, status: status, waitedSeconds: waitedSeconds)
    }
}

/// Serialises CBC model creation, solves and destruction across the process.
private let cbcLock = NSLock()
