/*
 * Plain-main replayer of a fuzz target: runs every file named on the
 * command line (directories: every regular file inside, sorted) through
 * LLVMFuzzerTestOneInput once. Built with gcc and registered in ctest so
 * that the seed corpus and every crash found stay regression tests without
 * clang or libFuzzer.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    if (fp == NULL) {
        fprintf(stderr, "replay: %s: cannot open\n", path);
        return -1;
    }
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            uint8_t *nb = realloc(buf, cap * 2 + 4096);
            if (nb == NULL) goto cleanup;
            buf = nb;
            cap = cap * 2 + 4096;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        goto cleanup;
    }
    /* A copy of exactly n bytes, so that ASan catches reads past the input. */
    {
        uint8_t *exact = malloc(n > 0 ? n : 1);
        if (exact == NULL) goto cleanup;
        if (n > 0) memcpy(exact, buf, n);
        (void)LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    rc = 0;
cleanup:
    free(buf);
    fclose(fp);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;
    if (d == NULL) {
        fprintf(stderr, "replay: %s: cannot open directory\n", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len;
        char *p;
        struct stat sb;
        if (e->d_name[0] == '.') continue;
        len = strlen(dir) + strlen(e->d_name) + 2;
        p = malloc(len);
        if (p == NULL) { rc = -1; break; }
        snprintf(p, len, "%s/%s", dir, e->d_name);
        if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) { free(p); continue; }
        if (n == cap) {
            char **nn = realloc(names, (cap * 2 + 16) * sizeof *names);
            if (nn == NULL) { free(p); rc = -1; break; }
            names = nn;
            cap = cap * 2 + 16;
        }
        names[n++] = p;
    }
    closedir(d);
    if (n > 0) qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; i++) {
        if (rc == 0 && replay_file(names[i]) != 0) rc = -1;
        else if (rc == 0) (*count)++;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int i, count = 0, rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (replay_dir(argv[i], &count) != 0) rc = 1;
        } else if (replay_file(argv[i]) == 0) {
            count++;
        } else {
            rc = 1;
        }
    }
    printf("replay: %d inputs run\n", count);
    return rc;
}
