/* preempt.h: the stop signals of `flowchunk train` (train.h "Preemption"). The first SIGTERM or
 * SIGUSR1 asks for a checkpoint and exit status 3 (the trainers OR the flag into the per-step
 * loss allreduce, so all stop after the same step); a second one exits at once (128 + signal).
 * Implemented in src/preempt.c. */
#ifndef FLOWCHUNK_PREEMPT_H
#define FLOWCHUNK_PREEMPT_H

/* installs the handlers of SIGTERM and SIGUSR1 */
void preempt_install(void);
/* 1 once a stop signal arrived */
int preempt_requested(void);

#endif
