/*
 * Value parsing: the printed text of one cell → a typed value.
 *
 * Every parser first "cleans" the text: whitespace (line wraps, OCR gaps
 * inside numbers, U+3000) is dropped and full-width ASCII forms (U+FF01 to
 * U+FF5E: ０-９ ． ， ％ ＝ ＞ ＜ ＋ －) are folded to ASCII, so that the
 * grammar below only has to deal with ASCII plus the mathematical
 * operators ≥ ≤ ≧ ≦ ⩾ ⩽.
 *
 * Number grammar (after cleaning):
 *   [+-] digits [ "," ddd ]* [ "." digits ]
 * where the first group holds 1–3 digits whenever a thousands separator
 * follows it. Anything else where a number must be is FD_PARSE_INVALID.
 */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this magnitude a cell value is an OCR or data error: the largest
 * budgets on these forms are around 1e10 yuan. */
#define FD_VALUE_MAX_ABS 1e15
/* Longest accepted number in digits: 15 significant integer digits plus a
 * generous fraction. */
#define FD_NUM_DIGITS_MAX 40
/* Scratch size for amounts and percents, which must be short. */
#define FD_SHORT_BUF 128

static int is_space_cp(long cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/* Characters a form (or the OCR engine reading it) uses for "nothing here":
 * hyphen and dash variants, the CJK 一 that a printed dash is often read
 * as, box-drawing and katakana long-vowel look-alikes, and the slash. */
int fd_is_dash_cp(long cp)
{
    return cp == '-' || cp == '/' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 ||
           cp == 0x2500 || cp == 0x2501 || cp == 0x30FC || cp == 0x4E00 || cp == 0xFE58 ||
           cp == 0xFE63 || cp == 0xFF0D || cp == 0xFF0F;
}

static int is_ascii_digit(int c) { return c >= '0' && c <= '9'; }

static int is_ascii_alnum(long cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static long fold_width(long cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
    if (cp == 0x2212) return '-'; /* MINUS SIGN */
    return cp;
}

/* Encodes cp as UTF-8 into out (4 bytes room); returns the byte count. */
static size_t put_utf8(long cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

enum { CLEAN_OK = 0, CLEAN_OVERFLOW = -1, CLEAN_BAD_UTF8 = -2 };

/* Writes text without whitespace and with full-width forms folded into dst
 * (cap bytes, NUL-terminated). The result is never longer than the input,
 * so cap = strlen(text) + 1 always fits. */
static int clean_text(const char *text, char *dst, size_t cap)
{
    const char *p = text;
    size_t len = 0;
    if (cap == 0) return CLEAN_OVERFLOW;
    while (*p != '\0') {
        char enc[4];
        size_t n;
        long cp = fd_utf8_next(&p);
        if (cp < 0) return CLEAN_BAD_UTF8;
        if (is_space_cp(cp)) continue;
        n = put_utf8(fold_width(cp), enc);
        if (len + n >= cap) return CLEAN_OVERFLOW;
        memcpy(dst + len, enc, n);
        len += n;
    }
    dst[len] = '\0';
    return CLEAN_OK;
}

enum { SCAN_NONE = 0, SCAN_OK = 1, SCAN_BAD = -1 };

/* Scans a number (grammar at the top of this file) at s. SCAN_NONE when s
 * does not start one, SCAN_BAD for a malformed or out-of-range one. On
 * SCAN_OK *used is the number of bytes read. */
static int scan_number(const char *s, double *value, int *decimals, size_t *used)
{
    char digits[FD_NUM_DIGITS_MAX + 4];
    size_t nd = 0, group;
    const char *p = s;
    int signed_ = 0, dec = 0;
    char *end = NULL;
    double v;

    if (*p == '+' || *p == '-') {
        if (*p == '-') digits[nd++] = '-';
        signed_ = 1;
        p++;
    }
    if (!is_ascii_digit((unsigned char)*p)) return signed_ ? SCAN_BAD : SCAN_NONE;

    group = 0;
    while (is_ascii_digit((unsigned char)*p)) {
        if (nd >= FD_NUM_DIGITS_MAX) return SCAN_BAD;
        digits[nd++] = *p++;
        group++;
    }
    if (*p == ',') {
        /* Thousands separators: 1–3 leading digits, then groups of three. */
        if (group > 3) return SCAN_BAD;
        while (*p == ',') {
            int k;
            p++;
            for (k = 0; k < 3; k++) {
                if (!is_ascii_digit((unsigned char)p[k])) return SCAN_BAD;
            }
            if (is_ascii_digit((unsigned char)p[3])) return SCAN_BAD;
            if (nd + 3 > FD_NUM_DIGITS_MAX) return SCAN_BAD;
            memcpy(digits + nd, p, 3);
            nd += 3;
            p += 3;
        }
    }
    if (*p == '.') {
        p++;
        if (!is_ascii_digit((unsigned char)*p)) return SCAN_BAD;
        digits[nd++] = '.';
        while (is_ascii_digit((unsigned char)*p)) {
            if (nd >= FD_NUM_DIGITS_MAX) return SCAN_BAD;
            digits[nd++] = *p++;
            dec++;
        }
    }
    digits[nd] = '\0';

    v = strtod(digits, &end);
    if (end != digits + nd || !isfinite(v) || fabs(v) > FD_VALUE_MAX_ABS) return SCAN_BAD;
    if (v == 0.0) v = 0.0; /* "-0" prints as 0 */
    *value = v;
    *decimals = dec;
    *used = (size_t)(p - s);
    return SCAN_OK;
}

static void num_null(fd_num *out)
{
    out->value = 0.0;
    out->present = 0;
    out->decimals = -1;
}

static void num_set(fd_num *out, double v, int decimals)
{
    out->value = v;
    out->present = 1;
    out->decimals = decimals;
}

/* Shared by amounts and percents: a whole cell that is one number, with an
 * optional trailing % when allow_percent. */
static fd_parse_result parse_plain(const char *text, fd_num *out, int allow_percent)
{
    char buf[FD_SHORT_BUF];
    double v = 0.0;
    int dec = 0;
    size_t used = 0;
    const char *rest;
    fd_num dummy;

    if (out == NULL) out = &dummy;
    num_null(out);
    if (fd_text_is_null(text)) return FD_PARSE_NULL;
    if (clean_text(text, buf, sizeof buf) != CLEAN_OK) return FD_PARSE_INVALID;
    if (scan_number(buf, &v, &dec, &used) != SCAN_OK) return FD_PARSE_INVALID;
    rest = buf + used;
    if (allow_percent && *rest == '%') rest++;
    if (*rest != '\0') return FD_PARSE_INVALID;
    num_set(out, v, dec);
    return FD_PARSE_OK;
}

fd_parse_result fd_parse_amount(const char *text, fd_num *out)
{
    return parse_plain(text, out, 0);
}

fd_parse_result fd_parse_percent(const char *text, fd_num *out)
{
    return parse_plain(text, out, 1);
}

/* Reads a leading comparison operator of a cleaned text (full-width forms
 * are already ASCII). */
static fd_op parse_op(const char **pp)
{
    static const struct {
        const char *utf8;
        fd_op op;
    } math_ops[] = {
        {"\xE2\x89\xA5", FD_OP_GE}, /* ≥ */
        {"\xE2\x89\xA7", FD_OP_GE}, /* ≧ */
        {"\xE2\xA9\xBE", FD_OP_GE}, /* ⩾ */
        {"\xE2\x89\xA4", FD_OP_LE}, /* ≤ */
        {"\xE2\x89\xA6", FD_OP_LE}, /* ≦ */
        {"\xE2\xA9\xBD", FD_OP_LE}, /* ⩽ */
    };
    const char *p = *pp;
    size_t i;
    for (i = 0; i < sizeof math_ops / sizeof math_ops[0]; i++) {
        size_t n = strlen(math_ops[i].utf8);
        if (strncmp(p, math_ops[i].utf8, n) == 0) {
            *pp = p + n;
            return math_ops[i].op;
        }
    }
    switch (*p) {
    case '>':
        if (p[1] == '=') {
            *pp = p + 2;
            return FD_OP_GE;
        }
        *pp = p + 1;
        return FD_OP_GT;
    case '<':
        if (p[1] == '=') {
            *pp = p + 2;
            return FD_OP_LE;
        }
        *pp = p + 1;
        return FD_OP_LT;
    case '=':
        *pp = p + 1;
        return FD_OP_EQ;
    default:
        return FD_OP_NONE;
    }
}

static int has_ascii_digit(const char *s)
{
    for (; *s != '\0'; s++) {
        if (is_ascii_digit((unsigned char)*s)) return 1;
    }
    return 0;
}

static int has_non_ascii(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s >= 0x80) return 1;
    }
    return 0;
}

/* On FD_PARSE_NULL and FD_PARSE_INVALID out is left all-null with nothing
 * allocated: the caller still has the raw text if it wants to keep it. */
fd_parse_result fd_parse_measure(const char *text, fd_measure *out, fd_status *status)
{
    fd_parse_result res = FD_PARSE_INVALID;
    fd_status dummy_status;
    char *clean = NULL;
    const char *p;
    const char *unit = NULL;
    fd_op op;
    double v = 0.0;
    int dec = 0, qualitative = 0, sc;
    size_t used = 0;
    fd_measure m;

    if (status == NULL) status = &dummy_status;
    *status = FD_OK;
    memset(&m, 0, sizeof m);
    m.op = FD_OP_NONE;
    num_null(&m.value);
    if (out != NULL) *out = m;
    if (fd_text_is_null(text)) return FD_PARSE_NULL;

    clean = fd_malloc(strlen(text) + 1);
    if (clean == NULL) {
        *status = FD_ERR_NOMEM;
        goto cleanup;
    }
    if (clean_text(text, clean, strlen(text) + 1) != CLEAN_OK) goto cleanup;

    p = clean;
    op = parse_op(&p);
    sc = scan_number(p, &v, &dec, &used);
    if (sc == SCAN_BAD) goto cleanup;
    if (sc == SCAN_NONE) {
        /* No number: an operator needs one, and a text that starts like a
         * number ("." "%" ",") is a misread, not a qualitative value. */
        if (op != FD_OP_NONE || *p == '.' || *p == '%' || *p == ',') goto cleanup;
        qualitative = 1;
    } else {
        unit = p + used;
        if (*unit == '.' || *unit == ',' || *unit == '+' || *unit == '-') goto cleanup;
        if (has_ascii_digit(unit)) {
            /* "12月31日前" is a date, kept as qualitative text; "12a3" is
             * garbage. */
            if (!has_non_ascii(unit)) goto cleanup;
            qualitative = 1;
            unit = NULL;
        }
        if (unit != NULL && *unit == '\0') unit = NULL;
    }

    m.text = fd_text_normalize(text);
    if (m.text == NULL) {
        *status = FD_ERR_NOMEM;
        goto cleanup;
    }
    if (!qualitative) {
        m.op = op;
        num_set(&m.value, v, dec);
        if (unit != NULL) {
            m.unit = fd_strdup(unit);
            if (m.unit == NULL) {
                *status = FD_ERR_NOMEM;
                goto cleanup;
            }
        }
    }
    res = FD_PARSE_OK;

cleanup:
    fd_free(clean);
    if (res == FD_PARSE_OK && out != NULL) {
        *out = m;
    } else {
        fd_free(m.text);
        fd_free(m.unit);
    }
    return res;
}

char *fd_text_normalize(const char *text)
{
    fd_buf b;
    const char *p = text;
    long last = 0; /* last code point written, 0 at the start */
    int pending_space = 0;

    if (text == NULL) return NULL;
    fd_buf_init(&b);
    while (*p != '\0') {
        const char *start = p;
        long cp = fd_utf8_next(&p);
        if (cp >= 0 && is_space_cp(cp)) {
            pending_space = 1;
            continue;
        }
        /* A wrap between two Latin words or numbers ("COVID 19") is a real
         * space; between CJK characters it is only the line end. */
        if (pending_space && is_ascii_alnum(last) && is_ascii_alnum(cp)) fd_buf_append(&b, " ", 1);
        pending_space = 0;
        if (cp < 0) {
            fd_buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD keeps the output valid UTF-8 */
        } else {
            fd_buf_append(&b, start, (size_t)(p - start));
        }
        last = cp;
    }
    return fd_buf_take(&b);
}

static int edge_noise_cp(long cp)
{
    switch (cp) {
    case 0x3002: case '.': case ',': case 0xFF0C: case 0x3001: case ':': case 0xFF1A:
    case '-': case '_': case '~': case '|': case ' ': case 0x3000:
        return 1;
    default:
        return 0;
    }
}

/* The closing quote of an opening one, 0 for a code point that opens none. */
static long closing_quote(long cp)
{
    return cp == 0x201C ? 0x201D : cp == 0x2018 ? 0x2019 : cp == '"' || cp == '\'' ? cp : 0;
}

static int is_quote(long cp) { return closing_quote(cp) != 0 || cp == 0x201D || cp == 0x2019; }

/* 1 when the quote at cps[at] of [lo,hi) is noise: a closing quote that
 * opens the text or an opening one that ends it, or a quote whose partner
 * is not in the text (“两新”党支部 keeps its quotes). */
static int stray_quote(const long *cps, size_t lo, size_t hi, size_t at)
{
    size_t k;
    long cp = cps[at];
    if (at == lo) {
        long want = closing_quote(cp);
        if (want == 0) return 1;
        for (k = lo + 1; k < hi; k++)
            if (cps[k] == want) return 0;
        return 1;
    }
    for (k = lo; k < at; k++)
        if (closing_quote(cps[k]) == cp) return 0;
    return 1;
}

int fd_trim_name_noise(char *text)
{
    long cps[512];
    size_t offs[513], n = 0, lo = 0, hi, k;
    const char *p = text;
    int changed = 1, any = 0;
    if (text == NULL) return 0;
    while (*p != '\0' && n < 512) {
        offs[n] = (size_t)(p - text);
        cps[n] = fd_utf8_next(&p);
        if (cps[n] < 0) return 0; /* not valid UTF-8: left as it is */
        n++;
    }
    if (*p != '\0') return 0; /* too long to be a name */
    offs[n] = (size_t)(p - text);
    hi = n;
    while (changed && lo < hi) {
        size_t run = 0, letters = 0;
        int lower = 0;
        changed = 0;
        while (lo < hi && (edge_noise_cp(cps[lo]) || (is_quote(cps[lo]) && stray_quote(cps, lo, hi, lo))))
            lo++, changed = 1;
        while (hi > lo && (edge_noise_cp(cps[hi - 1]) || (is_quote(cps[hi - 1]) && stray_quote(cps, lo, hi, hi - 1))))
            hi--, changed = 1;
        for (run = 0; lo + run < hi && fd_is_dash_cp(cps[lo + run]); run++) {}
        if (run >= 2) lo += run, changed = 1;
        for (run = 0; hi - run > lo && fd_is_dash_cp(cps[hi - 1 - run]); run++) {}
        if (run >= 2) hi -= run, changed = 1;
        for (letters = 0; hi - letters > lo; letters++) {
            long cp = cps[hi - 1 - letters];
            if (!((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))) break;
            if (cp >= 'a' && cp <= 'z') lower = 1;
        }
        if (letters > 0 && hi - letters > lo && fd_is_cjk(cps[hi - 1 - letters]) && (letters == 1 || lower))
            hi -= letters, changed = 1;
        any |= changed;
    }
    if (!any) return 0;
    k = offs[hi] - offs[lo];
    memmove(text, text + offs[lo], k);
    text[k] = '\0';
    return 1;
}

int fd_text_is_null(const char *text)
{
    const char *p = text;
    if (text == NULL) return 1;
    while (*p != '\0') {
        long cp = fd_utf8_next(&p);
        if (cp < 0) return 0;
        if (!is_space_cp(cp) && !fd_is_dash_cp(cp)) return 0;
    }
    return 1;
}

int fd_decimals_of(double v)
{
    char buf[64];
    char *dot, *exp_at;
    int p, mant = 0;
    long ex = 0;

    if (!isfinite(v)) return 0;
    for (p = 1; p <= 17; p++) {
        if (fd_snprintf(buf, sizeof buf, "%.*g", p, v) != 0) return 0;
        if (strtod(buf, NULL) == v) break;
    }
    exp_at = strchr(buf, 'e');
    if (exp_at != NULL) {
        ex = strtol(exp_at + 1, NULL, 10);
        *exp_at = '\0';
    }
    dot = strchr(buf, '.');
    if (dot != NULL) mant = (int)strlen(dot + 1);
    /* 1.5e-07 has 8 digits after the point; 1.5e+20 none. */
    if ((long)mant - ex <= 0) return 0;
    return (int)((long)mant - ex);
}

double fd_tolerance(int decimals)
{
    if (decimals < 0) decimals = 0;
    if (decimals > 30) decimals = 30;
    return 0.5 * pow(10.0, -(double)decimals) + 0.01;
}

/* ------------------------------------------------- reading repairs */


/* Whether s[0..n) is a number of the form's: digits with at most one point
 * inside, no leading zero but before the point. */
static int plain_number(const char *s, size_t n, fd_num *out)
{
    size_t k, points = 0, at = 0;
    char buf[32];
    if (n == 0 || n >= sizeof buf) return 0;
    for (k = 0; k < n; k++) {
        if (s[k] == '.') {
            points++;
            at = k;
        } else if (s[k] < '0' || s[k] > '9') {
            return 0;
        }
    }
    if (points > 1 || (points == 1 && (at == 0 || at == n - 1))) return 0;
    if (s[0] == '0' && n > 1 && s[1] != '.') return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return fd_parse_amount(buf, out) == FD_PARSE_OK;
}

int fd_percent_digit_alternative(const char *text, char *out, size_t n)
{
    const char *pct = text ? strchr(text, '%') : NULL;
    const char *d;
    size_t digits = 0, before;
    if (pct == NULL || pct[1] != '\0' || pct - text < 2 || out == NULL) return 0;
    before = (size_t)(pct - text);
    if (before + 1 >= n) return 0;
    for (d = pct; d > text && ((d[-1] >= '0' && d[-1] <= '9') || d[-1] == '.'); d--)
        if (d[-1] != '.') digits++;
    if (digits < 2 || pct[-1] == '.') return 0;
    if (!(pct[-1] == '9' && pct[-2] >= '0' && pct[-2] <= '9') &&
        (digits < 3 || !(strtod(d, NULL) > 100.0)))
        return 0;
    memcpy(out, text, before - 1);
    out[before - 1] = '%';
    out[before] = '\0';
    return 1;
}

int fd_split_joined_pair(const char *text, double lo, double hi, fd_num *weight, fd_num *score)
{
    size_t n = text ? strlen(text) : 0, cut;
    int found = 0;
    for (cut = 1; cut < n; cut++) {
        fd_num w, sc;
        if (!plain_number(text, cut, &w) || !plain_number(text + cut, n - cut, &sc)) continue;
        if (w.value < lo || w.value > hi || sc.value > w.value) continue;
        if (++found > 1) return 0;
        *weight = w;
        *score = sc;
    }
    return found == 1;
}

/* A point before six or nine digits: a thousands separator (value.h). */
int fd_repair_point_groups(char *s)
{
    char *point = s ? strchr(s, '.') : NULL, *q;
    size_t digits;
    if (point == NULL || point == s || strchr(s, ',') != NULL || strchr(point + 1, '.') != NULL)
        return 0;
    for (q = s; q < point; q++)
        if (*q < '0' || *q > '9') return 0;
    digits = strspn(point + 1, "0123456789");
    if (point[1 + digits] != '\0' || (digits != 6 && digits != 9)) return 0;
    memmove(point, point + 1, strlen(point + 1) + 1);
    return 1;
}

/* Repairs in place what the number model gets wrong without a doubt: runs of
 * '.' or ',' collapsed to one (and a doubled '%'), separators at either end
 * dropped, thousands separators read as points made commas, a decimal comma
 * made a point. Returns 1 when the text changed. */
int fd_repair_number(char *s)
{
    char *r = s, *w = s;
    int changed = 0;
    if (s == NULL) return 0;
    while (*r == '.' || *r == ',' || *r == ' ') r++, changed = 1;
    for (; *r; r++) {
        if (((*r == '.' || *r == ',') && (r[1] == '.' || r[1] == ',')) || (*r == '%' && r[1] == '%')) {
            changed = 1;
            continue;
        }
        *w++ = *r;
    }
    while (w > s && (w[-1] == '.' || w[-1] == ',' || w[-1] == ' ')) w--, changed = 1;
    *w = '\0';
    /* Several '.' where every one but the last has three digits after
     * it: those are thousands separators read as points (130.220.52). */
    {
        char *first = strchr(s, '.'), *last = strrchr(s, '.'), *q;
        int groups_ok = first != NULL && first != last;
        for (q = first; groups_ok && q && q != last; q = strchr(q + 1, '.'))
            groups_ok = q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9' && q[3] >= '0' &&
                        q[3] <= '9' && (q[4] == '.' || q[4] == ',');
        if (groups_ok) {
            for (q = first; q != last; q = strchr(q + 1, '.')) *q = ',';
            changed = 1;
        }
    }
    /* No '.' and a last ',' with one or two digits after it: that comma is
     * the decimal point (a thousands separator has three digits after it). */
    if (strchr(s, '.') == NULL) {
        char *c = strrchr(s, ',');
        if (c && c[1] >= '0' && c[1] <= '9' &&
            (c[2] == '\0' || c[2] == '%' ||
             (c[2] >= '0' && c[2] <= '9' && (c[3] == '\0' || c[3] == '%')))) {
            *c = '.';
            changed = 1;
        }
    }
    return changed;
}

/* Copies a text reading into out (size bytes) without its whitespace: the
 * engine ends a line with '\n' and may space the glyphs. */
static void squeeze_reading(char *out, size_t size, const char *text)
{
    size_t k = 0;
    for (; text && *text && k + 1 < size; text++)
        if (*text != ' ' && *text != '\n' && *text != '\t' && *text != '\r') out[k++] = *text;
    out[k] = '\0';
}

static int is_num_char(char c) { return (c >= '0' && c <= '9') || c == '.' || c == ','; }

/* 1 when s is a non-empty run of CJK characters that all appear in
 * charset (the measure alphabet's units), or a lone '%'. */
static int is_unit_text(const char *s, const char *charset)
{
    int any = 0;
    /* The percent sign alone: the measure alphabet reads it as a digit
     * now and then ("85%" → "853"). */
    if (strcmp(s, "%") == 0) return 1;
    while (*s) {
        const char *start = s;
        char one[8];
        long cp = fd_utf8_next(&s);
        size_t n = (size_t)(s - start);
        if (cp < 0x3400 || n >= sizeof one) return 0;
        memcpy(one, start, n);
        one[n] = '\0';
        if (strstr(charset, one) == NULL) return 0;
        any = 1;
    }
    return any;
}

/* The text model reads a serif 1 next to a CJK unit as ']' or '|' now
 * and then ("=11场" read "=]]场" on a clean 300-DPI page, the measure
 * alphabet making "=114" of it). In the number right before the line's
 * unit (the longest tail of unit characters), such strokes are 1s. */
static void sticks_before_unit(char *line, const char *unit_charset)
{
    size_t len = strlen(line), unit = len, k;
    while (unit > 0) {
        size_t start = unit - 1;
        while (start > 0 && ((unsigned char)line[start] & 0xC0) == 0x80) start--;
        if ((unsigned char)line[start] < 0x80 || !is_unit_text(line + start, unit_charset)) break;
        unit = start;
    }
    if (unit == len || unit == 0) return;
    for (k = unit; k > 0 && (is_num_char(line[k - 1]) || strchr("]|lI", line[k - 1]) != NULL); k--)
        if (!is_num_char(line[k - 1])) line[k - 1] = '1';
}

/* The measure alphabet reads a CJK unit after the digits as more digits
 * or % (万元 → 47, 名 → %, 月 → 8) or drops it, where the text model read
 * the unit right but not always the operator. When the text reading ends
 * in a number and a unit of the alphabet, and the measure reading's digits
 * start with that number and go on without a unit (or stop), the result is
 * the measure reading's operator, the text reading's number and unit. NULL
 * when the rule does not apply (or out of memory). */
char *fd_merge_measure_unit(const char *line_text, const char *measure, const char *unit_charset)
{
    const char *l_num = NULL, *l_end = NULL, *p, *m_num, *m_tail;
    char line[256], ld[64], md[64];
    size_t nl = 0, nm = 0;
    fd_buf b;
    if (line_text == NULL || measure == NULL) return NULL;
    squeeze_reading(line, sizeof line, line_text);
    sticks_before_unit(line, unit_charset);
    /* The text reading: the last run of digits, then a unit to the end. */
    for (p = line; *p; p++) {
        if (is_num_char(*p) && (p == line || !is_num_char(p[-1])) && *p != '.' && *p != ',') l_num = p;
    }
    if (l_num == NULL) return NULL;
    for (l_end = l_num; is_num_char(*l_end); l_end++)
        if (*l_end >= '0' && *l_end <= '9' && nl + 1 < sizeof ld) ld[nl++] = *l_end;
    ld[nl] = '\0';
    if (nl == 0 || !is_unit_text(l_end, unit_charset)) return NULL;
    /* The measure reading: digits, then no CJK at all. */
    for (m_num = measure; *m_num && !(*m_num >= '0' && *m_num <= '9'); m_num++) {
    }
    if (*m_num == '\0') return NULL;
    for (m_tail = m_num; *m_tail; m_tail++) {
        if ((unsigned char)*m_tail >= 0x80) return NULL;
        if (*m_tail >= '0' && *m_tail <= '9' && nm + 1 < sizeof md) md[nm++] = *m_tail;
    }
    md[nm] = '\0';
    /* The measure reading stops inside the text reading's number (a
     * digit and the unit dropped): the text reading's number and unit. */
    if (nm < nl && strncmp(md, ld, nm) == 0 && strspn(m_num, "0123456789.,") == strlen(m_num)) {
        fd_buf_init(&b);
        fd_buf_append(&b, measure, (size_t)(m_num - measure));
        fd_buf_puts(&b, l_num);
        return fd_buf_take(&b);
    }
    if (strncmp(md, ld, nl) != 0) return NULL;
    /* The same digits and nothing after them: the unit was dropped. */
    if (nm == nl && strcmp(md, ld) == 0 && strcspn(m_num, "%") == strlen(m_num)) {
        fd_buf_init(&b);
        fd_buf_puts(&b, measure);
        fd_buf_puts(&b, l_end);
        return fd_buf_take(&b);
    }
    if (nm <= nl && strchr(m_num, '%') == NULL) return NULL; /* nothing read in the unit's place */
    fd_buf_init(&b);
    fd_buf_append(&b, measure, (size_t)(m_num - measure));
    fd_buf_puts(&b, l_num);
    return fd_buf_take(&b);
}

/* ≥ read as '2' by the measure alphabet ("≥95%" → "295%") while the text
 * model, dropping the bar, read a '>' there ("> 95%"): neither model reads
 * a '2' as '>', so the glyph is ≥. Returns the corrected measure reading,
 * or NULL when the readings do not show this (or out of memory). */
char *fd_measure_relation_from_line(const char *line_text, const char *measure)
{
    char line[256];
    const char *l = line, *m = measure;
    size_t i;
    fd_buf b;
    squeeze_reading(line, sizeof line, line_text);
    if (measure == NULL || m[0] != '2' || !(m[1] >= '0' && m[1] <= '9')) return NULL;
    if (l[0] == '>') l += 1;
    else if (strncmp(l, "\xEF\xBC\x9E", 3) == 0 || strncmp(l, "\xE2\x89\xA5", 3) == 0) l += 3; /* ＞ ≥ */
    else {
        /* ≥ drawn with a slanted bar joined to the chevron (⩾) comes back
         * from the text model as a CJK character (之90%): one ideograph
         * in its place, before the digits, counts as the operator. */
        const char *p = l;
        if (!fd_is_cjk(fd_utf8_next(&p))) return NULL;
        l = p;
    }
    /* The digits after the operator agree. */
    for (i = 0; m[1 + i] >= '0' && m[1 + i] <= '9'; i++)
        if (l[i] != m[1 + i]) return NULL;
    if (i == 0 || (l[i] >= '0' && l[i] <= '9')) return NULL;
    fd_buf_init(&b);
    fd_buf_puts(&b, "\xE2\x89\xA5"); /* ≥ */
    fd_buf_puts(&b, m + 1);
    return fd_buf_take(&b);
}
