/*
 * The scoring core (see score.h and the contract's CHECK section).
 *
 * Every check is one (code, index) pair: index is the funds column for
 * FUNDS_PARTS, the indicator for the per-indicator checks and 0 otherwise.
 * eval_check() judges one pair on a form; the same function re-judges it
 * on a shallow, substituted copy of the form when looking for a misread
 * (ocr_suspect), so the form given by the caller is never written.
 */
#include "score.h"

#include "value.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void fd_rules_default(fd_rules *rules)
{
    if (rules == NULL) return;
    memset(rules, 0, sizeof *rules);
    (void)fd_snprintf(rules->name, sizeof rules->name, "%s", "default");
    rules->op_rule[FD_OP_NONE] = FD_RULE_NONE;
    rules->op_rule[FD_OP_EQ] = FD_RULE_POSITIVE;
    rules->op_rule[FD_OP_GE] = FD_RULE_POSITIVE;
    rules->op_rule[FD_OP_GT] = FD_RULE_POSITIVE;
    rules->op_rule[FD_OP_LE] = FD_RULE_REVERSE;
    rules->op_rule[FD_OP_LT] = FD_RULE_REVERSE;
    rules->round_decimals = 2;
    rules->qualitative_low = 0.8;
    rules->qualitative_high = 1.0;
    rules->tolerance_half_unit = 0.5;
    rules->tolerance_extra = 0.01;
    rules->units_must_match = 1;
    rules->funds_rate_cap = 1.0;
    rules->total_weight = 100.0;
    rules->low_confidence = 60.0;
}

/* ---- numbers ----------------------------------------------------------- */

static fd_num num_of(double v, int decimals)
{
    fd_num n;
    n.value = v;
    n.present = 1;
    n.decimals = decimals;
    return n;
}

/* Arithmetic on printed decimals leaves binary noise (8618/10000×100 =
 * 86.18000000000001); 6 decimals is far below the 0.01 of the tolerance. */
static double round_to(double x, int decimals);
static fd_num num_calc(double v)
{
    return num_of(round_to(v, 6), -1);
}

static fd_num num_none(void)
{
    fd_num n;
    n.value = 0.0;
    n.present = 0;
    n.decimals = -1;
    return n;
}

/* Rounds half away from zero; the 1e-9 nudge keeps a rule score such as
 * 2.125 (stored as 2.12499999…) rounding the way it is written. */
static double round_to(double x, int decimals)
{
    double scale;
    if (decimals < 0) return x;
    if (decimals > 12) decimals = 12;
    scale = pow(10.0, (double)decimals);
    if (x < 0.0) return -floor(-x * scale + 0.5 + 1e-9) / scale;
    return floor(x * scale + 0.5 + 1e-9) / scale;
}

int fd_agrees(fd_num stated, double recomputed, const fd_rules *rules)
{
    fd_rules def;
    int d;
    double tol, mag;
    if (!stated.present || !isfinite(stated.value) || !isfinite(recomputed)) return 0;
    if (rules == NULL) {
        fd_rules_default(&def);
        rules = &def;
    }
    d = stated.decimals >= 0 ? stated.decimals : fd_decimals_of(stated.value);
    if (d > 30) d = 30;
    tol = rules->tolerance_half_unit * pow(10.0, -(double)d) + rules->tolerance_extra;
    /* The contract's bound is inclusive ("at most"): allow for the binary
     * representation error of both operands. */
    mag = fabs(stated.value) > fabs(recomputed) ? fabs(stated.value) : fabs(recomputed);
    tol += 1e-9 * (mag > 1.0 ? mag : 1.0);
    return fabs(stated.value - recomputed) <= tol;
}

/* ---- attainment rule --------------------------------------------------- */

typedef enum rule_why {
    WHY_SCORE = 0,   /* a rule score or range was found */
    WHY_MISSING,     /* weight, target or actual missing */
    WHY_UNITS,       /* units differ */
    WHY_NOT_MET,     /* qualitative target not met */
    WHY_NO_RULE      /* the operator has no rule, or the rule is undefined (target ≤ 0) */
} rule_why;

static int is_space_cp(long cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0xFEFF;
}

/* Qualitative texts compare equal after removing all whitespace. Empty
 * texts never count as equal: nothing was stated. */
static int text_equal_nows(const char *a, const char *b)
{
    int seen = 0;
    if (a == NULL || b == NULL) return 0;
    for (;;) {
        long ca = 0, cb = 0;
        while (*a != '\0') {
            ca = fd_utf8_next(&a);
            if (!is_space_cp(ca)) break;
            ca = 0;
        }
        while (*b != '\0') {
            cb = fd_utf8_next(&b);
            if (!is_space_cp(cb)) break;
            cb = 0;
        }
        if (ca != cb) return 0;
        if (ca == 0) return seen;
        seen = 1;
    }
}

static int units_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

static int rule_score_ex(const fd_indicator *ind, const fd_rules *rules, double *score,
                         double *low, double *high, rule_why *why)
{
    double w, t, a, s;
    fd_rule_kind kind;

    *why = WHY_MISSING;
    if (ind == NULL || !ind->weight.present) return 0;
    w = ind->weight.value;

    if (ind->target.op != FD_OP_NONE && ind->target.value.present) {
        if (!ind->actual.value.present) return 0;
        if (rules->units_must_match && !units_equal(ind->target.unit, ind->actual.unit)) {
            *why = WHY_UNITS;
            return 0;
        }
        *why = WHY_NO_RULE;
        if ((int)ind->target.op < 0 || (int)ind->target.op >= 6) return 0;
        kind = rules->op_rule[ind->target.op];
        t = ind->target.value.value;
        a = ind->actual.value.value;
        if (kind == FD_RULE_POSITIVE) {
            if (a >= t) {
                s = w;
            } else {
                if (t <= 0.0) return 0;
                s = w * a / t;
                if (s < 0.0) s = 0.0; /* a negative actual earns nothing */
            }
        } else if (kind == FD_RULE_REVERSE) {
            if (a <= t) {
                s = w;
            } else {
                if (t <= 0.0) return 0;
                s = 1.0 - (a - t) / t;
                s = w * (s > 0.0 ? s : 0.0);
            }
        } else {
            return 0;
        }
        *score = round_to(s, rules->round_decimals);
        *why = WHY_SCORE;
        return 1;
    }

    if (ind->target.text == NULL || ind->actual.text == NULL) return 0;
    if (!text_equal_nows(ind->target.text, ind->actual.text)) {
        *why = WHY_NOT_MET;
        return 0;
    }
    *low = round_to(rules->qualitative_low * w, rules->round_decimals);
    *high = round_to(rules->qualitative_high * w, rules->round_decimals);
    *why = WHY_SCORE;
    return 2;
}

int fd_rule_score(const fd_indicator *ind, const fd_rules *rules, double *score, double *low,
                  double *high)
{
    fd_rules def;
    double s = 0.0, lo = 0.0, hi = 0.0;
    rule_why why;
    int n;
    if (rules == NULL) {
        fd_rules_default(&def);
        rules = &def;
    }
    n = rule_score_ex(ind, rules, &s, &lo, &hi, &why);
    if (n == 1 && score != NULL) *score = s;
    if (n == 2) {
        if (low != NULL) *low = lo;
        if (high != NULL) *high = hi;
    }
    return n;
}

/* ---- inputs of a check ------------------------------------------------- */

typedef enum loc_kind {
    LOC_FUNDS = 0,
    LOC_TOTAL_WEIGHT,
    LOC_TOTAL_SCORE,
    LOC_IND_WEIGHT,
    LOC_IND_SCORE,
    LOC_IND_TARGET,
    LOC_IND_ACTUAL,
    LOC_IND_REASON
} loc_kind;

/* One value a check reads. */
typedef struct loc {
    loc_kind kind;
    int row, col;   /* LOC_FUNDS */
    size_t ind;     /* LOC_IND_* */
} loc;

static void loc_path(const loc *l, char *buf, size_t size)
{
    static const char *const ind_field[] = {"weight", "score", "target", "actual",
                                            "deviation_reason"};
    switch (l->kind) {
    case LOC_FUNDS:
        (void)fd_snprintf(buf, size, "/funds/%s/%s", fd_funds_row_key[l->row],
                          fd_funds_col_key[l->col]);
        return;
    case LOC_TOTAL_WEIGHT: (void)fd_snprintf(buf, size, "%s", "/total/weight"); return;
    case LOC_TOTAL_SCORE: (void)fd_snprintf(buf, size, "%s", "/total/score"); return;
    case LOC_IND_WEIGHT:
    case LOC_IND_SCORE:
    case LOC_IND_TARGET:
    case LOC_IND_ACTUAL:
    case LOC_IND_REASON:
        (void)fd_snprintf(buf, size, "/indicators/%zu/%s", l->ind,
                          ind_field[l->kind - LOC_IND_WEIGHT]);
        return;
    }
    buf[0] = '\0';
}

static loc loc_funds(int row, int col)
{
    loc l;
    memset(&l, 0, sizeof l);
    l.kind = LOC_FUNDS;
    l.row = row;
    l.col = col;
    return l;
}

static loc loc_other(loc_kind kind, size_t ind)
{
    loc l;
    memset(&l, 0, sizeof l);
    l.kind = kind;
    l.ind = ind;
    return l;
}

/* The k-th value that check (code, idx) reads; 0 past the last one. */
static int check_input(const fd_form *f, fd_check_code code, size_t idx, size_t k, loc *out)
{
    static const int rate_cols[] = {FD_COL_RATE, FD_COL_ANNUAL, FD_COL_EXECUTED};
    static const int score_cols[] = {FD_COL_SCORE, FD_COL_WEIGHT, FD_COL_ANNUAL, FD_COL_EXECUTED};
    static const loc_kind range_in[] = {LOC_IND_SCORE, LOC_IND_WEIGHT};
    static const loc_kind attain_in[] = {LOC_IND_SCORE, LOC_IND_WEIGHT, LOC_IND_TARGET,
                                         LOC_IND_ACTUAL};
    static const loc_kind reason_in[] = {LOC_IND_SCORE, LOC_IND_WEIGHT, LOC_IND_REASON};

    switch (code) {
    case FD_CHECK_FUNDS_RATE:
        if (k >= 3) return 0;
        *out = loc_funds(FD_FUNDS_TOTAL, rate_cols[k]);
        return 1;
    case FD_CHECK_FUNDS_SCORE:
        if (k >= 4) return 0;
        *out = loc_funds(FD_FUNDS_TOTAL, score_cols[k]);
        return 1;
    case FD_CHECK_FUNDS_PARTS:
        if (k >= FD_FUNDS_ROWS) return 0;
        *out = loc_funds((int)k, (int)idx);
        return 1;
    case FD_CHECK_WEIGHT_SUM:
    case FD_CHECK_SCORE_SUM: {
        int is_w = code == FD_CHECK_WEIGHT_SUM;
        if (k == 0) {
            *out = loc_other(is_w ? LOC_TOTAL_WEIGHT : LOC_TOTAL_SCORE, 0);
        } else if (k == 1) {
            *out = loc_funds(FD_FUNDS_TOTAL, is_w ? FD_COL_WEIGHT : FD_COL_SCORE);
        } else if (k - 2 < f->n_indicators) {
            *out = loc_other(is_w ? LOC_IND_WEIGHT : LOC_IND_SCORE, k - 2);
        } else {
            return 0;
        }
        return 1;
    }
    case FD_CHECK_TOTAL_WEIGHT:
        if (k >= 1) return 0;
        *out = loc_other(LOC_TOTAL_WEIGHT, 0);
        return 1;
    case FD_CHECK_SCORE_RANGE:
        if (k >= 2) return 0;
        *out = loc_other(range_in[k], idx);
        return 1;
    case FD_CHECK_INDICATOR_OVER:
    case FD_CHECK_INDICATOR_UNDER:
        if (k >= 4) return 0;
        *out = loc_other(attain_in[k], idx);
        return 1;
    case FD_CHECK_REASON_MISSING:
        if (k >= 3) return 0;
        *out = loc_other(reason_in[k], idx);
        return 1;
    case FD_CHECK_COUNT: break;
    }
    return 0;
}

/* Provenance of an input. A measure may be recorded under its own path or
 * under its text field. */
static const fd_prov *find_prov_loc(const fd_form *f, const loc *l)
{
    char path[FD_PATH_MAX + 8];
    const fd_prov *pv;
    loc_path(l, path, sizeof path);
    pv = fd_form_find_prov(f, path);
    if (pv == NULL && (l->kind == LOC_IND_TARGET || l->kind == LOC_IND_ACTUAL)) {
        size_t n = strlen(path);
        if (fd_snprintf(path + n, sizeof path - n, "%s", "/text") == 0)
            pv = fd_form_find_prov(f, path);
    }
    return pv;
}

/* A stated number with its printed precision settled: the raw text in
 * provenance when the precision is unknown, else the number itself. */
static fd_num stated_num(const fd_form *f, const char *path, fd_num n, int is_percent)
{
    const fd_prov *pv;
    fd_num raw;
    if (!n.present || n.decimals >= 0) return n;
    pv = fd_form_find_prov(f, path);
    if (pv != NULL && pv->text != NULL) {
        fd_parse_result r = is_percent ? fd_parse_percent(pv->text, &raw)
                                       : fd_parse_amount(pv->text, &raw);
        if (r == FD_PARSE_OK) {
            n.decimals = raw.decimals;
            return n;
        }
    }
    n.decimals = fd_decimals_of(n.value);
    return n;
}

/* ---- messages ---------------------------------------------------------- */

/* A number in its shortest form ("%g"-like without the exponent: amounts
 * reach 1e10), at most maxdec decimals: enough to read, the exact value
 * is in the check's stated/recomputed. */
static void fmt_num(char *buf, size_t size, double v, int maxdec)
{
    int d;
    size_t n;
    if (!isfinite(v)) {
        (void)fd_snprintf(buf, size, "%s", "?");
        return;
    }
    d = fd_decimals_of(v);
    if (d > maxdec) d = maxdec;
    (void)fd_snprintf(buf, size, "%.*f", d, v);
    n = strlen(buf);
    if (strchr(buf, '.') != NULL) {
        while (n > 0 && buf[n - 1] == '0') buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.') buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0) (void)fd_snprintf(buf, size, "%s", "0");
}

static void fmt_stated(char *buf, size_t size, fd_num n)
{
    if (!n.present) {
        (void)fd_snprintf(buf, size, "%s", "null");
        return;
    }
    fmt_num(buf, size, n.value, 6);
}

static void fmt_calc(char *buf, size_t size, double v) { fmt_num(buf, size, v, 4); }

/* fd_snprintf cuts at a byte; drop a partial UTF-8 sequence at the end. */
static void fix_utf8_tail(char *s)
{
    size_t n = strlen(s), i = n, need;
    unsigned char c;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return;
    c = (unsigned char)s[i - 1];
    if (c < 0x80) return;
    need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (n - (i - 1) < need) s[i - 1] = '\0';
}

static const char *agree_sign(fd_num stated, double recomputed, int ok)
{
    if (!ok) return "≠";
    return stated.value == recomputed ? "=" : "≈";
}

/* "<label> <stated> <op> <what> <recomputed>", or the label with a note
 * when nothing could be compared. */
static void msg_compare(fd_check *c, const char *label, const char *what, const char *suffix)
{
    char s[48], r[48];
    if (c->ok == FD_TRI_NULL) {
        (void)fd_snprintf(c->message, sizeof c->message, "%s：%s", label,
                          c->stated.present ? "缺少参与计算的数值，无法核对" : "未填写，无法核对");
        fix_utf8_tail(c->message);
        return;
    }
    fmt_stated(s, sizeof s, c->stated);
    fmt_calc(r, sizeof r, c->recomputed.value);
    (void)fd_snprintf(c->message, sizeof c->message, "%s %s%s %s %s %s%s", label, s, suffix,
                      agree_sign(c->stated, c->recomputed.value, c->ok == FD_TRI_TRUE), what, r,
                      suffix);
    fix_utf8_tail(c->message);
}

/* ---- the checks -------------------------------------------------------- */

static void check_begin(fd_check *c, fd_check_code code, const char *path)
{
    memset(c, 0, sizeof *c);
    c->code = code;
    c->severity = fd_check_code_severity(code);
    c->ok = FD_TRI_NULL;
    c->stated = num_none();
    c->recomputed = num_none();
    (void)fd_snprintf(c->path, sizeof c->path, "%s", path);
}

static void judge(fd_check *c, const fd_rules *rules)
{
    if (c->stated.present && c->recomputed.present)
        c->ok = fd_agrees(c->stated, c->recomputed.value, rules) ? FD_TRI_TRUE : FD_TRI_FALSE;
}

static void eval_funds_rate(const fd_form *f, const fd_rules *rules, fd_check *c)
{
    const fd_num *t = f->funds[FD_FUNDS_TOTAL];
    check_begin(c, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct");
    c->stated = stated_num(f, c->path, t[FD_COL_RATE], 1);
    if (t[FD_COL_ANNUAL].present && t[FD_COL_EXECUTED].present && t[FD_COL_ANNUAL].value != 0.0)
        c->recomputed = num_calc(t[FD_COL_EXECUTED].value / t[FD_COL_ANNUAL].value * 100.0);
    judge(c, rules);
    msg_compare(c, "执行率", "全年执行数/全年预算数", "%");
}

static void eval_funds_score(const fd_form *f, const fd_rules *rules, fd_check *c)
{
    const fd_num *t = f->funds[FD_FUNDS_TOTAL];
    check_begin(c, FD_CHECK_FUNDS_SCORE, "/funds/total/score");
    c->stated = stated_num(f, c->path, t[FD_COL_SCORE], 0);
    if (t[FD_COL_WEIGHT].present && t[FD_COL_ANNUAL].present && t[FD_COL_EXECUTED].present &&
        t[FD_COL_ANNUAL].value != 0.0) {
        double rate = t[FD_COL_EXECUTED].value / t[FD_COL_ANNUAL].value;
        if (rate > rules->funds_rate_cap) rate = rules->funds_rate_cap;
        c->recomputed = num_calc(t[FD_COL_WEIGHT].value * rate);
    }
    judge(c, rules);
    msg_compare(c, "预算执行率得分", "分值×执行率", "");
}

static void eval_funds_parts(const fd_form *f, const fd_rules *rules, size_t col, fd_check *c)
{
    static const char *const labels[] = {"年度资金总额（年初预算数）", "年度资金总额（全年预算数）",
                                         "年度资金总额（全年执行数）"};
    char path[FD_PATH_MAX];
    double sum = 0.0;
    int any = 0, row;
    (void)fd_snprintf(path, sizeof path, "/funds/total/%s", fd_funds_col_key[col]);
    check_begin(c, FD_CHECK_FUNDS_PARTS, path);
    c->stated = stated_num(f, c->path, f->funds[FD_FUNDS_TOTAL][col], 0);
    for (row = FD_FUNDS_FISCAL; row < FD_FUNDS_ROWS; row++) {
        if (f->funds[row][col].present) {
            sum += f->funds[row][col].value; /* a null part counts as 0 */
            any = 1;
        }
    }
    if (any) c->recomputed = num_calc(sum);
    judge(c, rules);
    msg_compare(c, labels[col], "各来源之和", "");
}

static void eval_sum(const fd_form *f, const fd_rules *rules, int weights, fd_check *c)
{
    fd_num head = weights ? f->funds[FD_FUNDS_TOTAL][FD_COL_WEIGHT]
                          : f->funds[FD_FUNDS_TOTAL][FD_COL_SCORE];
    double sum;
    int complete = head.present;
    size_t i;
    check_begin(c, weights ? FD_CHECK_WEIGHT_SUM : FD_CHECK_SCORE_SUM,
                weights ? "/total/weight" : "/total/score");
    c->stated = stated_num(f, c->path, weights ? f->total_weight : f->total_score, 0);
    sum = head.value;
    for (i = 0; i < f->n_indicators && complete; i++) {
        const fd_num *n = weights ? &f->indicators[i].weight : &f->indicators[i].score;
        if (!n->present) complete = 0;
        sum += n->value;
    }
    if (complete) c->recomputed = num_calc(sum);
    judge(c, rules);
    if (weights) msg_compare(c, "总分分值", "各项分值之和", "");
    else msg_compare(c, "总分得分", "各项得分之和", "");
}

static void eval_total_weight(const fd_form *f, const fd_rules *rules, fd_check *c)
{
    check_begin(c, FD_CHECK_TOTAL_WEIGHT, "/total/weight");
    c->stated = stated_num(f, c->path, f->total_weight, 0);
    c->recomputed = num_of(rules->total_weight, -1);
    judge(c, rules);
    msg_compare(c, "总分分值", "规定总分", "");
}

static void ind_path(char *buf, size_t size, size_t i, const char *field)
{
    (void)fd_snprintf(buf, size, "/indicators/%zu/%s", i, field);
}

static void eval_score_range(const fd_form *f, size_t i, fd_check *c)
{
    const fd_indicator *ind = &f->indicators[i];
    char path[FD_PATH_MAX], s[48], w[48];
    ind_path(path, sizeof path, i, "score");
    check_begin(c, FD_CHECK_SCORE_RANGE, path);
    c->stated = stated_num(f, c->path, ind->score, 0);
    if (!ind->score.present || !ind->weight.present) {
        (void)fd_snprintf(c->message, sizeof c->message, "%s",
                          ind->score.present ? "未填写分值，无法核对" : "未填写得分，无法核对");
        return;
    }
    {
        /* recomputed: the nearest score the range allows */
        double sc = ind->score.value, wt = ind->weight.value;
        double clamped = sc > wt ? wt : sc;
        if (clamped < 0.0) clamped = 0.0;
        c->recomputed = num_of(clamped, -1);
        c->ok = (sc >= 0.0 && sc <= wt) ? FD_TRI_TRUE : FD_TRI_FALSE;
    }
    fmt_stated(s, sizeof s, c->stated);
    fmt_calc(w, sizeof w, ind->weight.value);
    (void)fd_snprintf(c->message, sizeof c->message, "得分 %s %s 0–%s%s", s,
                      c->ok == FD_TRI_TRUE ? "在" : "超出", w, c->ok == FD_TRI_TRUE ? " 之内" : "");
    fix_utf8_tail(c->message);
}

static void eval_attainment(const fd_form *f, const fd_rules *rules, size_t i, int over,
                            fd_check *c)
{
    const fd_indicator *ind = &f->indicators[i];
    char path[FD_PATH_MAX], s[48], r[48];
    double rs = 0.0, lo = 0.0, hi = 0.0, bound;
    rule_why why = WHY_MISSING;
    int n, fails;
    const char *what;

    ind_path(path, sizeof path, i, "score");
    check_begin(c, over ? FD_CHECK_INDICATOR_OVER : FD_CHECK_INDICATOR_UNDER, path);
    c->stated = stated_num(f, c->path, ind->score, 0);
    n = rule_score_ex(ind, rules, &rs, &lo, &hi, &why);
    if (n == 0 || !c->stated.present) {
        const char *note = "缺少得分，无法核对";
        if (c->stated.present) {
            switch (why) {
            case WHY_UNITS: note = "指标值与完成值单位不同，无规则得分"; break;
            case WHY_NOT_MET: note = "完成值与指标值不一致（定性），无规则得分"; break;
            case WHY_NO_RULE: note = "该指标值无计分规则"; break;
            case WHY_MISSING:
            case WHY_SCORE: note = "缺少分值、指标值或完成值，无规则得分"; break;
            }
        } else if (n == 1) {
            c->recomputed = num_of(rs, rules->round_decimals);
        } else if (n == 2) {
            c->recomputed = num_of(over ? hi : lo, rules->round_decimals);
        }
        (void)fd_snprintf(c->message, sizeof c->message, "%s", note);
        return;
    }
    bound = n == 1 ? rs : (over ? hi : lo);
    c->recomputed = num_of(bound, rules->round_decimals);
    if (fd_agrees(c->stated, bound, rules)) fails = 0;
    else fails = over ? c->stated.value > bound : c->stated.value < bound;
    c->ok = fails ? FD_TRI_FALSE : FD_TRI_TRUE;

    if (n == 1) what = "规则得分";
    else what = over ? "达成区间上限" : "达成区间下限";
    fmt_stated(s, sizeof s, c->stated);
    fmt_calc(r, sizeof r, bound);
    (void)fd_snprintf(c->message, sizeof c->message, "得分 %s %s%s%s %s", s, fails ? "" : "未",
                      over ? "高于" : "低于", what, r);
    fix_utf8_tail(c->message);
}

static void eval_reason(const fd_form *f, size_t i, fd_check *c)
{
    const fd_indicator *ind = &f->indicators[i];
    char path[FD_PATH_MAX], spath[FD_PATH_MAX], s[48], w[48];
    int below, has_reason;
    ind_path(path, sizeof path, i, "deviation_reason");
    check_begin(c, FD_CHECK_REASON_MISSING, path);
    /* stated: the score that may call for a reason; recomputed: the weight */
    ind_path(spath, sizeof spath, i, "score");
    c->stated = stated_num(f, spath, ind->score, 0);
    if (ind->weight.present) c->recomputed = num_of(ind->weight.value, -1);
    if (!ind->score.present || !ind->weight.present) {
        (void)fd_snprintf(c->message, sizeof c->message, "%s", "缺少得分或分值，无法核对");
        return;
    }
    below = ind->score.value < ind->weight.value;
    has_reason = !fd_text_is_null(ind->deviation_reason);
    c->ok = below && !has_reason ? FD_TRI_FALSE : FD_TRI_TRUE;
    fmt_stated(s, sizeof s, c->stated);
    fmt_calc(w, sizeof w, ind->weight.value);
    if (!below)
        (void)fd_snprintf(c->message, sizeof c->message, "得分 %s 未低于分值 %s，无需偏差原因", s, w);
    else
        (void)fd_snprintf(c->message, sizeof c->message, "得分 %s < 分值 %s，%s", s, w,
                          has_reason ? "已填写偏差原因" : "未填写偏差原因");
    fix_utf8_tail(c->message);
}

static void eval_check(const fd_form *f, const fd_rules *rules, fd_check_code code, size_t idx,
                       fd_check *c)
{
    switch (code) {
    case FD_CHECK_FUNDS_RATE: eval_funds_rate(f, rules, c); return;
    case FD_CHECK_FUNDS_SCORE: eval_funds_score(f, rules, c); return;
    case FD_CHECK_FUNDS_PARTS: eval_funds_parts(f, rules, idx, c); return;
    case FD_CHECK_SCORE_RANGE: eval_score_range(f, idx, c); return;
    case FD_CHECK_WEIGHT_SUM: eval_sum(f, rules, 1, c); return;
    case FD_CHECK_SCORE_SUM: eval_sum(f, rules, 0, c); return;
    case FD_CHECK_TOTAL_WEIGHT: eval_total_weight(f, rules, c); return;
    case FD_CHECK_INDICATOR_OVER: eval_attainment(f, rules, idx, 1, c); return;
    case FD_CHECK_INDICATOR_UNDER: eval_attainment(f, rules, idx, 0, c); return;
    case FD_CHECK_REASON_MISSING: eval_reason(f, idx, c); return;
    case FD_CHECK_COUNT: break;
    }
    check_begin(c, code, "");
}

/* ---- ocr_suspect ------------------------------------------------------- */

/* Where a number input lives in f, or NULL when the input is not a number
 * (a measure, a reason) or out of range. */
static fd_num *loc_num(fd_form *f, const loc *l)
{
    switch (l->kind) {
    case LOC_FUNDS: return &f->funds[l->row][l->col];
    case LOC_TOTAL_WEIGHT: return &f->total_weight;
    case LOC_TOTAL_SCORE: return &f->total_score;
    case LOC_IND_WEIGHT: return l->ind < f->n_indicators ? &f->indicators[l->ind].weight : NULL;
    case LOC_IND_SCORE: return l->ind < f->n_indicators ? &f->indicators[l->ind].score : NULL;
    default: return NULL;
    }
}

/* Puts the alternative reading alt of input l into the copy *tmp (whose
 * indicators array is the scratch copy inds). Returns 1 when alt reads as
 * a value of the input's kind and was substituted, 0 when it does not,
 * -1 when out of memory. Strings it allocates go to *owned_measure and
 * *owned_text; the caller releases them. */
static int substitute(fd_form *tmp, fd_indicator *inds, const loc *l, const char *alt,
                      fd_measure *owned_measure, char **owned_text)
{
    fd_num n;
    fd_status st = FD_OK;
    fd_num *slot = loc_num(tmp, l); /* tmp->indicators is inds */
    switch (l->kind) {
    case LOC_FUNDS:
    case LOC_TOTAL_WEIGHT:
    case LOC_TOTAL_SCORE:
    case LOC_IND_WEIGHT:
    case LOC_IND_SCORE: {
        fd_parse_result r = l->kind == LOC_FUNDS && l->col == FD_COL_RATE ? fd_parse_percent(alt, &n)
                                                                          : fd_parse_amount(alt, &n);
        if (r != FD_PARSE_OK || slot == NULL) return 0;
        *slot = n;
        return 1;
    }
    case LOC_IND_TARGET:
    case LOC_IND_ACTUAL:
        if (fd_parse_measure(alt, owned_measure, &st) != FD_PARSE_OK) return st == FD_OK ? 0 : -1;
        if (l->kind == LOC_IND_TARGET) inds[l->ind].target = *owned_measure;
        else inds[l->ind].actual = *owned_measure;
        return 1;
    case LOC_IND_REASON:
        if (fd_text_is_null(alt)) return 0;
        *owned_text = fd_text_normalize(alt);
        if (*owned_text == NULL) return -1;
        inds[l->ind].deviation_reason = *owned_text;
        return 1;
    }
    return 0;
}

/* A number cell whose reading has digits but gave no value (the reading
 * did not parse: "3,4138,1380.00"): the check counted it as empty, and
 * the paper says otherwise. A cell read as empty or a dash has no digits. */
static int unread_number(const fd_form *f, const loc *l, const fd_prov *pv)
{
    const fd_num *n = loc_num((fd_form *)(uintptr_t)f, l); /* only read */
    return n != NULL && !n->present && pv != NULL && pv->text != NULL &&
           strpbrk(pv->text, "0123456789") != NULL;
}

static fd_status find_suspect(const fd_form *f, const fd_rules *rules, fd_check_code code,
                              size_t idx, int *suspect, fd_diag *dg)
{
    fd_status st = FD_OK;
    fd_indicator *inds = NULL;
    fd_form tmp;
    size_t k, a;
    loc l;

    *suspect = 0;
    for (k = 0; check_input(f, code, idx, k, &l); k++) {
        const fd_prov *pv = find_prov_loc(f, &l);
        if ((pv != NULL && pv->conf < rules->low_confidence) || unread_number(f, &l, pv)) {
            *suspect = 1;
            goto cleanup;
        }
    }

    if (f->n_indicators > 0) {
        inds = fd_malloc(f->n_indicators * sizeof *inds);
        if (inds == NULL) {
            st = fd_diag_fail(dg, FD_ERR_NOMEM, "scoring: out of memory");
            goto cleanup;
        }
        memcpy(inds, f->indicators, f->n_indicators * sizeof *inds);
    }
    for (k = 0; check_input(f, code, idx, k, &l) && !*suspect; k++) {
        const fd_prov *pv = find_prov_loc(f, &l);
        if (pv == NULL) continue;
        for (a = 0; a < pv->n_alternatives && !*suspect; a++) {
            fd_measure m;
            char *text = NULL;
            fd_check c;
            int r;
            if (pv->alternatives == NULL || pv->alternatives[a] == NULL) continue;
            /* A shallow copy: shares every string with f, which is only read. */
            tmp = *f;
            tmp.indicators = inds;
            if (l.kind != LOC_FUNDS && l.kind != LOC_TOTAL_WEIGHT && l.kind != LOC_TOTAL_SCORE)
                inds[l.ind] = f->indicators[l.ind];
            memset(&m, 0, sizeof m);
            r = substitute(&tmp, inds, &l, pv->alternatives[a], &m, &text);
            if (r < 0) {
                st = fd_diag_fail(dg, FD_ERR_NOMEM, "scoring: out of memory");
                goto cleanup;
            }
            if (r > 0) {
                eval_check(&tmp, rules, code, idx, &c);
                if (c.ok == FD_TRI_TRUE) *suspect = 1;
            }
            if (l.kind != LOC_FUNDS && l.kind != LOC_TOTAL_WEIGHT && l.kind != LOC_TOTAL_SCORE)
                inds[l.ind] = f->indicators[l.ind];
            fd_measure_clear(&m);
            fd_free(text);
        }
    }

cleanup:
    fd_free(inds);
    return st;
}

/* ---- driver ------------------------------------------------------------ */

static fd_status run_one(const fd_form *f, const fd_rules *rules, fd_check_code code, size_t idx,
                         fd_checklist *out, fd_diag *dg)
{
    fd_check c;
    fd_status st;
    eval_check(f, rules, code, idx, &c);
    if (c.ok == FD_TRI_FALSE) {
        st = find_suspect(f, rules, code, idx, &c.ocr_suspect, dg);
        if (st != FD_OK) return st;
    }
    st = fd_checklist_push(out, &c);
    if (st != FD_OK) return fd_diag_fail(dg, st, "scoring: out of memory");
    return FD_OK;
}

fd_status fd_score_form(const fd_form *form, const fd_rules *rules, fd_checklist *out,
                        fd_diag *dg)
{
    static const fd_check_code per_indicator[] = {FD_CHECK_SCORE_RANGE, FD_CHECK_INDICATOR_OVER,
                                                  FD_CHECK_INDICATOR_UNDER,
                                                  FD_CHECK_REASON_MISSING};
    fd_status st = FD_OK;
    int any_error = 0, any_warning = 0;
    size_t i, k;

    if (form == NULL || rules == NULL || out == NULL) {
        return fd_diag_fail(dg, FD_ERR_USAGE, "fd_score_form: form, rules and out are required");
    }
    if (form->n_indicators > 0 && form->indicators == NULL) {
        return fd_diag_fail(dg, FD_ERR_INTERNAL, "fd_score_form: indicators missing");
    }

    if ((st = run_one(form, rules, FD_CHECK_FUNDS_RATE, 0, out, dg)) != FD_OK) goto cleanup;
    if ((st = run_one(form, rules, FD_CHECK_FUNDS_SCORE, 0, out, dg)) != FD_OK) goto cleanup;
    for (k = FD_COL_INITIAL; k <= FD_COL_EXECUTED; k++) {
        if ((st = run_one(form, rules, FD_CHECK_FUNDS_PARTS, k, out, dg)) != FD_OK) goto cleanup;
    }
    if ((st = run_one(form, rules, FD_CHECK_WEIGHT_SUM, 0, out, dg)) != FD_OK) goto cleanup;
    if ((st = run_one(form, rules, FD_CHECK_SCORE_SUM, 0, out, dg)) != FD_OK) goto cleanup;
    if ((st = run_one(form, rules, FD_CHECK_TOTAL_WEIGHT, 0, out, dg)) != FD_OK) goto cleanup;
    for (i = 0; i < form->n_indicators; i++) {
        for (k = 0; k < sizeof per_indicator / sizeof per_indicator[0]; k++) {
            if ((st = run_one(form, rules, per_indicator[k], i, out, dg)) != FD_OK) goto cleanup;
        }
    }

    for (i = 0; i < out->count; i++) {
        if (out->items[i].ok != FD_TRI_FALSE) continue;
        if (out->items[i].severity == FD_SEV_ERROR) any_error = 1;
        else if (out->items[i].severity == FD_SEV_WARNING) any_warning = 1;
    }
    out->verdict = any_error ? FD_VERDICT_ERRORS : any_warning ? FD_VERDICT_WARNINGS : FD_VERDICT_OK;

cleanup:
    if (st != FD_OK) fd_checklist_clear(out);
    return st;
}
