import CareFormats
import Foundation

/// Allocates the whole-city figures of designated cities (政令指定都市: 横浜市, 川崎市, 相模原市,
/// さいたま市, 千葉市, …) to their wards, for studies whose boundaries (N03) have wards.
///
/// Method: each measure (total, 65+, 75+) of city C is split over C's wards in proportion to the
/// wards' 2015 census small-area population (sum of JINKO over the 町丁・字 whose KEY_CODE starts
/// with the ward's code), rounded by the largest-remainder method so that the wards add up to the
/// city's figure exactly. The wards of C are the codes C+1…C+19 of the same prefecture that have
/// small areas while C itself has none. The age structure is assumed the same in every ward of a
/// city (the 2015 attribute tables have no age columns); each allocated row says so in `method`.
///
/// A city whose wards have no small-area population is kept whole, with a note.
public enum WardAllocation {
    /// The 2015 small-area population per 5-digit municipality (ward) code, from the attribute
    /// tables of the census small-area boundaries (`11-saitama-all.dbf` …; DBF, CP932).
    public static func populationByMunicipality(dbfs: [URL]) throws -> [String: Int] {
        try populationByMunicipality(tables: dbfs.map { url throws(DBFError) in try DBFTable(contentsOf: url) })
    }

    /// The same from tables already read (shared with the gazetteer of a study load): the sum of
    /// `JINKO` over the records whose `KEY_CODE` has at least 5 characters, by its first 5; a
    /// blank `JINKO` adds nothing; deleted records are skipped.
    public static func populationByMunicipality(tables: [DBFTable]) throws -> [String: Int] {
        var sums: [String: Int] = [:]
        for table in tables {
            guard let key = table.fields.firstIndex(where: { $0.name == "KEY_CODE" }),
                  let jinko = table.fields.firstIndex(where: { $0.name == "JINKO" }) else {
                throw RegistryError(file: table.source, "has no KEY_CODE and JINKO fields",
                                    fix: "use the attribute table of the census small-area boundaries (KEY_CODE, JINKO)")
            }
            for r in 0..<table.count where !table.isDeleted(r) {
                let code = try table.text(r, key)
                guard code.count >= 5 else { continue }
                sums[String(code.prefix(5)), default: 0] += Int(try table.number(r, jinko) ?? 0)
            }
        }
        return sums
    }

    /// Splits `total` over `weights` by the largest-remainder method (ties: the earlier weight).
    static func split(_ total: Int, _ weights: [Int]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        var parts = weights.map { total * $0 / sum }
        let remainders = weights.enumerated().map { ($0.offset, (total * $0.element) % sum) }
        let missing = total - parts.reduce(0, +)
        for (i, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }).prefix(missing) { parts[i] += 1 }
        return parts
    }

    /// Replaces every designated city's row by one row per ward.
    ///
    /// - Parameters:
    ///   - rows: municipalities as read by ``SSDSEA``.
    ///   - wardPopulation: 2015 population by ward code (``populationByMunicipality(dbfs:)``).
    ///   - wardNames: names to give the wards (e.g. from N03, `14104` → `横浜市中区`); codes without a name get `<city> <code>`.
    /// - Returns: the rows and one note per city allocated.
    public static func allocate(
        _ rows: [MunicipalPopulation], wardPopulation: [String: Int], wardNames: [String: String] = [:]
    ) -> (rows: [MunicipalPopulation], notes: [String]) {
        var out: [MunicipalPopulation] = []
        var notes: [String] = []
        for row in rows {
            guard let city = Int(row.code), wardPopulation[row.code] == nil else { out.append(row); continue }
            // Each ward with its population (the ones with people only).
            let wardWeights = (1...19).map { String(format: "%05d", city + $0) }.compactMap { code in
                wardPopulation[code].flatMap { $0 > 0 ? (code, $0) : nil }
            }
            let wards = wardWeights.map(\.0), weights = wardWeights.map(\.1)
            // Wards share the prefecture and the city's hundreds (14100 → 14101…14118, 14130 → 14131…).
            guard let first = wards.first, let last = wards.last,
                  row.code.hasSuffix("00") || row.code.hasSuffix("30") || row.code.hasSuffix("50") else {
                out.append(row)
                continue
            }
            let totals = row.total.map { split($0, weights) }
            let aged65 = row.aged65.map { split($0, weights) }
            let aged75 = row.aged75.map { split($0, weights) }
            let method = "SSDSE-A \(row.name) allocated to its \(wards.count) wards by 2015 census small-area population (largest remainder; city total preserved; same age structure assumed)"
            for (k, ward) in wards.enumerated() {
                out.append(MunicipalPopulation(
                    code: ward, prefecture: row.prefecture, name: wardNames[ward] ?? "\(row.name) \(ward)",
                    total: totals?[k], aged65: aged65?[k], aged75: aged75?[k], method: method, line: row.line))
            }
            notes.append("\(row.name) (\(row.code)): total \(row.total.map(String.init) ?? "no data") allocated to wards \(first)–\(last) by 2015 small-area population")
        }
        return (out, notes)
    }
}
