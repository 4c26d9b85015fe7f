/*
 * formdig — scanned 财政项目支出绩效自评表 forms to verified contract JSON.
 *
 * Public API. The CLI (cli/) uses only this header. Everything is UTF-8.
 * Strings returned by the library are owned by the caller and released
 * with fd_free().
 *
 * Errors: every call that can fail returns an fd_status; FD_OK is 0. The
 * message for the last failure is kept in the context that the call was
 * given (fd_context_errmsg), never in a global. A failed arithmetic check
 * of a form is a result (FD_OK with a discrepancy flag), not an error.
 */
#ifndef FORMDIG_H
#define FORMDIG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FORMDIG_VERSION "0.1.0"
#define FORMDIG_FORMAT "1" /* output contract version */

typedef enum fd_status {
    FD_OK = 0,
    FD_ERR_NOMEM,    /* an allocation failed */
    FD_ERR_IO,       /* a file could not be opened, read or written */
    FD_ERR_INPUT,    /* bad external data: not JSON, wrong types, corrupt image */
    FD_ERR_LIMIT,    /* input beyond a guard: pixel budget, nesting depth, size */
    FD_ERR_MODEL,    /* a model or rule file in models/ is missing or invalid */
    FD_ERR_OCR,      /* the OCR engine could not be started or failed */
    FD_ERR_USAGE,    /* the caller passed invalid arguments */
    FD_ERR_INTERNAL  /* a bug: an invariant did not hold */
} fd_status;

typedef enum fd_log_level {
    FD_LOG_ERROR = 0,
    FD_LOG_WARN,
    FD_LOG_INFO,
    FD_LOG_DEBUG
} fd_log_level;

/* A log sink. The library never writes to stdout or stderr itself; a
 * message reaches the caller only through this callback, and only when its
 * level is at or below the level set on the context. */
typedef void (*fd_log_fn)(void *user, fd_log_level level, const char *message);

typedef struct fd_context fd_context;

/* One context per thread of work: it owns the loaded models, the OCR engine
 * (started lazily, once) and the error buffer. Contexts share nothing.
 * models_dir NULL: $FORMDIG_MODELS, else the build's models/, else models/
 * beside the executable. When creation fails after the context could be
 * allocated, *out is still set so that fd_context_errmsg tells why; such a
 * context refuses other calls (FD_ERR_USAGE) and must be destroyed. */
fd_status fd_context_create(fd_context **out, const char *models_dir);
void fd_context_destroy(fd_context **pp);

/* The message of the last failed call on this context ("" if none). */
const char *fd_context_errmsg(const fd_context *ctx);

void fd_context_set_log(fd_context *ctx, fd_log_level level, fd_log_fn fn, void *user);

/* Directory where debug images (cleaned page, lines and cells drawn over it)
 * are written for every page processed; NULL turns it off. */
fd_status fd_context_set_debug_dir(fd_context *ctx, const char *dir);

/* Result flags of a processed document. */
typedef struct fd_result_info {
    int n_forms;
    int n_errors;        /* entries of the document's "errors" array */
    int discrepancy;     /* 1 when some form's verdict is not "ok" */
    int n_pages;         /* pages of the source file (fd_process_file; 0 otherwise) */
} fd_result_info;

/* Re-run the scoring core on a contract JSON document (check mode).
 * json/len: the document; *out_json: the same document with fresh "checks"
 * and "verdict" on every form, pretty-printed, caller frees with fd_free.
 * Returns FD_ERR_INPUT (with a message naming what and where) for a
 * document that is not a valid contract JSON. */
fd_status fd_check_json(fd_context *ctx, const char *json, size_t len,
                        char **out_json, fd_result_info *info);

/* Read one scan file (PNG, JPEG, TIFF, BMP, WebP, PDF) and produce its
 * contract JSON on one line (*out_json, caller frees with fd_free). A page
 * that cannot be read becomes an "errors" entry; the call itself fails only
 * when nothing of the file can be read at all or on an internal error. */
fd_status fd_process_file(fd_context *ctx, const char *path,
                          char **out_json, fd_result_info *info);

/* The same, with the pages of one file shared among threads (a long PDF
 * read on every core). Each call takes the context of the thread making
 * it; a context is used by one thread at a time, as always.
 *   fd_scan_open       opens the file (page count, SHA-256).
 *   fd_scan_read_page  decodes, cleans and grids page 1…count and runs most
 *                      of its OCR; any thread, each page once.
 *   fd_scan_map_pages  maps the pages read so far, in page order, onto the
 *                      forms; returns at once when another thread is
 *                      mapping this file. *pages_mapped (may be NULL): how
 *                      many pages from the first are mapped. Call it after
 *                      pages are read until every page is mapped.
 *   fd_scan_finish     once every page is mapped: the contract JSON, as
 *                      fd_process_file gives it.
 * A page that cannot be read is an "errors" entry (the call succeeds); out
 * of memory or an OCR failure on any page makes fd_scan_map_pages fail,
 * and the file with it. The result does not depend on which thread read
 * which page. fd_scan_destroy accepts NULL and nulls the pointer. */
typedef struct fd_scan fd_scan;
fd_status fd_scan_open(fd_context *ctx, const char *path, fd_scan **out);
int fd_scan_page_count(const fd_scan *scan);
fd_status fd_scan_read_page(fd_context *ctx, fd_scan *scan, int page);
fd_status fd_scan_map_pages(fd_context *ctx, fd_scan *scan, int *pages_mapped);
fd_status fd_scan_finish(fd_context *ctx, fd_scan *scan, char **out_json, fd_result_info *info);
void fd_scan_destroy(fd_scan **pp);

/* Validate a document against nothing but the library's own reader: used
 * by tests. Returns FD_OK when it parses as a contract document. */
fd_status fd_validate_json(fd_context *ctx, const char *json, size_t len);

/* SHA-256 of a file as 64 lowercase hex digits (the contract's
 * source.sha256): lets a caller skip inputs it has already read. */
fd_status fd_file_sha256(fd_context *ctx, const char *path, char hex[65]);

void fd_free(void *p);

/* Replace the allocator used by the library (NULL restores libc's).
 * Process-wide; set it before any context is created. Used by the
 * allocation-failure tests. */
typedef struct fd_allocator {
    void *(*malloc_fn)(size_t size);
    void *(*realloc_fn)(void *p, size_t size);
    void (*free_fn)(void *p);
} fd_allocator;
void fd_set_allocator(const fd_allocator *alloc);

const char *fd_status_name(fd_status st);

#ifdef __cplusplus
}
#endif
#endif /* FORMDIG_H */
