/*
 * score module: every check code (stated vs recomputed, tolerance edges,
 * null inputs), the attainment rule, the verdict, ocr_suspect, and the
 * three seed forms built by hand (../shared/seed/seed-forms.json).
 */
#include "score.h"
#include "value.h"

#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* UTF-8 spellings used below */
#define REN "\xE4\xBA\xBA"                 /* 人 */
#define GE_ "\xE4\xB8\xAA"                 /* 个 */
#define WANYUAN "\xE4\xB8\x87\xE5\x85\x83" /* 万元 */
#define YUAN "\xE5\x85\x83"                /* 元 */
#define CI "\xE6\xAC\xA1"                  /* 次 */
#define JIA "\xE5\xAE\xB6"                 /* 家 */
#define MIAN "\xE9\x9D\xA2"                /* 面 */
#define XIANG "\xE9\xA1\xB9"               /* 项 */
#define YUE "\xE6\x9C\x88"                 /* 月 */
#define GUIFAN "\xE8\xA7\x84\xE8\x8C\x83"  /* 规范 */
#define JISHI "\xE5\x8F\x8A\xE6\x97\xB6"   /* 及时 */
#define QUANNIAN "\xE5\x85\xA8\xE5\xB9\xB4" /* 全年 */
#define LIANGHAO "\xE8\x89\xAF\xE5\xA5\xBD" /* 良好 */
#define TISHENG "\xE6\x8F\x90\xE5\x8D\x87"  /* 提升 */
#define WANSHAN "\xE5\xAE\x8C\xE5\x96\x84"  /* 完善 */
#define HEXIE "\xE5\x92\x8C\xE8\xB0\x90"    /* 和谐 */
#define REASON "\xE6\x96\xB0\xE5\xA2\x9E"   /* 新增 */

/* ---- building forms ---------------------------------------------------- */

typedef struct ind_spec {
    const char *target;
    const char *actual;
    double weight; /* < 0: null */
    double score;  /* < 0: null */
    const char *reason;
} ind_spec;

static fd_num num_or_null(double v)
{
    return v < 0.0 ? fd_num_null() : fd_num_make(v, -1);
}

static void add_ind(fd_form *f, const ind_spec *s)
{
    fd_indicator *ind = fd_form_add_indicator(f);
    fd_status st = FD_OK;
    T_CHECK(ind != NULL);
    if (ind == NULL) return;
    if (s->target) (void)fd_parse_measure(s->target, &ind->target, &st);
    if (s->actual) (void)fd_parse_measure(s->actual, &ind->actual, &st);
    T_EQ_INT(st, FD_OK);
    ind->weight = num_or_null(s->weight);
    ind->score = num_or_null(s->score);
    ind->deviation_reason = fd_strdup(s->reason);
}

/* A consistent small form: funds 10 of 100, indicators as given. */
static void base_form(fd_form *f)
{
    fd_form_init(f);
    f->funds[FD_FUNDS_TOTAL][FD_COL_INITIAL] = fd_num_make(1000.0, 0);
    f->funds[FD_FUNDS_TOTAL][FD_COL_ANNUAL] = fd_num_make(1000.0, 0);
    f->funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED] = fd_num_make(1000.0, 0);
    f->funds[FD_FUNDS_TOTAL][FD_COL_WEIGHT] = fd_num_make(10.0, 0);
    f->funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(100.0, 2);
    f->funds[FD_FUNDS_TOTAL][FD_COL_SCORE] = fd_num_make(10.0, 0);
    f->funds[FD_FUNDS_FISCAL][FD_COL_INITIAL] = fd_num_make(1000.0, 0);
    f->funds[FD_FUNDS_FISCAL][FD_COL_ANNUAL] = fd_num_make(1000.0, 0);
    f->funds[FD_FUNDS_FISCAL][FD_COL_EXECUTED] = fd_num_make(1000.0, 0);
}

static const fd_check *find_check(const fd_checklist *cl, fd_check_code code, const char *path)
{
    size_t i;
    for (i = 0; i < cl->count; i++) {
        if (cl->items[i].code == code && strcmp(cl->items[i].path, path) == 0) return &cl->items[i];
    }
    return NULL;
}

/* Scores f with rules (defaults when NULL) into cl; returns the status. */
static fd_status score(const fd_form *f, const fd_rules *rules, fd_checklist *cl)
{
    fd_rules def;
    fd_diag dg;
    fd_diag_init(&dg);
    memset(cl, 0, sizeof *cl);
    if (rules == NULL) {
        fd_rules_default(&def);
        rules = &def;
    }
    return fd_score_form(f, rules, cl, &dg);
}

/* The ok of one check, or -2 when it was not listed. */
static int ok_of(const fd_checklist *cl, fd_check_code code, const char *path)
{
    const fd_check *c = find_check(cl, code, path);
    return c ? (int)c->ok : -2;
}

/* ---- rules and tolerance ---------------------------------------------- */

static void test_rules_default(void)
{
    fd_rules r;
    memset(&r, 0x5A, sizeof r);
    fd_rules_default(&r);
    T_EQ_INT(r.op_rule[FD_OP_EQ], FD_RULE_POSITIVE);
    T_EQ_INT(r.op_rule[FD_OP_GE], FD_RULE_POSITIVE);
    T_EQ_INT(r.op_rule[FD_OP_GT], FD_RULE_POSITIVE);
    T_EQ_INT(r.op_rule[FD_OP_LE], FD_RULE_REVERSE);
    T_EQ_INT(r.op_rule[FD_OP_LT], FD_RULE_REVERSE);
    T_EQ_INT(r.op_rule[FD_OP_NONE], FD_RULE_NONE);
    T_EQ_INT(r.round_decimals, 2);
    T_EQ_DBL(r.qualitative_low, 0.8, 0.0);
    T_EQ_DBL(r.qualitative_high, 1.0, 0.0);
    T_EQ_DBL(r.tolerance_half_unit, 0.5, 0.0);
    T_EQ_DBL(r.tolerance_extra, 0.01, 0.0);
    T_EQ_INT(r.units_must_match, 1);
    T_EQ_DBL(r.funds_rate_cap, 1.0, 0.0);
    T_EQ_DBL(r.total_weight, 100.0, 0.0);
    T_EQ_DBL(r.low_confidence, 60.0, 0.0);
    T_EQ_STR(r.name, "default");
}

static void test_agrees(void)
{
    static const struct {
        double stated;
        int decimals;
        double recomputed;
        int agrees;
    } cases[] = {
        {86.19, 2, 86.18, 1},    /* the contract's examples */
        {5.0, 0, 4.517, 1},
        {10.0, 0, 8.62, 0},
        {86.19, 2, 86.175, 1},   /* 0.015: on the bound */
        {86.19, 2, 86.174, 0},   /* just outside */
        {86.19, 2, 86.206, 0},
        {5.0, 0, 4.49, 1},       /* 0.51: on the bound */
        {5.0, 0, 4.48, 0},
        {5.0, 0, 5.52, 0},
        {100.0, 2, 99.99, 1},    /* "100.00%" */
        {100.0, 2, 99.98, 0},
        {100.0, 0, 99.5, 1},     /* "100" */
        {2.5, 1, 2.56, 1},
        {2.5, 1, 2.57, 0},
        {86.2, -1, 86.15, 1},    /* decimals from the number: 1 */
        {86.2, -1, 86.13, 0},
        {96.0, -1, 95.5, 1},
        {96.0, -1, 95.4, 0},
    };
    fd_rules r;
    size_t i;
    fd_rules_default(&r);
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_num s = fd_num_make(cases[i].stated, cases[i].decimals);
        T_CHECK_MSG(fd_agrees(s, cases[i].recomputed, &r) == cases[i].agrees,
                    "fd_agrees(%g/%d, %g) != %d", cases[i].stated, cases[i].decimals,
                    cases[i].recomputed, cases[i].agrees);
    }
    T_EQ_INT(fd_agrees(fd_num_null(), 0.0, &r), 0);
    /* a stricter rule set */
    r.tolerance_extra = 0.0;
    T_EQ_INT(fd_agrees(fd_num_make(86.19, 2), 86.18, &r), 0);
    T_EQ_INT(fd_agrees(fd_num_make(5.0, 0), 4.517, &r), 1);
}

/* ---- attainment rule ---------------------------------------------------- */

static void test_rule_score(void)
{
    static const struct {
        ind_spec s;
        int kind;   /* fd_rule_score's return */
        double a, b; /* score, or [low, high] */
    } cases[] = {
        {{"=51" GE_, "52" GE_, 5, 3, NULL}, 1, 5.0, 0},         /* positive, over target */
        {{"=14" REN, "15" REN, 5, 3, NULL}, 1, 5.0, 0},
        {{"=108" GE_, "98" GE_, 3, 2, NULL}, 1, 2.72, 0},       /* 3×98/108 = 2.7222 */
        {{"=1603" REN, "1237" REN, 3, 2, NULL}, 1, 2.32, 0},    /* 2.3150 */
        {{"=106" REN, "97" REN, 3, 2, NULL}, 1, 2.75, 0},       /* 2.7453 */
        {{">=85%", "85%", 2, 2, NULL}, 1, 2.0, 0},
        {{">=90%", "80%", 4, 4, NULL}, 1, 3.56, 0},             /* 3.5556 */
        {{">5" GE_, "5" GE_, 3, 3, NULL}, 1, 3.0, 0},           /* > counts like >= */
        {{">85%", "80%", 4, 4, NULL}, 1, 3.76, 0},
        {{"<=3" WANYUAN, "<=3" WANYUAN, 3, 3, NULL}, 1, 3.0, 0}, /* actual repeats op */
        {{"<=3" WANYUAN, "4" WANYUAN, 3, 3, NULL}, 1, 2.0, 0},   /* 3×(1−1/3) */
        {{"<=10" CI, "25" CI, 5, 0, NULL}, 1, 0.0, 0},          /* max(0, …) */
        {{"<5", "6", 5, 4, NULL}, 1, 4.0, 0},                   /* 5×0.8 */
        {{"<5", "2", 5, 5, NULL}, 1, 5.0, 0},
        {{"=0" CI, "0" CI, 2, 2, NULL}, 1, 2.0, 0},
        {{"<=3" WANYUAN, "30000" YUAN, 3, 3, NULL}, 0, 0, 0},   /* units differ */
        {{"=5" GE_, "5", 3, 3, NULL}, 0, 0, 0},                 /* unit vs no unit */
        {{"=5", "5", 3, 3, NULL}, 1, 3.0, 0},                   /* both without unit */
        {{"=5" GE_, GUIFAN, 3, 3, NULL}, 0, 0, 0},              /* actual not a number */
        {{"=5" GE_, NULL, 3, 3, NULL}, 0, 0, 0},
        {{"=5" GE_, "5" GE_, -1, 3, NULL}, 0, 0, 0},            /* weight null */
        {{GUIFAN, GUIFAN, 5, 5, NULL}, 2, 4.0, 5.0},            /* qualitative met */
        {{GUIFAN, "\xE8\xA7\x84 \xE8\x8C\x83", 5, 5, NULL}, 2, 4.0, 5.0}, /* 规 范 */
        {{LIANGHAO, LIANGHAO, 3, 3, NULL}, 2, 2.4, 3.0},
        {{JISHI, "\xE4\xB8\x8D" JISHI, 4, 4, NULL}, 0, 0, 0},   /* 及时 vs 不及时 */
        {{JISHI, NULL, 4, 4, NULL}, 0, 0, 0},
        {{"100%", "100%", 6, 6, NULL}, 2, 4.8, 6.0},            /* no op: texts compared */
    };
    fd_rules r;
    size_t i;
    fd_rules_default(&r);
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_form f;
        double s = -99, lo = -99, hi = -99;
        int k;
        fd_form_init(&f);
        add_ind(&f, &cases[i].s);
        k = fd_rule_score(&f.indicators[0], &r, &s, &lo, &hi);
        T_CHECK_MSG(k == cases[i].kind, "rule case %zu (%s / %s): kind %d, want %d", i,
                    cases[i].s.target, cases[i].s.actual ? cases[i].s.actual : "null", k,
                    cases[i].kind);
        if (cases[i].kind == 1)
            T_CHECK_MSG(s == cases[i].a, "rule case %zu: score %.17g, want %g", i, s, cases[i].a);
        if (cases[i].kind == 2)
            T_CHECK_MSG(lo == cases[i].a && hi == cases[i].b, "rule case %zu: [%g, %g], want [%g, %g]",
                        i, lo, hi, cases[i].a, cases[i].b);
        fd_form_clear(&f);
    }
    /* texts as a hand-made JSON may hold them: compared without whitespace */
    {
        fd_form f;
        double s = -1, lo = -1, hi = -1;
        ind_spec q = {GUIFAN, GUIFAN, 5, 5, NULL};
        fd_form_init(&f);
        add_ind(&f, &q);
        fd_free(f.indicators[0].actual.text);
        f.indicators[0].actual.text = fd_strdup(" \xE8\xA7\x84\n\xE8\x8C\x83\xE3\x80\x80"); /* " 规\n范　" */
        T_EQ_INT(fd_rule_score(&f.indicators[0], &r, &s, &lo, &hi), 2);
        T_EQ_DBL(hi, 5.0, 0.0);
        fd_free(f.indicators[0].actual.text);
        f.indicators[0].actual.text = fd_strdup("\xE8\xA7\x84\xE8\x8C\x83\xE5\x8C\x96"); /* 规范化 */
        T_EQ_INT(fd_rule_score(&f.indicators[0], &r, &s, &lo, &hi), 0);
        fd_free(f.indicators[0].actual.text);
        f.indicators[0].actual.text = fd_strdup("  ");
        fd_free(f.indicators[0].target.text);
        f.indicators[0].target.text = fd_strdup("");
        T_EQ_INT(fd_rule_score(&f.indicators[0], &r, &s, &lo, &hi), 0); /* nothing stated */
        fd_form_clear(&f);
    }
    /* other rules: no score for =, no unit check, 1 decimal, 0.6 low */
    {
        fd_form f;
        double s = -1, lo = -1, hi = -1;
        ind_spec a = {"=108" GE_, "98" GE_, 3, 2, NULL};
        ind_spec b = {"<=3" WANYUAN, "30000" YUAN, 3, 3, NULL};
        ind_spec c = {GUIFAN, GUIFAN, 5, 5, NULL};
        fd_form_init(&f);
        add_ind(&f, &a);
        add_ind(&f, &b);
        add_ind(&f, &c);
        r.round_decimals = 1;
        T_EQ_INT(fd_rule_score(&f.indicators[0], &r, &s, &lo, &hi), 1);
        T_EQ_DBL(s, 2.7, 1e-12);
        r.op_rule[FD_OP_EQ] = FD_RULE_NONE;
        T_EQ_INT(fd_rule_score(&f.indicators[0], &r, &s, &lo, &hi), 0);
        r.units_must_match = 0;
        T_EQ_INT(fd_rule_score(&f.indicators[1], &r, &s, &lo, &hi), 1);
        T_EQ_DBL(s, 0.0, 0.0); /* 30000 vs 3, as written: far over the cap */
        r.qualitative_low = 0.6;
        T_EQ_INT(fd_rule_score(&f.indicators[2], &r, &s, &lo, &hi), 2);
        T_EQ_DBL(lo, 3.0, 1e-12);
        fd_form_clear(&f);
    }
}

/* ---- single checks ------------------------------------------------------ */

static void test_funds_rate_score(void)
{
    static const struct {
        double annual, executed; /* < 0: null */
        double rate;             /* stated; < 0: null */
        int rate_dec;
        int rate_ok;
        double weight, score;
        int score_dec;
        int score_ok;
        double rate_recomputed;
    } cases[] = {
        {10000, 8618, 86.19, 2, FD_TRI_TRUE, 10, 9, 0, FD_TRI_TRUE, 86.18},    /* 8.618 */
        {10000, 8618, 86.21, 2, FD_TRI_FALSE, 10, 8, 0, FD_TRI_FALSE, 86.18},
        {10000, 4517, 45.17, 2, FD_TRI_TRUE, 10, 5, 0, FD_TRI_TRUE, 45.17},    /* "5" vs 4.517 */
        {1000, 862, 86.2, 1, FD_TRI_TRUE, 10, 10, 0, FD_TRI_FALSE, 86.2},      /* "10" vs 8.62 */
        {1000, 1200, 120.0, 2, FD_TRI_TRUE, 10, 10, 0, FD_TRI_TRUE, 120.0},    /* capped at 1 */
        {1000, 1200, 100.0, 2, FD_TRI_FALSE, 10, 12, 0, FD_TRI_FALSE, 120.0},
        {-1, 862, 86.2, 1, FD_TRI_NULL, 10, 10, 0, FD_TRI_NULL, -1},
        {1000, -1, 86.2, 1, FD_TRI_NULL, 10, 10, 0, FD_TRI_NULL, -1},
        {0, 0, 100, 2, FD_TRI_NULL, 10, 10, 0, FD_TRI_NULL, -1},               /* nothing budgeted */
        {1000, 862, -1, 0, FD_TRI_NULL, -1, 10, 0, FD_TRI_NULL, 86.2},
        {1000, 862, 86.2, 1, FD_TRI_TRUE, 10, -1, 0, FD_TRI_NULL, 86.2},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_form f;
        fd_checklist cl;
        const fd_check *c;
        fd_num *t;
        base_form(&f);
        t = f.funds[FD_FUNDS_TOTAL];
        t[FD_COL_ANNUAL] = cases[i].annual < 0 ? fd_num_null() : fd_num_make(cases[i].annual, 0);
        t[FD_COL_EXECUTED] =
            cases[i].executed < 0 ? fd_num_null() : fd_num_make(cases[i].executed, 0);
        t[FD_COL_RATE] = cases[i].rate < 0 ? fd_num_null() : fd_num_make(cases[i].rate, cases[i].rate_dec);
        t[FD_COL_WEIGHT] = cases[i].weight < 0 ? fd_num_null() : fd_num_make(cases[i].weight, 0);
        t[FD_COL_SCORE] =
            cases[i].score < 0 ? fd_num_null() : fd_num_make(cases[i].score, cases[i].score_dec);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct");
        T_CHECK(c != NULL);
        if (c != NULL) {
            T_CHECK_MSG((int)c->ok == cases[i].rate_ok, "rate case %zu: ok %d, want %d", i,
                        (int)c->ok, cases[i].rate_ok);
            T_EQ_INT(c->severity, FD_SEV_ERROR);
            if (cases[i].rate_recomputed >= 0) {
                T_CHECK(c->recomputed.present);
                T_EQ_DBL(c->recomputed.value, cases[i].rate_recomputed, 1e-9);
            } else {
                T_CHECK(!c->recomputed.present);
            }
            T_EQ_INT(c->stated.present, cases[i].rate >= 0);
            if (cases[i].rate >= 0) T_EQ_DBL(c->stated.value, cases[i].rate, 0.0);
        }
        c = find_check(&cl, FD_CHECK_FUNDS_SCORE, "/funds/total/score");
        T_CHECK(c != NULL);
        if (c != NULL)
            T_CHECK_MSG((int)c->ok == cases[i].score_ok, "score case %zu: ok %d, want %d", i,
                        (int)c->ok, cases[i].score_ok);
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }
}

static void test_funds_score_cap_rule(void)
{
    fd_form f;
    fd_checklist cl;
    fd_rules r;
    const fd_check *c;
    base_form(&f);
    f.funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED] = fd_num_make(1100.0, 0);
    f.funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(110.0, 2);
    f.funds[FD_FUNDS_TOTAL][FD_COL_SCORE] = fd_num_make(11.0, 0);
    fd_rules_default(&r);
    T_EQ_INT(score(&f, &r, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_FUNDS_SCORE, "/funds/total/score");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->recomputed.value == 10.0);
    fd_checklist_clear(&cl);
    r.funds_rate_cap = 1.2;
    T_EQ_INT(score(&f, &r, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_FUNDS_SCORE, "/funds/total/score");
    T_CHECK(c && c->ok == FD_TRI_TRUE);
    if (c) T_EQ_DBL(c->recomputed.value, 11.0, 1e-9);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);
}

static void test_funds_parts(void)
{
    static const char *const paths[] = {"/funds/total/initial_budget",
                                        "/funds/total/annual_budget", "/funds/total/executed"};
    static const struct {
        double total, fiscal, carry, other; /* < 0: null */
        int ok;
        double recomputed; /* < 0: none */
    } cases[] = {
        {11999665.86, 11999665.86, -1, -1, FD_TRI_TRUE, 11999665.86}, /* null parts count 0 */
        {11999665.86, 11999665.86, 0, 0, FD_TRI_TRUE, 11999665.86},
        {1000, 800, 150, 50, FD_TRI_TRUE, 1000},
        {1000, 800, 150, 49, FD_TRI_FALSE, 999},
        {1000.00, 800.00, 150.00, 49.99, FD_TRI_TRUE, 999.99},
        {1000.00, 800.00, 150.00, 49.98, FD_TRI_FALSE, 999.98},
        {1000, -1, -1, -1, FD_TRI_NULL, -1},  /* all parts null */
        {-1, 800, 150, 50, FD_TRI_NULL, 1000}, /* total null */
    };
    size_t i;
    int col;
    for (col = FD_COL_INITIAL; col <= FD_COL_EXECUTED; col++) {
        for (i = 0; i < N_ELEMS(cases); i++) {
            fd_form f;
            fd_checklist cl;
            const fd_check *c;
            base_form(&f);
            f.funds[FD_FUNDS_TOTAL][col] = num_or_null(cases[i].total);
            f.funds[FD_FUNDS_FISCAL][col] = num_or_null(cases[i].fiscal);
            f.funds[FD_FUNDS_CARRYOVER][col] = num_or_null(cases[i].carry);
            f.funds[FD_FUNDS_OTHER][col] = num_or_null(cases[i].other);
            /* cases 4 and 5 print "1,000.00": tolerance 0.015 */
            if (i == 4 || i == 5) f.funds[FD_FUNDS_TOTAL][col].decimals = 2;
            T_EQ_INT(score(&f, NULL, &cl), FD_OK);
            c = find_check(&cl, FD_CHECK_FUNDS_PARTS, paths[col]);
            T_CHECK(c != NULL);
            if (c != NULL) {
                T_CHECK_MSG((int)c->ok == cases[i].ok, "parts col %d case %zu: ok %d, want %d", col,
                            i, (int)c->ok, cases[i].ok);
                T_EQ_INT(c->recomputed.present, cases[i].recomputed >= 0);
                if (cases[i].recomputed >= 0) T_EQ_DBL(c->recomputed.value, cases[i].recomputed, 1e-6);
            }
            fd_checklist_clear(&cl);
            fd_form_clear(&f);
        }
    }
}

static void test_totals(void)
{
    /* funds 10/10 + indicators 50/45 + 40/38 → 100 / 93 */
    static const struct {
        double total_w, total_s;
        double w1, s1;
        int weight_sum_ok, score_sum_ok, total_weight_ok;
    } cases[] = {
        {100, 93, 50, 45, FD_TRI_TRUE, FD_TRI_TRUE, FD_TRI_TRUE},
        {100, 95, 50, 45, FD_TRI_TRUE, FD_TRI_FALSE, FD_TRI_TRUE},
        {98, 93, 50, 45, FD_TRI_FALSE, FD_TRI_TRUE, FD_TRI_FALSE},
        {98, 93, 48, 45, FD_TRI_TRUE, FD_TRI_TRUE, FD_TRI_FALSE},
        {-1, 93, 50, 45, FD_TRI_NULL, FD_TRI_TRUE, FD_TRI_NULL},
        {100, -1, 50, 45, FD_TRI_TRUE, FD_TRI_NULL, FD_TRI_TRUE},
        {100, 93, -1, 45, FD_TRI_NULL, FD_TRI_TRUE, FD_TRI_TRUE},
        {100, 93, 50, -1, FD_TRI_TRUE, FD_TRI_NULL, FD_TRI_TRUE},
        {100, 93.5, 50, 45, FD_TRI_TRUE, FD_TRI_FALSE, FD_TRI_TRUE}, /* 93.5 has 1 decimal */
        {100.4, 93, 50, 45, FD_TRI_FALSE, FD_TRI_TRUE, FD_TRI_FALSE},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_form f;
        fd_checklist cl;
        ind_spec a = {GUIFAN, GUIFAN, cases[i].w1, cases[i].s1, NULL};
        ind_spec b = {GUIFAN, GUIFAN, 40, 38, NULL};
        base_form(&f);
        add_ind(&f, &a);
        add_ind(&f, &b);
        f.total_weight = num_or_null(cases[i].total_w);
        f.total_score = num_or_null(cases[i].total_s);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        T_CHECK_MSG(ok_of(&cl, FD_CHECK_WEIGHT_SUM, "/total/weight") == cases[i].weight_sum_ok,
                    "totals case %zu: WEIGHT_SUM %d", i, ok_of(&cl, FD_CHECK_WEIGHT_SUM, "/total/weight"));
        T_CHECK_MSG(ok_of(&cl, FD_CHECK_SCORE_SUM, "/total/score") == cases[i].score_sum_ok,
                    "totals case %zu: SCORE_SUM %d", i, ok_of(&cl, FD_CHECK_SCORE_SUM, "/total/score"));
        T_CHECK_MSG(ok_of(&cl, FD_CHECK_TOTAL_WEIGHT, "/total/weight") == cases[i].total_weight_ok,
                    "totals case %zu: TOTAL_WEIGHT %d", i,
                    ok_of(&cl, FD_CHECK_TOTAL_WEIGHT, "/total/weight"));
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }
}

static void test_score_sum_message(void)
{
    fd_form f;
    fd_checklist cl;
    const fd_check *c;
    ind_spec a = {GUIFAN, GUIFAN, 50, 48, NULL};
    ind_spec b = {GUIFAN, GUIFAN, 40, 38, NULL};
    base_form(&f);
    add_ind(&f, &a);
    add_ind(&f, &b);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(98, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
    T_CHECK(c != NULL);
    if (c != NULL) {
        T_EQ_INT(c->ok, FD_TRI_FALSE);
        T_EQ_INT(c->severity, FD_SEV_ERROR);
        T_EQ_DBL(c->stated.value, 98.0, 0.0);
        T_EQ_DBL(c->recomputed.value, 96.0, 0.0);
        T_EQ_INT(c->ocr_suspect, 0);
        T_EQ_STR(c->message, "\xE6\x80\xBB\xE5\x88\x86\xE5\xBE\x97\xE5\x88\x86 98 \xE2\x89\xA0 "
                             "\xE5\x90\x84\xE9\xA1\xB9\xE5\xBE\x97\xE5\x88\x86\xE4\xB9\x8B\xE5\x92\x8C 96");
        /* 总分得分 98 ≠ 各项得分之和 96 */
    }
    T_EQ_INT(cl.verdict, FD_VERDICT_ERRORS);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);
}

static void test_score_range_reason(void)
{
    static const struct {
        double w, s;
        const char *reason;
        int range_ok, reason_ok;
    } cases[] = {
        {5, 5, NULL, FD_TRI_TRUE, FD_TRI_TRUE},
        {5, 6, NULL, FD_TRI_FALSE, FD_TRI_TRUE},
        {5, 5.01, NULL, FD_TRI_FALSE, FD_TRI_TRUE}, /* exact: no tolerance */
        {5, -1e-9, NULL, FD_TRI_FALSE, FD_TRI_FALSE},
        {5, 0, REASON, FD_TRI_TRUE, FD_TRI_TRUE},
        {5, 3, NULL, FD_TRI_TRUE, FD_TRI_FALSE},
        {5, 3, "  \n", FD_TRI_TRUE, FD_TRI_FALSE},  /* blank */
        {5, 3, "\xE2\x80\x94", FD_TRI_TRUE, FD_TRI_FALSE}, /* a dash */
        {5, 3, REASON, FD_TRI_TRUE, FD_TRI_TRUE},
        {5, 4.99, NULL, FD_TRI_TRUE, FD_TRI_FALSE}, /* exact: 4.99 < 5 */
        {-1, 3, NULL, FD_TRI_NULL, FD_TRI_NULL},
        {5, -1, NULL, FD_TRI_NULL, FD_TRI_NULL},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_form f;
        fd_checklist cl;
        fd_indicator *ind;
        ind_spec a = {GUIFAN, GUIFAN, 5, 5, NULL};
        base_form(&f);
        add_ind(&f, &a);
        ind = &f.indicators[0];
        ind->weight = cases[i].w == -1 ? fd_num_null() : fd_num_make(cases[i].w, -1);
        ind->score = cases[i].s == -1 ? fd_num_null() : fd_num_make(cases[i].s, -1);
        ind->deviation_reason = fd_strdup(cases[i].reason);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        T_CHECK_MSG(ok_of(&cl, FD_CHECK_SCORE_RANGE, "/indicators/0/score") == cases[i].range_ok,
                    "range case %zu: %d", i, ok_of(&cl, FD_CHECK_SCORE_RANGE, "/indicators/0/score"));
        T_CHECK_MSG(ok_of(&cl, FD_CHECK_REASON_MISSING, "/indicators/0/deviation_reason") ==
                        cases[i].reason_ok,
                    "reason case %zu: %d", i,
                    ok_of(&cl, FD_CHECK_REASON_MISSING, "/indicators/0/deviation_reason"));
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }
}

static void test_indicator_over_under(void)
{
    static const struct {
        ind_spec s;
        int over_ok, under_ok;
        double recomputed_over; /* < 0: none */
    } cases[] = {
        {{"=51" GE_, "52" GE_, 5, 3, REASON}, FD_TRI_TRUE, FD_TRI_FALSE, 5.0},
        {{"=51" GE_, "52" GE_, 5, 5, NULL}, FD_TRI_TRUE, FD_TRI_TRUE, 5.0},
        {{"=100" GE_, "50" GE_, 5, 5, NULL}, FD_TRI_FALSE, FD_TRI_TRUE, 2.5},   /* full marks, missed */
        {{"=100" GE_, "50" GE_, 5, 3, REASON}, FD_TRI_TRUE, FD_TRI_TRUE, 2.5},  /* 0.5 ≤ 0.51 */
        {{"=100" GE_, "50" GE_, 5, 4, REASON}, FD_TRI_FALSE, FD_TRI_TRUE, 2.5}, /* 1.5 > 0.51 */
        {{"=100" GE_, "50" GE_, 5, 2.5, REASON}, FD_TRI_TRUE, FD_TRI_TRUE, 2.5},
        {{"=108" GE_, "98" GE_, 3, 2, REASON}, FD_TRI_TRUE, FD_TRI_FALSE, 2.72},
        {{"=1603" REN, "1237" REN, 3, 2, REASON}, FD_TRI_TRUE, FD_TRI_TRUE, 2.32},
        {{"=108" GE_, "98" GE_, 3, 3, NULL}, FD_TRI_TRUE, FD_TRI_TRUE, 2.72},     /* 0.28 ≤ 0.51 */
        {{"=108" GE_, "98" GE_, 3, 2.2, REASON}, FD_TRI_TRUE, FD_TRI_FALSE, 2.72}, /* 1 decimal */
        {{"<=3" WANYUAN, "4" WANYUAN, 3, 3, NULL}, FD_TRI_FALSE, FD_TRI_TRUE, 2.0},
        {{"<=3" WANYUAN, "<=3" WANYUAN, 3, 3, NULL}, FD_TRI_TRUE, FD_TRI_TRUE, 3.0},
        {{"<=3" WANYUAN, "30000" YUAN, 3, 3, NULL}, FD_TRI_NULL, FD_TRI_NULL, -1},
        {{">5" GE_, "5" GE_, 3, 3, NULL}, FD_TRI_TRUE, FD_TRI_TRUE, 3.0},
        {{GUIFAN, GUIFAN, 5, 5, NULL}, FD_TRI_TRUE, FD_TRI_TRUE, 5.0},
        {{GUIFAN, GUIFAN, 5, 4, REASON}, FD_TRI_TRUE, FD_TRI_TRUE, 5.0},
        {{GUIFAN, GUIFAN, 5, 3, REASON}, FD_TRI_TRUE, FD_TRI_FALSE, 5.0},
        {{GUIFAN, GUIFAN, 5, 3.5, REASON}, FD_TRI_TRUE, FD_TRI_FALSE, 5.0},
        {{GUIFAN, GUIFAN, 5, 3.95, REASON}, FD_TRI_TRUE, FD_TRI_FALSE, 5.0}, /* 0.05 > 0.015 */
        {{GUIFAN, GUIFAN, 5, 3.99, REASON}, FD_TRI_TRUE, FD_TRI_TRUE, 5.0},  /* 0.01 ≤ 0.015 */
        {{JISHI, "\xE4\xB8\x8D" JISHI, 4, 0, REASON}, FD_TRI_NULL, FD_TRI_NULL, -1},
        {{"=5" GE_, NULL, 3, 3, NULL}, FD_TRI_NULL, FD_TRI_NULL, -1},
        {{"=5" GE_, "5" GE_, 3, -1, NULL}, FD_TRI_NULL, FD_TRI_NULL, 3.0},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_form f;
        fd_checklist cl;
        const fd_check *over, *under;
        base_form(&f);
        add_ind(&f, &cases[i].s);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        over = find_check(&cl, FD_CHECK_INDICATOR_OVER, "/indicators/0/score");
        under = find_check(&cl, FD_CHECK_INDICATOR_UNDER, "/indicators/0/score");
        T_CHECK(over != NULL && under != NULL);
        if (over != NULL && under != NULL) {
            T_CHECK_MSG((int)over->ok == cases[i].over_ok, "over case %zu: ok %d, want %d", i,
                        (int)over->ok, cases[i].over_ok);
            T_CHECK_MSG((int)under->ok == cases[i].under_ok, "under case %zu: ok %d, want %d", i,
                        (int)under->ok, cases[i].under_ok);
            T_EQ_INT(over->severity, FD_SEV_WARNING);
            T_EQ_INT(under->severity, FD_SEV_INFO);
            T_EQ_INT(over->recomputed.present, cases[i].recomputed_over >= 0);
            if (cases[i].recomputed_over >= 0)
                T_CHECK_MSG(over->recomputed.value == cases[i].recomputed_over,
                            "over case %zu: recomputed %.17g, want %g", i, over->recomputed.value,
                            cases[i].recomputed_over);
            T_CHECK(over->message[0] != '\0' && under->message[0] != '\0');
        }
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }
}

/* The stated score's precision comes from provenance when unknown. */
static void test_precision_from_provenance(void)
{
    static const int bbox[4] = {1, 2, 3, 4};
    fd_form f;
    fd_checklist cl;
    const fd_check *c;

    /* 86.2 alone has 1 decimal (tolerance 0.06): agrees with 86.15 */
    base_form(&f);
    f.funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED] = fd_num_make(861.5, 1);
    f.funds[FD_FUNDS_FISCAL][FD_COL_EXECUTED] = fd_num_make(861.5, 1);
    f.funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(86.2, -1);
    f.funds[FD_FUNDS_TOTAL][FD_COL_SCORE] = fd_num_make(8.615, 3);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct");
    T_CHECK(c != NULL && c->ok == FD_TRI_TRUE);
    if (c) T_EQ_INT(c->stated.decimals, 1);
    fd_checklist_clear(&cl);
    /* printed "86.20%": 2 decimals (tolerance 0.015) → disagrees */
    T_EQ_INT(fd_form_add_prov(&f, "/funds/total/execution_rate_pct", 1, bbox, 95.0, "86.20%", NULL, 0),
             FD_OK);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct");
    T_CHECK(c != NULL && c->ok == FD_TRI_FALSE);
    if (c) {
        T_EQ_INT(c->stated.decimals, 2);
        T_EQ_INT(c->ocr_suspect, 0);
    }
    T_EQ_INT(cl.verdict, FD_VERDICT_ERRORS);
    fd_checklist_clear(&cl);
    /* a known precision wins over provenance */
    f.funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(86.2, 1);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(ok_of(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct"), FD_TRI_TRUE);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);

    /* indicator score: 2.7 → 1 decimal, but printed "2.70" → 2 decimals */
    {
        ind_spec a = {"=108" GE_, "98" GE_, 3, 2.7, REASON};
        base_form(&f);
        add_ind(&f, &a);
        f.indicators[0].score = fd_num_make(2.7, -1);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        T_EQ_INT(ok_of(&cl, FD_CHECK_INDICATOR_UNDER, "/indicators/0/score"), FD_TRI_TRUE);
        fd_checklist_clear(&cl);
        T_EQ_INT(fd_form_add_prov(&f, "/indicators/0/score", 1, bbox, 95.0, "2.70", NULL, 0), FD_OK);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        T_EQ_INT(ok_of(&cl, FD_CHECK_INDICATOR_UNDER, "/indicators/0/score"), FD_TRI_FALSE);
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }
}

/* ---- order, verdict, ocr_suspect -------------------------------------- */

static void test_order_and_paths(void)
{
    static const struct {
        fd_check_code code;
        const char *path;
    } want[] = {
        {FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct"},
        {FD_CHECK_FUNDS_SCORE, "/funds/total/score"},
        {FD_CHECK_FUNDS_PARTS, "/funds/total/initial_budget"},
        {FD_CHECK_FUNDS_PARTS, "/funds/total/annual_budget"},
        {FD_CHECK_FUNDS_PARTS, "/funds/total/executed"},
        {FD_CHECK_WEIGHT_SUM, "/total/weight"},
        {FD_CHECK_SCORE_SUM, "/total/score"},
        {FD_CHECK_TOTAL_WEIGHT, "/total/weight"},
        {FD_CHECK_SCORE_RANGE, "/indicators/0/score"},
        {FD_CHECK_INDICATOR_OVER, "/indicators/0/score"},
        {FD_CHECK_INDICATOR_UNDER, "/indicators/0/score"},
        {FD_CHECK_REASON_MISSING, "/indicators/0/deviation_reason"},
        {FD_CHECK_SCORE_RANGE, "/indicators/1/score"},
        {FD_CHECK_INDICATOR_OVER, "/indicators/1/score"},
        {FD_CHECK_INDICATOR_UNDER, "/indicators/1/score"},
        {FD_CHECK_REASON_MISSING, "/indicators/1/deviation_reason"},
    };
    fd_form f;
    fd_checklist cl;
    size_t i;
    ind_spec a = {GUIFAN, GUIFAN, 50, 50, NULL};
    ind_spec b = {"=5" GE_, "5" GE_, 40, 40, NULL};
    base_form(&f);
    add_ind(&f, &a);
    add_ind(&f, &b);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(100, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(cl.count, N_ELEMS(want));
    for (i = 0; i < N_ELEMS(want) && i < cl.count; i++) {
        T_CHECK_MSG(cl.items[i].code == want[i].code, "check %zu: code %s, want %s", i,
                    fd_check_code_name(cl.items[i].code), fd_check_code_name(want[i].code));
        T_EQ_STR(cl.items[i].path, want[i].path);
        T_EQ_INT(cl.items[i].severity, fd_check_code_severity(want[i].code));
        T_EQ_INT(cl.items[i].ok, FD_TRI_TRUE);
        T_CHECK(cl.items[i].message[0] != '\0');
    }
    T_EQ_INT(cl.verdict, FD_VERDICT_OK);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);
}

static void test_verdict(void)
{
    fd_form f;
    fd_checklist cl;
    /* only an info finding (UNDER): ok */
    ind_spec under = {"=51" GE_, "52" GE_, 90, 88, REASON};
    /* a warning (REASON_MISSING): warnings */
    ind_spec warn = {GUIFAN, GUIFAN, 90, 88, NULL};
    /* OVER (warning) */
    ind_spec over = {"=100" GE_, "50" GE_, 90, 90, NULL};

    base_form(&f);
    add_ind(&f, &under);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(98, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(ok_of(&cl, FD_CHECK_INDICATOR_UNDER, "/indicators/0/score"), FD_TRI_FALSE);
    T_EQ_INT(cl.verdict, FD_VERDICT_OK);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);

    base_form(&f);
    add_ind(&f, &warn);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(98, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(ok_of(&cl, FD_CHECK_REASON_MISSING, "/indicators/0/deviation_reason"), FD_TRI_FALSE);
    T_EQ_INT(cl.verdict, FD_VERDICT_WARNINGS);
    fd_checklist_clear(&cl);
    /* the same with an error on top: errors */
    f.total_score = fd_num_make(97, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(cl.verdict, FD_VERDICT_ERRORS);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);

    base_form(&f);
    add_ind(&f, &over);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(100, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(ok_of(&cl, FD_CHECK_INDICATOR_OVER, "/indicators/0/score"), FD_TRI_FALSE);
    T_EQ_INT(cl.verdict, FD_VERDICT_WARNINGS);
    fd_checklist_clear(&cl);
    fd_form_clear(&f);

    /* an empty form: everything null, verdict ok */
    fd_form_init(&f);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    T_EQ_INT(cl.count, 8);
    T_EQ_INT(cl.verdict, FD_VERDICT_OK);
    {
        size_t i;
        for (i = 0; i < cl.count; i++) T_EQ_INT(cl.items[i].ok, FD_TRI_NULL);
    }
    fd_checklist_clear(&cl);
    fd_form_clear(&f);
}

static void test_ocr_suspect(void)
{
    static const int bbox[4] = {10, 20, 30, 40};
    const char *alt_96[] = {"96"};
    const char *alt_93[] = {"93", "\xE2\x80\x94", "x9"};
    const char *alt_actual[] = {"100" GE_};
    fd_form f;
    fd_checklist cl;
    const fd_check *c;
    ind_spec a = {GUIFAN, GUIFAN, 50, 48, REASON};
    ind_spec b = {GUIFAN, GUIFAN, 40, 38, REASON};

    /* SCORE_SUM 98 vs 96, no provenance: the form's own arithmetic */
    base_form(&f);
    add_ind(&f, &a);
    add_ind(&f, &b);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(98, 0);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 0);
    fd_checklist_clear(&cl);

    /* a confident reading without alternatives: still not suspect */
    T_EQ_INT(fd_form_add_prov(&f, "/total/score", 3, bbox, 92.0, "98", NULL, 0), FD_OK);
    T_EQ_INT(fd_form_add_prov(&f, "/indicators/1/score", 3, bbox, 91.0, "38", NULL, 0), FD_OK);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 0);
    fd_checklist_clear(&cl);

    /* an alternative that does not make it pass */
    T_EQ_INT(fd_form_add_prov(&f, "/total/score", 3, bbox, 92.0, "98", alt_93, 3), FD_OK);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 0);
    fd_checklist_clear(&cl);

    /* an alternative reading "96" would pass: suspect */
    T_EQ_INT(fd_form_add_prov(&f, "/total/score", 3, bbox, 92.0, "98", alt_96, 1), FD_OK);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 1);
    /* … and the form was not changed */
    T_EQ_DBL(f.total_score.value, 98.0, 0.0);
    /* passing checks are never suspect */
    c = find_check(&cl, FD_CHECK_WEIGHT_SUM, "/total/weight");
    T_CHECK(c && c->ok == FD_TRI_TRUE && c->ocr_suspect == 0);
    fd_checklist_clear(&cl);

    /* low confidence on an input (an indicator score) */
    T_EQ_INT(fd_form_add_prov(&f, "/total/score", 3, bbox, 92.0, "98", NULL, 0), FD_OK);
    T_EQ_INT(fd_form_add_prov(&f, "/indicators/1/score", 3, bbox, 41.0, "38", NULL, 0), FD_OK);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 1);
    fd_checklist_clear(&cl);
    /* … the threshold is the rule set's */
    {
        fd_rules r;
        fd_rules_default(&r);
        r.low_confidence = 40.0;
        T_EQ_INT(score(&f, &r, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
        T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 0);
        fd_checklist_clear(&cl);
    }
    /* … and a low-confidence value the check did not read does not count */
    f.funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(90.0, 2);
    T_EQ_INT(score(&f, NULL, &cl), FD_OK);
    c = find_check(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct");
    T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 0);
    fd_checklist_clear(&cl);
    /* a percent alternative for the rate */
    {
        const char *alt_rate[] = {"100.00%"};
        T_EQ_INT(fd_form_add_prov(&f, "/funds/total/execution_rate_pct", 1, bbox, 88.0, "90.00%",
                                  alt_rate, 1),
                 FD_OK);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct");
        T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 1);
        fd_checklist_clear(&cl);
    }
    fd_form_clear(&f);

    /* a measure: actual "50个" misread, "100个" offered → OVER would pass */
    {
        ind_spec o = {"=100" GE_, "50" GE_, 90, 90, NULL};
        base_form(&f);
        add_ind(&f, &o);
        f.total_weight = fd_num_make(100, 0);
        f.total_score = fd_num_make(100, 0);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_INDICATOR_OVER, "/indicators/0/score");
        T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 0);
        fd_checklist_clear(&cl);
        T_EQ_INT(fd_form_add_prov(&f, "/indicators/0/actual", 2, bbox, 85.0, "50" GE_, alt_actual, 1),
                 FD_OK);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_INDICATOR_OVER, "/indicators/0/score");
        T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 1);
        T_EQ_DBL(f.indicators[0].actual.value.value, 50.0, 0.0);
        T_EQ_STR(f.indicators[0].actual.text, "50" GE_);
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }

    /* a reason read with low confidence behind REASON_MISSING */
    {
        ind_spec r = {GUIFAN, GUIFAN, 90, 88, NULL};
        const char *alt_reason[] = {REASON};
        base_form(&f);
        add_ind(&f, &r);
        T_EQ_INT(fd_form_add_prov(&f, "/indicators/0/deviation_reason", 2, bbox, 80.0, "", alt_reason, 1),
                 FD_OK);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_REASON_MISSING, "/indicators/0/deviation_reason");
        T_CHECK(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == 1);
        T_CHECK(f.indicators[0].deviation_reason == NULL);
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }

    /* a part of the funds read as text that is no number: the sum counted
     * it as empty, so the failed FUNDS_PARTS is suspect; a dash or an
     * empty reading is a real empty cell */
    {
        static const struct {
            const char *text;
            int suspect;
        } unread[] = {{"1,0000.00", 1}, {"10O.00", 1}, {"â", 0}, {"", 0}, {"-", 0}};
        size_t k;
        for (k = 0; k < sizeof unread / sizeof unread[0]; k++) {
            base_form(&f);
            f.funds[FD_FUNDS_TOTAL][FD_COL_INITIAL] = fd_num_make(300.0, 2);
            f.funds[FD_FUNDS_FISCAL][FD_COL_INITIAL] = fd_num_make(200.0, 2);
            f.funds[FD_FUNDS_CARRYOVER][FD_COL_INITIAL] = fd_num_null();
            f.funds[FD_FUNDS_OTHER][FD_COL_INITIAL] = fd_num_null();
            T_EQ_INT(fd_form_add_prov(&f, "/funds/carryover/initial_budget", 1, bbox, 91.0,
                                      unread[k].text, NULL, 0),
                     FD_OK);
            T_EQ_INT(score(&f, NULL, &cl), FD_OK);
            c = find_check(&cl, FD_CHECK_FUNDS_PARTS, "/funds/total/initial_budget");
            T_CHECK_MSG(c && c->ok == FD_TRI_FALSE && c->ocr_suspect == unread[k].suspect,
                        "unread part \"%s\": ocr_suspect %d, expected %d", unread[k].text,
                        c ? c->ocr_suspect : -1, unread[k].suspect);
            fd_checklist_clear(&cl);
            fd_form_clear(&f);
        }
    }
}

static void test_usage(void)
{
    fd_form f;
    fd_checklist cl;
    fd_rules r;
    fd_diag dg;
    fd_diag_init(&dg);
    fd_rules_default(&r);
    fd_form_init(&f);
    memset(&cl, 0, sizeof cl);
    T_EQ_INT(fd_score_form(NULL, &r, &cl, &dg), FD_ERR_USAGE);
    T_CHECK(dg.message[0] != '\0');
    T_EQ_INT(fd_score_form(&f, NULL, &cl, NULL), FD_ERR_USAGE);
    T_EQ_INT(fd_score_form(&f, &r, NULL, NULL), FD_ERR_USAGE);
    T_EQ_INT(cl.count, 0);
    fd_form_clear(&f);
}

/* ---- allocation failure ------------------------------------------------ */

static long g_allocs_left = -1; /* < 0: unlimited */

static void *fail_malloc(size_t n)
{
    if (g_allocs_left == 0) return NULL;
    if (g_allocs_left > 0) g_allocs_left--;
    return malloc(n);
}

static void *fail_realloc(void *p, size_t n)
{
    if (g_allocs_left == 0) return NULL;
    if (g_allocs_left > 0) g_allocs_left--;
    return realloc(p, n);
}

static void test_nomem(void)
{
    static const fd_allocator alloc = {fail_malloc, fail_realloc, free};
    static const int bbox[4] = {0, 0, 1, 1};
    const char *alt[] = {"=52" GE_};
    fd_form f;
    fd_checklist cl;
    fd_rules r;
    fd_diag dg;
    long budget;
    int saw_fail = 0, saw_ok = 0;
    ind_spec a = {"=51" GE_, "52" GE_, 90, 88, NULL};

    fd_set_allocator(&alloc);
    base_form(&f);
    add_ind(&f, &a);
    f.total_weight = fd_num_make(100, 0);
    f.total_score = fd_num_make(98, 0);
    /* the failing UNDER check goes through the alternative (a measure) */
    T_EQ_INT(fd_form_add_prov(&f, "/indicators/0/target", 1, bbox, 90.0, "=51" GE_, alt, 1), FD_OK);
    fd_rules_default(&r);
    for (budget = 0; budget < 200 && !saw_ok; budget++) {
        fd_status st;
        fd_diag_init(&dg);
        memset(&cl, 0, sizeof cl);
        g_allocs_left = budget;
        st = fd_score_form(&f, &r, &cl, &dg);
        g_allocs_left = -1;
        if (st == FD_OK) {
            saw_ok = 1;
            T_CHECK(cl.count == 12);
        } else {
            saw_fail = 1;
            T_EQ_INT(st, FD_ERR_NOMEM);
            T_EQ_INT(cl.count, 0);
            T_CHECK(cl.items == NULL);
            T_CHECK(dg.message[0] != '\0');
        }
        fd_checklist_clear(&cl);
    }
    T_CHECK(saw_fail && saw_ok);
    fd_form_clear(&f);
    fd_set_allocator(NULL);

    /* fd_parse_measure reports an allocation failure through *status */
    {
        fd_measure m;
        fd_status st = FD_OK;
        fd_set_allocator(&alloc);
        g_allocs_left = 0;
        T_EQ_INT(fd_parse_measure("=5" GE_, &m, &st), FD_PARSE_INVALID);
        T_EQ_INT(st, FD_ERR_NOMEM);
        T_CHECK(m.text == NULL && m.unit == NULL);
        g_allocs_left = 2; /* the scratch copy and the text, not the unit */
        T_EQ_INT(fd_parse_measure("=5" GE_, &m, &st), FD_PARSE_INVALID);
        T_EQ_INT(st, FD_ERR_NOMEM);
        T_CHECK(m.text == NULL && m.unit == NULL);
        g_allocs_left = -1;
        fd_set_allocator(NULL);
    }
}

/* ---- the seed document's three forms ------------------------------------ */

typedef struct seed_form {
    double initial, annual, executed; /* total row; fiscal row is the same */
    double total_weight;              /* < 0: not printed */
    double total_score;
    const ind_spec *inds;
    size_t n_inds;
    const size_t *under_fail; /* indexes whose INDICATOR_UNDER fails */
    size_t n_under_fail;
} seed_form;

static const ind_spec seed1[] = {
    {"=39" REN, "39" REN, 5, 5, NULL},
    {"=51" GE_, "52" GE_, 5, 3, REASON},
    {"=14" REN, "15" REN, 5, 3, REASON},
    {GUIFAN, GUIFAN, 5, 5, NULL},
    {GUIFAN, GUIFAN, 5, 5, NULL},
    {JISHI, JISHI, 5, 5, NULL},
    {JISHI, JISHI, 10, 10, NULL},
    {JISHI, JISHI, 5, 5, NULL},
    {GUIFAN, GUIFAN, 5, 5, NULL},
    {TISHENG, TISHENG, 5, 5, NULL},
    {WANSHAN, WANSHAN, 5, 5, NULL},
    {WANSHAN, WANSHAN, 5, 5, NULL},
    {TISHENG, TISHENG, 5, 5, NULL},
    {LIANGHAO, LIANGHAO, 5, 5, NULL},
    {HEXIE, HEXIE, 5, 5, NULL},
    {">=90%", "90%", 4, 4, NULL},
    {">=90%", "95%", 3, 3, NULL},
    {">=90%", "95%", 3, 3, NULL},
};

static const ind_spec seed2[] = {
    {"=5" GE_, "5" GE_, 5, 5, NULL},
    {"=16" GE_, "16" GE_, 5, 5, NULL},
    {"=1" GE_, "1" GE_, 5, 5, NULL},
    {"=8" MIAN, "8" MIAN, 6, 6, NULL},
    {"=100%", "100%", 6, 6, NULL},
    {"=5" XIANG, "5" XIANG, 6, 6, NULL},
    {"=7" YUE, "7" YUE, 5, 5, NULL},
    {QUANNIAN, QUANNIAN, 6, 6, NULL},
    {QUANNIAN, QUANNIAN, 6, 6, NULL},
    {LIANGHAO, LIANGHAO, 4, 4, NULL},
    {LIANGHAO, LIANGHAO, 4, 4, NULL},
    {LIANGHAO, LIANGHAO, 4, 4, NULL},
    {LIANGHAO, LIANGHAO, 4, 4, NULL},
    {LIANGHAO, LIANGHAO, 4, 4, NULL},
    {LIANGHAO, LIANGHAO, 3, 3, NULL},
    {LIANGHAO, LIANGHAO, 3, 3, NULL},
    {LIANGHAO, LIANGHAO, 4, 4, NULL},
    {">=85%", "85%", 2, 2, NULL},
    {">=85%", "85%", 2, 2, NULL},
    {">=85%", "85%", 2, 2, NULL},
    {">=85%", "85%", 2, 2, NULL},
    {">=85%", "85%", 2, 2, NULL},
};

#define CLOSE_REASON "\xE4\xBC\x81\xE4\xB8\x9A\xE5\x85\xB3\xE5\x81\x9C" /* 企业关停 */
static const ind_spec seed3[] = {
    {"=108" GE_, "98" GE_, 3, 2, CLOSE_REASON},
    {"=1603" REN, "1237" REN, 3, 2, CLOSE_REASON},
    {"=106" REN, "97" REN, 3, 2, CLOSE_REASON},
    {">=3" CI, "3" CI, 3, 3, NULL},
    {">5" GE_, "5" GE_, 3, 3, NULL},
    {">80%", "85%", 4, 4, NULL},
    {">80%", "85%", 3, 3, NULL},
    {">85%", "85%", 4, 4, NULL},
    {JISHI, JISHI, 4, 4, NULL},
    {JISHI, JISHI, 4, 4, NULL},
    {QUANNIAN, QUANNIAN, 4, 4, NULL},
    {"<=3" WANYUAN, "<=3" WANYUAN, 3, 3, NULL},
    {"<=3" WANYUAN, "<=3" WANYUAN, 3, 3, NULL},
    {"<=15" WANYUAN, "<=15" WANYUAN, 3, 3, NULL},
    {"<=15" WANYUAN, "<=15" WANYUAN, 3, 3, NULL},
    {GUIFAN, GUIFAN, 3, 3, NULL},
    {WANSHAN, WANSHAN, 3, 3, NULL},
    {"=5" JIA, "5" JIA, 3, 3, NULL},
    {LIANGHAO, LIANGHAO, 3, 3, NULL},
    {WANSHAN, WANSHAN, 3, 3, NULL},
    {">=10" REN, "10" REN, 2, 2, NULL},
    {WANSHAN, WANSHAN, 3, 3, NULL},
    {WANSHAN, WANSHAN, 3, 3, NULL},
    {">90%", "95%", 2, 2, NULL},
    {WANSHAN, WANSHAN, 3, 3, NULL},
    {">80%", "95%", 2, 2, NULL},
    {">90%", "95%", 2, 2, NULL},
    {">90%", "95%", 2, 2, NULL},
    {">90%", "95%", 2, 2, NULL},
    {">80%", "85%", 2, 2, NULL},
    {">10" REN, "10" REN, 2, 2, NULL},
};

static const size_t seed1_under[] = {1, 2};
static const size_t seed3_under[] = {0, 2};

static const seed_form seeds[] = {
    {11134477.99, 11999665.86, 11999665.86, 100, 96, seed1, N_ELEMS(seed1), seed1_under, 2},
    {1000000, 808558, 808558, -1, 100, seed2, N_ELEMS(seed2), NULL, 0},
    {370000, 49470, 49470, 100, 97, seed3, N_ELEMS(seed3), seed3_under, 2},
};

static void test_seed_forms(void)
{
    size_t s, i, k;
    for (s = 0; s < N_ELEMS(seeds); s++) {
        const seed_form *sf = &seeds[s];
        fd_form f;
        fd_checklist cl;
        fd_form_init(&f);
        f.funds[FD_FUNDS_TOTAL][FD_COL_INITIAL] = fd_num_make(sf->initial, -1);
        f.funds[FD_FUNDS_TOTAL][FD_COL_ANNUAL] = fd_num_make(sf->annual, -1);
        f.funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED] = fd_num_make(sf->executed, -1);
        f.funds[FD_FUNDS_TOTAL][FD_COL_WEIGHT] = fd_num_make(10, -1);
        f.funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(100.0, 2); /* "100.00%" */
        f.funds[FD_FUNDS_TOTAL][FD_COL_SCORE] = fd_num_make(10, -1);
        f.funds[FD_FUNDS_FISCAL][FD_COL_INITIAL] = fd_num_make(sf->initial, -1);
        f.funds[FD_FUNDS_FISCAL][FD_COL_ANNUAL] = fd_num_make(sf->annual, -1);
        f.funds[FD_FUNDS_FISCAL][FD_COL_EXECUTED] = fd_num_make(sf->executed, -1);
        for (k = FD_FUNDS_CARRYOVER; k <= FD_FUNDS_OTHER; k++) {
            f.funds[k][FD_COL_INITIAL] = fd_num_make(0, 0);
            f.funds[k][FD_COL_ANNUAL] = fd_num_make(0, 0);
        }
        for (i = 0; i < sf->n_inds; i++) add_ind(&f, &sf->inds[i]);
        f.total_weight = num_or_null(sf->total_weight);
        f.total_score = fd_num_make(sf->total_score, -1);

        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        T_CHECK_MSG(cl.count == 8 + 4 * sf->n_inds, "seed %zu: %zu checks", s + 1, cl.count);
        T_CHECK_MSG(cl.verdict == FD_VERDICT_OK, "seed %zu: verdict %s", s + 1,
                    fd_verdict_name(cl.verdict));
        for (i = 0; i < cl.count; i++) {
            const fd_check *c = &cl.items[i];
            int want_fail = 0;
            if (c->code == FD_CHECK_INDICATOR_UNDER) {
                for (k = 0; k < sf->n_under_fail; k++) {
                    char path[FD_PATH_MAX];
                    (void)fd_snprintf(path, sizeof path, "/indicators/%zu/score", sf->under_fail[k]);
                    if (strcmp(path, c->path) == 0) want_fail = 1;
                }
            }
            if (want_fail) {
                T_CHECK_MSG(c->ok == FD_TRI_FALSE, "seed %zu: %s %s should fail", s + 1,
                            fd_check_code_name(c->code), c->path);
                T_EQ_INT(c->ocr_suspect, 0);
            } else {
                T_CHECK_MSG(c->ok != FD_TRI_FALSE, "seed %zu: %s %s failed: %s", s + 1,
                            fd_check_code_name(c->code), c->path, c->message);
            }
        }
        /* every error check ran on real inputs, except where a total is not printed */
        T_EQ_INT(ok_of(&cl, FD_CHECK_FUNDS_RATE, "/funds/total/execution_rate_pct"), FD_TRI_TRUE);
        T_EQ_INT(ok_of(&cl, FD_CHECK_FUNDS_SCORE, "/funds/total/score"), FD_TRI_TRUE);
        T_EQ_INT(ok_of(&cl, FD_CHECK_FUNDS_PARTS, "/funds/total/executed"), FD_TRI_TRUE);
        T_EQ_INT(ok_of(&cl, FD_CHECK_SCORE_SUM, "/total/score"), FD_TRI_TRUE);
        T_EQ_INT(ok_of(&cl, FD_CHECK_WEIGHT_SUM, "/total/weight"),
                 sf->total_weight < 0 ? FD_TRI_NULL : FD_TRI_TRUE);
        T_EQ_INT(ok_of(&cl, FD_CHECK_TOTAL_WEIGHT, "/total/weight"),
                 sf->total_weight < 0 ? FD_TRI_NULL : FD_TRI_TRUE);
        {
            const fd_check *c = find_check(&cl, FD_CHECK_SCORE_SUM, "/total/score");
            if (c) T_EQ_DBL(c->recomputed.value, sf->total_score, 1e-9);
        }
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }

    /* form 3 row 2 (index 1): 2 against 3×1237/1603 = 2.32 passes */
    {
        fd_form f;
        fd_checklist cl;
        const fd_check *c;
        fd_form_init(&f);
        add_ind(&f, &seed3[1]);
        T_EQ_INT(score(&f, NULL, &cl), FD_OK);
        c = find_check(&cl, FD_CHECK_INDICATOR_UNDER, "/indicators/0/score");
        T_CHECK(c && c->ok == FD_TRI_TRUE);
        if (c) T_EQ_DBL(c->recomputed.value, 2.32, 1e-12);
        c = find_check(&cl, FD_CHECK_INDICATOR_OVER, "/indicators/0/score");
        T_CHECK(c && c->ok == FD_TRI_TRUE);
        fd_checklist_clear(&cl);
        fd_form_clear(&f);
    }
}

int main(void)
{
    test_rules_default();
    test_agrees();
    test_rule_score();
    test_funds_rate_score();
    test_funds_score_cap_rule();
    test_funds_parts();
    test_totals();
    test_score_sum_message();
    test_score_range_reason();
    test_indicator_over_under();
    test_precision_from_provenance();
    test_order_and_paths();
    test_verdict();
    test_ocr_suspect();
    test_usage();
    test_nomem();
    test_seed_forms();
    return fd_test_summary("test_score");
}
