#!/usr/bin/env bash
# fuzz_run.sh: drives a libFuzzer target of the ASan+UBSan tree (tests/sanitize.cmake builds
# BUILD/sanitize/tests/fuzz_<reader>) over a committed corpus directory.
#   fuzz_run.sh replay  FUZZER CORPUS_DIR N        every corpus file, then N mutations from a fixed
#                                                  seed (-seed=1): the CTest fuzz_replay_<reader>
#   fuzz_run.sh explore FUZZER CORPUS_DIR MINUTES  coverage-guided run of MINUTES; the grown corpus
#                                                  stays in a scratch directory, any crash / leak /
#                                                  timeout / OOM input is saved into CORPUS_DIR as
#                                                  crash-<sha1> etc. (commit it: replay then covers it)
# Exit status: 0 when nothing was found, non-zero (and the report on stderr) otherwise. A hang is
# an input running over 10 s; an allocation over 2 GB is an OOM finding. Open MPI's own leaks at
# exit (fuzz_windows initialises MPI) are suppressed by lsan.supp next to this script.
set -uo pipefail
MODE=${1:?usage: fuzz_run.sh replay|explore FUZZER CORPUS_DIR N|MINUTES}
FUZZER=${2:?}
CORPUS=${3:?}
AMOUNT=${4:?}
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -x $FUZZER ]] || { echo "fuzz_run: no fuzzer binary $FUZZER (build the sanitizer tree: tests/sanitize_build.sh)" >&2; exit 1; }
[[ -d $CORPUS ]] || { echo "fuzz_run: no corpus directory $CORPUS" >&2; exit 1; }
# Full stacks at malloc: the suppressions name HDF5 functions, and HDF5 has no frame pointers.
# allocator_may_return_null: HDF5 asks malloc for sizes read from a corrupt file (an object header
# of 3.4e15 bytes) and handles the NULL that glibc returns; ASan must return NULL too. Every
# allocation over 2 GB is still a finding (-malloc_limit_mb), and flowchunk's fc_malloc exits on
# NULL, which libFuzzer reports ("fuzz target exited").
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:allocator_may_return_null=1:halt_on_error=1:${ASAN_OPTIONS:-}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}
export LSAN_OPTIONS=suppressions=$HERE/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/fc_fuzz_run.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/grown"
touch "$W/stamp"   # findings of an explore run are the files newer than this
name=$(basename "$FUZZER")
seeds=$(find "$CORPUS" -maxdepth 1 -type f | wc -l)
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=65536 -print_final_stats=1 -detect_leaks=1)
case $MODE in
    replay)
        # -runs counts the corpus files read at start-up too
        "$FUZZER" "${common[@]}" -seed=1 -runs=$(( seeds + AMOUNT )) -artifact_prefix="$W/" "$W/grown" "$CORPUS" \
            >"$W/log" 2>&1
        rc=$? ;;
    explore)
        # fork mode keeps going after a finding, so the whole time is spent and every finding kept
        "$FUZZER" "${common[@]}" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
            -max_total_time=$(( AMOUNT * 60 )) -artifact_prefix="$CORPUS/" "$W/grown" "$CORPUS" >"$W/log" 2>&1
        rc=$?
        found=$(find "$CORPUS" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' \) \
                -newer "$W/stamp" | wc -l)
        last=$(grep -E '^#[0-9]+: cov: ' "$W/log" | tail -n1)
        echo "fuzz_run: $name explore ${AMOUNT} min: ${last:-no progress line} ($found finding(s) saved in $CORPUS)" >&2
        grep -E 'Test unit written to|SUMMARY' "$W/log" | sort | uniq -c | head -n 20 >&2
        (( found == 0 )) || exit 1
        exit $rc ;;
    *) echo "fuzz_run: mode must be replay or explore" >&2; exit 2 ;;
esac
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/log" | tail -n1)
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$W/log" | tail -n1)
if (( rc != 0 )); then
    grep -nE 'ERROR|SUMMARY|runtime error|deadly signal|Test unit written|==[0-9]+==' "$W/log" | head -n 40 >&2
    tail -n 60 "$W/log" >&2
    keep=${FC_FUZZ_FINDINGS:-${TMPDIR:-/tmp}/fc_fuzz_findings}
    mkdir -p "$keep" && cp "$W"/crash-* "$W"/leak-* "$W"/timeout-* "$W"/oom-* "$keep"/ 2>/dev/null &&
        echo "fuzz_run: the failing input(s) are kept in $keep (reproduce: $FUZZER FILE)" >&2
    echo "fuzz_run: $name $MODE: FAILED (exit $rc) after ${execs:-?} executions" >&2
    exit 1
fi
echo "fuzz_run: $name $MODE: ok, $seeds corpus files, ${execs:-?} executions, ${cov:-cov ?}, $(ls "$W/grown" | wc -l) new coverage inputs (not kept)" >&2
