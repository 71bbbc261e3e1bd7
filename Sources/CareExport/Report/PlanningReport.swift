import CareAtlas
import CareMaps
import CarePrivacy
import Foundation

/// The report's pages for the study's `planning:` section: role sharing, meeting groups, the survey
/// list, how sure the staged choice is, and equity of access per stage; each table as published
/// (``PlanningExport``), each part that could not run with its reason.
enum PlanningReport {
    static func blocks(_ r: StudyResults, tables: [String: Table], language: MapLanguage) -> [ReportDocument.Block] {
        guard let p = r.planning else { return [] }
        var b: [ReportDocument.Block] = [.heading(level: 2, text: "連携業務の計画 Planning the liaison work")]
        func table(_ file: String, title: String, shown: Int = 30, columns: [String]? = nil) {
            guard let t = tables[file] else { return }
            let (header, rows) = columns.map { t.selecting($0) } ?? (t.header, t.rows)
            b.append(.table(title: title, columns: header,
                            rows: rows.map { row in zip(header, row).map { PeopleFormat.cell($0, $1, language: language) } },
                            shownRows: shown, file: file))
        }
        if let unavailable = Optional(p.unavailable), !unavailable.isEmpty { b.append(.list(unavailable)) }
        if let rs = p.roleSharing?.value {
            b.append(.heading(level: 3, text: "拠点病院間の役割分担 Role sharing among base hospitals"))
            let status = rs.solution.optimal ? "最適性を証明済み proven optimal"
                : String(format: "最適性は未証明、ギャップ %.2f %% not proven optimal, gap %.2f %%", rs.solution.gap * 100, rs.solution.gap * 100)
            let loads = rs.districts.map { d in
                "\(d.hospitalName): \(d.areaIDs.count) 地域、\(rs.demandMeasure) \(Format.count(d.demand))（目標 \(Format.count(d.target.rounded()))、比 \(Format.number(d.loadRatio, decimals: 2))）"
            }
            var text = "対象 \(rs.region) の各地域を、\(rs.capacityMeasure) を持つ拠点病院のいずれか一つに割り当てた案。各病院の担当地域は連結で、需要（\(rs.demandMeasure)、65歳以上人口を緩和ケア需要の代理とする）は病床数の比に応じた目標の ±\(Int((rs.tolerance * 100).rounded())) % 以内、需要で重み付けた距離の合計が最小（\(status)）。"
                + loads.joined(separator: "；") + "。"
            if rs.comparedWithFlows {
                let changed = rs.areas.filter { $0.changed == true }.count
                text += "現在の患者の流れ（最多の病院、plurality service area）と比べて \(changed) 地域の担当が変わる。"
            }
            text += " Districts of \(rs.region), one per base hospital: contiguous, each hospital's expected demand (\(rs.demandMeasure)) within ±\(Int((rs.tolerance * 100).rounded())) % of its capacity share, least demand-weighted distance; \(rs.solution.optimal ? "proven optimal" : String(format: "gap %.2f %%", rs.solution.gap * 100))."
            b.append(.paragraph(text))
            if rs.level == r.level {
                b.append(.map(key: "role_sharing", caption: "拠点病院ごとの担当地域の案（■ 拠点病院）。地図ファイル map_role_sharing、レイヤー role_sharing。"
                    + " Proposed district of each base hospital (■ the hospitals); file map_role_sharing, layer role_sharing."))
            }
            table("role_sharing_districts.csv", title: "担当地域 Districts")
            table("role_sharing.csv", title: "地域ごとの担当と現在の流れ Areas: proposed and today's hospital", shown: 40)
        }
        if let m = p.meetings?.value {
            b.append(.heading(level: 3, text: "地域連携の会 Meeting groups"))
            b.append(.paragraph("\(m.spec.region) の連携先（共有患者 \(m.spec.minShared) 人以上）を \(m.meetings.count) 回の会に分けた案（\(m.spec.by == .ward ? "区市町村ごと" : "地理的なクラスタ")、1回 \(m.spec.maxSize) 施設まで）。会場の候補は各会の中心（他の施設との距離の和が最小の施設）の地域。共有患者数は区分（\(r.policy.minCell)+ / \(r.policy.suppressedLabel)）でのみ示す。"
                + (m.notes.isEmpty ? "" : " " + m.notes.joined(separator: "; ") + ".")
                + " Partners grouped into meetings with a suggested venue area; shared patients in bands only."))
            table("meetings.csv", title: "会ごとの招待先 Invitees per meeting", shown: 60,
                  columns: ["meeting", "venue_area_name", "ward_name", "name", "kind", "shared_patients"])
        }
        if let s = p.survey?.value {
            b.append(.heading(level: 3, text: "アンケート送付先 Survey list"))
            b.append(.paragraph("\(s.spec.region) の\(s.spec.kinds.isEmpty ? "全ての" : s.spec.kinds.joined(separator: "・") + " の")医療機関 \(s.entries.count) 施設（重複 \(s.merged.count) 件を統合）。全件は survey.csv（Excel 用は --excel）。"
                + " Every institution of the chosen kinds in the region, de-duplicated; the full list is survey.csv."))
            table("survey.csv", title: "送付先 Survey list", shown: 20, columns: ["area_name", "kind", "name", "roles", "address", "postal_code"])
        }
        if let u = p.uncertainty?.value {
            b.append(.heading(level: 3, text: "選択の確からしさ How sure the choice is"))
            b.append(.paragraph("患者数を \(u.spec.model == .poisson ? "ポアソン分布" : "多項分布") で \(u.spec.draws) 回再標本化（seed \(u.spec.seed)）し、各地域が患者割合の診療圏・予算付き段階の圏域に入る確率と、各段階の患者割合の95%区間を求めた。確率は患者数を公表している地域のみ表示（秘匿セルは x）。"
                + " Counts resampled \(u.spec.draws) times (seeded): per area the probability of being in each share catchment and each budget stage's region (shown only where the count is shown), per stage the interval of its share."
                + (u.budgetStages.contains { !$0.heuristicMatchesExact } ? " 予算付き段階の一部で、観測値での局所探索が厳密解から離れる。 For some budget stages the local search moves away from the exact region on the observed counts." : "")))
            table("uncertainty_stages.csv", title: "段階の患者割合と再標本化区間 Stage shares and resampling intervals", shown: 30)
            table("uncertainty_areas.csv", title: "地域が圏域に入る確率 Probability of being inside", shown: 30)
        }
        if !p.equity.isEmpty {
            b.append(.heading(level: 3, text: "アクセスの公平性 Equity of access"))
            b.append(.paragraph("各段階の圏域内で、65歳以上人口で重み付けたアクセス指標（2SFCA）のジニ係数とタイル指数（Ipea accessibility の定義）。ローレンツ曲線は lorenz.csv。"
                + " Gini and Theil T of the 2SFCA scores over the 65+ population inside each stage (as Ipea's accessibility defines them); the Lorenz curves are in lorenz.csv."))
            table("equity.csv", title: "段階別の公平性 Equity per stage", shown: 30)
        }
        return b
    }

    /// One sentence per stage of the first plan (the decision page's plan): under which settings of
    /// `planning.sensitivity` its region holds, and what changes otherwise; read off the published
    /// `sensitivity.csv` only. Empty without it.
    static func sensitivityLines(_ r: StudyResults, tables: [String: Table]) -> [String] {
        guard let t = tables["sensitivity.csv"], let plan = r.scenarios?.plans.first else { return [] }
        let col = Dictionary(uniqueKeysWithValues: t.header.enumerated().map { ($1, $0) })
        func v(_ row: [String], _ name: String) -> String { col[name].map { row[$0] } ?? "" }
        func names(_ text: String) -> String { text.split(separator: " ").joined(separator: "、") }
        let rows = t.rows.filter { v($0, "plan") == plan.name }
        var lines: [String] = []
        for (k, stage) in plan.stages.enumerated() {
            let mine = rows.filter { v($0, "stage_order") == String(k + 1) }
            guard !mine.isEmpty else { continue }
            var parts: [String] = []
            let thresholds = mine.filter { v($0, "factor") == PathSensitivity.Factor.threshold.rawValue }
            if !thresholds.isEmpty {
                let gaps = thresholds.map { row in "\(v(row, "setting"))\(v(row, "study_setting") == "yes" ? "（計画の設定）" : "") で \(v(row, "gap_areas"))" }
                parts.append("閾値を変えても圏域は同じ（閾値はどの段階の規則にも使われない）。圏域内の空白地域: " + gaps.joined(separator: "、"))
            }
            for factor in [PathSensitivity.Factor.budgetMeasure, .year] {
                let group = mine.filter { v($0, "factor") == factor.rawValue }
                guard !group.isEmpty else { continue }
                let what = factor == .year ? "患者数" : "予算の尺度"
                let same = group.filter { v($0, "same_region") == "yes" }.map { v($0, "setting") }
                var said: [String] = []
                if !same.isEmpty { said.append("\(what) \(same.joined(separator: "・")) でも同じ圏域") }
                for row in group where v(row, "same_region") != "yes" {
                    let setting = v(row, "setting")
                    switch v(row, "same_region") {
                    case "no":
                        var change: [String] = []
                        if !v(row, "dropped_area_names").isEmpty { change.append("\(names(v(row, "dropped_area_names"))) が外れ") }
                        if !v(row, "added_area_names").isEmpty { change.append("\(names(v(row, "added_area_names"))) が入る") }
                        said.append("\(setting) では " + change.joined(separator: "、"))
                    case "no_region": said.append("\(setting) では予算内の圏域がない")
                    default: said.append("\(setting) では非表示（秘匿のため）")
                    }
                }
                parts.append(said.joined(separator: "；"))
            }
            lines.append("段階\(k + 1)「\(stage.name)」: " + parts.joined(separator: "。") + "。")
        }
        return lines
    }

    /// The decision page's part of `planning.sensitivity`: ``sensitivityLines(_:tables:)`` and the
    /// first plan's rows of `sensitivity.csv`.
    static func decisionBlocks(_ r: StudyResults, tables: [String: Table], language: MapLanguage) -> [ReportDocument.Block] {
        let lines = sensitivityLines(r, tables: tables)
        guard !lines.isEmpty, let t = tables["sensitivity.csv"], let plan = r.scenarios?.plans.first else { return [] }
        func v(_ row: [String], _ name: String) -> String { t.header.firstIndex(of: name).map { row[$0] } ?? "" }
        var b: [ReportDocument.Block] = [.heading(level: 3, text: "進め方の頑健さ Sensitivity of the staged path")]
        b.append(.paragraph(sensitivityIntroduction))
        b.append(.list(lines))
        let (header, selected) = t.selecting(["stage_order", "stage", "factor", "setting", "same_region", "added_area_names", "dropped_area_names", "gap_areas"])
        let firstPlan = zip(t.rows, selected).filter { v($0.0, "plan") == plan.name }.map(\.1)
        b.append(.table(title: "段階の圏域の感度 Sensitivity per stage（\(plan.name)）", columns: header,
                        rows: firstPlan.map { row in zip(header, row).map { PeopleFormat.cell($0, $1, language: language) } },
                        shownRows: 40, file: "sensitivity.csv"))
        return b
    }

    static let sensitivityIntroduction = "各段階の圏域を、設定を一つずつ変えて求め直した結果（planning.sensitivity）。閾値は2SFCAの到達範囲（空白地域の判定）、予算の尺度は予算付き段階の負担を別の尺度で数え直したもの（上限はその段階の圏域の負担）、患者数は別の年度の患者数。地域名のみを示し、患者数は示さない。"
        + " The plan's stages evaluated again with one setting changed at a time: the access threshold (gap areas), the budget measure (each budget stage's region counted in another unit, its limit that region's workload), another year's patient counts. Area names only; no count is published."

    /// `decision.md`'s part: the heading, the introduction and the lines; "" without sensitivity.
    static func sensitivityMarkdown(_ r: StudyResults, tables: [String: Table]) -> String {
        let lines = sensitivityLines(r, tables: tables)
        guard !lines.isEmpty else { return "" }
        return "\n### 進め方の頑健さ Sensitivity of the staged path\n\n\(sensitivityIntroduction)\n\n" + lines.map { "- \($0)\n" }.joined()
    }

    static func methods(_ r: StudyResults) -> [ReportDocument.Block] {
        guard let p = r.planning else { return [] }
        var b: [ReportDocument.Block] = []
        if let rs = p.roleSharing?.value {
            b.append(.paragraph("役割分担: 連結制約付き・容量均衡の p-メディアン区割り（Hess et al. 1965; Kalcsics & Ríos-Mercado 2019）を整数計画で厳密に解く（COIN-OR CBC）。連結性は病院ごとの単一品種フロー（Shirabe 2005, Geogr. Anal. 37:2–16）。距離は地域の人口重心から病院までの直線距離。"
                + " Role sharing: contiguous, capacity-balanced p-median districting solved exactly with CBC; contiguity by one flow commodity per hospital (Shirabe 2005). \(rs.solution.columns) variables, \(rs.solution.rows) constraints."))
            b.append(.formula("min Σ_i Σ_h d_i δ_ih x_ih  s.t.  Σ_h x_ih = 1,  x_{r_h h} = 1,  (1−τ) D c_h / C ≤ Σ_i d_i x_ih ≤ (1+τ) D c_h / C,  Σ_u f^h_uv − Σ_w f^h_vw = x_vh (v ≠ r_h),  f^h_uv ≤ M x_uh, f^h_uv ≤ M x_vh"))
        }
        if let m = p.meetings?.value, m.spec.by == .cluster || m.meetings.count > 0 {
            b.append(.paragraph("会のグループ分け: 区市町村ごと、またはクラスタ（最遠点法で初期化した容量制約付き k-medoids; Gonzalez 1985, Park & Jun 2009）。 Meetings: by ward, or capacitated k-medoids seeded by farthest-point traversal."))
        }
        if p.uncertainty != nil {
            b.append(.paragraph("確からしさ: パラメトリック・ブートストラップ（Efron & Tibshirani 1993, ch. 6）。各回、患者割合の診療圏を作り直し、予算付き段階は観測値での厳密解から最適化の局所探索（連結を保つ交換・枝の削除・拡大）で圏域を求める（遠く離れた圏域への移動は過小評価しうる）。区間は2.5%・97.5%分位点（Hyndman & Fan type 7）。"
                + " Parametric bootstrap; per draw the share catchments are rebuilt and each budget stage's region is found by the optimiser's local search started from the exact observed region (a jump to a distant region may be understated); intervals are type-7 quantiles."))
        }
        if !p.equity.isEmpty {
            b.append(.formula("G = 1 − Σ_k (L_{k−1} + L_k) p_k ;   T = Σ_i w_i (x_i/μ) ln(x_i/μ) / Σ_i w_i"))
        }
        return b
    }
}
