/* cmd_import.c: `flowchunk import ZARR_DIR -o EPISODES.h5 [--json]`: converts Diffusion Policy's
 * Push-T replay buffer (a zarr v2 directory store) into an episodes file (data/README.md).
 * The output appears atomically or not at all: any bad input gives one error line, a non-zero
 * exit, and no output or temp file. Summary on stderr; --json prints one object on stdout. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/episodes.h"
#include "flowchunk/zarr.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *IMPORT_USAGE =
    "usage: flowchunk import ZARR_DIR -o EPISODES.h5 [--json]\n"
    "\n"
    "Convert Diffusion Policy's Push-T demonstrations (zarr v2 directory store, e.g.\n"
    "pusht_cchi_v7_replay.zarr) into a flowchunk episodes file:\n"
    "  data/state <f4 (N,5), data/action <f4 (N,2), data/keypoint <f4 (N,9,2) (if present)\n"
    "  and meta/episode_ends <i8 (E,) are copied; episode i gets reset seed i (meta/episode_seed);\n"
    "  other arrays (data/img, data/n_contacts) are ignored. The input is validated (dtypes,\n"
    "  shapes, every chunk present and intact, increasing episode ends, no NaN/Inf).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   episodes file to write (atomically: temp file, fsync, rename)\n"
    "      --json          print a JSON summary on stdout\n"
    "  -h, --help          this help\n";

/* the arrays the importer copies */
static const char *const IMPORT_ARRAYS[] = {"data/state", "data/action", "data/keypoint", "meta/episode_ends"};

static int import_is_copied(const char *name) {
    for (size_t i = 0; i < sizeof IMPORT_ARRAYS / sizeof IMPORT_ARRAYS[0]; i++)
        if (!strcmp(name, IMPORT_ARRAYS[i])) return 1;
    return 0;
}

/* arrays of the store's data/ and meta/ groups that the importer does not copy */
static void import_list_ignored(const char *dir, cJSON *list) {
    static const char *const groups[] = {"data", "meta"};
    for (int g = 0; g < 2; g++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, groups[g]);
        DIR *d = opendir(p);
        if (!d) continue;
        for (struct dirent *e; (e = readdir(d));) {
            char name[512];
            if (e->d_name[0] == '.') continue;
            snprintf(name, sizeof name, "%s/%s", groups[g], e->d_name);
            if (!import_is_copied(name) && zarr_has_array(dir, name)) cJSON_AddItemToArray(list, cJSON_CreateString(name));
        }
        closedir(d);
    }
}

int cmd_import(int argc, char **argv) {
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL;
    int json = 0;
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(IMPORT_USAGE, stdout); return 0;
        default:
            return cli_usage_error("import", IMPORT_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("import", IMPORT_USAGE, optind >= argc ? "missing ZARR_DIR" : "expected one ZARR_DIR");
    if (!out) return cli_usage_error("import", IMPORT_USAGE, "missing -o EPISODES.h5");
    const char *dir = argv[optind];

    Episodes ep;
    if (zarr_read_episodes(dir, &ep) != FC_OK || episodes_write(&ep, out) != FC_OK) {
        fprintf(stderr, "flowchunk import: error: %s\n", fc_last_error());
        episodes_free(&ep);
        return FC_ERR;
    }
    int64_t lmin = INT64_MAX, lmax = 0;
    for (int64_t e = 0; e < ep.n_episodes; e++) {
        int64_t l = ep.episode_ends[e] - episodes_start(&ep, e);
        lmin = l < lmin ? l : lmin;
        lmax = l > lmax ? l : lmax;
    }
    double lmean = (double)ep.n_steps / (double)ep.n_episodes;
    cJSON *arrays = cJSON_CreateArray(), *ignored = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof IMPORT_ARRAYS / sizeof IMPORT_ARRAYS[0]; i++)
        if (i != 2 || ep.keypoint) cJSON_AddItemToArray(arrays, cJSON_CreateString(IMPORT_ARRAYS[i]));
    import_list_ignored(dir, ignored);

    char *ign = cJSON_PrintUnformatted(ignored);
    fc_log("imported %lld episodes, %lld steps (episode length %lld..%lld, mean %.1f) from %s", (long long)ep.n_episodes,
           (long long)ep.n_steps, (long long)lmin, (long long)lmax, lmean, dir);
    fc_log("wrote %s: data/state (%lld,5), data/action (%lld,2)%s, meta/episode_ends, meta/episode_seed (= episode "
           "index); ignored arrays: %s", out, (long long)ep.n_steps, (long long)ep.n_steps,
           ep.keypoint ? ", data/keypoint (N,9,2)" : "", ign);
    cJSON_free(ign);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "source", dir);
        cJSON_AddStringToObject(o, "output", out);
        cJSON_AddNumberToObject(o, "episodes", (double)ep.n_episodes);
        cJSON_AddNumberToObject(o, "steps", (double)ep.n_steps);
        cJSON_AddNumberToObject(o, "min_length", (double)lmin);
        cJSON_AddNumberToObject(o, "mean_length", lmean);
        cJSON_AddNumberToObject(o, "max_length", (double)lmax);
        cJSON_AddItemToObject(o, "arrays", arrays);
        cJSON_AddItemToObject(o, "ignored", ignored);
        cli_print_json(o);
    } else {
        cJSON_Delete(arrays);
        cJSON_Delete(ignored);
    }
    episodes_free(&ep);
    return 0;
}
