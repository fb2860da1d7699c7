#!/usr/bin/env bash
# study_errors_test.sh: bad input to jobs/study.sh ends with exit status 2 and one clear
# "study: error:" line before anything runs or is submitted (an sbatch stub on PATH records every
# call; no run directory appears): zero seeds, a missing data file, a size larger than the
# dataset (synthetic episodes, and the 206 human demos when the zarr is present), a missing zarr,
# sizes not increasing or not positive, a trainer option the study sets itself, and a study
# directory that holds other settings.
#   study_errors_test.sh TRAIN_FIXTURE WORK_DIR
source "$(dirname "$0")/study_lib.sh"
FIXTURE=$1 WORK=$2
: "${FC_ROOT:?run me through ctest}" "${FLOWCHUNK:?run me through ctest}"
export FLOWCHUNK
rm -rf "$WORK"; mkdir -p "$WORK/bin"; cd "$WORK" || fail "cannot enter $WORK"
printf '#!/bin/sh\necho "$@" >> %s/sbatch_calls\necho 1\n' "$WORK" > bin/sbatch
chmod +x bin/sbatch
export PATH=$WORK/bin:$PATH
"$FIXTURE" "$WORK/ep12.h5" 12 1 >/dev/null || fail "cannot make the synthetic episodes"

# expect_error WHAT REGEX ARGS...: exit 2, one error line matching REGEX, nothing submitted or run
expect_error() {
    local what=$1 re=$2 out rc
    shift 2
    out=$(bash "$FC_ROOT/jobs/study.sh" --slurm "$@" 2>&1); rc=$?
    [[ $rc == 2 ]] || { printf '%s\n' "$out" >&2; fail "$what: exit status $rc, expected 2"; }
    [[ $(grep -c '^study: error:' <<<"$out") == 1 ]] || { printf '%s\n' "$out" >&2; fail "$what: expected one 'study: error:' line"; }
    grep -Eq "^study: error: .*$re" <<<"$out" || { printf '%s\n' "$out" >&2; fail "$what: the error does not say /$re/"; }
    [[ ! -e sbatch_calls ]] || fail "$what: sbatch was called: $(cat sbatch_calls)"
    compgen -G "$WORK/*/N*_s*" >/dev/null && fail "$what: a run directory was created"
    say "ok: $what -> $(grep '^study: error:' <<<"$out")"
}

expect_error "zero seeds" "--seeds must be at least 1" --out s1 --data "$WORK/ep12.h5" --sizes 4 --seeds 0
expect_error "a missing data file" "data file .*missing.h5 does not exist" --out s2 --data "$WORK/missing.h5" --sizes 4
expect_error "a size larger than the dataset" "size 20 is larger than the 12 episodes" --out s3 --data "$WORK/ep12.h5" --sizes 4,20
expect_error "a missing zarr" "human demos are not at .*nowhere.zarr" --out s4 --data human --zarr "$WORK/nowhere.zarr"
expect_error "sizes not increasing" "increasing" --out s5 --data "$WORK/ep12.h5" --sizes 8,4
expect_error "a size of 0" "'0' is not a positive integer" --out s6 --data "$WORK/ep12.h5" --sizes 0,4
expect_error "a trainer option the study sets" "trainer option --steps is set by the study" --out s7 --data "$WORK/ep12.h5" --sizes 4 -- --steps 5
expect_error "no --out" "--out DIR is required" --data "$WORK/ep12.h5" --sizes 4
bash "$FC_ROOT/jobs/study.sh" --out s8 --data "$WORK/ep12.h5" --sizes 4 --dry-run 2>/dev/null || fail "a dry run of good input failed"
mkdir -p s9 && bash "$FC_ROOT/jobs/study.sh" --out s9 --data "$WORK/ep12.h5" --sizes 4 --dry-run 2>/dev/null
printf 'SIZES_SORTED=%q\n' "4 " > s9/study.env
expect_error "a study directory with other settings" "holds a study with other settings" --out s9 --data "$WORK/ep12.h5" --sizes 4,8
if [[ -d ${FC_ZARR:-/nonexistent} ]]; then
    expect_error "a size larger than the human demos" "size 300 is larger than the 206 episodes" --out h1 --data human --zarr "$FC_ZARR" --sizes 10,300
else
    say "note: no human demos at ${FC_ZARR:-<unset>}: the 206-episode case is not checked"
fi
say "all bad inputs refused before any submission"
