import CareAtlas

/// The language of a map's fixed texts and area labels.
public enum MapLanguage: String, Sendable, Hashable, CaseIterable {
    case ja, en

    /// The fixed texts in this language.
    public var texts: MapTexts { self == .ja ? .japanese : .english }

    /// The label of an area on a map: its Japanese name, or for English its English name when the
    /// study has one and its code until then. The one place where this choice is made.
    public func areaLabel(name: String, code: String, englishName: String? = nil) -> String {
        switch self {
        case .ja: return name
        case .en: return englishName ?? code
        }
    }
}

/// Fixed texts of maps and printed documents in one language.
public struct MapTexts: Sendable, Hashable {
    public let noData: String
    public let hidden: String
    public let north: String
    public let legend: String
    public let boundaries: String
    public let anchor: String
    public let page: String
    public let patientsTitle: String
    public let patientsLegend: String
    public let penetrationTitle: String
    public let penetrationLegend: String
    public let accessTitle: String
    public let accessLegend: String
    public let gapsTitle: String
    public let gapsLegend: String
    public let stagesTitle: String
    public let stagesLegend: String
    public let outsideStages: String
    public let period: String
    public let classesQuantile: String
    public let classesJenks: String
    public let classesFixed: String

    public static let japanese = MapTexts(
        noData: "データなし", hidden: "秘匿", north: "北", legend: "凡例", boundaries: "境界",
        anchor: "基幹病院", page: "ページ",
        patientsTitle: "患者数", patientsLegend: "患者数（人）",
        penetrationTitle: "65歳以上人口1万人あたり患者数", penetrationLegend: "患者数／65歳以上1万人",
        accessTitle: "アクセス指標（フローティングキャッチメント）", accessLegend: "アクセス指標",
        gapsTitle: "アクセスの空白地域", gapsLegend: "空白の種類",
        stagesTitle: "段階的な対象地域", stagesLegend: "段階", outsideStages: "いずれの段階にも含まれない",
        period: "対象期間", classesQuantile: "分位数", classesJenks: "自然分類（Fisher–Jenks）", classesFixed: "固定区分")

    public static let english = MapTexts(
        noData: "no data", hidden: "hidden", north: "N", legend: "Legend", boundaries: "Boundaries",
        anchor: "Anchor hospital", page: "Page",
        patientsTitle: "Patients", patientsLegend: "Patients",
        penetrationTitle: "Patients per 10,000 aged 65+", penetrationLegend: "Patients / 10,000 aged 65+",
        accessTitle: "Access score (floating catchment)", accessLegend: "Access score",
        gapsTitle: "Access gaps", gapsLegend: "Gap class",
        stagesTitle: "Staged target regions", stagesLegend: "Stage", outsideStages: "in no stage",
        period: "Period", classesQuantile: "quantiles", classesJenks: "natural breaks (Fisher–Jenks)", classesFixed: "fixed classes")

    /// The name of an institution kind in this language (known kinds; others as given).
    public func kindName(_ kind: String) -> String {
        let ja = self == .japanese
        switch kind {
        case "hospital": return ja ? "病院" : "Hospital"
        case "pcu_hospital": return ja ? "緩和ケア病棟のある病院" : "Hospital with PCU"
        case "cancer_base_hospital": return ja ? "がん診療連携拠点病院" : "Cancer base hospital"
        case "homecare_clinic": return ja ? "在宅療養支援診療所" : "Home-care clinic"
        case "visiting_nurse_station", "visiting_nurse": return ja ? "訪問看護ステーション" : "Visiting-nurse station"
        case "clinic": return ja ? "診療所" : "Clinic"
        default: return kind
        }
    }
}
