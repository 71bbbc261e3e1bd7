import CareAtlas
import CareFormats
import Foundation

extension StudySummary {
    /// A plain-text report for a terminal: one aligned table per level and grouping.
    public func renderText() -> String {
        var out = "\(studyName)"
        if !period.isEmpty { out += " — \(period)" }
        out += "\nCRS: \(crs)\n"
        if !policy.isSuppressing { out += "\(SmallCellPolicy.internalNotice)\n" }
        else { out += "Patient counts below \(policy.minCell) are shown as \(policy.suppressedLabel).\n" }
        out += "Patients: \(policy.label(totalPatients)) in total, \(outsidePatients) outside the study areas\n"
        for table in tables {
            out += "\n\(table.title)\n"
            let header = ["code", "name", "patients", "share_%", "population", "aged65", "area_km2", "institutions"]
            let cells = (table.rows + [table.total]).map { r in
                [r.id, r.name, r.patients, r.sharePercent, Self.number(r.population), Self.number(r.aged65),
                 r.areaKm2.map { String(format: "%.2f", $0) } ?? "", r.institutions.map(String.init) ?? ""]
            }
            out += Self.align([header] + cells, rightAligned: [2, 3, 4, 5, 6, 7])
            for line in table.coverage { out += "coverage: \(line)\n" }
        }
        if !unavailable.isEmpty { out += "\n" + unavailable.map { "not available: \($0)\n" }.joined() }
        if !credits.isEmpty { out += "\n" + credits.joined(separator: "\n") + "\n" }
        return out
    }

    /// Machine-readable form (keys sorted, stable): see README "Machine-readable outputs".
    public func renderJSON() -> String {
        func row(_ r: Row) -> JSONValue {
            var o: JSONObject = ["id": .string(r.id), "name": .string(r.name), "patients": .string(r.patients),
                                 "share_percent": .string(r.sharePercent)]
            o["population"] = r.population.map(JSONValue.number) ?? .null
            o["aged65"] = r.aged65.map(JSONValue.number) ?? .null
            o["area_km2"] = r.areaKm2.map { .number(($0 * 1e4).rounded() / 1e4) } ?? .null
            o["institutions"] = r.institutions.map { .number(Double($0)) } ?? .null
            return .object(o)
        }
        var object: JSONObject = [
            "study": .string(studyName), "period": .string(period), "crs": .string(crs),
            "min_cell": .number(Double(policy.minCell)), "suppressed": .bool(policy.isSuppressing),
            "total_patients": .string(policy.label(totalPatients)), "outside_patients": .string(outsidePatients),
            "tables": .array(tables.map { t in
                .object(["title": .string(t.title), "rows": .array(t.rows.map(row)), "total": row(t.total),
                         "coverage": .array(t.coverage.map(JSONValue.string))])
            }),
            "credits": .array(credits.map(JSONValue.string)),
        ]
        // Only when something is missing (the object is unchanged otherwise).
        if !unavailable.isEmpty { object["unavailable"] = .array(unavailable.map(JSONValue.string)) }
        let value: JSONValue = .object(object)
        return ((try? value.jsonString()) ?? "{}") + "\n"
    }

    static func number(_ v: Double?) -> String {
        guard let v else { return "" }
        return v == v.rounded() ? String(Int64(v)) : String(format: "%.1f", v)
    }

    /// Aligns columns by display width (East Asian wide characters count two).
    static func align(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], displayWidth(c)) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - displayWidth(c))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }
}
