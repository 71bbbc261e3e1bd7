import CareAtlas
import CareFormats
import CareMaps
import CarePrivacy
import Foundation

/// The decision page: the staged path of the study's first plan (the plan the disclosure decision
/// protects first, so its figures are the ones shown), stage by stage with the areas by name,
/// patients and share with its interval, the marginal gain, the workload and the gaps, and the
/// liaison shortlist of each stage in the published (safe) order.
///
/// Words used throughout the report: **連携先 (partner)** is an institution of the liaison kinds
/// inside a stage's region that already shares the hospital's patients (the liaison list);
/// **在宅医療機関 (providers)** are all institutions of the liaison kinds inside the region
/// (`engaged_institutions`). Every figure here is a published one: hidden counts read `<10` / `x`
/// and what they would reveal (share, interval, gain, patients per partner) is left empty.
public struct DecisionPage: Sendable {
    public struct Partner: Sendable, Hashable {
        public let wardCode: String
        public let wardName: String
        /// "10+" or "<10" (``SmallCellPolicy/publishedLiaison(_:)``), or the count without suppression.
        public let band: String
        public let name: String
        public let kind: String
    }

    public struct Stage: Sendable {
        public let order: Int
        public let name: String
        public let rule: String
        public let areaIDs: [String]
        /// Areas this stage adds to the previous one, with their names.
        public let addedIDs: [String]
        public let addedNames: [String]
        public let patients: String
        /// Percent, nil when hidden.
        public let sharePercent: Double?
        public let shareLowerPercent: Double?
        public let shareUpperPercent: Double?
        /// Patients gained over the previous stage; nil when either total is hidden.
        public let marginalPatients: Int?
        public let marginalSharePercent: Double?
        /// Institutions of the liaison kinds inside (在宅医療機関).
        public let providers: Int
        /// Partners (連携先) inside: providers sharing patients.
        public let partners: Int
        public let newPartners: Int
        public let patientsPerPartner: Double?
        /// Access-gap areas inside the region, by name (nil when gaps were not computed).
        public let gapNames: [String]?
        /// The partners this stage adds, in the published order (ward code, band, name).
        public let shortlist: [Partner]
    }

    public let planName: String
    public let stages: [Stage]
    /// Coverage against budget, with the knee, the path and this plan's stages marked.
    public let frontier: FrontierChart?
    /// The optimiser's recommended path with the areas each step adds, by name.
    public let path: [(budget: Int, patients: String, marginal: Int?, added: [String])]
    public let measure: Budget.Measure?

    /// Nil when the study has no plan.
    public static func build(_ r: StudyResults, language: MapLanguage = .ja) -> DecisionPage? {
        guard let s = r.scenarios, let plan = s.plans.first, !plan.stages.isEmpty else { return nil }
        let policy = r.policy
        let mask = r.disclosure.stageMasks(s).first ?? plan.stages.map { _ in false }
        func name(_ id: String) -> String {
            guard let a = r.model.area(id, at: s.level) else { return id }
            return language.areaLabel(name: a.name, code: id, englishName: a.nameEnglish)
        }
        let gapIDs = r.gaps == nil ? nil : Set(r.areas.filter { ($0.gapClass ?? .none) != .none }.map(\.id))
        var stages: [Stage] = []
        var previous: Set<String> = []
        var previousPartners: Set<String> = []
        for (k, (st, hidden)) in zip(plan.stages, mask).enumerated() {
            let previousHidden = k > 0 && mask[k - 1]
            let list = LiaisonList.build(r.model, region: st.areaIDs, level: s.level, spec: s.liaison)
            let ids = Set(list.map(\.id))
            let added = st.areaIDs.filter { !previous.contains($0) }
            let shortlist = policy.publishedLiaison(list.filter { !previousPartners.contains($0.id) }).map { e, band in
                Partner(wardCode: e.wardCode, wardName: e.wardName, band: band, name: e.name, kind: e.kind)
            }
            let marginal = hidden || previousHidden ? nil : st.marginalPatients
            stages.append(Stage(
                order: k + 1, name: st.name, rule: st.rule, areaIDs: st.areaIDs, addedIDs: added, addedNames: added.map(name),
                patients: policy.label(st.patients, secondary: hidden),
                sharePercent: hidden ? nil : st.share * 100, shareLowerPercent: hidden ? nil : st.shareLower * 100,
                shareUpperPercent: hidden ? nil : st.shareUpper * 100,
                marginalPatients: marginal,
                marginalSharePercent: marginal.map { 100 * Double($0) / Double(max(1, r.model.totalPatients)) },
                providers: st.engagedInstitutions, partners: ids.count, newPartners: ids.subtracting(previousPartners).count,
                patientsPerPartner: hidden || ids.isEmpty ? nil : Double(st.patients) / Double(ids.count),
                gapNames: gapIDs.map { g in st.areaIDs.filter(g.contains).map(name) },
                shortlist: shortlist))
            previous.formUnion(st.areaIDs)
            previousPartners.formUnion(ids)
        }
        var path: [(budget: Int, patients: String, marginal: Int?, added: [String])] = []
        var chart: FrontierChart?
        if let f = s.frontier {
            let (pointMask, pathMask) = r.disclosure.frontierMasks(s)
            var before: Set<String> = []
            for (k, (step, hidden)) in zip(f.path, pathMask).enumerated() {
                let previousHidden = k > 0 && pathMask[k - 1]
                path.append((step.budget, policy.label(step.patients, secondary: hidden),
                             hidden || previousHidden ? nil : step.marginalPatients,
                             step.areaIDs.filter { !before.contains($0) }.map(name)))
                before.formUnion(step.areaIDs)
            }
            chart = FrontierChart.build(r, frontier: f, pointMask: pointMask, pathMask: pathMask, stages: plan.stages, stageMask: mask)
        }
        return DecisionPage(planName: plan.name, stages: stages, frontier: chart, path: path, measure: s.frontier?.measure)
    }

    /// The stage of a plan measured in the frontier's budget unit (areas, institutions of the
    /// frontier's kinds, population).
    static func budget(of stage: StageResult, measure: Budget.Measure, kinds: [String]) -> Double? {
        switch measure {
        case .maxAreas: return Double(stage.areaIDs.count)
        case .maxInstitutions:
            return Double(stage.institutionsByKind.filter { kinds.isEmpty || kinds.contains($0.key) }.values.reduce(0, +))
        case .maxPopulation: return stage.population
        }
    }

    // MARK: Tables

    /// `decision.csv`: one row per stage of the path (machine form; names and codes).
    public var table: Table {
        var t = Table(title: "Decision: \(planName)",
                      header: ["stage_order", "stage", "rule", "areas", "added_area_names", "patients", "share_percent",
                               "share_ci95_lower_percent", "share_ci95_upper_percent", "marginal_patients", "marginal_share_percent",
                               "providers", "partners", "new_partners", "patients_per_partner", "gap_areas", "gap_area_names",
                               "shortlist_10plus", "area_codes"])
        for s in stages {
            t.rows.append([String(s.order), s.name, s.rule, String(s.areaIDs.count), s.addedNames.joined(separator: " "), s.patients,
                           Format.number(s.sharePercent, decimals: 2), Format.number(s.shareLowerPercent, decimals: 2),
                           Format.number(s.shareUpperPercent, decimals: 2), s.marginalPatients.map(String.init) ?? "",
                           Format.number(s.marginalSharePercent, decimals: 2), String(s.providers), String(s.partners),
                           String(s.newPartners), Format.number(s.patientsPerPartner, decimals: 1),
                           s.gapNames.map { String($0.count) } ?? "", s.gapNames?.joined(separator: " ") ?? "",
                           String(s.shortlist.filter { $0.band.hasSuffix("+") }.count), s.areaIDs.joined(separator: " ")])
        }
        return t
    }

    /// The shortlist of every stage as one table (stage, ward, band, name, kind).
    public func shortlistTable(language: MapLanguage) -> Table {
        var t = Table(title: "Liaison shortlist", header: ["stage_order", "stage", "ward_code", "ward_name", "band", "name", "kind"])
        for s in stages {
            for p in s.shortlist {
                t.rows.append([String(s.order), s.name, p.wardCode, p.wardName, p.band, p.name, language.texts.kindName(p.kind)])
            }
        }
        return t
    }

    /// "12.3 %（95%CI 10.1–14.9 %）".
    static func share(_ s: Stage) -> String {
        guard let p = s.sharePercent else { return "非表示" }
        var text = Format.number(p, decimals: 1) + " %"
        if let lo = s.shareLowerPercent, let hi = s.shareUpperPercent {
            text += "（95%CI \(Format.number(lo, decimals: 1))–\(Format.number(hi, decimals: 1)) %）"
        }
        return text
    }

    /// One line per stage for the page, in words.
    func stageLines(minCell: Int) -> [String] {
        stages.map { s in
            var parts = ["患者 \(PeopleFormat.separated(s.patients)) 人（\(Self.share(s))）"]
            if let m = s.marginalPatients {
                parts.append("前段階から +\(PeopleFormat.grouped(m)) 人（+\(Format.number(s.marginalSharePercent, decimals: 1)) %）")
            } else if s.order > 1 {
                parts.append("追加患者数は非表示")
            }
            parts.append("連携先 \(s.partners) 施設（新規 \(s.newPartners)）" + (s.patientsPerPartner.map { "、連携先あたり患者 \(Format.number($0, decimals: 1)) 人" } ?? ""))
            parts.append("圏域内の在宅医療機関 \(s.providers) 施設")
            if let gaps = s.gapNames { parts.append(gaps.isEmpty ? "アクセスの空白地域なし" : "空白地域 \(gaps.count)（\(gaps.joined(separator: "、"))）") }
            let areas = s.order == 1 ? s.addedNames.joined(separator: "、") : "＋" + s.addedNames.joined(separator: "、")
            return "段階\(s.order)「\(s.name)」\(s.areaIDs.count) 地域: \(areas)。" + parts.joined(separator: "、") + "。"
        }
    }

    /// `decision.md`: the page as Markdown.
    public func markdown(language: MapLanguage, minCell: Int) -> String {
        var out = "## 判断のための要約 Decision — \(planName)\n\n"
        for line in stageLines(minCell: minCell) { out += "- \(line)\n" }
        out += "\n" + table.markdown() + "\n"
        if !path.isEmpty {
            out += "### 最適化による推奨経路 Recommended path (frontier)\n\n"
            var t = Table(title: "", header: ["step", "budget", "patients", "marginal_patients", "added_area_names"])
            for (k, p) in path.enumerated() {
                t.rows.append([String(k + 1), String(p.budget), p.patients, p.marginal.map(String.init) ?? "", p.added.joined(separator: " ")])
            }
            out += t.markdown() + "\n"
        }
        out += shortlistTable(language: language).markdown()
        return out
    }
}
