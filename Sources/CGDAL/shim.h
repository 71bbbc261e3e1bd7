// Internal shim: exposes GDAL/OGR's C API to Swift. No stable API; only CareGDAL imports it
// (vector layers from Shapefile, GeoPackage, GML, FlatGeobuf, KML, zipped files; .xlsx/.ods tables).
#ifndef CAREATLAS_CGDAL_SHIM_H
#define CAREATLAS_CGDAL_SHIM_H
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#endif
