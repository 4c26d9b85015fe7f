/*
 * Fuzz target: the value parsers and reading repairs (value.h) on
 * arbitrary bytes. The parsers
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
    {
        /* The reading repairs: the input split at its first newline into
         * a text-model and a measure-alphabet reading. */
        char *nl = strchr(text, '\n'), *r;
        const char *measure = nl ? nl + 1 : text;
        char *copy = malloc(size + 1);
        if (copy != NULL) {
            memcpy(copy, text, size + 1);
            (void)fd_repair_number(copy);
            if (strlen(copy) > strlen(text)) abort(); /* repairs never lengthen */
            (void)fd_repair_point_groups(copy);
            if (strlen(copy) > strlen(text)) abort();
            free(copy);
        }
        {
            /* The alternative drops one digit: one byte shorter. */
            char alt[64];
            if (fd_percent_digit_alternative(text, alt, sizeof alt) && strlen(alt) + 1 != strlen(text))
                abort();
        }
        if (nl) *nl = '\0';
        r = fd_merge_measure_unit(text, measure, "\xE4\xBA\xBA\xE4\xB8\xAA\xE4\xB8\x87\xE5\x85\x83");
        fd_free(r);
        r = fd_measure_relation_from_line(text, measure);
        fd_free(r);
    }
    free(text);
    return 0;
}
