import Foundation

/// The short text a terminal user reads after `careatlas catchment`: how many areas make each
/// share, unconstrained and contiguous, with small-cell suppression applied.
public enum CatchmentReport {
    public static func text(_ a: PatientShareAnalysis, policy: SmallCellPolicy) -> String {
        var out = "patients: \(policy.label(a.totalPatients)) in total, \(policy.label(a.outsidePatients)) outside the study areas\n"
        if !policy.isSuppressing { out += "\(SmallCellPolicy.internalNotice)\n" }
        out += "target  method         reached  areas  patients  share_%\n"
        for (c, hidden) in zip(a.catchments, a.catchmentMask(policy: policy)) {
            let row = [
                String(format: "%5.0f%%", c.targetShare * 100), (c.contiguous ? "contiguous" : "unconstrained").padding(toLength: 13, withPad: " ", startingAt: 0),
                (c.reached ? "yes" : "no").padding(toLength: 7, withPad: " ", startingAt: 0), String(format: "%5d", c.areaIDs.count),
                (hidden ? policy.label(c.patients, secondary: true) : String(c.patients)).leftPadded(8),
                hidden ? "       " : String(format: "%7.1f", c.share * 100),
            ]
            out += row.joined(separator: "  ") + "\n"
        }
        return out
    }
}

extension PatientShareAnalysis {
    /// Which catchment totals to hide: a catchment's patients are shown only when they differ by 0
    /// or at least `minCell` from every other shown total of nested areas (the ranking's shown
    /// cumulative counts, 0, the grand total and the other shown catchments), so that no
    /// difference of two shown figures gives a count below the threshold.
    public func catchmentMask(policy: SmallCellPolicy) -> [Bool] {
        guard policy.isSuppressing else { return catchments.map { _ in false } }
        let rankMask = policy.suppressionMask(ranking.map(\.patients) + [outsidePatients], totalShown: true)
        var shown: [Int] = [0, totalPatients]
        var cumulative = 0
        for (r, hidden) in zip(ranking, rankMask) {
            cumulative += r.patients
            if !hidden { shown.append(cumulative) }
        }
        // Unconstrained catchments are nested in the ranking; contiguous ones in each other.
        let unconstrained = policy.differenceMask(catchments.filter { !$0.contiguous }.map(\.patients), alreadyShown: shown)
        let contiguous = policy.differenceMask(catchments.filter(\.contiguous).map(\.patients), alreadyShown: [0, totalPatients])
        var u = unconstrained.makeIterator(), c = contiguous.makeIterator()
        let mask = catchments.map { $0.contiguous ? c.next()! : u.next()! }
        return mask
    }

}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
