import Foundation

extension ScenarioAnalysis {
    /// Which stage totals of each plan to hide (see ``SmallCellPolicy/differenceMask(_:alreadyShown:)``):
    /// the stages of a nested plan differ by the patients of the areas they add.
    public func stageMask(policy: SmallCellPolicy, totalPatients: Int) -> [[Bool]] {
        plans.map { policy.differenceMask($0.stages.map(\.patients), alreadyShown: [0, totalPatients]) }
    }

    /// Which frontier values to hide, in the order of ``Frontier/points`` (infeasible points are never hidden).
    public func frontierMask(policy: SmallCellPolicy, totalPatients: Int) -> (points: [Bool], path: [Bool]) {
        guard let f = frontier else { return ([], []) }
        let feasible = f.points.compactMap(\.patients)
        var m = policy.differenceMask(feasible, alreadyShown: [0, totalPatients]).makeIterator()
        let points = f.points.map { $0.patients == nil ? false : m.next()! }
        return (points, policy.differenceMask(f.path.map(\.patients), alreadyShown: [0, totalPatients]))
    }

    /// The text a terminal user reads after `careatlas scenarios`: each plan's stages, the
    /// frontier, its knee and the recommended path, with small-cell suppression applied.
    public func text(policy: SmallCellPolicy, totalPatients: Int) -> String {
        var out = policy.isSuppressing ? "" : "\(SmallCellPolicy.internalNotice)\n"
        let masks = stageMask(policy: policy, totalPatients: totalPatients)
        for (plan, mask) in zip(plans, masks) {
            out += "plan \(plan.name)\n"
            out += "  stage                       areas  patients  share_%  engaged  pts/inst  max_km\n"
            for (s, hidden) in zip(plan.stages, mask) {
                let name = s.name + String(repeating: " ", count: max(0, 26 - displayWidth(s.name)))
                out += "  " + name + String(format: "  %5d", s.areaIDs.count)
                out += "  " + policy.label(s.patients, secondary: hidden).leftPadded(8)
                out += "  " + (hidden ? "       " : String(format: "%7.1f", s.share * 100))
                out += String(format: "  %7d", s.engagedInstitutions)
                out += "  " + (hidden ? "        " : s.patientsPerInstitution.map { String(format: "%8.2f", $0) } ?? "        ")
                out += String(format: "  %6.2f", s.maxDistanceKm) + "\n"
                for note in s.notes { out += "    note: \(note)\n" }
            }
        }
        if let f = frontier {
            let (pointMask, pathMask) = frontierMask(policy: policy, totalPatients: totalPatients)
            out += "frontier: \(f.measure.rawValue)\(f.kinds.isEmpty ? "" : " (\(f.kinds.joined(separator: ", ")))"), objective \(f.objective.rawValue)\n"
            out += "  budget  patients  optimal\n"
            for (p, hidden) in zip(f.points, pointMask) {
                let value = p.patients.map { policy.label($0, secondary: hidden) } ?? "infeasible"
                out += String(format: "  %6d", p.budget) + "  " + value.leftPadded(8) + "  " + (p.optimal ? "yes" : String(format: "gap %.2f%%", p.gap * 100))
                out += p.budget == f.kneeBudget ? "  ← knee\n" : "\n"
            }
            out += "recommended path (nested stages, decreasing gain per unit of budget):\n"
            for (s, hidden) in zip(f.path, pathMask) {
                out += String(format: "  budget %d: ", s.budget) + "\(policy.label(s.patients, secondary: hidden)) patients"
                out += hidden ? "\n" : String(format: " (+%d, %.2f per unit)\n", s.marginalPatients, s.marginalPerUnit)
            }
        }
        return out
    }
}
