// libpng 1.6 through its simplified png_image API, which traps libpng's longjmp
// errors itself and reports them in image.message. Macros are exposed as functions.
// Not API.
#ifndef WORKBENCH_CPNG_SHIM_H
#define WORKBENCH_CPNG_SHIM_H
#include <png.h>
#include <string.h>
#include <stdlib.h>

static inline png_image wb_png_image_new(void) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    return image;
}
static inline png_uint_32 wb_png_format_gray(void) { return PNG_FORMAT_GRAY; }
static inline png_uint_32 wb_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
static inline png_uint_32 wb_png_format_rgb(void) { return PNG_FORMAT_RGB; }
static inline png_uint_32 wb_png_format_flag_color(void) { return PNG_FORMAT_FLAG_COLOR; }
static inline int wb_png_failed(const png_image *image) { return PNG_IMAGE_FAILED(*image); }
#endif
