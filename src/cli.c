/* cli.c: strict option parsing shared by every subcommand (see cli.h). */
#include "flowchunk/cli.h"
#include "flowchunk/check.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out) {
    char *end = NULL;
    errno = 0;
    long v = strtol(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "flowchunk %s: error: %s expects an integer in [%ld, %ld], got '%s'\n", cmd, opt,
                lo, hi, s ? s : "");
        return FC_ERR_USAGE;
    }
    *out = v;
    return FC_OK;
}

int cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out) {
    char *end = NULL;
    errno = 0;
    double v = strtod(s ? s : "", &end);
    if (!s || !*s || *end || errno || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "flowchunk %s: error: %s expects a number in [%g, %g], got '%s'\n", cmd, opt, lo, hi,
                s ? s : "");
        return FC_ERR_USAGE;
    }
    *out = v;
    return FC_OK;
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "flowchunk %s: error: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n%s", usage);
    va_end(ap);
    return FC_ERR_USAGE;
}

void cli_print_json(cJSON *o) {
    char *s = cJSON_PrintUnformatted(o);
    FC_CHECK(s, "out of memory printing JSON");
    printf("%s\n", s);
    fflush(stdout);
    cJSON_free(s);
    cJSON_Delete(o);
}
