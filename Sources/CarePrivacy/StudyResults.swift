import CareAtlas
import CareGeometry
import Foundation

/// Every analysis of a study, run once with the study's own settings: what the meeting report, the
/// maps and the layer export show.
///
/// - Patient-share ranking, penetration and catchments at 50 / 75 / 90 % (``PatientShareCatchments``);
/// - the distance from each area's population-weighted centroid to the nearest institution of each
///   kind (``DistanceCatchments/nearestDistances(_:level:)``);
/// - 2SFCA access and access gaps with the settings of the study's `scenarios.gaps` (``AccessGaps``),
///   when it has them;
/// - the staged plans and the frontier of the study's `scenarios:` section (``ScenarioAnalysis``), when
///   it has one.
///
/// Area figures are given per area in ``areas`` with the small-cell policy already applied.
public struct StudyResults: Sendable {
    public let model: StudyModel
    public let policy: SmallCellPolicy
    /// What every output of the results hides, decided for all of them together.
    public let disclosure: Disclosure
    /// The level of the area figures: municipalities when the study has them, else its coarsest level.
    public let level: AreaLevel
    public let shares: PatientShareAnalysis
    public let nearest: [DistanceCatchments.Nearest]
    public let access: StudyAccess?
    public let gaps: AccessGaps?
    public let scenarios: ScenarioAnalysis?
    /// One entry per area of ``level``, sorted by code.
    public let areas: [AreaMetrics]
    /// Patients outside the study areas (or of unknown area) as they may be shown ("<10", "x" or the
    /// number): a cell of the same line as the areas.
    public let outsidePatientsLabel: String
    /// The run's travel-time costs (nil for straight-line studies) and the drive-time areas drawn
    /// from its road network (nil without one).
    public internal(set) var costs: StudyCosts? = nil
    public internal(set) var driveTimes: DriveTimeAreas? = nil
    /// The study's `planning:` section (role sharing, meetings, survey, resampling, equity) over
    /// the published stages; nil without one. Outputs publish it through ``PlanningDisclosure``.
    public internal(set) var planning: PlanningAnalysis? = nil
    /// Why an optional analysis the study asks for is absent (nil: present, or not asked for).
    public internal(set) var unavailable = Unavailable()

    /// Why the optional analyses of a study are absent, one English sentence each: every output
    /// says so where the analysis would appear (a missing analysis is never "no gap" or an empty
    /// plan).
    public struct Unavailable: Sendable, Equatable {
        /// The access and gaps of the study's `scenarios.gaps` (e.g. no 65+ population).
        public var gaps: String?
        /// The staged plans and the frontier of the study's `scenarios:`.
        public var scenarios: String?
        /// The drive-time areas of the study's road network.
        public var driveTimes: String?
        /// The stages' gap-area counts (``ScenarioAnalysis/gapsUnavailable``).
        public var stageGaps: String?

        public init(gaps: String? = nil, scenarios: String? = nil, driveTimes: String? = nil, stageGaps: String? = nil) {
            self.gaps = gaps
            self.scenarios = scenarios
            self.driveTimes = driveTimes
            self.stageGaps = stageGaps
        }

        /// Every reason, in the order above.
        public var reasons: [String] { [gaps, scenarios, driveTimes, stageGaps].compactMap { $0 } }
    }

    /// Runs every analysis (one ``StudyRun`` with the study's settings). `progress` gets short
    /// English phrases (for a terminal).
    public static func compute(_ model: StudyModel, policy: SmallCellPolicy, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> StudyResults {
        try StudyRun.compute(model, policy: policy, progress: progress).results()
    }
}

/// What an area's access-gap state is, for a categorical map.
public enum GapClass: String, Sendable, Hashable, CaseIterable {
    /// Not a gap.
    case none
    case lowAccessHighNeed = "low_access_high_need"
    case noSupplyInReach = "no_supply_in_reach"
    case farFromRequiredKind = "far_from_required_kind"
    /// More than one kind of rule met.
    case several
    /// Need or access unknown (no population data): neither a gap nor "no gap".
    case noData = "no_data"

    /// The class of a gap meeting `rules` (``none`` when it meets none).
    public init(_ rules: [AccessGaps.Rule]) {
        let kinds = Set(rules)
        switch (kinds.count, kinds.first) {
        case (0, _), (_, nil): self = .none
        case let (1, only?):
            switch only {
            case .lowAccessHighNeed: self = .lowAccessHighNeed
            case .noSupplyInReach: self = .noSupplyInReach
            case .farFromRequiredKind: self = .farFromRequiredKind
            }
        default: self = .several
        }
    }

    /// A label for legends and tables.
    public func label(english: Bool) -> String {
        switch self {
        case .none: return english ? "no gap" : "ギャップなし"
        case .lowAccessHighNeed: return english ? "low access, high need" : "低アクセス・高ニーズ"
        case .noSupplyInReach: return english ? "no supply in reach" : "圏内に提供者なし"
        case .farFromRequiredKind: return english ? "required provider too far" : "必要な提供者が遠い"
        case .several: return english ? "several reasons" : "複数の理由"
        case .noData: return english ? "no data" : "データなし"
        }
    }
}

/// The figures of one area, with the small-cell policy applied to everything derived from its
/// patient count.
public struct AreaMetrics: Sendable {
    public let id: String
    public let name: String
    /// The English name when the study gives one (`label_en:` of the area layer), else nil.
    public let nameEnglish: String?
    /// The boundary, in the study's metric CRS.
    public let geometry: Geometry
    /// A point inside the area, for its label.
    public let labelPoint: Coordinate
    public let areaKm2: Double
    public let population: Double?
    public let aged65: Double?
    /// Patients, nil when hidden by the small-cell policy (or when the patient table says nothing).
    public let patients: Int?
    /// The count as it may be shown: "12", "0", "<10" (small) or "x" (hidden to protect another).
    public let patientsLabel: String
    /// True when the count is hidden (small, or secondary suppression).
    public let patientsHidden: Bool
    /// Rank by patients (1 = most).
    public let rank: Int?
    /// Share of all patients, percent; nil when hidden.
    public let sharePercent: Double?
    /// Patients per 10,000 aged 65+ with its Wilson 95 % interval; nil when hidden or without 65+.
    public let penetration: Double?
    public let penetrationLower: Double?
    public let penetrationUpper: Double?
    /// Floating-catchment (2SFCA) access score; nil when undefined or not computed.
    public let accessScore: Double?
    /// Gap state; nil when access was not computed (the study has no `scenarios.gaps`).
    public let gapClass: GapClass?
    public let gapReasons: [String]
    /// Distance from the population-weighted centroid to the nearest institution of each kind, km.
    public let nearestKm: [String: Double]
    /// Target shares (0…1) of the contiguous patient-share catchments the area belongs to.
    public let contiguousCatchments: [Double]
    /// Per plan (in the study's order), the 1-based order of the first stage containing the area.
    public let firstStage: [(plan: String, order: Int, stage: String)]

    static func build(
        _ model: StudyModel, level: AreaLevel, shares: PatientShareAnalysis, disclosure: Disclosure, nearest: [DistanceCatchments.Nearest],
        access: StudyAccess?, gaps: AccessGaps?, scenarios: ScenarioAnalysis?
    ) -> [AreaMetrics] {
        let policy = disclosure.policy
        let rankByID = Dictionary(uniqueKeysWithValues: shares.ranking.map { ($0.areaID, $0) })
        let publishedRank = Dictionary(uniqueKeysWithValues: disclosure.publishedRanking(shares.ranking).map { ($0.area.areaID, $0.rank) })
        let nearestByID = Dictionary(uniqueKeysWithValues: nearest.map { ($0.areaID, $0.distanceKm) })
        let gapByID = Dictionary(uniqueKeysWithValues: (gaps?.gaps ?? []).map { ($0.areaID, $0) })
        let noDataByID = Dictionary(uniqueKeysWithValues: (gaps?.noData ?? []).map { ($0.areaID, $0) })
        return (model.areas[level] ?? []).sorted { $0.id < $1.id }.map { a in
            let r = rankByID[a.id]
            let hidden = disclosure.isHidden(a.id)
            let penetration = hidden ? nil : r?.penetration
            var stages: [(plan: String, order: Int, stage: String)] = []
            if let scenarios, scenarios.level == level {
                for plan in scenarios.plans {
                    if let k = plan.stages.firstIndex(where: { $0.areaIDs.contains(a.id) }) {
                        stages.append((plan.name, k + 1, plan.stages[k].name))
                    }
                }
            }
            let gap = gapByID[a.id]
            return AreaMetrics(
                id: a.id, name: a.name, nameEnglish: a.nameEnglish, geometry: a.geometry, labelPoint: a.pointOnSurface, areaKm2: a.areaKm2,
                population: a.population["total"], aged65: a.population["aged65"],
                patients: hidden ? nil : r?.patients,
                patientsLabel: r.map { policy.label($0.patients, secondary: hidden) } ?? "",
                patientsHidden: hidden, rank: publishedRank[a.id] ?? nil, sharePercent: hidden ? nil : r.map { $0.share * 100 },
                penetration: penetration?.rate, penetrationLower: penetration?.lower, penetrationUpper: penetration?.upper,
                accessScore: access?.score(a.id),
                gapClass: gaps == nil ? nil : noDataByID[a.id] != nil ? .noData : GapClass(gap?.rules ?? []),
                gapReasons: gap?.reasons ?? noDataByID[a.id]?.reasons ?? [], nearestKm: nearestByID[a.id] ?? [:],
                contiguousCatchments: zip(shares.catchments, disclosure.catchmentWithheld(shares))
                    .filter { $0.0.contiguous && !$0.1 && $0.0.areaIDs.contains(a.id) }.map(\.0.targetShare),
                firstStage: stages)
        }
    }
}

