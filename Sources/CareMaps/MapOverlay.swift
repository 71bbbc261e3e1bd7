import CCairo
import CareGeometry
import Foundation

/// What a map draws over its areas and outlines, inside the frame: the institution symbols, the
/// anchor, the area labels, the overview inset, the scale bar and the north arrow.
///
/// The standard maps of a study at one extent differ only in their areas' colours, outlines and
/// legends: their overlays are equal, and a ``MapOverlayCache`` draws such an overlay once and
/// paints it on every map that has it (one form XObject in a PDF, one raster for the slides)
/// instead of drawing its halos, symbols and inset again for each map. Its value holds everything
/// its drawing depends on, so that equal overlays always draw the same.
struct MapOverlay: Hashable {
    struct Rect: Hashable {
        var x, y, w, h: Double
        init(_ b: MapRenderer.Box) { (x, y, w, h) = b }
        var box: MapRenderer.Box { (x, y, w, h) }
    }
    struct Label: Hashable {
        let text: String
        let x, y: Double
    }
    /// The page (page units) and the size unit (see ``MapRenderer/draw(_:pen:width:height:overlays:)``).
    let width, height, u: Double
    let frame: Rect
    /// The projection: page units per metre, and the page position of the extent's (minX, maxY).
    let scale, originX, originY: Double
    /// The extent shown (grown by the margin): symbols outside it are not drawn.
    let extent: Envelope
    let points: [PointLayer]
    let labels: [Label]
    /// Boxes the symbols keep off: the labels' and the inset's (the anchor's are added from `points`).
    let keepOff: [Rect]
    let inset: Rect?
    let overview: [Geometry]
    let overviewHighlight: [Geometry]
    let overviewExtent: Envelope?
    let north: String

    var layout: MapRenderer.Layout {
        MapRenderer.Layout(
            frame: frame.box, scale: scale, origin: (originX, originY), extentMin: Coordinate(x: extent.minX, y: extent.minY),
            extentMaxY: extent.maxY)
    }

    /// Hashes the small fields only (the geometry of the inset is compared, not hashed: equal
    /// overlays still hash alike).
    func hash(into h: inout Hasher) {
        h.combine(width)
        h.combine(height)
        h.combine(u)
        h.combine(frame)
        h.combine(scale)
        h.combine(extent)
        h.combine(labels)
        h.combine(overview.count)
    }

    /// Draws the overlay with `pen` in the map page's user space (clipped to the frame by the caller).
    ///
    /// Sets the state it draws with itself (the even–odd rule of the areas, round joins), so that
    /// it draws the same on a fresh surface as after any map's areas and outlines.
    func draw(pen: Pen) {
        let cr = pen.cr
        let layout = self.layout
        cairoAPI.cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        cairoAPI.cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        var keepOff = keepOff.map(\.box)
        for layer in points where layer.emphasised {
            for p in layer.positions where extent.contains(p) {
                let (x, y) = layout.project(p)
                let r = layer.size * u * 0.75
                keepOff.append((x - r, y - r, 2 * r, 2 * r))
            }
        }
        for layer in points where !layer.emphasised {
            MapRenderer.drawSymbols(layer, pen: pen, layout: layout, extent: extent, u: u, keepOff: keepOff)
        }
        for layer in points where layer.emphasised {
            for p in layer.positions where extent.contains(p) {
                let (x, y) = layout.project(p)
                pen.symbol(layer.symbol, x: x, y: y, size: layer.size * u)
            }
            // A white halo under a black edge: visible on the darkest class too.
            pen.stroke(RGBColor(255, 255, 255), width: 3 * u)
            for p in layer.positions where extent.contains(p) {
                let (x, y) = layout.project(p)
                pen.symbol(layer.symbol, x: x, y: y, size: layer.size * u)
            }
            pen.color(layer.color)
            cairoAPI.cairo_fill_preserve(cr)
            pen.stroke(RGBColor(0, 0, 0), width: 1 * u)
        }
        pen.font(7.5 * u)
        for l in labels { pen.haloText(l.text, x: l.x, y: l.y, halo: 2 * u) }
        if let inset { MapRenderer.drawOverview(self, pen: pen, box: inset.box) }
        MapRenderer.drawScaleBar(pen: pen, layout: layout, u: u)
        MapRenderer.drawNorthArrow(pen: pen, frame: frame.box, u: u, label: north)
    }
}

/// Overlays (symbols, labels, inset, scale bar and north arrow) drawn once and painted on every map
/// that has the same one: give one cache to the maps of one document (the report PDF's pages) or
/// of one kind of output (the slides), so that each overlay is drawn once.
///
/// In a PDF (or SVG) the overlay is a recording that Cairo writes once, as a form XObject, and
/// references from each page; in a PNG it is drawn once at the image's resolution and composited
/// (the same pixels, up to the rounding of compositing it in one step). Thread-safe: the maps of
/// one cache may be drawn at once on several threads.
public final class MapOverlayCache: @unchecked Sendable {
    private struct Key: Hashable {
        let overlay: MapOverlay
        /// Pixels per page unit of a raster overlay; nil for a recording (vector output).
        let raster: Double?
    }
    private var kept: [Key: OpaquePointer] = [:]
    private let lock = NSLock()

    public init() {}

    /// How many overlays were drawn (for tests: maps that share one draw it once).
    var count: Int { lock.withLock { kept.count } }

    deinit {
        for surface in kept.values { cairoAPI.cairo_surface_destroy(surface) }
    }

    /// Paints `overlay` on `pen`'s context (whose user space is the map page's), drawing it first
    /// when this cache does not have it yet. A raster target is painted from a raster only when
    /// the context maps page units to whole pixels by a scale alone (a slide or a map PNG);
    /// anything else draws the overlay directly.
    func paint(_ overlay: MapOverlay, pen: Pen) {
        let cr = pen.cr
        guard pen.texts == nil, let target = cairoAPI.cairo_get_target(cr) else { return overlay.draw(pen: pen) }
        let raster: Double?
        switch cairoAPI.cairo_surface_get_type(target) {
        case CAIRO_SURFACE_TYPE_PDF, CAIRO_SURFACE_TYPE_RECORDING:
            raster = nil
        case CAIRO_SURFACE_TYPE_IMAGE:
            var m = cairo_matrix_t()
            cairoAPI.cairo_get_matrix(cr, &m)
            guard m.xy == 0, m.yx == 0, m.x0 == 0, m.y0 == 0, m.xx == m.yy, m.xx > 0,
                  Double(cairoAPI.cairo_image_surface_get_width(target)) == (overlay.width * m.xx).rounded(),
                  Double(cairoAPI.cairo_image_surface_get_height(target)) == (overlay.height * m.xx).rounded()
            else { return overlay.draw(pen: pen) }
            raster = m.xx
        default:
            return overlay.draw(pen: pen)
        }
        let key = Key(overlay: overlay, raster: raster)
        guard let source = surface(for: key, like: target) else { return overlay.draw(pen: pen) }
        cairoAPI.cairo_save(cr)
        if raster != nil {
            // A surface of its own over the kept pixels for each use: Cairo and pixman keep
            // per-use state on a source image, which threads must not share.
            let view = cairoAPI.cairo_image_surface_create_for_data(
                cairoAPI.cairo_image_surface_get_data(source), CAIRO_FORMAT_ARGB32, cairoAPI.cairo_image_surface_get_width(source),
                cairoAPI.cairo_image_surface_get_height(source), cairoAPI.cairo_image_surface_get_stride(source))
            cairoAPI.cairo_identity_matrix(cr)
            cairoAPI.cairo_set_source_surface(cr, view, 0, 0)
            cairoAPI.cairo_paint(cr)
            cairoAPI.cairo_surface_destroy(view)
        } else {
            cairoAPI.cairo_set_source_surface(cr, source, 0, 0)
            cairoAPI.cairo_paint(cr)
        }
        cairoAPI.cairo_restore(cr)
    }

    /// The kept surface of `key`, drawn under the lock the first time with the font options of
    /// `target` (a PDF's are unhinted: a recording's defaults would hint the glyphs' outlines and
    /// advances) (nil when Cairo fails).
    private func surface(for key: Key, like target: OpaquePointer) -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        if let s = kept[key] { return s }
        let o = key.overlay
        let surface: OpaquePointer?
        if let k = key.raster {
            surface = cairoAPI.cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((o.width * k).rounded()), Int32((o.height * k).rounded()))
        } else {
            var extents = cairo_rectangle_t(x: 0, y: 0, width: o.width, height: o.height)
            surface = cairoAPI.cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents)
        }
        guard let surface, cairoAPI.cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairoAPI.cairo_create(surface) else {
            if let surface { cairoAPI.cairo_surface_destroy(surface) }
            return nil
        }
        if let options = cairoAPI.cairo_font_options_create() {
            cairoAPI.cairo_surface_get_font_options(target, options)
            cairoAPI.cairo_set_font_options(cr, options)
            cairoAPI.cairo_font_options_destroy(options)
        }
        if let k = key.raster { cairoAPI.cairo_scale(cr, k, k) }
        cairoAPI.cairo_rectangle(cr, o.frame.x, o.frame.y, o.frame.w, o.frame.h)
        cairoAPI.cairo_clip(cr)
        o.draw(pen: Pen(cr: cr))
        let ok = cairoAPI.cairo_status(cr) == CAIRO_STATUS_SUCCESS
        cairoAPI.cairo_destroy(cr)
        guard ok else {
            cairoAPI.cairo_surface_destroy(surface)
            return nil
        }
        cairoAPI.cairo_surface_flush(surface)
        kept[key] = surface
        return surface
    }
}
