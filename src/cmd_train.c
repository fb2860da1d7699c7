/* cmd_train.c: `flowchunk train` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_train(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk train: not implemented yet\n");
    return FC_ERR;
}
