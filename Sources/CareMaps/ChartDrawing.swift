import CCairo
import Foundation

/// A small vector drawing (a chart) in its own units, rendered either as SVG markup with real
/// `<text>` (searchable, selectable) for HTML or with Cairo into a box of a printed page. Both come
/// from the same primitives, so the page and the PDF show the same chart.
public struct ChartDrawing: Sendable, Hashable {
    public enum Anchor: String, Sendable, Hashable { case start, middle, end }

    public enum Primitive: Sendable, Hashable {
        case line(x0: Double, y0: Double, x1: Double, y1: Double, color: RGBColor, width: Double, dash: [Double])
        case polyline([Double], color: RGBColor, width: Double)
        case circle(x: Double, y: Double, r: Double, fill: RGBColor?, stroke: RGBColor, width: Double)
        case diamond(x: Double, y: Double, r: Double, fill: RGBColor, stroke: RGBColor)
        case rect(x: Double, y: Double, w: Double, h: Double, fill: RGBColor)
        case text(String, x: Double, y: Double, size: Double, anchor: Anchor, color: RGBColor, bold: Bool)
    }

    public let width: Double
    public let height: Double
    public var items: [Primitive]
    /// A short description for screen readers (`<title>` of the SVG).
    public var title: String

    public init(width: Double, height: Double, title: String, items: [Primitive] = []) {
        self.width = width
        self.height = height
        self.title = title
        self.items = items
    }

    static func n(_ v: Double) -> String {
        let s = String(format: "%.2f", v)
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// SVG markup (inline in HTML): text as `<text>` in the report's font.
    public func svg() -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" role=\"img\" font-family=\"\(fontFamily), sans-serif\">"
        s += "<title>\(Self.escape(title))</title>\n"
        for item in items {
            switch item {
            case let .line(x0, y0, x1, y1, color, width, dash):
                s += "<line x1=\"\(Self.n(x0))\" y1=\"\(Self.n(y0))\" x2=\"\(Self.n(x1))\" y2=\"\(Self.n(y1))\" stroke=\"\(color)\" stroke-width=\"\(Self.n(width))\""
                s += dash.isEmpty ? "/>\n" : " stroke-dasharray=\"\(dash.map(Self.n).joined(separator: " "))\"/>\n"
            case let .polyline(points, color, width):
                let pts = stride(from: 0, to: points.count - 1, by: 2).map { "\(Self.n(points[$0])),\(Self.n(points[$0 + 1]))" }
                s += "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(Self.n(width))\"/>\n"
            case let .circle(x, y, r, fill, stroke, width):
                s += "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill.map(\.description) ?? "none")\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"/>\n"
            case let .diamond(x, y, r, fill, stroke):
                s += "<polygon points=\"\(Self.n(x)),\(Self.n(y - r)) \(Self.n(x + r)),\(Self.n(y)) \(Self.n(x)),\(Self.n(y + r)) \(Self.n(x - r)),\(Self.n(y))\" fill=\"\(fill)\" stroke=\"\(stroke)\"/>\n"
            case let .rect(x, y, w, h, fill):
                s += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\"/>\n"
            case let .text(text, x, y, size, anchor, color, bold):
                s += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(color)\"\(bold ? " font-weight=\"bold\"" : "")>\(Self.escape(text))</text>\n"
            }
        }
        return s + "</svg>"
    }

    /// Draws the chart with Cairo, scaled into the box (x, y, w, h) of the current user space.
    func draw(pen: Pen, x: Double, y: Double, w: Double, h: Double) {
        let cr = pen.cr
        cairoAPI.cairo_save(cr)
        cairoAPI.cairo_translate(cr, x, y)
        let k = min(w / width, h / height)
        cairoAPI.cairo_scale(cr, k, k)
        for item in items {
            switch item {
            case let .line(x0, y0, x1, y1, color, width, dash):
                cairoAPI.cairo_move_to(cr, x0, y0)
                cairoAPI.cairo_line_to(cr, x1, y1)
                pen.stroke(color, width: width, dash: dash)
            case let .polyline(points, color, width):
                for i in stride(from: 0, to: points.count - 1, by: 2) {
                    if i == 0 { cairoAPI.cairo_move_to(cr, points[i], points[i + 1]) } else { cairoAPI.cairo_line_to(cr, points[i], points[i + 1]) }
                }
                pen.stroke(color, width: width)
            case let .circle(cx, cy, r, fill, stroke, width):
                cairoAPI.cairo_new_sub_path(cr)
                cairoAPI.cairo_arc(cr, cx, cy, r, 0, 2 * .pi)
                if let fill { pen.color(fill); cairoAPI.cairo_fill_preserve(cr) }
                pen.stroke(stroke, width: width)
            case let .diamond(cx, cy, r, fill, stroke):
                cairoAPI.cairo_move_to(cr, cx, cy - r)
                cairoAPI.cairo_line_to(cr, cx + r, cy)
                cairoAPI.cairo_line_to(cr, cx, cy + r)
                cairoAPI.cairo_line_to(cr, cx - r, cy)
                cairoAPI.cairo_close_path(cr)
                pen.color(fill)
                cairoAPI.cairo_fill_preserve(cr)
                pen.stroke(stroke, width: 1)
            case let .rect(rx, ry, rw, rh, fill):
                pen.rect(rx, ry, rw, rh)
                pen.fill(fill)
            case let .text(text, tx, ty, size, anchor, color, bold):
                pen.font(size, bold: bold)
                pen.color(color)
                pen.text(text, x: tx, y: ty, align: anchor == .start ? .left : anchor == .middle ? .center : .right)
            }
        }
        cairoAPI.cairo_restore(cr)
    }
}
