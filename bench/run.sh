#!/usr/bin/env bash
# Batch benchmark: builds a corpus by copying the seed documents (text and
# PDF) many times, then measures in one go
#   1. referat ingest on the whole corpus (throughput, peak memory),
#   2. referat ingest vs `pdftotext -layout` on the same PDFs with the same
#      parallelism (xargs -P),
#   3. referat ingest --jobs 1 vs --jobs 2,
#      (2 and 3 in ROUNDS alternating rounds, medians reported),
#   4. peak memory for FILES vs BIG_FILES files (/usr/bin/time -v), and the
#      referat process's own high-water mark (VmHWM, polled from /proc),
#   5. a no-op incremental rerun.
# and prints the figures with the machine description as Markdown.
#
# usage: bench/run.sh            (FILES=2000 BIG_FILES=20000 JOBS=$(nproc) ROUNDS=3)
#        FILES=200 BIG_FILES=2000 bench/run.sh   (a quick try)
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-2000}
BIG_FILES=${BIG_FILES:-20000}
JOBS=${JOBS:-$(nproc)}
ROUNDS=${ROUNDS:-3}
SEEDS=${SEEDS:-../shared/corpus/seeds}
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/referat

log() { echo "bench: $*" >&2; }

[ -d "$SEEDS" ] || { log "no seed folder $SEEDS"; exit 2; }
[ -x /usr/bin/time ] || {
    log "installing GNU time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
}
if ! command -v pdftotext >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        log "installing poppler-utils (pdftotext)"
        apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null || true
    fi
fi

log "building release binary"
cargo build --release --quiet
WORK=$(mktemp -d "${TMPDIR:-/tmp}/referat-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# make_corpus DIR COUNT: COUNT files, PDFs under DIR/pdf and texts under
# DIR/text, 100 files per folder, seeds taken in turn (real copies).
make_corpus() {
    local dir=$1 count=$2 i=0
    mapfile -t seeds < <(find "$SEEDS" -maxdepth 1 -type f \( -name '*.pdf' -o -name '*.txt' -o -name '*.md' \) | sort)
    while [ "$i" -lt "$count" ]; do
        local seed=${seeds[$((i % ${#seeds[@]}))]}
        local kind=text
        [[ $seed == *.pdf ]] && kind=pdf
        local sub="$dir/$kind/d$((i / 100))"
        mkdir -p "$sub"
        cp "$seed" "$sub/$i-$(basename "$seed")"
        i=$((i + 1))
    done
}

# measure NAME CMD...: runs CMD under /usr/bin/time -v, polling the first
# process's VmHWM; sets SECS_<NAME> (wall), CPU_<NAME> (user + system
# seconds of the whole process tree), RSS_<NAME> (max RSS of any process in
# the tree, KiB) and HWM_<NAME> (the referat process itself, KiB).
measure() {
    local name=$1
    shift
    local start end hwm=0 h
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$WORK/time.$name" "$@" >/dev/null 2>"$WORK/err.$name" &
    local tpid=$!
    local cpid=""
    while kill -0 "$tpid" 2>/dev/null; do
        [ -z "$cpid" ] && cpid=$(pgrep -P "$tpid" | head -1 || true)
        if [ -n "$cpid" ]; then
            h=$(awk '/^VmHWM/ {print $2}' "/proc/$cpid/status" 2>/dev/null || true)
            [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
        fi
        sleep 0.1
    done
    wait "$tpid" || { log "$name failed:"; cat "$WORK/err.$name" >&2; exit 1; }
    end=$(date +%s.%N)
    printf -v "SECS_$name" '%.2f' "$(echo "$end - $start" | bc -l)"
    printf -v "RSS_$name" '%s' "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.$name")"
    printf -v "HWM_$name" '%s' "$hwm"
    printf -v "CPU_$name" '%.1f' "$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time.$name")"
    local s="SECS_$name" r="RSS_$name"
    log "$name: ${!s} s, max RSS ${!r} KiB, referat VmHWM $hwm KiB"
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }
mib() { echo "scale=1; $1 / 1024" | bc -l; }

command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq bc >/dev/null; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "making corpora of $FILES and $BIG_FILES files in $WORK"
make_corpus "$WORK/small" "$FILES"
make_corpus "$WORK/big" "$BIG_FILES"
PDFS=$(find "$WORK/small/pdf" -name '*.pdf' | wc -l)
TEXTS=$((FILES - PDFS))
sync

# Warm the page cache so every run reads from memory.
cat "$WORK"/small/*/*/* >/dev/null

measure full "$BIN" ingest "$WORK/small" --out "$WORK/out-full" --jobs "$JOBS" --quiet
measure rerun "$BIN" ingest "$WORK/small" --out "$WORK/out-full" --jobs "$JOBS" --quiet
# The two comparisons run ROUNDS times in alternation (A B A B …) so that
# a slow spell of a shared machine hits both sides; the medians are reported.
for r in $(seq 1 "$ROUNDS"); do
    measure "jobs1_$r" "$BIN" ingest "$WORK/small" --out "$WORK/out-j1" --jobs 1 --force --quiet
    measure "jobs2_$r" "$BIN" ingest "$WORK/small" --out "$WORK/out-j2" --jobs 2 --force --quiet
    measure "pdfs_$r" "$BIN" ingest "$WORK/small/pdf" --out "$WORK/out-pdf" --jobs "$JOBS" --force --quiet
    if command -v pdftotext >/dev/null 2>&1; then
        # Text to stdout (discarded by measure), so no .txt lands beside the PDFs.
        measure "poppler_$r" sh -c "find '$WORK/small/pdf' -name '*.pdf' -print0 | xargs -0 -I{} -P '$JOBS' pdftotext -layout {} -"
    fi
done
# median NAME: the median over the rounds of SECS_NAME_r (and of CPU_NAME_r).
median() {
    local name=$1 v
    v=$(for r in $(seq 1 "$ROUNDS"); do s="SECS_${name}_$r"; echo "${!s}"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf -v "SECS_$name" '%s' "$v"
    v=$(for r in $(seq 1 "$ROUNDS"); do s="CPU_${name}_$r"; echo "${!s}"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf -v "CPU_$name" '%s' "$v"
}
median jobs1
median jobs2
median pdfs
if command -v pdftotext >/dev/null 2>&1; then
    median poppler
    POPPLER="$(pdftotext -v 2>&1 | head -1)"
else
    POPPLER=""
    log "pdftotext unavailable (no poppler-utils and apt-get failed or not root): skipping that comparison"
fi
all_rounds() {
    local name=$1 out="" r s
    for r in $(seq 1 "$ROUNDS"); do s="SECS_${name}_$r"; out="$out${out:+, }${!s}"; done
    echo "$out"
}
measure big "$BIN" ingest "$WORK/big" --out "$WORK/out-big" --jobs "$JOBS" --quiet

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
FAILED=$(grep -c '"status":"failed"' "$WORK/out-full/manifest.jsonl" || true)
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
RAM=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)

cat <<EOF
### Figures ($(date -u +%Y-%m-%d), referat $(git rev-parse --short HEAD 2>/dev/null || echo '?'))

Machine: $(nproc) cores ($CPU), $RAM RAM, $(uname -sr). Load average (1/5/15 min) $LOAD_START at the start, $LOAD_END at the end (other work on the machine inflates times).
Release build, page cache warm, --jobs $JOBS unless said.
Corpus: $FILES files ($PDFS PDF, $TEXTS text) copied from \`$SEEDS\`; $FAILED failed in the full run.

| measurement | result |
| --- | --- |
| \`referat ingest\`, $FILES files | ${SECS_full} s ($(ratio "$FILES" "$SECS_full") files/s) |
| rerun on the same OUT (nothing changed) | ${SECS_rerun} s |
| \`--jobs 1\` / \`--jobs 2\` wall time, median of $ROUNDS alternating rounds | ${SECS_jobs1} s / ${SECS_jobs2} s = **$(ratio "$SECS_jobs1" "$SECS_jobs2")×** (CPU ${CPU_jobs1} s / ${CPU_jobs2} s; rounds: $(all_rounds jobs1) / $(all_rounds jobs2)) |
EOF
if [ -n "$POPPLER" ]; then
    cat <<EOF
| \`referat ingest\` vs \`pdftotext -layout\` (xargs -P $JOBS), same $PDFS PDFs, median of $ROUNDS alternating rounds | ${SECS_pdfs} s vs ${SECS_poppler} s = **$(ratio "$SECS_pdfs" "$SECS_poppler")×** (CPU ${CPU_pdfs} s vs ${CPU_poppler} s; rounds: $(all_rounds pdfs) / $(all_rounds poppler); $POPPLER) |
EOF
else
    echo "| \`referat ingest\` vs \`pdftotext -layout\` | skipped: pdftotext not available |"
fi
cat <<EOF
| peak RSS, any process, $FILES vs $BIG_FILES files | $(mib "$RSS_full") MiB vs $(mib "$RSS_big") MiB = **$(ratio "$RSS_big" "$RSS_full")×** |
| peak RSS of the referat process (VmHWM), $FILES vs $BIG_FILES files | $(mib "$HWM_full") MiB vs $(mib "$HWM_big") MiB = **$(ratio "$HWM_big" "$HWM_full")×** |
| \`referat ingest\`, $BIG_FILES files | ${SECS_big} s ($(ratio "$BIG_FILES" "$SECS_big") files/s) |
EOF
