import CGDAL
import CareFormats
import Foundation

/// Reads one sheet of an `.xlsx` or `.ods` workbook through GDAL's XLSX and ODS drivers into the
/// ``CareFormats/CSVTable`` that the CSV reader produces, so every column check works unchanged.
///
/// Every cell is read as text as GDAL shows it (`FIELD_TYPES=STRING`, no header guessing); the
/// header is the row the caller names (the 厚生局 名簿 have it on row 4, below a title and an
/// as-of date). Rows after the header that are entirely empty are skipped; every other row keeps
/// its spreadsheet row number, which messages give as the "line". Trailing empty header cells are
/// dropped with their columns; an empty header cell inside the table is named `column N`.
///
/// Thread safety: stateless; each call opens, reads and closes its own dataset.
public enum SpreadsheetFile {
    /// File extensions this reader handles.
    public static let extensions: Set<String> = ["xlsx", "ods"]

    /// Reads a sheet.
    ///
    /// - Parameters:
    ///   - url: the `.xlsx` or `.ods` file.
    ///   - sheet: the sheet's name; nil for the first sheet.
    ///   - headerRow: the 1-based row holding the column names (default 1).
    /// - Throws: ``GDALError`` naming the file, the sheet and the row.
    ///   - throughGDAL: read an `.xlsx` through GDAL's driver even when the direct reader could
    ///     (for comparisons; the tables are the same).
    public static func read(contentsOf url: URL, sheet: String? = nil, headerRow: Int = 1, throughGDAL: Bool = false) throws(GDALError) -> CSVTable {
        guard headerRow >= 1 else {
            throw GDALError(file: url.lastPathComponent, "header row \(headerRow) is not a row", fix: "rows count from 1")
        }
        // .xlsx: read directly (CareFormats.XLSXSheet: the same cells, ten times faster than GDAL's
        // driver on the 厚生局 workbooks), unless the sheet has date cells, which GDAL converts.
        if url.pathExtension.lowercased() == "xlsx", !throughGDAL {
            let direct: XLSXSheet.Rows?
            do { direct = try XLSXSheet.read(contentsOf: url, sheet: sheet) } catch {
                throw GDALError(file: url.lastPathComponent, error.detail, fix: error.fix)
            }
            if let direct {
                return try table(direct.rows, width: direct.width, headerRow: headerRow, file: url.lastPathComponent, sheetName: direct.sheetName)
            }
        }
        // The XLSX driver takes these as open options; the ODS driver only as configuration
        // options (OGR_ODS_HEADERS, OGR_ODS_FIELD_TYPES), set for this thread during the open.
        let ods = url.pathExtension.lowercased() == "ods"
        let api = try GDALLibrary.loaded(for: url.lastPathComponent).api
        if ods {
            api.CPLSetThreadLocalConfigOption("OGR_ODS_HEADERS", "DISABLE")
            api.CPLSetThreadLocalConfigOption("OGR_ODS_FIELD_TYPES", "STRING")
        }
        defer {
            if ods {
                api.CPLSetThreadLocalConfigOption("OGR_ODS_HEADERS", nil)
                api.CPLSetThreadLocalConfigOption("OGR_ODS_FIELD_TYPES", nil)
            }
        }
        let dataset = try GDALDataset(
            url: url, vector: true, openOptions: ods ? [:] : ["HEADERS": "DISABLE", "FIELD_TYPES": "STRING"])
        let layer = try dataset.layer(named: sheet, what: "sheet", requireSingle: false)
        let sheetName = api.OGR_L_GetName(layer).map { String(cString: $0) } ?? ""
        let width = Int(api.OGR_FD_GetFieldCount(api.OGR_L_GetLayerDefn(layer)))
        var cellsByRow: [(number: Int, cells: [String])] = []
        api.OGR_L_ResetReading(layer)
        api.CPLErrorReset()
        var position = 0
        while let feature = api.OGR_L_GetNextFeature(layer) {
            defer { api.OGR_F_Destroy(feature) }
            position += 1
            // With HEADERS=DISABLE the feature id is the 1-based spreadsheet row.
            let fid = Int(api.OGR_F_GetFID(feature))
            let row = fid > 0 ? fid : position
            let cells: [String] = (0..<width).map { i in
                let k = Int32(i)
                guard api.OGR_F_IsFieldSetAndNotNull(feature, k) != 0, let c = api.OGR_F_GetFieldAsString(feature, k) else { return "" }
                return String(cString: c)
            }
            cellsByRow.append((row, cells))
        }
        if api.CPLGetLastErrorType() == CE_Failure || api.CPLGetLastErrorType() == CE_Fatal {
            throw GDALError(file: dataset.file, layer: sheetName, location: "row \(position)",
                            "reading stopped: \(dataset.gdal.lastMessage() ?? "unknown GDAL error")",
                            fix: "the workbook may be damaged; save it again from Excel or LibreOffice")
        }
        return try table(cellsByRow, width: width, headerRow: headerRow, file: dataset.file, sheetName: sheetName)
    }

    /// The table from a sheet's rows (spreadsheet row numbers with `width` cells each): the header
    /// row, then the non-empty rows after it.
    static func table(
        _ cellsByRow: [(number: Int, cells: [String])], width: Int, headerRow: Int, file: String, sheetName: String
    ) throws(GDALError) -> CSVTable {
        var header: [String]? = nil
        var rows: [[String]] = []
        var numbers: [Int] = []
        for (row, cells) in cellsByRow {
            if row < headerRow { continue }
            if header == nil {
                guard row == headerRow else {
                    throw GDALError(file: file, layer: sheetName, location: "row \(headerRow)",
                                    "the header row is empty", fix: "name the row that holds the column names with header_row:")
                }
                header = cells
                continue
            }
            if cells.allSatisfy({ TextCleaning.trimmed($0).isEmpty }) { continue }
            rows.append(cells)
            numbers.append(row)
        }
        guard var names = header else {
            throw GDALError(file: file, layer: sheetName, location: "row \(headerRow)",
                            "the sheet ends before the header row", fix: "check header_row: and sheet:")
        }
        names = names.map(TextCleaning.trimmed)
        var used = names.count
        while used > 0, names[used - 1].isEmpty,
            rows.allSatisfy({ TextCleaning.trimmed($0[used - 1]).isEmpty })
        {
            used -= 1
        }
        guard used > 0 else {
            throw GDALError(file: file, layer: sheetName, location: "row \(headerRow)",
                            "the header row is empty", fix: "name the row that holds the column names with header_row:")
        }
        names = Array(names[..<used]).enumerated().map { $0.element.isEmpty ? "column \($0.offset + 1)" : $0.element }
        let trimmed = used == width ? rows : rows.map { Array($0[..<used]) }
        do {
            return try CSVTable(header: names, rows: trimmed, rowNumbers: numbers, source: "\(file) (sheet \(sheetName))")
        } catch {
            throw GDALError(file: file, layer: sheetName, "\(error)")
        }
    }
}
