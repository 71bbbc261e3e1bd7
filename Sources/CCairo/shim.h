// Internal shim: exposes Cairo's C API (image, PDF and SVG surfaces) to Swift. Only CareMaps imports it.
#ifndef CAREATLAS_CCAIRO_SHIM_H
#define CAREATLAS_CCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#endif
