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
# transform-only throughput: a small driver, compiled here against the build's static libraries,
# decodes each record and times only nf_stage_clean.transform (parse, extraction, metadata).
LIBS="libxml-2.0 libpcre2-8 jansson rdkafka libmicrohttpd libcjson"
if [ -f "$BUILD/lib/libnfstage_clean.a" ] && command -v cc >/dev/null &&
    pkg-config --exists $LIBS 2>/dev/null; then
    cat >"$TMP/xform.c" <<'XFORM_C'
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "newsflow/conf.h"
#include "newsflow/stage.h"
extern const struct nf_stage nf_stage_clean;
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
int main(void)
{
    const struct nf_prop *const tables[] = {nf_common_props, nf_stage_clean.props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[512] = "";
    void *st = NULL;
    if (!conf || nf_stage_clean.init(conf, &st, err, sizeof(err))) {
        fprintf(stderr, "init: %s\n", err);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0, n = 0;
    double secs = 0, bytes = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        json_t *rec = json_loadb(line, (size_t)len, JSON_ALLOW_NUL, NULL);
        json_t *html = rec ? json_object_get(rec, "html") : NULL;
        if (json_is_string(html)) {
            bytes += (double)json_string_length(html);
            double t0 = now();
            nf_stage_clean.transform(st, rec, err, sizeof(err));
            secs += now() - t0;
            n++;
        }
        json_decref(rec);
    }
    printf("%zu %.3f %.0f\n", n, secs, bytes);
    free(line);
    nf_stage_clean.destroy(st);
    nf_conf_destroy(conf);
    return 0;
}
XFORM_C
    # shellcheck disable=SC2046
    if cc -O2 -std=gnu11 -I"$NF_ROOT/common/include" "$TMP/xform.c" \
        "$BUILD/lib/libnfstage_clean.a" "$BUILD/lib/libnewsflow.a" \
        $(pkg-config --cflags --libs $LIBS) -lpthread -lm -o "$TMP/xform" 2>"$TMP/xform.log"; then
        echo "== transform only (record decoding and I/O excluded; includes the HTML parse)"
        for set in dev1 dev2; do
            read -r n secs bytes < <("$TMP/xform" <"$TMP/$set.in")
            awk -v s="$set" -v n="$n" -v t="$secs" -v b="$bytes" 'BEGIN {
                if (t < 0.001) t = 0.001
                printf "clean-%-5s %4d pages %6.2f s  %6.2f MB/s of HTML\n", s, n, t, b / t / 1e6 }'
        done
    else
        echo "(transform-only driver did not build, skipped: $(head -1 "$TMP/xform.log"))"
    fi
fi
if [ -n "${KEEP_PRED:-}" ]; then
    cp "$TMP/dev1.pred" "$KEEP_PRED.dev1.jsonl"
    cp "$TMP/dev2.pred" "$KEEP_PRED.dev2.jsonl"
fi
