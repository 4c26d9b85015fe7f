/*
 * Grid module: synthetic tables drawn with Leptonica (synth_page.c) →
 * exact cells and spans; broken and faded rules; column rules of two
 * sections a few pixels apart; a skewed page through fd_page_clean; faint,
 * broken, blurred 1-px rules on a noisy page through fd_page_clean; ink
 * beside a rule; crops of generated hard scans (tests/data/grid) with
 * broken rules; a page without a table; debug images.
 */
#define _POSIX_C_SOURCE 200809L

#include "grid.h"
#include "ingest.h"
#include "synth_page.h"
#include "testutil.h"

#include <leptonica/allheaders.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A cleaned page straight from a synthetic gray page (no deskew needed). */
static void page_from_gray(PIX *gray, int dpi, fd_page_image *img)
{
    memset(img, 0, sizeof *img);
    img->page = 1;
    img->dpi = dpi;
    img->gray = pixClone(gray);
    img->binary = pixThresholdToBinary(gray, 180);
}

/* Structure exactly, boxes within tol pixels. */
static void check_exact(const fd_grid *g, const synth_truth *t, int tol, const char *what)
{
    int i, k, bad = 0;
    T_CHECK_MSG((int)g->n_cells == t->n_cells, "%s: %zu cells, expected %d", what, g->n_cells,
                t->n_cells);
    T_CHECK_MSG((int)g->n_xs == t->n_xs && (int)g->n_ys == t->n_ys,
                "%s: %zu x %zu positions, expected %d x %d", what, g->n_xs, g->n_ys, t->n_xs,
                t->n_ys);
    for (i = 0; i < t->n_cells && i < (int)g->n_cells; i++) {
        const fd_cell *c = &g->cells[i];
        const synth_cell *e = &t->cells[i];
        int ok = c->row == e->row && c->col == e->col && c->rowspan == e->rowspan &&
                 c->colspan == e->colspan;
        for (k = 0; k < 4; k++) ok = ok && abs(c->box[k] - e->box[k]) <= tol;
        if (!ok && bad++ < 5)
            fd_test_fail(__FILE__, __LINE__,
                         "%s: cell %d: r%d c%d %dx%d box %d,%d,%d,%d; expected r%d c%d %dx%d box "
                         "%d,%d,%d,%d",
                         what, i, c->row, c->col, c->rowspan, c->colspan, c->box[0], c->box[1],
                         c->box[2], c->box[3], e->row, e->col, e->rowspan, e->colspan, e->box[0],
                         e->box[1], e->box[2], e->box[3]);
        fd_test_checks++;
    }
}

/* The grid of a synthetic gray page against its truth (check_exact). */
static void detect_exact(PIX *pix, int dpi, const synth_truth *truth, int tol, const char *what)
{
    fd_page_image img;
    fd_grid g;
    fd_diag dg;
    fd_diag_init(&dg);
    memset(&g, 0, sizeof g);
    page_from_gray(pix, dpi, &img);
    T_EQ_INT(fd_grid_detect(&img, &g, NULL, &dg), FD_OK);
    check_exact(&g, truth, tol, what);
    fd_grid_clear(&g);
    fd_page_image_clear(&img);
}

/* detect_exact on the page blurred by a 3 x 3 mean (a 200-DPI scan's
 * softness); pix is left as it is. */
static void detect_blurred(PIX *pix, int dpi, const synth_truth *truth, int tol, const char *what)
{
    PIX *blur = pixBlockconvGray(pix, NULL, 1, 1);
    T_CHECK(blur != NULL);
    if (blur != NULL) detect_exact(blur, dpi, truth, tol, what);
    pixDestroy(&blur);
}

static void run_exact(const synth_opts *o, int tol, const char *what)
{
    synth_truth truth;
    PIX *pix = synth_form(o, &truth);
    T_CHECK(pix != NULL);
    if (pix == NULL) return;
    detect_exact(pix, o->dpi, &truth, tol, what);
    pixDestroy(&pix);
}

static void test_tables(void)
{
    synth_opts o;
    synth_default(&o);
    run_exact(&o, 1, "plain 100 dpi");
    o.seed = 7;
    o.line_w = 2;
    o.dpi = 150;
    run_exact(&o, 2, "2 px rules 150 dpi");
    synth_default(&o);
    o.seed = 3;
    o.line_gray = 170; /* faded */
    o.broken = 6;      /* and broken every 20..120 px */
    run_exact(&o, 2, "faded broken rules");
    synth_default(&o);
    o.seed = 11;
    o.near_cols = 1; /* funds column rule 4 px off an indicator rule */
    run_exact(&o, 1, "near columns");
}

/* A row rule hidden for two columns (a seal over a faded rule) and going
 * on at the same height on both sides: the cells above and below it stay
 * apart. The rule is erased between the column rules of the third- and
 * second-last columns (weight and score in the indicator block) on the
 * third-last row line, which those cells do not span. */
static void test_hidden_row_rule(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    synth_default(&o);
    o.seed = 5;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL && truth.n_xs >= 4 && truth.n_ys >= 4);
    if (pix == NULL || truth.n_xs < 4 || truth.n_ys < 4) {
        pixDestroy(&pix);
        return;
    }
    {
        int y = truth.ys[truth.n_ys - 3], x0 = truth.xs[truth.n_xs - 4], x1 = truth.xs[truth.n_xs - 2];
        int pad = o.line_w + 1;
        pixRasterop(pix, x0 + pad, y - pad - 1, x1 - x0 - 2 * pad, 2 * pad + 3, PIX_SET, NULL, 0, 0);
        /* The column rule between the two stays whole. */
        pixRasterop(pix, truth.xs[truth.n_xs - 3] - o.line_w / 2, y - pad - 1, o.line_w, 2 * pad + 3,
                    PIX_CLR, NULL, 0, 0);
    }
    detect_exact(pix, o.dpi, &truth, 1, "row rule hidden for two columns");
    pixDestroy(&pix);
}

/* The funds block's column rule 4 px off the indicator block's below it,
 * drawn in two pieces with a 2 px jog between them (a rule broken by the
 * scan, its pieces a little apart): the pieces are 2 px apart each, so the
 * clustering chains the indicator rule and both funds pieces into one
 * line. The two blocks' rules must come out as two positions. At 200 dpi
 * (clustering tolerance 2.1 px). */
static void test_chained_block_rules(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    int k, x = -1, ya = -1, yb = -1, run = 0, best = 0, y, h;
    synth_default(&o);
    o.dpi = 200;
    o.near_cols = 1;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL);
    if (pix == NULL) return;
    for (k = 0; k + 1 < truth.n_xs; k++)
        if (truth.xs[k + 1] - truth.xs[k] == 4) x = truth.xs[k + 1];
    T_CHECK(x > 0);
    h = (int)pixGetHeight(pix);
    /* the funds rule: the longest dark run down column x */
    for (y = 0; x > 0 && y <= h; y++) {
        l_uint32 v = 255;
        if (y < h) pixGetPixel(pix, x, y, &v);
        if (y < h && v < 128) {
            run++;
        } else {
            if (run > best) {
                best = run;
                yb = y - 1;
                ya = y - run;
            }
            run = 0;
        }
    }
    T_CHECK_MSG(best >= 200, "funds rule not found (longest run %d px)", best);
    if (best >= 200) {
        int ym = (ya + yb) / 2;
        /* 8 bpp: SET paints paper, CLR ink */
        pixRasterop(pix, x, ym - 10, 1, yb - ym + 11, PIX_SET, NULL, 0, 0);
        pixRasterop(pix, x - 2, ym + 10, 1, yb - ym - 9, PIX_CLR, NULL, 0, 0);
        detect_exact(pix, o.dpi, &truth, 2, "block rules chained by a jogged piece");
    }
    pixDestroy(&pix);
}

/* A column rule erased for one row (a seal's suppression took it) beside
 * a cell that spans rows: the slots joined across the gap are not a
 * rectangle (the tall cell and one slot beside it). The rule goes on above
 * and below the gap, so the gap is taken as rule; growing the group to its
 * bounding rectangle instead would merge the tall cell with every slot
 * beside it. */
static void test_column_rule_gap(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    int i, j, x = -1, r = -1;
    synth_default(&o);
    o.seed = 5;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL);
    if (pix == NULL) return;
    for (i = 0; i < truth.n_cells && x < 0; i++) {
        const synth_cell *tall = &truth.cells[i];
        if (tall->rowspan < 3) continue;
        for (j = 0; j < truth.n_cells; j++) {
            const synth_cell *c = &truth.cells[j];
            if (c->row == tall->row + 1 && c->rowspan == 1 && c->col == tall->col + tall->colspan) {
                x = truth.xs[c->col];
                r = c->row;
                break;
            }
        }
    }
    T_CHECK_MSG(x > 0, "no cell spanning three rows with a one-row cell beside it");
    if (x > 0) {
        int pad = o.line_w + 2;
        /* 8 bpp: SET paints paper */
        pixRasterop(pix, x - o.line_w, truth.ys[r] + pad, 2 * o.line_w + 1,
                    truth.ys[r + 1] - truth.ys[r] - 2 * pad, PIX_SET, NULL, 0, 0);
        detect_exact(pix, o.dpi, &truth, 1, "column rule erased beside a tall cell");
    }
    pixDestroy(&pix);
}

/* The row rule above the funds block's tall 项目资金 cell faded over its
 * first stretch, from the table's border to the indicator block's first
 * column position (where no rule crosses it): what remains of the rule
 * starts at a corner no column rule passes. The cell above (主管部门, wider
 * than the tall cell) and the tall cell were one group that is not a
 * rectangle, with no coverage along the faded stretch to repair it by, and
 * growing it swallowed the whole funds block (seed 9191 doc008, 40 cells). */
static void test_rule_dead_end(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    int i, y = -1;
    synth_default(&o);
    o.seed = 5;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL && truth.n_xs >= 3);
    if (pix == NULL || truth.n_xs < 3) {
        pixDestroy(&pix);
        return;
    }
    for (i = 0; i < truth.n_cells && y < 0; i++)
        if (truth.cells[i].col == 0 && truth.cells[i].rowspan >= 3) y = truth.cells[i].box[1];
    T_CHECK_MSG(y > 0, "no tall cell at the left border");
    if (y > 0) {
        int pad = o.line_w + 1;
        /* 8 bpp: SET paints paper */
        pixRasterop(pix, truth.xs[0] + pad, y - pad - 1, truth.xs[1] - truth.xs[0] - pad,
                    2 * pad + 3, PIX_SET, NULL, 0, 0);
        detect_exact(pix, o.dpi, &truth, 1, "row rule faded from the border");
    }
    pixDestroy(&pix);
}

/* Digits whose bottoms line up along a row of number cells: the averaging
 * joins them into a long, thin run across the row. It must not become a
 * row rule: each of its pieces stops short of the column rules by the cell
 * padding, and where it passes the rules of other blocks those are not
 * there. Drawn as flat bars (the bottoms alone) across three neighbouring
 * cells of the row below the funds header. */
static void test_aligned_bottoms(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    int i, drawn = 0, row = -1;
    synth_default(&o);
    o.dpi = 150;
    o.seed = 9;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL);
    if (pix == NULL) return;
    /* the first row of four or more cells is the funds header */
    for (i = 0; i < truth.n_cells && row < 0; i++) {
        int k, n = 0;
        for (k = 0; k < truth.n_cells; k++) n += truth.cells[k].row == truth.cells[i].row;
        if (n >= 4) row = truth.cells[i].row + 1;
    }
    for (i = 0; i < truth.n_cells && drawn < 3; i++) {
        const int *b = truth.cells[i].box;
        int pad = o.dpi / 10; /* centred digits: a tenth of an inch in */
        BOX *bar;
        if (truth.cells[i].row != row || truth.cells[i].rowspan != 1 || truth.cells[i].col == 0)
            continue;
        bar = boxCreate(b[0] + pad, b[1] + b[3] * 3 / 4, b[2] - 2 * pad, 2);
        if (bar != NULL) pixClearInRect(pix, bar); /* 0: black on 8 bpp */
        boxDestroy(&bar);
        drawn++;
    }
    T_EQ_INT(drawn, 3);
    detect_exact(pix, o.dpi, &truth, 2, "aligned digit bottoms");
    pixDestroy(&pix);
}

/* Merged cells come out as single cells with their spans. */
static void test_merged_lookup(void)
{
    synth_opts o;
    synth_truth truth;
    fd_page_image img;
    fd_grid g;
    fd_diag dg;
    PIX *pix;
    long a, b;
    int i;
    synth_default(&o);
    o.seed = 5;
    pix = synth_form(&o, &truth);
    fd_diag_init(&dg);
    memset(&g, 0, sizeof g);
    page_from_gray(pix, o.dpi, &img);
    T_EQ_INT(fd_grid_detect(&img, &g, NULL, &dg), FD_OK);
    /* every slot is covered by exactly the cell fd_grid_cell_at names */
    for (i = 0; i < (int)g.n_cells; i++) {
        const fd_cell *c = &g.cells[i];
        T_EQ_INT(fd_grid_cell_at(&g, c->row + c->rowspan - 1, c->col + c->colspan - 1), i);
    }
    /* the funds label (项目资金) spans the 5 funds rows */
    a = fd_grid_cell_at(&g, 2, 0);
    T_CHECK(a >= 0);
    if (a >= 0) T_EQ_INT(g.cells[a].rowspan, 5);
    b = fd_grid_cell_at(&g, 3, 0);
    T_EQ_INT(b, a);
    T_EQ_INT(fd_grid_cell_at(&g, -1, 0), -1);
    T_EQ_INT(fd_grid_cell_at(&g, 0, 1000), -1);
    T_EQ_INT(fd_grid_cell_at(NULL, 0, 0), -1);
    /* table box = outer frame */
    T_CHECK(abs(g.table_box[0] - truth.xs[0]) <= 1);
    T_CHECK(abs(g.table_box[1] - truth.ys[0]) <= 1);
    T_CHECK(abs(g.table_box[0] + g.table_box[2] - truth.xs[truth.n_xs - 1]) <= 1);
    fd_grid_clear(&g);
    fd_grid_clear(&g); /* idempotent */
    fd_page_image_clear(&img);
    pixDestroy(&pix);
}

/* A page rotated by a few degrees goes through fd_page_clean (deskew about
 * the centre, same size) and gives the same table. */
static void test_skewed(void)
{
    static const double angles[] = {3.0, -6.5};
    size_t i;
    for (i = 0; i < sizeof angles / sizeof angles[0]; i++) {
        synth_opts o;
        synth_truth truth;
        fd_clean_options opt;
        fd_page_image img;
        fd_grid g;
        fd_diag dg;
        PIX *pix, *rot;
        char what[64];
        synth_default(&o);
        o.seed = 21 + (unsigned)i;
        o.dpi = 150;
        pix = synth_form(&o, &truth);
        /* Leptonica turns clockwise for a positive angle: -a turns the
         * content counter-clockwise by a. */
        rot = pixRotate(pix, (l_float32)(-angles[i] * 3.14159265358979323846 / 180.0), L_ROTATE_AREA_MAP,
                        L_BRING_IN_WHITE, 0, 0);
        fd_diag_init(&dg);
        fd_clean_options_default(&opt);
        memset(&g, 0, sizeof g);
        T_EQ_INT(fd_page_clean(rot, 1, o.dpi, &opt, &img, &dg), FD_OK);
        T_EQ_DBL(img.skew_deg, angles[i], 0.2);
        T_EQ_INT(fd_grid_detect(&img, &g, NULL, &dg), FD_OK);
        snprintf(what, sizeof what, "skewed %.1f deg", angles[i]);
        check_exact(&g, &truth, 3, what);
        fd_grid_clear(&g);
        fd_page_image_clear(&img);
        pixDestroy(&rot);
        pixDestroy(&pix);
    }
}

/* A poor scan of a faded form: 1-px rules, faint and broken, blurred, on
 * tinted, noisy paper, through fd_page_clean. The rules are only a few
 * gray levels darker than the paper after the background normalisation's
 * clipping; the grid must still give every cell (faint page copy, half
 * contrast search along known rules, broken rules with clean flanks). */
/* With strokes set, the last row also gets, in its name cell, a vertical
 * stroke as faint as the rules at the funds block's column position
 * 2.6 in, stopping 11 px short of the row rules (beyond the ends the
 * boundary tests leave out): the strokes of a text line's characters that
 * happen to line up with a rule of another block, which the sensitive mask
 * joins. It must not split the name cell. */
static void faint_rules_page(int strokes)
{
    synth_opts o;
    synth_truth truth;
    fd_clean_options opt;
    fd_page_image img;
    fd_grid g;
    fd_diag dg;
    PIX *pix, *blur = NULL;
    unsigned rng = 1234;
    l_int32 w, h, x, y;
    synth_default(&o);
    o.seed = 17;
    o.dpi = 150;
    o.line_w = 1;
    o.line_gray = 180; /* after the blur about 25 levels darker than the paper */
    o.broken = 16;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL);
    if (pix == NULL) return;
    if (strokes) {
        int k, xs = -1;
        for (k = 0; k < truth.n_xs; k++)
            if (abs(truth.xs[k] - (int)lround(2.6 * o.dpi)) <= 1) xs = truth.xs[k];
        T_CHECK_MSG(xs > 0, "no position at 2.6 in");
        for (k = truth.n_ys - 2; xs > 0 && k + 1 < truth.n_ys; k++)
            for (y = truth.ys[k] + 11; y < truth.ys[k + 1] - 11; y++)
                pixSetPixel(pix, xs, y, (l_uint32)o.line_gray);
    }
    /* blur (3x3 mean: a 1-px rule keeps a third of its contrast), paper
     * tint 232 and noise of about +-4 levels */
    blur = pixBlockconvGray(pix, NULL, 1, 1);
    T_CHECK(blur != NULL);
    if (blur == NULL) goto cleanup;
    w = pixGetWidth(blur);
    h = pixGetHeight(blur);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            l_uint32 v;
            int t;
            pixGetPixel(blur, x, y, &v);
            t = (int)v * 232 / 255 + (int)(synth_rand(&rng) % 9) - 4;
            pixSetPixel(blur, x, y, (l_uint32)(t < 0 ? 0 : t > 255 ? 255 : t));
        }
    fd_diag_init(&dg);
    fd_clean_options_default(&opt);
    memset(&g, 0, sizeof g);
    T_EQ_INT(fd_page_clean(blur, 1, o.dpi, &opt, &img, &dg), FD_OK);
    T_CHECK(img.faint != NULL);
    T_EQ_INT(fd_grid_detect(&img, &g, NULL, &dg), FD_OK);
    check_exact(&g, &truth, 2,
                strokes ? "faint rules, strokes at another block's rule" : "faint broken 1-px rules");
    fd_grid_clear(&g);
    fd_page_image_clear(&img);
cleanup:
    pixDestroy(&blur);
    pixDestroy(&pix);
}

static void test_faint_rules(void)
{
    faint_rules_page(0);
    faint_rules_page(1);
}

/* One column rule fainter than all the others (a lighter pen, or a scan
 * that faded one rule): gray 190 along the table, where the normal mask
 * finds it, and for five rows only 8 levels under the paper, which the
 * normal mask misses (contrast 12) and the sensitive one sees (6). The
 * page's rules are dark, so the sensitive masks are not made for the
 * page; the rule's own tone asks for them (a bundled hard scan lost ten
 * rows' 实际完成值 column so). The five rows' cells stay apart. */
static void test_one_faded_column_rule(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    int k, lo_row, hi_row;
    l_int32 x, y, w;
    synth_default(&o);
    o.seed = 5;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL && truth.n_xs >= 4 && truth.n_ys >= 10);
    if (pix == NULL || truth.n_xs < 4 || truth.n_ys < 10) {
        pixDestroy(&pix);
        return;
    }
    w = pixGetWidth(pix);
    /* the rule at 6.3 in: between the indicator block's last columns */
    for (k = 0; k + 1 < truth.n_xs && truth.xs[k] < (int)lround(6.3 * o.dpi); k++) continue;
    lo_row = truth.n_ys - 8;
    hi_row = truth.n_ys - 3;
    for (y = truth.ys[0] + o.line_w + 1; y < truth.ys[truth.n_ys - 1] - o.line_w - 1; y++) {
        int r, on_row_rule = 0, level = 190;
        for (r = 0; r < truth.n_ys; r++)
            if (abs(y - truth.ys[r]) <= o.line_w + 1) on_row_rule = 1;
        if (on_row_rule) continue;
        if (y > truth.ys[lo_row] && y < truth.ys[hi_row]) level = 247;
        for (x = truth.xs[k] - o.line_w - 1; x <= truth.xs[k] + o.line_w + 1 && x < w; x++) {
            l_uint32 v;
            pixGetPixel(pix, x, y, &v);
            if (v < 128) pixSetPixel(pix, x, y, (l_uint32)level);
        }
    }
    detect_exact(pix, o.dpi, &truth, 1, "one faded column rule");
    pixDestroy(&pix);
}

/* Two blocks' column rules 3 px apart, 2 px wide and blurred (a 200-DPI
 * scan): the test of each position sees the other rule too, and both
 * boundaries came out in every row, a sliver column between them. The
 * funds block's boundaries belong to its rule, the indicator block's to
 * the other: each cell spans what the truth says. */
static void test_near_rules_blurred(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    synth_default(&o);
    o.seed = 11;
    o.dpi = 200;
    o.line_w = 2;
    o.near_cols = 3;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL);
    if (pix == NULL) return;
    detect_blurred(pix, o.dpi, &truth, 2, "near rules, blurred");
    pixDestroy(&pix);
}

/* Index of the truth's position nearest to inches * dpi. */
static int nearest_position(const int *pos, int n, double inches, int dpi)
{
    int k, best = 0, target = (int)lround(inches * dpi);
    for (k = 1; k < n; k++)
        if (abs(pos[k] - target) < abs(pos[best] - target)) best = k;
    return best;
}

/* A seal's ring running along a funds column rule, within reach of it
 * over more than 45 % of its length (seed 3737 doc014 p1, 150 DPI: the
 * rule between 分值 and 执行率): a mask segment with ink beside it over
 * most of its length is taken for merged character strokes, and the rule
 * was lost, the cells on both sides merged. A stretch of 0.2 inch or more
 * with paper on both sides says rule: a character's stroke has other
 * strokes around it all along. Drawn as a line of marks 6 px to the right
 * of the rule at 4.6 in, along the upper 55 % of its five rows. */
static void test_flanked_rule(void)
{
    synth_opts o;
    synth_truth truth;
    PIX *pix;
    int k, y, top, bottom, lw;
    synth_default(&o);
    o.seed = 5;
    o.dpi = 200;
    o.line_w = 2;
    o.text = 0;
    pix = synth_form(&o, &truth);
    T_CHECK(pix != NULL && truth.n_ys >= 8);
    if (pix == NULL || truth.n_ys < 8) {
        pixDestroy(&pix);
        return;
    }
    lw = o.line_w;
    k = nearest_position(truth.xs, truth.n_xs, 4.6, o.dpi);
    top = truth.ys[2] + lw + 2;
    bottom = top + (truth.ys[7] - truth.ys[2]) * 55 / 100;
    for (y = top; y < bottom; y += 4) {
        BOX *b = boxCreate(truth.xs[k] + lw + 5, y, 2, 3);
        if (b != NULL) pixSetInRectArbitrary(pix, b, 0);
        boxDestroy(&b);
    }
    detect_blurred(pix, o.dpi, &truth, 2, "ink along a funds column rule");
    pixDestroy(&pix);
}

/* Grid of a scan from tests/data/grid, cleaned by fd_page_clean as a page
 * of the pipeline is (dpi: the scan's resolution). 0 on success. */
static int detect_fixture(const char *name, int dpi, fd_grid *g)
{
    char path[1024];
    fd_clean_options opt;
    fd_page_image img;
    fd_diag dg;
    PIX *pix;
    int rc = -1;
    fd_diag_init(&dg);
    fd_clean_options_default(&opt);
    memset(g, 0, sizeof *g);
    memset(&img, 0, sizeof img);
    snprintf(path, sizeof path, "%s/tests/data/grid/%s", FD_SOURCE_DIR, name);
    pix = pixRead(path);
    T_CHECK_MSG(pix != NULL, "%s: unreadable", path);
    if (pix == NULL) return -1;
    if (fd_page_clean(pix, 1, dpi, &opt, &img, &dg) == FD_OK && fd_grid_detect(&img, g, NULL, &dg) == FD_OK)
        rc = 0;
    T_EQ_INT(rc, 0);
    fd_page_image_clear(&img);
    pixDestroy(&pix);
    return rc;
}

/* Whether the grid has, in the row whose top is at y, a cell with its
 * left edge at x and one with its right edge there (within tol px). */
static int rule_between_cells(const fd_grid *g, int x, int y, int tol)
{
    size_t i;
    int left = 0, right = 0;
    for (i = 0; i < g->n_cells; i++) {
        const fd_cell *c = &g->cells[i];
        if (abs(c->box[1] - y) > tol) continue;
        if (abs(c->box[0] - x) <= tol) right = 1;
        if (abs(c->box[0] + c->box[2] - x) <= tol) left = 1;
    }
    return left && right;
}

/* A faded, broken one-row rule (the rule after 实施单位) on a hard scan:
 * tests/data/grid/one-row-rule-150.jpg is the top 700 rows of page 5 of
 * seed 6161's doc020 (150 DPI, faded, broken, blurred, JPEG). The binary
 * page shows the rule in pieces shorter than a character, so it is told
 * from characters' strokes by the ink beside it: paper on both sides over
 * 90 % of its length was asked for, and the row rules it ends at
 * (blurred) and the unit's name close to it made 13 %; the label and the
 * unit's name were one cell. Paper on both sides over 0.2 inch says rule
 * as well. */
static void test_broken_rule_beside_text(void)
{
    fd_grid g;
    if (detect_fixture("one-row-rule-150.jpg", 150, &g) == 0)
        T_CHECK_MSG(rule_between_cells(&g, 742, 226, 4), "实施单位 and its value are one cell");
    fd_grid_clear(&g);
}

/* A faded, broken one-row rule that meets the row rule above it and
 * stops short of the one below: tests/data/grid/broken-end-175.jpg is the
 * bottom 800 rows of page 4 of seed 3737's doc008 (175 DPI, fed upside
 * down: the table's top rows). The rule after 实施单位 shows 60 px of its 94
 * (a 15 px break, then a piece too short for a segment): it met one rule
 * and was dropped, and the label and the unit's name were one cell. */
static void test_broken_rule_end(void)
{
    fd_grid g;
    if (detect_fixture("broken-end-175.jpg", 175, &g) == 0)
        T_CHECK_MSG(rule_between_cells(&g, 988, 345, 4), "实施单位 and its value are one cell");
    fd_grid_clear(&g);
}

static void test_no_table(void)
{
    fd_page_image img;
    fd_grid g;
    fd_grid_debug dbg;
    fd_diag dg;
    PIX *pix = pixCreate(827, 1169, 8);
    unsigned rng = 99;
    int y;
    pixSetAll(pix);
    for (y = 100; y < 1000; y += 30) synth_text(pix, 80, y, 650, 20, 12, &rng);
    page_from_gray(pix, 100, &img);
    fd_diag_init(&dg);
    T_EQ_INT(fd_grid_detect(&img, &g, &dbg, &dg), FD_OK);
    T_EQ_INT(g.n_cells, 0);
    T_EQ_INT(dbg.n_hlines, 0);
    fd_grid_clear(&g);
    fd_grid_debug_clear(&dbg);
    fd_grid_debug_clear(&dbg);
    fd_page_image_clear(&img);
    pixDestroy(&pix);

    /* blank page, tiny page */
    pix = pixCreate(64, 64, 8);
    pixSetAll(pix);
    page_from_gray(pix, 0, &img);
    T_EQ_INT(fd_grid_detect(&img, &g, NULL, &dg), FD_OK);
    T_EQ_INT(g.n_cells, 0);
    fd_grid_clear(&g);
    fd_page_image_clear(&img);
    pixDestroy(&pix);

    memset(&img, 0, sizeof img);
    T_EQ_INT(fd_grid_detect(&img, &g, NULL, &dg), FD_ERR_USAGE);
    T_CHECK(dg.message[0] != '\0');
}

static void test_debug_images(void)
{
    synth_opts o;
    fd_page_image img;
    fd_grid g;
    fd_grid_debug dbg;
    fd_diag dg;
    char dir[] = "/tmp/fd_test_grid_XXXXXX", path[256];
    PIX *pix;
    synth_default(&o);
    pix = synth_form(&o, NULL);
    page_from_gray(pix, o.dpi, &img);
    img.page = 3;
    fd_diag_init(&dg);
    T_EQ_INT(fd_grid_detect(&img, &g, &dbg, &dg), FD_OK);
    T_CHECK(dbg.n_hlines > 0 && dbg.n_vlines > 0);
    T_CHECK(mkdtemp(dir) != NULL);
    T_EQ_INT(fd_grid_write_debug(dir, &img, &g, &dbg, &dg), FD_OK);
    snprintf(path, sizeof path, "%s/page-003-clean.png", dir);
    T_CHECK(access(path, R_OK) == 0);
    remove(path);
    snprintf(path, sizeof path, "%s/page-003-grid.png", dir);
    T_CHECK(access(path, R_OK) == 0);
    remove(path);
    /* no gray seal: no digits page */
    snprintf(path, sizeof path, "%s/page-003-digits.png", dir);
    T_CHECK(access(path, R_OK) != 0);
    /* with one, the page number cells are read from is written too */
    img.digits = pixCopy(NULL, img.gray);
    T_EQ_INT(fd_grid_write_debug(dir, &img, &g, &dbg, &dg), FD_OK);
    T_CHECK(access(path, R_OK) == 0);
    remove(path);
    snprintf(path, sizeof path, "%s/page-003-clean.png", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/page-003-grid.png", dir);
    remove(path);
    rmdir(dir);
    /* an unwritable place: IO error with a message, no crash */
    fd_diag_reset(&dg);
    T_EQ_INT(fd_grid_write_debug("/nonexistent/dir", &img, &g, &dbg, &dg), FD_ERR_IO);
    T_CHECK(strstr(dg.message, "/nonexistent/dir") != NULL);
    fd_grid_clear(&g);
    fd_grid_debug_clear(&dbg);
    fd_page_image_clear(&img);
    pixDestroy(&pix);
}

int main(void)
{
    setMsgSeverity(L_SEVERITY_NONE);
    test_tables();
    test_aligned_bottoms();
    test_merged_lookup();
    test_skewed();
    test_faint_rules();
    test_one_faded_column_rule();
    test_near_rules_blurred();
    test_flanked_rule();
    test_broken_rule_beside_text();
    test_broken_rule_end();
    test_hidden_row_rule();
    test_chained_block_rules();
    test_column_rule_gap();
    test_rule_dead_end();
    test_no_table();
    test_debug_images();
    return fd_test_summary("test_grid");
}
