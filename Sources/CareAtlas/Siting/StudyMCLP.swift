import CareGeometry
import CarePoints
import Foundation

/// The maximal covering location problem on a study: choose `p` of the study's institutions of
/// some kinds so that the most demand (an area population measure) lies within the radius of a
/// chosen one — in straight-line metres, or, where the study's `cost:` is `network` or `table`, in
/// travel minutes from the area to the institution.
///
/// Maximises Σ wᵢ yᵢ subject to yᵢ ≤ Σ_{j ∈ Nᵢ} xⱼ, Σ xⱼ = p, x, y ∈ {0, 1}, where wᵢ is the
/// area's measure and Nᵢ the candidates within the radius of area i (Church & ReVelle 1974, the model
/// of PySAL `spopt`'s `MCLP`); solved exactly by ``MCLPSolver``. Coverage is inclusive (a time or
/// distance equal to the radius covers, as `spopt`'s `cost_matrix <= service_radius`).
///
/// Straight line: the distance from the area's population-weighted centroid to the institution,
/// in the study's projected CRS. Travel time: ``StudyCosts/minutes(level:area:institution:)``, the
/// same minutes as access, gaps and the stages (area centroid → institution, on the network's
/// cutoff or the imported table).
///
/// Missing data is never "not covered": areas without the measure and areas the travel-time cost
/// has no data for (off the network, not in the table) are left out of the problem and listed in
/// ``areasWithoutData``; the covered share is of the demand that has data.
public struct StudyMCLP: Sendable {
    /// The problem as solved: demand i = ``demandAreaIDs``[i], candidate j = ``candidateIDs``[j].
    public let problem: MCLPProblem
    public let solution: MCLPSolution
    public let level: AreaLevel
    public let demandMeasure: String
    public let demandAreaIDs: [String]
    /// Institution ids of the candidates (the institutions of the kinds, in study order).
    public let candidateIDs: [String]
    /// The radius, in ``unit``.
    public let radius: Double
    /// `m` (straight line) or `min` (the study's travel-time cost).
    public let unit: String
    /// Areas left out: no value of the measure, or no travel time (with the reason).
    public let areasWithoutData: [(id: String, reason: String)]

    /// The chosen institutions' ids, in candidate order.
    public var chosenIDs: [String] { solution.chosen.map { candidateIDs[$0] } }

    /// Solves the MCLP of `p` institutions of `kinds` for the `level`'s areas.
    ///
    /// - Parameters:
    ///   - radiusMetres: the straight-line radius; only for a study whose `cost:` is `straight_line`.
    ///   - radiusMinutes: the travel-time radius; only with `costs` (the study's network or table),
    ///     at most the network's cutoff.
    /// - Throws: ``AnalysisError`` naming the fix: a radius in the wrong unit for the study's cost,
    ///   unknown kinds or level, a measure no area has, p out of range, or the solver's problems.
    public static func solve(_ model: StudyModel, level: AreaLevel, demandMeasure: String = "aged65", kinds: [String], p: Int,
                             radiusMetres: Double? = nil, radiusMinutes: Double? = nil, costs: StudyCosts? = nil,
                             timeLimitSeconds: Double = 60) throws -> StudyMCLP {
        let areas = try model.analysedAreas(level)
        try model.checkKinds(kinds, role: "candidate kinds", purpose: "the kinds to choose among")
        let radius: Double, unit: String
        switch (costs, radiusMetres, radiusMinutes) {
        case let (costs?, nil, minutes?):
            try costs.checkThreshold(minutes, what: "the MCLP radius")
            (radius, unit) = (minutes, "min")
        case (.some(let costs), _, _):
            throw AnalysisError("the study's cost is \(costs.spec.kindName): the MCLP radius is a travel time",
                                fix: "give the radius in minutes (--radius-minutes), not in metres")
        case let (nil, metres?, nil):
            guard metres.isFinite, metres > 0 else { throw AnalysisError("the MCLP radius must be a number of metres > 0, got \(metres)") }
            (radius, unit) = (metres, "m")
        case (nil, _, _):
            throw AnalysisError("the study's cost is straight_line: the MCLP radius is a distance",
                                fix: "give the radius in metres (--radius), or set cost: network or table in the study for minutes")
        }
        let candidateIndices = model.institutions.indices.filter { kinds.contains(model.institutions[$0].kind) }
        guard (1...candidateIndices.count).contains(p) else {
            throw AnalysisError("p = \(p) is outside 1 … \(candidateIndices.count), the institutions of kind \(kinds.joined(separator: ", "))",
                                fix: "choose p between 1 and \(candidateIndices.count)")
        }
        guard areas.contains(where: { $0.population[demandMeasure] != nil }) else {
            let measures = Set(areas.flatMap(\.population.keys)).sorted().joined(separator: ", ")
            throw AnalysisError("no \(level.rawValue) area has the population measure \"\(demandMeasure)\"", fix: "measures at this level: \(measures)")
        }
        let withoutTime = Set(costs?.areasWithoutData[level] ?? [])
        var left: [(id: String, reason: String)] = []
        var demand: [Int] = []
        for (i, a) in areas.enumerated() {
            if a.population[demandMeasure] == nil { left.append((a.id, "no \(demandMeasure)")) }
            else if withoutTime.contains(a.id) { left.append((a.id, "no travel time (\(costs!.spec.kindName))")) }
            else { demand.append(i) }
        }
        // Nᵢ: candidate positions (0-based among the candidates) within the radius, ascending.
        let candidateOf = Dictionary(uniqueKeysWithValues: candidateIndices.enumerated().map { ($1, $0) })
        let coverage: [[Int]] = demand.map { i in
            if let costs {
                return costs.row(level: level, area: i).filter { $0.minutes <= radius }.compactMap { candidateOf[$0.institution] }.sorted()
            }
            let centroid = areas[i].weightedCentroid
            return candidateIndices.indices.filter { j in
                let q = model.institutions[candidateIndices[j]].position
                return ((q.x - centroid.x) * (q.x - centroid.x) + (q.y - centroid.y) * (q.y - centroid.y)).squareRoot() <= radius
            }
        }
        do {
            let problem = try MCLPProblem(weights: demand.map { areas[$0].population[demandMeasure]! }, coverage: coverage,
                                          candidateCount: candidateIndices.count, p: p)
            let solution = try MCLPSolver.solve(problem, timeLimitSeconds: timeLimitSeconds)
            return StudyMCLP(problem: problem, solution: solution, level: level, demandMeasure: demandMeasure,
                             demandAreaIDs: demand.map { areas[$0].id }, candidateIDs: candidateIndices.map { model.institutions[$0].id },
                             radius: radius, unit: unit, areasWithoutData: left)
        } catch {
            throw AnalysisError("MCLP: \(error)")
        }
    }
}

extension StudyModel {
    /// The areas of `level`, or an error naming the fix when the study has none.
    func analysedAreas(_ level: AreaLevel) throws -> [Area] {
        guard let areas = areas[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "choose a level the study has")
        }
        return areas
    }

    /// Checks that `kinds` is not empty and names kinds of the study's institutions.
    func checkKinds(_ kinds: [String], role: String, purpose: String) throws {
        let known = Set(institutions.map(\.kind))
        guard !kinds.isEmpty else {
            throw AnalysisError("no \(role) given", fix: "give \(purpose), e.g. \(known.sorted().joined(separator: ","))")
        }
        for k in kinds where !known.contains(k) {
            throw AnalysisError("no institution is of kind \"\(k)\"", fix: "kinds in this study are: \(known.sorted().joined(separator: ", "))")
        }
    }
}
