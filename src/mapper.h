/*
 * Table reconstructor, second half: cell grids of the pages of one file,
 * with the texts read from their cells → forms with every field and its
 * provenance. libc only: cell texts come through a reader callback, so the
 * mapper is tested with synthetic grids and texts, no OCR.
 *
 * Labels are found by fuzzy match against the form model
 * (models/form.json); values are read by grid position relative to them.
 */
#ifndef FD_MAPPER_H
#define FD_MAPPER_H

#include "form.h"
#include "grid.h"

/* What a cell is expected to hold; the reader picks its OCR mode from it. */
typedef enum fd_cell_kind {
    FD_KIND_LABEL = 0,   /* a label or short text, one line */
    FD_KIND_TEXT,        /* an indicator's name, possibly wrapped: read with care */
    FD_KIND_PROSE,       /* a sentence (偏差原因, 年度总体目标): one reading */
    FD_KIND_KEY,         /* a header value (项目名称, 主管部门, 实施单位): read with most care */
    FD_KIND_AMOUNT,      /* amount, weight, score */
    FD_KIND_PERCENT,     /* 执行率 */
    FD_KIND_MEASURE      /* 年度指标值 / 实际完成值 */
} fd_cell_kind;

#define FD_CELL_PREAMBLE ((size_t)-1) /* the region above the table: title, year */

/* One reading of a cell, owned by the reader (valid until the reader is
 * called again: a cell wanted with more care than it was read with is read
 * again). */
typedef struct fd_cell_reading {
    const char *text;                 /* "" for an empty cell */
    double conf;                      /* 0–100 */
    int box[4];                       /* page pixels */
    const char *const *alternatives;
    size_t n_alternatives;
} fd_cell_reading;

/* Reads cell cell_index of page page_index (index into the grids array)
 * as kind. FD_CELL_PREAMBLE asks for the text above the table. */
typedef fd_status (*fd_cell_reader)(void *user, size_t page_index, size_t cell_index,
                                    fd_cell_kind kind, fd_cell_reading *out, fd_diag *dg);

/* A label of the form model with its accepted spellings. */
typedef struct fd_label {
    char key[48];            /* e.g. "project_name", "funds.total", "col.initial_budget" */
    char **variants;         /* UTF-8 spellings, whitespace-free */
    size_t n_variants;
} fd_label;

/* A second-level indicator name and the first-level one it is printed
 * under (数量指标 → 产出指标), both canonical (as in the ind.level1. and
 * ind.level2. keys); owned by the model. */
typedef struct fd_level_parent {
    char *level2;
    char *level1;
} fd_level_parent;

typedef struct fd_form_model {
    fd_label *labels;
    size_t n_labels;
    double min_similarity;   /* label match threshold 0–1 */
    fd_level_parent *parents;
    size_t n_parents;
} fd_form_model;

void fd_form_model_clear(fd_form_model *m);
const fd_label *fd_form_model_find(const fd_form_model *m, const char *key);

/* Best label whose key starts with prefix (NULL: any) for text, with its
 * similarity 0–1 (normalised edit distance on code points). */
const fd_label *fd_form_model_match(const fd_form_model *m, const char *prefix,
                                    const char *text, double *similarity);

/* Maps pages (grids[i] is page grids[i].page) into forms appended to doc;
 * a page holding no part of a form gets a doc error "PAGE_NOT_A_FORM". */
fd_status fd_map_document(const fd_form_model *model, const fd_grid *grids, size_t n_grids,
                          fd_cell_reader reader, void *user, fd_document *doc, fd_diag *dg);

/* The same, a page at a time, for pages that become ready one by one
 * (read by several threads): pages are added in order, gi = 0, 1, …, each
 * call with a grids array holding that page and every earlier one
 * unchanged. Forms are appended to doc, which must outlive the mapper.
 * Nothing of a call (model, grids, reader, dg) is kept for the next. */
typedef struct fd_mapper fd_mapper;
fd_status fd_mapper_create(const fd_form_model *model, fd_document *doc, fd_mapper **out, fd_diag *dg);
fd_status fd_mapper_add_page(fd_mapper *mp, const fd_form_model *model, const fd_grid *grids,
                             size_t gi, fd_cell_reader reader, void *user, fd_diag *dg);
/* Stitches and completes the forms (cut rows joined, level labels carried). */
fd_status fd_mapper_finish(fd_mapper *mp, const fd_form_model *model, fd_diag *dg);
void fd_mapper_destroy(fd_mapper **pp);

#endif /* FD_MAPPER_H */
