/* cmd_study.c: `flowchunk study summary STUDY_DIR`: the CSVs, fit and plots of a dataset-size
 * study run by jobs/study.sh (the runs themselves are ordinary `flowchunk window/train/eval`
 * calls made by that script, locally or as a Slurm job array). Single process. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "study.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char USAGE[] = "usage: flowchunk study summary STUDY_DIR [--tol X] [--prefix P] [--quiet]  (--help)\n";

static void study_help(void) {
    printf("%s\n"
           "Summarises a dataset-size study directory of jobs/study.sh (the command that runs the study:\n"
           "jobs/study.sh --help). Every finished run N<N>_s<seed>/ is scored by the mean over its last\n"
           "checkpoints, noise draws and held-out starts (study/heldout_<step>.json), and compared on the\n"
           "DP test seeds (study/dp_<step>.json). Writes, with P = STUDY_DIR/study by default:\n"
           "  P.csv           one row per run: score, success and their 95%% interval over the starts, DP\n"
           "                  score, budget (steps, epochs, windows), convergence measures, converged 0/1\n"
           "  P_summary.csv   one row per N: mean and 95%% interval over seeds and starts (crossed random\n"
           "                  effects, Satterthwaite df) of score and success, held-out and DP seeds\n"
           "  P_fit.csv       1 - score = a N^-b and 1 - success = a N^-b (log-log least squares over the\n"
           "                  runs) with 95%% intervals on a and b\n"
           "  P_score.png, P_success.png   vs N on a log axis with intervals, each run, the fit\n"
           "  P_curves.png    every run's training evaluations, one panel per N\n"
           "  STUDY_DIR/report.html        the study's page, linking each run's report\n\n"
           "  --tol X     a run is converged when its last 3 training evaluations average at most X above\n"
           "              the 3 before, its scored checkpoints rise by at most X, and its size's budget\n"
           "              probe N<N>_s<seed>_x<F>/ (F times the steps) scores at most X above the run it\n"
           "              repeats (default 0.02)\n"
           "  --prefix P  where the outputs go\n"
           "  --quiet     no table on stderr\n",
           USAGE);
}

int cmd_study(int argc, char **argv) {
    static const struct option OPTS[] = {{"tol", required_argument, 0, 't'},
                                         {"prefix", required_argument, 0, 'p'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    double tol = 0.02;
    const char *prefix = NULL;
    int quiet = 0, o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":h", OPTS, NULL)) != -1) {
        switch (o) {
        case 't':
            if (cli_double("study", "--tol", optarg, 0, 1, &tol)) return FC_ERR_USAGE;
            break;
        case 'p': prefix = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': study_help(); return 0;
        case ':': return cli_usage_error("study", USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error("study", USAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2 || strcmp(argv[optind], "summary") != 0)
        return cli_usage_error("study", USAGE, "expected: summary STUDY_DIR (run a study with jobs/study.sh)");
    return study_summary_write(argv[optind + 1], prefix, tol, quiet);
}
