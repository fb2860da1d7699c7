file(REMOVE_RECURSE
  "CMakeFiles/flowchunk.dir/src/cmd_demos.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_demos.c.o.d"
  "CMakeFiles/flowchunk.dir/src/cmd_eval.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_eval.c.o.d"
  "CMakeFiles/flowchunk.dir/src/cmd_import.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_import.c.o.d"
  "CMakeFiles/flowchunk.dir/src/cmd_info.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_info.c.o.d"
  "CMakeFiles/flowchunk.dir/src/cmd_sim.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_sim.c.o.d"
  "CMakeFiles/flowchunk.dir/src/cmd_train.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_train.c.o.d"
  "CMakeFiles/flowchunk.dir/src/cmd_window.c.o"
  "CMakeFiles/flowchunk.dir/src/cmd_window.c.o.d"
  "CMakeFiles/flowchunk.dir/src/main.c.o"
  "CMakeFiles/flowchunk.dir/src/main.c.o.d"
  "flowchunk"
  "flowchunk.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/flowchunk.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
