#!/usr/bin/env bash
# sanitize_build.sh SRC_DIR SAN_BUILD_DIR CLANG: configures and builds the ASan+UBSan tree (clang,
# -O1 -g, -DFC_SANITIZE=ON: libFuzzer targets included, benchmarks left out). Incremental: a
# second run only rebuilds what changed.
set -euo pipefail
SRC=$1 DIR=$2 CC_BIN=$3
cmake -S "$SRC" -B "$DIR" -DCMAKE_C_COMPILER="$CC_BIN" -DFC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >"$DIR.configure.log" 2>&1 ||
    { cat "$DIR.configure.log" >&2; exit 1; }
cmake --build "$DIR" -j"$(nproc)" >"$DIR.build.log" 2>&1 ||
    { tail -n 40 "$DIR.build.log" >&2; echo "sanitize_build: build failed (warnings are errors)" >&2; exit 1; }
echo "sanitize_build: ok ($DIR)" >&2
