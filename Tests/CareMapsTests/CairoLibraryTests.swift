import CCairo
import CareLibraries
import Foundation
import Testing
@testable import CareMaps

/// Cairo is bound at first use with dlopen (SharedLibrary), by the first drawing, not linked: the
/// library chosen, and the failures, each named.
@Suite struct CairoLibraryTests {
    /// Cairo 1 headers bind `libcairo.so.2`, the soname that `libcairo.so` (libcairo2-dev's link)
    /// names, and the loaded Cairo is the headers' version.
    @Test func defaultCandidatesBindTheHeadersCairo() throws {
        let candidates = CairoLibrary.defaultCandidates
        #expect(candidates.last == "libcairo.so")
        let library = try CairoLibrary.bind(candidates: (candidates, false)).get()
        #expect(library.name == candidates.first)
        #expect(library.api.cairo_version() == CAIRO_VERSION_MAJOR * 10_000 + CAIRO_VERSION_MINOR * 100 + CAIRO_VERSION_MICRO)
    }

    /// A wrong path, then a library that is not Cairo: each reason is named, in order, with the fix.
    @Test func aWrongLibraryFailsWithANamedError() {
        let path = "/nonexistent/careatlas/libcairo.so.2"
        guard case .failure(let failure) = CairoLibrary.bind(candidates: ([path, "libz.so.1"], false)) else {
            Issue.record("bound a library that is not Cairo")
            return
        }
        #expect(failure.message == "the Cairo library cannot be loaded (tried \(path), libz.so.1): "
            + "\(path): cannot open shared object file: No such file or directory; libz.so.1 has no function cairo_version (is it Cairo?)")
        #expect(failure.fix.hasPrefix("install Cairo (Debian and Ubuntu: apt-get install libcairo2-dev, which `bash .ci/setup` does"))
        #expect(failure.fix.hasSuffix("or set CAREATLAS_CAIRO_LIBRARY to the path of the Cairo library"))
    }

    /// The first drawing binds the library: a 2 × 1 PNG page filled red decodes to red pixels.
    @Test func aDrawingBindsTheLibrary() throws {
        let png = try CairoCanvas.render(format: .png, width: 2, height: 1, pngScale: 1,
                                         metadata: DocumentMetadata(title: "t", date: "2000-01-01")) { cr in
            cairoAPI.cairo_set_source_rgb(cr, 1, 0, 0)
            cairoAPI.cairo_paint(cr)
        }
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let raster = try Raster(png: png)
        #expect(raster.color(x: 1, y: 0) == RGBColor(255, 0, 0))
    }
}
