/* dist.h: everything multi-process (MPI) lives behind this header, implemented in src/dist.c.
 * With one process every collective is a cheap no-op-like call, so most code needs no mpirun.
 * Roles (DESIGN.md): world ranks 0..P-E-1 train, the last E evaluate; one MPI_Comm_split. */
#ifndef FLOWCHUNK_DIST_H
#define FLOWCHUNK_DIST_H

/* MPI_Init (idempotent); installs the error handler that turns MPI errors into one-line fatals */
void dist_init(int *argc, char ***argv);
/* MPI_Finalize if initialised and not yet finalised */
void dist_finalize(void);
/* abort the whole job with status `code` (MPI_Abort when MPI is up, else exit) */
void dist_abort(int code) __attribute__((noreturn));
/* world rank and size (0 and 1 before dist_init) */
int dist_world_rank(void);
int dist_world_size(void);

#endif
