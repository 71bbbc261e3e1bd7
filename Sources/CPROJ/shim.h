// Internal shim: exposes PROJ and its geodesic routines to Swift. No stable API; only CareGeometry imports it.
#ifndef CAREATLAS_CPROJ_SHIM_H
#define CAREATLAS_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
