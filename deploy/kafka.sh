#!/usr/bin/env bash
# deploy/kafka.sh - a single-node Apache Kafka broker on 127.0.0.1 for newsflow's tests and CI.
#
# It runs the official org.apache.kafka:kafka_2.13 jars from Maven Central (resolved by
# deploy/kafka/pom.xml) in KRaft combined mode (one JVM is both broker and controller), with
# settings that suit one node: replication factor 1 for the internal topics, no initial
# rebalance delay, no topic auto-creation and 16 MiB messages. There is no Docker and no
# Apache download site involved, only Maven Central (and Debian's apt on a fresh machine).
#
# Usage: deploy/kafka.sh start|stop|status|fetch
#   start   Fetch the jars if needed, format fresh storage, start the broker in the background
#           and poll until it answers (at most NEWSFLOW_LOCAL_KAFKA_START_TIMEOUT seconds). Progress goes
#           to stderr; the bootstrap address alone goes to stdout, so
#           `bootstrap=$(deploy/kafka.sh start)` works. Already running and answering: say so,
#           print the address, exit 0.
#   stop    SIGTERM, wait up to NEWSFLOW_LOCAL_KAFKA_STOP_TIMEOUT seconds, then SIGKILL; remove the
#           data dir (each start is from clean). The broker log is kept for post-mortems.
#   status  Exit 0 if running and answering, 1 if the process is up but not answering, 3 if it
#           is not running.
#   fetch   Only download the jars into the cache (e.g. a CI cache warm-up step).
#   stop --keep-data / start --keep-data
#           Keep the storage on stop and resume on it at start: a broker restart with topics,
#           records and committed offsets intact (the fault-injection tests use it).
#
# Environment (defaults in brackets). Not NEWSFLOW_KAFKA_*: those are librdkafka settings of the
# newsflow binaries (NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS -> kafka.bootstrap.servers).
#   NEWSFLOW_LOCAL_KAFKA_VERSION          kafka_2.13 version, 4.x [the <kafka.version> of deploy/kafka/pom.xml]
#   NEWSFLOW_LOCAL_KAFKA_PORT             PLAINTEXT (client) port on 127.0.0.1 [9092]
#   NEWSFLOW_LOCAL_KAFKA_CONTROLLER_PORT  KRaft controller port on 127.0.0.1 [9093]
#   NEWSFLOW_LOCAL_KAFKA_DIR              runtime dir: server.properties, data/, kafka.log, kafka.pid
#                                   [/tmp/newsflow-kafka]
#   NEWSFLOW_CACHE                  jar cache root; jars go to $NEWSFLOW_CACHE/kafka-<version>/libs
#                                   [$HOME/.cache/newsflow] (Maven's own repo stays ~/.m2)
#   NEWSFLOW_LOCAL_KAFKA_HEAP             JVM heap options [-Xms256m -Xmx768m]
#   NEWSFLOW_LOCAL_KAFKA_START_TIMEOUT    seconds to wait for readiness [90]
#   NEWSFLOW_LOCAL_KAFKA_STOP_TIMEOUT     seconds between SIGTERM and SIGKILL [30]
#
# Needs Java 17+ (Kafka 4.x brokers do) and, for fetching, Maven. If either is missing it
# installs openjdk-17-jre-headless / maven with apt-get, which needs root (sudo is used when
# not root). Nothing else is installed.

set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pom="$script_dir/kafka/pom.xml"

# The pinned version lives in one place, the pom; the environment may override it.
pom_version=$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$pom" | head -n 1)
version=${NEWSFLOW_LOCAL_KAFKA_VERSION:-$pom_version}
host=127.0.0.1
port=${NEWSFLOW_LOCAL_KAFKA_PORT:-9092}
controller_port=${NEWSFLOW_LOCAL_KAFKA_CONTROLLER_PORT:-9093}
run_dir=${NEWSFLOW_LOCAL_KAFKA_DIR:-/tmp/newsflow-kafka}
cache_dir=${NEWSFLOW_CACHE:-${HOME:?set HOME or NEWSFLOW_CACHE}/.cache/newsflow}/kafka-$version
libs="$cache_dir/libs"
heap=${NEWSFLOW_LOCAL_KAFKA_HEAP:--Xms256m -Xmx768m}
start_timeout=${NEWSFLOW_LOCAL_KAFKA_START_TIMEOUT:-90}
stop_timeout=${NEWSFLOW_LOCAL_KAFKA_STOP_TIMEOUT:-30}

bootstrap="$host:$port"
props="$run_dir/server.properties"
data_dir="$run_dir/data"
log_file="$run_dir/kafka.log"
pid_file="$run_dir/kafka.pid"

# All chatter goes to stderr: stdout carries only the bootstrap address (start) or status line.
say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
    sed -n '/^# Usage:/,/^# Needs Java/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
}

# --- installing prerequisites ---------------------------------------------------------------

# apt-get install PKG... as root, through sudo when we are not root.
apt_install() {
    local -a sudo=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            die "need root to install $* - run: apt-get install -y $*"
        sudo=(sudo)
    fi
    say "installing $* with apt-get (needs root${sudo[*]:+; using sudo})"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >&2 ||
        die "apt-get install $* failed"
}

# Major version of the java binary $1 ("17.0.15" -> 17, old style "1.8.0" -> 8), 0 if unknown.
java_major() {
    local v
    v=$("$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
    v=${v#1.}
    v=${v%%[.+-]*}
    [[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

# Sets $java to a Java 17+ binary: JAVA_HOME, then PATH, then any JVM under /usr/lib/jvm.
find_java() {
    local c
    for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
        if [[ -n $c && -x $c ]] && (($(java_major "$c") >= 17)); then
            java=$c
            return 0
        fi
    done
    return 1
}

# Ensures $java (always) and mvn (only when $1 = with-maven) exist, installing what is missing.
need_tools() {
    local -a missing=()
    find_java || missing+=(openjdk-17-jre-headless)
    if [[ ${1:-} == with-maven ]] && ! command -v mvn >/dev/null 2>&1; then
        missing+=(maven)
    fi
    ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
    find_java || die "no Java 17+ found even after installing openjdk-17-jre-headless"
    # Maven runs on the same JVM (it may not be the first java on PATH).
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
    export JAVA_HOME
}

# --- jars ---------------------------------------------------------------------------------

# The cache is complete when its stamp matches the pom and version it was made from, so a
# changed pom (say, another logging backend) refetches instead of mixing old and new jars.
cache_stamp() {
    { cat "$pom"; echo "kafka.version=$version"; } | sha256sum | cut -d' ' -f1
}

fetch() {
    local stamp tmp
    stamp=$(cache_stamp)
    if [[ -f $cache_dir/libs.stamp && $(<"$cache_dir/libs.stamp") == "$stamp" &&
          -f $libs/kafka_2.13-$version.jar ]]; then
        say "jars for Kafka $version already cached in $libs"
        return 0
    fi
    need_tools with-maven
    say "resolving Kafka $version jars with Maven into $libs"
    mkdir -p "$cache_dir"
    # Fill a temporary dir and rename it, so an interrupted fetch never looks complete.
    tmp=$(mktemp -d "$cache_dir/libs.tmp.XXXXXX")
    # Maven's output goes to a log shown only on failure (-B still leaves colour escapes).
    if ! mvn -B -ntp -Dstyle.color=never -f "$pom" package \
            -Dkafka.version="$version" \
            -Dnewsflow.kafka.libs="$tmp" \
            -Dnewsflow.kafka.build="$tmp/.build" >"$cache_dir/fetch.log" 2>&1; then
        grep -E "ERROR|BUILD" "$cache_dir/fetch.log" | sed "s/\x1b\[[0-9;]*m//g" >&2 || true
        say "full Maven output: $cache_dir/fetch.log"
        rm -rf "$tmp"
        die "Maven could not resolve org.apache.kafka:kafka_2.13:$version (see above)"
    fi
    rm -rf "$tmp/.build"
    [[ -f $tmp/kafka_2.13-$version.jar ]] || { rm -rf "$tmp"; die "kafka_2.13-$version.jar missing after Maven"; }
    rm -rf "$libs" "$cache_dir/libs.stamp"
    mv "$tmp" "$libs"
    echo "$stamp" >"$cache_dir/libs.stamp"
    say "cached $(find "$libs" -name '*.jar' | wc -l) jars ($(du -sh "$libs" | cut -f1)) in $libs"
}

# --- process state -------------------------------------------------------------------------

# Prints the broker's pid if the pid file names a live kafka.Kafka of THIS runtime dir (a stale
# pid file whose number was reused by another process does not count).
broker_pid() {
    local pid
    [[ -f $pid_file ]] || return 1
    pid=$(<"$pid_file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $props" || return 1
    echo "$pid"
}

# True if something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no extra tools).
port_open() {
    # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash, on purpose
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$1" 2>/dev/null
}

# True once the broker answers: the client port accepts connections and the log shows the end
# of startup; with kcat installed, a metadata request must succeed as well.
answering() {
    port_open "$port" || return 1
    grep -q 'Kafka Server started' "$log_file" 2>/dev/null || return 1
    if command -v kcat >/dev/null 2>&1; then
        timeout 10 kcat -L -b "$bootstrap" -m 5 >/dev/null 2>&1 || return 1
    fi
}

# Polls until the broker answers; fails early if the JVM exits.
wait_ready() {
    local pid=$1 deadline=$((SECONDS + start_timeout))
    while ((SECONDS < deadline)); do
        if answering; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { say "the broker process exited during startup"; return 1; }
        sleep 0.25
    done
    say "the broker did not answer within ${start_timeout}s"
    return 1
}

# Milliseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds on older bash).
now_ms() {
    if [[ -n ${EPOCHREALTIME:-} ]]; then
        local t=${EPOCHREALTIME/[.,]/}
        echo $((t / 1000))
    else
        echo $(($(date +%s) * 1000))
    fi
}

# On failure: the first errors (the cause; the tail is often just the shutdown), then the tail.
show_log_tail() {
    if grep -q -E ' (ERROR|FATAL) |Exception' "$log_file" 2>/dev/null; then
        say "first errors in $log_file:"
        grep -m 8 -E ' (ERROR|FATAL) |Exception' "$log_file" >&2 || true
    fi
    say "last lines of $log_file:"
    tail -n 25 "$log_file" >&2 2>/dev/null || true
}

# --- configuration -------------------------------------------------------------------------

write_config() {
    cat >"$props" <<EOF
# Generated by deploy/kafka.sh for a single-node test broker; edits are overwritten on start.
# KRaft combined mode: this one node is both the broker and the (only) controller.
process.roles=broker,controller
node.id=1
# Static quorum: formatting then needs no --standalone / --initial-controllers.
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data_dir

# One node: internal topics need replication factor 1 (default 3 would never be created),
# and few partitions make the group/transaction coordinators load fast.
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1

# Tests: no 3 s wait before the first rebalance; topics are created explicitly.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false

# newsflow records carry whole pages: allow 16 MiB messages.
message.max.bytes=16777216
replica.fetch.max.bytes=16777216

# The log cleaner (compacted __consumer_offsets) allocates its dedupe buffer up front; the
# 128 MiB default is a big bite of a 768 MiB heap.
log.cleaner.dedupe.buffer.size=33554432
EOF
}

# A KRaft cluster id: 16 random bytes in URL-safe base64 without padding (what
# "kafka-storage.sh random-uuid" prints), not starting with '-' so it never looks like an option.
new_cluster_id() {
    local id=-
    while [[ $id == -* ]]; do
        id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    done
    echo "$id"
}

# --- commands ------------------------------------------------------------------------------

cmd_start() {
    local pid t0 cluster_id p
    mkdir -p "$run_dir"

    if pid=$(broker_pid); then
        if answering; then
            say "already running (pid $pid) and answering on $bootstrap"
            echo "$bootstrap"
            return 0
        fi
        # Started by a concurrent or interrupted invocation: wait for it rather than start another.
        say "already running (pid $pid) but not answering yet; waiting"
        if ! wait_ready "$pid"; then
            show_log_tail
            return 1
        fi
        echo "$bootstrap"
        return 0
    fi

    for p in "$port" "$controller_port"; do
        port_open "$p" && die "$host:$p is already in use by another process (not this script's broker in $run_dir)"
    done

    fetch
    need_tools

    rm -f "$pid_file"
    t0=$(now_ms)
    if [[ $keep_data == 1 && -f $data_dir/meta.properties ]]; then
        # a restart (fault tests): same storage, topics and committed offsets as before
        say "restarting on the existing storage in $data_dir"
    else
        # Each start is from clean: fresh data dir, fresh cluster id, fresh log.
        rm -rf "$data_dir"
        write_config
        cluster_id=$(new_cluster_id)
        say "formatting $data_dir (cluster id $cluster_id)"
        if ! "$java" -cp "$libs/*" kafka.tools.StorageTool format \
                -t "$cluster_id" -c "$props" >"$run_dir/format.log" 2>&1; then
            cat "$run_dir/format.log" >&2
            die "formatting the storage failed"
        fi
    fi

    say "starting Kafka $version ($java)"
    # nohup + background: the broker outlives this script. stdin from /dev/null; slf4j-simple
    # writes to stderr, so the log file gets everything. G1 with short pauses is what
    # kafka-server-start.sh uses; exit on OOM rather than limp on.
    # shellcheck disable=SC2086 # $heap is a list of JVM options
    nohup "$java" $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true \
        -Dorg.slf4j.simpleLogger.showDateTime=true \
        -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd'T'HH:mm:ss.SSS" \
        -cp "$libs/*" kafka.Kafka "$props" </dev/null >"$log_file" 2>&1 &
    pid=$!
    echo "$pid" >"$pid_file"

    if ! wait_ready "$pid"; then
        show_log_tail
        cmd_stop >/dev/null || true
        die "Kafka failed to start"
    fi
    t0=$(($(now_ms) - t0))
    say "ready in $((t0 / 1000)).$((t0 % 1000 / 100))s (pid $pid, log $log_file)"
    say "bootstrap: $bootstrap"
    echo "$bootstrap"
}

cmd_stop() {
    local pid deadline
    if pid=$(broker_pid); then
        say "stopping pid $pid (SIGTERM, SIGKILL after ${stop_timeout}s)"
        kill -TERM "$pid" 2>/dev/null || true
        deadline=$((SECONDS + stop_timeout))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "still running after ${stop_timeout}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        fi
        say "stopped"
    else
        say "not running"
    fi
    rm -f "$pid_file"
    if [[ $keep_data == 1 ]]; then
        say "storage kept in $data_dir (start --keep-data resumes on it)"
    else
        rm -rf "$data_dir"
    fi
    if port_open "$port"; then
        say "warning: $host:$port is still in use by another process"
    fi
}

cmd_status() {
    local pid
    if ! pid=$(broker_pid); then
        echo "stopped"
        return 3
    fi
    if answering; then
        echo "running pid=$pid bootstrap=$bootstrap version=$version"
        return 0
    fi
    echo "starting pid=$pid bootstrap=$bootstrap version=$version (not answering yet)"
    return 1
}

main() {
    [[ $version =~ ^4\. ]] || say "warning: Kafka $version is not a 4.x release; only 4.x is supported"
    keep_data=0
    [[ ${2:-} == --keep-data ]] && keep_data=1
    case ${1:-} in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        fetch) fetch ;;
        -h | --help | help) usage ;;
        *)
            usage
            exit 2
            ;;
    esac
}

main "$@"
