/* cli.h: small helpers shared by the subcommands: strict number parsing with a clear message,
 * and the uniform "flowchunk CMD: error: ..." + usage exit. Options are parsed with getopt_long. */
#ifndef FLOWCHUNK_CLI_H
#define FLOWCHUNK_CLI_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* parse an integer option in [lo,hi]; on failure prints the error for `opt` and returns FC_ERR */
int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
/* parse a finite floating option in [lo,hi] */
int cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);
/* print "flowchunk CMD: error: MSG" and "usage: ..." to stderr; returns FC_ERR_USAGE */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* print o as ONE line of JSON on stdout (the --json contract), flush, and free o */
void cli_print_json(cJSON *o);

#endif
