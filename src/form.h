/*
 * The data model of ../shared/spec/output-contract.md as plain C structs:
 * a document holds forms; a form holds header fields, the funds block,
 * goals, indicators, totals, the scoring core's checks and provenance.
 * libc only. Every char * is UTF-8 owned by the struct that holds it;
 * NULL stands for JSON null.
 */
#ifndef FD_FORM_H
#define FD_FORM_H

#include "common.h"

#include <stddef.h>

/* A number as printed on the form. decimals is the printed precision
 * (digits after the decimal point, 0 for a whole number), which the
 * tolerance rule needs; -1 when unknown (derive it from the value). */
typedef struct fd_num {
    double value;
    int present;   /* 0: JSON null (empty cell, dash) */
    int decimals;
} fd_num;

fd_num fd_num_null(void);
fd_num fd_num_make(double value, int decimals);

typedef enum fd_op {
    FD_OP_NONE = 0, /* JSON null */
    FD_OP_EQ,       /* "="  (also ＝) */
    FD_OP_GE,       /* ">=" (also ≥, ＞＝) */
    FD_OP_GT,       /* ">"  (also ＞) */
    FD_OP_LE,       /* "<=" (also ≤) */
    FD_OP_LT        /* "<"  (also ＜) */
} fd_op;

const char *fd_op_str(fd_op op); /* "=", ">=", …; NULL for FD_OP_NONE */
fd_op fd_op_parse(const char *s); /* exact contract spelling; FD_OP_NONE otherwise */

/* 年度指标值 / 实际完成值: the printed text split into op, value and unit. */
typedef struct fd_measure {
    char *text;   /* NULL: empty cell */
    fd_op op;
    fd_num value;
    char *unit;   /* NULL when nothing follows the number */
} fd_measure;

typedef struct fd_indicator {
    char *level1;
    char *level2;
    char *name;
    fd_measure target;
    fd_measure actual;
    fd_num weight;
    fd_num score;
    char *deviation_reason;
} fd_indicator;

/* Funds block: rows × columns. Only the total row has the last three
 * columns; the other rows keep them absent (present == 0). */
typedef enum fd_funds_row {
    FD_FUNDS_TOTAL = 0,   /* 年度资金总额 */
    FD_FUNDS_FISCAL,      /* 其中：当年财政拨款 */
    FD_FUNDS_CARRYOVER,   /* 上年结转资金 */
    FD_FUNDS_OTHER,       /* 其他资金 */
    FD_FUNDS_ROWS
} fd_funds_row;

typedef enum fd_funds_col {
    FD_COL_INITIAL = 0,   /* 年初预算数 */
    FD_COL_ANNUAL,        /* 全年预算数 */
    FD_COL_EXECUTED,      /* 全年执行数 */
    FD_COL_WEIGHT,        /* 分值 (total row only) */
    FD_COL_RATE,          /* 执行率, percent as a number (total row only) */
    FD_COL_SCORE,         /* 得分 (total row only) */
    FD_FUNDS_COLS
} fd_funds_col;

extern const char *const fd_funds_row_key[FD_FUNDS_ROWS]; /* "total", … */
extern const char *const fd_funds_col_key[FD_FUNDS_COLS]; /* "initial_budget", … */

/* Where one value was read: 1-based page, bbox in that page's pixels
 * (x, y of the top-left corner, width, height), OCR confidence 0–100, the
 * raw text and the engine's alternative readings of the whole value. */
typedef struct fd_prov {
    char *path;             /* JSON Pointer into the form, e.g. "/funds/total/executed" */
    int page;
    int bbox[4];
    double conf;
    char *text;
    char **alternatives;    /* n_alternatives strings */
    size_t n_alternatives;
} fd_prov;

typedef enum fd_check_code {
    FD_CHECK_FUNDS_RATE = 0,
    FD_CHECK_FUNDS_SCORE,
    FD_CHECK_FUNDS_PARTS,
    FD_CHECK_SCORE_RANGE,
    FD_CHECK_WEIGHT_SUM,
    FD_CHECK_SCORE_SUM,
    FD_CHECK_TOTAL_WEIGHT,
    FD_CHECK_INDICATOR_OVER,
    FD_CHECK_INDICATOR_UNDER,
    FD_CHECK_REASON_MISSING,
    FD_CHECK_COUNT
} fd_check_code;

typedef enum fd_severity { FD_SEV_ERROR = 0, FD_SEV_WARNING, FD_SEV_INFO } fd_severity;

const char *fd_check_code_name(fd_check_code code);     /* "FUNDS_RATE", … */
fd_severity fd_check_code_severity(fd_check_code code);
const char *fd_severity_name(fd_severity sev);           /* "error", … */

typedef enum fd_tri { FD_TRI_NULL = -1, FD_TRI_FALSE = 0, FD_TRI_TRUE = 1 } fd_tri;

#define FD_PATH_MAX 64
#define FD_CHECK_MSG_MAX 256

typedef struct fd_check {
    fd_check_code code;
    fd_severity severity;
    fd_tri ok;                  /* FD_TRI_NULL: inputs missing */
    char path[FD_PATH_MAX];     /* JSON Pointer of the stated value judged */
    fd_num stated;
    fd_num recomputed;
    int ocr_suspect;
    char message[FD_CHECK_MSG_MAX];
} fd_check;

typedef enum fd_verdict { FD_VERDICT_OK = 0, FD_VERDICT_WARNINGS, FD_VERDICT_ERRORS } fd_verdict;
const char *fd_verdict_name(fd_verdict v);

/* The scoring core's output for one form. */
typedef struct fd_checklist {
    fd_check *items;
    size_t count;
    size_t cap;
    fd_verdict verdict;
} fd_checklist;

void fd_checklist_clear(fd_checklist *cl);
/* Appends a copy of *c; FD_ERR_NOMEM on failure. */
fd_status fd_checklist_push(fd_checklist *cl, const fd_check *c);

typedef struct fd_form {
    int *pages;               /* 1-based page numbers of the source file */
    size_t n_pages;
    char *title;
    fd_num year;
    char *project_name;
    char *department;
    char *implementing_unit;
    fd_num funds[FD_FUNDS_ROWS][FD_FUNDS_COLS];
    char *goals_expected;
    char *goals_actual;
    fd_indicator *indicators;
    size_t n_indicators;
    size_t cap_indicators;
    fd_num total_weight;
    fd_num total_score;
    fd_checklist checks;      /* filled from the scoring core's output */
    fd_prov *prov;
    size_t n_prov;
    size_t cap_prov;
} fd_form;

/* A form with every value null. */
fd_status fd_form_create(fd_form **out);
void fd_form_destroy(fd_form **pp);
/* For forms kept inline in arrays: init to all-null / release contents. */
void fd_form_init(fd_form *f);
void fd_form_clear(fd_form *f);

/* Appends an all-null indicator and returns it (NULL when out of memory). */
fd_indicator *fd_form_add_indicator(fd_form *f);
void fd_indicator_clear(fd_indicator *ind);
void fd_measure_clear(fd_measure *m);

/* Records provenance for path (copies every string). Replaces an entry
 * with the same path. */
fd_status fd_form_add_prov(fd_form *f, const char *path, int page, const int bbox[4],
                           double conf, const char *text,
                           const char *const *alternatives, size_t n_alternatives);
/* The provenance of path, or NULL. */
const fd_prov *fd_form_find_prov(const fd_form *f, const char *path);

typedef struct fd_page_error {
    int page;          /* 1-based; 0 when the error concerns the whole file */
    char code[32];     /* e.g. "PAGE_UNREADABLE", "PAGE_NOT_A_FORM" */
    char *message;
} fd_page_error;

typedef struct fd_document {
    char *source_path;
    int source_pages;        /* -1 unknown */
    char sha256[65];         /* hex; "" unknown */
    fd_form *forms;
    size_t n_forms;
    size_t cap_forms;
    fd_page_error *errors;
    size_t n_errors;
    size_t cap_errors;
} fd_document;

fd_status fd_document_create(fd_document **out);
void fd_document_destroy(fd_document **pp);
/* Appends an all-null form owned by the document (NULL when out of memory). */
fd_form *fd_document_add_form(fd_document *doc);
fd_status fd_document_add_error(fd_document *doc, int page, const char *code,
                                const char *fmt, ...) FD_PRINTF(4, 5);

#endif /* FD_FORM_H */
