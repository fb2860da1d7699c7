#!/bin/bash
# policy_modes.sh: the multimodality picture of a trained flow policy against an MSE policy
# (benchmarks/policy_modes.c; benchmarks/RESULTS.md, section "Multimodality"). From one start of the
# test seeds 100000..100049, 8 flow rollouts with noise seeds 0..7 and one MSE rollout are drawn
# side by side; without SEED the start is picked by a scan of the 50 seeds (8 flow rollouts and one
# MSE rollout each; the seed whose flow rollouts take both turning routes around the block, each
# by >= 2 rollouts, with the best worse-route coverage).
# usage: benchmarks/policy_modes.sh BUILD_DIR FLOW.h5 MSE.h5 [SEED|scan] [NAME]
#   writes benchmarks/results/policy_modes_<SEED>[_NAME].png and .json (the JSON holds the scan)
set -eu
BUILD=${1:?usage: policy_modes.sh BUILD_DIR FLOW.h5 MSE.h5 [SEED|scan] [NAME]}
FLOW=${2:?missing FLOW.h5}
MSE=${3:?missing MSE.h5}
SEED=${4:-scan}
NAME=${5:+_$5}
RESULTS=$(cd "$(dirname "$0")" && pwd)/results
export OPENBLAS_NUM_THREADS=1
P=$BUILD/benchmarks/policy_modes
TMP=$(mktemp /tmp/policy_modes.XXXXXX)
trap 'rm -f "$TMP" "$TMP.png"' EXIT
if [ "$SEED" = scan ]; then
    "$P" --flow "$FLOW" --mse "$MSE" --scan 100000:50 --json -o "$TMP.png" > "$TMP"
    SEED=$(awk -F': *' '/"chosen"/ { gsub(/[ \t,]/, "", $2); print $2 }' "$TMP")
else
    "$P" --flow "$FLOW" --mse "$MSE" --seed "$SEED" --json -o "$TMP.png" > "$TMP"
fi
OUT=$RESULTS/policy_modes_$SEED$NAME
sed "s#\"picture\":.*#\"picture\": \"benchmarks/results/policy_modes_$SEED$NAME.png\"#" "$TMP" > "$OUT.json"
mv "$TMP.png" "$OUT.png"
"$P" --flow "$FLOW" --mse "$MSE" --seed "$SEED" | tail -n 12
echo "wrote $OUT.png and $OUT.json"
