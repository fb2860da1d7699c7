/* stepclock.h: where a training step's time goes. A step is split into phases (compute: the
 * batch, forward, backward and the optimiser; wait: the arrival exchange, i.e. waiting for the
 * slowest trainer; reduce: moving the gradient and weights between trainers). The clock sums wall
 * time per phase over the current log window and over the run, and the thread CPU time of the
 * compute phase (what a dedicated core would need: on a shared node wall time also counts other
 * jobs' time slices). Implemented in src/stepclock.c. */
#ifndef FLOWCHUNK_STEPCLOCK_H
#define FLOWCHUNK_STEPCLOCK_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "progress.h"

typedef enum { CLOCK_COMPUTE = 0, CLOCK_WAIT = 1, CLOCK_REDUCE = 2, CLOCK_PHASES = 3 } ClockPhase;

/* sums over a span of steps */
typedef struct {
    double phase_s[CLOCK_PHASES]; /* wall seconds per phase */
    double step_s, max_step_s;    /* wall seconds of the steps, and the longest one */
    int64_t steps;
} ClockSums;

typedef struct {
    ClockPhase phase;             /* of the step in progress */
    double t_step, t_mark, cpu_mark;
    double last_step_s;           /* wall seconds of the last step */
    double compute_cpu_s;         /* thread CPU seconds in the compute phase, the whole run */
    double t_start, t_window;     /* when training and the current log window started */
    ClockSums window, run;
} StepClock;

/* training starts now */
void stepclock_init(StepClock *k);
/* a step starts, in the compute phase */
void stepclock_begin(StepClock *k);
/* the time since the last mark belongs to the current phase; the step goes on in phase p */
void stepclock_phase(StepClock *k, ClockPhase p);
/* the step ends (its time since the last mark belongs to the current phase); its wall seconds */
double stepclock_end(StepClock *k);
/* fills the timing fields of a metrics line (means per step of the window, samples/s of the
 * window's wall time for `batch` samples per step); reset != 0 opens a new window */
void stepclock_log(StepClock *k, ProgressStep *s, int batch, int reset);
/* the run's timing fields of summary.json (samples_per_s, step_ms, allreduce_ms and _share,
 * wait_ms and _share, compute_cpu_ms) */
void stepclock_summary(const StepClock *k, cJSON *o, int batch);
/* CPU seconds of this thread */
double stepclock_cpu_now(void);

#endif
