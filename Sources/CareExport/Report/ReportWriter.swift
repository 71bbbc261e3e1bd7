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
    ///
    /// The work runs on every core: first the tables and the document beside the maps and layers,
    /// then every file at once, the longest first (the report PDF, one Cairo surface, is the
    /// longest job; the slides next); the files are written in a fixed order afterwards.
    ///
    /// - Parameter preparation: the work done ahead while the disclosure was decided
    ///   (``studyRun(_:options:policy:progress:)``); the same files without it.
    @discardableResult
    public static func write(_ r: StudyResults, preparation: Preparation? = nil, options: Options = Options(),
                             to folder: inout OutputFolder) throws -> ReportDocument {
        preparation?.wait()
        let simplified = preparation?.simplified ?? SimplifiedGeometries()
        let notice = r.policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        let language = options.language
        let date = options.date ?? r.model.spec.reportDate
        let metadata = DocumentMetadata(title: r.model.spec.name, date: date)

        // 1. The content, on both cores: the tables and the document, and the maps and layers.
        let (text, drawn) = try both({ () throws -> (all: [(String, Table)], doc: ReportDocument, decision: DecisionPage?) in
            let all = tables(r)
            var doc = ReportBuilder.document(r, tables: Dictionary(all, uniquingKeysWith: { a, _ in a }), language: language)
            doc.date = date
            return (all, doc, DecisionPage.build(r, language: language))
        }, {
            // Regions dissolved to one outline each (no sliver holes between areas).
            let layers = RegionOutlines.apply(try ReportLayers.all(r), areaPoints: r.areas.map(\.labelPoint))
            let data = StudyMapData(results: r, simplified: simplified)
            let extent = try data.extent(named: options.extent)
            let styles = try ReportQGIS.defaultStyles(r, mapData: data, layers: layers, language: language)
            return (layers: layers, data: data, packageLayers: try geoPackageLayers(r, layers, styles: styles),
                    print: try StudyMaps.standardMaps(data, options: StudyMapOptions(page: .a4, language: language, extent: extent)),
                    slides: try StudyMaps.standardMaps(data, options: StudyMapOptions(page: .slide, language: language, extent: extent)))
        })
        let (all, doc) = (text.all, text.doc)
        let tablesByName = Dictionary(all, uniquingKeysWith: { a, _ in a })
        let (layers, data) = (drawn.layers, drawn.data)
        let pdf = printDocument(doc, maps: Dictionary(drawn.print.map { ($0.name, $0.map) }, uniquingKeysWith: { a, _ in a }))

        // 2. Every file, in the order it is written (the order of `OutputFolder/written`), each
        // with its own Cairo surface or SQLite database; `rank` orders the work, longest first.
        var jobs: [Job] = []
        func add(_ file: String?, rank: Int, _ make: @escaping @Sendable () throws -> Data) { jobs.append(Job(file: file, rank: rank, make: make)) }
        func noted(_ table: Table) -> Table {
            var t = table
            if let notice { t.rows.append([notice] + Array(repeating: "", count: t.header.count - 1)) }
            return t
        }
        let excel = options.excel, banner = notice.map { "> **\($0)**\n\n" } ?? ""
        for (name, table) in all {
            let t = noted(table)
            add(name, rank: 4) { t.csv(excel: excel) }
            add(String(name.dropLast(4)) + ".md", rank: 4) { Data((banner + t.markdown()).utf8) }
        }
        // The planning tables as one Excel workbook (invitation and survey lists first).
        if let book = PlanningExport.workbook(r, notice: notice) { add("planning.xlsx", rank: 4) { book } }
        if let d = text.decision {
            let t = noted(d.table), minCell = r.policy.minCell
            add("decision.csv", rank: 4) { t.csv(excel: excel) }
            add("decision.md", rank: 4) {
                Data((banner + d.markdown(language: language, minCell: minCell) + PlanningReport.sensitivityMarkdown(r, tables: tablesByName)).utf8)
            }
        }
        add("report.pdf", rank: 0) { try pdf.renderPDF(metadata: metadata) }
        let packageLayers = drawn.packageLayers
        add("careatlas.gpkg", rank: 2) { try GeoPackage.encode(layers: packageLayers, timestamp: date + "T00:00:00.000Z") }
        let crs = r.model.crs
        for layer in layers {
            add(layer.name + ".geojson", rank: 4) { try Layers.geojson(layer.name, crs: crs, layer.features) }
        }
        // The A4 maps as SVG only: their PDF is a landscape page of report.pdf (the same drawing).
        // A PDF per map embedded its own subsets of the two Japanese fonts and encoded its
        // paths once more, about a fifth of the report's CPU time; `careatlas map --format pdf`
        // draws one map as a PDF of its own where one is wanted.
        for (name, map) in drawn.print {
            // Ids prefixed per map, so that the same bytes serve as the file and inline in the page.
            add("map_\(name).svg", rank: 3) { try MapRenderer.render(map, format: .svg, metadata: metadata, svgIDPrefix: "m-\(name)-") }
        }
        // The slides share their overlays (symbols, labels, inset: the same on every map of the extent).
        let slideOverlays = MapOverlayCache()
        for (name, map) in drawn.slides {
            add("map_\(name)_slide.png", rank: 1) { try MapRenderer.render(map, format: .png, metadata: metadata, overlays: slideOverlays) }
        }
        // The QGIS project, and the page's interactive map (Leaflet inlined; it replaces the inline
        // maps, which are linked), which is no file of its own.
        add("careatlas.qgs", rank: 4) { Data(try ReportQGIS.project(r, mapData: data, layers: layers, language: language).utf8) }
        add(nil, rank: 2) {
            Data(InteractiveMap.html(data: try InteractiveMap.data(r, layers: layers, mapData: data, language: language, simplified: simplified),
                                     leaflet: preparation.map { $0.leaflet } ?? InteractiveMap.leaflet()).utf8)
        }
        // Longest first (a stable order within a rank): the report PDF starts at once on one core
        // while the other draws the slides, and the short jobs fill in at the end.
        let order = jobs.indices.sorted { (jobs[$0].rank, $0) < (jobs[$1].rank, $1) }
        let finished = try renderAll(order.map { jobs[$0].make }, progress: options.progress)
        var bytes = [Data](repeating: Data(), count: jobs.count)
        for (k, i) in order.enumerated() { bytes[i] = finished[k] }

        var inline: [String: String] = [:]
        var interactive = Data()
        for (job, data) in zip(jobs, bytes) {
            guard let file = job.file else { interactive = data; continue }
            try folder.write(file, data)
            if file.hasSuffix(".svg") { inline[String(file.dropFirst("map_".count).dropLast(".svg".count))] = String(decoding: data, as: UTF8.self) }
        }
        try folder.write("report.html", text: ReportHTML.render(doc, maps: inline, interactiveMap: String(decoding: interactive, as: UTF8.self), files: folder.written))
        return doc
    }

    /// One file of the report (or, without a name, a part of one), made by `make`; `rank` orders
    /// the work (0 first).
    struct Job {
        let file: String?
        let rank: Int
        let make: @Sendable () throws -> Data
    }

    /// Runs `a` and `b` at once, one on each core.
    static func both<A: Sendable, B: Sendable>(_ a: @escaping @Sendable () throws -> A, _ b: @escaping @Sendable () throws -> B) throws -> (A, B) {
        let slots = Pair<A, B>()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { slots.a = Result { try a() } } else { slots.b = Result { try b() } }
        }
        return (try slots.a!.get(), try slots.b!.get())
    }

    static func renderAll(_ jobs: [@Sendable () throws -> Data], progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Data] {
        let results = UnsafeResults(count: jobs.count, progress: progress)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            results.set(i, Result { try jobs[i]() })
        }
        return try results.values.map { try $0!.get() }
    }

    /// The results of ``both(_:_:)``, each written by one iteration.
    final class Pair<A, B>: @unchecked Sendable {
        var a: Result<A, Error>?
        var b: Result<B, Error>?
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
