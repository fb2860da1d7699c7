/* expect.h: the one failure helper of flowchunk's C tests. EXPECT(cond) or EXPECT(cond, "printf
 * message", ...) counts a failure in `failures` and prints "FAIL file:line: message" (the
 * condition's text when there is no message), the first 20 of them; a test ends with
 * `return failures ? 1 : 0`. */
#ifndef FLOWCHUNK_TESTS_EXPECT_H
#define FLOWCHUNK_TESTS_EXPECT_H

#include <stdarg.h>
#include <stdio.h>

static int failures = 0;

static void expect_fail_(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void expect_fail_(const char *file, int line, const char *cond, const char *fmt, ...) {
    if (failures++ >= 20) return;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    if (fmt[1]) { /* fmt is " " + the caller's format (a lone " ": no message) */
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt + 1, ap);
        va_end(ap);
    } else {
        fputs(cond, stderr);
    }
    fputc('\n', stderr);
}

#define EXPECT(cond, ...) do { if (!(cond)) expect_fail_(__FILE__, __LINE__, #cond, " " __VA_ARGS__); } while (0)

#endif
