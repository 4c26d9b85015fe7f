/*
 * OCR of single cells with Tesseract's C API. The only file that includes
 * Tesseract. Strings from Tesseract are released with TessDeleteText.
 *
 * Why per cell: a cell cut out inside its ruling lines is one line or one
 * block of text with nothing around it, so the engine never has to find the
 * layout of the page (what a whole-page run gets wrong on tables), and the
 * number cells can be read with a constrained alphabet.
 */
#include "ocr.h"

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Leptonica's read-only functions take non-const pointers; the images we
 * pass are never modified. */
static PIX *pix_ro(const PIX *p) { return (PIX *)(uintptr_t)p; }

/* One Tesseract instance per language; each remembers the mode it was
 * last set to so that variables are set only on a change. */
typedef struct tess_slot {
    TessBaseAPI *api;
    fd_ocr_mode last_mode;
    int mode_set;
} tess_slot;

struct fd_ocr_engine {
    tess_slot text;     /* cfg.language */
    tess_slot number;   /* cfg.number_language; api NULL when it is the same */
    fd_ocr_config cfg;
};

void fd_ocr_config_default(fd_ocr_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    fd_snprintf(cfg->language, sizeof cfg->language, "%s", "chi_sim");
    fd_snprintf(cfg->number_language, sizeof cfg->number_language, "%s", "eng");
    fd_snprintf(cfg->number_charset, sizeof cfg->number_charset, "%s", "0123456789.,%-");
    fd_snprintf(cfg->measure_charset, sizeof cfg->measure_charset, "%s",
                "0123456789.,%=<>≥≤人个次项家元万月年天小时日件名户所场期份套台辆篇条册处面");
    cfg->min_cell_ink = 40;
    cfg->pad = 4;
    cfg->upscale_below_height = 0;
    cfg->max_alternatives = 4;
}

void fd_ocr_text_clear(fd_ocr_text *t)
{
    size_t i;
    if (t == NULL) return;
    fd_free(t->text);
    for (i = 0; i < t->n_alternatives; i++) fd_free(t->alternatives[i]);
    fd_free(t->alternatives);
    memset(t, 0, sizeof *t);
}

static fd_status slot_start(tess_slot *slot, const fd_ocr_config *cfg, const char *language,
                            fd_diag *dg)
{
    slot->api = TessBaseAPICreate();
    if (slot->api == NULL) return fd_diag_fail(dg, FD_ERR_OCR, "could not create the Tesseract engine");
    /* The library is silent: Tesseract's own diagnostics go nowhere. */
    TessBaseAPISetVariable(slot->api, "debug_file", "/dev/null");
    if (TessBaseAPIInit3(slot->api, cfg->tessdata_dir[0] ? cfg->tessdata_dir : NULL, language) != 0)
        return fd_diag_fail(dg, FD_ERR_OCR,
                            "could not load the Tesseract language '%s' (is its tesseract-ocr "
                            "language package installed%s%s?)",
                            language, cfg->tessdata_dir[0] ? ", tessdata " : "", cfg->tessdata_dir);
    /* Alternatives per symbol for ocr_suspect: LSTM choices after decoding. */
    TessBaseAPISetVariable(slot->api, "lstm_choice_mode", "2");
    if (cfg->user_words[0]) TessBaseAPISetVariable(slot->api, "user_words_file", cfg->user_words);
    return FD_OK;
}

static void slot_end(tess_slot *slot)
{
    if (slot->api) {
        TessBaseAPIEnd(slot->api);
        TessBaseAPIDelete(slot->api);
        slot->api = NULL;
    }
}

fd_status fd_ocr_create(const fd_ocr_config *cfg, fd_ocr_engine **out, fd_diag *dg)
{
    fd_ocr_engine *eng = NULL;
    fd_status st = FD_OK;
    *out = NULL;
    eng = fd_calloc(1, sizeof *eng);
    if (eng == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory starting the OCR engine");
    eng->cfg = *cfg;
    st = slot_start(&eng->text, cfg, cfg->language, dg);
    if (st == FD_OK && cfg->number_language[0] && strcmp(cfg->number_language, cfg->language) != 0)
        st = slot_start(&eng->number, cfg, cfg->number_language, dg);
    if (st != FD_OK) goto cleanup;
    *out = eng;
    eng = NULL;
cleanup:
    fd_ocr_destroy(&eng);
    return st;
}

void fd_ocr_destroy(fd_ocr_engine **pp)
{
    if (pp == NULL || *pp == NULL) return;
    slot_end(&(*pp)->text);
    slot_end(&(*pp)->number);
    fd_free(*pp);
    *pp = NULL;
}

/* Moves each edge of the 1 bpp crop inwards past rows/columns that are
 * mostly ink: remnants of the ruling lines when the cell box (line centre to
 * line centre, minus a pad) still overlaps a thick or slightly skewed line.
 * At most limit pixels per edge. */
static void trim_line_remnants(const PIX *bin, int *x0, int *y0, int *x1, int *y1, int limit)
{
    PIX *b = pix_ro(bin);
    int w = *x1 - *x0, h = *y1 - *y0;
    int k;
    l_uint32 *data = pixGetData(b);
    l_int32 wpl = pixGetWpl(b);
#define INK(x, y) (GET_DATA_BIT(data + (l_int64)(y) * wpl, (x)) != 0)
    for (k = 0; k < limit && h > 2; k++) { /* top */
        int x, n = 0;
        for (x = *x0; x < *x1; x++) n += INK(x, *y0);
        if (n * 10 < w * 4) break;
        (*y0)++, h--;
    }
    for (k = 0; k < limit && h > 2; k++) { /* bottom */
        int x, n = 0;
        for (x = *x0; x < *x1; x++) n += INK(x, *y1 - 1);
        if (n * 10 < w * 4) break;
        (*y1)--, h--;
    }
    for (k = 0; k < limit && w > 2; k++) { /* left */
        int y, n = 0;
        for (y = *y0; y < *y1; y++) n += INK(*x0, y);
        if (n * 10 < h * 4) break;
        (*x0)++, w--;
    }
    for (k = 0; k < limit && w > 2; k++) { /* right */
        int y, n = 0;
        for (y = *y0; y < *y1; y++) n += INK(*x1 - 1, y);
        if (n * 10 < h * 4) break;
        (*x1)--, w--;
    }
#undef INK
}

/* Sets page segmentation and whitelist on a slot when they change.
 * FD_OCR_MEASURE on the number slot reads the operator and number only:
 * the text slot reads the units. */
static void set_mode(const fd_ocr_engine *eng, tess_slot *slot, fd_ocr_mode mode)
{
    char whitelist[640];
    TessPageSegMode psm = PSM_SINGLE_LINE;
    if (slot->mode_set && slot->last_mode == mode) return;
    whitelist[0] = '\0';
    switch (mode) {
    case FD_OCR_LINE: psm = PSM_SINGLE_LINE; break;
    case FD_OCR_BLOCK: psm = PSM_SINGLE_BLOCK; break;
    case FD_OCR_NUMBER:
        fd_snprintf(whitelist, sizeof whitelist, "%s", eng->cfg.number_charset);
        break;
    case FD_OCR_MEASURE:
        if (slot == &eng->number)
            fd_snprintf(whitelist, sizeof whitelist, "%s=<>", eng->cfg.number_charset);
        else
            fd_snprintf(whitelist, sizeof whitelist, "%s", eng->cfg.measure_charset);
        break;
    }
    TessBaseAPISetPageSegMode(slot->api, psm);
    TessBaseAPISetVariable(slot->api, "tessedit_char_whitelist", whitelist);
    slot->last_mode = mode;
    slot->mode_set = 1;
}

typedef struct symbol_choice {
    size_t offset;        /* byte offset of the symbol in the joined text */
    size_t len;           /* its length in bytes */
    char alt[16];         /* best other reading of the symbol */
    float alt_conf;
} symbol_choice;

/* Collects the recognised symbols (whitespace dropped: number cells have
 * no meaningful spaces) with the best other choice of each, and builds the
 * single-substitution alternatives of the whole text, most likely first. */
static fd_status read_symbols(const fd_ocr_engine *eng, TessBaseAPI *api, fd_ocr_text *out,
                              int want_alternatives)
{
    TessResultIterator *it = TessBaseAPIGetIterator(api);
    fd_buf text;
    symbol_choice *choices = NULL;
    size_t n_choices = 0, cap_choices = 0, i;
    float min_conf = 100.0f;
    int any = 0;
    fd_status st = FD_OK;
    fd_buf_init(&text);
    if (it == NULL) goto done;
    do {
        char *sym = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
        float conf = TessResultIteratorConfidence(it, RIL_SYMBOL);
        if (sym == NULL) continue;
        if (sym[0] != '\0' && sym[0] != ' ') {
            size_t off = text.len;
            any = 1;
            if (conf < min_conf) min_conf = conf;
            fd_buf_puts(&text, sym);
            if (want_alternatives) {
                TessChoiceIterator *ci = TessResultIteratorGetChoiceIterator(it);
                if (ci) {
                    do {
                        const char *c = TessChoiceIteratorGetUTF8Text(ci);
                        float cc = TessChoiceIteratorConfidence(ci);
                        void *items = choices;
                        if (c == NULL || strcmp(c, sym) == 0 || strlen(c) >= sizeof choices->alt)
                            continue;
                        if (fd_array_reserve(&items, &cap_choices, n_choices + 1, sizeof *choices) != 0) {
                            st = FD_ERR_NOMEM;
                            break;
                        }
                        choices = items;
                        choices[n_choices].offset = off;
                        choices[n_choices].len = strlen(sym);
                        fd_snprintf(choices[n_choices].alt, sizeof choices[n_choices].alt, "%s", c);
                        choices[n_choices].alt_conf = cc;
                        n_choices++;
                    } while (TessChoiceIteratorNext(ci));
                    TessChoiceIteratorDelete(ci);
                }
            }
        }
        TessDeleteText(sym);
    } while (st == FD_OK && TessResultIteratorNext(it, RIL_SYMBOL));
done:
    if (it) TessResultIteratorDelete(it);
    if (st != FD_OK) goto cleanup;
    out->text = fd_buf_take(&text);
    if (out->text == NULL) {
        st = FD_ERR_NOMEM;
        goto cleanup;
    }
    out->conf = any ? (double)min_conf : 0.0;
    /* Highest-confidence substitutions first (insertion sort: few items). */
    for (i = 1; i < n_choices; i++) {
        symbol_choice c = choices[i];
        size_t j = i;
        while (j > 0 && choices[j - 1].alt_conf < c.alt_conf) {
            choices[j] = choices[j - 1];
            j--;
        }
        choices[j] = c;
    }
    if (n_choices > 0 && eng->cfg.max_alternatives > 0) {
        size_t keep = n_choices < (size_t)eng->cfg.max_alternatives ? n_choices
                                                                     : (size_t)eng->cfg.max_alternatives;
        size_t base_len = strlen(out->text);
        out->alternatives = fd_calloc(keep, sizeof *out->alternatives);
        if (out->alternatives == NULL) {
            st = FD_ERR_NOMEM;
            goto cleanup;
        }
        for (i = 0; i < keep; i++) {
            fd_buf alt;
            fd_buf_init(&alt);
            fd_buf_append(&alt, out->text, choices[i].offset);
            fd_buf_puts(&alt, choices[i].alt);
            fd_buf_append(&alt, out->text + choices[i].offset + choices[i].len,
                          base_len - choices[i].offset - choices[i].len);
            out->alternatives[i] = fd_buf_take(&alt);
            if (out->alternatives[i] == NULL) {
                st = FD_ERR_NOMEM;
                goto cleanup;
            }
            out->n_alternatives = i + 1;
        }
    }
cleanup:
    fd_buf_clear(&text);
    fd_free(choices);
    return st;
}

static int has_non_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80) return 1;
    return 0;
}

/* Runs one slot on a prepared cell image; out->box is left to the caller. */
static fd_status recognize(const fd_ocr_engine *eng, tess_slot *slot, PIX *img, int dpi,
                           fd_ocr_mode mode, int page, const int box[4], fd_ocr_text *out,
                           fd_diag *dg)
{
    fd_status st = FD_OK;
    char *txt = NULL;
    int keep_box[4];
    memcpy(keep_box, out->box, sizeof keep_box);
    set_mode(eng, slot, mode);
    TessBaseAPISetImage2(slot->api, img);
    TessBaseAPISetSourceResolution(slot->api, dpi < 240 ? 300 : dpi);
    if (TessBaseAPIRecognize(slot->api, NULL) != 0) {
        st = fd_diag_fail(dg, FD_ERR_OCR, "Tesseract failed on a cell at page %d (%d,%d)", page,
                          box[0], box[1]);
        goto cleanup;
    }
    fd_free(out->text);
    out->text = NULL;
    if (mode == FD_OCR_NUMBER || mode == FD_OCR_MEASURE) {
        st = read_symbols(eng, slot->api, out, 1);
        if (st != FD_OK) fd_diag_fail(dg, st, "out of memory reading OCR results");
    } else {
        txt = TessBaseAPIGetUTF8Text(slot->api);
        out->text = fd_strdup(txt ? txt : "");
        if (out->text == NULL) st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory reading OCR results");
        out->conf = (double)TessBaseAPIMeanTextConf(slot->api);
    }
    memcpy(out->box, keep_box, sizeof keep_box);
cleanup:
    if (txt) TessDeleteText(txt);
    TessBaseAPIClear(slot->api);
    return st;
}

fd_status fd_ocr_read(fd_ocr_engine *eng, const fd_page_image *page, const int box[4],
                      fd_ocr_mode mode, fd_ocr_text *out, fd_diag *dg)
{
    PIX *bin = page->binary, *gray = page->gray;
    PIX *crop = NULL, *scaled = NULL, *framed = NULL;
    BOX *clip = NULL;
    int pw = (int)pixGetWidth(gray), ph = (int)pixGetHeight(gray);
    int dpi = page->dpi > 0 ? page->dpi : 300;
    int pad = eng->cfg.pad * dpi / 300;
    int x0, y0, x1, y1, ink = 0, min_ink;
    fd_status st = FD_OK;

    memset(out, 0, sizeof *out);
    x0 = box[0] + pad;
    y0 = box[1] + pad;
    x1 = box[0] + box[2] - pad;
    y1 = box[1] + box[3] - pad;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > pw) x1 = pw;
    if (y1 > ph) y1 = ph;
    if (x1 - x0 < 4 || y1 - y0 < 4) goto empty;
    trim_line_remnants(bin, &x0, &y0, &x1, &y1, 3 + pad);

    /* Count ink and find its bounding box inside the trimmed cell. */
    {
        l_uint32 *data = pixGetData(bin);
        l_int32 wpl = pixGetWpl(bin);
        int x, y, bx0 = x1, by0 = y1, bx1 = x0, by1 = y0;
        for (y = y0; y < y1; y++) {
            l_uint32 *line = data + (l_int64)y * wpl;
            for (x = x0; x < x1; x++) {
                if (GET_DATA_BIT(line, x)) {
                    ink++;
                    if (x < bx0) bx0 = x;
                    if (x > bx1) bx1 = x;
                    if (y < by0) by0 = y;
                    if (y > by1) by1 = y;
                }
            }
        }
        /* The empty threshold is given at 300 DPI; ink area scales with dpi². */
        min_ink = (int)((double)eng->cfg.min_cell_ink * (double)dpi * (double)dpi / 90000.0);
        if (ink < min_ink || bx1 < bx0) goto empty;
        /* Keep a margin around the ink (about a third of a character) so the
         * engine sees the glyphs whole. */
        {
            int m = 6 * dpi / 300 + 1;
            x0 = bx0 - m > x0 ? bx0 - m : x0;
            y0 = by0 - m > y0 ? by0 - m : y0;
            x1 = bx1 + 1 + m < x1 ? bx1 + 1 + m : x1;
            y1 = by1 + 1 + m < y1 ? by1 + 1 + m : y1;
        }
        out->box[0] = bx0;
        out->box[1] = by0;
        out->box[2] = bx1 - bx0 + 1;
        out->box[3] = by1 - by0 + 1;
    }

    clip = boxCreate(x0, y0, x1 - x0, y1 - y0);
    crop = clip ? pixClipRectangle(gray, clip, NULL) : NULL;
    if (crop == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory cutting out a cell");
        goto cleanup;
    }
    /* Small text (150–200 DPI scans) reads better scaled up: the LSTM model
     * was trained on glyphs about 30–40 px high. */
    if (dpi < 240 || (eng->cfg.upscale_below_height > 0 &&
                      (y1 - y0) < eng->cfg.upscale_below_height)) {
        float f = dpi < 240 ? 300.0f / (float)dpi : 2.0f;
        scaled = pixScaleGrayLI(crop, f, f);
    } else {
        scaled = pixClone(crop);
    }
    framed = scaled ? pixAddBorder(scaled, 12, 255) : NULL;
    if (framed == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory preparing a cell for OCR");
        goto cleanup;
    }
    /* A text cell whose ink is taller than one line of the largest type
     * (12 pt = dpi/6 px) holds wrapped lines: read it as a block. */
    if (mode == FD_OCR_LINE && out->box[3] * 10 > 16 * dpi / 6) mode = FD_OCR_BLOCK;
    {
        tess_slot *slot = (mode == FD_OCR_NUMBER && eng->number.api) ? &eng->number : &eng->text;
        st = recognize(eng, slot, framed, dpi, mode, page->page, box, out, dg);
        /* A measure read without any unit character may have lost a % or an
         * operator that the number model reads better: read it again there. */
        if (st == FD_OK && mode == FD_OCR_MEASURE && eng->number.api && !has_non_ascii(out->text)) {
            fd_ocr_text again;
            memset(&again, 0, sizeof again);
            st = recognize(eng, &eng->number, framed, dpi, mode, page->page, box, &again, dg);
            if (st == FD_OK && again.text && again.text[0]) {
                memcpy(again.box, out->box, sizeof again.box);
                fd_ocr_text_clear(out);
                *out = again;
            } else {
                fd_ocr_text_clear(&again);
            }
        }
    }
    goto cleanup;

empty:
    out->empty = 1;
    out->text = fd_strdup("");
    out->conf = 100.0;
    memcpy(out->box, box, sizeof out->box);
    if (out->text == NULL) st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
cleanup:
    boxDestroy(&clip);
    pixDestroy(&crop);
    pixDestroy(&scaled);
    pixDestroy(&framed);
    if (st != FD_OK) fd_ocr_text_clear(out);
    return st;
}
