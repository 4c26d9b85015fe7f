/*
 * Scan processing: the stages run in order on one file — ingest, grid, OCR
 * (through the mapper's cell reader), mapping, scoring — into an
 * fd_document. The public API (pipeline.c) turns that into JSON.
 */
#ifndef FD_PROCESS_H
#define FD_PROCESS_H

#include "form.h"
#include "ingest.h"
#include "mapper.h"
#include "ocr.h"
#include "score.h"

/* What one worker needs; nothing in it is modified by a run except the
 * OCR engine, which is created on first use and kept (one per worker). */
typedef struct fd_process_env {
    const fd_form_model *model;
    const fd_rules *rules;
    const fd_ocr_config *ocr_config;
    fd_ocr_engine **engine;          /* owned by the caller's context */
    const char *debug_dir;           /* NULL: no debug images */
    fd_ingest_limits limits;
    fd_clean_options clean;
} fd_process_env;

/* Reads the scan at path into a new document (*out, caller destroys).
 * Unreadable pages become document errors; fails only when the file
 * cannot be opened at all or on out-of-memory/internal errors. */
fd_status fd_process_scan(const fd_process_env *env, const char *path, fd_document **out,
                          fd_diag *dg);

/* SHA-256 of a file as 64 hex digits + NUL. */
fd_status fd_sha256_file(const char *path, char hex[65], fd_diag *dg);

#endif /* FD_PROCESS_H */
