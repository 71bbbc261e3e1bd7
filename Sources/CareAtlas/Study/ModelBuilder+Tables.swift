import CareFormats
import CareGeometry
import Foundation

extension ModelBuilder {
    /// Opens a CSV table, checking that the named columns exist; nil (with diagnostics) otherwise.
    mutating func openTable(_ url: URL, _ encoding: InputEncoding, columns: [String], what: String) -> CSVTable? {
        let file = display(url)
        let table: CSVTable
        if isConvertedTable(url) {  // .xlsx/.ods and registry sources (CareGDAL, CareRegistries)
            guard let converted = openConvertedTable(url) else { return nil }
            table = converted
        } else { do {
            table = try CSVTable(contentsOf: url, encoding: TextDecoding.Encoding(encoding))
        } catch {
            d.error(file, error.line.map { "line \($0)" } ?? "", error.unlocatedMessage.replacingOccurrences(of: url.path, with: file))
            return nil
        } }
        var ok = true
        let missing = columns.filter { !table.header.contains($0) }
        if table.header.count == 1, !missing.isEmpty, let odd = table.header[0].first(where: { "|:/ ".contains($0) }) {
            d.error(file, "line 1", "the header has a single column \"\(table.header[0])\": the file seems to use \"\(odd)\" between values",
                    fix: "save it as CSV with commas (or tabs or semicolons), which CareAtlas detects")
            return nil
        }
        for name in columns where !table.header.contains(name) {
            d.error(file, "line 1", "column \"\(name)\" not found (\(what))",
                    fix: "columns are: \(table.header.joined(separator: ", ")); fix the study file or the header")
            ok = false
        }
        if ok, let blank = blankRowsAtTheEnd(table) {
            d.error(file, blank, "blank rows at the end (only commas or spaces)", fix: "delete them (in Excel: select the rows, Delete, save again)")
            ok = false
        }
        if ok, table.isEmpty {
            d.error(file, "", "has a header but no rows", fix: "check that the right file is named in the study")
            ok = false
        }
        return ok ? table : nil
    }

    /// The columns `names` of a table that ``openTable(_:_:columns:what:)`` checked, in order; nil
    /// (with an error naming the file and the column, never a crash) if one is missing after all.
    mutating func columns(_ table: CSVTable, _ names: [String], file: String) -> [CSVTable.Column]? {
        var found: [CSVTable.Column] = []
        for name in names {
            guard let c = try? table.column(name) else {
                d.error(file, "line 1", "column \"\(name)\" not found", fix: "columns are: \(table.header.joined(separator: ", "))")
                return nil
            }
            found.append(c)
        }
        return found
    }

    /// A patient count as diagnostics may show it (small counts suppressed like every output).
    func patientsLabel(_ n: Int) -> String { SmallCellPolicy(minCell: spec.minCell).label(n) }

    /// Whether a row passes the `filter:` of a spec (all listed columns equal their value).
    func passes(_ row: CSVTable.Row, _ filter: [(CSVTable.Column, String)]) -> Bool {
        filter.allSatisfy { column, value in AreaCodes.normalizedText(row[column]) == value }
    }

    mutating func filterColumns(_ table: CSVTable, _ filter: [String: String]) -> [(CSVTable.Column, String)] {
        filter.sorted { $0.key < $1.key }.compactMap { key, value in
            guard let column = try? table.column(key) else { return nil }  // reported by openTable
            return (column, value)
        }
    }

    mutating func joinPopulation() {
        for p in spec.population {
            let file = display(p.file)
            let columns = p.columns.sorted { $0.key < $1.key }
            guard let table = openTable(p.file, p.encoding, columns: [p.idField] + columns.map(\.value) + p.filter.keys.sorted(),
                                        what: "population")
            else { continue }
            guard areas[p.level] != nil else {
                d.error(file, "", "population is given for level \(p.level.rawValue) but the study has no area layer of that level",
                        fix: "fix the level: or add the area layer")
                continue
            }
            guard let checked = self.columns(table, [p.idField] + columns.map(\.value), file: file) else { continue }
            let idColumn = checked[0]
            let valueColumns = zip(columns, checked.dropFirst()).map { ($0.key, $1) }
            let filter = filterColumns(table, p.filter)
            var seen: [String: Int] = [:]
            var unmatched: [String] = []
            var kept = 0
            for row in table where passes(row, filter) {
                kept += 1
                let location = "line \(row.lineNumber)"
                let id = AreaCodes.normalizeAreaID(row[idColumn])
                guard !id.isEmpty else {
                    d.error(file, location, "empty \(p.idField)", fix: "every population row needs an area id")
                    continue
                }
                if let first = seen[id] {
                    d.error(file, location, "duplicate id \(id) (first on line \(first))",
                            fix: "one row per area; use filter: to pick one edition or year")
                    continue
                }
                seen[id] = row.lineNumber
                guard let index = areaIndex(id, p.level) else {
                    unmatched.append(id)
                    continue
                }
                for (name, column) in valueColumns {
                    switch AreaCodes.measure(row[column]) {
                    case .value(let v) where v > 1e10:
                        // A population table's figures are people or households: anything above the world's
                        // population is a unit or typing error (1e308, a pasted ID), never data.
                        d.error(file, location, "\(column.name) of \(id) is \(row[column]), more than the world's population",
                                fix: "write the figure as a number of people or households")
                    case .value(let v): updateArea(p.level, index) { $0.population[name] = v }
                    case .missing: break
                    case .invalid(let message):
                        d.error(file, location, "\(column.name) of \(id): \(message)", fix: "write a number, or leave the cell empty")
                    }
                }
            }
            if kept == 0 {
                d.error(file, "", "no row passes the filter \(p.filter.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))",
                        fix: "check the filter values against the file")
            }
            if !unmatched.isEmpty {
                d.note(file, "", "\(unmatched.count) row\(unmatched.count == 1 ? "" : "s") name areas that are not in the study (e.g. \(unmatched.prefix(3).joined(separator: ", "))); not used")
            }
            let missing = (areas[p.level] ?? []).filter { $0.population.isEmpty }.count
            if missing > 0 {
                d.note(file, "", "\(missing) \(p.level.rawValue) area\(missing == 1 ? "" : "s") have no population row")
            }
        }
    }

    func areaIndex(_ id: String, _ level: AreaLevel) -> Int? {
        areas[level].flatMap { StudyModel.binarySearch($0, id) }
    }

    /// The area at `index` of `level` (an index from ``areaIndex(_:_:)`` or a loop over that
    /// level), or nil when it is not there.
    func area(_ level: AreaLevel, _ index: Int) -> Area? {
        guard let list = areas[level], list.indices.contains(index) else { return nil }
        return list[index]
    }

    /// Changes the area at `index` of `level` in place. An index that is not there is a broken
    /// invariant of the loader: it becomes an error in the list of problems (the load then fails
    /// with it) instead of a crash.
    mutating func updateArea(_ level: AreaLevel, _ index: Int, _ change: (inout Area) -> Void) {
        guard area(level, index) != nil else {
            d.error("study", "", "internal: no \(level.rawValue) area at index \(index) while building the model",
                    fix: "please report this with the study file")
            return
        }
        change(&areas[level, default: []][index])
    }

    mutating func joinGroupings() {
        for g in spec.groupings {
            let file = display(g.file)
            guard let table = openTable(g.file, g.encoding, columns: [g.codeField, g.groupField], what: "grouping") else { continue }
            guard let checked = columns(table, [g.codeField, g.groupField], file: file) else { continue }
            let code = checked[0], group = checked[1]
            var seen: [String: Int] = [:]
            var unmatched = 0
            for row in table {
                let id = AreaCodes.normalizeAreaID(row[code])
                let name = AreaCodes.normalizedText(row[group])
                if let first = seen[id] {
                    d.error(file, "line \(row.lineNumber)", "code \(id) is listed twice (first on line \(first))")
                    continue
                }
                seen[id] = row.lineNumber
                guard !name.isEmpty else {
                    d.warning(file, "line \(row.lineNumber)", "code \(id) has an empty group; left ungrouped")
                    continue
                }
                guard let index = areaIndex(id, g.level) else { unmatched += 1; continue }
                updateArea(g.level, index) { $0.groups[g.name] = name }
            }
            if unmatched > 0 {
                d.note(file, "", "\(unmatched) code\(unmatched == 1 ? "" : "s") are not areas of the study; not used")
            }
        }
        // Finer areas inherit their parent's groups.
        for level in AreaLevel.allCases.reversed() {
            guard let list = areas[level] else { continue }
            for i in list.indices {
                guard let parentLevel = parentLevel(of: level), let pid = list[i].parentID,
                    let p = areaIndex(pid, parentLevel)
                else { continue }
                let inherited = area(parentLevel, p)?.groups ?? [:]
                updateArea(level, i) { child in
                    for (k, v) in inherited where child.groups[k] == nil { child.groups[k] = v }
                }
            }
        }
    }

    /// The next coarser level present in the study.
    func parentLevel(of level: AreaLevel) -> AreaLevel? {
        AreaLevel.allCases.filter { $0 > level && areas[$0] != nil }.first
    }

    mutating func readPatients() {
        guard let p = spec.patients else {
            d.note("study", "", "no patient table: patient totals are not available")
            return
        }
        if let records = p.records { return readPatientRecords(p, records) }  // ModelBuilder+Records.swift
        let file = display(p.file)
        let columnNames = [p.codeField, p.countField] + [p.nameField].compactMap { $0 } + p.breakdown + p.filter.keys.sorted()
        guard let table = openTable(p.file, p.encoding, columns: columnNames, what: "patients") else { return }
        guard let checked = columns(table, [p.codeField, p.countField], file: file) else { return }
        let code = checked[0], count = checked[1]
        let name = p.nameField.flatMap { try? table.column($0) }
        let breakdown = p.breakdown.compactMap { try? table.column($0) }
        let filter = filterColumns(table, p.filter)
        var outsideByCode: [String: (name: String, patients: Int, reason: String, line: Int)] = [:]
        var previous: [String: Int] = [:]
        var kept = 0
        for row in table where passes(row, filter) {
            kept += 1
            let location = "line \(row.lineNumber)"
            let n: Int
            switch AreaCodes.boundedCount(row[count]) {
            case .value(let v): n = v
            case .missing:
                d.error(file, location, "\(p.countField) is empty", fix: "write 0 if there were no patients")
                continue
            case .invalid(let message):
                d.error(file, location, "\(p.countField): \(message)", fix: "counts are whole numbers from 0 to 1,000,000,000")
                continue
            }
            let fields = row.fields.joined(separator: "\u{1F}")
            if let first = previous[fields] {
                d.warning(file, location, "repeats line \(first) exactly; both are counted", fix: "delete one if it is a copy")
            } else {
                previous[fields] = row.lineNumber
            }
            totalPatients += n
            let rawCode = AreaCodes.normalizedText(row[code])
            let label = name.map { AreaCodes.normalizedText(row[$0]) } ?? ""
            if rawCode.isEmpty {
                outsideByCode["", default: ("", 0, "no area code", row.lineNumber)].patients += n
                continue
            }
            let resolved: (level: AreaLevel, index: Int)?
            switch AreaCodes.resolve(rawCode, in: self) {
            case .found(let level, let index): resolved = (level, index)
            case .notFound: resolved = nil
            case .invalid(let message):
                d.error(file, location, "area code \"\(rawCode)\": \(message)")
                continue
            }
            guard let (level, index) = resolved else {
                let key = AreaCodes.normalizeAreaID(rawCode)
                if outsideByCode[key] == nil {
                    d.warning(file, location, "area code \(key)\(label.isEmpty ? "" : " (\(label))") is not in any area layer; its patients are kept in the \"outside the study areas\" bucket",
                              fix: "add the area's boundary layer to the study if it should be inside")
                }
                outsideByCode[key, default: (label, 0, "code not in any area layer", row.lineNumber)].patients += n
                continue
            }
            let keys = breakdown.map { "\($0.name)=\(AreaCodes.normalizedText(row[$0]))" }
            updateArea(level, index) { area in
                area.patients = (area.patients ?? 0) + n
                for key in keys { area.patientBreakdown[key, default: 0] += n }
            }
        }
        if kept == 0 {
            d.error(file, "", "no row passes the filter", fix: "check the filter values against the file")
        }
        outside.entries = outsideByCode.map { OutsideBucket.Entry(code: $0.key, name: $0.value.name, patients: $0.value.patients, reason: $0.value.reason) }
            .sorted { ($0.code, $0.name) < ($1.code, $1.name) }
        if outside.patients > 0 {
            // A band, not the count: the run's disclosure may hide the outside bucket ("x") to
            // protect a small cell, and the diagnostics are printed before any run decides.
            let policy = SmallCellPolicy(minCell: spec.minCell)
            let band = !policy.isSuppressing || policy.isSmall(outside.patients) ? policy.label(outside.patients) : "\(spec.minCell) or more"
            d.note(file, "", "\(band) patients live outside the study areas (\(outside.entries.count) code\(outside.entries.count == 1 ? "" : "s")); kept in every total (the count is in careatlas summary where it can be shown)")
        }
    }

    /// Reads the flow table: origin codes resolved like patient codes, hospital ids checked against
    /// the institutions. Rows that cannot be placed are reported and left out of the flows (they
    /// do not touch the patient totals, which come from the patient table).
    mutating func readFlows() {
        guard let f = spec.flows else { return }
        let file = display(f.file)
        guard let table = openTable(f.file, f.encoding, columns: [f.originField, f.hospitalField, f.countField] + f.filter.keys.sorted(),
                                    what: "flows")
        else { return }
        guard let checked = columns(table, [f.originField, f.hospitalField, f.countField], file: file) else { return }
        let origin = checked[0], hospital = checked[1], count = checked[2]
        let filter = filterColumns(table, f.filter)
        let ids = Set(institutions.map(\.id))
        var unknownHospitals: [String: Int] = [:]
        var unplaced = 0
        for row in table where passes(row, filter) {
            let location = "line \(row.lineNumber)"
            let n: Int
            switch AreaCodes.boundedCount(row[count]) {
            case .value(let v): n = v
            case .missing: continue
            case .invalid(let message):
                d.error(file, location, "\(f.countField): \(message)", fix: "counts are whole numbers from 0 to 1,000,000,000")
                continue
            }
            let h = AreaCodes.normalizedText(row[hospital])
            guard ids.contains(h) else { unknownHospitals[h, default: 0] += n; continue }
            switch AreaCodes.resolve(row[origin], in: self) {
            case .found(let level, let index):
                guard let originArea = area(level, index) else { unplaced += n; continue }
                flows.append(PatientFlow(originID: originArea.id, hospitalID: h, patients: n, location: location))
            case .notFound: unplaced += n
            case .invalid(let message): d.error(file, location, "origin \"\(row[origin])\": \(message)")
            }
        }
        for (h, n) in unknownHospitals.sorted(by: { $0.key < $1.key }) {
            d.warning(file, "", "hospital id \"\(h)\" (\(patientsLabel(n)) patients) is not an institution of the study; its rows are left out of the flows",
                      fix: "add the hospital to an institution layer")
        }
        if unplaced > 0 {
            d.note(file, "", "\(patientsLabel(unplaced)) patients come from origins outside the study areas; left out of the service areas")
        }
    }
}
