import CareAtlas
import CareMaps
import CarePrivacy
import Foundation

/// Builds the meeting report's content from a study's results.
public enum ReportBuilder {
    /// The maps the report shows, by key, in order (rendered by `CareMaps`).
    public static let mapKeys = ["patients", "penetration", "access", "gaps", "stages", "drive_time"]

    /// The most columns one table of the pages shows; wider tables are split into parts that
    /// repeat their key columns (a structural rule that keeps every table inside a 1200 px page and
    /// the PDF's text width).
    static let maxColumns = 8

    /// Japanese titles of the tables (the CSV and Markdown files keep the English ones).
    static let tableTitles = [
        "Stages": "段階別の指標 Stages", "Plans compared": "計画の比較 Plans compared", "Frontier": "予算と患者カバー率 Frontier",
        "Recommended path": "推奨経路 Recommended path", "Liaison lists": "連携先リスト Liaison list",
        "Patient-share catchments": "患者割合の診療圏 Patient-share catchments", "Access gaps": "アクセスの空白地域 Access gaps",
        "Institutions": "医療機関 Institutions",
    ]

    public static func document(_ r: StudyResults, tables: [String: Table], language: MapLanguage = .ja) -> ReportDocument {
        let spec = r.model.spec
        let policy = r.policy
        var blocks: [ReportDocument.Block] = []
        /// A table of the pages: the columns named, cells shown for people (``PeopleFormat``), split
        /// when wider than ``maxColumns`` (each part repeating `keys`), one table per value of
        /// `groupBy` (its value as the title, the column left out).
        func table(_ file: String, _ columns: [String]? = nil, shown: Int = 30, title: String? = nil, keys: [String] = [],
                   groupBy: String? = nil, rename: [String: String] = [:]) {
            guard let t = tables[file] else { return }
            var (header, rows) = columns.map { t.selecting($0) } ?? (t.header, t.rows)
            header = header.map { rename[$0] ?? $0 }
            var groups: [(String?, [[String]])] = [(nil, rows)]
            var cols = header
            if let g = groupBy, let gi = header.firstIndex(of: g) {
                var order: [String] = []
                var byValue: [String: [[String]]] = [:]
                for row in rows {
                    if byValue[row[gi]] == nil { order.append(row[gi]) }
                    var rest = row
                    rest.remove(at: gi)
                    byValue[row[gi], default: []].append(rest)
                }
                groups = order.map { ($0, byValue[$0]!) }
                cols.remove(at: gi)
            }
            for (value, groupRows) in groups {
                let formatted = groupRows.map { row in zip(cols, row).map { PeopleFormat.cell($0, $1, language: language) } }
                let base = [title ?? tableTitles[t.title] ?? t.title, value].compactMap { $0 }.joined(separator: " — ")
                let keyIndices = keys.compactMap { cols.firstIndex(of: $0) }
                let rest = cols.indices.filter { !keyIndices.contains($0) }
                let per = max(1, maxColumns - keyIndices.count)
                let parts = cols.count <= maxColumns ? [rest] : stride(from: 0, to: rest.count, by: per).map { Array(rest[$0..<min($0 + per, rest.count)]) }
                for (k, part) in parts.enumerated() {
                    let idx = cols.count <= maxColumns ? cols.indices.map { $0 } : keyIndices + part
                    blocks.append(.table(title: parts.count > 1 ? "\(base)（\(k + 1)/\(parts.count)）" : base, columns: idx.map { cols[$0] },
                                         rows: formatted.map { row in idx.map { row[$0] } }, shownRows: shown, file: file))
                }
            }
        }

        /// A paragraph saying why an analysis is absent, where it would appear.
        func absent(_ japanese: String, _ english: String, _ reason: String?) {
            guard let reason else { return }
            blocks.append(.paragraph("\(japanese)は計算できませんでした。 \(english) not available: \(reason)."))
        }

        // 1. The decision.
        if r.scenarios == nil, let reason = r.unavailable.scenarios {
            blocks.append(.heading(level: 2, text: "1. 判断のための要約 Decision"))
            absent("段階的な計画", "Staged plans", reason)
        }
        if let d = DecisionPage.build(r, language: language) {
            blocks.append(.heading(level: 2, text: "1. 判断のための要約 Decision"))
            blocks.append(.paragraph("段階的な進め方（計画「\(d.planName)」）。各段階の地域、患者数と全患者に占める割合（95%信頼区間）、前段階からの増加、連携の負担、アクセスの空白地域。"
                + "「連携先」は、段階の圏域内で既に患者を共有している在宅医療機関（連携対象の種別）を指します。"
                + " The staged path of the first plan: areas, patients and share (95 % CI), gain over the previous stage, workload and gaps. A partner (連携先) is a provider of the liaison kinds inside the region that already shares patients."))
            blocks.append(.list(d.stageLines(minCell: policy.minCell)))
            var t = d.table
            t.title = "段階別の要約 Stages of the path"
            func decisionTable() {
                let columns = ["stage_order", "stage", "added_area_names", "patients", "share_percent", "share_ci95_lower_percent",
                               "share_ci95_upper_percent", "marginal_patients", "partners", "new_partners", "patients_per_partner",
                               "providers", "gap_area_names"]
                let (header, rows) = t.selecting(columns)
                let formatted = rows.map { row in zip(header, row).map { PeopleFormat.cell($0, $1, language: language) } }
                let first = ["stage_order", "stage", "added_area_names", "patients", "share_percent", "share_ci95_lower_percent", "share_ci95_upper_percent", "marginal_patients"]
                let second = ["stage_order", "stage", "partners", "new_partners", "patients_per_partner", "providers", "gap_area_names"]
                for (k, part) in [first, second].enumerated() {
                    let idx = part.compactMap { header.firstIndex(of: $0) }
                    blocks.append(.table(title: t.title + (k == 0 ? "：患者 patients" : "：連携と空白 partners and gaps"), columns: idx.map { header[$0] },
                                         rows: formatted.map { row in idx.map { row[$0] } }, shownRows: 20, file: "decision.csv"))
                }
            }
            decisionTable()
            blocks += PlanningReport.decisionBlocks(r, tables: tables, language: language)
            if let chart = d.frontier {
                blocks.append(.chart(chart.drawing, caption: "予算ごとの最適な連結圏域の患者カバー率。破線は屈曲点（Kneedle）、◯は推奨経路、◆は計画の各段階（割合が非表示の点は横軸上）。"
                    + " Coverage of the best connected region per budget; dashed: the knee; rings: the recommended path; diamonds: the plan's stages (on the axis where the share is hidden)."))
            }
            if !d.path.isEmpty {
                var p = Table(title: "最適化による推奨経路 Recommended path (optimiser)", header: ["step", "budget", "patients", "marginal_patients", "added_area_names"])
                for (k, step) in d.path.enumerated() {
                    p.rows.append([String(k + 1), String(step.budget), step.patients, step.marginal.map(String.init) ?? "", step.added.joined(separator: "、")])
                }
                blocks.append(.table(title: p.title, columns: p.header,
                                     rows: p.rows.map { row in zip(p.header, row).map { PeopleFormat.cell($0, $1, language: language) } },
                                     shownRows: 20, file: "scenario_path.csv"))
            }
            blocks.append(.heading(level: 3, text: "段階別の連携先候補 Liaison shortlist per stage"))
            blocks.append(.paragraph("各段階で新たに加わる連携先。区市町村コード順、次に共有患者数の区分（\(policy.minCell)+ が先、\(policy.suppressedLabel) が後）、名称順（少数の秘匿のため、共有患者数の順位は示しません）。"
                + " Partners each stage adds, by ward code, then band (\(policy.minCell)+ first), then name: no rank by shared patients is published."))
            let short = d.shortlistTable(language: language)
            for s in d.stages {
                let rows = short.rows.filter { $0[0] == String(s.order) }.map { Array($0.dropFirst(2)) }
                blocks.append(.table(title: "段階\(s.order)「\(s.name)」の新しい連携先 \(rows.count) 施設", columns: ["ward_code", "ward_name", "band", "name", "kind"],
                                     rows: rows, shownRows: 15, file: "liaison.csv"))
            }
        }

        // The liaison work itself (the study's planning: section).
        blocks += PlanningReport.blocks(r, tables: tables, language: language)

        // 2. Key figures.
        blocks.append(.heading(level: 2, text: "2. 概要 Summary"))
        var summary = ["対象患者 \(PeopleFormat.separated(policy.label(r.model.totalPatients))) 人（うち対象地域外・不明 \(PeopleFormat.separated(r.outsidePatientsLabel)) 人）。"]
        if let anchor = r.model.anchor { summary.append("基幹病院: \(anchor.name)。") }
        blocks.append(.list(summary))
        // What the population-based analyses cover, before any figure: areas without data are named.
        let coverage = DataCoverage(model: r.model, level: r.level)
        var coverageLines = coverage.japaneseStatements + coverage.statements
        for c in r.model.institutionCoverage {
            let out = c.uncovered[r.level]?.count ?? 0
            guard out > 0 else { continue }
            coverageLines.append("\(c.source)（\(c.kinds.joined(separator: ", "))）の範囲外の \(out) 地域はアクセス・ギャップがデータなし。"
                + " \(c.source) (\(c.kinds.joined(separator: ", "))) covers \(c.covers.joined(separator: ", ")) only: access and gaps are no data in \(out) other areas.")
        }
        if !coverageLines.isEmpty {
            blocks.append(.heading(level: 3, text: "データの範囲 Coverage"))
            blocks.append(.list(coverageLines))
        }
        // Every optional analysis the study asks for that could not run, before any figure.
        if !r.unavailable.reasons.isEmpty {
            blocks.append(.heading(level: 3, text: "計算できなかった分析 Analyses not available"))
            blocks.append(.list(r.unavailable.reasons))
        }
        blocks.append(.paragraph("患者数が \(policy.minCell) 未満のセルは「\(policy.suppressedLabel)」、他のセルの秘匿を守るために隠したセルは「\(SmallCellPolicy.secondaryLabel)」と表示しています。"
            + " Counts below \(policy.minCell) are shown as \(policy.suppressedLabel); cells hidden to protect another are shown as \(SmallCellPolicy.secondaryLabel)."))

        // 3. Maps.
        blocks.append(.heading(level: 2, text: "3. 地図 Maps"))
        blocks.append(.map(key: "patients", caption: "患者の居住地（\(r.level.japaneseName)別患者数）Patients by area"))
        if r.scenarios != nil { blocks.append(.map(key: "stages", caption: "段階的な連携圏域 Staged regions")) }
        blocks.append(.map(key: "penetration", caption: "65歳以上人口1万人あたり患者数 Patients per 10,000 aged 65+"))
        if r.access != nil {
            blocks.append(.map(key: "access", caption: "在宅医療へのアクセス（2SFCA）Access to home care"))
            blocks.append(.map(key: "gaps", caption: "アクセスのギャップ Access gaps"))
        } else {
            absent("アクセスとギャップの地図", "Access and gaps maps", r.unavailable.gaps)
        }
        if r.scenarios == nil { absent("段階的な連携圏域の地図", "The staged regions map", r.unavailable.scenarios) }
        if r.costs != nil { blocks.append(.map(key: "drive_time", caption: "基幹病院までの所要時間と所要時間圏 Travel time to the anchor and its drive-time areas")) }

        // 4. Stages.
        if r.scenarios == nil, let reason = r.unavailable.scenarios {
            blocks.append(.heading(level: 2, text: "4. 段階別の比較 Stage comparison"))
            absent("段階的な計画", "Staged plans", reason)
        }
        if let s = r.scenarios {
            blocks.append(.heading(level: 2, text: "4. 段階別の比較 Stage comparison"))
            absent("段階内のギャップ地域数（gap_areas）", "Gap-area counts of the stages", s.gapsUnavailable)
            table("scenario_stages.csv", ["plan", "stage_order", "stage", "areas", "patients", "share_percent", "share_ci95_lower_percent",
                                          "share_ci95_upper_percent", "marginal_patients", "aged65", "engaged_institutions",
                                          "patients_per_institution", "gap_areas", "max_distance_km"], shown: 40,
                  keys: ["stage_order", "stage"], groupBy: "plan")
            table("scenario_comparison.csv", keys: ["plan"])
            if let f = s.frontier {
                blocks.append(.paragraph("予算（\(f.measure.rawValue)）ごとの最適な連結圏域。屈曲点（Kneedle）: \(f.kneeBudget.map(String.init) ?? "なし")。"
                    + " The best connected region for each budget; knee of the curve at \(f.kneeBudget.map(String.init) ?? "none")."))
                table("scenario_frontier.csv", ["budget_\(f.measure.rawValue)", "patients", "share_percent", "optimal", "knee", "areas"], shown: 40)
            }
            blocks.append(.heading(level: 3, text: "連携先リスト Liaison list"))
            blocks.append(.paragraph("各段階の圏域内で患者を共有している連携先（区市町村コード順、共有患者数の区分、名称順）。Partners in each stage's region, by ward, band and name."))
            table("liaison.csv", ["stage", "ward_name", "rank", "name", "kind", "shared_patients"], shown: 40, groupBy: "stage",
                  rename: policy.isSuppressing ? ["rank": "band"] : [:])
        }

        // 5. Catchments and areas.
        blocks.append(.heading(level: 2, text: "5. 診療圏と地域 Catchments and areas"))
        table("catchments.csv", ["target_share_percent", "method", "reached", "areas", "patients", "share_percent", "aged65", "area_km2"])
        table("areas.csv", ["rank", "area_code", "area_name", "group", "patients", "share_percent", "aged65",
                            "penetration_per_10k_aged65", "ci95_lower_per_10k", "ci95_upper_per_10k", "access_score", "gap_class"], shown: 30,
              title: "地域別の指標 Areas (\(r.level.japaneseName))", keys: ["area_code", "area_name"])
        if tables["gaps.csv"] != nil { table("gaps.csv", shown: 20, keys: ["area_name"]) } else {
            absent("アクセスのギャップ", "Access gaps", r.unavailable.gaps)
        }
        table("institutions.csv", ["role", "name", "kind", "area_name", "shared_patients"], shown: 30)
        if let c = r.costs {
            blocks.append(.heading(level: 3, text: "所要時間 Travel time"))
            blocks.append(.paragraph("移動コスト: \(c.japaneseDescription)。経路のない組み合わせは「no route」、道路網から離れた地域・施設は「no data」とし、0 や ∞ としては扱わない。"
                + " Cost: \(c.description). Pairs without a route are \"no route\", areas or institutions off the network \"no data\"; neither is treated as 0 or ∞."))
            table("travel_costs.csv")
            absent("所要時間圏", "Drive-time areas", r.unavailable.driveTimes)
            if r.driveTimes != nil {
                table("drive_time_areas.csv", ["institution_id", "stage", "name", "kind", "minutes", "road_km", "area_km2", "total_covered",
                                               "total_covered_percent", "aged65_covered", "aged65_covered_percent"], shown: 60)
            }
        }

        // 6. Methods.
        blocks.append(.heading(level: 2, text: "6. 方法 Methods"))
        blocks += methods(r)
        blocks += PlanningReport.methods(r)

        // 7. Sources (the credit lines are in the footer, printed once).
        blocks.append(.heading(level: 2, text: "7. データと出典 Data and credits"))
        var inputs = r.model.inputFiles.map { $0.lastPathComponent }
        inputs = Array(Set(inputs)).sorted()
        blocks.append(.list(["入力ファイル Input files: " + inputs.joined(separator: ", "),
                             "座標系 CRS: \(r.model.crs) (\(r.model.crsReason))",
                             "データ期間 Data period: \(spec.period)",
                             "出典はページ下部に記載 Credits: see the footer of every page"] + recordLines(r)
                             + r.model.labelNotes.map { "地域名の重複を区別 Duplicate area labels: " + $0 }))

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
            let threshold = r.costs.map { "所要時間閾値 d0 = \(Format.count(g.thresholdMinutes ?? GapSettings.defaultThresholdMinutes)) 分（\($0.japaneseDescription)、地域の人口重心から施設まで）" }
                ?? "距離閾値 d0 = \(Format.count(g.thresholdMeters)) m（直線距離、平面直角座標系）"
            b.append(.paragraph("アクセス指標: 2段階浮動集水域法 2SFCA（Luo & Wang 2003, Environ Plan B 30:865–884; PySAL access と同じ定義）。"
                + "供給: \(g.kinds.joined(separator: ", ")) の \(g.capacity)、需要: 65歳以上人口（人口重心）、\(threshold)。"))
            b.append(.formula("R_j = S_j / Σ_{i: d_ij ≤ d0} P_i ;   A_i = Σ_{j: d_ij ≤ d0} R_j"))
            let limit = r.costs == nil ? "\(Format.number(g.withinKm, decimals: 0)) km 超（往診・訪問診療の16 km規則）"
                : "\(Format.count(g.withinMinutesLimit ?? GapSettings.defaultWithinMinutes)) 分超または経路なし"
            b.append(.paragraph("ギャップ: (1) アクセスが下位20%かつニーズが中央値超、(2) 閾値内に供給なし、(3) 必要な種別の最寄りが \(limit)。"
                + " Gaps: lowest-quintile access with above-median need; no supply in reach; nearest required provider beyond the \(r.costs == nil ? "distance" : "time") limit."))
        }
        if let c = r.costs {
            b.append(.paragraph("所要時間: \(c.japaneseDescription)。"
                + (r.costs?.network != nil ? "OpenStreetMap の道路（highway 種別ごとの速度、maxspeed、一方通行、通行止め）上の Dijkstra 法。地域の人口重心と施設を最寄りの道路に接続（接続距離は所要時間に含めない）。所要時間圏は、施設まで制限時間内に到達できる道路区間を \(Format.count(r.driveTimes?.bufferMetres ?? DriveTimeAreas.defaultBufferMetres)) m 緩衝し（GEOS）、人口は面積按分（Goodchild & Lam 1980）。" : "")
                + " Travel time: \(c.description); from each area's population-weighted centroid to the institution."
                + (r.costs?.network != nil ? " Dijkstra on OpenStreetMap roads (speeds per highway class, maxspeed, one-way, access); points snapped to the nearest road, snap legs not added. Drive-time areas: the roads from which the institution is reached within the limit, buffered (GEOS), population by areal weighting." : "")))
        }
        if r.scenarios != nil {
            b.append(.paragraph("段階: 計画の各段階は前段階を含む（入れ子）。予算付き段階は、基幹病院の地域を含む連結な圏域のうち患者数最大のものを整数計画（単一品種フロー定式化、COIN-OR CBC）で厳密に求める。"
                + "予算曲線の屈曲点は Kneedle（Satopää et al. 2011, ICDCS Workshops）。"
                + " Budget stages are exact: the connected region containing the anchor's area with the most patients within the budget (integer programme, single-commodity flow, CBC); the knee by Kneedle."))
            b.append(.formula("max Σ_i n_i x_i  s.t.  Σ_i c_i x_i ≤ B,  x_anchor = 1,  region connected,  x_i ∈ {0, 1}"))
        }
        let m = r.policy.minCell
        b.append(.paragraph("秘匿: 患者数 1〜\(m - 1) は「\(r.policy.suppressedLabel)」。公表する全ての合計・順位と、患者シェア圏域の構成が示す順序（追加順・圏外の地域との大小、距離による同順位の扱いを含む）と打ち切り規則（最後の地域の前は目標未満、最後の地域で目標以上）から整数計画で各秘匿セルの取り得る範囲を求め（攻撃者モデル）、どの「\(r.policy.suppressedLabel)」セルも 1〜\(m - 1) の全ての値を取り得るまで、他のセル（「x」）または重要度の低い合計を隠す。構成そのものが秘匿セルを絞り込む圏域は、構成・地図ごと公表しない（公表できない患者シェア段階があれば、計画はその前で終える）。最後に、不要になった「x」と合計を再表示する。秘匿した行には順位を付けず、地域コード順に並べる。予算付き段階とフロンティアの最適性（他の領域より患者数が多いこと）は攻撃者モデルに含めていない。"
            + " Disclosure control: for every cell shown as \(r.policy.suppressedLabel), an attacker with an integer-programming solver who reads every published total and rank, and the orders and stopping rules that the share catchments' member lists imply (each area taken has at least as many patients as the next and as those left out, ties going to the nearer area; the areas before the last one hold less than the target, all of them at least the target), can still place it anywhere in 1 … \(m - 1); complementary cells (x) or less important totals are hidden until that holds (Hundepool et al. 2012, ch. 7), a catchment whose member list itself would narrow a hidden cell is withheld with its map (a share stage that cannot be published ends its plan), and a last pass shows again every x and total the guarantee does not need. Hidden rows carry no rank and are listed by code. Not modelled: the optimality of budget stages and frontier points (each is the best region within its budget)."))
        return b
    }
}
