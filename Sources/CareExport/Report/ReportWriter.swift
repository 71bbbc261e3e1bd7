import CareAtlas
import CarePrivacy
import CareFormats
import CareGeoPackage
import CareGeometry
import CareMaps
import Foundation

/// Writes the meeting report's folder (documented in `reports/README.md`): `report.html`
/// (self-contained, with an interactive map), `report.pdf` (its printable twin, every map on an A4
/// landscape page), the maps as SVG (A4 landscape) and PNG (1920 × 1080 slides), the tables as CSV and Markdown, the GeoJSON layers
/// and `careatlas.gpkg` (every layer, with QGIS styles).
public enum ReportWriter {
    /// What to write.
    public struct Options: Sendable {
        public var excel = false
        public var language: MapLanguage = .ja
        /// The date printed on the report and set in its PDF metadata (default: the study's `report_date`).
        public var date: String?
        /// What the maps show (``StudyMapData/extent(named:)``): `decision` by default.
        public var extent: String
        /// Progress of drawing the maps and encoding the files (the command line's ``ProgressReporter``).
        public var progress: @Sendable (String) -> Void
        public init(excel: Bool = false, language: MapLanguage = .ja, date: String? = nil, extent: String = "decision",
                    progress: @escaping @Sendable (String) -> Void = { _ in }) {
            self.excel = excel
            self.language = language
            self.date = date
            self.extent = extent
            self.progress = progress
        }
    }

    /// Every table of the report by file name (`.csv`; the Markdown twin has the same stem).
    public static func tables(_ r: StudyResults) -> [(String, Table)] {
        var out: [(String, Table)] = [("areas.csv", ReportTables.areas(r)), ("institutions.csv", ReportTables.institutions(r)),
                                      ("catchments.csv", ReportTables.catchments(r))]
        if let g = ReportTables.gaps(r) { out.append(("gaps.csv", g)) }
        if let s = r.scenarios { out += ScenarioExport.tables(model: r.model, analysis: s, disclosure: r.disclosure) }
        if let c = r.costs { out.append(("travel_costs.csv", DriveTimeExport.costsTable(r.model, c))) }
        if let d = r.driveTimes { out.append(("drive_time_areas.csv", DriveTimeExport.areasTable(d))) }
        out += PlanningExport.tables(r)
        return out
    }

    /// Writes everything; returns the report's content.
    @discardableResult
    public static func write(_ r: StudyResults, options: Options = Options(), to folder: inout OutputFolder) throws -> ReportDocument {
        let notice = r.policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        let all = tables(r)
        for (name, table) in all {
            var t = table
            if let notice { t.rows.append([notice] + Array(repeating: "", count: t.header.count - 1)) }
            try folder.write(name, t.csv(excel: options.excel))
            let stem = String(name.dropLast(4))
            try folder.write(stem + ".md", text: (notice.map { "> **\($0)**\n\n" } ?? "") + t.markdown())
        }
        // The planning tables as one Excel workbook (invitation and survey lists first).
        if let book = PlanningExport.workbook(r, notice: notice) { try folder.write("planning.xlsx", book) }
        // Regions dissolved to one outline each (no sliver holes between areas).
        let layers = RegionOutlines.apply(try ReportLayers.all(r), areaPoints: r.areas.map(\.labelPoint))
        let date = options.date ?? r.model.spec.reportDate

        var doc = ReportBuilder.document(r, tables: Dictionary(all, uniquingKeysWith: { a, _ in a }), language: options.language)
        if let d = DecisionPage.build(r, language: options.language) {
            var t = d.table
            if let notice { t.rows.append([notice] + Array(repeating: "", count: t.header.count - 1)) }
            try folder.write("decision.csv", t.csv(excel: options.excel))
            try folder.write("decision.md", text: (notice.map { "> **\($0)**\n\n" } ?? "") + d.markdown(language: options.language, minCell: r.policy.minCell)
                + PlanningReport.sensitivityMarkdown(r, tables: Dictionary(all, uniquingKeysWith: { a, _ in a })))
        }
        doc.date = date
        let metadata = DocumentMetadata(title: r.model.spec.name, date: date)
        let data = StudyMapData(results: r)
        let extent = try data.extent(named: options.extent)
        let packageLayers = try geoPackageLayers(r, layers, styles: ReportQGIS.defaultStyles(r, mapData: data, layers: layers, language: options.language))
        let print = try StudyMaps.standardMaps(data, options: StudyMapOptions(page: .a4, language: options.language, extent: extent))
        let slides = try StudyMaps.standardMaps(data, options: StudyMapOptions(page: .slide, language: options.language, extent: extent))
        let maps = Dictionary(print.map { ($0.name, $0.map) }, uniquingKeysWith: { a, _ in a })
        let pdf = printDocument(doc, maps: maps)
        // Everything drawn and encoded on both cores, the long report PDF first: every job has its
        // own Cairo surface or SQLite database.
        var files: [String] = ["report.pdf", "careatlas.gpkg"]
        var jobs: [@Sendable () throws -> Data] = [
            { try pdf.renderPDF(metadata: metadata) },
            { try GeoPackage.encode(layers: packageLayers, timestamp: date + "T00:00:00.000Z") },
        ]
        let crs = r.model.crs
        for layer in layers {
            files.append(layer.name + ".geojson")
            jobs.append { try Layers.geojson(layer.name, crs: crs, layer.features) }
        }
        // The A4 maps as SVG only: their PDF is a landscape page of report.pdf (the same drawing).
        // A PDF per map embedded its own subsets of the two Japanese fonts and encoded its
        // paths once more, about a fifth of the report's CPU time; `careatlas map --format pdf`
        // draws one map as a PDF of its own where one is wanted.
        for (name, map) in print {
            files.append("map_\(name).svg")
            // Ids prefixed per map, so that the same bytes serve as the file and inline in the page.
            jobs.append { try MapRenderer.render(map, format: .svg, metadata: metadata, svgIDPrefix: "m-\(name)-") }
        }
        for (name, map) in slides {
            files.append("map_\(name)_slide.png")
            jobs.append { try MapRenderer.render(map, format: .png, metadata: metadata) }
        }
        // The QGIS project and the page's interactive map (Leaflet inlined; it replaces the inline
        // maps, which are linked) are made alongside, written after the files above.
        let language = options.language
        let beside: [@Sendable () throws -> Data] = [
            { Data(try ReportQGIS.project(r, mapData: data, layers: layers, language: language).utf8) },
            { Data(InteractiveMap.html(data: try InteractiveMap.data(r, layers: layers, mapData: data, language: language),
                                       leaflet: InteractiveMap.leaflet()).utf8) },
        ]
        var rendered = try renderAll([jobs[0]] + beside + jobs.dropFirst(), progress: options.progress)
        let (project, interactive) = (rendered[1], rendered[2])
        rendered.removeSubrange(1...2)
        var inline: [String: String] = [:]
        for (file, bytes) in zip(files, rendered) {
            try folder.write(file, bytes)
            if file.hasSuffix(".svg") { inline[String(file.dropFirst("map_".count).dropLast(".svg".count))] = String(decoding: bytes, as: UTF8.self) }
        }
        try folder.write("careatlas.qgs", project)
        try folder.write("report.html", text: ReportHTML.render(doc, maps: inline, interactiveMap: String(decoding: interactive, as: UTF8.self), files: folder.written))
        return doc
    }

    static func renderAll(_ jobs: [@Sendable () throws -> Data], progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Data] {
        let results = UnsafeResults(count: jobs.count, progress: progress)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            results.set(i, Result { try jobs[i]() })
        }
        return try results.values.map { try $0!.get() }
    }

    /// One slot per job, each written by exactly one iteration; counts the finished jobs.
    final class UnsafeResults: @unchecked Sendable {
        var values: [Result<Data, Error>?]
        var finished = 0
        var counter: ProgressCounter
        let lock = NSLock()
        init(count: Int, progress: @escaping @Sendable (String) -> Void) {
            values = Array(repeating: nil, count: count)
            counter = ProgressCounter("drawing maps and writing the report, the GeoPackage and the layers: file", total: count, report: progress)
        }
        func set(_ i: Int, _ value: Result<Data, Error>) {
            lock.lock()
            values[i] = value
            finished += 1
            counter.advance(to: finished)
            lock.unlock()
        }
    }

    /// The report's content as printable blocks (tables cut to the rows the HTML shows).
    static func printDocument(_ doc: ReportDocument, maps: [String: ThematicMap]) -> PrintDocument {
        var blocks: [PrintBlock] = [.heading(level: 1, text: doc.title), .paragraph(doc.subtitle + "\n作成日 Report date: " + doc.date)]
        for block in doc.blocks {
            switch block {
            case let .heading(level, text): blocks.append(.heading(level: min(3, level), text: text))
            case let .paragraph(text): blocks.append(.paragraph(text))
            case let .list(items): blocks.append(.paragraph(items.map { "・" + $0 }.joined(separator: "\n")))
            case let .formula(text): blocks.append(.paragraph(text))
            case let .table(title, columns, rows, shown, file):
                blocks.append(.paragraph(title + (rows.count > shown ? "（\(shown) / \(rows.count) 行、全体は \(file ?? "")）" : "")))
                blocks.append(.table(header: columns.map { ColumnLabels.label($0) ?? $0 }, rows: Array(rows.prefix(shown))))
            case let .map(key, caption):
                if let map = maps[key] { blocks += [.map(map), .paragraph(caption)] }
            case let .chart(drawing, caption):
                blocks += [.chart(drawing), .paragraph(caption)]
            }
        }
        return PrintDocument(blocks: blocks, credits: doc.credits, internalBanner: doc.notice != nil)
    }

    /// The layers with their default QGIS styles (``ReportQGIS/defaultStyles(_:mapData:layers:language:)``):
    /// areas as the patient map, institutions by kind with the anchor, gaps by class, stages and
    /// catchments as outlines.
    static func geoPackageLayers(_ r: StudyResults, _ layers: [ReportLayers.Layer], styles: [String: LayerStyle]) throws -> [GeoPackageLayer] {
        layers.map { layer in
            GeoPackageLayer(name: layer.name, crs: r.model.crs, features: layer.features.map { ($0.0, $0.1) },
                            // An empty layer (a study without access gaps) has no properties to style on.
                            style: layer.features.isEmpty ? nil : styles[layer.name], description: r.model.spec.name)
        }
    }
}
