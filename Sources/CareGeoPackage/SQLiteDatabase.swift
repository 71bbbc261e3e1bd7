import CSQLite
import Foundation

/// Raised when a GeoPackage cannot be written or read.
public enum GeoPackageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer, column or style is not acceptable; the message names it and says how to fix it.
    case invalidInput(String)
    /// An SQLite call failed; `message` is SQLite's own (`sqlite3_errmsg`).
    case sqlite(operation: String, message: String)
    /// A file does not hold what a GeoPackage must; the message names the file and the table or row.
    case malformed(String)

    public var description: String {
        switch self {
        case .invalidInput(let m): return m
        case .sqlite(let operation, let message): return "SQLite \(operation) failed: \(message)"
        case .malformed(let m): return m
        }
    }
}

/// A value bound to or read from an SQL statement.
enum SQLValue: Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Owns one `sqlite3*` connection; closes it in `deinit`.
///
/// Thread safety: not `Sendable`; one instance is used by one thread (the writer and the reader
/// each open their own).
final class SQLiteDatabase {
    let handle: OpaquePointer

    /// Opens `path` (`:memory:` for a private in-memory database), read-only or read-write-create.
    init(path: String, readOnly: Bool = false) throws {
        try SQLiteLibrary.load()
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        // sqlite3_open_v2 returns SQLITE_OK or an error code; a handle may be allocated even on failure.
        let rc = sqliteAPI.sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { SQLiteDatabase.text(sqliteAPI.sqlite3_errmsg($0)) } ?? SQLiteDatabase.text(sqliteAPI.sqlite3_errstr(rc))
            if let db { _ = sqliteAPI.sqlite3_close(db) }
            throw GeoPackageError.sqlite(operation: "open \(path)", message: message)
        }
        handle = db
    }

    deinit { _ = sqliteAPI.sqlite3_close(handle) }

    /// A C string SQLite returned (NULL: empty).
    static func text(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }

    var lastMessage: String { Self.text(sqliteAPI.sqlite3_errmsg(handle)) }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        // sqlite3_exec returns SQLITE_OK, or an error code with a message to free with sqlite3_free.
        guard sqliteAPI.sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqliteAPI.sqlite3_free(error)
            throw GeoPackageError.sqlite(operation: "exec \(sql.prefix(80))", message: message)
        }
    }

    /// Prepares `sql` once; `run` binds and steps it for each row of values.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        // sqlite3_prepare_v2 returns SQLITE_OK and a statement (nil for an empty string).
        guard sqliteAPI.sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw GeoPackageError.sqlite(operation: "prepare \(sql.prefix(80))", message: lastMessage)
        }
        return SQLiteStatement(database: self, handle: statement, sql: sql)
    }

    /// Every row of a query, columns as ``SQLValue``s.
    func query(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try prepare(sql)
        return try statement.rows(values)
    }

    /// The database as the bytes of a database file (`sqlite3_serialize` of the main schema).
    func serialized() throws -> Data {
        var size: sqlite3_int64 = 0
        // sqlite3_serialize returns memory to free with sqlite3_free, or NULL on failure.
        guard let bytes = sqliteAPI.sqlite3_serialize(handle, "main", &size, 0) else {
            throw GeoPackageError.sqlite(operation: "serialize", message: lastMessage)
        }
        defer { sqliteAPI.sqlite3_free(bytes) }
        return Data(bytes: bytes, count: Int(size))
    }
}

/// Owns one prepared statement; finalised in `deinit`.
final class SQLiteStatement {
    private let database: SQLiteDatabase
    private let handle: OpaquePointer
    private let sql: String

    fileprivate init(database: SQLiteDatabase, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit { _ = sqliteAPI.sqlite3_finalize(handle) }

    private func bind(_ values: [SQLValue]) throws {
        // sqlite3_reset returns the error of the last step, already reported; binding is what matters here.
        _ = sqliteAPI.sqlite3_reset(handle)
        _ = sqliteAPI.sqlite3_clear_bindings(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqliteAPI.sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqliteAPI.sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqliteAPI.sqlite3_bind_double(handle, index, v)
            case .text(let s): rc = sqliteAPI.sqlite3_bind_text(handle, index, s, -1, sqliteTransient)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqliteAPI.sqlite3_bind_blob(handle, index, $0.baseAddress, Int32(b.count), sqliteTransient) }
            }
            // sqlite3_bind_* return SQLITE_OK or an error code (range, too big).
            guard rc == SQLITE_OK else {
                throw GeoPackageError.sqlite(operation: "bind parameter \(index) of \(sql.prefix(80))", message: database.lastMessage)
            }
        }
    }

    /// Binds `values` and steps to completion (for INSERT and other statements without rows).
    func run(_ values: [SQLValue]) throws {
        try bind(values)
        // sqlite3_step returns SQLITE_DONE when a statement without rows has finished.
        guard sqliteAPI.sqlite3_step(handle) == SQLITE_DONE else {
            throw GeoPackageError.sqlite(operation: "step \(sql.prefix(80))", message: database.lastMessage)
        }
    }

    /// Binds `values` and returns every row.
    func rows(_ values: [SQLValue]) throws -> [[SQLValue]] {
        try bind(values)
        var out: [[SQLValue]] = []
        while true {
            // sqlite3_step returns SQLITE_ROW for each row, SQLITE_DONE at the end, else an error.
            let rc = sqliteAPI.sqlite3_step(handle)
            if rc == SQLITE_DONE { return out }
            guard rc == SQLITE_ROW else {
                throw GeoPackageError.sqlite(operation: "step \(sql.prefix(80))", message: database.lastMessage)
            }
            out.append((0..<sqliteAPI.sqlite3_column_count(handle)).map(column))
        }
    }

    private func column(_ i: Int32) -> SQLValue {
        switch sqliteAPI.sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqliteAPI.sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqliteAPI.sqlite3_column_double(handle, i))
        case SQLITE_TEXT: return sqliteAPI.sqlite3_column_text(handle, i).map { .text(String(cString: $0)) } ?? .null  // NULL only when out of memory
        case SQLITE_BLOB:
            let count = Int(sqliteAPI.sqlite3_column_bytes(handle, i))
            guard count > 0, let p = sqliteAPI.sqlite3_column_blob(handle, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: count)))
        default: return .null
        }
    }
}

/// SQLite's SQLITE_TRANSIENT destructor: SQLite copies the bound bytes before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension SQLValue {
    var text: String? { if case .text(let s) = self { return s } else { return nil } }
    var integer: Int64? { if case .integer(let v) = self { return v } else { return nil } }
    var real: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }
}

/// An SQL identifier in double quotes, inner quotes doubled.
func quoted(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
