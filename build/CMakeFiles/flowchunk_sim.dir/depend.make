# Empty dependencies file for flowchunk_sim.
# This may be replaced when dependencies are built.
