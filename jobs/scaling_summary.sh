#!/usr/bin/env bash
# scaling_summary.sh: summarise a directory of runs N<N>_s<seed>/eval.json (one score per run, the layout of
# the first scaling study; a study of jobs/study.sh has its own summary, `flowchunk study summary`) into a CSV and a plot:
# score and success rate vs the number of demonstration episodes (log-scaled x), mean and spread
# (min..max, and the standard deviation) over seeds.
#
#   jobs/scaling_summary.sh OUT_ROOT [OUT_PREFIX]
# Reads OUT_ROOT/N<N>_s<seed>/eval.json; writes OUT_PREFIX.csv (one row per run),
# OUT_PREFIX_summary.csv (one row per N), OUT_PREFIX.png and OUT_ROOT/report.html (the study page,
# `flowchunk report --study`; default OUT_PREFIX = OUT_ROOT/scaling).
set -euo pipefail
ROOT=${1:?usage: scaling_summary.sh OUT_ROOT [OUT_PREFIX]}
PREFIX=${2:-$ROOT/scaling}
shopt -s nullglob
runs=("$ROOT"/N*_s*/eval.json)
(( ${#runs[@]} > 0 )) || { echo "scaling_summary: no N<N>_s<seed>/eval.json under $ROOT" >&2; exit 1; }
FC=${FLOWCHUNK:-$(cd "$(dirname "$0")/.." && pwd)/build/flowchunk}
[[ -x $FC ]] || { echo "scaling_summary: $FC is not built (cmake --build build, or set FLOWCHUNK)" >&2; exit 1; }

num() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$2"; }
{
    echo "episodes,seed,score,success_rate"
    for f in "${runs[@]}"; do
        d=$(basename "$(dirname "$f")"); n=${d#N}; n=${n%%_s*}; s=${d##*_s}
        echo "$n,$s,$(num score "$f"),$(num success_rate "$f")"
    done | sort -t, -k1,1n -k2,2n
} > "$PREFIX.csv"

awk -F, 'NR > 1 { n = $1; k[n]++; s[n] += $3; ss[n] += $3 * $3; r[n] += $4; rr[n] += $4 * $4
                  if (!(n in lo) || $3 < lo[n]) lo[n] = $3; if (!(n in hi) || $3 > hi[n]) hi[n] = $3 }
         END { print "episodes,seeds,score_mean,score_std,score_min,score_max,success_mean,success_std"
               for (n in k) { m = s[n] / k[n]; v = ss[n] / k[n] - m * m; q = r[n] / k[n]; w = rr[n] / k[n] - q * q
                              printf "%d,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f\n", n, k[n], m, sqrt(v > 0 ? v : 0),
                                     lo[n], hi[n], q, sqrt(w > 0 ? w : 0) } }' "$PREFIX.csv" |
    { read -r header; echo "$header"; sort -t, -k1,1n; } > "${PREFIX}_summary.csv"

# the plot and the study's HTML page (links to every run's report) come from flowchunk's own drawing
"$FC" report --study "$ROOT" --csv "$PREFIX" --png "$PREFIX.png" -o "$ROOT/report.html"
echo "scaling_summary: ${#runs[@]} runs -> $PREFIX.csv, ${PREFIX}_summary.csv, $PREFIX.png, $ROOT/report.html" >&2
cat "${PREFIX}_summary.csv"
