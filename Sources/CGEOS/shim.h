// Internal shim: exposes the re-entrant GEOS C API to Swift. No stable API; only CareGeometry imports it.
#ifndef CAREATLAS_CGEOS_SHIM_H
#define CAREATLAS_CGEOS_SHIM_H
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif
