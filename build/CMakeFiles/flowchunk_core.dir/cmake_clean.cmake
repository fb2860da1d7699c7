file(REMOVE_RECURSE
  "CMakeFiles/flowchunk_core.dir/src/check.c.o"
  "CMakeFiles/flowchunk_core.dir/src/check.c.o.d"
  "CMakeFiles/flowchunk_core.dir/src/cli.c.o"
  "CMakeFiles/flowchunk_core.dir/src/cli.c.o.d"
  "CMakeFiles/flowchunk_core.dir/src/dist.c.o"
  "CMakeFiles/flowchunk_core.dir/src/dist.c.o.d"
  "libflowchunk_core.a"
  "libflowchunk_core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/flowchunk_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
