import CareAtlas
import CareFormats
import CarePrivacy
import Foundation

extension ScenarioAnalysis {
    /// The text a terminal user reads after `careatlas scenarios`: each plan's stages, the
    /// frontier, its knee and the recommended path, with small-cell suppression applied.
    public func text(disclosure: Disclosure) -> String {
        let policy = disclosure.policy
        var out = policy.isSuppressing ? "" : "\(SmallCellPolicy.internalNotice)\n"
        let masks = disclosure.stageMasks(self)
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
        if let reason = gapsUnavailable { out += "gap areas: not available: \(reason)\n" }
        if let f = frontier {
            let (pointMask, pathMask) = disclosure.frontierMasks(self)
            out += "frontier: \(f.measure.rawValue)\(f.kinds.isEmpty ? "" : " (\(f.kinds.joined(separator: ", ")))"), objective \(f.objective.rawValue)\n"
            out += "  budget  patients  optimal\n"
            for (p, hidden) in zip(f.points, pointMask) {
                let value = p.patients.map { policy.label($0, secondary: hidden) } ?? "infeasible"
                out += String(format: "  %6d", p.budget) + "  " + value.leftPadded(8) + "  " + (p.optimal ? "yes" : String(format: "gap %.2f%%", p.gap * 100))
                out += p.budget == f.kneeBudget ? "  ← knee\n" : "\n"
            }
            for note in f.notes { out += "  note: \(note)\n" }
            out += "recommended path (nested stages, decreasing gain per unit of budget):\n"
            for (k, (s, hidden)) in zip(f.path, pathMask).enumerated() {
                out += String(format: "  budget %d: ", s.budget) + "\(policy.label(s.patients, secondary: hidden)) patients"
                let previousHidden = k > 0 && pathMask[k - 1]
                out += hidden || previousHidden ? "\n" : String(format: " (+%d, %.2f per unit)\n", s.marginalPatients, s.marginalPerUnit)
            }
        }
        return out
    }
}
