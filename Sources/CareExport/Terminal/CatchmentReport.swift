import CareAtlas
import CareFormats
import CarePrivacy
import Foundation

/// The short text a terminal user reads after `careatlas catchment`: how many areas make each
/// share, unconstrained and contiguous, with small-cell suppression applied.
public enum CatchmentReport {
    public static func text(_ a: PatientShareAnalysis, disclosure: Disclosure) -> String {
        let policy = disclosure.policy
        var out = "patients: \(policy.label(a.totalPatients)) in total, \(policy.label(a.outsidePatients, secondary: disclosure.outsideHidden)) outside the study areas\n"
        if !policy.isSuppressing { out += "\(SmallCellPolicy.internalNotice)\n" }
        out += "target  method         reached  areas  patients  share_%\n"
        for ((c, hidden), withheld) in zip(zip(a.catchments, disclosure.catchmentMask(a)), disclosure.catchmentWithheld(a)) {
            let row = [
                String(format: "%5.0f%%", c.targetShare * 100), (c.contiguous ? "contiguous" : "unconstrained").padding(toLength: 13, withPad: " ", startingAt: 0),
                (c.reached ? "yes" : "no").padding(toLength: 7, withPad: " ", startingAt: 0), withheld ? "    -" : String(format: "%5d", c.areaIDs.count),
                (hidden ? policy.label(c.patients, secondary: true) : String(c.patients)).leftPadded(8),
                hidden ? "       " : String(format: "%7.1f", c.share * 100),
            ]
            out += row.joined(separator: "  ") + "\n"
        }
        return out
    }
}

extension CatchmentReport {
    /// The line on the Huff model: its fit, why it could not be fitted, or why it is absent.
    public static func huffLine(_ huff: Availability<HospitalCatchments>?) -> String {
        switch huff {
        case nil: return "huff: not asked for"
        case let .unavailable(reason, _)?: return "huff: not available: \(reason)"
        case let .available(h)?:
            if let fit = h.fit {
                return String(format: "huff: alpha=%.4f beta=%.4f log_likelihood=%.4f mcfadden_r2=%.4f (%@)", fit.alpha, fit.beta,
                              fit.logLikelihood, fit.mcFaddenR2, fit.status.rawValue)
            }
            return "huff: not fitted: \(h.fitProblem ?? "")"
        }
    }
}

extension CatchmentReport {
    /// The `--json` object of `careatlas catchment` (geodata/README.md): the catchments of the
    /// command's shares and the Huff fit, suppressed as the run decided.
    package static func json(_ run: StudyRun, shares analysis: PatientShareAnalysis, study: String, folder: OutputFolder) -> String {
        let policy = run.policy, disclosure = run.disclosure
        var huff: JSONObject = ["fitted": .bool(run.huff?.value?.fit != nil),
                                "problem": (run.huff?.reason ?? run.huff?.value?.fitProblem).map { .string($0) } ?? .null]
        if let fit = run.huff?.value?.fit {
            for (key, value) in [("alpha", fit.alpha), ("beta", fit.beta), ("log_likelihood", fit.logLikelihood),
                                 ("mcfadden_r2", fit.mcFaddenR2)] { huff[key] = jsonNumber(value) }
            huff["se_alpha"] = jsonNumber(fit.standardErrorAlpha)
            huff["se_beta"] = jsonNumber(fit.standardErrorBeta)
            huff["status"] = .string(fit.status.rawValue)
        }
        // A withheld catchment names no areas (its member list would narrow a hidden cell).
        let catchments: [JSONValue] = zip(zip(analysis.catchments, disclosure.catchmentMask(analysis)), disclosure.catchmentWithheld(analysis)).map { ch, withheld in
            let (c, hidden) = ch
            return .object(["target_share": .number(c.targetShare), "contiguous": .bool(c.contiguous), "reached": .bool(c.reached),
                     "areas": withheld ? .null : .number(Double(c.areaIDs.count)),
                     "area_codes": withheld ? .null : .array(c.areaIDs.map(JSONValue.string)),
                     "patients": .string(policy.label(c.patients, secondary: hidden)), "share": hidden ? .null : jsonNumber(c.share)])
        }
        var members: JSONObject = [
            "level": .string(run.level.rawValue), "total_patients": .string(policy.label(analysis.totalPatients)),
            "outside_patients": .string(policy.label(analysis.outsidePatients, secondary: disclosure.outsideHidden)), "catchments": .array(catchments),
            "huff": .object(huff),
        ]
        // Only when the road network's drive-time areas cannot be drawn (the object is unchanged otherwise).
        if let reason = run.driveTimes?.reason { members["drive_time_areas_unavailable"] = .string(reason) }
        return commandJSON("catchment", study: study, policy: policy, folder: folder, members)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
