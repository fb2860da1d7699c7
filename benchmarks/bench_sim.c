/* bench_sim.c: Push-T simulator throughput on one core, in env steps per second (1 env step =
 * 10 Chipmunk substeps of 0.01 s), for
 *   bare    the same scene driven by bare Chipmunk calls (pusht_bare_run: PD velocity +
 *           cpSpaceStep per substep, no wrapper, no observation, no reward): the reference point;
 *           "bare xB" steps B worlds in lockstep (pusht_bare_run_batch), the batch's cache regime
 *   single  one PushtEnv: reset, then per step pusht_step + pusht_observe_state + pusht_coverage
 *   batch   a PushtBatch of --batch envs: batch reset, then per step batch step + observe + coverage
 * All three run the same open-loop action sequences (a target circling each block's start, so
 * the agent keeps pushing), one episode per legacy seed 100000.., and must end in bit-identical
 * states. Times are thread CPU time (robust to other processes on a shared machine); each figure is
 * the best of --repeat runs; the ratios are env / bare (batch / bare xB as well).
 * usage: bench_sim [--episodes N] [--steps T] [--batch B] [--repeat R] [--json] */
#include "flowchunk/pusht.h"
#include "pusht_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

typedef struct {
    int episodes, steps, batch, repeat;
    double *starts;  /* (episodes, 5) sampled reset states */
    double *actions; /* (episodes, steps, 2) */
    double *final;   /* (episodes, 5) from the bare run, to check the others against */
} Bench;

static void bench_actions(Bench *b) {
    for (int e = 0; e < b->episodes; e++) {
        double *s = b->starts + 5 * e, *a = b->actions + (size_t)2 * b->steps * e;
        pusht_sample_reset(100000 + (uint64_t)e, PUSHT_RESET_LEGACY, s);
        double cx = s[2] + 45 * sin(s[4]), cy = s[3] + 45 - 45 * cos(s[4]); /* the block's start */
        for (int t = 0; t < b->steps; t++) {
            double ph = 0.15 * t + e;
            a[2 * t] = cx + (30 + 20 * sin(0.05 * t)) * cos(ph);
            a[2 * t + 1] = cy + (30 + 20 * sin(0.05 * t)) * sin(ph);
        }
    }
}

static double run_bare(Bench *b) {
    double t0 = now();
    for (int e = 0; e < b->episodes; e++)
        pusht_bare_run(b->starts + 5 * e, b->actions + (size_t)2 * b->steps * e, b->steps, b->final + 5 * e);
    return now() - t0;
}

static double run_bare_batch(Bench *b, double *final) {
    double t0 = now();
    for (int e0 = 0; e0 < b->episodes; e0 += b->batch)
        pusht_bare_run_batch(b->batch, b->starts + 5 * e0, b->actions + (size_t)2 * b->steps * e0, b->steps,
                             final + 5 * e0);
    return now() - t0;
}

static int run_single(Bench *b, double *secs) {
    PushtEnv *env = pusht_create();
    double obs[PUSHT_STATE_DIM], sink = 0;
    int mismatches = 0;
    double t0 = now();
    for (int e = 0; e < b->episodes; e++) {
        const double *a = b->actions + (size_t)2 * b->steps * e;
        pusht_reset(env, 100000 + (uint64_t)e, PUSHT_RESET_LEGACY);
        for (int t = 0; t < b->steps; t++) {
            pusht_step(env, a + 2 * t);
            pusht_observe_state(env, obs);
            sink += pusht_coverage(env);
        }
        mismatches += memcmp(obs, b->final + 5 * e, sizeof obs) != 0;
    }
    *secs = now() - t0;
    pusht_destroy(env);
    if (sink < 0) printf("impossible\n");
    return mismatches;
}

static int run_batch(Bench *b, double *secs) {
    int n = b->batch, mismatches = 0;
    PushtBatch *batch = pusht_batch_create(n);
    uint64_t *seeds = malloc(sizeof(uint64_t) * n);
    double *act = malloc(sizeof(double) * 2 * n), *obs = malloc(sizeof(double) * 5 * n), *cov = malloc(sizeof(double) * n);
    double t0 = now();
    for (int e0 = 0; e0 < b->episodes; e0 += n) {
        int m = b->episodes - e0 < n ? b->episodes - e0 : n;
        for (int i = 0; i < n; i++) seeds[i] = 100000 + (uint64_t)(e0 + (i < m ? i : 0));
        pusht_batch_reset(batch, seeds, PUSHT_RESET_LEGACY);
        for (int t = 0; t < b->steps; t++) {
            for (int i = 0; i < n; i++) {
                const double *a = b->actions + (size_t)2 * b->steps * (e0 + (i < m ? i : 0)) + 2 * t;
                act[2 * i] = a[0];
                act[2 * i + 1] = a[1];
            }
            pusht_batch_step(batch, act, NULL);
            pusht_batch_observe_state(batch, obs);
            pusht_batch_coverage(batch, cov);
        }
        for (int i = 0; i < m; i++) mismatches += memcmp(obs + 5 * i, b->final + 5 * (e0 + i), 5 * sizeof(double)) != 0;
    }
    *secs = now() - t0;
    pusht_batch_destroy(batch);
    free(seeds);
    free(act);
    free(obs);
    free(cov);
    return mismatches;
}

int main(int argc, char **argv) {
    Bench b = {.episodes = 100, .steps = 300, .batch = 50, .repeat = 3};
    int json = 0;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--episodes") && more) b.episodes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--steps") && more) b.steps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--batch") && more) b.batch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeat") && more) b.repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--json")) json = 1;
        else {
            fprintf(stderr, "usage: bench_sim [--episodes N] [--steps T] [--batch B] [--repeat R] [--json]\n");
            return 2;
        }
    }
    if (b.episodes < 1 || b.steps < 1 || b.batch < 1 || b.repeat < 1 || b.episodes % b.batch) {
        fprintf(stderr, "bench_sim: episodes, steps, batch, repeat must be positive, episodes a multiple of batch\n");
        return 2;
    }
    b.starts = malloc(sizeof(double) * 5 * b.episodes);
    b.actions = malloc(sizeof(double) * 2 * (size_t)b.steps * b.episodes);
    b.final = malloc(sizeof(double) * 5 * b.episodes);
    bench_actions(&b);

    double best_bare = INFINITY, best_bare_b = INFINITY, best_single = INFINITY, best_batch = INFINITY, s;
    double *final_b = malloc(sizeof(double) * 5 * b.episodes);
    int bad = 0;
    for (int r = 0; r < b.repeat; r++) { /* interleaved, so background load hits all alike */
        s = run_bare(&b);
        best_bare = s < best_bare ? s : best_bare;
        s = run_bare_batch(&b, final_b);
        best_bare_b = s < best_bare_b ? s : best_bare_b;
        bad += memcmp(final_b, b.final, sizeof(double) * 5 * b.episodes) != 0;
        bad += run_single(&b, &s);
        best_single = s < best_single ? s : best_single;
        bad += run_batch(&b, &s);
        best_batch = s < best_batch ? s : best_batch;
    }
    double n_steps = (double)b.episodes * b.steps;
    double bare = n_steps / best_bare, bare_b = n_steps / best_bare_b, single = n_steps / best_single,
           batch = n_steps / best_batch;
    double moved = 0;
    for (int e = 0; e < b.episodes; e++) {
        double sx = b.starts[5 * e + 2] + 45 * sin(b.starts[5 * e + 4]);
        double sy = b.starts[5 * e + 3] + 45 - 45 * cos(b.starts[5 * e + 4]);
        moved += hypot(b.final[5 * e + 2] - sx, b.final[5 * e + 3] - sy) > 1;
    }
    if (json) {
        printf("{\"episodes\":%d,\"steps\":%d,\"batch\":%d,\"bare_steps_per_s\":%.0f,\"bare_batch_steps_per_s\":%.0f,"
               "\"single_steps_per_s\":%.0f,\"batch_steps_per_s\":%.0f,\"single_vs_bare\":%.3f,\"batch_vs_bare\":%.3f,"
               "\"batch_vs_bare_batch\":%.3f,\"mismatches\":%d}\n",
               b.episodes, b.steps, b.batch, bare, bare_b, single, batch, single / bare, batch / bare, batch / bare_b, bad);
    } else {
        printf("Push-T simulator, %d episodes x %d env steps (10 substeps each), best of %d, one core\n", b.episodes,
               b.steps, b.repeat);
        printf("  blocks pushed off their start (> 1 px): %.0f of %d episodes\n", moved, b.episodes);
        printf("  bare Chipmunk substeps     %10.0f env steps/s  (%.2f us/substep)\n", bare, 1e5 / bare);
        printf("  bare Chipmunk, %3d worlds   %10.0f env steps/s\n", b.batch, bare_b);
        printf("  single env (+obs+coverage) %10.0f env steps/s  %.3fx bare\n", single, single / bare);
        printf("  batch of %-3d envs          %10.0f env steps/s  %.3fx bare, %.3fx bare x%d\n", b.batch, batch,
               batch / bare, batch / bare_b, b.batch);
        printf("  final states identical to the bare run: %s\n", bad ? "NO" : "yes");
    }
    free(b.starts);
    free(b.actions);
    free(b.final);
    free(final_b);
    return bad ? 1 : 0;
}
