/*
 * JSON: the only module that includes cJSON. Writes documents in the
 * output contract's format, reads them back (check mode), and loads the
 * model files of models/ (rules, form model, OCR configuration).
 *
 * Untrusted input: every reader checks types, ranges, nesting depth and
 * UTF-8 and reports the JSON Pointer of what is wrong; none asserts.
 */
#ifndef FD_JSON_IO_H
#define FD_JSON_IO_H

#include "form.h"
#include "mapper.h"
#include "ocr.h"
#include "score.h"

/* Contract JSON of doc; pretty = 0 gives one line (JSON Lines). */
fd_status fd_json_write_document(const fd_document *doc, int pretty, char **out, fd_diag *dg);

/* Parses a contract document. Fields other than the contract's are
 * ignored here (check mode keeps them by editing the original tree, see
 * fd_json_recheck). */
fd_status fd_json_read_document(const char *json, size_t len, fd_document **out, fd_diag *dg);

/* Check mode: parses json, re-runs the scoring core on every form with
 * rules, and prints the same document (all its other fields kept) with
 * fresh "checks" and "verdict". */
fd_status fd_json_recheck(const char *json, size_t len, const fd_rules *rules, int pretty,
                          char **out, fd_result_info *info, fd_diag *dg);

fd_status fd_json_load_rules(const char *path, fd_rules *out, fd_diag *dg);
fd_status fd_json_load_form_model(const char *path, fd_form_model *out, fd_diag *dg);
fd_status fd_json_load_ocr_config(const char *path, fd_ocr_config *out, fd_diag *dg);

#endif /* FD_JSON_IO_H */
