/* slurm_standin.c: a tiny real MPI program that stands in for `flowchunk` in the job-script tests
 * (tests/slurm_*.sh) while the real trainer is not there yet. It honours the same command line
 * and the same files as the contract in DESIGN.md, with none of the maths:
 *   train WINDOWS.h5 --run-dir DIR [--eval-ranks E] [--steps N] [--seed S] [--resume]
 *         [--ckpt-every K] [--step-ms MS] [--ckpt-ms MS]
 *       one MPI_Allreduce per "step" over the world; rank 0 appends {"step":..} lines to
 *       DIR/metrics.jsonl and writes DIR/ckpt/step_XXXXXXX.h5 + DIR/latest.h5 (HDF5, root
 *       attribute "step", atomic rename), DIR/best.h5 and DIR/summary.json at the end. SIGUSR1 or
 *       SIGTERM: checkpoint at the current step and exit 3 (FC_EXIT_REQUEUE) on every rank.
 *       --resume continues from DIR/latest.h5 ("resumed from step K" on stderr).
 *   eval CKPT.h5 [--episodes N] [--json]   prints {"score":..,"success_rate":..,...} (rank 0)
 *   window EPISODES.h5 -o OUT.h5 [--max-episodes N] [--val-episodes V] [--obs/--obs-steps/
 *         --horizon/--pad X]   records N, V as attributes of OUT.h5 (ignores the rest)
 * Switching the tests to the real trainer is one CMake variable (FC_SLURM_TRAINER=real). */
#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EXIT_REQUEUE 3 /* FC_EXIT_REQUEUE in include/flowchunk/check.h */

static volatile sig_atomic_t standin_signal = 0;
static int standin_rank = 0;

static void standin_on_signal(int sig) { standin_signal = sig; }

static void standin_die(const char *what, const char *arg) {
    fprintf(stderr, "flowchunk: error: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

static void standin_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !standin_signal) {}
}

/* an HDF5 file holding root attributes (int64); written to PATH.tmp and renamed into place */
static void standin_h5_write(const char *path, int n, const char *const *names, const long long *values) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) standin_die("cannot create", tmp);
    hid_t space = H5Screate(H5S_SCALAR);
    for (int i = 0; i < n; i++) {
        hid_t a = H5Acreate2(f, names[i], H5T_NATIVE_LLONG, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_LLONG, &values[i]);
        H5Aclose(a);
    }
    H5Sclose(space);
    H5Fclose(f);
    if (rename(tmp, path) != 0) standin_die("cannot rename into", path);
}

static int standin_h5_read(const char *path, const char *name, long long *value) {
    if (access(path, R_OK) != 0) return -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return -1;
    int ok = -1;
    if (H5Aexists(f, name) > 0) {
        hid_t a = H5Aopen(f, name, H5P_DEFAULT);
        ok = H5Aread(a, H5T_NATIVE_LLONG, value) < 0 ? -1 : 0;
        H5Aclose(a);
    }
    H5Fclose(f);
    return ok;
}

static void standin_checkpoint(const char *dir, long long step, long long seed) {
    char path[4096], latest[4096];
    const char *names[] = {"step", "seed"};
    long long values[] = {step, seed};
    snprintf(path, sizeof path, "%s/ckpt/step_%07lld.h5", dir, step);
    standin_h5_write(path, 2, names, values);
    snprintf(latest, sizeof latest, "%s/latest.h5", dir);
    standin_h5_write(latest, 2, names, values);
}

static int standin_train(int argc, char **argv, int world, int rank) {
    static const struct option opts[] = {
        {"run-dir", required_argument, 0, 'd'}, {"eval-ranks", required_argument, 0, 'e'},
        {"steps", required_argument, 0, 'n'},   {"seed", required_argument, 0, 's'},
        {"resume", no_argument, 0, 'r'},        {"ckpt-every", required_argument, 0, 'k'},
        {"step-ms", required_argument, 0, 'm'}, {"ckpt-ms", required_argument, 0, 'w'},
        {0, 0, 0, 0}};
    const char *dir = NULL;
    long long steps = 20, seed = 0, ckpt_every = 10, evals = 0, start = 0, max_episodes = -1;
    int resume = 0, step_ms = 50, ckpt_ms = 0, c; /* ckpt_ms: time a big checkpoint takes */
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'e': evals = atoll(optarg); break;
        case 'n': steps = atoll(optarg); break;
        case 's': seed = atoll(optarg); break;
        case 'r': resume = 1; break;
        case 'k': ckpt_every = atoll(optarg); break;
        case 'm': step_ms = atoi(optarg); break;
        case 'w': ckpt_ms = atoi(optarg); break;
        default: standin_die("train: bad option", NULL);
        }
    }
    if (optind != argc - 1 || !dir) standin_die("usage: train WINDOWS.h5 --run-dir DIR [...]", NULL);
    if (access(argv[optind], R_OK) != 0) standin_die("cannot read windows file", argv[optind]);
    if (evals < 0 || evals >= world) standin_die("--eval-ranks must leave at least one trainer", NULL);
    standin_h5_read(argv[optind], "max_episodes", &max_episodes);

    char path[4096];
    if (rank == 0) {
        mkdir(dir, 0755);
        snprintf(path, sizeof path, "%s/ckpt", dir);
        mkdir(path, 0755);
        fprintf(stderr, "flowchunk: world size %d: %lld trainer rank(s), %lld evaluator rank(s)\n",
                world, world - evals, evals);
        snprintf(path, sizeof path, "%s/latest.h5", dir);
        if (resume && standin_h5_read(path, "step", &start) == 0)
            fprintf(stderr, "flowchunk: resumed from step %lld (%s)\n", start, path);
        else
            fprintf(stderr, "flowchunk: starting from scratch\n");
    }
    MPI_Bcast(&start, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);

    FILE *metrics = NULL;
    if (rank == 0) {
        snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
        metrics = fopen(path, "a");
        if (!metrics) standin_die("cannot open", path);
    }
    int stop = 0;
    long long step = start;
    while (step < steps) {
        standin_sleep_ms(step_ms);
        int flags[2] = {(int)standin_signal, rank}, sums[2];
        MPI_Allreduce(flags, sums, 2, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        if (sums[1] != world * (world - 1) / 2) standin_die("allreduce returned a wrong sum", NULL);
        step++;
        if (rank == 0) {
            fprintf(metrics, "{\"step\":%lld,\"loss\":%.6f,\"world_size\":%d}\n", step, 1.0 / (double)step, world);
            fflush(metrics);
            if (step % ckpt_every == 0 || step == steps || sums[0]) {
                if (sums[0] && ckpt_ms > 0) standin_sleep_ms(ckpt_ms);
                standin_checkpoint(dir, step, seed);
            }
        }
        if (sums[0]) { stop = 1; break; }
    }
    if (rank == 0) {
        fclose(metrics);
        if (stop) {
            fprintf(stderr, "flowchunk: caught a stop signal at step %lld: checkpointed %s/latest.h5, "
                    "exiting with status %d (requeue me)\n", step, dir, EXIT_REQUEUE);
        } else {
            const char *names[] = {"step", "seed"};
            long long values[] = {step, seed};
            snprintf(path, sizeof path, "%s/best.h5", dir);
            standin_h5_write(path, 2, names, values);
            snprintf(path, sizeof path, "%s/summary.json", dir);
            FILE *f = fopen(path, "w");
            if (!f) standin_die("cannot write", path);
            fprintf(f, "{\"steps\":%lld,\"resumed_from\":%lld,\"world_size\":%d,\"eval_ranks\":%lld,"
                    "\"seed\":%lld,\"max_episodes\":%lld,\"best_score\":%.3f}\n",
                    step, start, world, evals, seed, max_episodes, step / 100.0 > 1 ? 1.0 : step / 100.0);
            fclose(f);
            fprintf(stderr, "flowchunk: trained %lld steps\n", step);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD); /* no rank leaves before rank 0 has written the checkpoint */
    return stop ? EXIT_REQUEUE : 0;
}

static int standin_eval(int argc, char **argv, int rank) {
    static const struct option opts[] = {
        {"episodes", required_argument, 0, 'e'}, {"json", no_argument, 0, 'j'},
        {"seed", required_argument, 0, 's'},     {0, 0, 0, 0}};
    long long episodes = 50, step = 0;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'e') episodes = atoll(optarg);
        else if (c == 'j') json = 1;
        else if (c != 's') standin_die("eval: bad option", NULL);
    }
    if (optind != argc - 1) standin_die("usage: eval CKPT.h5 [--episodes N] [--json]", NULL);
    if (standin_h5_read(argv[optind], "step", &step) != 0) standin_die("not a checkpoint", argv[optind]);
    double score = step / 100.0 > 1 ? 1.0 : step / 100.0;
    if (rank == 0) {
        /* like Chipmunk's debug build, print noise on stdout first: the scripts must cope */
        printf("Initializing cpSpace - Chipmunk v7.0.3 (Debug Enabled)\n");
        if (json) printf("{\"score\":%.4f,\"success_rate\":%.4f,\"episodes\":%lld,\"step\":%lld}\n", score, score / 2, episodes, step);
        else printf("score %.4f over %lld episodes\n", score, episodes);
    }
    return 0;
}

static int standin_window(int argc, char **argv, int rank) {
    static const struct option opts[] = {
        {"max-episodes", required_argument, 0, 'n'}, {"val-episodes", required_argument, 0, 'v'},
        {"obs", required_argument, 0, 'x'},          {"obs-steps", required_argument, 0, 'x'},
        {"horizon", required_argument, 0, 'x'},      {"pad", required_argument, 0, 'x'},
        {0, 0, 0, 0}};
    long long vals[2] = {-1, 0};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'n') vals[0] = atoll(optarg);
        else if (c == 'v') vals[1] = atoll(optarg);
        else if (c != 'x') standin_die("window: bad option", NULL);
    }
    if (optind != argc - 1 || !out) standin_die("usage: window EPISODES.h5 -o OUT.h5 [...]", NULL);
    if (access(argv[optind], R_OK) != 0) standin_die("cannot read episodes file", argv[optind]);
    const char *names[] = {"max_episodes", "val_episodes"};
    if (rank == 0) standin_h5_write(out, 2, names, vals);
    return 0;
}

int main(int argc, char **argv) {
    int world, rc = 2; /* standin_die does not return */
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &standin_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* a missing or foreign file is reported by us */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = standin_on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (argc < 2) standin_die("usage: slurm_standin train|eval|window ...", NULL);
    if (!strcmp(argv[1], "train")) rc = standin_train(argc - 1, argv + 1, world, standin_rank);
    else if (!strcmp(argv[1], "eval")) rc = standin_eval(argc - 1, argv + 1, standin_rank);
    else if (!strcmp(argv[1], "window")) rc = standin_window(argc - 1, argv + 1, standin_rank);
    else standin_die("unknown command", argv[1]);
    MPI_Finalize();
    return rc;
}
