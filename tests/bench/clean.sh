#!/usr/bin/env bash
# clean.sh - benchmark and dev-set scores of the clean stage alone, in --stdio mode:
#   clean-dev (vs Readability output) and clean-dev2 (human snippets; whole set and its two
#   halves by sorted id, the tuning guard), pages/s, MB/s of HTML and peak RSS (GNU time).
#   bash tests/bench/clean.sh [BUILD_DIR]        (default build/; builds newsflow-clean if needed)
# Needs python3 for the scorers and GNU time (package "time").
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$NF_ROOT/build}
SHARED=${NEWSFLOW_SHARED:-$NF_ROOT/../shared}
DATA=$SHARED/data
TOOLS=$SHARED/tools
[ -d "$DATA" ] || { echo "no dev data at $DATA (set NEWSFLOW_SHARED)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
if [ ! -x "$BUILD/bin/newsflow-clean" ]; then
    cmake -S "$NF_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD" --target newsflow-clean -j "$(nproc)" >/dev/null
fi
BIN=$BUILD/bin/newsflow-clean
TMP=$(mktemp -d /tmp/newsflow-clean-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# split(src, keep-fields, out): project records to some fields; also writes out.h1 / out.h2,
# the records whose ids sort into the first / second half.
split() {
    python3 - "$@" <<'EOF'
import gzip, json, sys
src, fields, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
op = gzip.open if open(src, "rb").read(2) == b"\x1f\x8b" else open
recs = [json.loads(l) for l in op(src, "rt", encoding="utf-8") if l.strip()]
ids = sorted(r["id"] for r in recs)
first = set(ids[: len(ids) // 2])
with open(out, "w", encoding="utf-8") as f, open(out + ".h1", "w", encoding="utf-8") as h1, \
        open(out + ".h2", "w", encoding="utf-8") as h2:
    for r in recs:
        f.write(json.dumps({k: r[k] for k in fields if k in r}, ensure_ascii=False) + "\n")
        (h1 if r["id"] in first else h2).write(json.dumps(r, ensure_ascii=False) + "\n")
EOF
}

project() {
    python3 -c 'import json,sys
for l in sys.stdin:
    r=json.loads(l); print(json.dumps({"id":r.get("id"),"text":r.get("text") or ""}, ensure_ascii=False))'
}

# run NAME INPUT OUTPUT: one timed --stdio run, prints pages/s, MB/s, peak RSS
run() {
    local name=$1 in=$2 out=$3 n bytes secs cpu rss_kb
    n=$(wc -l <"$in")
    bytes=$(wc -c <"$in")
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$BIN" --stdio <"$in" >"$out" \
        2>"$TMP/$name.log"
    read -r secs usr sys rss_kb <"$TMP/time"
    awk -v s="$name" -v n="$n" -v b="$bytes" -v t="$secs" -v c="$usr+$sys" -v r="$rss_kb" 'BEGIN {
        split(c, a, "+"); c = a[1] + a[2]
        if (t < 0.001) t = 0.001
        if (c < 0.001) c = 0.001
        printf "%-10s %4d pages %6.2f s wall %6.1f pages/s %6.2f MB/s | %6.2f s CPU %6.2f MB/s" \
               "  peak RSS %5.1f MB\n", s, n, t, n / t, b / t / 1e6, c, b / c / 1e6, r / 1024 }'
}

split "$DATA/clean-dev.jsonl" id,url,html "$TMP/dev1.in"
split "$DATA/clean-dev2.jsonl.gz" id,url,html "$TMP/dev2.in"
echo "== throughput (--stdio, one process, one core; input is JSONL with the HTML)"
echo "   (wall-clock figures suffer on a loaded machine; the CPU-time MB/s is user+sys)"
run clean-dev "$TMP/dev1.in" "$TMP/dev1.out"
run clean-dev2 "$TMP/dev2.in" "$TMP/dev2.out"
project <"$TMP/dev1.out" >"$TMP/dev1.pred"
project <"$TMP/dev2.out" >"$TMP/dev2.pred"
echo "== quality"
echo "clean-dev  (vs Readability):  $(python3 "$TOOLS/clean_score.py" "$DATA/clean-dev.jsonl" \
    "$TMP/dev1.pred" | tail -1)"
for part in "" .h1 .h2; do
    gold=$DATA/clean-dev2.jsonl.gz
    [ -n "$part" ] && gold=$TMP/dev2.in$part
    label="clean-dev2${part:-   } (snippets):"
    echo "$label $(python3 "$TOOLS/clean_snippets_score.py" "$gold" "$TMP/dev2.pred" \
        --bootstrap 0 | tail -1)"
done
if [ -n "${KEEP_PRED:-}" ]; then
    cp "$TMP/dev1.pred" "$KEEP_PRED.dev1.jsonl"
    cp "$TMP/dev2.pred" "$KEEP_PRED.dev2.jsonl"
fi
