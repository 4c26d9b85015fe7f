/*
 * Fuzz target: the three model loaders of json_io.h (rules, form model,
 * OCR configuration). They read a path, so the input goes through an
 * in-memory file (fuzz_memfile); every loader sees every input.
 */
#include "fuzz.h"

#include "json_io.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_memfile(data, size);
    fd_diag dg;
    fd_rules rules;
    fd_form_model model;
    fd_ocr_config cfg;
    if (path == NULL) return 0;

    fd_diag_init(&dg);
    memset(&rules, 0, sizeof rules);
    (void)fd_json_load_rules(path, &rules, &dg);

    fd_diag_reset(&dg);
    memset(&model, 0, sizeof model);
    (void)fd_json_load_form_model(path, &model, &dg);
    fd_form_model_clear(&model);

    fd_diag_reset(&dg);
    memset(&cfg, 0, sizeof cfg);
    (void)fd_json_load_ocr_config(path, &cfg, &dg);
    return 0;
}
