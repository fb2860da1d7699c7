/* cmd_info.c: `flowchunk info FILE.h5 [--json]`: describes any flowchunk HDF5 file by its root
 * `format` attribute (info_describe, src/info.c). */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "info.h"

#include <getopt.h>
#include <stdio.h>

static const char *INFO_USAGE =
    "usage: flowchunk info FILE.h5 [--json]\n"
    "\n"
    "Describe a flowchunk HDF5 file by its 'format' attribute: episodes files get episode counts,\n"
    "lengths, seeds, value ranges and the demo outcome (success rate, coverage) when recorded;\n"
    "every file gets the list of its datasets (shape, dtype) and root attributes.\n"
    "\n"
    "options:\n"
    "      --json   print one JSON object on stdout\n"
    "  -h, --help   this help\n";

int cmd_info(int argc, char **argv) {
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int json = 0;
    optind = 1;
    opterr = 0;
    for (int ch; (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
        switch (ch) {
        case 'j': json = 1; break;
        case 'h': fputs(INFO_USAGE, stdout); return 0;
        default: return cli_usage_error("info", INFO_USAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("info", INFO_USAGE, optind >= argc ? "missing FILE.h5" : "expected one FILE.h5");
    return info_describe(argv[optind], json);
}
