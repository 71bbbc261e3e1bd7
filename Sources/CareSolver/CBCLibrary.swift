import CCBC
import CareLibraries

/// CBC and Clp, bound at first use (``SharedLibrary``): libCbcSolver and the libraries it pulls
/// in (CBC, CGL, OSI, Clp, CoinUtils, LAPACK, BLAS, gfortran) are loaded by the first integer or
/// linear program solved, so a command that solves none (`mclp`, point-mode `access`, `--help`)
/// never loads them.
///
/// The library tried: `CAREATLAS_CBC_LIBRARY` when set, else `libCbcSolver.so.3` (the soname of
/// every CBC 2.10 build) for CBC 2 headers, then `libCbcSolver.so` (installed with the headers by
/// `coinor-libcbc-dev`); on macOS `libCbcSolver.dylib`. The loaded library must have the headers'
/// major version (`Cbc_getVersion`).
///
/// Thread safety: bound once (Swift's `static let`, run under `swift_once`); the table is immutable.
enum CBCLibrary {
    /// Environment variable that names the CBC library to load instead of the default ones.
    static let environmentVariable = "CAREATLAS_CBC_LIBRARY"

    /// The libraries tried, in order, when `CAREATLAS_CBC_LIBRARY` is not set.
    static var defaultCandidates: [String] {
        #if os(macOS)
        return ["libCbcSolver.dylib"]
        #else
        return careatlas_cbc_header_version_major() == 2 ? ["libCbcSolver.so.3", "libCbcSolver.so"] : ["libCbcSolver.so"]
        #endif
    }

    /// Binds the first of `candidates` that is CBC with the headers' major version.
    static func bind(candidates: (names: [String], fromEnvironment: Bool)) -> Result<BoundLibrary<CareAtlasCBC>, SharedLibrary.LoadFailure> {
        SharedLibrary.open(
            "CBC", candidates: candidates, variable: environmentVariable,
            install: "Debian and Ubuntu: apt-get install coinor-libcbc-dev, which `bash .ci/setup` does; macOS: brew install cbc",
            empty: CareAtlasCBC(), bind: careatlas_cbc_bind
        ) { table in
            let version = table.Cbc_getVersion().map { String(cString: $0) } ?? ""
            let major = careatlas_cbc_header_version_major()
            return version.split(separator: ".").first == Substring(String(major))
                ? nil : "CBC \(version.isEmpty ? "of an unknown version" : version), CareAtlas was built with CBC \(major)"
        }
    }

    private static let shared = bind(
        candidates: SharedLibrary.candidates(variable: environmentVariable, defaults: defaultCandidates))

    /// The bound functions; the library is loaded on the first call.
    ///
    /// - Throws: ``ILPError/libraryNotLoaded(_:)`` naming the libraries tried, why each failed, and
    ///   how to install CBC.
    static func loaded() throws(ILPError) -> CareAtlasCBC {
        switch shared {
        case .success(let library): return library.api
        case .failure(let failure): throw .libraryNotLoaded("\(failure.message); \(failure.fix)")
        }
    }
}
