import CareAtlas
import CareFormats
import CarePrivacy
import Foundation

/// What a terminal user reads after `careatlas gaps`, as text or `--json`, suppressed as the run
/// decided.
package enum GapsReport {
    /// The count of gaps and the ten most severe, one line each.
    package static func text(_ gaps: AccessGaps, level: AreaLevel, areaCount: Int) -> String {
        var out = "gaps: \(gaps.gaps.count) of \(areaCount) \(level.rawValue) areas\n"
        for (k, g) in gaps.gaps.prefix(10).enumerated() {
            out += "\(k + 1). \(g.areaID) \(g.name): \(g.reasons.joined(separator: "; "))\n"
        }
        return out
    }

    /// The `--json` object (geodata/README.md): every gap with its rules and reasons.
    package static func json(_ gaps: AccessGaps, settings: AccessGaps.Settings, level: AreaLevel, areaCount: Int,
                             disclosure: Disclosure, study: String, folder: OutputFolder) -> String {
        let policy = disclosure.policy
        // Need in patients is a patient count: shown through the policy like every count.
        func needValue(_ v: Double?, area: String? = nil) -> JSONValue {
            guard let v else { return .null }
            guard settings.need == .patients else { return jsonNumber(v) }
            let count = Int(v.rounded())
            return .string(area.map { disclosure.level == level ? disclosure.label($0, count) : policy.label(count) } ?? policy.label(count))
        }
        let list: [JSONValue] = gaps.gaps.enumerated().map { k, g in
            .object(["rank": .number(Double(k + 1)), "area_code": .string(g.areaID), "area_name": .string(g.name),
                     "need": needValue(g.need, area: g.areaID), "access": jsonNumber(g.access), "access_percentile": jsonNumber(g.accessPercentile),
                     "nearest_km": .object(JSONObject(uniqueKeysWithValues: g.nearestKm.sorted { $0.key < $1.key }.map { ($0.key, jsonNumber($0.value)) })),
                     "rules": .array(g.rules.map { .string($0.rawValue) }), "reasons": .array(g.reasons.map(JSONValue.string))])
        }
        return commandJSON("gaps", study: study, policy: policy, folder: folder, [
            "level": .string(level.rawValue), "need": .string(settings.need.rawValue), "areas": .number(Double(areaCount)),
            "low_quintile_cut": jsonNumber(gaps.lowQuintileCut), "median_need": needValue(gaps.medianNeed),
            "within_km": .number(settings.withinKm), "gap_count": .number(Double(gaps.gaps.count)), "gaps": .array(list),
        ])
    }
}
