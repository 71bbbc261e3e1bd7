import CCairo
import CareGeometry
import Foundation

/// The output formats of maps and printed documents.
public enum MapFormat: String, Sendable, Hashable, CaseIterable {
    case svg, pdf, png
}

/// Raised when a map or document cannot be drawn; the message names the cause and the fix.
public struct MapRenderError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The font family of every text: Japanese and Latin glyphs from one family.
let fontFamily = "Noto Sans CJK JP"

/// Collects the bytes Cairo writes to a stream.
private final class ByteSink {
    var data = Data()
}

private let appendToSink: cairo_write_func_t = { closure, bytes, length in
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}

/// Metadata written into PDF files. Dates come from the study (its report date), never the clock,
/// so that the bytes are the same on every run.
public struct DocumentMetadata: Sendable, Hashable {
    public let title: String
    /// ISO 8601 date ("2026-04-01") or date-time; written as the PDF creation and modification date.
    public let date: String

    public init(title: String, date: String) {
        self.title = title
        self.date = date
    }

    /// "YYYY-MM-DDThh:mm:ss" as Cairo expects; a bare date gets midnight.
    ///
    /// - Throws: ``MapRenderError`` when the date is not ISO 8601: without a valid date Cairo would
    ///   write the clock's time and the file would change on every run.
    func pdfDate() throws -> String {
        if date.wholeMatch(of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}/#) != nil { return date + "T00:00:00" }
        if date.wholeMatch(of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?/#) != nil { return date }
        throw MapRenderError(
            "the report date \"\(date)\" is not a date like 2026-04-01: set study: report_date: in the study file (PDF dates come from it, never from the clock)")
    }
}

/// Draws onto one Cairo surface of the given format and returns the encoded bytes.
///
/// Not thread-safe: one render per call, nothing shared (Cairo surfaces and contexts are local).
enum CairoCanvas {
    /// - Parameters:
    ///   - width, height: page size in page units (PDF/SVG: points; PNG: multiplied by `pngScale`).
    ///   - draw: draws the pages; for PDF it calls `cairo_show_page` between pages itself (the last
    ///     page is emitted when the surface finishes).
    ///   - cairoPNG: encode a PNG with Cairo's writer even when the image is opaque (tests compare
    ///     it with ``PNGWriter``).
    static func render(
        format: MapFormat, width: Double, height: Double, pngScale: Double, metadata: DocumentMetadata, cairoPNG: Bool = false,
        draw: (OpaquePointer) throws -> Void
    ) throws -> Data {
        try CairoLibrary.load()
        let pdfDate = format == .pdf ? try metadata.pdfDate() : ""
        let sink = ByteSink()
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let surface: OpaquePointer?
        switch format {
        case .pdf:
            surface = cairoAPI.cairo_pdf_surface_create_for_stream(appendToSink, closure, width, height)
            if let surface {
                cairoAPI.cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5)
                cairoAPI.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title)
                cairoAPI.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "CareAtlas")
                cairoAPI.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, pdfDate)
                cairoAPI.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, pdfDate)
            }
        case .svg:
            surface = cairoAPI.cairo_svg_surface_create_for_stream(appendToSink, closure, width, height)
        case .png:
            surface = cairoAPI.cairo_image_surface_create(
                CAIRO_FORMAT_ARGB32, Int32((width * pngScale).rounded()), Int32((height * pngScale).rounded()))
        }
        guard let surface else { throw MapRenderError("Cairo could not create a \(format.rawValue) surface") }
        defer { cairoAPI.cairo_surface_destroy(surface) }
        try check(cairoAPI.cairo_surface_status(surface), "creating the \(format.rawValue) surface")
        guard let cr = cairoAPI.cairo_create(surface) else { throw MapRenderError("Cairo could not create a drawing context") }
        defer { cairoAPI.cairo_destroy(cr) }
        if format == .png {
            cairoAPI.cairo_scale(cr, pngScale, pngScale)
        }
        try selectFont(cr)
        try draw(cr)
        try check(cairoAPI.cairo_status(cr), "drawing")
        switch format {
        case .png:
            if !cairoPNG, let png = PNGWriter.encodeOpaque(surface) { return png }
            cairoAPI.cairo_surface_flush(surface)
            try check(cairoAPI.cairo_surface_write_to_png_stream(surface, appendToSink, closure), "encoding the PNG")
        case .pdf, .svg:
            cairoAPI.cairo_surface_finish(surface)
            try check(cairoAPI.cairo_surface_status(surface), "writing the \(format.rawValue)")
        }
        return sink.data
    }

    static func check(_ status: cairo_status_t, _ what: String) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw MapRenderError("Cairo failed \(what): \(cairoAPI.cairo_status_to_string(status).map { String(cString: $0) } ?? "status \(status.rawValue)")")
        }
    }

    /// Selects the Japanese font and checks that it really has Japanese glyphs: fontconfig silently
    /// substitutes another family when the requested one is not installed, which would draw tofu.
    static func selectFont(_ cr: OpaquePointer, bold: Bool = false) throws {
        cairoAPI.cairo_select_font_face(cr, fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        let missing = missingGlyphs(cr, "日本語の地図北凡例")
        guard missing.isEmpty else {
            throw MapRenderError(
                "the font \(fontFamily) is not installed (no glyph for \(missing.map(String.init).joined())): install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk; listed in .ci/setup)")
        }
    }

    /// The characters of `text` the current font maps to glyph 0 (.notdef, drawn as tofu).
    static func missingGlyphs(_ cr: OpaquePointer, _ text: String) -> [Character] {
        guard let font = cairoAPI.cairo_get_scaled_font(cr) else { return Array(text) }
        var missing: [Character] = []
        for ch in text where !ch.isWhitespace {
            var glyphs: UnsafeMutablePointer<cairo_glyph_t>?
            var count: Int32 = 0
            let status = cairoAPI.cairo_scaled_font_text_to_glyphs(font, 0, 0, String(ch), -1, &glyphs, &count, nil, nil, nil)
            defer { if let glyphs { cairoAPI.cairo_glyph_free(glyphs) } }
            if status != CAIRO_STATUS_SUCCESS || count == 0 || (0..<Int(count)).contains(where: { glyphs![$0].index == 0 }) {
                missing.append(ch)
            }
        }
        return missing
    }
}

/// The texts of an SVG drawing, kept as text: Cairo's SVG surface writes every glyph as an outline
/// (`<symbol>` + `<use>`), which nothing can search, select or translate, so an SVG is drawn with
/// its texts collected here instead and they are added as `<text>` elements in the font (see
/// ``SVGText``).
final class TextCollector {
    struct Item {
        let text: String
        let x: Double, y: Double
        let size: Double
        let bold: Bool
        let color: RGBColor
        let alpha: Double
        /// Width of a white halo under the text (labels on the map), 0 for none.
        let halo: Double
    }
    var items: [Item] = []
    var size = 10.0
    var bold = false
}

/// The advance of each character of the fonts a ``Pen`` selects, for measuring many texts (the
/// layout of a document measures every line it tries).
///
/// Cairo's toy text API places one glyph per code point, each at the previous one's position plus
/// its advance, and gives a text's advance as the last glyph's position plus its advance: a sum of
/// the code points' advances from the left, in double precision. ``Pen/width(_:)`` sums the same
/// advances in the same order, so it returns the very same number as `cairo_text_extents`, without
/// converting the text and looking up its glyphs each time.
final class Advances {
    private struct Font: Hashable {
        let size: Double
        let bold: Bool
    }
    private var fonts: [Font: [Unicode.Scalar: Double]] = [:]
    private var font: Font?

    func select(size: Double, bold: Bool) { font = Font(size: size, bold: bold) }

    /// The advance of `text` in the current font, or nil before a font was selected.
    func width(_ text: String, cr: OpaquePointer) -> Double? {
        guard let font else { return nil }
        var x = 0.0
        for scalar in text.unicodeScalars {
            if let a = fonts[font]?[scalar] {
                x += a
            } else {
                var e = cairo_text_extents_t()
                cairoAPI.cairo_text_extents(cr, String(scalar), &e)
                fonts[font, default: [:]][scalar] = e.x_advance
                x += e.x_advance
            }
        }
        return x
    }
}

/// Drawing helpers over a Cairo context in page units.
struct Pen {
    let cr: OpaquePointer
    /// When set, texts are collected (in device units) instead of drawn as glyphs (SVG).
    var texts: TextCollector? = nil
    /// When set, ``width(_:)`` sums kept advances (fonts are selected only through ``font(_:bold:)``).
    var advances: Advances? = nil

    func color(_ c: RGBColor, alpha: Double = 1) {
        cairoAPI.cairo_set_source_rgba(cr, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, alpha)
    }

    func font(_ size: Double, bold: Bool = false) {
        cairoAPI.cairo_select_font_face(cr, fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairoAPI.cairo_set_font_size(cr, size)
        advances?.select(size: size, bold: bold)
        texts?.size = size
        texts?.bold = bold
    }

    /// Records `text` at (x, y) of the user space with the current font and colour.
    private func collect(_ text: String, x: Double, y: Double, halo: Double, into c: TextCollector) {
        var dx = x, dy = y
        cairoAPI.cairo_user_to_device(cr, &dx, &dy)
        var sx = 1.0, sy = 0.0
        cairoAPI.cairo_user_to_device_distance(cr, &sx, &sy)
        let k = hypot(sx, sy)
        var r = 0.0, g = 0.0, b = 0.0, a = 1.0
        _ = cairoAPI.cairo_pattern_get_rgba(cairoAPI.cairo_get_source(cr), &r, &g, &b, &a)
        func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        c.items.append(.init(text: text, x: dx, y: dy, size: c.size * k, bold: c.bold, color: RGBColor(byte(r), byte(g), byte(b)),
                             alpha: a, halo: halo * k))
    }

    /// A label with a white halo (`halo` wide) under dark text: real text in PDF and SVG.
    func haloText(_ text: String, x: Double, y: Double, halo: Double, color c: RGBColor = RGBColor(25, 25, 25)) {
        if let texts {
            color(c)
            collect(text, x: x, y: y, halo: halo, into: texts)
            return
        }
        cairoAPI.cairo_move_to(cr, x, y)
        cairoAPI.cairo_text_path(cr, text)
        cairoAPI.cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        color(RGBColor(255, 255, 255), alpha: 0.85)
        cairoAPI.cairo_set_line_width(cr, halo)
        cairoAPI.cairo_stroke(cr)
        color(c)
        cairoAPI.cairo_move_to(cr, x, y)
        cairoAPI.cairo_show_text(cr, text)
    }

    /// Advance width of `text` in the current font.
    func width(_ text: String) -> Double {
        if let w = advances?.width(text, cr: cr) { return w }
        var e = cairo_text_extents_t()
        cairoAPI.cairo_text_extents(cr, text, &e)
        return e.x_advance
    }

    enum Align { case left, center, right }

    /// Draws `text` with its baseline at `y`.
    func text(_ text: String, x: Double, y: Double, align: Align = .left) {
        let w = align == .left ? 0 : width(text)
        let left = align == .left ? x : align == .center ? x - w / 2 : x - w
        if let texts {
            collect(text, x: left, y: y, halo: 0, into: texts)
            return
        }
        cairoAPI.cairo_move_to(cr, left, y)
        cairoAPI.cairo_show_text(cr, text)
    }

    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairoAPI.cairo_rectangle(cr, x, y, w, h)
    }

    func fill(_ c: RGBColor) {
        color(c)
        cairoAPI.cairo_fill(cr)
    }

    func stroke(_ c: RGBColor, width: Double, dash: [Double] = []) {
        color(c)
        cairoAPI.cairo_set_line_width(cr, width)
        dash.withUnsafeBufferPointer { cairoAPI.cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
        cairoAPI.cairo_stroke(cr)
        cairoAPI.cairo_set_dash(cr, nil, 0, 0)
    }

    /// Diagonal hatch lines over the current clip inside `box`.
    func hatch(_ box: (x: Double, y: Double, w: Double, h: Double), spacing: Double, width: Double) {
        var d = -box.h
        while d < box.w {
            cairoAPI.cairo_move_to(cr, box.x + d, box.y + box.h)
            cairoAPI.cairo_line_to(cr, box.x + d + box.h, box.y)
            d += spacing
        }
        stroke(Palette.hatch, width: width)
    }

    /// Adds the polygons of `geometry` to the path through `project`, leaving out ring vertices
    /// closer than `tolerance` page units to the last one kept (invisible at print resolution;
    /// keeps files small and drawing fast).
    func path(_ geometry: Geometry, _ project: (Coordinate) -> (Double, Double), tolerance: Double = 0.15) {
        for polygon in geometry.polygons {
            for ring in polygon.rings {
                var last = (x: Double.nan, y: Double.nan)
                let n = ring.coordinates.count
                for (i, c) in ring.coordinates.enumerated() {
                    let (x, y) = project(c)
                    if i == 0 {
                        cairoAPI.cairo_move_to(cr, x, y)
                    } else if i == n - 1 || abs(x - last.x) + abs(y - last.y) >= tolerance {
                        cairoAPI.cairo_line_to(cr, x, y)
                    } else {
                        continue
                    }
                    last = (x, y)
                }
                cairoAPI.cairo_close_path(cr)
            }
        }
        switch geometry {
        case .lineString(let l): linePath(l.coordinates, project)
        case .multiLineString(let m): for l in m.lineStrings { linePath(l.coordinates, project) }
        case .collection(let items):
            for g in items {
                if case .lineString(let l) = g { linePath(l.coordinates, project) }
                if case .multiLineString(let m) = g { for l in m.lineStrings { linePath(l.coordinates, project) } }
            }
        default: break
        }
    }

    private func linePath(_ coordinates: [Coordinate], _ project: (Coordinate) -> (Double, Double)) {
        for (i, c) in coordinates.enumerated() {
            let (x, y) = project(c)
            if i == 0 { cairoAPI.cairo_move_to(cr, x, y) } else { cairoAPI.cairo_line_to(cr, x, y) }
        }
    }

    /// Adds a point symbol of diameter `size` centred at (x, y) to the path (the cross as a thick
    /// outline so that it can be filled like the others).
    func symbol(_ symbol: PointSymbol, x: Double, y: Double, size: Double) {
        let r = size / 2
        switch symbol {
        case .circle:
            cairoAPI.cairo_new_sub_path(cr)
            cairoAPI.cairo_arc(cr, x, y, r, 0, 2 * .pi)
        case .square:
            cairoAPI.cairo_rectangle(cr, x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76)
        case .triangle:
            polygon([(0, -1.15), (1, 0.6), (-1, 0.6)], x, y, r)
        case .invertedTriangle:
            polygon([(0, 1.15), (1, -0.6), (-1, -0.6)], x, y, r)
        case .diamond:
            polygon([(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)], x, y, r)
        case .cross:
            let t = 0.36
            polygon([(-t, -1), (t, -1), (t, -t), (1, -t), (1, t), (t, t), (t, 1), (-t, 1), (-t, t), (-1, t), (-1, -t), (-t, -t)], x, y, r)
        case .star:
            var points: [(Double, Double)] = []
            for i in 0..<10 {
                let a = -Double.pi / 2 + Double(i) * .pi / 5
                let radius = i % 2 == 0 ? 1.45 : 0.6
                points.append((cos(a) * radius, sin(a) * radius))
            }
            polygon(points, x, y, r)
        }
    }

    private func polygon(_ unit: [(Double, Double)], _ x: Double, _ y: Double, _ r: Double) {
        for (i, p) in unit.enumerated() {
            if i == 0 { cairoAPI.cairo_move_to(cr, x + p.0 * r, y + p.1 * r) } else { cairoAPI.cairo_line_to(cr, x + p.0 * r, y + p.1 * r) }
        }
        cairoAPI.cairo_close_path(cr)
    }
}

/// Adds collected texts to an SVG document as `<text>` elements in the report's font, just
/// before its closing tag, so that they are drawn over the map like the glyphs they replace.
enum SVGText {
    static func number(_ v: Double) -> String {
        var t = String(format: "%.2f", v)
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }

    static func insert(_ items: [TextCollector.Item], into svg: Data) -> Data {
        guard !items.isEmpty else { return svg }
        var markup = "<g font-family=\"\(fontFamily), sans-serif\">\n"
        for t in items {
            let text = t.text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            markup += "<text x=\"\(number(t.x))\" y=\"\(number(t.y))\" font-size=\"\(number(t.size))\" fill=\"\(t.color)\""
            if t.alpha < 1 { markup += " fill-opacity=\"\(number(t.alpha))\"" }
            if t.bold { markup += " font-weight=\"bold\"" }
            if t.halo > 0 {
                markup += " stroke=\"#ffffff\" stroke-opacity=\"0.85\" stroke-width=\"\(number(t.halo))\" stroke-linejoin=\"round\" paint-order=\"stroke\""
            }
            markup += ">\(text)</text>\n"
        }
        markup += "</g>\n"
        let bytes = Array(svg)
        let close = Array("</svg>".utf8)
        var i = bytes.count - close.count
        while i >= 0, Array(bytes[i..<(i + close.count)]) != close { i -= 1 }
        guard i >= 0 else { return svg }
        return Data(bytes[..<i]) + Data(markup.utf8) + Data(bytes[i...])
    }
}
