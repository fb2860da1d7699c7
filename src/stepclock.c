/* stepclock.c: the step clock of `flowchunk train` (see stepclock.h). */
#include "stepclock.h"

#include <string.h>
#include <time.h>

double stepclock_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void stepclock_init(StepClock *k) {
    memset(k, 0, sizeof *k);
    k->t_start = k->t_window = progress_now();
}

void stepclock_begin(StepClock *k) {
    k->phase = CLOCK_COMPUTE;
    k->t_step = k->t_mark = progress_now();
    k->cpu_mark = stepclock_cpu_now();
}

void stepclock_phase(StepClock *k, ClockPhase p) {
    double now = progress_now(), cpu = stepclock_cpu_now();
    k->window.phase_s[k->phase] += now - k->t_mark;
    k->run.phase_s[k->phase] += now - k->t_mark;
    if (k->phase == CLOCK_COMPUTE) k->compute_cpu_s += cpu - k->cpu_mark;
    k->t_mark = now;
    k->cpu_mark = cpu;
    k->phase = p;
}

static void clock_add_step(ClockSums *s, double dt) {
    s->step_s += dt;
    if (dt > s->max_step_s) s->max_step_s = dt;
    s->steps++;
}

double stepclock_end(StepClock *k) {
    stepclock_phase(k, CLOCK_COMPUTE);
    double dt = k->t_mark - k->t_step;
    clock_add_step(&k->window, dt);
    clock_add_step(&k->run, dt);
    return k->last_step_s = dt;
}

void stepclock_log(StepClock *k, ProgressStep *s, int batch, int reset) {
    double now = progress_now(), dt = now - k->t_window;
    const ClockSums *w = &k->window;
    double n = w->steps > 0 ? (double)w->steps : 1;
    s->samples_per_s = dt > 0 ? n * batch / dt : 0;
    s->step_ms = 1e3 * w->step_s / n;
    s->max_step_ms = 1e3 * w->max_step_s;
    s->allreduce_ms = 1e3 * w->phase_s[CLOCK_REDUCE] / n;
    s->wait_ms = 1e3 * w->phase_s[CLOCK_WAIT] / n;
    s->elapsed_s = now - k->t_start;
    if (!reset) return;
    memset(&k->window, 0, sizeof k->window);
    k->t_window = now;
}

void stepclock_summary(const StepClock *k, cJSON *o, int batch) {
    const ClockSums *r = &k->run;
    double n = r->steps > 0 ? (double)r->steps : 1, total = r->step_s;
    cJSON_AddNumberToObject(o, "samples_per_s", total > 0 ? (double)r->steps * batch / total : 0);
    cJSON_AddNumberToObject(o, "allreduce_share", total > 0 ? r->phase_s[CLOCK_REDUCE] / total : 0);
    cJSON_AddNumberToObject(o, "step_ms", 1e3 * total / n);
    cJSON_AddNumberToObject(o, "allreduce_ms", 1e3 * r->phase_s[CLOCK_REDUCE] / n);
    cJSON_AddNumberToObject(o, "wait_share", total > 0 ? r->phase_s[CLOCK_WAIT] / total : 0);
    cJSON_AddNumberToObject(o, "wait_ms", 1e3 * r->phase_s[CLOCK_WAIT] / n);
    cJSON_AddNumberToObject(o, "compute_cpu_ms", 1e3 * k->compute_cpu_s / n);
}
