import CareAtlas
import CarePrivacy
import Foundation

/// Builds the meeting report's content from a study's results.
public enum ReportBuilder {
    /// The maps the report shows, by key, in order (rendered by `CareMaps`).
    public static let mapKeys = ["patients", "penetration", "access", "gaps", "stages"]

    public static func document(_ r: StudyResults, tables: [String: Table]) -> ReportDocument {
        let spec = r.model.spec
        let policy = r.policy
        var blocks: [ReportDocument.Block] = []
        func table(_ file: String, _ columns: [String]? = nil, shown: Int = 30, title: String? = nil) {
            guard let t = tables[file] else { return }
            let (header, rows) = columns.map { t.selecting($0) } ?? (t.header, t.rows)
            blocks.append(.table(title: title ?? t.title, columns: header, rows: rows, shownRows: shown, file: file))
        }

        // 1. Key figures.
        blocks.append(.heading(level: 2, text: "1. 概要 Summary"))
        var summary = ["対象患者 \(policy.label(r.model.totalPatients)) 人（うち対象地域外・不明 \(r.outsidePatientsLabel) 人）。"]
        if let anchor = r.model.anchor { summary.append("基幹病院: \(anchor.name)。") }
        if let s = r.scenarios, let plan = s.plans.first {
            let mask = r.disclosure.stageMasks(s).first ?? []
            for (stage, hidden) in zip(plan.stages, mask) {
                let share = hidden ? "非表示" : Format.percent(stage.share) + " %"
                summary.append("段階「\(stage.name)」: \(stage.areaIDs.count) 地域、患者 \(policy.label(stage.patients, secondary: hidden)) 人（\(share)）、連携先 \(stage.engagedInstitutions) 施設。")
            }
        }
        blocks.append(.list(summary))
        blocks.append(.paragraph("患者数が \(policy.minCell) 未満のセルは「\(policy.suppressedLabel)」、他のセルの秘匿を守るために隠したセルは「\(SmallCellPolicy.secondaryLabel)」と表示しています。"
            + " Counts below \(policy.minCell) are shown as \(policy.suppressedLabel); cells hidden to protect another are shown as \(SmallCellPolicy.secondaryLabel)."))

        // 2. Maps.
        blocks.append(.heading(level: 2, text: "2. 地図 Maps"))
        blocks.append(.map(key: "patients", caption: "患者の居住地（\(r.level.japaneseName)別患者数）Patients by area"))
        blocks.append(.map(key: "penetration", caption: "65歳以上人口1万人あたり患者数 Patients per 10,000 aged 65+"))
        if r.access != nil {
            blocks.append(.map(key: "access", caption: "在宅医療へのアクセス（2SFCA）Access to home care"))
            blocks.append(.map(key: "gaps", caption: "アクセスのギャップ Access gaps"))
        }
        if r.scenarios != nil { blocks.append(.map(key: "stages", caption: "段階的な連携圏域 Staged regions")) }

        // 3. Stages.
        if let s = r.scenarios {
            blocks.append(.heading(level: 2, text: "3. 段階別の比較 Stage comparison"))
            table("scenario_stages.csv", ["plan", "stage_order", "stage", "areas", "patients", "share_percent", "share_ci95_lower_percent",
                                          "share_ci95_upper_percent", "marginal_patients", "aged65", "engaged_institutions",
                                          "patients_per_institution", "gap_areas", "max_distance_km"], shown: 40)
            table("scenario_comparison.csv")
            if let f = s.frontier {
                blocks.append(.paragraph("予算（\(f.measure.rawValue)）ごとの最適な連結圏域。屈曲点（Kneedle）: \(f.kneeBudget.map(String.init) ?? "なし")。"
                    + " The best connected region for each budget; knee of the curve at \(f.kneeBudget.map(String.init) ?? "none")."))
                table("scenario_frontier.csv", ["budget_\(f.measure.rawValue)", "patients", "share_percent", "optimal", "knee", "areas"], shown: 40)
                table("scenario_path.csv", ["step", "budget_\(f.measure.rawValue)", "patients", "marginal_patients", "areas"])
            }
            blocks.append(.heading(level: 3, text: "連携先リスト Liaison list"))
            blocks.append(.paragraph("各段階の圏域内で、患者を共有している医療機関（共有患者数の多い順）。Institutions in each stage's region that share patients, most shared first."))
            table("liaison.csv", ["stage", "ward_name", "rank", "name", "kind", "shared_patients"], shown: 40)
        }

        // 4. Catchments and areas.
        blocks.append(.heading(level: 2, text: "4. 診療圏と地域 Catchments and areas"))
        table("catchments.csv", ["target_share_percent", "method", "reached", "areas", "patients", "share_percent", "aged65", "area_km2"])
        table("areas.csv", ["rank", "area_code", "area_name", "group", "patients", "share_percent", "aged65",
                            "penetration_per_10k_aged65", "ci95_lower_per_10k", "ci95_upper_per_10k", "access_score", "gap_class"], shown: 30)
        if tables["gaps.csv"] != nil { table("gaps.csv", shown: 20) }
        table("institutions.csv", ["role", "name", "kind", "area_name", "shared_patients"], shown: 30)

        // 5. Methods.
        blocks.append(.heading(level: 2, text: "5. 方法 Methods"))
        blocks += methods(r)

        // 6. Sources.
        blocks.append(.heading(level: 2, text: "6. データと出典 Data and credits"))
        var inputs = r.model.inputFiles.map { $0.lastPathComponent }
        inputs = Array(Set(inputs)).sorted()
        blocks.append(.list(["入力ファイル Input files: " + inputs.joined(separator: ", "),
                             "座標系 CRS: \(r.model.crs) (\(r.model.crsReason))",
                             "データ期間 Data period: \(spec.period)"] + recordLines(r) + spec.credits))

        return ReportDocument(
            title: spec.name, subtitle: "\(spec.period)　緩和ケア地域連携の検討 Regional liaison planning", date: spec.reportDate,
            notice: policy.isSuppressing ? nil : SmallCellPolicy.internalNotice, credits: spec.credits, blocks: blocks)
    }

    /// The geocoding of patient records, when the study gives records: records per match level,
    /// with the small-cell rule (they are counts of patients).
    static func recordLines(_ r: StudyResults) -> [String] {
        guard !r.model.recordMatches.isEmpty else { return [] }
        let levels = r.model.recordMatches.map { "\($0.level) \(r.policy.label($0.records))" }.joined(separator: "、")
        let english = r.model.recordMatches.map { "\($0.englishName) \(r.policy.label($0.records))" }.joined(separator: ", ")
        return ["患者記録の住所照合 Patient records geocoded offline (Japan Post postal table, e-Stat small areas): \(levels) (\(english)); unplaced records are kept in the outside bucket"]
    }

    static func methods(_ r: StudyResults) -> [ReportDocument.Block] {
        var b: [ReportDocument.Block] = []
        b.append(.paragraph("割合は対象地域外・不明を含む全患者に対する割合。Shares are of all patients, the outside bucket included."))
        b.append(.formula("share_i = n_i / N"))
        b.append(.paragraph("浸透率（65歳以上人口1万人あたり）とWilsonの95%信頼区間（Wilson 1927, JASA 22:209–212）。Penetration per 10,000 aged 65+ with the Wilson score interval:"))
        b.append(.formula("r_i = 10000 · n_i / P65_i ;  CI = 10000 · (p + z²/2m ± z·√(p(1−p)/m + z²/4m²)) / (1 + z²/m),  p = n_i/m, m = P65_i, z = 1.96"))
        b.append(.paragraph("診療圏: 患者数の多い順に地域を加え、目標割合（50/75/90%）に達するまで（Garnick et al. 1987, Health Serv Res 22:69–89）。連結版は基幹病院の地域から隣接地域へ貪欲に拡大。"
            + " Catchments take areas by patients until a target share; the contiguous version grows greedily from the anchor's area over rook adjacency."))
        if let g = r.model.spec.scenarios?.gaps {
            b.append(.paragraph("アクセス指標: 2段階浮動集水域法 2SFCA（Luo & Wang 2003, Environ Plan B 30:865–884; PySAL access と同じ定義）。"
                + "供給: \(g.kinds.joined(separator: ", ")) の \(g.capacity)、需要: 65歳以上人口（人口重心）、距離閾値 d0 = \(Format.count(g.thresholdMeters)) m（直線距離、平面直角座標系）。"))
            b.append(.formula("R_j = S_j / Σ_{i: d_ij ≤ d0} P_i ;   A_i = Σ_{j: d_ij ≤ d0} R_j"))
            b.append(.paragraph("ギャップ: (1) アクセスが下位20%かつニーズが中央値超、(2) 閾値内に供給なし、(3) 必要な種別の最寄りが \(Format.number(g.withinKm, decimals: 0)) km 超（往診・訪問診療の16 km規則）。"
                + " Gaps: lowest-quintile access with above-median need; no supply in reach; nearest required provider beyond the distance limit."))
        }
        if r.scenarios != nil {
            b.append(.paragraph("段階: 計画の各段階は前段階を含む（入れ子）。予算付き段階は、基幹病院の地域を含む連結な圏域のうち患者数最大のものを整数計画（単一品種フロー定式化、COIN-OR CBC）で厳密に求める。"
                + "予算曲線の屈曲点は Kneedle（Satopää et al. 2011, ICDCS Workshops）。"
                + " Budget stages are exact: the connected region containing the anchor's area with the most patients within the budget (integer programme, single-commodity flow, CBC); the knee by Kneedle."))
            b.append(.formula("max Σ_i n_i x_i  s.t.  Σ_i c_i x_i ≤ B,  x_anchor = 1,  region connected,  x_i ∈ {0, 1}"))
        }
        let m = r.policy.minCell
        b.append(.paragraph("秘匿: 患者数 1〜\(m - 1) は「\(r.policy.suppressedLabel)」。公表する全ての合計と順位から整数計画で各秘匿セルの取り得る範囲を求め（攻撃者モデル）、どの「\(r.policy.suppressedLabel)」セルも 1〜\(m - 1) の全ての値を取り得るまで、他のセル（「x」）または重要度の低い合計を隠す。秘匿した行には順位を付けず、地域コード順に並べる（圏域の構成が示す順序と圏域の打ち切り規則は未対応）。"
            + " Disclosure control: for every cell shown as \(r.policy.suppressedLabel), an attacker with an integer-programming solver who reads every published total and rank can still place it anywhere in 1 … \(m - 1); complementary cells (x) or less important totals are hidden until that holds (Hundepool et al. 2012, ch. 7). Hidden rows carry no rank and are listed by code. Not yet modelled: the order implied by catchment membership, and a catchment's stopping rule."))
        return b
    }
}
