import CareAtlas
import CarePrivacy
import CareFormats
import Foundation

/// Totals of a loaded study per area level and per group, with small-cell suppression applied:
/// what `careatlas summary` prints.
public struct StudySummary: Sendable {
    public struct Row: Sendable, Hashable {
        public let id: String
        public let name: String
        /// Patients as they may be shown ("<10" when suppressed, "" when unknown).
        public let patients: String
        /// Share of all patients in percent with one decimal, or "" when suppressed or unknown.
        public let sharePercent: String
        public let population: Double?
        public let aged65: Double?
        public let areaKm2: Double?
        public let institutions: Int?
    }

    public struct Table: Sendable, Hashable {
        public let title: String
        public let rows: [Row]
        public let total: Row
        /// What the population totals cover when some areas have no population data (the total
        /// adds only the areas with data), e.g. "population: 8 of 9 areas (no data: 藤区 (99109))";
        /// empty when every area has data.
        public var coverage: [String] = []
    }

    public let studyName: String
    public let period: String
    public let crs: String
    public let totalPatients: Int
    public let outsidePatients: String
    public let tables: [Table]
    public let policy: SmallCellPolicy
    public let credits: [String]
    /// Why the analyses the study asks for that cannot run are absent (the run's
    /// ``StudyAnalyses/unavailable`` and the stages' gap counts), one English sentence each.
    public var unavailable: [String] = []

    /// The summary of a run: the area line of the run's level and the group lines show exactly
    /// what the run's disclosure decision shows, so that no other output of the study gives a
    /// hidden count back.
    public init(run: StudyRun) {
        let shares = run.defaultShares.value
        self.init(model: run.model, policy: run.policy, disclosure: run.disclosure,
                  groupMask: shares.map { run.disclosure.groupMask($0) })
        unavailable = run.analyses.unavailable + [run.scenarios?.value?.gapsUnavailable].compactMap { $0 }
    }

    /// Builds the summary under `policy` (the study's `privacy.min_cell` unless overridden).
    ///
    /// With a `disclosure`, the line of its level hides what it hides, and `groupMask` (the
    /// disclosure's mask of the groups and the "other or outside" line) the groups; other levels
    /// and groupings are protected line by line (``SmallCellPolicy/suppressionMask(_:totalShown:)``).
    public init(model: StudyModel, policy: SmallCellPolicy, disclosure: Disclosure? = nil, groupMask: [Bool]? = nil) {
        self.policy = policy
        studyName = model.spec.name
        period = model.spec.period
        crs = "\(model.crs) — \(model.crsReason)"
        totalPatients = model.totalPatients
        credits = model.spec.credits
        let total = model.totalPatients
        func share(_ n: Int) -> String {
            total > 0 ? String(format: "%.1f", 100 * Double(n) / Double(total)) : ""
        }
        var tables: [Table] = []
        for level in model.levels {
            let areas = model.areas[level] ?? []
            guard areas.contains(where: { $0.patients != nil }) else {
                // No patient row at or below this level: the table shows areas only.
                let rows = areas.map {
                    Row(id: $0.id, name: $0.name, patients: "", sharePercent: "", population: $0.population["total"],
                        aged65: $0.population["aged65"], areaKm2: $0.areaKm2, institutions: $0.institutionIndices.count)
                }
                tables.append(Table(title: "\(level.japaneseName) \(level.rawValue): \(areas.count) areas (no patient counts at this level)",
                                    rows: rows, total: Self.totalRow(areas, "", ""), coverage: Self.coverage(areas)))
                continue
            }
            let counts = areas.map { $0.patients ?? 0 }
            let outsideCount = model.totalPatients - counts.reduce(0, +)
            // The outside bucket is a cell of every level's line: areas + outside = total.
            let mask = disclosure.flatMap { $0.level == level ? $0.cellMask : nil }
                ?? policy.suppressionMask(counts + [outsideCount], totalShown: true)
            var rows: [Row] = []
            for (i, a) in areas.enumerated() {
                let known = a.patients != nil
                rows.append(Row(
                    id: a.id, name: a.name,
                    patients: !known ? "" : policy.label(counts[i], secondary: mask[i]),
                    sharePercent: !known || mask[i] ? "" : share(counts[i]),
                    population: a.population["total"], aged65: a.population["aged65"], areaKm2: a.areaKm2,
                    institutions: a.institutionIndices.count))
            }
            rows.append(Row(
                id: "", name: "（対象地域外・不明）outside the study areas",
                patients: policy.label(outsideCount, secondary: (mask.last ?? false)),
                sharePercent: (mask.last ?? false) ? "" : share(outsideCount), population: nil, aged65: nil, areaKm2: nil,
                institutions: nil))
            tables.append(Table(
                title: "\(level.japaneseName) \(level.rawValue): \(areas.count) areas",
                rows: rows, total: Self.totalRow(areas, policy.label(total), total > 0 ? "100.0" : ""), coverage: Self.coverage(areas)))
        }
        // The disclosure's group mask covers one grouping (its last flag is the "other or outside" line).
        let decidedGroups = model.groups.count == 1 ? groupMask : nil
        for (grouping, groups) in model.groups.sorted(by: { $0.key < $1.key }) {
            let counts = groups.map(\.patients)
            let grouped = counts.reduce(0, +)
            let rest = model.totalPatients - grouped
            let mask = decidedGroups.flatMap { $0.count == groups.count + 1 ? $0 : nil }
                ?? policy.suppressionMask(counts + [rest], totalShown: true)
            var rows = groups.enumerated().map { i, g in
                Row(id: "", name: g.name, patients: policy.label(g.patients, secondary: mask[i]),
                    sharePercent: mask[i] ? "" : share(g.patients), population: g.population["total"],
                    aged65: g.population["aged65"], areaKm2: nil, institutions: nil)
            }
            rows.append(Row(id: "", name: "（その他・対象地域外）other or outside", patients: policy.label(rest, secondary: (mask.last ?? false)),
                            sharePercent: (mask.last ?? false) ? "" : share(rest), population: nil, aged65: nil, areaKm2: nil, institutions: nil))
            tables.append(Table(title: "group \(grouping): \(groups.count) groups", rows: rows,
                                total: Row(id: "", name: "合計 total", patients: policy.label(total), sharePercent: total > 0 ? "100.0" : "",
                                           population: nil, aged65: nil, areaKm2: nil, institutions: nil)))
        }
        self.tables = tables
        outsidePatients = policy.label(model.outside.patients, secondary: disclosure?.outsideHidden ?? false)
    }

    /// One line per measure that some areas lack: the total adds only the areas with data.
    static func coverage(_ areas: [Area]) -> [String] {
        ["total", "aged65"].compactMap { key in
            let missing = areas.filter { $0.population[key] == nil }
            guard !missing.isEmpty, missing.count < areas.count else { return nil }
            return "\(key == "total" ? "population" : key) total covers \(areas.count - missing.count) of \(areas.count) areas; no data: "
                + DataCoverage.examples(missing.map { ($0.id, $0.name) })
        }
    }

    private static func totalRow(_ areas: [Area], _ patients: String, _ share: String) -> Row {
        func sum(_ key: String) -> Double? {
            let values = areas.compactMap { $0.population[key] }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        return Row(id: "", name: "合計 total", patients: patients, sharePercent: share, population: sum("total"),
                   aged65: sum("aged65"), areaKm2: areas.reduce(0) { $0 + $1.areaKm2 },
                   institutions: areas.reduce(0) { $0 + $1.institutionIndices.count })
    }
}
