/* watchdog.c: the step watchdog (watchdog.h). The training loop beats once per finished step;
 * a thread checks every 200 ms whether the step under way has outlived the limit. When it has,
 * it reads the arrival exchange (dist_arrive_heard): trainers that have not announced the current
 * step are the silent ones (frozen, dead without notice, or behind a cut link); when every
 * trainer announced it, one of them stopped inside the gradient reduction. The lowest trainer
 * that did arrive prints the one error line and ends its process; the others stay quiet for a
 * grace period (the launcher kills them) and report themselves only if nobody did. */
#include "flowchunk/watchdog.h"
#include "flowchunk/dist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WATCHDOG_POLL_US 200000
#define WATCHDOG_GRACE_S 5.0 /* how long a non-reporting trainer waits to be killed */

static double watchdog_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* the limit in seconds that applies now */
static double watchdog_limit_s(const Watchdog *w) {
    double k = WATCHDOG_STEP_FACTOR * atomic_load(&w->median_ms) / 1e3;
    return k > w->floor_s ? k : w->floor_s;
}

static int watchdog_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "rank 3 on nodeB (last heard at step 56)" for every trainer that has not announced `step`;
 * returns how many, and the lowest trainer that has (-1: none) in *lowest_arrived */
static int watchdog_silent(int64_t step, char *out, size_t cap, int *lowest_arrived) {
    int n = 0, P = dist_arrive_size();
    size_t len = 0;
    out[0] = '\0';
    *lowest_arrived = -1;
    for (int r = 0; r < P; r++) {
        int64_t h = dist_arrive_heard(r);
        if (h >= step) {
            if (*lowest_arrived < 0) *lowest_arrived = r;
            continue;
        }
        if (len < cap) {
            int k = h >= 0 ? snprintf(out + len, cap - len, "%srank %d on %s (last heard at step %lld)", n ? ", " : "",
                                      r, dist_arrive_host(r), (long long)h)
                           : snprintf(out + len, cap - len, "%srank %d on %s (never heard)", n ? ", " : "", r,
                                      dist_arrive_host(r));
            len += k > 0 ? (size_t)k : 0;
        }
        n++;
    }
    return n;
}

/* "rank 2 on nodeB, rank 3 on nodeB": the trainers on other hosts (the suspects when all arrived
 * and the reduction still hangs); returns how many */
static int watchdog_remote(char *out, size_t cap) {
    int n = 0;
    size_t len = 0;
    out[0] = '\0';
    for (int r = 0; r < dist_arrive_size(); r++) {
        if (!strcmp(dist_arrive_host(r), dist_host())) continue;
        if (len < cap) {
            int k = snprintf(out + len, cap - len, "%srank %d on %s", n ? ", " : "", r, dist_arrive_host(r));
            len += k > 0 ? (size_t)k : 0;
        }
        n++;
    }
    return n;
}

static void watchdog_fire(Watchdog *w, double waited, double limit) {
    int64_t step = atomic_load(&w->step);
    char silent[768];
    int lowest, me = dist_world_rank();
    int n = watchdog_silent(step, silent, sizeof silent, &lowest);
    if (lowest != me) { /* the lowest trainer that arrived reports; give its abort time to land */
        usleep((useconds_t)(WATCHDOG_GRACE_S * 1e6));
        if (atomic_load(&w->stop)) return;
    }
    char why[1024];
    if (n > 0)
        snprintf(why, sizeof why, "%s %s not reached step %lld: frozen, dead without notice, or cut off", silent,
                 n > 1 ? "have" : "has", (long long)step);
    else if (watchdog_remote(silent, sizeof silent) > 0)
        snprintf(why, sizeof why, "every trainer reached step %lld but the gradient reduction does not complete: a rank "
                                  "stopped inside it, or the link to %s is down", (long long)step, silent);
    else
        snprintf(why, sizeof why, "every trainer reached step %lld but the gradient reduction does not complete: a rank "
                                  "stopped inside it", (long long)step);
    fprintf(stderr,
            "flowchunk: error: watchdog: rank %d on %s: no training step finished for %.1f s (limit %.0f s = %smax(--watchdog-s "
            "%g, %g x median step %.1f ms)); %s; ending the job\n",
            me, dist_host(), waited, limit, limit > watchdog_limit_s(w) ? "checkpoint/evaluation step: 6 x " : "",
            w->floor_s, WATCHDOG_STEP_FACTOR, atomic_load(&w->median_ms), why);
    fflush(stderr);
    /* no MPI from this thread: ending the process makes mpirun / srun take the job down */
    _exit(1);
}

static void *watchdog_main(void *arg) {
    Watchdog *w = arg;
    double prev = watchdog_now();
    while (!atomic_load(&w->stop)) {
        usleep(WATCHDOG_POLL_US);
        double now = watchdog_now();
        /* this process itself was stopped (SIGSTOP, then the launcher's SIGCONT before it kills
         * the job): it saw nothing of that time, so it judges no one for it */
        if (now - prev > 1.0) atomic_store(&w->last_beat, now);
        prev = now;
        /* a paused step (trainer 0 checkpoints or evaluates inline) gets a longer limit, not an
         * endless one: a rank that freezes during it must still be caught */
        double waited = now - atomic_load(&w->last_beat);
        double limit = watchdog_limit_s(w) * (atomic_load(&w->paused) ? WATCHDOG_PAUSE_FACTOR : 1.0);
        if (waited > limit) watchdog_fire(w, waited, limit);
    }
    return NULL;
}

void watchdog_start(Watchdog *w, double floor_s, int64_t first_step, int n_trainers) {
    memset(w, 0, sizeof *w);
    w->floor_s = floor_s;
    if (floor_s <= 0 || n_trainers < 2) return; /* one trainer has no collective to hang in */
    atomic_store(&w->step, first_step);
    atomic_store(&w->last_beat, watchdog_now());
    if (pthread_create(&w->thread, NULL, watchdog_main, w) == 0) w->running = 1;
    else fprintf(stderr, "flowchunk: warning: cannot start the step watchdog thread; a hang will not be detected\n");
}

void watchdog_beat(Watchdog *w, int64_t next_step, double step_s) {
    if (!w->running) return;
    /* the median of the recent steps: robust to the odd slow one (a checkpoint, an evaluation) */
    w->hist[w->n_hist++ % WATCHDOG_HISTORY] = step_s * 1e3;
    if (w->n_hist % 16 == 1 || w->n_hist <= WATCHDOG_HISTORY) {
        int k = w->n_hist < WATCHDOG_HISTORY ? w->n_hist : WATCHDOG_HISTORY;
        double tmp[WATCHDOG_HISTORY];
        memcpy(tmp, w->hist, (size_t)k * sizeof(double));
        qsort(tmp, (size_t)k, sizeof(double), watchdog_cmp);
        atomic_store(&w->median_ms, tmp[k / 2]);
    }
    atomic_store(&w->step, next_step);
    atomic_store(&w->last_beat, watchdog_now());
    atomic_store(&w->paused, 0);
}

void watchdog_pause(Watchdog *w) {
    if (w->running) atomic_store(&w->paused, 1);
}

void watchdog_stop(Watchdog *w) {
    if (!w->running) return;
    atomic_store(&w->stop, 1);
    pthread_join(w->thread, NULL);
    w->running = 0;
}
