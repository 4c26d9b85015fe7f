/*
 * OCR: the only module that includes Tesseract. Reads the inside of one
 * cell (or any box) of a cleaned page in a mode chosen by the caller: free
 * text (chi_sim) or a number with a constrained character set.
 *
 * Coordinates: pixels of the cleaned page, origin top-left.
 */
#ifndef FD_OCR_H
#define FD_OCR_H

#include "ingest.h"

typedef enum fd_ocr_mode {
    FD_OCR_LINE = 0,     /* one line of text; a cell that looks empty is looked at again
                            in its gray (a faded page), as are NUMBER and MEASURE cells */
    FD_OCR_BLOCK,        /* a wrapped block of text */
    FD_OCR_NUMBER,       /* digits , . % and signs only */
    FD_OCR_MEASURE,      /* number with operator and unit: = > < ≥ ≤ digits and unit characters */
    FD_OCR_RAW_LINE,     /* one line of text, taken as it is (no line finding): a fallback */
    FD_OCR_NUMBER_WORD,  /* a number read as one word: the module's own last try for a number
                            cell that read as nothing (callers use FD_OCR_NUMBER) */
    FD_OCR_LINE_ONCE,    /* FD_OCR_LINE at one scale only, an empty-looking cell taken as
                            empty: a first look that another mode checks (a measure cell's
                            words, a number cell's dash), a label, a 偏差原因 */
    FD_OCR_LINE_KEY      /* FD_OCR_LINE read again at more scales still: a header value */
} fd_ocr_mode;

/* OCR configuration, from models/ocr.json (loaded by the JSON module). */
#define FD_OCR_MAX_REREADS 8

typedef struct fd_ocr_config {
    char language[32];          /* text cells: "chi_sim" */
    char number_language[32];   /* number cells: "eng" (reads % and digits better); "" = language */
    char measure_language[32];  /* 年度指标值/实际完成值 cells: "chi_sim+eng"; "" = language */
    char tessdata_dir[512];     /* "" = the engine's default */
    char number_charset[128];   /* whitelist for FD_OCR_NUMBER */
    char measure_charset[512];  /* whitelist for FD_OCR_MEASURE (UTF-8) */
    int min_cell_ink;           /* ink pixels below which a cell is empty */
    int pad;                    /* pixels cut off each side inside the ruling lines */
    int line_height;            /* px a text line's ink is scaled to for the engine; 0 = as scanned */
    int number_line_height;     /* the same for number and measure cells (digits are shorter than CJK) */
    /* A line of FD_OCR_LINE (FD_OCR_BLOCK) read under reread_below_conf
     * (0–100) is read again scaled to each of reread_line_heights px in
     * turn (FD_OCR_LINE_KEY: then also to each of reread_key_line_heights),
     * until a reading reaches reread_until_conf; the most confident
     * reading wins. At 24 px the engine misreads rare glyphs of place
     * names (窑 as 窗, 滨 as 演) that it reads right at another scale, and
     * says so with a low confidence. Empty lists: one reading. */
    int reread_line_heights[FD_OCR_MAX_REREADS];
    size_t n_reread_line_heights;
    int reread_key_line_heights[FD_OCR_MAX_REREADS];
    size_t n_reread_key_line_heights;
    int reread_below_conf;
    int reread_until_conf;
    int max_alternatives;       /* alternative readings kept per value */
    int alternative_min_conf;   /* a symbol's other choice counts from this confidence (0–100) */
    char user_words[512];       /* path of a word list (vocabulary), "" none */
} fd_ocr_config;

void fd_ocr_config_default(fd_ocr_config *cfg);

/* One reading of a box: the text (UTF-8, whitespace between CJK removed by
 * the caller, not here), mean confidence 0–100, and whole-text alternatives
 * built from the engine's per-symbol choices (best first, text excluded). */
typedef struct fd_ocr_text {
    char *text;          /* "" when the box is empty */
    double conf;
    int box[4];          /* the ink's bounding box in page pixels */
    char **alternatives;
    size_t n_alternatives;
    int empty;           /* 1: no ink found, the engine was not run */
    int unsure_lines;    /* text: lines that FD_OCR_LINE reads again (under reread_below_conf);
                            0: a reading with more care would be this one */
} fd_ocr_text;

void fd_ocr_text_clear(fd_ocr_text *t);

/* Appends a copy of alt to t's alternatives. FD_ERR_NOMEM on failure (t
 * keeps what it had). */
fd_status fd_ocr_text_add_alternative(fd_ocr_text *t, const char *alt);

/* Drops t's alternatives: for when its text was changed after reading and
 * they no longer describe it. */
void fd_ocr_text_clear_alternatives(fd_ocr_text *t);

typedef struct fd_ocr_engine fd_ocr_engine;

/* One engine per thread; creation loads the language model once. */
fd_status fd_ocr_create(const fd_ocr_config *cfg, fd_ocr_engine **out, fd_diag *dg);
void fd_ocr_destroy(fd_ocr_engine **pp);

/* Reads box of page (not modified) in mode into out (cleared before). */
fd_status fd_ocr_read(fd_ocr_engine *eng, const fd_page_image *page, const int box[4],
                      fd_ocr_mode mode, fd_ocr_text *out, fd_diag *dg);

#endif /* FD_OCR_H */
