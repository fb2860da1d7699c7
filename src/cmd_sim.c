/* cmd_sim.c: `flowchunk sim` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_sim(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk sim: not implemented yet\n");
    return FC_ERR;
}
