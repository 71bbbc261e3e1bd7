import CareAtlas
import CareMaps
import Foundation

/// The meeting report's content, independent of its format: the HTML report and its PDF twin
/// are both rendered from one document, so they say the same thing.
public struct ReportDocument: Sendable {
    /// One piece of content.
    public enum Block: Sendable {
        case heading(level: Int, text: String)
        case paragraph(String)
        /// Items of a bulleted list.
        case list([String])
        /// A formula line (rendered in a monospace block).
        case formula(String)
        /// A table: its title, column names (machine names; renderers add people's labels), rows,
        /// how many rows the page shows, and the CSV beside the report that has all of them.
        case table(title: String, columns: [String], rows: [[String]], shownRows: Int, file: String?)
        /// A map, by its key in the report's map set, with a caption.
        case map(key: String, caption: String)
        /// A chart (SVG in the page, Cairo in the PDF) with a caption.
        case chart(ChartDrawing, caption: String)
    }

    public var title: String
    public var subtitle: String
    public var date: String
    /// "internal — contains small counts" when suppression is off.
    public var notice: String?
    public var credits: [String]
    public var blocks: [Block]
}

/// People's labels for the machine column names of the report's tables (Japanese with the unit).
enum ColumnLabels {
    static let japanese: [String: String] = [
        "rank": "順位", "area_code": "地域コード", "area_name": "地域名", "group": "二次医療圏", "patients": "患者数（人）",
        "share_percent": "割合（%）", "population": "人口（人）", "aged65": "65歳以上人口（人）",
        "penetration_per_10k_aged65": "65歳以上1万人あたり患者数", "ci95_lower_per_10k": "95%CI下限", "ci95_upper_per_10k": "95%CI上限",
        "access_score": "アクセス指標（65歳以上1,000人あたり）", "gap_class": "ギャップ区分", "area_km2": "面積（km²）",
        "plan": "計画", "stage_order": "段階", "stage": "段階名", "rule": "規則", "areas": "地域数",
        "share_ci95_lower_percent": "割合95%CI下限（%）", "share_ci95_upper_percent": "割合95%CI上限（%）",
        "marginal_patients": "追加患者数（人）", "engaged_institutions": "圏域内の在宅医療機関数", "patients_per_institution": "在宅医療機関あたり患者数",
        "added_area_names": "加わる地域", "marginal_share_percent": "追加割合（%）", "providers": "圏域内の在宅医療機関数",
        "partners": "連携先数（患者共有あり）", "new_partners": "新規の連携先数", "patients_per_partner": "連携先あたり患者数",
        "gap_area_names": "空白地域", "shortlist_10plus": "10人以上共有の連携先", "ward_code": "区市町村コード", "band": "共有患者数の区分",
        "share_ci95_percent": "割合95%CI（%）", "budget": "予算", "marginal_patients_per_unit": "予算1単位あたり追加患者数",
        "budget_max_population": "予算（人口）", "population_label": "人口",
        "gap_areas": "ギャップ地域数", "mean_distance_km": "平均距離（km）", "max_distance_km": "最大距離（km）",
        "target_share_percent": "目標割合（%）", "method": "方法", "reached": "到達", "role": "役割", "institution_id": "医療機関ID",
        "name": "名称", "kind": "種別", "shared_patients": "共有患者数（人）", "severity_rank": "深刻度順", "reasons": "理由",
        "need_aged65": "ニーズ（65歳以上人口）", "ward_name": "区市町村", "budget_areas": "予算（地域数）",
        "budget_institutions": "予算（医療機関数）", "knee": "屈曲点", "optimal": "最適性証明", "step": "手順",
        "final_stage": "最終段階", "stages": "段階数", "feasible": "実行可能",
    ]

    /// The Japanese label with its unit, or nil for columns without one.
    static func label(_ column: String) -> String? { japanese[column] }
}

extension Table {
    /// The columns named, in that order (absent names are skipped).
    func selecting(_ names: [String]) -> (header: [String], rows: [[String]]) {
        let indices = names.compactMap { header.firstIndex(of: $0) }
        return (indices.map { header[$0] }, rows.map { row in indices.map { row[$0] } })
    }
}
