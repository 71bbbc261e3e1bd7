import CareFormats
import CareGDAL
import Foundation

/// Official files turned into the plain tables a study reads, so that the study's usual column
/// checks and joins work on them. Each conversion returns the table and a ``SourceReport``.
///
/// | source | table columns |
/// |---|---|
/// | `ssdse_a` (population) | `code, name, total, aged65, aged75, method` (designated cities allocated to wards when `allocateWith` names the 2015 small-area attribute tables) |
/// | `iryojoho` (institutions) | `id, name, kind, lon, lat, beds, area_code, address` (rows without coordinates left out and counted) |
/// | a `.xlsx`/`.ods` file without a source | the sheet as it is, header on `headerRow` |
public enum StudySources {
    /// The registries a study may name with `source:`.
    public static let names = ["ssdse_a", "iryojoho"]

    /// Default column names of each source's table, for the study's `id:`, `columns:` … keys.
    public static let populationColumns = ["total": "total", "aged65": "aged65", "aged75": "aged75"]

    /// Reads `url` as `source` (or as a spreadsheet when `source` is nil).
    public static func table(
        _ url: URL, source: String?, sheet: String? = nil, headerRow: Int? = nil, prefectures: Set<String> = [],
        allocateWith: [URL] = []
    ) throws -> (table: CSVTable, report: SourceReport?) {
        switch source {
        case nil:
            return (try SpreadsheetFile.read(contentsOf: url, sheet: sheet, headerRow: headerRow ?? 1), nil)
        case "ssdse_a":
            var (rows, report) = try SSDSEA.read(contentsOf: url)
            if !prefectures.isEmpty {
                let before = rows.count
                rows = rows.filter { prefectures.contains(String($0.code.prefix(2))) }
                report.notes.append("\(before - rows.count) municipalities of other prefectures than \(prefectures.sorted().joined(separator: ", ")) not used")
            }
            if !allocateWith.isEmpty {
                let wards = try WardAllocation.populationByMunicipality(dbfs: allocateWith)
                let allocated = WardAllocation.allocate(rows, wardPopulation: wards)
                rows = allocated.rows
                report.notes += allocated.notes
            }
            report.kept = rows.count
            func text(_ v: Int?) -> String { v.map(String.init) ?? "" }
            let table = try CSVTable(
                header: ["code", "name", "total", "aged65", "aged75", "method"],
                rows: rows.map { [$0.code, $0.name, text($0.total), text($0.aged65), text($0.aged75), $0.method] },
                rowNumbers: rows.map(\.line), source: url.lastPathComponent)
            return (table, report)
        case "iryojoho":
            let (facilities, report) = try Iryojoho.read(contentsOf: url, prefectures: prefectures)
            let table = try CSVTable(
                header: ["id", "name", "kind", "lon", "lat", "beds", "area_code", "address"],
                rows: facilities.map {
                    [$0.id, $0.name, $0.kindCode == "1" ? "hospital" : "clinic", $0.lon.map { "\($0)" } ?? "",
                     $0.lat.map { "\($0)" } ?? "", $0.beds.map(String.init) ?? "", $0.municipalityCode, $0.address]
                },
                rowNumbers: facilities.map(\.line), source: url.lastPathComponent)
            return (table, report)
        case let other?:
            throw RegistryError(file: url.lastPathComponent, "unknown source \"\(other)\"",
                                fix: "sources are: \(names.joined(separator: ", "))")
        }
    }
}
