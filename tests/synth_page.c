/* Synthetic form pages for the tests; see synth_page.h. */
#include "synth_page.h"

#include <math.h>
#include <string.h>

unsigned synth_rand(unsigned *state)
{
    /* xorshift32: deterministic, good enough for layouts */
    unsigned x = *state ? *state : 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static int rnd(unsigned *st, int lo, int hi) /* inclusive */
{
    return lo + (int)(synth_rand(st) % (unsigned)(hi - lo + 1));
}

void synth_default(synth_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dpi = 100;
    o->title = 1;
    o->text = 1;
    o->line_w = 1;
    o->line_gray = 0;
    o->seed = 1;
}

static void fill(PIX *pix, int x, int y, int w, int h, int gray)
{
    BOX *b;
    l_uint32 val;
    if (w <= 0 || h <= 0) return;
    b = boxCreate(x, y, w, h);
    if (b == NULL) return;
    val = pixGetDepth(pix) == 32 ? ((l_uint32)gray << 24 | (l_uint32)gray << 16 | (l_uint32)gray << 8)
                                 : (l_uint32)gray;
    pixSetInRectArbitrary(pix, b, val);
    boxDestroy(&b);
}

void synth_text(PIX *pix, int x, int y, int w, int h, int glyph, unsigned *rng)
{
    int n = (int)(w / (glyph * 1.05)), i, k, t = glyph / 10 > 1 ? glyph / 10 : 1;
    int gy = y + (h - glyph) / 2;
    if (n <= 0 || h < glyph) return;
    for (i = 0; i < n; i++) {
        int gx = x + (int)(i * glyph * 1.05);
        int nh = rnd(rng, 1, 3), nv = rnd(rng, 1, 2);
        for (k = 0; k < nh; k++) {
            int sx = gx + rnd(rng, 0, glyph / 4), ex = gx + glyph - rnd(rng, 1, glyph / 4);
            fill(pix, sx, gy + rnd(rng, 0, glyph - t), ex - sx, t, 0);
        }
        for (k = 0; k < nv; k++) {
            int sy = gy + rnd(rng, 0, glyph / 4), ey = gy + glyph - rnd(rng, 0, glyph / 4);
            fill(pix, gx + rnd(rng, 1, glyph - t - 1), sy, t, ey - sy, 0);
        }
    }
}

void synth_seal(PIX *pix32, int cx, int cy, int radius)
{
    l_int32 w = pixGetWidth(pix32), h = pixGetHeight(pix32), x, y;
    const int cr = 220, cg = 40, cb = 40;
    int ring = radius / 12 > 2 ? radius / 12 : 2;
    for (y = cy - radius; y <= cy + radius; y++) {
        for (x = cx - radius; x <= cx + radius; x++) {
            double d = sqrt((double)(x - cx) * (x - cx) + (double)(y - cy) * (y - cy));
            double ang = atan2((double)(y - cy), (double)(x - cx));
            int on = 0;
            l_uint32 v;
            l_int32 r, g, b;
            if (x < 0 || y < 0 || x >= w || y >= h) continue;
            if (d <= radius && d >= radius - ring) on = 1;           /* ring */
            if (d <= radius / 4.0) on = 1;                           /* "star" */
            if (d >= radius * 0.55 && d <= radius * 0.8 &&           /* "characters" */
                fmod(ang + 4.0, 0.5) < 0.3)
                on = 1;
            if (!on) continue;
            pixGetPixel(pix32, x, y, &v);
            extractRGBValues(v, &r, &g, &b);
            composeRGBPixel(r * cr / 255, g * cg / 255, b * cb / 255, &v);
            pixSetPixel(pix32, x, y, v);
        }
    }
}

/* ------------------------------------------------------------------ */

typedef struct rect {
    int x0, x1, y0, y1;
    int text;
} rect;

static int P(double inches, int dpi) { return (int)lround(inches * dpi); }

static void add(rect *r, int *n, int x0, int x1, int y0, int y1, int text)
{
    if (*n >= SYNTH_MAX_CELLS) return;
    r[*n].x0 = x0;
    r[*n].x1 = x1;
    r[*n].y0 = y0;
    r[*n].y1 = y1;
    r[*n].text = text;
    (*n)++;
}

/* A rule from (x0,y0) to (x1,y1), axis-parallel, centred on the line. */
static void rule(PIX *pix, int horiz, int pos, int a, int b, const synth_opts *o, unsigned *rng)
{
    int lw = o->line_w, off = (lw - 1) / 2, p = a - off;
    int end = b + lw / 2;
    while (p <= end) {
        int run = o->broken > 0 ? rnd(rng, 20, 120) : end - p + 1;
        int q = p + run - 1 > end ? end : p + run - 1;
        if (horiz) fill(pix, p, pos - off, q - p + 1, lw, o->line_gray);
        else fill(pix, pos - off, p, lw, q - p + 1, o->line_gray);
        p = q + 1 + (o->broken > 0 ? rnd(rng, 2, o->broken) : 0);
    }
}

static int uniq_sorted(int *v, int n)
{
    int i, j, k = 0;
    for (i = 1; i < n; i++) /* insertion sort: small arrays */
        for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    for (i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1]) v[k++] = v[i];
    return k;
}

static int index_of(const int *v, int n, int x)
{
    int i;
    for (i = 0; i < n; i++)
        if (v[i] == x) return i;
    return -1;
}

PIX *synth_form(const synth_opts *o, synth_truth *truth)
{
    static const double xi_in[9] = {0.6, 1.2, 2.0, 3.7, 4.5, 5.3, 5.8, 6.3, 7.67};
    static const double fx_in[8] = {1.4, 2.6, 3.6, 4.6, 5.5, 6.2, 6.9, 7.67};
    int dpi = o->dpi, W = P(8.27, dpi), H = P(11.69, dpi), xi[9], fx[8], i, j, k, n = 0;
    int y, glyph = P(0.12, dpi);
    unsigned rng = o->seed ? o->seed : 1;
    rect cells[SYNTH_MAX_CELLS];
    PIX *pix = pixCreate(W, H, 8);
    if (pix == NULL) return NULL;
    pixSetAll(pix);
    pixSetResolution(pix, dpi, dpi);
    for (i = 0; i < 9; i++) xi[i] = P(xi_in[i], dpi);
    for (i = 0; i < 8; i++) fx[i] = P(fx_in[i], dpi);
    if (o->near_cols) fx[3] = xi[4] + (o->near_cols > 1 ? o->near_cols : 4); /* a distinct line px off */

    y = P(o->title ? 1.4 : 0.7, dpi);
    if (o->title) {
        synth_text(pix, P(2.6, dpi), P(0.6, dpi), P(3.0, dpi), P(0.3, dpi), P(0.25, dpi), &rng);
        synth_text(pix, P(3.6, dpi), P(1.0, dpi), P(1.0, dpi), P(0.18, dpi), glyph, &rng);
    }
    {
        int rh = P(0.35, dpi), y0;
        add(cells, &n, xi[0], xi[2], y, y + rh, 1);
        add(cells, &n, xi[2], xi[8], y, y + rh, 1);
        y += rh;
        add(cells, &n, xi[0], xi[2], y, y + rh, 1);
        add(cells, &n, xi[2], P(4.2, dpi), y, y + rh, 1);
        add(cells, &n, P(4.2, dpi), P(5.1, dpi), y, y + rh, 1);
        add(cells, &n, P(5.1, dpi), xi[8], y, y + rh, 1);
        y += rh;
        y0 = y;
        for (k = 0; k < 5; k++) {
            for (j = 0; j < 7; j++) add(cells, &n, fx[j], fx[j + 1], y, y + rh, 1);
            y += rh;
        }
        add(cells, &n, xi[0], fx[0], y0, y, 1);
        y0 = y;
        add(cells, &n, fx[0], P(4.2, dpi), y, y + rh, 1);
        add(cells, &n, P(4.2, dpi), xi[8], y, y + rh, 1);
        y += rh;
        add(cells, &n, fx[0], P(4.2, dpi), y, y + P(1.0, dpi), 1);
        add(cells, &n, P(4.2, dpi), xi[8], y, y + P(1.0, dpi), 1);
        y += P(1.0, dpi);
        add(cells, &n, xi[0], fx[0], y0, y, 1);
        for (j = 0; j < 8; j++) add(cells, &n, xi[j], xi[j + 1], y, y + P(0.4, dpi), 1);
        y += P(0.4, dpi);
        for (i = 0; i < 3; i++) {
            int g1 = y, n2 = rnd(&rng, 1, 3);
            for (k = 0; k < n2; k++) {
                int g2 = y, n3 = rnd(&rng, 1, 3), m;
                for (m = 0; m < n3; m++) {
                    int h = P(rnd(&rng, 0, 2) == 0 ? 0.45 : 0.3, dpi);
                    for (j = 2; j < 8; j++) add(cells, &n, xi[j], xi[j + 1], y, y + h, 1);
                    y += h;
                }
                add(cells, &n, xi[1], xi[2], g2, y, 1);
            }
            add(cells, &n, xi[0], xi[1], g1, y, 1);
        }
    }
    /* Rules: every cell edge (shared edges drawn twice, same pixels). */
    for (i = 0; i < n; i++) {
        rule(pix, 1, cells[i].y0, cells[i].x0, cells[i].x1, o, &rng);
        rule(pix, 1, cells[i].y1, cells[i].x0, cells[i].x1, o, &rng);
        rule(pix, 0, cells[i].x0, cells[i].y0, cells[i].y1, o, &rng);
        rule(pix, 0, cells[i].x1, cells[i].y0, cells[i].y1, o, &rng);
    }
    if (o->text) {
        int pad = P(0.06, dpi);
        for (i = 0; i < n; i++) {
            int cw = cells[i].x1 - cells[i].x0 - 2 * pad, ch = cells[i].y1 - cells[i].y0;
            int len = rnd(&rng, 0, cw);
            if (cells[i].text) synth_text(pix, cells[i].x0 + pad, cells[i].y0, len, ch, glyph, &rng);
        }
    }
    if (truth != NULL) {
        int xv[2 * SYNTH_MAX_CELLS], yv[2 * SYNTH_MAX_CELLS], nx = 0, ny = 0;
        memset(truth, 0, sizeof *truth);
        for (i = 0; i < n; i++) {
            xv[nx++] = cells[i].x0;
            xv[nx++] = cells[i].x1;
            yv[ny++] = cells[i].y0;
            yv[ny++] = cells[i].y1;
        }
        nx = uniq_sorted(xv, nx);
        ny = uniq_sorted(yv, ny);
        for (i = 0; i < nx && i < 64; i++) truth->xs[i] = xv[i];
        for (i = 0; i < ny && i < 128; i++) truth->ys[i] = yv[i];
        truth->n_xs = nx;
        truth->n_ys = ny;
        for (i = 0; i < n; i++) {
            synth_cell *c = &truth->cells[truth->n_cells++];
            c->box[0] = cells[i].x0;
            c->box[1] = cells[i].y0;
            c->box[2] = cells[i].x1 - cells[i].x0;
            c->box[3] = cells[i].y1 - cells[i].y0;
            c->row = index_of(yv, ny, cells[i].y0);
            c->col = index_of(xv, nx, cells[i].x0);
            c->rowspan = index_of(yv, ny, cells[i].y1) - c->row;
            c->colspan = index_of(xv, nx, cells[i].x1) - c->col;
        }
        /* by row, then column, like fd_grid */
        for (i = 1; i < truth->n_cells; i++)
            for (j = i; j > 0; j--) {
                synth_cell *a = &truth->cells[j - 1], *b = &truth->cells[j];
                if (a->row < b->row || (a->row == b->row && a->col <= b->col)) break;
                {
                    synth_cell t = *a;
                    *a = *b;
                    *b = t;
                }
            }
    }
    return pix;
}
