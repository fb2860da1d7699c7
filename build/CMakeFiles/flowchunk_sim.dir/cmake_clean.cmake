file(REMOVE_RECURSE
  "CMakeFiles/flowchunk_sim.dir/sim/pusht_env.c.o"
  "CMakeFiles/flowchunk_sim.dir/sim/pusht_env.c.o.d"
  "libflowchunk_sim.a"
  "libflowchunk_sim.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/flowchunk_sim.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
