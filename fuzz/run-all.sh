#!/bin/sh
# Runs every fuzz target in turn, ONE at a time (the machine has two shared cores), each for
# SECONDS (default 600), and logs to fuzz/logs/<target>.log.
#
# libFuzzer runs in fork mode with one worker (-fork=1 -ignore_crashes=1): a crash is saved to
# fuzz/artifacts/<target>/ and fuzzing goes on for the full time instead of stopping at the first
# crash. Minimise a crash with `cargo fuzz tmin <target> <file>` (see docs/fuzzing.md).
#
# Usage: sh fuzz/run-all.sh [SECONDS] [TARGET...]
set -u
FUZZ=$(cd "$(dirname "$0")" && pwd)
SECONDS_PER_TARGET=${1:-600}
[ $# -gt 0 ] && shift
TARGETS=${*:-"idnow_json idnow_xml postident_json postident_jwe webhook_request config_toml"}
cd "$FUZZ"
mkdir -p logs
sh ./seed-corpora.sh > /dev/null
for t in $TARGETS; do
    echo "$(date -u +%FT%TZ) start $t for ${SECONDS_PER_TARGET}s" | tee -a logs/run-all.log
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -fork=1 -ignore_crashes=1 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 > "logs/$t.log" 2>&1
    echo "$(date -u +%FT%TZ) end $t exit $?: $(grep -E '^#[0-9]+: cov' "logs/$t.log" | tail -1)" \
        | tee -a logs/run-all.log
done
