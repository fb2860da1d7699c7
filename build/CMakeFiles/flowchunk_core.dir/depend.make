# Empty dependencies file for flowchunk_core.
# This may be replaced when dependencies are built.
