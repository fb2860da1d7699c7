/* cmd_demos.c: `flowchunk demos` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_demos(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk demos: not implemented yet\n");
    return FC_ERR;
}
