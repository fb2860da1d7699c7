/* cmd_sim.c: `flowchunk sim`, inspection tools for the Push-T simulator (sim/):
 *   reset   a seeded reset state (legacy RandomState or gym PCG64 sampler), its coverage
 *   replay  replays every episode's recorded actions and measures the drift from the records
 *   render  an episode replayed in the simulator, as an animated GIF (and PNG frames)
 *   step    restore a state (or a seeded reset), apply actions, print the states
 * Each parses its options, makes one call of simtool.h and prints the result: human-readable
 * output on stderr/stdout, --json one JSON object on stdout (the Chipmunk debug banner is kept
 * off stdout by the sim library). */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/pusht.h"
#include "simtool.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SIM_USAGE =
    "usage: flowchunk sim <reset|replay|render|step> [options]   (flowchunk sim <tool> --help)\n"
    "\n"
    "Inspect the Push-T simulator (Diffusion Policy's PushTEnv reproduced on Chipmunk2D):\n"
    "  reset   --seed S [--reset legacy|gym] [--json]      a seeded reset state and its coverage\n"
    "  replay  EPISODES.h5|ZARR_DIR [--json]              replay recorded actions, report the drift\n"
    "  render  EPISODES.h5|ZARR_DIR --episode I --gif OUT.gif [--png-dir DIR]\n"
    "                                                     an episode replayed in the simulator\n"
    "  step    --state AX,AY,BX,BY,ANGLE --action X,Y [--action X,Y ...] [--json]\n"
    "                                                     restore a state, apply actions\n";

static const char *RESET_USAGE =
    "usage: flowchunk sim reset --seed S [--reset legacy|gym] [--keypoints] [--json]\n"
    "\n"
    "Sample the reset state of seed S and place it as the reference does (agent position; block\n"
    "position, then angle; one 0.01 s step). legacy = numpy RandomState(S) (Diffusion Policy and\n"
    "its dataset, S < 2^32); gym = numpy default_rng(S) (gym-pusht, CS 185 HW1).\n"
    "Prints the observation [agent_x, agent_y, block_x, block_y, angle mod 2pi] and the coverage.\n"
    "\n"
    "options:\n"
    "  -s, --seed S        reset seed (required)\n"
    "      --reset KIND    legacy (default) or gym\n"
    "      --keypoints     also print the 20-d keypoint observation\n"
    "      --json          one JSON object {\"obs\":[5],\"coverage\":..,\"reward\":..,...} on stdout\n"
    "  -h, --help          this help\n";

static const char *REPLAY_USAGE =
    "usage: flowchunk sim replay EPISODES.h5|ZARR_DIR [--start auto|seed|state] [--tol PX] [--json]\n"
    "\n"
    "Replay every episode's recorded actions from its recorded first state: step action[t] and\n"
    "compare the simulated state with state[t+1] for every t inside the episode (angles modulo\n"
    "2pi; the first state is compared too). Reports episodes, states compared and the largest\n"
    "absolute error (px, rad). The real Push-T data replays to float32 precision (~1.5e-5).\n"
    "\n"
    "options:\n"
    "      --start MODE    where each episode starts: seed = the legacy reset of its seed\n"
    "                      (meta/episode_seed; exact in double precision), state = restore the\n"
    "                      recorded float32 first state, auto (default) = seed when the seed's\n"
    "                      reset reproduces the recorded first state (within 1e-4), else state\n"
    "      --tol PX        fail (exit 1) when the largest error exceeds PX\n"
    "  -v, --verbose       one line per episode on stderr\n"
    "      --json          one JSON object {\"episodes\":..,\"states\":..,\"max_abs_err\":..,...}\n"
    "  -h, --help          this help\n";

static const char *RENDER_USAGE =
    "usage: flowchunk sim render EPISODES.h5|ZARR_DIR --episode I --gif OUT.gif [--png-dir DIR]\n"
    "                            [--size PX] [--fps F] [--recorded]\n"
    "\n"
    "Replay episode I in the simulator (from its seeded reset when that reproduces the recorded\n"
    "first state, else from the restored first state) and draw every state: goal T (green),\n"
    "block (slate grey), agent (blue circle), action target (red cross).\n"
    "\n"
    "options:\n"
    "  -e, --episode I     episode index (required)\n"
    "  -g, --gif FILE      animated GIF to write (required)\n"
    "      --png-dir DIR   also write DIR/frame_0000.png ... (DIR is created)\n"
    "      --size PX       image width = height (default 256)\n"
    "      --fps F         frames per second (default 10, the control rate)\n"
    "      --recorded      draw the recorded states instead of the simulated ones\n"
    "  -h, --help          this help\n";

static const char *STEP_USAGE =
    "usage: flowchunk sim step (--state AX,AY,BX,BY,ANGLE | --seed S [--reset legacy|gym])\n"
    "                          --action X,Y [--action X,Y ...] [--json]\n"
    "\n"
    "Restore an observed state (block angle first, then position; agent at rest) or take a\n"
    "seeded reset, then apply each action (an absolute agent target in px, one 0.1 s env step of\n"
    "10 PD substeps) and print the state and coverage after each.\n"
    "\n"
    "options:\n"
    "      --state LIST    5 comma-separated numbers: agent x,y, block x,y, block angle (rad)\n"
    "  -s, --seed S        start from the reset of seed S instead\n"
    "      --reset KIND    legacy (default) or gym, with --seed\n"
    "  -a, --action X,Y    an action; repeat for several steps (at most 10000)\n"
    "      --json          one JSON object {\"states\":[[5],...],\"coverage\":[...]} on stdout\n"
    "  -h, --help          this help\n";

/* ---- shared helpers */

/* parse exactly n comma-separated finite numbers */
static int parse_list(const char *s, double *out, int n) {
    const char *p = s;
    for (int i = 0; i < n; i++) {
        char *end = NULL;
        errno = 0;
        out[i] = strtod(p, &end);
        if (end == p || errno || !isfinite(out[i])) return FC_ERR;
        if (i < n - 1) {
            if (*end != ',') return FC_ERR;
            p = end + 1;
        } else if (*end) {
            return FC_ERR;
        }
    }
    return FC_OK;
}

static int parse_seed(const char *cmd, const char *s, PushtResetKind kind, uint64_t *seed) {
    long v;
    long hi = kind == PUSHT_RESET_LEGACY ? 4294967295L : 9223372036854775807L;
    if (cli_int(cmd, "--seed", s, 0, hi, &v) != FC_OK) return FC_ERR_USAGE;
    *seed = (uint64_t)v;
    return FC_OK;
}

static cJSON *json_array(const double *v, int n) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* ---- sim reset */
static int sim_reset(int argc, char **argv) {
    static const struct option opts[] = {{"seed", required_argument, 0, 's'}, {"reset", required_argument, 0, 'r'},
                                         {"keypoints", no_argument, 0, 'k'},  {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    const char *seed_s = NULL;
    PushtResetKind kind = PUSHT_RESET_LEGACY;
    int json = 0, keypoints = 0;
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1;) {
        switch (c) {
        case 's': seed_s = optarg; break;
        case 'r':
            if (pusht_reset_kind_parse(optarg, &kind) != 0)
                return cli_usage_error("sim reset", RESET_USAGE, "--reset expects legacy or gym, got '%s'", optarg);
            break;
        case 'k': keypoints = 1; break;
        case 'j': json = 1; break;
        case 'h': fputs(RESET_USAGE, stdout); return 0;
        default: return cli_usage_error("sim reset", RESET_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc) return cli_usage_error("sim reset", RESET_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!seed_s) return cli_usage_error("sim reset", RESET_USAGE, "missing --seed S");
    uint64_t seed;
    if (parse_seed("sim reset", seed_s, kind, &seed) != FC_OK) return FC_ERR_USAGE;

    SimtoolReset r;
    simtool_reset(seed, kind, &r);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seed", (double)seed);
        cJSON_AddStringToObject(o, "reset", pusht_reset_kind_name(kind));
        cJSON_AddItemToObject(o, "obs", json_array(r.obs, PUSHT_STATE_DIM));
        cJSON_AddItemToObject(o, "sampled", json_array(r.sampled, PUSHT_STATE_DIM));
        if (keypoints) cJSON_AddItemToObject(o, "keypoints", json_array(r.keypoints, PUSHT_KEYPOINT_DIM));
        cJSON_AddNumberToObject(o, "coverage", r.coverage);
        cJSON_AddNumberToObject(o, "reward", pusht_reward_of(r.coverage));
        cli_print_json(o);
        return 0;
    }
    printf("seed %llu (%s reset)\n", (unsigned long long)seed, pusht_reset_kind_name(kind));
    printf("sampled   %.17g %.17g %.17g %.17g %.17g\n", r.sampled[0], r.sampled[1], r.sampled[2], r.sampled[3], r.sampled[4]);
    printf("obs       %.17g %.17g %.17g %.17g %.17g\n", r.obs[0], r.obs[1], r.obs[2], r.obs[3], r.obs[4]);
    if (keypoints) {
        printf("keypoints");
        for (int i = 0; i < PUSHT_KEYPOINT_DIM; i++) printf(" %.9g", r.keypoints[i]);
        printf("\n");
    }
    printf("coverage  %.17g (reward %.6f)\n", r.coverage, pusht_reward_of(r.coverage));
    return 0;
}

/* ---- sim replay */
static int parse_start_mode(const char *s) {
    return !strcmp(s, "auto") ? SIMTOOL_START_AUTO : !strcmp(s, "seed") ? SIMTOOL_START_SEED
         : !strcmp(s, "state") ? SIMTOOL_START_STATE : -1;
}

static int sim_replay(int argc, char **argv) {
    static const struct option opts[] = {{"start", required_argument, 0, 'S'}, {"tol", required_argument, 0, 't'},
                                         {"verbose", no_argument, 0, 'v'},     {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    int json = 0, verbose = 0, mode = SIMTOOL_START_AUTO;
    double tol = -1;
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "vh", opts, NULL)) != -1;) {
        switch (c) {
        case 'S':
            if ((mode = parse_start_mode(optarg)) < 0)
                return cli_usage_error("sim replay", REPLAY_USAGE, "--start expects auto, seed or state, got '%s'", optarg);
            break;
        case 't':
            if (cli_double("sim replay", "--tol", optarg, 0, 1e9, &tol) != FC_OK) return FC_ERR_USAGE;
            break;
        case 'v': verbose = 1; break;
        case 'j': json = 1; break;
        case 'h': fputs(REPLAY_USAGE, stdout); return 0;
        default: return cli_usage_error("sim replay", REPLAY_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("sim replay", REPLAY_USAGE, optind >= argc ? "missing EPISODES.h5|ZARR_DIR" : "expected one input");
    SimtoolReplay r;
    if (simtool_replay(argv[optind], (SimtoolStart)mode, verbose, &r) != FC_OK) return FC_ERR;
    fc_log("replayed %lld episodes of %s: %lld states compared (%lld episodes from their seeded reset, %lld from "
           "the restored first state), max abs error %.3g (episode %lld)",
           (long long)r.episodes, argv[optind], (long long)r.states, (long long)r.from_seed,
           (long long)(r.episodes - r.from_seed), r.max_err, (long long)r.worst);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "episodes", (double)r.episodes);
        cJSON_AddNumberToObject(o, "states", (double)r.states);
        cJSON_AddNumberToObject(o, "max_abs_err", isfinite(r.max_err) ? r.max_err : 1e308);
        cJSON_AddNumberToObject(o, "worst_episode", (double)r.worst);
        cJSON_AddNumberToObject(o, "from_seed", (double)r.from_seed);
        cJSON_AddNumberToObject(o, "from_state", (double)(r.episodes - r.from_seed));
        cli_print_json(o);
    }
    if (tol >= 0 && !(r.max_err <= tol)) return fc_set_error("max abs error %.3g exceeds --tol %g", r.max_err, tol);
    return 0;
}

/* ---- sim render */
static int sim_render(int argc, char **argv) {
    static const struct option opts[] = {
        {"episode", required_argument, 0, 'e'}, {"gif", required_argument, 0, 'g'}, {"png-dir", required_argument, 0, 'p'},
        {"size", required_argument, 0, 'z'},    {"fps", required_argument, 0, 'f'}, {"recorded", no_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    long episode = -1, size = 256;
    double fps = 10;
    const char *gif_path = NULL, *png_dir = NULL;
    int recorded = 0;
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "e:g:h", opts, NULL)) != -1;) {
        switch (c) {
        case 'e':
            if (cli_int("sim render", "--episode", optarg, 0, 1L << 40, &episode) != FC_OK) return FC_ERR_USAGE;
            break;
        case 'g': gif_path = optarg; break;
        case 'p': png_dir = optarg; break;
        case 'z':
            if (cli_int("sim render", "--size", optarg, 16, 4096, &size) != FC_OK) return FC_ERR_USAGE;
            break;
        case 'f':
            if (cli_double("sim render", "--fps", optarg, 1, 100, &fps) != FC_OK) return FC_ERR_USAGE;
            break;
        case 'r': recorded = 1; break;
        case 'h': fputs(RENDER_USAGE, stdout); return 0;
        default: return cli_usage_error("sim render", RENDER_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("sim render", RENDER_USAGE, optind >= argc ? "missing EPISODES.h5|ZARR_DIR" : "expected one input");
    if (episode < 0) return cli_usage_error("sim render", RENDER_USAGE, "missing --episode I");
    if (!gif_path) return cli_usage_error("sim render", RENDER_USAGE, "missing --gif OUT.gif");
    SimtoolRender o = {episode, gif_path, png_dir, (int)size, fps, recorded};
    SimtoolRendered r;
    if (simtool_render(argv[optind], &o, &r) != FC_OK) return FC_ERR;
    fc_log("wrote %s: episode %ld, %lld frames (%s states, start from %s), final coverage %.3f", gif_path, episode,
           (long long)r.frames, recorded ? "recorded" : "simulated", r.from_seed ? "its seeded reset" : "the restored state",
           r.final_coverage);
    return FC_OK;
}

/* ---- sim step */
#define STEP_MAX_ACTIONS 10000

static int sim_step(int argc, char **argv) {
    static const struct option opts[] = {{"state", required_argument, 0, 'S'}, {"seed", required_argument, 0, 's'},
                                         {"reset", required_argument, 0, 'r'}, {"action", required_argument, 0, 'a'},
                                         {"json", no_argument, 0, 'j'},        {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *state_s = NULL, *seed_s = NULL;
    PushtResetKind kind = PUSHT_RESET_LEGACY;
    int json = 0, n_act = 0;
    static double actions[STEP_MAX_ACTIONS][2];
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "s:a:h", opts, NULL)) != -1;) {
        switch (c) {
        case 'S': state_s = optarg; break;
        case 's': seed_s = optarg; break;
        case 'r':
            if (pusht_reset_kind_parse(optarg, &kind) != 0)
                return cli_usage_error("sim step", STEP_USAGE, "--reset expects legacy or gym, got '%s'", optarg);
            break;
        case 'a':
            if (n_act == STEP_MAX_ACTIONS)
                return cli_usage_error("sim step", STEP_USAGE, "at most %d actions", STEP_MAX_ACTIONS);
            if (parse_list(optarg, actions[n_act], 2) != FC_OK)
                return cli_usage_error("sim step", STEP_USAGE, "--action expects X,Y (two numbers), got '%s'", optarg);
            n_act++;
            break;
        case 'j': json = 1; break;
        case 'h': fputs(STEP_USAGE, stdout); return 0;
        default: return cli_usage_error("sim step", STEP_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc) return cli_usage_error("sim step", STEP_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!state_s == !seed_s) return cli_usage_error("sim step", STEP_USAGE, "give exactly one of --state and --seed");
    double s[PUSHT_STATE_DIM];
    uint64_t seed = 0;
    if (state_s && parse_list(state_s, s, PUSHT_STATE_DIM) != FC_OK)
        return cli_usage_error("sim step", STEP_USAGE, "--state expects 5 comma-separated numbers, got '%s'", state_s);
    if (seed_s && parse_seed("sim step", seed_s, kind, &seed) != FC_OK) return FC_ERR_USAGE;

    static double obs[STEP_MAX_ACTIONS + 1][PUSHT_STATE_DIM], cov[STEP_MAX_ACTIONS + 1];
    simtool_step(state_s ? s : NULL, seed, kind, (const double (*)[2])actions, n_act, obs, cov);
    cJSON *states = cJSON_CreateArray(), *covs = cJSON_CreateArray();
    for (int t = 0; t <= n_act; t++) {
        cJSON_AddItemToArray(states, json_array(obs[t], PUSHT_STATE_DIM));
        cJSON_AddItemToArray(covs, cJSON_CreateNumber(cov[t]));
        if (!json) {
            if (t == 0) printf("start      ");
            else printf("%-4d -> %4g,%-4g", t - 1, actions[t - 1][0], actions[t - 1][1]);
            printf(" state %.9g %.9g %.9g %.9g %.9g  coverage %.6f\n", obs[t][0], obs[t][1], obs[t][2], obs[t][3], obs[t][4],
                   cov[t]);
        }
    }
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "states", states);
        cJSON_AddItemToObject(o, "coverage", covs);
        cli_print_json(o);
    } else {
        cJSON_Delete(states);
        cJSON_Delete(covs);
    }
    return 0;
}

int cmd_sim(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } TOOLS[] = {{"reset", sim_reset}, {"replay", sim_replay}, {"render", sim_render}, {"step", sim_step}};
    if (argc < 2) return cli_usage_error("sim", SIM_USAGE, "missing a tool (reset, replay, render or step)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(SIM_USAGE, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof TOOLS / sizeof TOOLS[0]; i++) {
        if (strcmp(argv[1], TOOLS[i].name) != 0) continue;
        char name[32];
        snprintf(name, sizeof name, "sim %s", TOOLS[i].name);
        cli_set_command(name); /* the error line says "flowchunk sim replay: error: ..." */
        return TOOLS[i].run(argc - 1, argv + 1);
    }
    return cli_usage_error("sim", SIM_USAGE, "unknown tool '%s'", argv[1]);
}
