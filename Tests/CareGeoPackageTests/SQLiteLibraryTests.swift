import CSQLite
import CareLibraries
import Foundation
import Testing
@testable import CareGeoPackage

/// SQLite is bound at first use with dlopen (SharedLibrary), by the first GeoPackage, not linked:
/// the library chosen, and the failures, each named.
@Suite struct SQLiteLibraryTests {
    /// SQLite 3 headers bind `libsqlite3.so.0`, and the loaded SQLite has the header's major
    /// version and at least its minor one.
    @Test func defaultCandidatesBindTheHeadersSQLite() throws {
        let candidates = SQLiteLibrary.defaultCandidates
        #expect(candidates.last == "libsqlite3.so")
        let library = try SQLiteLibrary.bind(candidates: (candidates, false)).get()
        #expect(library.name == candidates.first)
        let loaded = library.api.sqlite3_libversion_number()
        #expect(loaded / 1_000_000 == SQLITE_VERSION_NUMBER / 1_000_000 && loaded >= SQLITE_VERSION_NUMBER / 1_000 * 1_000)
    }

    /// A wrong path, then a library that is not SQLite: each reason is named, in order, with the fix.
    @Test func aWrongLibraryFailsWithANamedError() {
        let path = "/nonexistent/careatlas/libsqlite3.so.0"
        guard case .failure(let failure) = SQLiteLibrary.bind(candidates: ([path, "libz.so.1"], false)) else {
            Issue.record("bound a library that is not SQLite")
            return
        }
        #expect(failure.message == "the SQLite library cannot be loaded (tried \(path), libz.so.1): "
            + "\(path): cannot open shared object file: No such file or directory; libz.so.1 has no function sqlite3_libversion_number (is it SQLite?)")
        #expect(failure.fix.hasPrefix("install SQLite (Debian and Ubuntu: apt-get install libsqlite3-dev, which `bash .ci/setup` does"))
        #expect(failure.fix.hasSuffix("or set CAREATLAS_SQLITE_LIBRARY to the path of the SQLite library"))
    }

    /// Opening a database binds the library: an in-memory table answers 2 + 3 = 5, "x" and NULL.
    @Test func aDatabaseBindsTheLibrary() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT, c REAL); INSERT INTO t VALUES (2, 'x', NULL)")
        let rows = try db.query("SELECT a + 3, b, c FROM t")
        #expect(rows == [[.integer(5), .text("x"), .null]])
    }
}
