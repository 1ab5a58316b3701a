// Wide-character ncurses for Swift: macros and variadic calls Swift cannot import
// are wrapped here as small static inline functions. Not API.
#ifndef WORKBENCH_CNCURSES_SHIM_H
#define WORKBENCH_CNCURSES_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#elif __has_include(<ncurses.h>)
#include <ncurses.h>
#else
#error "ncursesw headers not found: install libncursesw5-dev"
#endif

#include <stdio.h>
#include <termios.h>
#include <unistd.h>

/// Opens the screen on stdout/stdin like initscr, but returns 0 instead of printing and
/// exiting when the terminal type is unknown (TERM unset or not in terminfo).
static inline int wb_open_screen(void) {
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return 0;
    set_term(screen);
    return 1;
}

/// Turns terminal flow control off (Ctrl-S would stop output until Ctrl-Q, freezing the
/// screen's writes) and tells ncurses to keep that as the program's mode.
static inline void wb_no_flow_control(void) {
    struct termios mode;
    if (tcgetattr(STDIN_FILENO, &mode) == 0) {
        mode.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        tcsetattr(STDIN_FILENO, TCSANOW, &mode);
    }
    def_prog_mode();
}

static inline int wb_lines(void) { return LINES; }
static inline int wb_cols(void) { return COLS; }
static inline int wb_colors(void) { return COLORS; }
static inline int wb_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int wb_attr_bold(void) { return (int)A_BOLD; }
static inline int wb_attr_dim(void) { return (int)A_DIM; }
static inline int wb_attr_reverse(void) { return (int)A_REVERSE; }
static inline int wb_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int wb_key_resize(void) { return KEY_RESIZE; }
static inline int wb_key_up(void) { return KEY_UP; }
static inline int wb_key_down(void) { return KEY_DOWN; }
static inline int wb_key_left(void) { return KEY_LEFT; }
static inline int wb_key_right(void) { return KEY_RIGHT; }
static inline int wb_key_enter(void) { return KEY_ENTER; }
static inline int wb_key_btab(void) { return KEY_BTAB; }
static inline int wb_err(void) { return ERR; }
static inline WINDOW *wb_stdscr(void) { return stdscr; }
static inline int wb_key_code_yes(void) { return KEY_CODE_YES; }
static inline int wb_key_backspace(void) { return KEY_BACKSPACE; }

/// Reads one key (wide character or function key) with the window's timeout.
/// Returns ERR on timeout; *is_function tells a KEY_* code from a character.
static inline int wb_read_key(int *is_function) {
    wint_t ch = 0;
    int kind = wget_wch(stdscr, &ch);
    *is_function = (kind == KEY_CODE_YES);
    return kind == ERR ? ERR : (int)ch;
}

/// Puts one wide character with attributes and colour pair at (y, x).
static inline int wb_put_wide(int y, int x, wchar_t ch, int attrs, short pair) {
    cchar_t cell;
    wchar_t text[2] = { ch, 0 };
    setcchar(&cell, text, (attr_t)attrs, pair, NULL);
    return mvadd_wch(y, x, &cell);
}
#endif
