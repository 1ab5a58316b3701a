// zlib, with the macro-wrapped initialiser made callable from Swift. Not API.
#ifndef WORKBENCH_CZLIB_SHIM_H
#define WORKBENCH_CZLIB_SHIM_H
#include <zlib.h>
/// inflateInit2 is a macro; this accepts gzip and zlib headers (windowBits 15 + 32).
static inline int wb_inflate_init_auto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
#endif
