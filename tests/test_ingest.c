/*
 * Ingest module: bad files (tests/data/bad/, see its README) → the right
 * status and a message naming the file; multi-page TIFF and PDF decoding
 * with per-page failures; cleaning: skew found within 0.2°, a red seal over
 * black text leaves the text (in a colour and in a gray scan), a page upside down or on its side is turned
 * back.
 */
#define _POSIX_C_SOURCE 200809L

#include "ingest.h"
#include "synth_page.h"
#include "testutil.h"

#include <leptonica/allheaders.h>
#include <cairo.h>
#include <cairo-pdf.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAD_DIR FD_SOURCE_DIR "/tests/data/bad/"
#define DEG2RAD (3.14159265358979323846 / 180.0)

/* Opens path and loads page 1; returns the first failing status. */
static fd_status open_and_load(const char *path, fd_diag *dg, int *w, int *h, const char **fmt)
{
    fd_source *src = NULL;
    PIX *pix = NULL;
    int dpi = 0;
    fd_status st = fd_source_open(path, NULL, &src, dg);
    if (st != FD_OK) {
        T_CHECK(src == NULL);
        return st;
    }
    if (fmt != NULL) *fmt = fd_source_format(src);
    st = fd_source_load_page(src, 1, &pix, &dpi, dg);
    if (st == FD_OK) {
        if (w != NULL) *w = pixGetWidth(pix);
        if (h != NULL) *h = pixGetHeight(pix);
    }
    pixDestroy(&pix);
    fd_source_close(&src);
    T_CHECK(src == NULL);
    return st;
}

static void expect_bad(const char *name, fd_status want, const char *needle)
{
    char path[1024];
    fd_diag dg;
    fd_status st;
    fd_diag_init(&dg);
    snprintf(path, sizeof path, "%s%s", BAD_DIR, name);
    st = open_and_load(path, &dg, NULL, NULL, NULL);
    T_CHECK_MSG(st == want, "%s: status %s, expected %s (%s)", name, fd_status_name(st),
                fd_status_name(want), dg.message);
    T_CHECK_MSG(strstr(dg.message, name) != NULL, "%s: message does not name the file: %s", name,
                dg.message);
    if (needle != NULL)
        T_CHECK_MSG(strstr(dg.message, needle) != NULL, "%s: message lacks \"%s\": %s", name,
                    needle, dg.message);
}

static void test_bad_files(void)
{
    fd_diag dg;
    int w = 0, h = 0;
    const char *fmt = NULL;
    expect_bad("zero_bytes.png", FD_ERR_INPUT, "empty");
    expect_bad("truncated.png", FD_ERR_INPUT, "truncated");
    expect_bad("truncated.jpg", FD_ERR_INPUT, "truncated");
    expect_bad("truncated.tif", FD_ERR_INPUT, NULL);
    expect_bad("truncated.pdf", FD_ERR_INPUT, NULL);
    expect_bad("text_renamed.png", FD_ERR_INPUT, "not a recognised");
    expect_bad("one_pixel.png", FD_ERR_INPUT, "too small");
    expect_bad("huge_header.png", FD_ERR_LIMIT, "60000x60000");
    expect_bad("encrypted.pdf", FD_ERR_INPUT, "password");
    expect_bad("no_pages.pdf", FD_ERR_INPUT, "no pages");
    expect_bad("does_not_exist.png", FD_ERR_IO, "cannot open");

    /* a directory is not an image */
    fd_diag_init(&dg);
    T_EQ_INT(open_and_load(BAD_DIR, &dg, NULL, NULL, NULL), FD_ERR_IO);

    /* the extension does not matter: a PNG named .jpg is read as PNG */
    fd_diag_init(&dg);
    T_EQ_INT(open_and_load(BAD_DIR "png_named.jpg", &dg, &w, &h, &fmt), FD_OK);
    T_EQ_STR(fmt, "png");
    T_EQ_INT(w, 200);
    T_EQ_INT(h, 150);

    /* file size guard */
    {
        fd_ingest_limits lim;
        fd_source *src = NULL;
        fd_ingest_limits_default(&lim);
        lim.max_file_bytes = 100;
        fd_diag_init(&dg);
        T_EQ_INT(fd_source_open(BAD_DIR "png_named.jpg", &lim, &src, &dg), FD_ERR_LIMIT);
        T_CHECK(src == NULL);
    }
    /* API misuse */
    fd_diag_init(&dg);
    T_EQ_INT(fd_source_open(NULL, NULL, NULL, &dg), FD_ERR_USAGE);
    fd_source_close(NULL);
    T_EQ_INT(fd_source_page_count(NULL), 0);
}

/* Multi-page TIFF: the pixel-budget guard refuses one page, the others
 * load. */
static void test_tiff_pages(void)
{
    char path[] = "/tmp/fd_test_ingest_XXXXXX";
    int fd = mkstemp(path), i;
    fd_ingest_limits lim;
    fd_source *src = NULL;
    fd_diag dg;
    static const int sizes[3][2] = {{300, 200}, {900, 700}, {320, 240}};
    T_CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    for (i = 0; i < 3; i++) {
        PIX *p = pixCreate(sizes[i][0], sizes[i][1], 8);
        pixSetAll(p);
        T_EQ_INT(pixWriteTiff(path, p, IFF_TIFF_ZIP, i == 0 ? "w" : "a"), 0);
        pixDestroy(&p);
    }
    fd_ingest_limits_default(&lim);
    lim.max_pixels = 300000; /* page 2 has 630000 */
    fd_diag_init(&dg);
    T_EQ_INT(fd_source_open(path, &lim, &src, &dg), FD_OK);
    T_EQ_INT(fd_source_page_count(src), 3);
    T_EQ_STR(fd_source_format(src), "tiff");
    for (i = 1; i <= 3; i++) {
        PIX *p = NULL;
        int dpi = -1;
        fd_status st;
        fd_diag_reset(&dg);
        st = fd_source_load_page(src, i, &p, &dpi, &dg);
        if (i == 2) {
            T_EQ_INT(st, FD_ERR_LIMIT);
            T_CHECK(strstr(dg.message, "page 2") != NULL);
            T_CHECK(p == NULL);
        } else {
            T_EQ_INT(st, FD_OK);
            T_CHECK(p != NULL && pixGetWidth(p) == sizes[i - 1][0]);
        }
        pixDestroy(&p);
    }
    fd_diag_reset(&dg);
    {
        PIX *p = NULL;
        T_EQ_INT(fd_source_load_page(src, 4, &p, NULL, &dg), FD_ERR_USAGE);
    }
    fd_source_close(&src);
    remove(path);
}

/* Image-only PDF (made here with cairo): pages rendered at the resolution
 * of their image (400 px over 4 in = 100 dpi). */
static void test_pdf(void)
{
    char path[] = "/tmp/fd_test_ingest_pdf_XXXXXX";
    int fd = mkstemp(path), i;
    cairo_surface_t *pdf, *img;
    cairo_t *cr;
    fd_source *src = NULL;
    fd_diag dg;
    T_CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    pdf = cairo_pdf_surface_create(path, 288.0, 216.0); /* 4 x 3 in */
    img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
    cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, 50, 50, 300, 200);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
    cairo_destroy(cr);
    cr = cairo_create(pdf);
    for (i = 0; i < 2; i++) {
        cairo_save(cr);
        cairo_scale(cr, 0.72, 0.72); /* 400 px → 288 pt */
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(pdf);
    cairo_surface_destroy(img);

    fd_diag_init(&dg);
    T_EQ_INT(fd_source_open(path, NULL, &src, &dg), FD_OK);
    T_EQ_STR(fd_source_format(src), "pdf");
    T_EQ_INT(fd_source_page_count(src), 2);
    for (i = 1; i <= 2; i++) {
        PIX *p = NULL;
        int dpi = 0;
        T_EQ_INT(fd_source_load_page(src, i, &p, &dpi, &dg), FD_OK);
        T_EQ_INT(dpi, 100);
        T_CHECK(p != NULL && abs(pixGetWidth(p) - 400) <= 1 && abs(pixGetHeight(p) - 300) <= 1);
        /* the frame is there: ink along row 50 */
        if (p != NULL) {
            l_uint32 v = 255;
            PIX *g = pixGetDepth(p) == 8 ? pixClone(p) : pixConvertRGBToLuminance(p);
            pixGetPixel(g, 200, 50, &v);
            T_CHECK(v < 128);
            pixDestroy(&g);
        }
        pixDestroy(&p);
    }
    fd_source_close(&src);
    remove(path);
}

static l_int32 ink_in(PIX *bin, int x, int y, int w, int h)
{
    l_int32 n = 0;
    BOX *b = boxCreate(x, y, w, h);
    pixCountPixelsInRect(bin, b, &n, NULL);
    boxDestroy(&b);
    return n;
}

static void test_skew(void)
{
    static const double angles[] = {-9.5, -4.0, -1.2, 0.6, 2.5, 7.0};
    synth_opts o;
    PIX *page;
    size_t i;
    synth_default(&o);
    o.seed = 42;
    page = synth_form(&o, NULL);
    for (i = 0; i < sizeof angles / sizeof angles[0]; i++) {
        fd_clean_options opt;
        fd_page_image img;
        fd_diag dg;
        PIX *rot = pixRotate(page, (l_float32)(-angles[i] * DEG2RAD), L_ROTATE_AREA_MAP,
                             L_BRING_IN_WHITE, 0, 0);
        fd_diag_init(&dg);
        fd_clean_options_default(&opt);
        T_EQ_INT(fd_page_clean(rot, 1, 100, &opt, &img, &dg), FD_OK);
        T_CHECK_MSG(fabs(img.skew_deg - angles[i]) <= 0.2, "skew %.2f found %.3f", angles[i],
                    img.skew_deg);
        T_EQ_INT(img.rotation_deg, 0);
        /* same size as the input, 8 and 1 bpp */
        T_EQ_INT(pixGetWidth(img.gray), pixGetWidth(rot));
        T_EQ_INT(pixGetHeight(img.binary), pixGetHeight(rot));
        T_EQ_INT(pixGetDepth(img.gray), 8);
        T_EQ_INT(pixGetDepth(img.binary), 1);
        fd_page_image_clear(&img);
        pixDestroy(&rot);
    }
    pixDestroy(&page);
}

/* What cleaning must do to a page with a seal over text lines: boxes are
 * [x, y, w, h] in pixels at 100 DPI. */
typedef struct seal_expect {
    const char *what;
    int text_box[4];          /* text under the seal: its ink survives */
    l_int32 min_text_ink;     /* the box holds at least this much text ink */
    int max_tenths;           /* ink with the seal at most this many tenths of without */
    int ring_box[4];          /* the ring below the text: no ink added */
    int off_box[4];           /* with suppression off: the ring is ink here... */
    l_int32 off_margin;       /* ...this much more than without a seal */
} seal_expect;

static void check_seal(PIX *base, PIX *sealed, const seal_expect *e)
{
    fd_clean_options opt;
    fd_page_image a, b;
    fd_diag dg;
    l_int32 ink_a, ink_b, ring_a, ring_b, off;
    fd_clean_options_default(&opt);
    opt.max_skew_deg = 0.0;
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(base, 1, 100, &opt, &a, &dg), FD_OK);
    T_EQ_INT(fd_page_clean(sealed, 1, 100, &opt, &b, &dg), FD_OK);
    ink_a = ink_in(a.binary, e->text_box[0], e->text_box[1], e->text_box[2], e->text_box[3]);
    ink_b = ink_in(b.binary, e->text_box[0], e->text_box[1], e->text_box[2], e->text_box[3]);
    T_CHECK_MSG(ink_a > e->min_text_ink, "%s: text ink %d", e->what, (int)ink_a);
    T_CHECK_MSG(ink_b >= ink_a * 9 / 10 && ink_b <= ink_a * e->max_tenths / 10,
                "%s: text ink with the seal %d, without %d", e->what, (int)ink_b, (int)ink_a);
    ring_a = ink_in(a.binary, e->ring_box[0], e->ring_box[1], e->ring_box[2], e->ring_box[3]);
    ring_b = ink_in(b.binary, e->ring_box[0], e->ring_box[1], e->ring_box[2], e->ring_box[3]);
    T_CHECK_MSG(ring_b <= ring_a + 20, "%s: seal ring ink %d (page without seal %d)", e->what,
                (int)ring_b, (int)ring_a);
    fd_page_image_clear(&a);
    fd_page_image_clear(&b);
    opt.suppress_color = 0;
    T_EQ_INT(fd_page_clean(sealed, 1, 100, &opt, &b, &dg), FD_OK);
    off = ink_in(b.binary, e->off_box[0], e->off_box[1], e->off_box[2], e->off_box[3]);
    T_CHECK_MSG(off > ring_a + e->off_margin, "%s: ring ink with suppression off %d", e->what, (int)off);
    fd_page_image_clear(&b);
}

/* A blank page with lines of black text from y 400 to 700. */
static PIX *text_page(unsigned seed)
{
    PIX *page = pixCreate(827, 1169, 32);
    int y;
    pixSetAll(page);
    for (y = 400; y < 700; y += 25) synth_text(page, 150, y, 520, 18, 14, &seed);
    return page;
}

/* A red seal stamped over black text: the text's ink survives in the
 * binary page, the seal's does not. */
static void test_seal(void)
{
    static const seal_expect e = {"red seal",         {300, 430, 240, 240}, 1000, 11,
                                  {300, 700, 240, 10}, {300, 683, 240, 10}, 20};
    PIX *base = text_page(5), *sealed = pixCopy(NULL, base);
    synth_seal(sealed, 420, 550, 140);
    check_seal(base, sealed, &e);
    pixDestroy(&base);
    pixDestroy(&sealed);
}

/* The same in a gray scan: the seal is only lighter than the ink, not of
 * another colour. Its ring (below the text lines) must go, the text under
 * it must stay. */
static void test_gray_seal(void)
{
    static const seal_expect e = {"gray seal",        {340, 560, 160, 140}, 500, 12,
                                  {380, 719, 80, 11}, {380, 719, 80, 11},   100};
    PIX *base = text_page(7), *sealed = pixCopy(NULL, base), *gbase, *gsealed;
    synth_seal(sealed, 420, 640, 90); /* 1.8 inch at 100 DPI; ring bottom at y 720..730 */
    gbase = pixConvertRGBToLuminance(base);
    gsealed = pixConvertRGBToLuminance(sealed);
    {
        /* A stamp's ink is thinner than a pen's: half way between the
         * paper and the full seal colour (gray 94) the seal is mid gray,
         * while the text, black with or without the seal, stays black. */
        l_int32 x, yy, w = pixGetWidth(gbase), h = pixGetHeight(gbase);
        for (yy = 0; yy < h; yy++) {
            l_uint32 *lb = pixGetData(gbase) + yy * pixGetWpl(gbase);
            l_uint32 *ls = pixGetData(gsealed) + yy * pixGetWpl(gsealed);
            for (x = 0; x < w; x++)
                SET_DATA_BYTE(ls, x, (l_uint8)((GET_DATA_BYTE(lb, x) + GET_DATA_BYTE(ls, x)) / 2));
        }
    }
    check_seal(gbase, gsealed, &e);
    pixDestroy(&base);
    pixDestroy(&sealed);
    pixDestroy(&gbase);
    pixDestroy(&gsealed);
}

/* A faded ruling line through a gray seal's region stays: the
 * suppression lifts what is lighter than its keep level there, and had
 * left such a rule as dashes (the grid then lost the columns under the
 * seal). A 3-px rule of gray 150 across the page through the seal: in
 * the binary page, the columns of the rule's band inside the seal's box
 * that hold ink are nearly all of them, as without the seal. */
static void test_gray_seal_rule(void)
{
    PIX *base = text_page(7), *sealed = pixCopy(NULL, base), *gbase, *gsealed;
    fd_clean_options opt;
    fd_page_image b;
    fd_diag dg;
    l_int32 x, yy, covered = 0, span = 0;
    synth_seal(sealed, 420, 640, 90);
    gbase = pixConvertRGBToLuminance(base);
    gsealed = pixConvertRGBToLuminance(sealed);
    for (yy = 0; yy < (l_int32)pixGetHeight(gbase); yy++) {
        l_uint32 *lb = pixGetData(gbase) + yy * pixGetWpl(gbase);
        l_uint32 *ls = pixGetData(gsealed) + yy * pixGetWpl(gsealed);
        for (x = 0; x < (l_int32)pixGetWidth(gbase); x++) {
            int v = (GET_DATA_BYTE(lb, x) + GET_DATA_BYTE(ls, x)) / 2; /* as test_gray_seal */
            if (yy >= 708 && yy < 711 && x >= 60 && x < 767) v = v * 150 / 255;
            SET_DATA_BYTE(ls, x, (l_uint8)v);
        }
    }
    fd_clean_options_default(&opt);
    opt.max_skew_deg = 0.0;
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(gsealed, 1, 100, &opt, &b, &dg), FD_OK);
    for (x = 340; x < 500; x++) {
        l_uint32 v = 0;
        l_int32 y2;
        int ink = 0;
        for (y2 = 704; y2 < 715; y2++) {
            pixGetPixel(b.binary, x, y2, &v);
            ink |= v != 0;
        }
        covered += ink;
        span++;
    }
    T_CHECK_MSG(covered * 100 >= span * 95, "rule under the seal: ink in %d of %d columns", (int)covered,
                (int)span);
    fd_page_image_clear(&b);
    pixDestroy(&base);
    pixDestroy(&sealed);
    pixDestroy(&gbase);
    pixDestroy(&gsealed);
}

/* A gray seal whose ring dense dark ink cuts into pieces, none of a
 * seal's size (the mid gray near dark ink is not the seal's own): black
 * blocks over the ring and its characters at both sides, above and below
 * the centre, leave a top arc, a bottom arc, two side arcs and the star,
 * too far apart for the closing to join (a seal over the funds table of a
 * bundled scan). Taken together they are the seal: its ring goes. */
static void test_gray_seal_in_pieces(void)
{
    static const int block_y[2] = {640 - 45, 640 + 15};
    PIX *page = pixCreate(827, 1169, 32), *gray;
    fd_clean_options opt;
    fd_page_image b;
    fd_diag dg;
    l_int32 x, yy, ring_on, ring_off;
    int k;
    pixSetAll(page);
    synth_seal(page, 420, 640, 90);
    gray = pixConvertRGBToLuminance(page);
    for (yy = 0; yy < (l_int32)pixGetHeight(gray); yy++) {
        l_uint32 *line = pixGetData(gray) + yy * pixGetWpl(gray);
        for (x = 0; x < (l_int32)pixGetWidth(gray); x++) {
            int v = (255 + GET_DATA_BYTE(line, x)) / 2; /* as test_gray_seal */
            for (k = 0; k < 2; k++)
                if (yy >= block_y[k] && yy < block_y[k] + 30 &&
                    ((x >= 420 - 97 && x < 420 - 45) || (x >= 420 + 45 && x < 420 + 97)))
                    v = 0;
            SET_DATA_BYTE(line, x, (l_uint8)v);
        }
    }
    fd_clean_options_default(&opt);
    opt.max_skew_deg = 0.0;
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(gray, 1, 100, &opt, &b, &dg), FD_OK);
    ring_on = ink_in(b.binary, 380, 550, 80, 8); /* the top of the ring: y 550..557 */
    fd_page_image_clear(&b);
    opt.suppress_color = 0;
    T_EQ_INT(fd_page_clean(gray, 1, 100, &opt, &b, &dg), FD_OK);
    ring_off = ink_in(b.binary, 380, 550, 80, 8);
    fd_page_image_clear(&b);
    T_CHECK_MSG(ring_off > 200, "ring ink with suppression off %d", (int)ring_off);
    T_CHECK_MSG(ring_on <= 20, "ring ink of a seal in pieces %d (%d unsuppressed)", (int)ring_on,
                (int)ring_off);
    pixDestroy(&page);
    pixDestroy(&gray);
}

/* Blurred black text (a 200-DPI JPEG scan of the indicator table, no
 * seal on it) leaves mid-gray strips between its strokes. Taken together
 * as pieces of a broken seal they passed for one, and the suppression
 * thinned the text under it. Nothing on this page may change with the
 * suppression on. */
static void test_blurred_text_no_seal(void)
{
    PIX *raw = pixRead(FD_SOURCE_DIR "/tests/data/ingest/blurred-text-200.jpg"), *gray;
    fd_clean_options opt;
    fd_page_image on, off;
    fd_diag dg;
    l_int32 n_on = 0, n_off = 0;
    T_CHECK(raw != NULL);
    if (raw == NULL) return;
    gray = pixConvertTo8(raw, 0);
    fd_clean_options_default(&opt);
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(gray, 1, 200, &opt, &on, &dg), FD_OK);
    opt.suppress_color = 0;
    T_EQ_INT(fd_page_clean(gray, 1, 200, &opt, &off, &dg), FD_OK);
    if (on.binary && off.binary) {
        pixCountPixels(on.binary, &n_on, NULL);
        pixCountPixels(off.binary, &n_off, NULL);
    }
    T_CHECK_MSG(n_off > 10000 && n_on * 1000 >= n_off * 999, "text ink %d with the suppression, %d without",
                (int)n_on, (int)n_off);
    fd_page_image_clear(&on);
    fd_page_image_clear(&off);
    pixDestroy(&gray);
    pixDestroy(&raw);
}

/* Pixels of [x,y,w,h] of an 8 bpp page darker than level. */
static l_int32 dark_in(PIX *gray, int x, int y, int w, int h, int level)
{
    PIX *bin = pixThresholdToBinary(gray, level);
    l_int32 n = bin ? ink_in(bin, x, y, w, h) : -1;
    pixDestroy(&bin);
    return n;
}

/* Digits printed over a light gray seal keep their soft sides on the page
 * number cells are read from (fd_page_image.digits): the suppression lifts
 * everything lighter than its keep level inside the seal, and thinned
 * such strokes to hairlines; the digits page lifts only what lies near
 * the seal's own strokes. Text with blurred sides under a seal: the
 * suppressed page loses a quarter or more of the text's pixels darker
 * than 160; the digits page gives a good part of them back, and no seal
 * ring. Without a seal there is no digits page. */
static void test_gray_seal_digits(void)
{
    static const int text_box[4] = {340, 560, 160, 140}, ring_box[4] = {380, 719, 80, 11};
    PIX *base = text_page(7), *sealed = pixCopy(NULL, base), *gbase, *gsealed, *soft, *soft_sealed;
    fd_clean_options opt;
    fd_page_image a, b;
    fd_diag dg;
    l_int32 want, got_digits, got_gray, ring_a, ring_digits;
    synth_seal(sealed, 420, 640, 90);
    gbase = pixConvertRGBToLuminance(base);
    gsealed = pixConvertRGBToLuminance(sealed);
    /* A mid-gray fringe around black strokes, as a scan blurs them. */
    {
        PIX *blur = pixBlockconv(gbase, 1, 1);
        soft = blur ? pixMinOrMax(NULL, gbase, blur, L_CHOOSE_MIN) : NULL;
        pixDestroy(&blur);
    }
    soft_sealed = pixCopy(NULL, soft);
    {
        /* The seal as light as a stamp's thin ink (see test_gray_seal). */
        l_int32 x, yy, w = pixGetWidth(gbase), h = pixGetHeight(gbase);
        for (yy = 0; yy < h; yy++) {
            l_uint32 *lb = pixGetData(gbase) + yy * pixGetWpl(gbase);
            l_uint32 *ls = pixGetData(gsealed) + yy * pixGetWpl(gsealed);
            l_uint32 *lo = pixGetData(soft_sealed) + yy * pixGetWpl(soft_sealed);
            for (x = 0; x < w; x++) {
                int seal = GET_DATA_BYTE(lb, x) < 128 ? 255 : (255 + GET_DATA_BYTE(ls, x)) / 2;
                /* Ink multiplies: the seal's tone times the text's. */
                SET_DATA_BYTE(lo, x, (l_uint8)(GET_DATA_BYTE(lo, x) * seal / 255));
            }
        }
    }
    fd_clean_options_default(&opt);
    opt.max_skew_deg = 0.0;
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(soft, 1, 100, &opt, &a, &dg), FD_OK);
    T_EQ_INT(fd_page_clean(soft_sealed, 1, 100, &opt, &b, &dg), FD_OK);
    T_CHECK(a.digits == NULL); /* no seal: nothing to give back */
    T_CHECK(b.digits != NULL);
    if (b.digits != NULL) {
        want = dark_in(a.gray, text_box[0], text_box[1], text_box[2], text_box[3], 160);
        got_digits = dark_in(b.digits, text_box[0], text_box[1], text_box[2], text_box[3], 160);
        got_gray = dark_in(b.gray, text_box[0], text_box[1], text_box[2], text_box[3], 160);
        /* Measured: 4547 without a seal, 2938 suppressed, 3370 on the
         * digits page (the synthetic seal covers the text's box, so the
         * fringe of its strokes touches much of the text). */
        T_CHECK_MSG(got_gray < want * 3 / 4, "suppressed page %d, without a seal %d", (int)got_gray,
                    (int)want);
        T_CHECK_MSG(got_digits - got_gray >= (want - got_gray) / 4 && got_digits <= want,
                    "text under the seal: %d pixels on the digits page, %d suppressed, %d without a seal",
                    (int)got_digits, (int)got_gray, (int)want);
        ring_a = dark_in(a.gray, ring_box[0], ring_box[1], ring_box[2], ring_box[3], 200);
        ring_digits = dark_in(b.digits, ring_box[0], ring_box[1], ring_box[2], ring_box[3], 200);
        T_CHECK_MSG(ring_digits <= ring_a + 20, "seal ring on the digits page %d (no seal %d)",
                    (int)ring_digits, (int)ring_a);
    }
    fd_page_image_clear(&a);
    fd_page_image_clear(&b);
    pixDestroy(&base);
    pixDestroy(&sealed);
    pixDestroy(&gbase);
    pixDestroy(&gsealed);
    pixDestroy(&soft);
    pixDestroy(&soft_sealed);
}

/* Share of pixels that differ between two 1 bpp images of one size. */
static double binary_diff(PIX *a, PIX *b)
{
    PIX *x = pixXor(NULL, a, b);
    l_int32 n = 0;
    pixCountPixels(x, &n, NULL);
    pixDestroy(&x);
    return (double)n / ((double)pixGetWidth(a) * pixGetHeight(a));
}

static void test_orientation(void)
{
    synth_opts o;
    fd_clean_options opt;
    fd_page_image up, img;
    fd_diag dg;
    PIX *page;
    int q;
    synth_default(&o);
    o.seed = 8;
    page = synth_form(&o, NULL);
    fd_clean_options_default(&opt);
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(page, 1, 100, &opt, &up, &dg), FD_OK);
    T_EQ_INT(up.rotation_deg, 0);
    for (q = 1; q <= 3; q++) {
        PIX *turned = pixRotateOrth(page, q); /* q clockwise quarter turns */
        T_EQ_INT(fd_page_clean(turned, 1, 100, &opt, &img, &dg), FD_OK);
        T_CHECK_MSG(img.rotation_deg == (4 - q) * 90, "page turned %d deg: rotation %d", q * 90,
                    img.rotation_deg);
        T_EQ_INT(pixGetWidth(img.gray), pixGetWidth(page));
        if (pixGetWidth(img.binary) == pixGetWidth(up.binary) &&
            pixGetHeight(img.binary) == pixGetHeight(up.binary))
            T_CHECK_MSG(binary_diff(img.binary, up.binary) < 0.002, "turned %d: differs by %.4f",
                        q * 90, binary_diff(img.binary, up.binary));
        fd_page_image_clear(&img);
        pixDestroy(&turned);
    }
    /* a continuation page (no title) upside down: the merged cells on the
     * left decide */
    o.title = 0;
    o.seed = 9;
    pixDestroy(&page);
    page = synth_form(&o, NULL);
    {
        PIX *turned = pixRotateOrth(page, 2);
        T_EQ_INT(fd_page_clean(turned, 1, 100, &opt, &img, &dg), FD_OK);
        T_EQ_INT(img.rotation_deg, 180);
        fd_page_image_clear(&img);
        pixDestroy(&turned);
    }
    fd_page_image_clear(&up);
    pixDestroy(&page);
}

/* Cleans page (100 DPI, default options): it must come out turned by
 * want degrees. what names the page in a failure. */
static void check_rotation(PIX *page, int want, const char *what)
{
    fd_clean_options opt;
    fd_page_image img;
    fd_diag dg;
    fd_clean_options_default(&opt);
    fd_diag_init(&dg);
    T_EQ_INT(fd_page_clean(page, 1, 100, &opt, &img, &dg), FD_OK);
    T_CHECK_MSG(img.rotation_deg == want, "%s: rotation %d", what, img.rotation_deg);
    fd_page_image_clear(&img);
}

/* check_rotation on page as it is (no rotation) and turned by 180 degrees
 * (turned back: 180). */
static void check_both_ways(PIX *page, const char *what)
{
    PIX *turned = pixRotateOrth(page, 2);
    char name[96];
    fd_snprintf(name, sizeof name, "%s upright", what);
    check_rotation(page, 0, name);
    T_CHECK(turned != NULL);
    if (turned != NULL) {
        fd_snprintf(name, sizeof name, "%s upside down", what);
        check_rotation(turned, 180, name);
    }
    pixDestroy(&turned);
}

/* Gray rule of the given gray level (200: lighter than the normal
 * binarisation's threshold, darker than the lenient one's) from (x,y),
 * w×h pixels. */
static void gray_rule(PIX *page, int x, int y, int w, int h, int gray)
{
    BOX *b = boxCreate(x, y, w, h);
    if (b != NULL) pixSetInRectArbitrary(page, b, (l_uint32)gray);
    boxDestroy(&b);
}

static void check_short_table(int merged)
{
    PIX *page = pixCreate(827, 1169, 8);
    static const int ys[6] = {80, 130, 180, 230, 280, 330};
    static const int xs[5] = {60, 160, 420, 600, 767};
    unsigned seed = 3;
    int i, k;
    char what[64];
    pixSetAll(page);
    for (i = 0; i < 6; i++) {
        /* the rules inside the merged first column's rows start right of it */
        int x0 = merged && i >= 1 && i <= 2 ? xs[1] : xs[0];
        pixRasterop(page, x0, ys[i], xs[4] - x0 + 2, 2, PIX_CLR, NULL, 0, 0);
    }
    for (k = 0; k < 5; k++) pixRasterop(page, xs[k], ys[0], 2, ys[5] - ys[0] + 2, PIX_CLR, NULL, 0, 0);
    for (i = 0; i < 5; i++)
        for (k = 1; k < 4; k++) synth_text(page, xs[k] + 8, ys[i] + 4, (xs[k + 1] - xs[k]) / 2, 40, 14, &seed);
    fd_snprintf(what, sizeof what, "short table (merged %d)", merged);
    check_both_ways(page, what);
    pixDestroy(&page);
}

/* A continuation page that holds only the last rows of a form, fed upside
 * down: a short table (five rows) at the top of a blank page, rules about
 * five page-widths long in all. It had too few rules to be looked at
 * (eight page-widths), and a faded hard scan of one stayed upside down.
 * With the first column merged over three rows the rules decide; without
 * merged cells the blank paper below the table does. */
static void test_orientation_short_table(void)
{
    check_short_table(1);
    check_short_table(0);
}

/* A continuation page of narrow columns and tall rows (names wrapped into
 * four or five lines; eleven column rules 900 px long, five row rules):
 * vertical rules dominate by more than 2:1, as on a page lying on its
 * side, but the image is portrait, so the sheet is upright. It had been
 * turned a quarter (a fresh hard set lost a page of 78 cells so). */
static void test_orientation_tall_cells(void)
{
    PIX *page = pixCreate(827, 1169, 8);
    unsigned seed = 4;
    int i, k, line;
    pixSetAll(page);
    for (i = 0; i < 5; i++) pixRasterop(page, 60, 80 + 225 * i, 709, 2, PIX_CLR, NULL, 0, 0);
    for (k = 0; k < 11; k++) pixRasterop(page, 60 + 70 * k + (k == 10 ? 7 : 0), 80, 2, 902, PIX_CLR, NULL, 0, 0);
    for (i = 0; i < 4; i++)
        for (k = 0; k < 10; k++)
            for (line = 0; line < 4; line++)
                synth_text(page, 60 + 70 * k + 8, 80 + 225 * i + 20 + 45 * line, 50, 30, 14, &seed);
    check_rotation(page, 0, "tall cells upright");
    pixDestroy(&page);
}

/* A continuation page (no title, equal margins) whose table fills it, fed
 * upside down, its inner row rules faded (gray 200, lighter than the
 * binarisation's threshold): the rules the normal binarisation shows all
 * reach both sides of the table and say nothing of up or down, and the
 * page had stayed upside down (fresh seed 7575 doc008 p4, 105 cells lost).
 * An undecided page is looked at again on the lenient binarisation, where
 * the inner row rules, from an inner column to the right border, show.
 * Upright it stays upright. */
static void test_orientation_faded_inner_rules(void)
{
    PIX *page = pixCreate(827, 1169, 8);
    int i, k;
    static const int cols[5] = {60, 200, 400, 550, 769};
    pixSetAll(page);
    for (i = 0; i <= 5; i++) pixRasterop(page, 60, 80 + 202 * i, 711, 2, PIX_CLR, NULL, 0, 0);
    for (k = 0; k < 5; k++) pixRasterop(page, cols[k], 80, 2, 1012, PIX_CLR, NULL, 0, 0);
    for (i = 0; i < 5; i++)
        for (k = 1; k <= 3; k++) gray_rule(page, 200, 80 + 202 * i + 50 * k, 571, 2, 200);
    check_both_ways(page, "faded inner rules");
    pixDestroy(&page);
}

/* A faded continuation page holding only the total row (two full-width
 * rules, eight column rules, gray 200, text in two cells) at its top, fed
 * upside down: the lenient binarisation shows about one page-width of
 * rules, too few for the rule count orientation needs, and fresh hard sets
 * had such pages (one to six rows) left upside down, every cell lost. The
 * blank paper on the other side decides. Upright it stays upright. */
static void test_orientation_faded_total_row(void)
{
    PIX *page = pixCreate(827, 1169, 8);
    unsigned seed = 5;
    int k;
    static const int cols[8] = {60, 160, 300, 420, 520, 600, 680, 767};
    pixSetAll(page);
    gray_rule(page, 60, 90, 709, 2, 200);
    gray_rule(page, 60, 140, 709, 2, 200);
    for (k = 0; k < 8; k++) gray_rule(page, cols[k], 90, 2, 52, 200);
    synth_text(page, 70, 104, 60, 24, 14, &seed);
    synth_text(page, 610, 104, 50, 24, 14, &seed);
    check_both_ways(page, "total row");
    pixDestroy(&page);
}

/* A faded page whose table fills the middle of the sheet, upright: the
 * rules of its upper two rows at gray 200, those of the others at gray 235
 * (lost even on the lenient binarisation), text in every row. The few
 * rules found look like a short table with ink below it, which alone says
 * upside down; but no blank paper backs that, so the page stays upright
 * (a fresh hard set had a full page of 140 cells turned over so). */
static void test_orientation_faded_partial_table(void)
{
    PIX *page = pixCreate(827, 1169, 8);
    unsigned seed = 6;
    int i, k;
    static const int cols[5] = {60, 200, 400, 550, 767};
    pixSetAll(page);
    for (i = 0; i <= 12; i++) gray_rule(page, 60, 300 + 55 * i, 709, 2, i <= 2 ? 200 : 235);
    for (k = 0; k < 5; k++) {
        gray_rule(page, cols[k], 300, 2, 112, 200);
        gray_rule(page, cols[k], 412, 2, 550, 235);
    }
    for (i = 0; i < 12; i++)
        for (k = 0; k < 4; k++) synth_text(page, cols[k] + 10, 300 + 55 * i + 14, 100, 28, 14, &seed);
    check_rotation(page, 0, "partly faded table upright");
    pixDestroy(&page);
}

/* A continuation page (no title) whose table fills it, its upper rows
 * ruled in black and its last four rows in gray 200 (lost at the normal
 * binarisation's threshold), the first column merged over those four rows
 * and text in them. At the normal threshold the table seems to end above
 * them and their text looks like a title below (or, turned, above) it,
 * which alone says the page is the other way up; a fresh hard set had a
 * page of 110 cells turned over so. The lenient look sees the whole table
 * and its merged cell: upright stays upright, upside down is turned. */
static void test_orientation_faded_lower_rows(void)
{
    PIX *page = pixCreate(827, 1169, 8);
    unsigned seed = 7;
    int i, k;
    static const int cols[5] = {60, 200, 400, 550, 767};
    pixSetAll(page);
    for (i = 0; i < 16; i++) pixRasterop(page, 60, 80 + 55 * i, 709, 2, PIX_CLR, NULL, 0, 0);
    for (k = 0; k < 5; k++) pixRasterop(page, cols[k], 80, 2, 827, PIX_CLR, NULL, 0, 0);
    for (i = 1; i <= 4; i++) gray_rule(page, i < 4 ? cols[1] : 60, 905 + 55 * i, i < 4 ? 569 : 709, 2, 200);
    for (k = 0; k < 5; k++) gray_rule(page, cols[k], 907, 2, 220, 200);
    for (i = 0; i < 4; i++)
        for (k = 1; k < 4; k++) synth_text(page, cols[k] + 10, 905 + 55 * i + 14, 100, 28, 14, &seed);
    check_both_ways(page, "faded lower rows");
    pixDestroy(&page);
}

/* A faded continuation page holding a short table, skewed 3 degrees: the
 * sweep over the whole page does not trust its peak (its least score is
 * under Leptonica's share of the page's size), on the normal nor the
 * faint binarisation; on the table cut out alone it does. The page comes
 * out deskewed within 0.3 degree. */
static void test_skew_short_faded_table(void)
{
    PIX *page = pixCreate(1654, 2339, 8), *turned;
    fd_clean_options opt;
    fd_page_image img;
    fd_diag dg;
    unsigned seed = 5;
    int i, k;
    static const int xs[6] = {120, 320, 840, 1200, 1400, 1534};
    pixSetAll(page);
    for (i = 0; i < 7; i++) pixRasterop(page, xs[0], 160 + i * 100, xs[5] - xs[0] + 2, 2, PIX_CLR, NULL, 0, 0);
    for (k = 0; k < 6; k++) pixRasterop(page, xs[k], 160, 2, 602, PIX_CLR, NULL, 0, 0);
    for (i = 0; i < 6; i++)
        for (k = 0; k < 5; k++) synth_text(page, xs[k] + 16, 160 + i * 100 + 30, (xs[k + 1] - xs[k]) / 2, 40, 28, &seed);
    /* faded: ink at gray 205 on paper 245, a little noise */
    {
        l_int32 x, y, w = pixGetWidth(page), h = pixGetHeight(page);
        for (y = 0; y < h; y++) {
            l_uint32 *line = pixGetData(page) + y * pixGetWpl(page);
            for (x = 0; x < w; x++) {
                int v = GET_DATA_BYTE(line, x) < 128 ? 205 : 245;
                v += (int)(synth_rand(&seed) % 9) - 4;
                SET_DATA_BYTE(line, x, (l_uint8)v);
            }
        }
    }
    turned = pixRotate(page, (l_float32)(-3.0 * DEG2RAD), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    T_CHECK(turned != NULL);
    fd_clean_options_default(&opt);
    fd_diag_init(&dg);
    if (turned != NULL) {
        T_EQ_INT(fd_page_clean(turned, 1, 200, &opt, &img, &dg), FD_OK);
        T_CHECK_MSG(fabs(fabs(img.skew_deg) - 3.0) < 0.3, "short faded table: skew %.2f, want 3", img.skew_deg);
        fd_page_image_clear(&img);
    }
    pixDestroy(&turned);
    pixDestroy(&page);
}

/* Inputs of every depth clean to 8 + 1 bpp; bad arguments fail cleanly. */
static void test_depths(void)
{
    static const int depths[] = {1, 8, 16, 32};
    fd_clean_options opt;
    fd_page_image img;
    fd_diag dg;
    size_t i;
    fd_clean_options_default(&opt);
    fd_diag_init(&dg);
    for (i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        PIX *p = pixCreate(300, 200, depths[i]);
        if (depths[i] != 1) pixSetAll(p);
        T_EQ_INT(fd_page_clean(p, 2, 0, &opt, &img, &dg), FD_OK);
        T_EQ_INT(img.page, 2);
        T_EQ_INT(pixGetDepth(img.gray), 8);
        T_EQ_INT(pixGetDepth(img.binary), 1);
        fd_page_image_clear(&img);
        pixDestroy(&p);
    }
    {
        PIX *tiny = pixCreate(1, 1, 8);
        T_EQ_INT(fd_page_clean(tiny, 1, 0, &opt, &img, &dg), FD_ERR_INPUT);
        T_CHECK(img.gray == NULL && img.binary == NULL);
        pixDestroy(&tiny);
    }
    fd_diag_reset(&dg);
    T_EQ_INT(fd_page_clean(NULL, 1, 0, &opt, &img, &dg), FD_ERR_USAGE);
    T_CHECK(dg.message[0] != '\0');
    fd_page_image_clear(NULL);
    fd_page_image_clear(&img);
}

/* Gray text is not a gray seal: a column of names printed in gray ink,
 * cell under cell (cut from a generated scan-tier page, 200 DPI, tools/
 * gen_scans.py --seed 3737, doc004 page 3), joins into one seal-sized
 * mid-gray blob; seal suppression erased it down to specks. Its ink must
 * survive cleaning. */
/* Gray text is not a gray seal: lines of text printed in gray ink, row
 * under row in a block the size of a seal (a column of names on a
 * generated scan-tier page, tools/gen_scans.py --seed 3737, doc004 page
 * 3), join into one seal-sized mid-gray blob, and seal suppression erased
 * them down to specks. Here seven lines of mid-gray text, 1.5 inch wide,
 * beside black text: their ink must survive cleaning. */
static void test_gray_text_rows(void)
{
    PIX *page = text_page(9), *gray = pixConvertRGBToLuminance(page), *ink = NULL, *rgb = NULL;
    fd_clean_options opt;
    fd_page_image img;
    fd_diag dg;
    l_int32 x, y, before = 0, after = 0;
    memset(&img, 0, sizeof img);
    T_CHECK(gray != NULL);
    if (gray == NULL) goto done;
    /* Strokes of 3 px and more, like printed text at this size (a seal's
     * strokes are told from specks by that width). */
    {
        PIX *bold = pixErodeGray(gray, 3, 3);
        if (bold) {
            pixDestroy(&gray);
            gray = bold;
        }
    }
    for (y = 400; y < 575; y++)
        for (x = 150; x < 300; x++) {
            l_uint32 v;
            pixGetPixel(gray, x, y, &v);
            if (v < 128) pixSetPixel(gray, x, y, 170);
        }
    ink = pixThresholdToBinary(gray, 180);
    before = ink ? ink_in(ink, 150, 400, 150, 175) : 0;
    rgb = pixConvertTo32(gray);
    fd_diag_init(&dg);
    fd_clean_options_default(&opt);
    opt.max_skew_deg = 0.0;
    T_EQ_INT(fd_page_clean(rgb, 1, 100, &opt, &img, &dg), FD_OK);
    after = img.binary ? ink_in(img.binary, 150, 400, 150, 175) : 0;
    T_CHECK_MSG(before > 1000, "gray text: ink %d", (int)before);
    T_CHECK_MSG(after * 10 >= before * 8, "gray text: ink after cleaning %d, before %d", (int)after,
                (int)before);
done:
    fd_page_image_clear(&img);
    pixDestroy(&ink);
    pixDestroy(&rgb);
    pixDestroy(&gray);
    pixDestroy(&page);
}

/* A page whose ink has faded to a light gray (text at 215 on paper 250,
 * like a 150-DPI hard scan of seed 5151): with the default map of the
 * normalised page the binarisation kept almost none of it, and no label
 * of the form could be read; the map's black point is raised for such a
 * page (faded_ink_floor) and most of the text becomes ink. A page of
 * black text keeps its map: its ink stays as it was. */
static void test_faded_text(void)
{
    PIX *page = pixCreate(827, 1169, 32), *gray = NULL, *faded = NULL;
    fd_clean_options opt;
    fd_page_image img, dark;
    fd_diag dg;
    l_int32 x, y, ink_dark = 0, ink_faded = 0;
    unsigned seed = 11;
    memset(&img, 0, sizeof img);
    memset(&dark, 0, sizeof dark);
    /* A page of text, as much ink as a filled-in form (about 4 %). */
    if (page != NULL) {
        pixSetAll(page);
        for (y = 150; y < 1050; y += 25) synth_text(page, 100, y, 650, 18, 14, &seed);
        gray = pixConvertRGBToLuminance(page);
    }
    T_CHECK(gray != NULL);
    if (gray == NULL) goto done;
    faded = pixCopy(NULL, gray);
    if (faded == NULL) goto done;
    for (y = 0; y < (l_int32)pixGetHeight(faded); y++)
        for (x = 0; x < (l_int32)pixGetWidth(faded); x++) {
            l_uint32 v;
            pixGetPixel(faded, x, y, &v);
            pixSetPixel(faded, x, y, v < 128 ? 205 : 250);
        }
    fd_diag_init(&dg);
    fd_clean_options_default(&opt);
    opt.max_skew_deg = 0.0;
    opt.fix_orientation = 0;
    T_EQ_INT(fd_page_clean(gray, 1, 100, &opt, &dark, &dg), FD_OK);
    T_EQ_INT(fd_page_clean(faded, 1, 100, &opt, &img, &dg), FD_OK);
    ink_dark = dark.binary ? ink_in(dark.binary, 100, 350, 650, 400) : 0;
    ink_faded = img.binary ? ink_in(img.binary, 100, 350, 650, 400) : 0;
    T_CHECK_MSG(ink_dark > 10000, "black text: ink %d", (int)ink_dark);
    T_CHECK_MSG(ink_faded * 2 >= ink_dark, "faded text: ink %d, black text %d", (int)ink_faded,
                (int)ink_dark);
    /* No more than the text either: the paper stays paper. */
    T_CHECK_MSG(ink_faded <= ink_dark * 3 / 2, "faded text: ink %d, black text %d", (int)ink_faded,
                (int)ink_dark);
done:
    fd_page_image_clear(&img);
    fd_page_image_clear(&dark);
    pixDestroy(&faded);
    pixDestroy(&gray);
    pixDestroy(&page);
}

int main(void)
{
    setMsgSeverity(L_SEVERITY_NONE);
    test_bad_files();
    test_tiff_pages();
    test_pdf();
    test_skew();
    test_seal();
    test_gray_seal();
    test_gray_seal_in_pieces();
    test_blurred_text_no_seal();
    test_gray_seal_digits();
    test_gray_seal_rule();
    test_gray_text_rows();
    test_faded_text();
    test_orientation();
    test_orientation_short_table();
    test_orientation_tall_cells();
    test_orientation_faded_inner_rules();
    test_orientation_faded_total_row();
    test_orientation_faded_partial_table();
    test_orientation_faded_lower_rows();
    test_skew_short_faded_table();
    test_depths();
    return fd_test_summary("test_ingest");
}
