/*
 * Fuzz target: ingest + clean + grid on small images of any format the
 * library reads (the bytes decide the format, as for a real file). Tight
 * limits keep one run short: a decoded page of at most 4e6 pixels, 4000
 * per side, a file of at most 1 MiB, PDF pages rendered at 72 dpi, and
 * only the first 3 pages.
 */
#include "fuzz.h"

#include "grid.h"
#include "ingest.h"

#include <leptonica/allheaders.h>

#include <string.h>

#define FUZZ_MAX_PAGES 3

static void lept_quiet(const char *msg) { (void)msg; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet = 0;
    const char *path;
    fd_ingest_limits lim;
    fd_clean_options opt;
    fd_source *src = NULL;
    fd_diag dg;
    int page, n;

    if (!quiet) {
        /* As fd_context_create does: Leptonica would print to stderr. */
        setMsgSeverity(L_SEVERITY_NONE);
        leptSetStderrHandler(lept_quiet);
        quiet = 1;
    }
    path = fuzz_memfile(data, size);
    if (path == NULL) return 0;
    fd_ingest_limits_default(&lim);
    lim.max_pixels = 4000000;
    lim.max_side = 4000;
    lim.max_file_bytes = 1024 * 1024;
    lim.pdf_default_dpi = 72;
    fd_clean_options_default(&opt);
    fd_diag_init(&dg);
    if (fd_source_open(path, &lim, &src, &dg) != FD_OK) goto cleanup;
    n = fd_source_page_count(src);
    for (page = 1; page <= n && page <= FUZZ_MAX_PAGES; page++) {
        PIX *raw = NULL;
        int dpi = 0;
        fd_page_image img;
        fd_grid grid;
        fd_grid_debug dbg;
        memset(&img, 0, sizeof img);
        memset(&grid, 0, sizeof grid);
        memset(&dbg, 0, sizeof dbg);
        fd_diag_reset(&dg);
        if (fd_source_load_page(src, page, &raw, &dpi, &dg) != FD_OK) continue;
        if (fd_page_clean(raw, page, dpi, &opt, &img, &dg) == FD_OK)
            (void)fd_grid_detect(&img, &grid, &dbg, &dg);
        fd_grid_clear(&grid);
        fd_grid_debug_clear(&dbg);
        fd_page_image_clear(&img);
        pixDestroy(&raw);
    }
cleanup:
    fd_source_close(&src);
    return 0;
}
