import CareAtlas
import CarePrivacy
import CareFormats
import Foundation

/// An independent check of published outputs for disclosure: reads the exported files and the
/// commands' stdout back (not the engine's masks) and looks for
/// 1. any patient count shown below the minimum cell size (CSV, Markdown, HTML, GeoJSON, stdout);
/// 2. any area cell hidden in one output and shown in another;
/// 3. any hidden area cell that the shown totals determine exactly (linear algebra over the
///    published equations: the cell's unit vector lies in their row space), or that one equation
///    pins to the edge of its range (k hidden small cells summing to k or to k·(min−1));
/// 4. any difference of two shown totals over nested sets of areas that is a small count.
///
/// Outputs are added one by one (``add(folder:)``, ``add(stdout:name:)``), so that one audit can
/// read one command's outputs or every command's together. What it knows of the study it is told:
/// the group memberships (from the grouping file) and the anchor, whose service-area counts are
/// sums of the area cells when the flow table's anchor rows are the patient table's.
public struct DisclosureAudit {
    public enum Cell: Equatable, Sendable { case shown(Int), hidden(primary: Bool) }
    public struct Equation: Sendable { public let set: Set<String>; public let value: Int; public let source: String }

    public let minCell: Int
    /// Group name → member area codes.
    public let groups: [String: Set<String>]
    /// The anchor's institution id, when its flows are the area cells.
    public let anchorID: String?
    public private(set) var cells: [String: Cell] = [:]
    /// Where each cell was read, for messages.
    private var cellSources: [String: String] = [:]
    public private(set) var equations: [Equation] = []
    /// Published orders between cells (larger ≥ smaller + margin), from the ranks of the area
    /// tables (the share catchments' orders are derived in ``catchmentRules()``).
    public private(set) var orders: [(larger: String, smaller: String, margin: Int)] = []
    /// Area code → its rook neighbours at the line's level (the study's boundaries: public), to
    /// follow the growth of contiguous catchments. Told by the caller, like ``groups``.
    public var adjacency: [String: Set<String>] = [:]
    /// Distance from the anchor of each area, km, as `catchment_ranking.csv` publishes it (the
    /// ranking's tie-break at equal counts).
    public private(set) var distances: [String: Double] = [:]
    /// A published share catchment: its member codes (in the order they were added when
    /// `ordered`: `catchment_summary.csv` and `catchment --json`; by code in the report), its
    /// target share, method and whether it was reached.
    public struct PublishedCatchment: Sendable {
        public let codes: [String]
        public let ordered: Bool
        public let contiguous: Bool
        public let reached: Bool
        public let share: Double
    }
    public private(set) var catchments: [PublishedCatchment] = []
    /// The plurality service-area tables as published (`service_area_origins.csv`,
    /// `service_areas.csv`): per origin its patients Tᵢ, its hospital a(i) (empty when withheld),
    /// nᵢ,ₐ₍ᵢ₎ and the hospitals tied with a(i); per hospital its listed origins and Rsₕ, Lₕ, Nₕ.
    public struct ServiceOrigin: Sendable { public let code, patients, hospital, atHospital: String; public let tied: [String] }
    public struct ServiceArea: Sendable { public let hospital: String; public let codes: [String]; public let resident, local, patients: String }
    public private(set) var serviceOrigins: [ServiceOrigin] = []
    public private(set) var serviceAreas: [ServiceArea] = []
    public private(set) var problems: [String] = []
    public static let outside = "(outside)"

    public init(minCell: Int, groups: [String: Set<String>] = [:], anchorID: String? = nil) {
        self.minCell = minCell
        self.groups = groups
        self.anchorID = anchorID
    }

    /// The rook adjacency of a study's areas at `level` (public: the outputs' maps draw the same
    /// boundaries), by area code, for ``adjacency``.
    public static func adjacency(study: URL, level: AreaLevel = .municipality) throws -> [String: Set<String>] {
        let model = try StudyLoader.load(study)
        let areas = model.areas[level] ?? [], adjacency = model.adjacency[level] ?? []
        var out: [String: Set<String>] = [:]
        for (i, a) in areas.enumerated() where i < adjacency.count { out[a.id] = Set(adjacency[i].map { areas[$0].id }) }
        return out
    }

    /// A study's groups (every grouping's group name → member area codes), for ``groups``
    /// (public: the study's grouping file).
    public static func groups(study: URL) throws -> [String: Set<String>] {
        var groups: [String: Set<String>] = [:]
        for g in try StudyLoader.load(study).groups.values.flatMap({ $0 }) { groups[g.name, default: []].formUnion(g.memberIDs) }
        return groups
    }

    /// A report folder alone (its `areas.csv` is the line).
    public init(folder: URL, minCell: Int) throws {
        self.init(minCell: minCell)
        try add(folder: folder)
    }

    // MARK: Cells and equations

    static func cell(_ text: String) -> Cell? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let v = Int(t) { return .shown(v) }
        if t.hasPrefix("<") { return .hidden(primary: true) }
        if t == "x" { return .hidden(primary: false) }
        return nil
    }

    /// Records what an output shows of an area cell; a cell shown in one output and hidden in
    /// another is a problem (the hidden one is given away).
    public mutating func record(_ code: String, _ text: String, source: String) {
        guard let new = Self.cell(text) else { return }
        if let old = cells[code] {
            switch (old, new) {
            case let (.shown(a), .shown(b)) where a != b:
                problems.append("\(code): \(a) in \(cellSources[code] ?? "?") but \(b) in \(source)")
            case let (.shown(a), .hidden):
                problems.append("\(code): hidden in \(source) but shown as \(a) in \(cellSources[code] ?? "?")")
            case let (.hidden, .shown(b)):
                problems.append("\(code): hidden in \(cellSources[code] ?? "?") but shown as \(b) in \(source)")
                cells[code] = new
                cellSources[code] = source
            case (.hidden(false), .hidden(true)):
                cells[code] = new
            default: break
            }
        } else {
            cells[code] = new
            cellSources[code] = source
        }
        if case let .shown(v) = new, v > 0 && v < minCell { problems.append("\(source): \(code) = \(v)") }
    }

    /// Records a published total over a set of area codes (the outside bucket is ``outside``).
    public mutating func equation(_ set: Set<String>, _ text: String, source: String) {
        if text.trimmingCharacters(in: .whitespaces) == "x", !set.isEmpty { hiddenTotals.insert(set) }
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)), !set.isEmpty else {
            if isSmall(text) { problems.append("\(source): total \(text)") }
            return
        }
        if v > 0 && v < minCell { problems.append("\(source): total = \(v)") }
        equations.append(Equation(set: set, value: v, source: source))
    }

    /// The distinct sets of areas whose published total is hidden ("x": secondary suppression of a
    /// total, e.g. a 90 % catchment), however many outputs show it.
    public private(set) var hiddenTotals: Set<Set<String>> = []

    /// All area codes of the line read so far (the outside bucket included).
    public var lineCodes: Set<String> { Set(cells.keys) }

    // MARK: 1. Small counts shown anywhere, and the files' cells and totals

    static let countColumns: Set<String> = ["patients", "shared_patients", "marginal_patients"]

    func isSmall(_ text: String) -> Bool {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else { return false }
        return n > 0 && n < minCell
    }

    /// Every file of an output folder (or one output file).
    public mutating func add(folder: URL) throws {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory)
        let files = isDirectory.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0) } : [folder]
        for f in files where f.pathExtension == "csv" { try scanCSV(f) }
        for f in files where f.pathExtension == "md" { scanText(f, markdown: true) }
        for f in files where f.pathExtension == "html" { scanText(f, markdown: false) }
        for f in files where f.pathExtension == "geojson" { try scanGeoJSON(f) }
        for f in files where f.pathExtension == "qgs" { scanQGISProject(f) }
        for f in files where f.pathExtension == "svg" { scanSVG(f) }
        for f in files where f.pathExtension == "pdf" && f.lastPathComponent.hasPrefix("map_") { scanMapPDF(f) }
        try readLine(files)
        for f in files where f.pathExtension == "html" { try scanMapData(f) }
        try readEquations(files)
    }

    mutating func scanCSV(_ url: URL) throws {
        let t = try CSVTable(contentsOf: url)
        for (c, name) in t.header.enumerated() where Self.countColumns.contains(name) || name.hasSuffix("_patients") {
            for row in t where c < row.fields.count && isSmall(row.fields[c]) {
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

    /// The layer properties of features: counts (numbers or labels) below the minimum are problems.
    mutating func scanProperties(_ properties: JSONObject, source: String) {
        for (key, value) in properties where key == "patients" || key.hasSuffix("_patients") || key.hasSuffix("_label") {
            switch value {
            case let .number(n) where n > 0 && n < Double(minCell): problems.append("\(source): \(key) = \(n)")
            case let .string(s) where isSmall(s): problems.append("\(source): \(key) = \(s)")
            default: break
            }
        }
    }

    /// The interactive map's data inlined in report.html (`<script id="careatlas-data">`): every
    /// layer's features like a GeoJSON layer's, and each area's patients as a cell of the line
    /// (so a cell the map shows and a table hides is found).
    mutating func scanMapData(_ url: URL) throws {
        let html = try String(contentsOf: url, encoding: .utf8)
        let open = "<script id=\"careatlas-data\" type=\"application/json\">"
        guard let start = html.range(of: open), let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else { return }
        let text = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "<\\/", with: "</")
        let data = try JSONParser.parse(text)
        let known = lineCodes
        for layer in ["areas", "institutions", "stages"] {
            for (k, f) in (data[layer]?["features"]?.arrayValue ?? []).enumerated() {
                guard let p = f["properties"]?.objectValue else { continue }
                let source = "\(url.lastPathComponent) map data \(layer) \(k)"
                scanProperties(p, source: source)
                if layer == "areas", let code = p["area_code"]?.stringValue, known.contains(code), let label = p["patients_label"]?.stringValue {
                    record(code, label, source: source)
                }
            }
        }
    }

    /// A QGIS project: no rule compares a count field with a small number (a class limit below
    /// the minimum would bound a hidden cell).
    mutating func scanQGISProject(_ url: URL) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { problems.append("\(url.lastPathComponent): unreadable"); return }
        let pattern = #"&quot;([A-Za-z0-9_]*patients)&quot; (?:&gt;=|&gt;|&lt;=|&lt;|=|&lt;&gt;) (-?[0-9.]+)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return }
        for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let field = Range(m.range(at: 1), in: text), let value = Range(m.range(at: 2), in: text),
                  let v = Double(text[value]), v > 0 && v < Double(minCell) else { continue }
            problems.append("\(url.lastPathComponent): rule on \(text[field]) with limit \(text[value])")
        }
    }

    /// Legend titles of the maps that classify patient counts (Japanese and English).
    static let patientLegendTitles: Set<String> = ["患者数（人）", "Patients"]

    /// A map drawn as SVG (`map`'s file, the report's `map_*.svg`): every `<text>` (title, legend,
    /// labels, notes). No text may be a count 1 … min−1 on its own (a label), and the class
    /// limits of a patient-count legend may not name one (a class "5–9" would place the areas
    /// drawn in it within 1 … min−1).
    public mutating func scanSVG(_ url: URL) {
        guard let svg = try? String(contentsOf: url, encoding: .utf8) else { problems.append("\(url.lastPathComponent): unreadable"); return }
        var texts: [String] = []
        var rest = svg[...]
        while let open = rest.range(of: "<text"), let gt = rest.range(of: ">", range: open.upperBound..<rest.endIndex),
              let close = rest.range(of: "</text>", range: gt.upperBound..<rest.endIndex) {
            texts.append(String(rest[gt.upperBound..<close.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&"))
            rest = rest[close.upperBound...]
        }
        mapTextsRead += texts.count
        for t in texts where isSmall(t) { problems.append("\(url.lastPathComponent): the text \(t) is a small count") }
        scanLegend(texts, source: url.lastPathComponent)
    }

    /// A map's PDF (`map_*.pdf`): its text as `pdftotext -raw` extracts it (the same legend as the
    /// SVG's), when poppler-utils is installed; skipped otherwise (the SVG of the same map is read).
    public mutating func scanMapPDF(_ url: URL) {
        let tool = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else { return }
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-raw", "-enc", "UTF-8", url.path, "-"]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        mapTextsRead += lines.count
        scanLegend(lines, source: url.lastPathComponent)
    }

    /// The entries after a patient-count legend title, up to the first that is no class ("<10",
    /// "0", "12–14", "40+"): each limit must be 0 or at least min_cell.
    mutating func scanLegend(_ texts: [String], source: String) {
        for (k, t) in texts.enumerated() where Self.patientLegendTitles.contains(t) {
            for entry in texts[(k + 1)...] {
                let limits = entry.split(whereSeparator: { "–-+ ".contains($0) }).map(String.init)
                guard entry.hasPrefix("<") || (!limits.isEmpty && limits.allSatisfy { Double($0) != nil }) else { break }
                patientLegendClasses += 1
                for l in limits where (Double(l) ?? 0) > 0 && (Double(l) ?? 0) < Double(minCell) {
                    problems.append("\(source): patient legend class \(entry) names a count below \(minCell)")
                }
            }
        }
    }

    /// How many map texts (SVG `<text>`, PDF lines) and patient-legend classes were read.
    public private(set) var mapTextsRead = 0
    public private(set) var patientLegendClasses = 0

    // MARK: 2–4. The line, and the totals over it

    /// The line of area cells: `areas.csv` (report) or `catchment_ranking.csv` (catchment), each
    /// with its outside row and its total; `gaps.csv` with a patient need; the anchor's rows of
    /// `service_area_origins.csv`.
    mutating func readLine(_ files: [URL]) throws {
        for url in files where ["areas.csv", "catchment_ranking.csv"].contains(url.lastPathComponent) {
            let t = try CSVTable(contentsOf: url)
            let code = try t.column("area_code").index, name = try t.column("area_name").index, n = try t.column("patients").index
            var total: String?
            let rankColumn = t.header.firstIndex(of: "rank")
            var ranked: [(rank: Int, code: String)] = []
            for row in t {
                let f = row.fields
                let source = "\(url.lastPathComponent) line \(row.lineNumber)"
                if !f[code].isEmpty { record(f[code], f[n], source: source) }
                if !f[code].isEmpty, let r = rankColumn, let rank = Int(f[r]) { ranked.append((rank, f[code])) }
                else if f[name].contains("outside") { record(Self.outside, f[n], source: source) }
                else if f[name].contains("total") { total = f[n] }
            }
            if let total { equation(lineCodes, total, source: "\(url.lastPathComponent) total") }
            // A published rank orders the counts: the area ranked k has at least as many patients
            // as the one ranked next.
            let byRank = ranked.sorted { $0.rank < $1.rank }
            for (a, b) in zip(byRank, byRank.dropFirst()) { orders.append((a.code, b.code, 0)) }
            if let d = t.header.firstIndex(of: "distance_km") {
                for row in t where !row.fields[code].isEmpty { distances[row.fields[code]] = Double(row.fields[d]) }
            }
        }
        for url in files where url.lastPathComponent == "gaps.csv" {
            let t = try CSVTable(contentsOf: url)
            guard let need = t.header.firstIndex(of: "need_patients") else { continue }
            let code = try t.column("area_code").index
            for row in t { record(row.fields[code], row.fields[need], source: "gaps.csv line \(row.lineNumber)") }
        }
        for url in files where url.lastPathComponent == "service_area_origins.csv" {
            let t = try CSVTable(contentsOf: url)
            let code = try t.column("area_code").index, h = try t.column("institution_id").index, n = try t.column("patients_at_institution").index
            let p = try t.column("patients").index, tied = try t.column("tied_with").index
            if serviceOrigins.isEmpty {
                serviceOrigins = t.map { r in
                    ServiceOrigin(code: r.fields[code], patients: r.fields[p], hospital: r.fields[h], atHospital: r.fields[n],
                                  tied: r.fields[tied].split(separator: " ").map(String.init))
                }
            }
            guard let anchorID else { continue }
            for row in t where row.fields[h] == anchorID {
                record(row.fields[code], row.fields[n], source: "service_area_origins.csv line \(row.lineNumber)")
            }
        }
    }

    mutating func readEquations(_ files: [URL]) throws {
        let names = Set(files.map(\.lastPathComponent))
        func sets(_ file: String, differences: Bool = false) throws {
            guard names.contains(file), let url = files.first(where: { $0.lastPathComponent == file }) else { return }
            let t = try CSVTable(contentsOf: url)
            let c = try t.column("area_codes").index, p = try t.column("patients").index
            let plan = t.header.firstIndex(of: "plan")
            var previous: (plan: String, set: Set<String>)?
            for row in t {
                let f = row.fields
                let set = Set(f[c].split(separator: " ").map(String.init))
                equation(set, f[p], source: "\(file) line \(row.lineNumber)")
                if differences, let m = t.header.firstIndex(of: "marginal_patients"), let v = Int(f[m]),
                   let prev = previous, prev.plan == (plan.map { f[$0] } ?? ""), prev.set.isSubset(of: set) {
                    equations.append(Equation(set: set.subtracting(prev.set), value: v, source: "\(file) line \(row.lineNumber) marginal"))
                }
                previous = (plan.map { f[$0] } ?? "", set)
            }
        }
        try sets("catchments.csv")
        try sets("catchment_summary.csv")
        for file in ["catchments.csv", "catchment_summary.csv"] {
            guard let url = files.first(where: { $0.lastPathComponent == file }) else { continue }
            let t = try CSVTable(contentsOf: url)
            guard let share = t.header.firstIndex(of: "target_share_percent"), let method = t.header.firstIndex(of: "method"),
                  let reached = t.header.firstIndex(of: "reached"), let c = t.header.firstIndex(of: "area_codes") else { continue }
            for row in t {
                let f = row.fields
                guard let percent = Double(f[share]) else { continue }
                catchments.append(PublishedCatchment(
                    codes: f[c].split(separator: " ").map(String.init), ordered: file == "catchment_summary.csv",
                    contiguous: f[method] == "contiguous", reached: f[reached] == "yes", share: percent / 100))
            }
        }
        try sets("scenario_stages.csv", differences: true)
        try sets("scenario_frontier.csv")
        try sets("scenario_path.csv", differences: true)
        // The decision page's stages (report): totals over the stages' areas and their gains.
        try sets("decision.csv", differences: true)
        if let url = files.first(where: { $0.lastPathComponent == "catchment_groups.csv" }) {
            let t = try CSVTable(contentsOf: url)
            let g = try t.column("group").index, p = try t.column("patients").index
            for row in t { groupEquation(row.fields[g], row.fields[p], source: "catchment_groups.csv line \(row.lineNumber)") }
        }
        if let url = files.first(where: { $0.lastPathComponent == "service_areas.csv" }) {
            let t = try CSVTable(contentsOf: url)
            let h = try t.column("institution_id").index, codes = try t.column("origin_codes").index
            let local = try t.column("local_patients").index, all = try t.column("hospital_patients").index
            let resident = try t.column("resident_patients").index
            if serviceAreas.isEmpty {
                serviceAreas = t.map { r in
                    ServiceArea(hospital: r.fields[h], codes: r.fields[codes].split(separator: " ").map(String.init),
                                resident: r.fields[resident], local: r.fields[local], patients: r.fields[all])
                }
            }
            if let anchorID {
                for row in t where row.fields[h] == anchorID {
                    equation(Set(row.fields[codes].split(separator: " ").map(String.init)), row.fields[local], source: "service_areas.csv local_patients")
                    equation(lineCodes.subtracting([Self.outside]), row.fields[all], source: "service_areas.csv hospital_patients")
                }
            }
        }
    }

    /// A group's line (by name), or the line "other or outside" (every area in no group, and the
    /// outside bucket).
    mutating func groupEquation(_ name: String, _ value: String, source: String) {
        if let members = groups[name] {
            equation(members, value, source: source)
        } else if name.contains("other or outside") {
            let grouped = groups.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            equation(lineCodes.subtracting(grouped).union([Self.outside]), value, source: source)
        }
    }

    // MARK: Shared-patient counts (institutions)

    /// The institutions' shared-patient counts as a report folder publishes them
    /// (`institutions.csv`, `liaison.csv`): one cell per institution, in no published sum. Their
    /// row order is the only other thing published about them: a hidden row placed before another
    /// hidden row against the lists' stated tie order (by kind and id in `institutions.csv`; by
    /// name within a ward and band of `liaison.csv`) can only be explained by its count, so it is
    /// read as an order x_a ≥ x_b. Returns the cells read, the hidden ones, and each hidden one
    /// the attacker narrows below 1 … min − 1 (with the same label shown in both files, or a
    /// problem).
    public static func sharedPatients(folder: URL, minCell: Int) throws -> (cells: Int, hidden: Int, narrowed: [String], problems: [String]) {
        var labels: [String: String] = [:]
        var problems: [String] = []
        var orders: [(String, String)] = []
        func label(_ id: String, _ text: String, _ source: String) {
            guard Int(text) != nil || text.hasPrefix("<") else { return }
            if let old = labels[id], old != text { problems.append("\(id): \(old) and \(text) (\(source))") }
            labels[id] = text
        }
        let inst = try CSVTable(contentsOf: folder.appendingPathComponent("institutions.csv"))
        let role = try inst.column("role").index, id = try inst.column("institution_id").index
        let kind = try inst.column("kind").index, shared = try inst.column("shared_patients").index
        var previous: (role: String, kind: String, id: String, hidden: Bool)?
        for row in inst {
            let f = row.fields
            label(f[id], f[shared], "institutions.csv")
            let hidden = f[shared].hasPrefix("<")
            if let p = previous, p.hidden, hidden, p.role == f[role], (p.kind, p.id) > (f[kind], f[id]) { orders.append((p.id, f[id])) }
            previous = (f[role], f[kind], f[id], hidden)
        }
        let liaison = try CSVTable(contentsOf: folder.appendingPathComponent("liaison.csv"))
        let plan = try liaison.column("plan").index, stage = try liaison.column("stage").index, ward = try liaison.column("ward_code").index
        let band = try liaison.column("rank").index, lid = try liaison.column("institution_id").index
        let name = try liaison.column("name").index, lshared = try liaison.column("shared_patients").index
        var last: [String]?
        for row in liaison {
            let f = row.fields
            label(f[lid], f[lshared], "liaison.csv")
            if let p = last, p[plan] == f[plan], p[stage] == f[stage], p[ward] == f[ward], p[band] == f[band],
               p[lshared].hasPrefix("<"), f[lshared].hasPrefix("<"), p[name] > f[name] {
                orders.append((p[lid], f[lid]))
            }
            last = f
        }
        let keys = labels.keys.sorted()
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let cells: [PublishedCells.Cell] = keys.map { k in
            let t = labels[k]!
            if let v = Int(t) { return .shown(v) }
            return t.hasPrefix("<") ? .small : .secondary
        }
        let published = PublishedCells(cells: cells, orders: orders.map { .init(larger: index[$0.0]!, smaller: index[$0.1]!) }, minCell: minCell)
        let narrowed = DisclosureAttack.narrowedCells(published).map { "\(keys[$0.cell]) narrowed to \($0.lower) … \($0.upper.map(String.init) ?? "∞")" }
        return (keys.count, cells.filter { $0 == .small }.count, narrowed, problems)
    }

    // MARK: stdout

    /// A command's stdout: a JSON document (`--json`) or its text.
    public mutating func add(stdout: String, name: String) {
        // `validate`'s note on the outside bucket (text or JSON): "N patients live outside …".
        if let r = stdout.range(of: #"(\S+) patients live outside the study areas"#, options: .regularExpression) {
            let token = stdout[r].split(separator: " ").first.map(String.init) ?? ""
            record(Self.outside, token, source: "\(name) validate note")
        }
        if let value = try? JSONParser.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines)), case .object = value {
            addJSON(value, name: name)
        } else {
            addText(stdout, name: name)
        }
    }

    mutating func addJSON(_ value: JSONValue, name: String) {
        func string(_ v: JSONValue?) -> String? { if case let .string(s)? = v { return s }; return nil }
        func codes(_ v: JSONValue?) -> Set<String> {
            guard case let .array(a)? = v else { return [] }
            return Set(a.compactMap { if case let .string(s) = $0 { return s }; return nil })
        }
        guard case let .object(o) = value else { return }
        // Small counts anywhere: any "patients"-like member given as a number or a string.
        func scan(_ v: JSONValue, path: String) {
            switch v {
            case let .object(m):
                for (k, x) in m {
                    if k == "patients" || k.hasSuffix("_patients") || k == "need" || k == "median_need", let s = string(x), isSmall(s) {
                        problems.append("\(name) \(path).\(k) = \(s)")
                    }
                    scan(x, path: "\(path).\(k)")
                }
            case let .array(a): for (i, x) in a.enumerated() { scan(x, path: "\(path)[\(i)]") }
            default: break
            }
        }
        scan(value, path: "")
        if let s = string(o["outside_patients"]) { record(Self.outside, s, source: "\(name) outside_patients") }
        if case let .array(list)? = o["catchments"] {
            for (k, c) in list.enumerated() {
                guard case let .object(m) = c, let p = string(m["patients"]) else { continue }
                equation(codes(m["area_codes"]), p, source: "\(name) catchments[\(k)]")
                if case let .number(share)? = m["target_share"], case let .bool(contiguous)? = m["contiguous"],
                   case let .bool(reached)? = m["reached"], case let .array(list)? = m["area_codes"] {
                    let ordered = list.compactMap { if case let .string(s) = $0 { return s }; return nil }
                    catchments.append(PublishedCatchment(codes: ordered, ordered: true, contiguous: contiguous, reached: reached, share: share))
                }
            }
        }
        if case let .array(plans)? = o["plans"] {
            for case let .object(plan) in plans {
                guard case let .array(stages)? = plan["stages"] else { continue }
                for (k, s) in stages.enumerated() {
                    guard case let .object(m) = s, let p = string(m["patients"]) else { continue }
                    equation(codes(m["area_codes"]), p, source: "\(name) \(string(plan["name"]) ?? "") stage \(k + 1)")
                }
            }
        }
        if case let .object(f)? = o["frontier"] {
            for key in ["points", "path"] {
                guard case let .array(list)? = f[key] else { continue }
                for (k, x) in list.enumerated() {
                    guard case let .object(m) = x, let p = string(m["patients"]) else { continue }
                    equation(codes(m["area_codes"]), p, source: "\(name) frontier.\(key)[\(k)]")
                }
            }
        }
        if case let .array(gaps)? = o["gaps"], string(o["need"]) == "patients" {
            for case let .object(g) in gaps {
                if let code = string(g["area_code"]), let n = string(g["need"]) { record(code, n, source: "\(name) gaps") }
            }
        }
        if case let .array(tables)? = o["tables"] {
            for case let .object(t) in tables {
                let title = string(t["title"]) ?? ""
                guard case let .array(rows)? = t["rows"] else { continue }
                for case let .object(r) in rows {
                    guard let p = string(r["patients"]), !p.isEmpty else { continue }
                    let id = string(r["id"]) ?? "", rowName = string(r["name"]) ?? ""
                    if title.contains("municipality") {
                        if !id.isEmpty { record(id, p, source: "\(name) \(title)") }
                        else if rowName.contains("outside") { record(Self.outside, p, source: "\(name) \(title)") }
                    } else if title.hasPrefix("group") {
                        groupEquation(rowName, p, source: "\(name) \(title) \(rowName)")
                    } else if isSmall(p) {
                        problems.append("\(name) \(title): \(id) = \(p)")
                    }
                }
            }
        }
        // The grand total, over the line read so far (when it has areas besides the outside bucket).
        if let s = string(o["total_patients"]), lineCodes.count > 1 { equation(lineCodes, s, source: "\(name) total_patients") }
    }

    /// Terminal text: `summary` (the municipality and group tables), `catchment`, `scenarios`
    /// (every count is checked against the minimum; the lines with area sets are in the files).
    mutating func addText(_ text: String, name: String) {
        var table = ""
        var headerColumns = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let tokens = line.split(separator: " ").map(String.init)
            if line.isEmpty { table = ""; continue }
            if !line.hasPrefix(" "), line.contains(":") || line.hasPrefix("plan "), !line.hasPrefix("Patients"), !line.hasPrefix("patients") { table = line }
            if line.hasPrefix("Patients:") || line.hasPrefix("patients:"), let i = tokens.firstIndex(of: "total,"), i + 1 < tokens.count {
                record(Self.outside, tokens[i + 1], source: "\(name) \"\(line)\"")
            }
            // Count columns of the catchment and scenario tables: small counts must not show.
            var counts: [String] = []
            if line.range(of: #"^\s+\d+%\s"#, options: .regularExpression) != nil, tokens.count > 4 { counts.append(tokens[4]) }
            if table.hasPrefix("plan"), line.hasPrefix("  "), tokens.count > 2, tokens[0] != "stage" { counts.append(tokens[2]) }
            if table.hasPrefix("frontier"), tokens.count > 1, Int(tokens[0]) != nil { counts.append(tokens[1]) }
            if line.hasPrefix("  budget "), tokens.count > 4 {
                counts.append(tokens[2])
                if tokens[4].hasPrefix("(+") { counts.append(String(tokens[4].dropFirst(2).dropLast())) }
            }
            for c in counts where isSmall(c) { problems.append("\(name): \(c) in \"\(line)\"") }
            if table.contains("municipality") {
                if tokens.first == "code" { headerColumns = tokens.count }
                // A row with a blank patients column (an area without patients: blank count and
                // share) has two tokens fewer than the header; its third token is then the
                // population. A hidden count has a blank share only (one fewer).
                if let code = tokens.first, code.count == 5, Int(code) != nil, tokens.count > 2, tokens.count >= headerColumns - 1 {
                    record(code, tokens[2], source: "\(name) summary \(code)")
                }
                else if line.contains("outside the study areas"), let v = tokens.last(where: { Self.cell($0) != nil && !$0.contains(".") }) {
                    record(Self.outside, v, source: "\(name) summary outside")
                }
            } else if table.hasPrefix("group") {
                if line.contains("other or outside") {
                    if let i = tokens.firstIndex(of: "outside"), i + 1 < tokens.count { groupEquation("other or outside", tokens[i + 1], source: "\(name) \(line)") }
                } else if tokens.count >= 2, groups[tokens[0]] != nil {
                    groupEquation(tokens[0], tokens[1], source: "\(name) \(line)")
                }
            }
        }
    }

    /// Problems of kinds 3 and 4.
    /// An attacker with an integer-programming solver (``DisclosureAttack``, independent of how the
    /// engine chose what to hide): every cell shown as "<m" whose feasible range, given every count,
    /// total and rank read back from the outputs, does not cover 1 … m − 1.
    public func narrowedByAttacker() -> [String] {
        let rules = catchmentRules()
        let keys = cells.keys.sorted()
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let service = serviceAreaModel(lineCells: keys.count, index: index)
        var published = PublishedCells(
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
            orders: (orders + rules.orders).compactMap { o in
                index[o.larger].flatMap { i in index[o.smaller].map { PublishedCells.Order(larger: i, smaller: $0, margin: o.margin) } }
            },
            bounds: rules.bounds.compactMap { b in
                let members = b.set.compactMap { index[$0] }
                return members.count == b.set.count ? PublishedCells.Bound(members: members.sorted(), lower: b.lower, upper: b.upper) : nil
            },
            minCell: minCell)
        published.cells += service.cells.map(\.cell)
        published.totals += service.totals
        published.orders += service.orders
        published.bounds += service.bounds
        let names = keys + service.cells.map(\.name)
        return DisclosureAttack.narrowedCells(published).map { r in
            "\(names[r.cell]) narrowed by an attacker to \(r.lower) … \(r.upper.map(String.init) ?? "∞")"
        }
    }

    /// The service-area tables as an attacker with the whole flow model reads them: every flow
    /// nᵢₕ (origin × hospital listed in `service_areas.csv`) is a variable ≥ 0; the anchor's are
    /// the line's cells (``anchorID`` is set only when its flows are the line); a published
    /// nᵢ,ₐ₍ᵢ₎ is a cell with its label. Published: Σₕ nᵢₕ = Tᵢ (or its label's range); the
    /// plurality rule nᵢₕ ≤ nᵢₐ − 1 for every other hospital (= for the tied ones); Lₕ, Rsₕ and
    /// Nₕ as sums over the listed origins (Nₕ over every origin), or their labels' ranges.
    /// A withheld assignment (no hospital) publishes Tᵢ alone (the attacker's knowledge that some
    /// hospital holds at least ⌈Tᵢ / H⌉ is a disjunction, left out).
    func serviceAreaModel(lineCells: Int, index: [String: Int])
        -> (cells: [(name: String, cell: PublishedCells.Cell)], totals: [PublishedCells.Total], orders: [PublishedCells.Order], bounds: [PublishedCells.Bound]) {
        guard !serviceOrigins.isEmpty, !serviceAreas.isEmpty else { return ([], [], [], []) }
        var cells: [(name: String, cell: PublishedCells.Cell)] = []
        var totals: [PublishedCells.Total] = [], orders: [PublishedCells.Order] = [], bounds: [PublishedCells.Bound] = []
        let hospitals = serviceAreas.map(\.hospital)
        func label(_ text: String) -> PublishedCells.Cell? {
            switch Self.cell(text) {
            case let .shown(v)?: .shown(v)
            case .hidden(primary: true)?: .small
            case .hidden(primary: false)?: .secondary
            case nil: nil
            }
        }
        /// A sum over `members` published as `text`: a total, or its label's range.
        func publish(_ members: [Int], _ text: String) {
            switch label(text) {
            case let .shown(v)?: totals.append(.init(members: members.sorted(), value: v))
            case .small?: bounds.append(.init(members: members.sorted(), lower: 1, upper: minCell - 1))
            case .secondary?: bounds.append(.init(members: members.sorted(), lower: minCell, upper: nil))
            default: break
            }
        }
        // flow[origin][hospital] → cell index.
        var flow: [String: [String: Int]] = [:]
        for o in serviceOrigins {
            for h in hospitals {
                if h == anchorID, let i = index[o.code] { flow[o.code, default: [:]][h] = i; continue }
                let published = h == o.hospital ? label(o.atHospital) : nil
                flow[o.code, default: [:]][h] = lineCells + cells.count
                cells.append((name: "\(o.code)→\(h)", cell: published ?? .unpublished))
            }
        }
        for o in serviceOrigins {
            guard let row = flow[o.code] else { continue }
            publish(Array(row.values), o.patients)
            guard let a = row[o.hospital] else { continue }
            for (h, c) in row where h != o.hospital {
                orders.append(.init(larger: a, smaller: c, margin: o.tied.contains(h) ? 0 : 1))
                if o.tied.contains(h) { orders.append(.init(larger: c, smaller: a, margin: 0)) }
            }
        }
        for area in serviceAreas {
            let listed = area.codes.compactMap { flow[$0] }
            publish(listed.compactMap { $0[area.hospital] }, area.local)
            publish(listed.flatMap(\.values), area.resident)
            publish(serviceOrigins.compactMap { flow[$0.code]?[area.hospital] }, area.patients)
        }
        return (cells, totals, orders, bounds)
    }

    /// What the published share catchments say besides their totals, derived here from the outputs
    /// (independently of the engine's ``Publication/addCatchmentRules(_:_:)``). With τ = share ×
    /// the published total, and "a ≥ b + margin" where the margin is 1 when the ranking's
    /// tie-break (nearer the anchor, then lower code) would have put b first:
    /// - every catchment: Σ members ≥ ⌈τ⌉ when reached, ≤ ⌈τ⌉ − 1 when not;
    /// - members in the order added: Σ of all but the last ≤ ⌈τ⌉ − 1; unconstrained, each member ≥
    ///   the next, and when reached the last ≥ every area left out; contiguous, each member ≥
    ///   every other area on the frontier of the region before it (``adjacency``);
    /// - members by code (unconstrained): the last added is the smallest, so Σ of the members but
    ///   any one ≤ ⌈τ⌉ − 1, and when reached each member ≥ every area left out. A contiguous
    ///   catchment listed by code gives its sum alone here (its growth order is a disjunction;
    ///   the `catchment` command lists it, and so does the engine's model).
    public func catchmentRules() -> (orders: [(larger: String, smaller: String, margin: Int)], bounds: [(set: Set<String>, lower: Int?, upper: Int?)]) {
        guard let total = equations.first(where: { $0.set == lineCodes })?.value else { return ([], []) }
        var orders: [(larger: String, smaller: String, margin: Int)] = []
        var bounds: [(set: Set<String>, lower: Int?, upper: Int?)] = []
        let areas = lineCodes.subtracting([Self.outside]).sorted()
        func margin(_ a: String, _ b: String) -> Int {
            guard let da = distances[a], let db = distances[b] else { return 0 }
            return (da, a) < (db, b) ? 0 : 1
        }
        for c in catchments where !c.codes.isEmpty {
            let below = Int((c.share * Double(total)).rounded(.up)) - 1
            let set = Set(c.codes)
            bounds.append((set, c.reached ? below + 1 : nil, c.reached ? nil : below))
            let outside = areas.filter { !set.contains($0) }
            if c.ordered {
                if c.codes.count > 1 { bounds.append((Set(c.codes.dropLast()), nil, below)) }
                if c.contiguous {
                    var region: Set<String> = [c.codes[0]]
                    var frontier = (adjacency[c.codes[0]] ?? []).subtracting(region)
                    for next in c.codes.dropFirst() {
                        for f in frontier.sorted() where f != next { orders.append((next, f, margin(next, f))) }
                        region.insert(next)
                        frontier = frontier.union(adjacency[next] ?? []).subtracting(region)
                    }
                } else {
                    for (a, b) in zip(c.codes, c.codes.dropFirst()) { orders.append((a, b, margin(a, b))) }
                    if c.reached, let last = c.codes.last { for b in outside { orders.append((last, b, margin(last, b))) } }
                }
            } else if !c.contiguous {
                for a in c.codes { bounds.append((set.subtracting([a]), nil, below)) }
                if c.reached { for a in c.codes { for b in outside { orders.append((a, b, margin(a, b))) } } }
            }
        }
        return (orders, bounds)
    }

    public func reconstructions() -> [String] {
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
