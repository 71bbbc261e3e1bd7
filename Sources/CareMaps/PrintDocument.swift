import CCairo
import CareAtlas
import Foundation

/// One block of a printed document, laid out top to bottom.
public enum PrintBlock: Sendable {
    /// A heading of level 1 (largest) … 3.
    case heading(level: Int, text: String)
    /// Running text, wrapped to the page width (Japanese between any two characters, other text
    /// at spaces); "\n" starts a new line.
    case paragraph(String)
    /// A table: column widths from the text extents (narrowed and wrapped when the page is too
    /// narrow); split across pages with the header repeated. Figures are right-aligned.
    case table(header: [String], rows: [[String]])
    /// A map on a page of its own, A4 landscape, filling the page (the map carries its credits).
    case map(ThematicMap)
    /// A chart, scaled to the text width.
    case chart(ChartDrawing)
    /// Starts a new page.
    case pageBreak
}

/// A printable A4 (portrait) document: the PDF twin of the HTML report.
///
/// Every page has a footer with the credit lines and "n / N", and the internal-use banner when
/// suppression is off. The bytes depend only on the blocks and the metadata.
public struct PrintDocument: Sendable {
    public var blocks: [PrintBlock]
    /// Credit lines printed in every page's footer.
    public var credits: [String]
    /// Mark every page "internal — contains small counts" (suppression off).
    public var internalBanner: Bool

    public init(blocks: [PrintBlock], credits: [String] = [], internalBanner: Bool = false) {
        self.blocks = blocks
        self.credits = credits
        self.internalBanner = internalBanner
    }

    /// A4 portrait in points.
    static let pageWidth = 210 / 25.4 * 72, pageHeight = 297 / 25.4 * 72
    static let margin = 48.0

    /// Renders the document to one PDF.
    ///
    /// - Throws: ``MapRenderError`` when Cairo fails or the Japanese font is missing.
    public func renderPDF(metadata: DocumentMetadata) throws -> Data {
        let pages = try layout()
        // The maps' overlays (symbols, labels, inset) drawn once in the document: maps of one
        // extent share theirs.
        let overlays = MapOverlayCache()
        return try CairoCanvas.render(
            format: .pdf, width: Self.pageWidth, height: Self.pageHeight, pngScale: 1, metadata: metadata
        ) { cr in
            let pen = Pen(cr: cr)
            for (i, page) in pages.enumerated() {
                if i > 0 { cairoAPI.cairo_show_page(cr) }
                let landscape = Self.isLandscape(page)
                // Called before anything is drawn on the page: it sets this page's size.
                cairoAPI.cairo_pdf_surface_set_size(cairoAPI.cairo_get_target(cr), landscape ? Self.pageHeight : Self.pageWidth, landscape ? Self.pageWidth : Self.pageHeight)
                for op in page { draw(op, pen: pen, overlays: overlays) }
                drawFooter(pen: pen, page: i + 1, of: pages.count, landscape: landscape)
            }
        }
    }

    /// One page (0-based) as a PNG at 100 dpi, e.g. for a preview or a thumbnail.
    public func renderPagePNG(_ index: Int, metadata: DocumentMetadata) throws -> Data {
        let pages = try layout()
        guard pages.indices.contains(index) else {
            throw MapRenderError("page \(index + 1) does not exist: the document has \(pages.count) pages")
        }
        return try CairoCanvas.render(
            format: .png, width: Self.pageWidth, height: Self.pageHeight, pngScale: 100.0 / 72.0, metadata: metadata
        ) { cr in
            let pen = Pen(cr: cr)
            pen.rect(0, 0, Self.pageWidth, Self.pageHeight)
            pen.fill(RGBColor(255, 255, 255))
            for op in pages[index] { draw(op, pen: pen) }
            drawFooter(pen: pen, page: index + 1, of: pages.count, landscape: Self.isLandscape(pages[index]))
        }
    }

    /// A page holding one map alone is printed A4 landscape.
    static func isLandscape(_ page: [Op]) -> Bool {
        guard page.count == 1, case .map = page[0] else { return false }
        return true
    }

    /// The number of pages the document takes.
    public func pageCount() throws -> Int { try layout().count }

    // MARK: Layout

    enum Op {
        case text(String, x: Double, y: Double, size: Double, bold: Bool)
        case fill(x: Double, y: Double, w: Double, h: Double, gray: Double)
        case line(x0: Double, y0: Double, x1: Double, y1: Double, width: Double)
        case map(ThematicMap, x: Double, y: Double, w: Double, h: Double)
        case chart(ChartDrawing, x: Double, y: Double, w: Double, h: Double)
    }

    var footerHeight: Double { 16 + Double(credits.count) * 9 + (internalBanner ? 12 : 0) }

    func layout() throws -> [[Op]] {
        try FontCheck.withContext(width: 1, height: 1) { cr, _ in
            var state = LayoutState(pen: Pen(cr: cr, advances: Advances()), top: Self.margin + (internalBanner ? 16 : 0), bottom: Self.pageHeight - Self.margin - footerHeight)
            for block in blocks { state.add(block) }
            return state.finished()
        }
    }

    struct LayoutState {
        let pen: Pen
        let top: Double
        let bottom: Double
        let left = PrintDocument.margin
        let width = PrintDocument.pageWidth - 2 * PrintDocument.margin
        var pages: [[Op]] = []
        var current: [Op] = []
        var y: Double

        init(pen: Pen, top: Double, bottom: Double) {
            self.pen = pen
            self.top = top
            self.bottom = bottom
            y = top
        }

        mutating func newPage() {
            pages.append(current)
            current = []
            y = top
        }

        /// Starts a new page unless `height` still fits (and the page is not empty).
        mutating func ensure(_ height: Double) {
            if y + height > bottom, y > top { newPage() }
        }

        mutating func finished() -> [[Op]] {
            if !current.isEmpty || pages.isEmpty { pages.append(current) }
            return pages.filter { !$0.isEmpty }.isEmpty ? [[]] : pages.filter { !$0.isEmpty }
        }

        mutating func add(_ block: PrintBlock) {
            switch block {
            case .heading(let level, let text):
                let size = [18.0, 14, 12][min(max(level, 1), 3) - 1]
                pen.font(size, bold: true)
                let lines = wrap(text, width: width, pen: pen)
                ensure(Double(lines.count) * size * 1.4 + size * 0.8 + 3 * 14)  // keep with what follows
                y += size * 0.6
                for line in lines {
                    y += size * 1.3
                    current.append(.text(line, x: left, y: y, size: size, bold: true))
                }
                if level == 1 { current.append(.line(x0: left, y0: y + 4, x1: left + width, y1: y + 4, width: 0.8)); y += 4 }
                y += size * 0.5
            case .paragraph(let text):
                let size = 10.0, lead = 15.0
                pen.font(size)
                for line in wrap(text, width: width, pen: pen) {
                    ensure(lead)
                    y += lead
                    current.append(.text(line, x: left, y: y - 3.5, size: size, bold: false))
                }
                y += 6
            case .table(let header, let rows):
                addTable(header: header, rows: rows)
            case .map(let map):
                // A page of its own, A4 landscape (page height × page width), filled by the map
                // but for the page number's line.
                if y > top || !current.isEmpty { newPage() }
                let w = PrintDocument.pageHeight, h = PrintDocument.pageWidth - 14
                let size = map.page.size
                let k = min(w / size.width, h / size.height)
                current.append(.map(map, x: (w - size.width * k) / 2, y: 0, w: size.width * k, h: size.height * k))
                newPage()
            case .chart(let chart):
                let h = width * chart.height / chart.width
                ensure(h + 8)
                current.append(.chart(chart, x: left, y: y + 4, w: width, h: h))
                y += h + 12
            case .pageBreak:
                if y > top || !current.isEmpty { newPage() }
            }
        }

        mutating func addTable(header: [String], rows: [[String]]) {
            let size = 8.5, lead = 11.5, pad = 3.0
            let columns = max(header.count, rows.map(\.count).max() ?? 0)
            guard columns > 0 else { return }
            func cell(_ row: [String], _ c: Int) -> String { c < row.count ? row[c] : "" }
            var natural = [Double](repeating: 0, count: columns)
            pen.font(size, bold: true)
            for c in 0..<columns { natural[c] = pen.width(cell(header, c)) + 2 * pad }
            // The narrowest a column may be: its widest figure (a number is never broken) or word.
            var minimum = [Double](repeating: 0, count: columns)
            pen.font(size)
            for row in rows {
                for c in 0..<columns {
                    let text = cell(row, c)
                    natural[c] = max(natural[c], pen.width(text) + 2 * pad)
                    let unbreakable = Self.isFigure(text) ? [text] : text.split(separator: " ").map(String.init).filter { !$0.contains(where: isCJK) }
                    for token in unbreakable { minimum[c] = max(minimum[c], pen.width(token) + 2 * pad) }
                    // Japanese text keeps at least four characters on a line (no name one character per line).
                    if text.contains(where: isCJK) { minimum[c] = max(minimum[c], min(pen.width(text), size * 4) + 2 * pad) }
                }
            }
            let widths = Self.columnWidths(natural, minimum: minimum, available: width)
            func wrapped(_ row: [String], bold: Bool) -> [[String]] {
                pen.font(size, bold: bold)
                return (0..<columns).map { wrap(cell(row, $0), width: widths[$0] - 2 * pad, pen: pen) }
            }
            let headerCells = wrapped(header, bold: true)
            let headerHeight = Double(headerCells.map(\.count).max() ?? 1) * lead + 2 * pad
            func emit(_ cells: [[String]], height: Double, bold: Bool, shade: Double?) {
                if let shade { current.append(.fill(x: left, y: y, w: widths.reduce(0, +), h: height, gray: shade)) }
                var x = left
                for c in 0..<columns {
                    let right = !bold && Self.isFigure(cells[c].joined())
                    for (i, line) in cells[c].enumerated() {
                        pen.font(size, bold: bold)
                        let tx = right ? x + widths[c] - pad - pen.width(line) : x + pad
                        current.append(.text(line, x: tx, y: y + pad + Double(i + 1) * lead - 3, size: size, bold: bold))
                    }
                    x += widths[c]
                }
                y += height
                current.append(.line(x0: left, y0: y, x1: left + widths.reduce(0, +), y1: y, width: bold ? 0.8 : 0.3))
            }
            ensure(headerHeight + lead + 2 * pad)
            y += 4
            emit(headerCells, height: headerHeight, bold: true, shade: 0.9)
            for row in rows {
                let cells = wrapped(row, bold: false)
                let h = Double(cells.map(\.count).max() ?? 1) * lead + 2 * pad
                if y + h > bottom {
                    newPage()
                    emit(headerCells, height: headerHeight, bold: true, shade: 0.9)
                }
                emit(cells, height: h, bold: false, shade: nil)
            }
            y += 10
        }

        /// Natural widths when they fit; otherwise columns narrower than an equal share keep
        /// theirs and the others share the rest in proportion to their natural widths.
        static func columnWidths(_ natural: [Double], minimum: [Double], available: Double) -> [Double] {
            var widths = columnWidths(natural, available: available)
            // Columns below their minimum get it; the others give the difference back in
            // proportion to what they have above their own minimum.
            for _ in 0..<4 {
                let short = widths.indices.filter { widths[$0] < minimum[$0] - 0.01 }
                guard !short.isEmpty else { break }
                let need = short.reduce(0) { $0 + minimum[$1] - widths[$1] }
                for c in short { widths[c] = minimum[c] }
                let donors = widths.indices.filter { !short.contains($0) && widths[$0] > minimum[$0] }
                let slack = donors.reduce(0) { $0 + widths[$1] - max(minimum[$1], 0) }
                guard slack > 0 else { break }
                let take = min(1, need / slack)
                for c in donors { widths[c] -= (widths[c] - minimum[c]) * take }
            }
            return widths
        }

        static func columnWidths(_ natural: [Double], available: Double) -> [Double] {
            guard natural.reduce(0, +) > available else { return natural }
            var fixed = Set<Int>()
            while true {
                let rest = available - fixed.reduce(0) { $0 + natural[$1] }
                let free = natural.indices.filter { !fixed.contains($0) }
                let share = rest / Double(max(1, free.count))
                let newlyFixed = free.filter { natural[$0] <= share }
                if newlyFixed.isEmpty {
                    let total = free.reduce(0) { $0 + natural[$1] }
                    return natural.indices.map { fixed.contains($0) ? natural[$0] : rest * natural[$0] / total }
                }
                fixed.formUnion(newlyFixed)
            }
        }

        /// Numbers, percentages and suppressed cells ("<10", "x") are right-aligned: the whole
        /// text is `[<>≤≥]?[-+−]?[0-9][0-9,.]*\s?%?` (scanned by hand: a regex compiled per cell
        /// took most of the PDF's layout time).
        static func isFigure(_ s: String) -> Bool {
            if s == SmallCellPolicy.secondaryLabel { return true }
            var rest = Substring(s)
            func scalar(_ c: Character) -> Unicode.Scalar? { c.unicodeScalars.count == 1 ? c.unicodeScalars.first : nil }
            func take(_ accept: (Unicode.Scalar) -> Bool) -> Bool {
                guard let c = rest.first, let v = scalar(c), accept(v) else { return false }
                rest.removeFirst()
                return true
            }
            func digit(_ v: Unicode.Scalar) -> Bool { ("0"..."9").contains(v) }
            _ = take { "<>≤≥".unicodeScalars.contains($0) }
            _ = take { "-+−".unicodeScalars.contains($0) }
            guard take(digit) else { return false }
            while take({ digit($0) || $0 == "," || $0 == "." }) {}
            if let c = rest.first, c.isWhitespace { rest.removeFirst() }
            _ = take { $0 == "%" }
            return rest.isEmpty
        }
    }

    // MARK: Drawing

    func draw(_ op: Op, pen: Pen, overlays: MapOverlayCache? = nil) {
        let cr = pen.cr
        switch op {
        case .text(let s, let x, let y, let size, let bold):
            pen.font(size, bold: bold)
            pen.color(RGBColor(20, 20, 20))
            pen.text(s, x: x, y: y)
        case .fill(let x, let y, let w, let h, let gray):
            pen.rect(x, y, w, h)
            cairoAPI.cairo_set_source_rgb(cr, gray, gray, gray)
            cairoAPI.cairo_fill(cr)
        case .line(let x0, let y0, let x1, let y1, let width):
            cairoAPI.cairo_move_to(cr, x0, y0)
            cairoAPI.cairo_line_to(cr, x1, y1)
            pen.stroke(RGBColor(90, 90, 90), width: width)
        case .map(let map, let x, let y, let w, let h):
            let size = map.page.size
            cairoAPI.cairo_save(cr)
            cairoAPI.cairo_translate(cr, x, y)
            cairoAPI.cairo_scale(cr, w / size.width, h / size.height)
            pen.rect(0, 0, size.width, size.height)
            cairoAPI.cairo_clip(cr)
            MapRenderer.draw(map, pen: pen, width: size.width, height: size.height, overlays: overlays)
            cairoAPI.cairo_restore(cr)
        case .chart(let chart, let x, let y, let w, let h):
            chart.draw(pen: pen, x: x, y: y, w: w, h: h)
        }
    }

    func drawFooter(pen: Pen, page: Int, of total: Int, landscape: Bool = false) {
        if landscape {
            // The map carries the credits (and the internal banner): only the page number.
            pen.font(8)
            pen.color(RGBColor(70, 70, 70))
            pen.text("\(page) / \(total)", x: Self.pageHeight - 18, y: Self.pageWidth - 6, align: .right)
            return
        }
        let left = Self.margin, right = Self.pageWidth - Self.margin
        if internalBanner {
            pen.rect(0, 0, Self.pageWidth, 22)
            pen.fill(RGBColor(178, 24, 43))
            pen.font(9, bold: true)
            pen.color(RGBColor(255, 255, 255))
            pen.text(SmallCellPolicy.internalNotice, x: Self.pageWidth / 2, y: 15, align: .center)
        }
        var y = Self.pageHeight - Self.margin - footerHeight + 10
        cairoAPI.cairo_move_to(pen.cr, left, y)
        cairoAPI.cairo_line_to(pen.cr, right, y)
        pen.stroke(RGBColor(150, 150, 150), width: 0.4)
        pen.font(7)
        pen.color(RGBColor(70, 70, 70))
        for line in credits {
            y += 9
            pen.text(line, x: left, y: y)
        }
        if internalBanner {
            y += 12
            pen.font(8, bold: true)
            pen.color(RGBColor(178, 24, 43))
            pen.text(SmallCellPolicy.internalNotice, x: left, y: y)
        }
        pen.font(8)
        pen.color(RGBColor(70, 70, 70))
        pen.text("\(page) / \(total)", x: right, y: Self.pageHeight - Self.margin + 6, align: .right)
    }
}

/// Whether a character may be broken before and after (CJK ideographs, kana, full-width forms).
func isCJK(_ ch: Character) -> Bool {
    guard let v = ch.unicodeScalars.first?.value else { return false }
    return (0x2E80...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFFEF).contains(v)
        || (0x20000...0x3FFFF).contains(v)
}

/// Characters that must not start a line (Japanese line-breaking rules, JIS X 4051 行頭禁則, in part).
let noLineStart: Set<Character> = ["、", "。", "，", "．", "）", "」", "』", "】", "・", "ー", "ッ", "ャ", "ュ", "ョ", "っ", "ゃ", "ゅ", "ょ", ")", ",", ".", "%", "％"]

/// Characters that must not end a line (opening brackets, JIS X 4051 行末禁則).
let noLineEnd: Set<Character> = ["（", "「", "『", "【", "(", "["]

/// Greedy line breaking of `text` to `width` in the pen's current font: Japanese may break between
/// any two characters (except before closing punctuation and small kana), other text at spaces;
/// a word wider than the line is broken between characters. "\n" forces a break.
func wrap(_ text: String, width: Double, pen: Pen) -> [String] {
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        // Tokens: one CJK character (with following no-line-start characters), or a word with its
        // trailing spaces.
        var tokens: [String] = []
        var word = ""
        for ch in paragraph {
            if noLineStart.contains(ch), !tokens.isEmpty || !word.isEmpty {
                if word.isEmpty { tokens[tokens.count - 1].append(ch) } else { word.append(ch) }
            } else if isCJK(ch) {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(ch))
            } else if ch == " " {
                word.append(ch)
                tokens.append(word)
                word = ""
            } else {
                if word.last == " " { tokens.append(word); word = "" }
                word.append(ch)
            }
        }
        if !word.isEmpty { tokens.append(word) }
        // An opening bracket never ends a line (行末禁則): it goes with what follows.
        var merged: [String] = []
        for token in tokens {
            if let last = merged.last, let ch = last.last, noLineEnd.contains(ch) { merged[merged.count - 1] += token } else { merged.append(token) }
        }
        tokens = merged
        var line = ""
        for token in tokens {
            if pen.width(trimmedEnd(line + token)) <= width {
                line += token
                continue
            }
            if !line.isEmpty { lines.append(trimmedEnd(line)); line = "" }
            if pen.width(trimmedEnd(token)) <= width {
                line = token
            } else {
                for ch in token {
                    if !line.isEmpty, pen.width(line + String(ch)) > width { lines.append(line); line = "" }
                    line.append(ch)
                }
            }
        }
        lines.append(trimmedEnd(line))
    }
    return lines
}

private func trimmedEnd(_ s: String) -> String {
    var s = s
    while s.last == " " { s.removeLast() }
    return s
}
