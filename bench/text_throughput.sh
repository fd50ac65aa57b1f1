#!/usr/bin/env bash
# Text throughput benchmark: builds a corpus of text minutes by copying
# SEEDS (default fixtures/*.txt, the three real minutes) with the amounts in
# their prose varied (every copy differs) up to MB megabytes, and one
# wide tab-separated table of WIDE_MB megabytes (Danish numbers, 30 year
# columns and a label column), then measures `referat ingest --jobs 1` on
#   1. the minutes corpus,
#   2. the wide table file alone,
# each in ROUNDS rounds (medians), and prints MB/s per core (input bytes /
# CPU seconds, user + system) and peak RSS as Markdown.
#
# usage: bench/text_throughput.sh          (MB=100 WIDE_MB=34 ROUNDS=3)
#        MB=10 WIDE_MB=5 ROUNDS=1 bench/text_throughput.sh   (a quick try)
#        SEEDS="fixtures/*.txt fixtures/layouts/*.txt" bench/text_throughput.sh
#        BIN=/tmp/old/referat bench/text_throughput.sh   (another build)
#            (also the small invented layouts: more files, more per-file cost)
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${MB:-100}
SEEDS=${SEEDS:-fixtures/*.txt}
WIDE_MB=${WIDE_MB:-34}
ROUNDS=${ROUNDS:-3}
TARGET=${CARGO_TARGET_DIR:-target}
# BIN=path/to/referat measures that binary (e.g. an older build) instead.
BIN=${BIN:-}

log() { echo "text-bench: $*" >&2; }

command -v python3 >/dev/null || { log "python3 is needed to make the corpus"; exit 2; }
[ -x /usr/bin/time ] || {
    log "installing GNU time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
}

if [ -z "$BIN" ]; then
    log "building release binary"
    cargo build --release --quiet
    BIN=$TARGET/release/referat
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/referat-text-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log "making a $MB MB corpus and a $WIDE_MB MB wide table in $WORK"
# shellcheck disable=SC2086 # SEEDS is a list of globs
python3 - "$WORK" "$MB" "$WIDE_MB" $SEEDS <<'EOF'
import os, random, re, sys

work, mb, wide_mb, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
rnd = random.Random(12)
texts = [open(s, encoding="utf-8").read() for s in seeds]

AMOUNT = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")

def vary(text):
    """The text with the amounts in its prose ("255.000 kr.") changed; table
    rows stay as printed, so their totals still add up as in the seed."""
    digits = lambda m: re.sub(r"[1-9]", lambda _: str(rnd.randint(1, 9)), m.group(0))
    return "\n".join(
        line if "\t" in line else AMOUNT.sub(digits, line) for line in text.split("\n")
    )

total, i = 0, 0
while total < mb * 1_000_000:
    text = vary(texts[i % len(texts)])
    folder = os.path.join(work, "minutes", f"d{i // 100}")
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(seeds[i % len(seeds)])
    with open(os.path.join(folder, f"{i}-{name}"), "w", encoding="utf-8") as f:
        f.write(text)
    total += len(text.encode())
    i += 1

def number():
    v = rnd.randint(-99_999, 999_999)
    return ("-" if v < 0 else "") + f"{abs(v):,}".replace(",", ".")

with open(os.path.join(work, "wide.txt"), "w", encoding="utf-8") as f:
    f.write("REFERAT Økonomiudvalget d. 14-06-2021\n\n"
            "Mødedato Mandag d. 14. juni 2021 kl. 08:00\n\n"
            "Punkt 1: Budgetopfølgning\n\n21/9445\n\nBaggrund\n\n"
            "Tabel 1. Udgifter i 1.000 kr.\n\n"
            "Område\t" + "\t".join(str(1995 + c) for c in range(30)) + "\n")
    written, n = 0, 0
    while written < wide_mb * 1_000_000:
        n += 1
        row = f"Område nr. {n} Ældreplejen\t" + "\t".join(number() for _ in range(30)) + "\n"
        written += len(row.encode())
        f.write(row)
    f.write("\nBeslutning Økonomiudvalget den 14-06-2021\n\nGodkendt.\n")
EOF
FILES=$(find "$WORK/minutes" -type f | wc -l)
CORPUS_BYTES=$(find "$WORK/minutes" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
WIDE_BYTES=$(stat -c %s "$WORK/wide.txt")
cat "$WORK"/minutes/*/* "$WORK/wide.txt" >/dev/null

# measure NAME INPUT: ROUNDS runs of `referat ingest INPUT --jobs 1` under
# /usr/bin/time; sets CPU_NAME (median user + system s), WALL_NAME (median
# wall s) and RSS_NAME (largest max RSS, KiB).
measure() {
    local name=$1 input=$2 r
    for r in $(seq 1 "$ROUNDS"); do
        /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$name.$r" \
            "$BIN" ingest "$input" --out "$WORK/out-$name" --jobs 1 --force --quiet
    done
    printf -v "CPU_$name" '%s' "$(awk '{print $2 + $3}' "$WORK"/time."$name".* | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
    printf -v "WALL_$name" '%s' "$(cut -d' ' -f1 "$WORK"/time."$name".* | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
    printf -v "RSS_$name" '%s' "$(cut -d' ' -f4 "$WORK"/time."$name".* | sort -n | tail -1)"
    local c="CPU_$name" m="RSS_$name"
    log "$name: CPU ${!c} s (median), peak RSS ${!m} KiB"
}

measure corpus "$WORK/minutes"
measure wide "$WORK/wide.txt"

rate() { echo "scale=1; $1 / 1000000 / $2" | bc -l; }
mib() { echo "scale=1; $1 / 1024" | bc -l; }
command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq bc >/dev/null; }
FAILED=$(grep -c '"status":"failed"' "$WORK/out-corpus/manifest.jsonl" || true)
WIDE_WARN=$(grep -o '"code":"table-too-large"' "$WORK/out-wide/records.jsonl" | head -1 || true)
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)

cat <<EOF
### Text throughput ($(date -u +%Y-%m-%d), $BIN, tree $(git rev-parse --short HEAD 2>/dev/null || echo '?'))

Machine: $(nproc) cores ($CPU), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end.
Release build, page cache warm, \`--jobs 1\`, median of $ROUNDS rounds; MB = 10^6 bytes, per core = input bytes / (user + system CPU seconds).

| input | bytes | CPU s | wall s | MB/s per core | peak RSS |
| --- | --- | --- | --- | --- | --- |
| $FILES minutes ($FAILED failed) | $CORPUS_BYTES | $CPU_corpus | $WALL_corpus | **$(rate "$CORPUS_BYTES" "$CPU_corpus")** | $(mib "$RSS_corpus") MiB |
| one wide table (${WIDE_WARN:-no table-too-large}) | $WIDE_BYTES | $CPU_wide | $WALL_wide | **$(rate "$WIDE_BYTES" "$CPU_wide")** | $(mib "$RSS_wide") MiB = **$(echo "scale=1; $RSS_wide * 1024 / $WIDE_BYTES" | bc -l)×** the file |
EOF
