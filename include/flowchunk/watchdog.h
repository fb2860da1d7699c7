/* watchdog.h: the step watchdog of `flowchunk train` (src/watchdog.c). A collective that stops
 * making progress (a frozen rank, a cut link between nodes) would otherwise hang every rank with
 * no message while a scheduler sees a live job. A thread per trainer watches the time since the
 * last finished step; past the limit, max(--watchdog-s, 10 x the median step time), it names the
 * silent rank(s) and their host from the arrival exchange (dist_arrive) in one error line and
 * ends the job with a non-zero status. It calls no MPI (the trainer runs MPI single-threaded):
 * it ends its own process, and the launcher (mpirun, srun) takes the rest of the job down. */
#ifndef FLOWCHUNK_WATCHDOG_H
#define FLOWCHUNK_WATCHDOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define WATCHDOG_DEFAULT_S 300.0 /* the floor: a few minutes, longer than any checkpoint write */
#define WATCHDOG_STEP_FACTOR 10.0
#define WATCHDOG_HISTORY 64      /* the median is over the last this many steps */
#define WATCHDOG_PAUSE_FACTOR 6.0 /* the limit of a paused step (checkpoint, inline evaluation) */

typedef struct {
    double floor_s;              /* --watchdog-s; 0 = off */
    pthread_t thread;
    int running;
    _Atomic int stop;
    _Atomic int64_t step;        /* the step being worked on */
    _Atomic double last_beat;    /* progress_now() when the last step finished */
    _Atomic int paused;          /* 1 while the current step legitimately takes long */
    _Atomic double median_ms;    /* of the recent step times */
    double hist[WATCHDOG_HISTORY];
    int n_hist;
} Watchdog;

/* starts the thread (no-op when floor_s <= 0 or there is one trainer); call on every trainer
 * after dist_arrive_init, before the first step */
void watchdog_start(Watchdog *w, double floor_s, int64_t first_step, int n_trainers);
/* a step finished after `step_s` seconds; the next one is `next_step` (re-arms after a pause) */
void watchdog_beat(Watchdog *w, int64_t next_step, double step_s);
/* the step under way may take long for a known reason every trainer agrees on (trainer 0 writes
 * a checkpoint or evaluates inline while the others wait in the next step's collective): the
 * limit is WATCHDOG_PAUSE_FACTOR times longer until the next watchdog_beat */
void watchdog_pause(Watchdog *w);
/* stops and joins the thread */
void watchdog_stop(Watchdog *w);

#endif
