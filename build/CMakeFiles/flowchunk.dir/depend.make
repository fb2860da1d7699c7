# Empty dependencies file for flowchunk.
# This may be replaced when dependencies are built.
