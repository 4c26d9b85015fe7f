#include "form.h"

#include <stdio.h>
#include <string.h>

const char *const fd_funds_row_key[FD_FUNDS_ROWS] = {"total", "fiscal", "carryover", "other"};
const char *const fd_funds_col_key[FD_FUNDS_COLS] = {
    "initial_budget", "annual_budget", "executed", "weight", "execution_rate_pct", "score"};

static const char *const check_names[FD_CHECK_COUNT] = {
    "FUNDS_RATE",   "FUNDS_SCORE",  "FUNDS_PARTS",    "SCORE_RANGE",     "WEIGHT_SUM",
    "SCORE_SUM",    "TOTAL_WEIGHT", "INDICATOR_OVER", "INDICATOR_UNDER", "REASON_MISSING"};

static const fd_severity check_severity[FD_CHECK_COUNT] = {
    FD_SEV_ERROR, FD_SEV_ERROR, FD_SEV_ERROR,   FD_SEV_ERROR, FD_SEV_ERROR,
    FD_SEV_ERROR, FD_SEV_ERROR, FD_SEV_WARNING, FD_SEV_INFO,  FD_SEV_WARNING};

fd_num fd_num_null(void)
{
    fd_num n = {0.0, 0, -1};
    return n;
}

fd_num fd_num_make(double value, int decimals)
{
    fd_num n;
    n.value = value;
    n.present = 1;
    n.decimals = decimals;
    return n;
}

const char *fd_op_str(fd_op op)
{
    switch (op) {
    case FD_OP_EQ: return "=";
    case FD_OP_GE: return ">=";
    case FD_OP_GT: return ">";
    case FD_OP_LE: return "<=";
    case FD_OP_LT: return "<";
    case FD_OP_NONE: break;
    }
    return NULL;
}

fd_op fd_op_parse(const char *s)
{
    if (s == NULL) return FD_OP_NONE;
    if (strcmp(s, "=") == 0) return FD_OP_EQ;
    if (strcmp(s, ">=") == 0) return FD_OP_GE;
    if (strcmp(s, ">") == 0) return FD_OP_GT;
    if (strcmp(s, "<=") == 0) return FD_OP_LE;
    if (strcmp(s, "<") == 0) return FD_OP_LT;
    return FD_OP_NONE;
}

const char *fd_check_code_name(fd_check_code code)
{
    return (unsigned)code < FD_CHECK_COUNT ? check_names[code] : "UNKNOWN";
}

fd_severity fd_check_code_severity(fd_check_code code)
{
    return (unsigned)code < FD_CHECK_COUNT ? check_severity[code] : FD_SEV_ERROR;
}

const char *fd_severity_name(fd_severity sev)
{
    switch (sev) {
    case FD_SEV_ERROR: return "error";
    case FD_SEV_WARNING: return "warning";
    case FD_SEV_INFO: return "info";
    }
    return "error";
}

const char *fd_verdict_name(fd_verdict v)
{
    switch (v) {
    case FD_VERDICT_OK: return "ok";
    case FD_VERDICT_WARNINGS: return "warnings";
    case FD_VERDICT_ERRORS: return "errors";
    }
    return "errors";
}

void fd_checklist_clear(fd_checklist *cl)
{
    if (cl == NULL) return;
    fd_free(cl->items);
    memset(cl, 0, sizeof *cl);
}

fd_status fd_checklist_push(fd_checklist *cl, const fd_check *c)
{
    void *items = cl->items;
    if (fd_array_reserve(&items, &cl->cap, cl->count + 1, sizeof *cl->items) != 0)
        return FD_ERR_NOMEM;
    cl->items = items;
    cl->items[cl->count++] = *c;
    return FD_OK;
}

void fd_measure_clear(fd_measure *m)
{
    if (m == NULL) return;
    fd_free(m->text);
    fd_free(m->unit);
    m->text = NULL;
    m->unit = NULL;
    m->op = FD_OP_NONE;
    m->value = fd_num_null();
}

void fd_indicator_clear(fd_indicator *ind)
{
    if (ind == NULL) return;
    fd_free(ind->level1);
    fd_free(ind->level2);
    fd_free(ind->name);
    fd_free(ind->deviation_reason);
    fd_measure_clear(&ind->target);
    fd_measure_clear(&ind->actual);
    memset(ind, 0, sizeof *ind);
    ind->target.value = fd_num_null();
    ind->actual.value = fd_num_null();
    ind->weight = fd_num_null();
    ind->score = fd_num_null();
}

void fd_form_init(fd_form *f)
{
    int r, c;
    memset(f, 0, sizeof *f);
    f->year = fd_num_null();
    for (r = 0; r < FD_FUNDS_ROWS; r++)
        for (c = 0; c < FD_FUNDS_COLS; c++) f->funds[r][c] = fd_num_null();
    f->total_weight = fd_num_null();
    f->total_score = fd_num_null();
}

static void prov_clear(fd_prov *p)
{
    size_t i;
    fd_free(p->path);
    fd_free(p->text);
    for (i = 0; i < p->n_alternatives; i++) fd_free(p->alternatives[i]);
    fd_free(p->alternatives);
    memset(p, 0, sizeof *p);
}

void fd_form_clear(fd_form *f)
{
    size_t i;
    if (f == NULL) return;
    fd_free(f->pages);
    fd_free(f->title);
    fd_free(f->project_name);
    fd_free(f->department);
    fd_free(f->implementing_unit);
    fd_free(f->goals_expected);
    fd_free(f->goals_actual);
    for (i = 0; i < f->n_indicators; i++) fd_indicator_clear(&f->indicators[i]);
    fd_free(f->indicators);
    fd_checklist_clear(&f->checks);
    for (i = 0; i < f->n_prov; i++) prov_clear(&f->prov[i]);
    fd_free(f->prov);
    fd_form_init(f);
}

fd_status fd_form_create(fd_form **out)
{
    fd_form *f = fd_malloc(sizeof *f);
    *out = NULL;
    if (f == NULL) return FD_ERR_NOMEM;
    fd_form_init(f);
    *out = f;
    return FD_OK;
}

void fd_form_destroy(fd_form **pp)
{
    if (pp == NULL || *pp == NULL) return;
    fd_form_clear(*pp);
    fd_free(*pp);
    *pp = NULL;
}

fd_indicator *fd_form_add_indicator(fd_form *f)
{
    void *items = f->indicators;
    fd_indicator *ind;
    if (fd_array_reserve(&items, &f->cap_indicators, f->n_indicators + 1, sizeof *f->indicators) != 0)
        return NULL;
    f->indicators = items;
    ind = &f->indicators[f->n_indicators++];
    memset(ind, 0, sizeof *ind);
    fd_indicator_clear(ind);
    return ind;
}

const fd_prov *fd_form_find_prov(const fd_form *f, const char *path)
{
    size_t i;
    if (f == NULL || path == NULL) return NULL;
    for (i = 0; i < f->n_prov; i++)
        if (f->prov[i].path && strcmp(f->prov[i].path, path) == 0) return &f->prov[i];
    return NULL;
}

fd_status fd_form_add_prov(fd_form *f, const char *path, int page, const int bbox[4], double conf,
                           const char *text, const char *const *alternatives, size_t n_alternatives)
{
    fd_prov p;
    size_t i;
    fd_status st = FD_ERR_NOMEM;
    memset(&p, 0, sizeof p);
    p.path = fd_strdup(path);
    p.text = fd_strdup(text ? text : "");
    if (p.path == NULL || p.text == NULL) goto cleanup;
    p.page = page;
    if (bbox) memcpy(p.bbox, bbox, sizeof p.bbox);
    p.conf = conf;
    if (n_alternatives > 0) {
        p.alternatives = fd_calloc(n_alternatives, sizeof *p.alternatives);
        if (p.alternatives == NULL) goto cleanup;
        for (i = 0; i < n_alternatives; i++) {
            p.alternatives[i] = fd_strdup(alternatives[i]);
            if (p.alternatives[i] == NULL) goto cleanup;
            p.n_alternatives = i + 1;
        }
    }
    for (i = 0; i < f->n_prov; i++) {
        if (strcmp(f->prov[i].path, path) == 0) {
            prov_clear(&f->prov[i]);
            f->prov[i] = p;
            return FD_OK;
        }
    }
    {
        void *items = f->prov;
        if (fd_array_reserve(&items, &f->cap_prov, f->n_prov + 1, sizeof *f->prov) != 0)
            goto cleanup;
        f->prov = items;
    }
    f->prov[f->n_prov++] = p;
    return FD_OK;
cleanup:
    prov_clear(&p);
    return st;
}

fd_status fd_document_create(fd_document **out)
{
    fd_document *d = fd_calloc(1, sizeof *d);
    *out = NULL;
    if (d == NULL) return FD_ERR_NOMEM;
    d->source_pages = -1;
    *out = d;
    return FD_OK;
}

void fd_document_destroy(fd_document **pp)
{
    fd_document *d;
    size_t i;
    if (pp == NULL || *pp == NULL) return;
    d = *pp;
    fd_free(d->source_path);
    for (i = 0; i < d->n_forms; i++) fd_form_clear(&d->forms[i]);
    fd_free(d->forms);
    for (i = 0; i < d->n_errors; i++) fd_free(d->errors[i].message);
    fd_free(d->errors);
    fd_free(d);
    *pp = NULL;
}

fd_form *fd_document_add_form(fd_document *doc)
{
    void *items = doc->forms;
    fd_form *f;
    if (fd_array_reserve(&items, &doc->cap_forms, doc->n_forms + 1, sizeof *doc->forms) != 0)
        return NULL;
    doc->forms = items;
    f = &doc->forms[doc->n_forms++];
    fd_form_init(f);
    return f;
}

fd_status fd_document_add_error(fd_document *doc, int page, const char *code, const char *fmt, ...)
{
    char msg[FD_ERRMSG_MAX];
    va_list ap;
    fd_page_error *e;
    void *items = doc->errors;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (fd_array_reserve(&items, &doc->cap_errors, doc->n_errors + 1, sizeof *doc->errors) != 0)
        return FD_ERR_NOMEM;
    doc->errors = items;
    e = &doc->errors[doc->n_errors];
    memset(e, 0, sizeof *e);
    e->page = page;
    fd_snprintf(e->code, sizeof e->code, "%s", code);
    e->message = fd_strdup(msg);
    if (e->message == NULL) return FD_ERR_NOMEM;
    doc->n_errors++;
    return FD_OK;
}
