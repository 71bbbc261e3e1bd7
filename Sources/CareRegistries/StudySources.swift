import CareFormats
import CareGDAL
import Foundation

/// Official files turned into the plain tables a study reads, so that the study's usual column
/// checks and joins work on them. Each conversion returns the table and a ``SourceReport``.
///
/// | source | table columns |
/// |---|---|
/// | `ssdse_a` (population) | `code, name, total, aged65, aged75, method` (designated cities allocated to wards when `allocateWith` names the 2015 small-area attribute tables) |
/// | `iryojoho` (institutions) | `id, name, kind, lon, lat, beds, area_code, address, match_level, roles, postal_code` (rows at 0/0 placed by address when a geocoder is given, else left out and counted; no postal code in this file) |
/// | `kouseikyoku_list`, `kouseikyoku_todokede` (institutions) | the same columns: `id` the 9-digit 医療機関コード, every row placed by address (a geocoder is required), `roles` from the filed standards |
/// | a `.xlsx`/`.ods` file without a source | the sheet as it is, header on `headerRow` |
public enum StudySources {
    /// The registries a study may name with `source:`.
    public static let names = ["ssdse_a", "iryojoho", "kouseikyoku_list", "kouseikyoku_todokede"]

    /// The sources that give institutions; their tables share ``institutionColumns``.
    public static let institutionSources: Set<String> = ["iryojoho", "kouseikyoku_list", "kouseikyoku_todokede"]

    /// The columns of an institution source's table. `match_level` is `公表座標` for the file's own
    /// coordinates, else the geocoder's level (`町丁`, `大字・町`, `市区町村`); `roles` lists the
    /// filed roles (`在宅療養支援診療所1・緩和ケア病棟`), empty when none or not known; `postal_code`
    /// is `123-4567` where the file gives one (the 厚生局 files), empty otherwise.
    public static let institutionColumns = ["id", "name", "kind", "lon", "lat", "beds", "area_code", "address", "match_level", "roles", "postal_code"]

    /// `match_level` of a position taken from the file itself.
    public static let publishedPosition = "公表座標"

    /// Default column names of each source's table, for the study's `id:`, `columns:` … keys.
    public static let populationColumns = ["total": "total", "aged65": "aged65", "aged75": "aged75"]

    /// Reads `url` as `source` (or as a spreadsheet when `source` is nil).
    ///
    /// `allocationTables`: the tables of `allocateWith` already read (a study load reads each
    /// census attribute table once and shares it with the gazetteer); read here when nil.
    public static func table(
        _ url: URL, source: String?, sheet: String? = nil, headerRow: Int? = nil, prefectures: Set<String> = [],
        allocateWith: [URL] = [], allocationTables: [DBFTable]? = nil, geocoder: AddressGeocoder? = nil, rolesOnly: Bool = false
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
                let wards = try allocationTables.map(WardAllocation.populationByMunicipality(tables:))
                    ?? WardAllocation.populationByMunicipality(dbfs: allocateWith)
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
            let (facilities, report) = try Iryojoho.read(contentsOf: url, prefectures: prefectures, geocoder: geocoder)
            let table = try CSVTable(
                header: institutionColumns,
                rows: facilities.map {
                    [$0.id, $0.name, $0.kindCode == "1" ? "hospital" : "clinic", $0.lon.map { "\($0)" } ?? "",
                     $0.lat.map { "\($0)" } ?? "", $0.beds.map(String.init) ?? "", $0.municipalityCode, $0.address,
                     $0.matchLevel ?? publishedPosition, "", ""]
                },
                rowNumbers: facilities.map(\.line), source: url.lastPathComponent)
            return (table, report)
        case "kouseikyoku_list", "kouseikyoku_todokede":
            guard let geocoder else {
                throw RegistryError(file: url.lastPathComponent, "\(source!) has addresses but no coordinates",
                                    fix: "add gazetteer: (the census small-area attribute tables, .dbf) and postal_table: to the entry, so that its addresses are geocoded")
            }
            var (institutions, report) = source == "kouseikyoku_list"
                ? try Kouseikyoku.readList(contentsOf: url, prefectures: prefectures)
                : try Kouseikyoku.readTodokede(contentsOf: url, sheet: sheet, headerRow: headerRow ?? 4)
            if source == "kouseikyoku_todokede", !prefectures.isEmpty {
                let before = institutions.count
                institutions = institutions.filter { prefectures.contains($0.prefectureCode) }
                if before > institutions.count {
                    report.notes.append("\(before - institutions.count) institutions of prefectures other than \(prefectures.sorted().joined(separator: ", ")) not used")
                }
            }
            if rolesOnly {
                let before = institutions.count
                institutions = institutions.filter { !$0.roles.labels.isEmpty }
                report.notes.append("roles_only: \(before - institutions.count) institutions without a palliative or home-care role not used")
            }
            report.notes.removeAll { $0.hasPrefix("no coordinates:") }
            return (try placedTable(institutions, url: url, geocoder: geocoder, report: &report), report)
        case let other?:
            throw RegistryError(file: url.lastPathComponent, "unknown source \"\(other)\"",
                                fix: "sources are: \(names.joined(separator: ", "))")
        }
    }

    /// A 厚生局 registry's institutions, each placed by its address and postal code; those the
    /// geocoder cannot place are left out and counted by reason.
    static func placedTable(_ institutions: [RegisteredInstitution], url: URL, geocoder: AddressGeocoder,
                            report: inout SourceReport) throws -> CSVTable {
        var rows: [[String]] = [], lines: [Int] = []
        var placed: [String: [String]] = [:], notPlaced: [String: [String]] = [:]
        for i in institutions {
            let example = "line \(i.line): \(i.name)"
            switch geocoder.locate(address: i.address, postalCode: i.postalCode, prefectureCode: i.prefectureCode) {
            case .failure(let failure):
                notPlaced[failure.reason, default: []].append(example)
            case .success(let place):
                placed[place.level, default: []].append(example)
                rows.append([i.code, i.name, kind(i), "\(place.lon)", "\(place.lat)", Kouseikyoku.totalBeds(i.beds).map(String.init) ?? "",
                             place.municipalityCode, i.address, place.level, i.roles.labels.joined(separator: "・"), postalCode(i.postalCode)])
                lines.append(i.line)
            }
        }
        for (reason, examples) in notPlaced.sorted(by: { $0.key < $1.key }) {
            report.drop("address not placed: \(reason)", examples)
        }
        report.noteGeocoded(placed, what: "institutions")
        report.kept = rows.count
        return try CSVTable(header: institutionColumns, rows: rows, rowNumbers: lines, source: url.lastPathComponent)
    }

    /// A postal code as `123-4567` (the files write `3360024` or `336-0024`); as given otherwise.
    static func postalCode(_ text: String) -> String {
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        guard digits.count == 7 else { return text.trimmingCharacters(in: .whitespaces) }
        return String(digits.prefix(3)) + "-" + String(digits.suffix(4))
    }

    /// The kind of a 厚生局 institution: `homecare_clinic` (在宅療養支援診療所 filed),
    /// `homecare_hospital` (在宅療養支援病院), else `hospital` when its name contains 病院, `clinic`
    /// otherwise (the files have no kind column).
    static func kind(_ i: RegisteredInstitution) -> String {
        if i.roles.homeCareClinic != nil { return "homecare_clinic" }
        if i.roles.homeCareHospital != nil { return "homecare_hospital" }
        return i.name.contains("病院") ? "hospital" : "clinic"
    }
}
