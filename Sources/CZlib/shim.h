// Internal shim: exposes zlib's C API to Swift. No stable API; only CareFormats imports it
// (Compression/Inflate.swift), for zip archives, .xlsx files and OpenStreetMap PBF blobs.
#ifndef CAREATLAS_CZLIB_SHIM_H
#define CAREATLAS_CZLIB_SHIM_H
#include <zlib.h>
#endif
