// Internal shim: exposes PROJ and its geodesic routines to Swift. No stable API; only CareGeometry imports it.
//
// The shim gives the headers (types, constants) and nothing to link: libproj (with libcurl,
// libtiff and the libraries they pull in) is bound at first use with dlopen, so commands that
// transform no coordinates never load it. `CareAtlasPROJ` is the table of the functions
// CareGeometry calls, each typed from PROJ's own declaration (`__typeof__`), filled once by
// `careatlas_proj_bind`. A call of a PROJ function by its global name fails to link, which keeps
// every call going through the table.
#ifndef CAREATLAS_CPROJ_SHIM_H
#define CAREATLAS_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#include <dlfcn.h>
#include <stddef.h>

// Every PROJ function CareGeometry calls, once.
#define CAREATLAS_PROJ_FUNCTIONS(X) \
    X(proj_info) X(proj_context_create) X(proj_context_destroy) X(proj_log_level) \
    X(proj_context_errno) X(proj_context_errno_string) X(proj_errno) X(proj_errno_reset) \
    X(proj_create) X(proj_destroy) X(proj_get_name) X(proj_get_type) X(proj_as_wkt) \
    X(proj_create_crs_to_crs) X(proj_normalize_for_visualization) X(proj_trans_generic) \
    X(geod_init) X(geod_polygonarea)

#define CAREATLAS_PROJ_FIELD(name) __typeof__(&name) name;
/// The PROJ functions CareGeometry calls, bound from one loaded library.
typedef struct CareAtlasPROJ {
    CAREATLAS_PROJ_FUNCTIONS(CAREATLAS_PROJ_FIELD)
} CareAtlasPROJ;
#undef CAREATLAS_PROJ_FIELD

/// Fills `table` with the functions of `library` (a dlopen handle). Returns NULL when every one was
/// found, else the name of the first that is missing (the table is then partly filled: do not use).
static inline const char *careatlas_proj_bind(void *library, CareAtlasPROJ *table) {
#define CAREATLAS_PROJ_BIND(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;
    CAREATLAS_PROJ_FUNCTIONS(CAREATLAS_PROJ_BIND)
#undef CAREATLAS_PROJ_BIND
    return NULL;
}

/// The major version of the headers this shim was compiled with (the loaded library must match).
static inline int careatlas_proj_header_version_major(void) { return PROJ_VERSION_MAJOR; }
#endif
