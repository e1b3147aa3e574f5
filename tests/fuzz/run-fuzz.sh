#!/usr/bin/env bash
# Fuzz the XML pipeline (or, with NMIFACE_FUZZ_KIND=settings-reply, what the driver reads from
# a GetSettings reply through sd-bus: seeds from tests/fuzz/seeds-settings-reply, regressions
# from regressions-settings-reply, no dictionary; with =remote-packet, nmiface-interfaced's
# packet decoder: seeds from tests/daemon/data/packets, regressions from
# regressions-remote-packet; with =journal, the transaction journal's reader: seeds from
# tests/fuzz/seeds-journal, regressions from regressions-journal). Usage: run-fuzz.sh BUILD_DIR
# SECONDS
#
# BUILD_DIR is a clang build configured with -Dfuzzing=true (./run fuzz makes one). First
# replays every file in tests/fuzz/regressions, then fuzzes for SECONDS from a corpus seeded
# with libvirt's conformance files, tests/xmlconv/{data,xml/schema-cases,xml/bad} and
# tests/fuzz/seeds, copied to a temporary directory (or kept in $NMIFACE_FUZZ_CORPUS when set,
# so long runs can resume). A crash leaves its input in BUILD_DIR/fuzz-artifacts/: review it
# and copy it into tests/fuzz/regressions/ (the unit tests replay that directory too).
# Environment: NMIFACE_FUZZ_BINARY (default BUILD_DIR/tests/fuzz/fuzz-iface-xml),
# NMIFACE_CONFORMANCE_DIR (default ../shared/conformance), NMIFACE_FUZZ_NM_ROUNDTRIP=1 (also
# require XML -> NM -> XML to give the same document), NMIFACE_FUZZ_JOBS (parallel workers).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [SECONDS]" >&2; exit 2; }
build_dir=$(cd "$1" && pwd)
seconds=${2:-600}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
kind=${NMIFACE_FUZZ_KIND:-iface-xml}
fuzzer=${NMIFACE_FUZZ_BINARY:-$build_dir/tests/fuzz/fuzz-$kind}
conformance=${NMIFACE_CONFORMANCE_DIR:-$top/../shared/conformance}
jobs=${NMIFACE_FUZZ_JOBS:-1}
case $kind in
iface-xml) regression_dir=$here/regressions dict=(-dict="$here/iface-xml.dict") ;;
settings-reply) regression_dir=$here/regressions-settings-reply dict=() ;;
remote-packet) regression_dir=$here/regressions-remote-packet dict=() ;;
journal) regression_dir=$here/regressions-journal dict=() ;;
*) echo "run-fuzz: unknown NMIFACE_FUZZ_KIND $kind" >&2; exit 2 ;;
esac

if [ ! -x "$fuzzer" ]; then
    echo "run-fuzz: no fuzz target at $fuzzer (configure with CC=clang -Dfuzzing=true)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nmiface-fuzz.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

corpus=${NMIFACE_FUZZ_CORPUS:-$work/corpus}
mkdir -p "$corpus" "$work/artifacts"

seed() {
    local f
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    return 0
}
if [ "$kind" = settings-reply ]; then
    seed "$here"/seeds-settings-reply/*
elif [ "$kind" = remote-packet ]; then
    seed "$top"/tests/daemon/data/packets/*
elif [ "$kind" = journal ]; then
    seed "$here"/seeds-journal/*
elif [ -d "$conformance/libvirt" ]; then
    seed "$conformance"/libvirt/*.xml
elif [ "${CI:-}" = true ]; then
    echo "run-fuzz: conformance data missing at $conformance (required when CI=true)" >&2
    exit 1
else
    echo "run-fuzz: no conformance data at $conformance; seeding from the project's files only" >&2
fi
if [ "$kind" = iface-xml ]; then
    seed "$top"/tests/xmlconv/data/*.xml "$top"/tests/xmlconv/xml/schema-cases/*.xml \
        "$top"/tests/xmlconv/xml/bad/*.xml "$here"/seeds/*
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

regressions=()
for f in "$regression_dir"/*; do
    case "$(basename "$f")" in README*) continue ;; esac
    [ -f "$f" ] && regressions+=("$f")
done
if [ ${#regressions[@]} -gt 0 ]; then
    echo "run-fuzz: replaying ${#regressions[@]} regression input(s)"
    # Strict: some regressions are NM round-trip cases that only fail in that mode.
    NMIFACE_FUZZ_NM_ROUNDTRIP=1 "$fuzzer" "${regressions[@]}" >"$work/replay.log" 2>&1 || {
        cat "$work/replay.log" >&2
        echo "run-fuzz: a regression input fails again" >&2
        exit 1
    }
fi

echo "run-fuzz: fuzzing for $seconds s from $(ls "$corpus" | wc -l) seed(s), $jobs job(s)"
rc=0
# with -jobs, libFuzzer writes fuzz-N.log into the current directory
cd "$work"
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    "${dict[@]}" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    -jobs="$jobs" -workers="$jobs" "$corpus" >"$work/fuzz.log" 2>&1 || rc=$?
tail -n 30 "$work/fuzz.log"
if [ "$jobs" -gt 1 ]; then
    for log in "$work"/fuzz-*.log; do
        [ -f "$log" ] && tail -n 5 "$log"
    done
fi

if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
    mkdir -p "$build_dir/fuzz-artifacts"
    cp "$work"/artifacts/* "$build_dir/fuzz-artifacts/" 2>/dev/null || true
    cp "$work/fuzz.log" "$build_dir/fuzz-artifacts/fuzz.log"
    echo "run-fuzz: the fuzzer found a problem (exit $rc); inputs and log in" \
        "$build_dir/fuzz-artifacts/ - review them and add them to tests/fuzz/regressions/" >&2
    exit 1
fi
echo "run-fuzz: no crash in $seconds s"
