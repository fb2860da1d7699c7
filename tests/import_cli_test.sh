#!/bin/bash
# import_cli_test.sh: `flowchunk import` end to end on the real Push-T zarr, then on corrupted
# copies of it (truncated/missing chunk, missing array, wrong dtype, broken JSON, inconsistent
# episode_ends, NaN values, ...). Every bad input must give exactly ONE error line on stderr,
# a non-zero exit, nothing on stdout, and no output or temp file (a previous output survives).
# Usage: import_cli_test.sh IMPORT_ZARR_TEST IMPORT_ZARR_EDIT   (env: FC_FLOWCHUNK FC_ZARR FC_FIXTURES)
set -u
CHECK=$1
EDIT=$2
FC=${FC_FLOWCHUNK:?}
if [ -z "${FC_ZARR:-}" ] || [ ! -d "$FC_ZARR" ]; then
    echo "skipped: the real Push-T zarr is absent (FC_ZARR=${FC_ZARR:-})" >&2
    exit 77
fi
source "$(dirname "$0")/check_lib.sh"

# ---- the real data: summary, JSON, and arrays equal to what zarr-python reads
"$FC" import "$FC_ZARR" -o "$T/ep.h5" --json > "$T/out.json" 2> "$T/err.txt"
rc=$?
[ $rc -eq 0 ] || fail "import of the real zarr exited $rc: $(cat "$T/err.txt")"
grep -q '"episodes":206' "$T/out.json" || fail "JSON summary lacks episodes 206: $(cat "$T/out.json")"
grep -q '"steps":25650' "$T/out.json" || fail "JSON summary lacks steps 25650"
grep -q '"ignored":\["data/n_contacts"\]' "$T/out.json" || fail "JSON summary should list data/n_contacts as ignored"
[ "$(wc -l < "$T/out.json")" -eq 1 ] || fail "--json must print exactly one line on stdout"
grep -q 'imported 206 episodes, 25650 steps (episode length 49..246, mean 124.5)' "$T/err.txt" ||
    fail "stderr summary: $(cat "$T/err.txt")"
ls "$T" | grep -q '\.tmp\.' && fail "a temp file was left after a successful import"
"$CHECK" "$FC_FIXTURES/import_pusht.txt" "$T/ep.h5" || fail "imported file differs from zarr-python's arrays"

# ---- bad inputs
# expect_fail NAME PATTERN ZARR_DIR [OUTPUT]: one error line matching PATTERN, rc != 0, no files
expect_fail() {
    local name=$1 pattern=$2 dir=$3 out=${4:-$T/out/ep.h5}
    "$FC" import "$dir" -o "$out" --json > "$T/stdout.txt" 2> "$T/stderr.txt"
    local rc=$?
    [ $rc -ne 0 ] || fail "$name: exit status 0"
    [ -s "$T/stdout.txt" ] && fail "$name: stdout not empty: $(cat "$T/stdout.txt")"
    if grep -q -e MPI_ABORT -e ORTE_ERROR_LOG "$T/stderr.txt"; then
        fail "$name: Open MPI's MPI_ABORT banner on stderr (a 1-process job must exit without MPI_Abort: src/dist.c dist_abort)"
        sed -i -e '/^-----/,/^-----/d' -e '/ORTE_ERROR_LOG/d' "$T/stderr.txt"
    fi
    local n
    n=$(wc -l < "$T/stderr.txt")
    [ "$n" -eq 1 ] || fail "$name: expected exactly one stderr line, got $n: $(cat "$T/stderr.txt")"
    grep -q "^flowchunk import: error: .*$pattern" "$T/stderr.txt" ||
        fail "$name: error line does not match '$pattern': $(cat "$T/stderr.txt")"
    if [ -d "$T/out" ] && [ -n "$(ls -A "$T/out" | grep -v '^previous.h5$')" ]; then
        fail "$name: files left behind: $(ls -A "$T/out")"
    fi
    echo "ok $name: $(head -1 "$T/stderr.txt")" >&2
}
# fresh writable copy of the zarr at $T/z
fresh() { rm -rf "$T/z" "$T/out"; cp -r "$FC_ZARR" "$T/z" && chmod -R u+w "$T/z"; mkdir -p "$T/out"; }

fresh; head -c 1000 "$FC_ZARR/data/state/7.0" > "$T/z/data/state/7.0"
expect_fail truncated_chunk "data/state/7.0: truncated chunk (1000 bytes, its blosc header says" "$T/z"

fresh; rm "$T/z/data/keypoint/3.0.0"
expect_fail missing_chunk "data/keypoint/3.0.0: chunk file is missing" "$T/z"

fresh; rm -r "$T/z/data/action"
expect_fail missing_array "data/action: array is missing" "$T/z"

fresh; sed -i 's/<f4/<f8/' "$T/z/data/state/.zarray"
expect_fail wrong_dtype "data/state: dtype <f8, expected <f4" "$T/z"

fresh; sed -i 's/"C"/"F"/' "$T/z/data/action/.zarray"
expect_fail fortran_order 'order must be "C"' "$T/z"

fresh; echo '{"zarr_format": 2, "shape": [' > "$T/z/data/state/.zarray"
expect_fail broken_json "data/state/.zarray: not valid JSON" "$T/z"

fresh; sed -i 's/"id": "blosc"/"id": "lz4"/' "$T/z/data/state/.zarray"
expect_fail unknown_compressor "compressor 'lz4' is not supported" "$T/z"

fresh; sed -i 's/25650/25600/' "$T/z/data/action/.zarray"
expect_fail shape_mismatch "data/action: shape (25600,2), expected (25650,2)" "$T/z"

# sizes from the metadata are checked before anything is allocated or indexed with them
# state_zarray CHUNKS SHAPE: a data/state/.zarray like the real one with other chunks/shape
state_zarray() {
    printf '{"chunks":[%s],"compressor":{"blocksize":0,"clevel":5,"cname":"zstd","id":"blosc","shuffle":2},"dtype":"<f4","fill_value":0.0,"filters":null,"order":"C","shape":[%s],"zarr_format":2}\n' \
        "$1" "$2" > "$T/z/data/state/.zarray"
}
# 627354920205059 x 7351 x 4 bytes wraps to 3220 (= the real chunk's size) in 64 bits: the real
# chunk 0.0 then "fits", and placing its rows walked far outside it (SIGSEGV)
fresh; state_zarray 627354920205059,7351 25650,5
expect_fail chunk_overflow "data/state/.zarray: chunks are implausibly large" "$T/z"
fresh; state_zarray 1000000000000,5 25650,5
expect_fail chunk_huge "data/state/.zarray: chunks are implausibly large" "$T/z"
# 60 GB of rows but only 160 chunk files: refused by the chunk probe before the array is
# allocated (under a 6 GB address-space limit the old reader died "out of memory")
# (not under AddressSanitizer, whose shadow memory needs far more address space than 6 GB)
fresh; state_zarray 161,5 3000000000,5
if [ -z "${ASAN_OPTIONS:-}" ]; then
    (ulimit -v 6000000; fails=0; expect_fail shape_huge "data/state/160.0: chunk file is missing" "$T/z"; exit $fails) || fail "shape_huge"
else
    expect_fail shape_huge "data/state/160.0: chunk file is missing" "$T/z"
fi

fresh; "$EDIT" "$T/z/meta/episode_ends/0" i8 5 500 || fail "import_zarr_edit failed"
expect_fail ends_not_increasing "episode_ends not increasing at index 5 (500 after 738)" "$T/z"

fresh; sed -i 's/206/205/' "$T/z/meta/episode_ends/.zarray"
expect_fail ends_short "episode_ends\[-1\] = 25601 but /data/state has 25650 rows" "$T/z"

fresh; "$EDIT" "$T/z/data/action/0.0" f4 35 nan || fail "import_zarr_edit failed"
expect_fail nan_action "NaN in /data/action row 17" "$T/z"

fresh; echo previous > "$T/out/previous.h5"
head -c 100 "$FC_ZARR/data/keypoint/0.0.0" > "$T/z/data/keypoint/0.0.0"
expect_fail previous_output_kept "truncated chunk" "$T/z" "$T/out/previous.h5"
[ "$(cat "$T/out/previous.h5")" = previous ] || fail "a failed import replaced the previous output"

mkdir -p "$T/notzarr"
expect_fail not_a_store "not a zarr v2 store (no .zgroup)" "$T/notzarr"
expect_fail no_such_dir "No such file or directory" "$T/absent.zarr"
expect_fail output_dir_missing "directory '$T/no/such' does not exist" "$FC_ZARR" "$T/no/such/ep.h5"

# usage errors: non-zero, and the first line says what is wrong
"$FC" import "$FC_ZARR" > /dev/null 2> "$T/stderr.txt" && fail "import without -o succeeded"
head -1 "$T/stderr.txt" | grep -q "^flowchunk import: error: missing -o" || fail "usage error: $(cat "$T/stderr.txt")"

finish
