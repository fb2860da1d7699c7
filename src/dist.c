/* dist.c: the only module that calls MPI. Initialisation, job-wide abort, rank queries; the
 * trainer/evaluator split and the collectives of training grow here. */
#include "flowchunk/dist.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int mpi_started(void) {
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

/* MPI errors are environment failures: one line, then the whole job goes down */
static void dist_errhandler(MPI_Comm *comm, int *code, ...) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    (void)comm;
    MPI_Error_string(*code, msg, &len);
    fprintf(stderr, "flowchunk: error: MPI: %s\n", msg);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

void dist_init(int *argc, char ***argv) {
    if (mpi_started()) return;
    MPI_Init(argc, argv);
    MPI_Errhandler eh;
    MPI_Comm_create_errhandler(dist_errhandler, &eh);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh);
}

void dist_finalize(void) {
    if (mpi_started()) MPI_Finalize();
}

void dist_abort(int code) {
    fflush(stdout);
    fflush(stderr);
    if (mpi_started()) MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int dist_world_rank(void) {
    int r = 0;
    if (mpi_started()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int dist_world_size(void) {
    int n = 1;
    if (mpi_started()) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}
