// Internal shim: exposes Cairo's C API (image, PDF and SVG surfaces) to Swift. Only CareMaps imports it.
//
// The shim gives the headers (types, constants) and nothing to link: libcairo and the libraries it
// pulls in (pixman, fontconfig, freetype, libpng, X11/XCB) are bound at first use with dlopen, by
// the first map, chart or font check, so commands that draw nothing never load them.
// `CareAtlasCairo` is the table of the functions CareMaps calls, each typed from Cairo's own
// declaration (`__typeof__`), filled once by `careatlas_cairo_bind`. A call of a Cairo function by
// its global name fails to link, which keeps every call going through the table.
#ifndef CAREATLAS_CCAIRO_SHIM_H
#define CAREATLAS_CCAIRO_SHIM_H
// Debian, Ubuntu and Homebrew install the headers in include/cairo (pkg-config's -I, which this
// shim does not use, because SwiftPM would also link what `pkg-config --libs` names).
#if __has_include(<cairo/cairo.h>)
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <cairo/cairo-svg.h>
#else
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#endif
#include <dlfcn.h>
#include <stddef.h>

// Every Cairo function CareMaps calls, once.
#define CAREATLAS_CAIRO_FUNCTIONS(X) \
    X(cairo_version) X(cairo_get_source) X(cairo_arc) X(cairo_clip) X(cairo_close_path) X(cairo_create) X(cairo_destroy) \
    X(cairo_fill) X(cairo_fill_preserve) X(cairo_font_options_create) X(cairo_font_options_destroy) \
    X(cairo_get_matrix) X(cairo_get_scaled_font) X(cairo_get_target) X(cairo_glyph_free) \
    X(cairo_identity_matrix) X(cairo_image_surface_create) X(cairo_image_surface_create_for_data) \
    X(cairo_image_surface_create_from_png_stream) X(cairo_image_surface_get_data) \
    X(cairo_image_surface_get_format) X(cairo_image_surface_get_height) \
    X(cairo_image_surface_get_stride) X(cairo_image_surface_get_width) X(cairo_line_to) \
    X(cairo_move_to) X(cairo_new_sub_path) X(cairo_paint) X(cairo_pattern_get_rgba) \
    X(cairo_pdf_surface_create_for_stream) X(cairo_pdf_surface_restrict_to_version) \
    X(cairo_pdf_surface_set_metadata) X(cairo_pdf_surface_set_size) \
    X(cairo_recording_surface_create) X(cairo_rectangle) X(cairo_restore) X(cairo_save) \
    X(cairo_scale) X(cairo_scaled_font_text_to_glyphs) X(cairo_select_font_face) X(cairo_set_dash) \
    X(cairo_set_fill_rule) X(cairo_set_font_options) X(cairo_set_font_size) X(cairo_set_line_join) \
    X(cairo_set_line_width) X(cairo_set_source_rgb) X(cairo_set_source_rgba) \
    X(cairo_set_source_surface) X(cairo_show_glyphs) X(cairo_show_page) X(cairo_show_text) \
    X(cairo_status) X(cairo_status_to_string) X(cairo_stroke) X(cairo_surface_destroy) \
    X(cairo_surface_finish) X(cairo_surface_flush) X(cairo_surface_get_font_options) \
    X(cairo_surface_get_type) X(cairo_surface_status) X(cairo_surface_write_to_png_stream) \
    X(cairo_svg_surface_create_for_stream) X(cairo_text_extents) X(cairo_text_path) \
    X(cairo_translate) X(cairo_user_to_device) X(cairo_user_to_device_distance)

#define CAREATLAS_CAIRO_FIELD(name) __typeof__(&name) name;
/// The Cairo functions CareMaps calls, bound from one loaded library.
typedef struct CareAtlasCairo {
    CAREATLAS_CAIRO_FUNCTIONS(CAREATLAS_CAIRO_FIELD)
} CareAtlasCairo;
#undef CAREATLAS_CAIRO_FIELD

/// Fills `table` with the functions of `library` (a dlopen handle). Returns NULL when every one was
/// found, else the name of the first that is missing (the table is then partly filled: do not use).
static inline const char *careatlas_cairo_bind(void *library, CareAtlasCairo *table) {
#define CAREATLAS_CAIRO_BIND(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;
    CAREATLAS_CAIRO_FUNCTIONS(CAREATLAS_CAIRO_BIND)
#undef CAREATLAS_CAIRO_BIND
    return NULL;
}

/// The version of the headers this shim was compiled with (CAIRO_VERSION: major·10,000 +
/// minor·100 + micro; the loaded library must have the same major version and at least this minor).
static inline int careatlas_cairo_header_version(void) { return CAIRO_VERSION; }
#endif
