/* cmd_eval.c: `flowchunk eval` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_eval(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk eval: not implemented yet\n");
    return FC_ERR;
}
