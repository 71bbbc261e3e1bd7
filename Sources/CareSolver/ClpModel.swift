import CCBC

/// Solves pure linear programs (no integer columns) with COIN-OR Clp directly: the dual simplex,
/// without presolve, signal handlers or CBC's command-line machinery (`CbcMain0` builds several
/// hundred parameters for every model) and without CBC's process-wide lock.
///
/// Thread safety: safe to call from any thread, concurrently: every call owns its `Clp_Simplex`
/// (Clp keeps no process-wide state between models). Deterministic: the same program gives the
/// same vertex.
public enum LPSolver {
    /// Solves the relaxation of `program` (integrality is ignored): the optimal vertex, one value
    /// per column.
    ///
    /// - Throws: ``ILPError``: `.invalidProgram` before Clp is called, `.infeasible` when Clp
    ///   proves the program primal infeasible, `.unbounded` when it proves it dual infeasible,
    ///   `.abandoned` otherwise (with Clp's status in ``ILPStatus/status`` and its secondary status),
    ///   `.libraryNotLoaded` when CBC's library cannot be loaded.
    public static func solve(_ program: LinearProgram) throws(ILPError) -> [Double] {
        let problems = program.problems()
        guard problems.isEmpty else { throw .invalidProgram(problems) }
        let api = try CBCLibrary.loaded()
        guard let model = api.Clp_newModel() else { throw .modelNotCreated }
        defer { api.Clp_deleteModel(model) }
        // COIN-OR's infinity is DBL_MAX.
        func coin(_ x: Double) -> Double { x == .infinity ? .greatestFiniteMagnitude : x == -.infinity ? -.greatestFiniteMagnitude : x }
        let (start, index, value) = program.compressedColumns()
        let cStart = start.map { CoinBigIndex($0) }
        let cIndex = index.map { Int32($0) }
        let sign = program.sense == .minimize ? 1.0 : -1.0
        api.Clp_loadProblem(
            model, Int32(program.columnCount), Int32(program.rowCount), cStart, cIndex, value,
            program.columns.map { coin($0.lower) }, program.columns.map { coin($0.upper) }, program.columns.map { sign * $0.objective },
            program.rowLower.map(coin), program.rowUpper.map(coin))
        api.Clp_setLogLevel(model, 0)
        // The dual simplex itself (`ClpSimplex::dual`), from the slack basis. Not `Clp_initialSolve`:
        // its presolve and postsolve cost more than the solve on programs of a hundred columns, and
        // it swaps the process's SIGINT handler in and out, which concurrent solves would leave
        // pointing at Clp's handler.
        _ = api.Clp_dual(model, 0)
        let status = ILPStatus(status: Int(api.Clp_status(model)), secondaryStatus: Int(api.Clp_secondaryStatus(model)))
        if api.Clp_isProvenOptimal(model) != 0, let x = api.Clp_getColSolution(model) {
            return Array(UnsafeBufferPointer(start: x, count: program.columnCount))
        }
        if api.Clp_isProvenPrimalInfeasible(model) != 0 { throw .infeasible(status) }
        if api.Clp_isProvenDualInfeasible(model) != 0 { throw .unbounded(status) }
        throw .abandoned(status)
    }
}
