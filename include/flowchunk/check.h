/* check.h: the three error tiers of flowchunk (STYLE.md).
 *  1. Environment/IO failures (malloc, files, HDF5, MPI): FC_CHECK / fc_fatal print one line
 *     "flowchunk: error: <what> (<file>:<line>)" and bring the WHOLE MPI job down (through the
 *     abort hook dist_init registers; this file depends on nothing else of flowchunk).
 *  2. Programmer errors: FC_ASSERT(cond, "sentence telling the caller what they did wrong").
 *  3. Bad user input: functions return FC_ERR_* with fc_set_error(); the command returns the
 *     status and main prints the one line "flowchunk CMD: error: <reason>" (src/main.c). */
#ifndef FLOWCHUNK_CHECK_H
#define FLOWCHUNK_CHECK_H

#include <stddef.h>

enum { FC_OK = 0, FC_ERR = 1, FC_ERR_USAGE = 2 };
/* exit status of a run stopped by SIGTERM/SIGUSR1 after a consistent checkpoint: requeue me */
#define FC_EXIT_REQUEUE 3

/* the job this process belongs to: abort_job(code) ends every rank (does not return), world_rank()
 * is this process's rank (only rank 0 logs). dist_init registers them; NULL = a lone process */
void fc_set_job_hooks(void (*abort_job)(int code), int (*world_rank)(void));

/* prints "flowchunk: error: ..." (+ " (file:line)" when file != NULL) and aborts every rank */
void fc_fatal_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
#define fc_fatal(...) fc_fatal_at(__FILE__, __LINE__, __VA_ARGS__)
/* the same, for errors the user can fix: no source location, just the message */
void fc_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* an error every rank of a group detected at once (the same step, the same numbers): the rank
 * with report != 0 prints it and brings the job down; the others wait for that (60 s at most) */
void fc_die_collective(int report, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#define FC_CHECK(cond, ...) do { if (!(cond)) fc_fatal(__VA_ARGS__); } while (0)
#define FC_ASSERT(cond, sentence) do { if (!(cond)) \
    fc_fatal("assertion failed: %s [%s]", sentence, #cond); } while (0)

void *fc_malloc_at(size_t n, const char *file, int line);
void *fc_calloc_at(size_t count, size_t size, const char *file, int line);
#define fc_malloc(n) fc_malloc_at((n), __FILE__, __LINE__)
#define fc_calloc(c, s) fc_calloc_at((c), (s), __FILE__, __LINE__)

/* last user-facing error message (tier 3); fc_set_error returns FC_ERR for `return fc_set_error(..)` */
int fc_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* the message of the last fc_set_error. Whoever reads it reports it (prints it, wraps it into a
 * new fc_set_error, or logs it as a warning): main prints only a message nobody has read */
const char *fc_last_error(void);
/* the message of the last fc_set_error when nobody has read it yet, else NULL (for main) */
const char *fc_unread_error(void);

/* progress/info lines on stderr ("flowchunk: ..."); silent on ranks other than world rank 0
 * unless the message is an error */
void fc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
