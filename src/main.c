/* main.c: the `flowchunk` front end. Holds the subcommand table (Lua's luaL_Reg shape) and turns
 * a failed command's status into its one error line; every subcommand lives in its own
 * src/cmd_<name>.c and owns its --help. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/dist.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static const Command COMMANDS[] = {
    {"import", cmd_import, "convert Diffusion Policy's Push-T zarr into an episodes HDF5 file"},
    {"demos", cmd_demos, "generate Push-T demonstrations with the built-in scripted expert"},
    {"window", cmd_window, "cut episodes into (observation, action chunk) windows, scaled to [-1,1]"},
    {"train", cmd_train, "train a flow-matching (or MSE) policy, data-parallel over MPI ranks"},
    {"eval", cmd_eval, "score a checkpoint with batched Push-T rollouts"},
    {"sim", cmd_sim, "inspect the Push-T simulator: reset, replay, render, step"},
    {"info", cmd_info, "describe any flowchunk HDF5 file"},
    {"report", cmd_report, "write a self-contained HTML report of a run, several runs or a study"},
    {"study", cmd_study, "summarise a dataset-size study of jobs/study.sh: CSVs, 95% intervals, fit, plots"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f) {
    fprintf(f, "usage: flowchunk <command> [options]   (flowchunk <command> --help for details)\n\n"
               "Flow-matching action-chunking policies for Push-T, trained data-parallel with MPI.\n\n"
               "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\nTypical run:  flowchunk import ZARR -o ep.h5 && flowchunk window ep.h5 -o win.h5 &&\n"
               "              mpirun -np 4 flowchunk train win.h5 --run-dir runs/a --eval-ranks 1\n");
}

/* the one error line of a failed command, then the usage after a usage mistake. Printed on world
 * rank 0 only: a parallel command agrees its status over the ranks before it returns
 * (dist_agree_status), so rank 0 holds the (lowest failing rank's) message. A message somebody
 * already read was reported (check.h), and a requeue is no failure. */
static void report_failure(int rc) {
    const char *msg = fc_unread_error();
    if (rc == FC_OK || rc == FC_EXIT_REQUEUE || !msg || dist_world_rank() != 0) return;
    fflush(stdout); /* what a command printed before it failed comes first */
    fprintf(stderr, "flowchunk %s: error: %s\n", cli_command(), msg);
    if (rc == FC_ERR_USAGE && cli_error_usage()) fputs(cli_error_usage(), stderr);
    fflush(stderr);
}

int main(int argc, char **argv) {
    if (argc < 2) { usage(stderr); return FC_ERR_USAGE; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], COMMANDS[i].name) != 0) continue;
        dist_init(&argc, &argv);
        cli_set_command(COMMANDS[i].name);
        int rc = COMMANDS[i].run(argc - 1, argv + 1);
        report_failure(rc);
        if (rc != 0 && rc != FC_EXIT_REQUEUE) dist_abort(rc); /* one rank's failure ends the job */
        dist_finalize();
        return rc;
    }
    fprintf(stderr, "flowchunk: error: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return FC_ERR_USAGE;
}
