/*
 * value module: amounts, percents, measures (op/value/unit), null cells,
 * line-wrap normalisation, printed precision and the tolerance.
 */
#include "value.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct num_case {
    const char *text;
    fd_parse_result res;
    double value;
    int decimals;
} num_case;

static const num_case amount_cases[] = {
    {"11,999,665.86", FD_PARSE_OK, 11999665.86, 2},
    {"808,558", FD_PARSE_OK, 808558.0, 0},
    {"1000000", FD_PARSE_OK, 1000000.0, 0},
    {"0", FD_PARSE_OK, 0.0, 0},
    {"-3", FD_PARSE_OK, -3.0, 0},
    {"+5", FD_PARSE_OK, 5.0, 0},
    {"2.5", FD_PARSE_OK, 2.5, 1},
    {"0.00", FD_PARSE_OK, 0.0, 2},
    {"11134477.99", FD_PARSE_OK, 11134477.99, 2},
    {"49470.0", FD_PARSE_OK, 49470.0, 1},
    {"1,234,567,890.1", FD_PARSE_OK, 1234567890.1, 1},
    /* OCR gaps and line wraps inside the number */
    {"11 999 665.86", FD_PARSE_OK, 11999665.86, 2},
    {"11,999,\n665.86", FD_PARSE_OK, 11999665.86, 2},
    {"  10\n", FD_PARSE_OK, 10.0, 0},
    {"\xE3\x80\x80" "96\xE3\x80\x80", FD_PARSE_OK, 96.0, 0}, /* U+3000 around */
    /* full width: １１，９９９，６６５．８６ and －３ */
    {"\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x8C\xEF\xBC\x99\xEF\xBC\x99\xEF\xBC\x99\xEF\xBC\x8C"
     "\xEF\xBC\x96\xEF\xBC\x96\xEF\xBC\x95\xEF\xBC\x8E\xEF\xBC\x98\xEF\xBC\x96",
     FD_PARSE_OK, 11999665.86, 2},
    {"\xEF\xBC\x8D\xEF\xBC\x93", FD_PARSE_OK, -3.0, 0},
    {"1000000000000000", FD_PARSE_OK, 1e15, 0},
    /* null cells */
    {"", FD_PARSE_NULL, 0.0, -1},
    {"   ", FD_PARSE_NULL, 0.0, -1},
    {"\n\t", FD_PARSE_NULL, 0.0, -1},
    {"\xE3\x80\x80", FD_PARSE_NULL, 0.0, -1},
    {"-", FD_PARSE_NULL, 0.0, -1},
    {"--", FD_PARSE_NULL, 0.0, -1},
    {"\xE2\x80\x94", FD_PARSE_NULL, 0.0, -1},             /* — */
    {"\xE2\x80\x94\xE2\x80\x94", FD_PARSE_NULL, 0.0, -1}, /* —— */
    {"\xE2\x80\x93", FD_PARSE_NULL, 0.0, -1},             /* – */
    {"\xE4\xB8\x80", FD_PARSE_NULL, 0.0, -1},             /* 一 */
    {"\xE4\xB8\x80\xE4\xB8\x80", FD_PARSE_NULL, 0.0, -1}, /* 一一 */
    {"\xE2\x80\x95", FD_PARSE_NULL, 0.0, -1},             /* ― */
    {"/", FD_PARSE_NULL, 0.0, -1},
    {" / ", FD_PARSE_NULL, 0.0, -1},
    {"\xEF\xBC\x8D", FD_PARSE_NULL, 0.0, -1}, /* － */
    /* garbage */
    {"12a3", FD_PARSE_INVALID, 0.0, -1},
    {"1.2.3", FD_PARSE_INVALID, 0.0, -1},
    {"--5", FD_PARSE_INVALID, 0.0, -1},
    {"%", FD_PARSE_INVALID, 0.0, -1},
    {"1,23", FD_PARSE_INVALID, 0.0, -1},
    {"1,2345", FD_PARSE_INVALID, 0.0, -1},
    {"1234,567", FD_PARSE_INVALID, 0.0, -1},
    {",123", FD_PARSE_INVALID, 0.0, -1},
    {"1,234,56", FD_PARSE_INVALID, 0.0, -1},
    {"1,234.5,6", FD_PARSE_INVALID, 0.0, -1},
    {"1.", FD_PARSE_INVALID, 0.0, -1},
    {".5", FD_PARSE_INVALID, 0.0, -1},
    {"100%", FD_PARSE_INVALID, 0.0, -1},
    {"10\xE5\x85\x83", FD_PARSE_INVALID, 0.0, -1}, /* 10元 */
    {"1e5", FD_PARSE_INVALID, 0.0, -1},
    {"inf", FD_PARSE_INVALID, 0.0, -1},
    {"nan", FD_PARSE_INVALID, 0.0, -1},
    {"-", FD_PARSE_NULL, 0.0, -1},
    {"+", FD_PARSE_INVALID, 0.0, -1},
    {"2000000000000000", FD_PARSE_INVALID, 0.0, -1},
    {"1,000,000,000,000,001", FD_PARSE_INVALID, 0.0, -1},
    {"123456789012345678901234567890123456789012345", FD_PARSE_INVALID, 0.0, -1},
    {"\xFF" "1", FD_PARSE_INVALID, 0.0, -1},
    {"\xE8\xA7\x84\xE8\x8C\x83", FD_PARSE_INVALID, 0.0, -1}, /* 规范 */
};

static const num_case percent_cases[] = {
    {"100.00%", FD_PARSE_OK, 100.0, 2},
    {"74.64%", FD_PARSE_OK, 74.64, 2},
    {"85", FD_PARSE_OK, 85.0, 0},
    {"85 %", FD_PARSE_OK, 85.0, 0},
    {"100.00\n%", FD_PARSE_OK, 100.0, 2},
    {"\xEF\xBC\x98\xEF\xBC\x95\xEF\xBC\x85", FD_PARSE_OK, 85.0, 0},           /* ８５％ */
    {"86.19\xEF\xBC\x85", FD_PARSE_OK, 86.19, 2},                           /* 86.19％ */
    {"86\xEF\xBC\x8E" "19%", FD_PARSE_OK, 86.19, 2},                        /* 86．19% */
    {"0%", FD_PARSE_OK, 0.0, 0},
    {"\xE2\x80\x94", FD_PARSE_NULL, 0.0, -1},
    {"", FD_PARSE_NULL, 0.0, -1},
    {"%", FD_PARSE_INVALID, 0.0, -1},
    {"85%%", FD_PARSE_INVALID, 0.0, -1},
    {"%85", FD_PARSE_INVALID, 0.0, -1},
    {"1.2.3%", FD_PARSE_INVALID, 0.0, -1},
    {"abc", FD_PARSE_INVALID, 0.0, -1},
    {"--5%", FD_PARSE_INVALID, 0.0, -1},
    {"1e999%", FD_PARSE_INVALID, 0.0, -1},
};

static void run_num_cases(const char *what, const num_case *cases, size_t n,
                          fd_parse_result (*fn)(const char *, fd_num *))
{
    size_t i;
    for (i = 0; i < n; i++) {
        const num_case *c = &cases[i];
        fd_num out;
        fd_parse_result r;
        out.value = 12345.0;
        out.present = 7;
        out.decimals = 9;
        r = fn(c->text, &out);
        T_CHECK_MSG(r == c->res, "%s(\"%s\"): result %d, want %d", what, c->text, (int)r,
                    (int)c->res);
        if (c->res == FD_PARSE_OK) {
            T_CHECK_MSG(out.present == 1, "%s(\"%s\"): not present", what, c->text);
            T_CHECK_MSG(out.value == c->value, "%s(\"%s\"): value %.17g, want %.17g", what,
                        c->text, out.value, c->value);
            T_CHECK_MSG(out.decimals == c->decimals, "%s(\"%s\"): decimals %d, want %d", what,
                        c->text, out.decimals, c->decimals);
        } else {
            T_CHECK_MSG(out.present == 0, "%s(\"%s\"): present on %d", what, c->text, (int)r);
        }
    }
}

static void test_amount_percent(void)
{
    fd_num n;
    run_num_cases("fd_parse_amount", amount_cases, N_ELEMS(amount_cases), fd_parse_amount);
    run_num_cases("fd_parse_percent", percent_cases, N_ELEMS(percent_cases), fd_parse_percent);
    T_EQ_INT(fd_parse_amount(NULL, &n), FD_PARSE_NULL);
    T_EQ_INT(n.present, 0);
    T_EQ_INT(fd_parse_percent(NULL, &n), FD_PARSE_NULL);
    /* out may be NULL when only the verdict matters */
    T_EQ_INT(fd_parse_amount("1,234", NULL), FD_PARSE_OK);
    T_EQ_INT(fd_parse_amount("1,23", NULL), FD_PARSE_INVALID);
    /* "-0" is 0, not negative zero */
    T_EQ_INT(fd_parse_amount("-0", &n), FD_PARSE_OK);
    T_CHECK(n.value == 0.0);
    {
        char buf[32];
        T_EQ_INT(fd_snprintf(buf, sizeof buf, "%g", n.value), 0);
        T_EQ_STR(buf, "0");
    }
}

typedef struct measure_case {
    const char *text;
    fd_parse_result res;
    const char *norm; /* expected out->text */
    fd_op op;
    int present;
    double value;
    int decimals;
    const char *unit;
} measure_case;

static const measure_case measure_cases[] = {
    {"=39\xE4\xBA\xBA", FD_PARSE_OK, "=39\xE4\xBA\xBA", FD_OP_EQ, 1, 39, 0, "\xE4\xBA\xBA"}, /* =39人 */
    {"39\xE4\xBA\xBA", FD_PARSE_OK, "39\xE4\xBA\xBA", FD_OP_NONE, 1, 39, 0, "\xE4\xBA\xBA"},
    {"\xE2\x89\xA5" "85%", FD_PARSE_OK, "\xE2\x89\xA5" "85%", FD_OP_GE, 1, 85, 0, "%"}, /* ≥85% */
    {">=85%", FD_PARSE_OK, ">=85%", FD_OP_GE, 1, 85, 0, "%"},
    {"<=3\xE4\xB8\x87\xE5\x85\x83", FD_PARSE_OK, "<=3\xE4\xB8\x87\xE5\x85\x83", FD_OP_LE, 1, 3, 0,
     "\xE4\xB8\x87\xE5\x85\x83"}, /* <=3万元 */
    {"\xE8\xA7\x84\xE8\x8C\x83", FD_PARSE_OK, "\xE8\xA7\x84\xE8\x8C\x83", FD_OP_NONE, 0, 0, -1,
     NULL}, /* 规范 */
    {"\xE5\x85\xA8\xE5\xB9\xB4", FD_PARSE_OK, "\xE5\x85\xA8\xE5\xB9\xB4", FD_OP_NONE, 0, 0, -1,
     NULL}, /* 全年 */
    {"=7\xE6\x9C\x88", FD_PARSE_OK, "=7\xE6\x9C\x88", FD_OP_EQ, 1, 7, 0, "\xE6\x9C\x88"}, /* =7月 */
    {"100%", FD_PARSE_OK, "100%", FD_OP_NONE, 1, 100, 0, "%"},
    {">5\xE4\xB8\xAA", FD_PARSE_OK, ">5\xE4\xB8\xAA", FD_OP_GT, 1, 5, 0, "\xE4\xB8\xAA"}, /* >5个 */
    {"<10\xE5\xA4\xA9", FD_PARSE_OK, "<10\xE5\xA4\xA9", FD_OP_LT, 1, 10, 0, "\xE5\xA4\xA9"},
    {"=1,603\xE4\xBA\xBA", FD_PARSE_OK, "=1,603\xE4\xBA\xBA", FD_OP_EQ, 1, 1603, 0, "\xE4\xBA\xBA"},
    {"3.5\xE4\xB8\x87\xE5\x85\x83", FD_PARSE_OK, "3.5\xE4\xB8\x87\xE5\x85\x83", FD_OP_NONE, 1, 3.5,
     1, "\xE4\xB8\x87\xE5\x85\x83"},
    {"-3", FD_PARSE_OK, "-3", FD_OP_NONE, 1, -3, 0, NULL},
    {"0", FD_PARSE_OK, "0", FD_OP_NONE, 1, 0, 0, NULL},
    /* full-width operators, digits and % (text keeps them, unit is folded) */
    {"\xEF\xBC\x9E\xEF\xBC\x9D" "90\xEF\xBC\x85", FD_PARSE_OK,
     "\xEF\xBC\x9E\xEF\xBC\x9D" "90\xEF\xBC\x85", FD_OP_GE, 1, 90, 0, "%"}, /* ＞＝90％ */
    {"\xEF\xBC\x9C\xEF\xBC\x9D" "15\xE4\xB8\x87\xE5\x85\x83", FD_PARSE_OK,
     "\xEF\xBC\x9C\xEF\xBC\x9D" "15\xE4\xB8\x87\xE5\x85\x83", FD_OP_LE, 1, 15, 0,
     "\xE4\xB8\x87\xE5\x85\x83"}, /* ＜＝15万元 */
    {"\xE2\x89\xA4" "3", FD_PARSE_OK, "\xE2\x89\xA4" "3", FD_OP_LE, 1, 3, 0, NULL},       /* ≤3 */
    {"\xE2\x89\xA7" "85%", FD_PARSE_OK, "\xE2\x89\xA7" "85%", FD_OP_GE, 1, 85, 0, "%"},   /* ≧85% */
    {"\xE2\x89\xA6" "1", FD_PARSE_OK, "\xE2\x89\xA6" "1", FD_OP_LE, 1, 1, 0, NULL},       /* ≦1 */
    {"\xEF\xBC\x9E" "80%", FD_PARSE_OK, "\xEF\xBC\x9E" "80%", FD_OP_GT, 1, 80, 0, "%"},   /* ＞80% */
    {"\xEF\xBC\x9C" "5", FD_PARSE_OK, "\xEF\xBC\x9C" "5", FD_OP_LT, 1, 5, 0, NULL},       /* ＜5 */
    {"\xEF\xBC\x9D\xEF\xBC\x95\xEF\xBC\x91\xE4\xB8\xAA", FD_PARSE_OK,
     "\xEF\xBC\x9D\xEF\xBC\x95\xEF\xBC\x91\xE4\xB8\xAA", FD_OP_EQ, 1, 51, 0,
     "\xE4\xB8\xAA"}, /* ＝５１个 */
    {"\xEF\xBC\x98\xEF\xBC\x95\xEF\xBC\x8E\xEF\xBC\x95\xEF\xBC\x85", FD_PARSE_OK,
     "\xEF\xBC\x98\xEF\xBC\x95\xEF\xBC\x8E\xEF\xBC\x95\xEF\xBC\x85", FD_OP_NONE, 1, 85.5, 1,
     "%"}, /* ８５．５％ */
    /* line wraps and spaces */
    {">= 85 %", FD_PARSE_OK, ">=85%", FD_OP_GE, 1, 85, 0, "%"},
    {"=1 603\n\xE4\xBA\xBA", FD_PARSE_OK, "=1 603\xE4\xBA\xBA", FD_OP_EQ, 1, 1603, 0, "\xE4\xBA\xBA"},
    {"\xE8\x80\x83 \xE6\xA0\xB8\n\xE8\xBE\xBE\xE6\xA0\x87", FD_PARSE_OK,
     "\xE8\x80\x83\xE6\xA0\xB8\xE8\xBE\xBE\xE6\xA0\x87", FD_OP_NONE, 0, 0, -1, NULL}, /* 考 核\n达标 */
    {"10 km", FD_PARSE_OK, "10 km", FD_OP_NONE, 1, 10, 0, "km"},
    /* a date: digits inside a CJK unit make it qualitative */
    {"12\xE6\x9C\x88" "31\xE6\x97\xA5\xE5\x89\x8D", FD_PARSE_OK,
     "12\xE6\x9C\x88" "31\xE6\x97\xA5\xE5\x89\x8D", FD_OP_NONE, 0, 0, -1, NULL}, /* 12月31日前 */
    /* null */
    {"", FD_PARSE_NULL, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {" \n", FD_PARSE_NULL, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"\xE2\x80\x94", FD_PARSE_NULL, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"\xE4\xB8\x80\xE4\xB8\x80", FD_PARSE_NULL, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"/", FD_PARSE_NULL, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"-", FD_PARSE_NULL, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    /* garbage */
    {"12a3", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"1.2.3", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"--5", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"%", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"=", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {">=\xE8\xA7\x84\xE8\x8C\x83", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"1,23\xE4\xB8\xAA", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {".5\xE4\xB8\xAA", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"1e400", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"=2000000000000000\xE5\x85\x83", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
    {"\xFF\xFE", FD_PARSE_INVALID, NULL, FD_OP_NONE, 0, 0, -1, NULL},
};

static void test_measure(void)
{
    size_t i;
    fd_status st;
    fd_measure m;
    for (i = 0; i < N_ELEMS(measure_cases); i++) {
        const measure_case *c = &measure_cases[i];
        fd_parse_result r;
        st = FD_ERR_INTERNAL;
        r = fd_parse_measure(c->text, &m, &st);
        T_CHECK_MSG(r == c->res, "measure(\"%s\"): result %d, want %d", c->text, (int)r,
                    (int)c->res);
        T_CHECK_MSG(st == FD_OK, "measure(\"%s\"): status %d", c->text, (int)st);
        T_CHECK_MSG(fd_test_streq(m.text, c->norm), "measure(\"%s\"): text \"%s\", want \"%s\"",
                    c->text, m.text ? m.text : "(null)", c->norm ? c->norm : "(null)");
        T_CHECK_MSG(m.op == c->op, "measure(\"%s\"): op %d, want %d", c->text, (int)m.op,
                    (int)c->op);
        T_CHECK_MSG(m.value.present == c->present, "measure(\"%s\"): present %d, want %d",
                    c->text, m.value.present, c->present);
        if (c->present) {
            T_CHECK_MSG(m.value.value == c->value, "measure(\"%s\"): value %.17g, want %.17g",
                        c->text, m.value.value, c->value);
            T_CHECK_MSG(m.value.decimals == c->decimals, "measure(\"%s\"): decimals %d, want %d",
                        c->text, m.value.decimals, c->decimals);
        }
        T_CHECK_MSG(fd_test_streq(m.unit, c->unit), "measure(\"%s\"): unit \"%s\", want \"%s\"",
                    c->text, m.unit ? m.unit : "(null)", c->unit ? c->unit : "(null)");
        fd_measure_clear(&m);
    }
    T_EQ_INT(fd_parse_measure(NULL, &m, &st), FD_PARSE_NULL);
    T_CHECK(m.text == NULL && m.unit == NULL && !m.value.present);
    /* status may be NULL */
    T_EQ_INT(fd_parse_measure("=5\xE4\xB8\xAA", &m, NULL), FD_PARSE_OK);
    T_EQ_DBL(m.value.value, 5.0, 0.0);
    fd_measure_clear(&m);
}

typedef struct norm_case {
    const char *in;
    const char *out;
} norm_case;

static const norm_case norm_cases[] = {
    {"\xE8\x80\x83 \xE6\xA0\xB8\xE8\xBE\xBE\xE6\xA0\x87\xE7\x8E\x87",
     "\xE8\x80\x83\xE6\xA0\xB8\xE8\xBE\xBE\xE6\xA0\x87\xE7\x8E\x87"}, /* 考 核达标率 */
    {"\xE8\x80\x83\xE6\xA0\xB8\n\xE8\xBE\xBE\xE6\xA0\x87",
     "\xE8\x80\x83\xE6\xA0\xB8\xE8\xBE\xBE\xE6\xA0\x87"},
    {"\xE8\x80\x83\xE6\xA0\xB8\xE3\x80\x80\xE8\xBE\xBE\xE6\xA0\x87",
     "\xE8\x80\x83\xE6\xA0\xB8\xE8\xBE\xBE\xE6\xA0\x87"}, /* U+3000 */
    {"\xE8\x80\x83\r\n\t \xE6\xA0\xB8", "\xE8\x80\x83\xE6\xA0\xB8"},
    {"COVID 19", "COVID 19"},
    {"COVID  \n 19", "COVID 19"},
    {"abc\ndef", "abc def"},
    {"A \xE8\x80\x83", "A\xE8\x80\x83"},
    {"\xE8\x80\x83 A", "\xE8\x80\x83" "A"},
    {"  lead and trail  ", "lead and trail"},
    {"1 %", "1%"},
    {"\xEF\xBC\x88\xE5\x85\xA8\xE5\xB9\xB4\xEF\xBC\x89\xEF\xBC\x8C \xE5\xAE\x8C\xE6\x88\x90",
     "\xEF\xBC\x88\xE5\x85\xA8\xE5\xB9\xB4\xEF\xBC\x89\xEF\xBC\x8C\xE5\xAE\x8C\xE6\x88\x90"},
    /* （全年）， 完成: full-width punctuation kept */
    {"", ""},
    {" \n\t\xE3\x80\x80", ""},
    {"a\xFF" "b", "a\xEF\xBF\xBD" "b"}, /* invalid byte → U+FFFD */
};

static void test_normalize(void)
{
    size_t i;
    for (i = 0; i < N_ELEMS(norm_cases); i++) {
        char *s = fd_text_normalize(norm_cases[i].in);
        T_CHECK_MSG(fd_test_streq(s, norm_cases[i].out), "normalize(\"%s\") = \"%s\", want \"%s\"",
                    norm_cases[i].in, s ? s : "(null)", norm_cases[i].out);
        fd_free(s);
    }
    T_CHECK(fd_text_normalize(NULL) == NULL);
}

/* What rules and specks beside a name read as, trimmed; a name's own
 * characters kept, quotes with their partner too (fd_trim_name_noise). */
static void test_trim_name_noise(void)
{
    static const struct {
        const char *in, *out;
        int changed;
    } cases[] = {
        {"\u201d\u76d1\u63a7\u70b9\u4f4d", "\u76d1\u63a7\u70b9\u4f4d", 1},     /* ”监控点位 */
        {"\u3002\u8001\u5e74\u4eba", "\u8001\u5e74\u4eba", 1},                 /* 。老年人 */
        {"\u4eba\u6570L", "\u4eba\u6570", 1},                                     /* 人数L */
        {"\u5468\u671fL_", "\u5468\u671f", 1},                                    /* 周期L_ */
        {"\u7ecf\u8d39cDNA", "\u7ecf\u8d39", 1},                                  /* 经费cDNA */
        {"\u4e2d\u5fc3\u4e00qq", "\u4e2d\u5fc3\u4e00", 1},                      /* 中心一qq: one 一 stays */
        {"\u7ecf\u8d39\u4e00\u4e00\u4e00-~", "\u7ecf\u8d39", 1},               /* 经费一一一-~ */
        {"--\u670d\u52a1", "\u670d\u52a1", 1},
        {"\u66f4\u6362LED", "\u66f4\u6362LED", 0},                                /* 更换LED: an acronym */
        {"5G\u57fa\u7ad9", "5G\u57fa\u7ad9", 0},                                  /* 5G基站 */
        {"\u89c4\u8303\u7edf\u4e00", "\u89c4\u8303\u7edf\u4e00", 0},          /* 规范统一 */
        {"\u4e00\u7ea7\u6307\u6807", "\u4e00\u7ea7\u6307\u6807", 0},          /* 一级指标 */
        {"COVID 19", "COVID 19", 0},
        {"\u201d\u201c", "", 1},
        {"\u201c\u4e24\u65b0\u201d\u515a\u652f\u90e8", "\u201c\u4e24\u65b0\u201d\u515a\u652f\u90e8", 0}, /* “两新”党支部 */
        {"\u515a\u652f\u90e8\u201c\u4e24\u65b0\u201d", "\u515a\u652f\u90e8\u201c\u4e24\u65b0\u201d", 0}, /* 党支部“两新” */
        {"\u201c\u4e24\u65b0\u515a\u652f\u90e8\u201c", "\u4e24\u65b0\u515a\u652f\u90e8", 1},
        {"", "", 0},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        char buf[256];
        int changed;
        fd_snprintf(buf, sizeof buf, "%s", cases[i].in);
        changed = fd_trim_name_noise(buf);
        T_CHECK_MSG(strcmp(buf, cases[i].out) == 0 && changed == cases[i].changed,
                    "trim(\"%s\") = \"%s\" (%d), want \"%s\" (%d)", cases[i].in, buf, changed, cases[i].out,
                    cases[i].changed);
    }
    T_EQ_INT(fd_trim_name_noise(NULL), 0);
}

static void test_is_null(void)
{
    static const struct {
        const char *text;
        int is_null;
    } cases[] = {
        {"", 1},
        {"  ", 1},
        {"\n", 1},
        {"\xE3\x80\x80", 1},
        {"-", 1},
        {"---", 1},
        {"\xE2\x80\x94", 1},
        {"\xE2\x80\x94\xE2\x80\x94", 1},
        {"\xE2\x80\x93", 1},
        {"\xE4\xB8\x80", 1},
        {"\xE2\x80\x95", 1},
        {"/", 1},
        {"//", 1},
        {" \xE2\x80\x94 ", 1},
        {"0", 0},
        {"-3", 0},
        {"--5", 0},
        {"a", 0},
        {"\xE8\xA7\x84\xE8\x8C\x83", 0},
        {"\xE4\xB8\x80\xE4\xB8\xAA", 0}, /* 一个: a word, not a dash */
        {"\xFF", 0},
    };
    size_t i;
    T_EQ_INT(fd_text_is_null(NULL), 1);
    for (i = 0; i < N_ELEMS(cases); i++) {
        T_CHECK_MSG(fd_text_is_null(cases[i].text) == cases[i].is_null,
                    "fd_text_is_null(\"%s\") != %d", cases[i].text, cases[i].is_null);
    }
}

static void test_decimals_tolerance(void)
{
    static const struct {
        double v;
        int d;
    } cases[] = {
        {100.0, 0}, {86.18, 2}, {0.1, 1}, {11999665.86, 2}, {0.0, 0}, {1e-5, 5},
        {1.5e-7, 8}, {1e20, 0}, {-3.25, 2}, {2.32, 2}, {1.0 / 3.0, 16}, {49470.0, 0},
        {74.64, 2}, {0.5, 1}, {123456.789, 3},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        T_CHECK_MSG(fd_decimals_of(cases[i].v) == cases[i].d, "fd_decimals_of(%.17g) = %d, want %d",
                    cases[i].v, fd_decimals_of(cases[i].v), cases[i].d);
    }
    T_EQ_DBL(fd_tolerance(0), 0.51, 1e-12);
    T_EQ_DBL(fd_tolerance(1), 0.06, 1e-12);
    T_EQ_DBL(fd_tolerance(2), 0.015, 1e-12);
    T_EQ_DBL(fd_tolerance(3), 0.0105, 1e-12);
    T_EQ_DBL(fd_tolerance(-1), 0.51, 1e-12);
}

/* ---------------------------------------------------- reading repairs */

typedef struct repair_case {
    const char *in;
    const char *out;
    int changed;
} repair_case;

static const repair_case repair_cases[] = {
    {"12..5", "12.5", 1},
    {".125", "125", 1},
    {"125.", "125", 1},
    {"12,5", "12.5", 1},             /* decimal comma */
    {"12,50%", "12.50%", 1},
    {"1,234", "1,234", 0},           /* a thousands separator stays */
    {"130.220.52", "130,220.52", 1}, /* separators read as points */
    {"1.234.567.89", "1,234,567.89", 1},
    {"1.23.45", "1.23.45", 0},       /* not three digits after the first: left alone */
    {"2659463.34", "2659463.34", 0},
    {"100.00%%", "100.00%", 1},      /* the sign read twice */
    {"", "", 0},
};

/* fd_repair_point_groups: a point with six or nine digits after it. */
static const repair_case point_group_cases[] = {
    {"3.505000", "3505000", 1},
    {"12.345678901", "12345678901", 1},
    {"1.375", "1.375", 0},           /* three decimals: a score may have them */
    {"2659463.34", "2659463.34", 0},
    {"1.23456", "1.23456", 0},       /* five: not a thousands group */
    {"1,234.567890", "1,234.567890", 0},
    {".505000", ".505000", 0},
    {"3.505000%", "3.505000%", 0},
    {"", "", 0},
};

typedef struct merge_case {
    const char *line;    /* text model's reading */
    const char *measure; /* measure alphabet's reading */
    const char *out;     /* NULL: no change */
} merge_case;

#define UNITS "人个次项元万月天名户场套"

static const merge_case merge_cases[] = {
    {"\xE5\x92\x8C" "10万元\n", "1047", "10万元"},   /* 和10万元 / 1047: unit read as digits */
    {"≤10万元", "≤1047", "≤10万元"},
    {"≥42名", "≥42%", "≥42名"},                        /* unit read as % */
    {"≤5万元", "≤5", "≤5万元"},                          /* unit dropped */
    {"≥24人", "≥2", "≥24人"},                            /* cut short */
    {"=1个", "=14", "=1个"},
    {"85%", "853", "85%"},                               /* % read as a digit */
    {"85%", "85", "85%"},                                /* % dropped */
    {"95%", "95%", "95%"},                               /* agreeing readings: the same */
    {"95%", "96%", NULL},                                /* digits disagree */
    {"规范", "5", NULL},                                 /* no number in the text reading */
    {"≤30万元", "≤38077", NULL},                         /* digits disagree */
    {"10万无", "1047", NULL},                            /* 无 is no unit of the alphabet */
    {"12人", "12人", NULL},                              /* the measure reading has its unit */
    {"=]]场", "=114", "=11场"},                          /* serif 1s read as ] before the unit */
    {"]]场", "1", "11场"},
    {"过403]户", "≥403171", "≥4031户"},
    {"|2人", "12", "12人"},
    {"=]]场", "=124", NULL},                             /* digits still disagree */
    {"]]", "114", NULL},                                 /* no unit: nothing is a 1 */
};

typedef struct relation_case {
    const char *line;
    const char *measure;
    const char *out;
} relation_case;

static const relation_case relation_cases[] = {
    {"> 95%", "295%", "≥95%"},
    {">85%\n", "285%", "≥85%"},
    {"＞80%", "280%", "≥80%"},
    {"25%", "25%", NULL},     /* a real 2 */
    {"> 95%", ">95%", NULL},  /* the measure reading has no 2 */
    {"> 96%", "295%", NULL},  /* digits disagree */
    {"> 95%", "2", NULL},
    {"\u4e4b90%", "290%", "≥90%"},  /* 之90%: a ⩾ read as an ideograph */
    {"\u4e4b\u4e4b90%", "290%", NULL}, /* two of them: not one operator */
    {"A90%", "290%", NULL},
};

/* Runs an in-place repair over a table of cases. */
static void check_repairs(const char *what, int (*repair)(char *), const repair_case *cases, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char buf[64];
        int changed;
        fd_snprintf(buf, sizeof buf, "%s", cases[i].in);
        changed = repair(buf);
        T_CHECK_MSG(strcmp(buf, cases[i].out) == 0 && changed == cases[i].changed,
                    "%s(\"%s\") = \"%s\" (%d), want \"%s\" (%d)", what, cases[i].in, buf, changed,
                    cases[i].out, cases[i].changed);
    }
}

static void test_split_joined_pair(void)
{
    static const struct {
        const char *text;
        int ok;
        double weight, score;
    } cases[] = {
        {"10095.30", 1, 100, 95.3}, /* 1|0095.30, 10|095.30 leading zeros; 1009 too large */
        {"10094.3", 1, 100, 94.3},
        {"9998", 1, 99, 98},
        {"100100", 1, 100, 100},
        {"1000", 1, 100, 0},        /* 10|00 has a leading zero */
        {"5050", 1, 50, 50},
        {"95.3", 0, 0, 0},          /* 9|5.3: a weight under 50 */
        {"1111", 0, 0, 0},          /* 11|11: likewise */
        {"9590", 1, 95, 90},
        {"60.555", 0, 0, 0},        /* 60.5|55 and 60.55|5: two cuts */
        {"", 0, 0, 0},
        {"100a95", 0, 0, 0},
        {"10095.3.0", 0, 0, 0},
    };
    size_t i;
    for (i = 0; i < N_ELEMS(cases); i++) {
        fd_num w = fd_num_null(), sc = fd_num_null();
        int ok = fd_split_joined_pair(cases[i].text, 50.0, 100.0, &w, &sc);
        T_CHECK_MSG(ok == cases[i].ok, "split_joined_pair(\"%s\") = %d", cases[i].text, ok);
        if (ok && cases[i].ok) {
            T_EQ_DBL(w.value, cases[i].weight, 1e-9);
            T_EQ_DBL(sc.value, cases[i].score, 1e-9);
        }
    }
}

static void test_percent_digit_alternative(void)
{
    static const struct {
        const char *text, *alt; /* alt NULL: none */
    } cases[] = {
        {"989%", "98%"},   /* above 100 */
        {"859%", "85%"},
        {"49%", "4%"},     /* a 9 after a digit */
        {"99%", "9%"},
        {"100.09%", "100.0%"},
        {"1009%", "100%"},
        {"9%", NULL},      /* nothing left */
        {"4.9%", NULL},    /* the 9 after a point */
        {"98%", NULL},
        {"100%", NULL},
        {"100.5%", "100.%"}, /* above 100: its last digit goes */
        {"1005%", "100%"}, /* above 100 with four digits */
        {"49", NULL},
        {"49%x", NULL},
        {"", NULL},
    };
    size_t i;
    char out[16];
    for (i = 0; i < N_ELEMS(cases); i++) {
        int ok = fd_percent_digit_alternative(cases[i].text, out, sizeof out);
        T_CHECK_MSG(ok == (cases[i].alt != NULL), "percent_digit_alternative(\"%s\") = %d", cases[i].text, ok);
        if (ok && cases[i].alt) T_EQ_STR(out, cases[i].alt);
    }
    T_CHECK(fd_percent_digit_alternative("12345%", out, 4) == 0); /* out too small */
    T_CHECK(fd_percent_digit_alternative(NULL, out, sizeof out) == 0);
}

static void test_reading_repairs(void)
{
    size_t i;
    check_repairs("repair_number", fd_repair_number, repair_cases, N_ELEMS(repair_cases));
    check_repairs("repair_point_groups", fd_repair_point_groups, point_group_cases,
                  N_ELEMS(point_group_cases));
    for (i = 0; i < N_ELEMS(merge_cases); i++) {
        char *m = fd_merge_measure_unit(merge_cases[i].line, merge_cases[i].measure, UNITS);
        T_CHECK_MSG(fd_test_streq(m, merge_cases[i].out), "merge(\"%s\", \"%s\") = \"%s\", want \"%s\"",
                    merge_cases[i].line, merge_cases[i].measure, m ? m : "(null)",
                    merge_cases[i].out ? merge_cases[i].out : "(null)");
        fd_free(m);
    }
    for (i = 0; i < N_ELEMS(relation_cases); i++) {
        char *r = fd_measure_relation_from_line(relation_cases[i].line, relation_cases[i].measure);
        T_CHECK_MSG(fd_test_streq(r, relation_cases[i].out),
                    "relation(\"%s\", \"%s\") = \"%s\", want \"%s\"", relation_cases[i].line,
                    relation_cases[i].measure, r ? r : "(null)",
                    relation_cases[i].out ? relation_cases[i].out : "(null)");
        fd_free(r);
    }
    T_CHECK(fd_merge_measure_unit(NULL, "1", UNITS) == NULL);
    T_CHECK(fd_measure_relation_from_line("> 9", NULL) == NULL);
}

int main(void)
{
    test_amount_percent();
    test_measure();
    test_normalize();
    test_trim_name_noise();
    test_is_null();
    test_decimals_tolerance();
    test_reading_repairs();
    test_split_joined_pair();
    test_percent_digit_alternative();
    return fd_test_summary("test_value");
}
