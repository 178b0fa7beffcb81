#!/usr/bin/env bash
# test.sh - the README's second quick-start command, and what .ci/run calls: install what is
# missing, start a real Apache Kafka broker (deploy/kafka.sh), build, run the whole test suite
# (unit + integration), again under AddressSanitizer + UndefinedBehaviorSanitizer, then stop the
# broker.
#   bash deploy/test.sh            everything
#   bash deploy/test.sh --quick    skip the sanitizer build and the fuzzers
# NEWSFLOW_FUZZ_SECONDS (default 45): how long each libFuzzer target runs.
# Environment: NEWSFLOW_LOCAL_KAFKA_PORT (default 9092) and the other deploy/kafka.sh variables.
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$NF_ROOT/deploy/deps.sh"

quick=0
[ "${1:-}" = --quick ] && quick=1

nf_deps test
started=0
stop_broker() {
    if [ "$started" = 1 ]; then
        "$NF_ROOT/deploy/kafka.sh" stop || true
    fi
}
trap stop_broker EXIT

if "$NF_ROOT/deploy/kafka.sh" status >/dev/null 2>&1; then
    echo "newsflow: using the broker that is already running" >&2
    bootstrap=127.0.0.1:${NEWSFLOW_LOCAL_KAFKA_PORT:-9092}
else
    bootstrap=$("$NF_ROOT/deploy/kafka.sh" start)
    started=1
fi
export NEWSFLOW_TEST_BOOTSTRAP=$bootstrap

run_suite() {
    local dir=$1
    shift
    echo "newsflow: building $dir $*" >&2
    nf_build "$dir" -DNEWSFLOW_TESTS=ON "$@"
    (cd "$dir" && ctest --output-on-failure --timeout 900)
}

run_suite "$NF_ROOT/build"
if [ "$quick" = 0 ]; then
    # leaks fail the run too (LeakSanitizer is part of ASan on Linux)
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        run_suite "$NF_ROOT/build-asan" -DNEWSFLOW_SANITIZE=ON
fi
if [ "$quick" = 0 ]; then
    # libFuzzer targets (clang): record decoder, config parser, each stage's transform
    bash "$NF_ROOT/tests/fuzz/run.sh" "${NEWSFLOW_FUZZ_SECONDS:-45}"
fi
echo "newsflow: all tests passed" >&2
