/*
 * formdig_ocr_cell FILE[:PAGE] [MODE] [x y w h]: reads one box of a scan
 * page (the whole page by default) through ingest, cleaning and the OCR
 * module exactly as the pipeline reads a cell, and prints text, confidence
 * and alternatives. MODE is line, block, number or measure. Coordinates
 * are those of the cleaned page (as in --debug-dir images). For looking at
 * why a cell was misread.
 *
 * formdig_ocr_cell FILE --list LIST: LIST has lines "PAGE MODE X Y W H\tTEXT";
 * each box is read and compared with TEXT (whitespace removed); prints the
 * misreads and the share read exactly. For comparing reading strategies on
 * many cells with one engine. MODE may also be "once" (a text line at one
 * scale, no rereads). Environment: FD_LINE_HEIGHT=N reads text lines
 * scaled to N px; FD_ALL=1 also prints every reading as
 * "R\tPAGE\tX\tY\tCONF\tTEXT\tWANT" (how the reread heights were chosen).
 */
#include "ocr.h"

#include <leptonica/allheaders.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void squeeze(char *s)
{
    char *d = s;
    for (; *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t') *d++ = *s;
    *d = '\0';
}

static int load_page(const char *path, int page, fd_page_image *pg, fd_diag *dg)
{
    fd_source *src = NULL;
    fd_ingest_limits lim;
    fd_clean_options copt;
    PIX *raw = NULL;
    int dpi = 0, rc = 0;
    fd_ingest_limits_default(&lim);
    fd_clean_options_default(&copt);
    memset(pg, 0, sizeof *pg);
    if (fd_source_open(path, &lim, &src, dg) != FD_OK || fd_source_load_page(src, page, &raw, &dpi, dg) != FD_OK ||
        fd_page_clean(raw, page, dpi, &copt, pg, dg) != FD_OK)
        rc = -1;
    pixDestroy(&raw);
    fd_source_close(&src);
    return rc;
}

static int run_list(const char *path, const char *list)
{
    fd_diag dg;
    fd_ocr_config cfg;
    fd_ocr_engine *eng = NULL;
    fd_page_image pg;
    char line[2048];
    int cur = -1, total = 0, exact = 0;
    FILE *fp = fopen(list, "r");
    setMsgSeverity(L_SEVERITY_NONE);
    fd_diag_init(&dg);
    fd_ocr_config_default(&cfg);
    if (getenv("FD_LINE_HEIGHT")) cfg.line_height = (int)strtol(getenv("FD_LINE_HEIGHT"), NULL, 10);
    memset(&pg, 0, sizeof pg);
    if (fp == NULL || fd_ocr_create(&cfg, &eng, &dg) != FD_OK) {
        fprintf(stderr, "cannot start: %s\n", dg.message);
        return 2;
    }
    while (fgets(line, sizeof line, fp)) {
        char mode_s[16], *want = strchr(line, '\t');
        int page, box[4];
        fd_ocr_mode mode = FD_OCR_LINE;
        fd_ocr_text out;
        if (want == NULL || sscanf(line, "%d %15s %d %d %d %d", &page, mode_s, &box[0], &box[1], &box[2], &box[3]) != 6)
            continue;
        want++;
        squeeze(want);
        if (strcmp(mode_s, "number") == 0) mode = FD_OCR_NUMBER;
        else if (strcmp(mode_s, "measure") == 0) mode = FD_OCR_MEASURE;
        else if (strcmp(mode_s, "once") == 0) mode = FD_OCR_LINE_ONCE;
        if (page != cur) {
            fd_page_image_clear(&pg);
            if (load_page(path, page, &pg, &dg) != 0) {
                fprintf(stderr, "%s: %s\n", path, dg.message);
                return 2;
            }
            cur = page;
        }
        if (fd_ocr_read(eng, &pg, box, mode, &out, &dg) != FD_OK) return 2;
        squeeze(out.text);
        total++;
        if (strcmp(out.text, want) == 0) exact++;
        else printf("  p%d %d,%d: \"%s\" want \"%s\"\n", page, box[0], box[1], out.text, want);
        if (getenv("FD_ALL")) printf("R\t%d\t%d\t%d\t%.1f\t%s\t%s\n", page, box[0], box[1], out.conf, out.text, want);
        fd_ocr_text_clear(&out);
    }
    fclose(fp);
    printf("exact %d/%d\n", exact, total);
    fd_page_image_clear(&pg);
    fd_ocr_destroy(&eng);
    return 0;
}

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
    if (argc == 4 && strcmp(argv[2], "--list") == 0) return run_list(argv[1], argv[3]);
    if (argc < 2) {
        fprintf(stderr, "usage: %s IMAGE [line|once|block|number|measure] [x y w h]\n", argv[0]);
        return 2;
    }
    setMsgSeverity(L_SEVERITY_NONE);
    if (argc > 2) {
        if (strcmp(argv[2], "number") == 0) mode = FD_OCR_NUMBER;
        else if (strcmp(argv[2], "measure") == 0) mode = FD_OCR_MEASURE;
        else if (strcmp(argv[2], "block") == 0) mode = FD_OCR_BLOCK;
        else if (strcmp(argv[2], "once") == 0) mode = FD_OCR_LINE_ONCE;
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
