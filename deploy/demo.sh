#!/usr/bin/env bash
# demo.sh - the README's first quick-start command: the whole pipeline over the sample pages on
# the embedded broker, printing one line per article (title: summary), then a clean shutdown.
#   bash deploy/demo.sh [PAGES...]      (default: config/samples)
# Installs missing build dependencies with apt (needs root or sudo), builds into build/, starts
# newsflow-broker (librdkafka's mock cluster, no Kafka needed), the three stages, ingests the
# pages, reads the summaries, and stops everything.
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$NF_ROOT/deploy/deps.sh"

nf_deps build
echo "newsflow: building..." >&2
nf_build "$NF_ROOT/build" >/dev/null
BIN=$NF_ROOT/build/bin
RUN=$(mktemp -d /tmp/newsflow-demo.XXXXXX)
pids=()         # stages, stopped first: they commit and leave the group through the broker
broker_pid=""
cleanup() {
    local p
    for p in "${pids[@]:-}"; do
        [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${pids[@]:-}"; do
        [ -n "$p" ] && wait "$p" 2>/dev/null || true
    done
    if [ -n "$broker_pid" ]; then
        kill -TERM "$broker_pid" 2>/dev/null || true
        wait "$broker_pid" 2>/dev/null || true
    fi
    rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ $# -gt 0 ]; then pages=("$@"); else pages=("$NF_ROOT/config/samples"); fi

"$BIN/newsflow-broker" -X broker.bootstrap_file="$RUN/bootstrap" >"$RUN/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do [ -s "$RUN/bootstrap" ] && break; sleep 0.1; done
[ -s "$RUN/bootstrap" ] || { cat "$RUN/broker.log" >&2; echo "broker did not start" >&2; exit 1; }
export NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS
NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS=$(cat "$RUN/bootstrap")
echo "newsflow: embedded broker at $NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS" >&2

# the stages log to files; their last lines are shown if something goes wrong
for stage in clean entities summarize; do
    "$BIN/newsflow-$stage" >"$RUN/$stage.log" 2>&1 &
    pids+=($!)
done

# shellcheck disable=SC2012 # counting pages, names are ours
n=$("$BIN/newsflow-ingest" --print "${pages[@]}" 2>/dev/null | wc -l)
"$BIN/newsflow-ingest" "${pages[@]}"
echo "newsflow: $n page(s) ingested; waiting for their summaries..." >&2
echo
if ! "$BIN/newsflow-tail" -X tail.format=summary -X tail.count="$n" -X tail.timeout_ms=120000 \
    2>"$RUN/tail.log"; then
    echo "newsflow: not every summary arrived; stage logs:" >&2
    tail -n 5 "$RUN"/*.log >&2
    exit 1
fi
echo
echo "newsflow: done; shutting down" >&2
