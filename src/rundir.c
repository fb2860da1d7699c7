/* rundir.c: the files of a run directory (see rundir.h). */
#include "flowchunk/rundir.h"
#include "flowchunk/check.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void rundir_init(RunDir *rd, const char *dir, int keep) {
    memset(rd, 0, sizeof *rd);
    snprintf(rd->dir, sizeof rd->dir, "%s", dir);
    rd->keep = keep;
}

static int rundir_mkdir(const char *path) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return FC_OK;
    }
    return fc_set_error("--run-dir: cannot create directory '%s': %s", path, strerror(errno));
}

int rundir_latest(const RunDir *rd, char *path, size_t n) {
    struct stat st;
    snprintf(path, n, "%s/latest.h5", rd->dir);
    return stat(path, &st) == 0;
}

int rundir_prepare(const RunDir *rd, int resume) {
    char sub[4200];
    if (rundir_mkdir(rd->dir) != FC_OK) return FC_ERR;
    snprintf(sub, sizeof sub, "%s/ckpt", rd->dir);
    if (rundir_mkdir(sub) != FC_OK) return FC_ERR;
    if (!resume && rundir_latest(rd, sub, sizeof sub))
        return fc_set_error("%s already holds a run (latest.h5): pass --resume to continue it, or use another --run-dir",
                            rd->dir);
    return FC_OK;
}

static void rundir_ckpt_path(const RunDir *rd, long long step, char *out, size_t n) {
    snprintf(out, n, "%s/ckpt/step_%07lld.h5", rd->dir, step);
}

/* removes the oldest DIR/ckpt/step_*.h5 beyond keep */
static void rundir_prune(const RunDir *rd) {
    if (rd->keep <= 0) return;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/ckpt", rd->dir);
    DIR *d = opendir(dir);
    if (!d) return;
    long long steps[4096];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 4096) {
        long long s;
        char tail[8];
        if (sscanf(e->d_name, "step_%lld.%7s", &s, tail) == 2 && strcmp(tail, "h5") == 0) steps[n++] = s;
    }
    closedir(d);
    while (n > rd->keep) {
        int oldest = 0;
        for (int i = 1; i < n; i++)
            if (steps[i] < steps[oldest]) oldest = i;
        char path[4300];
        rundir_ckpt_path(rd, steps[oldest], path, sizeof path);
        unlink(path);
        steps[oldest] = steps[--n];
    }
}

void rundir_write_ckpt(const RunDir *rd, const CkptMeta *m, const Policy *p, const CkptTensors *ts) {
    char path[4300], latest[4200], tmp[4300];
    rundir_ckpt_path(rd, (long long)m->step, path, sizeof path);
    if (ckpt_write(path, m, p, ts) != FC_OK) fc_die("checkpoint: %s", fc_last_error());
    rundir_latest(rd, latest, sizeof latest);
    snprintf(tmp, sizeof tmp, "%s.link.%ld", latest, (long)getpid());
    unlink(tmp);
    if (link(path, tmp) != 0 || rename(tmp, latest) != 0) {
        unlink(tmp); /* no hard links here: a second copy */
        if (ckpt_write(latest, m, p, ts) != FC_OK) fc_die("checkpoint: %s", fc_last_error());
    }
    rundir_prune(rd);
}

void rundir_write_best(const RunDir *rd, const CkptMeta *m, const Policy *p, const CkptTensors *ts) {
    char path[4200];
    snprintf(path, sizeof path, "%s/best.h5", rd->dir);
    if (ckpt_write(path, m, p, ts) != FC_OK) fc_die("best checkpoint: %s", fc_last_error());
}

int rundir_write_summary(const RunDir *rd, const cJSON *o) {
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", rd->dir);
    char *s = cJSON_Print(o);
    FILE *f = fopen(path, "w");
    int rc = f ? FC_OK : fc_set_error("cannot write %s", path);
    if (f) {
        fprintf(f, "%s\n", s);
        fclose(f);
    }
    free(s);
    return rc;
}

int rundir_finish(const RunDir *rd, const char *policy, int trainers, int batch) {
    char png[4200], title[256];
    snprintf(title, sizeof title, "flowchunk %s policy, %d trainer(s), batch %d", policy, trainers, batch);
    snprintf(png, sizeof png, "%s/learning_curve.png", rd->dir);
    int rc = report_curve_png(rd->dir, png, title);
    report_refresh(rd->dir);
    return rc;
}

double rundir_report(const RunDir *rd) { return report_refresh(rd->dir); }
