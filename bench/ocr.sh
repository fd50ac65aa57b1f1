#!/usr/bin/env bash
# OCR benchmark: makes "scanned prints" of the seed PDFs (fixtures/*.pdf)
# with bench/make_scan.py (grey JPEG at DPI, turned by SKEW degrees,
# blurred by BLUR pixels, no text layer), ingests them with the release
# binary (OCR on, pages in parallel on all cores), and prints pages per
# second and the scorer's report against the seeds' gold (tests/gold).
# HOSTILE=1 also ingests the pdf.js corpus (../shared/corpus/pdfjs) with
# OCR on and prints how its files ended (robustness, not accuracy).
#
# usage: bench/ocr.sh                         (DPI=200 QUALITY=75 SKEW=0.6 BLUR=0.6)
#        SKEW=0 BLUR=0 bench/ocr.sh           (clean scans)
#        HOSTILE=1 bench/ocr.sh
# Needs pdftoppm, tesseract with Danish data, python3 (Pillow for skew and
# blur: pip install pillow).
set -euo pipefail
cd "$(dirname "$0")/.."

DPI=${DPI:-200}
QUALITY=${QUALITY:-75}
SKEW=${SKEW:-0.6}
BLUR=${BLUR:-0.6}
TARGET=${CARGO_TARGET_DIR:-target}

log() { echo "ocr-bench: $*" >&2; }
for tool in pdftoppm tesseract python3; do
    command -v $tool >/dev/null || { log "$tool is needed"; exit 2; }
done

log "building release binary"
cargo build --release --quiet
BIN=$TARGET/release/referat

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/scans"
pages=0
for pdf in fixtures/*.pdf; do
    python3 bench/make_scan.py "$pdf" "$WORK/scans/$(basename "$pdf")" \
        --dpi "$DPI" --quality "$QUALITY" --skew "$SKEW" --blur "$BLUR"
    pages=$((pages + $(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')))
done
log "ingesting $pages scanned pages ($DPI dpi JPEG q$QUALITY, skew $SKEW°, blur $BLUR px)"
start=$(date +%s.%N)
"$BIN" ingest "$WORK/scans" -q --force -o "$WORK/out"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
echo
echo "$pages pages in $secs s: $(awk -v p="$pages" -v s="$secs" 'BEGIN {printf "%.2f", p / s}') pages/s on $(nproc) cores"
echo
python3 tests/eval/score.py "$WORK/out/records.jsonl" tests/gold --format pdf --verbose

if [ "${HOSTILE:-0}" = 1 ] && [ -d ../shared/corpus/pdfjs ]; then
    log "pdf.js corpus with OCR on"
    start=$(date +%s.%N)
    "$BIN" ingest ../shared/corpus/pdfjs -q --force -o "$WORK/pdfjs"
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
    echo
    echo "pdf.js corpus, OCR on: $secs s"
    python3 - "$WORK/pdfjs/records.jsonl" <<'PY'
import json, sys, collections
ends, ocr = collections.Counter(), 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    ends[r["errors"][0]["code"] if r["errors"] else r["status"]] += 1
    ocr += bool(r["source"].get("ocr"))
print("files read by OCR:", ocr)
for k, n in ends.most_common():
    print(f"  {k}: {n}")
PY
fi
