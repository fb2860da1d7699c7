/* cli.h: small helpers shared by the subcommands: strict number parsing, usage mistakes, and
 * the one error line. A command returns a status; on failure main prints
 * "flowchunk CMD: error: <fc_last_error()>" (and the usage after a usage mistake) on world rank 0.
 * Options are parsed with getopt_long. */
#ifndef FLOWCHUNK_CLI_H
#define FLOWCHUNK_CLI_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* parse an integer option in [lo,hi]; on failure sets the error for `opt` (command `cmd`) and
 * returns FC_ERR_USAGE */
int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
/* parse a finite floating option in [lo,hi] */
int cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);
/* a usage mistake of command `cmd`: sets the error MSG, main prints it and then `usage`;
 * returns FC_ERR_USAGE */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* the command the error line names: main sets the subcommand, a command with tools refines it
 * ("sim replay"); the parsers above set the `cmd` they are given */
void cli_set_command(const char *name);
const char *cli_command(void);
/* the usage text of the last cli_usage_error (NULL after any other cli error) */
const char *cli_error_usage(void);

/* print o as ONE line of JSON on stdout (the --json contract), flush, and free o */
void cli_print_json(cJSON *o);

#endif
