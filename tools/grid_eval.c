/*
 * formdig_grid_eval — measures the ingest + grid stages against the truth
 * files of the scan generator (tools/gen_scans.py).
 *
 *   formdig_grid_eval [-v] [--debug-dir DIR] [--limit N] DIR
 *
 * For every document <name>.<ext> in DIR that has a <name>.truth.json, each
 * page is ingested, cleaned and gridded; true cells (page_info[i].cells,
 * boxes line-centre to line-centre in upright, unskewed page pixels) are
 * matched to detected cells by IoU >= 0.8 with equal spans (detected boxes
 * turned by the difference between the found and the true skew first, see
 * eval_page). Prints one row
 * per tier: cell recall, precision, span accuracy (of cells matched by IoU
 * alone, the share with equal spans), skew error |found - true| in degrees
 * (mean, max), orientation accuracy, and seconds per page for the stage.
 * Two last, diagnostic columns: a cell found at IoU >= 0.5 (spans equal),
 * and at IoU >= 0.8 with spans right when true rules 1-3 px apart may be
 * one or two (rec~near, see NEAR_RULE_PX). The truth boxes follow the
 * hard tier's perspective warp (the axis-aligned box of each warped cell).
 *
 * Truth lines at most TRUTH_MERGE_PX apart where they come closest count
 * as one line (see merge_lines); the number of true cells this touched is
 * printed.
 *
 * Sign conventions: truth skew_deg is the counter-clockwise rotation the
 * generator applied (the same sense as fd_page_image.skew_deg); truth
 * rotation_deg is the clockwise quarter turn the generator applied, so the
 * fix is (360 - rotation_deg) % 360 clockwise.
 *
 * A tool, not the library: it prints, and uses cJSON directly.
 */
#define _POSIX_C_SOURCE 200809L

#include "grid.h"
#include "ingest.h"

#include <cjson/cJSON.h>
#include <leptonica/allheaders.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TIERS 8

typedef struct tier_stats {
    char name[32];
    int pages, pages_failed;
    long true_cells, found_cells, matched, iou_matched, span_ok;
    long matched50; /* diagnostic: IoU >= 0.5, spans equal */
    long matched_near; /* diagnostic: spans right with near rules either merged or apart */
    double skew_sum, skew_max;
    int skew_n;
    int orient_ok, orient_n;
    double seconds;
} tier_stats;

static tier_stats g_tiers[MAX_TIERS];
static int g_ntiers;

static tier_stats *tier_get(const char *name)
{
    int i;
    for (i = 0; i < g_ntiers; i++)
        if (strcmp(g_tiers[i].name, name) == 0) return &g_tiers[i];
    if (g_ntiers == MAX_TIERS) return &g_tiers[MAX_TIERS - 1];
    memset(&g_tiers[g_ntiers], 0, sizeof g_tiers[0]);
    snprintf(g_tiers[g_ntiers].name, sizeof g_tiers[0].name, "%s", name);
    return &g_tiers[g_ntiers++];
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (fp == NULL) return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf != NULL) {
            size_t got = fread(buf, 1, (size_t)n, fp);
            buf[got] = '\0';
        }
    }
    fclose(fp);
    return buf;
}

static double iou(const int *a, const int *b)
{
    double x0 = fmax(a[0], b[0]), y0 = fmax(a[1], b[1]);
    double x1 = fmin(a[0] + a[2], b[0] + b[2]), y1 = fmin(a[1] + a[3], b[1] + b[3]);
    double inter, uni;
    if (x1 <= x0 || y1 <= y0) return 0.0;
    inter = (x1 - x0) * (y1 - y0);
    uni = (double)a[2] * a[3] + (double)b[2] * b[3] - inter;
    return uni > 0 ? inter / uni : 0.0;
}

static int json_int(const cJSON *o, const char *k, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? (int)lround(v->valuedouble) : def;
}

static double json_dbl(const cJSON *o, const char *k, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* Truth lines closer than this (pixels) are one line on paper: rules
 * drawn 1-2 px apart touch and no detector can tell them apart. The
 * truth's spans are recounted against the merged lines. */
#define TRUTH_MERGE_PX 2

/* Diagnostic column rec~near: a cell whose spans are right with the true
 * rules TRUTH_MERGE_PX +- NEAR_RULE_PX apart taken either as one or as two
 * (rules of two blocks 1-3 px apart: which side of 2 px they lie on is
 * below what a 150-200 DPI scan shows). Not the recall the targets are on. */
#define NEAR_RULE_PX 1

/* The truth's boxes follow the hard tier's perspective warp and are in the
 * unskewed frame of the true skew: one rule's edges lie on a slightly
 * tilted line, not at one position. Two rules of different blocks (the
 * funds block's column rule and the indicator block's below it) are
 * therefore compared where they come closest, each along its own fitted
 * line; comparing their median edge positions would compare them at
 * different heights and call two rules 4 px apart one rule, or one rule
 * two. */
typedef struct tline {
    int n;
    double lo, hi;   /* extent along the line (centres of the edges) */
    double a, b;     /* position = a + b * along */
} tline;

static void fit_tline(const int *idx, const double *along, const int *val, int n, int line,
                      tline *out)
{
    double s0 = 0, st = 0, sv = 0, stt = 0, stv = 0;
    int k;
    memset(out, 0, sizeof *out);
    out->lo = 1e18;
    out->hi = -1e18;
    for (k = 0; k < n; k++) {
        if (idx[k] != line) continue;
        s0 += 1;
        st += along[k];
        sv += val[k];
        stt += along[k] * along[k];
        stv += along[k] * val[k];
        if (along[k] < out->lo) out->lo = along[k];
        if (along[k] > out->hi) out->hi = along[k];
    }
    out->n = (int)s0;
    if (out->n == 0) return;
    out->a = sv / s0;
    /* a line seen over less than 100 px has no slope of its own: level */
    if (out->hi - out->lo >= 100 && stt * s0 - st * st > 1e-9) {
        out->b = (s0 * stv - st * sv) / (s0 * stt - st * st);
        out->a = (sv - out->b * st) / s0;
    }
}

/* merged[i] = index of line i after merging each line with the previous
 * one when they are at most TRUTH_MERGE_PX apart where they come closest
 * (see tline). idx[k], along[k], val[k] (k < n): line index, centre along
 * the line and position of the cell edges; nl lines. */
static void merge_lines(const int *idx, const double *along, const int *val, int n, int nl,
                        double merge_px, int *merged)
{
    tline prev, cur;
    int i, have = 0, m = 0;
    memset(&prev, 0, sizeof prev);
    for (i = 0; i < nl; i++) {
        double t;
        merged[i] = i;
        fit_tline(idx, along, val, n, i, &cur);
        if (cur.n == 0) {
            merged[i] = m;
            continue;
        }
        if (cur.lo <= prev.hi && prev.lo <= cur.hi) /* overlapping extents */
            t = ((cur.lo > prev.lo ? cur.lo : prev.lo) + (cur.hi < prev.hi ? cur.hi : prev.hi)) / 2;
        else if (cur.lo > prev.hi)
            t = (cur.lo + prev.hi) / 2;
        else
            t = (prev.lo + cur.hi) / 2;
        if (have && fabs((cur.a + cur.b * t) - (prev.a + prev.b * t)) > merge_px) m++;
        merged[i] = m;
        prev = cur;
        have = 1;
    }
}

/* Recomputes the spans of the true cells (spans[2*i], spans[2*i+1] =
 * rowspan, colspan) with merged positions. Returns how many changed. */
static int truth_spans(const cJSON *cells, int n, double merge_px, int *spans)
{
    size_t m = (size_t)(2 * n + 1);
    int *xi = calloc(m, sizeof(int)), *xv = calloc(m, sizeof(int));
    int *yi = calloc(m, sizeof(int)), *yv = calloc(m, sizeof(int));
    double *xt = calloc(m, sizeof(double)), *yt = calloc(m, sizeof(double));
    int *mx = NULL, *my = NULL;
    int i, nx = 0, ny = 0, maxx = 0, maxy = 0, changed = 0;
    if (xi == NULL || xv == NULL || yi == NULL || yv == NULL || xt == NULL || yt == NULL) goto cleanup;
    for (i = 0; i < n; i++) {
        const cJSON *tc = cJSON_GetArrayItem(cells, i);
        const cJSON *bx = cJSON_GetObjectItemCaseSensitive(tc, "box");
        int b[4], k, r = json_int(tc, "row", 0), c = json_int(tc, "col", 0);
        int rs = json_int(tc, "rowspan", 1), cs = json_int(tc, "colspan", 1);
        if (!cJSON_IsArray(bx) || cJSON_GetArraySize(bx) != 4 || r < 0 || c < 0 || rs < 1 || cs < 1)
            continue;
        for (k = 0; k < 4; k++) b[k] = (int)lround(cJSON_GetArrayItem(bx, k)->valuedouble);
        xi[nx] = c;
        xt[nx] = b[1] + b[3] / 2.0;
        xv[nx++] = b[0];
        xi[nx] = c + cs;
        xt[nx] = b[1] + b[3] / 2.0;
        xv[nx++] = b[0] + b[2];
        yi[ny] = r;
        yt[ny] = b[0] + b[2] / 2.0;
        yv[ny++] = b[1];
        yi[ny] = r + rs;
        yt[ny] = b[0] + b[2] / 2.0;
        yv[ny++] = b[1] + b[3];
        if (c + cs > maxx) maxx = c + cs;
        if (r + rs > maxy) maxy = r + rs;
    }
    mx = malloc(sizeof(int) * (size_t)(maxx + 1));
    my = malloc(sizeof(int) * (size_t)(maxy + 1));
    if (mx == NULL || my == NULL) goto cleanup;
    merge_lines(xi, xt, xv, nx, maxx + 1, merge_px, mx);
    merge_lines(yi, yt, yv, ny, maxy + 1, merge_px, my);
    for (i = 0; i < n; i++) {
        const cJSON *tc = cJSON_GetArrayItem(cells, i);
        int r = json_int(tc, "row", 0), c = json_int(tc, "col", 0), k;
        int rs = json_int(tc, "rowspan", 1), cs = json_int(tc, "colspan", 1);
        spans[2 * i] = rs;
        spans[2 * i + 1] = cs;
        if (r < 0 || c < 0 || rs < 1 || cs < 1 || r + rs > maxy || c + cs > maxx) continue;
        k = my[r + rs] - my[r];
        if (k != spans[2 * i]) changed++;
        spans[2 * i] = k;
        k = mx[c + cs] - mx[c];
        if (k != spans[2 * i + 1]) changed++;
        spans[2 * i + 1] = k;
    }
cleanup:
    free(xi);
    free(xv);
    free(yi);
    free(yv);
    free(xt);
    free(yt);
    free(mx);
    free(my);
    return changed;
}

static int g_verbose;
static long g_truth_respanned;
static const char *g_debug_dir;

static void eval_page(const char *doc, int pageno, const cJSON *info, fd_source *src)
{
    const char *tier = "unknown";
    const cJSON *tv = cJSON_GetObjectItemCaseSensitive(info, "tier");
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(info, "cells");
    tier_stats *ts;
    fd_diag dg;
    fd_clean_options opt;
    fd_page_image img;
    fd_grid grid;
    fd_grid_debug dbg;
    PIX *raw = NULL;
    int dpi = 0, ntrue, i;
    unsigned char *used = NULL;
    int *tspans = NULL, *tlo = NULL, *thi = NULL;
    double t0, t1;
    long matched = 0, iou_matched = 0, span_ok = 0, matched50 = 0, matched_near = 0;

    if (cJSON_IsString(tv)) tier = tv->valuestring;
    ts = tier_get(tier);
    fd_diag_init(&dg);
    fd_clean_options_default(&opt);
    memset(&img, 0, sizeof img);
    memset(&grid, 0, sizeof grid);
    memset(&dbg, 0, sizeof dbg);
    ntrue = cJSON_IsArray(cells) ? cJSON_GetArraySize(cells) : 0;

    t0 = now_sec();
    if (fd_source_load_page(src, pageno, &raw, &dpi, &dg) != FD_OK ||
        fd_page_clean(raw, pageno, dpi, &opt, &img, &dg) != FD_OK ||
        fd_grid_detect(&img, &grid, &dbg, &dg) != FD_OK) {
        t1 = now_sec();
        ts->pages++;
        ts->pages_failed++;
        ts->true_cells += ntrue;
        ts->seconds += t1 - t0;
        printf("%s p%d: FAILED: %s\n", doc, pageno, dg.message);
        goto cleanup;
    }
    t1 = now_sec();
    ts->pages++;
    ts->seconds += t1 - t0;
    ts->true_cells += ntrue;
    ts->found_cells += (long)grid.n_cells;

    /* The grid's boxes are in the cleaned page, deskewed by the skew the
     * ingest found; the truth's by the skew the generator applied. On a
     * warped page the two differ by the warp's own rotation (which no
     * deskew can tell from skew; the skew columns report it): turn the
     * found boxes by the difference, about the page centre, so that the
     * grid is judged on the page it saw. */
    {
        double d = (img.skew_deg - json_dbl(info, "skew_deg", 0.0)) * 3.14159265358979 / 180.0;
        double cx = grid.width / 2.0, cy = grid.height / 2.0, ca = cos(d), sa = sin(d);
        size_t j;
        for (j = 0; j < grid.n_cells && fabs(d) > 1e-9; j++) {
            int *b = grid.cells[j].box, k;
            double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
            for (k = 0; k < 4; k++) {
                double px = b[0] + ((k & 1) ? b[2] : 0) - cx, py = b[1] + ((k & 2) ? b[3] : 0) - cy;
                double qx = cx + px * ca + py * sa, qy = cy - px * sa + py * ca;
                if (qx < x0) x0 = qx;
                if (qx > x1) x1 = qx;
                if (qy < y0) y0 = qy;
                if (qy > y1) y1 = qy;
            }
            b[0] = (int)lround(x0);
            b[1] = (int)lround(y0);
            b[2] = (int)lround(x1) - b[0];
            b[3] = (int)lround(y1) - b[1];
        }
    }
    used = calloc(grid.n_cells + 1, 1);
    tspans = calloc((size_t)(2 * ntrue + 1), sizeof *tspans);
    tlo = calloc((size_t)(2 * ntrue + 1), sizeof *tlo);
    thi = calloc((size_t)(2 * ntrue + 1), sizeof *thi);
    if (used == NULL || tspans == NULL || tlo == NULL || thi == NULL) goto cleanup;
    g_truth_respanned += truth_spans(cells, ntrue, TRUTH_MERGE_PX, tspans);
    truth_spans(cells, ntrue, TRUTH_MERGE_PX + NEAR_RULE_PX, tlo);
    truth_spans(cells, ntrue, TRUTH_MERGE_PX - NEAR_RULE_PX, thi);
    if (g_verbose > 1) {
        size_t j;
        printf("  xs:");
        for (j = 0; j < grid.n_xs; j++) printf(" %d", grid.xs[j]);
        printf("\n  ys:");
        for (j = 0; j < grid.n_ys; j++) printf(" %d", grid.ys[j]);
        printf("\n");
        for (j = 0; j < grid.n_cells; j++)
            printf("  found r%d c%d %dx%d box %d,%d,%d,%d\n", grid.cells[j].row, grid.cells[j].col,
                   grid.cells[j].rowspan, grid.cells[j].colspan, grid.cells[j].box[0],
                   grid.cells[j].box[1], grid.cells[j].box[2], grid.cells[j].box[3]);
    }
    for (i = 0; i < ntrue; i++) {
        const cJSON *tc = cJSON_GetArrayItem(cells, i);
        const cJSON *bx = cJSON_GetObjectItemCaseSensitive(tc, "box");
        int tb[4], k, rs = tspans[2 * i], cs = tspans[2 * i + 1];
        size_t j, best = (size_t)-1;
        double bi = 0.0;
        if (!cJSON_IsArray(bx) || cJSON_GetArraySize(bx) != 4) continue;
        for (k = 0; k < 4; k++) tb[k] = (int)lround(cJSON_GetArrayItem(bx, k)->valuedouble);
        for (j = 0; j < grid.n_cells; j++) {
            double v = iou(tb, grid.cells[j].box);
            if (v > bi && !used[j]) {
                bi = v;
                best = j;
            }
        }
        if (bi >= 0.5 && bi < 0.8 && grid.cells[best].rowspan == rs && grid.cells[best].colspan == cs)
            matched50++;
        if (bi >= 0.8 && grid.cells[best].rowspan >= tlo[2 * i] && grid.cells[best].rowspan <= thi[2 * i] &&
            grid.cells[best].colspan >= tlo[2 * i + 1] && grid.cells[best].colspan <= thi[2 * i + 1])
            matched_near++;
        if (bi >= 0.8) {
            iou_matched++;
            if (grid.cells[best].rowspan == rs && grid.cells[best].colspan == cs) {
                span_ok++;
                matched++;
                matched50++;
                used[best] = 1;
            } else if (g_verbose) {
                printf("  %s p%d: span r%d c%d true %dx%d found %dx%d\n", doc, pageno,
                       json_int(tc, "row", -1), json_int(tc, "col", -1), rs, cs,
                       grid.cells[best].rowspan, grid.cells[best].colspan);
            }
        } else if (g_verbose) {
            printf("  %s p%d: missed r%d c%d box %d,%d,%d,%d (best IoU %.2f)\n", doc, pageno,
                   json_int(tc, "row", -1), json_int(tc, "col", -1), tb[0], tb[1], tb[2], tb[3],
                   bi);
        }
    }
    ts->matched += matched;
    ts->matched50 += matched50;
    ts->matched_near += matched_near;
    ts->iou_matched += iou_matched;
    ts->span_ok += span_ok;
    {
        double tskew = json_dbl(info, "skew_deg", 0.0);
        int trot = json_int(info, "rotation_deg", 0);
        int want = (360 - (trot % 360)) % 360;
        double err = fabs(img.skew_deg - tskew);
        ts->skew_sum += err;
        if (err > ts->skew_max) ts->skew_max = err;
        ts->skew_n++;
        ts->orient_n++;
        if (img.rotation_deg == want) ts->orient_ok++;
        if (g_verbose || matched < ntrue || img.rotation_deg != want)
            printf("%s p%d [%s]: cells %ld/%d found %zu  skew %.2f (true %.2f)  rot %d (want %d) "
                   "%.2fs\n",
                   doc, pageno, tier, matched, ntrue, grid.n_cells, img.skew_deg, tskew,
                   img.rotation_deg, want, t1 - t0);
    }
    if (g_debug_dir != NULL) {
        char dd[4096];
        snprintf(dd, sizeof dd, "%s/%s", g_debug_dir, doc);
        {
            char cmd[4200];
            snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dd);
            if (system(cmd) != 0) fprintf(stderr, "cannot create %s\n", dd);
        }
        if (fd_grid_write_debug(dd, &img, &grid, &dbg, &dg) != FD_OK)
            fprintf(stderr, "debug: %s\n", dg.message);
    }
cleanup:
    free(used);
    free(tspans);
    free(tlo);
    free(thi);
    pixDestroy(&raw);
    fd_page_image_clear(&img);
    fd_grid_clear(&grid);
    fd_grid_debug_clear(&dbg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t nn = 0, cap = 0, k;
    int i, limit = 0, ndocs = 0;

    setMsgSeverity(L_SEVERITY_NONE);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) g_verbose = 1;
        else if (strcmp(argv[i], "-vv") == 0) g_verbose = 2;
        else if (strcmp(argv[i], "--debug-dir") == 0 && i + 1 < argc) g_debug_dir = argv[++i];
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) limit = (int)strtol(argv[++i], NULL, 10);
        else dir = argv[i];
    }
    if (dir == NULL) {
        fprintf(stderr, "usage: formdig_grid_eval [-v] [--debug-dir DIR] [--limit N] DIR\n");
        return 2;
    }
    d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s\n", dir);
        return 2;
    }
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.' || dot == NULL || strstr(e->d_name, ".json") != NULL) continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (names == NULL) return 2;
        }
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);

    for (k = 0; k < nn; k++) {
        char path[4096], tpath[4096], base[1024];
        char *txt;
        cJSON *truth;
        const cJSON *pinfo;
        fd_source *src = NULL;
        fd_diag dg;
        int np, p;
        const char *dot = strrchr(names[k], '.');
        snprintf(base, sizeof base, "%.*s", (int)(dot - names[k]), names[k]);
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        snprintf(tpath, sizeof tpath, "%s/%s.truth.json", dir, base);
        txt = read_text(tpath);
        if (txt == NULL) continue;
        truth = cJSON_Parse(txt);
        free(txt);
        if (truth == NULL) continue;
        if (limit > 0 && ndocs >= limit) {
            cJSON_Delete(truth);
            break;
        }
        ndocs++;
        pinfo = cJSON_GetObjectItemCaseSensitive(truth, "page_info");
        fd_diag_init(&dg);
        if (fd_source_open(path, NULL, &src, &dg) != FD_OK) {
            printf("%s: open FAILED: %s\n", names[k], dg.message);
            cJSON_Delete(truth);
            continue;
        }
        np = fd_source_page_count(src);
        for (p = 1; p <= np && p <= cJSON_GetArraySize(pinfo); p++)
            eval_page(base, p, cJSON_GetArrayItem(pinfo, p - 1), src);
        fd_source_close(&src);
        cJSON_Delete(truth);
        fflush(stdout);
    }
    for (k = 0; k < nn; k++) free(names[k]);
    free(names);

    printf("\ntrue spans (row or column) recounted with truth lines <= %d px apart merged: %ld\n",
           TRUTH_MERGE_PX, g_truth_respanned);
    printf("\n%-8s %6s %7s %8s %9s %8s %10s %10s %8s %8s %9s %9s\n", "tier", "pages", "failed",
           "recall", "precision", "span", "skew_mean", "skew_max", "orient", "s/page",
           "rec@IoU.5", "rec~near");
    for (i = 0; i < g_ntiers; i++) {
        const tier_stats *t = &g_tiers[i];
        printf("%-8s %6d %7d %7.2f%% %8.2f%% %7.2f%% %10.3f %10.3f %7.1f%% %8.2f %8.2f%% %8.2f%%\n", t->name,
               t->pages, t->pages_failed,
               t->true_cells ? 100.0 * (double)t->matched / (double)t->true_cells : 0.0,
               t->found_cells ? 100.0 * (double)t->matched / (double)t->found_cells : 0.0,
               t->iou_matched ? 100.0 * (double)t->span_ok / (double)t->iou_matched : 0.0,
               t->skew_n ? t->skew_sum / t->skew_n : 0.0, t->skew_max,
               t->orient_n ? 100.0 * t->orient_ok / t->orient_n : 0.0,
               t->pages ? t->seconds / t->pages : 0.0,
               t->true_cells ? 100.0 * (double)t->matched50 / (double)t->true_cells : 0.0,
               t->true_cells ? 100.0 * (double)t->matched_near / (double)t->true_cells : 0.0);
    }
    return 0;
}
