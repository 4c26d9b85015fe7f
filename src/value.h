/*
 * Value parsing: the printed text of one cell → a typed value. Pure, libc
 * only, no allocation except where a function says it returns a new string.
 *
 * Accepted spellings: ASCII and full-width digits and punctuation
 * (０-９ ． ， ％ ＝ ＞ ＜ ＋ －), thousands separators (, and ，), the
 * operators = >= > <= < and ≥ ≤ ＞ ＜ ＝ ＞＝ ＜＝ ≧ ≦, a dash (— – - 一 ― /)
 * or an empty cell for null, and whitespace anywhere (line wraps).
 */
#ifndef FD_VALUE_H
#define FD_VALUE_H

#include "form.h"

typedef enum fd_parse_result {
    FD_PARSE_OK = 0,     /* a value was read */
    FD_PARSE_NULL,       /* empty or a dash: JSON null */
    FD_PARSE_INVALID     /* text that is not a value of this kind */
} fd_parse_result;

/* Amount in yuan ("11,999,665.86", "808,558", "1000000", "0"), also a
 * weight or score ("10", "2.5"). out->decimals = printed digits after the
 * point. A leading minus is accepted. */
fd_parse_result fd_parse_amount(const char *text, fd_num *out);

/* Percent ("100.00%", "74.64%", "85"): the number before the % sign;
 * the sign itself is optional. */
fd_parse_result fd_parse_percent(const char *text, fd_num *out);

/* 年度指标值 / 实际完成值 into op, value, unit (see the contract):
 * "=39人" → (=, 39, 人); "≥85%" → (>=, 85, %); "规范" → (none, null, null);
 * "<=3万元" → (<=, 3, 万元). out->text receives the normalised text (line-wrap
 * whitespace removed, original characters otherwise kept), out->unit the
 * text after the number. Both are new strings; on FD_PARSE_NULL they are
 * NULL. Returns FD_ERR_NOMEM through *status only when allocation fails.
 * Caller releases with fd_measure_clear. */
fd_parse_result fd_parse_measure(const char *text, fd_measure *out, fd_status *status);

/* A new string with line-wrap whitespace removed: all ASCII whitespace and
 * U+3000 between two CJK characters or punctuation are dropped; a single
 * space between two Latin letters or digits is kept. NULL for NULL in or
 * when allocation fails. */
char *fd_text_normalize(const char *text);

/* Trims, in place, what the OCR adds at the ends of a name (an
 * indicator's, a project's, a unit's) from rules and specks beside it:
 * full stops, commas, colons, '-', '_', '~', '|', spaces and quotes
 * without their partner (“两新”党支部 keeps its quotes) at either end; a run of two or more dashes (fd_is_dash_cp) at either end
 * (one 一 may be the name's own); after a CJK character, a trailing run of
 * ASCII letters that is one letter or holds a lower-case one ("L",
 * "cDNA"; an acronym such as LED stays). Returns 1 when it changed text. */
int fd_trim_name_noise(char *text);

/* 1 for a character a form (or the OCR engine reading it) uses for
 * "nothing here": hyphen and dash variants, 一, ─, ー, the slash. */
int fd_is_dash_cp(long cp);

/* 1 when the text is empty, whitespace or a lone dash (null cell). */
int fd_text_is_null(const char *text);

/* Digits after the point in the shortest text that reads back as v
 * (100.0 → 0, 86.18 → 2, 0.1 → 1). For check mode, where no raw text
 * exists. */
int fd_decimals_of(double v);

/* Half a unit of the last printed digit plus 0.01: the contract's
 * tolerance for a stated number with that many decimals. */
double fd_tolerance(int decimals);

/* Reading repairs: what the OCR models get wrong in a way the text shows.
 * Pure; a returned string is new (fd_free), NULL when the repair does not
 * apply or allocation fails. */

/* Repairs a number reading in place: runs of '.' or ',' collapsed to one
 * (and a doubled '%': "100.00%%"), separators at either end dropped,
 * thousands separators read as points made commas ("130.220.52" →
 * "130,220.52"), a decimal comma made a point ("12,5" → "12.5"). Returns 1
 * when the text changed. */
int fd_repair_number(char *s);

/* Repairs in place a number that parses but cannot be one of the form's:
 * digits, one '.' and then exactly six or nine digits ("3.505000"): no
 * amount, weight or score has more than two decimals, so the point is a
 * thousands separator the engine read as a point; it is dropped
 * ("3505000"). Returns 1 when the text changed. */
int fd_repair_point_groups(char *s);

/* The '%' sign's upper circle is now and then read as one more digit
 * ("98%" → "989%"; "4%" → "49%" at 96 % confidence on a clean scan). For a
 * reading ending in '%' that is a percent above 100 with three or more
 * digits before the sign, or whose last digit before the sign is a 9
 * after another digit, writes the reading without that digit into out
 * (size n) and returns 1; else 0. A candidate alternative reading: the
 * value stays as read. */
int fd_percent_digit_alternative(const char *text, char *out, size_t n);

/* The 总分 row's weight and score cells merged (the rule between them
 * lost) and read as one run of digits: "10095.30" is 100 and 95.30. Cuts
 * text (digits and at most one point in each part) into a weight from lo
 * to hi (the form's total: 100) and a score not above it, neither with a
 * leading zero (but "0.x"); 1 and the two numbers when exactly one cut
 * does, else 0. */
int fd_split_joined_pair(const char *text, double lo, double hi, fd_num *weight, fd_num *score);

/* A measure read twice: line_text by the text model, measure with the
 * measure alphabet, which reads a CJK unit after the digits as more digits
 * or % ("≤1047" for ≤10万元), drops it ("≤5" for ≤5万元) or stops short
 * ("≥2" for ≥24人). When line_text ends in a number and a unit whose
 * characters are all in unit_charset (or '%', which the alphabet reads as
 * a digit now and then) and the digits agree as described,
 * returns the measure's operator with line_text's number and unit. */
char *fd_merge_measure_unit(const char *line_text, const char *measure, const char *unit_charset);

/* ≥ read as '2' by the measure alphabet ("295%") and as '>' (bar dropped)
 * or as one CJK character (之95%, a ⩾ whose bar touches the chevron) by
 * the text model ("> 95%"): returns "≥95%". */
char *fd_measure_relation_from_line(const char *line_text, const char *measure);

#endif /* FD_VALUE_H */
