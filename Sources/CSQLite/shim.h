// Internal shim: exposes SQLite's C API to Swift. Only CareGeoPackage imports it.
//
// The shim gives the header (types, constants) and nothing to link: libsqlite3 is bound at first
// use with dlopen, by the first GeoPackage written or read, so commands that write none never load
// it. `CareAtlasSQLite` is the table of the functions CareGeoPackage calls, each typed from SQLite's
// own declaration (`__typeof__`), filled once by `careatlas_sqlite_bind`. A call of an SQLite
// function by its global name fails to link, which keeps every call going through the table.
#ifndef CAREATLAS_CSQLITE_SHIM_H
#define CAREATLAS_CSQLITE_SHIM_H
#include <sqlite3.h>
#include <dlfcn.h>
#include <stddef.h>

// Every SQLite function CareGeoPackage calls, once.
#define CAREATLAS_SQLITE_FUNCTIONS(X) \
    X(sqlite3_libversion_number) X(sqlite3_bind_blob) X(sqlite3_bind_double) X(sqlite3_bind_int64) \
    X(sqlite3_bind_null) X(sqlite3_bind_text) X(sqlite3_clear_bindings) X(sqlite3_close) \
    X(sqlite3_column_blob) X(sqlite3_column_bytes) X(sqlite3_column_count) X(sqlite3_column_double) \
    X(sqlite3_column_int64) X(sqlite3_column_text) X(sqlite3_column_type) X(sqlite3_errmsg) X(sqlite3_errstr) \
    X(sqlite3_exec) X(sqlite3_finalize) X(sqlite3_free) X(sqlite3_open_v2) X(sqlite3_prepare_v2) \
    X(sqlite3_reset) X(sqlite3_serialize) X(sqlite3_step)

#define CAREATLAS_SQLITE_FIELD(name) __typeof__(&name) name;
/// The SQLite functions CareGeoPackage calls, bound from one loaded library.
typedef struct CareAtlasSQLite {
    CAREATLAS_SQLITE_FUNCTIONS(CAREATLAS_SQLITE_FIELD)
} CareAtlasSQLite;
#undef CAREATLAS_SQLITE_FIELD

/// Fills `table` with the functions of `library` (a dlopen handle). Returns NULL when every one was
/// found, else the name of the first that is missing (the table is then partly filled: do not use).
static inline const char *careatlas_sqlite_bind(void *library, CareAtlasSQLite *table) {
#define CAREATLAS_SQLITE_BIND(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;
    CAREATLAS_SQLITE_FUNCTIONS(CAREATLAS_SQLITE_BIND)
#undef CAREATLAS_SQLITE_BIND
    return NULL;
}

/// The version of the header this shim was compiled with (SQLITE_VERSION_NUMBER: major·1,000,000 +
/// minor·1,000 + patch; the loaded library must have the same major version and at least this minor).
static inline int careatlas_sqlite_header_version(void) { return SQLITE_VERSION_NUMBER; }
#endif
