// JPEG decoding through libjpeg-turbo (Debian's libjpeg62-turbo-dev), with libjpeg's
// longjmp errors trapped in C, where setjmp is allowed. Not API.
#ifndef WORKBENCH_JPEG_H
#define WORKBENCH_JPEG_H
#include <stddef.h>

/// Decodes the JPEG in `data` to 8-bit pixels, rows top to bottom, `*channels` (1 grey or
/// 3 RGB) values per pixel, in a buffer the caller frees with wb_jpeg_free. Refuses images
/// wider or taller than `max_side`. Returns 0, or -1 with libjpeg's reason in `error` (a
/// warning, such as a file cut short, is a failure too: the rest of the image would be grey).
int wb_jpeg_decode(const unsigned char *data, size_t size, int max_side, unsigned char **pixels,
                   int *width, int *height, int *channels, char *error, size_t error_size);

void wb_jpeg_free(unsigned char *pixels);

/// Encodes 8-bit pixels (`channels` 1 or 3 per pixel) as a baseline JPEG of `quality`, in a
/// buffer the caller frees with wb_jpeg_free (for test fixtures and the fuzzers' seeds).
/// Returns 0, or -1.
int wb_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                   unsigned char **jpeg, unsigned long *size);
#endif
