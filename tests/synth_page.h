/*
 * Synthetic form pages for the ingest and grid tests, drawn with Leptonica
 * only (no fonts, no OCR): ruling lines of a 财政项目支出绩效自评表-like table
 * with merged cells, and "characters" made of short strokes. The truth is
 * the list of cells, indices into the union of all line positions, boxes
 * from line centre to line centre (the same convention as fd_grid).
 */
#ifndef FD_SYNTH_PAGE_H
#define FD_SYNTH_PAGE_H

#include <leptonica/allheaders.h>

#define SYNTH_MAX_CELLS 256

typedef struct synth_cell {
    int box[4];
    int row, col, rowspan, colspan;
} synth_cell;

typedef struct synth_opts {
    int dpi;            /* page is A4 at this resolution */
    int title;          /* draw a title and year line above the table */
    int text;           /* fill cells with stroke "characters" */
    int line_w;         /* rule width, pixels */
    int line_gray;      /* rule gray level (0 black .. 255 white) */
    int broken;         /* cut the rules with gaps of up to this many pixels */
    int near_cols;      /* funds block columns a few pixels off the indicator ones: 1 = 4 px, n > 1 = n px */
    unsigned seed;
} synth_opts;

typedef struct synth_truth {
    synth_cell cells[SYNTH_MAX_CELLS];
    int n_cells;
    int xs[64], ys[128];
    int n_xs, n_ys;
} synth_truth;

void synth_default(synth_opts *o);

/* 8 bpp page, white paper. truth may be NULL. */
PIX *synth_form(const synth_opts *o, synth_truth *truth);

/* Draws stroke "characters" in the box (8 bpp or 32 bpp page, black). */
void synth_text(PIX *pix, int x, int y, int w, int h, int glyph, unsigned *rng);

/* A red seal (ring, disc and blobs) multiplied over a 32 bpp page. */
void synth_seal(PIX *pix32, int cx, int cy, int radius);

/* Pseudo-random numbers (deterministic across platforms). */
unsigned synth_rand(unsigned *state);

#endif
