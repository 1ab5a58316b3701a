// FreeType 2 for Swift. Not API.
#ifndef WORKBENCH_CFREETYPE_SHIM_H
#define WORKBENCH_CFREETYPE_SHIM_H
#include <ft2build.h>
#include FT_FREETYPE_H
/// FT_LOAD_RENDER and friends are macros of type long; expose them as ints.
static inline int wb_ft_load_render(void) { return (int)FT_LOAD_RENDER; }
#endif
