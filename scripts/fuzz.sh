#!/usr/bin/env bash
# fuzz.sh BUILD_DIR - runs each fuzz_* target built in BUILD_DIR for
# FUZZ_SECONDS (default 12) on a scratch copy of its seed corpus in
# tests/fuzz/corpus/, and prints one line per target. Exits non-zero when a
# target crashes, leaks, times out or breaks an invariant; the input and the
# report are then kept in BUILD_DIR/fuzz-artifacts/. The committed corpus is
# only read.
set -euo pipefail

build=${1:?usage: scripts/fuzz.sh BUILD_DIR}
seconds=${FUZZ_SECONDS:-12}
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=$root/tests/fuzz
# UBSan only reports and carries on unless told to stop
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

case $seconds in
'' | *[!0-9]*) echo "fuzz.sh: FUZZ_SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
[ -d "$build" ] || { echo "fuzz.sh: no build directory $build" >&2; exit 2; }
build=$(cd "$build" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/allhands-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# number_of_executed_units from libFuzzer's final stats, "?" when it printed none
executions() {
    sed -n 's/^stat::number_of_executed_units:[[:space:]]*\([0-9]*\).*/\1/p' "$1" | tail -n 1 |
        grep . || echo '?'
}

# Keeps what a failed run left (inputs and its log) where the build lives.
keep_failure() {
    local name=$1 art=$2 log=$3 kept=$build/fuzz-artifacts/$1

    rm -rf "$kept"
    mkdir -p "$kept"
    cp "$log" "$kept/$name.log"
    find "$art" -maxdepth 1 -type f -exec cp {} "$kept/" \;
    echo "$name: FAILED, report in $kept/$name.log"
    find "$kept" -maxdepth 1 -type f ! -name '*.log' -printf "$name: crashing input %p\n"
    echo "--- $name: end of the report ---"
    grep -v '^#[0-9]\+[[:space:]]\+\(NEW\|REDUCE\|pulse\|INITED\)' "$log" | tail -n 40
    echo "--- end ---"
}

run_one() {
    local exe=$1 name corpus art log started elapsed rc=0
    local -a args

    name=$(basename "$exe")
    corpus=$work/$name/corpus
    art=$work/$name/artifacts
    log=$work/$name/log
    mkdir -p "$corpus" "$art"
    if [ -d "$seeds/corpus/${name#fuzz_}" ]; then
        cp -R "$seeds/corpus/${name#fuzz_}/." "$corpus/"
    fi
    # -max_len: past AH_MAX_URL (2048) and AH_MAX_HEADER (4096), so the caps are reached
    args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=5 -rss_limit_mb=2048
        -max_len=8192 -artifact_prefix="$art/")
    if [ -f "$seeds/$name.dict" ]; then
        args+=(-dict="$seeds/$name.dict")
    fi
    started=$SECONDS
    # the outer timeout only catches a hang libFuzzer itself does not end
    timeout -k 10 $((seconds + 120)) "$exe" "${args[@]}" "$corpus" >"$log" 2>&1 || rc=$?
    elapsed=$((SECONDS - started))
    if [ "$rc" -ne 0 ] || [ -n "$(find "$art" -maxdepth 1 -type f -print -quit)" ]; then
        [ "$rc" -ne 124 ] || echo "$name: did not stop within $((seconds + 120)) s"
        keep_failure "$name" "$art" "$log"
        return 1
    fi
    echo "$name: $(executions "$log") executions in $elapsed s, no crash"
}

shopt -s nullglob
targets=("$build"/fuzz_*)
found=0
failed=0
for exe in "${targets[@]}"; do
    if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then
        continue # fuzz_json.p/ and other build by-products
    fi
    found=$((found + 1))
    run_one "$exe" || failed=$((failed + 1))
done
if [ "$found" -eq 0 ]; then
    echo "fuzz.sh: no fuzz_* executables in $build (configure with -Dfuzz=true)" >&2
    exit 2
fi
if [ "$failed" -ne 0 ]; then
    echo "fuzz.sh: $failed of $found targets failed" >&2
    exit 1
fi
