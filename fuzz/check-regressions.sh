#!/bin/sh
# Replays every kept crash input (fuzz/regressions/<target>/*) once through its target and fails
# when any of them still crashes. Usage: sh fuzz/check-regressions.sh
set -u
FUZZ=$(cd "$(dirname "$0")" && pwd)
cd "$FUZZ"
status=0
for dir in regressions/*/; do
    [ -d "$dir" ] || continue
    t=$(basename "$dir")
    files=$(find "$dir" -type f ! -name '*.md')
    [ -n "$files" ] || continue
    # shellcheck disable=SC2086
    if RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" $files -- -runs=1 > "/tmp/kyc-fuzz-regression-$t.log" 2>&1; then
        echo "$t: $(echo "$files" | wc -l) inputs pass"
    else
        echo "$t: STILL CRASHES (see /tmp/kyc-fuzz-regression-$t.log)"
        status=1
    fi
done
exit $status
