#!/bin/bash
# run.sh - build every libFuzzer target (build.sh) and run each for SECONDS (default 60) from
# its seed corpus tests/fuzz/corpus/<target>/. Prints per target the executions run and crashes
# found; exits non-zero on any crash, leak, timeout or out-of-memory. New corpus entries go to
# build-fuzz/corpus/<target>/, crashing inputs to build-fuzz/artifacts/<target>/.
# Usage: tests/fuzz/run.sh [SECONDS] [target...]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(record conf clean entities summarize)
fi
out=${BUILD:-$root/build-fuzz}
bash "$root/tests/fuzz/build.sh" "${targets[@]}" || exit 2

reports=() # the logs of the targets that failed
printf '%-10s %12s %8s %8s %s\n' target executions exec/s crashes result
for t in "${targets[@]}"; do
    work="$out/corpus/$t"
    art="$out/artifacts/$t"
    log="$out/fuzz_$t.log"
    mkdir -p "$work" "$art"
    touch "$log.start"
    # dictionaries: JSON tokens for all, HTML for clean, sentence tokens for the text stages
    dict="$out/fuzz_$t.dict"
    cat "$root/tests/fuzz/dict/json.dict" >"$dict"
    case $t in
    clean) cat "$root/tests/fuzz/dict/html.dict" >>"$dict" ;;
    entities | summarize) cat "$root/tests/fuzz/dict/text.dict" >>"$dict" ;;
    esac
    # max_len: big enough for the largest seed page (and a bit of growth)
    "$out/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$dict" \
        -print_final_stats=1 -artifact_prefix="$art/" "$work" "$root/tests/fuzz/corpus/$t" \
        $([ "$t" = clean ] && echo "$root/config/samples") >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=$(find "$art" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
                  -o -name 'oom-*' \) -newer "$log.start" 2>/dev/null | wc -l)
    result=ok
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc, see $log)"
        [ "$crashes" -eq 0 ] && crashes=1
        reports+=("$log")
    fi
    printf '%-10s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes" "$result"
done
# a CI log keeps only stdout: print each failure's report (from the sanitizer's or libFuzzer's
# first error line, the summary, the saved input and, if short, its Base64) and the run's seed
for log in "${reports[@]}"; do
    echo "---- $log"
    grep -m1 '^INFO: Seed:' "$log"
    sed -n '/^==[0-9]*==ERROR\|^==[0-9]*== ERROR\|runtime error:\|fuzz invariant broken/,$p' "$log" |
        head -n 40
    grep -E '^SUMMARY|Test unit written|^Base64:' "$log" | cut -c1-2000
done
[ ${#reports[@]} -eq 0 ]
