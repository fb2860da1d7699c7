/* sim_cli.c: `flowchunk sim` end to end (the binary from FC_FLOWCHUNK): the JSON of reset, step
 * and replay parses (stdout is exactly one clean JSON line, no Chipmunk banner) and agrees with the
 * library; every tool answers --help; bad input gives a non-zero exit and one error line; render
 * writes a GIF and PNG frames. Modes (one CTest test each): json, errors, data (needs FC_ZARR;
 * 77 = skipped when absent). Each flowchunk run costs ~0.7 s of MPI start-up, so runs are few. */
#include "flowchunk/pusht.h"
#include "sim_test.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *flowchunk;
static char tmpdir[] = "/tmp/fc_sim_cli_XXXXXX";

/* run `flowchunk ARGS`, capture stdout into out (and stderr into err, when not NULL); exit status */
static int run(const char *args, char *out, size_t n_out, char *err, size_t n_err) {
    char cmd[8192], errfile[256];
    snprintf(errfile, sizeof errfile, "%s/stderr.txt", tmpdir);
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", flowchunk, args, errfile);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t k = fread(out, 1, n_out - 1, p);
    out[k] = 0;
    int st = pclose(p);
    if (err) {
        FILE *f = fopen(errfile, "r");
        size_t m = f ? fread(err, 1, n_err - 1, f) : 0;
        err[m] = 0;
        if (f) fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* stdout must be exactly one line holding one JSON object */
static cJSON *run_json(const char *args) {
    static char out[1 << 16];
    int rc = run(args, out, sizeof out, NULL, 0);
    EXPECT(rc == 0, "flowchunk %s: exit %d", args, rc);
    size_t len = strlen(out);
    EXPECT(len > 0 && out[len - 1] == '\n' && memchr(out, '\n', len) == out + len - 1,
           "flowchunk %s: stdout is not exactly one line: [%s]", args, out);
    cJSON *o = cJSON_Parse(out);
    EXPECT(o && cJSON_IsObject(o), "flowchunk %s: stdout does not parse as a JSON object: [%s]", args, out);
    return o;
}

static double num(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    EXPECT(cJSON_IsNumber(v), "JSON field %s missing or not a number", key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void check_reset(uint64_t seed, const char *kind) {
    char args[256];
    snprintf(args, sizeof args, "sim reset --seed %llu --reset %s --json", (unsigned long long)seed, kind);
    cJSON *o = run_json(args);
    if (!o) return;
    PushtResetKind k;
    pusht_reset_kind_parse(kind, &k);
    PushtEnv *env = pusht_create();
    pusht_reset(env, seed, k);
    double obs[PUSHT_STATE_DIM];
    pusht_observe_state(env, obs);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "obs");
    EXPECT(cJSON_IsArray(a) && cJSON_GetArraySize(a) == 5, "%s: obs is an array of 5 numbers", args);
    for (int i = 0; cJSON_IsArray(a) && i < 5 && i < cJSON_GetArraySize(a); i++)
        EXPECT(cJSON_GetArrayItem(a, i)->valuedouble == obs[i], "%s: obs[%d] %.17g vs library %.17g", args, i,
               cJSON_GetArrayItem(a, i)->valuedouble, obs[i]);
    EXPECT(num(o, "coverage") == pusht_coverage(env), "%s: coverage", args);
    pusht_destroy(env);
    cJSON_Delete(o);
}

static void check_fails(const char *args, const char *needle) {
    char out[4096], err[4096];
    int rc = run(args, out, sizeof out, err, sizeof err);
    EXPECT(rc != 0, "flowchunk %s: should fail, exit %d", args, rc);
    EXPECT(strstr(err, "error") && strstr(err, needle), "flowchunk %s: stderr lacks '%s': [%s]", args, needle, err);
    EXPECT(out[0] == 0, "flowchunk %s: nothing on stdout on error, got [%s]", args, out);
}

static void check_data(const char *zarr) {
    char args[4300];
    snprintf(args, sizeof args, "sim replay '%s' --json --tol 1e-3", zarr);
    cJSON *o = run_json(args);
    if (o) {
        EXPECT(num(o, "episodes") == 206 && num(o, "states") == 25650, "replay counts");
        EXPECT(num(o, "max_abs_err") <= 1e-3, "replay error %g", num(o, "max_abs_err"));
        cJSON_Delete(o);
    }
    snprintf(args, sizeof args, "sim render '%s' --episode 1 --gif '%s/ep1.gif' --png-dir '%s/png' --size 64", zarr,
             tmpdir, tmpdir);
    char out[256];
    EXPECT(run(args, out, sizeof out, NULL, 0) == 0, "flowchunk %s", args);
    int n_png = 0;
    char p[512];
    snprintf(p, sizeof p, "%s/png", tmpdir);
    DIR *d = opendir(p);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strstr(e->d_name, ".png")) n_png++;
    if (d) closedir(d);
    EXPECT(n_png == 279 - 161 + 1, "render wrote %d PNG frames (episode 1: 118 states + the final one)", n_png);
    snprintf(args, sizeof args, "sim render '%s' --episode 206 --gif '%s/x.gif'", zarr, tmpdir);
    check_fails(args, "out of range");
}

static void check_json(void) {
    check_reset(0, "legacy");
    check_reset(4294967295ull, "legacy");
    check_reset(12345, "gym");
    cJSON *o = run_json("sim step --seed 0 --action 233,71 --action 240,60 --json");
    if (o) {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "states");
        EXPECT(cJSON_IsArray(st) && cJSON_GetArraySize(st) == 3, "step: start + 2 states");
        cJSON_Delete(o);
    }
    o = run_json("sim step --state 222,97,222.99382,381.59903,3.0079994 --action 233,71 --json");
    if (o) { /* the first state of episode 0 and its first action: the recorded next state */
        const cJSON *st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "states"), 1);
        EXPECT(st && fabs(cJSON_GetArrayItem(st, 0)->valuedouble - 225.2524) < 1e-4 &&
               fabs(cJSON_GetArrayItem(st, 1)->valuedouble - 89.31253) < 1e-4, "step from episode 0's start");
        cJSON_Delete(o);
    }
}

static void check_errors(void) {
    check_fails("sim frobnicate", "unknown tool");
    check_fails("sim reset", "missing --seed");
    check_fails("sim reset --seed 4294967296", "--seed");
    check_fails("sim reset --seed 0 --reset pcg", "--reset");
    check_fails("sim replay /nonexistent/episodes.h5", "/nonexistent/episodes.h5");
    check_fails("sim step --state 1,2,3,4,nan --action 1,2", "--state");
    check_fails("sim step --seed 1 --action 1", "--action");
    check_fails("sim render x.h5 --gif y.gif", "--episode");
}

/* sim_cli json|errors|data */
int main(int argc, char **argv) {
    flowchunk = getenv("FC_FLOWCHUNK");
    if (!flowchunk || argc != 2) {
        fprintf(stderr, "usage: FC_FLOWCHUNK=... sim_cli json|errors|data\n");
        return 2;
    }
    const char *zarr = getenv("FC_ZARR");
    struct stat st;
    int have_data = zarr && stat(zarr, &st) == 0;
    if (!strcmp(argv[1], "data") && !have_data) {
        printf("SKIP: the real Push-T zarr is absent (FC_ZARR=%s)\n", zarr ? zarr : "(unset)");
        return 77;
    }
    if (!mkdtemp(tmpdir)) return 1;
    if (!strcmp(argv[1], "json")) check_json();
    else if (!strcmp(argv[1], "errors")) check_errors();
    else if (!strcmp(argv[1], "data")) check_data(zarr);
    else EXPECT(0, "unknown mode %s", argv[1]);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    return finish(argv[1]);
}
