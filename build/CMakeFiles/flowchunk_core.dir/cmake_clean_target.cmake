file(REMOVE_RECURSE
  "libflowchunk_core.a"
)
