#!/usr/bin/env bash
# pipeline.sh - end-to-end benchmark of the whole pipeline against a real Apache Kafka broker.
#
#   bash tests/bench/pipeline.sh [--pages N] [--copies "1 2"] [--loads "0.25 0.5 0.75"]
#                                [--rates "150"] [--warmup N] [--soak N] [--out DIR]
#
# For each number of copies (of every stage): ingest N realistic pages (default 5,000, the
# sample pages padded with real-looking site chrome to about 100 KB each) as fast as possible
# and report throughput (articles/s from the first ingested record to the last summary),
# per-stage throughput and ingest->summary latency p50/p95/p99 (Kafka message timestamps), and
# each stage's peak RSS; then ingest at fractions of that maximum rate (--loads) and report the
# latency percentiles at each load, and at each fixed rate of --rates (articles/s). Writes results.tsv, latency.tsv and latency.png (gnuplot)
# to --out (default tests/bench/results/). First --warmup N pages (default 1,000) go through
# unmeasured: a broker's JVM just started needs them (its CPU per article is 3x higher cold).
# --soak N runs N pages through one copy of each stage and prints every stage's RSS at
# 25/50/75/100 % of the summaries.
# Uses the broker at NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS (default: starts deploy/kafka.sh on
# 127.0.0.1:9092 and stops it afterwards). Needs gnuplot for the plot (apt-get install gnuplot).
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$NF_ROOT/build/bin
pages=5000
copies_list="1 2"
loads="0.25 0.5 0.75"
rates=""
warmup=1000
soak=0
out=$NF_ROOT/tests/bench/results
while [ $# -gt 0 ]; do
    case $1 in
        --pages) pages=$2; shift 2 ;;
        --copies) copies_list=$2; shift 2 ;;
        --loads) loads=$2; shift 2 ;;
        --rates) rates=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --soak) soak=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: $0 [--pages N] [--copies \"1 2\"] [--loads \"0.25 0.5\"] [--rates \"150\"] [--warmup N] [--soak N] [--out DIR]" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
[ -x "$BIN/newsflow-summarize" ] || { cmake -S "$NF_ROOT" -B "$NF_ROOT/build" >/dev/null &&
    cmake --build "$NF_ROOT/build" -j "$(nproc)" >/dev/null; }

TMP=$(mktemp -d /tmp/newsflow-pipeline.XXXXXX)
started_broker=0
pids=()
stop_stages() {
    local p
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    pids=()
}
cleanup() {
    stop_stages
    [ "$started_broker" = 1 ] && "$NF_ROOT/deploy/kafka.sh" stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

if [ -n "${NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    bootstrap=$NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS
elif "$NF_ROOT/deploy/kafka.sh" status >/dev/null 2>&1; then
    bootstrap=127.0.0.1:${NEWSFLOW_LOCAL_KAFKA_PORT:-9092}
else
    bootstrap=$("$NF_ROOT/deploy/kafka.sh" start)
    started_broker=1
fi
export NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS=$bootstrap

# --- realistic pages: each sample padded with site chrome (styles, scripts, menus, footers) ---
mkdir -p "$TMP/pages"
chrome=$TMP/chrome.html
{
    printf '<style>\n'
    for i in $(seq 1 300); do
        printf '.c%d{margin:0 %dpx;padding:%dpx;font:14px/1.4 Georgia,serif;color:#%06x}\n' "$i" "$i" "$((i % 9))" "$((i * 4099 % 16777216))"
    done
    printf '</style>\n<script>\n'
    for i in $(seq 1 500); do
        printf 'window.__ad%d=function(e){var t=document.querySelector(".slot-%d");if(t){t.dataset.k="%d";e&&e.track("imp",%d)}};\n' "$i" "$i" "$i" "$i"
    done
    printf '</script>\n<nav class="site-menu"><ul>\n'
    for i in $(seq 1 250); do
        printf '<li class="menu-item"><a href="/section/%d/topic-%d">Section %d topic</a></li>\n' "$i" "$i" "$i"
    done
    printf '</ul></nav>\n<aside class="related"><h3>Related stories</h3><ul>\n'
    for i in $(seq 1 60); do
        printf '<li><a href="/news/2026/11/%d/story-%d">Council debates plan number %d for the harbour</a></li>\n' "$((i % 28 + 1))" "$i" "$i"
    done
    printf '</ul></aside>\n<footer class="site-footer"><p>Cookies: we use cookies to improve your experience. <a href="/privacy">Privacy</a></p>\n'
    for i in $(seq 1 120); do printf '<a href="/footer/%d">Footer link %d</a> ' "$i" "$i"; done
    printf '</footer>\n'
} >"$chrome"
for f in "$NF_ROOT"/config/samples/*.html; do
    awk -v chrome="$chrome" '
        /<\/body>/ && !done { while ((getline line < chrome) > 0) print line; done = 1 }
        { print }' "$f" >"$TMP/pages/$(basename "$f")"
done
n_samples=$(ls "$TMP/pages" | wc -l)
avg_kb=$(du -b "$TMP"/pages/*.html | awk '{ s += $1 } END { printf "%.0f", s / NR / 1024 }')
echo "pages: $n_samples samples padded to ~${avg_kb} KB each; broker $bootstrap; machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"

# --- helpers ---
run_id=0
new_topics() {
    run_id=$((run_id + 1))
    prefix="bench-$$-$run_id-"
    "$BIN/newsflow-topics" -X topics.prefix="$prefix" -X topics.partitions=6 >/dev/null
}
drop_topics() { # delete this run's topics: a full run writes several GB to the broker
    "$BIN/newsflow-topics" -X topics.prefix="$prefix" -X topics.delete=true >/dev/null ||
        echo "warning: could not delete the topics ${prefix}*" >&2
}
start_stages() { # copies
    local c=$1 i stage in outt
    for stage in clean entities summarize; do
        case $stage in
            clean) in=raw-html outt=cleaned ;;
            entities) in=cleaned outt=entities ;;
            summarize) in=entities outt=summaries ;;
        esac
        for i in $(seq 1 "$c"); do
            "$BIN/newsflow-$stage" -X input.topic="$prefix$in" -X output.topic="$prefix$outt" \
                -X dlq.topic="$prefix$in.dlq" -X group.id="${prefix}g-$stage" \
                >"$TMP/$stage-$i.log" 2>&1 &
            pids+=($!)
            echo "$stage $!" >>"$TMP/pids"
        done
    done
}
timestamps() { # topic count -> key<TAB>ts lines
    "$BIN/newsflow-tail" -X tail.topic="$1" -X tail.format=timestamp -X tail.count="$2" \
        -X tail.timeout_ms=600000 2>/dev/null
}
cpu_s() { # stage -> CPU seconds (user + system) of its copies so far
    local stage=$1 pid
    while read -r s pid; do
        [ "$s" = "$stage" ] && awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null
    done <"$TMP/pids" | awk -v hz="$(getconf CLK_TCK)" '{ t += $1 } END { printf "%.2f", t / hz }'
}
broker_cpu_s() { # CPU seconds of the local broker's JVM, or 0 when it is elsewhere
    local pid
    pid=$(pgrep -f 'kafka\.Kafka' | head -1 || true)
    [ -n "$pid" ] && awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat" || echo 0
}
peak_rss_mb() { # stage -> max VmHWM over its copies, MB
    local stage=$1 best=0 pid kb
    while read -r s pid; do
        [ "$s" = "$stage" ] || continue
        kb=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${kb:-0}" -gt "$best" ] && best=$kb
    done <"$TMP/pids"
    awk -v k="$best" 'BEGIN { printf "%.1f", k / 1024 }'
}
ingest() { # count rate
    local count=$1 rate=$2 repeat
    repeat=$(((count + n_samples - 1) / n_samples))
    /usr/bin/time -f "%U %S" -o "$TMP/ingest.time" \
        "$BIN/newsflow-ingest" -X ingest.topic="${prefix}raw-html" -X ingest.repeat="$repeat" \
        -X ingest.rate="$rate" -X ingest.base_url="https://bench.newsflow.test/$run_id/" \
        "$TMP/pages" 2>"$TMP/ingest.log"
}
# latency percentiles (ms) and throughputs from the timestamp files of one run
analyse() { # n -> "tput p50 p95 p99 clean_tput entities_tput summarize_tput"
    local n=$1
    awk -F'\t' 'NR == FNR { raw[$1] = $2; next } ($1 in raw) && !seen[$1]++ { print $2 - raw[$1] }' \
        "$TMP/raw.ts" "$TMP/summaries.ts" | sort -n >"$TMP/lat"
    local p50 p95 p99 first last tput
    p50=$(awk -v q=0.50 '{ v[NR] = $1 } END { i = int(q * NR); if (i < 1) i = 1; print v[i] }' "$TMP/lat")
    p95=$(awk -v q=0.95 '{ v[NR] = $1 } END { i = int(q * NR); if (i < 1) i = 1; print v[i] }' "$TMP/lat")
    p99=$(awk -v q=0.99 '{ v[NR] = $1 } END { i = int(q * NR); if (i < 1) i = 1; print v[i] }' "$TMP/lat")
    first=$(cut -f2 "$TMP/raw.ts" | sort -n | head -1)
    last=$(cut -f2 "$TMP/summaries.ts" | sort -n | tail -1)
    tput=$(awk -v n="$n" -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", n / ((b - a) / 1000) }')
    local stage_tput=""
    for t in cleaned entities summaries; do
        stage_tput="$stage_tput $(cut -f2 "$TMP/$t.ts" | sort -n | awk -v n="$n" 'NR == 1 { a = $1 } { b = $1 } END { printf "%.1f", n / ((b - a) / 1000 + 0.001) }')"
    done
    echo "$tput $p50 $p95 $p99$stage_tput"
}
one_run() { # copies count rate -> analysis line in $TMP/result (no subshell: run_id must stick)
    local c=$1 count=$2 rate=$3
    new_topics
    : >"$TMP/pids"
    start_stages "$c"
    sleep 3 # group joins
    local b0
    b0=$(broker_cpu_s)
    ingest "$count" "$rate"
    local n
    n=$(($(( (count + n_samples - 1) / n_samples )) * n_samples))
    timestamps "${prefix}summaries" "$n" >"$TMP/summaries.ts"
    timestamps "${prefix}raw-html" "$n" >"$TMP/raw.ts"
    timestamps "${prefix}cleaned" "$n" >"$TMP/cleaned.ts"
    timestamps "${prefix}entities" "$n" >"$TMP/entities.ts"
    rss="$(peak_rss_mb clean) $(peak_rss_mb entities) $(peak_rss_mb summarize)"
    # CPU per article (ms): each stage, the broker (from before the ingest), the ingest
    cpu_per_article="$(cpu_s clean) $(cpu_s entities) $(cpu_s summarize) $(broker_cpu_s)"
    stop_stages
    echo "$n $(analyse "$n") $rss" >"$TMP/result"
    drop_topics
    echo "$cpu_per_article $b0 $(cat "$TMP/ingest.time")" | awk -v n="$n" '{ printf "CPU ms/article: clean %.2f entities %.2f summarize %.2f broker %.2f ingest %.2f\n", $1 * 1000 / n, $2 * 1000 / n, $3 * 1000 / n, ($4 - $5) * 1000 / n, ($6 + $7) * 1000 / n }' >"$TMP/cpu"
    cat "$TMP/cpu" >&2
}

if [ "$soak" -gt 0 ]; then
    echo "== soak: $soak pages through one copy of each stage; RSS (MB) at 25/50/75/100 %"
    new_topics
    : >"$TMP/pids"
    start_stages 1
    sleep 3
    "$BIN/newsflow-tail" -X tail.topic="${prefix}summaries" -X tail.format=key \
        -X tail.count="$soak" -X tail.timeout_ms=3600000 >"$TMP/soak.keys" 2>/dev/null &
    tailpid=$!
    ingest "$soak" 0 &
    ingestpid=$!
    for q in 25 50 75 100; do
        want=$((soak * q / 100))
        while [ "$(wc -l <"$TMP/soak.keys")" -lt "$want" ] && kill -0 $tailpid 2>/dev/null; do
            sleep 1
        done
        line="$q%:"
        while read -r s pid; do
            line="$line $s=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")"
        done <"$TMP/pids"
        echo "$line" | tee -a "$out/soak.txt"
    done
    wait $ingestpid || true
    stop_stages
    drop_topics
    exit 0
fi

if [ "$warmup" -gt 0 ]; then
    echo "== warm-up: $warmup pages, not measured"
    one_run 1 "$warmup" 0 2>/dev/null
fi
printf 'copies\tpages\tarticles/s\tp50_ms\tp95_ms\tp99_ms\tclean/s\tentities/s\tsummarize/s\trss_clean_MB\trss_entities_MB\trss_summarize_MB\n' >"$out/results.tsv"
printf 'copies\tload\trate\tp50_ms\tp95_ms\tp99_ms\n' >"$out/latency.tsv"
for c in $copies_list; do
    echo "== $c copy(ies) of each stage, $pages pages as fast as possible"
    one_run "$c" "$pages" 0
    read -r n tput p50 p95 p99 st1 st2 st3 r1 r2 r3 <"$TMP/result"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$n" "$tput" "$p50" "$p95" "$p99" \
        "$st1" "$st2" "$st3" "$r1" "$r2" "$r3" | tee -a "$out/results.tsv"
    for f in $loads $(for r in $rates; do echo "rate:$r"; done); do
        case $f in
            rate:*) rate=${f#rate:}; f=$(awk -v t="$tput" -v r="$rate" 'BEGIN { printf "%.2f", r / t }') ;;
            *) rate=$(awk -v t="$tput" -v f="$f" 'BEGIN { printf "%.1f", t * f }') ;;
        esac
        count=$(awk -v r="$rate" 'BEGIN { c = int(r * 20); if (c < 60) c = 60; print c }')
        echo "== $c copy(ies), load $f of max: $rate articles/s for $count pages"
        one_run "$c" "$count" "$rate"
        read -r n _ lp50 lp95 lp99 _ _ _ _ _ _ <"$TMP/result"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$f" "$rate" "$lp50" "$lp95" "$lp99" | tee -a "$out/latency.tsv"
    done
done

if command -v gnuplot >/dev/null 2>&1; then
    for c in $copies_list; do awk -v c="$c" -F'\t' 'NR > 1 && $1 == c' "$out/latency.tsv" | sort -t"$(printf '\t')" -k3 -n >"$TMP/lat-$c.tsv"; done
    plots=""
    for c in $copies_list; do
        plots="$plots '$TMP/lat-$c.tsv' using 3:4 with linespoints title 'p50, $c copy', '$TMP/lat-$c.tsv' using 3:5 with linespoints title 'p95, $c copy', '$TMP/lat-$c.tsv' using 3:6 with linespoints title 'p99, $c copy',"
    done
    gnuplot <<EOF
set terminal png size 900,540
set output '$out/latency.png'
set title 'newsflow: ingest -> summary latency against load ($(nproc) cores, real Kafka)'
set xlabel 'offered load (articles/s, pages of about ${avg_kb} KB)'
set logscale y
set ylabel 'latency (ms)'
set key top left
set grid
plot ${plots%,}
EOF
    echo "plot: $out/latency.png"
else
    echo "gnuplot not installed: no plot (apt-get install gnuplot)" >&2
fi
echo "results: $out/results.tsv, $out/latency.tsv"
