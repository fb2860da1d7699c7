/* cmd_window.c: `flowchunk window` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_window(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk window: not implemented yet\n");
    return FC_ERR;
}
