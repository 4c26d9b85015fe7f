/*
 * JSON module and the public check API: write → read round trips on
 * hand-built documents, exact field names and order, number formatting,
 * the reader on bad input (never a crash, always a status and a message
 * naming the pointer or the offset), limits, model loaders, check mode
 * (fields kept, JSON Lines), contexts, and allocation failures.
 */
#include "json_io.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODELS FD_SOURCE_DIR "/models"
#define SEED FD_SHARED_DIR "/seed/seed-forms.json"

static int contains(const char *hay, const char *needle)
{
    return hay != NULL && needle != NULL && strstr(hay, needle) != NULL;
}

/* ------------------------------------------------------------------ data */

static char *xstrdup(const char *s) { return fd_strdup(s); }

static void set_measure(fd_measure *m, const char *text, fd_op op, double v, int dec, const char *unit)
{
    m->text = xstrdup(text);
    m->op = op;
    m->value = dec >= -1 ? fd_num_make(v, dec) : fd_num_null();
    m->unit = unit ? xstrdup(unit) : NULL;
}

/* A hand-built document exercising every field. */
static fd_document *make_doc(void)
{
    fd_document *doc = NULL;
    fd_form *f;
    fd_indicator *ind;
    fd_check c;
    static const int bbox[4] = {812, 604, 233, 41};
    const char *alts[] = {"11,999,665.36", "11,999,605.86"};
    if (fd_document_create(&doc) != FD_OK) return NULL;
    doc->source_path = xstrdup("scans/demo.pdf");
    doc->source_pages = 5;
    memcpy(doc->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 65);
    f = fd_document_add_form(doc);
    f->pages = fd_calloc(2, sizeof *f->pages);
    f->pages[0] = 1;
    f->pages[1] = 2;
    f->n_pages = 2;
    f->title = xstrdup("财政项目支出绩效自评表");
    f->year = fd_num_make(2023, 0);
    f->project_name = xstrdup("党群中心劳务费及分摊费");
    f->department = xstrdup("杨行镇主管单位");
    f->implementing_unit = NULL;
    f->funds[FD_FUNDS_TOTAL][FD_COL_INITIAL] = fd_num_make(11134477.99, 2);
    f->funds[FD_FUNDS_TOTAL][FD_COL_ANNUAL] = fd_num_make(11999665.86, 2);
    f->funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED] = fd_num_make(11999665.86, 2);
    f->funds[FD_FUNDS_TOTAL][FD_COL_WEIGHT] = fd_num_make(10, 0);
    f->funds[FD_FUNDS_TOTAL][FD_COL_RATE] = fd_num_make(100, 2);
    f->funds[FD_FUNDS_TOTAL][FD_COL_SCORE] = fd_num_make(10, 0);
    f->funds[FD_FUNDS_FISCAL][FD_COL_INITIAL] = fd_num_make(11134477.99, 2);
    f->funds[FD_FUNDS_CARRYOVER][FD_COL_INITIAL] = fd_num_make(0, 0);
    f->goals_expected = xstrdup("通过居民区书记及社工……“引号”（括号）");
    f->goals_actual = NULL;
    ind = fd_form_add_indicator(f);
    ind->level1 = xstrdup("产出指标");
    ind->level2 = xstrdup("数量指标");
    ind->name = xstrdup("镇域内居民区数量");
    set_measure(&ind->target, "=51个", FD_OP_EQ, 51, 0, "个");
    set_measure(&ind->actual, "52个", FD_OP_NONE, 52, 0, "个");
    ind->weight = fd_num_make(5, 0);
    ind->score = fd_num_make(3, 0);
    ind->deviation_reason = xstrdup("新增1个居民区");
    ind = fd_form_add_indicator(f);
    ind->level1 = xstrdup("满意度指标");
    ind->level2 = NULL;
    ind->name = xstrdup("满意度 \"quoted\" \\ back");
    set_measure(&ind->target, "≥90%", FD_OP_GE, 90, 0, "%");
    set_measure(&ind->actual, "规范", FD_OP_NONE, 0, -2, NULL);
    ind->weight = fd_num_make(2.5, 1);
    ind->score = fd_num_null();
    f->total_weight = fd_num_make(100, 0);
    f->total_score = fd_num_make(96, 0);
    memset(&c, 0, sizeof c);
    c.code = FD_CHECK_SCORE_SUM;
    c.severity = FD_SEV_ERROR;
    c.ok = FD_TRI_FALSE;
    fd_snprintf(c.path, sizeof c.path, "/total/score");
    c.stated = fd_num_make(98, 0);
    c.recomputed = fd_num_make(96, -1);
    c.ocr_suspect = 1;
    fd_snprintf(c.message, sizeof c.message, "总分得分 98 ≠ 各项得分之和 96");
    fd_checklist_push(&f->checks, &c);
    c.code = FD_CHECK_INDICATOR_UNDER;
    c.severity = FD_SEV_INFO;
    c.ok = FD_TRI_NULL;
    fd_snprintf(c.path, sizeof c.path, "/indicators/1/score");
    c.stated = fd_num_null();
    c.recomputed = fd_num_make(4.517, -1);
    c.ocr_suspect = 0;
    fd_snprintf(c.message, sizeof c.message, "无法核对");
    fd_checklist_push(&f->checks, &c);
    f->checks.verdict = FD_VERDICT_ERRORS;
    fd_form_add_prov(f, "/funds/total/executed", 1, bbox, 91.4, "11,999,665.86", alts, 2);
    fd_form_add_prov(f, "/funds/total/execution_rate_pct", 1, bbox, 88, "100.00%", NULL, 0);
    fd_form_add_prov(f, "/indicators/0/target", 2, bbox, 75.5, "=51个", NULL, 0);
    fd_form_add_prov(f, "/indicators/1/weight", 2, bbox, 99, "２．５", NULL, 0);
    fd_document_add_error(doc, 4, "PAGE_UNREADABLE", "page %d: %s", 4, "blank");
    fd_document_add_error(doc, 0, "FILE_TRUNCATED", "whole file");
    return doc;
}

/* ------------------------------------------------------------ writing */

static void test_write_exact(void)
{
    fd_document *doc = make_doc();
    fd_diag dg;
    char *out = NULL;
    fd_diag_init(&dg);
    T_CHECK(doc != NULL);
    T_EQ_INT(fd_json_write_document(doc, 0, &out, &dg), FD_OK);
    T_CHECK(out != NULL && strchr(out, '\n') == NULL); /* one line */
    /* Field names, nesting, order and number formats, exactly. */
    T_CHECK(contains(out, "{\"format\":\"1\",\"source\":{\"path\":\"scans/demo.pdf\",\"pages\":5,"
                          "\"sha256\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"},"
                          "\"forms\":[{\"pages\":[1,2],\"title\":\"财政项目支出绩效自评表\",\"year\":2023,"
                          "\"project_name\":\"党群中心劳务费及分摊费\",\"department\":\"杨行镇主管单位\","
                          "\"implementing_unit\":null,\"funds\":{"));
    T_CHECK(contains(out, "\"funds\":{\"total\":{\"initial_budget\":11134477.99,\"annual_budget\":11999665.86,"
                          "\"executed\":11999665.86,\"weight\":10,\"execution_rate_pct\":100.00,\"score\":10},"
                          "\"fiscal\":{\"initial_budget\":11134477.99,\"annual_budget\":null,\"executed\":null},"
                          "\"carryover\":{\"initial_budget\":0,\"annual_budget\":null,\"executed\":null},"
                          "\"other\":{\"initial_budget\":null,\"annual_budget\":null,\"executed\":null}},"));
    T_CHECK(contains(out, "\"goals\":{\"expected\":\"通过居民区书记及社工……“引号”（括号）\",\"actual\":null},"));
    T_CHECK(contains(out, "\"indicators\":[{\"level1\":\"产出指标\",\"level2\":\"数量指标\",\"name\":\"镇域内居民区数量\","
                          "\"target\":{\"text\":\"=51个\",\"op\":\"=\",\"value\":51,\"unit\":\"个\"},"
                          "\"actual\":{\"text\":\"52个\",\"op\":null,\"value\":52,\"unit\":\"个\"},"
                          "\"weight\":5,\"score\":3,\"deviation_reason\":\"新增1个居民区\"},"));
    T_CHECK(contains(out, "\"name\":\"满意度 \\\"quoted\\\" \\\\ back\","
                          "\"target\":{\"text\":\"≥90%\",\"op\":\">=\",\"value\":90,\"unit\":\"%\"},"
                          "\"actual\":{\"text\":\"规范\",\"op\":null,\"value\":null,\"unit\":null},"
                          "\"weight\":2.5,\"score\":null,\"deviation_reason\":null}],"));
    T_CHECK(contains(out, "\"total\":{\"weight\":100,\"score\":96},\"verdict\":\"errors\",\"checks\":["
                          "{\"code\":\"SCORE_SUM\",\"severity\":\"error\",\"ok\":false,\"path\":\"/total/score\","
                          "\"stated\":98,\"recomputed\":96,\"ocr_suspect\":true,"
                          "\"message\":\"总分得分 98 ≠ 各项得分之和 96\"},"
                          "{\"code\":\"INDICATOR_UNDER\",\"severity\":\"info\",\"ok\":null,"
                          "\"path\":\"/indicators/1/score\",\"stated\":null,\"recomputed\":4.517,"
                          "\"ocr_suspect\":false,\"message\":\"无法核对\"}],"));
    T_CHECK(contains(out, "\"provenance\":{\"/funds/total/executed\":{\"page\":1,\"bbox\":[812,604,233,41],"
                          "\"conf\":91.4,\"text\":\"11,999,665.86\","
                          "\"alternatives\":[\"11,999,665.36\",\"11,999,605.86\"]},"
                          "\"/funds/total/execution_rate_pct\":{\"page\":1,\"bbox\":[812,604,233,41],"
                          "\"conf\":88,\"text\":\"100.00%\"},"));
    T_CHECK(contains(out, "\"errors\":[{\"page\":4,\"code\":\"PAGE_UNREADABLE\",\"message\":\"page 4: blank\"},"
                          "{\"page\":null,\"code\":\"FILE_TRUNCATED\",\"message\":\"whole file\"}]}"));
    fd_free(out);
    out = NULL;
    /* Pretty output: several lines, same content once whitespace is gone. */
    T_EQ_INT(fd_json_write_document(doc, 1, &out, &dg), FD_OK);
    T_CHECK(out != NULL && strchr(out, '\n') != NULL);
    T_CHECK(contains(out, "\"execution_rate_pct\":\t100.00"));
    fd_free(out);
    fd_document_destroy(&doc);
    T_CHECK(doc == NULL);
}

static void test_write_empty(void)
{
    fd_document *doc = NULL;
    fd_diag dg;
    char *out = NULL;
    fd_diag_init(&dg);
    T_EQ_INT(fd_document_create(&doc), FD_OK);
    fd_document_add_form(doc);
    T_EQ_INT(fd_json_write_document(doc, 0, &out, &dg), FD_OK);
    T_EQ_STR(out, "{\"format\":\"1\",\"source\":{\"path\":null,\"pages\":null,\"sha256\":null},\"forms\":[{"
                  "\"pages\":[],\"title\":null,\"year\":null,\"project_name\":null,\"department\":null,"
                  "\"implementing_unit\":null,\"funds\":{\"total\":{\"initial_budget\":null,"
                  "\"annual_budget\":null,\"executed\":null,\"weight\":null,\"execution_rate_pct\":null,"
                  "\"score\":null},\"fiscal\":{\"initial_budget\":null,\"annual_budget\":null,\"executed\":null},"
                  "\"carryover\":{\"initial_budget\":null,\"annual_budget\":null,\"executed\":null},"
                  "\"other\":{\"initial_budget\":null,\"annual_budget\":null,\"executed\":null}},"
                  "\"goals\":{\"expected\":null,\"actual\":null},\"indicators\":[],"
                  "\"total\":{\"weight\":null,\"score\":null},\"verdict\":null,\"checks\":[],"
                  "\"provenance\":{}}],\"errors\":[]}");
    fd_free(out);
    fd_document_destroy(&doc);
    T_EQ_INT(fd_json_write_document(NULL, 0, &out, &dg), FD_ERR_USAGE);
}

/* One number written as the year field of an otherwise empty form. */
static char *number_text(double v, int decimals)
{
    fd_document *doc = NULL;
    fd_diag dg;
    char *out = NULL, *res = NULL;
    const char *p, *e;
    fd_diag_init(&dg);
    if (fd_document_create(&doc) != FD_OK) return NULL;
    fd_document_add_form(doc)->year = fd_num_make(v, decimals);
    if (fd_json_write_document(doc, 0, &out, &dg) == FD_OK) {
        p = strstr(out, "\"year\":");
        if (p) {
            p += 7;
            e = strchr(p, ',');
            if (e) res = fd_strndup(p, (size_t)(e - p));
        }
    }
    fd_free(out);
    fd_document_destroy(&doc);
    return res;
}

static void test_number_format(void)
{
    static const struct {
        double v;
        int decimals;
        const char *want;
    } cases[] = {
        {11999665.86, 2, "11999665.86"},
        {11999665.86, -1, "11999665.86"},
        {11134477.99, -1, "11134477.99"},
        {100.0, 2, "100.00"},
        {100.0, -1, "100"},
        {100.0, 0, "100"},
        {86.18, 2, "86.18"},
        {86.18, -1, "86.18"},
        {86.1, 2, "86.10"},
        {4.517, 0, "4.517"},   /* printed precision would change the value: shortest form */
        {4.517, -1, "4.517"},
        {0.1 + 0.2, -1, "0.30000000000000004"},
        {0.0, 2, "0.00"},
        {-0.0, -1, "0"},
        {-2.5, 1, "-2.5"},
        {1e15, -1, "1000000000000000"},
        {808558.0, 2, "808558.00"},
        {2.72, -1, "2.72"},
        {1e-7, -1, "1e-07"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = number_text(cases[i].v, cases[i].decimals);
        T_CHECK_MSG(fd_test_streq(t, cases[i].want), "number %.17g (decimals %d): got %s, want %s",
                    cases[i].v, cases[i].decimals, t ? t : "(null)", cases[i].want);
        if (t) T_CHECK_MSG(strtod(t, NULL) == cases[i].v || cases[i].v == 0.0, "%s reads back", t);
        fd_free(t);
    }
}

/* The writer's output validates against models/contract.schema.json. */
static void test_write_validates(void)
{
#ifdef FD_PYTHON
    fd_document *doc = make_doc(), *empty = NULL;
    fd_diag dg;
    char *out = NULL;
    char cmd[2048];
    FILE *fp;
    int i;
    fd_diag_init(&dg);
    fd_document_create(&empty);
    if (empty) fd_document_add_form(empty);
    for (i = 0; i < 2; i++) {
        const char *path = i == 0 ? FD_TEST_TMP "/written.json" : FD_TEST_TMP "/written-empty.json";
        T_EQ_INT(fd_json_write_document(i == 0 ? doc : empty, i, &out, &dg), FD_OK);
        fp = fopen(path, "wb");
        T_CHECK(fp != NULL);
        if (fp == NULL || out == NULL) break;
        fputs(out, fp);
        fclose(fp);
        fd_free(out);
        out = NULL;
        fd_snprintf(cmd, sizeof cmd, "'%s' '%s/tools/validate_json.py' '%s/models/contract.schema.json' '%s' >&2",
                    FD_PYTHON, FD_SOURCE_DIR, FD_SOURCE_DIR, path);
        T_CHECK_MSG(system(cmd) == 0, "%s does not validate against the schema", path);
    }
    fd_free(out);
    fd_document_destroy(&doc);
    fd_document_destroy(&empty);
#endif
}

/* ------------------------------------------------------------ reading */

static void test_round_trip(void)
{
    fd_document *doc = make_doc(), *back = NULL;
    fd_diag dg;
    char *out = NULL, *out2 = NULL;
    const fd_form *f;
    const fd_prov *p;
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_write_document(doc, 1, &out, &dg), FD_OK);
    T_EQ_INT(fd_json_read_document(out, strlen(out), &back, &dg), FD_OK);
    T_EQ_STR(dg.message, "");
    if (back == NULL) goto cleanup;
    T_EQ_STR(back->source_path, "scans/demo.pdf");
    T_EQ_INT(back->source_pages, 5);
    T_EQ_STR(back->sha256, doc->sha256);
    T_EQ_INT(back->n_forms, 1);
    T_EQ_INT(back->n_errors, 2);
    T_EQ_INT(back->errors[0].page, 4);
    T_EQ_STR(back->errors[0].code, "PAGE_UNREADABLE");
    T_EQ_STR(back->errors[0].message, "page 4: blank");
    T_EQ_INT(back->errors[1].page, 0);
    f = &back->forms[0];
    T_EQ_INT(f->n_pages, 2);
    T_EQ_INT(f->pages[1], 2);
    T_EQ_STR(f->title, "财政项目支出绩效自评表");
    T_EQ_DBL(f->year.value, 2023, 0);
    T_EQ_INT(f->year.decimals, -1);
    T_CHECK(f->implementing_unit == NULL);
    T_EQ_DBL(f->funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED].value, 11999665.86, 0);
    T_EQ_INT(f->funds[FD_FUNDS_TOTAL][FD_COL_EXECUTED].decimals, 2);  /* from provenance "11,999,665.86" */
    T_EQ_INT(f->funds[FD_FUNDS_TOTAL][FD_COL_RATE].decimals, 2);      /* from provenance "100.00%" */
    T_EQ_INT(f->funds[FD_FUNDS_TOTAL][FD_COL_ANNUAL].decimals, -1);   /* no provenance */
    T_CHECK(!f->funds[FD_FUNDS_OTHER][FD_COL_EXECUTED].present);
    T_EQ_INT(f->funds[FD_FUNDS_CARRYOVER][FD_COL_INITIAL].present, 1);
    T_EQ_STR(f->goals_expected, "通过居民区书记及社工……“引号”（括号）");
    T_CHECK(f->goals_actual == NULL);
    T_EQ_INT(f->n_indicators, 2);
    if (f->n_indicators == 2) {
        T_EQ_STR(f->indicators[0].target.text, "=51个");
        T_EQ_INT(f->indicators[0].target.op, FD_OP_EQ);
        T_EQ_DBL(f->indicators[0].target.value.value, 51, 0);
        T_EQ_INT(f->indicators[0].target.value.decimals, 0); /* from provenance of /indicators/0/target */
        T_EQ_STR(f->indicators[0].target.unit, "个");
        T_EQ_INT(f->indicators[0].actual.op, FD_OP_NONE);
        T_EQ_STR(f->indicators[0].deviation_reason, "新增1个居民区");
        T_EQ_STR(f->indicators[1].name, "满意度 \"quoted\" \\ back");
        T_CHECK(f->indicators[1].level2 == NULL);
        T_EQ_INT(f->indicators[1].target.op, FD_OP_GE);
        T_CHECK(!f->indicators[1].actual.value.present);
        T_EQ_DBL(f->indicators[1].weight.value, 2.5, 0);
        T_EQ_INT(f->indicators[1].weight.decimals, 1); /* full-width "２．５" */
        T_CHECK(!f->indicators[1].score.present);
    }
    T_EQ_DBL(f->total_score.value, 96, 0);
    T_EQ_INT(f->checks.count, 2);
    T_EQ_INT(f->checks.verdict, FD_VERDICT_ERRORS);
    if (f->checks.count == 2) {
        T_EQ_INT(f->checks.items[0].code, FD_CHECK_SCORE_SUM);
        T_EQ_INT(f->checks.items[0].ok, FD_TRI_FALSE);
        T_EQ_INT(f->checks.items[0].ocr_suspect, 1);
        T_EQ_STR(f->checks.items[0].path, "/total/score");
        T_EQ_STR(f->checks.items[0].message, "总分得分 98 ≠ 各项得分之和 96");
        T_EQ_INT(f->checks.items[1].ok, FD_TRI_NULL);
        T_EQ_INT(f->checks.items[1].severity, FD_SEV_INFO);
        T_EQ_DBL(f->checks.items[1].recomputed.value, 4.517, 0);
    }
    T_EQ_INT(f->n_prov, 4);
    p = fd_form_find_prov(f, "/funds/total/executed");
    T_CHECK(p != NULL);
    if (p) {
        T_EQ_INT(p->page, 1);
        T_EQ_INT(p->bbox[0], 812);
        T_EQ_INT(p->bbox[3], 41);
        T_EQ_DBL(p->conf, 91.4, 1e-12);
        T_EQ_STR(p->text, "11,999,665.86");
        T_EQ_INT(p->n_alternatives, 2);
        if (p->n_alternatives == 2) T_EQ_STR(p->alternatives[1], "11,999,605.86");
    }
    /* write → read → write is a fixed point. */
    T_EQ_INT(fd_json_write_document(back, 1, &out2, &dg), FD_OK);
    T_EQ_STR(out2, out);
cleanup:
    fd_free(out);
    fd_free(out2);
    fd_document_destroy(&doc);
    fd_document_destroy(&back);
}

static void test_read_seed(void)
{
    size_t len = 0;
    char *text = fd_test_read_file(SEED, &len);
    fd_document *doc = NULL;
    fd_diag dg;
    fd_diag_init(&dg);
    T_CHECK_MSG(text != NULL, "cannot read %s", SEED);
    if (text == NULL) return;
    T_EQ_INT(fd_json_read_document(text, len, &doc, &dg), FD_OK);
    T_EQ_STR(dg.message, "");
    if (doc) {
        T_EQ_INT(doc->n_forms, 3);
        T_EQ_STR(doc->source_path, "000_e18d18ffef0fbf31.txt");
        T_EQ_INT(doc->source_pages, -1);
        T_EQ_STR(doc->sha256, "");
        T_EQ_INT(doc->forms[0].n_pages, 0);
        T_EQ_INT(doc->forms[0].n_prov, 0);
        T_EQ_DBL(doc->forms[0].funds[FD_FUNDS_TOTAL][FD_COL_ANNUAL].value, 11999665.86, 0);
        T_EQ_INT(doc->forms[0].funds[FD_FUNDS_TOTAL][FD_COL_ANNUAL].decimals, -1);
        T_CHECK(!doc->forms[1].total_weight.present);
        T_EQ_DBL(doc->forms[1].total_score.value, 100, 0);
        T_EQ_DBL(doc->forms[2].total_score.value, 97, 0);
        T_CHECK(doc->forms[0].n_indicators > 10);
        T_EQ_STR(doc->forms[0].indicators[0].level1, "产出指标");
        T_EQ_INT(doc->forms[0].indicators[0].target.op, FD_OP_EQ);
    }
    fd_document_destroy(&doc);
    free(text);
}

typedef struct bad_case {
    const char *json;
    fd_status status;
    const char *message_part;
} bad_case;

static void test_bad_input(void)
{
    static const bad_case cases[] = {
        {"", FD_ERR_INPUT, "empty input"},
        {"   \n\t ", FD_ERR_INPUT, "empty input"},
        {"hello", FD_ERR_INPUT, "syntax error at line 1, column 1 (byte offset 0)"},
        {"{\"format\":\"1\",\n \"forms\": [}", FD_ERR_INPUT, "line 2, column 12"},
        {"{\"format\":\"1\",\"forms\":[", FD_ERR_INPUT, "unexpected end of input"},
        {"{\"format\":\"1\",\"forms\":[]", FD_ERR_INPUT, "unexpected end of input"},
        {"{\"format\":\"1\",\"forms\":[]}}", FD_ERR_INPUT, "byte offset 25"},
        {"[]", FD_ERR_INPUT, "document root: expected an object"},
        {"\"format\"", FD_ERR_INPUT, "document root: expected an object"},
        {"{\"forms\":[]}", FD_ERR_INPUT, "missing required field \"format\""},
        {"{\"format\":\"1\"}", FD_ERR_INPUT, "missing required field \"forms\""},
        {"{\"format\":1,\"forms\":[]}", FD_ERR_INPUT, "/format: expected the string \"1\", got number"},
        {"{\"format\":\"2\",\"forms\":[]}", FD_ERR_INPUT, "/format: unsupported format \"2\""},
        {"{\"format\":\"1\",\"forms\":null}", FD_ERR_INPUT, "/forms: expected an array, got null"},
        {"{\"format\":\"1\",\"forms\":[1]}", FD_ERR_INPUT, "/forms/0: expected an object, got number"},
        {"{\"format\":\"1\",\"forms\":[{\"funds\":{\"total\":{\"executed\":\"12\"}}}]}", FD_ERR_INPUT,
         "/forms/0/funds/total/executed: expected a number or null, got string"},
        {"{\"format\":\"1\",\"forms\":[{},{\"funds\":{\"other\":[]}}]}", FD_ERR_INPUT,
         "/forms/1/funds/other: expected an object or null, got array"},
        {"{\"format\":\"1\",\"forms\":[{\"title\":true}]}", FD_ERR_INPUT,
         "/forms/0/title: expected a string or null, got boolean"},
        {"{\"format\":\"1\",\"forms\":[{\"year\":{}}]}", FD_ERR_INPUT, "/forms/0/year: expected a number or null, got object"},
        {"{\"format\":\"1\",\"forms\":[{\"indicators\":{}}]}", FD_ERR_INPUT,
         "/forms/0/indicators: expected an array, got object"},
        {"{\"format\":\"1\",\"forms\":[{\"indicators\":null}]}", FD_ERR_INPUT,
         "/forms/0/indicators: expected an array, got null"},
        {"{\"format\":\"1\",\"forms\":[{\"indicators\":[{},{\"target\":{\"op\":\"≥\"}}]}]}", FD_ERR_INPUT,
         "/forms/0/indicators/1/target/op: expected one of"},
        {"{\"format\":\"1\",\"forms\":[{\"indicators\":[{\"actual\":{\"value\":[1]}}]}]}", FD_ERR_INPUT,
         "/forms/0/indicators/0/actual/value: expected a number or null, got array"},
        {"{\"format\":\"1\",\"forms\":[{\"indicators\":[\"x\"]}]}", FD_ERR_INPUT,
         "/forms/0/indicators/0: expected an object, got string"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":1e16}}]}", FD_ERR_INPUT,
         "/forms/0/total/score: number out of range"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":-1e300}}]}", FD_ERR_INPUT,
         "/forms/0/total/score: number out of range"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":1e999}}]}", FD_ERR_INPUT,
         "/forms/0/total/score: number out of range"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":NaN}}]}", FD_ERR_INPUT, "not valid JSON"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":Infinity}}]}", FD_ERR_INPUT, "not valid JSON"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":-Infinity}}]}", FD_ERR_INPUT, "not valid JSON"},
        {"{\"format\":\"1\",\"forms\":[{\"total\":{\"score\":0x10}}]}", FD_ERR_INPUT, "not valid JSON"},
        {"{\"format\":\"1\",\"forms\":[{\"title\":\"\xff\"}]}", FD_ERR_INPUT, "not valid UTF-8 at byte offset 33"},
        {"{\"format\":\"1\",\"forms\":[{\"title\":\"\xe8\xb4\"}]}", FD_ERR_INPUT, "not valid UTF-8"},
        {"{\"format\":\"1\",\"forms\":[{\"title\":\"\xc0\xaf\"}]}", FD_ERR_INPUT, "not valid UTF-8"},   /* overlong */
        {"{\"format\":\"1\",\"forms\":[{\"title\":\"\xed\xa0\x80\"}]}", FD_ERR_INPUT, "not valid UTF-8"}, /* surrogate */
        {"{\"format\":\"1\",\"forms\":[{\"title\":\"\\ud800\"}]}", FD_ERR_INPUT, "not valid JSON"}, /* lone surrogate escape */
        {"{\"format\":\"1\",\"forms\":[{\"pages\":[0]}]}", FD_ERR_INPUT, "/forms/0/pages/0: expected an integer in [1, 1000000]"},
        {"{\"format\":\"1\",\"forms\":[{\"pages\":[1.5]}]}", FD_ERR_INPUT, "/forms/0/pages/0"},
        {"{\"format\":\"1\",\"forms\":[{\"verdict\":\"fine\"}]}", FD_ERR_INPUT, "/forms/0/verdict: expected"},
        {"{\"format\":\"1\",\"forms\":[{\"checks\":[{\"code\":\"X\"}]}]}", FD_ERR_INPUT,
         "/forms/0/checks/0/code: unknown check code \"X\""},
        {"{\"format\":\"1\",\"forms\":[{\"checks\":[{}]}]}", FD_ERR_INPUT, "/forms/0/checks/0/code: missing"},
        {"{\"format\":\"1\",\"forms\":[{\"checks\":[{\"code\":\"SCORE_SUM\",\"ok\":1}]}]}", FD_ERR_INPUT,
         "/forms/0/checks/0/ok: expected true, false or null, got number"},
        {"{\"format\":\"1\",\"forms\":[{\"provenance\":{\"x\":{}}}]}", FD_ERR_INPUT,
         "/forms/0/provenance/x: a provenance key must be a JSON Pointer"},
        {"{\"format\":\"1\",\"forms\":[{\"provenance\":{\"/a/b\":{\"bbox\":[1,2,3]}}}]}", FD_ERR_INPUT,
         "/forms/0/provenance/~1a~1b/bbox: expected 4 numbers"},
        {"{\"format\":\"1\",\"forms\":[{\"provenance\":{\"/a\":{\"conf\":101}}}]}", FD_ERR_INPUT,
         "/forms/0/provenance/~1a/conf: expected a confidence in [0, 100]"},
        {"{\"format\":\"1\",\"forms\":[{\"provenance\":{\"/a\":{\"alternatives\":[\"x\",2]}}}]}", FD_ERR_INPUT,
         "/forms/0/provenance/~1a/alternatives/1: expected a string, got number"},
        {"{\"format\":\"1\",\"source\":{\"sha256\":\"abc\"},\"forms\":[]}", FD_ERR_INPUT,
         "/source/sha256: expected 64 hexadecimal digits"},
        {"{\"format\":\"1\",\"source\":[],\"forms\":[]}", FD_ERR_INPUT, "/source: expected an object or null"},
        {"{\"format\":\"1\",\"forms\":[],\"errors\":[{\"page\":\"1\"}]}", FD_ERR_INPUT,
         "/errors/0/page: expected an integer or null, got string"},
        {"{\"format\":\"1\",\"forms\":[]}\n{\"format\":\"1\",\"forms\":[]}", FD_ERR_INPUT,
         "input holds 2 JSON documents, expected one"},
        {"{\"format\":\"1\",\"forms\":[]}", FD_OK, ""},
        {"\xef\xbb\xbf{\"format\":\"1\",\"forms\":[{}]}", FD_OK, ""},        /* BOM */
        {"{\"format\":\"1\",\"forms\":[{\"extra\":{\"x\":[1,2]}}],\"more\":1}", FD_OK, ""}, /* added fields */
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fd_document *doc = NULL;
        fd_diag dg;
        fd_status st;
        fd_diag_init(&dg);
        st = fd_json_read_document(cases[i].json, strlen(cases[i].json), &doc, &dg);
        T_CHECK_MSG(st == cases[i].status, "case %zu (%.60s): status %s, want %s (%s)", i, cases[i].json,
                    fd_status_name(st), fd_status_name(cases[i].status), dg.message);
        T_CHECK_MSG(contains(dg.message, cases[i].message_part), "case %zu: message \"%s\" lacks \"%s\"", i,
                    dg.message, cases[i].message_part);
        T_CHECK_MSG((st == FD_OK) == (doc != NULL), "case %zu: document only on success", i);
        fd_document_destroy(&doc);
    }
    /* A NUL byte inside the length. */
    {
        static const char with_nul[] = "{\"format\":\"1\",\"forms\":[]}\0 ";
        fd_document *doc = NULL;
        fd_diag dg;
        fd_diag_init(&dg);
        T_EQ_INT(fd_json_read_document(with_nul, sizeof with_nul - 1, &doc, &dg), FD_ERR_INPUT);
        T_CHECK(contains(dg.message, "NUL byte at byte offset 25"));
        T_CHECK(doc == NULL);
    }
    /* A buffer that is not NUL-terminated. */
    {
        char buf[25];
        fd_document *doc = NULL;
        fd_diag dg;
        fd_diag_init(&dg);
        memcpy(buf, "{\"format\":\"1\",\"forms\":[]}", 25);
        T_EQ_INT(fd_json_read_document(buf, sizeof buf, &doc, &dg), FD_OK);
        fd_document_destroy(&doc);
        T_EQ_INT(fd_json_read_document(buf, 20, &doc, &dg), FD_ERR_INPUT);
        fd_document_destroy(&doc);
    }
    {
        fd_document *doc = NULL;
        fd_diag dg;
        fd_diag_init(&dg);
        T_EQ_INT(fd_json_read_document(NULL, 5, &doc, &dg), FD_ERR_USAGE);
    }
}

/* Repeats unit n times into a new buffer. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
    char *s = malloc(hl + ul * n + tl + 1), *p;
    if (s == NULL) return NULL;
    memcpy(s, head, hl);
    p = s + hl;
    for (i = 0; i < n; i++, p += ul) memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    return s;
}

static void expect(const char *json, size_t len, fd_status want, const char *part, const char *what)
{
    fd_document *doc = NULL;
    fd_diag dg;
    fd_status st;
    fd_diag_init(&dg);
    st = fd_json_read_document(json, len, &doc, &dg);
    T_CHECK_MSG(st == want, "%s: status %s, want %s (%s)", what, fd_status_name(st), fd_status_name(want),
                dg.message);
    T_CHECK_MSG(contains(dg.message, part), "%s: message \"%s\" lacks \"%s\"", what, dg.message, part);
    fd_document_destroy(&doc);
}

static void test_limits(void)
{
    char *s, *t;
    /* 100000-deep nesting is refused before cJSON recurses. */
    s = repeat("", "[", 100000, "");
    t = s ? repeat(s, "]", 100000, "") : NULL;
    if (t) expect(t, strlen(t), FD_ERR_LIMIT, "nested deeper than 64 levels at line 1, column 65", "100000 deep");
    free(s);
    free(t);
    s = repeat("{\"format\":\"1\",\"forms\":[", "{\"a\":", 100000, "");
    if (s) expect(s, strlen(s), FD_ERR_LIMIT, "nested deeper than 64", "deep objects");
    free(s);
    /* Brackets inside strings do not count. */
    s = repeat("{\"format\":\"1\",\"forms\":[{\"title\":\"", "[{", 1000, "\\\"[\"}]}");
    if (s) expect(s, strlen(s), FD_OK, "", "brackets in strings");
    free(s);
    /* 64 levels pass the guard (and fail on type), 65 do not. */
    s = repeat("", "[", 64, "");
    t = s ? repeat(s, "]", 64, "") : NULL;
    if (t) expect(t, strlen(t), FD_ERR_INPUT, "document root: expected an object", "64 deep");
    free(s);
    free(t);
    s = repeat("", "[", 65, "");
    t = s ? repeat(s, "]", 65, "") : NULL;
    if (t) expect(t, strlen(t), FD_ERR_LIMIT, "deeper than 64", "65 deep");
    free(s);
    free(t);
    /* 10000 forms pass, 10001 do not. */
    s = repeat("{\"format\":\"1\",\"forms\":[", "{},", 9999, "{}]}");
    if (s) expect(s, strlen(s), FD_OK, "", "10000 forms");
    free(s);
    s = repeat("{\"format\":\"1\",\"forms\":[", "{},", 10000, "{}]}");
    if (s) expect(s, strlen(s), FD_ERR_LIMIT, "/forms: 10001 elements, more than the limit of 10000", "10001 forms");
    free(s);
    s = repeat("{\"format\":\"1\",\"forms\":[{\"indicators\":[", "{},", 10000, "{}]}]}");
    if (s) expect(s, strlen(s), FD_ERR_LIMIT, "/forms/0/indicators: 10001 elements", "10001 indicators");
    free(s);
    /* Over 64 MiB. */
    {
        size_t big = (size_t)64 * 1024 * 1024 + 1;
        char *b = malloc(big);
        if (b) {
            memset(b, ' ', big);
            expect(b, big, FD_ERR_LIMIT, "larger than the limit of 64 MiB", "64 MiB + 1");
            free(b);
        }
    }
}

/* Every prefix and many one-byte corruptions of a valid document: a status,
 * never a crash (run under ASan in build-asan). */
static void test_mangled(void)
{
    size_t len = 0, i, k;
    char *text = fd_test_read_file(FD_SOURCE_DIR "/tests/data/mutations/SCORE_SUM.json", &len);
    static const char subst[] = {'"', '{', '[', ']', '}', '\\', ',', ':', '1', '-', 'e', 'n', '\0', (char)0xff};
    int bad_status = 0;
    if (text == NULL) {
        T_CHECK_MSG(0, "cannot read SCORE_SUM.json");
        return;
    }
    for (i = 0; i <= len; i += (i < 2000 ? 1 : 97)) {
        fd_document *doc = NULL;
        fd_diag dg;
        fd_status st;
        fd_diag_init(&dg);
        st = fd_json_read_document(text, i, &doc, &dg);
        if (!(st == FD_OK || st == FD_ERR_INPUT) || (st != FD_OK && dg.message[0] == '\0')) bad_status++;
        fd_document_destroy(&doc);
    }
    for (i = 0; i < len; i += 53) {
        char saved = text[i];
        for (k = 0; k < sizeof subst; k++) {
            fd_document *doc = NULL;
            fd_diag dg;
            fd_status st;
            fd_diag_init(&dg);
            text[i] = subst[k];
            st = fd_json_read_document(text, len, &doc, &dg);
            if (!(st == FD_OK || st == FD_ERR_INPUT || st == FD_ERR_LIMIT) ||
                (st != FD_OK && dg.message[0] == '\0'))
                bad_status++;
            fd_document_destroy(&doc);
        }
        text[i] = saved;
    }
    T_EQ_INT(bad_status, 0);
    free(text);
}

/* ------------------------------------------------------------ models */

static char *write_temp(const char *name, const char *content)
{
    static char path[512];
    FILE *fp;
    fd_snprintf(path, sizeof path, "%s/%s", FD_TEST_TMP, name);
    fp = fopen(path, "wb");
    if (fp == NULL) return NULL;
    fputs(content, fp);
    fclose(fp);
    return path;
}

static void test_rules(void)
{
    fd_rules r, def;
    fd_diag dg;
    static const struct {
        const char *body;
        const char *part;
    } bad[] = {
        {"not json", "not valid JSON"},
        {"[]", "expected one JSON object"},
        {"{}", "missing required key \"name\""},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\","
         "\"<\":\"reverse\"},\"round_decimals\":2,\"qualitative\":{\"low\":0.8,\"high\":1},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":true,\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":60,\"tolerence\":1}",
         "document root: unknown key \"tolerence\""},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\","
         "\"<\":\"backwards\"},\"round_decimals\":2,\"qualitative\":{\"low\":0.8,\"high\":1},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":true,\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":60}",
         "/op_rule/<: expected \"positive\", \"reverse\" or \"none\", got \"backwards\""},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\"},"
         "\"round_decimals\":2,\"qualitative\":{\"low\":0.8,\"high\":1},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":true,\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":60}",
         "/op_rule: missing required key \"<\""},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\","
         "\"<\":\"reverse\"},\"round_decimals\":2.5,\"qualitative\":{\"low\":0.8,\"high\":1},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":true,\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":60}",
         "/round_decimals: expected an integer in [0, 10], got 2.5"},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\","
         "\"<\":\"reverse\"},\"round_decimals\":2,\"qualitative\":{\"low\":0.9,\"high\":0.8},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":true,\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":60}",
         "/qualitative: low (0.9) is above high (0.8)"},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\","
         "\"<\":\"reverse\"},\"round_decimals\":2,\"qualitative\":{\"low\":0.8,\"high\":1},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":\"yes\",\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":60}",
         "/units_must_match: expected a boolean, got string"},
        {"{\"name\":\"x\",\"op_rule\":{\"=\":\"positive\",\">=\":\"positive\",\">\":\"positive\",\"<=\":\"reverse\","
         "\"<\":\"reverse\"},\"round_decimals\":2,\"qualitative\":{\"low\":0.8,\"high\":1},\"tolerance\":"
         "{\"half_unit\":0.5,\"extra\":0.01},\"units_must_match\":true,\"funds_rate_cap\":1,\"total_weight\":100,"
         "\"low_confidence\":160}",
         "/low_confidence: expected a number in [0, 100], got 160"},
    };
    size_t i;
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_load_rules(MODELS "/rules/default.json", &r, &dg), FD_OK);
    T_EQ_STR(dg.message, "");
    fd_rules_default(&def);
    /* models/rules/default.json and fd_rules_default agree field by field. */
    T_EQ_STR(r.name, def.name);
    for (i = 1; i < 6; i++) T_EQ_INT(r.op_rule[i], def.op_rule[i]);
    T_EQ_INT(r.round_decimals, def.round_decimals);
    T_EQ_DBL(r.qualitative_low, def.qualitative_low, 0);
    T_EQ_DBL(r.qualitative_high, def.qualitative_high, 0);
    T_EQ_DBL(r.tolerance_half_unit, def.tolerance_half_unit, 0);
    T_EQ_DBL(r.tolerance_extra, def.tolerance_extra, 0);
    T_EQ_INT(r.units_must_match, def.units_must_match);
    T_EQ_DBL(r.funds_rate_cap, def.funds_rate_cap, 0);
    T_EQ_DBL(r.total_weight, def.total_weight, 0);
    T_EQ_DBL(r.low_confidence, def.low_confidence, 0);

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_temp("rules.json", bad[i].body);
        fd_rules keep;
        fd_diag_init(&dg);
        fd_rules_default(&keep);
        r = keep;
        T_CHECK(path != NULL);
        if (path == NULL) continue;
        T_EQ_INT(fd_json_load_rules(path, &r, &dg), FD_ERR_MODEL);
        T_CHECK_MSG(contains(dg.message, path) && contains(dg.message, bad[i].part),
                    "rules case %zu: message \"%s\" lacks \"%s\"", i, dg.message, bad[i].part);
        T_CHECK_MSG(memcmp(&r, &keep, sizeof r) == 0, "rules case %zu: output untouched on failure", i);
    }
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_load_rules(FD_TEST_TMP "/no-such-rules.json", &r, &dg), FD_ERR_MODEL);
    T_CHECK(contains(dg.message, "no-such-rules.json: cannot open model file"));
}

static int has_variant(const fd_form_model *m, const char *key, const char *variant)
{
    size_t i, j;
    for (i = 0; i < m->n_labels; i++) {
        if (strcmp(m->labels[i].key, key) != 0) continue;
        for (j = 0; j < m->labels[i].n_variants; j++)
            if (strcmp(m->labels[i].variants[j], variant) == 0) return 1;
    }
    return 0;
}

static void test_form_model(void)
{
    fd_form_model m;
    fd_diag dg;
    const char *path;
    static const char *const keys[] = {
        "title", "year", "project_name", "department", "implementing_unit", "funds.block",
        "funds.row.total", "funds.row.fiscal", "funds.row.carryover", "funds.row.other",
        "funds.col.initial_budget", "funds.col.annual_budget", "funds.col.executed", "funds.col.weight",
        "funds.col.execution_rate_pct", "funds.col.score", "goals.block", "goals.expected", "goals.actual",
        "ind.block", "ind.col.level1", "ind.col.level2", "ind.col.name", "ind.col.target", "ind.col.actual",
        "ind.col.weight", "ind.col.score", "ind.col.deviation_reason", "ind.level1.产出指标",
        "ind.level1.效益指标", "ind.level1.满意度指标", "ind.level1.成本指标", "ind.level2.数量指标",
        "ind.level2.质量指标", "ind.level2.时效指标", "ind.level2.成本指标", "ind.level2.经济效益指标",
        "ind.level2.社会效益指标", "ind.level2.生态效益指标", "ind.level2.可持续影响指标",
        "ind.level2.服务对象满意度指标", "total"};
    size_t i;
    memset(&m, 0, sizeof m);
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_load_form_model(MODELS "/form.json", &m, &dg), FD_OK);
    T_EQ_STR(dg.message, "");
    T_EQ_INT(m.n_labels, sizeof keys / sizeof keys[0]);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        T_CHECK_MSG(fd_form_model_find(&m, keys[i]) != NULL, "label %s in models/form.json", keys[i]);
    T_CHECK(m.min_similarity > 0.0 && m.min_similarity <= 1.0);
    T_CHECK(has_variant(&m, "department", "主管单位"));
    T_CHECK(has_variant(&m, "funds.row.fiscal", "当年财政拨款"));
    T_CHECK(has_variant(&m, "funds.row.fiscal", "其中：当年财政拨款"));
    T_CHECK(has_variant(&m, "funds.block", "项目资金(元)"));
    /* Every level2 name of the model has its level1 name. */
    T_EQ_INT(m.n_parents, 9);
    for (i = 0; i < m.n_parents; i++)
        if (strcmp(m.parents[i].level2, "可持续影响指标") == 0) T_EQ_STR(m.parents[i].level1, "效益指标");
    fd_form_model_clear(&m);
    T_CHECK(m.parents == NULL && m.n_parents == 0);

    /* Whitespace inside spellings is removed; comments are skipped. */
    path = write_temp("form.json", "{\"_c\":1,\"min_similarity\":0.5,\"labels\":{\"_x\":2,"
                                   "\"project_name\":[\"项目 名称\", \"项目\\u3000名 称\"]}}");
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_load_form_model(path, &m, &dg), FD_OK);
    T_EQ_INT(m.n_labels, 1);
    if (m.n_labels == 1) {
        T_EQ_INT(m.labels[0].n_variants, 2);
        T_EQ_STR(m.labels[0].variants[0], "项目名称");
        T_EQ_STR(m.labels[0].variants[1], "项目名称");
    }
    fd_form_model_clear(&m);

    {
        static const struct {
            const char *body;
            const char *part;
        } bad[] = {
            {"{\"min_similarity\":0.5}", "missing required key \"labels\""},
            {"{\"min_similarity\":2,\"labels\":{\"a\":[\"b\"]}}", "/min_similarity: expected a number in [0, 1]"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":[\"b\"]},\"lables\":{}}", "unknown key \"lables\""},
            {"{\"min_similarity\":0.5,\"labels\":{}}", "/labels: no labels"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":[]}}", "/labels/a: expected 1 to 64 spellings"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":\"b\"}}", "/labels/a: expected an array of strings, got string"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":[\"b\",3]}}", "/labels/a/1: expected a string, got number"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":[\" \"]}}", "/labels/a/0: empty spelling"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":[\"b\"],\"a\":[\"c\"]}}", "/labels/a: duplicate label key"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a.very.long.key.that.does.not.fit.in.forty.seven.bytes\":[\"b\"]}}",
             "a label key must have 1 to 47 bytes"},
            {"{\"min_similarity\":0.5,\"labels\":{\"a\":[\"b\"]},\"level2_parents\":[]}",
             "/level2_parents: expected an object, got array"},
            {"{\"min_similarity\":0.5,\"labels\":{\"ind.level2.x\":[\"x\"],\"ind.level1.y\":[\"y\"]},"
             "\"level2_parents\":{\"x\":3}}",
             "/level2_parents/x: expected a string, got number"},
            {"{\"min_similarity\":0.5,\"labels\":{\"ind.level2.x\":[\"x\"],\"ind.level1.y\":[\"y\"]},"
             "\"level2_parents\":{\"x\":\"z\"}}",
             "/level2_parents/x: no label \"ind.level1.z\" in labels"},
            {"{\"min_similarity\":0.5,\"labels\":{\"ind.level2.x\":[\"x\"],\"ind.level1.y\":[\"y\"]},"
             "\"level2_parents\":{\"w\":\"y\"}}",
             "/level2_parents/w: no label \"ind.level2.w\" in labels"},
        };
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            memset(&m, 0, sizeof m);
            path = write_temp("form.json", bad[i].body);
            fd_diag_init(&dg);
            T_EQ_INT(fd_json_load_form_model(path, &m, &dg), FD_ERR_MODEL);
            T_CHECK_MSG(contains(dg.message, path) && contains(dg.message, bad[i].part),
                        "form model case %zu: message \"%s\" lacks \"%s\"", i, dg.message, bad[i].part);
            T_EQ_INT(m.n_labels, 0);
            T_CHECK(m.labels == NULL && m.parents == NULL);
        }
    }
}

static void test_ocr_config(void)
{
    fd_ocr_config def, cfg;
    fd_diag dg;
    const char *path;
    fd_ocr_config_default(&def);
    cfg = def;
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_load_ocr_config(MODELS "/ocr.json", &cfg, &dg), FD_OK);
    T_EQ_STR(dg.message, "");
    /* models/ocr.json spells out the defaults. */
    T_EQ_STR(cfg.language, def.language);
    T_EQ_STR(cfg.number_language, def.number_language);
    T_EQ_STR(cfg.number_charset, def.number_charset);
    T_EQ_STR(cfg.measure_charset, def.measure_charset);
    T_EQ_INT(cfg.min_cell_ink, def.min_cell_ink);
    T_EQ_INT(cfg.pad, def.pad);
    T_EQ_INT(cfg.max_alternatives, def.max_alternatives);
    T_EQ_INT(cfg.n_reread_line_heights, def.n_reread_line_heights);
    T_CHECK(memcmp(cfg.reread_line_heights, def.reread_line_heights, sizeof def.reread_line_heights) == 0);
    T_EQ_INT(cfg.n_reread_key_line_heights, def.n_reread_key_line_heights);
    T_CHECK(memcmp(cfg.reread_key_line_heights, def.reread_key_line_heights,
                   sizeof def.reread_key_line_heights) == 0);
    T_EQ_INT(cfg.reread_below_conf, def.reread_below_conf);
    T_EQ_INT(cfg.reread_until_conf, def.reread_until_conf);

    /* A list replaces the default one whole; [] turns rereading off. */
    path = write_temp("ocr.json", "{\"reread_line_heights\":[30, 36]}");
    cfg = def;
    T_EQ_INT(fd_json_load_ocr_config(path, &cfg, &dg), FD_OK);
    T_EQ_INT(cfg.n_reread_line_heights, 2);
    T_EQ_INT(cfg.reread_line_heights[0], 30);
    T_EQ_INT(cfg.reread_line_heights[1], 36);
    path = write_temp("ocr.json", "{\"reread_line_heights\":[]}");
    T_EQ_INT(fd_json_load_ocr_config(path, &cfg, &dg), FD_OK);
    T_EQ_INT(cfg.n_reread_line_heights, 0);

    /* Keys left out keep the caller's values. */
    path = write_temp("ocr.json", "{\"language\":\"eng\",\"pad\":7,\"_comment\":\"x\"}");
    cfg = def;
    T_EQ_INT(fd_json_load_ocr_config(path, &cfg, &dg), FD_OK);
    T_EQ_STR(cfg.language, "eng");
    T_EQ_INT(cfg.pad, 7);
    T_EQ_INT(cfg.min_cell_ink, def.min_cell_ink);
    T_EQ_STR(cfg.measure_charset, def.measure_charset);

    {
        static const struct {
            const char *body;
            const char *part;
        } bad[] = {
            {"{\"langauge\":\"eng\"}", "unknown key \"langauge\""},
            {"{\"pad\":-1}", "/pad: expected an integer in [0, 1000], got -1"},
            {"{\"pad\":\"4\"}", "/pad: expected an integer, got string"},
            {"{\"max_alternatives\":65}", "/max_alternatives: expected an integer in [0, 64]"},
            {"{\"language\":\"0123456789012345678901234567890123\"}", "/language: longer than 31 bytes"},
            {"{\"language\":null}", "/language: expected a string, got null"},
            {"{\"reread_line_heights\":32}", "/reread_line_heights: expected an array of integers, got number"},
            {"{\"reread_line_heights\":[32,\"x\"]}", "/reread_line_heights/1: expected an integer, got string"},
            {"{\"reread_line_heights\":[32,2]}", "/reread_line_heights/1: expected an integer in [4, 400], got 2"},
            {"{\"reread_line_heights\":[20,20,20,20,20,20,20,20,20]}", "/reread_line_heights: more than 8 values"},
        };
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            path = write_temp("ocr.json", bad[i].body);
            cfg = def;
            fd_diag_init(&dg);
            T_EQ_INT(fd_json_load_ocr_config(path, &cfg, &dg), FD_ERR_MODEL);
            T_CHECK_MSG(contains(dg.message, path) && contains(dg.message, bad[i].part),
                        "ocr case %zu: message \"%s\" lacks \"%s\"", i, dg.message, bad[i].part);
            T_CHECK_MSG(memcmp(&cfg, &def, sizeof cfg) == 0, "ocr case %zu: config untouched", i);
        }
    }
}

/* ------------------------------------------------------------ check mode */

static void test_recheck(void)
{
    size_t len = 0;
    char *seed = fd_test_read_file(SEED, &len);
    char *out = NULL;
    fd_rules rules;
    fd_result_info info;
    fd_diag dg;
    fd_rules_default(&rules);
    fd_diag_init(&dg);
    if (seed == NULL) {
        T_CHECK_MSG(0, "cannot read the seed");
        return;
    }
    T_EQ_INT(fd_json_recheck(seed, len, &rules, 1, &out, &info, &dg), FD_OK);
    T_EQ_INT(info.n_forms, 3);
    T_EQ_INT(info.n_errors, 0);
    T_EQ_INT(info.discrepancy, 0);
    T_CHECK(contains(out, "\"verdict\":\t\"ok\""));
    T_CHECK(contains(out, "\"code\":\t\"INDICATOR_UNDER\""));
    /* The rechecked output reads back, and checking it again gives the same text. */
    {
        fd_document *doc = NULL;
        char *again = NULL;
        T_EQ_INT(fd_json_read_document(out, strlen(out), &doc, &dg), FD_OK);
        if (doc) T_CHECK(doc->forms[0].checks.count > 0);
        fd_document_destroy(&doc);
        T_EQ_INT(fd_json_recheck(out, strlen(out), &rules, 1, &again, &info, &dg), FD_OK);
        T_EQ_STR(again, out);
        fd_free(again);
    }
    fd_free(out);
    out = NULL;
    free(seed);

    /* A discrepancy; unknown fields and their order are kept; verdict and
     * checks go after total when absent, replace in place when present. */
    {
        static const char doc[] =
            "{\"x-first\":1,\"format\":\"1\",\"forms\":[{\"mine\":[1,{\"a\":null}],\"funds\":{\"total\":{"
            "\"weight\":10,\"score\":10,\"annual_budget\":100,\"executed\":100,\"execution_rate_pct\":100}},"
            "\"indicators\":[{\"weight\":90,\"score\":80,\"deviation_reason\":\"x\"}],"
            "\"total\":{\"weight\":100,\"score\":95},\"after\":true},"
            "{\"checks\":\"stale\",\"verdict\":\"errors\",\"total\":{\"weight\":100,\"score\":null}}]}";
        fd_diag_init(&dg);
        T_EQ_INT(fd_json_recheck(doc, sizeof doc - 1, &rules, 0, &out, &info, &dg), FD_ERR_INPUT);
        T_CHECK(contains(dg.message, "/forms/1/checks: expected an array or null, got string"));
        fd_free(out);
        out = NULL;
    }
    {
        static const char doc[] =
            "{\"x-first\":1,\"format\":\"1\",\"forms\":[{\"mine\":[1,{\"a\":null}],\"funds\":{\"total\":{"
            "\"weight\":10,\"score\":10,\"annual_budget\":100,\"executed\":100,\"execution_rate_pct\":100}},"
            "\"indicators\":[{\"weight\":90,\"score\":80,\"deviation_reason\":\"x\"}],"
            "\"total\":{\"weight\":100,\"score\":95},\"after\":true},"
            "{\"checks\":[],\"verdict\":\"errors\",\"total\":{\"weight\":100,\"score\":null}}]}";
        fd_diag_init(&dg);
        T_EQ_INT(fd_json_recheck(doc, sizeof doc - 1, &rules, 0, &out, &info, &dg), FD_OK);
        T_EQ_INT(info.n_forms, 2);
        T_EQ_INT(info.discrepancy, 1);
        T_CHECK(out != NULL && strncmp(out, "{\"x-first\":1,\"format\":\"1\",\"forms\":[{\"mine\":[1,{\"a\":null}],", 58) == 0);
        T_CHECK(contains(out, "\"total\":{\"weight\":100,\"score\":95},\"verdict\":\"errors\",\"checks\":[{"));
        T_CHECK(contains(out, "\"after\":true}"));
        T_CHECK(contains(out, "{\"code\":\"SCORE_SUM\",\"severity\":\"error\",\"ok\":false,\"path\":\"/total/score\""));
        T_CHECK(contains(out, "},{\"checks\":[{\"code\":"));
        T_CHECK(contains(out, "\"verdict\":\"ok\",\"total\":{\"weight\":100,\"score\":null}}]}"));
        T_CHECK(strchr(out, '\n') == NULL);
        fd_free(out);
        out = NULL;
    }
    /* JSON Lines in, JSON Lines out. */
    {
        static const char lines[] = "{\"format\":\"1\",\"forms\":[]}\n"
                                    "{\"format\":\"1\",\"forms\":[{}],\"errors\":[{\"page\":1,\"code\":\"E\","
                                    "\"message\":\"m\"}]}\n\n";
        fd_diag_init(&dg);
        T_EQ_INT(fd_json_recheck(lines, sizeof lines - 1, &rules, 1, &out, &info, &dg), FD_OK);
        T_EQ_INT(info.n_forms, 1);
        T_EQ_INT(info.n_errors, 1);
        T_CHECK(out != NULL && strncmp(out, "{\"format\":\"1\",\"forms\":[]}\n{\"format\":\"1\",\"forms\":[{", 50) == 0);
        T_CHECK(out != NULL && strchr(strchr(out, '\n') + 1, '\n') == NULL);
        fd_free(out);
        out = NULL;
    }
    {
        static const char lines[] = "{\"format\":\"1\",\"forms\":[]}\n{\"format\":\"1\",\"forms\":[{\"year\":\"x\"}]}\n";
        fd_diag_init(&dg);
        T_EQ_INT(fd_json_recheck(lines, sizeof lines - 1, &rules, 1, &out, &info, &dg), FD_ERR_INPUT);
        T_CHECK(contains(dg.message, "document 2 (line 2): /forms/0/year: expected a number or null, got string"));
        T_CHECK(out == NULL);
        T_EQ_INT(info.n_forms, 0);
    }
    fd_diag_init(&dg);
    T_EQ_INT(fd_json_recheck("{}", 2, NULL, 1, &out, &info, &dg), FD_ERR_USAGE);
}

/* ------------------------------------------------------------ public API */

static void test_context(void)
{
    fd_context *ctx = NULL;
    fd_result_info info;
    char *out = NULL;
    size_t len = 0;
    char *seed = fd_test_read_file(SEED, &len);

    T_EQ_INT(fd_context_create(&ctx, MODELS), FD_OK);
    T_CHECK(ctx != NULL);
    T_EQ_STR(fd_context_errmsg(ctx), "");
    if (seed) {
        T_EQ_INT(fd_check_json(ctx, seed, len, &out, &info), FD_OK);
        T_EQ_INT(info.n_forms, 3);
        T_EQ_INT(info.discrepancy, 0);
        fd_free(out);
        out = NULL;
        T_EQ_INT(fd_validate_json(ctx, seed, len), FD_OK);
    }
    T_EQ_INT(fd_check_json(ctx, "{", 1, &out, &info), FD_ERR_INPUT);
    T_CHECK(contains(fd_context_errmsg(ctx), "unexpected end of input"));
    T_CHECK(out == NULL);
    /* The next call clears the message. */
    T_EQ_INT(fd_validate_json(ctx, "{\"format\":\"1\",\"forms\":[]}", 25), FD_OK);
    T_EQ_STR(fd_context_errmsg(ctx), "");
    T_EQ_INT(fd_validate_json(ctx, "{\"format\":\"1\"}", 14), FD_ERR_INPUT);
    T_CHECK(contains(fd_context_errmsg(ctx), "missing required field \"forms\""));
    T_EQ_INT(fd_check_json(ctx, NULL, 3, &out, &info), FD_ERR_USAGE);
    T_EQ_INT(fd_context_set_debug_dir(ctx, FD_TEST_TMP "/no/such/dir"), FD_ERR_IO);
    T_EQ_INT(fd_context_set_debug_dir(ctx, FD_TEST_TMP), FD_OK);
    T_EQ_INT(fd_context_set_debug_dir(ctx, NULL), FD_OK);
    fd_context_destroy(&ctx);
    T_CHECK(ctx == NULL);
    fd_context_destroy(&ctx);

    /* A failed creation still hands back the message. */
    T_EQ_INT(fd_context_create(&ctx, FD_TEST_TMP "/no-models-here"), FD_ERR_MODEL);
    T_CHECK(ctx != NULL);
    T_CHECK(contains(fd_context_errmsg(ctx), "no-models-here: models directory not found"));
    if (seed) T_EQ_INT(fd_check_json(ctx, seed, len, &out, &info), FD_ERR_USAGE);
    T_CHECK(contains(fd_context_errmsg(ctx), "models directory not found"));
    fd_context_destroy(&ctx);
    T_EQ_INT(fd_context_create(NULL, MODELS), FD_ERR_USAGE);
    free(seed);
}

/* ------------------------------------------------------------ allocation failures */

static long g_alloc_left;
static long g_alloc_calls;

static void *fail_malloc(size_t n)
{
    g_alloc_calls++;
    if (g_alloc_left-- <= 0) return NULL;
    return malloc(n);
}

static void *fail_realloc(void *p, size_t n)
{
    g_alloc_calls++;
    if (g_alloc_left-- <= 0) return NULL;
    return realloc(p, n);
}

static void test_alloc_failures(void)
{
    static const fd_allocator failing = {fail_malloc, fail_realloc, free};
    fd_document *doc = make_doc();
    size_t len = 0;
    char *seed = fd_test_read_file(SEED, &len);
    long n;
    int bad = 0, reached_ok[3] = {0, 0, 0};
    fd_rules rules;
    fd_rules_default(&rules);
    if (doc == NULL || seed == NULL) {
        T_CHECK(0);
        goto cleanup;
    }
    fd_set_allocator(&failing);
    /* Every failure point up to 3000 allocations, then a sample. */
    for (n = 0; n < 1000000 && !(reached_ok[0] && reached_ok[1] && reached_ok[2]);
         n += n < 3000 ? 1 : 1 + n / 100) {
        fd_diag dg;
        fd_status st;
        char *out = NULL;
        fd_document *back = NULL;
        fd_result_info info;
        if (!reached_ok[0]) {
            fd_diag_init(&dg);
            g_alloc_left = n;
            st = fd_json_write_document(doc, (int)(n % 2), &out, &dg);
            if (st == FD_OK) reached_ok[0] = 1;
            else if (st != FD_ERR_NOMEM || out != NULL) bad++;
            fd_free(out);
            out = NULL;
        }
        if (!reached_ok[1]) {
            fd_diag_init(&dg);
            g_alloc_left = n;
            st = fd_json_read_document(seed, len, &back, &dg);
            if (st == FD_OK) reached_ok[1] = 1;
            else if (st != FD_ERR_NOMEM || back != NULL) bad++;
            fd_document_destroy(&back);
        }
        if (!reached_ok[2]) {
            fd_diag_init(&dg);
            g_alloc_left = n;
            st = fd_json_recheck(seed, len, &rules, 1, &out, &info, &dg);
            if (st == FD_OK) reached_ok[2] = 1;
            else if (st != FD_ERR_NOMEM || out != NULL) bad++;
            fd_free(out);
        }
    }
    fd_set_allocator(NULL);
    T_EQ_INT(bad, 0);
    T_CHECK(reached_ok[0] && reached_ok[1] && reached_ok[2]);
cleanup:
    fd_set_allocator(NULL);
    fd_document_destroy(&doc);
    free(seed);
}

int main(void)
{
    test_write_exact();
    test_write_empty();
    test_number_format();
    test_write_validates();
    test_round_trip();
    test_read_seed();
    test_bad_input();
    test_limits();
    test_mangled();
    test_rules();
    test_form_model();
    test_ocr_config();
    test_recheck();
    test_context();
    test_alloc_failures();
    return fd_test_summary("test_json");
}
