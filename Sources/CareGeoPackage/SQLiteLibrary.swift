import CSQLite
import CareLibraries

/// SQLite, bound at first use (``SharedLibrary``): libsqlite3 is loaded by the first GeoPackage
/// written or read, so a command that writes none (`mclp`, `access`, `--help`) never loads it.
///
/// The library tried: `CAREATLAS_SQLITE_LIBRARY` when set, else `libsqlite3.so.0` (the soname of
/// every SQLite 3 release), then `libsqlite3.so` (installed with the header by `libsqlite3-dev`); on
/// macOS `libsqlite3.dylib`. The loaded library must have the header's major version and at least
/// its minor one.
///
/// Thread safety: bound once (Swift's `static let`, run under `swift_once`); the table is immutable.
enum SQLiteLibrary {
    /// Environment variable that names the SQLite library to load instead of the default ones.
    static let environmentVariable = "CAREATLAS_SQLITE_LIBRARY"

    /// The libraries tried, in order, when `CAREATLAS_SQLITE_LIBRARY` is not set.
    static var defaultCandidates: [String] {
        #if os(macOS)
        return ["libsqlite3.dylib"]
        #else
        return careatlas_sqlite_header_version() / 1_000_000 == 3 ? ["libsqlite3.so.0", "libsqlite3.so"] : ["libsqlite3.so"]
        #endif
    }

    /// Binds the first of `candidates` that is SQLite with the header's major version and at least
    /// its minor one.
    static func bind(candidates: (names: [String], fromEnvironment: Bool)) -> Result<BoundLibrary<CareAtlasSQLite>, SharedLibrary.LoadFailure> {
        SharedLibrary.open(
            "SQLite", candidates: candidates, variable: environmentVariable,
            install: "Debian and Ubuntu: apt-get install libsqlite3-dev, which `bash .ci/setup` does; macOS: brew install sqlite",
            empty: CareAtlasSQLite(), bind: careatlas_sqlite_bind
        ) { table in
            let loaded = Int(table.sqlite3_libversion_number()), built = Int(careatlas_sqlite_header_version())
            func text(_ v: Int) -> String { "\(v / 1_000_000).\(v / 1_000 % 1_000).\(v % 1_000)" }
            return loaded / 1_000_000 == built / 1_000_000 && loaded / 1_000 % 1_000 >= built / 1_000 % 1_000
                ? nil : "SQLite \(text(loaded)), CareAtlas was built with SQLite \(text(built))"
        }
    }

    static let shared = bind(
        candidates: SharedLibrary.candidates(variable: environmentVariable, defaults: defaultCandidates))

    /// Binds the library, if not yet: ``SQLiteDatabase`` calls this before it opens a connection,
    /// so that every later call, made with a connection or a statement (``sqliteAPI``), finds it.
    ///
    /// - Throws: ``GeoPackageError/sqlite(operation:message:)`` naming the libraries tried, why
    ///   each failed, and how to install SQLite.
    static func load() throws(GeoPackageError) {
        if case .failure(let failure) = shared { throw .sqlite(operation: "loading", message: "\(failure.message); \(failure.fix)") }
    }
}

/// The bound SQLite functions, for the calls CareGeoPackage makes. Every SQLite call takes a
/// connection or a statement, or opens a connection after ``SQLiteLibrary/load()``, so the
/// library is bound wherever this is read.
var sqliteAPI: CareAtlasSQLite {
    @inline(__always) get { SQLiteLibrary.shared.boundAPI() }
}
