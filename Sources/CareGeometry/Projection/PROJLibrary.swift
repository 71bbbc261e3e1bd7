import CPROJ
import CareLibraries
import Foundation

/// PROJ, bound at first use (``SharedLibrary``): libproj and the libraries it pulls in (libcurl,
/// libtiff and theirs) are loaded by the first CRS lookup, transformation or geodesic area, so a
/// command that needs none (point-mode `access`, `mclp` on projected input, `--version`) never
/// loads them.
///
/// The library tried: `CAREATLAS_PROJ_LIBRARY` when set, else `libproj.so.25` (the soname of
/// every PROJ 9 release) for PROJ 9 headers, then `libproj.so` (installed with the headers by
/// `libproj-dev`); on macOS `libproj.dylib`. The loaded library must have the headers' major
/// version.
///
/// Thread safety: bound once (Swift's `static let`, run under `swift_once`); the table is immutable.
enum PROJLibrary {
    /// Environment variable that names the PROJ library to load instead of the default ones.
    static let environmentVariable = "CAREATLAS_PROJ_LIBRARY"

    /// The libraries tried, in order, when `CAREATLAS_PROJ_LIBRARY` is not set.
    static var defaultCandidates: [String] {
        #if os(macOS)
        return ["libproj.dylib"]
        #else
        return careatlas_proj_header_version_major() == 9 ? ["libproj.so.25", "libproj.so"] : ["libproj.so"]
        #endif
    }

    /// Binds the first of `candidates` that is PROJ with the headers' major version.
    static func bind(candidates: (names: [String], fromEnvironment: Bool)) -> Result<BoundLibrary<CareAtlasPROJ>, SharedLibrary.LoadFailure> {
        SharedLibrary.open(
            "PROJ", candidates: candidates, variable: environmentVariable,
            install: "Debian and Ubuntu: apt-get install libproj-dev, which `bash .ci/setup` does; macOS: brew install proj",
            empty: CareAtlasPROJ(), bind: careatlas_proj_bind
        ) { table in
            let info = table.proj_info()
            let major = careatlas_proj_header_version_major()
            return info.major == major
                ? nil : "PROJ \(info.version.map { String(cString: $0) } ?? "\(info.major)"), CareAtlas was built with PROJ \(major)"
        }
    }

    private static let shared = bind(
        candidates: SharedLibrary.candidates(variable: environmentVariable, defaults: defaultCandidates))

    /// The bound library; loaded on the first call.
    ///
    /// - Throws: ``GeometryError/proj(operation:message:)`` naming the libraries tried, why each
    ///   failed, and how to install PROJ.
    static func loaded() throws(GeometryError) -> BoundLibrary<CareAtlasPROJ> {
        switch shared {
        case .success(let library): return library
        case .failure(let failure): throw GeometryError.proj(operation: "loading", message: "\(failure.message); \(failure.fix)")
        }
    }
}
