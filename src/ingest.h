/*
 * Scan ingest: a file (PNG, JPEG, TIFF, BMP, WebP through Leptonica; an
 * image-only PDF through poppler-glib) → decoded pages → cleaned pages ready
 * for grid detection and OCR. Only this module and grid.c use Leptonica's
 * image operations; only ingest.c includes poppler.
 *
 * Coordinates: pixels of the cleaned page, origin top-left, x right, y down.
 */
#ifndef FD_INGEST_H
#define FD_INGEST_H

#include "common.h"

typedef struct Pix PIX; /* Leptonica's image; same typedef as <leptonica/pix.h> */

/* Guards against decompression bombs and absurd inputs. */
typedef struct fd_ingest_limits {
    long long max_pixels;   /* width × height of one decoded page; 150e6 by default */
    int max_side;           /* longest side in pixels; 30000 by default */
    long long max_file_bytes;
    int pdf_default_dpi;    /* render resolution when a PDF page has no image; 300 */
} fd_ingest_limits;

void fd_ingest_limits_default(fd_ingest_limits *lim);

/* An opened input file. Pages are decoded one at a time on request so that
 * a 300-page PDF is never in memory at once. */
typedef struct fd_source fd_source;

/* Opens path and counts its pages. FD_ERR_IO for a missing or unreadable
 * file, FD_ERR_INPUT for a format not recognised or corrupt beyond reading
 * any page, FD_ERR_LIMIT for a file over the guards. */
fd_status fd_source_open(const char *path, const fd_ingest_limits *lim,
                         fd_source **out, fd_diag *dg);
void fd_source_close(fd_source **pp);
int fd_source_page_count(const fd_source *src);
/* "pdf", "png", "jpeg", "tiff", … */
const char *fd_source_format(const fd_source *src);

/* Decodes page (1-based) into a new 32 bpp RGB or 8 bpp image (caller
 * destroys with pixDestroy) and reports its resolution (pixels per inch,
 * 0 when unknown). A corrupt page returns FD_ERR_INPUT with a message; the
 * other pages remain readable. */
fd_status fd_source_load_page(fd_source *src, int page, PIX **out, int *dpi, fd_diag *dg);

/* A cleaned page: the stage's output, read-only for later stages. */
typedef struct fd_page_image {
    int page;            /* 1-based page number in the source file */
    int dpi;             /* resolution the page was decoded at (0 unknown) */
    int rotation_deg;    /* 0, 90, 180 or 270: clockwise rotation applied */
    double skew_deg;     /* skew found and removed, degrees, positive = counter-clockwise text */
    PIX *gray;           /* 8 bpp: seals and colour marks suppressed, background flattened, deskewed */
    PIX *binary;         /* 1 bpp: the same page binarised (1 = ink) */
    PIX *faint;          /* 8 bpp or NULL: the same page with only the paper clipped to
                            white, so that rules a few gray levels darker than the paper
                            (faded, 1-px, blurred) survive; for the grid's line search */
    PIX *digits;         /* 8 bpp or NULL (no gray seal found): gray with only the pixels
                            near a gray seal's own strokes lifted, so that digits between
                            them stay whole; what number cells are read from (ocr.c) */
} fd_page_image;

typedef struct fd_clean_options {
    int fix_orientation;     /* detect and undo 90/180/270 rotations */
    double max_skew_deg;     /* search range for deskew; 10 */
    int suppress_color;      /* remove red seals and other colour marks */
} fd_clean_options;

void fd_clean_options_default(fd_clean_options *opt);

/* Cleans raw (not modified) into out. out->page and out->dpi are copied from
 * the arguments. */
fd_status fd_page_clean(const PIX *raw, int page, int dpi, const fd_clean_options *opt,
                        fd_page_image *out, fd_diag *dg);
void fd_page_image_clear(fd_page_image *img);

#endif /* FD_INGEST_H */
