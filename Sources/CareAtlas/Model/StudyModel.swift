import CareGeometry

/// One area (small area, municipality, …) of the study, in the study's metric CRS.
public struct Area: Sendable, Hashable {
    /// The normalised code (5-digit municipality code without check digit, e-Stat KEY_CODE, …).
    public let id: String
    /// The label: the layer's label field(s), made unique within the level (see ``AreaLabels``).
    public internal(set) var name: String
    /// The English name, when the area layer has a `label_en:` field.
    public let nameEnglish: String?
    public let level: AreaLevel
    /// The area layer it came from (its `name` in the study file).
    public let layer: String
    /// The boundary in the study's metric CRS.
    public let geometry: Geometry
    /// Planar area in km² in the metric CRS.
    public let areaKm2: Double
    /// A point inside the area (GEOS point-on-surface), for labels and assignment.
    public let pointOnSurface: Coordinate
    /// Population-weighted centroid (Σ pᵢ·cᵢ / Σ pᵢ over the finer areas inside it, cᵢ their own
    /// weighted centroids); the point on surface when there is no finer population.
    public internal(set) var weightedCentroid: Coordinate
    /// Population measures by name (`total`, `aged65`, …); missing when the tables have none.
    public internal(set) var population: [String: Double]
    /// Patients living in the area, including those counted at finer levels; nil when the patient
    /// table has no row at or below this area.
    public internal(set) var patients: Int?
    /// Patients by breakdown value (e.g. `service=pcu_admission`), aggregated like ``patients``.
    public internal(set) var patientBreakdown: [String: Int]
    /// The id of the containing area one level up (nil at the coarsest level).
    public internal(set) var parentID: String?
    /// Group memberships by grouping name (e.g. `secondary_medical_area` → `区中央部`).
    public internal(set) var groups: [String: String]
    /// Indices into ``StudyModel/institutions`` of the institutions inside the area.
    public internal(set) var institutionIndices: [Int]
}

/// A medical institution: hospital, clinic, visiting-nurse station…
public struct Institution: Sendable, Hashable {
    public let id: String
    public let name: String
    public let kind: String
    /// Position in the study's metric CRS.
    public let position: Coordinate
    /// Position in longitude/latitude (WGS 84 / JGD2011).
    public let lonLat: Coordinate
    /// Capacity measures by name (`beds`, `pcu_beds`, `patients_per_month`…).
    public let capacity: [String: Double]
    /// Further attributes as given (e.g. `cancer_base`).
    public let attributes: [String: String]
    /// Patients the analysing hospital shared with this institution, when given.
    public let sharedPatients: Int?
    /// The file it came from and its line there.
    public let source: String
    public let line: Int
    /// The area containing it at each level (absent where it lies outside every area of the level).
    public internal(set) var areaIDs: [AreaLevel: String]
}

/// Where one institution source is complete (`covers:` in the study, or inferred), and the areas
/// outside it: there the source's kinds are unknown, so access and gaps of those kinds are no data.
public struct InstitutionCoverage: Sendable, Hashable {
    /// The file (as named in messages).
    public let source: String
    /// The kinds of its institutions, sorted.
    public let kinds: [String]
    /// The `covers:` entries (codes, code prefixes or group names); empty for the whole study.
    public let covers: [String]
    /// How the coverage was decided: "declared (covers:)", "inferred from prefectures:", "whole study (no covers:)".
    public let basis: String
    /// Area ids outside the coverage, by level.
    public let uncovered: [AreaLevel: Set<String>]
}

/// Patients whose home is not in any study area: kept in every total, never dropped.
public struct OutsideBucket: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// The code as given (empty when the row had no code).
        public let code: String
        public let name: String
        public let patients: Int
        /// Why the row is outside: "no area code", or "code not in any area layer".
        public let reason: String
    }
    public internal(set) var entries: [Entry] = []
    public var patients: Int { entries.reduce(0) { $0 + $1.patients } }

    /// A patient record (`patients: records:`) that could not be placed in the study areas, with
    /// what the user needs to fix it: its line, the reason, and the postal code and address as
    /// written.
    public struct UnplacedRecord: Sendable, Hashable {
        public let line: Int
        public let reason: String
        public let postalCode: String?
        public let address: String?
    }
    /// Unplaced patient records, held in memory for `careatlas validate --show-unmatched`, which
    /// prints them to a terminal only. Patient-level data: no exporter reads this, and it must
    /// never reach a file, a map, the report or a log.
    public internal(set) var unplacedRecords: [UnplacedRecord] = []
}

/// A group of areas from a grouping table (e.g. a 二次医療圏), with totals of its members.
public struct AreaGroup: Sendable, Hashable {
    public let grouping: String
    public let name: String
    /// Member area ids at the grouping's level, sorted.
    public let memberIDs: [String]
    public let patients: Int
    public let population: [String: Double]
}

/// The one spatial model every analysis reads: areas per level in a metric CRS, their hierarchy and
/// adjacency, institutions assigned to areas, populations, patients and groups.
///
/// Immutable once built; safe to share between threads.
public struct StudyModel: Sendable {
    public let spec: StudySpec
    /// The metric CRS all geometry is in, and why it was chosen.
    public let crs: CRS
    public let crsReason: String
    /// Areas by level, each array sorted by id.
    public let areas: [AreaLevel: [Area]]
    /// Adjacency by level: for each area (same order as ``areas``) the indices of the areas sharing
    /// a boundary of length > 0 with it (rook contiguity), ascending.
    public let adjacency: [AreaLevel: [[Int]]]
    /// Institutions sorted by id.
    public let institutions: [Institution]
    /// Index of the anchor (analysing hospital) in ``institutions``.
    public let anchorIndex: Int?
    public let outside: OutsideBucket
    /// Patient flows of several hospitals (origin area id × institution id), when the study gives them.
    public let flows: [PatientFlow]
    /// Groups by grouping name, each sorted by group name.
    public let groups: [String: [AreaGroup]]
    /// Every problem found while loading (no errors: a model is only built without errors).
    public let diagnostics: [Diagnostic]

    /// One match level of patient records (`patients: records:`) and how many records reached it.
    public struct RecordMatchCount: Sendable, Hashable {
        /// The level's Japanese name (町丁, 大字・町, 市区町村, 未照合).
        public let level: String
        public let englishName: String
        public let records: Int
    }
    /// How the patient records were geocoded, in the order of the levels (empty when the study
    /// gives a table of counts instead of records). Counts of patients: shown with the small-cell
    /// rule wherever they are published.
    public internal(set) var recordMatches: [RecordMatchCount] = []
    /// Labels that were the same for several areas of a level and were made unique (prefecture or
    /// designated city prepended), one sentence per level, e.g. "municipality: 中央区 ×4, 緑区 ×4 →
    /// 東京都中央区, 千葉市中央区, …". Empty when every label was unique.
    public internal(set) var labelNotes: [String] = []
    /// Coverage of each institution source, in the study's order.
    public internal(set) var institutionCoverage: [InstitutionCoverage] = []
    /// Other years' patient counts (`planning.sensitivity.years`), in the study's order; empty
    /// without them. Never published as counts: only the regions they select are (``PathSensitivity``).
    public internal(set) var patientYears: [PatientYear] = []

    /// The same model with another year's patient counts (areas, outside bucket and total); the
    /// breakdowns are dropped (the year's table is read for its totals only), groups keep their
    /// members with the year's patients.
    public func withPatients(of year: PatientYear) -> StudyModel {
        var areas = self.areas
        for (level, list) in areas {
            let counts = year.patients[level] ?? [:]
            areas[level] = list.map { a in
                var a = a
                a.patients = counts[a.id]
                a.patientBreakdown = [:]
                return a
            }
        }
        var groups = self.groups
        for (name, list) in groups {
            let level = spec.groupings.first { $0.name == name }?.level
            groups[name] = list.map { g in
                let counts = level.flatMap { year.patients[$0] } ?? [:]
                let n = g.memberIDs.reduce(0) { $0 + (counts[$1] ?? 0) }
                return AreaGroup(grouping: g.grouping, name: g.name, memberIDs: g.memberIDs, patients: n, population: g.population)
            }
        }
        var model = StudyModel(spec: spec, crs: crs, crsReason: crsReason, areas: areas, adjacency: adjacency, institutions: institutions,
                               anchorIndex: anchorIndex, outside: year.outside, flows: flows, groups: groups, diagnostics: diagnostics,
                               totalPatients: year.totalPatients)
        model.labelNotes = labelNotes
        model.institutionCoverage = institutionCoverage
        return model
    }

    /// The sources providing one of `kinds` whose coverage leaves out `areaID` at `level`.
    public func sourcesNotCovering(_ areaID: String, at level: AreaLevel, kinds: [String]) -> [InstitutionCoverage] {
        institutionCoverage.filter { c in
            (c.uncovered[level]?.contains(areaID) ?? false) && c.kinds.contains(where: kinds.contains)
        }
    }

    /// The levels present, finest first.
    public var levels: [AreaLevel] { AreaLevel.allCases.filter { areas[$0] != nil } }

    /// All patients in the study: those in areas at the level where the patient table was matched,
    /// plus the outside bucket. Equal to the sum of the patient table's counts after filters.
    public let totalPatients: Int

    /// The area with `id` at `level`.
    public func area(_ id: String, at level: AreaLevel) -> Area? {
        guard let list = areas[level] else { return nil }
        return Self.binarySearch(list, id).map { list[$0] }
    }

    /// The index of the area with `id` in ``areas``[level].
    public func areaIndex(_ id: String, at level: AreaLevel) -> Int? {
        areas[level].flatMap { Self.binarySearch($0, id) }
    }

    static func binarySearch(_ list: [Area], _ id: String) -> Int? {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo].id == id ? lo : nil
    }

    /// The anchor institution.
    public var anchor: Institution? { anchorIndex.map { institutions[$0] } }
}

/// One other year's patient counts (`planning.sensitivity.years`), read like `patients:`.
public struct PatientYear: Sendable {
    public let label: String
    /// Patients per area id by level; absent where the table has no row at or below the area.
    public let patients: [AreaLevel: [String: Int]]
    public let outside: OutsideBucket
    public let totalPatients: Int
}
