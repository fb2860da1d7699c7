
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/check.c" "CMakeFiles/flowchunk_core.dir/src/check.c.o" "gcc" "CMakeFiles/flowchunk_core.dir/src/check.c.o.d"
  "/work/main/src/cli.c" "CMakeFiles/flowchunk_core.dir/src/cli.c.o" "gcc" "CMakeFiles/flowchunk_core.dir/src/cli.c.o.d"
  "/work/main/src/dist.c" "CMakeFiles/flowchunk_core.dir/src/dist.c.o" "gcc" "CMakeFiles/flowchunk_core.dir/src/dist.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/flowchunk_sim.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
