#include "process.h"

#include "grid.h"
#include "value.h"

#include <leptonica/allheaders.h>

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ SHA-256 */

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bits;
    unsigned char block[64];
    size_t used;
} sha256_ctx;

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_ctx *c, const unsigned char *p)
{
    uint32_t w[64], a, b, cc, d, e, f, g, h;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
    e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
    for (i = 0; i < 64; i++) {
        uint32_t s1 = ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + ch + sha256_k[i] + w[i];
        uint32_t s0 = ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22);
        uint32_t maj = (a & b) ^ (a & cc) ^ (b & cc);
        uint32_t t2 = s0 + maj;
        h = g, g = f, f = e, e = d + t1, d = cc, cc = b, b = a, a = t1 + t2;
    }
    c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d;
    c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

static void sha256_init(sha256_ctx *c)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memset(c, 0, sizeof *c);
    memcpy(c->h, h0, sizeof h0);
}

static void sha256_update(sha256_ctx *c, const unsigned char *p, size_t n)
{
    c->bits += (uint64_t)n * 8;
    while (n > 0) {
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->block + c->used, p, take);
        c->used += take, p += take, n -= take;
        if (c->used == 64) {
            sha256_block(c, c->block);
            c->used = 0;
        }
    }
}

static void sha256_final(sha256_ctx *c, char hex[65])
{
    unsigned char pad = 0x80, zero = 0, len[8];
    uint64_t bits = c->bits;
    int i;
    for (i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(c, &pad, 1);
    while (c->used != 56) sha256_update(c, &zero, 1);
    sha256_update(c, len, 8);
    for (i = 0; i < 8; i++) fd_snprintf(hex + 8 * i, 9, "%08x", (unsigned)c->h[i]);
    hex[64] = '\0';
}

fd_status fd_sha256_file(const char *path, char hex[65], fd_diag *dg)
{
    unsigned char buf[65536];
    sha256_ctx c;
    size_t n;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return fd_diag_fail(dg, FD_ERR_IO, "%s: cannot open", path);
    sha256_init(&c);
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) sha256_update(&c, buf, n);
    if (ferror(fp)) {
        fclose(fp);
        return fd_diag_fail(dg, FD_ERR_IO, "%s: read error", path);
    }
    fclose(fp);
    sha256_final(&c, hex);
    return FD_OK;
}

/* ------------------------------------------------------- cell reader */

enum { KIND_CLASS_TEXT = 0, KIND_CLASS_NUMBER, KIND_CLASS_MEASURE, KIND_CLASSES };

/* One cached reading of a cell for one class of kind: the mapper asks for
 * the same cell more than once (a row label, then its value). */
typedef struct cached_reading {
    int done;
    int care;          /* text: how it was read (text_care); a kind that wants more reads again */
    fd_ocr_text text;
} cached_reading;

typedef enum slot_state {
    SLOT_WAITING = 0,  /* not read yet */
    SLOT_READING,      /* a thread is reading it */
    SLOT_READY,        /* image, grid and cache set */
    SLOT_UNREADABLE,   /* error holds why; becomes a document error */
    SLOT_FATAL         /* out of memory, OCR failure: the whole file fails */
} slot_state;

typedef struct page_slot {
    slot_state state;
    fd_status failure;         /* SLOT_FATAL: the status the file fails with */
    char *error;               /* SLOT_UNREADABLE, SLOT_FATAL: the page's message (NULL: no memory for it) */
    fd_page_image image;       /* released once the page is mapped */
    fd_grid grid;
    cached_reading *cache;     /* (n_cells + 1) × KIND_CLASSES; the last row is the preamble */
} page_slot;

typedef struct reader_ctx {
    const fd_process_env *env;
    page_slot *const *pages;   /* indexed like the grids handed to the mapper */
} reader_ctx;

static int kind_class(fd_cell_kind kind)
{
    switch (kind) {
    case FD_KIND_AMOUNT:
    case FD_KIND_PERCENT: return KIND_CLASS_NUMBER;
    case FD_KIND_MEASURE: return KIND_CLASS_MEASURE;
    case FD_KIND_LABEL:
    case FD_KIND_TEXT:
    case FD_KIND_PROSE:
    case FD_KIND_KEY: break;
    }
    return KIND_CLASS_TEXT;
}

/* How much care a text cell's reading gets (an index into text_mode): a
 * label or a sentence one reading, a name more, a header value most. */
static int text_care(fd_cell_kind kind)
{
    return kind == FD_KIND_KEY ? 2 : kind == FD_KIND_TEXT ? 1 : 0;
}

static const fd_ocr_mode text_mode[3] = {FD_OCR_LINE_ONCE, FD_OCR_LINE, FD_OCR_LINE_KEY};

static int has_digit(const char *s)
{
    for (; s && *s; s++)
        if (*s >= '0' && *s <= '9') return 1;
    return 0;
}

/* 1 when every non-space character is a CJK ideograph (a qualitative
 * value such as 规范, 及时, 全年). */
static int all_cjk(const char *s)
{
    int any = 0;
    while (s && *s) {
        long cp = fd_utf8_next(&s);
        if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r') continue;
        if (!fd_is_cjk(cp)) return 0;
        any = 1;
    }
    return any;
}

/* The text of an "errors" entry without the "FILE: " and "page N: " that
 * ingest and the mapper put in front: the warning names both itself. */
static const char *bare_message(const char *msg, const char *path, int page)
{
    char pre[32];
    size_t n = strlen(path);
    if (msg == NULL) return "";
    if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ') msg += n + 2;
    if (fd_snprintf(pre, sizeof pre, "page %d: ", page) == 0 && strncmp(msg, pre, strlen(pre)) == 0)
        msg += strlen(pre);
    return msg;
}

/* Confidence given to a number the reader had to repair (below the rules'
 * default low_confidence of 60). */
#define REPAIRED_CONF 50.0

/* The digit model drops a decimal point now and then (2659463.34 read as
 * 265946334). A reading of three or more digits and nothing else gets the
 * readings with a point before its last two and last one digit as
 * alternatives, so that a check they would make pass is ocr_suspect. */
static fd_status add_dropped_point_alternatives(fd_ocr_text *t)
{
    size_t n = t->text ? strlen(t->text) : 0, cut;
    fd_status st = FD_OK;
    if (n < 3 || n > 30 || strspn(t->text, "0123456789") != n) return FD_OK;
    for (cut = 2; cut >= 1 && st == FD_OK; cut--) {
        char buf[40];
        fd_snprintf(buf, sizeof buf, "%.*s.%s", (int)(n - cut), t->text, t->text + n - cut);
        st = fd_ocr_text_add_alternative(t, buf);
    }
    return st;
}

/* A percent reading that may hold the '%' sign's circle read as one more
 * digit (fd_percent_digit_alternative) gets the reading without it as an
 * alternative, so that a check it decides is ocr_suspect. */
static fd_status add_percent_digit_alternative(fd_ocr_text *t)
{
    char buf[64];
    if (!fd_percent_digit_alternative(t->text, buf, sizeof buf)) return FD_OK;
    return fd_ocr_text_add_alternative(t, buf);
}

/* A first look at a label or measure cell (FD_OCR_LINE_ONCE); a cell that
 * looks empty is read again as FD_OCR_LINE, which looks at its gray: on a
 * faded page labels (主管部门) and values (12个) are pale enough to
 * vanish in the page's binarisation. Not for 偏差原因 (FD_KIND_PROSE): an
 * empty one with a seal's pale remnant in it then read as a character. */
static fd_status read_once_or_faint(fd_ocr_engine *eng, const fd_page_image *img, const int box[4],
                                    fd_ocr_text *out, fd_diag *dg)
{
    fd_status st = fd_ocr_read(eng, img, box, FD_OCR_LINE_ONCE, out, dg);
    if (st != FD_OK || !out->empty) return st;
    fd_ocr_text_clear(out);
    return fd_ocr_read(eng, img, box, FD_OCR_LINE, out, dg);
}

/* Reads box in the mode that suits the kind, with a second reading where
 * the first does not make a value of that kind. */
static fd_status read_box(reader_ctx *rc, const fd_page_image *img, const int box[4],
                          fd_cell_kind kind, fd_ocr_text *out, fd_diag *dg)
{
    fd_ocr_engine *eng = *rc->env->engine;
    fd_ocr_text again;
    fd_status st;
    int cls = kind_class(kind);
    memset(&again, 0, sizeof again);
    if (cls == KIND_CLASS_NUMBER) {
        fd_num n;
        st = fd_ocr_read(eng, img, box, FD_OCR_NUMBER, out, dg);
        if (st == FD_OK && !out->empty &&
            (add_dropped_point_alternatives(out) != FD_OK || add_percent_digit_alternative(out) != FD_OK))
            return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
        if (st == FD_OK && !out->empty && fd_repair_point_groups(out->text)) {
            if (out->conf > REPAIRED_CONF) out->conf = REPAIRED_CONF;
            fd_ocr_text_clear_alternatives(out);
        }
        if (st != FD_OK || out->empty || fd_parse_amount(out->text, &n) != FD_PARSE_INVALID ||
            fd_parse_percent(out->text, &n) != FD_PARSE_INVALID)
            return st;
        /* The engine's usual slips in a number: a doubled decimal point,
         * a stray separator at either end. Repaired readings keep a low
         * confidence so that a check they decide is marked ocr_suspect. */
        if (fd_repair_number(out->text)) {
            if (fd_parse_amount(out->text, &n) == FD_PARSE_OK || fd_parse_percent(out->text, &n) == FD_PARSE_OK) {
                if (out->conf > REPAIRED_CONF) out->conf = REPAIRED_CONF;
                return FD_OK;
            }
        }
        /* Not a number with the digit alphabet: perhaps a dash or a word. */
        st = fd_ocr_read(eng, img, box, FD_OCR_LINE_ONCE, &again, dg);
        if (st == FD_OK && (fd_text_is_null(again.text) || !has_digit(again.text))) {
            fd_ocr_text_clear(out);
            *out = again;
            return FD_OK;
        }
        fd_ocr_text_clear(&again);
        return st;
    }
    if (cls == KIND_CLASS_MEASURE) {
        /* Qualitative targets (规范, 全年 …) need the full alphabet; a
         * reading that is not all CJK (digits, %, a stray '?') is read again
         * in measure mode. */
        st = read_once_or_faint(eng, img, box, out, dg);
        if (st != FD_OK || out->empty || all_cjk(out->text)) return st;
        st = fd_ocr_read(eng, img, box, FD_OCR_MEASURE, &again, dg);
        if (st == FD_OK && has_digit(again.text)) {
            /* The two readings repair each other (value.h). */
            char *rel = fd_measure_relation_from_line(out->text, again.text), *merged;
            fd_measure m;
            fd_status pst = FD_OK;
            if (rel) {
                fd_free(again.text);
                again.text = rel;
            }
            merged = fd_merge_measure_unit(out->text, again.text, rc->env->ocr_config->measure_charset);
            /* A first look that read a serif 1 as ']' or '|' may hold one
             * stroke too many ("=]1]场" for =11场); the careful reading
             * of the line gets one more chance to agree. */
            if (merged == NULL && strpbrk(out->text, "]|") != NULL) {
                fd_ocr_text careful;
                memset(&careful, 0, sizeof careful);
                st = fd_ocr_read(eng, img, box, FD_OCR_LINE, &careful, dg);
                if (st == FD_OK)
                    merged = fd_merge_measure_unit(careful.text, again.text, rc->env->ocr_config->measure_charset);
                if (merged && careful.conf < out->conf) out->conf = careful.conf;
                fd_ocr_text_clear(&careful);
                if (st != FD_OK) {
                    fd_ocr_text_clear(&again);
                    return st;
                }
            }
            if (merged) {
                fd_free(again.text);
                again.text = merged;
                fd_ocr_text_clear_alternatives(&again);
                if (out->conf < again.conf) again.conf = out->conf;
            }
            memset(&m, 0, sizeof m);
            if (fd_parse_measure(again.text, &m, &pst) == FD_PARSE_OK && m.value.present) {
                if (add_percent_digit_alternative(&again) != FD_OK)
                    st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
                fd_ocr_text_clear(out);
                *out = again;
                memset(&again, 0, sizeof again);
            }
            fd_measure_clear(&m);
        }
        fd_ocr_text_clear(&again);
        return st;
    }
    if (kind == FD_KIND_LABEL) return read_once_or_faint(eng, img, box, out, dg);
    return fd_ocr_read(eng, img, box, text_mode[text_care(kind)], out, dg);
}

static fd_status reader_cb(void *user, size_t page_index, size_t cell_index, fd_cell_kind kind,
                           fd_cell_reading *out, fd_diag *dg)
{
    reader_ctx *rc = user;
    page_slot *ps = rc->pages[page_index];
    size_t slot = cell_index == FD_CELL_PREAMBLE ? ps->grid.n_cells : cell_index;
    int cls = kind_class(kind);
    cached_reading *cr;
    fd_status st = FD_OK;
    if (slot > ps->grid.n_cells)
        return fd_diag_fail(dg, FD_ERR_INTERNAL, "cell %zu out of range on page %d", cell_index,
                            ps->grid.page);
    if (cell_index == FD_CELL_PREAMBLE) cls = KIND_CLASS_TEXT;
    cr = &ps->cache[slot * KIND_CLASSES + (size_t)cls];
    /* A cell read as a label or a sentence (by the mapping, or by the
     * prefetch of a continuation page mapped alone), now wanted as a
     * value: read again with the care the value wants, unless no line of
     * it is one the OCR would read again (the reading would be the same). */
    if (cr->done && cls == KIND_CLASS_TEXT && cell_index != FD_CELL_PREAMBLE && cr->care < text_care(kind) &&
        cr->text.unsure_lines > 0) {
        fd_ocr_text_clear(&cr->text);
        cr->done = 0;
    }
    if (!cr->done) {
        if (*rc->env->engine == NULL) {
            st = fd_ocr_create(rc->env->ocr_config, rc->env->engine, dg);
            if (st != FD_OK) return st;
        }
        if (cell_index == FD_CELL_PREAMBLE) {
            int box[4] = {0, 0, ps->grid.width, ps->grid.table_box[1]};
            if (box[3] < 8) {
                cr->text.text = fd_strdup("");
                cr->text.empty = 1;
                if (cr->text.text == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
            } else {
                st = fd_ocr_read(*rc->env->engine, &ps->image, box, FD_OCR_BLOCK, &cr->text, dg);
            }
        } else {
            st = read_box(rc, &ps->image, ps->grid.cells[cell_index].box, kind, &cr->text, dg);
            cr->care = text_care(kind);
        }
        if (st != FD_OK) return st;
        cr->done = 1;
    }
    out->text = cr->text.text ? cr->text.text : "";
    out->conf = cr->text.conf;
    memcpy(out->box, cr->text.box, sizeof out->box);
    out->alternatives = (const char *const *)cr->text.alternatives;
    out->n_alternatives = cr->text.n_alternatives;
    return FD_OK;
}

/* ----------------------------------------------------------- process */

/* <dir>/page-NNN-ocr.tsv: every reading made on the page (cell, its grid
 * slot and box, the kind class, confidence, text) for looking at what the
 * OCR saw. Best effort: a failure here only logs. */
static void write_debug_readings(const char *dir, const page_slot *ps, const fd_diag *dg)
{
    static const char *const class_name[KIND_CLASSES] = {"text", "number", "measure"};
    char path[4096];
    FILE *fp;
    size_t c;
    int k;
    /* The grid, not the image: the image is released once the page is mapped. */
    if (fd_snprintf(path, sizeof path, "%s/page-%03d-ocr.tsv", dir, ps->grid.page) != 0) return;
    fp = fopen(path, "w");
    if (fp == NULL) {
        fd_log(dg, FD_LOG_WARN, "cannot write %s", path);
        return;
    }
    fprintf(fp, "cell\trow\tcol\trowspan\tcolspan\tx\ty\tw\th\tclass\tconf\ttext\n");
    for (c = 0; c <= ps->grid.n_cells; c++) {
        for (k = 0; k < KIND_CLASSES; k++) {
            const cached_reading *cr = &ps->cache[c * KIND_CLASSES + (size_t)k];
            const char *t;
            if (!cr->done) continue;
            if (c == ps->grid.n_cells) {
                fprintf(fp, "preamble\t\t\t\t\t\t\t\t\t%s\t%.0f\t", class_name[k], cr->text.conf);
            } else {
                const fd_cell *cell = &ps->grid.cells[c];
                fprintf(fp, "%zu\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%.0f\t", c, cell->row,
                        cell->col, cell->rowspan, cell->colspan, cell->box[0], cell->box[1],
                        cell->box[2], cell->box[3], class_name[k], cr->text.conf);
            }
            for (t = cr->text.text ? cr->text.text : ""; *t; t++) fputc(*t == '\n' ? '|' : *t, fp);
            fputc('\n', fp);
        }
    }
    if (fclose(fp) != 0) fd_log(dg, FD_LOG_WARN, "cannot write %s", path);
}

/* Frees what the slot holds. Its state and failure are left as they are:
 * other threads read the state (under the scan's lock) while this one
 * owns the contents. */
static void page_slot_release(page_slot *ps)
{
    size_t i;
    if (ps->cache) {
        for (i = 0; i < (ps->grid.n_cells + 1) * KIND_CLASSES; i++) fd_ocr_text_clear(&ps->cache[i].text);
        fd_free(ps->cache);
        ps->cache = NULL;
    }
    fd_free(ps->error);
    ps->error = NULL;
    fd_page_image_clear(&ps->image);
    fd_grid_clear(&ps->grid);
}

/* One file being read. Pages may be read by several threads at once (each
 * with its own env and engine); the mapping runs on one thread at a time,
 * in page order, as far as the pages read allow. lock guards the source,
 * the slots' states and the mapping's progress; a slot's contents belong
 * to the thread that set it SLOT_READING until it leaves that state, and
 * then to the mapping. */
struct fd_scan {
    pthread_mutex_t lock;
    fd_source *src;
    fd_document *doc;          /* built by the mapping; handed over by fd_process_finish */
    int n_pages;
    page_slot *slots;          /* slots[p - 1] is page p */
    page_slot **ok;            /* the readable pages in page order, as the mapper indexes them */
    fd_grid *grids;            /* their grids, the same order (shallow copies) */
    size_t n_ok;
    int next_to_map;           /* first page (1-based) not mapped yet */
    int mapping;               /* a thread is mapping */
    fd_mapper *mapper;
};

fd_status fd_process_open(const fd_process_env *env, const char *path, fd_scan **out, fd_diag *dg)
{
    fd_scan *sc;
    fd_status st;
    size_t n;
    *out = NULL;
    sc = fd_calloc(1, sizeof *sc);
    if (sc == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
    if (pthread_mutex_init(&sc->lock, NULL) != 0) {
        fd_free(sc);
        return fd_diag_fail(dg, FD_ERR_INTERNAL, "cannot create a mutex");
    }
    sc->next_to_map = 1;
    st = fd_document_create(&sc->doc);
    if (st != FD_OK) {
        st = fd_diag_fail(dg, st, "out of memory");
        goto cleanup;
    }
    sc->doc->source_path = fd_strdup(path);
    if (sc->doc->source_path == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    st = fd_source_open(path, &env->limits, &sc->src, dg);
    if (st == FD_OK) st = fd_sha256_file(path, sc->doc->sha256, dg);
    if (st != FD_OK) goto cleanup;
    sc->n_pages = fd_source_page_count(sc->src);
    if (sc->n_pages < 0) sc->n_pages = 0;
    sc->doc->source_pages = sc->n_pages;
    n = sc->n_pages > 0 ? (size_t)sc->n_pages : 1;
    sc->slots = fd_calloc(n, sizeof *sc->slots);
    sc->ok = fd_calloc(n, sizeof *sc->ok);
    sc->grids = fd_calloc(n, sizeof *sc->grids);
    if (sc->slots == NULL || sc->ok == NULL || sc->grids == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    st = fd_mapper_create(env->model, sc->doc, &sc->mapper, dg);
cleanup:
    if (st != FD_OK) fd_process_close(&sc);
    *out = sc;
    return st;
}

int fd_process_page_count(const fd_scan *sc) { return sc ? sc->n_pages : 0; }

/* Ingest and grid of one page into ps (page_dg gets the message of a
 * failure). */
static fd_status read_page_image(const fd_process_env *env, fd_scan *sc, int page, page_slot *ps,
                                 fd_diag *page_dg)
{
    PIX *raw = NULL;
    int dpi = 0;
    fd_status st;
    fd_grid_debug dbg;
    /* The decoders (poppler, libtiff over one buffer) are not shared
     * between threads: one page is decoded at a time. */
    pthread_mutex_lock(&sc->lock);
    st = fd_source_load_page(sc->src, page, &raw, &dpi, page_dg);
    pthread_mutex_unlock(&sc->lock);
    if (st == FD_OK) st = fd_page_clean(raw, page, dpi, &env->clean, &ps->image, page_dg);
    pixDestroy(&raw);
    if (st != FD_OK) return st;
    /* One detection; its lines are kept only for the debug images. */
    memset(&dbg, 0, sizeof dbg);
    st = fd_grid_detect(&ps->image, &ps->grid, env->debug_dir ? &dbg : NULL, page_dg);
    if (st == FD_OK && env->debug_dir)
        st = fd_grid_write_debug(env->debug_dir, &ps->image, &ps->grid, &dbg, page_dg);
    fd_grid_debug_clear(&dbg);
    /* The faint copy serves only the grid. */
    pixDestroy(&ps->image.faint);
    if (st == FD_OK) {
        ps->cache = fd_calloc((ps->grid.n_cells + 1) * KIND_CLASSES, sizeof *ps->cache);
        if (ps->cache == NULL) st = fd_diag_fail(page_dg, FD_ERR_NOMEM, "out of memory");
    }
    return st;
}

/* Reads, on this thread, what the mapper asks of the page when it maps
 * the page alone. The mapping proper runs later, in page order, with the
 * earlier pages' state, and finds these readings in the page's cache: so
 * the OCR of pages read by different threads runs in parallel. A page
 * that continues a form from the page before asks for more than it does
 * alone; the mapping reads the rest. */
static fd_status prefetch_readings(const fd_process_env *env, page_slot *ps, fd_diag *page_dg)
{
    fd_document *scratch = NULL;
    page_slot *one[1];
    reader_ctx rc;
    fd_status st = fd_document_create(&scratch);
    if (st != FD_OK) return fd_diag_fail(page_dg, st, "out of memory");
    one[0] = ps;
    rc.env = env;
    rc.pages = one;
    st = fd_map_document(env->model, &ps->grid, 1, reader_cb, &rc, scratch, page_dg);
    fd_document_destroy(&scratch);
    return st;
}

fd_status fd_process_page(const fd_process_env *env, fd_scan *sc, int page, int prefetch, fd_diag *dg)
{
    page_slot *ps;
    fd_diag page_dg;
    fd_status st;
    if (page < 1 || page > sc->n_pages)
        return fd_diag_fail(dg, FD_ERR_USAGE, "page %d out of range (1–%d)", page, sc->n_pages);
    ps = &sc->slots[page - 1];
    pthread_mutex_lock(&sc->lock);
    if (ps->state != SLOT_WAITING) {
        pthread_mutex_unlock(&sc->lock);
        return fd_diag_fail(dg, FD_ERR_USAGE, "page %d read twice", page);
    }
    ps->state = SLOT_READING;
    pthread_mutex_unlock(&sc->lock);

    /* A page's failure is the page's: it goes to the document's errors
     * and the other pages go on. */
    fd_diag_init(&page_dg);
    page_dg.log_fn = dg->log_fn;
    page_dg.log_user = dg->log_user;
    page_dg.log_level = dg->log_level;
    st = read_page_image(env, sc, page, ps, &page_dg);
    if (st == FD_OK) {
        fd_log(dg, FD_LOG_DEBUG, "%s: page %d: %zu cells, skew %.2f°, rotation %d", sc->doc->source_path,
               page, ps->grid.n_cells, ps->image.skew_deg, ps->image.rotation_deg);
        if (prefetch) st = prefetch_readings(env, ps, &page_dg);
    }

    if (st != FD_OK) {
        /* Out of memory, a bug or the engine fails the file (when the
         * mapping reaches this page); anything else is the page's. */
        int fatal = st == FD_ERR_NOMEM || st == FD_ERR_INTERNAL || st == FD_ERR_OCR || st == FD_ERR_MODEL;
        page_slot_release(ps);
        ps->error = fd_strdup(page_dg.message);
        ps->failure = fatal ? st : ps->error ? FD_OK : FD_ERR_NOMEM;
        if (fatal) fd_diag_fail(dg, st, "%s", page_dg.message);
        else st = ps->error ? FD_OK : fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_lock(&sc->lock);
    ps->state = ps->failure != FD_OK ? SLOT_FATAL : ps->error ? SLOT_UNREADABLE : SLOT_READY;
    pthread_mutex_unlock(&sc->lock);
    return st;
}

fd_status fd_process_map(const fd_process_env *env, fd_scan *sc, int *pages_mapped, fd_diag *dg)
{
    fd_status st = FD_OK;
    reader_ctx rc;
    pthread_mutex_lock(&sc->lock);
    if (sc->mapping) {
        if (pages_mapped) *pages_mapped = sc->next_to_map - 1;
        pthread_mutex_unlock(&sc->lock);
        return FD_OK;
    }
    sc->mapping = 1;
    rc.env = env;
    rc.pages = sc->ok;
    while (st == FD_OK && sc->next_to_map <= sc->n_pages) {
        page_slot *ps = &sc->slots[sc->next_to_map - 1];
        int page = sc->next_to_map;
        if (ps->state == SLOT_WAITING || ps->state == SLOT_READING) break;
        if (ps->state == SLOT_FATAL) {
            st = fd_diag_fail(dg, ps->failure, "%s", ps->error ? ps->error : "out of memory");
            break;
        }
        pthread_mutex_unlock(&sc->lock);
        if (ps->state == SLOT_UNREADABLE) {
            st = fd_document_add_error(sc->doc, page, "PAGE_UNREADABLE", "%s", ps->error);
            if (st != FD_OK) st = fd_diag_fail(dg, st, "out of memory");
        } else {
            sc->ok[sc->n_ok] = ps;
            sc->grids[sc->n_ok] = ps->grid;
            sc->n_ok++;
            st = fd_mapper_add_page(sc->mapper, env->model, sc->grids, sc->n_ok - 1, reader_cb, &rc, dg);
            /* The mapper reads only the page it maps: the image is done
             * with (a long document's pages are not all held at once). */
            fd_page_image_clear(&ps->image);
        }
        pthread_mutex_lock(&sc->lock);
        if (st == FD_OK) sc->next_to_map++;
    }
    sc->mapping = 0;
    if (pages_mapped) *pages_mapped = sc->next_to_map - 1;
    pthread_mutex_unlock(&sc->lock);
    return st;
}

fd_status fd_process_finish(const fd_process_env *env, fd_scan *sc, fd_document **out, fd_diag *dg)
{
    fd_document *doc;
    fd_status st;
    size_t i;
    int mapped;
    *out = NULL;
    pthread_mutex_lock(&sc->lock);
    mapped = sc->mapping ? -1 : sc->next_to_map - 1;
    pthread_mutex_unlock(&sc->lock);
    if (sc->doc == NULL || mapped < sc->n_pages)
        return fd_diag_fail(dg, FD_ERR_USAGE, "%s: finished before every page was mapped",
                            sc->doc && sc->doc->source_path ? sc->doc->source_path : "scan");
    doc = sc->doc;
    st = fd_mapper_finish(sc->mapper, env->model, dg);
    if (st != FD_OK) return st;
    if (env->debug_dir) {
        for (i = 0; i < sc->n_ok; i++) write_debug_readings(env->debug_dir, sc->ok[i], dg);
    }
    for (i = 0; i < doc->n_forms; i++) {
        fd_checklist cl;
        memset(&cl, 0, sizeof cl);
        st = fd_score_form(&doc->forms[i], env->rules, &cl, dg);
        if (st != FD_OK) return st;
        fd_checklist_clear(&doc->forms[i].checks);
        doc->forms[i].checks = cl;
    }
    /* Every "errors" entry is also a warning naming the file and the page:
     * in a batch the JSON alone is easy to overlook. */
    for (i = 0; i < doc->n_errors; i++)
        fd_log(dg, FD_LOG_WARN, "%s: page %d: %s (%s)", doc->source_path, doc->errors[i].page,
               bare_message(doc->errors[i].message, doc->source_path, doc->errors[i].page),
               doc->errors[i].code);
    *out = doc;
    sc->doc = NULL;
    return FD_OK;
}

void fd_process_close(fd_scan **pp)
{
    fd_scan *sc;
    int p;
    if (pp == NULL || *pp == NULL) return;
    sc = *pp;
    if (sc->slots) {
        for (p = 0; p < sc->n_pages; p++) page_slot_release(&sc->slots[p]);
        fd_free(sc->slots);
    }
    fd_free(sc->ok);
    fd_free(sc->grids);
    fd_mapper_destroy(&sc->mapper);
    fd_source_close(&sc->src);
    fd_document_destroy(&sc->doc);
    pthread_mutex_destroy(&sc->lock);
    fd_free(sc);
    *pp = NULL;
}

fd_status fd_process_scan(const fd_process_env *env, const char *path, fd_document **out,
                          fd_diag *dg)
{
    fd_scan *sc = NULL;
    fd_status st;
    int p;
    *out = NULL;
    st = fd_process_open(env, path, &sc, dg);
    /* One thread: each page is mapped as soon as it is read, so that its
     * image is released before the next is decoded. */
    for (p = 1; st == FD_OK && p <= sc->n_pages; p++) {
        st = fd_process_page(env, sc, p, 0, dg);
        if (st == FD_OK) st = fd_process_map(env, sc, NULL, dg);
    }
    if (st == FD_OK) st = fd_process_finish(env, sc, out, dg);
    fd_process_close(&sc);
    return st;
}
