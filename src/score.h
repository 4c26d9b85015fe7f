/*
 * The scoring core: recomputes a form's arithmetic and attainment rules
 * and compares them with the stated values. libc only: it reads an
 * fd_form and an fd_rules and writes an fd_checklist; it never changes the
 * form. The rules come from a model file (models/rules/NAME.json, read by the
 * JSON module) so that another jurisdiction is a new file, not new code.
 */
#ifndef FD_SCORE_H
#define FD_SCORE_H

#include "form.h"

typedef enum fd_rule_kind {
    FD_RULE_NONE = 0,    /* no rule score for this operator */
    FD_RULE_POSITIVE,    /* full weight when actual ≥ target, else weight × actual / target */
    FD_RULE_REVERSE      /* full weight when actual ≤ target, else weight × max(0, 1 − (actual − target)/target) */
} fd_rule_kind;

typedef struct fd_rules {
    char name[64];
    /* Rule kind per operator, indexed by fd_op (FD_OP_NONE's entry unused). */
    fd_rule_kind op_rule[6];
    int round_decimals;          /* rule score rounding, 2 by default */
    /* A qualitative target met (actual text == target text after
     * whitespace removal): the score must lie in [low, high] × weight. */
    double qualitative_low;      /* 0.8 */
    double qualitative_high;     /* 1.0 */
    /* Tolerance: |stated − recomputed| ≤ half_unit × 10^-decimals + extra. */
    double tolerance_half_unit;  /* 0.5 */
    double tolerance_extra;      /* 0.01 */
    int units_must_match;        /* 1: 万元 vs 元 → no rule score */
    double funds_rate_cap;       /* FUNDS_SCORE uses min(rate, cap); 1.0 */
    double total_weight;         /* TOTAL_WEIGHT expects this; 100 */
    /* ocr_suspect: an input read with confidence below this (0–100). */
    double low_confidence;       /* 60 */
} fd_rules;

/* The defaults of the contract (identical to models/rules/default.json). */
void fd_rules_default(fd_rules *rules);

/* Runs every check of the contract on form and fills out (which must be
 * zeroed or cleared; on failure it is left empty). Checks are listed in a
 * fixed order: funds checks, then total checks, then per indicator in
 * paper order SCORE_RANGE, INDICATOR_OVER, INDICATOR_UNDER,
 * REASON_MISSING. out->verdict is set. ocr_suspect uses the form's
 * provenance (confidence, alternative readings). */
fd_status fd_score_form(const fd_form *form, const fd_rules *rules,
                        fd_checklist *out, fd_diag *dg);

/* The rule score of one indicator: 1 and *score when the attainment rule
 * gives a single score; 2 and [*low, *high] for a met qualitative target;
 * 0 when there is no rule score (inputs missing, units differ, target not
 * met qualitatively). */
int fd_rule_score(const fd_indicator *ind, const fd_rules *rules,
                  double *score, double *low, double *high);

/* |stated − recomputed| within the tolerance of stated's printed precision. */
int fd_agrees(fd_num stated, double recomputed, const fd_rules *rules);

#endif /* FD_SCORE_H */
