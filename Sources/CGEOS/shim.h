// Internal shim: exposes the re-entrant GEOS C API to Swift. No stable API; only CareGeometry imports it.
//
// The shim gives the headers (types, constants) and nothing to link: libgeos_c and libgeos (with
// its C++ relocations: ≈ 2 ms of every process's start-up) are bound at first use with dlopen, by
// the first GEOS context, so commands that touch no geometry (`mclp` and point-mode `access` on
// projected points, `--help`) never load them. `CareAtlasGEOS` is the table of the functions
// CareGeometry calls, each typed from GEOS's own declaration (`__typeof__`), filled once by
// `careatlas_geos_bind`. A call of a GEOS function by its global name fails to link, which keeps
// every call going through the table.
#ifndef CAREATLAS_CGEOS_SHIM_H
#define CAREATLAS_CGEOS_SHIM_H
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <dlfcn.h>
#include <stddef.h>

// Every GEOS function CareGeometry calls, once.
#define CAREATLAS_GEOS_FUNCTIONS(X) \
    X(GEOSversion) X(GEOSArea_r) X(GEOSBoundary_r) X(GEOSBuffer_r) X(GEOSClipByRect_r) \
    X(GEOSContains_r) X(GEOSContext_setErrorMessageHandler_r) X(GEOSCoordSeq_copyFromBuffer_r) \
    X(GEOSCoordSeq_copyToBuffer_r) X(GEOSCoordSeq_getSize_r) X(GEOSCoverageUnion_r) \
    X(GEOSDifference_r) X(GEOSDistance_r) X(GEOSFree_r) X(GEOSGeomTypeId_r) \
    X(GEOSGeom_createCollection_r) X(GEOSGeom_createLineString_r) X(GEOSGeom_createLinearRing_r) \
    X(GEOSGeom_createPointFromXY_r) X(GEOSGeom_createPolygon_r) X(GEOSGeom_createRectangle_r) \
    X(GEOSGeom_destroy_r) X(GEOSGeom_getCoordSeq_r) X(GEOSGeom_getExtent_r) X(GEOSGetCentroid_r) \
    X(GEOSGetExteriorRing_r) X(GEOSGetGeometryN_r) X(GEOSGetInteriorRingN_r) \
    X(GEOSGetNumGeometries_r) X(GEOSGetNumInteriorRings_r) X(GEOSIntersection_r) X(GEOSIntersects_r) \
    X(GEOSLength_r) X(GEOSMakeValidParams_create_r) X(GEOSMakeValidParams_destroy_r) \
    X(GEOSMakeValidParams_setKeepCollapsed_r) X(GEOSMakeValidParams_setMethod_r) \
    X(GEOSMakeValidWithParams_r) X(GEOSPointOnSurface_r) X(GEOSPrepare_r) X(GEOSPreparedContains_r) \
    X(GEOSPreparedCovers_r) X(GEOSPreparedGeom_destroy_r) X(GEOSPreparedIntersects_r) \
    X(GEOSSTRtree_create_r) X(GEOSSTRtree_destroy_r) X(GEOSSTRtree_insert_r) \
    X(GEOSSTRtree_nearest_generic_r) X(GEOSSTRtree_query_r) X(GEOSTopologyPreserveSimplify_r) \
    X(GEOSTouches_r) X(GEOSUnaryUnion_r) X(GEOSVoronoiDiagram_r) X(GEOSWKBReader_create_r) \
    X(GEOSWKBReader_destroy_r) X(GEOSWKBReader_read_r) X(GEOSWKBWriter_create_r) \
    X(GEOSWKBWriter_destroy_r) X(GEOSWKBWriter_setByteOrder_r) X(GEOSWKBWriter_setOutputDimension_r) \
    X(GEOSWKBWriter_write_r) X(GEOSWKTReader_create_r) X(GEOSWKTReader_destroy_r) \
    X(GEOSWKTReader_read_r) X(GEOSWKTWriter_create_r) X(GEOSWKTWriter_destroy_r) \
    X(GEOSWKTWriter_setOutputDimension_r) X(GEOSWKTWriter_setRoundingPrecision_r) \
    X(GEOSWKTWriter_setTrim_r) X(GEOSWKTWriter_write_r) X(GEOS_finish_r) X(GEOS_init_r) \
    X(GEOSisEmpty_r) X(GEOSisValidReason_r) X(GEOSisValid_r)

#define CAREATLAS_GEOS_FIELD(name) __typeof__(&name) name;
/// The GEOS functions CareGeometry calls, bound from one loaded library.
typedef struct CareAtlasGEOS {
    CAREATLAS_GEOS_FUNCTIONS(CAREATLAS_GEOS_FIELD)
} CareAtlasGEOS;
#undef CAREATLAS_GEOS_FIELD

/// Fills `table` with the functions of `library` (a dlopen handle). Returns NULL when every one was
/// found, else the name of the first that is missing (the table is then partly filled: do not use).
static inline const char *careatlas_geos_bind(void *library, CareAtlasGEOS *table) {
#define CAREATLAS_GEOS_BIND(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;
    CAREATLAS_GEOS_FUNCTIONS(CAREATLAS_GEOS_BIND)
#undef CAREATLAS_GEOS_BIND
    return NULL;
}

/// The major and minor version of the headers this shim was compiled with (the loaded library must
/// have the same major version and at least this minor one: the C API only grows within a major).
static inline int careatlas_geos_header_version_major(void) { return GEOS_VERSION_MAJOR; }
static inline int careatlas_geos_header_version_minor(void) { return GEOS_VERSION_MINOR; }
#endif
