import Foundation
import Yams

extension Reader {
    /// `planning:` — role sharing, meetings, survey and uncertainty (see ``PlanningSpec``).
    mutating func planningSpec(_ e: Entries) -> PlanningSpec {
        let what = "\"planning\""
        checkKeys(e, ["role_sharing", "meetings", "survey", "uncertainty", "sensitivity"], what)
        var spec = PlanningSpec()
        if let n = e.value("role_sharing"), let r = mapping(n, "planning.role_sharing") {
            let w = "planning.role_sharing"
            checkKeys(r, ["region", "level", "hospitals", "capacity", "demand", "tolerance", "time_limit_s"], w)
            if let region = planningRegion(r, w) {
                var s = RoleSharingSpec(region: region)
                s.level = level(r, w, default: .municipality) ?? .municipality
                s.hospitals = stringList(r, "hospitals", w)
                if let v = string(r, "capacity", w) { s.capacity = v }
                if let v = string(r, "demand", w) { s.demand = v }
                if let v = number(r, "tolerance", w, positive: false) {
                    if v >= 0, v <= 10 { s.tolerance = v } else {
                        d.error(fileName, line(r.value("tolerance")), "\(w).tolerance must be from 0 to 10, got \(numberText(v))",
                                fix: "0.5 lets each hospital carry 50–150 % of its capacity share")
                    }
                }
                if let v = number(r, "time_limit_s", w) {
                    if v <= 3600 { s.timeLimitSeconds = v } else {
                        d.error(fileName, line(r.value("time_limit_s")), "\(w).time_limit_s must be at most 3600, got \(numberText(v))",
                                fix: "past the limit the best districts found are given with their gap")
                    }
                }
                spec.roleSharing = s
            }
        }
        if let n = e.value("meetings"), let m = mapping(n, "planning.meetings") {
            let w = "planning.meetings"
            checkKeys(m, ["region", "min_shared", "kinds", "by", "groups", "max_size"], w)
            if let region = planningRegion(m, w) {
                var s = MeetingSpec(region: region)
                if let v = wholeNumber(m, "min_shared", w, range: 1...1_000_000_000) { s.minShared = v }
                s.kinds = stringList(m, "kinds", w)
                if let text = string(m, "by", w) {
                    if let g = MeetingSpec.Grouping(rawValue: text) { s.by = g } else {
                        d.error(fileName, line(m.value("by")), "unknown grouping \"\(text)\" in \(w)",
                                fix: "use one of: \(MeetingSpec.Grouping.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                }
                if let v = wholeNumber(m, "groups", w, range: 1...1000) { s.groups = v }
                if let v = wholeNumber(m, "max_size", w, range: 2...10_000) { s.maxSize = v }
                spec.meetings = s
            }
        }
        if let n = e.value("survey"), let m = mapping(n, "planning.survey") {
            let w = "planning.survey"
            checkKeys(m, ["region", "kinds"], w)
            if let region = planningRegion(m, w) {
                var s = SurveySpec(region: region)
                s.kinds = stringList(m, "kinds", w)
                spec.survey = s
            }
        }
        if let n = e.value("uncertainty"), let u = mapping(n, "planning.uncertainty") {
            let w = "planning.uncertainty"
            checkKeys(u, ["draws", "seed", "model"], w)
            var s = UncertaintySpec()
            if let v = wholeNumber(u, "draws", w, range: 1...1_000_000) { s.draws = v }
            if let v = wholeNumber(u, "seed", w, range: 0...Int(Int32.max)) { s.seed = UInt64(v) }
            if let text = string(u, "model", w) {
                if let m = CatchmentUncertainty.Model(rawValue: text) { s.model = m } else {
                    d.error(fileName, line(u.value("model")), "unknown model \"\(text)\" in \(w)",
                            fix: "use one of: \(CatchmentUncertainty.Model.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            spec.uncertainty = s
        }
        if let n = e.value("sensitivity"), let m = mapping(n, "planning.sensitivity") {
            spec.sensitivity = sensitivitySpec(m)
        }
        return spec
    }

    /// `planning.sensitivity`: `thresholds: [numbers]`, `budget_measures: [names]`,
    /// `years: [{label:, file:, filter:}]` (see ``SensitivitySpec``).
    private mutating func sensitivitySpec(_ m: Entries) -> SensitivitySpec {
        let w = "planning.sensitivity"
        checkKeys(m, ["thresholds", "budget_measures", "years"], w)
        var s = SensitivitySpec()
        for text in stringList(m, "thresholds", w) {
            guard let v = Double(text), v.isFinite, v > 0, v <= 1_000_000 else {
                d.error(fileName, line(m.value("thresholds")), "\(w).thresholds: \"\(text)\" is not a positive number up to 1,000,000",
                        fix: "give thresholds in the cost's unit: metres (straight-line) or minutes (travel-time cost), e.g. [3000, 5000, 8000]")
                continue
            }
            if !s.thresholds.contains(v) { s.thresholds.append(v) }
        }
        for text in stringList(m, "budget_measures", w) {
            guard let measure = Budget.Measure(rawValue: text) else {
                d.error(fileName, line(m.value("budget_measures")), "unknown budget measure \"\(text)\" in \(w).budget_measures",
                        fix: "use any of: \(Budget.Measure.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if !s.budgetMeasures.contains(measure) { s.budgetMeasures.append(measure) }
        }
        for (y, what) in items(m, "years") {
            checkKeys(y, ["label", "file", "filter"], what)
            guard let label = string(y, "label", what, required: true) else { continue }
            let file = y.value("file") == nil ? nil : self.file(y, what)
            let filter = y.value("filter") == nil ? nil : stringMap(y, "filter", what)
            if file == nil && filter == nil {
                d.error(fileName, line(y.node), "\(what) (\(label)) gives neither file nor filter",
                        fix: "write file: patients_2024.csv (same columns as patients:) or filter: {fiscal_year: \"2024\"}")
                continue
            }
            if s.years.contains(where: { $0.label == label }) {
                d.error(fileName, line(y.node), "\(w).years: the label \"\(label)\" is given twice", fix: "give each year its own label")
                continue
            }
            s.years.append(PatientYearSpec(label: label, file: file, filter: filter))
        }
        if s.isEmpty {
            d.error(fileName, line(m.node), "\(w) gives no thresholds, budget_measures or years", fix: "give at least one, or leave sensitivity: out")
        }
        return s
    }

    /// `region:` of a planning task: `{stage: NAME}`, `{group: NAME}` or `{areas: [codes]}`.
    private mutating func planningRegion(_ e: Entries, _ what: String) -> PlanningRegion? {
        let fix = "write region: {stage: 区中央部}, region: {group: 区中央部} or region: {areas: [\"13105\"]}"
        guard let n = e.value("region") else {
            d.error(fileName, line(e.node), "\(what) needs region:", fix: fix)
            return nil
        }
        guard let r = mapping(n, "\(what).region") else { return nil }
        checkKeys(r, ["stage", "group", "areas"], "\(what).region")
        let given = ["stage", "group", "areas"].filter { r.value($0) != nil }
        guard given.count == 1 else {
            d.error(fileName, line(n), "\(what).region needs exactly one of stage, group, areas", fix: fix)
            return nil
        }
        switch given[0] {
        case "stage": return string(r, "stage", "\(what).region").map(PlanningRegion.stage)
        case "group": return string(r, "group", "\(what).region").map(PlanningRegion.group)
        default:
            let codes = stringList(r, "areas", "\(what).region")
            guard !codes.isEmpty else {
                d.error(fileName, line(n), "\(what).region.areas is empty", fix: fix)
                return nil
            }
            return .areas(codes)
        }
    }

    /// A whole number within `range`, or an error naming the key and the range.
    private mutating func wholeNumber(_ e: Entries, _ key: String, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let v = number(e, key, what, positive: false) else { return nil }
        guard v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
            d.error(fileName, line(e.value(key)), "\(what).\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(numberText(v))")
            return nil
        }
        return Int(v)
    }
}
