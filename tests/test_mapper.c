/*
 * Mapper: label matching, and whole documents mapped from synthetic input
 * with no OCR — the cell grid and cell texts of the generator's ground
 * truth (the truth files in scans/, or in $FD_TRUTH_DIR) are fed
 * to fd_map_document through a reader that returns the printed text, and
 * every field of every form must come out exactly as in the truth.
 */
#define _POSIX_C_SOURCE 200809L
#include "json_io.h"
#include "mapper.h"
#include "testutil.h"

#include <cJSON.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct truth_page {
    fd_grid grid;
    char **texts;      /* per cell */
    char *preamble;
} truth_page;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Line positions by index into pos[0..nl): the median of the cell edges
 * on each line (idx[k], val[k], k < n). The truth's boxes follow the hard
 * tier's perspective warp, so one line's edges differ from cell to cell;
 * its indices are those of the drawn lines. Returns nl. */
static size_t line_positions(const int *idx, const int *val, size_t n, int *pos, int *tmp)
{
    size_t nl = 0, k;
    int i;
    for (k = 0; k < n; k++)
        if ((size_t)idx[k] + 1 > nl) nl = (size_t)idx[k] + 1;
    for (i = 0; (size_t)i < nl; i++) {
        size_t c = 0;
        for (k = 0; k < n; k++)
            if (idx[k] == i) tmp[c++] = val[k];
        if (c == 0) {
            pos[i] = i > 0 ? pos[i - 1] : 0;
            continue;
        }
        qsort(tmp, c, sizeof *tmp, cmp_int);
        pos[i] = tmp[c / 2];
    }
    return nl;
}

static int merge_stacked_labels;

/* The rule between the 年度资金总额 and 其中：当年财政拨款 label cells lost:
 * one label cell of rowspan 2 holding both texts. */
static void merge_funds_labels(truth_page *tp)
{
    size_t i, j;
    for (i = 0; i < tp->grid.n_cells; i++) {
        fd_cell *top = &tp->grid.cells[i];
        if (strncmp(tp->texts[i], "\u5e74\u5ea6\u8d44\u91d1", 12) != 0) continue; /* 年度资金… */
        for (j = 0; j < tp->grid.n_cells; j++) {
            fd_cell *below = &tp->grid.cells[j];
            size_t len;
            char *joined;
            if (below->col != top->col || below->row != top->row + top->rowspan) continue;
            len = strlen(tp->texts[i]) + strlen(tp->texts[j]) + 1;
            joined = malloc(len);
            T_CHECK(joined != NULL);
            if (joined == NULL) return;
            fd_snprintf(joined, len, "%s%s", tp->texts[i], tp->texts[j]);
            free(tp->texts[i]);
            tp->texts[i] = joined;
            top->rowspan += below->rowspan;
            top->box[3] = below->box[1] + below->box[3] - top->box[1];
            free(tp->texts[j]);
            memmove(&tp->grid.cells[j], &tp->grid.cells[j + 1], (tp->grid.n_cells - j - 1) * sizeof *top);
            memmove(&tp->texts[j], &tp->texts[j + 1], (tp->grid.n_cells - j - 1) * sizeof *tp->texts);
            tp->grid.n_cells--;
            return;
        }
    }
}

static int split_fiscal;

/* Stray vertical lines through the 其中：当年财政拨款 label cell: a sliver
 * (empty) and the label's text in two pieces, side by side in one row. */
static void split_fiscal_label(truth_page *tp)
{
    size_t i;
    for (i = 0; i < tp->grid.n_cells; i++) {
        char flat[256], *a, *b;
        const char *r;
        size_t n = 0, half, k;
        fd_cell *cells;
        char **texts;
        if (strncmp(tp->texts[i], "\u5176\u4e2d", 6) != 0) continue; /* 其中… */
        for (r = tp->texts[i]; *r && n + 1 < sizeof flat; r++)
            if (*r != '\n') flat[n++] = *r;
        flat[n] = '\0';
        half = (n / 3 / 2) * 3; /* half of the characters (3-byte CJK) */
        a = malloc(half + 1);
        b = strdup(flat + half);
        cells = realloc(tp->grid.cells, (tp->grid.n_cells + 2) * sizeof *cells);
        if (cells) tp->grid.cells = cells;
        texts = cells ? realloc(tp->texts, (tp->grid.n_cells + 2) * sizeof *texts) : NULL;
        if (texts) tp->texts = texts;
        T_CHECK(a != NULL && b != NULL && cells != NULL && texts != NULL);
        if (a == NULL || b == NULL || cells == NULL || texts == NULL) {
            free(a);
            free(b);
            return;
        }
        memcpy(a, flat, half);
        a[half] = '\0';
        memmove(&cells[i + 3], &cells[i + 1], (tp->grid.n_cells - i - 1) * sizeof *cells);
        memmove(&texts[i + 3], &texts[i + 1], (tp->grid.n_cells - i - 1) * sizeof *texts);
        cells[i + 1] = cells[i];
        cells[i + 2] = cells[i];
        k = (size_t)cells[i].box[2];
        cells[i].box[2] = 3;
        cells[i + 1].box[0] = cells[i].box[0] + 3;
        cells[i + 1].box[2] = (int)(k - 3) / 2;
        cells[i + 2].box[0] = cells[i + 1].box[0] + cells[i + 1].box[2];
        cells[i + 2].box[2] = (int)k - 3 - cells[i + 1].box[2];
        free(texts[i]);
        texts[i] = strdup("");
        texts[i + 1] = a;
        texts[i + 2] = b;
        tp->grid.n_cells += 2;
        return;
    }
}

static int load_page(const cJSON *pi, truth_page *tp)
{
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(pi, "cells");
    const cJSON *pre = cJSON_GetObjectItemCaseSensitive(pi, "preamble");
    const cJSON *c;
    size_t n = (size_t)cJSON_GetArraySize(cells), i = 0;
    int minx = 1 << 30, miny = 1 << 30, maxx = 0, maxy = 0;
    int *xi, *xv, *yi, *yv, *tmp;
    fd_buf pb;
    memset(tp, 0, sizeof *tp);
    tp->grid.page = cJSON_GetObjectItemCaseSensitive(pi, "page")->valueint;
    tp->grid.width = cJSON_GetObjectItemCaseSensitive(pi, "width")->valueint;
    tp->grid.height = cJSON_GetObjectItemCaseSensitive(pi, "height")->valueint;
    tp->grid.cells = calloc(n ? n : 1, sizeof *tp->grid.cells);
    tp->texts = calloc(n ? n : 1, sizeof *tp->texts);
    tp->grid.xs = calloc(2 * n + 1, sizeof *tp->grid.xs);
    tp->grid.ys = calloc(2 * n + 1, sizeof *tp->grid.ys);
    xi = calloc(2 * n + 1, sizeof *xi);
    xv = calloc(2 * n + 1, sizeof *xv);
    yi = calloc(2 * n + 1, sizeof *yi);
    yv = calloc(2 * n + 1, sizeof *yv);
    tmp = calloc(2 * n + 1, sizeof *tmp);
    if (xi == NULL || xv == NULL || yi == NULL || yv == NULL || tmp == NULL) abort();
    cJSON_ArrayForEach(c, cells)
    {
        fd_cell *cell = &tp->grid.cells[i];
        const cJSON *box = cJSON_GetObjectItemCaseSensitive(c, "box");
        int k;
        for (k = 0; k < 4; k++) cell->box[k] = cJSON_GetArrayItem(box, k)->valueint;
        cell->row = cJSON_GetObjectItemCaseSensitive(c, "row")->valueint;
        cell->col = cJSON_GetObjectItemCaseSensitive(c, "col")->valueint;
        cell->rowspan = cJSON_GetObjectItemCaseSensitive(c, "rowspan")->valueint;
        cell->colspan = cJSON_GetObjectItemCaseSensitive(c, "colspan")->valueint;
        tp->texts[i] = strdup(cJSON_GetObjectItemCaseSensitive(c, "text")->valuestring);
        xi[2 * i] = cell->col;
        xv[2 * i] = cell->box[0];
        xi[2 * i + 1] = cell->col + cell->colspan;
        xv[2 * i + 1] = cell->box[0] + cell->box[2];
        yi[2 * i] = cell->row;
        yv[2 * i] = cell->box[1];
        yi[2 * i + 1] = cell->row + cell->rowspan;
        yv[2 * i + 1] = cell->box[1] + cell->box[3];
        if (cell->box[0] < minx) minx = cell->box[0];
        if (cell->box[1] < miny) miny = cell->box[1];
        if (cell->box[0] + cell->box[2] > maxx) maxx = cell->box[0] + cell->box[2];
        if (cell->box[1] + cell->box[3] > maxy) maxy = cell->box[1] + cell->box[3];
        i++;
    }
    tp->grid.n_cells = n;
    tp->grid.n_xs = line_positions(xi, xv, 2 * n, tp->grid.xs, tmp);
    tp->grid.n_ys = line_positions(yi, yv, 2 * n, tp->grid.ys, tmp);
    free(xi);
    free(xv);
    free(yi);
    free(yv);
    free(tmp);
    tp->grid.table_box[0] = minx;
    tp->grid.table_box[1] = miny;
    tp->grid.table_box[2] = maxx - minx;
    tp->grid.table_box[3] = maxy - miny;
    /* The mapper expects cells in row, then column order. */
    for (i = 1; i < n; i++) {
        size_t j = i;
        while (j > 0 && (tp->grid.cells[j - 1].row > tp->grid.cells[j].row ||
                         (tp->grid.cells[j - 1].row == tp->grid.cells[j].row &&
                          tp->grid.cells[j - 1].col > tp->grid.cells[j].col))) {
            fd_cell t = tp->grid.cells[j];
            char *s = tp->texts[j];
            tp->grid.cells[j] = tp->grid.cells[j - 1];
            tp->texts[j] = tp->texts[j - 1];
            tp->grid.cells[j - 1] = t;
            tp->texts[j - 1] = s;
            j--;
        }
    }
    fd_buf_init(&pb);
    cJSON_ArrayForEach(c, pre)
    {
        fd_buf_puts(&pb, cJSON_GetObjectItemCaseSensitive(c, "text")->valuestring);
        fd_buf_puts(&pb, "\n");
    }
    tp->preamble = fd_buf_take(&pb);
    return 0;
}

static void free_page(truth_page *tp)
{
    size_t i;
    for (i = 0; i < tp->grid.n_cells; i++) free(tp->texts[i]);
    free(tp->texts);
    free(tp->grid.cells);
    free(tp->grid.xs);
    free(tp->grid.ys);
    fd_free(tp->preamble);
}

/* When set, an empty text cell reads as noise_text at noise_conf: what a
 * seal's remnant in an empty 偏差原因 cell looks like to the engine. */
static const char *noise_text;
static double noise_conf;
static int misread_total; /* 总分 comes back as 分 */

static fd_status oracle_reader(void *user, size_t page_index, size_t cell_index, fd_cell_kind kind,
                               fd_cell_reading *out, fd_diag *dg)
{
    truth_page *pages = user;
    truth_page *tp = &pages[page_index];
    (void)dg;
    memset(out, 0, sizeof *out);
    if (cell_index == FD_CELL_PREAMBLE) {
        out->text = tp->preamble;
    } else {
        out->text = tp->texts[cell_index];
        memcpy(out->box, tp->grid.cells[cell_index].box, sizeof out->box);
    }
    out->conf = 99.0;
    if (misread_total && strcmp(out->text, "\u603b\u5206") == 0) {
        out->text = "\u5206";
        out->conf = 14.0;
    }
    if (noise_text && (kind == FD_KIND_TEXT || kind == FD_KIND_PROSE) && cell_index != FD_CELL_PREAMBLE &&
        out->text[0] == '\0') {
        out->text = noise_text;
        out->conf = noise_conf;
    }
    return FD_OK;
}

static int num_eq(fd_num a, fd_num b)
{
    if (a.present != b.present) return 0;
    return !a.present || fabs(a.value - b.value) < 1e-9;
}

static int mismatches;

static void field_mismatch(const char *doc, size_t form, const char *what, const char *got,
                           const char *want)
{
    mismatches++;
    if (mismatches <= 40 && noise_text == NULL) /* the noise cases expect some */
        fprintf(stderr, "  %s form %zu %s: got \"%s\", want \"%s\"\n", doc, form, what,
                got ? got : "null", want ? want : "null");
}

static void cmp_text(const char *doc, size_t fi, const char *what, const char *got, const char *want)
{
    fd_test_checks++;
    if (!fd_test_streq(got, want)) field_mismatch(doc, fi, what, got, want);
}

static void cmp_num(const char *doc, size_t fi, const char *what, fd_num got, fd_num want)
{
    char g[64], w[64];
    fd_test_checks++;
    if (num_eq(got, want)) return;
    fd_snprintf(g, sizeof g, "%.17g", got.value);
    fd_snprintf(w, sizeof w, "%.17g", want.value);
    field_mismatch(doc, fi, what, got.present ? g : NULL, want.present ? w : NULL);
}

static void compare_forms(const char *doc, size_t fi, const fd_form *got, const fd_form *want)
{
    size_t i, n;
    int r, c;
    char what[96];
    cmp_text(doc, fi, "title", got->title, want->title);
    cmp_num(doc, fi, "year", got->year, want->year);
    cmp_text(doc, fi, "project_name", got->project_name, want->project_name);
    cmp_text(doc, fi, "department", got->department, want->department);
    cmp_text(doc, fi, "implementing_unit", got->implementing_unit, want->implementing_unit);
    for (r = 0; r < FD_FUNDS_ROWS; r++)
        for (c = 0; c < (r == 0 ? FD_FUNDS_COLS : 3); c++) {
            fd_snprintf(what, sizeof what, "funds/%s/%s", fd_funds_row_key[r], fd_funds_col_key[c]);
            cmp_num(doc, fi, what, got->funds[r][c], want->funds[r][c]);
        }
    cmp_text(doc, fi, "goals/expected", got->goals_expected, want->goals_expected);
    cmp_text(doc, fi, "goals/actual", got->goals_actual, want->goals_actual);
    cmp_num(doc, fi, "total/weight", got->total_weight, want->total_weight);
    cmp_num(doc, fi, "total/score", got->total_score, want->total_score);
    fd_test_checks++;
    if (got->n_indicators != want->n_indicators) {
        char g[32], w[32];
        fd_snprintf(g, sizeof g, "%zu", got->n_indicators);
        fd_snprintf(w, sizeof w, "%zu", want->n_indicators);
        field_mismatch(doc, fi, "indicator count", g, w);
    }
    n = got->n_indicators < want->n_indicators ? got->n_indicators : want->n_indicators;
    for (i = 0; i < n; i++) {
        const fd_indicator *a = &got->indicators[i], *b = &want->indicators[i];
#define IND_TEXT(field)                                                        \
    fd_snprintf(what, sizeof what, "indicators/%zu/" #field, i);                \
    cmp_text(doc, fi, what, a->field, b->field)
        IND_TEXT(level1);
        IND_TEXT(level2);
        IND_TEXT(name);
        IND_TEXT(target.text);
        IND_TEXT(actual.text);
        IND_TEXT(target.unit);
        IND_TEXT(deviation_reason);
#undef IND_TEXT
        fd_snprintf(what, sizeof what, "indicators/%zu/target/value", i);
        cmp_num(doc, fi, what, a->target.value, b->target.value);
        fd_snprintf(what, sizeof what, "indicators/%zu/actual/value", i);
        cmp_num(doc, fi, what, a->actual.value, b->actual.value);
        fd_snprintf(what, sizeof what, "indicators/%zu/weight", i);
        cmp_num(doc, fi, what, a->weight, b->weight);
        fd_snprintf(what, sizeof what, "indicators/%zu/score", i);
        cmp_num(doc, fi, what, a->score, b->score);
    }
}

/* When set, map_truth_file puts a 3-px empty cell after every header
 * label cell (项目名称, 主管部门, 实施单位): what the grid finds where the
 * label's rule and the value's, drawn by two blocks, lie 3 px apart. */
static int sliver_after_labels;

/* A sliver cell (3 px wide, empty) after cell i of the page, in its row. */
static int insert_sliver_after(truth_page *tp, size_t i)
{
    size_t n = tp->grid.n_cells + 1;
    fd_cell *cells = realloc(tp->grid.cells, n * sizeof *cells);
    char **texts = cells ? realloc(tp->texts, n * sizeof *texts) : NULL;
    fd_cell sliver;
    if (cells) tp->grid.cells = cells;
    if (texts) tp->texts = texts;
    T_CHECK(cells != NULL && texts != NULL);
    if (cells == NULL || texts == NULL) return -1;
    sliver = cells[i];
    sliver.box[0] = cells[i].box[0] + cells[i].box[2] - 1;
    sliver.box[2] = 3;
    sliver.col = cells[i].col + cells[i].colspan - 1;
    sliver.colspan = 1;
    memmove(&cells[i + 2], &cells[i + 1], (n - i - 2) * sizeof *cells);
    memmove(&texts[i + 2], &texts[i + 1], (n - i - 2) * sizeof *texts);
    cells[i + 1] = sliver;
    texts[i + 1] = strdup("");
    tp->grid.n_cells = n;
    return 0;
}

static void insert_slivers(truth_page *tp)
{
    static const char *const labels[] = {"\u9879\u76ee\u540d\u79f0", "\u4e3b\u7ba1\u90e8\u95e8",
                                         "\u5b9e\u65bd\u5355\u4f4d"};
    size_t i, k;
    for (i = 0; i < tp->grid.n_cells; i++) {
        int is_label = 0;
        for (k = 0; k < 3; k++) is_label |= strcmp(tp->texts[i], labels[k]) == 0;
        if (!is_label) continue;
        if (insert_sliver_after(tp, i) != 0) return;
        i++;
    }
}

static int funds_header_sliver;

/* The funds header row with a sliver after 年初预算数 (a stray line) and
 * its last three labels (分值, 执行率, 得分) unreadable (a seal over them). */
static void sliver_in_funds_header(truth_page *tp)
{
    size_t i, k;
    for (i = 0; i < tp->grid.n_cells; i++) {
        int row = tp->grid.cells[i].row;
        if (strcmp(tp->texts[i], "\u5e74\u521d\u9884\u7b97\u6570") != 0) continue; /* 年初预算数 */
        if (insert_sliver_after(tp, i) != 0) return;
        for (k = 0; k < tp->grid.n_cells; k++) {
            if (tp->grid.cells[k].row != row) continue;
            if (strcmp(tp->texts[k], "\u5206\u503c") == 0 ||                 /* 分值 */
                strcmp(tp->texts[k], "\u6267\u884c\u7387") == 0 ||          /* 执行率 */
                strcmp(tp->texts[k], "\u5f97\u5206") == 0) {                /* 得分 */
                free(tp->texts[k]);
                tp->texts[k] = strdup("\u653b"); /* 攻 */
            }
        }
        return;
    }
}

static int unit_joined; /* 1: 实施单位 with its value; 2: with the department's value too;
                           3: 主管部门 (misread) with its value; 4: 实施单位 with the
                           department's value only; 5: 主管部门 unreadable, nothing joined */

/* The short rules around the 实施单位 label lost (faded, or taken with a
 * seal): the label and the cells beside it read as one cell. */
static void join_unit_label(truth_page *tp)
{
    size_t i, first, k, count, len = 1;
    char *joined;
    const char *label = unit_joined == 3 || unit_joined == 5 ? "\u4e3b\u7ba1\u90e8\u95e8"  /* 主管部门 */
                                                             : "\u5b9e\u65bd\u5355\u4f4d"; /* 实施单位 */
    for (i = 0; i < tp->grid.n_cells; i++)
        if (strcmp(tp->texts[i], label) == 0) break;
    if (i + 1 >= tp->grid.n_cells || (i == 0 && unit_joined != 3 && unit_joined != 5)) return;
    if (unit_joined == 5) {
        free(tp->texts[i]);
        tp->texts[i] = strdup("\u4e3b\u660c\u90e8\u7ad9"); /* 主昌部站: half of it right */
        T_CHECK(tp->texts[i] != NULL);
        return;
    }
    if (unit_joined == 3) {
        /* 管 misread 答, the rule between label and value read as a quote */
        free(tp->texts[i]);
        tp->texts[i] = strdup("\u4e3b\u7b54\u90e8\u95e8\u201d"); /* 主答部门” */
        T_CHECK(tp->texts[i] != NULL);
        if (tp->texts[i] == NULL) return;
    }
    first = unit_joined == 2 || unit_joined == 4 ? i - 1 : i;
    count = (unit_joined == 4 ? i + 1 : i + 2) - first;
    for (k = first; k < first + count; k++) len += strlen(tp->texts[k]) + 1;
    joined = malloc(len);
    T_CHECK(joined != NULL);
    if (joined == NULL) return;
    joined[0] = '\0';
    for (k = first; k < first + count; k++) {
        if (k > first) strcat(joined, " ");
        strcat(joined, tp->texts[k]);
    }
    {
        fd_cell *a = &tp->grid.cells[first], *z = &tp->grid.cells[first + count - 1];
        a->box[2] = z->box[0] + z->box[2] - a->box[0];
        a->colspan = z->col + z->colspan - a->col;
    }
    for (k = first; k < first + count; k++) free(tp->texts[k]);
    tp->texts[first] = joined;
    memmove(&tp->grid.cells[first + 1], &tp->grid.cells[first + count],
            (tp->grid.n_cells - first - count) * sizeof *tp->grid.cells);
    memmove(&tp->texts[first + 1], &tp->texts[first + count],
            (tp->grid.n_cells - first - count) * sizeof *tp->texts);
    tp->grid.n_cells -= count - 1;
}

static int ind_header_garbled; /* 1: the right four lost; 2: the three 级指标 and 分值; 3: all */

/* The indicator header under a seal: only 一级指标, 二级指标, 三级指标 and
 * 年度指标值 read; the other four labels come back as noise. */
static void garble_indicator_header(truth_page *tp)
{
    static const char *const lost[] = {"\u5b9e\u9645\u5b8c\u6210", /* 实际完成… */
                                       "\u5206\u503c",              /* 分值 */
                                       "\u5f97\u5206",              /* 得分 */
                                       "\u504f\u5dee"};             /* 偏差… */
    size_t i, k;
    for (i = 0; i < tp->grid.n_cells; i++)
        for (k = 0; k < sizeof lost / sizeof lost[0]; k++)
            if (strncmp(tp->texts[i], lost[k], strlen(lost[k])) == 0 &&
                (k != 1 || strcmp(tp->texts[i], lost[k]) == 0) &&
                strstr(tp->texts[i], "\u60c5\u51b5") == NULL) { /* not 实际完成情况 */
                free(tp->texts[i]);
                tp->texts[i] = strdup("\u6c0f\u5f27"); /* 氏弧 */
            }
}

/* The indicator header of the first page with no label read: the row is
 * known by its shape (a cell per column, a level name in the row below). */
static void garble_first_header(truth_page *tp)
{
    static const char *const labels[] = {"\u4e00\u7ea7\u6307", "\u4e8c\u7ea7\u6307", "\u4e09\u7ea7\u6307",
                                         "\u5e74\u5ea6\u6307", "\u5b9e\u9645\u5b8c\u6210\u503c",
                                         "\u5206\u503c", "\u5f97\u5206", "\u504f\u5dee"};
    size_t i, k;
    if (tp->preamble == NULL || tp->preamble[0] == '\0') return; /* a continuation page */
    for (i = 0; i < tp->grid.n_cells; i++)
        for (k = 0; k < sizeof labels / sizeof labels[0]; k++) {
            if (strncmp(tp->texts[i], labels[k], strlen(labels[k])) != 0) continue;
            free(tp->texts[i]);
            tp->texts[i] = strdup("\u6c0f"); /* 氏 */
            break;
        }
}

/* The indicator header with only 年度指标值, 实际完成值, 得分 and 偏差原因
 * read: the three 级指标 come back as 及指村, 分值 as 值. */
static void garble_level_header_labels(truth_page *tp)
{
    size_t i;
    for (i = 0; i < tp->grid.n_cells; i++) {
        const char *t = tp->texts[i];
        const char *with = NULL;
        if (strncmp(t, "\u4e00\u7ea7\u6307", 9) == 0 || strncmp(t, "\u4e8c\u7ea7\u6307", 9) == 0 ||
            strncmp(t, "\u4e09\u7ea7\u6307", 9) == 0) /* 一级指… 二级指… 三级指… */
            with = "\u53ca\u6307\u6751";                  /* 及指村 */
        else if (strcmp(t, "\u5206\u503c") == 0)          /* 分值 */
            with = "\u503c";                                /* 值 */
        if (with == NULL) continue;
        free(tp->texts[i]);
        tp->texts[i] = strdup(with);
    }
}

static int level_labels_lost;

/* 一级指标 unreadable and 二级指标 read without its first character: "级
 * 指标" is as near to 一级, 二级 and 三级指标; taken for the first of them
 * (the first best match), it had put the level2 column on the names. Its
 * place beside 三级指标 says it is 二级指标. */
static void lose_level_labels(truth_page *tp)
{
    size_t i;
    for (i = 0; i < tp->grid.n_cells; i++) {
        const char *t = tp->texts[i];
        const char *with = NULL;
        if (strncmp(t, "\u4e00\u7ea7\u6307", 9) == 0) with = "\u53ca\u6307\u6751"; /* 一级指… → 及指村 */
        else if (strncmp(t, "\u4e8c\u7ea7\u6307", 9) == 0) with = "\u7ea7\u6307\u6807"; /* 二级指… → 级指标 */
        if (with == NULL) continue;
        free(tp->texts[i]);
        tp->texts[i] = strdup(with);
    }
}

static int level_labels_dashed;

/* 一级, 二级 and 三级指标 each read with its first character as a dash
 * ("-级指标", "-级指标", ":级指标"), and a sliver after the third: the
 * labels that name one column alone (年度指标值 …) count one cell too many
 * back to them, so the three take their columns in printed order. */
static void dash_level_labels(truth_page *tp)
{
    static const char *const from[3] = {"\u4e00\u7ea7\u6307", "\u4e8c\u7ea7\u6307",
                                        "\u4e09\u7ea7\u6307"}; /* 一级指 二级指 三级指 */
    static const char *const to[3] = {"-\u7ea7\u6307\u6807", "-\u7ea7\u6307\u6807",
                                      ":\u7ea7\u6307\u6807"};
    size_t i;
    int k;
    for (i = 0; i < tp->grid.n_cells; i++)
        for (k = 0; k < 3; k++) {
            if (strncmp(tp->texts[i], from[k], strlen(from[k])) != 0) continue;
            free(tp->texts[i]);
            tp->texts[i] = strdup(to[k]);
            if (k == 2 && insert_sliver_after(tp, i) != 0) return;
            break;
        }
}

static int score_reason_merged;

/* The indicator header's 得分 and 偏差原因分析及改进措施 cells merged (the
 * rule between them lost) and read as noise: the row has a cell too few,
 * and the score and reason columns share the merged cell, score left. */
static void merge_score_reason(truth_page *tp)
{
    size_t i;
    for (i = 0; i + 1 < tp->grid.n_cells; i++) {
        fd_cell *a = &tp->grid.cells[i], *z = &tp->grid.cells[i + 1];
        if (strcmp(tp->texts[i], "\u5f97\u5206") != 0 || /* 得分 */
            strncmp(tp->texts[i + 1], "\u504f\u5dee", 6) != 0 || z->row != a->row)
            continue; /* not 得分 followed by 偏差… */
        a->box[2] = z->box[0] + z->box[2] - a->box[0];
        a->colspan = z->col + z->colspan - a->col;
        free(tp->texts[i]);
        free(tp->texts[i + 1]);
        tp->texts[i] = strdup("Ne");
        memmove(&tp->grid.cells[i + 1], &tp->grid.cells[i + 2],
                (tp->grid.n_cells - i - 2) * sizeof *tp->grid.cells);
        memmove(&tp->texts[i + 1], &tp->texts[i + 2], (tp->grid.n_cells - i - 2) * sizeof *tp->texts);
        tp->grid.n_cells--;
    }
}

static int funds_labels_garbled; /* 1: the first three rows' labels; 2: the first and last */

/* Funds row labels under a seal, read as noise: the rows are known by
 * their place between the header and the rows whose labels read. With
 * merge_stacked_labels, the merged 年度资金总额 + 其中 cell is garbled. */
static void garble_funds_labels(truth_page *tp)
{
    static const char *const label[4] = {"\u5e74\u5ea6\u8d44\u91d1", /* 年度资金… */
                                         "\u5176\u4e2d",               /* 其中… */
                                         "\u4e0a\u5e74\u7ed3\u8f6c", /* 上年结转… */
                                         "\u5176\u4ed6\u8d44\u91d1"}; /* 其他资金 */
    static const char *const noise[4] = {"ao", "NA", "asN", "\u6c0f\u5f27"};
    size_t i;
    int k;
    for (i = 0; i < tp->grid.n_cells; i++)
        for (k = 0; k < 4; k++) {
            if (funds_labels_garbled == 1 && k == 3) continue;
            if (funds_labels_garbled == 2 && (k == 1 || k == 2)) continue;
            if (strncmp(tp->texts[i], label[k], strlen(label[k])) != 0) continue;
            free(tp->texts[i]);
            tp->texts[i] = strdup(noise[k]);
            break;
        }
}

static int level_names_garbled; /* 1, 2: named through the model; 3: two names lost side by side */

/* Level cells misread: 产出指标 as noise (named from its rows' level2
 * names), 满意度指标 and 服务对象满意度指标 with two and three characters
 * wrong (nearer their model names than any other); in mode 2 also
 * 经济效益指标 read as 至许效益指标, as near 社会效益指标, named by its
 * place (first of its group, before 社会效益指标); in mode 3 数量指标 and
 * 质量指标 read as noise, side by side: two names could be either, and
 * both stay as read. */
static void garble_level_names(truth_page *tp)
{
    static const char *const from[6] = {"\u4ea7\u51fa\u6307\u6807",   /* 产出指标 */
                                        "\u6ee1\u610f\u5ea6\u6307\u6807", /* 满意度指标 */
                                        "\u670d\u52a1\u5bf9\u8c61\u6ee1\u610f\u5ea6\u6307\u6807",
                                        "\u7ecf\u6d4e\u6548\u76ca\u6307\u6807", /* 经济效益指标 */
                                        "\u6570\u91cf\u6307\u6807",              /* 数量指标 */
                                        "\u8d28\u91cf\u6307\u6807"};             /* 质量指标 */
    static const char *const to[6] = {"\u5409",                             /* 吉 */
                                      "\u82d7\u59d3\u5ea6\u6307\u6807", /* 苗姓度指标 */
                                      "\u670d\u52a1\u5bfa\u4e89\u6ee1\u610f\u5218\u6307\u6807",
                                      "\u81f3\u8bb8\u6548\u76ca\u6307\u6807", /* 至许效益指标 */
                                      "we", "se"};
    size_t i;
    int k;
    for (i = 0; i < tp->grid.n_cells; i++) {
        char flat[128];
        size_t n = 0;
        const char *r;
        for (r = tp->texts[i]; *r && n + 1 < sizeof flat; r++)
            if (*r != '\n') flat[n++] = *r;
        flat[n] = '\0';
        for (k = 0; k < 6; k++) {
            if (k == 3 && level_names_garbled < 2) break;
            if (k >= 4 && level_names_garbled < 3) break;
            if (strcmp(flat, from[k]) != 0) continue;
            free(tp->texts[i]);
            tp->texts[i] = strdup(to[k]);
            break;
        }
    }
}

static int total_cells_merged;

/* The 总分 row's weight and score cells merged (the rule between them
 * lost), read as one run of digits ("10096"): cut into 100 and 96. */
static void merge_total_cells(truth_page *tp)
{
    size_t i;
    for (i = 0; i + 2 < tp->grid.n_cells; i++) {
        fd_cell *a = &tp->grid.cells[i + 1], *z = &tp->grid.cells[i + 2];
        size_t len;
        char *joined;
        if (strcmp(tp->texts[i], "\u603b\u5206") != 0 || a->row != tp->grid.cells[i].row ||
            z->row != a->row || !tp->texts[i + 1][0] || !tp->texts[i + 2][0])
            continue; /* not 总分 followed by two numbers */
        len = strlen(tp->texts[i + 1]) + strlen(tp->texts[i + 2]) + 1;
        joined = malloc(len);
        T_CHECK(joined != NULL);
        if (joined == NULL) return;
        fd_snprintf(joined, len, "%s%s", tp->texts[i + 1], tp->texts[i + 2]);
        a->box[2] = z->box[0] + z->box[2] - a->box[0];
        a->colspan = z->col + z->colspan - a->col;
        free(tp->texts[i + 1]);
        free(tp->texts[i + 2]);
        tp->texts[i + 1] = joined;
        memmove(&tp->grid.cells[i + 2], &tp->grid.cells[i + 3],
                (tp->grid.n_cells - i - 3) * sizeof *tp->grid.cells);
        memmove(&tp->texts[i + 2], &tp->texts[i + 3], (tp->grid.n_cells - i - 3) * sizeof *tp->texts);
        tp->grid.n_cells--;
    }
}

static int header_cut_short; /* 1: after 三级指标; 2: after 年度指标值 */

/* The first page's indicator header ends at 三级指标 (or 年度指标值): its
 * cells right of it are gone (the goal text cell above swallowed them,
 * the rule between them faded). The columns come from the row below. */
static void cut_header_short(truth_page *tp)
{
    const char *last = header_cut_short == 2 ? "\u5e74\u5ea6\u6307" /* 年度指… */
                                             : "\u4e09\u7ea7\u6307"; /* 三级指… */
    size_t i, j;
    if (tp->preamble == NULL || tp->preamble[0] == '\0') return; /* a continuation page */
    for (i = 0; i < tp->grid.n_cells; i++) {
        const fd_cell *name = &tp->grid.cells[i];
        if (strncmp(tp->texts[i], last, 9) != 0) continue;
        for (j = i + 1; j < tp->grid.n_cells;) {
            if (tp->grid.cells[j].row != name->row) {
                j++;
                continue;
            }
            free(tp->texts[j]);
            memmove(&tp->grid.cells[j], &tp->grid.cells[j + 1],
                    (tp->grid.n_cells - j - 1) * sizeof *tp->grid.cells);
            memmove(&tp->texts[j], &tp->texts[j + 1], (tp->grid.n_cells - j - 1) * sizeof *tp->texts);
            tp->grid.n_cells--;
        }
        return;
    }
}

static int map_truth_file(const char *path, const fd_form_model *model)
{
    size_t len = 0, i, n_pages;
    char *text = fd_test_read_file(path, &len);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    const cJSON *pinfo = cJSON_GetObjectItemCaseSensitive(root, "page_info"), *pi;
    truth_page *pages;
    fd_document *want = NULL, *got = NULL;
    fd_diag dg;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    fd_diag_init(&dg);
    T_CHECK_MSG(root != NULL && pinfo != NULL, "%s: not a truth file", path);
    if (root == NULL || pinfo == NULL) {
        free(text);
        cJSON_Delete(root);
        return 0;
    }
    n_pages = (size_t)cJSON_GetArraySize(pinfo);
    pages = calloc(n_pages, sizeof *pages);
    {
        fd_grid *grids = calloc(n_pages, sizeof *grids);
        i = 0;
        cJSON_ArrayForEach(pi, pinfo)
        {
            load_page(pi, &pages[i]);
            if (sliver_after_labels) insert_slivers(&pages[i]);
            if (funds_header_sliver) sliver_in_funds_header(&pages[i]);
            if (merge_stacked_labels) merge_funds_labels(&pages[i]);
            if (funds_labels_garbled) garble_funds_labels(&pages[i]);
            if (total_cells_merged) merge_total_cells(&pages[i]);
            if (header_cut_short) cut_header_short(&pages[i]);
            if (level_names_garbled) garble_level_names(&pages[i]);
            if (split_fiscal) split_fiscal_label(&pages[i]);
            if (unit_joined) join_unit_label(&pages[i]);
            if (ind_header_garbled == 1) garble_indicator_header(&pages[i]);
            if (ind_header_garbled == 2) garble_level_header_labels(&pages[i]);
            if (ind_header_garbled == 3) garble_first_header(&pages[i]);
            if (level_labels_lost) lose_level_labels(&pages[i]);
            if (level_labels_dashed) dash_level_labels(&pages[i]);
            if (score_reason_merged) merge_score_reason(&pages[i]);
            grids[i] = pages[i].grid;
            i++;
        }
        T_EQ_INT(fd_json_read_document(text, len, &want, &dg), FD_OK);
        T_EQ_INT(fd_document_create(&got), FD_OK);
        T_EQ_INT(fd_map_document(model, grids, n_pages, oracle_reader, pages, got, &dg), FD_OK);
        if (dg.status != FD_OK) fprintf(stderr, "%s: %s\n", name, dg.message);
        free(grids);
    }
    if (want && got) {
        T_EQ_INT(got->n_forms, want->n_forms);
        for (i = 0; i < got->n_forms && i < want->n_forms; i++)
            compare_forms(name, i, &got->forms[i], &want->forms[i]);
    }
    fd_document_destroy(&want);
    fd_document_destroy(&got);
    T_CHECK(got == NULL);
    for (i = 0; i < n_pages; i++) free_page(&pages[i]);
    free(pages);
    cJSON_Delete(root);
    free(text);
    return 1;
}

static int map_truth_dir(const char *dir, const fd_form_model *model)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL) return 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        char path[2048];
        if (l < 11 || strcmp(e->d_name + l - 11, ".truth.json") != 0) continue;
        fd_snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        n += map_truth_file(path, model);
    }
    closedir(d);
    return n;
}

/* Maps the demo's truth with one of the transforms above switched on
 * (*flag = 1) and returns the field mismatches. */
static int map_demo_with(int *flag, const fd_form_model *model)
{
    char path[1024];
    mismatches = 0;
    *flag = 1;
    fd_snprintf(path, sizeof path, "%s/scans/demo.truth.json", FD_SOURCE_DIR);
    T_EQ_INT(map_truth_file(path, model), 1);
    *flag = 0;
    return mismatches;
}

int main(void)
{
    fd_form_model model;
    fd_diag dg;
    char path[1024];
    const char *dir = getenv("FD_TRUTH_DIR");
    double sim = 0;
    const fd_label *lab;
    int n_docs;

    fd_diag_init(&dg);
    memset(&model, 0, sizeof model);
    fd_snprintf(path, sizeof path, "%s/models/form.json", FD_SOURCE_DIR);
    T_EQ_INT(fd_json_load_form_model(path, &model, &dg), FD_OK);

    /* Label matching: near-misses find their label, distinct labels stay
     * apart. */
    lab = fd_form_model_match(&model, NULL, "项目资金 (元)", &sim);
    T_EQ_STR(lab ? lab->key : NULL, "funds.block");
    lab = fd_form_model_match(&model, "ind.col.", "二级指标", &sim);
    T_EQ_STR(lab ? lab->key : NULL, "ind.col.level2");
    T_EQ_DBL(sim, 1.0, 1e-9);
    lab = fd_form_model_match(&model, "ind.col.", "一级指际", &sim); /* one character misread */
    T_EQ_STR(lab ? lab->key : NULL, "ind.col.level1");
    T_CHECK(sim >= 0.7 && sim < 1.0);
    lab = fd_form_model_match(&model, "funds.row.", "其中：当年财政拨款", &sim);
    T_EQ_STR(lab ? lab->key : NULL, "funds.row.fiscal");
    lab = fd_form_model_match(&model, NULL, "偏差原因分析及\n改进措施", &sim);
    T_EQ_STR(lab ? lab->key : NULL, "ind.col.deviation_reason");
    lab = fd_form_model_match(&model, NULL, "", &sim);
    T_CHECK(lab == NULL);
    /* What a rule's (or a seal's) remnant at a cell's edge adds: runs of
     * dashes at either end do not count; a single 一 does. */
    {
        static const struct {
            const char *text, *key;
            double sim;
        } dashed[] = {
            {"，全年执行数---一", "funds.col.executed", 1.0},
            {"全年预算数一一-", "funds.col.annual_budget", 1.0},
            {"- -一分值", "funds.col.weight", 1.0},
            {"一级指标", "ind.col.level1", 1.0},
            {"一级指标一", "ind.col.level1", 0.8}, /* one 一: a character, kept */
            {"---", NULL, 0.0},
        };
        size_t k;
        for (k = 0; k < sizeof dashed / sizeof dashed[0]; k++) {
            lab = fd_form_model_match(&model, NULL, dashed[k].text, &sim);
            T_EQ_STR(lab ? lab->key : NULL, dashed[k].key);
            T_EQ_DBL(sim, dashed[k].sim, 1e-9);
        }
    }

    /* Whole documents from the ground truth of the bundled scans. */
    mismatches = 0;
    fd_snprintf(path, sizeof path, "%s/scans", FD_SOURCE_DIR);
    n_docs = map_truth_dir(dir ? dir : path, &model);
    printf("truth documents mapped: %d, field mismatches: %d\n", n_docs, mismatches);
    T_CHECK(n_docs >= 3);
    T_EQ_INT(mismatches, 0);

    /* A group printed without level2 names (效益指标, level2 cells blank)
     * that starts at the top of a continuation page, under a group that
     * has one: its rows' level2 is null, not the name above the break.
     * (Generated: tools/gen_scans.py --random 30 --seed 1111, doc000.) */
    mismatches = 0;
    fd_snprintf(path, sizeof path, "%s/tests/data/mapper/blank_level2_after_break.truth.json",
                FD_SOURCE_DIR);
    T_EQ_INT(map_truth_file(path, &model), 1);
    T_EQ_INT(mismatches, 0);

    /* The 年度资金总额 and 其中：当年财政拨款 labels in one cell (the rule
     * between them lost): both rows still get their values. */
    T_EQ_INT(map_demo_with(&merge_stacked_labels, &model), 0);

    /* The 其中：当年财政拨款 label cut into a sliver and two pieces by
     * stray vertical lines: the row is still the fiscal row. */
    T_EQ_INT(map_demo_with(&split_fiscal, &model), 0);

    /* 总分 read as 分 (the engine on two wide-set characters): the last
     * row, its first cell wide and no indicator name in it, is still the
     * total row. */
    T_EQ_INT(map_demo_with(&misread_total, &model), 0);

    /* 实施单位 read in one cell with its value, then also with the
     * department's value (the short rules around the label lost): the
     * fields are split at the label. So is 主管部门, misread, in one cell
     * with its value: the row is still the department's. 实施单位 with the
     * department's value alone: the unit's value is the next cell. 主管部门
     * unreadable: the row holding 实施单位 is the department's. */
    {
        int mode;
        for (mode = 1; mode <= 5; mode++) {
            int flag = 0;
            unit_joined = mode;
            T_EQ_INT(map_demo_with(&flag, &model), 0);
            unit_joined = 0;
        }
    }

    /* Four of the eight indicator header labels unreadable: 三级指标 and
     * 年度指标值 among the four read make it the header, and the others
     * are placed from them. */
    T_EQ_INT(map_demo_with(&ind_header_garbled, &model), 0);
    {
        int flag = 0;
        ind_header_garbled = 2;
        T_EQ_INT(map_demo_with(&flag, &model), 0);
        /* None of the labels read: the header is known by its shape. */
        ind_header_garbled = 3;
        T_EQ_INT(map_demo_with(&flag, &model), 0);
        ind_header_garbled = 0;
    }

    /* A header label as near to several columns' labels is the one its
     * place says, counted from the labels that name one column alone. */
    T_EQ_INT(map_demo_with(&level_labels_lost, &model), 0);
    T_EQ_INT(map_demo_with(&level_labels_dashed, &model), 0);
    T_EQ_INT(map_demo_with(&score_reason_merged, &model), 0);

    /* Funds row labels unreadable: each row is the one its place between
     * the known rows says (the first three; the first and the last; the
     * first two in one merged label cell). */
    {
        int mode;
        for (mode = 1; mode <= 2; mode++) {
            int flag = 0;
            funds_labels_garbled = mode;
            T_EQ_INT(map_demo_with(&flag, &model), 0);
        }
        funds_labels_garbled = 1;
        T_EQ_INT(map_demo_with(&merge_stacked_labels, &model), 0);
        funds_labels_garbled = 0;
    }

    /* Level names misread: named from the model when they are nearer one
     * name than any other, 产出指标 from its rows' level2 names, a level2
     * name from its place among those that read; two side by side that
     * could each be either are kept as read. */
    {
        int flag = 0;
        level_names_garbled = 1;
        T_EQ_INT(map_demo_with(&flag, &model), 0);
        level_names_garbled = 2;
        T_EQ_INT(map_demo_with(&flag, &model), 0);
        level_names_garbled = 3;
        T_CHECK(map_demo_with(&flag, &model) > 0);
        level_names_garbled = 0;
    }

    /* The indicator header cut short after 三级指标: the other columns
     * from the row below. */
    T_EQ_INT(map_demo_with(&header_cut_short, &model), 0);
    {
        int flag = 0;
        header_cut_short = 2; /* after 年度指标值 */
        T_EQ_INT(map_demo_with(&flag, &model), 0);
        header_cut_short = 0;
    }

    /* The 总分 row's weight and score in one cell: the reading is cut. */
    T_EQ_INT(map_demo_with(&total_cells_merged, &model), 0);

    /* A sliver cell between a header label and its value: the value is
     * the cell after it. */
    T_EQ_INT(map_demo_with(&sliver_after_labels, &model), 0);

    /* Three funds column labels unreadable and a sliver among the others:
     * the missing columns are placed from the labels that were read, not
     * counted from the end of the row (which had put every column one
     * off). */
    T_EQ_INT(map_demo_with(&funds_header_sliver, &model), 0);

    /* Noise in empty 偏差原因 cells: dropped when the engine itself is
     * unsure (or it is Latin letters at middling confidence), kept when it
     * reads with confidence. */
    {
        static const struct {
            const char *text;
            double conf;
            int dropped;
        } noise[] = {
            {"\xE5\x8F\x8A", 14.0, 1}, /* 及 */
            {"\xE5\x8F\x8A", 34.0, 1},
            {"\xE5\x8F\x8A", 36.0, 0},
            {"aa", 44.0, 1},
            {"Te", 69.0, 1},
            {"Te", 71.0, 0},
            {"\xE5\x8F\x8A", 90.0, 0},
        };
        size_t k;
        fd_snprintf(path, sizeof path, "%s/scans/demo.truth.json", FD_SOURCE_DIR);
        for (k = 0; k < sizeof noise / sizeof noise[0]; k++) {
            noise_text = noise[k].text;
            noise_conf = noise[k].conf;
            mismatches = 0;
            map_truth_file(path, &model);
            T_CHECK_MSG(noise[k].dropped ? mismatches == 0 : mismatches > 0, "noise \"%s\" at %.0f: %d mismatches",
                        noise[k].text, noise[k].conf, mismatches);
        }
        noise_text = NULL;
    }
    fd_form_model_clear(&model);
    return fd_test_summary("test_mapper");
}
