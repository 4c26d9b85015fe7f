/*
 * formdig_ocr_cell FILE[:PAGE] [MODE] [x y w h]: reads one box of a scan
 * page (the whole page by default) through ingest, cleaning and the OCR
 * module exactly as the pipeline reads a cell, and prints text, confidence
 * and alternatives. MODE is line, block, number or measure. Coordinates
 * are those of the cleaned page (as in --debug-dir images). For looking at
 * why a cell was misread.
 */
#include "ocr.h"

#include <leptonica/allheaders.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    fd_diag dg;
    fd_ocr_config cfg;
    fd_ocr_engine *eng = NULL;
    fd_page_image pg;
    fd_ocr_text out;
    fd_ocr_mode mode = FD_OCR_LINE;
    int box[4];
    PIX *raw;
    size_t i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s IMAGE [line|block|number|measure] [x y w h]\n", argv[0]);
        return 2;
    }
    setMsgSeverity(L_SEVERITY_NONE);
    if (argc > 2) {
        if (strcmp(argv[2], "number") == 0) mode = FD_OCR_NUMBER;
        else if (strcmp(argv[2], "measure") == 0) mode = FD_OCR_MEASURE;
        else if (strcmp(argv[2], "block") == 0) mode = FD_OCR_BLOCK;
    }
    {
        char path[4096];
        char *colon;
        int page = 1, dpi = 0;
        fd_source *src = NULL;
        fd_ingest_limits lim;
        fd_clean_options copt;
        fd_diag_init(&dg);
        fd_snprintf(path, sizeof path, "%s", argv[1]);
        colon = strrchr(path, ':');
        if (colon) {
            page = (int)strtol(colon + 1, NULL, 10);
            *colon = '\0';
        }
        fd_ingest_limits_default(&lim);
        fd_clean_options_default(&copt);
        memset(&pg, 0, sizeof pg);
        raw = NULL;
        if (fd_source_open(path, &lim, &src, &dg) != FD_OK ||
            fd_source_load_page(src, page, &raw, &dpi, &dg) != FD_OK ||
            fd_page_clean(raw, page, dpi, &copt, &pg, &dg) != FD_OK) {
            fprintf(stderr, "%s: %s\n", argv[1], dg.message);
            return 2;
        }
        pixDestroy(&raw);
        fd_source_close(&src);
    }
    box[0] = 0;
    box[1] = 0;
    box[2] = (int)pixGetWidth(pg.gray);
    box[3] = (int)pixGetHeight(pg.gray);
    if (argc > 6)
        for (i = 0; i < 4; i++) box[i] = (int)strtol(argv[3 + i], NULL, 10);
    fd_diag_init(&dg);
    fd_ocr_config_default(&cfg);
    if (fd_ocr_create(&cfg, &eng, &dg) != FD_OK || fd_ocr_read(eng, &pg, box, mode, &out, &dg) != FD_OK) {
        fprintf(stderr, "%s\n", dg.message);
        return 2;
    }
    printf("text: %s\nconf: %.1f\nbox: %d %d %d %d\nempty: %d\n", out.text, out.conf, out.box[0],
           out.box[1], out.box[2], out.box[3], out.empty);
    for (i = 0; i < out.n_alternatives; i++) printf("alternative: %s\n", out.alternatives[i]);
    fd_ocr_text_clear(&out);
    fd_ocr_destroy(&eng);
    fd_page_image_clear(&pg);
    return 0;
}
