import CareFormats
import CareGeometry
import CareNetwork
import CarePoints
import Foundation

/// The one cost provider of a run: for every area of every level of the study (from its
/// population-weighted centroid) the travel time to every institution, as the study's `cost:`
/// defines it (``StudyCostSpec``). Every analysis that measures how far an area is from an
/// institution in minutes asks it: access (the cost table of the floating catchment), gaps, the
/// nearest institution of each kind, `within_minutes` stages and the drive-time areas.
///
/// Direction: from the area to the institution (a patient's trip; on a one-way street the return
/// trip of a home visit can differ). Costs are kept sparse: only pairs with a route (within the
/// network's cutoff, or listed in the table) are stored. A pair that is not stored has **no
/// route** — never 0, never ∞ in outputs — and every analysis treats it as out of reach.
///
/// Straight-line studies (`cost: straight_line`) have no provider: their analyses compute metres
/// themselves, exactly as before travel times existed.
///
/// Thread safety: an immutable value; share it freely.
public struct StudyCosts: Sendable {
    public let spec: StudyCostSpec
    /// The largest time the costs know (the network's cutoff); nil for an imported table (it knows
    /// what it lists).
    public let cutoffMinutes: Double?
    /// Per level (the level's area order): (institution index, minutes) pairs with a route,
    /// institution indices ascending.
    let rows: [AreaLevel: [[(institution: Int, minutes: Double)]]]
    /// Areas whose centroid is farther than `max_snap_m` from every usable road (network), or that
    /// the table never names as an origin: no travel time at all, by level.
    public let areasWithoutData: [AreaLevel: [String]]
    /// Institutions farther than `max_snap_m` from every usable road, or never named by the table.
    public let institutionsWithoutData: [String]
    /// Pairs of areas and institutions that both have data but no route between them (beyond the
    /// cutoff, unreachable on the network, or a table row with an empty time), by level.
    public let pairsWithoutRoute: [AreaLevel: Int]
    /// The road network and the institutions' points on it (network costs only; for drive-time areas).
    public let network: RoadNetwork?
    public let institutionPoints: [RoutePoint?]

    /// Minutes from area `area` (index in `model.areas[level]`) to institution `institution`
    /// (index in `model.institutions`); nil when there is no route.
    public func minutes(level: AreaLevel, area: Int, institution: Int) -> Double? {
        guard let row = rows[level]?[area] else { return nil }
        var low = 0, high = row.count
        while low < high {
            let mid = (low + high) >> 1
            if row[mid].institution < institution { low = mid + 1 } else { high = mid }
        }
        return low < row.count && row[low].institution == institution ? row[low].minutes : nil
    }

    /// The pairs with a route from one area, institutions ascending.
    public func row(level: AreaLevel, area: Int) -> [(institution: Int, minutes: Double)] { rows[level]?[area] ?? [] }

    /// The costs as an origin–destination table for the floating catchment: origin = area id,
    /// destination = institution id, cost = minutes; pairs without a route are left out.
    public func costTable(_ model: StudyModel, level: AreaLevel, institutions: Set<String>) -> CostTable {
        let areas = model.areas[level] ?? []
        var entries: [CostTable.Entry] = []
        for (i, a) in areas.enumerated() {
            for (j, t) in row(level: level, area: i) where institutions.contains(model.institutions[j].id) {
                entries.append(CostTable.Entry(origin: a.id, destination: model.institutions[j].id, cost: t))
            }
        }
        return CostTable(source: sourceName, entries: entries)
    }

    /// The file the costs come from (for messages).
    public var sourceName: String {
        switch spec {
        case .straightLine: return "straight line"
        case let .network(n): return n.pbf.lastPathComponent
        case let .table(t): return t.file.lastPathComponent
        }
    }

    /// One English sentence saying which cost was used (methods text, `--json`).
    public var description: String {
        switch spec {
        case .straightLine: return "straight-line distance"
        case let .network(n):
            return "\(n.mode == .car ? "car" : "walking") travel time on the road network of \(n.pbf.lastPathComponent) (OpenStreetMap; free-flow, cutoff \(numberText(n.cutoffMinutes)) min)"
        case let .table(t): return "travel time imported from \(t.file.lastPathComponent)"
        }
    }

    /// The same in Japanese (report, maps).
    public var japaneseDescription: String {
        switch spec {
        case .straightLine: return "直線距離"
        case let .network(n):
            return "道路網上の\(n.mode == .car ? "自動車" : "徒歩")所要時間（\(n.pbf.lastPathComponent)、OpenStreetMap、渋滞なし、上限\(numberText(n.cutoffMinutes))分）"
        case let .table(t): return "所要時間表（\(t.file.lastPathComponent)）による所要時間"
        }
    }

    /// Checks that a threshold in minutes lies within what the costs know.
    public func checkThreshold(_ minutes: Double, what: String) throws {
        guard minutes > 0, minutes.isFinite else { throw AnalysisError("\(what) must be a positive number of minutes, got \(numberText(minutes))") }
        if let cutoff = cutoffMinutes, minutes > cutoff {
            throw AnalysisError("\(what) is \(numberText(minutes)) minutes, beyond the network's cutoff of \(numberText(cutoff)) minutes",
                                fix: "raise cost.network.cutoff_minutes in the study to at least \(numberText(minutes))")
        }
    }
}

extension StudyCosts {
    /// The costs the study's `cost:` defines; nil for straight-line studies.
    ///
    /// - Throws: ``AnalysisError`` naming the file and the fix (unreadable extract or table,
    ///   unknown ids in the table, a negative time).
    public static func build(_ model: StudyModel, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> StudyCosts? {
        switch model.spec.cost {
        case .straightLine: return nil
        case let .network(spec): return try network(model, spec: spec, progress: progress)
        case let .table(spec): return try table(model, spec: spec)
        }
    }

    /// Area centroids of every level in longitude/latitude.
    static func centroidsLonLat(_ model: StudyModel, level: AreaLevel) throws -> [Coordinate] {
        var points = (model.areas[level] ?? []).map(\.weightedCentroid)
        do {
            try CoordinateTransform(from: model.crs, to: .wgs84).transform(&points)
        } catch {
            throw AnalysisError("cannot convert the area centroids to longitude/latitude: \(error)")
        }
        return points
    }

    static func network(_ model: StudyModel, spec: NetworkCostSpec, progress: @escaping @Sendable (String) -> Void) throws -> StudyCosts {
        progress("reading the road network \(spec.pbf.lastPathComponent)")
        let network: RoadNetwork
        do {
            network = try RoadNetwork.load(pbf: spec.pbf, mode: spec.mode, cacheFolder: spec.cacheFolder, progress: progress)
        } catch {
            throw AnalysisError("\(error)")
        }
        let snap = spec.maxSnapMetres
        let institutionPoints = network.snap(points: model.institutions.map(\.lonLat), maxMetres: snap).map(\.point)
        let cutoff = spec.cutoffMinutes * 60
        var rows: [AreaLevel: [[(institution: Int, minutes: Double)]]] = [:]
        var areasWithoutData: [AreaLevel: [String]] = [:]
        var pairsWithoutRoute: [AreaLevel: Int] = [:]
        let routedInstitutions = institutionPoints.filter { $0 != nil }.count
        for level in model.levels {
            let areas = model.areas[level] ?? []
            let origins = network.snap(points: try centroidsLonLat(model, level: level), maxMetres: snap).map(\.point)
            progress("routing \(areas.count) \(level.rawValue) areas to \(model.institutions.count) institutions")
            let table = network.travelTimes(from: origins, to: institutionPoints, cutoffSeconds: cutoff) { done, all in
                if done == all || done % 256 == 0 { progress("routing: \(done) of \(all) searches") }
            }
            rows[level] = areas.indices.map { i in table.row(i).map { (institution: $0.destination, minutes: $0.seconds / 60) } }
            areasWithoutData[level] = table.unroutedOrigins.map { areas[$0].id }
            let routedAreas = areas.count - table.unroutedOrigins.count
            pairsWithoutRoute[level] = routedAreas * routedInstitutions - table.pairCount
            progress("\(level.rawValue): \(table.pairCount) pairs within \(numberText(spec.cutoffMinutes)) min, \(pairsWithoutRoute[level]!) without a route, \(table.unroutedOrigins.count) areas and \(model.institutions.count - routedInstitutions) institutions off the network (more than \(numberText(snap)) m from a road)")
        }
        return StudyCosts(spec: .network(spec), cutoffMinutes: spec.cutoffMinutes, rows: rows, areasWithoutData: areasWithoutData,
                          institutionsWithoutData: institutionPoints.indices.filter { institutionPoints[$0] == nil }.map { model.institutions[$0].id },
                          pairsWithoutRoute: pairsWithoutRoute, network: network, institutionPoints: institutionPoints)
    }

    /// Reads the imported table (long format; see ``TableCostSpec``). Every problem is reported
    /// with its line: an origin that is no area of the study, a destination that is no institution,
    /// a pair given twice, a negative time.
    static func table(_ model: StudyModel, spec: TableCostSpec) throws -> StudyCosts {
        let name = spec.file.lastPathComponent
        let csv: CSVTable
        let columns: [CSVTable.Column]
        do {
            csv = try CSVTable(contentsOf: spec.file)
            columns = try csv.columns([spec.originField, spec.destinationField, spec.timeField])
        } catch {
            throw AnalysisError("cost.table: \(error)",
                                fix: "name the columns in the study: cost: {table: {file: \(name), origin: …, destination: …, minutes: …}}")
        }
        // Area ids of every level; institution ids.
        var areaIndex: [String: (AreaLevel, Int)] = [:]
        for level in model.levels.reversed() {  // finest wins when a code is at two levels
            for (i, a) in (model.areas[level] ?? []).enumerated() { areaIndex[a.id] = (level, i) }
        }
        let institutionIndex = Dictionary(uniqueKeysWithValues: model.institutions.enumerated().map { ($1.id, $0) })
        var rows: [AreaLevel: [[(institution: Int, minutes: Double)]]] = [:]
        for level in model.levels { rows[level] = Array(repeating: [], count: model.areas[level]?.count ?? 0) }
        var problems: [String] = []
        var seenOrigins = Set<String>(), seenDestinations = Set<String>()
        var seenPairs = Set<String>()
        for row in csv {
            let line = row.lineNumber
            let o = row[columns[0]].trimmingCharacters(in: .whitespaces)
            let dest = row[columns[1]].trimmingCharacters(in: .whitespaces)
            let text = row[columns[2]].trimmingCharacters(in: .whitespaces)
            guard let (level, i) = areaIndex[o] ?? (try? AreaCode.normalize(o, kind: .municipality, width: nil)).flatMap({ areaIndex[$0] }) else {
                problems.append("line \(line): origin \"\(o)\" is no area of the study"); continue
            }
            guard let j = institutionIndex[dest] else {
                problems.append("line \(line): destination \"\(dest)\" is no institution of the study"); continue
            }
            guard seenPairs.insert("\(level.rawValue)\u{1}\(i)\u{1}\(j)").inserted else {
                problems.append("line \(line): the pair \(o) → \(dest) is given twice"); continue
            }
            seenOrigins.insert("\(level.rawValue)\u{1}\(i)")
            seenDestinations.insert(dest)
            if text.isEmpty || ["nan", "inf", "infinity", "null", "na"].contains(text.lowercased()) { continue }  // no route
            guard let value = Double(text.replacingOccurrences(of: ",", with: "")), value.isFinite, value >= 0 else {
                problems.append("line \(line): time \"\(text)\" is not a number ≥ 0"); continue
            }
            rows[level]![i].append((j, spec.timeInSeconds ? value / 60 : value))
        }
        if !problems.isEmpty {
            let shown = problems.prefix(10).joined(separator: "; ") + (problems.count > 10 ? "; and \(problems.count - 10) more" : "")
            throw AnalysisError("cost.table \(name): \(shown)",
                                fix: "origins are area codes of the study, destinations institution ids; leave a time empty for no route")
        }
        var areasWithoutData: [AreaLevel: [String]] = [:]
        var pairsWithoutRoute: [AreaLevel: Int] = [:]
        let institutionsWithData = model.institutions.filter { seenDestinations.contains($0.id) }.count
        for level in model.levels {
            rows[level] = rows[level]!.map { $0.sorted { $0.institution < $1.institution } }
            let areas = model.areas[level] ?? []
            let named = areas.indices.filter { seenOrigins.contains("\(level.rawValue)\u{1}\($0)") }
            // A level the table never names has no data at all (listed once, not per area).
            areasWithoutData[level] = named.isEmpty ? areas.map(\.id) : areas.indices.filter { !seenOrigins.contains("\(level.rawValue)\u{1}\($0)") }.map { areas[$0].id }
            let kept = rows[level]!.reduce(0) { $0 + $1.count }
            pairsWithoutRoute[level] = named.isEmpty ? 0 : named.count * institutionsWithData - kept
        }
        return StudyCosts(spec: .table(spec), cutoffMinutes: nil, rows: rows, areasWithoutData: areasWithoutData,
                          institutionsWithoutData: model.institutions.filter { !seenDestinations.contains($0.id) }.map(\.id),
                          pairsWithoutRoute: pairsWithoutRoute, network: nil, institutionPoints: [])
    }
}
