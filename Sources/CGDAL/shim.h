// Internal shim: exposes GDAL/OGR's C API to Swift. No stable API; only CareGDAL imports it
// (vector layers from Shapefile, GeoPackage, GML, FlatGeobuf, KML, zipped files; .xlsx/.ods tables).
//
// The shim gives the headers (types, constants) and nothing to link: libgdal and the 113 libraries
// it pulls in are bound at first use with dlopen, so commands that read no GDAL format never load
// them. `CareAtlasGDAL` is the table of the functions CareGDAL calls, each typed from GDAL's own
// declaration (`__typeof__`), filled once by `careatlas_gdal_bind`. A call of a GDAL function by
// its global name fails to link, which keeps every call going through the table.
#ifndef CAREATLAS_CGDAL_SHIM_H
#define CAREATLAS_CGDAL_SHIM_H
// Debian and Ubuntu install the headers in /usr/include/gdal (pkg-config's -I, which this shim
// does not use, because SwiftPM would also link what `pkg-config --libs` names); elsewhere
// (Homebrew, conda) they sit directly in an include directory.
#if __has_include(<gdal/gdal.h>)
#include <gdal/gdal.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_srs_api.h>
#include <gdal/cpl_error.h>
#include <gdal/cpl_conv.h>
#include <gdal/cpl_string.h>
#else
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#endif
#include <dlfcn.h>
#include <stddef.h>

// Every GDAL function CareGDAL calls, once.
#define CAREATLAS_GDAL_FUNCTIONS(X) \
    X(GDALVersionInfo) X(GDALAllRegister) X(GDALOpenEx) X(GDALClose) \
    X(GDALDatasetGetLayerCount) X(GDALDatasetGetLayer) X(GDALDatasetGetLayerByName) \
    X(OGR_L_GetName) X(OGR_L_GetLayerDefn) X(OGR_L_ResetReading) X(OGR_L_GetNextFeature) X(OGR_L_GetSpatialRef) \
    X(OGR_FD_GetFieldCount) X(OGR_FD_GetFieldDefn) X(OGR_Fld_GetNameRef) X(OGR_Fld_GetType) \
    X(OGR_F_Destroy) X(OGR_F_GetFID) X(OGR_F_IsFieldSetAndNotNull) X(OGR_F_GetFieldAsInteger64) \
    X(OGR_F_GetFieldAsDouble) X(OGR_F_GetFieldAsString) X(OGR_F_GetGeometryRef) \
    X(OGR_G_GetLinearGeometry) X(OGR_G_DestroyGeometry) X(OGR_G_FlattenTo2D) X(OGR_G_Transform) \
    X(OGR_G_WkbSize) X(OGR_G_ExportToIsoWkb) \
    X(OSRNewSpatialReference) X(OSRDestroySpatialReference) X(OSRImportFromEPSG) X(OSRSetAxisMappingStrategy) \
    X(OSRIsSame) X(OSRClone) X(OCTNewCoordinateTransformation) X(OCTDestroyCoordinateTransformation) \
    X(CPLSetErrorHandler) X(CPLQuietErrorHandler) X(CPLErrorReset) X(CPLGetLastErrorMsg) X(CPLGetLastErrorType) \
    X(CPLSetThreadLocalConfigOption) X(CSLSetNameValue) X(CSLDestroy)

#define CAREATLAS_GDAL_FIELD(name) __typeof__(&name) name;
/// The GDAL functions CareGDAL calls, bound from one loaded library.
typedef struct CareAtlasGDAL {
    CAREATLAS_GDAL_FUNCTIONS(CAREATLAS_GDAL_FIELD)
} CareAtlasGDAL;
#undef CAREATLAS_GDAL_FIELD

/// Fills `table` with the functions of `library` (a dlopen handle). Returns NULL when every one was
/// found, else the name of the first that is missing (the table is then partly filled: do not use).
static inline const char *careatlas_gdal_bind(void *library, CareAtlasGDAL *table) {
#define CAREATLAS_GDAL_BIND(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;
    CAREATLAS_GDAL_FUNCTIONS(CAREATLAS_GDAL_BIND)
#undef CAREATLAS_GDAL_BIND
    return NULL;
}

/// The major and minor version of the headers this shim was compiled with (GDAL_VERSION_NUM is
/// major·1,000,000 + minor·10,000 + …; the loaded library must have the same major version).
static inline int careatlas_gdal_header_version_major(void) { return GDAL_VERSION_MAJOR; }
static inline int careatlas_gdal_header_version_minor(void) { return GDAL_VERSION_MINOR; }
#endif
