import CGEOS
import CareLibraries

/// GEOS, bound at first use (``SharedLibrary``): libgeos_c and libgeos are loaded by the first
/// GEOS context (``GEOSContext``), so a command that touches no geometry (`mclp` and point-mode
/// `access` on projected points, `--help`) never loads them.
///
/// The library tried: `CAREATLAS_GEOS_LIBRARY` when set, else `libgeos_c.so.1` (the soname of the
/// C API of every GEOS 3 release), then `libgeos_c.so` (installed with the headers by
/// `libgeos-dev`); on macOS `libgeos_c.dylib`. The loaded library must have the headers' major
/// version and at least their minor one (the C API only grows within a major version).
///
/// Thread safety: bound once (Swift's `static let`, run under `swift_once`); the table is immutable.
enum GEOSLibrary {
    /// Environment variable that names the GEOS C library to load instead of the default ones.
    static let environmentVariable = "CAREATLAS_GEOS_LIBRARY"

    /// The libraries tried, in order, when `CAREATLAS_GEOS_LIBRARY` is not set.
    static var defaultCandidates: [String] {
        #if os(macOS)
        return ["libgeos_c.dylib"]
        #else
        return careatlas_geos_header_version_major() == 3 ? ["libgeos_c.so.1", "libgeos_c.so"] : ["libgeos_c.so"]
        #endif
    }

    /// Binds the first of `candidates` that is GEOS with the headers' major version and at least
    /// their minor one.
    static func bind(candidates: (names: [String], fromEnvironment: Bool)) -> Result<BoundLibrary<CareAtlasGEOS>, SharedLibrary.LoadFailure> {
        SharedLibrary.open(
            "GEOS", candidates: candidates, variable: environmentVariable,
            install: "Debian and Ubuntu: apt-get install libgeos-dev, which `bash .ci/setup` does; macOS: brew install geos",
            empty: CareAtlasGEOS(), bind: careatlas_geos_bind
        ) { table in
            // "3.11.1-CAPI-1.17.1": the library's version first.
            let version = table.GEOSversion().map { String(cString: $0) } ?? ""
            let parts = version.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
            let (major, minor) = (Int(careatlas_geos_header_version_major()), Int(careatlas_geos_header_version_minor()))
            return parts.count == 2 && parts[0] == major && parts[1] >= minor
                ? nil : "GEOS \(version.isEmpty ? "of an unknown version" : version), CareAtlas was built with GEOS \(major).\(minor)"
        }
    }

    static let shared = bind(
        candidates: SharedLibrary.candidates(variable: environmentVariable, defaults: defaultCandidates))

    /// The bound library; loaded on the first call.
    ///
    /// - Throws: ``GeometryError/geos(operation:message:)`` naming the libraries tried, why each
    ///   failed, and how to install GEOS.
    static func loaded() throws(GeometryError) -> BoundLibrary<CareAtlasGEOS> {
        switch shared {
        case .success(let library): return library
        case .failure(let failure): throw GeometryError.geos(operation: "loading", message: "\(failure.message); \(failure.fix)")
        }
    }
}

/// The bound GEOS functions, for the calls CareGeometry makes with a context's handle. Every GEOS
/// call takes a context handle, and a context exists only once ``GEOSLibrary/loaded()`` succeeded
/// (``GEOSContext``'s initialiser calls it first), so the library is bound wherever this is read.
var geosAPI: CareAtlasGEOS {
    @inline(__always) get { GEOSLibrary.shared.boundAPI() }
}
