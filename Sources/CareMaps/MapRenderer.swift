import CCairo
import CareAtlas
import CareGeometry
import Foundation

/// Renders a ``ThematicMap`` to SVG, PDF or PNG with Cairo.
///
/// Output bytes depend only on the map and the metadata (no clock, no random ids): rendering twice
/// gives identical files. Thread-safe: every call uses its own Cairo surface.
public enum MapRenderer {
    /// Renders `map` on its page.
    ///
    /// - Parameters:
    ///   - metadata: PDF title and dates (the study's report date).
    ///   - svgIDPrefix: for SVG meant to be inlined in HTML next to other SVGs: prefixes every
    ///     `id` and every reference to it (see ``SVGIDPrefixer``; ids are renumbered per document
    ///     in any case). Ignored for PDF and PNG.
    /// - Throws: ``MapRenderError`` when Cairo fails or the Japanese font is missing.
    ///   - overlays: shared by maps of one extent (e.g. a study's slides), which then draw their
    ///     common overlay once (``MapOverlayCache``); the image is the same as without.
    public static func render(
        _ map: ThematicMap, format: MapFormat, metadata: DocumentMetadata, svgIDPrefix: String? = nil, overlays: MapOverlayCache? = nil
    ) throws -> Data {
        try renderWithLayout(map, format: format, metadata: metadata, svgIDPrefix: svgIDPrefix, overlays: overlays).data
    }

    static func renderWithLayout(
        _ map: ThematicMap, format: MapFormat, metadata: DocumentMetadata, svgIDPrefix: String? = nil, overlays: MapOverlayCache? = nil
    ) throws -> (data: Data, layout: Layout) {
        let size = map.page.size
        var layout: Layout?
        let texts = format == .svg ? TextCollector() : nil
        let data = try CairoCanvas.render(
            format: format, width: size.width, height: size.height, pngScale: map.page.pngScale, metadata: metadata
        ) { cr in
            let pen = Pen(cr: cr, texts: texts)
            pen.rect(0, 0, size.width, size.height)
            pen.fill(RGBColor(255, 255, 255))
            layout = draw(map, pen: pen, width: size.width, height: size.height, overlays: overlays)
        }
        if format == .svg, let texts { return (SVGText.insert(texts.items, into: SVGIDPrefixer.prefix(data, with: svgIDPrefix)), layout!) }
        return (data, layout!)
    }

    /// Where things were drawn, for tests and for embedding.
    struct Layout {
        var frame: (x: Double, y: Double, w: Double, h: Double)
        var scale: Double  // page units per metre
        var origin: (x: Double, y: Double)  // page position of the extent's (minX, maxY)
        var extentMin: Coordinate
        var extentMaxY: Double
        /// Rectangles of the legend's class swatches, parallel to ``ThematicMap/classes``.
        var swatches: [(x: Double, y: Double, w: Double, h: Double)] = []
        var labelsDrawn: [String] = []
        var scaleBarMetres: Double = 0

        func project(_ c: Coordinate) -> (Double, Double) {
            (origin.x + (c.x - extentMin.x) * scale, origin.y + (extentMaxY - c.y) * scale)
        }
    }

    /// Draws the whole map page in the box (0, 0, width, height) of the current user space.
    ///
    /// - Parameter overlays: where the overlay (symbols, labels, inset, scale bar, north arrow) is
    ///   drawn once for the maps that share it (``MapOverlayCache``); nil draws it here.
    @discardableResult
    static func draw(_ map: ThematicMap, pen: Pen, width: Double, height: Double, overlays: MapOverlayCache? = nil) -> Layout {
        let cr = pen.cr
        let u = height / MapPage.a4.size.height  // every size is given at A4 and scaled with the page
        let text = map.language.texts
        let margin = 18 * u
        var top = margin
        if map.internalBanner {
            pen.rect(0, 0, width, 20 * u)
            pen.fill(RGBColor(178, 24, 43))
            pen.color(RGBColor(255, 255, 255))
            pen.font(10 * u, bold: true)
            pen.text(SmallCellPolicy.internalNotice, x: width / 2, y: 14 * u, align: .center)
            top += 20 * u
        }
        pen.color(RGBColor(20, 20, 20))
        pen.font(18 * u, bold: true)
        pen.text(map.title, x: margin, y: top + 16 * u)
        pen.font(10.5 * u)
        pen.color(RGBColor(70, 70, 70))
        pen.text(map.subtitle, x: margin, y: top + 32 * u)
        let creditLine = 9.5 * u
        let creditsHeight = map.credits.isEmpty ? 0 : Double(map.credits.count) * creditLine + 4 * u
        let legendWidth = 175 * u
        let frame = (
            x: margin, y: top + 42 * u, w: width - 2 * margin - legendWidth - 12 * u,
            h: height - (top + 42 * u) - margin - creditsHeight)

        // Projection: the extent (grown 3 %) fitted into the frame, centred.
        var extent = map.drawnExtent ?? Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)
        let grow = max(extent.width, extent.height) * 0.03 + 1
        extent = extent.expanded(by: grow)
        let scale = min(frame.w / extent.width, frame.h / extent.height)
        let origin = (
            x: frame.x + (frame.w - extent.width * scale) / 2, y: frame.y + (frame.h - extent.height * scale) / 2)
        var layout = Layout(
            frame: frame, scale: scale, origin: origin, extentMin: Coordinate(x: extent.minX, y: extent.minY),
            extentMaxY: extent.maxY)

        cairoAPI.cairo_save(cr)
        pen.rect(frame.x, frame.y, frame.w, frame.h)
        cairoAPI.cairo_clip(cr)
        drawAreas(map, pen: pen, layout: layout, extent: extent, u: u)
        // Outlines in reverse order: the first (innermost stage) is drawn last, on top.
        for outline in map.outlines.reversed() {
            for g in outline.geometries where g.boundingBox.map(extent.intersects) ?? false {
                pen.path(g, layout.project)
            }
            cairoAPI.cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            pen.stroke(outline.color, width: outline.width * u, dash: outline.dash.map { $0 * u })
        }
        // Labels are placed first, so that symbols keep off them and off the anchor and the inset.
        let inset = map.overview.isEmpty ? nil : insetBox(frame: frame, u: u)
        let labels = map.showLabels ? placeLabels(map, pen: pen, layout: layout, u: u, reserved: inset.map { [$0] } ?? []) : []
        let overlay = MapOverlay(
            width: width, height: height, u: u, frame: .init(frame), scale: scale, originX: origin.x, originY: origin.y, extent: extent,
            points: map.points, labels: labels.map { .init(text: $0.text, x: $0.x, y: $0.y) },
            keepOff: (labels.map(\.box) + (inset.map { [$0] } ?? [])).map(MapOverlay.Rect.init), inset: inset.map(MapOverlay.Rect.init),
            overview: map.overview, overviewHighlight: map.overviewHighlight, overviewExtent: map.overviewExtent, north: text.north)
        if let overlays { overlays.paint(overlay, pen: pen) } else { overlay.draw(pen: pen) }
        layout.labelsDrawn = labels.map(\.text)
        layout.scaleBarMetres = scaleBarMetres(layout)
        cairoAPI.cairo_restore(cr)
        pen.rect(frame.x, frame.y, frame.w, frame.h)
        pen.stroke(RGBColor(150, 150, 150), width: 0.6 * u)

        layout.swatches = drawLegend(map, pen: pen, x: frame.x + frame.w + 12 * u, y: frame.y, width: legendWidth, u: u)

        pen.font(7.5 * u)
        pen.color(RGBColor(70, 70, 70))
        for (i, line) in map.credits.enumerated() {
            pen.text(line, x: margin, y: frame.y + frame.h + 4 * u + Double(i + 1) * creditLine - 2 * u)
        }
        return layout
    }

    /// Fills and outlines every area in its class colour, then hatches the hatched classes in one
    /// pass: one clip of all their areas and one set of lines over the part of the frame they
    /// cover (a line per area and a clip per area doubled the paths of a map with many areas
    /// without data, and its PDF and SVG with them). The lines are continuous across neighbouring
    /// hatched areas, as in QGIS's line-pattern fill.
    private static func drawAreas(_ map: ThematicMap, pen: Pen, layout: Layout, extent: Envelope, u: Double) {
        let cr = pen.cr
        cairoAPI.cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        // Boundaries 0.3 pt wide: a round join cannot be told from a bevel at that width, and
        // costs Cairo's rasteriser an arc at every vertex of every slide.
        cairoAPI.cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL)
        var hatched: [Geometry] = []
        var hatchBox: Envelope?
        for area in map.areas {
            guard let box = area.geometry.boundingBox, extent.intersects(box),
                map.classes.indices.contains(area.classIndex)
            else { continue }
            let cls = map.classes[area.classIndex]
            pen.path(area.geometry, layout.project, tolerance: 0.3 * u)
            pen.color(cls.color)
            cairoAPI.cairo_fill_preserve(cr)
            pen.stroke(Palette.boundary, width: 0.3 * u)
            if cls.hatched {
                hatched.append(area.geometry)
                if var e = hatchBox { e.expand(toInclude: box); hatchBox = e } else { hatchBox = box }
            }
        }
        guard let box = hatchBox else { return }
        cairoAPI.cairo_save(cr)
        for g in hatched { pen.path(g, layout.project, tolerance: 0.3 * u) }
        cairoAPI.cairo_clip(cr)
        // The lines over the hatched areas' box, cut to the frame (nothing outside it is seen).
        let (bx0, by1) = layout.project(Coordinate(x: box.minX, y: box.minY))
        let (bx1, by0) = layout.project(Coordinate(x: box.maxX, y: box.maxY))
        let f = layout.frame
        let x0 = max(bx0, f.x), y0 = max(by0, f.y), x1 = min(bx1, f.x + f.w), y1 = min(by1, f.y + f.h)
        if x1 > x0, y1 > y0 { pen.hatch((x0, y0, x1 - x0, y1 - y0), spacing: 4 * u, width: 0.5 * u) }
        cairoAPI.cairo_restore(cr)
    }

    typealias Box = (x: Double, y: Double, w: Double, h: Double)

    static func overlaps(_ a: Box, _ b: Box) -> Bool { a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h }

    /// The overview inset: the bottom-right corner of the frame.
    static func insetBox(frame: Box, u: Double) -> Box {
        let w = min(150 * u, frame.w * 0.28), h = min(110 * u, frame.h * 0.3)
        return (frame.x + frame.w - w - 6 * u, frame.y + frame.h - h - 6 * u, w, h)
    }

    /// Where labels go: required labels (the decision region) first, at their point or beside it
    /// (above, below, right, left) where that is free, at their point otherwise; then the others
    /// by priority and size, each skipped when it would overlap one already placed or leave the
    /// frame. The scale bar, the north arrow and `reserved` boxes are kept free.
    static func placeLabels(_ map: ThematicMap, pen: Pen, layout: Layout, u: Double, reserved: [Box]) -> [(text: String, x: Double, y: Double, box: Box)] {
        let size = 7.5 * u
        pen.font(size)
        let candidates = map.areas.enumerated().compactMap { i, a -> (Int, Bool, Double, Double)? in
            guard a.label != nil, a.labelPoint != nil, let b = a.geometry.boundingBox else { return nil }
            return (i, a.labelRequired, a.labelPriority, b.width * b.height)
        }.sorted { a, b in
            if a.1 != b.1 { return a.1 }
            return (a.2, a.3, b.0) > (b.2, b.3, a.0)
        }
        let f = layout.frame
        var placed: [Box] = [(f.x, f.y + f.h - 36 * u, 0.2 * f.w + 56 * u, 36 * u), (f.x + f.w - 36 * u, f.y, 36 * u, 50 * u)] + reserved
        var out: [(text: String, x: Double, y: Double, box: Box)] = []
        for (i, required, _, _) in candidates {
            let area = map.areas[i]
            let label = area.label!
            let (px, py) = layout.project(area.labelPoint!)
            let w = pen.width(label)
            let h = size * 1.1 + 2 * u
            func box(_ dx: Double, _ dy: Double) -> Box { (px + dx - w / 2 - 1 * u, py + dy - size * 0.55 - 1 * u, w + 2 * u, h) }
            func inside(_ b: Box) -> Bool { b.x >= f.x && b.y >= f.y && b.x + b.w <= f.x + f.w && b.y + b.h <= f.y + f.h }
            let offsets: [(Double, Double)] = required
                ? [(0, 0), (0, -h), (0, h), (w / 2 + 4 * u, 0), (-w / 2 - 4 * u, 0), (0, -2 * h), (0, 2 * h)] : [(0, 0)]
            var chosen: (Double, Double)?
            for (dx, dy) in offsets {
                let b = box(dx, dy)
                if inside(b), !placed.contains(where: { overlaps(b, $0) }) { chosen = (dx, dy); break }
            }
            if chosen == nil, required, inside(box(0, 0)) { chosen = (0, 0) }
            guard let (dx, dy) = chosen else { continue }
            let b = box(dx, dy)
            placed.append(b)
            out.append((label, px + dx - w / 2, py + dy + size * 0.35, b))
        }
        return out
    }

    /// The symbols of one layer: positions closer than a grid cell are drawn as one symbol at
    /// their mean, larger with the count (√n, at most 2.2×); none is drawn over a label, the
    /// anchor or the inset.
    static func drawSymbols(_ layer: PointLayer, pen: Pen, layout: Layout, extent: Envelope, u: Double, keepOff: [Box]) {
        let cr = pen.cr
        let cell = 24 * u
        var groups: [String: (x: Double, y: Double, n: Int)] = [:]
        var order: [String] = []
        for p in layer.positions where extent.contains(p) {
            let (x, y) = layout.project(p)
            let key = layer.aggregated ? "\(Int((x / cell).rounded(.down))):\(Int((y / cell).rounded(.down)))" : "\(order.count)"
            if let g = groups[key] { groups[key] = (g.x + x, g.y + y, g.n + 1) } else { groups[key] = (x, y, 1); order.append(key) }
        }
        var any = false
        for key in order {
            let g = groups[key]!
            let (x, y) = (g.x / Double(g.n), g.y / Double(g.n))
            let size = layer.size * u * min(2, Double(g.n).squareRoot())
            let r = size / 2
            guard !keepOff.contains(where: { overlaps((x - r, y - r, size, size), $0) }) else { continue }
            pen.symbol(layer.symbol, x: x, y: y, size: size)
            any = true
        }
        guard any else { return }
        pen.color(layer.color, alpha: 0.85)
        cairoAPI.cairo_fill_preserve(cr)
        pen.stroke(RGBColor(255, 255, 255), width: 0.6 * u)
    }

    /// The overview inset: every area in light grey, the highlighted region dark, the extent shown
    /// as a red rectangle.
    static func drawOverview(_ map: MapOverlay, pen: Pen, box: Box) {
        let shown = map.extent, u = map.u
        let cr = pen.cr
        var all: Envelope? = map.overviewExtent
        if all == nil {
            for g in map.overview { if let b = g.boundingBox { if var e = all { e.expand(toInclude: b); all = e } else { all = b } } }
        }
        guard var env = all else { return }
        env = env.expanded(by: max(env.width, env.height) * 0.04 + 1)
        let pad = 4 * u
        let k = min((box.w - 2 * pad) / env.width, (box.h - 2 * pad) / env.height)
        let ox = box.x + (box.w - env.width * k) / 2, oy = box.y + (box.h - env.height * k) / 2
        func project(_ c: Coordinate) -> (Double, Double) { (ox + (c.x - env.minX) * k, oy + (env.maxY - c.y) * k) }
        cairoAPI.cairo_save(cr)
        pen.rect(box.x, box.y, box.w, box.h)
        pen.fill(RGBColor(255, 255, 255))
        pen.rect(box.x, box.y, box.w, box.h)
        cairoAPI.cairo_clip(cr)
        cairoAPI.cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        // The overview is a locator of about 150 × 110 pt: vertices closer than 2 pt are left
        // out (at 1 pt its 250 municipalities were half of every map's vertices).
        cairoAPI.cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL)
        for g in map.overview where g.boundingBox.map(env.intersects) ?? false { pen.path(g, project, tolerance: 2.0 * u) }
        pen.color(RGBColor(215, 215, 215))
        cairoAPI.cairo_fill_preserve(cr)
        pen.stroke(RGBColor(255, 255, 255), width: 0.25 * u)
        for g in map.overviewHighlight { pen.path(g, project, tolerance: 0.6 * u) }
        pen.fill(RGBColor(120, 120, 120))
        let (x0, y0) = project(Coordinate(x: shown.minX, y: shown.maxY))
        let (x1, y1) = project(Coordinate(x: shown.maxX, y: shown.minY))
        pen.rect(x0, y0, max(x1 - x0, 2 * u), max(y1 - y0, 2 * u))
        pen.stroke(RGBColor(200, 0, 20), width: 1.2 * u)
        cairoAPI.cairo_restore(cr)
        pen.rect(box.x, box.y, box.w, box.h)
        pen.stroke(RGBColor(120, 120, 120), width: 0.6 * u)
    }

    /// A "nice" length (1, 2 or 5 × 10ⁿ metres) not longer than `metres`.
    static func niceLength(_ metres: Double) -> Double {
        guard metres > 0 else { return 1 }
        let power = pow(10, (log10(metres)).rounded(.down))
        for step in [5.0, 2, 1] where step * power <= metres { return step * power }
        return power
    }

    /// "500 m", "2 km", "1.5 km".
    static func lengthLabel(_ metres: Double) -> String {
        metres >= 1000 ? "\(formatNumber(metres / 1000)) km" : "\(formatNumber(metres)) m"
    }

    /// The length the scale bar shows: a nice length of a fifth of the frame.
    static func scaleBarMetres(_ layout: Layout) -> Double { niceLength(0.2 * layout.frame.w / layout.scale) }

    @discardableResult
    static func drawScaleBar(pen: Pen, layout: Layout, u: Double) -> Double {
        let metres = scaleBarMetres(layout)
        let length = metres * layout.scale
        let x = layout.frame.x + 12 * u, y = layout.frame.y + layout.frame.h - 16 * u, h = 4 * u
        let label = lengthLabel(metres)
        pen.font(7.5 * u)
        // The white backing ends 4u past the length label centred on the bar's end (it covered
        // 30u more before: a pale square beside short labels); "0", centred on the start, is
        // narrower than the 4u margin on the left.
        pen.rect(x - 4 * u, y - 14 * u, length + pen.width(label) / 2 + 8 * u, h + 18 * u)
        pen.color(RGBColor(255, 255, 255), alpha: 0.75)
        cairoAPI.cairo_fill(pen.cr)
        for i in 0..<2 {
            pen.rect(x + Double(i) * length / 2, y, length / 2, h)
            pen.fill(i == 0 ? RGBColor(30, 30, 30) : RGBColor(255, 255, 255))
        }
        pen.rect(x, y, length, h)
        pen.stroke(RGBColor(30, 30, 30), width: 0.6 * u)
        pen.color(RGBColor(30, 30, 30))
        pen.text("0", x: x, y: y - 3 * u, align: .center)
        pen.text(label, x: x + length, y: y - 3 * u, align: .center)
        return metres
    }

    static func drawNorthArrow(pen: Pen, frame: (x: Double, y: Double, w: Double, h: Double), u: Double, label: String) {
        let cx = frame.x + frame.w - 18 * u, top = frame.y + 10 * u
        let cr = pen.cr
        cairoAPI.cairo_move_to(cr, cx, top)
        cairoAPI.cairo_line_to(cr, cx + 6 * u, top + 18 * u)
        cairoAPI.cairo_line_to(cr, cx, top + 14 * u)
        cairoAPI.cairo_close_path(cr)
        pen.fill(RGBColor(30, 30, 30))
        cairoAPI.cairo_move_to(cr, cx, top)
        cairoAPI.cairo_line_to(cr, cx - 6 * u, top + 18 * u)
        cairoAPI.cairo_line_to(cr, cx, top + 14 * u)
        cairoAPI.cairo_close_path(cr)
        pen.fill(RGBColor(255, 255, 255))
        cairoAPI.cairo_move_to(cr, cx, top)
        cairoAPI.cairo_line_to(cr, cx - 6 * u, top + 18 * u)
        cairoAPI.cairo_line_to(cr, cx, top + 14 * u)
        cairoAPI.cairo_line_to(cr, cx + 6 * u, top + 18 * u)
        cairoAPI.cairo_close_path(cr)
        pen.stroke(RGBColor(30, 30, 30), width: 0.6 * u)
        pen.font(9 * u, bold: true)
        pen.color(RGBColor(30, 30, 30))
        pen.text(label, x: cx, y: top + 29 * u, align: .center)
    }

    /// The legend: title, class swatches, outline entries, symbol entries. Returns the swatch rectangles.
    private static func drawLegend(_ map: ThematicMap, pen: Pen, x: Double, y: Double, width: Double, u: Double)
        -> [(x: Double, y: Double, w: Double, h: Double)]
    {
        let cr = pen.cr
        var y = y + 12 * u
        pen.font(10.5 * u, bold: true)
        pen.color(RGBColor(20, 20, 20))
        pen.text(map.legendTitle, x: x, y: y)
        y += 8 * u
        let row = 15 * u, sw = 18 * u, sh = 11 * u
        var swatches: [(x: Double, y: Double, w: Double, h: Double)] = []
        for cls in map.classes {
            let box = (x: x, y: y, w: sw, h: sh)
            swatches.append(box)
            pen.rect(box.x, box.y, box.w, box.h)
            pen.color(cls.color)
            if cls.hatched {
                cairoAPI.cairo_save(cr)
                cairoAPI.cairo_fill_preserve(cr)
                cairoAPI.cairo_clip(cr)
                pen.hatch(box, spacing: 4 * u, width: 0.5 * u)
                cairoAPI.cairo_restore(cr)
            } else {
                cairoAPI.cairo_fill(cr)
            }
            pen.rect(box.x, box.y, box.w, box.h)
            pen.stroke(Palette.boundary, width: 0.4 * u)
            y += legendLabel(cls.label, pen: pen, x: x + sw + 6 * u, y: y, width: width - sw - 6 * u, sh: sh, row: row, u: u)
        }
        if !map.outlines.isEmpty || !map.points.isEmpty { y += 6 * u }
        for outline in map.outlines {
            cairoAPI.cairo_move_to(cr, x, y + sh / 2)
            cairoAPI.cairo_line_to(cr, x + sw, y + sh / 2)
            pen.stroke(outline.color, width: outline.width * u, dash: outline.dash.map { $0 * u })
            y += legendLabel(outline.name, pen: pen, x: x + sw + 6 * u, y: y, width: width - sw - 6 * u, sh: sh, row: row, u: u)
        }
        for layer in map.points {
            pen.symbol(layer.symbol, x: x + sw / 2, y: y + sh / 2, size: min(layer.size, 9) * u)
            pen.color(layer.color)
            cairoAPI.cairo_fill_preserve(cr)
            pen.stroke(layer.emphasised ? RGBColor(0, 0, 0) : RGBColor(90, 90, 90), width: (layer.emphasised ? 1 : 0.4) * u)
            y += legendLabel(layer.name, pen: pen, x: x + sw + 6 * u, y: y, width: width - sw - 6 * u, sh: sh, row: row, u: u)
        }
        if let note = map.legendNote {
            y += 4 * u
            pen.font(7.5 * u)
            pen.color(RGBColor(70, 70, 70))
            for line in wrap(note, width: width, pen: pen) {
                y += 9.5 * u
                pen.text(line, x: x, y: y)
            }
        }
        return swatches
    }

    /// A legend label wrapped to `width`; returns the height it takes (at least one row).
    private static func legendLabel(_ label: String, pen: Pen, x: Double, y: Double, width: Double, sh: Double, row: Double, u: Double) -> Double {
        pen.font(9 * u)
        pen.color(RGBColor(20, 20, 20))
        let lines = wrap(label, width: width, pen: pen)
        for (i, line) in lines.enumerated() { pen.text(line, x: x, y: y + sh - 2 * u + Double(i) * 11 * u) }
        return row + Double(lines.count - 1) * 11 * u
    }
}

/// Makes the ids of Cairo's SVG output stable and, with a prefix, unique across documents.
///
/// Cairo numbers some ids from process-wide counters (`surface53` in the tenth map of a run), so
/// every id is renamed in order of first definition to its alphabetic stem and a per-document
/// number (`glyph0-1` → `glyph1`, `surface53` → `surface2`), and, with a prefix `P`, to `P-…`:
/// several SVGs can then be inlined in one HTML document without colliding. References
/// (`href="#X"`, `xlink:href="#X"`, `url(#X)`) are rewritten the same way.
public enum SVGIDPrefixer {
    public static func prefix(_ svg: Data, with prefix: String?) -> Data {
        Data(rewrite(Array(svg), prefix: prefix))
    }

    public static func prefix(_ svg: String, with prefix: String?) -> String {
        String(decoding: rewrite(Array(svg.utf8), prefix: prefix), as: UTF8.self)
    }

    private static let definition = Array(#" id=""#.utf8)
    private static let references = [Array("href=\"#".utf8), Array("url(#".utf8)]

    /// The length of `pattern` when `bytes` has it at `i`, else nil.
    private static func match(_ bytes: [UInt8], _ i: Int, _ pattern: [UInt8]) -> Int? {
        guard i + pattern.count <= bytes.count else { return nil }
        for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return nil }
        return pattern.count
    }

    /// One scan to number the definitions, one to rewrite definitions and references (a byte
    /// scan: the output of a large map is several megabytes).
    private static func rewrite(_ bytes: [UInt8], prefix: String?) -> [UInt8] {
        let quote = UInt8(ascii: "\""), close = UInt8(ascii: ")")
        func token(_ start: Int, until end: UInt8) -> Int {
            var j = start
            while j < bytes.count, bytes[j] != end { j += 1 }
            return j
        }
        var mapping: [ArraySlice<UInt8>: [UInt8]] = [:]
        var counter = 0
        var i = 0
        while i < bytes.count {
            if let n = match(bytes, i, definition) {
                let end = token(i + n, until: quote)
                let id = bytes[(i + n)..<end]
                if mapping[id] == nil {
                    counter += 1
                    let stem = String(decoding: id.prefix { (65...90).contains($0) || (97...122).contains($0) }, as: UTF8.self)
                    mapping[id] = Array(((prefix.map { $0 + "-" } ?? "") + (stem.isEmpty ? "id" : stem) + String(counter)).utf8)
                }
                i = end
            } else {
                i += 1
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        i = 0
        while i < bytes.count {
            var matched: (length: Int, end: UInt8)?
            if let n = match(bytes, i, definition) {
                matched = (n, quote)
            } else if let n = match(bytes, i, references[0]) {
                matched = (n, quote)
            } else if let n = match(bytes, i, references[1]) {
                matched = (n, close)
            }
            guard let (n, terminator) = matched else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let end = token(i + n, until: terminator)
            out.append(contentsOf: bytes[i..<(i + n)])
            let id = bytes[(i + n)..<end]
            out.append(contentsOf: mapping[id] ?? Array(id))
            i = end
        }
        return out
    }
}
