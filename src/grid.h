/*
 * Table grid: ruling lines of a cleaned page → a grid of cells with their
 * row and column spans. Leptonica for the image work; the output is a plain
 * struct so that every later stage can be tested without images.
 *
 * Coordinates: pixels of the cleaned page (fd_page_image), origin top-left.
 */
#ifndef FD_GRID_H
#define FD_GRID_H

#include "ingest.h"

typedef struct fd_cell {
    int box[4];      /* x, y, w, h: from the centre of its left/top ruling line to the
                        centre of its right/bottom one; the lines may be slightly tilted
                        (a warped page), so this is the axis-aligned box of the four
                        corners where they cross (xs[col] .. xs[col + colspan] when level) */
    int row, col;    /* 0-based index of the top-left grid slot */
    int rowspan, colspan;
} fd_cell;

/* Cells are ordered by row, then column. xs/ys are the positions of the
 * grid's vertical/horizontal lines (sorted), taken at the page centre (a
 * tilted line lies a few pixels off them elsewhere); slot (r, c) lies
 * between ys[r]..ys[r+1] and xs[c]..xs[c+1]. A page with no table has n_cells == 0.
 * table_box is the outer frame of the table; region above it (title, year
 * line) is [0, 0, width, table_box[1]). */
typedef struct fd_grid {
    int page;
    int width, height;
    int table_box[4];
    int *xs;
    size_t n_xs;
    int *ys;
    size_t n_ys;
    fd_cell *cells;
    size_t n_cells;
} fd_grid;

/* Detected lines, kept for the debug image and the tests. */
typedef struct fd_line {
    int x0, y0, x1, y1;   /* end points, page pixels */
    int thickness;
} fd_line;

typedef struct fd_grid_debug {
    fd_line *hlines;
    size_t n_hlines;
    fd_line *vlines;
    size_t n_vlines;
} fd_grid_debug;

/* Finds the table on page and fills out (zeroed or cleared before). dbg may
 * be NULL. A page without a table is not an error: out->n_cells == 0. */
fd_status fd_grid_detect(const fd_page_image *page, fd_grid *out, fd_grid_debug *dbg,
                         fd_diag *dg);
void fd_grid_clear(fd_grid *grid);
void fd_grid_debug_clear(fd_grid_debug *dbg);

/* Index of the cell covering slot (row, col), or -1. */
long fd_grid_cell_at(const fd_grid *grid, int row, int col);

/* Writes <dir>/page-NNN-clean.png and <dir>/page-NNN-grid.png (the lines
 * and cells drawn over the cleaned page). */
fd_status fd_grid_write_debug(const char *dir, const fd_page_image *page, const fd_grid *grid,
                              const fd_grid_debug *dbg, fd_diag *dg);

#endif /* FD_GRID_H */
