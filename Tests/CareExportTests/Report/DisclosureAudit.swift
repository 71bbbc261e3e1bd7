import CareAtlas
import CareFormats
import Foundation

/// An independent check of a report folder for disclosure: reads the exported files back (not the
/// engine's masks) and looks for
/// 1. any patient count shown below the minimum cell size (CSV, Markdown, GeoJSON, HTML);
/// 2. any suppressed area cell that the shown totals determine exactly (linear algebra over the
///    published equations: the cell's unit vector lies in their row space), or that one equation
///    pins to the edge of its range (k hidden small cells summing to k or to k·(min−1));
/// 3. any difference of two shown totals over nested sets of areas that is a small count.
struct DisclosureAudit {
    enum Cell: Equatable { case shown(Int), hidden(primary: Bool) }
    struct Equation { let set: Set<String>; let value: Int; let source: String }

    let minCell: Int
    var cells: [String: Cell] = [:]
    var equations: [Equation] = []
    /// Published orders between cells: (larger, smaller), from the ranks of areas.csv.
    var orders: [(String, String)] = []
    var problems: [String] = []
    static let outside = "(outside)"

    init(folder: URL, minCell: Int) throws {
        self.minCell = minCell
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for f in files where f.hasSuffix(".csv") { try scanCSV(folder.appendingPathComponent(f)) }
        for f in files where f.hasSuffix(".md") { scanText(folder.appendingPathComponent(f), markdown: true) }
        for f in files where f.hasSuffix(".html") { scanText(folder.appendingPathComponent(f), markdown: false) }
        for f in files where f.hasSuffix(".geojson") { try scanGeoJSON(folder.appendingPathComponent(f)) }
        try readEquations(folder)
    }

    // MARK: 1. Small counts shown anywhere

    static let countColumns: Set<String> = ["patients", "shared_patients", "marginal_patients"]

    func isSmall(_ text: String) -> Bool {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else { return false }
        return n > 0 && n < minCell
    }

    mutating func scanCSV(_ url: URL) throws {
        let t = try CSVTable(contentsOf: url)
        for (c, name) in t.header.enumerated() where Self.countColumns.contains(name) || name.hasSuffix("_patients") {
            for row in t where isSmall(row.fields[c]) {
                problems.append("\(url.lastPathComponent) line \(row.lineNumber): \(name) = \(row.fields[c])")
            }
        }
    }

    /// Markdown and HTML tables: cells under a count column.
    mutating func scanText(_ url: URL, markdown: Bool) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { problems.append("\(url.lastPathComponent): unreadable"); return }
        if markdown {
            var header: [String] = []
            for line in text.split(separator: "\n") where line.hasPrefix("|") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy({ $0.hasPrefix("---") || $0.hasPrefix(":--") }) { continue }
                if header.isEmpty || cells.contains(where: { Self.countColumns.contains($0) }) && !cells.contains(where: { Int($0) != nil }) {
                    header = cells
                    continue
                }
                for (name, v) in zip(header, cells) where Self.countColumns.contains(name) && isSmall(v) {
                    problems.append("\(url.lastPathComponent): \(name) = \(v)")
                }
            }
        } else {
            // Each <table>: header keys in <small>key</small>, then <td> cells row by row.
            for table in text.components(separatedBy: "<table>").dropFirst() {
                let body = table.components(separatedBy: "</table>")[0]
                let keys = body.components(separatedBy: "<th>").dropFirst().map { th -> String in
                    let cell = th.components(separatedBy: "</th>")[0]
                    if let s = cell.range(of: "<small>"), let e = cell.range(of: "</small>") { return String(cell[s.upperBound..<e.lowerBound]) }
                    return cell
                }
                for row in body.components(separatedBy: "<tr>").dropFirst() where row.contains("<td") {
                    let values = row.components(separatedBy: "<td").dropFirst().map { td -> String in
                        let afterTag = td.components(separatedBy: ">").dropFirst().joined(separator: ">")
                        return afterTag.components(separatedBy: "</td")[0]
                    }
                    for (key, v) in zip(keys, values) where Self.countColumns.contains(key) && isSmall(v) {
                        problems.append("\(url.lastPathComponent): \(key) = \(v)")
                    }
                }
            }
        }
    }

    mutating func scanGeoJSON(_ url: URL) throws {
        let layer = try GeoJSON.read(contentsOf: url)
        for (k, f) in layer.features.enumerated() {
            for (key, value) in f.properties where key == "patients" || key.hasSuffix("_patients") || key.hasSuffix("_label") {
                switch value {
                case let .number(n) where n > 0 && n < Double(minCell):
                    problems.append("\(url.lastPathComponent) feature \(k): \(key) = \(n)")
                case let .string(s) where isSmall(s):
                    problems.append("\(url.lastPathComponent) feature \(k): \(key) = \(s)")
                default: break
                }
            }
        }
    }

    // MARK: 2–3. Reconstruction from totals

    mutating func readEquations(_ folder: URL) throws {
        let areas = try CSVTable(contentsOf: folder.appendingPathComponent("areas.csv"))
        let code = try areas.column("area_code").index, name = try areas.column("area_name").index, n = try areas.column("patients").index
        func cell(_ text: String) -> Cell {
            if let v = Int(text) { return .shown(v) }
            return .hidden(primary: text.hasPrefix("<"))
        }
        var total: Int?
        let rankColumn = areas.header.firstIndex(of: "rank")
        var ranked: [(rank: Int, code: String)] = []
        for row in areas {
            let f = row.fields
            if !f[code].isEmpty { cells[f[code]] = cell(f[n]) }
            if !f[code].isEmpty, let r = rankColumn, let rank = Int(f[r]) { ranked.append((rank, f[code])) }
            else if f[name].contains("outside") { cells[Self.outside] = cell(f[n]) }
            else if f[name].contains("total") { total = Int(f[n]) }
        }
        if let total { equations.append(Equation(set: Set(cells.keys), value: total, source: "areas.csv total")) }
        // A published rank orders the counts: the area ranked k has at least as many patients as
        // the one ranked k + 1 shown.
        let byRank = ranked.sorted { $0.rank < $1.rank }
        for (a, b) in zip(byRank, byRank.dropFirst()) { orders.append((a.code, b.code)) }
        func sets(_ file: String, _ codesColumn: String = "area_codes", differences: Bool = false) throws {
            let url = folder.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { return }
            let t = try CSVTable(contentsOf: url)
            let c = try t.column(codesColumn).index, p = try t.column("patients").index
            let plan = t.header.firstIndex(of: "plan")
            var previous: (plan: String, set: Set<String>)?
            for row in t {
                let f = row.fields
                let set = Set(f[c].split(separator: " ").map(String.init))
                if let v = Int(f[p]), !set.isEmpty { equations.append(Equation(set: set, value: v, source: "\(file) line \(row.lineNumber)")) }
                if differences, let m = t.header.firstIndex(of: "marginal_patients"), let v = Int(f[m]),
                   let prev = previous, prev.plan == (plan.map { f[$0] } ?? ""), prev.set.isSubset(of: set) {
                    equations.append(Equation(set: set.subtracting(prev.set), value: v, source: "\(file) line \(row.lineNumber) marginal"))
                }
                previous = (plan.map { f[$0] } ?? "", set)
            }
        }
        try sets("catchments.csv")
        try sets("scenario_stages.csv", differences: true)
        try sets("scenario_frontier.csv")
        try sets("scenario_path.csv", differences: true)
    }

    /// Problems of kinds 2 and 3.
    func reconstructions() -> [String] {
        var found: [String] = []
        let hidden = cells.filter { if case .hidden = $0.value { return true } else { return false } }.keys.sorted()
        let index = Dictionary(uniqueKeysWithValues: hidden.enumerated().map { ($1, $0) })
        func shownSum(_ set: Set<String>) -> Int {
            set.reduce(0) { if case let .shown(v)? = cells[$1] { return $0 + v } else { return $0 } }
        }
        // Rows over the hidden cells.
        let rows: [[Double]] = equations.map { e in
            var r = [Double](repeating: 0, count: hidden.count)
            for a in e.set { if let i = index[a] { r[i] = 1 } }
            return r
        }
        let base = Self.rank(rows)
        for (i, h) in hidden.enumerated() {
            var unit = [Double](repeating: 0, count: hidden.count)
            unit[i] = 1
            if Self.rank(rows + [unit]) == base { found.append("\(h) is determined by the shown totals") }
        }
        for e in equations {
            let vars = e.set.filter { index[$0] != nil }
            guard !vars.isEmpty, vars.allSatisfy({ cells[$0] == .hidden(primary: true) }) else { continue }
            let residual = e.value - shownSum(e.set)
            if residual == vars.count || residual == vars.count * (minCell - 1) {
                found.append("\(e.source): \(vars.sorted()) pinned to \(residual)")
            }
        }
        for a in equations {
            for b in equations where a.set.count < b.set.count && a.set.isSubset(of: b.set) {
                let added = b.set.subtracting(a.set)
                guard added.contains(where: { index[$0] != nil }) else { continue }
                let d = b.value - a.value - shownSum(added)
                if d > 0 && d < minCell { found.append("\(b.source) − \(a.source) = \(d) over hidden cells") }
            }
        }
        return found
    }

    /// An attacker with an integer-programming solver (``DisclosureAttack``, independent of how the
    /// engine chose what to hide): every cell shown as "<m" whose feasible range, given every count,
    /// total and rank read back from the files, does not cover 1 … m − 1.
    func narrowedByAttacker() -> [String] {
        let keys = cells.keys.sorted()
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let published = PublishedCells(
            cells: keys.map { k -> PublishedCells.Cell in
                switch cells[k]! {
                case let .shown(v): .shown(v)
                case .hidden(primary: true): .small
                case .hidden(primary: false): .secondary
                }
            },
            totals: equations.compactMap { e in
                let members = e.set.compactMap { index[$0] }
                return members.count == e.set.count ? PublishedCells.Total(members: members.sorted(), value: e.value) : nil
            },
            orders: orders.compactMap { a, b in index[a].flatMap { i in index[b].map { PublishedCells.Order(larger: i, smaller: $0) } } },
            minCell: minCell)
        return DisclosureAttack.narrowedCells(published).map { r in
            "\(keys[r.cell]) narrowed by an attacker to \(r.lower) … \(r.upper.map(String.init) ?? "∞")"
        }
    }

    /// Rank by Gaussian elimination with partial pivoting (entries are small integers).
    static func rank(_ m: [[Double]]) -> Int {
        var a = m
        var rank = 0
        let columns = a.first?.count ?? 0
        for c in 0..<columns where rank < a.count {
            guard let p = (rank..<a.count).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), abs(a[p][c]) > 1e-9 else { continue }
            a.swapAt(rank, p)
            for r in 0..<a.count where r != rank && abs(a[r][c]) > 1e-12 {
                let f = a[r][c] / a[rank][c]
                for k in c..<columns { a[r][k] -= f * a[rank][k] }
            }
            rank += 1
        }
        return rank
    }
}
