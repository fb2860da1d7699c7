#!/bin/bash
# demos_cli_test.sh: `flowchunk demos` end to end:
#  - --help on stdout with exit 0; bad options give one clear error line and a non-zero exit
#  - a small run writes an episodes file (state, action, keypoint, ends, seeds, per-episode
#    outcome) that `flowchunk info` reads and summarises; --json prints one summary object
#  - byte-identical files at 1, 2 and 3 MPI ranks (cmp); the same run twice too
#  - --expert-seed samples other solutions of the same starts (another file, same seeds)
#  - --stroke-steps 1 (decide every step) gives other demos than the default strokes of 8
# Usage: demos_cli_test.sh MPIEXEC   (env: FC_FLOWCHUNK)
set -u
MPIEXEC=$1
FC=${FC_FLOWCHUNK:?}
source "$(dirname "$0")/check_lib.sh"

# ---- help and errors
"$FC" demos --help > "$T/help" 2>&1 || fail "--help exited $?"
grep -q '^usage: flowchunk demos' "$T/help" || fail "--help has no usage line"
bad() { # bad EXPECTED_TEXT ARGS...: must fail with one error line naming the problem, nothing on stdout
    local want=$1; shift
    "$FC" demos "$@" > "$T/bad.out" 2> "$T/bad.err" && fail "demos $* should fail"
    grep -q "error: .*$want" "$T/bad.err" || fail "demos $*: no error line with '$want': $(cat "$T/bad.err")"
    [ "$(grep -c 'error:' "$T/bad.err")" = 1 ] || fail "demos $*: more than one error line"
    [ -s "$T/bad.out" ] && fail "demos $*: something on stdout: $(cat "$T/bad.out")"
}
bad "missing -o" --episodes 3
bad "missing --episodes" -o "$T/x.h5"
bad "--episodes" -o "$T/x.h5" --episodes 0
bad "--seed" -o "$T/x.h5" --episodes 2 --seed -4
bad "--reset" -o "$T/x.h5" --episodes 2 --reset sideways
bad "--max-steps" -o "$T/x.h5" --episodes 2 --max-steps abc
bad "--exec-noise" -o "$T/x.h5" --episodes 2 --exec-noise -1
bad "--stroke-steps" -o "$T/x.h5" --episodes 2 --stroke-steps 0
bad "unknown" -o "$T/x.h5" --episodes 2 --bogus
bad "below 2^32" -o "$T/x.h5" --episodes 5 --seed 4294967294
bad "cannot create" -o "$T/no/such/dir/x.h5" --episodes 2
[ -e "$T/x.h5" ] && fail "a failed run left $T/x.h5 behind"

# ---- a small run, its file and its summary
ARGS=(--episodes 5 --seed 400000)
"$FC" demos -o "$T/a.h5" "${ARGS[@]}" --json > "$T/a.json" 2> "$T/a.err" || fail "demos exited $?: $(cat "$T/a.err")"
[ "$(wc -l < "$T/a.json")" = 1 ] || fail "--json should print exactly one line: $(cat "$T/a.json")"
for k in '"episodes":5' '"seed":400000' '"reset":"legacy"' '"success_rate":' '"mean_max_reward":' \
         '"mean_length":' '"demos_per_minute":' '"ranks":1'; do
    grep -q "$k" "$T/a.json" || fail "JSON lacks $k: $(cat "$T/a.json")"
done
grep -q 'demos: 5/5 episodes, success' "$T/a.err" || fail "no progress line: $(cat "$T/a.err")"
"$FC" info "$T/a.h5" > "$T/info" 2>&1 || fail "info exited $?: $(cat "$T/info")"
grep -q 'flowchunk-episodes' "$T/info" || fail "info: not an episodes file: $(cat "$T/info")"
grep -q '400000\.\.400004' "$T/info" || fail "info: the reset seeds 400000..400004: $(cat "$T/info")"
grep -q 'data/keypoint' "$T/info" || fail "info: no keypoints: $(cat "$T/info")"
grep -Eq 'success [45]/5' "$T/info" || fail "info: fewer than 4 of 5 episodes solved: $(cat "$T/info")"

# ---- determinism: twice, and at 2 and 3 ranks
"$FC" demos -o "$T/b.h5" "${ARGS[@]}" 2> "$T/b.err" || fail "second run exited $?: $(cat "$T/b.err")"
cmp -s "$T/a.h5" "$T/b.h5" || fail "the same run twice gave different files"
for np in 2 3; do
    "$MPIEXEC" -n $np --oversubscribe "$FC" demos -o "$T/mpi$np.h5" "${ARGS[@]}" --json > "$T/mpi$np.json" \
        2> "$T/mpi$np.err" || fail "mpiexec -n $np exited $?: $(cat "$T/mpi$np.err")"
    cmp "$T/a.h5" "$T/mpi$np.h5" || fail "mpiexec -n $np wrote another file than one process"
    grep -q "\"ranks\":$np" "$T/mpi$np.json" || fail "-n $np: ranks field: $(cat "$T/mpi$np.json")"
done

# ---- --expert-seed: other solutions of the same starts; --no-keypoints
"$FC" demos -o "$T/e.h5" "${ARGS[@]}" --expert-seed 3 --no-keypoints 2> "$T/e.err" || fail "--expert-seed exited $?"
cmp -s "$T/a.h5" "$T/e.h5" && fail "--expert-seed 3 gave the same file"
"$FC" info "$T/e.h5" > "$T/einfo" 2>&1 || fail "info of the --expert-seed file exited $?"
grep -q '400000\.\.400004' "$T/einfo" || fail "--expert-seed must keep the reset seeds: $(cat "$T/einfo")"
grep -q 'data/keypoint' "$T/einfo" && fail "--no-keypoints still stored data/keypoint"

# ---- --stroke-steps: 1 re-decides every step (another file), still solves; the default is 8
grep -q 'strokes of 8 steps' "$T/info" || fail "info: the source does not record the default strokes of 8: $(cat "$T/info")"
"$FC" demos -o "$T/s.h5" "${ARGS[@]}" --stroke-steps 1 2> "$T/s.err" || fail "--stroke-steps 1 exited $?"
cmp -s "$T/a.h5" "$T/s.h5" && fail "--stroke-steps 1 gave the same file as strokes of 8"
"$FC" info "$T/s.h5" > "$T/sinfo" 2>&1 || fail "info of the --stroke-steps file exited $?"
grep -Eq 'success [45]/5' "$T/sinfo" || fail "--stroke-steps 1: fewer than 4 of 5 solved: $(cat "$T/sinfo")"

finish
