/* cmd_report.c: `flowchunk report RUN_DIR [-o FILE]`, `flowchunk report A B ... -o FILE` (a
 * comparison) and `flowchunk report --study STUDY_DIR` (a dataset-size study). Single process
 * (run it without mpirun); every page is one self-contained HTML file. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "report.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char USAGE[] = "usage: flowchunk report RUN_DIR [-o FILE] | RUN_DIR RUN_DIR... [-o FILE] | --study DIR "
                            "[--csv PREFIX] [--png FILE] [-o FILE]  (--help)\n";

static void report_help(void) {
    printf("usage: flowchunk report RUN_DIR [-o FILE]\n"
           "       flowchunk report RUN_A RUN_B [...] [-o FILE]\n"
           "       flowchunk report --study STUDY_DIR [-o FILE]\n\n"
           "Writes one self-contained HTML page (inline SVG plots and CSS, GIFs embedded, no network\n"
           "request of any kind) that a browser opens offline and that can be mailed or committed.\n\n"
           "  RUN_DIR             the --run-dir of a flowchunk train, finished or still running: identity\n"
           "                      (command, commit, topology, data, recipe), loss / evaluation / samples/s\n"
           "                      curves, best and last evaluations, per-start scores of RUN_DIR/eval.json,\n"
           "                      the GIFs of RUN_DIR, the checkpoints. Default output RUN_DIR/report.html\n"
           "                      (the trainer also refreshes it after every evaluation).\n"
           "  RUN_A RUN_B ...     a comparison: curves overlaid, configs side by side, the rows that\n"
           "                      differ highlighted. Default output compare.html\n"
           "  --study STUDY_DIR   a dataset-size study (jobs/scaling_summary.sh output + the run dirs\n"
           "                      N<N>_s<seed>/): score and success vs N on a log axis with the fit, a table\n"
           "                      linking each run's report (written too). Default STUDY_DIR/report.html\n"
           "    --csv PREFIX      read PREFIX.csv and PREFIX_summary.csv (default: the one in STUDY_DIR)\n"
           "    --png FILE        also draw the study's chart as a PNG\n"
           "  -o, --output FILE   where to write the page\n");
}

int cmd_report(int argc, char **argv) {
    static const struct option OPTS[] = {{"output", required_argument, 0, 'o'},
                                         {"study", required_argument, 0, 's'},
                                         {"csv", required_argument, 0, 'c'},
                                         {"png", required_argument, 0, 'p'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL, *study = NULL, *csv = NULL, *png = NULL;
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":o:h", OPTS, NULL)) != -1) {
        switch (o) {
        case 'o': out = optarg; break;
        case 's': study = optarg; break;
        case 'c': csv = optarg; break;
        case 'p': png = optarg; break;
        case 'h': report_help(); return 0;
        case ':': return cli_usage_error("report", USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error("report", USAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    int n = argc - optind;
    const char *const *dirs = (const char *const *)argv + optind;
    if (!study && n == 1 && report_study_is(dirs[0])) study = dirs[0], n = 0; /* a study dir given plainly */
    if (study && n > 0) return cli_usage_error("report", USAGE, "--study takes no run directories");
    if (!study && (csv || png)) return cli_usage_error("report", USAGE, "--csv and --png go with --study");
    if (!study && n == 0) return cli_usage_error("report", USAGE, "give a run directory (or several, or --study DIR)");
    int rc;
    const char *what;
    char dflt[4200];
    if (study) {
        rc = report_study_write(study, csv, out, png);
        snprintf(dflt, sizeof dflt, "%s/report.html", study);
        what = "study";
    } else if (n == 1) {
        rc = report_run_write(dirs[0], out);
        snprintf(dflt, sizeof dflt, "%s/report.html", dirs[0]);
        what = "run";
    } else {
        snprintf(dflt, sizeof dflt, "compare.html");
        rc = report_compare_write(dirs, n, out ? out : dflt);
        what = "comparison";
    }
    if (rc != FC_OK) return rc;
    fprintf(stderr, "flowchunk report: %s report: %s\n", what, out ? out : dflt);
    return FC_OK;
}
