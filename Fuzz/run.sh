#!/bin/sh
# Builds the libFuzzer targets (the whole program instrumented with -sanitize=fuzzer,address)
# and runs each for FUZZ_SECONDS (default 60), starting from the committed seed corpus.
# New interesting inputs go to .build-fuzz/corpus/<target>, crashes to .build-fuzz/artifacts/<target>.
# Exits non-zero when any target crashes, leaks past its limits or hangs.
set -eu
cd "$(dirname "$0")"
# make exports WORKBENCH_BLAS even when it is empty; built with it set that way, the fuzz
# binaries came out with the coverage counters of the harness alone (2,369 of 22,184).
[ -n "${WORKBENCH_BLAS:-}" ] || unset WORKBENCH_BLAS
seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-idx png jpeg cifar stl10 checkpoint run-record metrics class-distances experiment}"
swift build -c release --sanitize=fuzzer --sanitize=address 2>&1 | grep -E "error|warning: .*swift|Compiling|Build" | grep -v "^\[" || true
bin="$(swift build -c release --sanitize=fuzzer --sanitize=address --show-bin-path)"
work=../.build-fuzz
status=0
printf '%-16s %10s %8s %6s %s\n' target runs "exec/s" corpus result
for target in $targets; do
    mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
    log="$work/$target.log"
    # The readers' memory checks obey the fuzzer's own limit (a header may promise gigabytes).
    if WORKBENCH_MEMORY_LIMIT=1G ASAN_OPTIONS=detect_leaks=0 "$bin/fuzz-$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" \
        "$work/corpus/$target" "corpus/$target" >"$log" 2>&1; then
        result=ok
    else
        result="FAILED (see $log and $work/artifacts/$target/)"
        status=1
    fi
    if grep -q "no interesting inputs were found" "$log"; then
        result="FAILED (no coverage: is the build instrumented? try rm -rf Fuzz/.build)"
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(ls "$work/corpus/$target" | wc -l)
    printf '%-16s %10s %8s %6s %s\n' "$target" "${runs:-?}" "${speed:-?}" "$corpus" "$result"
done
exit $status
