/* commands.h: the subcommands of the `flowchunk` front end, one per src/cmd_<name>.c.
 * Each returns a process exit status (0 ok, FC_ERR_USAGE for bad usage, FC_EXIT_REQUEUE, ...).
 * argv[0] is the subcommand name; MPI is already initialised (dist_init) when they run. */
#ifndef FLOWCHUNK_COMMANDS_H
#define FLOWCHUNK_COMMANDS_H

int cmd_import(int argc, char **argv);
int cmd_demos(int argc, char **argv);
int cmd_window(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_study(int argc, char **argv);

#endif
