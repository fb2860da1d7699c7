/* bench_eval.c: evaluator throughput in rollouts/s on one core: the rollout engine (rollout.h)
 * running E Push-T episodes of up to S env steps as one batch with a D x W mish flow policy
 * (Diffusion Policy's keypoint protocol: To 2, H 16, Ta 8, 10 Euler steps), and where the time
 * goes (policy_sample vs the simulator). An untrained network never succeeds, so every episode
 * runs all S steps: the worst case of an evaluation. For comparison it also times the same
 * decisions as B=1 policy calls (one env at a time, no batching).
 *   bench_eval [--episodes 50] [--steps 300] [--hidden 512] [--depth 3] [--flow-steps 10]
 *              [--repeat 3] [--obs keypoints|state] [--precision fp32|bf16]
 * Run with OPENBLAS_NUM_THREADS=1 (one core). Prints one line per repeat, then the best by rollouts
 * per CPU second (on shared cores wall time also counts the other jobs' time slices). */
#include "flowchunk/check.h"
#include "flowchunk/rng.h"
#include "flowchunk/rollout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
/* CPU time of this process: on a shared machine, wall time also counts other jobs' time slices */
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv) {
    int episodes = 50, steps = 300, hidden = 512, depth = 3, flow = 10, repeat = 3, bf16 = 0;
    const char *obs = "keypoints";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--episodes")) episodes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--steps")) steps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--hidden")) hidden = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--depth")) depth = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--flow-steps")) flow = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--obs")) obs = argv[i + 1];
        else if (!strcmp(argv[i], "--precision")) bf16 = !strcmp(argv[i + 1], "bf16");
        else { fprintf(stderr, "bench_eval: unknown option %s\n", argv[i]); return 2; }
    }
    EvalConfig c;
    rollout_config_dp(&c);
    if (pusht_obs_kind_parse(obs, &c.obs_kind) != 0) { fprintf(stderr, "bench_eval: --obs state|keypoints\n"); return 2; }
    c.episodes = episodes;
    c.max_steps = steps;
    c.flow_steps = flow;
    if (bf16 && !gemm_bf16_supported()) { fprintf(stderr, "bench_eval: no bf16 products on this CPU\n"); return 2; }
    c.precision = bf16 ? PRECISION_BF16 : PRECISION_FP32;
    const int fd = pusht_obs_dim(c.obs_kind);

    PolicyConfig pc;
    policy_config_default(&pc);
    pc.obs_dim = c.obs_steps * fd;
    pc.horizon = 16;
    pc.hidden = hidden;
    pc.depth = depth;
    Policy p;
    policy_init(&p, &pc, 1);
    Norm n;
    memset(&n, 0, sizeof n);
    n.obs_dim = fd;
    n.act_dim = 2;
    for (int d = 0; d < fd; d++) n.obs_max[d] = 512.0f;
    if (fd == PUSHT_STATE_DIM) n.obs_max[4] = 6.2831855f;
    n.act_min[0] = n.act_min[1] = 12.0f;
    n.act_max[0] = n.act_max[1] = 511.0f;

    double flops = mlp_forward_flops(&p.net.cfg, 1);
    printf("bench_eval: %d episodes x %d steps, %s obs (To %d), MLP %d x %d mish (%zu params, %.2f MFLOP/row), "
           "H 16, Ta 8, %d flow steps, %s products, 1 thread\n", episodes, steps, obs, c.obs_steps, depth, hidden,
           p.net.n_params, flops / 1e6, flow, bf16 ? "bf16" : "fp32");
    /* best run = most rollouts per CPU second (wall time also counts other jobs on shared cores) */
    double best_cpu = 0, best_wall = 0, best_pol = 0, best_sim = 0, best_cs = 0;
    int64_t decisions = 0, env_steps = 0;
    for (int r = 0; r < repeat; r++) {
        EvalResult res;
        rollout_eval_all(&p, &n, &c, &res);
        double cs = res.cpu_seconds;
        printf("  run %d: %.2f rollouts/s wall (%.3f s), %.2f per CPU second (%.3f s): policy %.3f s (%.0f%%), "
               "simulator %.3f s (%.0f%%), other %.3f s; %lld env steps, %lld decision rows, score %.3f\n", r,
               res.rollouts_per_s, res.seconds, res.episodes / cs, cs, res.policy_seconds, 100 * res.policy_seconds / cs,
               res.sim_seconds, 100 * res.sim_seconds / cs, cs - res.policy_seconds - res.sim_seconds,
               (long long)res.env_steps, (long long)res.decisions, res.score);
        if (res.rollouts_per_s > best_wall) best_wall = res.rollouts_per_s;
        if (res.episodes / cs > best_cpu) {
            best_cpu = res.episodes / cs;
            best_pol = res.policy_seconds;
            best_sim = res.sim_seconds;
            best_cs = cs;
        }
        decisions = res.decisions;
        env_steps = res.env_steps;
        rollout_result_free(&res);
    }
    /* the same number of decisions, one env per policy call (no batching), in the same precision */
    mlp_set_infer_bf16(&p.net, bf16);
    float *o = calloc((size_t)pc.obs_dim, sizeof(float)), *a0 = malloc((size_t)p.chunk_dim * sizeof(float));
    float *out = malloc((size_t)p.chunk_dim * sizeof(float));
    int64_t single = decisions / 10 > 0 ? decisions / 10 : 1; /* a tenth of them, extrapolated */
    double t0 = cpu_now();
    for (int64_t k = 0; k < single; k++) {
        rng_normal_fill(a0, (size_t)p.chunk_dim, rng_key(0, RNG_STREAM_SAMPLE, (uint64_t)k, 0));
        policy_sample_explicit(&p, o, a0, 1, flow, out);
    }
    double t_single = (cpu_now() - t0) * (double)decisions / (double)single;
    double gflops = flops * (double)decisions * flow / best_pol / 1e9;
    printf("best: %.2f rollouts per CPU second (%.0f env steps per CPU second; best wall %.2f rollouts/s): "
           "policy %.3f s (%.0f%%, %.1f GFLOP/s), simulator %.3f s (%.0f%%, %.1f us/env step)\n", best_cpu,
           (double)env_steps / best_cs, best_wall, best_pol, 100 * best_pol / best_cs, gflops, best_sim,
           100 * best_sim / best_cs, 1e6 * best_sim / (double)env_steps);
    printf("unbatched: the %lld decisions as B=1 calls would take %.3f CPU s (%.1fx the batched policy)\n",
           (long long)decisions, t_single, t_single / best_pol);
    free(o);
    free(a0);
    free(out);
    policy_free(&p);
    return 0;
}
