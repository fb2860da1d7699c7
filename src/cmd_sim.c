/* cmd_sim.c: `flowchunk sim`, inspection tools for the Push-T simulator (sim/):
 *   reset   a seeded reset state (legacy RandomState or gym PCG64 sampler), its coverage
 *   replay  replays every episode's recorded actions and measures the drift from the records
 *   render  an episode replayed in the simulator, as an animated GIF (and PNG frames)
 *   step    restore a state (or a seeded reset), apply actions, print the states
 * Human-readable output goes to stderr/stdout; --json prints one JSON object on stdout (the
 * Chipmunk debug banner is kept off stdout by the sim library). */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/episodes.h"
#include "flowchunk/pusht.h"
#include "flowchunk/render.h"
#include "flowchunk/zarr.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* an episodes file, or a zarr directory store (Diffusion Policy's release) */
static int load_episodes(const char *path, Episodes *ep) {
    struct stat st;
    if (stat(path, &st) != 0) return fc_set_error("%s: %s", path, strerror(errno));
    return S_ISDIR(st.st_mode) ? zarr_read_episodes(path, ep) : episodes_read(ep, path);
}

static cJSON *json_array(const double *v, int n) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* the seed to start episode e from, or -1 to restore its recorded first state */
static int64_t episode_start_seed(const Episodes *ep, int64_t e, int mode /* 0 auto, 1 seed, 2 state */) {
    int64_t seed = ep->episode_seed ? ep->episode_seed[e] : -1;
    if (mode == 2) return -1;
    if (mode == 1) return seed;
    const float *s0 = ep->state + PUSHT_STATE_DIM * episodes_start(ep, e);
    return pusht_seed_matches(seed, s0) ? seed : -1;
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

    double sampled[PUSHT_STATE_DIM], obs[PUSHT_STATE_DIM], kp[PUSHT_KEYPOINT_DIM];
    pusht_sample_reset(seed, kind, sampled);
    PushtEnv *env = pusht_create();
    pusht_reset_to(env, sampled);
    pusht_observe_state(env, obs);
    pusht_observe_keypoints(env, kp);
    double cov = pusht_coverage(env);
    pusht_destroy(env);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seed", (double)seed);
        cJSON_AddStringToObject(o, "reset", pusht_reset_kind_name(kind));
        cJSON_AddItemToObject(o, "obs", json_array(obs, PUSHT_STATE_DIM));
        cJSON_AddItemToObject(o, "sampled", json_array(sampled, PUSHT_STATE_DIM));
        if (keypoints) cJSON_AddItemToObject(o, "keypoints", json_array(kp, PUSHT_KEYPOINT_DIM));
        cJSON_AddNumberToObject(o, "coverage", cov);
        cJSON_AddNumberToObject(o, "reward", pusht_reward_of(cov));
        cli_print_json(o);
        return 0;
    }
    printf("seed %llu (%s reset)\n", (unsigned long long)seed, pusht_reset_kind_name(kind));
    printf("sampled   %.17g %.17g %.17g %.17g %.17g\n", sampled[0], sampled[1], sampled[2], sampled[3], sampled[4]);
    printf("obs       %.17g %.17g %.17g %.17g %.17g\n", obs[0], obs[1], obs[2], obs[3], obs[4]);
    if (keypoints) {
        printf("keypoints");
        for (int i = 0; i < PUSHT_KEYPOINT_DIM; i++) printf(" %.9g", kp[i]);
        printf("\n");
    }
    printf("coverage  %.17g (reward %.6f)\n", cov, pusht_reward_of(cov));
    return 0;
}

/* ---- sim replay */
static int parse_start_mode(const char *s) {
    return !strcmp(s, "auto") ? 0 : !strcmp(s, "seed") ? 1 : !strcmp(s, "state") ? 2 : -1;
}

static int sim_replay(int argc, char **argv) {
    static const struct option opts[] = {{"start", required_argument, 0, 'S'}, {"tol", required_argument, 0, 't'},
                                         {"verbose", no_argument, 0, 'v'},     {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    int json = 0, verbose = 0, mode = 0;
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
    Episodes ep;
    if (load_episodes(argv[optind], &ep) != FC_OK) {
        fprintf(stderr, "flowchunk sim replay: error: %s\n", fc_last_error());
        return FC_ERR;
    }
    PushtEnv *env = pusht_create();
    int64_t states = 0, from_seed = 0, worst = -1;
    double max_err = 0.0;
    for (int64_t e = 0; e < ep.n_episodes; e++) {
        int64_t t0 = episodes_start(&ep, e), len = ep.episode_ends[e] - t0, n = 0;
        int64_t seed = episode_start_seed(&ep, e, mode);
        if (mode == 1 && seed < 0) {
            fprintf(stderr, "flowchunk sim replay: error: episode %lld has no reset seed (use --start state)\n",
                    (long long)e);
            pusht_destroy(env);
            episodes_free(&ep);
            return FC_ERR;
        }
        double err = pusht_replay(env, ep.state + PUSHT_STATE_DIM * t0, ep.action + PUSHT_ACTION_DIM * t0, len, seed, &n);
        states += n;
        from_seed += seed >= 0;
        if (!(err <= max_err)) { /* NaN counts as the worst */
            max_err = err;
            worst = e;
        }
        if (verbose)
            fc_log("episode %lld: %lld states from %s, max error %.3g", (long long)e, (long long)len,
                   seed >= 0 ? "its seeded reset" : "the restored first state", err);
    }
    pusht_destroy(env);
    fc_log("replayed %lld episodes of %s: %lld states compared (%lld episodes from their seeded reset, %lld from "
           "the restored first state), max abs error %.3g (episode %lld)",
           (long long)ep.n_episodes, argv[optind], (long long)states, (long long)from_seed,
           (long long)(ep.n_episodes - from_seed), max_err, (long long)worst);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "episodes", (double)ep.n_episodes);
        cJSON_AddNumberToObject(o, "states", (double)states);
        cJSON_AddNumberToObject(o, "max_abs_err", isfinite(max_err) ? max_err : 1e308);
        cJSON_AddNumberToObject(o, "worst_episode", (double)worst);
        cJSON_AddNumberToObject(o, "from_seed", (double)from_seed);
        cJSON_AddNumberToObject(o, "from_state", (double)(ep.n_episodes - from_seed));
        cli_print_json(o);
    }
    episodes_free(&ep);
    if (tol >= 0 && !(max_err <= tol)) {
        fprintf(stderr, "flowchunk sim replay: error: max abs error %.3g exceeds --tol %g\n", max_err, tol);
        return FC_ERR;
    }
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
    Episodes ep;
    if (load_episodes(argv[optind], &ep) != FC_OK) {
        fprintf(stderr, "flowchunk sim render: error: %s\n", fc_last_error());
        return FC_ERR;
    }
    int rc = FC_OK;
    if (episode >= ep.n_episodes) {
        fprintf(stderr, "flowchunk sim render: error: --episode %ld is out of range (%s has %lld episodes)\n", episode,
                argv[optind], (long long)ep.n_episodes);
        episodes_free(&ep);
        return FC_ERR;
    }
    if (png_dir && mkdir(png_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "flowchunk sim render: error: cannot create %s: %s\n", png_dir, strerror(errno));
        episodes_free(&ep);
        return FC_ERR;
    }
    RenderGif *gif = render_gif_create(gif_path, (int)size, (int)lround(100.0 / fps));
    if (!gif) {
        fprintf(stderr, "flowchunk sim render: error: cannot create %s: %s\n", gif_path, strerror(errno));
        episodes_free(&ep);
        return FC_ERR;
    }
    int64_t t0 = episodes_start(&ep, episode), len = ep.episode_ends[episode] - t0;
    int64_t seed = episode_start_seed(&ep, episode, 0);
    uint8_t *rgb = fc_malloc((size_t)size * (size_t)size * 3);
    PushtEnv *env = pusht_create();
    double s[PUSHT_STATE_DIM], cov_end = 0;
    for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = ep.state[PUSHT_STATE_DIM * t0 + i];
    if (seed >= 0) pusht_reset(env, (uint64_t)seed, PUSHT_RESET_LEGACY);
    else pusht_restore(env, s);
    /* frame t: state t and the action taken from it; the simulated replay adds the final state */
    int64_t n_frames = recorded ? len : len + 1;
    for (int64_t t = 0; t < n_frames && rc == FC_OK; t++) {
        const float *a = ep.action + PUSHT_ACTION_DIM * (t0 + (t < len ? t : len - 1));
        double act[2] = {a[0], a[1]};
        if (recorded)
            for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = ep.state[PUSHT_STATE_DIM * (t0 + t) + i];
        else
            pusht_observe_state(env, s);
        cov_end = recorded ? pusht_coverage_pose(s + 2, PUSHT_GOAL_POSE) : pusht_coverage(env);
        render_frame(rgb, (int)size, s, t < len ? act : NULL);
        if (render_gif_add(gif, rgb) != 0) rc = fc_set_error("%s: write failed", gif_path);
        if (png_dir && rc == FC_OK) {
            char p[4200];
            snprintf(p, sizeof p, "%s/frame_%04lld.png", png_dir, (long long)t);
            if (render_png_write(p, rgb, (int)size) != 0) rc = fc_set_error("%s: %s", p, strerror(errno));
        }
        if (!recorded && t < len) pusht_step(env, act);
    }
    if (render_gif_destroy(gif) != 0 && rc == FC_OK) rc = fc_set_error("%s: write failed", gif_path);
    if (rc == FC_OK)
        fc_log("wrote %s: episode %ld, %lld frames (%s states, start from %s), final coverage %.3f", gif_path, episode,
               (long long)n_frames, recorded ? "recorded" : "simulated", seed >= 0 ? "its seeded reset" : "the restored state",
               cov_end);
    else
        fprintf(stderr, "flowchunk sim render: error: %s\n", fc_last_error());
    pusht_destroy(env);
    free(rgb);
    episodes_free(&ep);
    return rc;
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

    PushtEnv *env = pusht_create();
    if (state_s) pusht_restore(env, s);
    else pusht_reset(env, seed, kind);
    cJSON *states = cJSON_CreateArray(), *covs = cJSON_CreateArray();
    for (int t = 0; t <= n_act; t++) {
        if (t > 0) pusht_step(env, actions[t - 1]);
        double obs[PUSHT_STATE_DIM], cov = pusht_coverage(env);
        pusht_observe_state(env, obs);
        cJSON_AddItemToArray(states, json_array(obs, PUSHT_STATE_DIM));
        cJSON_AddItemToArray(covs, cJSON_CreateNumber(cov));
        if (!json) {
            if (t == 0) printf("start      ");
            else printf("%-4d -> %4g,%-4g", t - 1, actions[t - 1][0], actions[t - 1][1]);
            printf(" state %.9g %.9g %.9g %.9g %.9g  coverage %.6f\n", obs[0], obs[1], obs[2], obs[3], obs[4], cov);
        }
    }
    pusht_destroy(env);
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
    for (size_t i = 0; i < sizeof TOOLS / sizeof TOOLS[0]; i++)
        if (!strcmp(argv[1], TOOLS[i].name)) return TOOLS[i].run(argc - 1, argv + 1);
    return cli_usage_error("sim", SIM_USAGE, "unknown tool '%s'", argv[1]);
}
