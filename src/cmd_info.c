/* cmd_info.c: `flowchunk info` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_info(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk info: not implemented yet\n");
    return FC_ERR;
}
