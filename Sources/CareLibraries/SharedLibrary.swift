import Foundation

/// A C library bound at first use with `dlopen` instead of being linked, so that a command which
/// does not need it never loads it (nor the libraries it pulls in). Used by CareGeometry for PROJ,
/// by CareGDAL for GDAL and by CareSolver for CBC; each shim declares the table of the functions
/// its wrapper calls and a `bind` that fills it with `dlsym`.
///
/// The libraries tried: the one named by an environment variable when set (a path or a file
/// name), else the wrapper's defaults (the soname of the headers' version, then the unversioned
/// link that the `-dev` package installs).
///
/// The layering rule stays as it was — each C library sits behind a system-library shim
/// (`CPROJ`, `CGDAL`, `CCBC`) imported by one wrapper module (CareGeometry, CareGDAL, CareSolver):
/// the shim gives the headers and the typed function table but links nothing, and the wrapper binds the table
/// through this loader. Nothing outside the wrapper calls the library, and a call by the global
/// name (bypassing the table) fails to link.
package enum SharedLibrary {
    /// Why a library could not be bound: what was tried, what `dlopen`/`dlsym` said, and the fix.
    package struct LoadFailure: Error, Equatable, Sendable {
        package let message: String
        package let fix: String

        package init(message: String, fix: String) {
            self.message = message
            self.fix = fix
        }
    }

    /// The names to try: `environment[variable]` alone when it is set and not empty, else `defaults`.
    package static func candidates(
        variable: String, defaults: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (names: [String], fromEnvironment: Bool) {
        if let name = environment[variable], !name.isEmpty { return ([name], true) }
        return (defaults, false)
    }

    /// Opens the first of `candidates` that `dlopen` loads, that has every function of the table,
    /// and that `check` accepts.
    ///
    /// - Parameters:
    ///   - library: the library's name in messages (`GDAL`, `PROJ`).
    ///   - variable: the environment variable that names another library (for the fix).
    ///   - install: how to install the library (for the fix).
    ///   - empty: the shim's table, zeroed.
    ///   - bind: the shim's `careatlas_…_bind`: fills the table from a `dlopen` handle, returning
    ///     NULL, or the name of the first function the file lacks.
    ///   - check: nil when the bound library will do, else why not, after "<file> is " (another
    ///     major version).
    /// - Returns: the table and the name that was loaded. The handle stays open for the process.
    package static func open<Table>(
        _ library: String, candidates: (names: [String], fromEnvironment: Bool), variable: String, install: String,
        empty: Table, bind: (UnsafeMutableRawPointer?, UnsafeMutablePointer<Table>?) -> UnsafePointer<CChar>?,
        check: (Table) -> String?
    ) -> Result<BoundLibrary<Table>, LoadFailure> {
        var reasons: [String] = []
        for name in candidates.names {
            // RTLD_LOCAL: the library's symbols stay out of the global namespace; its own
            // dependencies already loaded (PROJ for GDAL) are shared by soname.
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? "\(name): cannot be opened")
                continue
            }
            var table = empty
            if let missing = bind(handle, &table) {
                reasons.append("\(name) has no function \(String(cString: missing)) (is it \(library)?)")
            } else if let why = check(table) {
                reasons.append("\(name) is \(why)")
            } else {
                return .success(BoundLibrary(api: table, name: name))
            }
            dlclose(handle)
        }
        let fix = candidates.fromEnvironment
            ? "set \(variable) to the path of the \(library) library, or unset it"
            : "install \(library) (\(install)), or set \(variable) to the path of the \(library) library"
        return .failure(LoadFailure(
            message: "the \(library) library cannot be loaded (tried \(candidates.names.joined(separator: ", "))): \(reasons.joined(separator: "; "))",
            fix: fix))
    }
}

/// A C library bound by ``SharedLibrary``: its table of functions and the file that was loaded.
/// Immutable once made (the handle is never closed).
package final class BoundLibrary<Table: Sendable>: Sendable {
    /// The bound functions. Call the library only through this table: its shim links nothing.
    package let api: Table
    /// The file name or path that was loaded.
    package let name: String

    init(api: Table, name: String) {
        self.api = api
        self.name = name
    }
}

extension Result where Failure == SharedLibrary.LoadFailure {
    /// The bound table, for calls that take an object only the library itself makes (a context, a
    /// surface): the wrapper bound the library (and threw if it could not) before it made the
    /// first such object, so the library is bound wherever this is read.
    @inline(__always)
    package func boundAPI<Table>() -> Table where Success == BoundLibrary<Table> {
        guard case .success(let library) = self else {
            preconditionFailure("a C library's function was called before the wrapper bound the library")
        }
        return library.api
    }
}
