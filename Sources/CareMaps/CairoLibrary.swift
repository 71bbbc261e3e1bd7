import CCairo
import CareLibraries

/// Cairo, bound at first use (``SharedLibrary``): libcairo and the libraries it pulls in (pixman,
/// fontconfig, freetype, libpng, X11/XCB) are loaded by the first map, chart, document or font
/// check, so a command that draws nothing (`mclp`, `access`, `gaps`, `--help`) never loads them.
///
/// The library tried: `CAREATLAS_CAIRO_LIBRARY` when set, else `libcairo.so.2` (the soname of every
/// Cairo 1 release), then `libcairo.so` (installed with the headers by `libcairo2-dev`); on macOS
/// `libcairo.2.dylib`. The loaded library must have the headers' major version and at least their
/// minor one (the API only grows within a major version).
///
/// Thread safety: bound once (Swift's `static let`, run under `swift_once`); the table is immutable.
enum CairoLibrary {
    /// Environment variable that names the Cairo library to load instead of the default ones.
    static let environmentVariable = "CAREATLAS_CAIRO_LIBRARY"

    /// The libraries tried, in order, when `CAREATLAS_CAIRO_LIBRARY` is not set.
    static var defaultCandidates: [String] {
        #if os(macOS)
        return ["libcairo.2.dylib"]
        #else
        return careatlas_cairo_header_version() / 10_000 == 1 ? ["libcairo.so.2", "libcairo.so"] : ["libcairo.so"]
        #endif
    }

    /// Binds the first of `candidates` that is Cairo with the headers' major version and at least
    /// their minor one.
    static func bind(candidates: (names: [String], fromEnvironment: Bool)) -> Result<BoundLibrary<CareAtlasCairo>, SharedLibrary.LoadFailure> {
        SharedLibrary.open(
            "Cairo", candidates: candidates, variable: environmentVariable,
            install: "Debian and Ubuntu: apt-get install libcairo2-dev, which `bash .ci/setup` does; macOS: brew install cairo",
            empty: CareAtlasCairo(), bind: careatlas_cairo_bind
        ) { table in
            let loaded = Int(table.cairo_version()), built = Int(careatlas_cairo_header_version())
            func text(_ v: Int) -> String { "\(v / 10_000).\(v / 100 % 100).\(v % 100)" }
            return loaded / 10_000 == built / 10_000 && loaded / 100 % 100 >= built / 100 % 100
                ? nil : "Cairo \(text(loaded)), CareAtlas was built with Cairo \(text(built))"
        }
    }

    static let shared = bind(
        candidates: SharedLibrary.candidates(variable: environmentVariable, defaults: defaultCandidates))

    /// Binds the library, if not yet: every path that makes a Cairo surface from nothing calls this
    /// first, so that the calls made later with its surfaces and contexts (``cairoAPI``) find it.
    ///
    /// - Throws: ``MapRenderError`` naming the libraries tried, why each failed, and how to install
    ///   Cairo.
    static func load() throws(MapRenderError) {
        if case .failure(let failure) = shared { throw MapRenderError("\(failure.message); \(failure.fix)") }
    }
}

/// The bound Cairo functions, for the calls CareMaps makes. Every Cairo call takes a surface, a
/// context or a pattern, or makes a surface; the paths that make a surface from nothing call
/// ``CairoLibrary/load()`` first, so the library is bound wherever this is read.
var cairoAPI: CareAtlasCairo {
    @inline(__always) get { CairoLibrary.shared.boundAPI() }
}
