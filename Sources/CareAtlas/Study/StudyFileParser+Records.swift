import Foundation

extension Reader {
    /// `patients:` with `records:` — patient-level rows to be geocoded (see ``PatientRecordsSpec``).
    mutating func patientRecordsSpec(_ e: Entries) -> PatientSpec? {
        let what = "\"patients\""
        checkKeys(e, ["records", "postal_code", "address", "breakdown", "service", "year", "age_band", "filter",
                      "gazetteer", "postal_table", "encoding"], what)
        guard let path = string(e, "records", what, required: true) else { return nil }
        let base = self.base
        let resolve = { (path: String) -> URL in
            (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)).standardizedFileURL
        }
        let postal = string(e, "postal_code", what)
        let address = string(e, "address", what)
        if postal == nil && address == nil {
            d.error(fileName, line(e.node), "\(what) with records: needs a postal_code: or an address: column (or both)",
                    fix: "add address: <column> and/or postal_code: <column>")
        }
        let gazetteer = stringList(e, "gazetteer", what).map(resolve)
        if gazetteer.isEmpty {
            d.error(fileName, line(e.node), "\(what) with records: needs gazetteer: the census small-area attribute tables (.dbf) to match addresses against",
                    fix: "add gazetteer: [<prefecture>.dbf, …] (e-Stat 小地域 境界データ attribute tables)")
        }
        let postalTable = string(e, "postal_table", what).map(resolve)
        if postal != nil && postalTable == nil {
            d.error(fileName, line(e.node), "\(what) names a postal_code: column but no postal_table:",
                    fix: "add postal_table: KEN_ALL.CSV (Japan Post's 郵便番号データ)")
        }
        var breakdown = stringList(e, "breakdown", what)
        for key in ["service", "year", "age_band"] {
            if let column = string(e, key, what), !breakdown.contains(column) { breakdown.append(column) }
        }
        guard postal != nil || address != nil, !gazetteer.isEmpty, postal == nil || postalTable != nil else { return nil }
        return PatientSpec(
            file: resolve(path), codeField: "", countField: "", nameField: nil, filter: stringMap(e, "filter", what),
            breakdown: breakdown, encoding: encoding(e, what),
            records: PatientRecordsSpec(postalCodeField: postal, addressField: address, gazetteer: gazetteer, postalTable: postalTable))
    }
}
