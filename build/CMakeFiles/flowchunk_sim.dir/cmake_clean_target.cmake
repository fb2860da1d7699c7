file(REMOVE_RECURSE
  "libflowchunk_sim.a"
)
