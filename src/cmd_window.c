/* cmd_window.c: `flowchunk window EPISODES.h5 -o WINDOWS.h5 [...]`: cut an episodes file into
 * (observation history, action chunk) windows scaled to [-1,1] (window.h has the semantics).
 * Windowing is single-rank: under mpirun, world rank 0 writes and the others wait for its status. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/dist.h"
#include "flowchunk/window.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char WINDOW_USAGE[] =
    "usage: flowchunk window EPISODES.h5 -o WINDOWS.h5 [--recipe dp|hw1] [--obs state|keypoints] [--obs-steps To]\n"
    "                        [--horizon H] [--n-action-steps Ta] [--pad none|edge]\n"
    "                        [--max-episodes N] [--val-episodes V] [--seed S] [--json]\n";

static void window_help(void) {
    printf("%s\n"
           "Cut episodes into windows (obs of To frames, chunk of H actions), min/max-scaled to [-1,1]\n"
           "with bounds fitted on every step of EPISODES.h5 (stored under /norm). Diffusion Policy's\n"
           "sampler: a window is H frames from episode step t; obs = its first To frames, action =\n"
           "all H; the action at the current (last observed) frame is chunk entry To-1.\n\n"
           "  -o, --output FILE      windows file to write (atomically)\n"
           "  --recipe dp|hw1        start from a recipe (the options below then change it):\n"
           "                         dp = Diffusion Policy's Push-T windows (--obs keypoints --obs-steps 2\n"
           "                         --horizon 16 --n-action-steps 8 --pad edge), hw1 = CS 185 HW1's\n"
           "                         (--obs state --obs-steps 1 --horizon 8 --pad none)\n"
           "  --obs KIND             state (5-d, default) or keypoints (20-d: 9 block keypoints\n"
           "                         then agent xy; /data/keypoint when present, else computed)\n"
           "  --obs-steps To         observation frames per window (default 1, <= H)\n"
           "  --horizon H            actions per chunk (default 8)\n"
           "  --n-action-steps Ta    actions executed per chunk; sets edge padding after (default 8)\n"
           "  --pad none|edge        none (default): windows start at t with t+H <= episode end;\n"
           "                         edge: repeat the first frame To-1 times before and the last\n"
           "                         frame Ta-1 times after (Diffusion Policy's recipe)\n"
           "  --max-episodes N       train on the first N episodes of one permutation seeded by\n"
           "                         --seed (nested: N=10 within N=25); default all not held out\n"
           "  --val-episodes V       hold out the LAST V episodes of that permutation into /val\n"
           "                         (fixed as N varies, never overlapping training; default 0)\n"
           "  --seed S               episode permutation seed (default 42)\n"
           "  --json                 print {\"windows\":..,\"val_windows\":..,...} on stdout\n"
           "  -h, --help             this help\n\n"
           "Diffusion Policy trains on 90 of the 206 demonstrations: --recipe dp --max-episodes 90\n"
           "  --val-episodes 4\n",
           WINDOW_USAGE);
}

int cmd_window(int argc, char **argv) {
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},        {"obs", required_argument, 0, 'b'},
        {"obs-steps", required_argument, 0, 's'},     {"horizon", required_argument, 0, 'H'},
        {"n-action-steps", required_argument, 0, 'a'}, {"pad", required_argument, 0, 'p'},
        {"max-episodes", required_argument, 0, 'm'},  {"val-episodes", required_argument, 0, 'v'},
        {"seed", required_argument, 0, 'S'},          {"json", no_argument, 0, 'j'},
        {"recipe", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},                {0, 0, 0, 0}};
    const char *cmd = "window";
    const char *out = NULL;
    int json = 0;
    long v = 0;
    WindowSpec spec;
    window_spec_default(&spec);
    opterr = 0;
    int c;
    /* the recipe first, wherever it stands: the other options change it */
    for (optind = 1; (c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1;)
        if (c == 'r' && window_spec_recipe(&spec, optarg) != 0)
            return cli_usage_error(cmd, WINDOW_USAGE, "--recipe expects dp or hw1, got '%s'", optarg);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': break;
        case 'o': out = optarg; break;
        case 'b':
            if (!strcmp(optarg, "state")) spec.obs_kind = PUSHT_OBS_STATE;
            else if (!strcmp(optarg, "keypoints")) spec.obs_kind = PUSHT_OBS_KEYPOINTS;
            else return cli_usage_error(cmd, WINDOW_USAGE, "--obs expects state or keypoints, got '%s'", optarg);
            break;
        case 's':
            if (cli_int(cmd, "--obs-steps", optarg, 1, 1000, &v)) return FC_ERR_USAGE;
            spec.obs_steps = (int)v;
            break;
        case 'H':
            if (cli_int(cmd, "--horizon", optarg, 1, 1000, &v)) return FC_ERR_USAGE;
            spec.horizon = (int)v;
            break;
        case 'a':
            if (cli_int(cmd, "--n-action-steps", optarg, 1, 1000, &v)) return FC_ERR_USAGE;
            spec.n_action_steps = (int)v;
            break;
        case 'p':
            if (!strcmp(optarg, "none")) spec.pad = WINDOW_PAD_NONE;
            else if (!strcmp(optarg, "edge")) spec.pad = WINDOW_PAD_EDGE;
            else return cli_usage_error(cmd, WINDOW_USAGE, "--pad expects none or edge, got '%s'", optarg);
            break;
        case 'm':
            if (cli_int(cmd, "--max-episodes", optarg, 1, 2000000000L, &v)) return FC_ERR_USAGE;
            spec.max_episodes = v;
            break;
        case 'v':
            if (cli_int(cmd, "--val-episodes", optarg, 0, 2000000000L, &v)) return FC_ERR_USAGE;
            spec.val_episodes = v;
            break;
        case 'S':
            if (cli_int(cmd, "--seed", optarg, 0, 0x7fffffffffffffffL, &v)) return FC_ERR_USAGE;
            spec.seed = (uint64_t)v;
            break;
        case 'j': json = 1; break;
        case 'h': window_help(); return 0;
        case ':': return cli_usage_error(cmd, WINDOW_USAGE, "%s needs a value", argv[optind - 1]);
        default: return cli_usage_error(cmd, WINDOW_USAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, WINDOW_USAGE, optind >= argc ? "missing EPISODES.h5" : "more than one input file");
    if (!out) return cli_usage_error(cmd, WINDOW_USAGE, "missing -o WINDOWS.h5");
    const char *in = argv[optind];
    if (spec.obs_steps > spec.horizon)
        return cli_usage_error(cmd, WINDOW_USAGE, "--obs-steps %d must be <= --horizon %d", spec.obs_steps, spec.horizon);

    WindowStats st;
    memset(&st, 0, sizeof st);
    int rank = dist_world_rank();
    int rc = rank == 0 ? window_build(in, out, &spec, &st) : FC_OK;
    dist_world_barrier(); /* the other ranks wait (sleeping) for rank 0's status */
    if (dist_agree_status(rc, NULL) != FC_OK) return FC_ERR;
    if (rank != 0) return FC_OK;
    fc_log("window: wrote %s: %lld windows (+%lld val) from %lld train / %lld val of %lld episodes, obs %s x %d, "
           "horizon %d, pad %s, in %.2f s", out, (long long)st.n_windows, (long long)st.n_val_windows,
           (long long)st.n_train_episodes, (long long)st.n_val_episodes, (long long)st.n_source_episodes,
           pusht_obs_kind_name(spec.obs_kind), spec.obs_steps, spec.horizon, window_pad_name(spec.pad), st.seconds);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "output", out);
        cJSON_AddNumberToObject(o, "windows", (double)st.n_windows);
        cJSON_AddNumberToObject(o, "val_windows", (double)st.n_val_windows);
        cJSON_AddNumberToObject(o, "train_episodes", (double)st.n_train_episodes);
        cJSON_AddNumberToObject(o, "val_episodes", (double)st.n_val_episodes);
        cJSON_AddNumberToObject(o, "source_episodes", (double)st.n_source_episodes);
        cJSON_AddNumberToObject(o, "seconds", st.seconds);
        cli_print_json(o);
    }
    return FC_OK;
}
