#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The replaceable allocator. Process-wide by design (like cJSON_InitHooks):
 * it is set once before any context exists, and it carries no error state. */
static fd_allocator g_alloc = {malloc, realloc, free};

void fd_set_allocator(const fd_allocator *alloc)
{
    if (alloc == NULL || alloc->malloc_fn == NULL || alloc->realloc_fn == NULL ||
        alloc->free_fn == NULL) {
        g_alloc.malloc_fn = malloc;
        g_alloc.realloc_fn = realloc;
        g_alloc.free_fn = free;
        return;
    }
    g_alloc = *alloc;
}

void *fd_malloc(size_t size) { return g_alloc.malloc_fn(size ? size : 1); }

void *fd_calloc(size_t n, size_t size)
{
    void *p;
    if (size != 0 && n > (size_t)-1 / size) return NULL;
    p = fd_malloc(n * size);
    if (p) memset(p, 0, n * size > 0 ? n * size : 1);
    return p;
}

void *fd_realloc(void *p, size_t size) { return g_alloc.realloc_fn(p, size ? size : 1); }

void fd_free(void *p)
{
    if (p) g_alloc.free_fn(p);
}

const char *fd_status_name(fd_status st)
{
    switch (st) {
    case FD_OK: return "OK";
    case FD_ERR_NOMEM: return "NOMEM";
    case FD_ERR_IO: return "IO";
    case FD_ERR_INPUT: return "INPUT";
    case FD_ERR_LIMIT: return "LIMIT";
    case FD_ERR_MODEL: return "MODEL";
    case FD_ERR_OCR: return "OCR";
    case FD_ERR_USAGE: return "USAGE";
    case FD_ERR_INTERNAL: return "INTERNAL";
    }
    return "UNKNOWN";
}

void fd_diag_init(fd_diag *dg)
{
    memset(dg, 0, sizeof *dg);
    dg->log_level = FD_LOG_WARN;
}

void fd_diag_reset(fd_diag *dg)
{
    dg->status = FD_OK;
    dg->message[0] = '\0';
}

fd_status fd_diag_fail(fd_diag *dg, fd_status st, const char *fmt, ...)
{
    va_list ap;
    if (dg == NULL || st == FD_OK || dg->status != FD_OK) return st;
    dg->status = st;
    va_start(ap, fmt);
    vsnprintf(dg->message, sizeof dg->message, fmt, ap);
    va_end(ap);
    return st;
}

void fd_log(const fd_diag *dg, fd_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    if (dg == NULL || dg->log_fn == NULL || level > dg->log_level) return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dg->log_fn(dg->log_user, level, line);
}

int fd_array_reserve(void **items, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;
    if (need <= *cap) return 0;
    ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > (size_t)-1 / 2) return -1;
        ncap *= 2;
    }
    if (elem != 0 && ncap > (size_t)-1 / elem) return -1;
    p = fd_realloc(*items, ncap * elem);
    if (p == NULL) return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

char *fd_strndup(const char *s, size_t n)
{
    char *d;
    if (s == NULL) return NULL;
    d = fd_malloc(n + 1);
    if (d == NULL) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *fd_strdup(const char *s) { return s ? fd_strndup(s, strlen(s)) : NULL; }

int fd_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (size == 0) return -1;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf[0] = '\0';
        return -1;
    }
    return (size_t)n < size ? 0 : -1;
}

void fd_buf_init(fd_buf *b) { memset(b, 0, sizeof *b); }

void fd_buf_append(fd_buf *b, const char *s, size_t n)
{
    void *items;
    if (b->failed) return;
    items = b->data;
    if (fd_array_reserve(&items, &b->cap, b->len + n + 1, 1) != 0) {
        b->failed = 1;
        return;
    }
    b->data = items;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void fd_buf_puts(fd_buf *b, const char *s) { fd_buf_append(b, s, strlen(s)); }

void fd_buf_printf(fd_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        fd_buf_append(b, small, (size_t)n);
        return;
    }
    {
        char *big = fd_malloc((size_t)n + 1);
        if (big == NULL) {
            b->failed = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        fd_buf_append(b, big, (size_t)n);
        fd_free(big);
    }
}

char *fd_buf_take(fd_buf *b)
{
    char *s;
    if (b->failed) {
        fd_buf_clear(b);
        return NULL;
    }
    if (b->data == NULL) fd_buf_append(b, "", 0);
    if (b->failed) return NULL;
    s = b->data;
    fd_buf_init(b);
    return s;
}

void fd_buf_clear(fd_buf *b)
{
    fd_free(b->data);
    fd_buf_init(b);
}

int fd_is_cjk(long cp) { return cp >= 0x3400 && cp <= 0x9FFF; }

long fd_utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    long cp;
    int extra, i;
    if (p[0] < 0x80) {
        *s += 1;
        return p[0];
    }
    if ((p[0] & 0xE0) == 0xC0) {
        cp = p[0] & 0x1F;
        extra = 1;
    } else if ((p[0] & 0xF0) == 0xE0) {
        cp = p[0] & 0x0F;
        extra = 2;
    } else if ((p[0] & 0xF8) == 0xF0) {
        cp = p[0] & 0x07;
        extra = 3;
    } else {
        *s += 1;
        return -1;
    }
    for (i = 1; i <= extra; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += 1;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        *s += 1;
        return -1;
    }
    *s += extra + 1;
    return cp;
}

int fd_utf8_valid(const char *s, size_t len)
{
    const char *end = s + len;
    while (s < end) {
        const unsigned char c = (unsigned char)*s;
        size_t need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if ((size_t)(end - s) < need) return 0;
        if (c == 0) return 0;
        if (fd_utf8_next(&s) < 0) return 0;
    }
    return 1;
}
