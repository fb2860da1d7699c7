/* cmd_import.c: `flowchunk import` (placeholder until its issue lands). */
#include "commands.h"
#include "flowchunk/check.h"

#include <stdio.h>

int cmd_import(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "flowchunk import: not implemented yet\n");
    return FC_ERR;
}
