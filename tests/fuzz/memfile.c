/*
 * fuzz_memfile: the fuzz input as a file path (see fuzz.h).
 */
#define _GNU_SOURCE /* memfd_create */

#include "fuzz.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

const char *fuzz_memfile(const uint8_t *data, size_t size)
{
    /* One memfd for the life of the process, rewritten for every input:
     * a new file per run would exhaust descriptors over 10^7 runs. */
    static int fd = -1;
    static char path[64];
    size_t off = 0;
    if (fd < 0) {
        fd = memfd_create("fuzz-input", 0);
        if (fd < 0) return NULL;
        if (snprintf(path, sizeof path, "/proc/self/fd/%d", fd) >= (int)sizeof path) return NULL;
    }
    if (ftruncate(fd, 0) != 0) return NULL;
    while (off < size) {
        ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);
        if (n <= 0) return NULL;
        off += (size_t)n;
    }
    return path;
}
