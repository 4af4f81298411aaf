#ifndef TERN_CNCURSESW_SHIM_H
#define TERN_CNCURSESW_SHIM_H

// Wide-character API (get_wch, add_wch, ...) is only declared with NCURSES_WIDECHAR.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Macros and globals that Swift cannot import or rejects under Swift 6 concurrency checking.
static inline WINDOW *tern_stdscr(void) { return stdscr; }
static inline int tern_lines(void) { return LINES; }
static inline int tern_cols(void) { return COLS; }
static inline int tern_colors(void) { return COLORS; }
static inline int tern_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t tern_a_bold(void) { return A_BOLD; }
static inline attr_t tern_a_underline(void) { return A_UNDERLINE; }
static inline attr_t tern_a_reverse(void) { return A_REVERSE; }
static inline attr_t tern_a_dim(void) { return A_DIM; }
static inline attr_t tern_a_normal(void) { return A_NORMAL; }
static inline int tern_key_f(int n) { return KEY_F(n); }
static inline int tern_wcwidth(wchar_t c) { return wcwidth(c); }

#endif
