/* cli.c: strict option parsing shared by every subcommand, and the pieces of the one error line
 * main prints for a failed command (see cli.h). */
#include "flowchunk/cli.h"
#include "flowchunk/check.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

static char cli_cmd[64] = "";        /* the command the error line names */
static const char *cli_usage_text;   /* the usage printed after a usage mistake, or NULL */

void cli_set_command(const char *name) { snprintf(cli_cmd, sizeof cli_cmd, "%s", name); }

const char *cli_command(void) { return cli_cmd; }

const char *cli_error_usage(void) { return cli_usage_text; }

int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out) {
    char *end = NULL;
    errno = 0;
    long v = strtol(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno || v < lo || v > hi) {
        cli_set_command(cmd);
        cli_usage_text = NULL;
        fc_set_error("%s expects an integer in [%ld, %ld], got '%s'", opt, lo, hi, s ? s : "");
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
        cli_set_command(cmd);
        cli_usage_text = NULL;
        fc_set_error("%s expects a number in [%g, %g], got '%s'", opt, lo, hi, s ? s : "");
        return FC_ERR_USAGE;
    }
    *out = v;
    return FC_OK;
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_set_command(cmd);
    cli_usage_text = usage;
    fc_set_error("%s", msg);
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
