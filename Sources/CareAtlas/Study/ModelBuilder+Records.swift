import CareFormats
import CareGeocoding
import Foundation

extension ModelBuilder {
    /// Reads patient records (one row per patient or episode), geocodes each row offline and adds it
    /// to the study's areas: a 町丁 match to its small area when the study has that small area,
    /// otherwise (and for a 町丁 the census divides into same-named parts, which has no single
    /// small area, and for 大字・町 and municipality matches) to its municipality. Rows that cannot
    /// be placed, or whose municipality is not in the study, are counted in the outside bucket by
    /// reason — never dropped.
    ///
    /// Privacy: no address, postal code or other row value reaches a diagnostic; messages name the
    /// row's line and the reason only, and counts by municipality go through the small-cell rule.
    mutating func readPatientRecords(_ p: PatientSpec, _ r: PatientRecordsSpec) {
        let file = display(p.file)
        progress("reading the gazetteer and postal table")
        let geocoder: Geocoder
        do {
            let gazetteer = try Gazetteer(dbfFiles: r.gazetteer)
            let postal = try r.postalTable.map { try PostalTable(contentsOf: $0) }
            geocoder = Geocoder(gazetteer: gazetteer, postalTable: postal)
        } catch {
            d.error(file, "", "cannot read the geocoder's reference tables: \(error)",
                    fix: "give the e-Stat small-area attribute tables (.dbf) and Japan Post's KEN_ALL.CSV as published")
            return
        }
        // Spreadsheets (.xlsx, .ods) are read by openTable through CareGDAL, like every other table.
        let columns = [r.postalCodeField, r.addressField].compactMap { $0 } + p.breakdown + p.filter.keys.sorted()
        guard let table = openTable(p.file, p.encoding, columns: columns, what: "patient records") else { return }
        let postalColumn = r.postalCodeField.flatMap { try? table.column($0) }
        let addressColumn = r.addressField.flatMap { try? table.column($0) }
        let breakdown = p.breakdown.compactMap { try? table.column($0) }
        let filter = filterColumns(table, p.filter)
        progress("geocoding \(table.count) patient records")

        var levels: [MatchLevel: Int] = [:]
        var byMunicipality: [String: Int] = [:]
        var outsideByReason: [String: (count: Int, lines: [Int])] = [:]
        var notes: [MatchReason: Int] = [:]
        var kept = 0
        let rows = table.filter { passes($0, filter) }
        let results = geocoder.geocode(rows.map { row in (address: addressColumn.map { row[$0] }, postalCode: postalColumn.map { row[$0] }) })
        for (row, result) in zip(rows, results) {
            kept += 1
            levels[result.level, default: 0] += 1
            for reason in result.reasons
            where reason == .postalAddressDisagree || reason == .postalCodeUnknown || reason == .postalCodeInvalid || reason == .townSplitSameName {
                if result.level != .unmatched { notes[reason, default: 0] += 1 }
            }
            totalPatients += 1
            var placed: (level: AreaLevel, index: Int)? = nil
            if result.level == .chome, let key = result.smallAreaCode, let i = areaIndex(key, .smallArea) {
                placed = (.smallArea, i)
            } else if let m = result.municipalityCode, case .found(let level, let index) = AreaCodes.resolve(m, in: self) {
                placed = (level, index)
            }
            guard let (level, index) = placed else {
                let reason = result.level == .unmatched
                    ? "unmatched: " + (result.reasons.last?.rawValue ?? "unknown")
                    : "\(result.level.englishName) match outside the study areas"
                outside.unplacedRecords.append(.init(line: row.lineNumber, reason: reason,
                                                     postalCode: postalColumn.map { row[$0] }, address: addressColumn.map { row[$0] }))
                var entry = outsideByReason[reason] ?? (0, [])
                entry.count += 1
                if entry.lines.count < 5 { entry.lines.append(row.lineNumber) }
                outsideByReason[reason] = entry
                continue
            }
            if let m = result.municipalityCode { byMunicipality[m, default: 0] += 1 }
            let keys = breakdown.map { "\($0.name)=\(AreaCodes.normalizedText(row[$0]))" }
            updateArea(level, index) { area in
                area.patients = (area.patients ?? 0) + 1
                for key in keys { area.patientBreakdown[key, default: 0] += 1 }
            }
        }
        if kept == 0 {
            d.error(file, "", "no row passes the filter", fix: "check the filter values against the file")
        }
        outside.entries = outsideByReason.map {
            OutsideBucket.Entry(code: "", name: "", patients: $0.value.count, reason: $0.key)
        }.sorted { $0.reason < $1.reason }

        recordMatches = MatchLevel.allCases.map { .init(level: $0.rawValue, englishName: $0.englishName, records: levels[$0] ?? 0) }
        // What validate prints: counts per match level, per municipality, and the reasons.
        let levelText = MatchLevel.allCases.map { "\($0.rawValue) \(patientsLabel(levels[$0] ?? 0))" }.joined(separator: ", ")
        d.note(file, "", "\(kept) patient record\(kept == 1 ? "" : "s") geocoded: \(levelText) (町丁 = the census 町丁・字 the address names, 大字・町 = a town of several, 市区町村 = municipality only)")
        let names = Dictionary(uniqueKeysWithValues: geocoder.gazetteer.municipalities.map { ($0.code, $0.name) })
        let perMunicipality = byMunicipality.sorted { $0.key < $1.key }
            .map { "\($0.key) \(names[$0.key] ?? "") \(patientsLabel($0.value))" }.joined(separator: ", ")
        if !perMunicipality.isEmpty { d.note(file, "", "patient records by municipality: \(perMunicipality)") }
        for (reason, entry) in outsideByReason.sorted(by: { $0.key < $1.key }) {
            let lines = entry.lines.map(String.init).joined(separator: ", ") + (entry.count > entry.lines.count ? ", …" : "")
            d.warning(file, "", "\(patientsLabel(entry.count)) record\(entry.count == 1 ? "" : "s") not placed in the study areas (\(reason); lines \(lines)); kept in the \"outside the study areas\" bucket",
                      fix: reason.hasPrefix("unmatched") ? "check those rows' address and postal code" : "add the areas' boundary layer if they should be inside")
        }
        for (reason, n) in notes.sorted(by: { $0.key < $1.key }) {
            let placement = reason == .townSplitSameName ? " (no single small area: counted in the municipality)" : ""
            d.note(file, "", "\(patientsLabel(n)) placed record\(n == 1 ? "" : "s") with a note: \(reason.rawValue)\(placement)")
        }
    }
}
