
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/cmd_demos.c" "CMakeFiles/flowchunk.dir/src/cmd_demos.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_demos.c.o.d"
  "/work/main/src/cmd_eval.c" "CMakeFiles/flowchunk.dir/src/cmd_eval.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_eval.c.o.d"
  "/work/main/src/cmd_import.c" "CMakeFiles/flowchunk.dir/src/cmd_import.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_import.c.o.d"
  "/work/main/src/cmd_info.c" "CMakeFiles/flowchunk.dir/src/cmd_info.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_info.c.o.d"
  "/work/main/src/cmd_sim.c" "CMakeFiles/flowchunk.dir/src/cmd_sim.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_sim.c.o.d"
  "/work/main/src/cmd_train.c" "CMakeFiles/flowchunk.dir/src/cmd_train.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_train.c.o.d"
  "/work/main/src/cmd_window.c" "CMakeFiles/flowchunk.dir/src/cmd_window.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/cmd_window.c.o.d"
  "/work/main/src/main.c" "CMakeFiles/flowchunk.dir/src/main.c.o" "gcc" "CMakeFiles/flowchunk.dir/src/main.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/flowchunk_core.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/flowchunk_sim.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
