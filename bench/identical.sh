#!/usr/bin/env bash
# Byte-identity check for refactors: builds revision REV (default HEAD~1)
# and the working tree, runs `referat ingest` with both on the same inputs,
# and compares records.jsonl byte for byte (manifest.jsonl too, without the
# duration column). Then times both side by side: ROUNDS (default 3)
# alternating `--force` runs each (before, after, before, after, …), and
# prints the median wall time, CPU time and peak RSS of each. Exit 0 when
# identical, 1 with a diff summary otherwise.
#
# usage: [ROUNDS=3] bench/identical.sh [REV] [INPUT...]
#        bench/identical.sh e578d7c                       (inputs: fixtures/)
#        bench/identical.sh e578d7c fixtures ../shared/corpus/pdfjs
set -euo pipefail
cd "$(dirname "$0")/.."

REV=${1:-HEAD~1}
shift || true
[ $# -gt 0 ] || set -- fixtures
INPUTS=()
for i in "$@"; do INPUTS+=("$(realpath "$i")"); done
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/referat-identical.XXXXXX")
trap 'git worktree remove --force "$WORK/tree" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

log() { echo "identical: $*" >&2; }

# The base is built in a target folder of its own: built into the same one,
# cargo takes the working tree's older files for already built and "after"
# would be the base binary again.
log "building $REV (in $TARGET/identical-base)"
git worktree add --detach --quiet "$WORK/tree" "$REV"
(cd "$WORK/tree" && CARGO_TARGET_DIR=$TARGET/identical-base cargo build --release --quiet)
mkdir -p "$WORK/before" "$WORK/after"
cp "$TARGET/identical-base/release/referat" "$WORK/before/referat"
log "building the working tree"
CARGO_TARGET_DIR=$TARGET cargo build --release --quiet
cp "$TARGET/release/referat" "$WORK/after/referat"

# Run from $WORK, where there is no ./grammars: each binary uses its built-in
# grammars. The binaries keep the name `referat`, so PDFs are extracted in
# child processes as in a real run.
for side in before after; do
    log "ingest with $side"
    (cd "$WORK" && "./$side/referat" ingest "${INPUTS[@]}" --out "$WORK/out-$side" --quiet 2>"$WORK/stderr-$side")
    grep -v '^$' "$WORK/out-$side/manifest.jsonl" | sed -E 's/"duration_ms":[0-9]+//' >"$WORK/manifest-$side"
done

status=0
if cmp -s "$WORK/out-before/records.jsonl" "$WORK/out-after/records.jsonl"; then
    log "records.jsonl identical ($(wc -l <"$WORK/out-after/records.jsonl") records)"
else
    log "records.jsonl DIFFERS:"
    diff <(cut -c1-300 "$WORK/out-before/records.jsonl") <(cut -c1-300 "$WORK/out-after/records.jsonl") | head -20 >&2 || true
    status=1
fi
if cmp -s "$WORK/manifest-before" "$WORK/manifest-after"; then
    log "manifest.jsonl identical (durations aside)"
else
    log "manifest.jsonl DIFFERS:"
    diff "$WORK/manifest-before" "$WORK/manifest-after" | head -10 >&2 || true
    status=1
fi
ROUNDS=${ROUNDS:-3}
if [ "$ROUNDS" -gt 0 ] && [ -x /usr/bin/time ]; then
    for r in $(seq 1 "$ROUNDS"); do
        for side in before after; do
            (cd "$WORK" && /usr/bin/time -f "%e %U %S %M" -o "$WORK/time-$side-$r" \
                "./$side/referat" ingest "${INPUTS[@]}" --out "$WORK/out-$side" --force --quiet 2>/dev/null)
        done
    done
    # median COLUMN SIDE: the median of one column of /usr/bin/time's output.
    median() { cut -d' ' -f"$1" "$WORK"/time-"$2"-* | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
    for side in before after; do
        cpu=$(awk '{print $2 + $3}' "$WORK"/time-"$side"-* | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
        printf 'identical: %-6s median of %s runs: wall %s s, CPU %s s, peak RSS %s KiB\n' \
            "$side" "$ROUNDS" "$(median 1 "$side")" "$cpu" "$(median 4 "$side")" >&2
    done
elif [ "$ROUNDS" -gt 0 ]; then
    log "no /usr/bin/time (Debian package time): timing skipped"
fi
exit $status
