/*
 * formdig command line. Uses only the public API (formdig.h).
 *
 * stdout carries JSON only; messages go to stderr as "formdig: ...".
 * Exit status (like diff(1)): 0 every form ok, 1 some form has a
 * discrepancy (a verdict other than "ok"), 2 bad input or an error.
 */
#define _POSIX_C_SOURCE 200809L

#include "formdig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_ALL_OK 0
#define EXIT_DISCREPANCY 1
#define EXIT_TROUBLE 2

/* Input larger than this is not read whole (the library's limit is 64 MiB). */
#define MAX_INPUT ((size_t)64 * 1024 * 1024)

static const char usage_text[] =
    "Usage: formdig [OPTIONS] FILE...\n"
    "       formdig check [OPTIONS] FILE.json|-\n"
    "\n"
    "Reads scans of 财政项目支出绩效自评表 (PNG, JPEG, TIFF, BMP, WebP, PDF) and\n"
    "writes their contract JSON (format " FORMDIG_FORMAT "): one object per input file, one\n"
    "per line (JSON Lines).\n"
    "\n"
    "  check FILE|-         re-run the scoring checks on a contract JSON document\n"
    "                       (or JSON Lines; - reads standard input) and print it\n"
    "                       with fresh \"checks\" and \"verdict\"\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    write the JSON to FILE (atomically) instead of stdout\n"
    "      --models DIR     model directory (default: $FORMDIG_MODELS, else the\n"
    "                       built-in one, else models/ beside the executable)\n"
    "      --debug-dir DIR  write debug images of every page into DIR\n"
    "  -v, --verbose        more messages on stderr (twice: debug)\n"
    "  -q, --quiet          only error messages on stderr\n"
    "  -h, --help           show this help and exit\n"
    "      --version        show the version and exit\n"
    "\n"
    "Exit status: 0 every form ok, 1 some form's verdict is not ok,\n"
    "2 bad input or an error.\n";

typedef struct options {
    int check;
    const char *output;
    const char *models;
    const char *debug_dir;
    int verbosity;        /* -1 quiet, 0 default, 1 verbose, 2 debug */
    const char **files;
    int n_files;
} options;

static void log_sink(void *user, fd_log_level level, const char *message)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void)user;
    fprintf(stderr, "formdig: %s: %s\n", (unsigned)level < 4 ? names[level] : "log", message);
}

static void complain(const char *file, const char *message)
{
    if (file)
        fprintf(stderr, "formdig: %s: %s\n", file, message);
    else
        fprintf(stderr, "formdig: %s\n", message);
}

/* The value of option name: "--name=value", or the next argument. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (strcmp(arg, name) != 0) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "formdig: option %s needs a value\n", name);
        *value = NULL;
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

/* Returns -1 on a usage error (message printed), 1 for --help/--version
 * (done), 0 to go on. */
static int parse_args(int argc, char **argv, options *o)
{
    int i, only_files = 0, r;
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    if (o->files == NULL) {
        complain(NULL, "out of memory");
        return -1;
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            if (!o->check && o->n_files == 0 && strcmp(a, "check") == 0 && !only_files)
                o->check = 1;
            else
                o->files[o->n_files++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return 1;
        } else if (strcmp(a, "--version") == 0) {
            printf("formdig %s (contract format %s)\n", FORMDIG_VERSION, FORMDIG_FORMAT);
            return 1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            if (o->verbosity < 2) o->verbosity = o->verbosity < 0 ? 1 : o->verbosity + 1;
        } else if (strcmp(a, "-vv") == 0) {
            o->verbosity = 2;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->verbosity = -1;
        } else if (strncmp(a, "-o", 2) == 0 && a[2] != '\0') {
            o->output = a + 2;
        } else if ((r = option_value(argc, argv, &i, "-o", &val)) != 0 ||
                   (r = option_value(argc, argv, &i, "--output", &val)) != 0) {
            if (r < 0) return -1;
            o->output = val;
        } else if ((r = option_value(argc, argv, &i, "--models", &val)) != 0) {
            if (r < 0) return -1;
            o->models = val;
        } else if ((r = option_value(argc, argv, &i, "--debug-dir", &val)) != 0) {
            if (r < 0) return -1;
            o->debug_dir = val;
        } else {
            fprintf(stderr, "formdig: unknown option %s (see formdig --help)\n", a);
            return -1;
        }
    }
    if (o->check && o->n_files != 1) {
        complain(NULL, "check takes exactly one FILE.json (or - for standard input)");
        return -1;
    }
    if (o->n_files == 0) {
        complain(NULL, "no input file (see formdig --help)");
        return -1;
    }
    if (o->output && o->output[0] == '\0') {
        complain(NULL, "empty output file name");
        return -1;
    }
    return 0;
}

/* Reads a whole file ("-": standard input) up to MAX_INPUT + 1 bytes, so
 * that the library sees that it is too large. Returns NULL with a message. */
static char *read_all(const char *path, size_t *len)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *data = NULL, *grown;
    size_t cap = 0, n = 0, got;
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    if (fp == NULL) {
        complain(name, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            if (ncap > MAX_INPUT + 1) ncap = MAX_INPUT + 1;
            if (ncap == cap) break; /* read MAX_INPUT + 1 bytes: enough to know */
            grown = realloc(data, ncap + 1);
            if (grown == NULL) {
                complain(name, "out of memory");
                free(data);
                data = NULL;
                goto done;
            }
            data = grown;
            cap = ncap;
        }
        got = fread(data + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp)) {
        complain(name, "read error");
        free(data);
        data = NULL;
        goto done;
    }
    if (data == NULL) {
        data = malloc(1);
        if (data == NULL) {
            complain(name, "out of memory");
            goto done;
        }
    }
    data[n] = '\0';
    *len = n;
done:
    if (fp != stdin) fclose(fp);
    return data;
}

/* Writes text to path through a temporary file in the same directory and
 * a rename, so that readers never see half a file. */
static int write_atomic(const char *path, const char *text, size_t len)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".XXXXXX");
    FILE *fp = NULL;
    int fd = -1, ok = 0;
    mode_t mask;
    if (tmp == NULL) {
        complain(path, "out of memory");
        return -1;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", sizeof ".XXXXXX");
    fd = mkstemp(tmp);
    if (fd < 0) {
        complain(path, strerror(errno));
        free(tmp);
        return -1;
    }
    mask = umask(0);
    umask(mask);
    (void)fchmod(fd, (mode_t)(0666 & ~mask));
    fp = fdopen(fd, "wb");
    if (fp == NULL) {
        complain(path, strerror(errno));
        close(fd);
        goto cleanup;
    }
    if (fwrite(text, 1, len, fp) != len || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        complain(path, strerror(errno));
        fclose(fp);
        goto cleanup;
    }
    if (fclose(fp) != 0) {
        complain(path, strerror(errno));
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        complain(path, strerror(errno));
        goto cleanup;
    }
    ok = 1;
cleanup:
    if (!ok) unlink(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

/* Output collected in memory (for -o) or written straight to stdout. */
typedef struct sink {
    const char *path;   /* NULL: stdout */
    char *data;
    size_t len, cap;
    int failed;
} sink;

static void sink_put(sink *s, const char *text)
{
    size_t n = strlen(text);
    if (s->path == NULL) {
        if (fwrite(text, 1, n, stdout) != n || fputc('\n', stdout) == EOF) s->failed = 1;
        return;
    }
    if (s->len + n + 2 > s->cap) {
        size_t ncap = (s->len + n + 2) * 2;
        char *g = realloc(s->data, ncap);
        if (g == NULL) {
            s->failed = 1;
            return;
        }
        s->data = g;
        s->cap = ncap;
    }
    memcpy(s->data + s->len, text, n);
    s->len += n;
    s->data[s->len++] = '\n';
    s->data[s->len] = '\0';
}

static int sink_finish(sink *s, int any_output)
{
    int rc = 0;
    if (s->failed) {
        complain(s->path ? s->path : "(standard output)", "write error");
        rc = -1;
    } else if (s->path == NULL) {
        if (fflush(stdout) != 0) {
            complain("(standard output)", "write error");
            rc = -1;
        }
    } else if (any_output) {
        rc = write_atomic(s->path, s->data ? s->data : "", s->len);
    }
    free(s->data);
    s->data = NULL;
    return rc;
}

static int worst(int a, int b) { return a > b ? a : b; }

int main(int argc, char **argv)
{
    options o;
    fd_context *ctx = NULL;
    sink out;
    int rc = EXIT_ALL_OK, any_output = 0, i, pr;
    fd_status st;

    pr = parse_args(argc, argv, &o);
    if (pr != 0) {
        free(o.files);
        return pr > 0 ? EXIT_ALL_OK : EXIT_TROUBLE;
    }
    memset(&out, 0, sizeof out);
    out.path = o.output;

    st = fd_context_create(&ctx, o.models);
    if (st != FD_OK) {
        complain(NULL, ctx ? fd_context_errmsg(ctx) : fd_status_name(st));
        rc = EXIT_TROUBLE;
        goto cleanup;
    }
    if (o.verbosity >= 0) {
        fd_log_level lvl = o.verbosity >= 2 ? FD_LOG_DEBUG : o.verbosity == 1 ? FD_LOG_INFO : FD_LOG_WARN;
        fd_context_set_log(ctx, lvl, log_sink, NULL);
    } else {
        fd_context_set_log(ctx, FD_LOG_ERROR, log_sink, NULL);
    }
    if (o.debug_dir && fd_context_set_debug_dir(ctx, o.debug_dir) != FD_OK) {
        complain(o.debug_dir, fd_context_errmsg(ctx));
        rc = EXIT_TROUBLE;
        goto cleanup;
    }

    if (o.check) {
        const char *name = strcmp(o.files[0], "-") == 0 ? "(standard input)" : o.files[0];
        size_t len = 0;
        char *text = read_all(o.files[0], &len), *json = NULL;
        fd_result_info info;
        if (text == NULL) {
            rc = EXIT_TROUBLE;
            goto cleanup;
        }
        st = fd_check_json(ctx, text, len, &json, &info);
        free(text);
        if (st != FD_OK) {
            complain(name, fd_context_errmsg(ctx));
            rc = EXIT_TROUBLE;
        } else {
            sink_put(&out, json);
            any_output = 1;
            rc = info.discrepancy ? EXIT_DISCREPANCY : EXIT_ALL_OK;
        }
        fd_free(json);
    } else {
        for (i = 0; i < o.n_files; i++) {
            char *json = NULL;
            fd_result_info info;
            st = fd_process_file(ctx, o.files[i], &json, &info);
            if (st != FD_OK) {
                complain(o.files[i], fd_context_errmsg(ctx));
                rc = worst(rc, EXIT_TROUBLE);
            } else {
                sink_put(&out, json);
                any_output = 1;
                if (info.discrepancy) rc = worst(rc, EXIT_DISCREPANCY);
            }
            fd_free(json);
        }
    }
    if (sink_finish(&out, any_output) != 0) rc = EXIT_TROUBLE;

cleanup:
    free(out.data);
    fd_context_destroy(&ctx);
    free(o.files);
    return rc;
}
