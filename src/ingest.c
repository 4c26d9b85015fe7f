/*
 * Scan ingest: file → decoded pages (fd_source) → cleaned pages
 * (fd_page_clean). See ingest.h for the contract.
 *
 * Decoding: raster formats go through Leptonica, PDF through poppler-glib.
 * The format is taken from the file's bytes, never from its name. Before a
 * raster file reaches a decoder, its container structure is checked here
 * (PNG chunk lengths and CRCs, JPEG marker chain and end-of-image marker,
 * RIFF/BMP declared sizes): a truncated or damaged file then fails with our
 * own message instead of reaching libpng/libjpeg, whose default handlers
 * would print to stderr (the library never prints).
 *
 * Cleaning, in this order (all on the page as decoded):
 *   1. gray conversion with colour suppression (red seals, coloured marks);
 *   2. background normalisation (uneven illumination, gray paper → white);
 *   3. skew measurement on a binarised copy and rotation about the page
 *      centre, keeping the page size (so coordinates match the source);
 *   4. orientation (0/90/180/270) from the table's ruling lines;
 *   5. binarisation of the final gray page.
 */
#define _POSIX_C_SOURCE 200809L

#include "ingest.h"

#include <leptonica/allheaders.h>
#include <poppler.h>
#include <cairo.h>
#include <jpeglib.h>
#include <jerror.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Smallest page side accepted, pixels: below this no form can be read and
 * the cleaning steps (tiles, structuring elements) lose their meaning. */
#define FD_MIN_SIDE 32

#define FD_PI 3.14159265358979323846

/* Resolutions outside this range, as stored in a file header, are treated
 * as unknown (many encoders write 1 or 72 by default). */
#define FD_DPI_MIN 50
#define FD_DPI_MAX 2400

/* PDF render resolution bounds, pixels per inch. */
#define FD_PDF_DPI_MIN 72
#define FD_PDF_DPI_MAX 600

typedef enum src_kind { SRC_RASTER, SRC_TIFF, SRC_PDF } src_kind;

struct fd_source {
    char *path;            /* owned copy, for messages */
    src_kind kind;
    int iff;               /* Leptonica IFF_* for raster kinds */
    const char *format;    /* static string */
    int n_pages;
    fd_ingest_limits lim;
    l_uint8 *data;         /* raster kinds: the whole file (owned, fd_malloc) */
    size_t size;
    PopplerDocument *pdf;  /* SRC_PDF: owned reference */
};

/* Leptonica's API takes non-const PIX * even where it only reads; the
 * pixels of a const PIX are never written through the result. */
static PIX *pix_unconst(const PIX *p)
{
    union {
        const PIX *c;
        PIX *m;
    } u;
    u.c = p;
    return u.m;
}

void fd_ingest_limits_default(fd_ingest_limits *lim)
{
    if (lim == NULL) return;
    lim->max_pixels = 150000000LL;
    lim->max_side = 30000;
    lim->max_file_bytes = 512LL * 1024 * 1024;
    lim->pdf_default_dpi = 300;
}

void fd_clean_options_default(fd_clean_options *opt)
{
    if (opt == NULL) return;
    opt->fix_orientation = 1;
    opt->max_skew_deg = 10.0;
    opt->suppress_color = 1;
}

/* ------------------------------------------------------------------ */
/* Container checks                                                   */
/* ------------------------------------------------------------------ */

/* strerror is not thread-safe; the XSI strerror_r is. */
static const char *errtext(int e, char *buf, size_t n)
{
    if (strerror_r(e, buf, n) != 0) fd_snprintf(buf, n, "error %d", e);
    return buf;
}

static uint32_t be32(const l_uint8 *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint32_t le32(const l_uint8 *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | (uint32_t)p[0];
}

/* CRC-32 as used by PNG (ISO 3309, reflected polynomial 0xEDB88320). */
static uint32_t png_crc(const l_uint8 *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static fd_status check_png(const fd_source *src, fd_diag *dg)
{
    static const l_uint8 sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    size_t pos = 8;
    int first = 1;
    if (src->size < 8 || memcmp(src->data, sig, 8) != 0)
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: not a PNG file (bad signature)", src->path);
    for (;;) {
        uint32_t len;
        char type[5];
        if (src->size - pos < 12)
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s: truncated PNG (file ends at byte %zu before the IEND chunk)",
                                src->path, src->size);
        len = be32(src->data + pos);
        memcpy(type, src->data + pos + 4, 4);
        type[4] = '\0';
        if (len > 0x7FFFFFFFu || (size_t)len > src->size - pos - 12)
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s: truncated PNG (chunk at byte %zu claims %lu bytes, file has %zu)",
                                src->path, pos, (unsigned long)len, src->size);
        if (first && strcmp(type, "IHDR") != 0)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: corrupt PNG (first chunk is not IHDR)",
                                src->path);
        if (png_crc(src->data + pos + 4, (size_t)len + 4) != be32(src->data + pos + 8 + len))
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s: corrupt PNG (CRC error in chunk at byte %zu)", src->path, pos);
        first = 0;
        pos += (size_t)len + 12;
        if (strcmp(type, "IEND") == 0) return FD_OK;
    }
}

/* Walks the JPEG marker segments up to the first scan and requires an
 * end-of-image marker near the end of the file. Entropy-coded data cannot
 * contain FF D9 (FF is always stuffed or followed by a restart marker), so
 * a missing EOI means the file was cut. */
static fd_status check_jpeg(const fd_source *src, fd_diag *dg)
{
    const l_uint8 *d = src->data;
    size_t n = src->size, pos = 2, i, lo;
    int found_eoi = 0;
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: not a JPEG file (no start-of-image marker)",
                            src->path);
    for (;;) {
        l_uint8 m;
        size_t seglen;
        /* Stray bytes before a marker are skipped, as libjpeg does (a
         * warning there, not an error); then fill bytes. */
        while (pos < n && d[pos] != 0xFF) pos++;
        while (pos < n && d[pos] == 0xFF) pos++; /* fill bytes */
        if (pos >= n)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: truncated JPEG (no image data)", src->path);
        m = d[pos++];
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) continue; /* no length */
        if (m == 0xD9)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: corrupt JPEG (end marker before any scan)",
                                src->path);
        if (n - pos < 2)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: truncated JPEG (inside a header segment)",
                                src->path);
        seglen = ((size_t)d[pos] << 8) | d[pos + 1];
        if (seglen < 2 || seglen > n - pos)
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s: truncated JPEG (segment at byte %zu runs past the end)",
                                src->path, pos - 2);
        pos += seglen;
        if (m == 0xDA) break; /* start of scan: entropy data follows */
    }
    lo = n > 65536 ? n - 65536 : pos;
    if (lo < pos) lo = pos;
    for (i = n - 1; i > lo; i--) {
        if (d[i - 1] == 0xFF && d[i] == 0xD9) {
            found_eoi = 1;
            break;
        }
    }
    if (!found_eoi)
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: truncated JPEG (no end-of-image marker)",
                            src->path);
    return FD_OK;
}

static fd_status check_riff_bmp(const fd_source *src, fd_diag *dg)
{
    if (src->iff == IFF_WEBP) {
        uint32_t riff;
        if (src->size < 12)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: truncated WebP header", src->path);
        riff = le32(src->data + 4);
        if ((size_t)riff > src->size - 8)
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s: truncated WebP (RIFF size %lu, file has %zu bytes)",
                                src->path, (unsigned long)riff, src->size);
    } else if (src->iff == IFF_BMP) {
        uint32_t declared, offbits;
        if (src->size < 54)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: truncated BMP header", src->path);
        declared = le32(src->data + 2);
        offbits = le32(src->data + 10);
        if ((size_t)declared > src->size || (size_t)offbits >= src->size)
            return fd_diag_fail(dg, FD_ERR_INPUT,
                                "%s: truncated BMP (header claims %lu bytes, file has %zu)",
                                src->path, (unsigned long)declared, src->size);
    }
    return FD_OK;
}

/* ------------------------------------------------------------------ */
/* Opening                                                            */
/* ------------------------------------------------------------------ */

static const char *iff_name(int iff)
{
    switch (iff) {
    case IFF_BMP: return "bmp";
    case IFF_JFIF_JPEG: return "jpeg";
    case IFF_PNG: return "png";
    case IFF_PNM: return "pnm";
    case IFF_GIF: return "gif";
    case IFF_WEBP: return "webp";
    case IFF_JP2: return "jp2";
    case IFF_SPIX: return "spix";
    case IFF_PS: return "postscript";
    default: break;
    }
    if (L_FORMAT_IS_TIFF(iff)) return "tiff";
    return "unknown";
}

/* Checks a page size against the guards; page is 1-based (0: the file). */
static fd_status check_size(const fd_source *src, int page, long long w, long long h, fd_diag *dg)
{
    if (w <= 0 || h <= 0)
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: invalid image size %lldx%lld",
                            src->path, page, w, h);
    if (w > src->lim.max_side || h > src->lim.max_side || w * h > src->lim.max_pixels)
        return fd_diag_fail(dg, FD_ERR_LIMIT,
                            "%s: page %d: image of %lldx%lld pixels exceeds the limit "
                            "(%d pixels per side, %lld pixels per page)",
                            src->path, page, w, h, src->lim.max_side, src->lim.max_pixels);
    if (w < FD_MIN_SIDE || h < FD_MIN_SIDE)
        return fd_diag_fail(dg, FD_ERR_INPUT,
                            "%s: page %d: image of %lldx%lld pixels is too small to hold a form "
                            "(minimum %dx%d)",
                            src->path, page, w, h, FD_MIN_SIDE, FD_MIN_SIDE);
    return FD_OK;
}

/* ------------------------------------------------------------------ */
/* JPEG through libjpeg directly                                      */
/* ------------------------------------------------------------------ */

/* Leptonica's JPEG reader leaves libjpeg's default emit_message in place,
 * which prints "Corrupt JPEG data: …" warnings to stderr for a damaged
 * (not truncated) file; the library never prints. This error manager is
 * silent: a fatal error longjmps back to decode_jpeg, a warning is kept
 * (the first one's text) and makes the page fail, because a warning while
 * decoding means rows of the page are garbage. */
typedef struct jpeg_quiet_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
} jpeg_quiet_err;

static void jpeg_quiet_exit(j_common_ptr cinfo)
{
    jpeg_quiet_err *e = (jpeg_quiet_err *)(void *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->msg);
    longjmp(e->jb, 1);
}

static void jpeg_quiet_emit(j_common_ptr cinfo, int level)
{
    jpeg_quiet_err *e = (jpeg_quiet_err *)(void *)cinfo->err;
    if (level >= 0) return; /* trace messages */
    /* Stray bytes between markers are common in scanners' files and harm
     * no pixel: not a reason to give up a page. */
    if (cinfo->err->msg_code == JWRN_EXTRANEOUS_DATA) return;
    if (cinfo->err->num_warnings++ == 0) (*cinfo->err->format_message)(cinfo, e->msg);
}

static void jpeg_quiet_output(j_common_ptr cinfo) { (void)cinfo; }

/* Reads the JPEG in src->data: its size into *w, *h, and, when out is not
 * NULL, the pixels (8 bpp gray or 32 bpp RGB) after checking the size
 * against the guards. page is for messages. */
static fd_status decode_jpeg(const fd_source *src, int page, l_int32 *w, l_int32 *h, PIX **out,
                             fd_diag *dg)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_quiet_err jerr;
    /* Assigned after setjmp and used after a longjmp: volatile. */
    PIX *volatile pix = NULL;
    JSAMPLE *volatile row = NULL;
    volatile fd_status st = FD_OK;
    l_uint32 cw, ch, ncomp, x, y;

    memset(&cinfo, 0, sizeof cinfo);
    memset(&jerr, 0, sizeof jerr);
    cinfo.err = jpeg_std_error(&jerr.mgr);
    jerr.mgr.error_exit = jpeg_quiet_exit;
    jerr.mgr.emit_message = jpeg_quiet_emit;
    jerr.mgr.output_message = jpeg_quiet_output;
    if (setjmp(jerr.jb) != 0) {
        if (st == FD_OK)
            st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: corrupt JPEG (%s)", src->path, page,
                              jerr.msg);
        goto cleanup;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, src->data, (unsigned long)src->size);
    (void)jpeg_read_header(&cinfo, TRUE);
    if (jerr.mgr.num_warnings > 0) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: corrupt JPEG header (%s)", src->path,
                          page, jerr.msg);
        goto cleanup;
    }
    *w = (l_int32)cinfo.image_width;
    *h = (l_int32)cinfo.image_height;
    if (out == NULL) goto cleanup;
    st = check_size(src, page, cinfo.image_width, cinfo.image_height, dg);
    if (st != FD_OK) goto cleanup;

    /* Gray stays gray, Adobe CMYK/YCCK is kept as CMYK and converted below,
     * everything else is asked for as RGB. */
    if (cinfo.jpeg_color_space == JCS_GRAYSCALE) cinfo.out_color_space = JCS_GRAYSCALE;
    else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK)
        cinfo.out_color_space = JCS_CMYK;
    else cinfo.out_color_space = JCS_RGB;
    (void)jpeg_start_decompress(&cinfo);
    cw = cinfo.output_width;
    ch = cinfo.output_height;
    ncomp = (l_uint32)cinfo.output_components;
    pix = pixCreate((l_int32)cw, (l_int32)ch, ncomp == 1 ? 8 : 32);
    row = fd_malloc((size_t)cw * ncomp);
    if (pix == NULL || row == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "%s: page %d: out of memory decoding JPEG", src->path,
                          page);
        goto cleanup;
    }
    if (cinfo.density_unit == 1) pixSetResolution(pix, cinfo.X_density, cinfo.Y_density);
    else if (cinfo.density_unit == 2) /* dots per cm */
        pixSetResolution(pix, (l_int32)(cinfo.X_density * 2.54 + 0.5),
                         (l_int32)(cinfo.Y_density * 2.54 + 0.5));
    for (y = 0; y < ch; y++) {
        JSAMPROW rp = row;
        l_uint32 *line = pixGetData(pix) + (size_t)y * (size_t)pixGetWpl(pix);
        if (jpeg_read_scanlines(&cinfo, &rp, 1) != 1) {
            st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: truncated JPEG data at row %u",
                              src->path, page, y);
            goto cleanup;
        }
        for (x = 0; x < cw; x++) {
            const JSAMPLE *p = row + (size_t)x * ncomp;
            if (ncomp == 1) {
                SET_DATA_BYTE(line, x, p[0]);
            } else if (ncomp == 3) {
                composeRGBPixel(p[0], p[1], p[2], line + x);
            } else {
                /* Adobe writes CMYK inverted: the stored values are 255 - ink. */
                l_int32 k = p[3];
                composeRGBPixel(p[0] * k / 255, p[1] * k / 255, p[2] * k / 255, line + x);
            }
        }
    }
    if (jerr.mgr.num_warnings > 0) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: corrupt JPEG data (%s)", src->path, page,
                          jerr.msg);
        goto cleanup;
    }
    (void)jpeg_finish_decompress(&cinfo);
    if (jerr.mgr.num_warnings > 0) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: corrupt JPEG data (%s)", src->path, page,
                          jerr.msg);
        goto cleanup;
    }
    *out = pix;
    pix = NULL;

cleanup:
    jpeg_destroy_decompress(&cinfo);
    fd_free(row);
    if (pix != NULL) {
        PIX *p = pix;
        pixDestroy(&p);
    }
    return st;
}

static fd_status read_whole_file(fd_source *src, FILE *fp, fd_diag *dg)
{
    size_t got;
    src->data = fd_malloc(src->size);
    if (src->data == NULL)
        return fd_diag_fail(dg, FD_ERR_NOMEM, "%s: out of memory reading %zu bytes", src->path,
                            src->size);
    got = fread(src->data, 1, src->size, fp);
    if (got != src->size)
        return fd_diag_fail(dg, FD_ERR_IO, "%s: read error after %zu of %zu bytes", src->path,
                            got, src->size);
    return FD_OK;
}

/* poppler shares colour-management state (lcms2 profiles) between its
 * documents: two workers rendering pages of two PDFs at once raced on it
 * (ThreadSanitizer: one thread freeing what the other had allocated in
 * cmsMLUfree). Every poppler call that opens, renders or frees a document
 * holds this lock; a worker's other stages run in parallel as before. */
static pthread_mutex_t poppler_lock = PTHREAD_MUTEX_INITIALIZER;

static fd_status open_pdf_locked(fd_source *src, fd_diag *dg);

static fd_status open_pdf(fd_source *src, fd_diag *dg)
{
    fd_status st;
    pthread_mutex_lock(&poppler_lock);
    st = open_pdf_locked(src, dg);
    pthread_mutex_unlock(&poppler_lock);
    return st;
}

static fd_status open_pdf_locked(fd_source *src, fd_diag *dg)
{
    GError *err = NULL;
    char eb[128];
    int fd;
    fd_status st = FD_OK;
    fd = open(src->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fd_diag_fail(dg, FD_ERR_IO, "%s: cannot open: %s", src->path, errtext(errno, eb, sizeof eb));
    /* poppler takes ownership of fd, on failure too. */
    src->pdf = poppler_document_new_from_fd(fd, NULL, &err);
    if (src->pdf == NULL) {
        if (err != NULL && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
            st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: PDF is encrypted and needs a password",
                              src->path);
        else
            st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: PDF cannot be read (%s)", src->path,
                              err != NULL ? err->message : "unknown error");
        goto cleanup;
    }
    src->n_pages = poppler_document_get_n_pages(src->pdf);
    if (src->n_pages <= 0) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: PDF has no pages (damaged or truncated?)",
                          src->path);
        goto cleanup;
    }
cleanup:
    if (err != NULL) g_error_free(err);
    return st;
}

static fd_status open_raster(fd_source *src, fd_diag *dg)
{
    fd_status st = FD_OK;
    l_int32 fmt = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;

    if (src->iff == IFF_PNG) st = check_png(src, dg);
    else if (src->iff == IFF_JFIF_JPEG) st = check_jpeg(src, dg);
    else if (src->iff == IFF_WEBP || src->iff == IFF_BMP) st = check_riff_bmp(src, dg);
    if (st != FD_OK) return st;

    if (L_FORMAT_IS_TIFF(src->iff)) {
        FILE *fp = fopenReadFromMemory(src->data, src->size);
        l_int32 n = 0;
        src->kind = SRC_TIFF;
        if (fp == NULL)
            return fd_diag_fail(dg, FD_ERR_NOMEM, "%s: cannot scan TIFF directories", src->path);
        if (tiffGetCount(fp, &n) != 0) n = 0;
        fclose(fp);
        if (n <= 0)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: TIFF has no readable page", src->path);
        src->n_pages = n;
        return FD_OK;
    }
    src->kind = SRC_RASTER;
    src->n_pages = 1;
    /* A single-page file is checked here: if its only page cannot be read,
     * nothing of the file can, and the caller learns it at open. */
    if (src->iff == IFF_JFIF_JPEG) {
        st = decode_jpeg(src, 1, &w, &h, NULL, dg);
        if (st != FD_OK) return st;
    } else if (pixReadHeaderMem(src->data, src->size, &fmt, &w, &h, &bps, &spp, &cmap) != 0)
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: %s header cannot be read (corrupt file?)",
                            src->path, src->format);
    return check_size(src, 1, w, h, dg);
}

fd_status fd_source_open(const char *path, const fd_ingest_limits *lim, fd_source **out,
                         fd_diag *dg)
{
    fd_source *src = NULL;
    FILE *fp = NULL;
    struct stat sb;
    l_uint8 head[1024];
    char eb[128];
    size_t nhead;
    l_int32 iff = IFF_UNKNOWN;
    fd_status st = FD_OK;

    if (out == NULL || path == NULL)
        return fd_diag_fail(dg, FD_ERR_USAGE, "fd_source_open: NULL argument");
    *out = NULL;
    src = fd_calloc(1, sizeof *src);
    if (src == NULL) return fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
    if (lim != NULL) src->lim = *lim;
    else fd_ingest_limits_default(&src->lim);
    src->path = fd_strdup(path);
    if (src->path == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "out of memory");
        goto cleanup;
    }

    fp = fopen(path, "rb");
    if (fp == NULL) {
        st = fd_diag_fail(dg, FD_ERR_IO, "%s: cannot open: %s", path, errtext(errno, eb, sizeof eb));
        goto cleanup;
    }
    if (fstat(fileno(fp), &sb) != 0) {
        st = fd_diag_fail(dg, FD_ERR_IO, "%s: cannot stat: %s", path, errtext(errno, eb, sizeof eb));
        goto cleanup;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = fd_diag_fail(dg, FD_ERR_IO, "%s: not a regular file", path);
        goto cleanup;
    }
    if (sb.st_size == 0) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: file is empty (0 bytes)", path);
        goto cleanup;
    }
    if ((long long)sb.st_size > src->lim.max_file_bytes) {
        st = fd_diag_fail(dg, FD_ERR_LIMIT, "%s: file of %lld bytes exceeds the limit of %lld bytes",
                          path, (long long)sb.st_size, src->lim.max_file_bytes);
        goto cleanup;
    }
    src->size = (size_t)sb.st_size;

    nhead = fread(head, 1, sizeof head, fp);
    if (nhead == 0) {
        st = fd_diag_fail(dg, FD_ERR_IO, "%s: read error", path);
        goto cleanup;
    }
    /* %PDF may be preceded by junk within the first 1024 bytes. */
    {
        size_t i;
        for (i = 0; i + 5 <= nhead; i++) {
            if (memcmp(head + i, "%PDF-", 5) == 0) {
                src->kind = SRC_PDF;
                break;
            }
        }
    }
    if (src->kind == SRC_PDF) {
        src->format = "pdf";
        fclose(fp);
        fp = NULL;
        st = open_pdf(src, dg);
        goto cleanup;
    }

    if (nhead < 12 || findFileFormatBuffer(head, &iff) != 0) iff = IFF_UNKNOWN;
    src->iff = iff;
    src->format = iff_name(iff);
    switch (iff) {
    case IFF_BMP: case IFF_JFIF_JPEG: case IFF_PNG: case IFF_PNM: case IFF_GIF: case IFF_WEBP:
        break;
    default:
        if (L_FORMAT_IS_TIFF(iff)) break;
        if (iff == IFF_UNKNOWN)
            st = fd_diag_fail(dg, FD_ERR_INPUT,
                              "%s: not a recognised image or PDF (unknown file signature)", path);
        else
            st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: unsupported image format (%s)", path,
                              src->format);
        goto cleanup;
    }
    if (fseek(fp, 0, SEEK_SET) != 0) {
        st = fd_diag_fail(dg, FD_ERR_IO, "%s: cannot seek: %s", path, errtext(errno, eb, sizeof eb));
        goto cleanup;
    }
    st = read_whole_file(src, fp, dg);
    if (st != FD_OK) goto cleanup;
    st = open_raster(src, dg);

cleanup:
    if (fp != NULL) fclose(fp);
    if (st != FD_OK) fd_source_close(&src);
    *out = src;
    return st;
}

void fd_source_close(fd_source **pp)
{
    fd_source *src;
    if (pp == NULL || *pp == NULL) return;
    src = *pp;
    if (src->pdf != NULL) {
        pthread_mutex_lock(&poppler_lock);
        g_object_unref(src->pdf);
        pthread_mutex_unlock(&poppler_lock);
    }
    fd_free(src->data);
    fd_free(src->path);
    fd_free(src);
    *pp = NULL;
}

int fd_source_page_count(const fd_source *src) { return src ? src->n_pages : 0; }

const char *fd_source_format(const fd_source *src) { return src ? src->format : NULL; }

/* ------------------------------------------------------------------ */
/* Page loading                                                       */
/* ------------------------------------------------------------------ */

static int sane_dpi(l_int32 res)
{
    return (res >= FD_DPI_MIN && res <= FD_DPI_MAX) ? (int)res : 0;
}

/* Resolution of the page's largest embedded image, pixels per inch, or 0
 * when the page has none. The image is decoded to learn its pixel size
 * (poppler-glib has no cheaper way). */
static int pdf_image_dpi(PopplerPage *pg)
{
    GList *maps, *l;
    double best_area = 0.0;
    int dpi = 0;
    maps = poppler_page_get_image_mapping(pg);
    for (l = maps; l != NULL; l = l->next) {
        const PopplerImageMapping *im = l->data;
        double aw = fabs(im->area.x2 - im->area.x1), ah = fabs(im->area.y2 - im->area.y1);
        cairo_surface_t *s;
        if (aw < 36.0 || ah < 36.0 || aw * ah <= best_area) continue; /* < 0.5 in: a logo */
        s = poppler_page_get_image(pg, im->image_id);
        if (s == NULL) continue;
        if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS &&
            cairo_surface_get_type(s) == CAIRO_SURFACE_TYPE_IMAGE) {
            int iw = cairo_image_surface_get_width(s), ih = cairo_image_surface_get_height(s);
            /* Image pixels over the placed size in inches (points / 72);
             * the larger axis is the better-conditioned estimate. */
            double d = aw >= ah ? iw / (aw / 72.0) : ih / (ah / 72.0);
            best_area = aw * ah;
            dpi = (int)lround(d);
        }
        cairo_surface_destroy(s);
    }
    poppler_page_free_image_mapping(maps);
    /* Snap to a common scanner resolution when within 2 %. */
    {
        static const int common[] = {72, 96, 100, 120, 150, 200, 240, 300, 400, 600};
        size_t i;
        for (i = 0; i < sizeof common / sizeof common[0]; i++)
            if (dpi > 0 && abs(dpi - common[i]) * 50 <= common[i]) return common[i];
    }
    return dpi;
}

static fd_status load_pdf_page_locked(fd_source *src, int page, PIX **out, int *dpi_out,
                                      fd_diag *dg);

static fd_status load_pdf_page(fd_source *src, int page, PIX **out, int *dpi_out, fd_diag *dg)
{
    fd_status st;
    pthread_mutex_lock(&poppler_lock);
    st = load_pdf_page_locked(src, page, out, dpi_out, dg);
    pthread_mutex_unlock(&poppler_lock);
    return st;
}

static fd_status load_pdf_page_locked(fd_source *src, int page, PIX **out, int *dpi_out,
                                      fd_diag *dg)
{
    PopplerPage *pg = NULL;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    PIX *pix = NULL;
    double pw = 0, ph = 0;
    int dpi, w, h, x, y, is_gray = 1;
    fd_status st = FD_OK;

    pg = poppler_document_get_page(src->pdf, page - 1);
    if (pg == NULL) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d cannot be read from the PDF", src->path,
                          page);
        goto cleanup;
    }
    poppler_page_get_size(pg, &pw, &ph); /* points, rotation applied */
    if (!(pw > 0.0 && ph > 0.0 && pw < 1e6 && ph < 1e6)) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d has an invalid size (%gx%g pt)",
                          src->path, page, pw, ph);
        goto cleanup;
    }
    dpi = pdf_image_dpi(pg);
    if (dpi == 0) dpi = src->lim.pdf_default_dpi > 0 ? src->lim.pdf_default_dpi : 300;
    if (dpi < FD_PDF_DPI_MIN) dpi = FD_PDF_DPI_MIN;
    if (dpi > FD_PDF_DPI_MAX) dpi = FD_PDF_DPI_MAX;
    {
        double dw = ceil(pw * dpi / 72.0 - 0.01), dh = ceil(ph * dpi / 72.0 - 0.01);
        if (dw > (double)INT_MAX / 8 || dh > (double)INT_MAX / 8) {
            st = fd_diag_fail(dg, FD_ERR_LIMIT, "%s: page %d: %gx%g pt page is too large",
                              src->path, page, pw, ph);
            goto cleanup;
        }
        w = (int)dw;
        h = (int)dh;
    }
    st = check_size(src, page, w, h, dg);
    if (st != FD_OK) goto cleanup;

    surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "%s: page %d: cannot allocate a %dx%d render surface",
                          src->path, page, w, h);
        goto cleanup;
    }
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72.0, dpi / 72.0);
    poppler_page_render(pg, cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d cannot be rendered (%s)", src->path,
                          page, cairo_status_to_string(cairo_status(cr)));
        goto cleanup;
    }
    cairo_surface_flush(surf);

    /* cairo RGB24 is 0x00RRGGBB per native uint32; Leptonica 32 bpp is
     * 0xRRGGBB00. Produce 8 bpp when the page holds no colour. */
    {
        const unsigned char *sdata = cairo_image_surface_get_data(surf);
        int stride = cairo_image_surface_get_stride(surf);
        l_uint32 *ddata, *line;
        l_int32 wpl;
        pix = pixCreate(w, h, 32);
        if (pix == NULL || sdata == NULL) {
            st = fd_diag_fail(dg, FD_ERR_NOMEM, "%s: page %d: out of memory", src->path, page);
            goto cleanup;
        }
        ddata = pixGetData(pix);
        wpl = pixGetWpl(pix);
        for (y = 0; y < h; y++) {
            const uint32_t *srow = (const uint32_t *)(const void *)(sdata + (size_t)y * (size_t)stride);
            line = ddata + (size_t)y * (size_t)wpl;
            for (x = 0; x < w; x++) {
                uint32_t v = srow[x];
                uint32_t r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF, b = v & 0xFF;
                if (r != g || g != b) is_gray = 0;
                line[x] = (r << 24) | (g << 16) | (b << 8);
            }
        }
        if (is_gray) {
            PIX *g8 = pixConvertRGBToGrayFast(pix);
            if (g8 == NULL) {
                st = fd_diag_fail(dg, FD_ERR_NOMEM, "%s: page %d: out of memory", src->path, page);
                goto cleanup;
            }
            pixDestroy(&pix);
            pix = g8;
        }
        pixSetResolution(pix, dpi, dpi);
    }
    *out = pix;
    pix = NULL;
    *dpi_out = dpi;
cleanup:
    pixDestroy(&pix);
    if (cr != NULL) cairo_destroy(cr);
    if (surf != NULL) cairo_surface_destroy(surf);
    if (pg != NULL) g_object_unref(pg);
    return st;
}

static fd_status load_raster_page(fd_source *src, int page, PIX **out, int *dpi_out, fd_diag *dg)
{
    PIX *pix = NULL;
    l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, fmt = 0;
    fd_status st;

    if (src->iff == IFF_JFIF_JPEG) {
        /* libjpeg directly (decode_jpeg): silent on corrupt data. */
        st = decode_jpeg(src, page, &w, &h, &pix, dg);
        if (st != FD_OK) return st;
        *dpi_out = sane_dpi(pixGetXRes(pix));
        *out = pix;
        return FD_OK;
    }
    if (src->kind == SRC_TIFF) {
        if (readHeaderMemTiff(src->data, src->size, page - 1, &w, &h, &bps, &spp, &res, &cmap,
                              &fmt) != 0)
            return fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: TIFF page header cannot be read",
                                src->path, page);
    } else if (pixReadHeaderMem(src->data, src->size, &fmt, &w, &h, &bps, &spp, &cmap) != 0) {
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: %s header cannot be read", src->path,
                            page, src->format);
    }
    st = check_size(src, page, w, h, dg);
    if (st != FD_OK) return st;

    if (src->kind == SRC_TIFF) {
        pix = pixReadMemTiff(src->data, src->size, page - 1);
    } else {
        pix = pixReadMem(src->data, src->size);
    }
    if (pix == NULL)
        return fd_diag_fail(dg, FD_ERR_INPUT, "%s: page %d: %s data cannot be decoded (corrupt?)",
                            src->path, page, src->format);
    if (pixGetWidth(pix) != w || pixGetHeight(pix) != h) {
        pixDestroy(&pix);
        return fd_diag_fail(dg, FD_ERR_INPUT,
                            "%s: page %d: decoded size differs from the header (corrupt file)",
                            src->path, page);
    }
    *dpi_out = sane_dpi(pixGetXRes(pix));
    *out = pix;
    return FD_OK;
}

fd_status fd_source_load_page(fd_source *src, int page, PIX **out, int *dpi, fd_diag *dg)
{
    int d = 0;
    fd_status st;
    if (out != NULL) *out = NULL;
    if (dpi != NULL) *dpi = 0;
    if (src == NULL || out == NULL)
        return fd_diag_fail(dg, FD_ERR_USAGE, "fd_source_load_page: NULL argument");
    if (page < 1 || page > src->n_pages)
        return fd_diag_fail(dg, FD_ERR_USAGE, "%s: page %d out of range 1..%d", src->path, page,
                            src->n_pages);
    if (src->kind == SRC_PDF) st = load_pdf_page(src, page, out, &d, dg);
    else st = load_raster_page(src, page, out, &d, dg);
    if (st == FD_OK && dpi != NULL) *dpi = d;
    return st;
}

/* ------------------------------------------------------------------ */
/* Cleaning                                                           */
/* ------------------------------------------------------------------ */

void fd_page_image_clear(fd_page_image *img)
{
    if (img == NULL) return;
    pixDestroy(&img->gray);
    pixDestroy(&img->binary);
    pixDestroy(&img->faint);
    pixDestroy(&img->digits);
    memset(img, 0, sizeof *img);
}

/* Resolution to scale structuring elements and tiles with: the declared
 * one when it is plausible for a form page, else a guess from the page
 * size assuming the short side is A4's 8.27 in. */
static int effective_dpi(int w, int h, int dpi)
{
    int s = w < h ? w : h;
    if (dpi > 0) {
        double inches = (double)s / dpi;
        if (inches >= 3.0 && inches <= 20.0) return dpi;
    }
    dpi = (int)lround(s / 8.27);
    return dpi < 40 ? 40 : dpi;
}

/* 8 bpp gray with colour marks pushed towards white.
 *
 * Black ink is dark in every channel; a red seal is bright in R and dark in
 * G and B; the text under a seal is dark in every channel (ink over ink).
 * So the base value is the brightest channel (the seal's red becomes light,
 * black stays black) and a pixel's saturation (max − min channel) above a
 * noise allowance lifts it further, so that a dark red or blue stamp also
 * ends up near the background while neutral ink is untouched; but not a
 * pixel dark in its darkest channel (FD_INK_UNDER_MARK): that is ink
 * under the mark, and a very dark stamp stays gray. */
/* Darkest channel below which a coloured pixel is ink under a colour mark:
 * measured on a generated JPEG scan, black text under a red seal reads
 * about (127, 44, 45), the seal alone (217, 100, 106), black ink (65, 38,
 * 33). */
#define FD_INK_UNDER_MARK 60

static PIX *gray_suppress_color(PIX *rgb, int suppress, long *n_colored)
{
    PIX *g;
    l_int32 w, h, wpls, wpld, x, y;
    l_uint32 *ds, *dd;
    if (!suppress) {
        *n_colored = -1;
        return pixConvertRGBToLuminance(rgb);
    }
    w = pixGetWidth(rgb);
    h = pixGetHeight(rgb);
    g = pixCreate(w, h, 8);
    if (g == NULL) return NULL;
    pixCopyResolution(g, rgb);
    ds = pixGetData(rgb);
    dd = pixGetData(g);
    wpls = pixGetWpl(rgb);
    wpld = pixGetWpl(g);
    for (y = 0; y < h; y++) {
        const l_uint32 *ls = ds + (size_t)y * (size_t)wpls;
        l_uint32 *ld = dd + (size_t)y * (size_t)wpld;
        for (x = 0; x < w; x++) {
            l_uint32 v = ls[x];
            int r = (int)((v >> 24) & 0xFF), gg = (int)((v >> 16) & 0xFF), b = (int)((v >> 8) & 0xFF);
            int mx = r > gg ? (r > b ? r : b) : (gg > b ? gg : b);
            int mn = r < gg ? (r < b ? r : b) : (gg < b ? gg : b);
            int val = mx, sat = mx - mn;
            if (sat > 40) {
                /* Dark in its darkest channel: black ink under the mark,
                 * tinted by the scan's colour bleeding (a JPEG's chroma is
                 * coarser than its luma). It keeps its brightest channel;
                 * lifting it would erase the text under a seal. */
                if (mn >= FD_INK_UNDER_MARK) val += 2 * (sat - 40);
                (*n_colored)++;
            }
            if (val > 255) val = 255;
            SET_DATA_BYTE(ld, x, (l_uint8)val);
        }
    }
    return g;
}

/* Any decoded page → 8 bpp gray (colour suppressed when asked).
 * *n_colored: pixels that had colour (0 for a gray source). */
static PIX *to_gray(PIX *raw, int suppress, long *n_colored)
{
    PIX *t = NULL, *g = NULL;
    l_int32 d = pixGetDepth(raw);
    if (pixGetColormap(raw) != NULL) {
        t = pixRemoveColormap(raw, REMOVE_CMAP_BASED_ON_SRC);
        if (t == NULL) return NULL;
        g = to_gray(t, suppress, n_colored);
        pixDestroy(&t);
        return g;
    }
    if (d == 32) {
        if (pixGetSpp(raw) == 4) {
            /* Transparent areas are paper. */
            t = pixAlphaBlendUniform(raw, 0xFFFFFF00u);
            if (t == NULL) return NULL;
            g = gray_suppress_color(t, suppress, n_colored);
            pixDestroy(&t);
        } else {
            g = gray_suppress_color(raw, suppress, n_colored);
        }
    } else if (d == 16) {
        g = pixConvert16To8(raw, L_MS_BYTE);
    } else if (d == 1) {
        g = pixConvert1To8(NULL, raw, 255, 0);
    } else if (d == 8) {
        g = pixCopy(NULL, raw);
    } else {
        g = pixConvertTo8(raw, 0);
    }
    if (g != NULL) pixCopyResolution(g, raw);
    return g;
}

/* The gray of the background-normalised page (paper at 200) that the
 * linear map to the cleaned page sends to black: 60, or more on a page
 * whose ink has faded so far that the binarisation would lose it. On such
 * a page (a 150-DPI hard scan of seed 5151: ink at 150..175 of 200) the
 * map from 60 left under 1 % of the pixels darker than the ink threshold
 * (a printed form has 2..6 %), the labels read as empty cells and no part
 * of the form was found; the text is there, a few levels darker than the
 * paper: more than three times as many pixels lie in the next 20 levels.
 * The floor is then raised so that the darkest 3 % of the page become
 * ink.
 * A short page (a continuation with a row or two) has little ink of any
 * tone and keeps 60. */
static int faded_ink_floor(PIX *n)
{
    NUMA *hist = pixGetGrayHistogram(n, 1);
    l_float32 *hv = hist ? numaGetFArray(hist, L_NOCOPY) : NULL;
    double total = 0.0, acc = 0.0, ink = 0.0, near_ink = 0.0;
    int v, t3 = -1, floor = 60;
    /* 60 + 130 * 180 / 255: the gray that maps to the ink threshold. */
    const int ink_level = 152, near_level = 172;
    if (hv == NULL) goto done;
    for (v = 0; v < 256; v++) total += (double)hv[v];
    if (total <= 0.0) goto done;
    for (v = 0; v < 256; v++) {
        if (v < ink_level) ink += (double)hv[v];
        else if (v < near_level) near_ink += (double)hv[v];
        acc += (double)hv[v];
        if (t3 < 0 && acc >= 0.03 * total) t3 = v;
    }
    if (ink >= 0.008 * total || near_ink < 3.0 * ink || near_ink + ink < 0.015 * total || t3 < 0) goto done;
    /* The map [floor, 190] -> [0, 255] sends t3 to mid gray (128), well
     * inside the ink threshold (180): text of one even tone would
     * otherwise sit on the threshold and half of it be lost. */
    floor = 2 * t3 - 190;
    if (floor < 60) floor = 60;
    if (floor > 170) floor = 170;
done:
    numaDestroy(&hist);
    return floor;
}

/* Background flattened to white: Leptonica's tile-based background map
 * brings the paper to 200, then a linear map sends 190.. to 255 and ..60 to
 * 0 (black ink stays black, faint lines keep a mid gray). *faint receives
 * the same page mapped with 199.. to white instead: the 190 cut-off also
 * erases rules that are only a few gray levels darker than the paper (a
 * faded, blurred 1-px rule of a poor scan), which the grid's ridge search
 * can still see; binarisation and OCR keep the cleaner page. */
static PIX *normalise_background(PIX *gray, PIX **faint)
{
    PIX *n = pixBackgroundNorm(gray, NULL, NULL, 10, 15, 100, 50, 200, 2, 1);
    *faint = NULL;
    if (n == NULL) {
        /* A page that is almost all dark has no background estimate;
         * keep its gray values. */
        return pixCopy(NULL, gray);
    }
    *faint = pixGammaTRC(NULL, n, 1.0f, 60, 199);
    pixGammaTRC(n, n, 1.0f, faded_ink_floor(n), 190);
    return n;
}

/* Gray levels of the normalised page for gray seals: darker than
 * FD_SEAL_DARK (or the page's ink tone + 15) is the core of an ink stroke,
 * from there to FD_SEAL_LIGHT a seal's tone (or an ink fringe); inside a
 * seal only pixels darker than FD_SEAL_KEEP remain. A page whose ink tone
 * is FD_SEAL_MAX_INK or lighter is faded: left alone. */
#define FD_SEAL_DARK 40
#define FD_SEAL_MAX_INK 60
#define FD_SEAL_LIGHT 200
#define FD_SEAL_KEEP 100

/* Threshold on the normalised gray page, 0..255: pixels darker than this
 * are ink. High on purpose: the background is 255 after normalisation and
 * thin or faded strokes of a 150-DPI scan only reach mid gray. */
#define FD_BIN_THRESHOLD 180
#define FD_ORIENT_THRESHOLD 215
/* Rules, in page-widths (7 in each), that orientation needs to go by: about
 * what a continuation page's table of five rows has (eight had left such a
 * page of a faded hard scan upside down); and the least taken as a last
 * resort on the lenient binarisation, with the blank paper's word needed
 * too: what a faded page holding only the total row shows of its rules
 * (fresh hard sets had such pages of one to six rows left upside down). */
#define FD_ORIENT_MIN_RULES 5.0
#define FD_ORIENT_MIN_RULES_SHORT 1.0
/* An up/down score (updown_score) on the normal binarisation that is taken
 * without a second look: more than the title cue's 3 alone. */
#define FD_ORIENT_SURE 4

/* 1 when the mid-gray pixels of the box [bx,bx+bw)×[by,by+bh) of mid lie
 * in horizontal bands with clear rows between them: rows of gray text
 * (names printed in gray ink, cell under cell), which the closing joins
 * into one seal-sized blob. A row is clear when mid has nothing in it and
 * the page (gray) has either no ink there or a ruling line across the
 * whole box (the rule between two table rows). A seal's ring crosses
 * every row between its top and bottom; where text lies over it, mid
 * loses those rows (they are near dark ink) but the page has the text's
 * ink there, only part of the way across. Two clear runs of at least
 * dpi/50 rows (4 px at 200 DPI) between bands make it text. */
static int text_rows_inside(PIX *mid, PIX *gray, l_int32 bx, l_int32 by, l_int32 bw, l_int32 bh,
                            int dpi)
{
    BOX *clip = boxCreate(bx, by, bw, bh);
    PIX *crop = clip ? pixClipRectangle(mid, clip, NULL) : NULL;
    PIX *gcrop = clip ? pixClipRectangle(gray, clip, NULL) : NULL;
    PIX *ink = gcrop ? pixThresholdToBinary(gcrop, FD_SEAL_LIGHT) : NULL;
    NUMA *rows = crop ? pixCountPixelsByRow(crop, NULL) : NULL;
    NUMA *ink_rows = ink ? pixCountPixelsByRow(ink, NULL) : NULL;
    int gaps = 0, run = 0, min_run = dpi / 50 > 2 ? dpi / 50 : 2, seen_ink = 0;
    l_int32 i, n = rows && ink_rows ? numaGetCount(rows) : 0, v, iv;
    for (i = 0; i < n; i++) {
        numaGetIValue(rows, i, &v);
        numaGetIValue(ink_rows, i, &iv);
        if (v <= 1 && (iv <= 1 || iv * 10 >= bw * 9)) {
            run++;
            continue;
        }
        /* A clear run counts between two bands, not before the first. */
        if (seen_ink && run >= min_run) gaps++;
        seen_ink = 1;
        run = 0;
    }
    numaDestroy(&rows);
    numaDestroy(&ink_rows);
    pixDestroy(&ink);
    pixDestroy(&gcrop);
    pixDestroy(&crop);
    boxDestroy(&clip);
    return gaps >= 2;
}

/* 1 when a blob's box [bw × bh px] has a seal's size and shape: each
 * side min_side..max_side, neither more than twice the other. */
static int seal_sized(l_int32 bw, l_int32 bh, int min_side, int max_side)
{
    if (bw < min_side || bh < min_side || bw > max_side || bh > max_side) return 0;
    return bw * 2 >= bh && bh * 2 >= bw;
}

/* 1 when the four corner squares (a tenth of the shorter side) of a
 * group of seal pieces (part: the closed mid-gray mask cut to the group's
 * box, area pixels in all) hold at most 5 % of its pixels: a ring inside
 * its box passes 0.15 of the side from each corner. */
static int ring_corners_empty(PIX *part, l_int32 area)
{
    l_int32 w = (l_int32)pixGetWidth(part), h = (l_int32)pixGetHeight(part);
    l_int32 side = (w < h ? w : h) / 10, in_corners = 0, k;
    if (side < 2) return 1;
    for (k = 0; k < 4; k++) {
        l_int32 n = 0;
        BOX *corner = boxCreate(k & 1 ? w - side : 0, k & 2 ? h - side : 0, side, side);
        if (corner) pixCountPixelsInRect(part, corner, &n, NULL);
        boxDestroy(&corner);
        in_corners += n;
    }
    return (double)in_corners <= 0.05 * (double)area;
}

/* Adds a seal-sized blob at (bx, by, bw, bh) with area pixels of mid gray
 * (after the closing) to region when it passes for a seal; returns 1 when
 * it does. */
static int mark_seal(PIX *region, PIX *mid, PIX *gray, l_int32 bx, l_int32 by, l_int32 bw,
                     l_int32 bh, l_int32 area, int dpi)
{
    /* A seal's ring and characters cover a good share of its box:
     * 0.094..0.53 on the scan tiers of three generated sets (seeds
     * 1111, 3737, 4848), where every blob of a seal's size was a
     * seal; the two below 0.1 were speckled seals, whose grains cut
     * the mid gray around them away as "near dark ink". */
    if ((double)area < 0.06 * (double)bw * (double)bh) return 0;
    if (text_rows_inside(mid, gray, bx, by, bw, bh, dpi)) return 0;
    {
        /* The blob is the seal's lighter part; its darker part is
         * left out of the mid-gray band: the region grows by a share
         * of the blob's size on every side. */
        l_int32 gx = bw * 3 / 10, gy = bh * 3 / 10;
        pixRasterop(region, bx - gx, by - gy, bw + 2 * gx, bh + 2 * gy, PIX_SET, NULL, 0, 0);
    }
    return 1;
}

/* The page for reading digits under a gray seal (fd_page_image.digits).
 * The suppression lifts every pixel of a seal's region lighter than
 * FD_SEAL_KEEP, and with them the soft sides of the thin Song digits
 * printed on the paper between the seal's strokes: they come out as
 * broken hairlines (93% read 3, a 3 read 4, a 4 read as nothing). Here
 * only the lifted pixels within a fringe (grow px) of the seal's own
 * pixels (seal: mid gray away from dark ink, specks opened away) go; a
 * digit's stroke away from the seal's ring, star and characters stays
 * whole. What the seal's own mask misses (grains, stroke ends) stays too,
 * as light gray: the number reader skips it better than it reads broken
 * glyphs (seven generated sets: scan numbers +15 of 6874, none lost on
 * clean or hard pages). Giving back only what is joined to a dark core,
 * the way before, did no good on seals as dark as the digits' sides.
 * gray is the page before the suppression, lift the pixels it is about
 * to lift. NULL when out of memory. */
static PIX *lift_near_seal(PIX *gray, PIX *lift, PIX *seal, int grow)
{
    PIX *near_seal = pixDilateBrick(NULL, seal, grow, grow);
    PIX *result = near_seal ? pixCopy(NULL, gray) : NULL;
    if (result != NULL) {
        pixAnd(near_seal, near_seal, lift);
        pixSetMasked(result, near_seal, 0xff);
    }
    pixDestroy(&near_seal);
    return result;
}

/* Seals in a gray scan. A red seal scanned in gray cannot be told from ink
 * by colour, but it is lighter than ink: its strokes are mid gray (30..200
 * on the normalised page) from edge to edge, where a stroke of text has a
 * dark core and only a thin mid-gray fringe. So mid-gray pixels more than
 * a fringe away from any dark pixel are seal-like; where they form a
 * blob the size of a seal (0.8..2.5 inches, not a long thin shape such as
 * a faded ruling line), every pixel of the grown blob lighter than
 * FD_SEAL_KEEP is set to paper. Ink over a seal is darker than the seal
 * (ink multiplies), so the text under it stays. gray is changed in place.
 * Returns the number of seal regions found. */
static int suppress_gray_seals(PIX *gray, int dpi, PIX **digits)
{
    PIX *dark = NULL, *mid = NULL, *near_dark = NULL, *blobs = NULL, *region = NULL, *light = NULL;
    PIX *rules = NULL;
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;
    l_int32 i, n, w, h;
    int fringe = dpi * 4 / 300 + 1, found = 0, dark_level = FD_SEAL_DARK;
    /* Official seals are 38..45 mm across; the blob found is often only
     * the lighter part of one (about 0.8 inch on generated scans). Out of
     * memory on the way, the page is left as it is: this step only helps. */
    int min_side = dpi * 4 / 5, max_side = dpi * 5 / 2, close = dpi / 5 + 1;
    w = pixGetWidth(gray);
    h = pixGetHeight(gray);
    /* On a faded page the ink itself is mid gray and cannot be told from
     * a seal by tone: such a page is left alone. Its ink tone: the
     * darkest fifth of the pixels below the binarisation threshold. */
    {
        NUMA *hist = pixGetGrayHistogram(gray, 1);
        l_float32 *hv = hist ? numaGetFArray(hist, L_NOCOPY) : NULL;
        double total = 0.0, acc = 0.0;
        int v, p20 = 255;
        if (hv == NULL) {
            numaDestroy(&hist);
            return 0;
        }
        for (v = 0; v < FD_BIN_THRESHOLD; v++) total += (double)hv[v];
        for (v = 0; v < FD_BIN_THRESHOLD; v++) {
            acc += (double)hv[v];
            if (acc >= 0.2 * total) {
                p20 = v;
                break;
            }
        }
        numaDestroy(&hist);
        if (total <= 0.0 || p20 >= FD_SEAL_MAX_INK) return 0;
        dark_level = p20 + 15 > FD_SEAL_DARK ? p20 + 15 : FD_SEAL_DARK;
    }
    dark = pixThresholdToBinary(gray, dark_level);
    mid = pixThresholdToBinary(gray, FD_SEAL_LIGHT);
    if (dark == NULL || mid == NULL) goto cleanup;
    near_dark = pixDilateBrick(NULL, dark, 2 * fringe + 1, 2 * fringe + 1);
    if (near_dark == NULL) goto cleanup;
    pixSubtract(mid, mid, near_dark);
    /* Most pages have no seal: too little mid gray for one to be there. */
    {
        l_int32 n_mid = 0;
        pixCountPixels(mid, &n_mid, NULL);
        if ((double)n_mid < 0.15 * (double)min_side * (double)min_side) goto cleanup;
    }
    /* Faded ruling lines are mid gray too. They are found whole on the
     * page binarised at the ink threshold (in the mid-gray band noise cuts
     * them into dashes) as runs of an inch: longer than any straight run
     * inside a seal's ring. */
    {
        PIX *ink = pixThresholdToBinary(gray, FD_BIN_THRESHOLD);
        PIX *vl = ink ? pixOpenCompBrick(NULL, ink, 1, dpi) : NULL;
        PIX *near_rules = NULL;
        rules = ink ? pixOpenCompBrick(NULL, ink, dpi, 1) : NULL;
        if (rules && vl) {
            pixOr(rules, rules, vl);
            near_rules = pixDilateBrick(NULL, rules, 2 * fringe + 1, 2 * fringe + 1);
            if (near_rules) pixSubtract(mid, mid, near_rules);
        }
        pixDestroy(&near_rules);
        pixDestroy(&ink);
        pixDestroy(&vl);
    }
    /* Seal strokes are wider than a speck of noise. */
    pixOpenBrick(mid, mid, 3, 3);
    blobs = pixCloseSafeBrick(NULL, mid, close, close);
    if (blobs == NULL) goto cleanup;
    boxa = pixConnComp(blobs, &pixa, 8);
    n = boxa ? boxaGetCount(boxa) : 0;
    region = pixCreate(w, h, 1);
    if (region == NULL) goto cleanup;
    for (i = 0; i < n; i++) {
        l_int32 bx, by, bw, bh, area = 0;
        PIX *comp;
        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if (!seal_sized(bw, bh, min_side, max_side)) continue;
        comp = pixaGetPix(pixa, i, L_CLONE);
        if (comp) pixCountPixels(comp, &area, NULL);
        pixDestroy(&comp);
        if (mark_seal(region, mid, gray, bx, by, bw, bh, area, dpi)) found++;
    }
    /* A seal laid over a dense part of the table loses the stretches of
     * its ring that cross text and rules (they are near dark ink): the
     * closing leaves it as arcs and a star, none of a seal's size. Pieces
     * larger than a speck and shaped like an arc that lie within a
     * closing's reach of each other are taken as one blob when together
     * they are near square (sample004 of the bundled scans: a ring of 1.5
     * inch in five pieces). Only when no whole blob was found. Blurred
     * black text leaves mid-gray strips between its strokes: taken
     * together without these shape tests they passed for a seal on
     * 200-DPI scans (seed 2727 doc028, 0.9 inch; seed 8282 doc001, 2.4
     * inch), and the table's text was thinned. */
    if (found == 0 && boxa != NULL) {
        BOXA *pieces = boxaCreate(n), *grown = NULL, *groups = NULL;
        l_int32 k, n_groups;
        for (i = 0; pieces != NULL && i < n; i++) {
            l_int32 bx, by, bw, bh;
            boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
            if (bw < close && bh < close) continue;
            if (bw > max_side || bh > max_side) continue;
            /* A ring's arc is at most about four times as long as its box is
             * wide; a line of text's blurred strokes is a longer strip. */
            if (bw > 4 * bh || bh > 4 * bw) continue;
            boxaAddBox(pieces, boxaGetBox(boxa, i, L_CLONE), L_INSERT);
        }
        grown = pieces ? boxaAdjustSides(pieces, -close, close, -close, close) : NULL;
        groups = grown && boxaGetCount(grown) >= 2 ? boxaCombineOverlaps(grown, NULL) : NULL;
        n_groups = groups ? boxaGetCount(groups) : 0;
        for (k = 0; k < n_groups; k++) {
            l_int32 bx, by, bw, bh, area = 0;
            BOX *inner;
            PIX *part;
            boxaGetBoxGeometry(groups, k, &bx, &by, &bw, &bh);
            bx += close, by += close, bw -= 2 * close, bh -= 2 * close;
            /* The pieces span the ring's outer edge: an official seal's
             * 38..45 mm, 1.2..1.9 inch with a scanner's scaling (a whole
             * blob may be larger: the closing grows it). A ring's pieces
             * span it both ways: near square. */
            if (!seal_sized(bw, bh, dpi * 6 / 5, dpi * 19 / 10)) continue;
            if (bw * 10 > bh * 13 || bh * 10 > bw * 13) continue;
            inner = boxCreate(bx, by, bw, bh);
            part = inner ? pixClipRectangle(blobs, inner, NULL) : NULL;
            if (part) pixCountPixels(part, &area, NULL);
            /* ... and leave the corners of their box empty (a ring does);
             * strips of text reach them. */
            if (part == NULL || ring_corners_empty(part, area)) {
                if (mark_seal(region, mid, gray, bx, by, bw, bh, area, dpi)) found++;
            }
            pixDestroy(&part);
            boxDestroy(&inner);
        }
        boxaDestroy(&pieces);
        boxaDestroy(&grown);
        boxaDestroy(&groups);
    }
    if (found == 0) goto cleanup;
    light = pixThresholdToBinary(gray, FD_SEAL_KEEP);
    if (light == NULL) goto cleanup;
    pixAnd(mid, mid, region); /* the seals' own pixels */
    pixInvert(light, light); /* 1 = lighter than what is kept */
    pixAnd(region, region, light);
    /* The ruling lines under a seal stay: lifting their pixels lighter
     * than FD_SEAL_KEEP had left a faded rule as dashes, and the grid
     * lost the columns the seal covered (a continuation page's weight,
     * score and 偏差原因 columns). */
    if (rules != NULL) pixSubtract(region, region, rules);
    if (digits != NULL) *digits = lift_near_seal(gray, region, mid, 2 * fringe + 1);
    pixSetMasked(gray, region, 0xff);
cleanup:
    pixDestroy(&dark);
    pixDestroy(&mid);
    pixDestroy(&rules);
    pixDestroy(&near_dark);
    pixDestroy(&blobs);
    pixDestroy(&region);
    pixDestroy(&light);
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    return found;
}

/* Skew of the page, degrees, positive = content rotated counter-clockwise
 * (Leptonica's convention for the deskew angle: pixRotate by +angle, which
 * turns clockwise, undoes it). Measured with Leptonica's sweep-and-search
 * on the projection profiles of a binarised copy; both text lines and
 * ruling lines contribute. */
static double find_skew(PIX *bin, int dpi, double max_deg, int *ok)
{
    l_float32 angle = 0.0f, conf = 0.0f, endscore = 0.0f;
    l_int32 redsweep = dpi >= 250 ? 4 : 2;
    l_int32 redsearch = dpi >= 250 ? 2 : 1;
    *ok = 0;
    if (pixFindSkewSweepAndSearchScore(bin, &angle, &conf, &endscore, redsweep, redsearch, 0.0f,
                                       (l_float32)(max_deg + 1.0), 0.5f, 0.01f) != 0)
        return 0.0;
    if (conf < 1.0f || fabs((double)angle) > max_deg + 0.5) return 0.0;
    *ok = 1;
    return (double)angle;
}

/* find_skew on the table alone: the largest connected block of ink (the
 * rules join a table into one after a small closing), cut out with a
 * margin. Leptonica's sweep trusts its peak only when its least score
 * exceeds a share of the image's size (w² h): a short table on an
 * otherwise blank page scores under it however clear its rules, and a
 * faded continuation page of seed 6161 (3° of skew) stayed tilted and
 * lost its whole grid. *ok as find_skew; 0 without a block of table
 * size (2 x 0.5 inch). */
static double find_skew_of_table(PIX *bin, int dpi, double max_deg, int *ok)
{
    PIX *closed = pixCloseSafeBrick(NULL, bin, 5, 5), *crop = NULL;
    BOXA *boxa = closed ? pixConnCompBB(closed, 8) : NULL;
    l_int32 i, n = boxa ? boxaGetCount(boxa) : 0, best = -1;
    double angle = 0.0, best_area = 0.0;
    *ok = 0;
    for (i = 0; i < n; i++) {
        l_int32 bx, by, bw, bh;
        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if ((double)bw * (double)bh > best_area) {
            best_area = (double)bw * (double)bh;
            best = i;
        }
    }
    if (best >= 0) {
        l_int32 bx, by, bw, bh, m = dpi / 10;
        boxaGetBoxGeometry(boxa, best, &bx, &by, &bw, &bh);
        if (bw >= 2 * dpi && bh >= dpi / 2) {
            BOX *clip = boxCreate(bx - m, by - m, bw + 2 * m, bh + 2 * m);
            crop = clip ? pixClipRectangle(bin, clip, NULL) : NULL;
            boxDestroy(&clip);
        }
    }
    if (crop != NULL) angle = find_skew(crop, dpi, max_deg, ok);
    pixDestroy(&crop);
    boxaDestroy(&boxa);
    pixDestroy(&closed);
    return angle;
}

/* Long thin line segments of a 1 bpp image: horizontal when horiz, else
 * vertical. Boxes are in the image's pixels. len: minimum length. */
static BOXA *line_segments(PIX *bin, int horiz, int len, int max_thick)
{
    PIX *o = NULL;
    BOXA *all = NULL, *keep = NULL;
    l_int32 i, n;
    o = horiz ? pixOpenCompBrick(NULL, bin, len, 1) : pixOpenCompBrick(NULL, bin, 1, len);
    if (o == NULL) goto cleanup;
    all = pixConnCompBB(o, 8);
    if (all == NULL) goto cleanup;
    keep = boxaCreate(0);
    if (keep == NULL) goto cleanup;
    n = boxaGetCount(all);
    for (i = 0; i < n; i++) {
        l_int32 bx, by, bw, bh;
        boxaGetBoxGeometry(all, i, &bx, &by, &bw, &bh);
        if (horiz ? (bw >= len && bh <= max_thick) : (bh >= len && bw <= max_thick)) {
            BOX *b = boxCreate(bx, by, bw, bh);
            if (b != NULL) boxaAddBox(keep, b, L_INSERT);
        }
    }
cleanup:
    pixDestroy(&o);
    boxaDestroy(&all);
    return keep;
}

/* Ink pixels of a 1 bpp image in rows [y0, y1), clipped to the image. */
static l_int32 ink_in_rows(PIX *bin, l_int32 y0, l_int32 y1)
{
    l_int32 h = pixGetHeight(bin), count = 0;
    BOX *b;
    if (y0 < 0) y0 = 0;
    if (y1 > h) y1 = h;
    if (y1 <= y0) return 0;
    b = boxCreate(0, y0, pixGetWidth(bin), y1 - y0);
    if (b == NULL || pixCountPixelsInRect(bin, b, &count, NULL) != 0) count = 0;
    boxDestroy(&b);
    return count;
}

static l_int32 boxa_total(BOXA *b, int horiz)
{
    l_int32 i, n = b ? boxaGetCount(b) : 0, tot = 0;
    for (i = 0; i < n; i++) {
        l_int32 bx, by, bw, bh;
        boxaGetBoxGeometry(b, i, &bx, &by, &bw, &bh);
        tot += horiz ? bw : bh;
    }
    return tot;
}

/* Up/down cue from the ruling layout, for an image whose lines are already
 * horizontal/vertical: positive when the page looks upright, negative when
 * it looks upside down, 0 when undecided.
 *
 * Method: the form's merged cells (项目资金, 年度总体目标, 一级指标, 二级指标)
 * span rows in the LEFT columns, so many horizontal rules start inside the
 * table and run to its right border, while rules that start at the left
 * border and stop inside are rare. A page turned by 180° shows the mirror
 * image. Rules are grouped by row (their y) so that a broken rule counts
 * once. A second cue: the title and year line sit above the table, so ink
 * above the table but not below it votes for upright (and the reverse for
 * upside down). A third: a continuation page's short table sits at the
 * top with blank paper below it.
 *
 * short_table: the rules found are few (a faded page), so they may be a
 * part of a longer table whose other rules were lost, and the ink next to
 * them may be the table's own text. Then the score counts only when the
 * blank-paper cue points the same way; 0 otherwise. */
static int updown_score(PIX *bin, int dpi, int short_table)
{
    BOXA *hs = NULL, *vs = NULL;
    l_int32 n, i, j, left = INT_MAX, right = -1, top = INT_MAX, bottom = -1;
    int score = 0, blank = 0, len = (int)lround(0.3 * dpi), thick = (int)lround(0.08 * dpi) + 2;
    int tol = (int)lround(0.06 * dpi) + 2;
    l_int32 *ys = NULL, *x0 = NULL, *x1 = NULL;
    l_int32 nrow = 0;
    hs = line_segments(bin, 1, len, thick);
    vs = line_segments(bin, 0, len, thick);
    if (hs == NULL || vs == NULL) goto cleanup;
    n = boxaGetCount(vs);
    if (n < 2 || boxaGetCount(hs) < 2) goto cleanup;
    for (i = 0; i < n; i++) {
        l_int32 bx, by, bw, bh;
        boxaGetBoxGeometry(vs, i, &bx, &by, &bw, &bh);
        if (bx < left) left = bx;
        if (bx + bw - 1 > right) right = bx + bw - 1;
        if (by < top) top = by;
        if (by + bh - 1 > bottom) bottom = by + bh - 1;
    }
    n = boxaGetCount(hs);
    ys = fd_calloc((size_t)n, sizeof *ys);
    x0 = fd_calloc((size_t)n, sizeof *x0);
    x1 = fd_calloc((size_t)n, sizeof *x1);
    if (ys == NULL || x0 == NULL || x1 == NULL) goto cleanup;
    {
        BOXA *sorted = boxaSort(hs, L_SORT_BY_Y, L_SORT_INCREASING, NULL);
        if (sorted == NULL) goto cleanup;
        boxaDestroy(&hs);
        hs = sorted;
    }
    for (i = 0; i < n; i++) {
        l_int32 bx, by, bw, bh, yc;
        boxaGetBoxGeometry(hs, i, &bx, &by, &bw, &bh);
        yc = by + bh / 2;
        if (bx + bw < left - tol || bx > right + tol) continue; /* outside the table */
        j = nrow - 1;
        if (j >= 0 && yc - ys[j] <= tol) {
            if (bx < x0[j]) x0[j] = bx;
            if (bx + bw - 1 > x1[j]) x1[j] = bx + bw - 1;
        } else {
            ys[nrow] = yc;
            x0[nrow] = bx;
            x1[nrow] = bx + bw - 1;
            nrow++;
        }
    }
    {
        /* The frame's ends from the long rows (the full-width rules): the
         * vertical segments may miss a faded frame rule and include a stray
         * beyond it, and then no row seems to reach that side. */
        l_int32 longest = 0, fl = INT_MAX, fr = -1;
        for (j = 0; j < nrow; j++)
            if (x1[j] - x0[j] > longest) longest = x1[j] - x0[j];
        for (j = 0; j < nrow; j++) {
            if ((x1[j] - x0[j]) * 5 < longest * 4) continue;
            if (x0[j] < fl) fl = x0[j];
            if (x1[j] > fr) fr = x1[j];
        }
        if (fr > fl) {
            left = fl;
            right = fr;
        }
    }
    for (j = 0; j < nrow; j++) {
        int lt = x0[j] <= left + tol, rt = x1[j] >= right - tol;
        /* Rows shorter than a third of the table are runs of text, not
         * rules between merged cells. */
        if ((x1[j] - x0[j]) * 3 < right - left) continue;
        if (rt && !lt) score++;
        if (lt && !rt) score--;
    }
    if (top < bottom) {
        /* Blank cue: a continuation page holds a short table at its top and
         * nothing below it. One margin more than three times the other
         * and an inch more weighs as much as two rules; a first page
         * (title above, table down to the bottom margin) gives no vote.
         * Title cue: ink in a band above vs below the table. A first page
         * has the title and year line above; it weighs as much as three
         * rules, enough to veto a flip on a few odd rules. */
        l_int32 below_gap = (l_int32)pixGetHeight(bin) - 1 - bottom;
        int band = (int)lround(1.2 * dpi);
        l_int32 above = ink_in_rows(bin, top - tol - band, top - tol);
        l_int32 below = ink_in_rows(bin, bottom + tol, bottom + tol + band);
        if (below_gap > 3 * top + dpi) blank = 1;
        else if (top > 3 * below_gap + dpi) blank = -1;
        score += 2 * blank;
        if (above > 3 * below + 50) score += 3;
        else if (below > 3 * above + 50) score -= 3;
    }
    if (short_table && score * blank <= 0) score = 0;
cleanup:
    fd_free(ys);
    fd_free(x0);
    fd_free(x1);
    boxaDestroy(&hs);
    boxaDestroy(&vs);
    return score;
}

/* Clockwise quarter turns (0..3) that bring a deskewed page upright, or -1
 * when the page shows too few rules to tell.
 *
 * Axis: in the upright form most cells are wider than tall, and for a grid
 * the total length of horizontal rules over that of vertical rules equals
 * the mean cell width over height (2.5-3 on this form). So when vertical
 * rules dominate by more than 2:1, the page lies on its side. Up/down (and which side) then comes from
 * updown_score on the candidate orientations. A page with fewer rules than
 * FD_ORIENT_MIN_RULES is left as it is (-1), unless allow_short and it has
 * FD_ORIENT_MIN_RULES_SHORT: then it is a short table (updown_score's
 * short_table) and only a decided score turns it (-1 otherwise). *score:
 * how sure, the magnitude of updown_score (0 when the rules said too
 * little to go by); 2 or more decides up or down. */
static int detect_quads(PIX *bin, int dpi, int allow_short, int *score)
{
    PIX *r = NULL, *rot = NULL;
    BOXA *hs = NULL, *vs = NULL;
    int rdpi = dpi, quads = 0, s0, short_table = 0;
    l_int32 lh, lv;
    *score = 0;
    /* Work near 100 DPI: enough for rules, cheap. */
    if (dpi >= 250) {
        r = pixReduceRankBinary2(bin, 1, NULL);
        rdpi = dpi / 2;
    } else {
        r = pixClone(bin);
    }
    if (r == NULL) goto cleanup;
    {
        int len = (int)lround(0.3 * rdpi), thick = (int)lround(0.08 * rdpi) + 2;
        hs = line_segments(r, 1, len, thick);
        vs = line_segments(r, 0, len, thick);
    }
    lh = boxa_total(hs, 1);
    lv = boxa_total(vs, 0);
    /* Too few rules: no table to go by (-1: the caller may retry on a
     * more lenient binarisation). */
    if ((double)(lh + lv) < FD_ORIENT_MIN_RULES * 7.0 * rdpi) {
        short_table = allow_short && (double)(lh + lv) >= FD_ORIENT_MIN_RULES_SHORT * 7.0 * rdpi;
        if (!short_table) {
            quads = -1;
            goto cleanup;
        }
    }
    /* A form page's sheet is portrait: an image taller than wide holds the
     * sheet upright or upside down, never on its side (a sheet fed
     * sideways is scanned into a landscape image). Within a portrait image
     * vertical rules may dominate by far: a continuation page of narrow
     * columns whose names wrap into four or five lines, its row rules
     * faded (a fresh hard set had such a page turned a quarter and lost
     * all its 78 cells). */
    if (lv > lh * 2 && (double)pixGetHeight(r) < 1.15 * (double)pixGetWidth(r)) {
        /* On its side: try a quarter turn clockwise; if that looks upside
         * down, three quarter turns are right. */
        rot = pixRotateOrth(r, 1);
        if (rot == NULL) goto cleanup;
        s0 = updown_score(rot, rdpi, short_table);
        quads = s0 <= -2 ? 3 : 1;
        *score = abs(s0);
    } else {
        s0 = updown_score(r, rdpi, short_table);
        /* Turning a page over on thin evidence costs the whole page: one
         * odd rule (a broken or faded one) is not enough. */
        quads = s0 <= -2 ? 2 : 0;
        *score = abs(s0);
    }
    if (short_table && *score < 2) quads = -1;
cleanup:
    boxaDestroy(&hs);
    boxaDestroy(&vs);
    pixDestroy(&rot);
    pixDestroy(&r);
    return quads;
}

fd_status fd_page_clean(const PIX *raw, int page, int dpi, const fd_clean_options *opt,
                        fd_page_image *out, fd_diag *dg)
{
    fd_clean_options defopt;
    PIX *src, *gray = NULL, *norm = NULL, *bin = NULL, *tmp = NULL, *faint = NULL, *digits = NULL;
    l_int32 w, h;
    int edpi, quads = 0, ok = 0;
    long n_colored = 0;
    double skew = 0.0;
    fd_status st = FD_OK;

    if (out == NULL || raw == NULL)
        return fd_diag_fail(dg, FD_ERR_USAGE, "fd_page_clean: NULL argument");
    memset(out, 0, sizeof *out);
    if (opt == NULL) {
        fd_clean_options_default(&defopt);
        opt = &defopt;
    }
    src = pix_unconst(raw);
    w = pixGetWidth(src);
    h = pixGetHeight(src);
    if (w < FD_MIN_SIDE || h < FD_MIN_SIDE) {
        st = fd_diag_fail(dg, FD_ERR_INPUT, "page %d: image of %dx%d pixels is too small", page,
                          (int)w, (int)h);
        goto cleanup;
    }
    edpi = effective_dpi(w, h, dpi);

    gray = to_gray(src, opt->suppress_color, &n_colored);
    if (gray == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: gray conversion failed (out of memory?)",
                          page);
        goto cleanup;
    }
    norm = normalise_background(gray, &faint);
    pixDestroy(&gray);
    if (norm == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: background normalisation failed", page);
        goto cleanup;
    }

    if (opt->max_skew_deg > 0.0) {
        bin = pixThresholdToBinary(norm, FD_BIN_THRESHOLD);
        if (bin == NULL) {
            st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: binarisation failed", page);
            goto cleanup;
        }
        skew = find_skew(bin, edpi, opt->max_skew_deg, &ok);
        pixDestroy(&bin);
        /* A faded page with little on it (a continuation page holding a
         * few rows) binarises to too few pixels for the sweep to trust
         * its own peak: look again on the faint copy, where the faded
         * strokes are dark. */
        if (!ok && faint != NULL) {
            bin = pixThresholdToBinary(faint, FD_BIN_THRESHOLD);
            if (bin != NULL) skew = find_skew(bin, edpi, opt->max_skew_deg, &ok);
            pixDestroy(&bin);
            if (!ok) {
                /* Still nothing: the table alone, on the lenient
                 * binarisation the orientation falls back to. */
                bin = pixThresholdToBinary(faint, FD_ORIENT_THRESHOLD);
                if (bin != NULL) skew = find_skew_of_table(bin, edpi, opt->max_skew_deg, &ok);
                pixDestroy(&bin);
            }
        }
        if (ok && fabs(skew) >= 0.02) {
            /* Rotate about the centre, same size, white brought in. */
            tmp = pixRotate(norm, (l_float32)(skew * FD_PI / 180.0), L_ROTATE_AREA_MAP,
                            L_BRING_IN_WHITE, 0, 0);
            if (tmp == NULL) {
                st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: deskew rotation failed", page);
                goto cleanup;
            }
            pixDestroy(&norm);
            norm = tmp;
            tmp = NULL;
            if (faint != NULL) {
                /* The faint copy is optional: without it the grid uses gray. */
                tmp = pixRotate(faint, (l_float32)(skew * FD_PI / 180.0), L_ROTATE_AREA_MAP,
                                L_BRING_IN_WHITE, 0, 0);
                pixDestroy(&faint);
                faint = tmp;
                tmp = NULL;
            }
        } else {
            skew = 0.0;
        }
    }

    if (opt->fix_orientation) {
        int score = 0;
        bin = pixThresholdToBinary(norm, FD_BIN_THRESHOLD);
        if (bin == NULL) {
            st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: binarisation failed", page);
            goto cleanup;
        }
        quads = detect_quads(bin, edpi, 0, &score);
        if (quads != 0 || score < FD_ORIENT_SURE) {
            /* Too few rules at the normal threshold (a faded scan), or too
             * few of their ends to tell up from down: try again with a
             * lenient one and the breaks of the rules closed; the long
             * openings of detect_quads remove the noise. An undecided
             * page stays as the first try left it unless the second
             * decides. A turn, and a decision the title cue alone could
             * have made, are looked at again too: where the row rules of
             * a faded table's lower part are lost at the normal
             * threshold, its text there looks like a title below the
             * table, and turning a page the wrong way costs all its
             * cells (a fresh hard set had a page of 110 cells turned
             * over so; the lenient look saw the whole table upright). */
            PIX *lenient = pixThresholdToBinary(norm, FD_ORIENT_THRESHOLD);
            int first = quads, second;
            pixDestroy(&bin);
            bin = lenient != NULL ? pixCloseSafeBrick(NULL, lenient, 3, 3) : NULL;
            pixDestroy(&lenient);
            /* Here even a short table (a continuation page's last rows
             * and the total on faded paper) is looked at: its rules and
             * the blank paper on one side of it may still tell. */
            second = bin != NULL ? detect_quads(bin, edpi, 1, &score) : 0;
            quads = first < 0 || score >= 2 ? second : first;
        }
        if (quads < 0) quads = 0;
        pixDestroy(&bin);
        if (quads != 0) {
            tmp = pixRotateOrth(norm, quads);
            if (tmp == NULL) {
                st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: rotation failed", page);
                goto cleanup;
            }
            pixDestroy(&norm);
            norm = tmp;
            tmp = NULL;
            if (faint != NULL) {
                tmp = pixRotateOrth(faint, quads);
                pixDestroy(&faint);
                faint = tmp;
                tmp = NULL;
            }
        }
    }

    /* A page with colour had its seals removed by colour; a gray one
     * (fewer coloured pixels than one small mark) by tone. */
    if (opt->suppress_color && n_colored >= 0 && n_colored < (long)w * h / 2000)
        suppress_gray_seals(norm, edpi, &digits);
    bin = pixThresholdToBinary(norm, FD_BIN_THRESHOLD);
    if (bin == NULL) {
        st = fd_diag_fail(dg, FD_ERR_NOMEM, "page %d: binarisation failed", page);
        goto cleanup;
    }
    if (dpi > 0) {
        pixSetResolution(norm, dpi, dpi);
        pixSetResolution(bin, dpi, dpi);
        if (faint != NULL) pixSetResolution(faint, dpi, dpi);
    }
    out->page = page;
    out->dpi = dpi;
    out->rotation_deg = quads * 90;
    out->skew_deg = skew;
    out->gray = norm;
    out->binary = bin;
    out->faint = faint;
    out->digits = digits;
    digits = NULL;
    norm = NULL;
    bin = NULL;
    faint = NULL;
cleanup:
    pixDestroy(&faint);
    pixDestroy(&digits);
    pixDestroy(&gray);
    pixDestroy(&norm);
    pixDestroy(&bin);
    pixDestroy(&tmp);
    return st;
}
