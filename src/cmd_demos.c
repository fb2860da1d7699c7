/* cmd_demos.c: `flowchunk demos -o EPISODES.h5 --episodes N [--seed S]`: Push-T demonstrations by
 * the built-in scripted expert, MPI-parallel over episodes (demos_generate, src/demos.c); the
 * file is byte-identical whatever the number of ranks. */
#include "commands.h"
#include "demos.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/dist.h"
#include "flowchunk/expert.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *DEMOS_USAGE =
    "usage: flowchunk demos -o EPISODES.h5 --episodes N [--seed S] [--reset legacy|gym]\n"
    "                       [--max-steps 300] [--expert-seed K] [--stroke-steps 8]\n"
    "                       [--exec-noise PX] [--no-keypoints] [--json]\n"
    "\n"
    "Generate Push-T demonstrations with the built-in scripted expert, in the layout of the imported\n"
    "human data (data/state, data/action, data/keypoint, meta/episode_ends, meta/episode_seed) plus\n"
    "each episode's outcome (meta/final_coverage, meta/max_coverage, meta/success).\n"
    "Episode i starts from the seeded reset S + i and ends on success (coverage > 0.95) or after\n"
    "--max-steps steps. The expert plans pushes with the simulator as its model and picks between\n"
    "two distinct first pushes (routes) with a generator seeded per episode, so demos are\n"
    "multimodal, yet the file is identical whatever the number of MPI ranks (episode i runs on\n"
    "rank i % P).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE     episodes file to write (atomically)\n"
    "      --episodes N      number of episodes\n"
    "      --seed S          first reset seed (default 200000: away from the human data's seeds\n"
    "                        0..205 and the evaluation seeds 100000..100049)\n"
    "      --reset KIND      legacy (numpy RandomState, Diffusion Policy; default) | gym (PCG64)\n"
    "      --max-steps N     step limit per episode (default 300)\n"
    "      --expert-seed K   another sample of the expert's choices for the same starts (default 0)\n"
    "      --stroke-steps N  a push runs open loop for up to N steps before the expert steers or\n"
    "                        stops again (default 8, the policy's Ta: its chunks are then\n"
    "                        predictable from the state they start at; 1 = decide every step)\n"
    "      --exec-noise PX   std (px) of a smooth random disturbance added to the executed actions,\n"
    "                        not to the recorded ones: the demos then show the expert correcting\n"
    "                        drift (DART). States then no longer replay from the stored actions.\n"
    "                        Default 0 (none; 6 px did not raise a policy's score)\n"
    "      --no-keypoints    do not store data/keypoint\n"
    "      --json            print one JSON summary object on stdout\n"
    "  -h, --help            this help\n";

static int demos_parse(int argc, char **argv, DemosConfig *a, int *json) {
    enum { O_EPISODES = 1000, O_SEED, O_RESET, O_MAX_STEPS, O_EXPERT_SEED, O_EXEC_NOISE, O_STROKE, O_NO_KP, O_JSON };
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"episodes", required_argument, 0, O_EPISODES},
        {"seed", required_argument, 0, O_SEED}, {"reset", required_argument, 0, O_RESET},
        {"max-steps", required_argument, 0, O_MAX_STEPS}, {"expert-seed", required_argument, 0, O_EXPERT_SEED},
        {"exec-noise", required_argument, 0, O_EXEC_NOISE}, {"stroke-steps", required_argument, 0, O_STROKE},
        {"no-keypoints", no_argument, 0, O_NO_KP}, {"json", no_argument, 0, O_JSON},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    *json = 0;
    a->episodes = -1;
    a->seed = DEMOS_DEFAULT_SEED;
    a->max_steps = 300;
    a->reset = PUSHT_RESET_LEGACY;
    a->keypoints = 1;
    ExpertConfig dflt;
    expert_config_default(&dflt);
    a->stroke_steps = dflt.stroke_steps;
    optind = 1;
    opterr = 0;
    int rc = FC_OK;
    for (int c; rc == FC_OK && (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case O_EPISODES: rc = cli_int("demos", "--episodes", optarg, 1, 10000000, &a->episodes); break;
        case O_SEED: rc = cli_int("demos", "--seed", optarg, 0, 4294967295L, &a->seed); break;
        case O_RESET:
            if (pusht_reset_kind_parse(optarg, &a->reset) != 0)
                rc = cli_usage_error("demos", DEMOS_USAGE, "--reset expects legacy or gym, got '%s'", optarg);
            break;
        case O_MAX_STEPS: rc = cli_int("demos", "--max-steps", optarg, 1, 100000, &a->max_steps); break;
        case O_EXPERT_SEED: rc = cli_int("demos", "--expert-seed", optarg, 0, 2147483647L, &a->expert_seed); break;
        case O_EXEC_NOISE: rc = cli_double("demos", "--exec-noise", optarg, 0, 100, &a->exec_noise); break;
        case O_STROKE: rc = cli_int("demos", "--stroke-steps", optarg, 1, 1000, &a->stroke_steps); break;
        case O_NO_KP: a->keypoints = 0; break;
        case O_JSON: *json = 1; break;
        case 'h': fputs(DEMOS_USAGE, stdout); return -1;
        default:
            return cli_usage_error("demos", DEMOS_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (rc != FC_OK) return FC_ERR_USAGE;
    if (optind < argc) return cli_usage_error("demos", DEMOS_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!a->out) return cli_usage_error("demos", DEMOS_USAGE, "missing -o EPISODES.h5");
    if (a->episodes < 0) return cli_usage_error("demos", DEMOS_USAGE, "missing --episodes N");
    if (a->reset == PUSHT_RESET_LEGACY && a->seed + a->episodes - 1 > 4294967295L)
        return cli_usage_error("demos", DEMOS_USAGE, "legacy reset seeds must stay below 2^32 (--seed + --episodes)");
    return FC_OK;
}

/* one episode as it travels to rank 0: this header, then state (n,5), action (n,2), keypoint (n,18) */
static void demos_print_json(const DemosConfig *a, const DemosResult *r) {
    double n = (double)r->episodes;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "output", a->out);
    cJSON_AddNumberToObject(o, "episodes", n);
    cJSON_AddNumberToObject(o, "steps", (double)r->steps);
    cJSON_AddNumberToObject(o, "seed", (double)a->seed);
    cJSON_AddStringToObject(o, "reset", pusht_reset_kind_name(a->reset));
    cJSON_AddNumberToObject(o, "expert_seed", (double)a->expert_seed);
    cJSON_AddNumberToObject(o, "stroke_steps", (double)a->stroke_steps);
    cJSON_AddNumberToObject(o, "exec_noise", a->exec_noise);
    cJSON_AddNumberToObject(o, "success_rate", r->success_rate);
    cJSON_AddNumberToObject(o, "mean_max_reward", r->mean_max_reward);
    cJSON_AddNumberToObject(o, "mean_length", r->steps / n);
    cJSON_AddNumberToObject(o, "seconds", r->seconds);
    cJSON_AddNumberToObject(o, "demos_per_minute", r->seconds > 0 ? 60 * n / r->seconds : 0);
    cJSON_AddNumberToObject(o, "cpu_seconds", r->cpu_seconds);
    cJSON_AddNumberToObject(o, "demos_per_cpu_minute", r->cpu_seconds > 0 ? 60 * n / r->cpu_seconds : 0);
    cJSON_AddNumberToObject(o, "ranks", r->ranks);
    cli_print_json(o);
}

int cmd_demos(int argc, char **argv) {
    DemosConfig a;
    int json;
    int rc = demos_parse(argc, argv, &a, &json);
    if (rc == -1) return 0; /* --help */
    if (rc != FC_OK) return rc;
    DemosResult r;
    if ((rc = demos_generate(&a, &r)) != FC_OK || dist_world_rank() != 0) return rc;
    fc_log("wrote %s: %lld episodes, %lld steps (mean length %.1f), success %lld/%lld, %.1f s (%.1f demos/min)", a.out,
           (long long)r.episodes, (long long)r.steps, (double)r.steps / r.episodes, (long long)r.successes,
           (long long)r.episodes, r.seconds, 60 * r.episodes / r.seconds);
    if (json) demos_print_json(&a, &r);
    return FC_OK;
}
