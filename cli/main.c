/*
 * formdig command line. Uses only the public API (formdig.h).
 *
 * stdout carries JSON only; messages go to stderr as "formdig: ...".
 * Exit status (like diff(1)): 0 every form ok, 1 some form has a
 * discrepancy (a verdict other than "ok"), 2 bad input or an error.
 */
#define _POSIX_C_SOURCE 200809L

#include "formdig.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
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
    "per line (JSON Lines). A directory stands for the scans in it and in its\n"
    "subdirectories (.pdf .png .jpg .jpeg .tif .tiff .bmp .webp), in name order.\n"
    "\n"
    "  check FILE|-         re-run the scoring checks on a contract JSON document\n"
    "                       (or JSON Lines; - reads standard input) and print it\n"
    "                       with fresh \"checks\" and \"verdict\"\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    write the JSON to FILE (atomically) instead of stdout\n"
    "      --resume         with -o: keep what FILE already holds and skip the\n"
    "                       inputs in it (same content, by SHA-256)\n"
    "      --models DIR     model directory (default: $FORMDIG_MODELS, else the\n"
    "                       built-in one, else models/ beside the executable)\n"
    "      --debug-dir DIR  write debug images of every page into DIR\n"
    "  -j, --jobs N         N workers, each with its own OCR engine (default: the\n"
    "                       number of cores); they share out the pages of the\n"
    "                       files; output stays in input order\n"
    "  -v, --verbose        more messages on stderr (twice: debug)\n"
    "  -q, --quiet          only error messages on stderr (no progress line)\n"
    "  -h, --help           show this help and exit\n"
    "      --version        show the version and exit\n"
    "\n"
    "Exit status: 0 every form ok, 1 some form's verdict is not ok,\n"
    "2 bad input or an error. SIGINT/SIGTERM: the pages being read are\n"
    "finished, files whose every page is read are finished and written, the\n"
    "others are left out whole (a second signal stops at once, writing\n"
    "nothing); run again with --resume.\n";

typedef struct options {
    int check;
    const char *output;
    const char *models;
    const char *debug_dir;
    int verbosity;        /* -1 quiet, 0 default, 1 verbose, 2 debug */
    int jobs;             /* 0: the number of cores */
    int resume;
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
    /* The library's messages about a file already start with "FILE: "
     * (fd_source_open names it): do not name it twice. */
    size_t n = file ? strlen(file) : 0;
    if (file && strncmp(message, file, n) == 0 && message[n] == ':') file = NULL;
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
        } else if (strcmp(a, "--resume") == 0) {
            o->resume = 1;
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
        } else if ((strncmp(a, "-j", 2) == 0 && a[2] >= '0' && a[2] <= '9' && (val = a + 2)) ||
                   (r = option_value(argc, argv, &i, "-j", &val)) != 0 ||
                   (r = option_value(argc, argv, &i, "--jobs", &val)) != 0) {
            char *end = NULL;
            long n;
            if (r < 0) return -1;
            errno = 0;
            n = strtol(val, &end, 10);
            if (errno != 0 || end == val || *end != '\0' || n < 1 || n > 256) {
                fprintf(stderr, "formdig: --jobs takes a number from 1 to 256, not '%s'\n", val);
                return -1;
            }
            o->jobs = (int)n;
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
    if (o->resume && (o->output == NULL || o->check)) {
        complain(NULL, "--resume needs -o FILE (the output to continue)");
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

/* ------------------------------------------------------------ inputs */

typedef struct file_list {
    char **paths;
    size_t n, cap;
} file_list;

static int list_add(file_list *l, const char *path)
{
    char *copy;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        char **g = realloc(l->paths, ncap * sizeof *g);
        if (g == NULL) return -1;
        l->paths = g;
        l->cap = ncap;
    }
    copy = strdup(path);
    if (copy == NULL) return -1;
    l->paths[l->n++] = copy;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Inside a directory only scans are taken (an archive folder also holds
 * notes, checksums, JSON): names ending in a scan format's extension. A
 * file named on the command line is always read. */
static int is_scan_name(const char *name)
{
    static const char *const ext[] = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
                                      ".bmp", ".webp"};
    const char *dot = strrchr(name, '.');
    size_t i;
    if (dot == NULL) return 0;
    for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcasecmp(dot, ext[i]) == 0) return 1;
    return 0;
}

static int is_dir_entry(const char *dir, const char *name)
{
    char path[4096];
    struct stat sb;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) return 0;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Adds path, or the files below it when it is a directory (name order,
 * subdirectories included). An unreadable directory is named and skipped:
 * the other inputs go on. Returns -1 only when out of memory. */
static int expand_input(file_list *l, const char *path, int depth, int *trouble)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;
    file_list here;
    size_t i;
    int rc = 0;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return list_add(l, path); /* the library reports a missing file */
    if (depth > 32) {
        complain(path, "directories nested too deep; skipped");
        *trouble = 1;
        return 0;
    }
    d = opendir(path);
    if (d == NULL) {
        complain(path, strerror(errno));
        *trouble = 1;
        return 0;
    }
    memset(&here, 0, sizeof here);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child;
        if (e->d_name[0] == '.') continue; /* ., .. and hidden files */
        if (!is_scan_name(e->d_name) && !is_dir_entry(path, e->d_name)) continue;
        child = malloc(n);
        if (child == NULL) {
            rc = -1;
            break;
        }
        snprintf(child, n, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
        rc = list_add(&here, child);
        free(child);
        if (rc != 0) break;
    }
    closedir(d);
    if (here.n) qsort(here.paths, here.n, sizeof *here.paths, cmp_str);
    for (i = 0; i < here.n && rc == 0; i++) rc = expand_input(l, here.paths[i], depth + 1, trouble);
    for (i = 0; i < here.n; i++) free(here.paths[i]);
    free(here.paths);
    return rc;
}

/* ----------------------------------------------------------- signals */

/* Set by SIGINT/SIGTERM: no new page or input is started. */
static atomic_int g_stop = 0; /* lock-free: safe in a handler and across threads */

static void on_signal(int sig)
{
    if (g_stop) {
        /* Second signal: stop now, the default way (nothing is written). */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_stop = 1;
}

/* ------------------------------------------------------------ resume */

/* The source.sha256 values of the JSON lines already in the output file
 * (our own output: the key is found as text, no JSON parser needed). */
typedef struct done_set {
    char (*hex)[65];
    size_t n, cap;
} done_set;

static int done_has(const done_set *d, const char *hex)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        if (strcmp(d->hex[i], hex) == 0) return 1;
    return 0;
}

/* Loads FILE's complete lines into out (the new output starts with them)
 * and their hashes into done. A missing FILE is an empty start. */
static int resume_load(const char *path, sink *out, done_set *done)
{
    FILE *fp = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    if (fp == NULL) return errno == ENOENT ? 0 : -1;
    while ((n = getline(&line, &cap, fp)) > 0) {
        const char *k;
        if (line[n - 1] != '\n') break; /* a cut last line is not kept */
        line[n - 1] = '\0';
        k = strstr(line, "\"sha256\":\"");
        if (k == NULL || strlen(k + 10) < 65 || k[10 + 64] != '"') continue;
        if (done->n == done->cap) {
            size_t ncap = done->cap ? done->cap * 2 : 64;
            void *g = realloc(done->hex, ncap * sizeof *done->hex);
            if (g == NULL) break;
            done->hex = g;
            done->cap = ncap;
        }
        memcpy(done->hex[done->n], k + 10, 64);
        done->hex[done->n][64] = '\0';
        done->n++;
        sink_put(out, line);
    }
    free(line);
    fclose(fp);
    return 0;
}

/* ---------------------------------------------------------- progress */

typedef struct progress {
    int on;                 /* stderr is a terminal and not --quiet */
    struct timespec start;
    size_t files_done, files_total;
    long pages;
    int errors;
} progress;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress_show(const progress *p, int final)
{
    double el, rate, eta;
    if (!p->on) return;
    el = seconds_since(&p->start);
    rate = el > 0 ? (double)p->pages / el : 0.0;
    eta = p->files_done ? el / (double)p->files_done * (double)(p->files_total - p->files_done) : 0.0;
    fprintf(stderr, "\r%zu/%zu files, %ld pages, %.2f pages/s, ETA %d:%02d, %d error%s   %s",
            p->files_done, p->files_total, p->pages, rate, (int)(eta / 60), (int)eta % 60,
            p->errors, p->errors == 1 ? "" : "s", final ? "\n" : "");
}

/* ----------------------------------------------------------- workers */

/* One input: its state while workers share out its pages, then its result,
 * printed by the main thread in input order. Every field is guarded by the
 * pool's lock. */
typedef struct job {
    const char *path;
    char *json;          /* library-owned (fd_free) */
    char *error;         /* malloc'ed message */
    int discrepancy;
    int pages;
    int skip;            /* --resume: already in the output */
    int done;
    /* While it is being read: */
    int opened;          /* opening was tried (it may have failed) */
    fd_scan *scan;
    int n_pages;
    int next_page;       /* the next page to hand out (1-based) */
    unsigned char *read; /* read[p - 1]: page p has been read */
    int mapped;          /* pages mapped, from the first */
    int mapping;         /* a worker is mapping or finishing it */
    int busy;            /* workers inside a call on scan */
    int failed;
    int dropped;         /* interrupted: not finished, not written */
} job;

typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;   /* a job is done, or work may have become available */
    job *jobs;
    size_t n_jobs;
    size_t first_open;        /* no job before it is waiting to be opened */
    int n_open;               /* jobs opened and not done */
    int max_open;             /* files open at once (their data is held in memory) */
    int ahead;                /* pages handed out and not mapped yet, over every job */
    int max_ahead;            /* bound on ahead: the images held wait for the mapping */
    int active;               /* workers still running */
    const options *opt;
    fd_log_level log_level;
} pool;

typedef enum task_kind { TASK_NONE = 0, TASK_OPEN, TASK_PAGE, TASK_MAP } task_kind;

typedef struct task {
    task_kind kind;
    job *jb;
    int page;
} task;

static int job_needs_map(const job *jb)
{
    if (!jb->opened || jb->failed || jb->done || jb->mapping || jb->dropped) return 0;
    return jb->mapped == jb->n_pages || jb->read[jb->mapped];
}

/* Ends what an opened job holds (pool locked, no worker inside a call on
 * it): its scan, its place among the open files, and the pages handed out
 * that were never mapped. */
static void job_release(pool *pl, job *jb)
{
    fd_scan_destroy(&jb->scan);
    free(jb->read);
    jb->read = NULL;
    if (jb->next_page > 0) pl->ahead -= jb->next_page - 1 - jb->mapped;
    pl->n_open--;
}

/* After SIGINT/SIGTERM (pool locked): a file with pages not handed out yet
 * is dropped once no worker is inside a call on it; nothing of it is
 * written, and --resume reads it again. Files whose every page is read are
 * finished. */
static void drop_unfinished(pool *pl)
{
    size_t k;
    for (k = 0; k < pl->first_open; k++) {
        job *jb = &pl->jobs[k];
        if (!jb->opened || jb->done || jb->dropped || jb->busy > 0 || jb->failed) continue;
        if (jb->next_page <= jb->n_pages) {
            job_release(pl, jb);
            jb->dropped = 1;
        }
    }
}

/* The next task for a worker (pool locked); kind TASK_NONE when there is
 * nothing to do now. Mapping goes first: it is the one part of a file that
 * runs on one thread at a time, and it releases the pages' images. Pages
 * are handed out in input order, so that results come out in the order
 * they are printed in. */
static task claim_task(pool *pl)
{
    task t;
    size_t k;
    memset(&t, 0, sizeof t);
    if (g_stop) drop_unfinished(pl);
    for (k = 0; k < pl->first_open; k++) {
        job *jb = &pl->jobs[k];
        if (job_needs_map(jb)) {
            t.kind = TASK_MAP;
            t.jb = jb;
            jb->mapping = 1;
            return t;
        }
    }
    for (k = 0; k < pl->first_open && !g_stop; k++) {
        job *jb = &pl->jobs[k];
        if (!jb->opened || jb->done || jb->failed || jb->next_page > jb->n_pages) continue;
        if (pl->ahead >= pl->max_ahead) break;
        t.kind = TASK_PAGE;
        t.jb = jb;
        t.page = jb->next_page++;
        pl->ahead++;
        return t;
    }
    while (pl->first_open < pl->n_jobs && pl->jobs[pl->first_open].skip) {
        pl->jobs[pl->first_open].done = 1;
        pl->first_open++;
    }
    if (pl->first_open < pl->n_jobs && !g_stop && pl->n_open < pl->max_open) {
        t.kind = TASK_OPEN;
        t.jb = &pl->jobs[pl->first_open++];
        pl->n_open++;
    }
    return t;
}

/* 1 when no task can come any more: every job done or (stopped) never
 * to be opened, and none open. */
static int pool_finished(const pool *pl)
{
    size_t k;
    if (pl->n_open > 0) return 0;
    if (g_stop) return 1;
    for (k = pl->first_open; k < pl->n_jobs; k++)
        if (!pl->jobs[k].skip) return 0;
    return 1;
}

/* Ends a job (pool locked): its scan is closed once no worker is inside a
 * call on it. */
static void job_settle(pool *pl, job *jb)
{
    if (jb->done || jb->busy > 0 || !(jb->failed || jb->json)) return;
    job_release(pl, jb);
    if (jb->failed && jb->error == NULL) jb->error = strdup("out of memory");
    jb->done = 1;
}

/* Marks a job failed (pool locked): no more of its pages are handed out;
 * it ends (job_settle) when no worker is inside a call on it. */
static void job_fail(job *jb, const char *message)
{
    if (jb->failed) return;
    jb->failed = 1;
    jb->error = strdup(message);
}

static void *worker(void *arg)
{
    pool *pl = arg;
    fd_context *ctx = NULL;
    fd_status cst = fd_context_create(&ctx, pl->opt->models);
    const char *ctx_error;
    if (cst == FD_OK) {
        fd_context_set_log(ctx, pl->log_level, log_sink, NULL);
        if (pl->opt->debug_dir) cst = fd_context_set_debug_dir(ctx, pl->opt->debug_dir);
    }
    ctx_error = cst == FD_OK ? NULL : ctx ? fd_context_errmsg(ctx) : fd_status_name(cst);
    pthread_mutex_lock(&pl->lock);
    for (;;) {
        task t = claim_task(pl);
        job *jb = t.jb;
        fd_status st = FD_OK;
        if (t.kind == TASK_NONE) {
            if (pool_finished(pl)) break;
            pthread_cond_wait(&pl->done_cv, &pl->lock);
            continue;
        }
        jb->busy++;
        pthread_mutex_unlock(&pl->lock);
        if (t.kind == TASK_OPEN) {
            fd_scan *scan = NULL;
            unsigned char *read = NULL;
            int n = 0;
            st = ctx_error ? FD_ERR_USAGE : fd_scan_open(ctx, jb->path, &scan);
            if (st == FD_OK) {
                n = fd_scan_page_count(scan);
                read = calloc(n > 0 ? (size_t)n : 1, 1);
                if (read == NULL) fd_scan_destroy(&scan);
            }
            pthread_mutex_lock(&pl->lock);
            jb->opened = 1;
            if (st != FD_OK) {
                job_fail(jb, ctx_error ? ctx_error : fd_context_errmsg(ctx));
            } else if (read == NULL) {
                job_fail(jb, "out of memory");
            } else {
                jb->scan = scan;
                jb->read = read;
                jb->n_pages = n;
                jb->next_page = 1;
            }
        } else if (t.kind == TASK_PAGE) {
            st = ctx_error ? FD_ERR_USAGE : fd_scan_read_page(ctx, jb->scan, t.page);
            pthread_mutex_lock(&pl->lock);
            /* A failure is reported again by the mapping, which stops at
             * this page: the page counts as read. */
            jb->read[t.page - 1] = 1;
            if (st != FD_OK && ctx_error) job_fail(jb, ctx_error);
        } else {
            int mapped = 0;
            char *json = NULL;
            fd_result_info info;
            memset(&info, 0, sizeof info);
            st = ctx_error ? FD_ERR_USAGE : fd_scan_map_pages(ctx, jb->scan, &mapped);
            if (st == FD_OK && mapped == jb->n_pages) st = fd_scan_finish(ctx, jb->scan, &json, &info);
            pthread_mutex_lock(&pl->lock);
            jb->mapping = 0;
            if (st != FD_OK) {
                job_fail(jb, ctx_error ? ctx_error : fd_context_errmsg(ctx));
                fd_free(json);
            } else {
                pl->ahead -= mapped - jb->mapped;
                jb->mapped = mapped;
                if (json) {
                    jb->json = json;
                    jb->discrepancy = info.discrepancy;
                    jb->pages = info.n_pages;
                }
            }
        }
        jb->busy--;
        job_settle(pl, jb);
        pthread_cond_broadcast(&pl->done_cv);
    }
    pl->active--;
    pthread_cond_broadcast(&pl->done_cv);
    pthread_mutex_unlock(&pl->lock);
    fd_context_destroy(&ctx);
    return NULL;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Reads every input with opt->jobs workers and writes the results to out
 * in input order as soon as each is ready. Returns the exit status. */
static int run_scans(const options *opt, fd_log_level log_level, sink *out, int *any_output)
{
    file_list files;
    pool pl;
    pthread_t *threads = NULL;
    done_set done;
    progress prog;
    int n_threads = 0, rc = EXIT_ALL_OK, trouble = 0, i;
    size_t printed = 0, k, skipped = 0;

    memset(&files, 0, sizeof files);
    memset(&pl, 0, sizeof pl);
    memset(&done, 0, sizeof done);
    memset(&prog, 0, sizeof prog);
    for (i = 0; i < opt->n_files; i++) {
        if (expand_input(&files, opt->files[i], 0, &trouble) != 0) {
            complain(NULL, "out of memory");
            rc = EXIT_TROUBLE;
            goto cleanup;
        }
    }
    if (trouble) rc = EXIT_TROUBLE;
    if (files.n == 0) {
        complain(NULL, "no input file found");
        rc = EXIT_TROUBLE;
        goto cleanup;
    }
    pl.jobs = calloc(files.n, sizeof *pl.jobs);
    n_threads = opt->jobs > 0 ? opt->jobs : default_jobs();
    threads = calloc((size_t)n_threads, sizeof *threads);
    if (pl.jobs == NULL || threads == NULL) {
        complain(NULL, "out of memory");
        rc = EXIT_TROUBLE;
        goto cleanup;
    }
    for (k = 0; k < files.n; k++) pl.jobs[k].path = files.paths[k];
    pl.n_jobs = files.n;
    if (opt->resume) {
        fd_context *hctx = NULL;
        if (resume_load(opt->output, out, &done) != 0) {
            complain(opt->output, strerror(errno));
            rc = EXIT_TROUBLE;
            goto cleanup;
        }
        if (done.n) *any_output = 1;
        if (fd_context_create(&hctx, opt->models) == FD_OK) {
            for (k = 0; k < files.n; k++) {
                char hex[65];
                if (fd_file_sha256(hctx, files.paths[k], hex) == FD_OK && done_has(&done, hex)) {
                    pl.jobs[k].skip = 1;
                    skipped++;
                }
            }
        }
        fd_context_destroy(&hctx);
        if (skipped && log_level >= FD_LOG_INFO) {
            char msg[128];
            snprintf(msg, sizeof msg, "resume: %zu of %zu inputs already in the output", skipped, files.n);
            log_sink(NULL, FD_LOG_INFO, msg);
        }
    }
    prog.on = isatty(2) && log_level >= FD_LOG_WARN;
    prog.files_total = files.n - skipped;
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    pl.opt = opt;
    pl.log_level = log_level;
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.done_cv, NULL);
    pl.active = n_threads;
    pl.max_open = n_threads + 1;
    pl.max_ahead = 4 * n_threads;
    for (i = 0; i < n_threads; i++) {
        if (pthread_create(&threads[i], NULL, worker, &pl) != 0) break;
    }
    pthread_mutex_lock(&pl.lock);
    pl.active -= n_threads - i; /* threads that could not be started */
    pthread_mutex_unlock(&pl.lock);
    n_threads = i;
    if (n_threads == 0) {
        /* No thread could be started: work in this one. */
        pl.active = 1;
        worker(&pl);
    }
    pthread_mutex_lock(&pl.lock);
    while (printed < files.n) {
        job *jb = &pl.jobs[printed];
        if (!jb->done) {
            if (pl.active == 0) break; /* stopped by a signal: the rest was never started */
            pthread_cond_wait(&pl.done_cv, &pl.lock);
            continue;
        }
        pthread_mutex_unlock(&pl.lock);
        if (jb->skip) {
            /* already in the output (--resume) */
        } else if (jb->error) {
            if (prog.on) fputc('\n', stderr);
            complain(jb->path, jb->error);
            rc = worst(rc, EXIT_TROUBLE);
            prog.errors++;
        } else {
            sink_put(out, jb->json);
            *any_output = 1;
            if (jb->discrepancy) rc = worst(rc, EXIT_DISCREPANCY);
        }
        if (!jb->skip) {
            prog.files_done++;
            prog.pages += jb->pages;
            progress_show(&prog, 0);
        }
        fd_free(jb->json);
        free(jb->error);
        jb->json = NULL;
        jb->error = NULL;
        printed++;
        pthread_mutex_lock(&pl.lock);
    }
    pthread_mutex_unlock(&pl.lock);
    for (i = 0; i < n_threads; i++) pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&pl.lock);
    pthread_cond_destroy(&pl.done_cv);
    progress_show(&prog, 1);
    if (printed < files.n) {
        char msg[160];
        snprintf(msg, sizeof msg, "interrupted: %zu of %zu inputs not read%s", files.n - printed, files.n,
                 opt->output ? "; run again with --resume to continue" : "");
        complain(NULL, msg);
        rc = EXIT_TROUBLE;
    }
cleanup:
    /* Results that were ready but not printed (after SIGINT, behind a
     * file that was left out). */
    for (k = printed; pl.jobs && k < pl.n_jobs; k++) {
        fd_free(pl.jobs[k].json);
        free(pl.jobs[k].error);
    }
    free(done.hex);
    free(threads);
    free(pl.jobs);
    for (k = 0; k < files.n; k++) free(files.paths[k]);
    free(files.paths);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    fd_context *ctx = NULL;
    sink out;
    int rc = EXIT_ALL_OK, any_output = 0, pr;
    fd_status st;

    /* Tesseract's OpenMP threads would compete with our own workers (and
     * cost more in futex wake-ups than they gain on small cells): one
     * engine, one thread; parallelism comes from --jobs. libgomp reads the
     * limit once, when it is loaded, so the process starts itself again
     * with the variable set. */
    if (getenv("OMP_THREAD_LIMIT") == NULL && setenv("OMP_THREAD_LIMIT", "1", 1) == 0)
        execv("/proc/self/exe", argv); /* returns only on failure: go on as we are */
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
        fd_log_level lvl = o.verbosity >= 2 ? FD_LOG_DEBUG
                           : o.verbosity == 1 ? FD_LOG_INFO
                           : o.verbosity == 0 ? FD_LOG_WARN
                                              : FD_LOG_ERROR;
        rc = run_scans(&o, lvl, &out, &any_output);
    }
    if (sink_finish(&out, any_output) != 0) rc = EXIT_TROUBLE;

cleanup:
    free(out.data);
    fd_context_destroy(&ctx);
    free(o.files);
    return rc;
}
