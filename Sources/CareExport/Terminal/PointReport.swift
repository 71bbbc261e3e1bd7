import CareFormats
import CarePoints
import Foundation

/// What a terminal user reads after the commands that do not read a study (`access --demand`,
/// `mclp`) and after `map`: short `key=value` lines, or one `--json` object.
package enum PointReport {
    /// `access`'s one line: `scored=<n> pairs=<m> undefined=<k>`.
    package static func access(_ scores: AccessScores) -> String {
        "scored=\(scores.scores.count) pairs=\(scores.pairCount) undefined=\(scores.undefinedCount)"
    }

    /// `mclp`'s two lines: the solve, then the solution's summary.
    package static func mclp(_ problem: MCLPProblem, _ solution: MCLPSolution) -> String {
        "chosen=\(solution.chosen.count) demand=\(problem.demandCount) candidates=\(problem.candidateCount) bound=\(String(format: "%.17g", solution.bound)) nodes=\(solution.nodes) method=\(solution.method)\n"
            + solution.summaryLine + "\n"
    }

    /// `mclp --json`: one object, keys sorted (geodata/README.md). `candidateIDs` name the sites in
    /// input order, `radiusMeters` is the coverage radius; `out` is the file written; the times are in seconds.
    package static func mclpJSON(_ problem: MCLPProblem, _ solution: MCLPSolution, candidateIDs ids: [String], radiusMeters: Double, out: String,
                                 secondsSolve: Double, secondsTotal: Double) -> String {
        let total = problem.weights.reduce(0, +)
        let object: JSONObject = [
            "command": .string("mclp"), "p": .number(Double(problem.p)), "radius_m": .number(radiusMeters),
            "demand_points": .number(Double(problem.demandCount)),
            "candidate_sites": .number(Double(problem.candidateCount)), "total_weight": .number(total),
            "covered": .number(solution.covered), "objective": .number(solution.covered),
            "percent_covered": total > 0 ? .number(100 * solution.covered / total) : .null,
            "chosen": .array(solution.chosen.map { .string(ids[$0]) }), "optimal": .bool(solution.optimal),
            "bound": jsonNumber(solution.bound), "gap": jsonNumber(solution.gap),
            "root_bound": jsonNumber(solution.rootBound), "nodes": .number(Double(solution.nodes)),
            "method": .string(solution.method.rawValue), "out": .string(out),
            "seconds_solve": .number(secondsSolve), "seconds_total": .number(secondsTotal),
        ]
        // Every number is finite (weights, radius and times are; jsonNumber guards the rest).
        return (try? JSONValue.object(object).jsonString()) ?? "{}"
    }

    /// `map`'s line, or its `--json` object: the file written, its format, metric and size.
    package static func map(file: String, metric: String, format: String, bytes: Int, json: Bool) -> String {
        guard json else { return "wrote \(file) (\(metric), \(format), \(bytes) bytes)" }
        let summary: JSONValue = [
            "bytes": .number(Double(bytes)), "file": .string(file), "format": .string(format), "metric": .string(metric),
        ]
        // Finite numbers and strings only: encoding cannot fail.
        return (try? summary.jsonString()) ?? "{}"
    }
}
