#include "wb_jpeg.h"
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wb_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int warned;
};

static void wb_error_exit(j_common_ptr info) {
    struct wb_error_manager *manager = (struct wb_error_manager *)info->err;
    (*info->err->format_message)(info, manager->message);
    longjmp(manager->jump, 1);
}

static void wb_emit_message(j_common_ptr info, int level) {
    struct wb_error_manager *manager = (struct wb_error_manager *)info->err;
    if (level < 0 && !manager->warned) {  // a warning: corrupt or truncated data
        (*info->err->format_message)(info, manager->message);
        manager->warned = 1;
    }
}

int wb_jpeg_decode(const unsigned char *data, size_t size, int max_side, unsigned char **pixels,
                   int *width, int *height, int *channels, char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    struct wb_error_manager manager;
    unsigned char *volatile out = NULL;
    *pixels = NULL;
    memset(&manager, 0, sizeof manager);
    info.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = wb_error_exit;
    manager.base.emit_message = wb_emit_message;
    if (setjmp(manager.jump)) {
        snprintf(error, error_size, "%s", manager.message);
        jpeg_destroy_decompress(&info);
        free(out);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if ((int)info.image_width <= 0 || (int)info.image_height <= 0 ||
        (int)info.image_width > max_side || (int)info.image_height > max_side) {
        snprintf(error, error_size, "implausible JPEG size %ux%u", info.image_width, info.image_height);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    int w = (int)info.output_width, h = (int)info.output_height, c = info.output_components;
    out = malloc((size_t)w * (size_t)h * (size_t)c);
    if (!out) {
        snprintf(error, error_size, "out of memory for a %dx%d image", w, h);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = out + (size_t)info.output_scanline * (size_t)w * (size_t)c;
        jpeg_read_scanlines(&info, &row, 1);
        if (manager.warned) break;
    }
    if (!manager.warned) jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    if (manager.warned) {
        snprintf(error, error_size, "%s", manager.message);
        free(out);
        return -1;
    }
    *pixels = out;
    *width = w;
    *height = h;
    *channels = c;
    return 0;
}

void wb_jpeg_free(unsigned char *pixels) { free(pixels); }

int wb_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                   unsigned char **jpeg, unsigned long *size) {
    struct jpeg_compress_struct info;
    struct wb_error_manager manager;
    memset(&manager, 0, sizeof manager);
    *jpeg = NULL;
    *size = 0;
    info.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = wb_error_exit;
    if (setjmp(manager.jump)) {
        jpeg_destroy_compress(&info);
        free(*jpeg);
        *jpeg = NULL;
        return -1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, jpeg, size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * (size_t)width * (size_t)channels);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return 0;
}
