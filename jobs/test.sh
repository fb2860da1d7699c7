#!/usr/bin/env bash
# test.sh: the whole test suite from a fresh clone: installs missing Debian packages, configures,
# builds (Release, no warnings allowed), and runs every CTest test (unit, MPI, end-to-end, Slurm).
#   jobs/test.sh [extra ctest args, e.g. -R sim]
# Environment: BUILD_DIR (default build), FC_DATA_DIR (default ../shared/data: the real Push-T
# zarr; tests that need it skip with a message where it is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
jobs/install_deps.sh
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 600 "$@"
