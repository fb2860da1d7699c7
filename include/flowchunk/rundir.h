/* rundir.h: every file of a training run directory, in one place (train.h):
 *   DIR/ckpt/step_XXXXXXX.h5   a checkpoint every --ckpt-every steps, the newest --keep kept
 *   DIR/latest.h5              a hard link to the newest one (replaced atomically; a copy where
 *                              the file system has no hard links): what --resume reads
 *   DIR/best.h5                the weights of the best evaluation (no optimiser state)
 *   DIR/summary.json           the run's summary, written at the end
 *   DIR/learning_curve.png, DIR/report.html, DIR/run.json   (report.h)
 *   DIR/metrics.jsonl          (progress.h)
 * Implemented in src/rundir.c. */
#ifndef FLOWCHUNK_RUNDIR_H
#define FLOWCHUNK_RUNDIR_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "flowchunk/ckpt.h"

typedef struct {
    char dir[4096];
    int keep;                 /* step checkpoints kept (0 = all) */
} RunDir;

void rundir_init(RunDir *rd, const char *dir, int keep);
/* trainer 0: DIR and DIR/ckpt exist; a run already there (latest.h5) is refused unless resume.
 * FC_OK or FC_ERR + fc_set_error */
int rundir_prepare(const RunDir *rd, int resume);
/* the path of DIR/latest.h5 into path; 1 when it exists */
int rundir_latest(const RunDir *rd, char *path, size_t n);
/* DIR/ckpt/step_<meta->step>.h5 + DIR/latest.h5, then prunes beyond keep; fatal on failure */
void rundir_write_ckpt(const RunDir *rd, const CkptMeta *meta, const Policy *p, const CkptTensors *ts);
/* DIR/best.h5; fatal on failure */
void rundir_write_best(const RunDir *rd, const CkptMeta *meta, const Policy *p, const CkptTensors *ts);
/* DIR/summary.json (o is not consumed). FC_OK or FC_ERR + fc_set_error */
int rundir_write_summary(const RunDir *rd, const cJSON *o);
/* the end of a run: DIR/learning_curve.png, titled with the policy kind, trainer count and batch
 * (a failure is only a warning, in fc_last_error: FC_ERR), and DIR/report.html */
int rundir_finish(const RunDir *rd, const char *policy, int trainers, int batch);
/* rewrites DIR/report.html; the seconds it took */
double rundir_report(const RunDir *rd);

#endif
