/*
 * Table grid from the ruling lines of a cleaned page. See grid.h.
 *
 * Method (all lengths scale with the page resolution, given in inches
 * below; pixel coordinates of the cleaned page, origin top-left):
 *   1. Line masks from the gray page (its faint copy, fd_page_image.faint,
 *      when there is one): the inverted gray values are averaged
 *      along the line direction (0.05 in) and a pixel is on a line when it
 *      is darker than the averages beside it (a ridge, see ridge_mask), so
 *      that faded, 1-px, broken rules of a noisy scan still show. Breaks up
 *      to 0.04 in are closed, and runs shorter than 0.3 in (horizontal) /
 *      0.2 in (vertical) are opened away.
 *   2. Segments: connected components of a mask, first cut where their
 *      centre line steps sideways by 2.5 px or more (two blocks' rules
 *      that continue each other a few pixels apart touch in the mask;
 *      split_jogs), that are long and thin
 *      (mean thickness from the pixel count, so that a tilted line whose
 *      box is taller than the line still qualifies), that have no ink close
 *      beside them (flank_share) and that are not characters merged into a
 *      run (binary_runs, seg_darkness). Rejected components are erased
 *      from the mask.
 *   3. Positions: segments whose centre lines touch (within ~2 px) are one
 *      ruling line; the tolerance is tight because two blocks of the form
 *      may have column rules a few pixels apart, which are distinct lines.
 *      3b. Rules are straight but, after the deskew, not quite level (a
 *      residual skew, the perspective of a page not flat on the glass):
 *      every line's slope is fitted to its mask pixels and replaced by a
 *      linear model of slope against position fitted to the long lines
 *      (fit_slopes); the segments are then clustered again by their centre
 *      at the page centre (recluster). Positions (grid xs/ys) are centres
 *      at the page centre; every test and box follows the slope. A line
 *      whose pieces fall into two groups along it, apart by a gap of 0.2 in
 *      and more than the tolerance apart across it, is two blocks' rules
 *      that the single linkage chained (split_blocks).
 *      3c. Lines at the same centre are merged (merge_same).
 *   4. Table: lines that meet at least two lines of the other direction
 *      (within ~0.03 in of their ends, and where a segment of one of the
 *      two reaches the other; a line that meets fewer than three counts
 *      only what its own segments reach, and one with no crossing where
 *      segments of both are present meets nothing), repeated until
 *      stable; this drops underlines, character strokes and other strays.
 *      A line that only just meets two and is mostly gaps is a run of
 *      characters. On a faded page, a column rule that meets one row rule
 *      and stops short of the next, clear of ink beside it, stays when the
 *      sensitive mask shows it up to that rule (rescue_broken_ends).
 *   5. Slots between neighbouring positions; for each pair of neighbouring
 *      slots, the ruling segment between them exists when the mask covers
 *      70 % of the boundary, searched in a band around the position that
 *      never reaches a neighbouring position. On a page whose rules are
 *      faded (mean darkness, FD_FAINT_RULES), a missed boundary is looked
 *      for again in a half-contrast mask along the known rule, and a break
 *      between two existing boundaries of a rule is bridged (faint_test).
 *      A boundary shorter than 0.2 in between two existing ones of its
 *      rule exists (it lies almost whole in the mask's gaps at crossings).
 *      A row rule missing for at most three slots between existing
 *      boundaries of its own exists there (hidden by a seal; row rules of
 *      these forms never stop inside the table and go on). A column rule
 *      fainter than the page's others gets the sensitive test along it
 *      (faded_rule_tests). Of two positions a few pixels apart (two
 *      blocks' rules), only one has the boundary in any one slot
 *      (one_of_near_pair).
 *      Slots joined across missing boundaries form cells; a non-rectangular
 *      group first gets its best-covered missing inner boundary back
 *      (repair_groups; without a covered one, one that fills a gap of at
 *      most three slots in its rule), then grows to its bounding
 *      rectangle. Cell boxes are the axis-aligned boxes of the corners
 *      where the tilted lines cross.
 *   6. A position with less than 0.25 in of existing boundary is not a line
 *      (a stray that survived step 4): it is removed and step 5 redone.
 */
#define _POSIX_C_SOURCE 200809L

#include "grid.h"

#include <leptonica/allheaders.h>

#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A ruling line candidate: pos is its centre across its direction (y for a
 * horizontal line), lo..hi its extent along it, pixels. */
typedef struct gline {
    double pos;
    double c1;     /* largest centre-line position of its segments (clustering) */
    double wsum;   /* total segment length, the clustering weight */
    int lo, hi;
    int thick;     /* typical thickness, pixels */
    int crosses;   /* lines of the other direction it meets */
    int keep;
    double slope;  /* d(across)/d(along): pos is the centre at along = the page centre */
    double rs[5];  /* regression sums of its mask pixels: n, t, c, tt, tc (t along, c across,
                      relative to the page centre) */
} gline;

typedef struct gseg {
    double c;      /* centre across the direction */
    double c0, c1; /* range of the centre line across (a tilted segment drifts) */
    int lo, hi;    /* extent along the direction */
    int len;
    int thick;
    double rs[5];  /* regression sums of the component's pixels, see gline */
    size_t line;   /* index of the line recluster put it in */
} gseg;

/* Geometry parameters in pixels, derived from the resolution. */
typedef struct gparams {
    int dpi;
    int gap;        /* closing length that bridges breaks */
    int minlen;     /* shortest vertical line segment (rows are >= ~0.25 in) */
    int minlen_h;   /* shortest horizontal one (columns are >= ~0.35 in) */
    int maxthick;   /* thickest line accepted */
    int tol;        /* clustering and crossing tolerance */
    double tight;   /* clustering: gap between centre lines of one rule */
    int minsupport; /* least length of existing boundary along a kept line */
    int minrun;     /* longest unbroken run a visible rule has at least */
    int band;       /* half-width of the search band of a boundary test */
    int reach;      /* how far beside a segment the flank test looks */
    int shift;      /* how far a line may locally stray from its position */
    int smooth;     /* ridge detector: averaging length along the line */
    int ridge_d;    /* ridge detector: distance to the sides across the line */
    int maxbreak;   /* longest break of a broken rule */
} gparams;

/* Ridge contrast, gray levels (0..255) of the averaged, inverted page. */
#define FD_RIDGE_THRESHOLD 12

static int effective_dpi(int w, int h, int dpi)
{
    int s = w < h ? w : h;
    if (dpi > 0) {
        double inches = (double)s / dpi;
        if (inches >= 3.0 && inches <= 20.0) return dpi;
    }
    dpi = (int)lround(s / 8.27); /* assume the short side is A4's */
    return dpi < 40 ? 40 : dpi;
}

static int px(double inches, int dpi, int minimum)
{
    int v = (int)lround(inches * dpi);
    return v < minimum ? minimum : v;
}

static void params_init(gparams *p, int w, int h, int dpi)
{
    p->dpi = effective_dpi(w, h, dpi);
    p->gap = px(0.04, p->dpi, 3);
    p->minlen = px(0.2, p->dpi, 12);
    p->minlen_h = px(0.3, p->dpi, 16);
    p->maxthick = px(0.06, p->dpi, 4) + 2;
    p->tol = px(0.03, p->dpi, 3) + 1;
    p->tight = 1.5 + 0.003 * p->dpi;
    p->minsupport = px(0.25, p->dpi, 16);
    p->minrun = px(0.2, p->dpi, 12);
    p->band = px(0.012, p->dpi, 2);
    p->reach = px(0.045, p->dpi, 5);
    p->smooth = px(0.05, p->dpi, 5) | 1;
    p->shift = px(0.05, p->dpi, 3);
    p->ridge_d = px(0.015, p->dpi, 2) + 1;
    p->maxbreak = px(0.15, p->dpi, 8);
}

void fd_grid_clear(fd_grid *grid)
{
    if (grid == NULL) return;
    fd_free(grid->xs);
    fd_free(grid->ys);
    fd_free(grid->cells);
    memset(grid, 0, sizeof *grid);
}

void fd_grid_debug_clear(fd_grid_debug *dbg)
{
    if (dbg == NULL) return;
    fd_free(dbg->hlines);
    fd_free(dbg->vlines);
    memset(dbg, 0, sizeof *dbg);
}

long fd_grid_cell_at(const fd_grid *grid, int row, int col)
{
    size_t i;
    if (grid == NULL) return -1;
    for (i = 0; i < grid->n_cells; i++) {
        const fd_cell *c = &grid->cells[i];
        if (row >= c->row && row < c->row + c->rowspan && col >= c->col &&
            col < c->col + c->colspan)
            return (long)i;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Masks and segments                                                 */
/* ------------------------------------------------------------------ */

/* Ridge mask of the gray page along one direction (step 1).
 *
 * A faded, blurred, 1-px rule on a noisy scan is hardly darker than the
 * paper pixel by pixel, but it is long: averaging the inverted gray values
 * along the line direction over `k` pixels lifts it above the noise. A
 * pixel is then on a line when its average is darker, by more than
 * `thresh` gray levels, than the averages `d` pixels to either side across
 * the direction (a ridge); text lines are dark over their whole height, so
 * the band beside a character stroke is rarely much lighter on both sides.
 * Works on 8 bpp; 1 = line. *sm_out receives the averaged image (w × h
 * bytes, row-major, caller frees with fd_free). */
static PIX *ridge_mask(PIX *gray, int horiz, int k, int d, int thresh, unsigned char **sm_out)
{
    l_int32 w = pixGetWidth(gray), h = pixGetHeight(gray), wpl = pixGetWpl(gray), mwpl;
    l_uint32 *gdata = pixGetData(gray), *mdata;
    unsigned char *sm = NULL;
    unsigned int *acc = NULL;
    PIX *mask = NULL;
    int r = k / 2, x, y;
    sm = fd_malloc((size_t)w * (size_t)h);
    acc = fd_calloc((size_t)(horiz ? 1 : w), sizeof *acc);
    mask = pixCreate(w, h, 1);
    if (sm == NULL || acc == NULL || mask == NULL) {
        pixDestroy(&mask);
        goto cleanup;
    }
    if (horiz) {
        for (y = 0; y < h; y++) {
            const l_uint32 *line = gdata + (size_t)y * (size_t)wpl;
            unsigned char *out = sm + (size_t)y * (size_t)w;
            unsigned int sum = 0;
            int lo = 0, hi = -1, cnt;
            for (x = 0; x < w; x++) {
                while (hi < x + r && hi + 1 < w) {
                    hi++;
                    sum += 255u - GET_DATA_BYTE(line, hi);
                }
                while (lo < x - r) {
                    sum -= 255u - GET_DATA_BYTE(line, lo);
                    lo++;
                }
                cnt = hi - lo + 1;
                out[x] = (unsigned char)(sum / (unsigned int)cnt);
            }
        }
    } else {
        /* Running column sums, one row at a time (cache friendly). */
        int lo = 0, hi = -1, cnt;
        for (y = 0; y < h; y++) {
            unsigned char *out = sm + (size_t)y * (size_t)w;
            while (hi < y + r && hi + 1 < h) {
                const l_uint32 *line;
                hi++;
                line = gdata + (size_t)hi * (size_t)wpl;
                for (x = 0; x < w; x++) acc[x] += 255u - GET_DATA_BYTE(line, x);
            }
            while (lo < y - r) {
                const l_uint32 *line = gdata + (size_t)lo * (size_t)wpl;
                for (x = 0; x < w; x++) acc[x] -= 255u - GET_DATA_BYTE(line, x);
                lo++;
            }
            cnt = hi - lo + 1;
            for (x = 0; x < w; x++) out[x] = (unsigned char)(acc[x] / (unsigned int)cnt);
        }
    }
    mdata = pixGetData(mask);
    mwpl = pixGetWpl(mask);
    for (y = 0; y < h; y++) {
        const unsigned char *c = sm + (size_t)y * (size_t)w;
        l_uint32 *mline = mdata + (size_t)y * (size_t)mwpl;
        for (x = 0; x < w; x++) {
            int v = c[x], a, b;
            if (v <= thresh) continue;
            if (horiz) {
                a = y >= d ? c[x - (long)d * w] : 0;
                b = y + d < h ? c[x + (long)d * w] : 0;
            } else {
                a = x >= d ? c[x - d] : 0;
                b = x + d < w ? c[x + d] : 0;
            }
            /* Darker than both sides by thresh, and at least one side at
             * most half as dark as the centre: strokes inside a text line
             * have ink on both sides; a rule has paper on at least one
             * side even where a character touches it. */
            if (v - (a > b ? a : b) > thresh && 2 * (a < b ? a : b) < v) SET_DATA_BIT(mline, x);
        }
    }
cleanup:
    if (mask != NULL && sm_out != NULL) {
        *sm_out = sm;
        sm = NULL;
    }
    fd_free(sm);
    fd_free(acc);
    return mask;
}

/* Line mask along one direction: ridges, breaks bridged by a closing,
 * then only runs of at least minlen kept (opening). */
static PIX *line_mask(PIX *gray, int horiz, const gparams *p, unsigned char **sm_out)
{
    PIX *rm, *c, *o;
    rm = ridge_mask(gray, horiz, p->smooth, p->ridge_d, FD_RIDGE_THRESHOLD, sm_out);
    if (rm == NULL) return NULL;
    c = horiz ? pixCloseSafeBrick(NULL, rm, p->gap + 1, 1) : pixCloseSafeBrick(NULL, rm, 1, p->gap + 1);
    pixDestroy(&rm);
    if (c == NULL) return NULL;
    /* The averaging lengthens every ridge by smooth - 1 pixels. */
    o = horiz ? pixOpenCompBrick(NULL, c, p->minlen_h + p->smooth, 1)
              : pixOpenCompBrick(NULL, c, 1, p->minlen + p->smooth);
    pixDestroy(&c);
    return o;
}

/* Sensitive line mask for the guided boundary tests (step 5): ridges of
 * half the contrast, breaks bridged, only specks opened away. Too noisy to
 * find lines with, but along a rule found elsewhere on the page, at its
 * known position and slope, it shows the faint stretches of that rule. */
static PIX *faint_mask(PIX *gray, int horiz, const gparams *p)
{
    PIX *rm, *c, *o;
    rm = ridge_mask(gray, horiz, p->smooth, p->ridge_d, FD_RIDGE_THRESHOLD / 2, NULL);
    if (rm == NULL) return NULL;
    c = horiz ? pixCloseSafeBrick(NULL, rm, p->gap + 1, 1) : pixCloseSafeBrick(NULL, rm, 1, p->gap + 1);
    pixDestroy(&rm);
    if (c == NULL) return NULL;
    o = horiz ? pixOpenCompBrick(NULL, c, p->minlen / 2 + p->smooth, 1)
              : pixOpenCompBrick(NULL, c, 1, p->minlen / 2 + p->smooth);
    pixDestroy(&c);
    return o;
}

static int cmp_seg(const void *a, const void *b)
{
    const gseg *x = a, *y = b;
    return (x->c0 > y->c0) - (x->c0 < y->c0);
}

/* Shift across the direction, pixels, at which a component is two rules. */
#define FD_JOG_PX 2.5

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the valid (>= 0) values of v[lo..hi), or -1. tmp: scratch. */
static double median_valid(const double *v, int lo, int hi, double *tmp)
{
    int i, n = 0;
    for (i = lo; i < hi; i++)
        if (v[i] >= 0.0) tmp[n++] = v[i];
    if (n == 0) return -1.0;
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    return tmp[n / 2];
}

/* Cuts the components of mask where their centre line steps sideways by
 * FD_JOG_PX or more. Two blocks of a form may have rules a few pixels
 * apart that continue each other (one block's rule ends where the other's
 * begins, at the rule between the blocks); the two touch in the mask and
 * would give one position for two lines. Over a window of a third of the
 * shortest segment the centre of one tilted rule drifts by a fraction of
 * a pixel; a step is two rules. boxa/pixa: the components of mask, which
 * are stale once a cut is made. Returns the number of cuts; out of memory
 * there are no cuts. */
static int split_jogs(PIX *mask, int horiz, const gparams *p, BOXA *boxa, PIXA *pixa)
{
    l_int32 span = horiz ? pixGetWidth(mask) : pixGetHeight(mask);
    double *centre = fd_malloc((size_t)span * sizeof *centre);
    double *tmp = fd_malloc((size_t)span * sizeof *tmp);
    int cuts = 0, win = p->minlen / 3 > 4 ? p->minlen / 3 : 4;
    l_int32 i, nc = boxaGetCount(boxa);
    if (centre == NULL || tmp == NULL) goto cleanup;
    for (i = 0; i < nc; i++) {
        l_int32 bx, by, bw, bh, wpl;
        int len, t, c, across;
        l_uint32 *d;
        PIX *cp;
        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        len = horiz ? bw : bh;
        across = horiz ? bh : bw;
        /* long components wider than one rule only */
        if (len < 2 * win + 1 || across < (int)FD_JOG_PX + 1) continue;
        cp = pixaGetPix(pixa, i, L_CLONE);
        if (cp == NULL) continue;
        d = pixGetData(cp);
        wpl = pixGetWpl(cp);
        for (t = 0; t < len; t++) {
            double sum = 0.0;
            int cnt = 0;
            for (c = 0; c < across; c++) {
                int on = horiz ? GET_DATA_BIT(d + (size_t)c * (size_t)wpl, t) != 0
                               : GET_DATA_BIT(d + (size_t)t * (size_t)wpl, c) != 0;
                if (on) {
                    sum += c;
                    cnt++;
                }
            }
            centre[t] = cnt > 0 ? sum / cnt : -1.0;
        }
        for (t = win; t + win < len; t++) {
            double before = median_valid(centre, t - win, t, tmp);
            double after = median_valid(centre, t + 1, t + 1 + win, tmp);
            int k, u;
            if (before < 0.0 || after < 0.0 || fabs(after - before) < FD_JOG_PX) continue;
            /* the step itself: the first row nearer the later centre */
            for (k = t - win / 2; k < t + win && (centre[k] < 0.0 ||
                                                  fabs(centre[k] - before) < fabs(centre[k] - after));
                 k++) {
            }
            if (k < 1 || k + 1 >= len) continue;
            for (u = k - 1; u <= k + 1; u++)
                for (c = 0; c < across; c++) {
                    int on = horiz ? GET_DATA_BIT(d + (size_t)c * (size_t)wpl, u) != 0
                                   : GET_DATA_BIT(d + (size_t)u * (size_t)wpl, c) != 0;
                    if (!on) continue;
                    if (horiz) pixSetPixel(mask, bx + u, by + c, 0);
                    else pixSetPixel(mask, bx + c, by + u, 0);
                }
            cuts++;
            t = k + win;
        }
        pixDestroy(&cp);
    }
cleanup:
    fd_free(centre);
    fd_free(tmp);
    return cuts;
}

/* Long thin components of mask → segments, sorted by centre. Rejected
 * components are erased from mask. */
/* Share of the segment's length (box bx,by,bw,bh) where the binary page
 * has ink beside it, on either side, at 2 px .. `reach` from the box. A
 * ruling line has paper on both sides except where a crossing rule or a
 * touching character meets it; a run of character strokes (merged by the
 * averaging and the closing) has the rest of its characters beside it.
 * *open_run: the longest stretch (px along it) with paper on both sides. */
static double flank_share(PIX *bin, int horiz, l_int32 bx, l_int32 by, l_int32 bw, l_int32 bh,
                          int reach, int *open_run)
{
    l_uint32 *data = pixGetData(bin);
    l_int32 wpl = pixGetWpl(bin), w = pixGetWidth(bin), h = pixGetHeight(bin);
    int t, t0 = horiz ? bx : by, t1 = horiz ? bx + bw - 1 : by + bh - 1;
    int lo0 = (horiz ? by : bx) - reach, lo1 = (horiz ? by : bx) - 2;
    int hi0 = (horiz ? by + bh - 1 : bx + bw - 1) + 2, hi1 = (horiz ? by + bh - 1 : bx + bw - 1) + reach;
    int lim = horiz ? h - 1 : w - 1, flanked = 0, total = 0, run = 0;
    *open_run = 0;
    if (lo0 < 0) lo0 = 0;
    if (hi1 > lim) hi1 = lim;
    for (t = t0; t <= t1; t++) {
        int c, hit = 0;
        for (c = lo0; c <= lo1 && !hit; c++)
            hit = horiz ? GET_DATA_BIT(data + (size_t)c * (size_t)wpl, t) != 0
                        : GET_DATA_BIT(data + (size_t)t * (size_t)wpl, c) != 0;
        for (c = hi0; c <= hi1 && !hit; c++)
            hit = horiz ? GET_DATA_BIT(data + (size_t)c * (size_t)wpl, t) != 0
                        : GET_DATA_BIT(data + (size_t)t * (size_t)wpl, c) != 0;
        flanked += hit;
        total++;
        run = hit ? 0 : run + 1;
        if (run > *open_run) *open_run = run;
    }
    return total > 0 ? (double)flanked / total : 1.0;
}

/* Along the segment's box: the share of positions where the binary page
 * has ink across the box, and the longest run of such positions. */
static void binary_runs(PIX *bin, int horiz, l_int32 bx, l_int32 by, l_int32 bw, l_int32 bh,
                        double *share, int *maxrun)
{
    l_uint32 *data = pixGetData(bin);
    l_int32 wpl = pixGetWpl(bin);
    int t, t0 = horiz ? bx : by, t1 = horiz ? bx + bw - 1 : by + bh - 1;
    int c0 = horiz ? by : bx, c1 = horiz ? by + bh - 1 : bx + bw - 1;
    int run = 0, hits = 0;
    *maxrun = 0;
    for (t = t0; t <= t1; t++) {
        int c, hit = 0;
        for (c = c0; c <= c1 && !hit; c++)
            hit = horiz ? GET_DATA_BIT(data + (size_t)c * (size_t)wpl, t) != 0
                        : GET_DATA_BIT(data + (size_t)t * (size_t)wpl, c) != 0;
        run = hit ? run + 1 : 0;
        if (run > *maxrun) *maxrun = run;
        hits += hit;
    }
    *share = t1 >= t0 ? (double)hits / (t1 - t0 + 1) : 0.0;
}

/* Mean over the inked positions of the segment of the darkest gray value
 * across its box (0 black .. 255 white). */
static int seg_darkness(PIX *gray, int horiz, l_int32 bx, l_int32 by, l_int32 bw, l_int32 bh)
{
    l_uint32 *data = pixGetData(gray);
    l_int32 wpl = pixGetWpl(gray);
    int t, t0 = horiz ? bx : by, t1 = horiz ? bx + bw - 1 : by + bh - 1;
    int c0 = horiz ? by : bx, c1 = horiz ? by + bh - 1 : bx + bw - 1;
    long sum = 0, n = 0;
    for (t = t0; t <= t1; t++) {
        int c, m = 255;
        for (c = c0; c <= c1; c++) {
            int v = horiz ? (int)GET_DATA_BYTE(data + (size_t)c * (size_t)wpl, t)
                          : (int)GET_DATA_BYTE(data + (size_t)t * (size_t)wpl, c);
            if (v < m) m = v;
        }
        if (m < 230) { /* positions with ink only: gaps say nothing */
            sum += m;
            n++;
        }
    }
    return n > 0 ? (int)(sum / n) : 255;
}

/* Segments flanked by ink over more than this share of their length are
 * character strokes, not rules, unless a stretch of p->minlen (0.2 in)
 * has paper on both sides: a character's stroke has the character's
 * other strokes around it all along, a rule runs clear of them between
 * the cells' texts. Ink beside a rule over much of it: a seal's ring
 * running along a funds column rule (seed 3737 doc014 p1, flanked over
 * 45 %). */
#define FD_MAX_FLANKED 0.45
/* ... and a broken run flanked over at most this share, or clear of ink
 * over p->minlen, is a broken rule: the row rules a faded one-row rule
 * ends at, blurred, and the unit's name close to it flanked the rule after
 * 实施单位 over 13 % (seed 6161 doc020 p5). With both: hard-tier cell
 * recall 95.24 -> 97.11 % (seed 3737), 96.15 -> 96.97 % (6161), 97.08 ->
 * 97.11 % (8282), the other three hard tiers and every clean and scan tier
 * unchanged. */
#define FD_RULE_FLANKED 0.1

static fd_status mask_segments(PIX *mask, PIX *bin, PIX *gray, int horiz, const gparams *p,
                               gseg **out, size_t *nout, double *dark, fd_diag *dg)
{
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;
    gseg *segs = NULL;
    size_t n = 0;
    l_int32 i, nc;
    fd_status st = FD_OK;
    *out = NULL;
    *nout = 0;
    boxa = pixConnComp(mask, &pixa, 8);
    if (boxa != NULL && pixa != NULL && split_jogs(mask, horiz, p, boxa, pixa) > 0) {
        boxaDestroy(&boxa);
        pixaDestroy(&pixa);
        boxa = pixConnComp(mask, &pixa, 8);
    }
    if (boxa == NULL || pixa == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: connected components failed");
        goto cleanup;
    }
    nc = boxaGetCount(boxa);
    segs = fd_calloc((size_t)(nc > 0 ? nc : 1), sizeof *segs);
    if (segs == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    for (i = 0; i < nc; i++) {
        l_int32 bx, by, bw, bh, cnt = 0;
        int len, thick = 0, ok = 1, open_run = 0;
        double c = 0.0, c0 = 0.0, c1 = 0.0, flank = 1.0;
        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        len = horiz ? bw : bh;
        if (len < (horiz ? p->minlen_h : p->minlen)) ok = 0;
        if (ok) {
            /* Mean thickness from the pixel count (a tilted or slightly
             * curved line has a box taller than the line); the centre
             * line then lies within the box, shrunk by half a thickness. */
            PIX *cp = pixaGetPix(pixa, i, L_CLONE);
            double half;
            if (cp != NULL) pixCountPixels(cp, &cnt, NULL);
            pixDestroy(&cp);
            thick = (int)lround((double)cnt / len);
            if (cnt == 0 || thick > p->maxthick) ok = 0;
            half = (thick < 1 ? 1 : thick) / 2.0;
            c0 = (horiz ? by : bx) + half - 0.5;
            c1 = (horiz ? by + bh : bx + bw) - half - 0.5;
            if (c1 < c0) c0 = c1 = (c0 + c1) / 2.0;
            c = (c0 + c1) / 2.0;
        }
        if (ok) {
            flank = flank_share(bin, horiz, bx, by, bw, bh, p->reach, &open_run);
            if (flank > FD_MAX_FLANKED && open_run < p->minlen) ok = 0;
        }
        if (ok) {
            /* A rule that shows in the binary page has long unbroken runs
             * (even a broken rule is cut into pieces longer than a
             * character); strokes of characters merged by the averaging
             * (the tops of "777", a row of underlined bottoms) show as runs
             * no longer than a character. A rule too faint to show in the
             * binary page is judged by the other tests alone; a dark one
             * that shows in pieces is characters, a light one a faded,
             * broken rule. A run that shows almost everywhere (a dashed or
             * broken rule, short gaps), or a light one, with paper on both
             * sides nearly all along is a rule too: merged characters have
             * the rest of their strokes beside the run. */
            double share;
            int maxrun;
            binary_runs(bin, horiz, bx, by, bw, bh, &share, &maxrun);
            if (maxrun < p->minrun) {
                int dk = seg_darkness(gray, horiz, bx, by, bw, bh);
                int rule = (flank <= FD_RULE_FLANKED || open_run >= p->minlen) && (share >= 0.8 || dk >= 140);
                if ((share >= 0.55 && !rule) || (share >= 0.3 && dk < 110)) ok = 0;
            }
        }
        if (!ok) {
            /* Remove the component from the mask, so that the boundary
             * tests only see accepted segments. */
            PIX *cp = pixaGetPix(pixa, i, L_CLONE);
            if (cp != NULL) pixRasterop(mask, bx, by, bw, bh, PIX_SUBTRACT, cp, 0, 0);
            pixDestroy(&cp);
            continue;
        }
        {
            /* Pixel sums for the line's direction (step 3b): relative to
             * the page centre, so that the sums stay well conditioned. */
            PIX *cp = pixaGetPix(pixa, i, L_CLONE);
            double ct = (horiz ? pixGetWidth(mask) : pixGetHeight(mask)) / 2.0;
            double cc = (horiz ? pixGetHeight(mask) : pixGetWidth(mask)) / 2.0;
            memset(segs[n].rs, 0, sizeof segs[n].rs);
            if (cp != NULL) {
                l_uint32 *d = pixGetData(cp);
                l_int32 cwpl = pixGetWpl(cp), yy, xx;
                for (yy = 0; yy < bh; yy++)
                    for (xx = 0; xx < bw; xx++) {
                        double tt, cv;
                        if (!GET_DATA_BIT(d + (size_t)yy * (size_t)cwpl, xx)) continue;
                        tt = (horiz ? bx + xx : by + yy) - ct;
                        cv = (horiz ? by + yy : bx + xx) - cc;
                        segs[n].rs[0] += 1.0;
                        segs[n].rs[1] += tt;
                        segs[n].rs[2] += cv;
                        segs[n].rs[3] += tt * tt;
                        segs[n].rs[4] += tt * cv;
                    }
            }
            pixDestroy(&cp);
        }
        /* length-weighted darkness of the accepted rules, see rules_are_faint */
        dark[0] += (double)len * seg_darkness(gray, horiz, bx, by, bw, bh);
        dark[1] += (double)len;
        segs[n].c = c;
        segs[n].c0 = c0;
        segs[n].c1 = c1;
        segs[n].lo = horiz ? bx : by;
        segs[n].hi = horiz ? bx + bw - 1 : by + bh - 1;
        segs[n].len = len;
        segs[n].thick = thick < 1 ? 1 : thick;
        n++;
    }
    qsort(segs, n, sizeof *segs, cmp_seg);
    *out = segs;
    *nout = n;
    segs = NULL;
cleanup:
    fd_free(segs);
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    return st;
}

/* Segments (sorted by c0) → lines. Segments whose centre-line ranges
 * overlap or come within `tight` pixels are one line (single linkage).
 * The tolerance is small on purpose: two sections of the form may have
 * column rules only a few pixels apart, and they are distinct lines of
 * the grid; the pieces of one broken or tilted rule have centre lines
 * that continue each other. */
static fd_status cluster_lines(const gseg *segs, size_t n, const gparams *p, gline **out,
                               size_t *nout, fd_diag *dg)
{
    gline *lines;
    size_t i, k = 0;
    int j;
    *out = NULL;
    *nout = 0;
    lines = fd_calloc(n > 0 ? n : 1, sizeof *lines);
    if (lines == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
    for (i = 0; i < n; i++) {
        const gseg *s = &segs[i];
        if (k > 0 && s->c0 <= lines[k - 1].c1 + p->tight) {
            gline *l = &lines[k - 1];
            l->pos += s->c * s->len;
            l->wsum += s->len;
            if (s->c1 > l->c1) l->c1 = s->c1;
            if (s->lo < l->lo) l->lo = s->lo;
            if (s->hi > l->hi) l->hi = s->hi;
            if (s->thick > l->thick) l->thick = s->thick;
            for (j = 0; j < 5; j++) l->rs[j] += s->rs[j];
        } else {
            gline *l = &lines[k++];
            l->pos = s->c * s->len;
            l->wsum = s->len;
            l->c1 = s->c1;
            l->lo = s->lo;
            l->hi = s->hi;
            l->thick = s->thick;
            l->keep = 1;
            memcpy(l->rs, s->rs, sizeof l->rs);
        }
    }
    for (i = 0; i < k; i++) lines[i].pos /= lines[i].wsum;
    *out = lines;
    *nout = k;
    return FD_OK;
}

/* Crossing point of a horizontal line (centre hpos at x = cx, slope hs =
 * dy/dx) and a vertical one (centre vpos at y = cy, slope vs = dx/dy). */
static void isect(double hpos, double hs, double vpos, double vs, double cx, double cy, double *x,
                  double *y)
{
    double den = 1.0 - vs * hs;
    if (fabs(den) < 1e-6) den = 1e-6;
    *x = (vpos + vs * (hpos - hs * cx - cy)) / den;
    *y = hpos + hs * (*x - cx);
}

/* Step 3b: the direction of every line. Rules are straight, but after the
 * deskew they are not quite level: a residual skew tilts them all alike,
 * and a perspective warp (a page not flat on the scanner glass) tilts them
 * by an amount that changes linearly across the page. Each line's slope is
 * the least-squares fit of its mask pixels; a line that is short or faint
 * fits badly, so all lines take the slope of a weighted linear model of
 * slope against position fitted to the long ones. pos becomes the centre
 * at the page centre (cpage along the line). */
static void fit_slopes(gline *l, size_t n, double cpage, double clen, double *ma, double *mb)
{
    double sw = 0, sp = 0, ss = 0, spp = 0, sps = 0, a = 0.0, b = 0.0;
    size_t i;
    int pass, used = 0;
    for (i = 0; i < n; i++) {
        const double *r = l[i].rs;
        double vt = r[0] > 0 ? r[3] - r[1] * r[1] / r[0] : 0.0;
        l[i].slope = 0.0;
        if (r[0] > 0 && vt > 1e-9) {
            l[i].slope = (r[4] - r[1] * r[2] / r[0]) / vt;
            if (l[i].slope > 0.05) l[i].slope = 0.05;
            if (l[i].slope < -0.05) l[i].slope = -0.05;
        }
    }
    for (pass = 0; pass < 2; pass++) {
        sw = sp = ss = spp = sps = 0.0;
        used = 0;
        for (i = 0; i < n; i++) {
            const double *r = l[i].rs;
            double w, pos;
            if (!l[i].keep || r[0] <= 0 || l[i].hi - l[i].lo < clen / 4) continue;
            pos = r[2] / r[0];
            if (pass > 0 && fabs(l[i].slope - (a + b * pos)) > 0.004) continue;
            w = (double)(l[i].hi - l[i].lo);
            sw += w;
            sp += w * pos;
            ss += w * l[i].slope;
            spp += w * pos * pos;
            sps += w * pos * l[i].slope;
            used++;
        }
        if (used == 0) break;
        {
            double den = sw * spp - sp * sp;
            if (used >= 3 && den > 1e-9 * sw * sw) {
                b = (sw * sps - sp * ss) / den;
                a = (ss - b * sp) / sw;
            } else {
                b = 0.0;
                a = ss / sw;
            }
        }
    }
    for (i = 0; i < n; i++) {
        const double *r = l[i].rs;
        double pos;
        if (r[0] <= 0) continue;
        pos = r[2] / r[0];
        if (used > 0) l[i].slope = a + b * pos;
        /* centre at the page centre: the mean pixel lies at mean t */
        l[i].pos = cpage + pos - l[i].slope * (r[1] / r[0]);
    }
    if (ma != NULL) *ma = used > 0 ? a : 0.0;
    if (mb != NULL) *mb = used > 0 ? b : 0.0;
}

typedef struct segref {
    double pos;  /* centre at the page centre, model slope */
    size_t i;
} segref;

static int cmp_segref(const void *x, const void *y)
{
    const segref *a = x, *b = y;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

/* Step 3b (second clustering): segments grouped again by their centre at
 * the page centre, using the slope model (a + b * position) of the first
 * fit. On a tilted page the centre lines of long segments drift over
 * several pixels, and the first clustering joins the rules of two blocks a
 * few pixels apart into one; referred to the page centre they are apart.
 * Replaces *lines (freed) with the new lines. */
static fd_status recluster(gseg *segs, size_t n, double a, double b, double cpage,
                           double tight, gline **lines, size_t *nlines, fd_diag *dg)
{
    segref *ref = NULL;
    gline *out = NULL;
    size_t i, k = 0;
    int j;
    double last = 0.0;
    if (n == 0) return FD_OK;
    ref = fd_malloc(n * sizeof *ref);
    out = fd_calloc(n, sizeof *out);
    if (ref == NULL || out == NULL) {
        fd_free(ref);
        fd_free(out);
        return fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
    }
    for (i = 0; i < n; i++) {
        const double *r = segs[i].rs;
        double c = r[0] > 0 ? r[2] / r[0] : segs[i].c - cpage;
        double t = r[0] > 0 ? r[1] / r[0] : 0.0;
        ref[i].pos = cpage + c - (a + b * c) * t;
        ref[i].i = i;
    }
    qsort(ref, n, sizeof *ref, cmp_segref);
    for (i = 0; i < n; i++) {
        const gseg *s = &segs[ref[i].i];
        gline *l;
        if (k == 0 || ref[i].pos - last > tight) {
            l = &out[k++];
            l->lo = s->lo;
            l->hi = s->hi;
            l->thick = s->thick;
            l->keep = 1;
            l->pos = ref[i].pos;
        } else {
            l = &out[k - 1];
            if (s->lo < l->lo) l->lo = s->lo;
            if (s->hi > l->hi) l->hi = s->hi;
            if (s->thick > l->thick) l->thick = s->thick;
        }
        l->wsum += s->len;
        segs[ref[i].i].line = k - 1;
        l->c1 = ref[i].pos;
        for (j = 0; j < 5; j++) l->rs[j] += s->rs[j];
        last = ref[i].pos;
    }
    fd_free(ref);
    fd_free(*lines);
    *lines = out;
    *nlines = k;
    return FD_OK;
}

/* Step 3b (split): the single-linkage clustering chains the pieces of a
 * broken rule, and with them it can chain the rules of two blocks that lie
 * two to four pixels apart (the funds block's column rule above the goals
 * block and the indicator block's below it): every piece is within `tight`
 * of the next, the two ends are not. A line whose segments fall into two
 * groups along it, with a gap of at least 0.2 in between them (a rule
 * broken by a scan is broken for less) and both long enough to be rules,
 * is split where the two groups, each along its own fitted direction, are
 * more than `tight` apart at the middle of the gap. Each group follows
 * the mean slope of its own pieces of half an inch or more (a fit to the
 * whole group would follow the jogs between its pieces; the slope model,
 * a + b * position, is a page-wide compromise off by 0.001 on a warped
 * page, a pixel over the distances here), or the model's without them.
 * lines has room for nseg lines (recluster allocates one per segment, and
 * every line keeps at least one). */
typedef struct segorder {
    int lo;
    size_t i;
} segorder;

static int cmp_segorder(const void *x, const void *y)
{
    const segorder *u = x, *v = y;
    return (u->lo > v->lo) - (u->lo < v->lo);
}

/* Own slope of a segment from its pixel sums; 0 when it has none. */
static double seg_slope(const double *r)
{
    double vt = r[0] > 0 ? r[3] - r[1] * r[1] / r[0] : 0.0;
    return vt > 1e-9 ? (r[4] - r[1] * r[2] / r[0]) / vt : 0.0;
}

/* Position across, at along-coordinate t, of a group with pixel sums r
 * and slope `slope` (all relative to the page centre). */
static double group_at(const double *r, double slope, double t)
{
    return r[2] / r[0] + slope * (t - r[1] / r[0]);
}

static void line_from_segments(gline *l, const gseg *segs, const segorder *ord, size_t from,
                               size_t to, double a, double b, double cpage)
{
    size_t k;
    int j;
    double tm, cm;
    memset(l, 0, sizeof *l);
    l->lo = INT_MAX;
    l->hi = INT_MIN;
    l->keep = 1;
    for (k = from; k < to; k++) {
        const gseg *s = &segs[ord[k].i];
        if (s->lo < l->lo) l->lo = s->lo;
        if (s->hi > l->hi) l->hi = s->hi;
        if (s->thick > l->thick) l->thick = s->thick;
        l->wsum += s->len;
        for (j = 0; j < 5; j++) l->rs[j] += s->rs[j];
    }
    tm = l->rs[0] > 0 ? l->rs[1] / l->rs[0] : 0.0;
    cm = l->rs[0] > 0 ? l->rs[2] / l->rs[0] : 0.0;
    l->pos = cpage + cm - (a + b * cm) * tm;
    l->c1 = l->pos;
}

static fd_status split_blocks(gseg *segs, size_t nseg, gline *lines, size_t *nlines, double a,
                              double b, double cpage, double calong, const gparams *p, fd_diag *dg)
{
    segorder *ord;
    size_t i;
    double gapmin = 0.2 * p->dpi;
    if (nseg < 2) return FD_OK;
    ord = fd_malloc(nseg * sizeof *ord);
    if (ord == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
    for (i = 0; i < *nlines; i++) {
        size_t m = 0, k, j, best = 0;
        double bestdiff = p->tight;
        int maxhi;
        for (j = 0; j < nseg; j++)
            if (segs[j].line == i) {
                ord[m].lo = segs[j].lo;
                ord[m++].i = j;
            }
        if (m < 2) continue;
        qsort(ord, m, sizeof *ord, cmp_segorder);
        maxhi = segs[ord[0].i].hi;
        for (k = 1; k < m; k++) {
            int lo_next = segs[ord[k].i].lo;
            double r2[2][5] = {{0}}, len[2] = {0}, sl[2] = {0}, slw[2] = {0}, t, diff, slope[2];
            int c, g;
            if (lo_next - maxhi >= gapmin) {
                for (j = 0; j < m; j++) {
                    const gseg *s = &segs[ord[j].i];
                    g = j < k ? 0 : 1;
                    for (c = 0; c < 5; c++) r2[g][c] += s->rs[c];
                    len[g] += s->len;
                    if (2 * s->len >= p->dpi) {
                        sl[g] += s->len * seg_slope(s->rs);
                        slw[g] += s->len;
                    }
                }
                if (len[0] >= p->minsupport && len[1] >= p->minsupport && r2[0][0] > 0 &&
                    r2[1][0] > 0) {
                    for (g = 0; g < 2; g++)
                        slope[g] = slw[g] > 0 ? sl[g] / slw[g] : a + b * (r2[g][2] / r2[g][0]);
                    t = (maxhi + lo_next) / 2.0 - calong;
                    diff = fabs(group_at(r2[0], slope[0], t) - group_at(r2[1], slope[1], t));
                    if (diff > bestdiff) {
                        bestdiff = diff;
                        best = k;
                    }
                }
            }
            if (segs[ord[k].i].hi > maxhi) maxhi = segs[ord[k].i].hi;
        }
        if (best == 0) continue;
        line_from_segments(&lines[i], segs, ord, 0, best, a, b, cpage);
        line_from_segments(&lines[*nlines], segs, ord, best, m, a, b, cpage);
        for (k = best; k < m; k++) segs[ord[k].i].line = *nlines;
        (*nlines)++;
        i--; /* the upper group may hold two blocks yet */
    }
    fd_free(ord);
    return FD_OK;
}

/* Step 3c: pieces of one tilted rule that the clustering left apart (their
 * centre lines did not touch) lie at the same position once referred to
 * the page centre with their slope: merged, pixel sums and extents
 * combined. Rules of two blocks a few pixels apart stay distinct (tight is
 * below that). */
static void merge_same(gline *l, size_t n, double cpage, double tight)
{
    size_t i, j;
    int k;
    for (i = 0; i < n; i++) {
        if (!l[i].keep || l[i].rs[0] <= 0) continue;
        for (j = i + 1; j < n; j++) {
            if (!l[j].keep || l[j].rs[0] <= 0 || fabs(l[j].pos - l[i].pos) > tight) continue;
            for (k = 0; k < 5; k++) l[i].rs[k] += l[j].rs[k];
            if (l[j].lo < l[i].lo) l[i].lo = l[j].lo;
            if (l[j].hi > l[i].hi) l[i].hi = l[j].hi;
            if (l[j].thick > l[i].thick) l[i].thick = l[j].thick;
            l[i].wsum += l[j].wsum;
            /* the pieces met different rules: the whole meets them all */
            l[i].crosses += l[j].crosses;
            l[i].pos = cpage + l[i].rs[2] / l[i].rs[0] - l[i].slope * (l[i].rs[1] / l[i].rs[0]);
            l[j].keep = 0;
        }
    }
}

/* Whether a segment of line `line` reaches along-coordinate t, within tol. */
static int reaches(const gseg *segs, size_t n, size_t line, double t, int tol)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (segs[i].line == line && t >= segs[i].lo - tol && t <= segs[i].hi + tol) return 1;
    return 0;
}

/* Step 4: keep lines that cross at least two lines of the other direction.
 * A crossing is where a segment of one of the two lines reaches the other
 * line: two lines that only overlap in extent (strokes beside a rule) do
 * not meet. A line that meets fewer than FD_TRUSTED_CROSSINGS counts only
 * the crossings one of its own segments reaches, and a line none of whose
 * crossings has segments of both lines there meets nothing: a run of
 * character bottoms along a row of numbers spans the column rules between
 * its cells (they pass there) and passes rules of other blocks that end
 * above it (it passes there), but each of its pieces stops short of the
 * column rules by the padding. A longer line counts every crossing: a
 * broken or faint rule, or one a seal hides in part, misses some with its
 * own pieces, but not all. */
#define FD_TRUSTED_CROSSINGS 3

/* Sets the crossings of each kept line of a (n_a lines) with the kept
 * lines of b (n_b), as filter_crossing counts them. meet holds the pair
 * (a[i], b[j]) at i * stride_a + j * stride_b; own is the bit set where
 * a's own segment reaches the crossing. */
static void count_crossings(gline *a, size_t n_a, const gline *b, size_t n_b,
                            const unsigned char *meet, size_t stride_a, size_t stride_b, int own_bit)
{
    size_t i, j;
    for (i = 0; i < n_a; i++) {
        int own = 0, both = 0;
        a[i].crosses = 0;
        if (!a[i].keep) continue;
        for (j = 0; j < n_b; j++) {
            unsigned char m = meet[i * stride_a + j * stride_b];
            if (!b[j].keep) continue;
            a[i].crosses += m != 0;
            own += (m & own_bit) != 0;
            both += (m & 3) == 3;
        }
        if (a[i].crosses < FD_TRUSTED_CROSSINGS) a[i].crosses = own;
        if (both == 0) a[i].crosses = 0;
    }
}

/* Drops the kept lines that cross fewer than two; 1 when any was. */
static int drop_uncrossed(gline *a, size_t n)
{
    size_t i;
    int dropped = 0;
    for (i = 0; i < n; i++)
        if (a[i].keep && a[i].crosses < 2) {
            a[i].keep = 0;
            dropped = 1;
        }
    return dropped;
}

static void filter_crossing(gline *h, size_t nh, gline *v, size_t nv, const gseg *hs, size_t nhs,
                            const gseg *vs, size_t nvs, int tol, double cx, double cy)
{
    int changed = 1;
    size_t i, j;
    /* per pair: bit 1 the horizontal line's segments reach the crossing,
     * bit 2 the vertical one's (either: the pair meets); found once, it
     * does not change between rounds */
    unsigned char *meet = fd_calloc(nh * nv + 1, 1);
    for (i = 0; i < nh && meet != NULL; i++)
        for (j = 0; j < nv; j++) {
            double x, y;
            int m;
            isect(h[i].pos, h[i].slope, v[j].pos, v[j].slope, cx, cy, &x, &y);
            if (!(x >= h[i].lo - tol && x <= h[i].hi + tol && y >= v[j].lo - tol &&
                  y <= v[j].hi + tol))
                continue;
            m = reaches(hs, nhs, i, x, tol) | 2 * reaches(vs, nvs, j, y, tol);
            meet[i * nv + j] = (unsigned char)m;
        }
    if (meet == NULL) {
        /* out of memory: no line is judged by its crossings (a count no
         * page reaches, which merge_same may still add up) */
        for (i = 0; i < nh; i++) h[i].crosses = 1 << 16;
        for (j = 0; j < nv; j++) v[j].crosses = 1 << 16;
        return;
    }
    while (changed) {
        count_crossings(h, nh, v, nv, meet, nv, 1, 1);
        count_crossings(v, nv, h, nh, meet, 1, nv, 2);
        changed = drop_uncrossed(h, nh);
        changed |= drop_uncrossed(v, nv);
    }
    fd_free(meet);
}

/* ------------------------------------------------------------------ */
/* Boundary tests                                                     */
/* ------------------------------------------------------------------ */

/* Fraction of the boundary lo..hi (along the line) at position pos
 * (across) where the mask has ink within ±band of the line. The line's
 * local position may differ from pos by up to ±shift (a page that is
 * slightly warped or curved has lines that are not quite parallel), so the
 * best offset in that range is taken. Positions near the ends (the
 * crossing rules) are left out. *maxmiss: the longest run without ink;
 * *endmiss: the longer of the runs without ink at either end (both at the
 * best offset; either pointer may be NULL). Raw word access on the 1 bpp
 * mask. */
static double coverage(PIX *mask, int horiz, double pos, double slope, double tref, int lo,
                       int hi, int band, int margin, int shift, int *maxmiss, int *endmiss)
{
    l_uint32 *data = pixGetData(mask);
    l_int32 wpl = pixGetWpl(mask), w = pixGetWidth(mask), h = pixGetHeight(mask);
    int a = lo + margin, b = hi - margin, t, o, best = 0, total;
    int reach = shift + band, lim_t = horiz ? w - 1 : h - 1, lim_c = horiz ? h - 1 : w - 1;
    uint64_t *bits = NULL;
    if (reach > 31) reach = 31; /* offsets -reach..reach fit in 63 bits */
    if (shift > reach - band) shift = reach - band;
    if (shift < 0) shift = 0;
    if (b < a) {
        a = (lo + hi) / 2;
        b = a;
    }
    if (a < 0) a = 0;
    if (b > lim_t) b = lim_t;
    if (b < a) return 0.0;
    total = b - a + 1;
    bits = fd_calloc((size_t)total, sizeof *bits);
    if (bits == NULL) return 0.0;
    for (t = a; t <= b; t++) {
        uint64_t m = 0;
        int c, at = (int)lround(pos + slope * ((double)t - tref)); /* the line here */
        for (c = at - reach; c <= at + reach; c++) {
            int hit;
            if (c < 0 || c > lim_c) continue;
            hit = horiz ? GET_DATA_BIT(data + (size_t)c * (size_t)wpl, t) != 0
                        : GET_DATA_BIT(data + (size_t)t * (size_t)wpl, c) != 0;
            if (hit) m |= (uint64_t)1 << (c - at + reach);
        }
        bits[t - a] = m;
    }
    if (maxmiss != NULL) *maxmiss = total;
    if (endmiss != NULL) *endmiss = total;
    for (o = -shift; o <= shift; o++) {
        /* window of offsets o-band..o+band, as bit positions */
        uint64_t win = (((uint64_t)1 << (2 * band + 1)) - 1) << (o - band + reach);
        int hits = 0, miss = 0, longest = 0, first = -1;
        for (t = 0; t < total; t++) {
            int hit = (bits[t] & win) != 0;
            hits += hit;
            if (hit && first < 0) first = t;
            miss = hit ? 0 : miss + 1;
            if (miss > longest) longest = miss;
        }
        if (hits > best) {
            best = hits;
            if (maxmiss != NULL) *maxmiss = longest;
            /* first is set: hits > 0; miss is the trailing run */
            if (endmiss != NULL) *endmiss = first > miss ? first : miss;
        }
    }
    fd_free(bits);
    return (double)best / total;
}

/* Minimum coverage for a boundary segment to count as a ruling line. */
#define FD_MIN_COVERAGE 0.7

typedef struct gwork {
    int *xs, *ys;       /* positions at the page centre (xs at y = cy, ys at x = cx) */
    double *sx, *sy;    /* their slopes (dx/dy, dy/dx), see fit_slopes */
    double cx, cy;
    size_t nx, ny;
    unsigned char *vb;  /* vb[r * nx + k]: vertical boundary at xs[k] in row r exists */
    unsigned char *hb;  /* hb[k * nx + c]: horizontal boundary at ys[k] in column c exists */
    double *vc, *hc;    /* coverage of the normal mask, same indices (repair_groups) */
    int *xlo, *xhi;     /* extent along it (y) of the line each xs[k] came from */
    int *ylo, *yhi;     /* the same (x) for ys[k] */
} gwork;

/* Band half-width and search shift for a line dn px from its nearest
 * neighbour (INT_MAX: none): at most half-way to it, so that a test never
 * reads the rule of a neighbouring line a few pixels away. */
static void reach_for_gap(int dn, const gparams *p, int *band, int *shift)
{
    int half = dn == INT_MAX ? INT_MAX : (dn - 1) / 2;
    *band = p->band < half ? p->band : half;
    if (*band < 1) *band = 1;
    *shift = half == INT_MAX ? p->shift : half - *band;
    if (*shift > p->shift) *shift = p->shift;
    if (*shift < 0) *shift = 0;
}

/* reach_for_gap for position k of the sorted positions pos[0..n). */
static void local_reach(const int *pos, size_t n, size_t k, const gparams *p, int *band,
                        int *shift)
{
    int dn = INT_MAX;
    if (k > 0) dn = pos[k] - pos[k - 1];
    if (k + 1 < n && pos[k + 1] - pos[k] < dn) dn = pos[k + 1] - pos[k];
    reach_for_gap(dn, p, band, shift);
}

/* Sorts positions pos[0..n) with their slopes (few; insertion sort):
 * referred to the page centre, lines clustered in order of their first
 * pixel may swap when they are tilted. */
static void sort_positions(int *pos, double *slope, int *lo, int *hi, size_t n)
{
    size_t i, j;
    for (i = 1; i < n; i++) {
        int p = pos[i], l = lo[i], h = hi[i];
        double s = slope[i];
        for (j = i; j > 0 && pos[j - 1] > p; j--) {
            pos[j] = pos[j - 1];
            slope[j] = slope[j - 1];
            lo[j] = lo[j - 1];
            hi[j] = hi[j - 1];
        }
        pos[j] = p;
        slope[j] = s;
        lo[j] = l;
        hi[j] = h;
    }
}

/* Crossing point of horizontal position r and vertical position c. */
static void gcorner(const gwork *g, size_t r, size_t c, double *x, double *y)
{
    isect(g->ys[r], g->sy[r], g->xs[c], g->sx[c], g->cx, g->cy, x, y);
}

/* Mean darkness (0 black .. 255 white, length-weighted over the accepted
 * segments) from which a page's rules count as faded and the boundary
 * tests also look at the sensitive masks. Clean and ordinary scans have
 * rules darker than ~100; on them the sensitive masks only add text
 * strokes that line up with a rule of another block. */
#define FD_FAINT_RULES 105

/* Minimum coverage of the sensitive mask for a boundary the normal test
 * missed; the line is known to be there, at most shift 1 from its course. */
#define FD_MIN_FAINT_COVERAGE 0.8

/* The guided test of a boundary on the sensitive mask: most of it shows.
 * With bridge set (the rule exists on both sides of this boundary), also
 * when more than half of it shows and what is missing is no longer than
 * the breaks of a broken rule: on a short boundary one break is a large
 * share of its length. Without bridge, the mask must also show the line at
 * both ends, next to the crossing rules: on faded hard scans the sensitive
 * mask joins the vertical strokes of a text line that happen to sit at a
 * rule position of another block into a run of 80 % of a single-line row,
 * which stops a cell padding short of the rules (seed 9191 doc014 p1: eight
 * name and reason cells split in two, every such run 4 to 6 px short at
 * an end); a faint rule reaches them. Measured on the hard tiers of five
 * generated sets: cell recall up 0.2 to 1.2 points, none down. */
static int faint_test(PIX *fmask, int horiz, double pos, double slope, double tref, double lo,
                      double hi, int band, int shift, const gparams *p, int bridge)
{
    int maxmiss = 0, endmiss = 0;
    double cov = coverage(fmask, horiz, pos, slope, tref, (int)lround(lo), (int)lround(hi), band,
                          p->maxthick / 2 + 1, shift < 1 ? shift : 1, &maxmiss, &endmiss);
    if (bridge) return cov >= FD_MIN_FAINT_COVERAGE || (cov >= 0.6 && maxmiss <= p->maxbreak);
    return cov >= FD_MIN_FAINT_COVERAGE && endmiss == 0;
}

/* A column rule of a faded, broken scan whose segment meets a row rule at
 * one end and stops short of the next row rule at the other: the break
 * left a piece shorter than a segment between them, and the line met one
 * rule only and was dropped (seed 3737 doc008 p4: the one-row rule after
 * 实施单位, 60 px seen of 94, a 15 px break, a 19 px piece). It stays when
 * its segment has paper on both sides (flanked over at most
 * FD_RULE_FLANKED: the vertical strokes of stacked characters in a text
 * cell that touch the rule above were flanked over 35..44 %) and the
 * sensitive mask shows it from one rule to the other, both ends included
 * (faint_test). Only the next rule beyond the open end counts, no farther
 * than the segment is long. */
static void rescue_broken_ends(PIX *bin, gline *v, size_t nv, const gline *h, size_t nh, PIX *vfaint,
                               const gparams *p, double cx, double cy)
{
    size_t i, j;
    for (i = 0; i < nv; i++) {
        double y_top = -1.0, y_bottom = -1.0, next_above = -1e18, next_below = 1e18, lo, hi;
        int band, shift, dn = INT_MAX;
        if (v[i].keep || v[i].hi - v[i].lo < p->minlen) continue;
        for (j = 0; j < nh; j++) {
            double x, y;
            if (!h[j].keep) continue;
            isect(h[j].pos, h[j].slope, v[i].pos, v[i].slope, cx, cy, &x, &y);
            if (x < h[j].lo - p->tol || x > h[j].hi + p->tol) continue;
            if (fabs(y - v[i].lo) <= p->tol) y_top = y;
            else if (fabs(y - v[i].hi) <= p->tol) y_bottom = y;
            else if (y < v[i].lo && y > next_above) next_above = y;
            else if (y > v[i].hi && y < next_below) next_below = y;
        }
        if ((y_top < 0.0) == (y_bottom < 0.0)) continue; /* both ends or neither */
        if (y_top >= 0.0) {
            lo = y_top;
            hi = next_below;
        } else {
            lo = next_above;
            hi = y_bottom;
        }
        if (hi - lo > 2.0 * (v[i].hi - v[i].lo + 1) || lo < 0.0) continue;
        {
            int open_run, thick = v[i].thick > 0 ? v[i].thick : 1;
            int x = (int)lround(v[i].pos + v[i].slope * ((v[i].lo + v[i].hi) / 2.0 - cy));
            if (flank_share(bin, 0, x - thick / 2, v[i].lo, thick, v[i].hi - v[i].lo + 1, p->reach,
                            &open_run) > FD_RULE_FLANKED)
                continue;
        }
        /* the test's reach stops short of the kept column rules, as the
         * boundary tests' does (local_reach) */
        for (j = 0; j < nv; j++) {
            double gap = fabs(v[j].pos - v[i].pos);
            if (v[j].keep && gap < dn) dn = (int)lround(gap);
        }
        reach_for_gap(dn, p, &band, &shift);
        if (faint_test(vfaint, 0, v[i].pos, v[i].slope, cy, lo, hi, band, shift, p, 0)) {
            v[i].keep = 1;
            v[i].crosses = 2;
        }
    }
}

/* Most missing boundaries in a row of the table bridged between two
 * existing ones (bridge_row_rules, repair_groups). */
#define FD_MAX_RULE_BREAK 3

/* Whether boundary i of a rule (elements b[j * stride], j < n, 1 = exists)
 * lies in a gap of at most FD_MAX_RULE_BREAK missing boundaries with the
 * rule present on both sides. */
static int in_rule_gap(const unsigned char *b, size_t stride, size_t n, size_t i)
{
    size_t lo = i, hi = i;
    while (lo > 0 && !b[(lo - 1) * stride]) lo--;
    while (hi + 1 < n && !b[(hi + 1) * stride]) hi++;
    return lo > 0 && hi + 1 < n && hi - lo + 1 <= FD_MAX_RULE_BREAK;
}

/* A row rule that stops for at most FD_MAX_RULE_BREAK slots and goes on
 * at the same position exists along the break: on faded hard scans a seal
 * (ring, star and its own text over a rule lighter than itself) hides a
 * rule for a column or two, and the cells above and below had merged (a
 * weight cell holding two rows' digits, the funds header merged with the
 * department's value). On these forms a row rule never stops inside the
 * table to go on further right: the cells that span rows (项目资金, 年度总体
 * 目标, the 一级/二级指标 groups) sit at its left end. Column rules are not
 * bridged: they do stop for a row or two where a text cell spans columns
 * (the goal texts of 年度总体目标 under the funds block's columns). Measured
 * on the hard tiers of six generated sets: cell recall up 0.03 to 1.3
 * points on every one, clean and scan tiers unchanged. */
static void bridge_row_rules(gwork *g)
{
    size_t k, c, nc = g->nx - 1;
    for (k = 1; k + 1 < g->ny; k++) {
        unsigned char *hb = g->hb + k * g->nx;
        for (c = 0; c < nc; c++)
            if (!hb[c] && in_rule_gap(hb, 1, nc, c)) hb[c] = 1;
    }
}

/* Mean over the boundary lo..hi (along the line) at position pos of the
 * darkest gray within ±reach of the line's course (0 black .. 255 white);
 * positions with nothing darker than 230 (gaps) are left out; 255 when
 * there is no ink at all. *n gets the positions counted. */
static double rule_darkness(PIX *gray, int horiz, double pos, double slope, double tref, int lo,
                            int hi, int reach, long *n)
{
    l_uint32 *data = pixGetData(gray);
    l_int32 wpl = pixGetWpl(gray), w = pixGetWidth(gray), h = pixGetHeight(gray);
    int t, lim_t = horiz ? w - 1 : h - 1, lim_c = horiz ? h - 1 : w - 1;
    long sum = 0, count = 0;
    if (lo < 0) lo = 0;
    if (hi > lim_t) hi = lim_t;
    for (t = lo; t <= hi; t++) {
        int c, m = 255, at = (int)lround(pos + slope * ((double)t - tref));
        for (c = at - reach; c <= at + reach; c++) {
            int v;
            if (c < 0 || c > lim_c) continue;
            v = horiz ? (int)GET_DATA_BYTE(data + (size_t)c * (size_t)wpl, t)
                      : (int)GET_DATA_BYTE(data + (size_t)t * (size_t)wpl, c);
            if (v < m) m = v;
        }
        if (m < 230) {
            sum += m;
            count++;
        }
    }
    *n = count;
    return count > 0 ? (double)sum / (double)count : 255.0;
}

/* A column rule fainter than the page's others (a scan that faded one
 * rule, or a lighter pen): on a page whose rules are dark the sensitive
 * masks are not used (they add text strokes in line with the rules), and
 * the boundaries of that one rule that the normal mask misses merge whole
 * columns of cells (a faded rule between 年度指标值 and 实际完成值 over ten
 * rows). When the existing boundaries of column rule k are on average
 * FD_FAINT_RULES or lighter, each missing one between two existing ones
 * is looked for on the sensitive mask along the rule (faint_test). The
 * mask is made on first need (*vfaint, on lg; the caller destroys it).
 * scans/sample005_hard.tif: 138 -> 154 of its 154 cells; the clean, scan
 * and hard tiers of two generated sets (seeds 3737, 8282) unchanged. */
static void faded_rule_tests(PIX *gray, PIX *lg, PIX **vfaint, gwork *g, const gparams *p)
{
    size_t r, k, nr = g->ny - 1;
    for (k = 0; k < g->nx; k++) {
        int band, shift, first = -1, last = -1;
        double sum = 0.0;
        long total = 0;
        local_reach(g->xs, g->nx, k, p, &band, &shift);
        for (r = 0; r < nr; r++) {
            double x0, y0, x1, y1;
            long n = 0;
            if (!g->vb[r * g->nx + k]) continue;
            if (first < 0) first = (int)r;
            last = (int)r;
            gcorner(g, r, k, &x0, &y0);
            gcorner(g, r + 1, k, &x1, &y1);
            sum += rule_darkness(gray, 0, g->xs[k], g->sx[k], g->cy, (int)lround(y0), (int)lround(y1),
                                 band, &n) * (double)n;
            total += n;
        }
        if (total == 0 || sum / (double)total < FD_FAINT_RULES || last - first < 2) continue;
        for (r = (size_t)first + 1; r < (size_t)last; r++) {
            double x0, y0, x1, y1;
            if (g->vb[r * g->nx + k]) continue;
            if (*vfaint == NULL) *vfaint = faint_mask(lg, 0, p);
            if (*vfaint == NULL) return; /* out of memory: this step only helps */
            gcorner(g, r, k, &x0, &y0);
            gcorner(g, r + 1, k, &x1, &y1);
            g->vb[r * g->nx + k] = (unsigned char)faint_test(*vfaint, 0, g->xs[k], g->sx[k], g->cy,
                                                             y0, y1, band, shift, p, 0);
        }
    }
}

/* Which of a near pair (one_of_near_pair) keeps the boundary of a slot
 * s_lo..s_hi along the rules: 1 the first (line extent a_lo..a_hi, its
 * coverage cov_a), 0 the second. */
static int keep_first_of_pair(int a_lo, int a_hi, int b_lo, int b_hi, int s_lo, int s_hi,
                              double cov_a, double cov_b)
{
    int in_a = a_hi > s_lo && a_lo < s_hi, in_b = b_hi > s_lo && b_lo < s_hi;
    if (in_a != in_b) return in_a;
    return cov_a >= cov_b;
}

/* one_of_near_pair along one direction: positions pos[0..npos) with their
 * lines' extents lo/hi, slots between across[0..nacross); the boundary of
 * position k in slot s is exists[k * kstride + s * sstride], its coverage
 * cov[] at the same index. */
static void near_pairs_one_way(const int *pos, size_t npos, const int *lo, const int *hi,
                               const int *across, size_t nacross, unsigned char *exists,
                               const double *cov, size_t kstride, size_t sstride, int near)
{
    size_t k, s;
    for (k = 0; k + 1 < npos; k++) {
        if (pos[k + 1] - pos[k] > near) continue;
        for (s = 0; s + 1 < nacross; s++) {
            size_t a = k * kstride + s * sstride, b = a + kstride;
            if (!exists[a] || !exists[b]) continue;
            if (keep_first_of_pair(lo[k], hi[k], lo[k + 1], hi[k + 1], across[s], across[s + 1], cov[a],
                                   cov[b]))
                exists[b] = 0;
            else
                exists[a] = 0;
        }
    }
}

/* Two positions closer than the shift a test allows (p->shift, 0.05
 * inch) are rules of two blocks that nearly line up (the funds block's
 * column 3 or 4 px off the indicator block's); no row of these forms has
 * a double rule, so in any one slot only one of them is there. The test
 * of each also sees the other (the band cannot be narrower than a blurred
 * rule), and both boundaries came out as existing: a sliver column 3 px
 * wide stood between them, and the cells beside it lost a column of their
 * span. Where both exist, the one whose line (its segments' extent along
 * it) reaches into the slot stays; when both or neither do, the better
 * covered one. Measured on the hard tiers of two generated sets (seeds
 * 3737, 8282): cell recall 93.76 -> 94.76 % and 94.20 -> 94.65 %, scan
 * tier of 8282 99.15 -> 99.97 %. */
static void one_of_near_pair(gwork *g, const gparams *p)
{
    near_pairs_one_way(g->xs, g->nx, g->xlo, g->xhi, g->ys, g->ny, g->vb, g->vc, 1, g->nx, p->shift);
    near_pairs_one_way(g->ys, g->ny, g->ylo, g->yhi, g->xs, g->nx, g->hb, g->hc, g->nx, 1, p->shift);
}

static void boundary_tests(PIX *hmask, PIX *vmask, PIX *hfaint, PIX *vfaint, gwork *g,
                           const gparams *p)
{
    size_t r, c, k;
    int band, shift;
    for (k = 0; k < g->nx; k++) {
        local_reach(g->xs, g->nx, k, p, &band, &shift);
        for (r = 0; r + 1 < g->ny; r++) {
            double x0, y0, x1, y1;
            gcorner(g, r, k, &x0, &y0);
            gcorner(g, r + 1, k, &x1, &y1);
            g->vc[r * g->nx + k] =
                coverage(vmask, 0, g->xs[k], g->sx[k], g->cy, (int)lround(y0),
                                (int)lround(y1), band, p->maxthick / 2 + 1, shift, NULL, NULL);
            g->vb[r * g->nx + k] = g->vc[r * g->nx + k] >= FD_MIN_COVERAGE;
            if (!g->vb[r * g->nx + k] && vfaint != NULL)
                g->vb[r * g->nx + k] = (unsigned char)faint_test(
                    vfaint, 0, g->xs[k], g->sx[k], g->cy, y0, y1, band, shift, p, 0);
        }
    }
    for (k = 0; k < g->ny; k++) {
        local_reach(g->ys, g->ny, k, p, &band, &shift);
        for (c = 0; c + 1 < g->nx; c++) {
            double x0, y0, x1, y1;
            gcorner(g, k, c, &x0, &y0);
            gcorner(g, k, c + 1, &x1, &y1);
            g->hc[k * g->nx + c] =
                coverage(hmask, 1, g->ys[k], g->sy[k], g->cx, (int)lround(x0),
                                (int)lround(x1), band, p->maxthick / 2 + 1, shift, NULL, NULL);
            g->hb[k * g->nx + c] = g->hc[k * g->nx + c] >= FD_MIN_COVERAGE;
            if (!g->hb[k * g->nx + c] && hfaint != NULL)
                g->hb[k * g->nx + c] = (unsigned char)faint_test(
                    hfaint, 1, g->ys[k], g->sy[k], g->cx, x0, x1, band, shift, p, 0);
        }
    }
    /* A boundary much shorter than a row (between positions of two blocks
     * a few pixels apart) cannot be tested: most of it lies in the gaps
     * the crossing rules leave in the mask. Between two existing ones of
     * the same rule it exists: rules have no gaps that short. */
    for (k = 0; k < g->nx; k++)
        for (r = 1; r + 2 < g->ny; r++)
            if (!g->vb[r * g->nx + k] && g->ys[r + 1] - g->ys[r] < p->minlen &&
                g->vb[(r - 1) * g->nx + k] && g->vb[(r + 1) * g->nx + k])
                g->vb[r * g->nx + k] = 1;
    for (k = 0; k < g->ny; k++)
        for (c = 1; c + 2 < g->nx; c++)
            if (!g->hb[k * g->nx + c] && g->xs[c + 1] - g->xs[c] < p->minlen &&
                g->hb[k * g->nx + c - 1] && g->hb[k * g->nx + c + 1])
                g->hb[k * g->nx + c] = 1;
    one_of_near_pair(g, p);
    bridge_row_rules(g);
    if (hfaint == NULL || vfaint == NULL) return;
    /* Breaks bridged: a boundary between two existing ones of the same rule. */
    for (k = 0; k < g->nx; k++) {
        local_reach(g->xs, g->nx, k, p, &band, &shift);
        for (r = 1; r + 2 < g->ny; r++) {
            double x0, y0, x1, y1;
            if (g->vb[r * g->nx + k] || !g->vb[(r - 1) * g->nx + k] || !g->vb[(r + 1) * g->nx + k])
                continue;
            gcorner(g, r, k, &x0, &y0);
            gcorner(g, r + 1, k, &x1, &y1);
            g->vb[r * g->nx + k] = (unsigned char)faint_test(vfaint, 0, g->xs[k], g->sx[k], g->cy,
                                                             y0, y1, band, shift, p, 1);
        }
    }
    for (k = 0; k < g->ny; k++) {
        local_reach(g->ys, g->ny, k, p, &band, &shift);
        for (c = 1; c + 2 < g->nx; c++) {
            double x0, y0, x1, y1;
            if (g->hb[k * g->nx + c] || !g->hb[k * g->nx + c - 1] || !g->hb[k * g->nx + c + 1])
                continue;
            gcorner(g, k, c, &x0, &y0);
            gcorner(g, k, c + 1, &x1, &y1);
            g->hb[k * g->nx + c] = (unsigned char)faint_test(hfaint, 1, g->ys[k], g->sy[k], g->cx,
                                                             x0, x1, band, shift, p, 1);
        }
    }
}

/* Step 6: drops interior positions along which (almost) no boundary
 * exists: less than minsupport pixels in all. Both
 * directions are judged on the current tests before anything is removed
 * (the test arrays are indexed by the current counts). Returns the number
 * of positions removed. */
/* Length of the existing boundary along vertical position k / horizontal
 * position k, pixels. */
static int support_x(const gwork *g, size_t k)
{
    size_t r;
    int sum = 0;
    for (r = 0; r + 1 < g->ny; r++)
        if (g->vb[r * g->nx + k]) sum += g->ys[r + 1] - g->ys[r];
    return sum;
}

static int support_y(const gwork *g, size_t k)
{
    size_t c;
    int sum = 0;
    for (c = 0; c + 1 < g->nx; c++)
        if (g->hb[k * g->nx + c]) sum += g->xs[c + 1] - g->xs[c];
    return sum;
}

static size_t prune_positions(gwork *g, int minsupport)
{
    size_t removed = 0, k, nx = g->nx, ny = g->ny, j;
    unsigned char dropx[4096], dropy[4096];
    if (nx > sizeof dropx || ny > sizeof dropy) return 0;
    memset(dropx, 0, nx);
    memset(dropy, 0, ny);
    for (k = 1; k + 1 < nx; k++) dropx[k] = (unsigned char)(support_x(g, k) < minsupport);
    for (k = 1; k + 1 < ny; k++) dropy[k] = (unsigned char)(support_y(g, k) < minsupport);
    for (k = 0, j = 0; k < nx; k++)
        if (!dropx[k]) {
            g->sx[j] = g->sx[k];
            g->xlo[j] = g->xlo[k];
            g->xhi[j] = g->xhi[k];
            g->xs[j++] = g->xs[k];
        }
    removed += nx - j;
    g->nx = j;
    for (k = 0, j = 0; k < ny; k++)
        if (!dropy[k]) {
            g->sy[j] = g->sy[k];
            g->ylo[j] = g->ylo[k];
            g->yhi[j] = g->yhi[k];
            g->ys[j++] = g->ys[k];
        }
    removed += ny - j;
    g->ny = j;
    return removed;
}

/* Drops an outer position with too little boundary (a stray frame), so
 * that the table starts at a real rule. Returns the number removed. */
static size_t trim_outer(gwork *g, int minsupport)
{
    size_t j;
    if (g->nx >= 3) {
        if (support_x(g, 0) < minsupport) {
            for (j = 0; j + 1 < g->nx; j++) {
                g->xs[j] = g->xs[j + 1];
                g->sx[j] = g->sx[j + 1];
                g->xlo[j] = g->xlo[j + 1];
                g->xhi[j] = g->xhi[j + 1];
            }
            g->nx--;
            return 1;
        }
        if (support_x(g, g->nx - 1) < minsupport) {
            g->nx--;
            return 1;
        }
    }
    if (g->ny >= 3) {
        if (support_y(g, 0) < minsupport) {
            for (j = 0; j + 1 < g->ny; j++) {
                g->ys[j] = g->ys[j + 1];
                g->sy[j] = g->sy[j + 1];
                g->ylo[j] = g->ylo[j + 1];
                g->yhi[j] = g->yhi[j + 1];
            }
            g->ny--;
            return 1;
        }
        if (support_y(g, g->ny - 1) < minsupport) {
            g->ny--;
            return 1;
        }
    }
    return 0;
}

static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(size_t *parent, size_t a, size_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b) parent[a < b ? b : a] = a < b ? a : b;
}

/* Box of the quad between positions r0..r1 and c0..c1: the axis-aligned
 * box of its four corners, since the lines need not be level. */
static void cell_box(const gwork *g, size_t r0, size_t c0, size_t r1, size_t c1, int *box)
{
    double x[4], y[4], mx0, my0, mx1, my1;
    int i;
    gcorner(g, r0, c0, &x[0], &y[0]);
    gcorner(g, r0, c1, &x[1], &y[1]);
    gcorner(g, r1, c0, &x[2], &y[2]);
    gcorner(g, r1, c1, &x[3], &y[3]);
    mx0 = mx1 = x[0];
    my0 = my1 = y[0];
    for (i = 1; i < 4; i++) {
        if (x[i] < mx0) mx0 = x[i];
        if (x[i] > mx1) mx1 = x[i];
        if (y[i] < my0) my0 = y[i];
        if (y[i] > my1) my1 = y[i];
    }
    box[0] = (int)lround(mx0);
    box[1] = (int)lround(my0);
    box[2] = (int)lround(mx1) - box[0];
    box[3] = (int)lround(my1) - box[1];
}

/* Whether missing boundary `at` (vertical: vb index r * nx + k; else hb
 * index k * nx + c) continues an existing boundary of its rule that would
 * otherwise end at a corner no crossing rule passes: a dead end. Ruling
 * lines of a form end on another rule, so the break lies in the rule, not
 * in the table (a faded stretch at the rule's end, next to the border). */
static int extends_dead_end(const gwork *g, int vert, size_t at)
{
    size_t nx = g->nx, ny = g->ny;
    if (vert) {
        size_t r = at / nx, k = at % nx;
        /* the rule goes on below (row r + 1) or above (row r - 1); the
         * corner is horizontal position r + 1 or r */
        if (r + 2 < ny && g->vb[(r + 1) * nx + k] &&
            !(k > 0 && g->hb[(r + 1) * nx + k - 1]) && !(k + 1 < nx && g->hb[(r + 1) * nx + k]))
            return 1;
        if (r > 0 && g->vb[(r - 1) * nx + k] && !(k > 0 && g->hb[r * nx + k - 1]) &&
            !(k + 1 < nx && g->hb[r * nx + k]))
            return 1;
    } else {
        size_t k = at / nx, c = at % nx;
        if (c + 2 < nx && g->hb[k * nx + c + 1] && !(k > 0 && g->vb[(k - 1) * nx + c + 1]) &&
            !(k + 1 < ny && g->vb[k * nx + c + 1]))
            return 1;
        if (c > 0 && g->hb[k * nx + c - 1] && !(k > 0 && g->vb[(k - 1) * nx + c]) &&
            !(k + 1 < ny && g->vb[k * nx + c]))
            return 1;
    }
    return 0;
}

/* Least coverage of a missing boundary that repair_groups may restore. */
#define FD_MIN_REPAIR_COVERAGE 0.3

/* Step 5a: the cells of a form are rectangles. A group of slots joined
 * across missing boundaries that is not a rectangle says that one of the
 * boundaries inside it was missed (a break of a faded rule at the wrong
 * place); growing it to its bounding rectangle would swallow whole blocks.
 * So, repeatedly, the missing boundary inside such a group with the best
 * coverage (at least FD_MIN_REPAIR_COVERAGE) is taken as existing. When
 * none has that coverage (a seal's suppression took the rules under it),
 * the best-covered one that only fills a short gap of its rule (rule
 * present on both sides, see in_rule_gap) is; failing that, the best-covered
 * one that continues a rule ending at a dead end (extends_dead_end: a rule
 * faded from the table's border up to the first column position, where
 * in_rule_gap finds no rule on the border's side). */
static fd_status repair_groups(gwork *g, fd_diag *dg)
{
    size_t nr = g->ny - 1, nc = g->nx - 1, ns = nr * nc, i, r, c;
    size_t *parent = fd_malloc(ns * sizeof *parent), *cnt = fd_malloc(ns * sizeof *cnt);
    int *r0 = fd_malloc(ns * sizeof *r0), *r1 = fd_malloc(ns * sizeof *r1);
    int *c0 = fd_malloc(ns * sizeof *c0), *c1 = fd_malloc(ns * sizeof *c1);
    int iter;
    fd_status st = FD_OK;
    if (parent == NULL || cnt == NULL || r0 == NULL || r1 == NULL || c0 == NULL || c1 == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    for (iter = 0; iter < 256; iter++) {
        double best = FD_MIN_REPAIR_COVERAGE, bestgap = -1.0, bestend = -1.0;
        long bi = -1, gi = -1, ei = -1;
        int bvert = 0, gvert = 0, evert = 0;
        for (i = 0; i < ns; i++) {
            parent[i] = i;
            cnt[i] = 0;
            r0[i] = c0[i] = INT_MAX;
            r1[i] = c1[i] = -1;
        }
        for (r = 0; r < nr; r++)
            for (c = 0; c + 1 < nc; c++)
                if (!g->vb[r * g->nx + c + 1]) uf_union(parent, r * nc + c, r * nc + c + 1);
        for (r = 0; r + 1 < nr; r++)
            for (c = 0; c < nc; c++)
                if (!g->hb[(r + 1) * g->nx + c]) uf_union(parent, r * nc + c, (r + 1) * nc + c);
        for (r = 0; r < nr; r++)
            for (c = 0; c < nc; c++) {
                size_t root = uf_find(parent, r * nc + c);
                cnt[root]++;
                if ((int)r < r0[root]) r0[root] = (int)r;
                if ((int)r > r1[root]) r1[root] = (int)r;
                if ((int)c < c0[root]) c0[root] = (int)c;
                if ((int)c > c1[root]) c1[root] = (int)c;
            }
        /* the best missing boundary between two slots of a non-rectangular
         * group, and the best of those that fill a gap of their rule */
        for (r = 0; r < nr; r++)
            for (c = 0; c < nc; c++) {
                size_t root = uf_find(parent, r * nc + c);
                int vert;
                if (cnt[root] == (size_t)(r1[root] - r0[root] + 1) * (size_t)(c1[root] - c0[root] + 1))
                    continue;
                for (vert = 1; vert >= 0; vert--) {
                    long at;
                    double cov;
                    if (vert ? c + 1 >= nc : r + 1 >= nr) continue;
                    at = vert ? (long)(r * g->nx + c + 1) : (long)((r + 1) * g->nx + c);
                    if (vert ? g->vb[at] : g->hb[at]) continue;
                    cov = vert ? g->vc[at] : g->hc[at];
                    if (cov > best) {
                        best = cov;
                        bi = at;
                        bvert = vert;
                    }
                    if (cov > bestgap && (vert ? in_rule_gap(g->vb + c + 1, g->nx, nr, r)
                                               : in_rule_gap(g->hb + (r + 1) * g->nx, 1, nc, c))) {
                        bestgap = cov;
                        gi = at;
                        gvert = vert;
                    }
                    if (cov > bestend && extends_dead_end(g, vert, (size_t)at)) {
                        bestend = cov;
                        ei = at;
                        evert = vert;
                    }
                }
            }
        if (bi < 0) {
            bi = gi;
            bvert = gvert;
        }
        if (bi < 0) {
            bi = ei;
            bvert = evert;
        }
        if (bi < 0) break;
        if (bvert) g->vb[bi] = 1;
        else g->hb[bi] = 1;
    }
cleanup:
    fd_free(parent);
    fd_free(cnt);
    fd_free(r0);
    fd_free(r1);
    fd_free(c0);
    fd_free(c1);
    return st;
}

/* Step 5: slots → cells. */
static fd_status build_cells(const gwork *g, fd_grid *out, fd_diag *dg)
{
    size_t nr = g->ny - 1, nc = g->nx - 1, ns = nr * nc, i, r, c;
    size_t *parent = NULL;
    int *r0 = NULL, *r1 = NULL, *c0 = NULL, *c1 = NULL;
    int changed = 1;
    fd_status st = FD_OK;

    parent = fd_malloc(ns * sizeof *parent);
    r0 = fd_malloc(ns * sizeof *r0);
    r1 = fd_malloc(ns * sizeof *r1);
    c0 = fd_malloc(ns * sizeof *c0);
    c1 = fd_malloc(ns * sizeof *c1);
    if (parent == NULL || r0 == NULL || r1 == NULL || c0 == NULL || c1 == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    for (i = 0; i < ns; i++) parent[i] = i;
    for (r = 0; r < nr; r++)
        for (c = 0; c + 1 < nc; c++)
            if (!g->vb[r * g->nx + c + 1]) uf_union(parent, r * nc + c, r * nc + c + 1);
    for (r = 0; r + 1 < nr; r++)
        for (c = 0; c < nc; c++)
            if (!g->hb[(r + 1) * g->nx + c]) uf_union(parent, r * nc + c, (r + 1) * nc + c);

    /* Grow every group to its bounding rectangle, absorbing the groups it
     * overlaps, until all groups are rectangles. */
    while (changed) {
        changed = 0;
        for (i = 0; i < ns; i++) {
            r0[i] = INT_MAX;
            c0[i] = INT_MAX;
            r1[i] = -1;
            c1[i] = -1;
        }
        for (r = 0; r < nr; r++)
            for (c = 0; c < nc; c++) {
                size_t root = uf_find(parent, r * nc + c);
                if ((int)r < r0[root]) r0[root] = (int)r;
                if ((int)r > r1[root]) r1[root] = (int)r;
                if ((int)c < c0[root]) c0[root] = (int)c;
                if ((int)c > c1[root]) c1[root] = (int)c;
            }
        for (r = 0; r < nr; r++)
            for (c = 0; c < nc; c++) {
                size_t s = r * nc + c, root = uf_find(parent, s);
                int rr, cc;
                if (root != s) continue;
                for (rr = r0[root]; rr <= r1[root]; rr++)
                    for (cc = c0[root]; cc <= c1[root]; cc++) {
                        size_t o = (size_t)rr * nc + (size_t)cc;
                        if (uf_find(parent, o) != root) {
                            uf_union(parent, root, o);
                            changed = 1;
                        }
                    }
            }
    }

    out->cells = fd_calloc(ns, sizeof *out->cells);
    if (out->cells == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    /* Roots are the smallest slot index of their group, i.e. the top-left
     * slot, so walking slots in row-major order emits cells ordered by
     * row, then column. */
    out->n_cells = 0;
    for (r = 0; r < nr; r++)
        for (c = 0; c < nc; c++) {
            size_t s = r * nc + c;
            fd_cell *cell;
            if (uf_find(parent, s) != s) continue;
            cell = &out->cells[out->n_cells++];
            cell->row = (int)r;
            cell->col = (int)c;
            cell->rowspan = r1[s] - r0[s] + 1;
            cell->colspan = c1[s] - c0[s] + 1;
            cell_box(g, r, c, r + (size_t)cell->rowspan, c + (size_t)cell->colspan, cell->box);
        }
cleanup:
    fd_free(parent);
    fd_free(r0);
    fd_free(r1);
    fd_free(c0);
    fd_free(c1);
    return st;
}

/* Debug lines: the runs of existing boundaries along every position. */
static fd_status debug_lines(const gwork *g, const gline *hl, size_t nhl, const gline *vl,
                             size_t nvl, fd_grid_debug *dbg, fd_diag *dg)
{
    size_t k, r, c, n;
    int thick_h = 1, thick_v = 1;
    double ax, ay, bx, by;
    for (k = 0; k < nhl; k++)
        if (hl[k].keep && hl[k].thick > thick_h) thick_h = hl[k].thick;
    for (k = 0; k < nvl; k++)
        if (vl[k].keep && vl[k].thick > thick_v) thick_v = vl[k].thick;
    dbg->hlines = fd_calloc(g->ny * g->nx + 1, sizeof *dbg->hlines);
    dbg->vlines = fd_calloc(g->ny * g->nx + 1, sizeof *dbg->vlines);
    if (dbg->hlines == NULL || dbg->vlines == NULL)
        return fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
    n = 0;
    for (k = 0; k < g->ny; k++) {
        c = 0;
        while (c + 1 < g->nx) {
            size_t e;
            if (!g->hb[k * g->nx + c]) {
                c++;
                continue;
            }
            e = c;
            while (e + 1 < g->nx && g->hb[k * g->nx + e]) e++;
            gcorner(g, k, c, &ax, &ay);
            gcorner(g, k, e, &bx, &by);
            dbg->hlines[n].x0 = (int)lround(ax);
            dbg->hlines[n].x1 = (int)lround(bx);
            dbg->hlines[n].y0 = (int)lround(ay);
            dbg->hlines[n].y1 = (int)lround(by);
            dbg->hlines[n].thickness = thick_h;
            n++;
            c = e;
        }
    }
    dbg->n_hlines = n;
    n = 0;
    for (k = 0; k < g->nx; k++) {
        r = 0;
        while (r + 1 < g->ny) {
            size_t e;
            if (!g->vb[r * g->nx + k]) {
                r++;
                continue;
            }
            e = r;
            while (e + 1 < g->ny && g->vb[e * g->nx + k]) e++;
            gcorner(g, r, k, &ax, &ay);
            gcorner(g, e, k, &bx, &by);
            dbg->vlines[n].x0 = (int)lround(ax);
            dbg->vlines[n].x1 = (int)lround(bx);
            dbg->vlines[n].y0 = (int)lround(ay);
            dbg->vlines[n].y1 = (int)lround(by);
            dbg->vlines[n].thickness = thick_v;
            n++;
            r = e;
        }
    }
    dbg->n_vlines = n;
    return FD_OK;
}

fd_status fd_grid_detect(const fd_page_image *page, fd_grid *out, fd_grid_debug *dbg,
                         fd_diag *dg)
{
    PIX *bin = NULL, *gray = NULL, *hmask = NULL, *vmask = NULL, *hfaint = NULL, *vfaint = NULL;
    PIX *lg = NULL; /* the page the ridges are found on: page->faint or gray, not owned */
    PIX *rule_faint = NULL; /* vertical sensitive mask of a page with dark rules (faded_rule_tests) */
    unsigned char *hsm = NULL, *vsm = NULL; /* averaged images, see ridge_mask */
    gseg *hs = NULL, *vs = NULL;
    gline *hl = NULL, *vl = NULL;
    size_t nhs = 0, nvs = 0, nhl = 0, nvl = 0, i;
    gparams p;
    gwork g;
    double dark[2] = {0.0, 0.0};
    l_int32 w, h;
    fd_status st = FD_OK;

    memset(&g, 0, sizeof g);
    if (out == NULL || page == NULL || (page->binary == NULL && page->gray == NULL))
        return fd_diag_fail(dg, FD_ERR_USAGE, "fd_grid_detect: NULL argument");
    memset(out, 0, sizeof *out);
    if (dbg != NULL) memset(dbg, 0, sizeof *dbg);
    out->page = page->page;

    if (page->binary != NULL && pixGetDepth(page->binary) == 1) {
        bin = pixClone(page->binary);
    } else {
        PIX *g8 = page->gray != NULL ? page->gray : page->binary;
        bin = pixConvertTo1(g8, 180);
    }
    if (bin == NULL) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "page %d: grid: page image unusable", page->page);
        goto cleanup;
    }
    w = pixGetWidth(bin);
    h = pixGetHeight(bin);
    out->width = w;
    out->height = h;
    params_init(&p, w, h, page->dpi);

    if (page->gray != NULL && pixGetDepth(page->gray) == 8) gray = pixClone(page->gray);
    else gray = pixConvertTo8(bin, 0);
    if (gray == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: grid: out of memory", page->page);
        goto cleanup;
    }
    /* Ridges on the faint copy when there is one (see fd_page_image). */
    lg = page->faint != NULL && pixGetDepth(page->faint) == 8 && pixGetWidth(page->faint) == w &&
                 pixGetHeight(page->faint) == h
             ? page->faint
             : gray;
    hmask = line_mask(lg, 1, &p, &hsm);
    vmask = line_mask(lg, 0, &p, &vsm);
    if (hmask == NULL || vmask == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: grid: morphology failed", page->page);
        goto cleanup;
    }
    st = mask_segments(hmask, bin, gray, 1, &p, &hs, &nhs, dark, dg);
    if (st == FD_OK) st = mask_segments(vmask, bin, gray, 0, &p, &vs, &nvs, dark, dg);
    if (st == FD_OK) st = cluster_lines(hs, nhs, &p, &hl, &nhl, dg);
    if (st == FD_OK) st = cluster_lines(vs, nvs, &p, &vl, &nvl, dg);
    if (st != FD_OK) goto cleanup;
    if (dark[1] > 0 && dark[0] / dark[1] >= FD_FAINT_RULES) {
        /* Faded rules: look again along the known lines (optional: without
         * these masks the boundary tests use the normal ones only). */
        hfaint = faint_mask(lg, 1, &p);
        vfaint = faint_mask(lg, 0, &p);
    }
    {
        double ha, hb, va, vb;
        fit_slopes(hl, nhl, h / 2.0, w, &ha, &hb);
        fit_slopes(vl, nvl, w / 2.0, h, &va, &vb);
        st = recluster(hs, nhs, ha, hb, h / 2.0, p.tight, &hl, &nhl, dg);
        if (st == FD_OK) st = recluster(vs, nvs, va, vb, w / 2.0, p.tight, &vl, &nvl, dg);
        if (st == FD_OK) st = split_blocks(hs, nhs, hl, &nhl, ha, hb, h / 2.0, w / 2.0, &p, dg);
        if (st == FD_OK) st = split_blocks(vs, nvs, vl, &nvl, va, vb, w / 2.0, h / 2.0, &p, dg);
        if (st != FD_OK) goto cleanup;
    }
    fit_slopes(hl, nhl, h / 2.0, w, NULL, NULL);
    fit_slopes(vl, nvl, w / 2.0, h, NULL, NULL);
    /* Crossing within tol only: with the slopes known, a rule meets the
     * rules across it where they are; a character stroke nearly as tall as
     * its row stops short of them by the cell padding. */
    filter_crossing(hl, nhl, vl, nvl, hs, nhs, vs, nvs, p.tol, w / 2.0, h / 2.0);
    merge_same(hl, nhl, h / 2.0, p.tight);
    merge_same(vl, nvl, w / 2.0, p.tight);
    /* A line that only just meets two rules and is mostly gaps is a run of
     * characters between two column rules (the bottoms of a row of digits),
     * not a short rule: those are drawn in one piece from rule to rule. */
    for (i = 0; i < nhl; i++)
        if (hl[i].keep && hl[i].crosses <= 2 && hl[i].wsum < 0.8 * (hl[i].hi - hl[i].lo + 1))
            hl[i].keep = 0;
    for (i = 0; i < nvl; i++)
        if (vl[i].keep && vl[i].crosses <= 2 && vl[i].wsum < 0.8 * (vl[i].hi - vl[i].lo + 1))
            vl[i].keep = 0;
    if (vfaint != NULL) rescue_broken_ends(bin, vl, nvl, hl, nhl, vfaint, &p, w / 2.0, h / 2.0);
    /* again without the strays the crossing test dropped */
    fit_slopes(hl, nhl, h / 2.0, w, NULL, NULL);
    fit_slopes(vl, nvl, w / 2.0, h, NULL, NULL);

    g.xs = fd_calloc(nvl + 1, sizeof *g.xs);
    g.ys = fd_calloc(nhl + 1, sizeof *g.ys);
    g.sx = fd_calloc(nvl + 1, sizeof *g.sx);
    g.sy = fd_calloc(nhl + 1, sizeof *g.sy);
    g.xlo = fd_calloc(nvl + 1, sizeof *g.xlo);
    g.xhi = fd_calloc(nvl + 1, sizeof *g.xhi);
    g.ylo = fd_calloc(nhl + 1, sizeof *g.ylo);
    g.yhi = fd_calloc(nhl + 1, sizeof *g.yhi);
    g.cx = w / 2.0;
    g.cy = h / 2.0;
    if (g.xs == NULL || g.ys == NULL || g.sx == NULL || g.sy == NULL || g.xlo == NULL ||
        g.xhi == NULL || g.ylo == NULL || g.yhi == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    for (i = 0; i < nvl; i++)
        if (vl[i].keep) {
            g.sx[g.nx] = vl[i].slope;
            g.xlo[g.nx] = vl[i].lo;
            g.xhi[g.nx] = vl[i].hi;
            g.xs[g.nx++] = (int)lround(vl[i].pos);
        }
    for (i = 0; i < nhl; i++)
        if (hl[i].keep) {
            g.sy[g.ny] = hl[i].slope;
            g.ylo[g.ny] = hl[i].lo;
            g.yhi[g.ny] = hl[i].hi;
            g.ys[g.ny++] = (int)lround(hl[i].pos);
        }
    sort_positions(g.xs, g.sx, g.xlo, g.xhi, g.nx);
    sort_positions(g.ys, g.sy, g.ylo, g.yhi, g.ny);
    if (g.nx < 2 || g.ny < 2) goto cleanup; /* no table: not an error */

    g.vb = fd_calloc(g.nx * g.ny, 1);
    g.hb = fd_calloc(g.nx * g.ny, 1);
    g.vc = fd_calloc(g.nx * g.ny, sizeof *g.vc);
    g.hc = fd_calloc(g.nx * g.ny, sizeof *g.hc);
    if (g.vb == NULL || g.hb == NULL || g.vc == NULL || g.hc == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    for (;;) {
        boundary_tests(hmask, vmask, hfaint, vfaint, &g, &p);
        if (g.nx < 2 || g.ny < 2) break;
        if (vfaint == NULL) faded_rule_tests(gray, lg, &rule_faint, &g, &p);
        if (trim_outer(&g, p.minsupport) > 0) continue;
        if (prune_positions(&g, p.minsupport) == 0) break;
    }
    if (g.nx < 2 || g.ny < 2) goto cleanup;

    out->xs = fd_malloc(g.nx * sizeof *out->xs);
    out->ys = fd_malloc(g.ny * sizeof *out->ys);
    if (out->xs == NULL || out->ys == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "grid: out of memory");
        goto cleanup;
    }
    memcpy(out->xs, g.xs, g.nx * sizeof *out->xs);
    memcpy(out->ys, g.ys, g.ny * sizeof *out->ys);
    out->n_xs = g.nx;
    out->n_ys = g.ny;
    cell_box(&g, 0, 0, g.ny - 1, g.nx - 1, out->table_box);
    st = repair_groups(&g, dg);
    if (st == FD_OK) st = build_cells(&g, out, dg);
    if (st == FD_OK && dbg != NULL) st = debug_lines(&g, hl, nhl, vl, nvl, dbg, dg);

cleanup:
    if (st != FD_OK) {
        fd_grid_clear(out);
        if (dbg != NULL) fd_grid_debug_clear(dbg);
    }
    fd_free(g.xs);
    fd_free(g.ys);
    fd_free(g.sx);
    fd_free(g.sy);
    fd_free(g.vb);
    fd_free(g.xlo);
    fd_free(g.xhi);
    fd_free(g.ylo);
    fd_free(g.yhi);
    fd_free(g.vc);
    fd_free(g.hc);
    fd_free(g.hb);
    fd_free(hs);
    fd_free(vs);
    fd_free(hl);
    fd_free(vl);
    pixDestroy(&hmask);
    pixDestroy(&vmask);
    pixDestroy(&hfaint);
    pixDestroy(&rule_faint);
    pixDestroy(&vfaint);
    pixDestroy(&bin);
    pixDestroy(&gray);
    fd_free(hsm);
    fd_free(vsm);
    return st;
}

/* ------------------------------------------------------------------ */
/* Debug images                                                       */
/* ------------------------------------------------------------------ */

fd_status fd_grid_write_debug(const char *dir, const fd_page_image *page, const fd_grid *grid,
                              const fd_grid_debug *dbg, fd_diag *dg)
{
    char path[4096];
    PIX *rgb = NULL;
    size_t i;
    fd_status st = FD_OK;
    if (dir == NULL || page == NULL || page->gray == NULL)
        return fd_diag_fail(dg, FD_ERR_USAGE, "fd_grid_write_debug: NULL argument");
    if (fd_snprintf(path, sizeof path, "%s/page-%03d-clean.png", dir, page->page) != 0)
        return fd_diag_fail(dg, FD_ERR_USAGE, "debug directory path too long: %s", dir);
    if (pixWrite(path, page->gray, IFF_PNG) != 0)
        return fd_diag_fail(dg, FD_ERR_IO, "cannot write debug image %s", path);
    /* The page number cells are read from where a gray seal was found. */
    if (page->digits != NULL) {
        if (fd_snprintf(path, sizeof path, "%s/page-%03d-digits.png", dir, page->page) != 0)
            return fd_diag_fail(dg, FD_ERR_USAGE, "debug directory path too long: %s", dir);
        if (pixWrite(path, page->digits, IFF_PNG) != 0)
            return fd_diag_fail(dg, FD_ERR_IO, "cannot write debug image %s", path);
    }

    rgb = pixConvertTo32(page->gray);
    if (rgb == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "debug image: out of memory");
    if (grid != NULL) {
        /* Cells in green, inset by 3 px so that they do not hide the rules. */
        for (i = 0; i < grid->n_cells; i++) {
            const fd_cell *c = &grid->cells[i];
            BOX *b = boxCreate(c->box[0] + 3, c->box[1] + 3, c->box[2] - 6, c->box[3] - 6);
            if (b != NULL) pixRenderBoxArb(rgb, b, 2, 0, 170, 0);
            boxDestroy(&b);
        }
    }
    if (dbg != NULL) {
        for (i = 0; i < dbg->n_hlines; i++) {
            const fd_line *l = &dbg->hlines[i];
            pixRenderLineArb(rgb, l->x0, l->y0, l->x1, l->y1, 2, 230, 0, 0);
        }
        for (i = 0; i < dbg->n_vlines; i++) {
            const fd_line *l = &dbg->vlines[i];
            pixRenderLineArb(rgb, l->x0, l->y0, l->x1, l->y1, 2, 0, 0, 230);
        }
    }
    if (fd_snprintf(path, sizeof path, "%s/page-%03d-grid.png", dir, page->page) != 0) {
        st = fd_diag_fail(dg, FD_ERR_USAGE, "debug directory path too long: %s", dir);
        goto cleanup;
    }
    if (pixWrite(path, rgb, IFF_PNG) != 0) {
        st = fd_diag_fail(dg, FD_ERR_IO, "cannot write debug image %s", path);
        goto cleanup;
    }
cleanup:
    pixDestroy(&rgb);
    return st;
}
