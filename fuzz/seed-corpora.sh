#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the adapters' fixtures and the committed fuzz/seeds/.
# Safe to rerun: it only adds files (the corpus libFuzzer grew is kept).
# Usage (from the repository root or anywhere): sh fuzz/seed-corpora.sh
set -eu
FUZZ=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$FUZZ")
IDNOW="$ROOT/crates/kyc-idnow/tests/fixtures"
POSTIDENT="$ROOT/crates/kyc-postident/tests/fixtures"
C="$FUZZ/corpus"
mkdir -p "$C/idnow_json" "$C/idnow_xml" "$C/postident_json" "$C/postident_jwe" \
         "$C/webhook_request" "$C/config_toml"
cp "$IDNOW"/*.json "$C/idnow_json/"
cp "$IDNOW"/*.xml "$C/idnow_xml/"
cp "$POSTIDENT"/*.json "$C/postident_json/"
for t in postident_jwe webhook_request config_toml; do
    cp "$FUZZ/seeds/$t"/* "$C/$t/"
done
# Every earlier crash stays in the corpus, so a fix is checked on every run.
for t in "$FUZZ"/regressions/*/; do
    [ -d "$t" ] || continue
    t=$(basename "$t")
    [ -d "$C/$t" ] && find "$FUZZ/regressions/$t" -type f ! -name '*.md' -exec cp {} "$C/$t/" \;
done
for t in "$C"/*/; do echo "$(basename "$t"): $(ls "$t" | wc -l) files"; done
