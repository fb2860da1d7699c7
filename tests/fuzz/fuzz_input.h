/* fuzz_input.h: what every fuzz target shares: libFuzzer's entry points, and one scratch file /
 * directory per process (under $TMPDIR, /dev/shm when available) that each input is written to,
 * since the readers under test take file names. LLVMFuzzerInitialize (fuzz_input.c) silences
 * stdout (describers print) and HDF5's error stack for every target. */
#ifndef FLOWCHUNK_FUZZ_INPUT_H
#define FLOWCHUNK_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a per-process scratch path ending in `suffix` (created on first use, removed at exit) */
const char *fuzz_scratch(const char *suffix);
/* writes bytes to path (replacing it); aborts on an I/O error, which is not a finding */
void fuzz_write_file(const char *path, const uint8_t *data, size_t size);
/* aborts (a finding) when any HDF5 file or object is still open: call after each input */
void fuzz_check_hdf5_closed(const char *target);
/* the input written to the scratch file `name`; returns its path */
const char *fuzz_input_file(const char *name, const uint8_t *data, size_t size);

#endif
