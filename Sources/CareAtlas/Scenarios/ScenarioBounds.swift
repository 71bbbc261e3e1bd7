import Foundation

/// Work bounded by what the study holds (issue 14): a frontier stops where every area of the level
/// fits the budget, and a stage budget above the level's total is taken as that total, each with a note.
extension Frontier {
    /// The largest budget the frontier solves for: `up_to`, or the level's total cost (rounded up)
    /// when that is smaller — beyond it every budget selects the same region.
    static func lastBudget(_ spec: FrontierSpec, totalCost: Double, level: AreaLevel) -> (Int, [String]) {
        let whole = max(1, totalCost.rounded(.up))
        guard whole < Double(spec.upTo) else { return (spec.upTo, []) }
        let last = Int(whole)
        let unit: String
        switch spec.measure {
        case .maxAreas: unit = "\(last) \(level.rawValue) area\(last == 1 ? "" : "s")"
        case .maxInstitutions: unit = "\(last) institution\(last == 1 ? "" : "s")\(spec.kinds.isEmpty ? "" : " of kinds \(spec.kinds.joined(separator: ", "))")"
        case .maxPopulation: unit = "a population of \(last)"
        }
        return (last, ["the frontier stops at budget \(last), not up_to \(spec.upTo): the whole level holds \(unit), so every larger budget selects the same region"])
    }
}

extension StageContext {
    /// A stage budget no larger than the level's total cost under its measure (a larger one is the
    /// same constraint), with a note when it was cut.
    func boundedLimit(_ b: Budget, notes: inout [String]) -> Double {
        let total = costs(b.measure, kinds: b.kinds).reduce(0, +)
        guard b.limit > total, total > 0 else { return b.limit }
        notes.append("the budget \(numberText(b.limit)) is more than the whole level holds (\(numberText(total))): every area fits")
        return total
    }
}
