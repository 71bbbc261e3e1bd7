import CareAtlas
import CareFormats
import Foundation

/// Writes the meeting report's folder: `report.html` (self-contained), the tables as CSV and
/// Markdown, and the GeoJSON layers (documented in `reports/README.md`).
public enum ReportWriter {
    /// Every table of the report by file name (`.csv`; the Markdown twin has the same stem).
    public static func tables(_ r: StudyResults) -> [(String, Table)] {
        var out: [(String, Table)] = [("areas.csv", ReportTables.areas(r)), ("institutions.csv", ReportTables.institutions(r)),
                                      ("catchments.csv", ReportTables.catchments(r))]
        if let g = ReportTables.gaps(r) { out.append(("gaps.csv", g)) }
        if let s = r.scenarios { out += ScenarioExport.tables(model: r.model, analysis: s, disclosure: r.disclosure) }
        return out
    }

    /// Writes tables, layers and `report.html`; `maps` are inline SVGs by ``ReportBuilder/mapKeys``.
    /// Returns the document, for its PDF twin.
    @discardableResult
    public static func write(_ r: StudyResults, maps: [String: String], excel: Bool, to folder: inout OutputFolder) throws -> ReportDocument {
        let notice = r.policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        let all = tables(r)
        for (name, table) in all {
            var t = table
            if let notice { t.rows.append([notice] + Array(repeating: "", count: t.header.count - 1)) }
            try folder.write(name, t.csv(excel: excel))
            let stem = String(name.dropLast(4))
            try folder.write(stem + ".md", text: (notice.map { "> **\($0)**\n\n" } ?? "") + t.markdown())
        }
        for layer in try ReportLayers.all(r) {
            try folder.write(layer.name + ".geojson", Layers.geojson(layer.name, crs: r.model.crs, layer.features))
        }
        let doc = ReportBuilder.document(r, tables: Dictionary(all, uniquingKeysWith: { a, _ in a }))
        try folder.write("report.html", text: ReportHTML.render(doc, maps: maps))
        return doc
    }
}
