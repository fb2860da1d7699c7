# check_lib.sh: the shared frame of the CLI test scripts that collect failures (sourced after the
# script has read its arguments): a scratch directory $T removed on exit, fail() that records a
# failure without stopping, and finish() that reports and exits non-zero when anything failed.
NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
finish() {
    [ "$fails" -eq 0 ] && echo "$NAME: ok" >&2
    exit $((fails > 0))
}
