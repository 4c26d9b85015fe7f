/*
 * Table reconstructor, second half: cell grids + cell texts → forms.
 *
 * How it reads a page: rows of the grid from top to bottom. The first cell
 * that starts in a row is read as text and matched (fuzzy) against the
 * labels of the form model; the label says what the row is (项目名称, a
 * funds row, the indicator header, 总分 …) and the other cells of the row
 * are read by their horizontal position under the column headers. No pixel
 * position or column width is assumed: columns are known only from their
 * header cells, in table-relative coordinates (0 = left edge of the table,
 * 1 = right edge) so that a continuation page without a repeated header row
 * reuses the previous page's columns.
 *
 * Forms: a form starts at a title or a 项目名称 row; pages without one
 * continue the previous form. Indicator rows cut by a page break are joined,
 * and level1/level2 labels of merged cells cut by a page break are carried
 * over to the rows on the other page.
 */
#include "mapper.h"

#include "value.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- model */

void fd_form_model_clear(fd_form_model *m)
{
    size_t i, j;
    if (m == NULL) return;
    for (i = 0; i < m->n_labels; i++) {
        for (j = 0; j < m->labels[i].n_variants; j++) fd_free(m->labels[i].variants[j]);
        fd_free(m->labels[i].variants);
    }
    fd_free(m->labels);
    for (i = 0; i < m->n_parents; i++) {
        fd_free(m->parents[i].level2);
        fd_free(m->parents[i].level1);
    }
    fd_free(m->parents);
    memset(m, 0, sizeof *m);
}

const fd_label *fd_form_model_find(const fd_form_model *m, const char *key)
{
    size_t i;
    for (i = 0; m && i < m->n_labels; i++)
        if (strcmp(m->labels[i].key, key) == 0) return &m->labels[i];
    return NULL;
}

/* Characters that carry no meaning for matching a label: whitespace,
 * brackets, colons and similar punctuation, ASCII or full-width. */
static int ignorable(long cp)
{
    switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case 0x3000:
    case '(': case ')': case 0xFF08: case 0xFF09: case ':': case 0xFF1A:
    case '[': case ']': case 0x3010: case 0x3011: case '.': case 0x3002:
    case ',': case 0xFF0C: case 0x3001: case '|': case '_': case '\'': case '"':
    case 0x2018: case 0x2019: case 0x201C: case 0x201D: /* a rule's remnant read as a quote */
        return 1;
    default:
        return 0;
    }
}

#define MATCH_MAX_CP 64

/* Code points of s without the ignorable ones, at most max. A run of two
 * or more dashes (fd_is_dash_cp) at either end is left out: no label
 * starts or ends with one, and a rule's remnant at the edge of a cell (or
 * a seal's, beside a rule) reads as one ("全年执行数 - - -一"). A single 一
 * stays (一级指标). */
static size_t label_codepoints(const char *s, long *out, size_t max)
{
    size_t n = 0, lead = 0, trail = 0;
    while (s && *s && n < max) {
        long cp = fd_utf8_next(&s);
        if (cp < 0 || ignorable(cp)) continue;
        out[n++] = cp;
    }
    while (lead < n && fd_is_dash_cp(out[lead])) lead++;
    while (trail < n - lead && fd_is_dash_cp(out[n - 1 - trail])) trail++;
    if (trail >= 2) n -= trail;
    if (lead >= 2) {
        memmove(out, out + lead, (n - lead) * sizeof *out);
        n -= lead;
    }
    return n;
}

/* 1 − Levenshtein distance / longer length, on code points. */
static double similarity_cp(const long *a, size_t na, const long *b, size_t nb)
{
    size_t prev[MATCH_MAX_CP + 1], cur[MATCH_MAX_CP + 1], i, j;
    size_t longer = na > nb ? na : nb;
    if (longer == 0) return 0.0;
    for (j = 0; j <= nb; j++) prev[j] = j;
    for (i = 1; i <= na; i++) {
        cur[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (nb + 1) * sizeof *prev);
    }
    return 1.0 - (double)prev[nb] / (double)longer;
}

/* Similarity of the code points t[0..nt) to the best of lab's spellings;
 * 0 when lab is NULL. */
static double label_similarity(const fd_label *lab, const long *t, size_t nt)
{
    long v[MATCH_MAX_CP];
    double best = 0.0;
    size_t j;
    for (j = 0; lab && j < lab->n_variants; j++) {
        size_t nv = label_codepoints(lab->variants[j], v, MATCH_MAX_CP);
        double sim = similarity_cp(t, nt, v, nv);
        if (sim > best) best = sim;
    }
    return best;
}

const fd_label *fd_form_model_match(const fd_form_model *m, const char *prefix, const char *text,
                                    double *similarity)
{
    long t[MATCH_MAX_CP];
    size_t nt, i, plen = prefix ? strlen(prefix) : 0;
    const fd_label *best = NULL;
    double best_sim = 0.0;
    nt = label_codepoints(text, t, MATCH_MAX_CP);
    if (similarity) *similarity = 0.0;
    if (m == NULL || nt == 0) return NULL;
    for (i = 0; i < m->n_labels; i++) {
        const fd_label *lab = &m->labels[i];
        double sim;
        if (plen && strncmp(lab->key, prefix, plen) != 0) continue;
        sim = label_similarity(lab, t, nt);
        if (sim > best_sim) {
            best_sim = sim;
            best = lab;
        }
    }
    if (similarity) *similarity = best_sim;
    return best;
}

/* ----------------------------------------------------------- the walk */

enum role {
    R_LEVEL1 = 0,
    R_LEVEL2,
    R_NAME,
    R_TARGET,
    R_ACTUAL,
    R_WEIGHT,
    R_SCORE,
    R_REASON,
    R_COUNT
};

static const char *const role_key[R_COUNT] = {
    "ind.col.level1", "ind.col.level2", "ind.col.name",  "ind.col.target",
    "ind.col.actual", "ind.col.weight", "ind.col.score", "ind.col.deviation_reason"};

static const char *const role_field[R_COUNT] = {
    "level1", "level2", "name", "target", "actual", "weight", "score", "deviation_reason"};

/* 偏差原因 readings that are noise, not text: below FD_REASON_NOISE_CONF
 * mean confidence (Tesseract's 0..100), or below FD_REASON_LATIN_CONF with
 * no CJK character in them (a reason is written in Chinese; "aa", "Te",
 * "4 A" are what the engine makes of specks). The column is mostly empty,
 * and seals are stamped over the right-hand side of the table: what is
 * read in an empty cell there is a seal's remnant or a speck. Measured on
 * two generated sets (seeds 2026, 4545; 122 non-empty readings): every
 * reading these rules drop was noise; reasons actually written read at 58
 * and above. */
#define FD_REASON_NOISE_CONF 35.0
#define FD_REASON_LATIN_CONF 70.0

/* A value as read from one cell; owned copies. */
typedef struct field_read {
    int present;     /* a cell was there (its text may be "") */
    char *text;
    double conf;
    int page;
    int box[4];
    char **alts;
    size_t n_alts;
} field_read;

/* One indicator row as found on a page, before stitching. */
typedef struct raw_row {
    field_read f[R_COUNT];
    long level_cell[2];   /* page * 2^20 + cell index of the level1/level2 cell, -1 none */
    int level_top[2];     /* that cell starts at the first indicator row of its page */
    int level_bottom[2];  /* that cell ends at the bottom of its page's table */
    int page;
} raw_row;

/* Column x-ranges in table-relative coordinates (0..1). */
typedef struct col_range {
    double x0, x1;
    int set;
} col_range;

typedef struct form_build {
    fd_form *form;
    raw_row *rows;
    size_t n_rows, cap_rows;
    col_range ind[R_COUNT];
    int have_ind;
    col_range funds[FD_FUNDS_COLS];
    int have_funds;
    col_range goal_expected, goal_actual;
    int goals_header;     /* the 预期目标 / 实际完成情况 header has been seen */
    int goals_done;
    int total_done;
} form_build;

/* The model, grids, reader and dg are those of the current call
 * (fd_mapper_add_page, fd_mapper_finish): successive calls may come from
 * different threads' contexts, so none is kept between calls. */
struct fd_mapper {
    const fd_form_model *model;
    const fd_grid *grids;
    fd_cell_reader reader;
    void *user;
    fd_document *doc;
    fd_diag *dg;
    size_t first_form;       /* doc->n_forms when the mapper was created */
    size_t pages_added;
    form_build *builds;
    size_t n_builds, cap_builds;
};
typedef struct fd_mapper mapper;

static void field_clear(field_read *f)
{
    size_t i;
    fd_free(f->text);
    for (i = 0; i < f->n_alts; i++) fd_free(f->alts[i]);
    fd_free(f->alts);
    memset(f, 0, sizeof *f);
}

static void row_clear(raw_row *r)
{
    int k;
    for (k = 0; k < R_COUNT; k++) field_clear(&r->f[k]);
}

/* Reads a cell and keeps an owned copy of the reading. */
static fd_status read_field(mapper *mp, size_t gi, size_t ci, fd_cell_kind kind, field_read *out)
{
    fd_cell_reading rd;
    fd_status st;
    size_t i;
    memset(&rd, 0, sizeof rd);
    field_clear(out);
    st = mp->reader(mp->user, gi, ci, kind, &rd, mp->dg);
    if (st != FD_OK) return st;
    out->present = 1;
    out->text = fd_text_normalize(rd.text ? rd.text : "");
    /* Names and header values: what rules and specks beside them read as
     * goes (a leading ”, a trailing "L" or 一一一). */
    if (out->text != NULL && (kind == FD_KIND_TEXT || kind == FD_KIND_KEY)) fd_trim_name_noise(out->text);
    out->conf = rd.conf;
    out->page = mp->grids[gi].page;
    memcpy(out->box, rd.box, sizeof out->box);
    if (out->text == NULL) goto nomem;
    if (rd.n_alternatives > 0) {
        out->alts = fd_calloc(rd.n_alternatives, sizeof *out->alts);
        if (out->alts == NULL) goto nomem;
        for (i = 0; i < rd.n_alternatives; i++) {
            out->alts[i] = fd_text_normalize(rd.alternatives[i]);
            if (out->alts[i] == NULL) goto nomem;
            out->n_alts = i + 1;
        }
    }
    return FD_OK;
nomem:
    field_clear(out);
    return fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory reading cells");
}

static double rel_x(const fd_grid *g, int x)
{
    double w = g->table_box[2] > 0 ? (double)g->table_box[2] : (double)g->width;
    return ((double)x - (double)g->table_box[0]) / (w > 0 ? w : 1.0);
}

static col_range cell_range(const fd_grid *g, const fd_cell *c)
{
    col_range r;
    r.x0 = rel_x(g, c->box[0]);
    r.x1 = rel_x(g, c->box[0] + c->box[2]);
    r.set = 1;
    return r;
}

static double overlap(col_range a, col_range b)
{
    double lo = a.x0 > b.x0 ? a.x0 : b.x0, hi = a.x1 < b.x1 ? a.x1 : b.x1;
    return hi > lo ? hi - lo : 0.0;
}

/* Index of the range in ranges[n] that overlaps r most (at least half of
 * the narrower of the two), or -1. */
static int best_range(const col_range *ranges, int n, col_range r)
{
    int i, best = -1;
    double best_ov = 0.0;
    for (i = 0; i < n; i++) {
        double ov, narrow;
        if (!ranges[i].set) continue;
        ov = overlap(ranges[i], r);
        narrow = fmin(ranges[i].x1 - ranges[i].x0, r.x1 - r.x0);
        if (ov > best_ov && ov >= 0.5 * narrow) {
            best_ov = ov;
            best = i;
        }
    }
    return best;
}

/* How many of ranges[n] the cell covers to at least half of their width. */
static int ranges_covered(const col_range *ranges, int n, col_range r)
{
    int i, k = 0;
    for (i = 0; i < n; i++)
        if (ranges[i].set && overlap(ranges[i], r) >= 0.5 * (ranges[i].x1 - ranges[i].x0)) k++;
    return k;
}

/* Cells that start in grid row r, in column order (grid cells are sorted by
 * row, then column). Returns the count; idx receives at most max indexes. */
static size_t row_cells(const fd_grid *g, int r, size_t *idx, size_t max)
{
    size_t i, n = 0;
    for (i = 0; i < g->n_cells && n < max; i++)
        if (g->cells[i].row == r) idx[n++] = i;
    return n;
}

/* A cell narrower than a third of its height holds no value: every cell of
 * the form holds at least a digit or a character beside its padding. */
static int is_sliver(const fd_cell *c) { return c->box[2] * 3 < c->box[3]; }

/* The first cell that starts in grid row r (a sliver too, unless
 * skip_slivers), or -1. */
static long first_cell_of_row(const fd_grid *g, int r, int skip_slivers)
{
    size_t i;
    for (i = 0; i < g->n_cells; i++)
        if (g->cells[i].row == r && !(skip_slivers && is_sliver(&g->cells[i]))) return (long)i;
    return -1;
}

static const fd_label *match_label(const mapper *mp, const char *prefix, const char *text,
                                   double min_sim)
{
    double sim = 0.0;
    const fd_label *lab = fd_form_model_match(mp->model, prefix, text, &sim);
    double floor_sim = mp->model->min_similarity > 0 ? mp->model->min_similarity : 0.6;
    if (lab == NULL || sim < (min_sim > floor_sim ? min_sim : floor_sim)) return NULL;
    return lab;
}

static int has_value(const field_read *f) { return f->present && f->text && f->text[0]; }

static int key_is(const fd_label *lab, const char *key) { return lab && strcmp(lab->key, key) == 0; }

static int key_starts(const fd_label *lab, const char *prefix)
{
    return lab && strncmp(lab->key, prefix, strlen(prefix)) == 0;
}

/* The index in fd_funds_row_key of a funds.row.<key> label, or -1. */
static int funds_row_index(const fd_label *lab)
{
    int i;
    if (!key_starts(lab, "funds.row.")) return -1;
    for (i = 0; i < FD_FUNDS_ROWS; i++)
        if (strcmp(lab->key + strlen("funds.row."), fd_funds_row_key[i]) == 0) return i;
    return -1;
}

/* A funds row label cell that spans k rows because the rule between two
 * labels did not survive the scan ("年度资金总额" over "其中：当年财政拨款",
 * one cell of rowspan 2, read as one text): cuts the text, in order, into
 * k pieces that each match a different funds row label. labs[0..k) get
 * them, top first. 1 when such a cut exists (the best by its weakest
 * match), 0 when not. */
#define STACKED_MAX_ROWS 3
#define STACKED_MAX_CHARS 48
static int split_stacked_labels(const mapper *mp, const char *text, int k,
                                const fd_label *labs[STACKED_MAX_ROWS])
{
    size_t at[STACKED_MAX_CHARS + 1]; /* byte offset of each character, and the end */
    int n = 0, cut[STACKED_MAX_ROWS + 1], i, j, found = 0;
    double best = 0.0;
    const char *s = text;
    if (k < 2 || k > STACKED_MAX_ROWS || text == NULL) return 0;
    while (*s && n < STACKED_MAX_CHARS) {
        at[n++] = (size_t)(s - text);
        fd_utf8_next(&s);
    }
    if (*s || n < k * 2) return 0; /* too long to be labels, or too short */
    at[n] = (size_t)(s - text);
    /* Every cut into k runs of at least 2 characters: cut[j] is the first
     * character of run j. */
    for (i = 0; i < k; i++) cut[i] = 2 * i;
    cut[k] = n;
    for (;;) {
        const fd_label *try_labs[STACKED_MAX_ROWS];
        double weakest = 1.0;
        int ok = 1, m;
        for (j = 0; j < k && ok; j++) {
            char part[STACKED_MAX_CHARS * 4 + 1];
            size_t len = at[cut[j + 1]] - at[cut[j]];
            double sim = 0.0;
            memcpy(part, text + at[cut[j]], len);
            part[len] = '\0';
            try_labs[j] = fd_form_model_match(mp->model, "funds.row.", part, &sim);
            if (try_labs[j] == NULL || sim < 0.6) ok = 0;
            for (m = 0; m < j && ok; m++) ok = try_labs[m] != try_labs[j];
            if (sim < weakest) weakest = sim;
        }
        if (ok && weakest > best) {
            best = weakest;
            memcpy(labs, try_labs, (size_t)k * sizeof *labs);
            found = 1;
        }
        /* The next cut: move the last start that can move, and pack the
         * ones after it behind it. */
        for (j = k - 1; j >= 1 && cut[j] >= n - 2 * (k - j); j--) {
        }
        if (j < 1) break;
        cut[j]++;
        for (i = j + 1; i < k; i++) cut[i] = cut[i - 1] + 2;
    }
    return found;
}

static form_build *current_build(mapper *mp)
{
    return mp->n_builds ? &mp->builds[mp->n_builds - 1] : NULL;
}

static fd_status add_page(fd_form *f, int page)
{
    int *p;
    if (f->n_pages && f->pages[f->n_pages - 1] == page) return FD_OK;
    p = fd_realloc(f->pages, (f->n_pages + 1) * sizeof *p);
    if (p == NULL) return FD_ERR_NOMEM;
    f->pages = p;
    f->pages[f->n_pages++] = page;
    return FD_OK;
}

static form_build *start_form(mapper *mp)
{
    form_build *b;
    void *items = mp->builds;
    fd_form *f = fd_document_add_form(mp->doc);
    if (f == NULL) return NULL;
    if (fd_array_reserve(&items, &mp->cap_builds, mp->n_builds + 1, sizeof *mp->builds) != 0)
        return NULL;
    mp->builds = items;
    b = &mp->builds[mp->n_builds++];
    memset(b, 0, sizeof *b);
    /* fd_document_add_form may move the forms array: builds keep an index. */
    b->form = f;
    return b;
}

/* Form pointers are re-derived after every add (the document's array may
 * move when it grows). */
static void refresh_forms(mapper *mp)
{
    size_t i;
    for (i = 0; i < mp->n_builds; i++) mp->builds[i].form = &mp->doc->forms[mp->first_form + i];
}

static fd_status set_prov(fd_form *f, const char *path, const field_read *fr)
{
    if (!fr->present) return FD_OK;
    return fd_form_add_prov(f, path, fr->page, fr->box, fr->conf, fr->text,
                            (const char *const *)fr->alts, fr->n_alts);
}

/* 1 when a 偏差原因 reading is noise (see FD_REASON_NOISE_CONF). */
static int reason_is_noise(const field_read *fr)
{
    const char *p = fr->text;
    int cjk = 0;
    if (!fr->present || p == NULL) return 0;
    if (fr->conf < FD_REASON_NOISE_CONF) return 1;
    while (*p && !cjk) cjk = fd_is_cjk(fd_utf8_next(&p));
    return !cjk && fr->conf < FD_REASON_LATIN_CONF;
}

/* Stores a text field (NULL when the cell is empty or a dash). */
static fd_status set_text(fd_form *f, char **dst, const char *path, const field_read *fr)
{
    fd_free(*dst);
    *dst = NULL;
    if (!fr->present || fd_text_is_null(fr->text)) return set_prov(f, path, fr);
    *dst = fd_strdup(fr->text);
    if (*dst == NULL) return FD_ERR_NOMEM;
    return set_prov(f, path, fr);
}

static void set_number(fd_num *dst, const field_read *fr, int percent)
{
    fd_num n = fd_num_null();
    if (fr->present) {
        fd_parse_result r = percent ? fd_parse_percent(fr->text, &n) : fd_parse_amount(fr->text, &n);
        if (r != FD_PARSE_OK) n = fd_num_null();
    }
    *dst = n;
}

/* Where a spelling of lab stands inside text: the best window of text (as
 * many code points as the spelling, ignorable ones left out; at_start: the
 * window that opens text only) with similarity at least min_sim. *before
 * and *after get copies of the text before and after that window,
 * ignorable code points trimmed from their ends (either may be ""). 1 when found, 0 when not, -1 out of memory.
 * For a label and its value read as one cell: the rule between them was
 * lost (a faded short rule, a seal's suppression). */
static int split_at_label(const fd_label *lab, const char *text, double min_sim, int at_start,
                          char **before, char **after)
{
    long t[MATCH_MAX_CP], v[MATCH_MAX_CP];
    size_t start[MATCH_MAX_CP], end[MATCH_MAX_CP], nt = 0, k, w;
    size_t best_from = 0, best_to = 0;
    double best = min_sim;
    int found = 0;
    const char *p = text;
    *before = *after = NULL;
    while (p && *p && nt < MATCH_MAX_CP) {
        const char *at = p;
        long cp = fd_utf8_next(&p);
        if (cp < 0 || ignorable(cp)) continue;
        start[nt] = (size_t)(at - text);
        end[nt] = (size_t)(p - text);
        t[nt++] = cp;
    }
    for (k = 0; lab && k < lab->n_variants; k++) {
        size_t nv = label_codepoints(lab->variants[k], v, MATCH_MAX_CP);
        if (nv == 0 || nv > nt) continue;
        for (w = 0; w + nv <= nt && (w == 0 || !at_start); w++) {
            double sim = similarity_cp(t + w, nv, v, nv);
            if (sim >= best && (!found || sim > best)) {
                best = sim;
                best_from = start[w];
                best_to = end[w + nv - 1];
                found = 1;
            }
        }
    }
    if (!found) return 0;
    {
        /* trimmed of ignorable code points: the pieces lie between the
         * non-ignorable ones found above */
        size_t b0 = 0, b1 = 0, a0 = 0, a1 = 0;
        for (k = 0; k < nt; k++) {
            if (end[k] <= best_from) {
                if (b1 == 0) b0 = start[k];
                b1 = end[k];
            } else if (start[k] >= best_to) {
                if (a1 == 0) a0 = start[k];
                a1 = end[k];
            }
        }
        *before = fd_strndup(text + b0, b1 - b0);
        *after = fd_strndup(text + a0, a1 - a0);
    }
    if (*before == NULL || *after == NULL) {
        fd_free(*before);
        fd_free(*after);
        *before = *after = NULL;
        return -1;
    }
    return 1;
}

/* Stores piece (a part of fr's text) as a text field with fr's provenance
 * (the cell's box and confidence; the engine's alternatives were of the
 * whole reading and are left out). */
static fd_status set_text_piece(fd_form *f, char **dst, const char *path, const field_read *fr,
                                const char *piece)
{
    field_read part = *fr;
    part.text = (char *)(uintptr_t)piece;
    part.alts = NULL;
    part.n_alts = 0;
    return set_text(f, dst, path, &part);
}

/* ------------------------------------------------------------- rows */

/* A funds row label cut into pieces by stray vertical lines (a sliver,
 * "其中: 当年", "政拨款"): the cells left of the first value column, read
 * together (first_text is the first one's reading), may match a funds row
 * label. Then *lab gets it and *from the first value cell; else both stay. */
static fd_status split_funds_label(mapper *mp, size_t gi, const form_build *b, const size_t *cells,
                                   size_t n, const char *first_text, const fd_label **lab,
                                   size_t *from)
{
    const fd_grid *g = &mp->grids[gi];
    fd_status st = FD_OK;
    field_read piece;
    fd_buf joined;
    char *text;
    size_t j = 0, k;
    while (j < n && best_range(b->funds, FD_FUNDS_COLS, cell_range(g, &g->cells[cells[j]])) < 0) j++;
    if (j < 2 || j >= n) return FD_OK;
    memset(&piece, 0, sizeof piece);
    fd_buf_init(&joined);
    fd_buf_puts(&joined, first_text);
    for (k = 1; k < j && st == FD_OK; k++) {
        st = read_field(mp, gi, cells[k], FD_KIND_LABEL, &piece);
        if (st == FD_OK) fd_buf_puts(&joined, piece.text);
    }
    field_clear(&piece);
    text = fd_buf_take(&joined);
    fd_buf_clear(&joined);
    if (st == FD_OK && text == NULL) st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
    if (st == FD_OK) {
        *lab = match_label(mp, "funds.row.", text, 0.6);
        if (*lab) *from = j;
    }
    fd_free(text);
    return st;
}

/* The funds row a row whose label did not read (a seal over the label
 * column) stands for, from its place: the funds rows are printed in a fixed
 * order (fd_funds_row_key), so a row between two known ones — above, the
 * funds header or a row whose label read (prev_idx, -1 for the header, at
 * grid row prev_row); below, the next row whose label reads, a funds row
 * or the next block — is the one as many rows down. Only when the rows
 * between the two known ones are exactly as many as the funds rows between
 * them: a row rule lost or a stray one leaves the row unlabelled. *idx
 * gets the row's index in fd_funds_row_key, or -1. */
static fd_status funds_row_by_order(mapper *mp, size_t gi, int row, int n_rows, int prev_idx,
                                    int prev_row, int *idx)
{
    const fd_grid *g = &mp->grids[gi];
    field_read fr;
    fd_status st = FD_OK;
    int r, next_idx = -1, next_row = -1;
    *idx = -1;
    memset(&fr, 0, sizeof fr);
    for (r = row + 1; r < n_rows && next_row < 0 && st == FD_OK; r++) {
        long first = first_cell_of_row(g, r, 0);
        const fd_label *lab;
        if (first < 0) break; /* a row wholly under cells from above: no count to go by */
        st = read_field(mp, gi, (size_t)first, FD_KIND_LABEL, &fr);
        if (st != FD_OK) break;
        lab = match_label(mp, NULL, fr.text, 0.6);
        if (lab == NULL) continue;
        next_row = r;
        next_idx = key_starts(lab, "funds.row.") ? funds_row_index(lab) : FD_FUNDS_ROWS;
    }
    if (st == FD_OK && next_row > row && prev_row >= 0 && next_row - prev_row == next_idx - prev_idx)
        *idx = prev_idx + (row - prev_row);
    field_clear(&fr);
    return st;
}

/* The first of a funds row's cells that holds a value: the first that lies
 * in a funds column and does not start left of it by more than half its
 * width (a label cell merged with the first value cell does). */
static size_t first_funds_value_cell(const fd_grid *g, const form_build *b, const size_t *cells,
                                     size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        col_range cr = cell_range(g, &g->cells[cells[k]]);
        int c = best_range(b->funds, FD_FUNDS_COLS, cr);
        if (c >= 0 && cr.x0 >= b->funds[c].x0 - 0.5 * (b->funds[c].x1 - b->funds[c].x0)) break;
    }
    return k;
}

/* For a last row whose label did not read as 总分: *is_total = 1 when its
 * name cell (if it has its own) is blank and its weight or score cell
 * holds 50 or more. */
static fd_status looks_like_total_row(mapper *mp, size_t gi, int row, size_t label_cell, long name_ci,
                                      const long role_col[R_COUNT], int *is_total)
{
    const fd_grid *g = &mp->grids[gi];
    field_read fr;
    fd_status st = FD_OK;
    int r;
    *is_total = 0;
    memset(&fr, 0, sizeof fr);
    if (name_ci >= 0 && g->cells[name_ci].row == row && (size_t)name_ci != label_cell) {
        st = read_field(mp, gi, (size_t)name_ci, FD_KIND_TEXT, &fr);
        if (st != FD_OK || has_value(&fr)) goto done;
    }
    for (r = R_WEIGHT; r <= R_SCORE && !*is_total; r++) {
        long ci = role_col[r] >= 0 ? fd_grid_cell_at(g, row, (int)role_col[r]) : -1;
        fd_num n;
        if (ci < 0 || g->cells[ci].row != row || (size_t)ci == label_cell) continue;
        st = read_field(mp, gi, (size_t)ci, FD_KIND_AMOUNT, &fr);
        if (st != FD_OK) goto done;
        set_number(&n, &fr, 0);
        if (n.present && n.value >= 50.0) *is_total = 1;
    }
done:
    field_clear(&fr);
    return st;
}

/* Least similarity of a label's spelling found inside a longer reading
 * (split_at_label): 3 of 4 characters right. Higher than the whole-cell
 * match's 0.6: the window is chosen among many. */
#define FD_SPLIT_LABEL_SIM 0.75

/* A label and its value read as one cell, the rule between them lost:
 * 1 when a spelling of lab opens text (split_at_label; only ignorable
 * code points before it) and more text follows, *value then a copy of
 * that text; 0 when not (*value NULL); -1 out of memory. */
static int label_then_value(const fd_label *lab, const char *text, int at_start, char **value)
{
    char *before = NULL;
    int split = split_at_label(lab, text, FD_SPLIT_LABEL_SIM, at_start, &before, value);
    if (split > 0 && (before[0] != '\0' || (*value)[0] == '\0')) split = 0;
    fd_free(before);
    if (split <= 0) {
        fd_free(*value);
        *value = NULL;
    }
    return split;
}

/* The header label (项目名称, 主管部门, 实施单位) whose spelling opens
 * text with more text after it (label_then_value), or NULL. */
static const fd_label *leading_header_label(const mapper *mp, const char *text, fd_status *st)
{
    static const char *const keys[] = {"project_name", "department", "implementing_unit"};
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const fd_label *lab = fd_form_model_find(mp->model, keys[i]);
        char *value = NULL;
        int split = label_then_value(lab, text, 1, &value);
        fd_free(value);
        if (split < 0) {
            *st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
            return NULL;
        }
        if (split > 0) return lab;
    }
    return NULL;
}

/* first_holds_value: cells[0] holds first's label and its value
 * (leading_header_label). */
static fd_status header_value_row(mapper *mp, size_t gi, form_build *b, const size_t *cells,
                                  size_t n, const fd_label *first, int first_holds_value)
{
    fd_form *f = b->form;
    field_read fr;
    fd_status st = FD_OK;
    size_t k;
    memset(&fr, 0, sizeof fr);
    /* 项目名称 | value; 主管部门 | value | 实施单位 | value. The value of a
     * label is the next cell; a label cell in the middle of the row is
     * recognised by reading it. */
    const fd_label *unit = fd_form_model_find(mp->model, "implementing_unit");
    for (k = 0; k < n && st == FD_OK; k++) {
        const fd_label *lab = k == 0 ? first : NULL;
        char **dst = NULL;
        const char *path = NULL;
        char *before = NULL, *after = NULL;
        int split;
        if (k > 0) {
            st = read_field(mp, gi, cells[k], FD_KIND_LABEL, &fr);
            if (st != FD_OK) break;
            lab = match_label(mp, NULL, fr.text, 0.6);
            if (!key_is(lab, "project_name") && !key_is(lab, "department") &&
                !key_is(lab, "implementing_unit")) {
                /* 实施单位 and its value read as one cell */
                split = f->implementing_unit == NULL ? label_then_value(unit, fr.text, 0, &after) : 0;
                if (split > 0) {
                    /* read again as a value, with more care than a label */
                    fd_free(after);
                    after = NULL;
                    st = read_field(mp, gi, cells[k], FD_KIND_KEY, &fr);
                    split = st == FD_OK ? label_then_value(unit, fr.text, 0, &after) : 0;
                }
                if (split < 0) st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
                else if (split > 0) st = set_text_piece(f, &f->implementing_unit, "/implementing_unit", &fr, after);
                fd_free(after);
                continue;
            }
        }
        if (key_is(lab, "project_name")) {
            dst = &f->project_name;
            path = "/project_name";
        } else if (key_is(lab, "department")) {
            dst = &f->department;
            path = "/department";
        } else if (key_is(lab, "implementing_unit")) {
            dst = &f->implementing_unit;
            path = "/implementing_unit";
        }
        if (dst != NULL && k == 0 && first_holds_value) {
            st = read_field(mp, gi, cells[0], FD_KIND_KEY, &fr);
            if (st != FD_OK) break;
            split = label_then_value(lab, fr.text, 1, &after);
            if (split < 0) st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
            else if (split > 0) st = set_text_piece(f, dst, path, &fr, after);
            fd_free(after);
            continue;
        }
        if (dst == NULL || k + 1 >= n) continue;
        /* A sliver between two rules a few pixels apart (the label's rule
         * and the value's, drawn by two blocks) is no cell of its own: the
         * value is in the cell after it. */
        while (k + 2 < n && is_sliver(&mp->grids[gi].cells[cells[k + 1]])) k++;
        st = read_field(mp, gi, cells[k + 1], FD_KIND_KEY, &fr);
        if (st != FD_OK) break;
        /* The department's value, 实施单位 and its value read as one cell:
         * the rules between them were lost. */
        split = key_is(lab, "department") && f->implementing_unit == NULL
                    ? split_at_label(unit, fr.text, FD_SPLIT_LABEL_SIM, 0, &before, &after)
                    : 0;
        if (split < 0) {
            st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
        } else if (split > 0 && before[0] != '\0') {
            st = set_text_piece(f, dst, path, &fr, before);
            if (st == FD_OK && after[0] != '\0') {
                st = set_text_piece(f, &f->implementing_unit, "/implementing_unit", &fr, after);
            } else if (st == FD_OK && k + 2 < n) {
                /* Only the label joined the department's value: the
                 * unit's value is the cell after. */
                k++;
                st = read_field(mp, gi, cells[k + 1], FD_KIND_KEY, &fr);
                if (st == FD_OK) st = set_text(f, &f->implementing_unit, "/implementing_unit", &fr);
            }
        } else {
            st = set_text(f, dst, path, &fr);
        }
        fd_free(before);
        fd_free(after);
        k++;
    }
    field_clear(&fr);
    return st;
}

/* The header cells of a row: reads cells[from..n) as labels and, for each
 * keys[i] (a full model key, at most 31 of them), records the
 * table-relative range of the first cell whose best label under prefix is
 * that key, and (when at is not NULL) that cell's index in cells, -1 for a
 * key not found. *count: keys found. A cell as near to several keys
 * ("级指标", its first character lost or read as - or =, is 一级, 二级 or
 * 三级指标 alike) is given the one of them that its place says, counted
 * from the nearest cell that named one key alone (the anchor); a run of
 * such cells that this puts on a key one of them is not near to (a cell
 * split in two between the run and the anchor shifts the count) takes
 * its keys in printed order, from the first one they are near to. */
static fd_status match_header_cells(mapper *mp, size_t gi, const size_t *cells, size_t n,
                                    size_t from, const char *prefix, double min_sim,
                                    const char *const *keys, int n_keys, col_range *found,
                                    long *at, int *count)
{
    const fd_grid *g = &mp->grids[gi];
    field_read fr;
    fd_status st = FD_OK;
    long t[MATCH_MAX_CP], anchor[32];
    unsigned long *tied = NULL; /* per cell: the keys it is equally near to */
    size_t k;
    int i;
    memset(&fr, 0, sizeof fr);
    memset(found, 0, (size_t)n_keys * sizeof *found);
    for (i = 0; at && i < n_keys; i++) at[i] = -1;
    for (i = 0; i < 32; i++) anchor[i] = -1;
    *count = 0;
    if (n_keys > 31) return fd_diag_fail(mp->dg, FD_ERR_INTERNAL, "too many header keys");
    tied = fd_calloc(n > 0 ? n : 1, sizeof *tied);
    if (tied == NULL) return fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
    for (k = from; k < n && st == FD_OK; k++) {
        const fd_label *lab;
        double best;
        size_t nt;
        int bi = -1;
        st = read_field(mp, gi, cells[k], FD_KIND_LABEL, &fr);
        if (st != FD_OK || fr.text[0] == '\0') continue;
        lab = match_label(mp, prefix, fr.text, min_sim);
        for (i = 0; lab && i < n_keys; i++)
            if (strcmp(lab->key, keys[i]) == 0) bi = i;
        if (bi < 0) continue;
        nt = label_codepoints(fr.text, t, MATCH_MAX_CP);
        best = label_similarity(lab, t, nt);
        for (i = 0; i < n_keys; i++) {
            const fd_label *other = fd_form_model_find(mp->model, keys[i]);
            if (i != bi && label_similarity(other, t, nt) >= best - 1e-9) tied[k] |= 1UL << i;
        }
        if (tied[k] != 0) {
            tied[k] |= 1UL << bi;
            continue;
        }
        if (!found[bi].set) {
            found[bi] = cell_range(g, &g->cells[cells[k]]);
            anchor[bi] = (long)k;
            (*count)++;
        }
    }
    /* Runs of neighbouring tied cells: by their place from the nearest
     * anchor; when that puts one of them on no key it is near to (a cell
     * split in two between them and the anchor), in printed order from
     * the first key they are near to. */
    for (k = from; k < n && st == FD_OK;) {
        size_t end = k, r;
        unsigned long all = 0;
        int near = -1, ok = 1, first = -1;
        long dist = LONG_MAX;
        if (tied[k] == 0) {
            k++;
            continue;
        }
        while (end < n && tied[end] != 0) all |= tied[end++];
        for (i = 0; i < n_keys; i++) {
            long d = anchor[i] < 0 ? LONG_MAX
                     : anchor[i] < (long)k ? (long)k - anchor[i] : anchor[i] - (long)end + 1;
            if (d < dist) {
                dist = d;
                near = i;
            }
        }
        for (r = k; r < end && near >= 0 && ok; r++) {
            long c = near + ((long)r - anchor[near]);
            ok = c >= 0 && c < n_keys && (tied[r] & (1UL << c)) && !found[c].set;
        }
        if (near < 0 || !ok) {
            for (i = 0; i < n_keys && first < 0; i++)
                if (all & (1UL << i)) first = i;
            ok = first >= 0;
            for (r = k; r < end && ok; r++) {
                long c = first + (long)(r - k);
                ok = c < n_keys && (tied[r] & (1UL << c)) && !found[c].set;
            }
            near = -1;
        }
        for (r = k; r < end && ok; r++) {
            long c = near >= 0 ? near + ((long)r - anchor[near]) : first + (long)(r - k);
            found[c] = cell_range(g, &g->cells[cells[r]]);
            if (at) at[c] = (long)r;
            (*count)++;
        }
        k = end;
    }
    for (i = 0; at && i < n_keys; i++)
        if (anchor[i] >= 0) at[i] = anchor[i];
    field_clear(&fr);
    fd_free(tied);
    return st;
}

static const char *const funds_col_label[FD_FUNDS_COLS] = {
    "funds.col.initial_budget", "funds.col.annual_budget", "funds.col.executed",
    "funds.col.weight",         "funds.col.execution_rate_pct", "funds.col.score"};

static const char *const goals_label[2] = {"goals.expected", "goals.actual"};

/* Header labels not read (a seal over them, their cells merged): each
 * missing column c (at[c] < 0; at[] gives the index in cells of each read
 * label) is the cell as many places from the nearest read label as it is
 * in the printed order, within cells[from..n) and not a cell a read label
 * has. out[c] gets its range; columns without such a cell stay as they
 * are. */
static void place_unread_columns(const fd_grid *g, const size_t *cells, size_t from, size_t n,
                                 const long *at, int n_cols, col_range *out)
{
    int c;
    for (c = 0; c < n_cols; c++) {
        int j, near = -1;
        long want;
        if (at[c] >= 0) continue;
        for (j = 1; j < n_cols && near < 0; j++) {
            if (c - j >= 0 && at[c - j] >= 0) near = c - j;
            else if (c + j < n_cols && at[c + j] >= 0) near = c + j;
        }
        if (near < 0) continue;
        want = at[near] + (c - near);
        if (want < (long)from || want >= (long)n) continue;
        for (j = 0; j < n_cols; j++)
            if (at[j] == want) want = -1;
        if (want >= 0) out[c] = cell_range(g, &g->cells[cells[want]]);
    }
}

static fd_status funds_header_row(mapper *mp, size_t gi, form_build *b, const size_t *cells,
                                  size_t n, size_t from)
{
    const fd_grid *g = &mp->grids[gi];
    size_t k;
    int found = 0;
    long at[FD_FUNDS_COLS]; /* index in cells of each column's label, -1 when not read */
    fd_status st = match_header_cells(mp, gi, cells, n, from, "funds.col.", 0.5, funds_col_label,
                                      FD_FUNDS_COLS, b->funds, at, &found);
    /* None recognised: the last header cells of the row, left to right,
     * in the printed order of the columns. */
    if (st == FD_OK && found == 0) {
        int col = 0;
        for (k = n >= FD_FUNDS_COLS ? n - FD_FUNDS_COLS : from; k < n && col < FD_FUNDS_COLS; k++)
            b->funds[col++] = cell_range(g, &g->cells[cells[k]]);
    } else if (st == FD_OK && found < FD_FUNDS_COLS) {
        /* Some recognised (a seal over the others, or their cells merged):
         * each missing column is the cell as many places from the nearest
         * recognised one as it is in the printed order. They had all been
         * taken by place from the end of the row, which put every column
         * one off when a merged cell made the row a cell short. */
        place_unread_columns(g, cells, from, n, at, FD_FUNDS_COLS, b->funds);
    }
    b->have_funds = 1;
    return st;
}

static fd_status funds_value_row(mapper *mp, size_t gi, form_build *b, const size_t *cells,
                                 size_t n, size_t from, int row)
{
    const fd_grid *g = &mp->grids[gi];
    fd_form *f = b->form;
    field_read fr;
    fd_status st = FD_OK;
    size_t k;
    memset(&fr, 0, sizeof fr);
    for (k = from; k < n && st == FD_OK; k++) {
        int c = best_range(b->funds, FD_FUNDS_COLS, cell_range(g, &g->cells[cells[k]]));
        char path[FD_PATH_MAX];
        if (c < 0) continue;
        /* Non-total rows have no weight/rate/score in the contract. */
        if (row != FD_FUNDS_TOTAL && c >= FD_COL_WEIGHT) continue;
        st = read_field(mp, gi, cells[k], c == FD_COL_RATE ? FD_KIND_PERCENT : FD_KIND_AMOUNT, &fr);
        if (st != FD_OK) break;
        set_number(&f->funds[row][c], &fr, c == FD_COL_RATE);
        fd_snprintf(path, sizeof path, "/funds/%s/%s", fd_funds_row_key[row], fd_funds_col_key[c]);
        st = set_prov(f, path, &fr);
    }
    field_clear(&fr);
    return st;
}

static fd_status goals_header_row(mapper *mp, size_t gi, form_build *b, const size_t *cells,
                                  size_t n, size_t from)
{
    col_range found[2];
    int count = 0;
    fd_status st = match_header_cells(mp, gi, cells, n, from, "goals.", 0.5, goals_label, 2, found,
                                      NULL, &count);
    if (found[0].set) b->goal_expected = found[0];
    if (found[1].set) b->goal_actual = found[1];
    if (b->goal_expected.set || b->goal_actual.set) b->goals_header = 1;
    return st;
}

static fd_status goals_text_row(mapper *mp, size_t gi, form_build *b, const size_t *cells, size_t n)
{
    const fd_grid *g = &mp->grids[gi];
    fd_form *f = b->form;
    field_read fr;
    fd_status st = FD_OK;
    size_t k;
    memset(&fr, 0, sizeof fr);
    for (k = 0; k < n && st == FD_OK; k++) {
        col_range r = cell_range(g, &g->cells[cells[k]]);
        int is_exp = b->goal_expected.set && overlap(r, b->goal_expected) > 0.5 * (r.x1 - r.x0);
        int is_act = b->goal_actual.set && overlap(r, b->goal_actual) > 0.5 * (r.x1 - r.x0);
        if (!is_exp && !is_act) continue;
        st = read_field(mp, gi, cells[k], FD_KIND_PROSE, &fr);
        if (st != FD_OK) break;
        st = is_exp ? set_text(f, &f->goals_expected, "/goals/expected", &fr)
                    : set_text(f, &f->goals_actual, "/goals/actual", &fr);
    }
    b->goals_done = 1;
    field_clear(&fr);
    return st;
}

static const char *snap_level(const mapper *mp, int r, const char *text);

/* The indicator header known by its shape when none of its labels read
 * well enough (a faded page, a seal over the row): after the funds or goals
 * block, a row of exactly as many cells as the block has columns (the
 * outer 绩效指标 cell, which spans the rows below, and slivers not
 * counted), followed by a row whose first cell reads as a level1 or
 * level2 name. The columns are its cells in printed order. */
static fd_status indicator_header_by_shape(mapper *mp, size_t gi, form_build *b,
                                           const size_t *cells, size_t n, int row, int n_rows,
                                           int *is_header)
{
    const fd_grid *g = &mp->grids[gi];
    size_t k;
    long pick[R_COUNT], next;
    int count = 0;
    field_read fr;
    fd_status st = FD_OK;
    *is_header = 0;
    if (row + 1 >= n_rows) return FD_OK;
    for (k = 0; k < n; k++) {
        const fd_cell *c = &g->cells[cells[k]];
        if (is_sliver(c) || (k == 0 && c->rowspan >= 3)) continue;
        if (count == R_COUNT) return FD_OK; /* more cells than columns */
        pick[count++] = (long)cells[k];
    }
    next = first_cell_of_row(g, row + 1, 1);
    if (count != R_COUNT || next < 0) return FD_OK;
    memset(&fr, 0, sizeof fr);
    st = read_field(mp, gi, (size_t)next, FD_KIND_LABEL, &fr);
    if (st == FD_OK && (snap_level(mp, R_LEVEL1, fr.text) || snap_level(mp, R_LEVEL2, fr.text))) {
        int r;
        for (r = 0; r < R_COUNT; r++) b->ind[r] = cell_range(g, &g->cells[pick[r]]);
        b->have_ind = 1;
        *is_header = 1;
    }
    field_clear(&fr);
    return st;
}

/* The indicator header cut short after 三级指标 (or a later column): the
 * rule between it and the long goal text above faded away right of it,
 * and the goal text cell swallowed the header's other cells (年度指标值 …
 * 偏差原因). When the labels read end with the role last (a level label
 * before it, in order) and the row has no cell right of it but slivers,
 * the columns right of it are the cells of the next row right of it, in
 * printed order, if there are exactly as many. found and at get them (at:
 * -2, no cell of this row). Returns how many columns were placed. */
static int columns_from_next_row(const fd_grid *g, const size_t *cells, size_t n, int last,
                                 col_range *found, long *at)
{
    const fd_cell *end = &g->cells[cells[at[last]]];
    size_t k, i, m = 0, want = (size_t)(R_COUNT - last - 1);
    long pick[R_COUNT];
    int next_row = end->row + end->rowspan, r;
    for (k = (size_t)at[last] + 1; k < n; k++)
        if (!is_sliver(&g->cells[cells[k]])) return 0;
    if (at[R_LEVEL1] < 0 && at[R_LEVEL2] < 0) return 0;
    for (i = 0; i < g->n_cells; i++) {
        const fd_cell *c = &g->cells[i];
        if (c->row != next_row || is_sliver(c)) continue;
        if (cell_range(g, c).x0 < found[last].x1 - 0.01) continue; /* 1 % of the table's width */
        if (m == want) return 0; /* more cells than columns */
        pick[m++] = (long)i;
    }
    if (m != want || m == 0) return 0;
    for (r = last + 1; r < R_COUNT; r++) {
        found[r] = cell_range(g, &g->cells[pick[r - last - 1]]);
        at[r] = -2;
    }
    return (int)m;
}

/* Reads the indicator header labels of a row. *is_header: 1 when the row
 * is the header: five or more of its eight labels recognised, or four
 * that include 年度指标值 and either 三级指标 or 实际完成值 (a seal over the
 * others, or their cells merged, or the three 级指标 read with their first
 * characters wrong; data rows never name those labels), in printed order. The
 * columns whose labels were not read are placed from those that were
 * (place_unread_columns). */
static fd_status indicator_header_row(mapper *mp, size_t gi, form_build *b, const size_t *cells,
                                      size_t n, int *is_header)
{
    const fd_grid *g = &mp->grids[gi];
    col_range found[R_COUNT];
    long at[R_COUNT];
    int r, count = 0, in_order = 1, last_role = -1;
    long last = -1;
    fd_status st = match_header_cells(mp, gi, cells, n, 0, "ind.col.", 0.5, role_key, R_COUNT, found,
                                      at, &count);
    *is_header = 0;
    if (st != FD_OK) return st;
    for (r = 0; r < R_COUNT; r++) {
        if (at[r] < 0) continue;
        if (at[r] <= last) in_order = 0;
        last = at[r];
        last_role = r;
    }
    if (in_order && count >= 2 && last_role >= R_NAME && count <= last_role + 1)
        count += columns_from_next_row(g, cells, n, last_role, found, at);
    if (count >= 5 ||
        (count == 4 && in_order && at[R_TARGET] >= 0 && (at[R_NAME] >= 0 || at[R_ACTUAL] >= 0))) {
        if (count < R_COUNT) place_unread_columns(g, cells, 0, n, at, R_COUNT, found);
        /* A column still without a cell (two header cells merged, their
         * rule lost, so the row ran out of cells) shares the wider of its
         * neighbours' cells (the merged one), each taking the half on its
         * side in printed order. */
        for (r = 0; r < R_COUNT; r++) {
            int nb = -1;
            double mid;
            if (r > 0 && found[r - 1].set) nb = r - 1;
            if (r + 1 < R_COUNT && found[r + 1].set &&
                (nb < 0 || found[r + 1].x1 - found[r + 1].x0 > found[nb].x1 - found[nb].x0))
                nb = r + 1;
            if (found[r].set || nb < 0) continue;
            mid = (found[nb].x0 + found[nb].x1) / 2;
            found[r] = found[nb];
            if (nb < r) {
                found[nb].x1 = mid;
                found[r].x0 = mid;
            } else {
                found[r].x1 = mid;
                found[nb].x0 = mid;
            }
        }
        memcpy(b->ind, found, sizeof found);
        b->have_ind = 1;
        *is_header = 1;
    }
    return st;
}

/* Fills and appends one indicator row whose name-column cell starts at
 * grid row `row`. */
static fd_status indicator_row(mapper *mp, size_t gi, form_build *b, int row, int first_row,
                               const long *role_col)
{
    const fd_grid *g = &mp->grids[gi];
    raw_row rr;
    fd_status st = FD_OK;
    int r;
    void *items = b->rows;
    memset(&rr, 0, sizeof rr);
    rr.page = g->page;
    rr.level_cell[0] = rr.level_cell[1] = -1;
    for (r = 0; r < R_COUNT && st == FD_OK; r++) {
        long ci;
        const fd_cell *c;
        fd_cell_kind kind = FD_KIND_TEXT;
        if (role_col[r] < 0) continue;
        ci = fd_grid_cell_at(g, row, (int)role_col[r]);
        if (ci < 0) continue;
        c = &g->cells[ci];
        /* A value cell spanning several indicator rows belongs to the first. */
        if (r > R_LEVEL2 && c->row != row) continue;
        if (r <= R_LEVEL2) {
            rr.level_cell[r] = (long)g->page * (1L << 20) + ci;
            rr.level_top[r] = c->row <= first_row;
            rr.level_bottom[r] = (size_t)(c->row + c->rowspan) >= g->n_ys - 1;
            kind = FD_KIND_LABEL;
        } else if (r == R_TARGET || r == R_ACTUAL) {
            kind = FD_KIND_MEASURE;
        } else if (r == R_WEIGHT || r == R_SCORE) {
            kind = FD_KIND_AMOUNT;
        } else if (r == R_REASON) {
            kind = FD_KIND_PROSE;
        }
        st = read_field(mp, gi, (size_t)ci, kind, &rr.f[r]);
    }
    if (st == FD_OK && fd_array_reserve(&items, &b->cap_rows, b->n_rows + 1, sizeof *b->rows) != 0)
        st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory collecting indicator rows");
    if (st != FD_OK) {
        row_clear(&rr);
        return st;
    }
    b->rows = items;
    b->rows[b->n_rows++] = rr;
    return FD_OK;
}

/* For each role, the grid column whose slot centre lies in the role's
 * range on this page; -1 when none. */
static void role_columns(const fd_grid *g, const form_build *b, long *role_col)
{
    int r;
    size_t c;
    for (r = 0; r < R_COUNT; r++) {
        double best = 1e9;
        role_col[r] = -1;
        if (!b->ind[r].set) continue;
        for (c = 0; c + 1 < g->n_xs; c++) {
            double mid = rel_x(g, (g->xs[c] + g->xs[c + 1]) / 2);
            double centre = (b->ind[r].x0 + b->ind[r].x1) / 2;
            if (mid >= b->ind[r].x0 && mid <= b->ind[r].x1 && fabs(mid - centre) < best) {
                best = fabs(mid - centre);
                role_col[r] = (long)c;
            }
        }
    }
}

/* The total weight of a form (分值 of 总分: the funds' 10 and the
 * indicators' 90) lies in this range when its reading is cut out of a
 * merged cell (a form weighing less than half of it has no 总分 worth the
 * name), and the confidence a reading cut in two keeps at most, so that a
 * check it decides is marked ocr_suspect. */
#define FD_TOTAL_MIN 50.0
#define FD_TOTAL_MAX 100.0
#define FD_SPLIT_CONF 50.0

static fd_status total_row(mapper *mp, size_t gi, form_build *b, int row, const long *role_col)
{
    const fd_grid *g = &mp->grids[gi];
    fd_form *f = b->form;
    field_read fr;
    fd_status st = FD_OK;
    int which;
    long cw = role_col[R_WEIGHT] >= 0 ? fd_grid_cell_at(g, row, (int)role_col[R_WEIGHT]) : -1;
    long cs = role_col[R_SCORE] >= 0 ? fd_grid_cell_at(g, row, (int)role_col[R_SCORE]) : -1;
    memset(&fr, 0, sizeof fr);
    for (which = 0; which < 2 && st == FD_OK; which++) {
        long ci = which == 0 ? cw : cs;
        if (ci < 0) continue;
        st = read_field(mp, gi, (size_t)ci, FD_KIND_AMOUNT, &fr);
        if (st != FD_OK) break;
        set_number(which == 0 ? &f->total_weight : &f->total_score, &fr, 0);
        /* One cell under both columns (the rule between them lost): its
         * reading is the two numbers side by side, cut where only one cut
         * makes a total weight and a score not above it. The provenance
         * of both is the cell's reading. */
        if (cw == cs && fr.text != NULL) {
            fd_num w, sc;
            if (fd_split_joined_pair(fr.text, FD_TOTAL_MIN, FD_TOTAL_MAX, &w, &sc)) {
                if (fr.conf > FD_SPLIT_CONF) fr.conf = FD_SPLIT_CONF;
                f->total_weight = w;
                f->total_score = sc;
            }
        }
        st = set_prov(f, which == 0 ? "/total/weight" : "/total/score", &fr);
    }
    b->total_done = 1;
    field_clear(&fr);
    return st;
}

/* 1 when some window of text, as long as one of the label's spellings,
 * is similar to it: the title stands in the preamble among other words. */
static int contains_label(const fd_label *lab, const char *text, double min_sim)
{
    long t[MATCH_MAX_CP], v[MATCH_MAX_CP];
    size_t nt = label_codepoints(text, t, MATCH_MAX_CP), k, s;
    for (k = 0; lab && k < lab->n_variants; k++) {
        size_t nv = label_codepoints(lab->variants[k], v, MATCH_MAX_CP);
        if (nv == 0) continue;
        if (nt <= nv) {
            if (similarity_cp(t, nt, v, nv) >= min_sim) return 1;
            continue;
        }
        for (s = 0; s + nv <= nt; s++)
            if (similarity_cp(t + s, nv, v, nv) >= min_sim) return 1;
    }
    return 0;
}


/* Walks one page. */
static fd_status map_page(mapper *mp, size_t gi)
{
    const fd_grid *g = &mp->grids[gi];
    form_build *b = current_build(mp);
    field_read first, pre, probe;
    size_t *cells = NULL;
    fd_status st = FD_OK;
    int row, n_rows = g->n_ys > 1 ? (int)g->n_ys - 1 : 0;
    int first_ind_row = -1, page_used = 0, title_here = 0, header_again = 0;
    int stacked_from = 0, stacked_until = -1; /* rows [from, until) under a split label cell */
    int funds_prev_idx = -1, funds_prev_row = -1; /* the last funds row placed on this page */
    const fd_label *stacked[STACKED_MAX_ROWS];
    long role_col[R_COUNT];

    memset(&first, 0, sizeof first);
    memset(&pre, 0, sizeof pre);
    memset(&probe, 0, sizeof probe);
    if (g->n_cells == 0) goto done;
    cells = fd_malloc(g->n_cells * sizeof *cells);
    if (cells == NULL) {
        st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory mapping page %d", g->page);
        goto done;
    }

    /* The title and the year line stand above the table. */
    st = read_field(mp, gi, FD_CELL_PREAMBLE, FD_KIND_TEXT, &pre);
    if (st != FD_OK) goto done;
    title_here = pre.text[0] && contains_label(fd_form_model_find(mp->model, "title"), pre.text, 0.6);
    if (title_here) {
        b = start_form(mp);
        if (b == NULL) {
            st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
            goto done;
        }
        refresh_forms(mp);
        b = current_build(mp);
        {
            /* fd_map_document checked that the model has a title label. */
            const fd_label *tl = fd_form_model_find(mp->model, "title");
            b->form->title = tl ? fd_strdup(tl->variants[0]) : NULL;
        }
        if (b->form->title == NULL) {
            st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
            goto done;
        }
        st = set_prov(b->form, "/title", &pre);
        /* The year: the first 4-digit run 1990–2099 of the preamble. */
        {
            const char *s = pre.text;
            for (; st == FD_OK && *s; s++) {
                if (s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
                    s[2] <= '9' && s[3] >= '0' && s[3] <= '9' && !(s[4] >= '0' && s[4] <= '9')) {
                    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
                    if (y >= 1990 && y <= 2099) {
                        b->form->year = fd_num_make(y, 0);
                        st = set_prov(b->form, "/year", &pre);
                        break;
                    }
                }
            }
        }
        if (st != FD_OK) goto done;
    }

    for (row = 0; row < n_rows && st == FD_OK; row++) {
        size_t n = row_cells(g, row, cells, g->n_cells), from = 0;
        const fd_label *lab;
        int label_holds_value;
        if (n == 0) continue;

        if (b != NULL && b->have_ind && first_ind_row >= 0 && !b->total_done) {
            /* Inside the indicator block: one row per name cell, unless the
             * row is 总分 or a repeated header. */
            long name_ci = role_col[R_NAME] >= 0 ? fd_grid_cell_at(g, row, (int)role_col[R_NAME]) : -1;
            size_t k;
            int is_total = 0;
            const fd_label *tl = NULL;
            /* The first cell of the row that is not a level/outer column
             * cell decides whether this is the 总分 row. */
            for (k = 0; k < n; k++) {
                const fd_cell *c = &g->cells[cells[k]];
                col_range cr = cell_range(g, c);
                int covered = ranges_covered(b->ind, R_COUNT, cr);
                int role = best_range(b->ind, R_COUNT, cr);
                if (role == R_LEVEL1 || role == R_LEVEL2 || covered >= 2 || role < 0) {
                    st = read_field(mp, gi, cells[k], FD_KIND_LABEL, &first);
                    if (st != FD_OK) break;
                    tl = match_label(mp, "total", first.text, 0.6);
                    /* 总分 misread (a two-character line the engine reads
                     * as 分 at 14): the last row of the table, whose first
                     * cell spans several columns, with no indicator name
                     * and a weight or score of 50 or more (no single
                     * indicator weighs that much; the totals do), is the
                     * 总分 row. */
                    if (tl == NULL && row == n_rows - 1 && c->colspan >= 2 &&
                        match_label(mp, "ind.col.", first.text, 0.7) == NULL) {
                        st = looks_like_total_row(mp, gi, row, cells[k], name_ci, role_col, &is_total);
                        if (st != FD_OK) break;
                        if (is_total) tl = fd_form_model_find(mp->model, "total");
                    }
                    if (tl == NULL && match_label(mp, "ind.col.", first.text, 0.7)) {
                        /* A header row repeated after the first one. */
                        int is_header = 0;
                        st = indicator_header_row(mp, gi, b, cells, n, &is_header);
                        if (st == FD_OK && is_header) {
                            role_columns(g, b, role_col);
                            first_ind_row = row + 1;
                            header_again = 1;
                        }
                        break;
                    }
                    if (tl || role >= 0) break;
                } else {
                    break;
                }
            }
            if (st != FD_OK) break;
            if (header_again) {
                header_again = 0;
                page_used = 1;
                continue;
            }
            if (tl) {
                st = total_row(mp, gi, b, row, role_col);
                page_used = 1;
                continue;
            }
            if (name_ci >= 0 && g->cells[name_ci].row == row) {
                st = indicator_row(mp, gi, b, row, first_ind_row, role_col);
                page_used = 1;
            }
            continue;
        }

        /* Outside the indicator block: the first cell names the row. */
        st = read_field(mp, gi, cells[0], FD_KIND_LABEL, &first);
        if (st != FD_OK) break;
        lab = match_label(mp, NULL, first.text, 0.6);
        label_holds_value = 0;
        if (lab == NULL && (b == NULL || !b->have_funds)) {
            lab = leading_header_label(mp, first.text, &st);
            if (st != FD_OK) break;
            label_holds_value = lab != NULL;
        }
        /* 主管部门 unreadable (under a seal): the row whose later cell is
         * 实施单位 is the department's. */
        if (lab == NULL && b != NULL && !b->have_funds && b->form->department == NULL && n >= 3) {
            size_t k;
            for (k = 2; k < n && lab == NULL && st == FD_OK; k++) {
                st = read_field(mp, gi, cells[k], FD_KIND_LABEL, &probe);
                if (st == FD_OK && key_is(match_label(mp, NULL, probe.text, 0.6), "implementing_unit"))
                    lab = fd_form_model_find(mp->model, "department");
            }
            if (st != FD_OK) break;
        }
        from = 1;
        fd_log(mp->dg, FD_LOG_DEBUG, "page %d row %d: \"%s\" → %s", g->page, row, first.text,
               lab ? lab->key : "(no label)");
        /* A row label cell may sit right of a block label that spans rows
         * from above (项目资金 over 年度资金总额 …): it is then cells[0]. */

        /* The rows under a stacked funds label cell (split above) have
         * only values: their label is the one split off for them. */
        if (b != NULL && b->have_funds && !b->have_ind && row < stacked_until &&
            !key_starts(lab, "funds.row.")) {
            lab = stacked[row - stacked_from];
            from = 0;
        } else if (b != NULL && b->have_funds && !b->have_ind && g->cells[cells[0]].rowspan >= 2 &&
                   g->cells[cells[0]].rowspan <= STACKED_MAX_ROWS) {
            const fd_label *split[STACKED_MAX_ROWS];
            int k = g->cells[cells[0]].rowspan;
            if (split_stacked_labels(mp, first.text, k, split)) {
                memcpy(stacked, split, (size_t)k * sizeof *split);
                stacked_from = row;
                stacked_until = row + k;
                lab = stacked[0];
            }
        }
        if (b != NULL && b->have_funds && !b->have_ind && lab == NULL) {
            st = split_funds_label(mp, gi, b, cells, n, first.text, &lab, &from);
            if (st != FD_OK) break;
        }
        if (b != NULL && b->have_funds && !b->have_ind && !b->goals_header && lab == NULL &&
            funds_prev_row >= 0) {
            int idx;
            st = funds_row_by_order(mp, gi, row, n_rows, funds_prev_idx, funds_prev_row, &idx);
            if (st != FD_OK) break;
            if (idx >= 0 && idx < FD_FUNDS_ROWS) {
                char key[64];
                fd_snprintf(key, sizeof key, "funds.row.%s", fd_funds_row_key[idx]);
                lab = fd_form_model_find(mp->model, key);
                from = first_funds_value_cell(g, b, cells, n);
                fd_log(mp->dg, FD_LOG_DEBUG, "page %d row %d: → %s by its place", g->page, row,
                       lab ? lab->key : "(not in the model)");
            }
        }

        if (key_is(lab, "title")) {
            continue;
        }
        /* A block label the OCR could not read (项目资金(元) as
         * "项目资金GCC)"): the funds header row is also known by its column
         * labels. Only looked for while the form has no funds columns. */
        if (lab == NULL && b != NULL && !b->have_funds && !b->have_ind && n >= 4) {
            col_range seen[FD_FUNDS_COLS];
            int cols = 0;
            st = match_header_cells(mp, gi, cells, n, 1, "funds.col.", 0.6, funds_col_label,
                                    FD_FUNDS_COLS, seen, NULL, &cols);
            if (st != FD_OK) break;
            if (cols >= 3) lab = fd_form_model_find(mp->model, "funds.block");
        }
        if (key_is(lab, "project_name") && (b == NULL || b->form->project_name != NULL || b->have_ind)) {
            if (!title_here || (b && b->form->project_name)) {
                b = start_form(mp);
                if (b == NULL) {
                    st = fd_diag_fail(mp->dg, FD_ERR_NOMEM, "out of memory");
                    break;
                }
                refresh_forms(mp);
                b = current_build(mp);
            }
        }
        if (b == NULL) continue; /* not a form (yet): nothing to attach the row to */

        if (key_is(lab, "project_name") || key_is(lab, "department") || key_is(lab, "implementing_unit")) {
            st = header_value_row(mp, gi, b, cells, n, lab, label_holds_value);
            page_used = 1;
        } else if (key_is(lab, "funds.block")) {
            st = funds_header_row(mp, gi, b, cells, n, from);
            funds_prev_idx = -1;
            funds_prev_row = row;
            page_used = 1;
        } else if (key_starts(lab, "funds.row.") && b->have_funds) {
            int fr_i = funds_row_index(lab);
            if (fr_i >= 0) {
                st = funds_value_row(mp, gi, b, cells, n, from, fr_i);
                funds_prev_idx = fr_i;
                funds_prev_row = row;
            }
            page_used = 1;
        } else if (key_is(lab, "goals.block")) {
            st = goals_header_row(mp, gi, b, cells, n, from);
            page_used = 1;
        } else if (key_is(lab, "goals.expected")) {
            st = goals_header_row(mp, gi, b, cells, n, 0);
            page_used = 1;
        } else if (b->goals_header && !b->goals_done && !key_starts(lab, "ind.")) {
            st = goals_text_row(mp, gi, b, cells, n);
            page_used = 1;
        } else if (key_starts(lab, "ind.") || !b->have_ind) {
            int is_header = 0;
            /* The indicator header, or (on a continuation page without a
             * repeated header) the first indicator row. */
            st = indicator_header_row(mp, gi, b, cells, n, &is_header);
            if (st == FD_OK && !is_header && !b->have_ind && (b->goals_done || b->have_funds))
                st = indicator_header_by_shape(mp, gi, b, cells, n, row, n_rows, &is_header);
            if (st != FD_OK) break;
            if (is_header) {
                role_columns(g, b, role_col);
                first_ind_row = row + 1;
                page_used = 1;
            } else if (b->have_ind && !b->total_done) {
                /* Continuation page: its first row (an outer 绩效指标 cell,
                 * say) is already part of the indicator block. */
                role_columns(g, b, role_col);
                first_ind_row = row;
                row--;
            }
        } else if (b->have_ind && !b->total_done && first_ind_row < 0) {
            /* Continuation page: columns from the previous page. */
            role_columns(g, b, role_col);
            first_ind_row = row;
            row--; /* read this row again as an indicator row */
        }
    }
done:
    if (st == FD_OK && b != NULL && page_used) st = add_page(b->form, g->page);
    if (st == FD_OK && !page_used && g->n_cells > 0 && mp->doc) {
        st = fd_document_add_error(mp->doc, g->page, "PAGE_NOT_A_FORM",
                                   "page %d: a table was found but no part of the form was recognised",
                                   g->page);
    } else if (st == FD_OK && g->n_cells == 0) {
        st = fd_document_add_error(mp->doc, g->page, "PAGE_NOT_A_FORM",
                                   "page %d: no table found", g->page);
    }
    field_clear(&first);
    field_clear(&probe);
    field_clear(&pre);
    fd_free(cells);
    return st;
}

/* ------------------------------------------------------- stitching */

/* Joins rows cut by a page break: the last row of a page and the first of
 * the next, when one of the two has neither weight nor score. */
static fd_status join_split_rows(form_build *b)
{
    size_t i = 0;
    while (i + 1 < b->n_rows) {
        raw_row *a = &b->rows[i], *c = &b->rows[i + 1];
        int a_values = has_value(&a->f[R_WEIGHT]) || has_value(&a->f[R_SCORE]);
        int c_values = has_value(&c->f[R_WEIGHT]) || has_value(&c->f[R_SCORE]);
        const raw_row *bare = a_values ? c : a;
        int r;
        /* The half without numbers must carry some text of the row, else it
         * is an empty row of its own (成本指标 with nothing in it). */
        if (a->page == c->page || a_values == c_values ||
            !(has_value(&bare->f[R_NAME]) || has_value(&bare->f[R_TARGET]) ||
              has_value(&bare->f[R_ACTUAL]))) {
            i++;
            continue;
        }
        /* Text of the two halves joined in paper order; values from the half
         * that has them. */
        for (r = R_NAME; r < R_COUNT; r++) {
            field_read *x = &a->f[r], *y = &c->f[r];
            if (r == R_NAME || r == R_REASON) {
                if (has_value(x) && has_value(y)) {
                    fd_buf joined;
                    fd_buf_init(&joined);
                    fd_buf_puts(&joined, x->text);
                    fd_buf_puts(&joined, y->text);
                    {
                        char *s = fd_buf_take(&joined);
                        if (s == NULL) return FD_ERR_NOMEM;
                        fd_free(x->text);
                        x->text = s;
                    }
                    continue;
                }
            }
            if (!has_value(x) && has_value(y)) {
                field_read tmp = *x;
                *x = *y;
                *y = tmp;
            }
        }
        /* Level labels: a blank one on one side takes the other's. */
        for (r = R_LEVEL1; r <= R_LEVEL2; r++) {
            if (!has_value(&a->f[r]) && has_value(&c->f[r])) {
                field_read tmp = a->f[r];
                a->f[r] = c->f[r];
                c->f[r] = tmp;
                a->level_cell[r] = c->level_cell[r];
            }
        }
        row_clear(c);
        memmove(c, c + 1, (b->n_rows - i - 2) * sizeof *c);
        b->n_rows--;
        i++;
    }
    return FD_OK;
}

/* A level name is taken for the model's nearest one from this
 * similarity, or from FD_LEVEL_SNAP_LOW when no other name of its level
 * comes within FD_LEVEL_SNAP_MARGIN: 服务寺争满意刘指标 (6 of 9 right) is
 * nearer 服务对象满意度指标 than anything else by far, while 至许效益指标
 * is as near 经济效益指标 as 社会效益指标 and stays as read. */
#define FD_LEVEL_SNAP_SIM 0.7
#define FD_LEVEL_SNAP_LOW 0.5
#define FD_LEVEL_SNAP_MARGIN 0.2

/* The model's canonical level name (r: R_LEVEL1 or R_LEVEL2) that text is
 * a reading of, or NULL. */
static const char *snap_level(const mapper *mp, int r, const char *text)
{
    const char *prefix = r == R_LEVEL1 ? "ind.level1." : "ind.level2.";
    size_t plen = strlen(prefix), i, nt;
    long t[MATCH_MAX_CP];
    const fd_label *best = NULL;
    double best_sim = 0.0, second = 0.0;
    if (text == NULL) return NULL;
    nt = label_codepoints(text, t, MATCH_MAX_CP);
    if (nt == 0) return NULL;
    for (i = 0; i < mp->model->n_labels; i++) {
        const fd_label *lab = &mp->model->labels[i];
        double sim;
        if (strncmp(lab->key, prefix, plen) != 0) continue;
        sim = label_similarity(lab, t, nt);
        if (sim > best_sim) {
            second = best_sim;
            best_sim = sim;
            best = lab;
        } else if (sim > second) {
            second = sim;
        }
    }
    if (best == NULL || best->n_variants == 0) return NULL;
    if (best_sim >= FD_LEVEL_SNAP_SIM ||
        (best_sim >= FD_LEVEL_SNAP_LOW && best_sim - second >= FD_LEVEL_SNAP_MARGIN))
        return best->variants[0];
    return NULL;
}

static const char *canonical_level(const mapper *mp, int r, const char *text)
{
    const char *canon = snap_level(mp, r, text);
    return canon ? canon : text;
}

/* Index in the model's level2_parents of a canonical level2 name, or -1. */
static long parent_index(const fd_form_model *m, const char *level2)
{
    size_t k;
    for (k = 0; level2 && k < m->n_parents; k++)
        if (strcmp(m->parents[k].level2, level2) == 0) return (long)k;
    return -1;
}

/* The first-level name a row's level1 cell stands for when it does not
 * read as one (a seal over it, a tall cell's rules read into it): the one
 * every second-level name of the rows under that cell is printed under
 * (level2_parents of the model), if they name one and only one. l2[j]:
 * row j's level2 name as read, canonical, or NULL. NULL otherwise. */
static const char *level1_from_level2(const mapper *mp, const form_build *b, size_t i,
                                      const char *const *l2)
{
    const char *parent = NULL;
    size_t j;
    long cell = b->rows[i].level_cell[R_LEVEL1];
    for (j = 0; j < b->n_rows; j++) {
        long k;
        if (j != i && (cell < 0 || b->rows[j].level_cell[R_LEVEL1] != cell)) continue;
        k = parent_index(mp->model, l2[j]);
        if (k < 0) continue;
        if (parent != NULL && strcmp(parent, mp->model->parents[k].level1) != 0) return NULL;
        parent = mp->model->parents[k].level1;
    }
    return parent;
}

/* The second-level name row i's level2 cell stands for when its reading
 * is not one (noise such as "we" or a bare 指标): under one first-level
 * name the second-level names are printed in the model's order
 * (level2_parents), so a cell between two that read — or the start or the
 * end of its first-level group — is the one name of that group that lies
 * between theirs, if only one does. A form that leaves a name out makes
 * two candidates, and the cell stays as read. l1, l2: the rows' level
 * names as read (l2) or as known (l1), canonical, or NULL. */
static const char *level2_from_order(const mapper *mp, const form_build *b, size_t i,
                                     const char *const *l1, const char *const *l2)
{
    const fd_form_model *m = mp->model;
    long cell = b->rows[i].level_cell[R_LEVEL2], lo = -1, hi = (long)m->n_parents, k;
    size_t first = i, last = i;
    const char *found = NULL;
    if (cell < 0 || l1[i] == NULL) return NULL;
    while (first > 0 && b->rows[first - 1].level_cell[R_LEVEL2] == cell) first--;
    while (last + 1 < b->n_rows && b->rows[last + 1].level_cell[R_LEVEL2] == cell) last++;
    /* The neighbouring groups, when under the same level1: their names
     * bound the order; one that did not read either leaves no bound. */
    if (first > 0) {
        if (l1[first - 1] == NULL) return NULL;
        if (strcmp(l1[first - 1], l1[i]) == 0 && (lo = parent_index(m, l2[first - 1])) < 0) return NULL;
    }
    if (last + 1 < b->n_rows) {
        if (l1[last + 1] == NULL) return NULL;
        if (strcmp(l1[last + 1], l1[i]) == 0 && (hi = parent_index(m, l2[last + 1])) < 0) return NULL;
    }
    for (k = lo + 1; k < hi; k++) {
        if (strcmp(m->parents[k].level1, l1[i]) != 0) continue;
        if (found != NULL) return NULL;
        found = m->parents[k].level2;
    }
    return found;
}

/* Every row's level names, canonical, once per form: l2 as read, l1 as
 * read or else from the rows' level2 names; NULL where neither says. */
static void resolve_levels(const mapper *mp, const form_build *b, const char **l1, const char **l2)
{
    size_t i;
    for (i = 0; i < b->n_rows; i++) {
        const field_read *f1 = &b->rows[i].f[R_LEVEL1], *f2 = &b->rows[i].f[R_LEVEL2];
        l1[i] = has_value(f1) ? snap_level(mp, R_LEVEL1, f1->text) : NULL;
        l2[i] = has_value(f2) ? snap_level(mp, R_LEVEL2, f2->text) : NULL;
    }
    for (i = 0; i < b->n_rows; i++)
        if (l1[i] == NULL) l1[i] = level1_from_level2(mp, b, i, l2);
}

/* A merged level cell cut by a page break prints its label on one page
 * only: rows under the blank part take the label of the part that has it.
 * A level2 cell continues only inside the same level1 group: a blank
 * level2 cell under a new level1 label is a group printed without level2
 * names (null), not the rest of the group above the break. */
static fd_status carry_level_labels(const mapper *mp, form_build *b)
{
    size_t i, j;
    int r;
    for (r = R_LEVEL1; r <= R_LEVEL2; r++) {
        for (i = 0; i + 1 < b->n_rows; i++) {
            raw_row *a = &b->rows[i], *c = &b->rows[i + 1];
            field_read *src = NULL;
            long blank_cell = -1;
            if (a->page == c->page || a->level_cell[r] < 0 || c->level_cell[r] < 0) continue;
            if (!a->level_bottom[r] || !c->level_top[r]) continue;
            if (r == R_LEVEL2 && has_value(&a->f[R_LEVEL1]) && has_value(&c->f[R_LEVEL1]) &&
                strcmp(canonical_level(mp, R_LEVEL1, a->f[R_LEVEL1].text),
                       canonical_level(mp, R_LEVEL1, c->f[R_LEVEL1].text)) != 0)
                continue;
            if (has_value(&a->f[r]) && !has_value(&c->f[r])) {
                src = &a->f[r];
                blank_cell = c->level_cell[r];
            } else if (!has_value(&a->f[r]) && has_value(&c->f[r])) {
                src = &c->f[r];
                blank_cell = a->level_cell[r];
            }
            if (src == NULL) continue;
            for (j = 0; j < b->n_rows; j++) {
                raw_row *t = &b->rows[j];
                if (t->level_cell[r] != blank_cell || &t->f[r] == src) continue;
                field_clear(&t->f[r]);
                t->f[r].present = 1;
                t->f[r].text = fd_strdup(src->text);
                t->f[r].conf = src->conf;
                t->f[r].page = src->page;
                memcpy(t->f[r].box, src->box, sizeof src->box);
                if (t->f[r].text == NULL) return FD_ERR_NOMEM;
            }
        }
    }
    return FD_OK;
}

static fd_status set_measure(fd_form *f, fd_measure *m, const char *path, const field_read *fr)
{
    fd_status st = FD_OK;
    fd_measure_clear(m);
    if (fr->present && !fd_text_is_null(fr->text)) {
        if (fd_parse_measure(fr->text, m, &st) == FD_PARSE_INVALID && st == FD_OK) {
            /* Not a value the parser understands: keep the text, no number. */
            fd_measure_clear(m);
            m->text = fd_strdup(fr->text);
            if (m->text == NULL) st = FD_ERR_NOMEM;
        }
    }
    if (st != FD_OK) return st;
    return set_prov(f, path, fr);
}

static fd_status finish_form(mapper *mp, form_build *b)
{
    fd_form *f = b->form;
    size_t i;
    const char **l1 = NULL, **l2 = NULL; /* the rows' level names (resolve_levels) */
    /* Labels first: joining a cut row would hide which page's rows sat in
     * the blank part of a cut level cell. */
    fd_status st = carry_level_labels(mp, b);
    if (st == FD_OK) st = join_split_rows(b);
    if (st == FD_OK && b->n_rows > 0) {
        l1 = fd_calloc(b->n_rows, sizeof *l1);
        l2 = fd_calloc(b->n_rows, sizeof *l2);
        if (l1 == NULL || l2 == NULL) st = FD_ERR_NOMEM;
        else resolve_levels(mp, b, l1, l2);
    }
    for (i = 0; i < b->n_rows && st == FD_OK; i++) {
        raw_row *rr = &b->rows[i];
        fd_indicator *ind;
        size_t idx;
        char path[FD_PATH_MAX];
        int r;
        /* Rows with neither a name nor a weight (an empty 成本指标 row) are
         * not indicators. */
        if (!has_value(&rr->f[R_NAME]) && !has_value(&rr->f[R_WEIGHT])) continue;
        idx = f->n_indicators;
        ind = fd_form_add_indicator(f);
        if (ind == NULL) {
            st = FD_ERR_NOMEM;
            break;
        }
        for (r = 0; r < R_COUNT && st == FD_OK; r++) {
            const field_read *fr = &rr->f[r];
            fd_snprintf(path, sizeof path, "/indicators/%zu/%s", idx, role_field[r]);
            switch (r) {
            case R_LEVEL1:
            case R_LEVEL2: {
                char **dst = r == R_LEVEL1 ? &ind->level1 : &ind->level2;
                /* The model's spelling: as read, from the rows' level2
                 * names, or from the cell's place among the level2 cells
                 * that read; the provenance keeps what was read. */
                const char *name = r == R_LEVEL1 ? l1[i]
                                   : l2[i] ? l2[i]
                                   : has_value(fr) ? level2_from_order(mp, b, i, l1, l2)
                                                   : NULL;
                st = set_text(f, dst, path, fr);
                if (st == FD_OK && name != NULL && (*dst == NULL || strcmp(*dst, name) != 0)) {
                    char *c = fd_strdup(name);
                    if (c == NULL) st = FD_ERR_NOMEM;
                    else {
                        fd_free(*dst);
                        *dst = c;
                    }
                }
                break;
            }
            case R_NAME: st = set_text(f, &ind->name, path, fr); break;
            case R_TARGET: st = set_measure(f, &ind->target, path, fr); break;
            case R_ACTUAL: st = set_measure(f, &ind->actual, path, fr); break;
            case R_WEIGHT:
                set_number(&ind->weight, fr, 0);
                st = set_prov(f, path, fr);
                break;
            case R_SCORE:
                set_number(&ind->score, fr, 0);
                st = set_prov(f, path, fr);
                break;
            case R_REASON:
                if (reason_is_noise(fr)) {
                    /* Noise: the value is null, the provenance keeps what was read. */
                    fd_free(ind->deviation_reason);
                    ind->deviation_reason = NULL;
                    st = set_prov(f, path, fr);
                } else {
                    st = set_text(f, &ind->deviation_reason, path, fr);
                }
                break;
            default: break;
            }
        }
    }
    fd_free(l1);
    fd_free(l2);
    if (st != FD_OK) return fd_diag_fail(mp->dg, st, "out of memory building a form");
    return FD_OK;
}

fd_status fd_mapper_create(const fd_form_model *model, fd_document *doc, fd_mapper **out, fd_diag *dg)
{
    mapper *mp;
    *out = NULL;
    if (fd_form_model_find(model, "title") == NULL || fd_form_model_find(model, "title")->n_variants == 0)
        return fd_diag_fail(dg, FD_ERR_MODEL, "the form model has no \"title\" label");
    mp = fd_calloc(1, sizeof *mp);
    if (mp == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
    mp->doc = doc;
    mp->first_form = doc->n_forms;
    *out = mp;
    return FD_OK;
}

fd_status fd_mapper_add_page(fd_mapper *mp, const fd_form_model *model, const fd_grid *grids,
                             size_t gi, fd_cell_reader reader, void *user, fd_diag *dg)
{
    fd_status st;
    if (gi != mp->pages_added)
        return fd_diag_fail(dg, FD_ERR_INTERNAL, "page %zu mapped out of order (next is %zu)", gi,
                            mp->pages_added);
    mp->model = model;
    mp->grids = grids;
    mp->reader = reader;
    mp->user = user;
    mp->dg = dg;
    st = map_page(mp, gi);
    mp->model = NULL;
    mp->grids = NULL;
    mp->reader = NULL;
    mp->user = NULL;
    mp->dg = NULL;
    if (st == FD_OK) mp->pages_added++;
    return st;
}

fd_status fd_mapper_finish(fd_mapper *mp, const fd_form_model *model, fd_diag *dg)
{
    size_t i;
    fd_status st = FD_OK;
    mp->model = model;
    mp->dg = dg;
    for (i = 0; i < mp->n_builds && st == FD_OK; i++) st = finish_form(mp, &mp->builds[i]);
    mp->model = NULL;
    mp->dg = NULL;
    return st;
}

void fd_mapper_destroy(fd_mapper **pp)
{
    mapper *mp;
    size_t i, k;
    if (pp == NULL || *pp == NULL) return;
    mp = *pp;
    for (i = 0; i < mp->n_builds; i++) {
        for (k = 0; k < mp->builds[i].n_rows; k++) row_clear(&mp->builds[i].rows[k]);
        fd_free(mp->builds[i].rows);
    }
    fd_free(mp->builds);
    fd_free(mp);
    *pp = NULL;
}

fd_status fd_map_document(const fd_form_model *model, const fd_grid *grids, size_t n_grids,
                          fd_cell_reader reader, void *user, fd_document *doc, fd_diag *dg)
{
    fd_mapper *mp = NULL;
    size_t gi;
    fd_status st = fd_mapper_create(model, doc, &mp, dg);
    for (gi = 0; gi < n_grids && st == FD_OK; gi++)
        st = fd_mapper_add_page(mp, model, grids, gi, reader, user, dg);
    if (st == FD_OK) st = fd_mapper_finish(mp, model, dg);
    fd_mapper_destroy(&mp);
    return st;
}
