/* cmd_import.c: `flowchunk import ZARR_DIR -o EPISODES.h5 [--json]`: converts Diffusion Policy's
 * Push-T replay buffer (a zarr v2 directory store) into an episodes file (data/README.md).
 * The output appears atomically or not at all: any bad input gives one error line, a non-zero
 * exit, and no output or temp file (zarr_import). Summary on stderr; --json prints one object
 * on stdout. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/zarr.h"

#include <cjson/cJSON.h>
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

    ZarrImport r;
    if (zarr_import(dir, out, &r) != FC_OK) return FC_ERR;
    char *ign = cJSON_PrintUnformatted(r.ignored);
    fc_log("imported %lld episodes, %lld steps (episode length %lld..%lld, mean %.1f) from %s", (long long)r.episodes,
           (long long)r.steps, (long long)r.min_length, (long long)r.max_length, r.mean_length, dir);
    fc_log("wrote %s: data/state (%lld,5), data/action (%lld,2)%s, meta/episode_ends, meta/episode_seed (= episode "
           "index); ignored arrays: %s", out, (long long)r.steps, (long long)r.steps,
           r.keypoint ? ", data/keypoint (N,9,2)" : "", ign);
    cJSON_free(ign);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "source", dir);
        cJSON_AddStringToObject(o, "output", out);
        cJSON_AddNumberToObject(o, "episodes", (double)r.episodes);
        cJSON_AddNumberToObject(o, "steps", (double)r.steps);
        cJSON_AddNumberToObject(o, "min_length", (double)r.min_length);
        cJSON_AddNumberToObject(o, "mean_length", r.mean_length);
        cJSON_AddNumberToObject(o, "max_length", (double)r.max_length);
        cJSON_AddItemToObject(o, "arrays", r.arrays);
        cJSON_AddItemToObject(o, "ignored", r.ignored);
        cli_print_json(o);
    } else {
        cJSON_Delete(r.arrays);
        cJSON_Delete(r.ignored);
    }
    return FC_OK;
}
