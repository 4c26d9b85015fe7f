/*
 * Fuzz target: the value parsers (value.h) on arbitrary bytes. The parsers
 * take NUL-terminated text, so the input is copied with a terminator; an
 * embedded NUL just ends the text early, as it would for a cell reading.
 */
#include "fuzz.h"

#include "value.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    fd_num num;
    fd_measure m;
    fd_status st = FD_OK;
    char *norm;
    if (text == NULL) return 0;
    if (size > 0) memcpy(text, data, size);
    text[size] = '\0';

    memset(&num, 0, sizeof num);
    (void)fd_parse_amount(text, &num);
    memset(&num, 0, sizeof num);
    (void)fd_parse_percent(text, &num);
    memset(&m, 0, sizeof m);
    (void)fd_parse_measure(text, &m, &st);
    fd_measure_clear(&m);
    norm = fd_text_normalize(text);
    /* The output is valid UTF-8 whatever the input (an invalid byte
     * becomes U+FFFD), at most 3 bytes per input byte. */
    if (norm != NULL && (!fd_utf8_valid(norm, strlen(norm)) || strlen(norm) > 3 * size)) abort();
    fd_free(norm);
    (void)fd_text_is_null(text);
    free(text);
    return 0;
}
