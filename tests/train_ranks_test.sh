#!/usr/bin/env bash
# train_ranks_test.sh FIXTURE MPIEXEC NP [TRAIN ARGS...]: with the same global batch and seed, the
# first 50 losses of an NP-rank run (with the extra train arguments) equal the
# 1-process run's to 1e-5 relative, and the weights agree bit for bit across ranks after every step
# (--check-every 1 makes any divergence fatal). The reduction under test is the one the config
# table names: the shared-memory window by default (all ranks on this node), one flat
# MPI_Allreduce with FC_NO_SHM_REDUCE=1 (the path of trainers on several nodes). FC_MODEL_ARGS (e.g. "--arch residual --depth 3") changes the
# model of both runs. FC_LOSS_RTOL (default 1e-5) is the tolerance: the bf16 products need a wider
# one (tests/train.cmake says why).
source "$(dirname "$0")/train_lib.sh"
NP=${3:?NP}
needs_precision
read -r -a MODEL <<<"${FC_MODEL_ARGS:-}"
make_windows
train 0 "$WIN" --run-dir "$WORK/r1" --steps 50 "${SMALL[@]}" "${MODEL[@]}" 2>"$WORK/r1.log" || { cat "$WORK/r1.log"; fail "1-process run failed"; }
train "$NP" "$WIN" --run-dir "$WORK/rn" --steps 50 "${SMALL[@]}" "${MODEL[@]}" "${@:4}" >"$WORK/rn.log" 2>&1 || { cat "$WORK/rn.log"; fail "$NP-rank run failed"; }
grep -q "ranks *$NP ($NP trainers, 0 evaluators)" "$WORK/rn.log" || { cat "$WORK/rn.log"; fail "the run did not use $NP trainers"; }
if [[ -n ${FC_NO_SHM_REDUCE:-} ]]; then want="one flat MPI_Allreduce"
else want="sum in a shared-memory window"; fi
grep -q "gradient reduction *$want" "$WORK/rn.log" || { cat "$WORK/rn.log"; fail "the run did not reduce by: $want"; }
field loss "$WORK/r1/metrics.jsonl" >"$WORK/l1"
field loss "$WORK/rn/metrics.jsonl" >"$WORK/ln"
[[ $(wc -l <"$WORK/l1") == 50 && $(wc -l <"$WORK/ln") == 50 ]] || fail "expected 50 logged losses in each run"
paste "$WORK/l1" "$WORK/ln" | awk -v np="$NP" -v tol="${FC_LOSS_RTOL:-1e-5}" '
    { d = $1 - $2; if (d < 0) d = -d; r = d / ($1 < 0 ? -$1 : $1); if (r > worst) worst = r
      if (r > tol) { printf "step %d: 1 rank %s, %d ranks %s (rel %.2e)\n", NR, $1, np, $2, r; bad = 1 } }
    END { printf "max relative loss difference over 50 steps: %.2e\n", worst; exit bad }' >&2 \
    || fail "losses differ between 1 and $NP ranks"
# the losses must move (a frozen run would trivially agree)
awk 'NR == 1 { a = $1 } END { if (!(a - $1 > 0.01)) exit 1 }' "$WORK/l1" || fail "the loss did not decrease"
say "ok: $NP ranks${4:+ ${*:4}}${FC_MODEL_ARGS:+ [$FC_MODEL_ARGS]} ($want, $FLOWCHUNK_PRECISION) match 1 rank to ${FC_LOSS_RTOL:-1e-5}; weights checked identical across ranks after each of 50 steps"
