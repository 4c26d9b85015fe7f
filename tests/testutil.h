/*
 * A minimal test harness: CHECK-style assertions that report file:line and
 * keep going, and a summary in the plain "N passed, N failed" form.
 */
#ifndef FD_TESTUTIL_H
#define FD_TESTUTIL_H

#include <stddef.h>

extern int fd_test_failures;
extern int fd_test_checks;

void fd_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define T_CHECK(cond)                                                          \
    do {                                                                       \
        fd_test_checks++;                                                      \
        if (!(cond)) fd_test_fail(__FILE__, __LINE__, "check failed: %s", #cond); \
    } while (0)

#define T_CHECK_MSG(cond, ...)                                                 \
    do {                                                                       \
        fd_test_checks++;                                                      \
        if (!(cond)) fd_test_fail(__FILE__, __LINE__, __VA_ARGS__);            \
    } while (0)

#define T_EQ_INT(a, b)                                                         \
    do {                                                                       \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                \
        fd_test_checks++;                                                      \
        if (t_a_ != t_b_)                                                      \
            fd_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, t_a_, t_b_); \
    } while (0)

#define T_EQ_DBL(a, b, eps)                                                    \
    do {                                                                       \
        double t_a_ = (double)(a), t_b_ = (double)(b);                         \
        fd_test_checks++;                                                      \
        if (!(t_a_ - t_b_ <= (eps) && t_b_ - t_a_ <= (eps)))                   \
            fd_test_fail(__FILE__, __LINE__, "%s ≈ %s: %.17g != %.17g", #a, #b, t_a_, t_b_); \
    } while (0)

#define T_EQ_STR(a, b)                                                         \
    do {                                                                       \
        const char *t_a_ = (a), *t_b_ = (b);                                   \
        fd_test_checks++;                                                      \
        if (!fd_test_streq(t_a_, t_b_))                                        \
            fd_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                         t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");      \
    } while (0)

int fd_test_streq(const char *a, const char *b); /* NULL equals only NULL */

/* Reads a whole file; NULL on failure. *len may be NULL. Caller frees (free). */
char *fd_test_read_file(const char *path, size_t *len);

/* Prints "<name>: N passed, N failed" and returns the exit status. */
int fd_test_summary(const char *name);

#endif
