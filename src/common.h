/*
 * Shared by every module: the diagnostic context (error status + message,
 * log sink), the allocator and small string helpers. libc only.
 */
#ifndef FD_COMMON_H
#define FD_COMMON_H

#include "formdig.h"

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define FD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FD_PRINTF(fmt, args)
#endif

#define FD_ERRMSG_MAX 512

/* Per-context diagnostics. Internal functions take an fd_diag * and, when
 * they detect an error, write the message once with fd_diag_fail; callers
 * that only propagate the status do not overwrite it (first error wins). */
typedef struct fd_diag {
    fd_status status;
    char message[FD_ERRMSG_MAX];
    fd_log_level log_level;
    fd_log_fn log_fn;
    void *log_user;
} fd_diag;

void fd_diag_init(fd_diag *dg);
/* Clears the error (not the log sink) before a new top-level call. */
void fd_diag_reset(fd_diag *dg);
/* Records st with a formatted message unless an error is already recorded;
 * returns st so that callers can write `return fd_diag_fail(...)`. */
fd_status fd_diag_fail(fd_diag *dg, fd_status st, const char *fmt, ...) FD_PRINTF(3, 4);
void fd_log(const fd_diag *dg, fd_log_level level, const char *fmt, ...) FD_PRINTF(3, 4);

/* Allocation through the replaceable allocator (fd_set_allocator). */
void *fd_malloc(size_t size);
void *fd_calloc(size_t n, size_t size);
void *fd_realloc(void *p, size_t size);
/* fd_free is public (formdig.h). */

/* Grows *items (element size elem) so that it holds at least need elements.
 * Returns 0 on success, -1 when out of memory (the array is unchanged). */
int fd_array_reserve(void **items, size_t *cap, size_t need, size_t elem);

char *fd_strdup(const char *s);                 /* NULL in → NULL out */
char *fd_strndup(const char *s, size_t n);
/* snprintf into a fixed buffer that always terminates; returns 0 when the
 * text fit, -1 when it was truncated. */
int fd_snprintf(char *buf, size_t size, const char *fmt, ...) FD_PRINTF(3, 4);

/* A growable string buffer. */
typedef struct fd_buf {
    char *data;   /* always NUL-terminated when len > 0 or after fd_buf_cstr */
    size_t len;
    size_t cap;
    int failed;   /* set once an append ran out of memory; appends then no-op */
} fd_buf;
void fd_buf_init(fd_buf *b);
void fd_buf_append(fd_buf *b, const char *s, size_t n);
void fd_buf_puts(fd_buf *b, const char *s);
void fd_buf_printf(fd_buf *b, const char *fmt, ...) FD_PRINTF(2, 3);
/* Hands the string over to the caller (never NULL unless failed). */
char *fd_buf_take(fd_buf *b);
void fd_buf_clear(fd_buf *b);

/* UTF-8: decodes the code point at *s, advancing *s; returns -1 for an
 * invalid sequence (and advances by one byte). */
long fd_utf8_next(const char **s);
/* 1 for a CJK ideograph (the unified block and extension A). */
int fd_is_cjk(long cp);
int fd_utf8_valid(const char *s, size_t len);

#endif /* FD_COMMON_H */
