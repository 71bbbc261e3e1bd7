/// Which areas each population-based analysis covers: the areas of the analysis level that have the
/// measure it needs, and those that have not ("no data", never 0). Inferred from the loaded tables
/// and stated in `validate` (notes), `summary` and the first section of the report.
///
/// - penetration, access and gaps need the 65+ population (`aged65`);
/// - the population totals (summary, rings, catchments) need `total`.
public struct DataCoverage: Sendable, Hashable {
    /// One measure at one level: the areas with it and those without.
    public struct Measure: Sendable, Hashable {
        public let key: String
        /// The analyses that read the measure, in words ("penetration, access and gaps").
        public let analyses: String
        public let coveredIDs: [String]
        /// Areas without the measure, sorted by id, with their names.
        public let missing: [(id: String, name: String)]

        public static func == (a: Measure, b: Measure) -> Bool {
            a.key == b.key && a.coveredIDs == b.coveredIDs && a.missing.map(\.id) == b.missing.map(\.id)
        }
        public func hash(into h: inout Hasher) { h.combine(key); h.combine(coveredIDs) }
    }

    public let level: AreaLevel
    public let areaCount: Int
    public let measures: [Measure]

    /// True when every area of the level has every measure that some area has.
    public var isComplete: Bool { measures.allSatisfy { $0.missing.isEmpty } }

    /// The coverage at `level` (the study's analysis level).
    public init(areas: [AreaLevel: [Area]], level: AreaLevel) {
        let list = areas[level] ?? []
        self.level = level
        areaCount = list.count
        var measures: [Measure] = []
        for (key, analyses) in [("aged65", "penetration, access and gaps"), ("total", "population totals and distance rings")] {
            guard list.contains(where: { $0.population[key] != nil }) else { continue }
            measures.append(Measure(
                key: key, analyses: analyses, coveredIDs: list.filter { $0.population[key] != nil }.map(\.id),
                missing: list.filter { $0.population[key] == nil }.map { ($0.id, $0.name) }))
        }
        self.measures = measures
    }

    public init(model: StudyModel, level: AreaLevel) {
        self.init(areas: model.areas, level: level)
    }

    /// One English sentence per measure with missing areas, e.g. "penetration, access and gaps
    /// (aged65) cover 62 of 120 municipality areas (東京都 62); 58 have no data (神奈川県 58: 横浜市鶴見区
    /// (14101), …)". Empty when coverage is complete.
    /// With complete coverage: "… cover all 253 municipality areas (埼玉県 63, …)".
    public var statements: [String] {
        measures.map { m in
            let covered = Self.byPrefecture(m.coveredIDs)
            guard !m.missing.isEmpty else {
                return "\(m.analyses) (\(m.key)) cover all \(areaCount) \(level.rawValue) areas" + (covered.isEmpty ? "" : " (\(covered))")
            }
            var s = "\(m.analyses) (\(m.key)) cover \(m.coveredIDs.count) of \(areaCount) \(level.rawValue) areas"
            if !covered.isEmpty { s += " (\(covered))" }
            s += "; \(m.missing.count) \(m.missing.count == 1 ? "has" : "have") no \(m.key) population (no data)"
            let missingByPref = Self.byPrefecture(m.missing.map(\.id))
            s += ": " + (missingByPref.isEmpty ? "" : missingByPref + "; ") + Self.examples(m.missing)
            return s
        }
    }

    /// The same in Japanese, for the report: "65歳以上人口（aged65）: 9 地域中 8 地域を対象（…）。データなし 1 地域: 藤区（99109）".
    public var japaneseStatements: [String] {
        measures.map { m in
            let what = m.key == "aged65" ? "普及率・アクセス・ギャップ（65歳以上人口）" : "人口の合計・距離圏（総人口）"
            let covered = Self.byPrefecture(m.coveredIDs)
            guard !m.missing.isEmpty else { return "\(what)は全 \(areaCount) 地域が対象\(covered.isEmpty ? "" : "（\(covered)）")。" }
            let missingByPref = Self.byPrefecture(m.missing.map(\.id))
            return "\(what)は \(areaCount) 地域のうち \(m.coveredIDs.count) 地域が対象\(covered.isEmpty ? "" : "（\(covered)）")。"
                + "人口データなし \(m.missing.count) 地域\(missingByPref.isEmpty ? "" : "（\(missingByPref)）"): \(Self.examples(m.missing))"
        }
    }

    /// "東京都 62, 神奈川県 58" when every code starts with a prefecture code (01–47), else "".
    static func byPrefecture(_ ids: [String]) -> String {
        var counts: [String: Int] = [:]
        for id in ids {
            guard id.count >= 5, let p = Int(id.prefix(2)), (1...47).contains(p) else { return "" }
            counts[String(id.prefix(2)), default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { "\(AreaLabels.prefectureNames[Int($0.key)! - 1]) \($0.value)" }.joined(separator: ", ")
    }

    /// Up to ten "name (code)", then "… and N more".
    public static func examples(_ areas: [(id: String, name: String)]) -> String {
        let shown = areas.prefix(10).map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
        return areas.count > 10 ? shown + ", … and \(areas.count - 10) more" : shown
    }
}
