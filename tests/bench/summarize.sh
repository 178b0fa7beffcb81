#!/usr/bin/env bash
# summarize.sh - quality and speed of the summarize stage on the CNN/DailyMail dev sample:
#   runs newsflow-summarize --stdio on ../shared/data/summ-dev.jsonl, scores the summaries with
#   ../shared/tools/summ_score.py beside Lead-3 (the stage itself in summarize.mode = lead, so both
#   use the same splitter) on the whole set and on its halves (first 250 / last 250 articles),
#   and prints articles/s (best of RUNS=3 runs) and peak RSS (GNU time) of the --stdio run.
#   bash tests/bench/summarize.sh [BUILD_DIR] [-X key=value ...]   (default build/)
# The "w/ents" line runs the articles through newsflow-entities first (the pipeline's real
# input, with "entities") when that binary is built. Extra -X options go to the ranked runs only. Key phrases: set KP_GOLD to a
# JSONL file of {"id","text","keyphrases"} to score them with ../shared/tools/kp_score.py.
# CALLGRIND=N (needs valgrind): also count instructions per article over the first N articles,
# split into the runner's JSON decode, the stage's transform and the runner's encode (instruction
# counts are repeatable on a shared machine, wall-clock times are not).
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$NF_ROOT/build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    BUILD=$1
    shift
fi
SHARED=${NEWSFLOW_SHARED:-$NF_ROOT/../shared}
DEV=$SHARED/data/summ-dev.jsonl
TOOLS=$SHARED/tools
[ -f "$DEV" ] || { echo "no dev set at $DEV (set NEWSFLOW_SHARED)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
if [ ! -x "$BUILD/bin/newsflow-summarize" ]; then
    cmake -S "$NF_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD" -j "$(nproc)" --target newsflow-summarize >/dev/null
fi
BIN=$BUILD/bin/newsflow-summarize
TMP=$(mktemp -d /tmp/newsflow-summ.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# the stage's input: id and text only (the reference stays out of its sight)
python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    r=json.loads(l); print(json.dumps({"id":r["id"],"text":r["text"]}, ensure_ascii=False))' \
    "$DEV" >"$TMP/in.jsonl"
N=$(wc -l <"$TMP/in.jsonl")

# run NAME [-X ...]: stage output in $TMP/NAME.out, "seconds peakKB" in $TMP/NAME.time; the input
# is $TMP/in.jsonl, or $TMP/NAME.in when that exists
run() {
    local name=$1
    local in=$TMP/in.jsonl
    shift
    [ -f "$TMP/$name.in" ] && in=$TMP/$name.in
    /usr/bin/time -f "%e %M" -o "$TMP/$name.time" "$BIN" --stdio "$@" <"$in" \
        >"$TMP/$name.out" 2>"$TMP/$name.log" || { cat "$TMP/$name.log" >&2; exit 1; }
    python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    r=json.loads(l)
    print(json.dumps({"id":r["id"],"summary":"\n".join(r.get("summary") or [])}, ensure_ascii=False))' \
        "$TMP/$name.out" >"$TMP/$name.pred"
    python3 "$TOOLS/summ_score.py" "$DEV" "$TMP/$name.pred" --per-doc "$TMP/$name.doc" >/dev/null
}

# score NAME LABEL: R1/R2/RLsum on all, first half, second half; mean words
score() {
    python3 -c 'import json,sys
d=[json.loads(l) for l in open(sys.argv[1])]
w=[len(json.loads(l)["summary"].split()) for l in open(sys.argv[2], encoding="utf-8")]
h=len(d)//2
def m(x): return "%5.2f %5.2f %5.2f" % tuple(sum(r[k] for r in x)/max(len(x),1) for k in ("r1","r2","rlsum"))
print("%-8s %s | %s | %s | %3.0f words" % (sys.argv[3], m(d), m(d[:h]), m(d[h:]), sum(w)/max(len(w),1)))' \
        "$TMP/$1.doc" "$TMP/$1.pred" "$2"
}

run lead -X summarize.mode=lead
run rank "$@"
# the pipeline's own input: the same articles through the entities stage first, when it is built
if [ -x "$BUILD/bin/newsflow-entities" ]; then
    "$BUILD/bin/newsflow-entities" --stdio <"$TMP/in.jsonl" >"$TMP/ents.in" 2>/dev/null
    run ents "$@"
fi
echo "== summarize on $(basename "$DEV") ($N articles), ROUGE F1 x100: R1 R2 RLsum"
echo "         all               | first half        | second half"
score lead Lead-3
score rank ranked
[ -f "$TMP/ents.doc" ] && score ents w/ents
python3 -c 'import json,sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
h=len(a)//2
def d(x,y,k): return sum(r[k] for r in y)/len(y)-sum(r[k] for r in x)/len(x)
print("gain     %+5.2f %+5.2f %+5.2f | %+5.2f %+5.2f %+5.2f | %+5.2f %+5.2f %+5.2f" % tuple(
    d(x,y,k) for x,y in ((a,b),(a[:h],b[:h]),(a[h:],b[h:])) for k in ("r1","r2","rlsum")))' \
    "$TMP/lead.doc" "$TMP/rank.doc"
# speed: the best of RUNS timed runs (default 3; a shared machine only ever slows a run down)
for _ in $(seq 2 "${RUNS:-3}"); do
    /usr/bin/time -f "%e %M" -a -o "$TMP/rank.time" "$BIN" --stdio "$@" <"$TMP/in.jsonl" \
        >/dev/null 2>&1
done
sort -n "$TMP/rank.time" | awk -v n="$N" -v runs="${RUNS:-3}" 'NR == 1 { t = $1 } $2 > r { r = $2 }
    END { if (t < 0.001) t = 0.001
    printf "speed    %d articles in %.2f s = %.0f articles/s (one process, --stdio, wall clock, best of %d), peak RSS %.1f MB\n",
           n, t, n / t, runs, r / 1024 }'
if [ -n "${KP_GOLD:-}" ]; then
    python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    r=json.loads(l)
    print(json.dumps({"id":r["id"],"keyphrases":[k["text"] for k in r.get("keyphrases") or []]}, ensure_ascii=False))' \
        "$TMP/rank.out" >"$TMP/kp.pred"
    echo "keyphrases ($(basename "$KP_GOLD")): $(python3 "$TOOLS/kp_score.py" "$KP_GOLD" "$TMP/kp.pred" | tail -1)"
else
    echo "keyphrases: not scored (no gold key phrases in $SHARED/data; set KP_GOLD to score)"
fi
if [ -n "${CALLGRIND:-}" ]; then
    head -n "$CALLGRIND" "$TMP/in.jsonl" >"$TMP/cg.in"
    n=$(wc -l <"$TMP/cg.in")
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" "$BIN" --stdio "$@" \
        <"$TMP/cg.in" >/dev/null 2>"$TMP/cg.log"
    callgrind_annotate --inclusive=yes "$TMP/cg.out" 2>/dev/null | awk -v n="$n" '
        function num(s) { gsub(",", "", s); return s + 0 }
        /PROGRAM TOTALS/ { tot = num($1) }
        / [^ ]*:nf_runner_run_stdio / { loop = num($1) }
        / [^ ]*:nf_record_decode / { dec = num($1) }
        / [^ ]*:summarize_transform / { xf = num($1) }
        / [^ ]*:nf_record_encode / { enc = num($1) }
        END {
            printf "instructions per article (callgrind, %d articles): %.0fk = decode %.0fk + transform %.0fk + encode %.0fk + runner I/O %.0fk; once per process (loader, init): %.1fM\n",
                   n, loop / n / 1e3, dec / n / 1e3, xf / n / 1e3, enc / n / 1e3,
                   (loop - dec - xf - enc) / n / 1e3, (tot - loop) / 1e6 }'
fi
