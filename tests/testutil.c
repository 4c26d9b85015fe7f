#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fd_test_failures = 0;
int fd_test_checks = 0;

void fd_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fd_test_failures++;
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int fd_test_streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

char *fd_test_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *data = NULL;
    long size;
    if (fp == NULL) return NULL;
    if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        goto cleanup;
    data = malloc((size_t)size + 1);
    if (data == NULL) goto cleanup;
    if (fread(data, 1, (size_t)size, fp) != (size_t)size) {
        free(data);
        data = NULL;
        goto cleanup;
    }
    data[size] = '\0';
    if (len) *len = (size_t)size;
cleanup:
    fclose(fp);
    return data;
}

int fd_test_summary(const char *name)
{
    int passed = fd_test_checks - fd_test_failures;
    printf("%s: %d passed, %d failed\n", name, passed, fd_test_failures);
    return fd_test_failures == 0 ? 0 : 1;
}
