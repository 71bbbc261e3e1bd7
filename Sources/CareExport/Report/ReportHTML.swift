import CareAtlas
import CareFormats
import Foundation

/// Renders a ``ReportDocument`` as one self-contained HTML file: inline CSS, the interactive map
/// (Leaflet and the data inlined, ``InteractiveMap``) or inline SVG maps, links to the report's
/// other files, and no external resource: it opens offline and makes no request.
public enum ReportHTML {
    /// - Parameters:
    ///   - maps: inline SVG markup by map key (ids already made unique per map), used when there is
    ///     no interactive map.
    ///   - interactiveMap: the interactive map's HTML (``InteractiveMap``), shown before the first
    ///     map; the static maps are then linked, not inlined.
    ///   - files: the report folder's files, linked from the table of contents and the tables.
    public static func render(_ doc: ReportDocument, maps: [String: String] = [:], interactiveMap: String? = nil, files: [String] = []) -> String {
        var h = """
            <!DOCTYPE html>
            <html lang="ja">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="CareAtlas">
            <title>\(escape(doc.title))</title>
            <style>\(css)\(ReportNavigation.css)</style>
            </head>
            <body>

            """
        if let notice = doc.notice { h += "<div class=\"internal\">\(escape(notice))</div>\n" }
        h += "<header><h1>\(escape(doc.title))</h1><p class=\"subtitle\">\(escape(doc.subtitle))</p>"
        h += "<p class=\"date\">作成日 Report date: \(escape(doc.date))</p></header>\n<main>\n"
        if !files.isEmpty { h += ReportNavigation.contents(doc, files: files) }
        var section = 0, interactive = interactiveMap
        for block in doc.blocks {
            switch block {
            case let .heading(level, text):
                let l = min(max(level, 2), 4)
                if l == 2 { section += 1 }
                h += l == 2 ? "<h2 id=\"\(ReportNavigation.sectionID(section))\">\(escape(text))</h2>\n" : "<h\(l)>\(escape(text))</h\(l)>\n"
            case let .paragraph(text):
                h += "<p>\(escape(text))</p>\n"
            case let .list(items):
                h += "<ul>\n" + items.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
            case let .formula(text):
                h += "<pre class=\"formula\">\(escape(text))</pre>\n"
            case let .table(title, columns, rows, shown, file):
                h += table(title: title, columns: columns, rows: rows, shown: shown, file: file, linked: files.contains(file ?? ""))
            case let .map(key, caption) where interactiveMap != nil:
                if let first = interactive { h += first; interactive = nil }
                h += ReportNavigation.mapLinks(key: key, caption: caption, files: files)
            case let .map(key, caption):
                guard let svg = maps[key] else { continue }
                h += "<figure class=\"map\">\n\(svg)\n<figcaption>\(escape(caption))</figcaption>\n</figure>\n"
            case let .chart(drawing, caption):
                h += "<figure class=\"chart\">\n\(drawing.svg())\n<figcaption>\(escape(caption))</figcaption>\n</figure>\n"
            }
        }
        if !files.isEmpty { h += ReportNavigation.fileList(files) }
        h += "</main>\n<footer>\n"
        for line in doc.credits { h += "<p>\(escape(line))</p>\n" }
        if let notice = doc.notice { h += "<p class=\"internal\">\(escape(notice))</p>\n" }
        h += "<p>CareAtlas</p>\n</footer>\n</body>\n</html>\n"
        return h
    }

    static func table(title: String, columns: [String], rows: [[String]], shown: Int, file: String?, linked: Bool = false) -> String {
        let numeric = columns.indices.map { c in
            rows.contains { !$0[c].isEmpty } && rows.allSatisfy { row in
                let v = row[c]
                return v.isEmpty || v.hasPrefix("<") || v.hasSuffix("+") || v == SmallCellPolicy.secondaryLabel || Double(v.replacingOccurrences(of: ",", with: "")) != nil
            }
        }
        var h = "<section class=\"table\">\n<h4>\(escape(title))</h4>\n<table>\n<thead><tr>"
        for c in columns {
            let label = ColumnLabels.label(c).map { "\(escape($0))<br><small>\(escape(c))</small>" } ?? escape(c)
            h += "<th>\(label)</th>"
        }
        h += "</tr></thead>\n<tbody>\n"
        for row in rows.prefix(shown) {
            h += "<tr>" + zip(row, numeric).map { v, n in n ? "<td class=\"n\">\(escape(v))</td>" : v.count > 4 ? "<td class=\"t\">\(escape(v))</td>" : "<td>\(escape(v))</td>" }.joined() + "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        if rows.count > shown || file != nil {
            let more = rows.count > shown ? "\(shown) / \(rows.count) 行を表示。" : ""
            h += "<p class=\"note\">\(more)\(file.map { linked ? ReportNavigation.fileNote($0) : "全体は \(escape($0))（CSV）。" } ?? "")</p>\n"
        }
        return h + "</section>\n"
    }

    static func escape(_ s: String) -> String { MarkupEscaping.escape(s) }

    static let css = """
        body{font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic",sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.5;padding:0 1em}
        h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #555;margin-top:2em}
        .subtitle,.date{color:#555;margin:.2em 0}
        table{border-collapse:collapse;font-size:.85em;margin:.5em 0;max-width:100%}
        th,td{border:1px solid #bbb;padding:2px 6px;vertical-align:top}th{background:#eee;font-weight:600}
        td{min-width:3em}td.t{min-width:6em}
        th small{font-weight:400;color:#666;overflow-wrap:anywhere}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        figure.chart svg{max-width:100%;height:auto}
        figure.map{margin:1em 0;page-break-inside:avoid}figure.map svg{max-width:100%;height:auto;border:1px solid #ccc;box-sizing:border-box}
        figcaption{color:#444;font-size:.9em}pre.formula{background:#f6f6f6;padding:.5em;white-space:pre-wrap}
        .note{color:#666;font-size:.85em}.internal{background:#b00;color:#fff;font-weight:700;padding:.3em .6em}
        footer{border-top:1px solid #999;margin-top:3em;font-size:.85em;color:#444}
        @media print{body{max-width:none;margin:0}h2{page-break-before:auto}section.table{page-break-inside:auto}}
        """
}
