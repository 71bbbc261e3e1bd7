import CareFormats
import CareGeometry
import CareRegistries
import Foundation
import Yams

/// Reads a study file (YAML) into a ``StudySpec``, checking every key and value and reporting
/// every problem with its line, not only the first. Unknown keys are errors (they are usually typos).
public enum StudyFileParser {
    /// Parses the study file at `url`.
    ///
    /// - Returns: the spec (nil when errors make it unusable) and the diagnostics.
    public static func parse(contentsOf url: URL) -> (StudySpec?, Diagnostics) {
        var d = Diagnostics()
        let name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            d.error(name, "", "the study file does not exist (looked for \(url.path))", fix: "check the path")
            return (nil, d)
        }
        guard !isDirectory.boolValue else {
            d.error(name, "", "is a directory, not a study file", fix: "give the path of the study's .yaml file")
            return (nil, d)
        }
        let data: Data
        do {
            data = try InputFile.read(url, kind: .study)  // refuses FIFOs and files above the size limit
        } catch {
            d.error(name, "", error.message, fix: error.fix)
            return (nil, d)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            d.error(name, "", "is not UTF-8 text", fix: "save the study file as UTF-8")
            return (nil, d)
        }
        return parse(yaml: text, file: url)
    }

    /// Parses study YAML text; relative paths resolve against `file`'s folder.
    public static func parse(yaml: String, file: URL) -> (StudySpec?, Diagnostics) {
        var r = Reader(fileName: file.lastPathComponent, base: file.deletingLastPathComponent())
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            for key in keys.sorted() {
                let lines = duplicateKeyLines(key, column: context.mark.column, in: yaml)
                let location = lines.count >= 2 ? "line \(lines[1])" : "line \(context.mark.line)"
                let first = lines.count >= 2 ? " (first on line \(lines[0]))" : ""
                r.d.error(r.fileName, location, "key \"\(key)\" appears twice in the same mapping\(first)",
                          fix: "keep one of them (YAML does not merge repeated keys)")
            }
            return (nil, r.d)
        } catch let error as YamlError {
            r.d.error(r.fileName, yamlErrorLocation(error), "is not valid YAML: \(yamlErrorProblem(error))",
                      fix: "check indentation and quoting near that line")
            return (nil, r.d)
        } catch {
            r.d.error(r.fileName, "", "is not valid YAML: \(error)")
            return (nil, r.d)
        }
        guard let root, let top = r.mapping(root, "the study file") else {
            if root == nil { r.d.error(r.fileName, "", "is empty", fix: "start from geodata/demo/study.yaml") }
            return (nil, r.d)
        }
        let spec = r.study(top, root)
        return (r.d.hasErrors ? nil : spec, r.d)
    }
}

/// The lines on which `key:` starts at the 1-based `column` (block mappings; a "- " before the key
/// counts as indentation).
private func duplicateKeyLines(_ key: String, column: Int, in yaml: String) -> [Int] {
    var lines: [Int] = []
    guard column >= 1 else { return lines }
    for (i, text) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let chars = Array(text)
        guard chars.count >= column - 1 + key.count else { continue }
        let prefix = chars[..<(column - 1)]
        guard prefix.allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
        let rest = String(chars[(column - 1)...])
        for form in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(form) {
            let after = rest.dropFirst(form.count).drop { $0 == " " }
            if after.first == ":" { lines.append(i + 1); break }
        }
    }
    return lines
}

private func yamlErrorLocation(_ e: YamlError) -> String {
    switch e {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
        return "line \(mark.line)"
    default: return ""
    }
}

private func yamlErrorProblem(_ e: YamlError) -> String {
    switch e {
    case .scanner(let c, let p, _, _), .parser(let c, let p, _, _), .composer(let c, let p, _, _):
        return [c?.text, p].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
    default: return "\(e)"
    }
}

/// A mapping node with its entries, so that unknown keys can be reported.
struct Entries {
    let node: Node
    let pairs: [(key: String, value: Node, line: Int)]
    func value(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }
}

struct Reader {
    let fileName: String
    let base: URL
    var d = Diagnostics()
    var fileOptions: [URL: InputFileOptions] = [:]

    func line(_ node: Node) -> String { node.mark.map { "line \($0.line)" } ?? "" }
    /// The line of a node that may be absent: empty when it is.
    func line(_ node: Node?) -> String { node.map(line) ?? "" }

    /// `privacy.min_cell` within ``InputRanges/minCell``; a warning below 10 (issue 14).
    mutating func checkedMinCell(_ v: Node) -> Int? {
        guard let i = v.int, InputRanges.minCell.contains(i) else {
            d.error(fileName, line(v), "privacy.min_cell must be a whole number from 5 to 1,000,000,000, got \(v.string ?? "a list or mapping")",
                    fix: "counts below 5 can identify a patient; the usual value is 10 (for an internal run use --no-suppression)")
            return nil
        }
        if i < InputRanges.minCellWarnBelow {
            d.warning(fileName, line(v), "privacy.min_cell is \(i): \(i == 9 ? "a count of 9 is" : "counts from \(i) to 9 are") published",
                      fix: "use 10 unless your ethics review approved a smaller cell")
        }
        return i
    }

    mutating func mapping(_ node: Node, _ what: String) -> Entries? {
        guard case .mapping(let m) = node else {
            d.error(fileName, line(node), "\(what) must be a mapping of keys to values")
            return nil
        }
        var pairs: [(String, Node, Int)] = []
        var seen = Set<String>()
        for (k, v) in m {
            let key = k.string ?? ""
            if !seen.insert(key).inserted {
                d.error(fileName, line(k), "key \"\(key)\" appears twice in \(what)", fix: "keep one of them")
            }
            pairs.append((key, v, k.mark?.line ?? 0))
        }
        return Entries(node: node, pairs: pairs)
    }

    mutating func checkKeys(_ e: Entries, _ allowed: [String], _ what: String) {
        let allowed = allowed.contains("file") ? allowed + Self.fileOptionKeys : allowed
        for p in e.pairs where !allowed.contains(p.key) {
            d.error(fileName, "line \(p.line)", "unknown key \"\(p.key)\" in \(what)",
                    fix: "allowed keys are: \(allowed.joined(separator: ", "))")
        }
    }

    mutating func string(_ e: Entries, _ key: String, _ what: String, required: Bool = false) -> String? {
        guard let n = e.value(key), n.null == nil else {
            if required {
                d.error(fileName, line(e.node), "\(what) needs \"\(key)\"", fix: "add \(key): …")
            }
            return nil
        }
        guard case .scalar(let s) = n else {
            d.error(fileName, line(n), "\"\(key)\" in \(what) must be a single value")
            return nil
        }
        return s.string
    }

    mutating func bool(_ e: Entries, _ key: String, _ what: String, default value: Bool) -> Bool {
        guard let n = e.value(key) else { return value }
        guard let b = n.bool else {
            d.error(fileName, line(n), "\"\(key)\" in \(what) must be true or false")
            return value
        }
        return b
    }

    mutating func stringList(_ e: Entries, _ key: String, _ what: String) -> [String] {
        guard let n = e.value(key) else { return [] }
        if case .scalar(let s) = n { return [s.string] }
        guard case .sequence(let seq) = n else {
            d.error(fileName, line(n), "\"\(key)\" in \(what) must be a list")
            return []
        }
        return seq.compactMap { item in
            guard case .scalar(let s) = item else {
                d.error(fileName, line(item), "items of \"\(key)\" in \(what) must be single values")
                return nil
            }
            return s.string
        }
    }

    mutating func stringMap(_ e: Entries, _ key: String, _ what: String) -> [String: String] {
        guard let n = e.value(key) else { return [:] }
        guard let m = mapping(n, "\"\(key)\" in \(what)") else { return [:] }
        var out: [String: String] = [:]
        for p in m.pairs {
            guard case .scalar(let s) = p.value else {
                d.error(fileName, "line \(p.line)", "\"\(p.key)\" under \"\(key)\" in \(what) must be a single value")
                continue
            }
            out[p.key] = s.string
        }
        return out
    }

    mutating func listMap(_ e: Entries, _ key: String, _ what: String) -> [String: [String]] {
        guard let n = e.value(key) else { return [:] }
        guard let m = mapping(n, "\"\(key)\" in \(what)") else { return [:] }
        var out: [String: [String]] = [:]
        for p in m.pairs { out[p.key] = stringList(m, p.key, "\"\(key)\" in \(what)") }
        return out
    }

    /// A list of mappings, or one mapping taken as a list of one.
    mutating func items(_ e: Entries, _ key: String) -> [(Entries, String)] {
        guard let n = e.value(key) else { return [] }
        if case .mapping = n {
            return mapping(n, "\"\(key)\"").map { [($0, "\"\(key)\"")] } ?? []
        }
        guard case .sequence(let seq) = n else {
            d.error(fileName, line(n), "\"\(key)\" must be a list of layers (each starting with \"- file: …\")")
            return []
        }
        return seq.enumerated().compactMap { i, item in
            let what = "\"\(key)\" item \(i + 1)"
            return mapping(item, what).map { ($0, what) }
        }
    }

    mutating func file(_ e: Entries, _ what: String) -> URL? {
        guard let path = string(e, "file", what, required: true) else { return nil }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        recordFileOptions(e, what, url.standardizedFileURL)
        return url.standardizedFileURL
    }

    /// Keys any file entry may have: how GDAL or a registry importer reads it.
    static let fileOptionKeys = ["layer", "sheet", "header_row", "source", "prefectures", "allocate_with"]

    mutating func recordFileOptions(_ e: Entries, _ what: String, _ url: URL) {
        var o = InputFileOptions()
        o.layer = string(e, "layer", what)
        o.sheet = string(e, "sheet", what)
        if let n = e.value("header_row") {
            if let i = n.int, i >= 1 { o.headerRow = i } else {
                d.error(fileName, line(n), "header_row in \(what) must be a whole number ≥ 1", fix: "e.g. header_row: 4")
            }
        }
        o.source = string(e, "source", what)
        if let s = o.source, !StudySources.names.contains(s) {
            d.error(fileName, line(e.value("source")), "unknown source \"\(s)\" in \(what)",
                    fix: "sources are: \(StudySources.names.joined(separator: ", "))")
        }
        o.prefectures = stringList(e, "prefectures", what).map { $0.count == 1 ? "0" + $0 : $0 }
        o.allocateWith = stringList(e, "allocate_with", what).map {
            ($0.hasPrefix("/") ? URL(fileURLWithPath: $0) : base.appendingPathComponent($0)).standardizedFileURL
        }
        if o != InputFileOptions() { fileOptions[url] = o }
    }

    mutating func level(_ e: Entries, _ what: String, default value: AreaLevel?) -> AreaLevel? {
        guard let text = string(e, "level", what, required: value == nil) else { return value }
        guard let level = AreaLevel(rawValue: text) else {
            d.error(fileName, line(e.value("level")), "unknown level \"\(text)\" in \(what)",
                    fix: "use one of: \(AreaLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            return value
        }
        return level
    }

    mutating func encoding(_ e: Entries, _ what: String) -> InputEncoding {
        guard let text = string(e, "encoding", what) else { return .auto }
        guard let enc = InputEncoding(rawValue: text.lowercased().replacingOccurrences(of: "utf8", with: "utf-8")
            .replacingOccurrences(of: "shift_jis", with: "cp932").replacingOccurrences(of: "sjis", with: "cp932"))
        else {
            d.error(fileName, line(e.value("encoding")), "unknown encoding \"\(text)\" in \(what)",
                    fix: "use auto, utf-8 or cp932")
            return .auto
        }
        return enc
    }

    mutating func crs(_ text: String, _ node: Node?) -> CRS? {
        do { return try CRS(parsing: text) } catch {
            d.error(fileName, node.map(line) ?? "", "\(error)")
            return nil
        }
    }

    // MARK: sections

    mutating func study(_ top: Entries, _ root: Node) -> StudySpec? {
        checkKeys(top, ["study", "crs", "privacy", "areas", "population", "patients", "flows", "institutions",
                        "groupings", "anchor", "scenarios", "credits", "cost", "planning"], "the study file")
        var name = "", period = "", reportDate = ""
        if let n = top.value("study"), let s = mapping(n, "\"study\"") {
            checkKeys(s, ["name", "period", "report_date"], "\"study\"")
            name = string(s, "name", "\"study\"", required: true) ?? ""
            period = string(s, "period", "\"study\"") ?? ""
            reportDate = string(s, "report_date", "\"study\"") ?? ""
            if !reportDate.isEmpty, let problem = InputRanges.dateProblem(reportDate) {
                d.error(fileName, line(s.value("report_date")), "study.report_date: \(problem)", fix: "write the date as YYYY-MM-DD, e.g. \"2026-04-01\"")
            }
        } else {
            d.error(fileName, "", "the study file needs a \"study\" section with a name",
                    fix: "add study: {name: …, period: …, report_date: …}")
        }
        var crs: CRS? = nil
        if let text = string(top, "crs", "the study file"), text.lowercased() != "auto" {
            crs = self.crs(text, top.value("crs"))
        }
        var minCell = 10
        if let n = top.value("privacy"), let p = mapping(n, "\"privacy\"") {
            checkKeys(p, ["min_cell"], "\"privacy\"")
            if let v = p.value("min_cell") {
                minCell = checkedMinCell(v) ?? minCell
            }
        }
        let areas = items(top, "areas").compactMap { areaLayer($0.0, $0.1) }
        if areas.isEmpty { d.error(fileName, "", "the study has no area layers", fix: "add areas: - file: … level: municipality") }
        let population = items(top, "population").compactMap { populationSpec($0.0, $0.1) }
        var patients: PatientSpec? = nil
        if let n = top.value("patients"), let p = mapping(n, "\"patients\"") { patients = patientSpec(p) }
        var flows: FlowSpec? = nil
        if let n = top.value("flows"), let f = mapping(n, "\"flows\"") { flows = flowSpec(f) }
        let institutions = items(top, "institutions").compactMap { institutionLayer($0.0, $0.1) }
        let groupings = items(top, "groupings").compactMap { grouping($0.0, $0.1) }
        let anchor = string(top, "anchor", "the study file")
        var scenarios: ScenarioSpec? = nil
        if let n = top.value("scenarios"), let e = mapping(n, "\"scenarios\"") { scenarios = scenarioSpec(e) }
        let credits = stringList(top, "credits", "the study file")
        var cost = StudyCostSpec.straightLine
        if let n = top.value("cost") { cost = costSpec(n) }  // StudyFileParser+Cost.swift
        var planning: PlanningSpec? = nil
        if let n = top.value("planning"), let e = mapping(n, "\"planning\"") { planning = planningSpec(e) }  // StudyFileParser+Planning.swift
        // Names must be unique so outputs can name layers.
        var names = Set<String>()
        for a in areas where !names.insert(a.name).inserted {
            d.error(fileName, "", "two area layers are named \"\(a.name)\"", fix: "give each layer a distinct name:")
        }
        guard !d.hasErrors else { return nil }
        var spec = StudySpec(
            name: name, period: period, reportDate: reportDate, crs: crs, minCell: minCell, areas: areas,
            population: population, patients: patients, flows: flows, institutions: institutions, groupings: groupings,
            anchor: anchor, scenarios: scenarios, credits: credits, file: base.appendingPathComponent(fileName),
            fileOptions: fileOptions, cost: cost)
        spec.planning = planning
        return spec
    }

    mutating func areaLayer(_ e: Entries, _ what: String) -> AreaLayerSpec? {
        checkKeys(e, ["name", "file", "level", "id", "label", "label_en", "parent", "drop_null_ids", "drop_where",
                      "merge_duplicate_ids", "encoding"], what)
        let file = self.file(e, what)
        let level = self.level(e, what, default: nil)
        let id = string(e, "id", what, required: true)
        // label: one field, or a list of fields composed in order ([N03_003, N03_004] → 横浜市南区).
        let labels = stringList(e, "label", what)
        if labels.isEmpty, e.value("label") == nil { d.error(fileName, line(e.node), "\(what) needs \"label\"", fix: "add label: …") }
        let label = labels.first
        guard let file, let level, let id, let label else { return nil }
        var spec = AreaLayerSpec(
            name: string(e, "name", what) ?? file.deletingPathExtension().lastPathComponent,
            file: file, level: level, idField: id, nameField: label, nameEnglishField: string(e, "label_en", what),
            parentField: string(e, "parent", what),
            dropNullIds: bool(e, "drop_null_ids", what, default: true), dropWhere: listMap(e, "drop_where", what),
            mergeDuplicateIds: bool(e, "merge_duplicate_ids", what, default: false), encoding: encoding(e, what))
        spec.nameFields = labels
        return spec
    }

    mutating func populationSpec(_ e: Entries, _ what: String) -> PopulationSpec? {
        checkKeys(e, ["file", "level", "id", "columns", "filter", "encoding"], what)
        let file = self.file(e, what)
        let level = self.level(e, what, default: nil)
        let sourced = e.value("source") != nil  // a registry source brings its own column names
        let id = string(e, "id", what, required: !sourced) ?? (sourced ? "code" : nil)
        var columns = stringMap(e, "columns", what)
        if sourced, columns.isEmpty { columns = StudySources.populationColumns }
        if columns.isEmpty, e.value("columns") == nil {
            d.error(fileName, line(e.node), "\(what) needs \"columns\"", fix: "add columns: {total: <column>, aged65: <column>}")
        }
        guard let file, let level, let id, !columns.isEmpty else { return nil }
        return PopulationSpec(file: file, level: level, idField: id, columns: columns,
                              filter: stringMap(e, "filter", what), encoding: encoding(e, what))
    }

    mutating func patientSpec(_ e: Entries) -> PatientSpec? {
        let what = "\"patients\""
        if e.value("records") != nil { return patientRecordsSpec(e) }  // StudyFileParser+Records.swift
        checkKeys(e, ["file", "code", "count", "name", "filter", "breakdown", "encoding"], what)
        let file = self.file(e, what)
        let code = string(e, "code", what, required: true)
        let count = string(e, "count", what, required: true)
        guard let file, let code, let count else { return nil }
        return PatientSpec(file: file, codeField: code, countField: count, nameField: string(e, "name", what),
                           filter: stringMap(e, "filter", what), breakdown: stringList(e, "breakdown", what),
                           encoding: encoding(e, what))
    }

    mutating func number(_ e: Entries, _ key: String, _ what: String, positive: Bool = true) -> Double? {
        guard let n = e.value(key) else { return nil }
        guard let v = n.float, v.isFinite, !positive || v > 0 else {
            d.error(fileName, line(n), "\"\(key)\" in \(what) must be a \(positive ? "positive " : "")number")
            return nil
        }
        return v
    }

    mutating func objective(_ e: Entries, _ what: String) -> Objective {
        guard let text = string(e, "objective", what) else { return .patients }
        guard let o = Objective(rawValue: text) else {
            d.error(fileName, line(e.value("objective")), "unknown objective \"\(text)\" in \(what)",
                    fix: "use one of: \(Objective.allCases.map(\.rawValue).joined(separator: ", "))")
            return .patients
        }
        return o
    }

    mutating func scenarioSpec(_ e: Entries) -> ScenarioSpec {
        let what = "\"scenarios\""
        checkKeys(e, ["level", "plans", "frontier", "liaison", "gaps"], what)
        var spec = ScenarioSpec()
        spec.level = level(e, what, default: .municipality) ?? .municipality
        if let n = e.value("liaison"), let l = mapping(n, "scenarios.liaison") {
            checkKeys(l, ["min_shared", "kinds"], "scenarios.liaison")
            if let v = number(l, "min_shared", "scenarios.liaison", positive: false) {
                if v == v.rounded(), v >= Double(InputRanges.minShared.lowerBound), v <= Double(InputRanges.minShared.upperBound) {
                    spec.liaison.minShared = Int(v)
                } else {
                    d.error(fileName, line(l.value("min_shared")), "scenarios.liaison.min_shared must be a whole number from 0 to 1,000,000,000, got \(l.value("min_shared")?.string ?? numberText(v))",
                            fix: "the usual value is 1 (every institution that shared a patient)")
                }
            }
            spec.liaison.kinds = stringList(l, "kinds", "scenarios.liaison")
        }
        if let n = e.value("gaps"), let g = mapping(n, "scenarios.gaps") {
            checkKeys(g, ["kinds", "capacity", "threshold_m", "within_km", "threshold_minutes", "within_minutes"], "scenarios.gaps")
            let capacity = string(g, "capacity", "scenarios.gaps", required: true) ?? ""
            var settings = GapSettings(kinds: stringList(g, "kinds", "scenarios.gaps"), capacity: capacity)
            if let t = number(g, "threshold_m", "scenarios.gaps") { settings.thresholdMeters = t }
            if let w = number(g, "within_km", "scenarios.gaps") { settings.withinKm = w }
            settings.distanceLimitsGiven = g.value("threshold_m") != nil || g.value("within_km") != nil
            settings.thresholdMinutes = number(g, "threshold_minutes", "scenarios.gaps")
            settings.withinMinutesLimit = number(g, "within_minutes", "scenarios.gaps")
            spec.gaps = settings
        }
        if let n = e.value("frontier"), let f = mapping(n, "scenarios.frontier") {
            checkKeys(f, ["budget", "kinds", "up_to", "objective"], "scenarios.frontier")
            var measure = Budget.Measure.maxInstitutions
            if let text = string(f, "budget", "scenarios.frontier") {
                if let m = Budget.Measure(rawValue: text) { measure = m } else {
                    d.error(fileName, line(f.value("budget")), "unknown budget \"\(text)\" in scenarios.frontier",
                            fix: "use one of: \(Budget.Measure.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            var upTo = number(f, "up_to", "scenarios.frontier")
            if let v = upTo, v != v.rounded() || v > Double(InputRanges.frontierUpTo.upperBound) || v < 1 {
                d.error(fileName, line(f.value("up_to")), "scenarios.frontier.up_to must be a whole number from 1 to 10,000, got \(f.value("up_to")?.string ?? numberText(v))",
                        fix: "each step is one exact optimisation; the frontier also stops by itself where the whole level fits the budget")
                upTo = nil
            }
            if upTo == nil, f.value("up_to") == nil {
                d.error(fileName, line(f.node), "scenarios.frontier needs up_to", fix: "add up_to: the largest budget, e.g. 40")
            }
            spec.frontier = FrontierSpec(measure: measure, kinds: stringList(f, "kinds", "scenarios.frontier"),
                                         upTo: Int(upTo ?? 1), objective: objective(f, "scenarios.frontier"))
        }
        for (p, planWhat) in items(e, "plans") {
            checkKeys(p, ["name", "nested", "stages"], planWhat)
            let name = string(p, "name", planWhat, required: true) ?? ""
            let stages = items(p, "stages").compactMap { stage($0.0, "\(planWhat) \($0.1)") }
            if stages.isEmpty { d.error(fileName, line(p.node), "\(planWhat) has no stages", fix: "add stages: - name: … areas: […]") }
            spec.plans.append(StagePlan(name: name, nested: bool(p, "nested", planWhat, default: true), stages: stages))
        }
        return spec
    }

    mutating func stage(_ e: Entries, _ what: String) -> StageSpec? {
        let rules = ["areas", "group", "share", "within_km", "within_minutes", "budget"]
        checkKeys(e, ["name", "contiguous", "objective"] + rules, what)
        let name = string(e, "name", what, required: true) ?? ""
        let given = rules.filter { e.value($0) != nil }
        guard given.count == 1 else {
            d.error(fileName, line(e.node), "\(what) needs exactly one rule, found \(given.isEmpty ? "none" : given.joined(separator: ", "))",
                    fix: "one of: \(rules.joined(separator: ", "))")
            return nil
        }
        let rule: StageRule
        switch given[0] {
        case "areas": rule = .areas(stringList(e, "areas", what))
        case "group": rule = .group(string(e, "group", what) ?? "")
        case "share":
            guard let v = number(e, "share", what), v <= 1 else {
                d.error(fileName, line(e.value("share")), "share in \(what) must be in (0, 1]", fix: "e.g. share: 0.5")
                return nil
            }
            rule = .share(v)
        case "within_km":
            guard let v = number(e, "within_km", what) else { return nil }
            rule = .withinKm(v)
        case "within_minutes":
            guard let v = number(e, "within_minutes", what) else { return nil }
            rule = .withinMinutes(v)
        default:
            guard let node = e.value("budget"), let b = mapping(node, "\(what) budget") else { return nil }
            let measures = Budget.Measure.allCases.map(\.rawValue)
            checkKeys(b, measures + ["kinds"], "\(what) budget")
            let chosen = measures.filter { b.value($0) != nil }
            guard chosen.count == 1, let measure = Budget.Measure(rawValue: chosen[0]),
                let limit = number(b, chosen[0], "\(what) budget"), limit <= InputRanges.maxBudget
            else {
                if let v = b.value(chosen.first ?? "")?.float, v.isFinite, v > InputRanges.maxBudget {
                    d.error(fileName, line(b.value(chosen[0])), "\(chosen[0]) in \(what) budget is \(b.value(chosen[0])?.string ?? numberText(v)), more than 10^12",
                            fix: "a budget larger than what the study holds selects every area; write the limit in people, areas or institutions")
                    return nil
                }
                d.error(fileName, line(b.node), "\(what) budget needs exactly one of \(measures.joined(separator: ", ")) with a positive limit")
                return nil
            }
            rule = .budget(Budget(measure: measure, limit: limit, kinds: stringList(b, "kinds", "\(what) budget")))
        }
        return StageSpec(name: name, rule: rule, contiguous: bool(e, "contiguous", what, default: true), objective: objective(e, what))
    }

    mutating func flowSpec(_ e: Entries) -> FlowSpec? {
        let what = "\"flows\""
        checkKeys(e, ["file", "origin", "hospital", "count", "filter", "encoding"], what)
        let file = self.file(e, what)
        let origin = string(e, "origin", what, required: true)
        let hospital = string(e, "hospital", what, required: true)
        let count = string(e, "count", what, required: true)
        guard let file, let origin, let hospital, let count else { return nil }
        return FlowSpec(file: file, originField: origin, hospitalField: hospital, countField: count,
                        filter: stringMap(e, "filter", what), encoding: encoding(e, what))
    }

    mutating func institutionLayer(_ e: Entries, _ what: String) -> InstitutionLayerSpec? {
        checkKeys(e, ["file", "id", "name", "kind", "kind_value", "lon", "lat", "x", "y", "crs", "capacity",
                      "attributes", "shared_patients", "area_code", "encoding", "gazetteer", "postal_table", "roles_only", "covers"], what)
        let file = self.file(e, what)
        // iryojoho, kouseikyoku_list, kouseikyoku_todokede: StudySources.institutionColumns
        let sourced = e.value("source") != nil
        let source = string(e, "source", what)
        if let file {
            let resolve = { (p: String) in (p.hasPrefix("/") ? URL(fileURLWithPath: p) : base.appendingPathComponent(p)).standardizedFileURL }
            var o = fileOptions[file] ?? InputFileOptions()
            o.gazetteer = stringList(e, "gazetteer", what).map(resolve)
            o.postalTable = string(e, "postal_table", what).map(resolve)
            if let flag = e.value("roles_only") {
                switch flag.string {
                case "true": o.rolesOnly = source == "kouseikyoku_todokede"
                case "false": break
                default: d.error(fileName, line(flag), "roles_only in \(what) must be true or false", fix: "e.g. roles_only: true")
                }
                if source != "kouseikyoku_todokede" {
                    d.error(fileName, line(flag), "roles_only in \(what) is for source: kouseikyoku_todokede (the filed standards give the roles)",
                            fix: "remove roles_only:")
                }
            }
            if o.gazetteer.isEmpty, o.postalTable != nil {
                d.error(fileName, line(e.node), "\(what) names a postal_table: but no gazetteer:",
                        fix: "add gazetteer: [<prefecture>.dbf, …] (e-Stat 小地域 境界データ attribute tables)")
            }
            if o.gazetteer.isEmpty, let source, source.hasPrefix("kouseikyoku") {
                d.error(fileName, line(e.node), "\(what): \(source) gives addresses but no coordinates, and the entry names no gazetteer: to geocode them",
                        fix: "add gazetteer: [<prefecture>.dbf, …] (the census small-area attribute tables) and postal_table: KEN_ALL.CSV")
            }
            if !o.gazetteer.isEmpty, let source, !StudySources.institutionSources.contains(source) {
                d.error(fileName, line(e.node), "gazetteer: in \(what) is for institution sources (\(StudySources.institutionSources.sorted().joined(separator: ", ")))",
                        fix: "remove gazetteer:, or give the positions as lon:/lat: columns")
            } else if !o.gazetteer.isEmpty, source == nil {
                d.error(fileName, line(e.node), "gazetteer: in \(what) is for institution sources (\(StudySources.institutionSources.sorted().joined(separator: ", ")))",
                        fix: "name the registry with source:, or give the positions as lon:/lat: columns")
            }
            if o != InputFileOptions() { fileOptions[file] = o }
        }
        let id = string(e, "id", what, required: !sourced) ?? (sourced ? "id" : nil)
        let name = string(e, "name", what, required: !sourced) ?? (sourced ? "name" : nil)
        let kindField = string(e, "kind", what) ?? (sourced && e.value("kind_value") == nil ? "kind" : nil)
        let kindValue = string(e, "kind_value", what)
        let lon = string(e, "lon", what) ?? (sourced ? "lon" : nil), lat = string(e, "lat", what) ?? (sourced ? "lat" : nil)
        if kindField == nil, kindValue == nil {
            d.error(fileName, line(e.node), "\(what) needs \"kind\" (a column) or \"kind_value\" (one kind for the layer)",
                    fix: "e.g. kind_value: hospital")
        }
        let x = string(e, "x", what), y = string(e, "y", what)
        var crs = CRS.wgs84
        if let text = string(e, "crs", what) { crs = self.crs(text, e.value("crs")) ?? crs }
        let isCSV = file?.pathExtension.lowercased() != "geojson" && file?.pathExtension.lowercased() != "json"
        var positionIsLonLat = true
        var xField: String? = nil, yField: String? = nil
        if lon != nil || lat != nil {
            guard let lon, let lat else {
                d.error(fileName, line(e.node), "\(what) names only one of lon/lat", fix: "give both lon: and lat:")
                return nil
            }
            xField = lon; yField = lat
        } else if x != nil || y != nil {
            guard let x, let y else {
                d.error(fileName, line(e.node), "\(what) names only one of x/y", fix: "give both x: and y:")
                return nil
            }
            guard e.value("crs") != nil else {
                d.error(fileName, line(e.node), "\(what) gives x/y positions without their CRS", fix: "add crs: EPSG:…")
                return nil
            }
            xField = x; yField = y; positionIsLonLat = false
        } else if isCSV {
            d.error(fileName, line(e.node), "\(what) needs position columns",
                    fix: "add lon: and lat: (degrees) or x:, y: and crs:")
        }
        guard let file, let id, let name, kindField != nil || kindValue != nil else { return nil }
        var layer = InstitutionLayerSpec(
            file: file, idField: id, nameField: name, kindField: kindField, kindValue: kindValue,
            xField: xField, yField: yField, positionIsLonLat: positionIsLonLat, crs: crs,
            capacity: sourced && e.value("capacity") == nil ? ["beds": "beds"] : stringMap(e, "capacity", what),
            attributes: sourced && e.value("attributes") == nil ? ["address", "match_level", "roles", "postal_code"] : stringList(e, "attributes", what),
            sharedPatientsField: string(e, "shared_patients", what), areaCodeField: string(e, "area_code", what),
            encoding: encoding(e, what))
        layer.covers = stringList(e, "covers", what)
        return layer
    }

    mutating func grouping(_ e: Entries, _ what: String) -> GroupingSpec? {
        checkKeys(e, ["name", "file", "code", "group", "level", "encoding"], what)
        let file = self.file(e, what)
        let code = string(e, "code", what, required: true)
        let group = string(e, "group", what, required: true)
        let level = self.level(e, what, default: .municipality) ?? .municipality
        guard let file, let code, let group else { return nil }
        return GroupingSpec(name: string(e, "name", what) ?? group, file: file, codeField: code, groupField: group,
                            level: level, encoding: encoding(e, what))
    }
}
