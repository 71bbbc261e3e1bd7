import CCairo
import Foundation

/// Checks that texts can be drawn with real glyphs of the map font (no tofu boxes).
public enum FontCheck {
    /// The characters of `text` (whitespace aside) that the map font (Noto Sans CJK JP) has no glyph
    /// for: Cairo maps them to glyph 0 (.notdef), which is drawn as an empty box.
    ///
    /// - Throws: ``MapRenderError`` naming `fonts-noto-cjk` when the font is not installed at all.
    public static func missingGlyphs(_ text: String) throws -> [Character] {
        try withContext(width: 1, height: 1) { cr, _ in CairoCanvas.missingGlyphs(cr, text) }
    }

    /// Embeds both weights of the map font in a PDF that is thrown away: the first PDF of a process
    /// that embeds a font pays for reading its tables and outlines from the font file (page
    /// faults in a 20 MB collection, FreeType's caches), about 20 ms a weight; done ahead (while
    /// the report's disclosure is decided), the report's PDF does not.
    public static func prepareFonts() {
        _ = try? CairoCanvas.render(format: .pdf, width: 100, height: 100, pngScale: 1, metadata: DocumentMetadata(title: "", date: "2000-01-01")) { cr in
            let pen = Pen(cr: cr)
            for bold in [false, true] {
                pen.font(10, bold: bold)
                pen.text("日本語の地図 0123", x: 10, y: 50)
            }
        }
    }

    /// Runs `body` on a context (and its surface) of a fresh ARGB image surface with the map font selected.
    static func withContext<T>(width: Int, height: Int, _ body: (OpaquePointer, OpaquePointer) throws -> T) throws -> T {
        try CairoLibrary.load()
        guard let surface = cairoAPI.cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else {
            throw MapRenderError("Cairo could not create an image surface")
        }
        defer { cairoAPI.cairo_surface_destroy(surface) }
        guard let cr = cairoAPI.cairo_create(surface) else { throw MapRenderError("Cairo could not create a drawing context") }
        defer { cairoAPI.cairo_destroy(cr) }
        try CairoCanvas.selectFont(cr)
        return try body(cr, surface)
    }
}

/// A decoded RGBA raster (from a PNG this module wrote, or drawn directly), for checks of what a
/// person would see. Not meant for general images.
struct Raster: Equatable {
    let width: Int
    let height: Int
    /// Premultiplied-alpha ARGB pixels as Cairo stores them, row by row.
    let pixels: [UInt32]

    func color(x: Int, y: Int) -> RGBColor {
        let p = pixels[y * width + x]
        return RGBColor(UInt8((p >> 16) & 0xff), UInt8((p >> 8) & 0xff), UInt8(p & 0xff))
    }

    /// Decodes PNG bytes with Cairo.
    init(png: Data) throws {
        try CairoLibrary.load()
        final class Source {
            let data: Data
            var offset = 0
            init(_ data: Data) { self.data = data }
        }
        let source = Source(png)
        let read: cairo_read_func_t = { closure, buffer, length in
            let s = Unmanaged<Source>.fromOpaque(closure!).takeUnretainedValue()
            let n = Int(length)
            guard s.offset + n <= s.data.count, let buffer else { return CAIRO_STATUS_READ_ERROR }
            s.data.copyBytes(to: buffer, from: s.offset..<(s.offset + n))
            s.offset += n
            return CAIRO_STATUS_SUCCESS
        }
        let surface = withExtendedLifetime(source) {
            cairoAPI.cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(source).toOpaque())
        }
        guard let surface else { throw MapRenderError("Cairo could not decode the PNG") }
        defer { cairoAPI.cairo_surface_destroy(surface) }
        try CairoCanvas.check(cairoAPI.cairo_surface_status(surface), "decoding the PNG")
        self.init(surface: surface)
    }

    init(surface: OpaquePointer) {
        cairoAPI.cairo_surface_flush(surface)
        width = Int(cairoAPI.cairo_image_surface_get_width(surface))
        height = Int(cairoAPI.cairo_image_surface_get_height(surface))
        let stride = Int(cairoAPI.cairo_image_surface_get_stride(surface))
        let base = cairoAPI.cairo_image_surface_get_data(surface)!
        var out = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = UnsafeRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width { out[y * width + x] = row[x] }
        }
        pixels = out
    }

    /// Renders `text` (or, with `notdef`, as many .notdef glyphs as it has characters) black on
    /// white at `size` pixels, for comparing real glyphs with tofu.
    static func text(_ text: String, size: Double, notdef: Bool = false) throws -> Raster {
        let width = Int(size) * (text.count + 2), height = Int(size * 2)
        return try FontCheck.withContext(width: width, height: height) { cr, surface in
            cairoAPI.cairo_set_font_size(cr, size)
            cairoAPI.cairo_set_source_rgb(cr, 1, 1, 1)
            cairoAPI.cairo_paint(cr)
            cairoAPI.cairo_set_source_rgb(cr, 0, 0, 0)
            if notdef {
                var glyphs = (0..<text.count).map { i in cairo_glyph_t(index: 0, x: size / 2 + Double(i) * size, y: size * 1.3) }
                cairoAPI.cairo_show_glyphs(cr, &glyphs, Int32(glyphs.count))
            } else {
                cairoAPI.cairo_move_to(cr, size / 2, size * 1.3)
                cairoAPI.cairo_show_text(cr, text)
            }
            return Raster(surface: surface)
        }
    }
}
