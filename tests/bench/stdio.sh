#!/usr/bin/env bash
# stdio.sh - per-stage benchmark and dev-set scores, in --stdio mode (no broker):
#   records/s, MB/s of input, peak RSS, and the quality figures of ../shared/tools on the
#   development sets in ../shared/data. Every later change is measured against it.
#   bash tests/bench/stdio.sh [BUILD_DIR]        (default build/; builds it if needed)
# Needs python3 for the scorers and GNU time (package "time") for the peak RSS.
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$NF_ROOT/build}
SHARED=${NEWSFLOW_SHARED:-$NF_ROOT/../shared}
DATA=$SHARED/data
TOOLS=$SHARED/tools
[ -d "$DATA" ] || { echo "no dev data at $DATA (set NEWSFLOW_SHARED)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
if [ ! -x "$BUILD/bin/newsflow-summarize" ]; then
    cmake -S "$NF_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD" -j "$(nproc)" >/dev/null
fi
BIN=$BUILD/bin
TMP=$(mktemp -d /tmp/newsflow-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# project(jsonl, fields...): keep only some fields of each record (jq-free, via python3)
project() {
    python3 -c 'import json,sys
keep=sys.argv[2:]
for l in open(sys.argv[1], encoding="utf-8"):
    r=json.loads(l); print(json.dumps({k:r.get(k) for k in keep if k in r}, ensure_ascii=False))' "$@"
}

# run STAGE INPUT OUTPUT: prints "records  seconds  MB/s  rec/s  peakRSS_MB"
run() {
    local stage=$1 in=$2 out=$3
    local n bytes
    n=$(wc -l <"$in")
    bytes=$(wc -c <"$in")
    /usr/bin/time -f "%e %M" -o "$TMP/time" "$BIN/newsflow-$stage" --stdio <"$in" >"$out" \
        2>"$TMP/$stage.log"
    read -r secs rss_kb <"$TMP/time"
    awk -v s="$stage" -v n="$n" -v b="$bytes" -v t="$secs" -v r="$rss_kb" 'BEGIN {
        if (t < 0.001) t = 0.001
        printf "%-10s %7d records %8.2f s %9.1f rec/s %8.2f MB/s  peak RSS %6.1f MB\n",
               s, n, t, n / t, b / t / 1e6, r / 1024 }'
}

echo "== throughput (--stdio, one process, one core)"
project "$DATA/clean-dev.jsonl" id url html >"$TMP/clean.in"
run clean "$TMP/clean.in" "$TMP/clean.out"
project "$DATA/ner-dev.jsonl" id text >"$TMP/ner.in"
run entities "$TMP/ner.in" "$TMP/ner.out"
project "$DATA/summ-dev.jsonl" id text >"$TMP/summ.in"
run summarize "$TMP/summ.in" "$TMP/summ.out"

echo "== quality on the development sets"
project "$TMP/clean.out" id text >"$TMP/clean.pred"
echo "clean (clean-dev, vs Readability): $(python3 "$TOOLS/clean_score.py" "$DATA/clean-dev.jsonl" "$TMP/clean.pred" | tail -1)"
if [ -f "$DATA/clean-dev2.jsonl.gz" ]; then
    zcat "$DATA/clean-dev2.jsonl.gz" >"$TMP/clean2.src"
    project "$TMP/clean2.src" id url html >"$TMP/clean2.in"
    "$BIN/newsflow-clean" --stdio <"$TMP/clean2.in" 2>/dev/null | project /dev/stdin id text >"$TMP/clean2.pred"
    echo "clean (clean-dev2, snippets): $(python3 "$TOOLS/clean_snippets_score.py" "$DATA/clean-dev2.jsonl.gz" "$TMP/clean2.pred" | tail -1)"
fi
echo "entities (ner-dev): $(python3 "$TOOLS/ner_score.py" "$DATA/ner-dev.jsonl" "$TMP/ner.out" | tail -1)"
python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    r=json.loads(l); s=r.get("summary") or []
    print(json.dumps({"id":r.get("id"),"summary":"\n".join(s)}, ensure_ascii=False))' "$TMP/summ.out" >"$TMP/summ.pred"
echo "summarize (summ-dev): $(python3 "$TOOLS/summ_score.py" "$DATA/summ-dev.jsonl" "$TMP/summ.pred" | tail -1)"
