#!/bin/bash
# import_info_test.sh: `flowchunk info` on an episodes file with demo outcomes, on a file of a
# format without a dedicated describer (generic listing), on the imported real data (when
# FC_ZARR is present), and its one-line errors for missing, non-HDF5 and invalid files.
# Usage: import_info_test.sh IMPORT_EPISODES_TEST   (env: FC_FLOWCHUNK, FC_ZARR)
set -u
WRITER=$1
FC=${FC_FLOWCHUNK:?}
source "$(dirname "$0")/check_lib.sh"
# expect OUTPUT_FILE PATTERN: a line of OUTPUT_FILE matches PATTERN (fixed string)
expect() { grep -qF -- "$2" "$1" || fail "'$2' not in: $(cat "$1")"; }

# episodes with outcome arrays: 3 episodes of lengths 4, 3, 5, 1 success, seeds 10, 11, -1
"$WRITER" --write "$T/o.h5" outcome || fail "cannot write the sample episodes file"
"$FC" info "$T/o.h5" > "$T/out.txt" 2> "$T/err.txt" || fail "info exited non-zero: $(cat "$T/err.txt")"
expect "$T/out.txt" "flowchunk-episodes v1 (source: unit test)"
expect "$T/out.txt" "episodes       3"
expect "$T/out.txt" "length         min 3, mean 4.0, max 5"
expect "$T/out.txt" "seeds          2 of 3 known, 10..11"
expect "$T/out.txt" "outcome        success 1/3 (33.3%), mean max coverage 0.7000, mean final coverage 0.6000"
expect "$T/out.txt" "meta/success (3,)"
"$FC" info "$T/o.h5" --json > "$T/out.json" || fail "info --json exited non-zero"
[ "$(wc -l < "$T/out.json")" -eq 1 ] || fail "--json must print exactly one line"
expect "$T/out.json" '"format":"flowchunk-episodes"'
expect "$T/out.json" '"outcome":{"successes":1,"success_rate":0.33333333333333331,"mean_max_coverage":0.7000000'
expect "$T/out.json" '"length":{"min":3,"mean":4,"max":5}'

# a format without a describer ("flowchunk-future"): every attribute and dataset
"$WRITER" --write "$T/g.h5" generic || fail "cannot write the sample generic file"
"$FC" info "$T/g.h5" > "$T/out.txt" || fail "info on a generic file exited non-zero"
expect "$T/out.txt" "flowchunk-future v1"
expect "$T/out.txt" "horizon                16"
expect "$T/out.txt" "scale                  0.5"
expect "$T/out.txt" "/obs                   (4,6)            float32"
expect "$T/out.txt" "/val/episode           (4,)             int32"
"$FC" info "$T/g.h5" --json > "$T/out.json" || fail "info --json on a generic file exited non-zero"
expect "$T/out.json" '"datasets":{"obs":{"shape":[4,6],"dtype":"float32"},"val/episode":{"shape":[4],"dtype":"int32"}}'
expect "$T/out.json" '"attributes":{"format":"flowchunk-future","horizon":16,"scale":0.5,"version":1}'

# an HDF5 file without a format attribute: generic listing too
"$WRITER" --write "$T/n.h5" noformat || fail "cannot write the sample file without format"
"$FC" info "$T/n.h5" > "$T/out.txt" || fail "info on a file without format exited non-zero"
expect "$T/out.txt" "HDF5 file without a 'format' attribute"
expect "$T/out.txt" "/obs                   (4,6)            float32"
"$FC" info "$T/n.h5" --json > "$T/out.json" || fail "info --json on a file without format exited non-zero"
expect "$T/out.json" '"format":null'

# the imported real data
if [ -n "${FC_ZARR:-}" ] && [ -d "$FC_ZARR" ]; then
    "$FC" import "$FC_ZARR" -o "$T/ep.h5" 2> /dev/null || fail "import failed"
    "$FC" info "$T/ep.h5" > "$T/out.txt" || fail "info on the imported file exited non-zero"
    expect "$T/out.txt" "episodes       206"
    expect "$T/out.txt" "steps          25650"
    expect "$T/out.txt" "length         min 49, mean 124.5, max 246"
    expect "$T/out.txt" "seeds          206 of 206 known, 0..205 (episode i = reset seed i)"
    expect "$T/out.txt" "data/keypoint (25650,9,2)"
    expect "$T/out.txt" "action range   [12, 511] [25, 511]"
    "$FC" info "$T/ep.h5" --json > "$T/out.json" || fail "info --json on the imported file exited non-zero"
    expect "$T/out.json" '"episodes":206,"steps":25650'
    grep -q '"outcome"' "$T/out.json" && fail "the imported file has no outcome arrays"
    # a windows file is handed to its own describer (window_describe) by the format table
    "$FC" window "$T/ep.h5" -o "$T/w.h5" 2> /dev/null || fail "flowchunk window failed"
    "$FC" info "$T/w.h5" > "$T/out.txt" || fail "info on a windows file exited non-zero"
    expect "$T/out.txt" "flowchunk-windows v1"
    expect "$T/out.txt" "windows"
else
    echo "note: FC_ZARR absent, the imported-file part is skipped" >&2
fi

# errors: one line, non-zero exit, nothing on stdout
expect_fail() {
    local name=$1 pattern=$2 file=$3
    "$FC" info "$file" --json > "$T/stdout.txt" 2> "$T/stderr.txt" && fail "$name: exit status 0"
    [ -s "$T/stdout.txt" ] && fail "$name: stdout not empty"
    grep -q -e MPI_ABORT -e ORTE_ERROR_LOG "$T/stderr.txt" &&
        fail "$name: Open MPI's MPI_ABORT banner on stderr (a 1-process job must exit without MPI_Abort: src/dist.c dist_abort)"
    local n
    n=$(grep -vc -e '^-----' -e MPI_ABORT -e 'with errorcode' -e '^NOTE: invoking' -e '^You may or may not' \
        -e '^exactly when' -e '^$' -e ORTE_ERROR_LOG "$T/stderr.txt")
    [ "$n" -eq 1 ] || fail "$name: expected one error line, got $n: $(cat "$T/stderr.txt")"
    grep -q "^flowchunk info: error: .*$pattern" "$T/stderr.txt" || fail "$name: no '$pattern' in: $(cat "$T/stderr.txt")"
    echo "ok $name: $(head -1 "$T/stderr.txt")" >&2
}
expect_fail missing "absent.h5: No such file or directory" "$T/absent.h5"
echo "not hdf5" > "$T/text.h5"
expect_fail not_hdf5 "text.h5: not an HDF5 file" "$T/text.h5"
expect_fail directory "is a directory" "$T"
"$WRITER" --write "$T/bad.h5" badshape || fail "cannot write the bad episodes file"
expect_fail bad_shape "bad.h5: /data/state has shape (12,4), expected (N,5)" "$T/bad.h5"
head -c 2000 "$T/o.h5" > "$T/trunc.h5"
expect_fail truncated "trunc.h5" "$T/trunc.h5"

finish
