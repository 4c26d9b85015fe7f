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

/* The same in steps, for several threads on one file (the public fd_scan):
 * open; read every page (fd_process_page, any thread, each page once);
 * map (fd_process_map, any thread, whenever pages have been read: it maps
 * the pages read so far in page order and returns at once if another
 * thread is mapping); finish once every page is mapped. Each call takes the
 * env of the thread making it. With prefetch, a page's reading also runs
 * the OCR that mapping the page alone asks for, so that most of the OCR
 * runs on the thread that read the page. A page that cannot be read is a
 * document error, not a failure; out of memory and OCR failures fail the
 * file (fd_process_map reports them). */
fd_status fd_process_open(const fd_process_env *env, const char *path, fd_scan **out, fd_diag *dg);
int fd_process_page_count(const fd_scan *sc);
fd_status fd_process_page(const fd_process_env *env, fd_scan *sc, int page, int prefetch, fd_diag *dg);
/* *pages_mapped (may be NULL): how many pages, from the first, are mapped. */
fd_status fd_process_map(const fd_process_env *env, fd_scan *sc, int *pages_mapped, fd_diag *dg);
/* Stitches and scores the forms: the document (*out, caller destroys). */
fd_status fd_process_finish(const fd_process_env *env, fd_scan *sc, fd_document **out, fd_diag *dg);
void fd_process_close(fd_scan **pp);

/* SHA-256 of a file as 64 hex digits + NUL. */
fd_status fd_sha256_file(const char *path, char hex[65], fd_diag *dg);

#endif /* FD_PROCESS_H */
