import CareFormats
import Foundation

/// The report page's navigation: a table of contents over its sections, links to the files of the
/// report folder, and the static maps as links (their files lie beside the report; nothing is
/// loaded until a reader follows a link, so the page still makes no request).
enum ReportNavigation {
    /// The anchor id of the n-th level-2 heading (1-based).
    static func sectionID(_ n: Int) -> String { "s\(n)" }

    /// `<nav>` with every level-2 heading and the folder's files by kind.
    static func contents(_ doc: ReportDocument, files: [String]) -> String {
        var h = "<nav class=\"toc\" id=\"contents\">\n<h2>目次 Contents</h2>\n<ol>\n"
        var n = 0
        for case let .heading(level, text) in doc.blocks where level == 2 {
            n += 1
            h += "<li><a href=\"#\(sectionID(n))\">\(MarkupEscaping.escape(text))</a></li>\n"
        }
        h += "<li><a href=\"#files\">ファイル Files</a></li>\n</ol>\n</nav>\n"
        return h
    }

    /// The list of the folder's files, grouped by what they are for.
    static func fileList(_ files: [String]) -> String {
        let groups: [(String, (String) -> Bool)] = [
            ("表（CSV・Markdown）Tables", { $0.hasSuffix(".csv") || $0.hasSuffix(".md") }),
            ("地図 Maps (SVG, PDF, PNG)", { $0.hasPrefix("map_") }),
            ("GIS レイヤ Layers (GeoJSON, GeoPackage, QGIS)", { $0.hasSuffix(".geojson") || $0.hasSuffix(".gpkg") || $0.hasSuffix(".qgs") }),
            ("印刷用 Print", { $0 == "report.pdf" }),
        ]
        var h = "<section class=\"files\" id=\"files\">\n<h2>ファイル Files</h2>\n<ul>\n"
        for (title, member) in groups {
            let names = files.filter(member).sorted()
            guard !names.isEmpty else { continue }
            h += "<li>\(MarkupEscaping.escape(title)): " + names.map(link).joined(separator: ", ") + "</li>\n"
        }
        return h + "</ul>\n</section>\n"
    }

    /// `<a href="name">name</a>` (names are the report's own, relative to the page).
    static func link(_ name: String) -> String {
        let e = MarkupEscaping.escape(name)
        return "<a href=\"\(e.replacingOccurrences(of: " ", with: "%20"))\">\(e)</a>"
    }

    /// A static map as a caption with links to its SVG and slide PNG (its PDF is a page of report.pdf).
    static func mapLinks(key: String, caption: String, files: [String]) -> String {
        let names = ["map_\(key).svg", "map_\(key)_slide.png"].filter(files.contains)
        guard !names.isEmpty else { return "" }
        return "<p class=\"map-files\">\(MarkupEscaping.escape(caption)): " + names.map(link).joined(separator: " · ") + "</p>\n"
    }

    /// "全体は areas.csv（CSV）" with the file linked.
    static func fileNote(_ file: String) -> String { "全体は \(link(file))（CSV）。" }

    static let css = """
        nav.toc{border:1px solid #ccc;background:#fafafa;padding:.3em 1em;margin:1em 0}nav.toc h2{border:none;margin:.3em 0;font-size:1.1em}
        nav.toc ol{margin:.2em 0 .4em;padding-left:1.5em}p.map-files{margin:.2em 0;font-size:.9em}
        """
}
