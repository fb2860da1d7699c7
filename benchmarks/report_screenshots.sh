#!/usr/bin/env bash
# report_screenshots.sh: the README's pictures of the HTML reports, taken in headless Chromium:
# a real run's report (the run of benchmarks/report_cost.sh: real Push-T demonstrations) and the
# report of the committed dataset-size study (benchmarks/results/scaling).
#   benchmarks/report_screenshots.sh [RUN_DIR]   (default /tmp/fc_report_cost/run)
# Writes benchmarks/results/report/{run_report,study_report}.png (0.75 scale, to stay small).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
RUN=${1:-/tmp/fc_report_cost/run}
OUT=$ROOT/benchmarks/results/report
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
"$FC" report "$RUN" -o "$TMP/run.html"
"$FC" report --study "$ROOT/benchmarks/results/scaling" -o "$TMP/study.html" 2>/dev/null
shot() { # PAGE PNG HEIGHT
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$TMP/chromium" \
        --force-device-scale-factor=0.75 --window-size=1220,"$3" --screenshot="$2" "file://$1" >/dev/null 2>&1
    echo "report_screenshots: $2" >&2
}
shot "$TMP/run.html" "$OUT/run_report.png" 1250
shot "$TMP/study.html" "$OUT/study_report.png" 760
