import CarePoints
import Foundation

/// Areas where access to palliative care is poor relative to need.
///
/// Rules (each met rule is a reason; an area with at least one reason is a gap):
/// 1. **low access, high need** — the access score is in the lowest quintile of the areas with a
///    score (≤ the 20th percentile, nearest-rank) while the need is above the median need;
/// 2. **no supply in reach** — the access score is undefined or 0 (no supply within the
///    floating-catchment threshold), while the need is > 0;
/// 3. **no <kind> within X km** — the nearest institution of a required kind is farther than X km
///    from the area's population-weighted centroid (default 16 km, the distance limit of 往診 and
///    訪問診療 in the medical fee schedule); with a travel-time cost (`cost: network | table`),
///    **no <kind> within T min** — the travel time to the nearest institution of a required kind
///    is more than T minutes, or there is no route to any.
///
/// Areas without travel times (a centroid off the road network, an origin the imported table
/// never names) are not judged by rules 2 and 3: they are listed in ``areasWithoutTravelTime``.
///
/// Areas with no need (no residents aged 65+, no patients) are never gaps. Gaps are sorted by severity: more reasons first, then higher need, then lower access, then id.
///
/// Areas whose need or access is unknown (no population data, or outside the data of the access
/// computation) are neither gaps nor "no gap": they are ``noData``, with what can still be said
/// about them (the distance rule, which needs no population) in their reasons.
public struct AccessGaps: Sendable {
    public struct Gap: Sendable, Hashable {
        public let areaID: String
        public let name: String
        public let need: Double
        public let access: Double?
        public let accessPercentile: Double?
        public let nearestKm: [String: Double]
        /// Minutes to the nearest institution of each kind (travel-time costs only; a kind absent
        /// has no route).
        public var nearestMinutes: [String: Double] = [:]
        /// The rules met, in words.
        public let reasons: [String]
        /// The rules met, as categories (parallel to ``reasons``).
        public let rules: [Rule]
    }

    /// The rule a gap meets.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// Lowest-quintile access with above-median need.
        case lowAccessHighNeed = "low_access_high_need"
        /// No supply within the floating-catchment threshold.
        case noSupplyInReach = "no_supply_in_reach"
        /// The nearest institution of a required kind is beyond the distance limit (or absent).
        case farFromRequiredKind = "far_from_required_kind"
    }

    /// What counts as need.
    public enum Need: String, Sendable, CaseIterable {
        /// Population aged 65 and over (`aged65`).
        case aged65
        /// Total population (`total`), e.g. for census small areas without an age breakdown.
        case total
        /// The hospital's own patients.
        case patients
    }

    public let level: AreaLevel
    public let need: Need
    public let lowQuintileCut: Double?
    public let medianNeed: Double?
    public let gaps: [Gap]
    /// Areas left out because their need is unknown.
    public let areasWithoutNeed: [String]
    /// The time limit of rule 3 with a travel-time cost (nil: the distance limit applies).
    public var withinMinutes: Double? = nil
    /// Areas not judged by rules 2 and 3 because they have no travel times.
    public var areasWithoutTravelTime: [String] = []

    /// An area the rules cannot judge: its need or its access is unknown.
    public struct NoDataArea: Sendable, Hashable {
        public let areaID: String
        public let name: String
        /// What is missing ("no aged65 population data"), then the distance findings that hold
        /// regardless ("no hospital within 16.0 km (nearest 57.0 km)").
        public let reasons: [String]
        public let nearestKm: [String: Double]
    }
    /// Areas without data, sorted by id: their own class, never "no gap".
    public let noData: [NoDataArea]

    /// - Parameters:
    ///   - access: access score per area id (nil or absent where undefined).
    ///   - nearest: nearest distances per area (from ``DistanceCatchments/nearestDistances(_:level:)``).
    ///   - requiredKinds: kinds whose absence within `withinKm` is a gap.
    ///   - withinMinutes: with a travel-time cost, the time limit of rule 3 instead of `withinKm`
    ///     (``DistanceCatchments/Nearest/minutes``).
    ///   - withoutTravelTime: areas that have no travel times (not judged by rules 2 and 3).
    public static func find(
        _ model: StudyModel, level: AreaLevel = .municipality, need: Need = .aged65, access: [String: Double],
        nearest: [DistanceCatchments.Nearest], requiredKinds: [String], withinKm: Double = 16, withinMinutes: Double? = nil,
        withoutTravelTime: Set<String> = [], accessWithoutData: Set<String> = []
    ) throws -> AccessGaps {
        guard let areas = model.areas[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "choose a level the study has")
        }
        guard withinKm > 0 else { throw AnalysisError("the distance limit must be positive, got \(withinKm) km") }
        let known = Set(model.institutions.map(\.kind))
        for k in requiredKinds where !known.contains(k) {
            throw AnalysisError("no institution is of kind \"\(k)\"", fix: "kinds in this study are: \(known.sorted().joined(separator: ", "))")
        }
        func needOf(_ a: Area) -> Double? {
            switch need {
            case .aged65: return a.population["aged65"]
            case .total: return a.population["total"]
            case .patients: return a.patients.map(Double.init)
            }
        }
        let needs = areas.compactMap(needOf).sorted()
        let median = needs.isEmpty ? nil : needs.count % 2 == 1 ? needs[needs.count / 2] : (needs[needs.count / 2 - 1] + needs[needs.count / 2]) / 2
        let scores = areas.compactMap { access[$0.id] }.filter(\.isFinite).sorted()
        // Nearest-rank 20th percentile.
        let cut = scores.isEmpty ? nil : scores[max(0, Int((0.2 * Double(scores.count)).rounded(.up)) - 1)]
        let nearestByID = Dictionary(uniqueKeysWithValues: nearest.map { ($0.areaID, $0) })
        var gaps: [Gap] = []
        var withoutNeed: [String] = []
        var noData: [NoDataArea] = []
        func distanceFindings(_ distances: [String: Double], kinds: [String]) -> [String] {
            kinds.sorted().compactMap { k in
                guard let d = distances[k] else { return "no \(k) at all" }
                return d > withinKm ? "no \(k) within \(Self.km(withinKm)) km (nearest \(Self.km(d)) km)" : nil
            }
        }
        for a in areas {
            let n = needOf(a)
            if n == nil { withoutNeed.append(a.id) }
            // Sources of the required kinds that do not cover the area: those kinds are unknown there.
            let notCovering = model.sourcesNotCovering(a.id, at: level, kinds: requiredKinds)
            if n == nil || accessWithoutData.contains(a.id) || !notCovering.isEmpty {
                let distances = nearestByID[a.id]?.distanceKm ?? [:]
                var missing: [String] = []
                if n == nil { missing.append(need == .patients ? "no patient data" : "no \(need.rawValue) population data") }
                for c in notCovering { missing.append("outside the coverage of \(c.source) (\(c.kinds.joined(separator: ", ")))") }
                if accessWithoutData.contains(a.id) && n != nil && notCovering.isEmpty { missing.append("no access score (no demand data)") }
                let unknownKinds = Set(notCovering.flatMap(\.kinds))
                noData.append(NoDataArea(areaID: a.id, name: a.name,
                                         reasons: missing + distanceFindings(distances, kinds: requiredKinds.filter { !unknownKinds.contains($0) }),
                                         nearestKm: distances))
                continue
            }
            guard let n, n > 0 else { continue }  // nobody to serve: never a gap
            let score = access[a.id].flatMap { $0.isFinite ? $0 : nil }
            var reasons: [String] = []
            var rules: [Rule] = []
            if let score, let cut, let median, score <= cut, n > median, score > 0 {
                reasons.append("low access (lowest quintile) with above-median need")
                rules.append(.lowAccessHighNeed)
            }
            let timed = !withoutTravelTime.contains(a.id)
            if n > 0, score == nil || score == 0, timed {
                reasons.append("no supply within the access threshold")
                rules.append(.noSupplyInReach)
            }
            let distances = nearestByID[a.id]?.distanceKm ?? [:]
            let minutes = nearestByID[a.id]?.minutes ?? [:]
            if let limit = withinMinutes {
                for k in requiredKinds.sorted() where timed {
                    if let t = minutes[k] {
                        if t > limit {
                            reasons.append("no \(k) within \(Self.km(limit)) min (nearest \(Self.km(t)) min)")
                            rules.append(.farFromRequiredKind)
                        }
                    } else {
                        reasons.append("no \(k) within \(Self.km(limit)) min (no route)")
                        rules.append(.farFromRequiredKind)
                    }
                }
            }
            for k in requiredKinds.sorted() where withinMinutes == nil {
                if let d = distances[k] {
                    if d > withinKm {
                        reasons.append("no \(k) within \(Self.km(withinKm)) km (nearest \(Self.km(d)) km)")
                        rules.append(.farFromRequiredKind)
                    }
                } else {
                    reasons.append("no \(k) at all")
                    rules.append(.farFromRequiredKind)
                }
            }
            guard !reasons.isEmpty else { continue }
            let percentile = score.map { s in Double(scores.filter { $0 <= s }.count) / Double(max(1, scores.count)) }
            gaps.append(Gap(areaID: a.id, name: a.name, need: n, access: score, accessPercentile: percentile,
                            nearestKm: distances, nearestMinutes: minutes, reasons: reasons, rules: rules))
        }
        gaps.sort { a, b in
            if a.reasons.count != b.reasons.count { return a.reasons.count > b.reasons.count }
            if a.need != b.need { return a.need > b.need }
            let (x, y) = (a.access ?? -1, b.access ?? -1)  // undefined access is the worst
            if x != y { return x < y }
            return a.areaID < b.areaID
        }
        return AccessGaps(level: level, need: need, lowQuintileCut: cut, medianNeed: median, gaps: gaps, areasWithoutNeed: withoutNeed,
                          withinMinutes: withinMinutes, areasWithoutTravelTime: areas.map(\.id).filter { withoutTravelTime.contains($0) },
                          noData: noData)
    }

    static func km(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Builds the value (the gaps list with its settings).
    init(level: AreaLevel, need: Need, lowQuintileCut: Double?, medianNeed: Double?, gaps: [Gap], areasWithoutNeed: [String],
         withinMinutes: Double? = nil, areasWithoutTravelTime: [String] = [], noData: [NoDataArea] = []) {
        self.level = level
        self.need = need
        self.lowQuintileCut = lowQuintileCut
        self.medianNeed = medianNeed
        self.gaps = gaps
        self.areasWithoutNeed = areasWithoutNeed
        self.withinMinutes = withinMinutes
        self.areasWithoutTravelTime = areasWithoutTravelTime
        self.noData = noData
    }

    /// Access (2SFCA over the settings' kinds and capacity, threshold in metres, or in minutes with
    /// travel-time `costs`) and the gaps it leaves, as the study's `scenarios.gaps` settings define them.
    public static func find(_ model: StudyModel, level: AreaLevel, settings g: GapSettings, costs: StudyCosts? = nil) throws -> (access: StudyAccess, gaps: AccessGaps) {
        let threshold = try g.threshold(costs: costs)
        let within = try g.withinMinutes(costs: costs)
        let access = try StudyAccess.compute(model, level: level, kinds: g.kinds, capacityField: g.capacity,
                                             method: try .twoStep(maximumCost: threshold), costs: costs)
        let scores = Dictionary(uniqueKeysWithValues: access.areaIDs.compactMap { id in access.score(id).map { (id, $0) } })
        let gaps = try find(model, level: level, access: scores, nearest: try DistanceCatchments.nearestDistances(model, level: level, costs: costs),
                            requiredKinds: g.kinds, withinKm: g.withinKm, withinMinutes: within,
                            withoutTravelTime: Set(costs?.areasWithoutData[level] ?? []),
                            accessWithoutData: Set(zip(access.areaIDs, access.status).filter { $0.1 == .noData || $0.1 == .noSupplyData }.map(\.0)))
        return (access, gaps)
    }
}
