/*
 * The public API of formdig.h: the context (diagnostics, models, debug
 * directory), check mode, validation, and — separately, at the end — the
 * scan pipeline entry point.
 *
 * Models directory, first that applies:
 *   1. the models_dir argument of fd_context_create;
 *   2. the environment variable FORMDIG_MODELS (when set and not empty);
 *   3. FD_MODELS_DIR_DEFAULT, fixed at build time (the source tree's
 *      models/), when that directory exists;
 *   4. "models" beside the executable (/proc/self/exe), for an installed
 *      or relocated binary.
 * The rules (rules/default.json) are loaded when the context is created;
 * the form model (form.json) and the OCR configuration (ocr.json) are
 * loaded on first use.
 *
 * A failed fd_context_create still hands back a context when it could
 * allocate one, so that the caller can read the message with
 * fd_context_errmsg; such a context refuses every other call
 * (FD_ERR_USAGE) and must be destroyed.
 */
#define _POSIX_C_SOURCE 200809L

#include "json_io.h"
#include "process.h"

#include <leptonica/allheaders.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fd_context {
    fd_diag dg;
    char *models_dir;
    fd_rules rules;
    int broken;                 /* creation failed: only errmsg/destroy work */
    fd_form_model form_model;
    int form_model_loaded;
    fd_ocr_config ocr_config;
    int ocr_config_loaded;
    fd_ocr_engine *ocr_engine;  /* started on first use by the scan pipeline, kept */
    char *debug_dir;            /* NULL: no debug images */
};

/* Internal to the library (used by the scan pipeline): the lazily loaded
 * models of a context, and its debug directory. */
fd_status fd_context_form_model(fd_context *ctx, const fd_form_model **out);
fd_status fd_context_ocr_config(fd_context *ctx, const fd_ocr_config **out);
fd_ocr_engine **fd_context_ocr_engine(fd_context *ctx);
const char *fd_context_debug_dir(const fd_context *ctx);
fd_diag *fd_context_diag(fd_context *ctx);

static int is_dir(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* "<directory of the executable>/models", or NULL. */
static char *models_beside_exe(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash, *dir;
    size_t len;
    if (n <= 0 || (size_t)n >= sizeof exe - 1) return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) return NULL;
    *slash = '\0';
    len = strlen(exe) + sizeof "/models";
    dir = fd_malloc(len);
    if (dir && fd_snprintf(dir, len, "%s/models", exe) != 0) {
        fd_free(dir);
        dir = NULL;
    }
    return dir;
}

static fd_status resolve_models_dir(fd_context *ctx, const char *arg)
{
    const char *env = getenv("FORMDIG_MODELS");
    if (arg && arg[0]) {
        ctx->models_dir = fd_strdup(arg);
    } else if (env && env[0]) {
        ctx->models_dir = fd_strdup(env);
    } else {
#ifdef FD_MODELS_DIR_DEFAULT
        if (is_dir(FD_MODELS_DIR_DEFAULT)) ctx->models_dir = fd_strdup(FD_MODELS_DIR_DEFAULT);
        else
#endif
        {
            ctx->models_dir = models_beside_exe();
            if (ctx->models_dir == NULL) ctx->models_dir = fd_strdup("models");
        }
    }
    if (ctx->models_dir == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_NOMEM, "out of memory");
    if (!is_dir(ctx->models_dir))
        return fd_diag_fail(&ctx->dg, FD_ERR_MODEL, "%s: models directory not found", ctx->models_dir);
    return FD_OK;
}

/* models_dir/rel as a new string. */
static char *model_path(const fd_context *ctx, const char *rel)
{
    size_t len = strlen(ctx->models_dir) + 1 + strlen(rel) + 1;
    char *p = fd_malloc(len);
    if (p && fd_snprintf(p, len, "%s/%s", ctx->models_dir, rel) != 0) {
        fd_free(p);
        p = NULL;
    }
    return p;
}

/* Leptonica's stderr handler: drops the message (the library never prints). */
static void lept_quiet(const char *msg) { (void)msg; }

fd_status fd_context_create(fd_context **out, const char *models_dir)
{
    fd_context *ctx;
    char *rules_path = NULL;
    fd_status st;
    if (out == NULL) return FD_ERR_USAGE;
    *out = NULL;
    ctx = fd_calloc(1, sizeof *ctx);
    if (ctx == NULL) return FD_ERR_NOMEM;
    fd_diag_init(&ctx->dg);
    /* Leptonica would print warnings to stderr; the library is silent.
     * Some of its messages ("Bad file: amount too big" from the TIFF memory
     * reader) bypass the severity and go straight to its stderr handler. */
    setMsgSeverity(L_SEVERITY_NONE);
    leptSetStderrHandler(lept_quiet);
    st = resolve_models_dir(ctx, models_dir);
    if (st != FD_OK) goto cleanup;
    rules_path = model_path(ctx, "rules/default.json");
    if (rules_path == NULL) {
        st = fd_diag_fail(&ctx->dg, FD_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    st = fd_json_load_rules(rules_path, &ctx->rules, &ctx->dg);
    if (st == FD_OK) fd_log(&ctx->dg, FD_LOG_DEBUG, "models: %s, rules \"%s\"", ctx->models_dir, ctx->rules.name);
cleanup:
    fd_free(rules_path);
    if (st != FD_OK) ctx->broken = 1;
    *out = ctx;
    return st;
}

void fd_context_destroy(fd_context **pp)
{
    fd_context *ctx;
    if (pp == NULL || *pp == NULL) return;
    ctx = *pp;
    if (ctx->form_model_loaded) fd_form_model_clear(&ctx->form_model);
    fd_ocr_destroy(&ctx->ocr_engine);
    fd_free(ctx->models_dir);
    fd_free(ctx->debug_dir);
    fd_free(ctx);
    *pp = NULL;
}

const char *fd_context_errmsg(const fd_context *ctx)
{
    if (ctx == NULL) return "no context";
    return ctx->dg.message;
}

void fd_context_set_log(fd_context *ctx, fd_log_level level, fd_log_fn fn, void *user)
{
    if (ctx == NULL) return;
    ctx->dg.log_level = level;
    ctx->dg.log_fn = fn;
    ctx->dg.log_user = user;
}

/* Starts a top-level call: clears the last error, refuses a broken context. */
static fd_status begin_call(fd_context *ctx)
{
    if (ctx == NULL) return FD_ERR_USAGE;
    if (ctx->broken) return FD_ERR_USAGE; /* keeps the creation message */
    fd_diag_reset(&ctx->dg);
    return FD_OK;
}

fd_status fd_context_set_debug_dir(fd_context *ctx, const char *dir)
{
    char *copy = NULL;
    fd_status st = begin_call(ctx);
    if (st != FD_OK) return st;
    if (dir) {
        if (dir[0] == '\0') return fd_diag_fail(&ctx->dg, FD_ERR_USAGE, "empty debug directory name");
        if (!is_dir(dir)) return fd_diag_fail(&ctx->dg, FD_ERR_IO, "%s: debug directory not found", dir);
        copy = fd_strdup(dir);
        if (copy == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_NOMEM, "out of memory");
    }
    fd_free(ctx->debug_dir);
    ctx->debug_dir = copy;
    return FD_OK;
}

const char *fd_context_debug_dir(const fd_context *ctx) { return ctx ? ctx->debug_dir : NULL; }

/* The context's OCR engine slot (NULL until the pipeline starts it with
 * fd_ocr_create); the context destroys the engine. */
fd_ocr_engine **fd_context_ocr_engine(fd_context *ctx) { return ctx ? &ctx->ocr_engine : NULL; }

fd_diag *fd_context_diag(fd_context *ctx) { return ctx ? &ctx->dg : NULL; }

fd_status fd_context_form_model(fd_context *ctx, const fd_form_model **out)
{
    char *path;
    fd_status st;
    *out = NULL;
    if (!ctx->form_model_loaded) {
        path = model_path(ctx, "form.json");
        if (path == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_NOMEM, "out of memory");
        st = fd_json_load_form_model(path, &ctx->form_model, &ctx->dg);
        fd_free(path);
        if (st != FD_OK) return st;
        ctx->form_model_loaded = 1;
    }
    *out = &ctx->form_model;
    return FD_OK;
}

/* Resolves a relative path of the OCR configuration against the models
 * directory ("" stays ""). */
static fd_status resolve_relative(fd_context *ctx, char *field, size_t size, const char *what)
{
    char *full;
    if (field[0] == '\0' || field[0] == '/') return FD_OK;
    full = model_path(ctx, field);
    if (full == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_NOMEM, "out of memory");
    if (fd_snprintf(field, size, "%s", full) != 0) {
        fd_free(full);
        return fd_diag_fail(&ctx->dg, FD_ERR_MODEL, "ocr.json: %s path too long once resolved", what);
    }
    fd_free(full);
    return FD_OK;
}

fd_status fd_context_ocr_config(fd_context *ctx, const fd_ocr_config **out)
{
    char *path;
    fd_status st;
    *out = NULL;
    if (!ctx->ocr_config_loaded) {
        fd_ocr_config cfg;
        fd_ocr_config_default(&cfg);
        path = model_path(ctx, "ocr.json");
        if (path == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_NOMEM, "out of memory");
        st = fd_json_load_ocr_config(path, &cfg, &ctx->dg);
        fd_free(path);
        if (st == FD_OK) st = resolve_relative(ctx, cfg.tessdata_dir, sizeof cfg.tessdata_dir, "tessdata_dir");
        if (st == FD_OK) st = resolve_relative(ctx, cfg.user_words, sizeof cfg.user_words, "user_words");
        if (st != FD_OK) return st;
        ctx->ocr_config = cfg;
        ctx->ocr_config_loaded = 1;
    }
    *out = &ctx->ocr_config;
    return FD_OK;
}

fd_status fd_check_json(fd_context *ctx, const char *json, size_t len, char **out_json,
                        fd_result_info *info)
{
    fd_status st = begin_call(ctx);
    if (info) memset(info, 0, sizeof *info);
    if (out_json) *out_json = NULL;
    if (st != FD_OK) return st;
    if (out_json == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_USAGE, "no output pointer");
    if (json == NULL && len > 0) return fd_diag_fail(&ctx->dg, FD_ERR_USAGE, "no input buffer");
    st = fd_json_recheck(json ? json : "", len, &ctx->rules, 1, out_json, info, &ctx->dg);
    if (st == FD_OK && info)
        fd_log(&ctx->dg, FD_LOG_INFO, "checked %d form%s with rules \"%s\": %s", info->n_forms,
               info->n_forms == 1 ? "" : "s", ctx->rules.name,
               info->discrepancy ? "some verdict is not ok" : "every verdict ok");
    return st;
}

fd_status fd_validate_json(fd_context *ctx, const char *json, size_t len)
{
    fd_document *doc = NULL;
    fd_status st = begin_call(ctx);
    if (st != FD_OK) return st;
    if (json == NULL && len > 0) return fd_diag_fail(&ctx->dg, FD_ERR_USAGE, "no input buffer");
    st = fd_json_read_document(json ? json : "", len, &doc, &ctx->dg);
    fd_document_destroy(&doc);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Scan pipeline (ingest → grid → OCR → mapper → scoring → JSON).           */

/* The environment of a scan call on ctx: its models, rules, engine slot. */
static fd_status scan_env(fd_context *ctx, fd_process_env *env)
{
    fd_status st;
    memset(env, 0, sizeof *env);
    st = fd_context_form_model(ctx, &env->model);
    if (st == FD_OK) st = fd_context_ocr_config(ctx, &env->ocr_config);
    if (st != FD_OK) return st;
    env->rules = &ctx->rules;
    env->engine = &ctx->ocr_engine;
    env->debug_dir = ctx->debug_dir;
    fd_ingest_limits_default(&env->limits);
    fd_clean_options_default(&env->clean);
    return FD_OK;
}

/* Ends a call that built *docp with status st: when st is FD_OK, the
 * document's JSON and result flags; the document is freed either way. */
static fd_status document_result(fd_context *ctx, fd_status st, fd_document **docp,
                                 char **out_json, fd_result_info *info)
{
    const fd_document *doc = *docp;
    size_t i;
    if (st == FD_OK) st = fd_json_write_document(doc, 0, out_json, &ctx->dg);
    if (st == FD_OK && info) {
        info->n_forms = (int)doc->n_forms;
        info->n_errors = (int)doc->n_errors;
        info->n_pages = doc->source_pages > 0 ? doc->source_pages : 0;
        for (i = 0; i < doc->n_forms; i++)
            if (doc->forms[i].checks.verdict != FD_VERDICT_OK) info->discrepancy = 1;
    }
    fd_document_destroy(docp);
    return st;
}

/* Starts a scan call: clears the result outputs (either may be NULL),
 * refuses missing arguments (args_ok 0, naming the function) and sets up
 * env for ctx. */
static fd_status begin_scan_call(fd_context *ctx, int args_ok, const char *function,
                                 fd_process_env *env, char **out_json, fd_result_info *info)
{
    fd_status st = begin_call(ctx);
    if (info) memset(info, 0, sizeof *info);
    if (out_json) *out_json = NULL;
    if (st != FD_OK) return st;
    if (!args_ok) return fd_diag_fail(&ctx->dg, FD_ERR_USAGE, "%s: a required argument is NULL", function);
    return scan_env(ctx, env);
}

fd_status fd_process_file(fd_context *ctx, const char *path, char **out_json, fd_result_info *info)
{
    fd_process_env env;
    fd_document *doc = NULL;
    fd_status st = begin_scan_call(ctx, path && out_json, "fd_process_file", &env, out_json, info);
    if (st == FD_OK) st = fd_process_scan(&env, path, &doc, &ctx->dg);
    return document_result(ctx, st, &doc, out_json, info);
}

fd_status fd_scan_open(fd_context *ctx, const char *path, fd_scan **out)
{
    fd_process_env env;
    fd_status st;
    if (out) *out = NULL;
    st = begin_scan_call(ctx, path && out, "fd_scan_open", &env, NULL, NULL);
    if (st == FD_OK) st = fd_process_open(&env, path, out, &ctx->dg);
    return st;
}

int fd_scan_page_count(const fd_scan *scan) { return fd_process_page_count(scan); }

fd_status fd_scan_read_page(fd_context *ctx, fd_scan *scan, int page)
{
    fd_process_env env;
    fd_status st = begin_scan_call(ctx, scan != NULL, "fd_scan_read_page", &env, NULL, NULL);
    if (st == FD_OK) st = fd_process_page(&env, scan, page, 1, &ctx->dg);
    return st;
}

fd_status fd_scan_map_pages(fd_context *ctx, fd_scan *scan, int *pages_mapped)
{
    fd_process_env env;
    fd_status st;
    if (pages_mapped) *pages_mapped = 0;
    st = begin_scan_call(ctx, scan != NULL, "fd_scan_map_pages", &env, NULL, NULL);
    if (st == FD_OK) st = fd_process_map(&env, scan, pages_mapped, &ctx->dg);
    return st;
}

fd_status fd_scan_finish(fd_context *ctx, fd_scan *scan, char **out_json, fd_result_info *info)
{
    fd_process_env env;
    fd_document *doc = NULL;
    fd_status st = begin_scan_call(ctx, scan && out_json, "fd_scan_finish", &env, out_json, info);
    if (st == FD_OK) st = fd_process_finish(&env, scan, &doc, &ctx->dg);
    return document_result(ctx, st, &doc, out_json, info);
}

void fd_scan_destroy(fd_scan **pp) { fd_process_close(pp); }

fd_status fd_file_sha256(fd_context *ctx, const char *path, char hex[65])
{
    fd_status st = begin_call(ctx);
    if (st != FD_OK) return st;
    if (path == NULL || hex == NULL) return fd_diag_fail(&ctx->dg, FD_ERR_USAGE, "fd_file_sha256: no path");
    return fd_sha256_file(path, hex, &ctx->dg);
}
