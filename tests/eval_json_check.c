/* eval_json_check.c: checks the JSON object of `flowchunk eval --json` (CI has no Python/jq).
 *   eval_json_check check FILE EPISODES MAX_STEPS   one object with every documented field; per-
 *       episode arrays of noise_seeds x EPISODES entries (draw-major); score = mean(max_reward) =
 *       mean(draw_score), score_min/max/std the draws' spread, success_rate = mean(success),
 *       env_steps = sum(steps), steps <= MAX_STEPS, an episode that did not succeed ran MAX_STEPS,
 *       max_reward in [0,1] and = 1 exactly when it succeeded
 *   eval_json_check same A B       the deterministic results (score, success_rate, env_steps,
 *       seeds, max_reward, max_coverage, success, steps) are identical
 *   eval_json_check identical A B  every field is identical but the timing fields and "ranks"
 *       (the whole JSON of an evaluation does not depend on the rank count)
 *   eval_json_check get FILE KEY   prints a scalar field (numbers %.17g, strings raw, bools 0/1)
 * Exit 0 when the check holds, 1 with one FAIL line per problem otherwise. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails = 0;
#define FAIL(...) do { fails++; fprintf(stderr, "FAIL: "); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } while (0)

static cJSON *load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "FAIL: cannot open %s\n", path); exit(1); }
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    int lines = 0;
    for (size_t i = 0; i < n; i++) lines += buf[i] == '\n';
    if (lines != 1 || n == 0 || buf[n - 1] != '\n') FAIL("%s: expected exactly one line of JSON, got %d line(s)", path, lines);
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithOpts(buf, &end, 0);
    if (!o || !cJSON_IsObject(o)) { fprintf(stderr, "FAIL: %s does not parse as one JSON object\n", path); exit(1); }
    while (end && (*end == '\n' || *end == ' ')) end++;
    if (end && *end) FAIL("%s: trailing text after the JSON object", path);
    return o;
}

static cJSON *field(const cJSON *o, const char *k) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v) FAIL("missing field \"%s\"", k);
    return v;
}

static double num(const cJSON *o, const char *k) {
    cJSON *v = field(o, k);
    if (v && !cJSON_IsNumber(v)) FAIL("field \"%s\" is not a number", k);
    return v && cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static cJSON *arr(const cJSON *o, const char *k, int n) {
    cJSON *v = field(o, k);
    if (v && (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n)) {
        FAIL("field \"%s\" is not an array of %d entries", k, n);
        return NULL;
    }
    return v;
}

static int check(const char *path, int episodes, int max_steps) {
    cJSON *o = load(path);
    static const char *strs[] = {"checkpoint", "weights", "policy", "reset", "obs_kind"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        cJSON *v = field(o, strs[i]);
        if (v && !cJSON_IsString(v)) FAIL("field \"%s\" is not a string", strs[i]);
    }
    static const char *nums[] = {"step", "score", "success_rate", "mean_max_coverage", "episodes", "env_steps",
                                 "decisions", "rollouts_per_s", "seconds", "cpu_seconds", "policy_seconds", "sim_seconds", "ranks",
                                 "seed", "max_steps", "obs_steps", "n_action_steps", "action_offset", "flow_steps",
                                 "noise_seed", "noise_seeds", "score_std", "score_min", "score_max",
                                 "success_rate_std", "success_rate_min", "success_rate_max"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) num(o, nums[i]);
    if (num(o, "episodes") != episodes) FAIL("episodes %g, expected %d", num(o, "episodes"), episodes);
    if (num(o, "max_steps") != max_steps) FAIL("max_steps %g, expected %d", num(o, "max_steps"), max_steps);
    if (!(num(o, "rollouts_per_s") > 0)) FAIL("rollouts_per_s is not positive");
    int K = (int)num(o, "noise_seeds"), E = episodes;
    if (K < 1) { FAIL("noise_seeds %d < 1", K); return 1; }
    episodes = K * E; /* the arrays hold every draw's episodes */
    cJSON *mr = arr(o, "max_reward", episodes), *su = arr(o, "success", episodes), *st = arr(o, "steps", episodes);
    cJSON *sd = arr(o, "seeds", episodes), *mc = arr(o, "max_coverage", episodes);
    cJSON *dscore = arr(o, "draw_score", K), *dsucc = arr(o, "draw_success_rate", K);
    if (!mr || !su || !st || !sd || !mc || !dscore || !dsucc) return 1;
    double lo = 1e300, hi = -1e300, mean_d = 0;
    for (int k = 0; k < K; k++) { /* each draw's score is the mean of its own E episodes */
        double dk = cJSON_GetArrayItem(dscore, k)->valuedouble, sk = 0, sr = 0;
        for (int i = 0; i < E; i++) {
            sk += cJSON_GetArrayItem(mr, k * E + i)->valuedouble;
            sr += cJSON_IsTrue(cJSON_GetArrayItem(su, k * E + i));
            if (cJSON_GetArrayItem(sd, k * E + i)->valuedouble != cJSON_GetArrayItem(sd, i)->valuedouble)
                FAIL("draw %d, episode %d: another reset seed than draw 0's", k, i);
        }
        if (fabs(dk - sk / E) > 1e-12) FAIL("draw_score[%d] %.17g != its episodes' mean %.17g", k, dk, sk / E);
        if (fabs(cJSON_GetArrayItem(dsucc, k)->valuedouble - sr / E) > 1e-12) FAIL("draw_success_rate[%d]", k);
        lo = fmin(lo, dk), hi = fmax(hi, dk), mean_d += dk / K;
    }
    if (num(o, "score_min") != lo || num(o, "score_max") != hi) FAIL("score_min/max are not the draws' min/max");
    if (fabs(num(o, "score") - mean_d) > 1e-12) FAIL("score %.17g != mean(draw_score) %.17g", num(o, "score"), mean_d);
    if (K == 1 && num(o, "score_std") != 0) FAIL("one draw with a nonzero score_std");
    double sum_r = 0, sum_s = 0, sum_steps = 0;
    for (int i = 0; i < episodes; i++) {
        double r = cJSON_GetArrayItem(mr, i)->valuedouble, steps = cJSON_GetArrayItem(st, i)->valuedouble;
        double cov = cJSON_GetArrayItem(mc, i)->valuedouble;
        int s = cJSON_IsTrue(cJSON_GetArrayItem(su, i));
        if (!cJSON_IsBool(cJSON_GetArrayItem(su, i))) FAIL("success[%d] is not a bool", i);
        if (!(r >= 0 && r <= 1)) FAIL("max_reward[%d] = %g outside [0,1]", i, r);
        if (fabs(r - fmin(cov / 0.95, 1.0)) > 1e-12) FAIL("max_reward[%d] = %g but max_coverage %g", i, r, cov);
        if (s != (cov > 0.95)) FAIL("success[%d] = %d but max_coverage %g", i, s, cov);
        if (!(steps >= 1 && steps <= max_steps)) FAIL("steps[%d] = %g outside [1, %d]", i, steps, max_steps);
        if (!s && steps != max_steps) FAIL("episode %d failed after %g steps, not max_steps %d", i, steps, max_steps);
        sum_r += r;
        sum_s += s;
        sum_steps += steps;
    }
    if (fabs(num(o, "score") - sum_r / episodes) > 1e-12) FAIL("score %.17g != mean(max_reward) %.17g", num(o, "score"), sum_r / episodes);
    if (fabs(num(o, "success_rate") - sum_s / episodes) > 1e-12) FAIL("success_rate != mean(success)");
    if (num(o, "env_steps") != sum_steps) FAIL("env_steps %g != sum(steps) %g", num(o, "env_steps"), sum_steps);
    cJSON_Delete(o);
    return fails ? 1 : 0;
}

static int same(const char *a, const char *b) {
    cJSON *x = load(a), *y = load(b);
    static const char *keys[] = {"score", "success_rate", "mean_max_coverage", "env_steps", "decisions", "episodes",
                                 "noise_seeds", "draw_score", "seeds", "max_reward", "max_coverage", "success", "steps"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON *u = field(x, keys[i]), *v = field(y, keys[i]);
        if (u && v && !cJSON_Compare(u, v, 1)) {
            char *su = cJSON_PrintUnformatted(u), *sv = cJSON_PrintUnformatted(v);
            FAIL("\"%s\" differs: %.200s vs %.200s", keys[i], su, sv);
            cJSON_free(su);
            cJSON_free(sv);
        }
    }
    cJSON_Delete(x);
    cJSON_Delete(y);
    return fails ? 1 : 0;
}

static int identical(const char *a, const char *b) {
    cJSON *x = load(a), *y = load(b);
    static const char *skip[] = {"rollouts_per_s", "seconds", "cpu_seconds", "policy_seconds", "sim_seconds", "ranks"};
    int n_x = 0, n_y = cJSON_GetArraySize(y);
    for (cJSON *u = x ? x->child : NULL; u; u = u->next) {
        int skipped = 0;
        for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) skipped |= !strcmp(u->string, skip[i]);
        n_x++;
        if (skipped) continue;
        cJSON *v = cJSON_GetObjectItemCaseSensitive(y, u->string);
        if (!v || !cJSON_Compare(u, v, 1)) {
            char *su = cJSON_PrintUnformatted(u), *sv = v ? cJSON_PrintUnformatted(v) : NULL;
            FAIL("\"%s\" differs: %.200s vs %.200s", u->string, su, sv ? sv : "(missing)");
            cJSON_free(su);
            cJSON_free(sv);
        }
    }
    if (x && y && n_x != n_y) FAIL("%s has %d fields, %s %d", a, n_x, b, n_y);
    cJSON_Delete(x);
    cJSON_Delete(y);
    return fails ? 1 : 0;
}

static int get(const char *path, const char *key) {
    cJSON *o = load(path), *v = field(o, key);
    if (!v) return 1;
    if (cJSON_IsNumber(v)) printf("%.17g\n", v->valuedouble);
    else if (cJSON_IsString(v)) printf("%s\n", v->valuestring);
    else if (cJSON_IsBool(v)) printf("%d\n", cJSON_IsTrue(v));
    else { char *s = cJSON_PrintUnformatted(v); printf("%s\n", s); cJSON_free(s); }
    cJSON_Delete(o);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "check")) return check(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "same")) return same(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "identical")) return identical(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "get")) return get(argv[2], argv[3]);
    fprintf(stderr, "usage: eval_json_check check FILE EPISODES MAX_STEPS | same A B | identical A B | get FILE KEY\n");
    return 2;
}
