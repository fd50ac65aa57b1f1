#!/usr/bin/env bash
# Export benchmark: builds a corpus of N input files (default 20,000) by
# copying the text-family fixtures (minutes and catalogues as text, the
# invented layouts, web pages, case-system exports) under distinct names,
# ingests it once with the release binary, and then times
#   referat export OUT --to sqlite | parquet | csv
# in ROUNDS rounds each (medians), with peak RSS, side by side with the
# ingest time of the same files, and prints a Markdown table.
#
# The corpus holds no PDFs: text is the fastest input to ingest, so the
# ratio export/ingest is the least flattering one.
#
# usage: bench/export.sh                  (N=20000 ROUNDS=3)
#        N=2000 ROUNDS=1 bench/export.sh  (a quick try)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
ROUNDS=${ROUNDS:-3}
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-}

log() { echo "export-bench: $*" >&2; }

[ -x /usr/bin/time ] || {
    log "installing GNU time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
}
if [ -z "$BIN" ]; then
    log "building release binary"
    cargo build --release --quiet
    BIN=$TARGET/release/referat
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CORPUS=$WORK/corpus
OUT=$WORK/out
mkdir -p "$CORPUS"

mapfile -t SEEDS < <(ls fixtures/*.txt fixtures/layouts/*.txt fixtures/archive/*.txt \
    fixtures/formats/*.txt fixtures/formats/*.html fixtures/formats/*.xml)
log "corpus: $N files copied from ${#SEEDS[@]} text, HTML and XML fixtures"
for ((i = 0; i < N; i++)); do
    seed=${SEEDS[i % ${#SEEDS[@]}]}
    dir=$CORPUS/$((i / 1000))
    [ -d "$dir" ] || mkdir -p "$dir"
    name=$(basename "$seed")
    cp "$seed" "$dir/$i-$name"
done
BYTES=$(du -sb "$CORPUS" | cut -f1)

# Seconds (wall) and peak RSS (MiB) of a command, from GNU time.
measure() {
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || {
        cat "$WORK/err" >&2
        exit 1
    }
    read -r secs kib <"$WORK/time"
    echo "$secs $((kib / 1024))"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

log "ingest (once; --force)"
read -r ingest_s ingest_mb < <(measure "$BIN" ingest "$CORPUS" -q --force -o "$OUT")
RECORDS=$(wc -l <"$OUT/records.jsonl")
RECORDS_MB=$(( $(stat -c %s "$OUT/records.jsonl") / 1048576 ))

declare -A secs mb size
for to in sqlite parquet csv; do
    times=()
    for ((r = 0; r < ROUNDS; r++)); do
        log "export --to $to, round $((r + 1))/$ROUNDS"
        read -r s m < <(measure "$BIN" export "$OUT" --to "$to")
        times+=("$s")
        mb[$to]=$m
    done
    secs[$to]=$(printf '%s\n' "${times[@]}" | median)
done
size[sqlite]=$(( $(stat -c %s "$OUT/referat.sqlite") / 1048576 ))
size[parquet]=$(( $(du -sb "$OUT/parquet" | cut -f1) / 1048576 ))
size[csv]=$(( $(du -sb "$OUT/csv" | cut -f1) / 1048576 ))

echo
echo "$N files ($((BYTES / 1048576)) MB), $RECORDS records ($RECORDS_MB MB of JSON Lines), $(nproc) cores"
echo
echo "| step | wall s | × ingest | peak RSS MiB | output MiB |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| ingest | $ingest_s | 1.00 | $ingest_mb | $RECORDS_MB |"
for to in sqlite parquet csv; do
    ratio=$(awk -v a="${secs[$to]}" -v b="$ingest_s" 'BEGIN {printf "%.2f", a / b}')
    echo "| export --to $to | ${secs[$to]} | $ratio | ${mb[$to]} | ${size[$to]} |"
done
