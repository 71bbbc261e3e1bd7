import Foundation

/// The `planning:` section of a study file: the liaison work beyond choosing a region — role
/// sharing among base hospitals, meeting groups, survey lists, and how sure the staged choice is.
/// Documented in geodata/README.md ("Planning the liaison work").
public struct PlanningSpec: Sendable, Hashable {
    public var roleSharing: RoleSharingSpec?
    public var meetings: MeetingSpec?
    public var survey: SurveySpec?
    public var uncertainty: UncertaintySpec?
    public var sensitivity: SensitivitySpec?
    public init() {}
}

/// Which areas a planning task covers.
public enum PlanningRegion: Sendable, Hashable, CustomStringConvertible {
    /// The region of a stage of the study's `scenarios:` plans, by stage name (first plan first).
    case stage(String)
    /// The members of a group of any grouping (e.g. 区中央部).
    case group(String)
    /// These area codes.
    case areas([String])

    public var description: String {
        switch self {
        case .stage(let s): return "stage \(s)"
        case .group(let g): return "group \(g)"
        case .areas(let a): return "areas \(a.joined(separator: " "))"
        }
    }
}

/// `planning.role_sharing`: districts of a region, one per base hospital.
public struct RoleSharingSpec: Sendable, Hashable {
    public var region: PlanningRegion
    /// The level of the districts' building blocks (default municipality).
    public var level: AreaLevel = .municipality
    /// Base hospitals by institution id; empty: the anchor and every institution inside the region
    /// with a positive ``capacity``.
    public var hospitals: [String] = []
    /// The capacity measure of the institutions (default `pcu_beds`).
    public var capacity = "pcu_beds"
    /// The population measure standing for expected palliative demand (default `aged65`).
    public var demand = "aged65"
    /// τ: each hospital carries (1 ± τ) × its capacity share of the demand (default 0.5).
    public var tolerance = 0.5
    /// CBC's time limit; past it the best districts are given with the gap (default 20 s).
    public var timeLimitSeconds = 20.0
    public init(region: PlanningRegion) { self.region = region }
}

/// `planning.meetings`: partner institutions grouped into meetings.
public struct MeetingSpec: Sendable, Hashable {
    public enum Grouping: String, Sendable, Hashable, CaseIterable {
        /// One meeting per ward (municipality); a ward above ``MeetingSpec/maxSize`` is split by clustering.
        case ward
        /// `groups` geographic clusters (capacitated k-medoids on the positions).
        case cluster
    }
    public var region: PlanningRegion
    /// Partners with at least this many shared patients (default 1).
    public var minShared = 1
    /// Kinds invited (default: every kind but the anchor's hospital).
    public var kinds: [String] = []
    public var by: Grouping = .ward
    /// k for `by: cluster` (default 3).
    public var groups = 3
    /// The most invitees of one meeting (default 20).
    public var maxSize = 20
    public init(region: PlanningRegion) { self.region = region }
}

/// `planning.survey`: every institution of some kinds inside a region, for a questionnaire.
public struct SurveySpec: Sendable, Hashable {
    public var region: PlanningRegion
    /// Kinds listed (default: every kind).
    public var kinds: [String] = []
    public init(region: PlanningRegion) { self.region = region }
}

/// `planning.uncertainty`: the parametric bootstrap of the patient counts.
public struct UncertaintySpec: Sendable, Hashable {
    public var draws = 1000
    public var seed: UInt64 = 1
    public var model: CatchmentUncertainty.Model = .poisson
    public init() {}
}

/// `planning.sensitivity`: the plans' stages evaluated again with one setting changed at a time
/// (``PathSensitivity``).
public struct SensitivitySpec: Sendable, Hashable {
    /// Other floating-catchment thresholds of `scenarios.gaps`, in the cost's unit (metres with
    /// straight-line distance, minutes with a travel-time cost): the gap areas of every stage again.
    public var thresholds: [Double] = []
    /// Other workload measures for the budget stages, each with the limit the stage's region has
    /// in that measure (the same workload, counted another way).
    public var budgetMeasures: [Budget.Measure] = []
    /// Other years' patient counts: the `patients:` table with its `file` and/or `filter` replaced.
    public var years: [PatientYearSpec] = []
    public init() {}
    public var isEmpty: Bool { thresholds.isEmpty && budgetMeasures.isEmpty && years.isEmpty }
}

/// One other year of `planning.sensitivity.years`: a label and what differs from `patients:`.
public struct PatientYearSpec: Sendable, Hashable {
    public var label: String
    /// Another file of the same columns (nil: the `patients:` file).
    public var file: URL?
    /// Replaces `patients.filter` (nil: keep it), e.g. `{fiscal_year: "2024"}`.
    public var filter: [String: String]?
    public init(label: String, file: URL? = nil, filter: [String: String]? = nil) {
        self.label = label
        self.file = file
        self.filter = filter
    }
}
