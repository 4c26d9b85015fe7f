/*
 * Shared by the fuzz targets and their replayer (replay_main.c).
 */
#ifndef FD_FUZZ_H
#define FD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point; replay_main.c calls it for every corpus file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The loaders under test take a path, so the input is written to an
 * anonymous in-memory file (memfd) and its /proc/self/fd path is handed
 * over: no disk traffic and nothing to clean up between runs. Returns the
 * path (static buffer) or NULL when the file could not be written. */
const char *fuzz_memfile(const uint8_t *data, size_t size);

#endif /* FD_FUZZ_H */
