/*
 * Fuzz target: the contract JSON reader (check mode's input) and the
 * recheck that edits and prints the tree, with the default rules. The
 * reader takes (json, len): the bytes are handed over without a
 * terminator so that a read past len is caught.
 */
#include "fuzz.h"

#include "json_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fd_diag dg;
    fd_document *doc = NULL;
    fd_rules rules;
    fd_result_info info;
    char *out = NULL;
    const char *json = (const char *)data;

    fd_diag_init(&dg);
    if (fd_json_read_document(json, size, &doc, &dg) == FD_OK) {
        /* What was read must print again. */
        char *text = NULL;
        fd_diag_reset(&dg);
        (void)fd_json_write_document(doc, 0, &text, &dg);
        fd_free(text);
    }
    fd_document_destroy(&doc);

    fd_diag_reset(&dg);
    fd_rules_default(&rules);
    (void)fd_json_recheck(json, size, &rules, size % 2 == 0, &out, &info, &dg);
    fd_free(out);
    return 0;
}
