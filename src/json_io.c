/*
 * JSON: contract documents (write, read, recheck) and the model files of
 * models/. The only file that includes cJSON.
 *
 * Untrusted input is checked in this order, and the first problem found is
 * reported with where it is:
 *   1. size: at most FD_JSON_MAX_BYTES (64 MiB)              → FD_ERR_LIMIT
 *   2. UTF-8: valid, no NUL byte (byte offset, line, column) → FD_ERR_INPUT
 *   3. nesting: at most FD_JSON_MAX_DEPTH (64) levels, found by a scan
 *      before cJSON sees the text, so that its recursion stays shallow
 *                                                            → FD_ERR_LIMIT
 *   4. syntax: cJSON's parser (line, column, byte). NaN and Infinity are
 *      not JSON and fail here                                → FD_ERR_INPUT
 *   5. a typed walk of the tree that names the JSON Pointer of the first
 *      value of a wrong type or out of range ("/forms/0/funds/total/
 *      executed: expected a number or null, got string"); numbers must be
 *      finite with a magnitude of at most 1e15               → FD_ERR_INPUT
 *      more than FD_JSON_MAX_ITEMS (10000) forms, indicators, checks,
 *      errors or documents                                   → FD_ERR_LIMIT
 *
 * What the reader requires: "format" ("1") and "forms"; inside a form
 * every field may be absent or null (read as null), except that
 * "indicators" must be an array when the key is there. Fields that the
 * contract does not define are ignored. Every document that
 * models/contract.schema.json accepts is read; the schema is stricter in
 * that it also lists the keys formdig always writes.
 * Numbers read from JSON carry decimals = -1 (unknown: the scoring core
 * derives the precision from the number) unless the form's provenance
 * holds the raw printed text of that value, whose digits after the point
 * then give the precision.
 *
 * Several documents in one input: fd_json_recheck accepts JSON Lines (or
 * any whitespace-separated sequence of documents) and then prints one
 * rechecked document per line, in input order; a single document is
 * printed pretty when asked. fd_json_read_document reads exactly one.
 *
 * Numbers are written with the printed precision when the value carries
 * one and the text reads back as the same double (100.00, 11999665.86),
 * otherwise in the shortest form that reads back exactly (4.517, 96).
 *
 * cJSON allocates through fd_malloc/fd_free (its hooks are set once per
 * process), so fd_set_allocator's failure injection reaches it too.
 */
#define _POSIX_C_SOURCE 200809L

#include "json_io.h"

#include <cJSON.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FD_JSON_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define FD_JSON_MAX_DEPTH 64
#define FD_JSON_MAX_ITEMS 10000
#define FD_JSON_MAX_ABS 1e15
#define FD_JSON_MAX_ALTERNATIVES 64
#define FD_JSON_MAX_PROV 100000
#define FD_MODEL_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define FD_MODEL_MAX_LABELS 1000
#define FD_MODEL_MAX_VARIANTS 64

/* ------------------------------------------------------------------------ */
/* cJSON's allocator hooks                                                  */

static pthread_once_t g_hooks_once = PTHREAD_ONCE_INIT;

static void *hook_malloc(size_t n) { return fd_malloc(n); }
static void hook_free(void *p) { fd_free(p); }

static void hooks_install(void)
{
    cJSON_Hooks h;
    h.malloc_fn = hook_malloc;
    h.free_fn = hook_free;
    cJSON_InitHooks(&h);
}

static void json_init(void) { (void)pthread_once(&g_hooks_once, hooks_install); }

/* ------------------------------------------------------------------------ */
/* Positions in the input text                                              */

/* 1-based line and column (in code points) of byte offset off. */
static void text_position(const char *s, size_t off, size_t *line, size_t *col)
{
    size_t i;
    *line = 1;
    *col = 1;
    for (i = 0; i < off; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Byte offset of the first invalid UTF-8 sequence (or NUL byte). */
static size_t utf8_bad_offset(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const unsigned char c = (unsigned char)*p;
        size_t need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        const char *at = p;
        if ((size_t)(end - p) < need || c == 0 || fd_utf8_next(&p) < 0) return (size_t)(at - s);
    }
    return len;
}

static int is_json_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* ------------------------------------------------------------------------ */
/* JSON Pointer under construction (for messages)                           */

typedef struct jpath {
    char s[400];
    size_t len;
} jpath;

static void jp_append(jpath *p, const char *t, size_t n)
{
    if (p->len + n >= sizeof p->s) n = p->len + 1 < sizeof p->s ? sizeof p->s - 1 - p->len : 0;
    memcpy(p->s + p->len, t, n);
    p->len += n;
    p->s[p->len] = '\0';
}

static size_t jp_key(jpath *p, const char *key)
{
    size_t mark = p->len;
    const char *k;
    jp_append(p, "/", 1);
    for (k = key; *k; k++) {
        if (*k == '~')
            jp_append(p, "~0", 2);
        else if (*k == '/')
            jp_append(p, "~1", 2);
        else
            jp_append(p, k, 1);
    }
    return mark;
}

static size_t jp_index(jpath *p, size_t i)
{
    char t[32];
    size_t mark = p->len;
    fd_snprintf(t, sizeof t, "/%zu", i);
    jp_append(p, t, strlen(t));
    return mark;
}

static void jp_pop(jpath *p, size_t mark)
{
    p->len = mark;
    p->s[mark] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Typed reading of a cJSON tree                                            */

typedef struct reader {
    fd_diag *dg;
    fd_status bad;      /* status for wrong data: FD_ERR_INPUT, or FD_ERR_MODEL for model files */
    char prefix[600];   /* put before the pointer: "document 2: ", "models/x.json: " */
    jpath path;
} reader;

static void reader_init(reader *r, fd_diag *dg, fd_status bad)
{
    memset(r, 0, sizeof *r);
    r->dg = dg;
    r->bad = bad;
}

static fd_status rd_fail(reader *r, fd_status st, const char *fmt, ...) FD_PRINTF(3, 4);
static fd_status rd_fail(reader *r, fd_status st, const char *fmt, ...)
{
    char msg[FD_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fd_diag_fail(r->dg, st, "%s%s: %s", r->prefix,
                        r->path.len ? r->path.s : "document root", msg);
}

static fd_status rd_nomem(reader *r) { return fd_diag_fail(r->dg, FD_ERR_NOMEM, "out of memory reading JSON"); }

static const char *jtype(const cJSON *v)
{
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsBool(v)) return "boolean";
    if (cJSON_IsNumber(v)) return "number";
    if (cJSON_IsString(v)) return "string";
    if (cJSON_IsArray(v)) return "array";
    if (cJSON_IsObject(v)) return "object";
    return "unknown value";
}

static fd_status rd_type(reader *r, const char *expected, const cJSON *v)
{
    return rd_fail(r, r->bad, "expected %s, got %s", expected, jtype(v));
}

static int absent(const cJSON *v) { return v == NULL || cJSON_IsNull(v); }

static size_t jcount(const cJSON *arr)
{
    size_t n = 0;
    const cJSON *c;
    for (c = arr ? arr->child : NULL; c; c = c->next) n++;
    return n;
}

/* A number value (v non-NULL, not null). */
static fd_status rd_number_value(reader *r, const cJSON *v, const char *expected, double *out)
{
    if (!cJSON_IsNumber(v)) return rd_type(r, expected, v);
    if (!isfinite(v->valuedouble) || fabs(v->valuedouble) > FD_JSON_MAX_ABS)
        return rd_fail(r, r->bad, "number out of range (magnitude above 1e15)");
    *out = v->valuedouble;
    return FD_OK;
}

/* obj[key]: a number or null (absent = null). */
static fd_status rd_num(reader *r, const cJSON *obj, const char *key, fd_num *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    double d = 0.0;
    fd_status st;
    *out = fd_num_null();
    if (absent(v)) return FD_OK;
    mark = jp_key(&r->path, key);
    st = rd_number_value(r, v, "a number or null", &d);
    if (st == FD_OK) *out = fd_num_make(d, -1);
    jp_pop(&r->path, mark);
    return st;
}

/* obj[key]: a string or null; *out a new string or NULL. */
static fd_status rd_str(reader *r, const cJSON *obj, const char *key, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    fd_status st = FD_OK;
    *out = NULL;
    if (absent(v)) return FD_OK;
    mark = jp_key(&r->path, key);
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        st = rd_type(r, "a string or null", v);
    } else {
        *out = fd_strdup(v->valuestring);
        if (*out == NULL) st = rd_nomem(r);
    }
    jp_pop(&r->path, mark);
    return st;
}

/* An integer value within [lo, hi]. */
static fd_status rd_int_value(reader *r, const cJSON *v, long lo, long hi, const char *expected,
                              long *out)
{
    double d;
    if (!cJSON_IsNumber(v)) return rd_type(r, expected, v);
    d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi)
        return rd_fail(r, r->bad, "expected an integer in [%ld, %ld], got %.17g", lo, hi, d);
    *out = (long)d;
    return FD_OK;
}

/* obj[key]: an integer in [lo, hi] or null; *present tells which. */
static fd_status rd_int(reader *r, const cJSON *obj, const char *key, long lo, long hi, long *out,
                        int *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    fd_status st;
    *present = 0;
    if (absent(v)) return FD_OK;
    mark = jp_key(&r->path, key);
    st = rd_int_value(r, v, lo, hi, "an integer or null", out);
    if (st == FD_OK) *present = 1;
    jp_pop(&r->path, mark);
    return st;
}

/* obj[key] for a member that must be an object or null: *out NULL when absent. */
static fd_status rd_obj(reader *r, const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    fd_status st = FD_OK;
    *out = NULL;
    if (absent(v)) return FD_OK;
    if (!cJSON_IsObject(v)) {
        size_t mark = jp_key(&r->path, key);
        st = rd_type(r, "an object or null", v);
        jp_pop(&r->path, mark);
        return st;
    }
    *out = v;
    return FD_OK;
}

/* Digits after the point of the first number in a raw printed text
 * ("11,999,665.86" → 2, "100.00%" → 2, "=39人" → 0); -1 without a digit.
 * Full-width digits and point count like ASCII ones. */
static int text_decimals(const char *text)
{
    const char *p = text;
    int seen_digit = 0, decimals = 0, after_point = 0;
    while (*p) {
        long cp = fd_utf8_next(&p);
        int is_digit = (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
        if (is_digit) {
            seen_digit = 1;
            if (after_point) decimals++;
            continue;
        }
        if (!seen_digit) continue;
        if (!after_point && (cp == ',' || cp == 0xFF0C)) continue;   /* thousands separator */
        if (!after_point && (cp == '.' || cp == 0xFF0E)) {
            after_point = 1;
            continue;
        }
        break;
    }
    return seen_digit ? decimals : -1;
}

/* The printed precision of the number at path from its provenance text. */
static void prov_decimals(const fd_form *f, const char *path, const char *alt_path, fd_num *n)
{
    const fd_prov *p;
    int d;
    if (!n->present) return;
    p = fd_form_find_prov(f, path);
    if (p == NULL && alt_path) p = fd_form_find_prov(f, alt_path);
    if (p == NULL || p->text == NULL) return;
    d = text_decimals(p->text);
    if (d >= 0) n->decimals = d;
}

static void form_apply_prov_decimals(fd_form *f)
{
    char path[96], alt[96];
    size_t i;
    int r, c;
    if (f->n_prov == 0) return;
    for (r = 0; r < FD_FUNDS_ROWS; r++) {
        for (c = 0; c < FD_FUNDS_COLS; c++) {
            fd_snprintf(path, sizeof path, "/funds/%s/%s", fd_funds_row_key[r], fd_funds_col_key[c]);
            prov_decimals(f, path, NULL, &f->funds[r][c]);
        }
    }
    prov_decimals(f, "/year", NULL, &f->year);
    prov_decimals(f, "/total/weight", NULL, &f->total_weight);
    prov_decimals(f, "/total/score", NULL, &f->total_score);
    for (i = 0; i < f->n_indicators; i++) {
        fd_indicator *ind = &f->indicators[i];
        fd_snprintf(path, sizeof path, "/indicators/%zu/weight", i);
        prov_decimals(f, path, NULL, &ind->weight);
        fd_snprintf(path, sizeof path, "/indicators/%zu/score", i);
        prov_decimals(f, path, NULL, &ind->score);
        fd_snprintf(path, sizeof path, "/indicators/%zu/target/value", i);
        fd_snprintf(alt, sizeof alt, "/indicators/%zu/target", i);
        prov_decimals(f, path, alt, &ind->target.value);
        fd_snprintf(path, sizeof path, "/indicators/%zu/actual/value", i);
        fd_snprintf(alt, sizeof alt, "/indicators/%zu/actual", i);
        prov_decimals(f, path, alt, &ind->actual.value);
    }
}

static fd_status rd_measure(reader *r, const cJSON *ind, const char *key, fd_measure *m)
{
    const cJSON *o = NULL, *opv;
    size_t mark;
    fd_status st;
    st = rd_obj(r, ind, key, &o);
    if (st != FD_OK || o == NULL) return st;
    mark = jp_key(&r->path, key);
    if ((st = rd_str(r, o, "text", &m->text)) != FD_OK) goto cleanup;
    opv = cJSON_GetObjectItemCaseSensitive(o, "op");
    if (!absent(opv)) {
        size_t m2 = jp_key(&r->path, "op");
        if (!cJSON_IsString(opv) || opv->valuestring == NULL) {
            st = rd_type(r, "one of \"=\", \">=\", \">\", \"<=\", \"<\" or null", opv);
        } else {
            m->op = fd_op_parse(opv->valuestring);
            if (m->op == FD_OP_NONE)
                st = rd_fail(r, r->bad,
                             "expected one of \"=\", \">=\", \">\", \"<=\", \"<\" or null, got \"%.40s\"",
                             opv->valuestring);
        }
        jp_pop(&r->path, m2);
        if (st != FD_OK) goto cleanup;
    }
    if ((st = rd_num(r, o, "value", &m->value)) != FD_OK) goto cleanup;
    st = rd_str(r, o, "unit", &m->unit);
cleanup:
    jp_pop(&r->path, mark);
    return st;
}

static fd_status rd_indicator(reader *r, const cJSON *v, fd_indicator *ind)
{
    fd_status st;
    if (!cJSON_IsObject(v)) return rd_type(r, "an object", v);
    if ((st = rd_str(r, v, "level1", &ind->level1)) != FD_OK) return st;
    if ((st = rd_str(r, v, "level2", &ind->level2)) != FD_OK) return st;
    if ((st = rd_str(r, v, "name", &ind->name)) != FD_OK) return st;
    if ((st = rd_measure(r, v, "target", &ind->target)) != FD_OK) return st;
    if ((st = rd_measure(r, v, "actual", &ind->actual)) != FD_OK) return st;
    if ((st = rd_num(r, v, "weight", &ind->weight)) != FD_OK) return st;
    if ((st = rd_num(r, v, "score", &ind->score)) != FD_OK) return st;
    return rd_str(r, v, "deviation_reason", &ind->deviation_reason);
}

/* An array member: *out NULL when absent (or null when allow_null);
 * more than max elements → FD_ERR_LIMIT. */
static fd_status rd_array(reader *r, const cJSON *obj, const char *key, int allow_null, size_t max,
                          const cJSON **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark, n;
    fd_status st = FD_OK;
    *out = NULL;
    if (v == NULL || (allow_null && cJSON_IsNull(v))) return FD_OK;
    mark = jp_key(&r->path, key);
    if (!cJSON_IsArray(v)) {
        st = rd_type(r, allow_null ? "an array or null" : "an array", v);
    } else if ((n = jcount(v)) > max) {
        st = rd_fail(r, FD_ERR_LIMIT, "%zu elements, more than the limit of %zu", n, max);
    } else {
        *out = v;
    }
    jp_pop(&r->path, mark);
    return st;
}

static fd_status rd_check(reader *r, const cJSON *v, fd_check *c)
{
    const cJSON *x;
    char *s = NULL;
    int i;
    fd_status st = FD_OK;
    size_t mark;
    memset(c, 0, sizeof *c);
    c->ok = FD_TRI_NULL;
    c->stated = fd_num_null();
    c->recomputed = fd_num_null();
    if (!cJSON_IsObject(v)) return rd_type(r, "an object", v);

    x = cJSON_GetObjectItemCaseSensitive(v, "code");
    mark = jp_key(&r->path, "code");
    if (x == NULL || !cJSON_IsString(x) || x->valuestring == NULL) {
        st = x ? rd_type(r, "a check code string", x) : rd_fail(r, r->bad, "missing");
    } else {
        for (i = 0; i < FD_CHECK_COUNT; i++)
            if (strcmp(x->valuestring, fd_check_code_name((fd_check_code)i)) == 0) break;
        if (i == FD_CHECK_COUNT)
            st = rd_fail(r, r->bad, "unknown check code \"%.40s\"", x->valuestring);
        else
            c->code = (fd_check_code)i;
    }
    jp_pop(&r->path, mark);
    if (st != FD_OK) return st;
    c->severity = fd_check_code_severity(c->code);

    x = cJSON_GetObjectItemCaseSensitive(v, "severity");
    if (!absent(x)) {
        mark = jp_key(&r->path, "severity");
        if (!cJSON_IsString(x) || x->valuestring == NULL) {
            st = rd_type(r, "\"error\", \"warning\" or \"info\"", x);
        } else if (strcmp(x->valuestring, "error") == 0) {
            c->severity = FD_SEV_ERROR;
        } else if (strcmp(x->valuestring, "warning") == 0) {
            c->severity = FD_SEV_WARNING;
        } else if (strcmp(x->valuestring, "info") == 0) {
            c->severity = FD_SEV_INFO;
        } else {
            st = rd_fail(r, r->bad, "expected \"error\", \"warning\" or \"info\", got \"%.40s\"",
                         x->valuestring);
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    x = cJSON_GetObjectItemCaseSensitive(v, "ok");
    if (!absent(x)) {
        if (!cJSON_IsBool(x)) {
            mark = jp_key(&r->path, "ok");
            st = rd_type(r, "true, false or null", x);
            jp_pop(&r->path, mark);
            return st;
        }
        c->ok = cJSON_IsTrue(x) ? FD_TRI_TRUE : FD_TRI_FALSE;
    }

    if ((st = rd_str(r, v, "path", &s)) != FD_OK) return st;
    if (s) {
        if (strlen(s) >= sizeof c->path) {
            mark = jp_key(&r->path, "path");
            st = rd_fail(r, r->bad, "longer than %zu bytes", sizeof c->path - 1);
            jp_pop(&r->path, mark);
        } else {
            fd_snprintf(c->path, sizeof c->path, "%s", s);
        }
        fd_free(s);
        s = NULL;
        if (st != FD_OK) return st;
    }
    if ((st = rd_num(r, v, "stated", &c->stated)) != FD_OK) return st;
    if ((st = rd_num(r, v, "recomputed", &c->recomputed)) != FD_OK) return st;

    x = cJSON_GetObjectItemCaseSensitive(v, "ocr_suspect");
    if (!absent(x)) {
        if (!cJSON_IsBool(x)) {
            mark = jp_key(&r->path, "ocr_suspect");
            st = rd_type(r, "a boolean", x);
            jp_pop(&r->path, mark);
            return st;
        }
        c->ocr_suspect = cJSON_IsTrue(x) ? 1 : 0;
    }

    if ((st = rd_str(r, v, "message", &s)) != FD_OK) return st;
    if (s) {
        /* A message is for people: keep what fits, cut on a character boundary. */
        size_t n = strlen(s);
        if (n >= sizeof c->message) {
            n = sizeof c->message - 1;
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        }
        memcpy(c->message, s, n);
        c->message[n] = '\0';
        fd_free(s);
    }
    return FD_OK;
}

static fd_status rd_prov(reader *r, const cJSON *entry, fd_form *f)
{
    const char *key = entry->string;
    const cJSON *x;
    long page = 0;
    int present = 0, bbox[4] = {0, 0, 0, 0};
    double conf = 0.0;
    char *text = NULL;
    char **alts = NULL;
    size_t n_alts = 0, i;
    fd_status st = FD_OK;

    if (key == NULL || key[0] != '/') {
        st = rd_fail(r, r->bad, "a provenance key must be a JSON Pointer starting with \"/\"");
        goto cleanup;
    }
    if (strlen(key) > 1000) {
        st = rd_fail(r, r->bad, "provenance key longer than 1000 bytes");
        goto cleanup;
    }
    if (!cJSON_IsObject(entry)) {
        st = rd_type(r, "an object", entry);
        goto cleanup;
    }
    if ((st = rd_int(r, entry, "page", 0, 1000000, &page, &present)) != FD_OK) goto cleanup;
    x = cJSON_GetObjectItemCaseSensitive(entry, "bbox");
    if (!absent(x)) {
        size_t mark = jp_key(&r->path, "bbox");
        if (!cJSON_IsArray(x) || jcount(x) != 4) {
            st = cJSON_IsArray(x) ? rd_fail(r, r->bad, "expected 4 numbers [x, y, w, h], got %zu elements",
                                            jcount(x))
                                  : rd_type(r, "an array [x, y, w, h] or null", x);
        } else {
            const cJSON *e;
            i = 0;
            for (e = x->child; e && st == FD_OK; e = e->next, i++) {
                long val = 0;
                size_t m2 = jp_index(&r->path, i);
                st = rd_int_value(r, e, -1000000, 1000000, "an integer", &val);
                jp_pop(&r->path, m2);
                bbox[i] = (int)val;
            }
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) goto cleanup;
    }
    x = cJSON_GetObjectItemCaseSensitive(entry, "conf");
    if (!absent(x)) {
        size_t mark = jp_key(&r->path, "conf");
        st = rd_number_value(r, x, "a number or null", &conf);
        if (st == FD_OK && (conf < 0.0 || conf > 100.0))
            st = rd_fail(r, r->bad, "expected a confidence in [0, 100], got %.17g", conf);
        jp_pop(&r->path, mark);
        if (st != FD_OK) goto cleanup;
    } else {
        conf = 100.0; /* unknown: do not make the value look suspect */
    }
    if ((st = rd_str(r, entry, "text", &text)) != FD_OK) goto cleanup;
    x = cJSON_GetObjectItemCaseSensitive(entry, "alternatives");
    if (!absent(x)) {
        size_t mark = jp_key(&r->path, "alternatives");
        if (!cJSON_IsArray(x)) {
            st = rd_type(r, "an array of strings or null", x);
        } else if (jcount(x) > FD_JSON_MAX_ALTERNATIVES) {
            st = rd_fail(r, FD_ERR_LIMIT, "%zu alternatives, more than the limit of %d", jcount(x),
                         FD_JSON_MAX_ALTERNATIVES);
        } else if (jcount(x) > 0) {
            const cJSON *e;
            alts = fd_calloc(jcount(x), sizeof *alts);
            if (alts == NULL) st = rd_nomem(r);
            for (e = x->child; e && st == FD_OK; e = e->next) {
                if (!cJSON_IsString(e) || e->valuestring == NULL) {
                    size_t m2 = jp_index(&r->path, n_alts);
                    st = rd_type(r, "a string", e);
                    jp_pop(&r->path, m2);
                    break;
                }
                alts[n_alts] = fd_strdup(e->valuestring);
                if (alts[n_alts] == NULL) {
                    st = rd_nomem(r);
                    break;
                }
                n_alts++;
            }
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) goto cleanup;
    }
    if (fd_form_add_prov(f, key, (int)page, bbox, conf, text, (const char *const *)alts, n_alts) != FD_OK)
        st = rd_nomem(r);
cleanup:
    fd_free(text);
    for (i = 0; i < n_alts; i++) fd_free(alts[i]);
    fd_free(alts);
    return st;
}

static fd_status rd_form(reader *r, const cJSON *jf, fd_form *f)
{
    const cJSON *o = NULL, *arr = NULL, *e, *x;
    size_t mark, i;
    int row, col;
    fd_status st = FD_OK;

    if (!cJSON_IsObject(jf)) return rd_type(r, "an object", jf);

    if ((st = rd_array(r, jf, "pages", 1, FD_JSON_MAX_ITEMS, &arr)) != FD_OK) return st;
    if (arr && arr->child) {
        f->pages = fd_calloc(jcount(arr), sizeof *f->pages);
        if (f->pages == NULL) return rd_nomem(r);
        mark = jp_key(&r->path, "pages");
        for (e = arr->child, i = 0; e && st == FD_OK; e = e->next, i++) {
            long pg = 0;
            size_t m2 = jp_index(&r->path, i);
            st = rd_int_value(r, e, 1, 1000000, "a page number", &pg);
            jp_pop(&r->path, m2);
            f->pages[i] = (int)pg;
            f->n_pages = i + 1;
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }
    if ((st = rd_str(r, jf, "title", &f->title)) != FD_OK) return st;
    if ((st = rd_num(r, jf, "year", &f->year)) != FD_OK) return st;
    if ((st = rd_str(r, jf, "project_name", &f->project_name)) != FD_OK) return st;
    if ((st = rd_str(r, jf, "department", &f->department)) != FD_OK) return st;
    if ((st = rd_str(r, jf, "implementing_unit", &f->implementing_unit)) != FD_OK) return st;

    if ((st = rd_obj(r, jf, "funds", &o)) != FD_OK) return st;
    if (o) {
        mark = jp_key(&r->path, "funds");
        for (row = 0; row < FD_FUNDS_ROWS && st == FD_OK; row++) {
            const cJSON *jr = NULL;
            int ncols = row == FD_FUNDS_TOTAL ? FD_FUNDS_COLS : FD_COL_WEIGHT;
            st = rd_obj(r, o, fd_funds_row_key[row], &jr);
            if (st != FD_OK || jr == NULL) continue;
            {
                size_t m2 = jp_key(&r->path, fd_funds_row_key[row]);
                for (col = 0; col < ncols && st == FD_OK; col++)
                    st = rd_num(r, jr, fd_funds_col_key[col], &f->funds[row][col]);
                jp_pop(&r->path, m2);
            }
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    if ((st = rd_obj(r, jf, "goals", &o)) != FD_OK) return st;
    if (o) {
        mark = jp_key(&r->path, "goals");
        st = rd_str(r, o, "expected", &f->goals_expected);
        if (st == FD_OK) st = rd_str(r, o, "actual", &f->goals_actual);
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    if ((st = rd_array(r, jf, "indicators", 0, FD_JSON_MAX_ITEMS, &arr)) != FD_OK) return st;
    if (arr) {
        mark = jp_key(&r->path, "indicators");
        for (e = arr->child, i = 0; e && st == FD_OK; e = e->next, i++) {
            fd_indicator *ind = fd_form_add_indicator(f);
            size_t m2 = jp_index(&r->path, i);
            st = ind ? rd_indicator(r, e, ind) : rd_nomem(r);
            jp_pop(&r->path, m2);
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    if ((st = rd_obj(r, jf, "total", &o)) != FD_OK) return st;
    if (o) {
        mark = jp_key(&r->path, "total");
        st = rd_num(r, o, "weight", &f->total_weight);
        if (st == FD_OK) st = rd_num(r, o, "score", &f->total_score);
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    x = cJSON_GetObjectItemCaseSensitive(jf, "verdict");
    if (!absent(x)) {
        mark = jp_key(&r->path, "verdict");
        if (!cJSON_IsString(x) || x->valuestring == NULL)
            st = rd_type(r, "\"ok\", \"warnings\", \"errors\" or null", x);
        else if (strcmp(x->valuestring, "ok") == 0)
            f->checks.verdict = FD_VERDICT_OK;
        else if (strcmp(x->valuestring, "warnings") == 0)
            f->checks.verdict = FD_VERDICT_WARNINGS;
        else if (strcmp(x->valuestring, "errors") == 0)
            f->checks.verdict = FD_VERDICT_ERRORS;
        else
            st = rd_fail(r, r->bad, "expected \"ok\", \"warnings\", \"errors\" or null, got \"%.40s\"",
                         x->valuestring);
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    if ((st = rd_array(r, jf, "checks", 1, FD_JSON_MAX_ITEMS, &arr)) != FD_OK) return st;
    if (arr) {
        mark = jp_key(&r->path, "checks");
        for (e = arr->child, i = 0; e && st == FD_OK; e = e->next, i++) {
            fd_check c;
            size_t m2 = jp_index(&r->path, i);
            st = rd_check(r, e, &c);
            if (st == FD_OK && fd_checklist_push(&f->checks, &c) != FD_OK) st = rd_nomem(r);
            jp_pop(&r->path, m2);
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    if ((st = rd_obj(r, jf, "provenance", &o)) != FD_OK) return st;
    if (o) {
        size_t n = jcount(o);
        mark = jp_key(&r->path, "provenance");
        if (n > FD_JSON_MAX_PROV)
            st = rd_fail(r, FD_ERR_LIMIT, "%zu entries, more than the limit of %d", n, FD_JSON_MAX_PROV);
        for (e = o->child; e && st == FD_OK; e = e->next) {
            size_t m2 = jp_key(&r->path, e->string ? e->string : "");
            st = rd_prov(r, e, f);
            jp_pop(&r->path, m2);
        }
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }
    form_apply_prov_decimals(f);
    return FD_OK;
}

static fd_status rd_document(reader *r, const cJSON *root, fd_document *doc)
{
    const cJSON *x, *o = NULL, *arr = NULL, *e;
    size_t mark, i;
    fd_status st = FD_OK;

    if (!cJSON_IsObject(root)) return rd_type(r, "an object (a contract document)", root);

    x = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (x == NULL) return rd_fail(r, r->bad, "missing required field \"format\"");
    mark = jp_key(&r->path, "format");
    if (!cJSON_IsString(x) || x->valuestring == NULL)
        st = rd_type(r, "the string \"" FORMDIG_FORMAT "\"", x);
    else if (strcmp(x->valuestring, FORMDIG_FORMAT) != 0)
        st = rd_fail(r, r->bad, "unsupported format \"%.20s\" (this reader knows \"" FORMDIG_FORMAT "\")",
                     x->valuestring);
    jp_pop(&r->path, mark);
    if (st != FD_OK) return st;

    if ((st = rd_obj(r, root, "source", &o)) != FD_OK) return st;
    if (o) {
        long pages = 0;
        int present = 0;
        char *sha = NULL;
        mark = jp_key(&r->path, "source");
        st = rd_str(r, o, "path", &doc->source_path);
        if (st == FD_OK) st = rd_int(r, o, "pages", 0, 1000000, &pages, &present);
        if (st == FD_OK) doc->source_pages = present ? (int)pages : -1;
        if (st == FD_OK) st = rd_str(r, o, "sha256", &sha);
        if (st == FD_OK && sha) {
            size_t k, n = strlen(sha);
            int hex = n == 64;
            for (k = 0; hex && k < n; k++)
                hex = (sha[k] >= '0' && sha[k] <= '9') || (sha[k] >= 'a' && sha[k] <= 'f') ||
                      (sha[k] >= 'A' && sha[k] <= 'F');
            if (!hex) {
                size_t m2 = jp_key(&r->path, "sha256");
                st = rd_fail(r, r->bad, "expected 64 hexadecimal digits");
                jp_pop(&r->path, m2);
            } else {
                memcpy(doc->sha256, sha, 65);
            }
        }
        fd_free(sha);
        jp_pop(&r->path, mark);
        if (st != FD_OK) return st;
    }

    x = cJSON_GetObjectItemCaseSensitive(root, "forms");
    if (x == NULL) return rd_fail(r, r->bad, "missing required field \"forms\"");
    if ((st = rd_array(r, root, "forms", 0, FD_JSON_MAX_ITEMS, &arr)) != FD_OK) return st;
    mark = jp_key(&r->path, "forms");
    for (e = arr->child, i = 0; e && st == FD_OK; e = e->next, i++) {
        fd_form *f = fd_document_add_form(doc);
        size_t m2 = jp_index(&r->path, i);
        st = f ? rd_form(r, e, f) : rd_nomem(r);
        jp_pop(&r->path, m2);
    }
    jp_pop(&r->path, mark);
    if (st != FD_OK) return st;

    if ((st = rd_array(r, root, "errors", 1, FD_JSON_MAX_ITEMS, &arr)) != FD_OK) return st;
    if (arr) {
        mark = jp_key(&r->path, "errors");
        for (e = arr->child, i = 0; e && st == FD_OK; e = e->next, i++) {
            size_t m2 = jp_index(&r->path, i);
            long page = 0;
            int present = 0;
            char *code = NULL, *msg = NULL;
            if (!cJSON_IsObject(e)) {
                st = rd_type(r, "an object", e);
            } else {
                st = rd_int(r, e, "page", 0, 1000000, &page, &present);
                if (st == FD_OK) st = rd_str(r, e, "code", &code);
                if (st == FD_OK) st = rd_str(r, e, "message", &msg);
                if (st == FD_OK && code && strlen(code) >= sizeof doc->errors[0].code) {
                    size_t m3 = jp_key(&r->path, "code");
                    st = rd_fail(r, r->bad, "longer than %zu bytes", sizeof doc->errors[0].code - 1);
                    jp_pop(&r->path, m3);
                }
                if (st == FD_OK &&
                    fd_document_add_error(doc, (int)page, code ? code : "", "%s", msg ? msg : "") != FD_OK)
                    st = rd_nomem(r);
            }
            fd_free(code);
            fd_free(msg);
            jp_pop(&r->path, m2);
        }
        jp_pop(&r->path, mark);
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Text → cJSON trees                                                       */

typedef struct docset {
    cJSON **roots;
    size_t *offsets;   /* byte offset where each document starts */
    size_t n;
    size_t cap;
    size_t cap_off;
} docset;

static void docset_clear(docset *ds)
{
    size_t i;
    for (i = 0; i < ds->n; i++) cJSON_Delete(ds->roots[i]);
    fd_free(ds->roots);
    fd_free(ds->offsets);
    memset(ds, 0, sizeof *ds);
}

/* Size, UTF-8 and depth guards, then every whitespace-separated document
 * of the input. what names the input in messages ("" for none). */
static fd_status parse_input(const char *json, size_t len, const char *what, docset *ds, fd_diag *dg)
{
    const char *sep = what[0] ? ": " : "";
    size_t i, depth = 0, off = 0, line, col;
    int in_str = 0, esc = 0;

    memset(ds, 0, sizeof *ds);
    if (json == NULL && len > 0) return fd_diag_fail(dg, FD_ERR_USAGE, "%s%sno input buffer", what, sep);
    if (len > FD_JSON_MAX_BYTES)
        return fd_diag_fail(dg, FD_ERR_LIMIT, "%s%sinput of %zu bytes is larger than the limit of %zu MiB",
                            what, sep, len, FD_JSON_MAX_BYTES / (1024 * 1024));
    if (len == 0) return fd_diag_fail(dg, FD_ERR_INPUT, "%s%sempty input: no JSON document", what, sep);
    if (!fd_utf8_valid(json, len)) {
        size_t bad = utf8_bad_offset(json, len);
        text_position(json, bad, &line, &col);
        if (bad < len && json[bad] == '\0')
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s%sNUL byte at byte offset %zu (line %zu, column %zu)",
                                what, sep, bad, line, col);
        return fd_diag_fail(dg, FD_ERR_INPUT,
                            "%s%snot valid UTF-8 at byte offset %zu (line %zu, column %zu)", what, sep,
                            bad, line, col);
    }
    for (i = 0; i < len; i++) {
        const char c = json[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > FD_JSON_MAX_DEPTH) {
                text_position(json, i, &line, &col);
                return fd_diag_fail(dg, FD_ERR_LIMIT,
                                    "%s%sJSON nested deeper than %d levels at line %zu, column %zu "
                                    "(byte offset %zu)",
                                    what, sep, FD_JSON_MAX_DEPTH, line, col, i);
            }
        } else if (c == ']' || c == '}') {
            if (depth > 0) depth--;
        }
    }

    json_init();
    for (;;) {
        const char *end = NULL;
        cJSON *root;
        void *items;
        while (off < len && is_json_ws(json[off])) off++;
        if (off >= len) break;
        if (ds->n >= FD_JSON_MAX_ITEMS) {
            docset_clear(ds);
            return fd_diag_fail(dg, FD_ERR_LIMIT, "%s%smore than %d documents in one input", what, sep,
                                FD_JSON_MAX_ITEMS);
        }
        root = cJSON_ParseWithLengthOpts(json + off, len - off, &end, 0);
        if (root == NULL) {
            size_t pos = end ? (size_t)(end - json) : off;
            if (pos > len) pos = len;
            text_position(json, pos, &line, &col);
            docset_clear(ds);
            /* cJSON cannot tell a failed allocation from bad syntax; a retry
             * of a tiny parse tells whether memory is the problem. */
            {
                cJSON *probe = cJSON_Parse("[0]");
                if (probe == NULL)
                    return fd_diag_fail(dg, FD_ERR_NOMEM, "%s%sout of memory parsing JSON", what, sep);
                cJSON_Delete(probe);
            }
            if (pos + 1 >= len && (depth > 0 || in_str))
                return fd_diag_fail(dg, FD_ERR_INPUT,
                                    "%s%snot valid JSON: unexpected end of input at line %zu, column %zu "
                                    "(byte offset %zu)",
                                    what, sep, line, col, pos);
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s%snot valid JSON: syntax error at line %zu, column %zu (byte offset %zu)",
                                what, sep, line, col, pos);
        }
        items = ds->roots;
        if (fd_array_reserve(&items, &ds->cap, ds->n + 1, sizeof *ds->roots) != 0) {
            cJSON_Delete(root);
            docset_clear(ds);
            return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory parsing JSON");
        }
        ds->roots = items;
        items = ds->offsets;
        if (fd_array_reserve(&items, &ds->cap_off, ds->n + 1, sizeof *ds->offsets) != 0) {
            cJSON_Delete(root);
            docset_clear(ds);
            return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory parsing JSON");
        }
        ds->offsets = items;
        ds->roots[ds->n] = root;
        ds->offsets[ds->n] = off;
        ds->n++;
        off = end ? (size_t)(end - json) : len;
    }
    if (ds->n == 0) return fd_diag_fail(dg, FD_ERR_INPUT, "%s%sempty input: no JSON document", what, sep);
    return FD_OK;
}

static void reader_set_doc_prefix(reader *r, const docset *ds, size_t k, const char *json)
{
    if (ds->n > 1) {
        size_t line, col;
        text_position(json, ds->offsets[k], &line, &col);
        fd_snprintf(r->prefix, sizeof r->prefix, "document %zu (line %zu): ", k + 1, line);
    } else {
        r->prefix[0] = '\0';
    }
}

fd_status fd_json_read_document(const char *json, size_t len, fd_document **out, fd_diag *dg)
{
    docset ds;
    reader r;
    fd_document *doc = NULL;
    fd_status st;

    *out = NULL;
    st = parse_input(json, len, "", &ds, dg);
    if (st != FD_OK) return st;
    if (ds.n != 1) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "input holds %zu JSON documents, expected one", ds.n);
        goto cleanup;
    }
    if (fd_document_create(&doc) != FD_OK) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory reading JSON");
        goto cleanup;
    }
    reader_init(&r, dg, FD_ERR_INPUT);
    st = rd_document(&r, ds.roots[0], doc);
    if (st != FD_OK) goto cleanup;
    *out = doc;
    doc = NULL;
cleanup:
    fd_document_destroy(&doc);
    docset_clear(&ds);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */

/* The number as JSON text: with its printed precision when that reads back
 * as the same double, else the shortest text that does. */
static void format_number(char *buf, size_t size, double v, int decimals)
{
    int prec;
    if (!isfinite(v)) {
        fd_snprintf(buf, size, "null");
        return;
    }
    if (v == 0.0) v = 0.0; /* no "-0" */
    if (decimals >= 0 && decimals <= 15) {
        fd_snprintf(buf, size, "%.*f", decimals, v);
        if (strtod(buf, NULL) == v) return;
    }
    if (v == floor(v) && fabs(v) <= 1e15) {
        fd_snprintf(buf, size, "%.0f", v);
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        fd_snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

typedef struct writer {
    int failed;  /* an allocation failed */
} writer;

static cJSON *w_add(writer *w, cJSON *obj, const char *key, cJSON *item)
{
    if (obj == NULL || item == NULL || !cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        w->failed = 1;
        return NULL;
    }
    return item;
}

static void w_push(writer *w, cJSON *arr, cJSON *item)
{
    if (arr == NULL || item == NULL || !cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        w->failed = 1;
    }
}

static cJSON *j_num(fd_num n)
{
    char buf[64];
    if (!n.present || !isfinite(n.value)) return cJSON_CreateNull();
    format_number(buf, sizeof buf, n.value, n.decimals);
    return cJSON_CreateRaw(buf);
}

static cJSON *j_int(long v)
{
    char buf[32];
    fd_snprintf(buf, sizeof buf, "%ld", v);
    return cJSON_CreateRaw(buf);
}

static cJSON *j_dbl(double v)
{
    char buf[64];
    format_number(buf, sizeof buf, v, -1);
    return cJSON_CreateRaw(buf);
}

/* A string, with invalid UTF-8 (which JSON cannot carry) replaced by U+FFFD. */
static cJSON *j_str(const char *s)
{
    const char *p;
    fd_buf b;
    cJSON *item;
    if (s == NULL) return cJSON_CreateNull();
    if (fd_utf8_valid(s, strlen(s))) return cJSON_CreateString(s);
    fd_buf_init(&b);
    for (p = s; *p;) {
        const char *at = p;
        size_t rest = strlen(p);
        const unsigned char c = (unsigned char)*p;
        size_t need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (rest < need || fd_utf8_next(&p) < 0) {
            p = at + 1;
            fd_buf_puts(&b, "\xEF\xBF\xBD");
        } else {
            fd_buf_append(&b, at, (size_t)(p - at));
        }
    }
    {
        char *t = fd_buf_take(&b);
        if (t == NULL) return NULL;
        item = cJSON_CreateString(t);
        fd_free(t);
    }
    return item;
}

static cJSON *j_measure(writer *w, const fd_measure *m)
{
    cJSON *o = cJSON_CreateObject();
    const char *op = fd_op_str(m->op);
    if (o == NULL) {
        w->failed = 1;
        return NULL;
    }
    w_add(w, o, "text", j_str(m->text));
    w_add(w, o, "op", op ? cJSON_CreateString(op) : cJSON_CreateNull());
    w_add(w, o, "value", j_num(m->value));
    w_add(w, o, "unit", j_str(m->unit));
    return o;
}

static cJSON *j_checks(writer *w, const fd_checklist *cl)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    if (arr == NULL) {
        w->failed = 1;
        return NULL;
    }
    for (i = 0; i < cl->count && !w->failed; i++) {
        const fd_check *c = &cl->items[i];
        cJSON *o = cJSON_CreateObject();
        w_push(w, arr, o);
        if (w->failed) break;
        w_add(w, o, "code", cJSON_CreateString(fd_check_code_name(c->code)));
        w_add(w, o, "severity", cJSON_CreateString(fd_severity_name(c->severity)));
        w_add(w, o, "ok", c->ok == FD_TRI_NULL ? cJSON_CreateNull() : cJSON_CreateBool(c->ok == FD_TRI_TRUE));
        w_add(w, o, "path", j_str(c->path));
        w_add(w, o, "stated", j_num(c->stated));
        w_add(w, o, "recomputed", j_num(c->recomputed));
        w_add(w, o, "ocr_suspect", cJSON_CreateBool(c->ocr_suspect != 0));
        w_add(w, o, "message", j_str(c->message));
    }
    return arr;
}

static cJSON *j_form(writer *w, const fd_form *f)
{
    cJSON *o = cJSON_CreateObject(), *x, *y;
    size_t i, k;
    int r, c;
    if (o == NULL) {
        w->failed = 1;
        return NULL;
    }
    x = w_add(w, o, "pages", cJSON_CreateArray());
    for (i = 0; i < f->n_pages; i++) w_push(w, x, j_int(f->pages[i]));
    w_add(w, o, "title", j_str(f->title));
    w_add(w, o, "year", j_num(f->year));
    w_add(w, o, "project_name", j_str(f->project_name));
    w_add(w, o, "department", j_str(f->department));
    w_add(w, o, "implementing_unit", j_str(f->implementing_unit));

    x = w_add(w, o, "funds", cJSON_CreateObject());
    for (r = 0; r < FD_FUNDS_ROWS && x; r++) {
        int ncols = r == FD_FUNDS_TOTAL ? FD_FUNDS_COLS : FD_COL_WEIGHT;
        y = w_add(w, x, fd_funds_row_key[r], cJSON_CreateObject());
        for (c = 0; c < ncols && y; c++) w_add(w, y, fd_funds_col_key[c], j_num(f->funds[r][c]));
    }

    x = w_add(w, o, "goals", cJSON_CreateObject());
    w_add(w, x, "expected", j_str(f->goals_expected));
    w_add(w, x, "actual", j_str(f->goals_actual));

    x = w_add(w, o, "indicators", cJSON_CreateArray());
    for (i = 0; i < f->n_indicators && x && !w->failed; i++) {
        const fd_indicator *ind = &f->indicators[i];
        y = cJSON_CreateObject();
        w_push(w, x, y);
        if (w->failed) break;
        w_add(w, y, "level1", j_str(ind->level1));
        w_add(w, y, "level2", j_str(ind->level2));
        w_add(w, y, "name", j_str(ind->name));
        w_add(w, y, "target", j_measure(w, &ind->target));
        w_add(w, y, "actual", j_measure(w, &ind->actual));
        w_add(w, y, "weight", j_num(ind->weight));
        w_add(w, y, "score", j_num(ind->score));
        w_add(w, y, "deviation_reason", j_str(ind->deviation_reason));
    }

    x = w_add(w, o, "total", cJSON_CreateObject());
    w_add(w, x, "weight", j_num(f->total_weight));
    w_add(w, x, "score", j_num(f->total_score));

    /* No checks run: no verdict either. */
    w_add(w, o, "verdict",
          f->checks.count ? cJSON_CreateString(fd_verdict_name(f->checks.verdict)) : cJSON_CreateNull());
    w_add(w, o, "checks", j_checks(w, &f->checks));

    x = w_add(w, o, "provenance", cJSON_CreateObject());
    for (i = 0; i < f->n_prov && x && !w->failed; i++) {
        const fd_prov *p = &f->prov[i];
        if (p->path == NULL) continue;
        y = w_add(w, x, p->path, cJSON_CreateObject());
        if (y == NULL) break;
        w_add(w, y, "page", j_int(p->page));
        {
            cJSON *bb = w_add(w, y, "bbox", cJSON_CreateArray());
            for (k = 0; k < 4; k++) w_push(w, bb, j_int(p->bbox[k]));
        }
        w_add(w, y, "conf", j_dbl(p->conf));
        w_add(w, y, "text", j_str(p->text ? p->text : ""));
        if (p->n_alternatives > 0) {
            cJSON *al = w_add(w, y, "alternatives", cJSON_CreateArray());
            for (k = 0; k < p->n_alternatives; k++) w_push(w, al, j_str(p->alternatives[k]));
        }
    }
    return o;
}

static cJSON *j_document(writer *w, const fd_document *doc)
{
    cJSON *root = cJSON_CreateObject(), *x, *y;
    size_t i;
    if (root == NULL) {
        w->failed = 1;
        return NULL;
    }
    w_add(w, root, "format", cJSON_CreateString(FORMDIG_FORMAT));
    x = w_add(w, root, "source", cJSON_CreateObject());
    w_add(w, x, "path", j_str(doc->source_path));
    w_add(w, x, "pages", doc->source_pages >= 0 ? j_int(doc->source_pages) : cJSON_CreateNull());
    w_add(w, x, "sha256", doc->sha256[0] ? j_str(doc->sha256) : cJSON_CreateNull());
    x = w_add(w, root, "forms", cJSON_CreateArray());
    for (i = 0; i < doc->n_forms && !w->failed; i++) w_push(w, x, j_form(w, &doc->forms[i]));
    x = w_add(w, root, "errors", cJSON_CreateArray());
    for (i = 0; i < doc->n_errors && !w->failed; i++) {
        const fd_page_error *e = &doc->errors[i];
        y = cJSON_CreateObject();
        w_push(w, x, y);
        if (w->failed) break;
        w_add(w, y, "page", e->page > 0 ? j_int(e->page) : cJSON_CreateNull());
        w_add(w, y, "code", j_str(e->code));
        w_add(w, y, "message", j_str(e->message ? e->message : ""));
    }
    return root;
}

fd_status fd_json_write_document(const fd_document *doc, int pretty, char **out, fd_diag *dg)
{
    writer w = {0};
    cJSON *root;
    fd_status st = FD_OK;
    *out = NULL;
    if (doc == NULL) return fd_diag_fail(dg, FD_ERR_USAGE, "no document to write");
    json_init();
    root = j_document(&w, doc);
    if (root == NULL || w.failed) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory writing JSON");
        goto cleanup;
    }
    *out = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    if (*out == NULL) st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory writing JSON");
cleanup:
    cJSON_Delete(root);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Check mode                                                               */

/* Sets obj[key] = item (item already named key, see named()): replaces the
 * member in place, or places a new member right after the member
 * after_key when there is one, else at the end. item is consumed.
 * Returns 0, or -1 when out of memory. (cJSON_InsertItemInArray is not
 * used: Debian's 1.7.15 refuses to insert anywhere but at the head.) */
static int set_member(cJSON *obj, const char *key, cJSON *item, const char *after_key)
{
    cJSON *old, *after;
    if (item == NULL) return -1;
    old = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (old) {
        if (!cJSON_ReplaceItemViaPointer(obj, old, item)) {
            cJSON_Delete(item);
            return -1;
        }
        return 0;
    }
    after = after_key ? cJSON_GetObjectItemCaseSensitive(obj, after_key) : NULL;
    if (after == NULL) {
        if (!cJSON_AddItemToObject(obj, key, item)) {
            cJSON_Delete(item);
            return -1;
        }
        return 0;
    }
    /* Link item after `after`; the head's prev points at the last member. */
    item->prev = after;
    item->next = after->next;
    if (after->next)
        after->next->prev = item;
    else
        obj->child->prev = item;
    after->next = item;
    return 0;
}

/* A named cJSON item (for ReplaceItemViaPointer, which does not rename). */
static cJSON *named(cJSON *item, const char *key)
{
    if (item == NULL) return NULL;
    item->string = fd_strdup(key);
    if (item->string == NULL) {
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

fd_status fd_json_recheck(const char *json, size_t len, const fd_rules *rules, int pretty,
                          char **out, fd_result_info *info, fd_diag *dg)
{
    docset ds;
    fd_buf ob;
    fd_document *doc = NULL;
    fd_checklist cl;
    size_t k, i;
    fd_status st;
    fd_result_info acc = {0, 0, 0, 0};

    *out = NULL;
    memset(&cl, 0, sizeof cl);
    fd_buf_init(&ob);
    if (info) memset(info, 0, sizeof *info);
    if (rules == NULL) return fd_diag_fail(dg, FD_ERR_USAGE, "no rules given to the check");
    st = parse_input(json, len, "", &ds, dg);
    if (st != FD_OK) return st;

    for (k = 0; k < ds.n; k++) {
        reader r;
        cJSON *root = ds.roots[k], *jf;
        char *text;
        reader_init(&r, dg, FD_ERR_INPUT);
        reader_set_doc_prefix(&r, &ds, k, json);
        if (fd_document_create(&doc) != FD_OK) {
            st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory reading JSON");
            goto cleanup;
        }
        st = rd_document(&r, root, doc);
        if (st != FD_OK) goto cleanup;
        jf = cJSON_GetObjectItemCaseSensitive(root, "forms")->child;
        for (i = 0; i < doc->n_forms && jf; i++, jf = jf->next) {
            writer w = {0};
            cJSON *checks;
            memset(&cl, 0, sizeof cl);
            st = fd_score_form(&doc->forms[i], rules, &cl, dg);
            if (st != FD_OK) {
                fd_diag_fail(dg, st, "scoring form %zu failed", i);
                goto cleanup;
            }
            checks = j_checks(&w, &cl);
            if (w.failed) {
                cJSON_Delete(checks);
                checks = NULL;
            }
            if (set_member(jf, "verdict", named(cJSON_CreateString(fd_verdict_name(cl.verdict)), "verdict"),
                           "total") != 0) {
                cJSON_Delete(checks);
                st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory writing JSON");
                goto cleanup;
            }
            if (set_member(jf, "checks", named(checks, "checks"), "verdict") != 0) {
                st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory writing JSON");
                goto cleanup;
            }
            if (cl.verdict != FD_VERDICT_OK) acc.discrepancy = 1;
            fd_checklist_clear(&cl);
        }
        acc.n_forms += (int)doc->n_forms;
        acc.n_errors += (int)doc->n_errors;
        fd_document_destroy(&doc);

        text = (pretty && ds.n == 1) ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
        if (text == NULL) {
            st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory writing JSON");
            goto cleanup;
        }
        if (k > 0) fd_buf_puts(&ob, "\n");
        fd_buf_puts(&ob, text);
        fd_free(text);
    }
    *out = fd_buf_take(&ob);
    if (*out == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory writing JSON");
        goto cleanup;
    }
    if (info) *info = acc;
cleanup:
    fd_checklist_clear(&cl);
    fd_document_destroy(&doc);
    fd_buf_clear(&ob);
    docset_clear(&ds);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Model files                                                              */

static fd_status read_model_file(const char *path, char **data, size_t *len, fd_diag *dg)
{
    FILE *fp;
    fd_buf b;
    char chunk[65536];
    size_t n;
    fd_status st = FD_OK;
    *data = NULL;
    *len = 0;
    fd_buf_init(&b);
    if (path == NULL) return fd_diag_fail(dg, FD_ERR_USAGE, "no model file path");
    fp = fopen(path, "rb");
    if (fp == NULL) {
        char err[128];
        if (strerror_r(errno, err, sizeof err) != 0) fd_snprintf(err, sizeof err, "error %d", errno);
        return fd_diag_fail(dg, FD_ERR_MODEL, "%s: cannot open model file: %s", path, err);
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (b.len + n > FD_MODEL_MAX_BYTES) {
            st = fd_diag_fail(dg, FD_ERR_MODEL, "%s: model file larger than %zu bytes", path,
                              FD_MODEL_MAX_BYTES);
            goto cleanup;
        }
        fd_buf_append(&b, chunk, n);
    }
    if (ferror(fp)) {
        st = fd_diag_fail(dg, FD_ERR_MODEL, "%s: read error", path);
        goto cleanup;
    }
    if (b.failed) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "%s: out of memory reading model file", path);
        goto cleanup;
    }
    *len = b.len;
    *data = fd_buf_take(&b);
    if (*data == NULL) st = fd_diag_fail(dg, FD_ERR_NOMEM, "%s: out of memory", path);
cleanup:
    fclose(fp);
    fd_buf_clear(&b);
    return st;
}

/* Reads and parses a model file into one object tree. */
static fd_status load_model_tree(const char *path, cJSON **root, fd_diag *dg)
{
    char *data = NULL;
    size_t len = 0;
    docset ds;
    fd_diag tmp;
    fd_status st;
    *root = NULL;
    memset(&ds, 0, sizeof ds);
    st = read_model_file(path, &data, &len, dg);
    if (st != FD_OK) return st;
    fd_diag_init(&tmp);
    st = parse_input(data, len, "", &ds, &tmp);
    if (st != FD_OK) {
        st = fd_diag_fail(dg, st == FD_ERR_NOMEM ? FD_ERR_NOMEM : FD_ERR_MODEL, "%s: %s", path, tmp.message);
        goto cleanup;
    }
    if (ds.n != 1 || !cJSON_IsObject(ds.roots[0])) {
        st = fd_diag_fail(dg, FD_ERR_MODEL, "%s: expected one JSON object", path);
        goto cleanup;
    }
    *root = ds.roots[0];
    ds.n = 0;
cleanup:
    docset_clear(&ds);
    fd_free(data);
    return st;
}

/* Every member of obj must be one of keys (NULL-terminated) or start with
 * "_" (a comment); each of keys must be present when required. */
static fd_status check_keys(reader *r, const cJSON *obj, const char *const *keys, int required)
{
    const cJSON *c, *d;
    size_t i;
    if (jcount(obj) > 1000) return rd_fail(r, r->bad, "more than 1000 keys");
    for (c = obj->child; c; c = c->next) {
        const char *k = c->string ? c->string : "";
        int known = 0;
        for (d = obj->child; d != c; d = d->next)
            if (d->string && strcmp(d->string, k) == 0)
                return rd_fail(r, r->bad, "duplicate key \"%.60s\"", k);
        if (k[0] == '_') continue;
        for (i = 0; keys[i]; i++)
            if (strcmp(keys[i], k) == 0) known = 1;
        if (!known) return rd_fail(r, r->bad, "unknown key \"%.60s\"", k);
    }
    if (required) {
        for (i = 0; keys[i]; i++)
            if (cJSON_GetObjectItemCaseSensitive(obj, keys[i]) == NULL)
                return rd_fail(r, r->bad, "missing required key \"%s\"", keys[i]);
    }
    return FD_OK;
}

static fd_status req_num(reader *r, const cJSON *obj, const char *key, double lo, double hi, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark = jp_key(&r->path, key);
    fd_status st = FD_OK;
    if (v == NULL) {
        jp_pop(&r->path, mark);
        return rd_fail(r, r->bad, "missing required key \"%s\"", key);
    }
    if (!cJSON_IsNumber(v))
        st = rd_type(r, "a number", v);
    else if (!isfinite(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi)
        st = rd_fail(r, r->bad, "expected a number in [%g, %g], got %.17g", lo, hi, v->valuedouble);
    else
        *out = v->valuedouble;
    jp_pop(&r->path, mark);
    return st;
}

static fd_status req_int(reader *r, const cJSON *obj, const char *key, long lo, long hi, long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark = jp_key(&r->path, key);
    fd_status st;
    if (v == NULL) {
        jp_pop(&r->path, mark);
        return rd_fail(r, r->bad, "missing required key \"%s\"", key);
    }
    st = rd_int_value(r, v, lo, hi, "an integer", out);
    jp_pop(&r->path, mark);
    return st;
}

static fd_status req_obj(reader *r, const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    fd_status st = FD_OK;
    *out = NULL;
    if (v == NULL) return rd_fail(r, r->bad, "missing required key \"%s\"", key);
    if (cJSON_IsObject(v)) {
        *out = v;
        return FD_OK;
    }
    mark = jp_key(&r->path, key);
    st = rd_type(r, "an object", v);
    jp_pop(&r->path, mark);
    return st;
}

fd_status fd_json_load_rules(const char *path, fd_rules *out, fd_diag *dg)
{
    static const char *const keys[] = {"name",           "op_rule",          "round_decimals",
                                       "qualitative",    "tolerance",        "units_must_match",
                                       "funds_rate_cap", "total_weight",     "low_confidence",
                                       NULL};
    static const char *const op_keys[] = {"=", ">=", ">", "<=", "<", NULL};
    static const char *const qual_keys[] = {"low", "high", NULL};
    static const char *const tol_keys[] = {"half_unit", "extra", NULL};
    cJSON *root = NULL;
    const cJSON *o, *v;
    reader r;
    fd_rules tmp;
    long lv = 0;
    size_t mark;
    int i;
    fd_status st;

    st = load_model_tree(path, &root, dg);
    if (st != FD_OK) return st;
    memset(&tmp, 0, sizeof tmp);
    reader_init(&r, dg, FD_ERR_MODEL);
    fd_snprintf(r.prefix, sizeof r.prefix, "%s: ", path);
    if ((st = check_keys(&r, root, keys, 1)) != FD_OK) goto cleanup;

    v = cJSON_GetObjectItemCaseSensitive(root, "name");
    mark = jp_key(&r.path, "name");
    if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0')
        st = rd_type(&r, "a non-empty string", v);
    else if (strlen(v->valuestring) >= sizeof tmp.name)
        st = rd_fail(&r, r.bad, "longer than %zu bytes", sizeof tmp.name - 1);
    else
        fd_snprintf(tmp.name, sizeof tmp.name, "%s", v->valuestring);
    jp_pop(&r.path, mark);
    if (st != FD_OK) goto cleanup;

    if ((st = req_obj(&r, root, "op_rule", &o)) != FD_OK) goto cleanup;
    mark = jp_key(&r.path, "op_rule");
    st = check_keys(&r, o, op_keys, 1);
    for (i = 0; op_keys[i] && st == FD_OK; i++) {
        fd_op op = fd_op_parse(op_keys[i]);
        size_t m2 = jp_key(&r.path, op_keys[i]);
        v = cJSON_GetObjectItemCaseSensitive(o, op_keys[i]);
        if (!cJSON_IsString(v) || v->valuestring == NULL)
            st = rd_type(&r, "\"positive\", \"reverse\" or \"none\"", v);
        else if (strcmp(v->valuestring, "positive") == 0)
            tmp.op_rule[op] = FD_RULE_POSITIVE;
        else if (strcmp(v->valuestring, "reverse") == 0)
            tmp.op_rule[op] = FD_RULE_REVERSE;
        else if (strcmp(v->valuestring, "none") == 0)
            tmp.op_rule[op] = FD_RULE_NONE;
        else
            st = rd_fail(&r, r.bad, "expected \"positive\", \"reverse\" or \"none\", got \"%.40s\"",
                         v->valuestring);
        jp_pop(&r.path, m2);
    }
    jp_pop(&r.path, mark);
    if (st != FD_OK) goto cleanup;

    if ((st = req_int(&r, root, "round_decimals", 0, 10, &lv)) != FD_OK) goto cleanup;
    tmp.round_decimals = (int)lv;

    if ((st = req_obj(&r, root, "qualitative", &o)) != FD_OK) goto cleanup;
    mark = jp_key(&r.path, "qualitative");
    st = check_keys(&r, o, qual_keys, 1);
    if (st == FD_OK) st = req_num(&r, o, "low", 0.0, 1.0, &tmp.qualitative_low);
    if (st == FD_OK) st = req_num(&r, o, "high", 0.0, 1.0, &tmp.qualitative_high);
    if (st == FD_OK && tmp.qualitative_low > tmp.qualitative_high)
        st = rd_fail(&r, r.bad, "low (%g) is above high (%g)", tmp.qualitative_low, tmp.qualitative_high);
    jp_pop(&r.path, mark);
    if (st != FD_OK) goto cleanup;

    if ((st = req_obj(&r, root, "tolerance", &o)) != FD_OK) goto cleanup;
    mark = jp_key(&r.path, "tolerance");
    st = check_keys(&r, o, tol_keys, 1);
    if (st == FD_OK) st = req_num(&r, o, "half_unit", 0.0, 10.0, &tmp.tolerance_half_unit);
    if (st == FD_OK) st = req_num(&r, o, "extra", 0.0, 1000.0, &tmp.tolerance_extra);
    jp_pop(&r.path, mark);
    if (st != FD_OK) goto cleanup;

    v = cJSON_GetObjectItemCaseSensitive(root, "units_must_match");
    if (!cJSON_IsBool(v)) {
        mark = jp_key(&r.path, "units_must_match");
        st = rd_type(&r, "a boolean", v);
        jp_pop(&r.path, mark);
        goto cleanup;
    }
    tmp.units_must_match = cJSON_IsTrue(v) ? 1 : 0;

    if ((st = req_num(&r, root, "funds_rate_cap", 0.01, 100.0, &tmp.funds_rate_cap)) != FD_OK) goto cleanup;
    if ((st = req_num(&r, root, "total_weight", 0.01, 1e6, &tmp.total_weight)) != FD_OK) goto cleanup;
    if ((st = req_num(&r, root, "low_confidence", 0.0, 100.0, &tmp.low_confidence)) != FD_OK) goto cleanup;
    *out = tmp;
cleanup:
    cJSON_Delete(root);
    return st;
}

/* Frees what fd_json_load_form_model allocated (the same layout that
 * fd_form_model_clear releases). */
static void model_free(fd_form_model *m)
{
    size_t i, j;
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

/* A copy of s without whitespace (ASCII whitespace and U+3000). */
static char *strip_ws(const char *s)
{
    fd_buf b;
    const char *p = s;
    fd_buf_init(&b);
    while (*p) {
        const char *at = p;
        long cp = fd_utf8_next(&p);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0x3000)
            continue;
        fd_buf_append(&b, at, (size_t)(p - at));
    }
    return fd_buf_take(&b);
}

fd_status fd_json_load_form_model(const char *path, fd_form_model *out, fd_diag *dg)
{
    static const char *const keys[] = {"min_similarity", "labels", "level2_parents", NULL};
    cJSON *root = NULL;
    const cJSON *labels = NULL, *parents, *e, *v;
    fd_form_model m;
    reader r;
    size_t mark, n = 0, k;
    fd_status st;

    memset(&m, 0, sizeof m);
    st = load_model_tree(path, &root, dg);
    if (st != FD_OK) return st;
    reader_init(&r, dg, FD_ERR_MODEL);
    fd_snprintf(r.prefix, sizeof r.prefix, "%s: ", path);
    /* level2_parents is optional; the others are asked for below. */
    if ((st = check_keys(&r, root, keys, 0)) != FD_OK) goto cleanup;
    if ((st = req_num(&r, root, "min_similarity", 0.0, 1.0, &m.min_similarity)) != FD_OK) goto cleanup;
    if ((st = req_obj(&r, root, "labels", &labels)) != FD_OK) goto cleanup;

    mark = jp_key(&r.path, "labels");
    for (e = labels ? labels->child : NULL; e; e = e->next)
        if (e->string && e->string[0] != '_') n++;
    if (n > FD_MODEL_MAX_LABELS) {
        st = rd_fail(&r, r.bad, "%zu labels, more than the limit of %d", n, FD_MODEL_MAX_LABELS);
        goto popped;
    }
    if (n == 0) {
        st = rd_fail(&r, r.bad, "no labels");
        goto popped;
    }
    m.labels = fd_calloc(n, sizeof *m.labels);
    if (m.labels == NULL) {
        st = rd_nomem(&r);
        goto popped;
    }
    for (e = labels->child; e && st == FD_OK; e = e->next) {
        const char *key = e->string ? e->string : "";
        fd_label *lab;
        size_t m2, nv = 0;
        if (key[0] == '_') continue;
        m2 = jp_key(&r.path, key);
        if (key[0] == '\0' || strlen(key) >= sizeof m.labels[0].key) {
            st = rd_fail(&r, r.bad, "a label key must have 1 to %zu bytes", sizeof m.labels[0].key - 1);
        } else {
            for (k = 0; k < m.n_labels; k++)
                if (strcmp(m.labels[k].key, key) == 0) st = rd_fail(&r, r.bad, "duplicate label key");
        }
        if (st == FD_OK && (!cJSON_IsArray(e) || (nv = jcount(e)) == 0 || nv > FD_MODEL_MAX_VARIANTS))
            st = cJSON_IsArray(e) ? rd_fail(&r, r.bad, "expected 1 to %d spellings", FD_MODEL_MAX_VARIANTS)
                                  : rd_type(&r, "an array of strings", e);
        if (st != FD_OK) {
            jp_pop(&r.path, m2);
            break;
        }
        lab = &m.labels[m.n_labels++];
        fd_snprintf(lab->key, sizeof lab->key, "%s", key);
        lab->variants = fd_calloc(nv, sizeof *lab->variants);
        if (lab->variants == NULL) st = rd_nomem(&r);
        for (v = e->child, k = 0; v && st == FD_OK; v = v->next, k++) {
            size_t m3 = jp_index(&r.path, k);
            if (!cJSON_IsString(v) || v->valuestring == NULL) {
                st = rd_type(&r, "a string", v);
            } else {
                char *s = strip_ws(v->valuestring);
                if (s == NULL) {
                    st = rd_nomem(&r);
                } else if (s[0] == '\0') {
                    fd_free(s);
                    st = rd_fail(&r, r.bad, "empty spelling");
                } else {
                    lab->variants[lab->n_variants++] = s;
                }
            }
            jp_pop(&r.path, m3);
        }
        jp_pop(&r.path, m2);
    }
popped:
    jp_pop(&r.path, mark);
    if (st != FD_OK) goto cleanup;

    /* "level2_parents": {"数量指标": "产出指标", …}, canonical names. */
    parents = cJSON_GetObjectItemCaseSensitive(root, "level2_parents");
    if (parents != NULL) {
        mark = jp_key(&r.path, "level2_parents");
        if (!cJSON_IsObject(parents)) st = rd_type(&r, "an object", parents);
        n = 0;
        for (e = st == FD_OK ? parents->child : NULL; e; e = e->next)
            if (e->string && e->string[0] != '_') n++;
        if (st == FD_OK && n > FD_MODEL_MAX_LABELS)
            st = rd_fail(&r, r.bad, "%zu entries, more than the limit of %d", n, FD_MODEL_MAX_LABELS);
        if (st == FD_OK && n > 0) {
            m.parents = fd_calloc(n, sizeof *m.parents);
            if (m.parents == NULL) st = rd_nomem(&r);
        }
        for (e = st == FD_OK ? parents->child : NULL; e && st == FD_OK; e = e->next) {
            const char *key = e->string ? e->string : "";
            size_t m2;
            if (key[0] == '_') continue;
            m2 = jp_key(&r.path, key);
            if (!cJSON_IsString(e) || e->valuestring == NULL) {
                st = rd_type(&r, "a string", e);
            } else {
                fd_level_parent *lp = &m.parents[m.n_parents];
                lp->level2 = strip_ws(key);
                lp->level1 = strip_ws(e->valuestring);
                if (lp->level2 == NULL || lp->level1 == NULL) {
                    fd_free(lp->level2);
                    fd_free(lp->level1);
                    lp->level2 = lp->level1 = NULL;
                    st = rd_nomem(&r);
                } else {
                    char k2[64], k1[64];
                    m.n_parents++;
                    fd_snprintf(k2, sizeof k2, "ind.level2.%s", lp->level2);
                    fd_snprintf(k1, sizeof k1, "ind.level1.%s", lp->level1);
                    /* Both names must be the model's own, or no reading
                     * would ever snap to them. */
                    if (fd_form_model_find(&m, k2) == NULL)
                        st = rd_fail(&r, r.bad, "no label \"%s\" in labels", k2);
                    else if (fd_form_model_find(&m, k1) == NULL)
                        st = rd_fail(&r, r.bad, "no label \"%s\" in labels", k1);
                }
            }
            jp_pop(&r.path, m2);
        }
        jp_pop(&r.path, mark);
        if (st != FD_OK) goto cleanup;
    }
    *out = m;
    memset(&m, 0, sizeof m);
cleanup:
    model_free(&m);
    cJSON_Delete(root);
    return st;
}

typedef enum ocr_field_kind { OCR_STR, OCR_INT, OCR_INT_LIST } ocr_field_kind;

typedef struct ocr_field {
    const char *key;
    ocr_field_kind kind;
    size_t offset;
    size_t size;         /* OCR_STR: buffer size; OCR_INT_LIST: capacity (ints) */
    long lo, hi;         /* OCR_INT, OCR_INT_LIST: range of each value */
    size_t count_offset; /* OCR_INT_LIST: where the number of values goes (size_t) */
} ocr_field;

#define OCR_S(name) {#name, OCR_STR, offsetof(fd_ocr_config, name), sizeof(((fd_ocr_config *)0)->name), 0, 0, 0}
#define OCR_I(name, lo, hi) {#name, OCR_INT, offsetof(fd_ocr_config, name), sizeof(int), lo, hi, 0}
#define OCR_L(name, lo, hi)                                                                           \
    {#name, OCR_INT_LIST, offsetof(fd_ocr_config, name),                                             \
     sizeof(((fd_ocr_config *)0)->name) / sizeof(int), lo, hi, offsetof(fd_ocr_config, n_##name)}

static const ocr_field ocr_fields[] = {
    OCR_S(language),
    OCR_S(number_language),
    OCR_S(measure_language),
    OCR_S(tessdata_dir),
    OCR_S(number_charset),
    OCR_S(measure_charset),
    OCR_I(min_cell_ink, 0, 1000000),
    OCR_I(pad, 0, 1000),
    OCR_I(line_height, 0, 400),
    OCR_I(number_line_height, 0, 400),
    OCR_L(reread_line_heights, 4, 400),
    OCR_L(reread_key_line_heights, 4, 400),
    OCR_I(reread_below_conf, 0, 100),
    OCR_I(reread_until_conf, 0, 100),
    OCR_I(max_alternatives, 0, 64),
    OCR_I(alternative_min_conf, 0, 100),
    OCR_S(user_words),
};

#define N_OCR_FIELDS (sizeof ocr_fields / sizeof ocr_fields[0])

fd_status fd_json_load_ocr_config(const char *path, fd_ocr_config *out, fd_diag *dg)
{
    const char *keys[N_OCR_FIELDS + 1];
    cJSON *root = NULL;
    fd_ocr_config tmp = *out;
    reader r;
    size_t i;
    fd_status st;

    for (i = 0; i < N_OCR_FIELDS; i++) keys[i] = ocr_fields[i].key;
    keys[N_OCR_FIELDS] = NULL;
    st = load_model_tree(path, &root, dg);
    if (st != FD_OK) return st;
    reader_init(&r, dg, FD_ERR_MODEL);
    fd_snprintf(r.prefix, sizeof r.prefix, "%s: ", path);
    if ((st = check_keys(&r, root, keys, 0)) != FD_OK) goto cleanup;
    for (i = 0; i < N_OCR_FIELDS && st == FD_OK; i++) {
        const ocr_field *fl = &ocr_fields[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, fl->key);
        size_t mark;
        if (v == NULL) continue; /* keeps the caller's value */
        mark = jp_key(&r.path, fl->key);
        if (fl->kind == OCR_STR) {
            if (!cJSON_IsString(v) || v->valuestring == NULL)
                st = rd_type(&r, "a string", v);
            else if (strlen(v->valuestring) >= fl->size)
                st = rd_fail(&r, r.bad, "longer than %zu bytes", fl->size - 1);
            else
                memcpy((char *)&tmp + fl->offset, v->valuestring, strlen(v->valuestring) + 1);
        } else if (fl->kind == OCR_INT_LIST) {
            int vals[FD_OCR_MAX_REREADS];
            size_t n = 0;
            const cJSON *e;
            if (!cJSON_IsArray(v)) {
                st = rd_type(&r, "an array of integers", v);
            } else if ((size_t)cJSON_GetArraySize(v) > fl->size || fl->size > FD_OCR_MAX_REREADS) {
                st = rd_fail(&r, r.bad, "more than %zu values", fl->size);
            } else {
                cJSON_ArrayForEach(e, v)
                {
                    long lv = 0;
                    size_t emark = jp_index(&r.path, n);
                    st = rd_int_value(&r, e, fl->lo, fl->hi, "an integer", &lv);
                    jp_pop(&r.path, emark);
                    if (st != FD_OK) break;
                    vals[n++] = (int)lv;
                }
            }
            if (st == FD_OK) {
                memcpy((char *)&tmp + fl->offset, vals, n * sizeof vals[0]);
                memcpy((char *)&tmp + fl->count_offset, &n, sizeof n);
            }
        } else {
            long lv = 0;
            st = rd_int_value(&r, v, fl->lo, fl->hi, "an integer", &lv);
            if (st == FD_OK) {
                int iv = (int)lv;
                memcpy((char *)&tmp + fl->offset, &iv, sizeof iv);
            }
        }
        jp_pop(&r.path, mark);
    }
    if (st == FD_OK) *out = tmp;
cleanup:
    cJSON_Delete(root);
    return st;
}
