/* check.c: fatal errors that end the whole MPI job with one line, checked allocation, the
 * user-facing error slot, and rank-0 logging. See check.h for the three error tiers. */
#include "flowchunk/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char fc_error_buf[1024];
static int fc_error_unread; /* set by fc_set_error, cleared by fc_last_error (check.h) */

/* the job hooks (dist.c registers MPI_Abort and the world rank at dist_init); without them a
 * fatal error exits this process and every process logs */
static void (*fc_abort_hook)(int code);
static int (*fc_rank_hook)(void);

void fc_set_job_hooks(void (*abort_job)(int code), int (*world_rank)(void)) {
    fc_abort_hook = abort_job;
    fc_rank_hook = world_rank;
}

static void fc_abort(int code) {
    fflush(stdout);
    fflush(stderr);
    if (fc_abort_hook) fc_abort_hook(code);
    exit(code);
}

static void vfatal(const char *file, int line, const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (file) fprintf(stderr, "flowchunk: error: %s (%s:%d)\n", msg, file, line);
    else fprintf(stderr, "flowchunk: error: %s\n", msg);
    fflush(stderr);
    fc_abort(1);
}

void fc_fatal_at(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfatal(file, line, fmt, ap);
    va_end(ap);
    exit(1); /* not reached: fc_abort does not return */
}

void fc_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfatal(NULL, 0, fmt, ap);
    va_end(ap);
    exit(1);
}

void fc_die_collective(int report, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (report) fc_die("%s", msg);
    /* the reporter's abort ends us long before this; signals (mpirun's SIGTERM) cut naps short */
    time_t end = time(NULL) + 60;
    while (time(NULL) < end) sleep(1);
    fc_die("%s", msg);
}

void *fc_malloc_at(size_t n, const char *file, int line) {
    void *p = malloc(n ? n : 1);
    if (!p) fc_fatal_at(file, line, "out of memory allocating %zu bytes", n);
    return p;
}

void *fc_calloc_at(size_t count, size_t size, const char *file, int line) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) fc_fatal_at(file, line, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

int fc_set_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fc_error_buf, sizeof fc_error_buf, fmt, ap);
    va_end(ap);
    fc_error_unread = 1;
    return FC_ERR;
}

const char *fc_last_error(void) {
    fc_error_unread = 0;
    return fc_error_buf[0] ? fc_error_buf : "unknown error";
}

const char *fc_unread_error(void) { return fc_error_unread ? fc_error_buf : NULL; }

void fc_log(const char *fmt, ...) {
    if (fc_rank_hook && fc_rank_hook() != 0) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("flowchunk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
