/*
 * The scan pipeline driven a page at a time (process.c through the public
 * fd_scan API): pages read out of order and on two threads, each with its
 * own context and engine, give the same JSON as fd_process_file; mapping
 * goes only as far as the pages read allow; misuse is refused with a
 * message. Runs the real OCR on a bundled 3-page scan.
 */
#include "formdig.h"
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MODELS FD_SOURCE_DIR "/models"
/* One form on three pages, an indicator row cut across pages 2 and 3:
 * pages 2 and 3 are mapped with the state the earlier pages left. */
#define SCAN FD_SOURCE_DIR "/scans/sample002_hard.pdf"

typedef struct page_job {
    fd_context *ctx;
    fd_scan *scan;
    int page;
    fd_status st;
} page_job;

static void *read_page_thread(void *arg)
{
    page_job *pj = arg;
    pj->st = fd_scan_read_page(pj->ctx, pj->scan, pj->page);
    return NULL;
}

static void test_pages_out_of_order(fd_context *a, fd_context *b, const char *reference)
{
    fd_scan *scan = NULL;
    char *json = NULL;
    fd_result_info info;
    page_job pj;
    pthread_t th;
    int mapped = -1, started;

    T_EQ_INT(fd_scan_open(a, SCAN, &scan), FD_OK);
    if (scan == NULL) return;
    T_EQ_INT(fd_scan_page_count(scan), 3);

    /* Page 3 alone: nothing can be mapped before page 1. */
    T_EQ_INT(fd_scan_read_page(a, scan, 3), FD_OK);
    T_EQ_INT(fd_scan_map_pages(b, scan, &mapped), FD_OK);
    T_EQ_INT(mapped, 0);
    /* Finishing now is a usage error that leaves the scan usable. */
    T_EQ_INT(fd_scan_finish(a, scan, &json, &info), FD_ERR_USAGE);
    T_CHECK(json == NULL);
    T_CHECK(strstr(fd_context_errmsg(a), "every page") != NULL);

    /* Pages 2 and 1 at the same time, on two threads and engines. */
    pj.ctx = b;
    pj.scan = scan;
    pj.page = 2;
    pj.st = FD_ERR_INTERNAL;
    started = pthread_create(&th, NULL, read_page_thread, &pj) == 0;
    T_CHECK(started);
    T_EQ_INT(fd_scan_read_page(a, scan, 1), FD_OK);
    if (started) pthread_join(th, NULL);
    T_EQ_INT(pj.st, FD_OK);

    /* A page is read once. */
    T_EQ_INT(fd_scan_read_page(a, scan, 2), FD_ERR_USAGE);
    T_CHECK(strstr(fd_context_errmsg(a), "page 2 read twice") != NULL);
    T_EQ_INT(fd_scan_read_page(a, scan, 0), FD_ERR_USAGE);
    T_EQ_INT(fd_scan_read_page(a, scan, 4), FD_ERR_USAGE);

    T_EQ_INT(fd_scan_map_pages(a, scan, &mapped), FD_OK);
    T_EQ_INT(mapped, 3);
    memset(&info, 0, sizeof info);
    T_EQ_INT(fd_scan_finish(b, scan, &json, &info), FD_OK);
    T_EQ_STR(json, reference);
    T_EQ_INT(info.n_pages, 3);
    T_EQ_INT(info.n_forms, 1);
    T_CHECK(json && strstr(json, "\"pages\":[1,2,3]") != NULL);
    fd_free(json);
    fd_scan_destroy(&scan);
    T_CHECK(scan == NULL);
    fd_scan_destroy(&scan);
    fd_scan_destroy(NULL);
}

static void test_open_errors(fd_context *a)
{
    fd_scan *scan = (fd_scan *)&scan;
    int mapped = -1;
    T_EQ_INT(fd_scan_open(a, FD_SOURCE_DIR "/scans/no-such-file.pdf", &scan), FD_ERR_IO);
    T_CHECK(scan == NULL);
    T_CHECK(strstr(fd_context_errmsg(a), "no-such-file.pdf") != NULL);
    T_EQ_INT(fd_scan_open(a, NULL, &scan), FD_ERR_USAGE);
    T_EQ_INT(fd_scan_read_page(a, NULL, 1), FD_ERR_USAGE);
    T_EQ_INT(fd_scan_map_pages(a, NULL, &mapped), FD_ERR_USAGE);
    T_EQ_INT(mapped, 0);
    T_EQ_INT(fd_scan_page_count(NULL), 0);
}

int main(void)
{
    fd_context *a = NULL, *b = NULL;
    char *reference = NULL;
    fd_result_info info;
    T_EQ_INT(fd_context_create(&a, MODELS), FD_OK);
    T_EQ_INT(fd_context_create(&b, MODELS), FD_OK);
    if (a && b) {
        T_EQ_INT(fd_process_file(a, SCAN, &reference, &info), FD_OK);
        T_EQ_INT(info.n_forms, 1);
        if (reference) test_pages_out_of_order(a, b, reference);
        test_open_errors(a);
    }
    fd_free(reference);
    fd_context_destroy(&a);
    fd_context_destroy(&b);
    return fd_test_summary("test_process");
}
