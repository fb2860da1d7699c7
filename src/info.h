/* info.h: the description `flowchunk info` prints of any HDF5 file: episodes, windows and
 * checkpoint files by their format, any other file as the list of its datasets and root
 * attributes. Implemented in src/info.c. */
#ifndef FLOWCHUNK_INFO_H
#define FLOWCHUNK_INFO_H

/* prints the description of `path` on stdout (json: one JSON object); FC_OK, or FC_ERR +
 * fc_set_error (not an HDF5 file, an invalid file of a known format) */
int info_describe(const char *path, int json);

#endif
