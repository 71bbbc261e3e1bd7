// Internal shim: exposes SQLite's C API to Swift. Only CareGeoPackage imports it.
#ifndef CAREATLAS_CSQLITE_SHIM_H
#define CAREATLAS_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
