import CareGeometry
import Foundation

/// Levels of the area hierarchy, finest first: 小地域 → 市区町村 → 二次医療圏 → 都道府県.
public enum AreaLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case smallArea = "small_area"
    case municipality
    case secondaryMedicalArea = "secondary_medical_area"
    case prefecture

    var rank: Int {
        switch self {
        case .smallArea: return 0
        case .municipality: return 1
        case .secondaryMedicalArea: return 2
        case .prefecture: return 3
        }
    }
    public static func < (a: AreaLevel, b: AreaLevel) -> Bool { a.rank < b.rank }

    /// Japanese label for outputs.
    public var japaneseName: String {
        switch self {
        case .smallArea: return "小地域"
        case .municipality: return "市区町村"
        case .secondaryMedicalArea: return "二次医療圏"
        case .prefecture: return "都道府県"
        }
    }
}

/// Text encoding of an input table: detected (`auto`, the default) or forced.
public enum InputEncoding: String, Sendable, CaseIterable {
    case auto, utf8 = "utf-8", cp932
}

/// What a study file (`study.yaml`) says, with every path resolved against the study file's folder.
/// Documented, with a commented example, in `geodata/README.md`.
public struct StudySpec: Sendable {
    public var name: String
    /// The data period shown in subtitles, e.g. "2023年度".
    public var period: String
    /// The date printed on reports (never the clock, so reruns are byte-identical).
    public var reportDate: String
    /// `nil` means automatic (see ``MetricCRS``).
    public var crs: CRS?
    public var minCell: Int
    public var areas: [AreaLayerSpec]
    public var population: [PopulationSpec]
    public var patients: PatientSpec?
    /// Patient flows of several hospitals (origin × hospital), for plurality service areas.
    public var flows: FlowSpec?
    public var institutions: [InstitutionLayerSpec]
    public var groupings: [GroupingSpec]
    public var anchor: String?
    /// Staged target-region plans (nil when the study has no `scenarios:` section).
    public var scenarios: ScenarioSpec?
    /// Credit lines for the data, printed on every map and report.
    public var credits: [String]
    /// The study file itself.
    public var file: URL
    /// Per input file: layer, sheet, header row or registry source (see ``InputFileOptions``).
    public var fileOptions: [URL: InputFileOptions] = [:]
    /// How far an area is from an institution (`cost:`; straight-line metres by default).
    public var cost: StudyCostSpec = .straightLine
    /// Role sharing, meeting groups, survey lists and resampling (`planning:`; nil when absent).
    public var planning: PlanningSpec? = nil
}

public struct AreaLayerSpec: Sendable {
    public var name: String
    public var file: URL
    public var level: AreaLevel
    public var idField: String
    /// The first (or only) label field.
    public var nameField: String
    /// Every label field (`label: [N03_003, N03_004]`): the label is their non-empty values joined
    /// without a separator (横浜市 + 南区 → 横浜市南区). One field when `label:` is a single value.
    public var nameFields: [String] = []
    /// Field holding the English name (`label_en:`), for maps drawn with `--lang en`.
    public var nameEnglishField: String?
    /// Field holding the code of the containing area one level up (optional: otherwise the code
    /// prefix, otherwise the position decides).
    public var parentField: String?
    /// Features whose id is null or empty are dropped and counted (N03's 所属未定地); default true.
    public var dropNullIds: Bool
    /// Features whose listed field equals one of the values are dropped and counted.
    public var dropWhere: [String: [String]]
    /// Multi-row areas (e-Stat small areas split into parts) are merged by id when true.
    public var mergeDuplicateIds: Bool
    public var encoding: InputEncoding
}

public struct PopulationSpec: Sendable {
    public var file: URL
    public var level: AreaLevel
    public var idField: String
    /// Output name → column: `total`, `aged65`, and any other named measure.
    public var columns: [String: String]
    /// Rows kept only when every listed column equals the value (e.g. `edition_year: 2023`).
    public var filter: [String: String]
    public var encoding: InputEncoding
}

public struct PatientSpec: Sendable {
    public var file: URL
    public var codeField: String
    public var countField: String
    public var nameField: String?
    public var filter: [String: String]
    /// Columns whose values break the counts down (e.g. `service`), kept per area.
    public var breakdown: [String]
    public var encoding: InputEncoding
    /// Set when the patients come as one row per patient or episode (`records:`), geocoded at load.
    public var records: PatientRecordsSpec? = nil
}

public struct FlowSpec: Sendable {
    public var file: URL
    public var originField: String
    public var hospitalField: String
    public var countField: String
    public var filter: [String: String]
    public var encoding: InputEncoding
}

public struct InstitutionLayerSpec: Sendable {
    public var file: URL
    public var idField: String
    public var nameField: String
    /// The column holding the kind, or nil when ``kindValue`` gives one kind for the whole layer.
    public var kindField: String?
    public var kindValue: String?
    /// Position columns: lon/lat (degrees) or x/y (in ``crs``); GeoJSON layers use their geometry.
    public var xField: String?
    public var yField: String?
    public var positionIsLonLat: Bool
    public var crs: CRS
    /// Output name → column, e.g. `beds: beds`, `pcu_beds: pcu_beds`.
    public var capacity: [String: String]
    /// Further columns carried to outputs as text (e.g. `cancer_base`).
    public var attributes: [String]
    public var sharedPatientsField: String?
    /// Column with the area code the source claims (checked against the position).
    public var areaCodeField: String?
    public var encoding: InputEncoding
    /// `covers:` — where the source is complete: area codes or code prefixes (`"13"`: Tokyo,
    /// `"13105"`) or group names (`区中央部`). Empty: inferred (a registry's `prefectures:`, else the
    /// whole study). Outside it, access and gaps of the source's kinds are "no data".
    public var covers: [String] = []
}

public struct GroupingSpec: Sendable {
    /// The grouping's name, e.g. `secondary_medical_area`.
    public var name: String
    public var file: URL
    public var codeField: String
    public var groupField: String
    /// The level of the codes (default municipality).
    public var level: AreaLevel
    public var encoding: InputEncoding
}

extension StudySpec {
    /// Every file the study reads, the study file first.
    public var inputFiles: [URL] {
        [file] + areas.map(\.file) + population.map(\.file) + [patients?.file, flows?.file].compactMap { $0 }
            + (patients?.records?.referenceFiles ?? [])
            + institutions.map(\.file) + groupings.map(\.file) + cost.inputFiles
            + (planning?.sensitivity?.years.compactMap(\.file) ?? [])
    }
}

extension StudyModel {
    /// Every file the study reads, the study file first.
    public var inputFiles: [URL] { spec.inputFiles }
}
