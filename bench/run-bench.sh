#!/usr/bin/env bash
# Runs nmiface's benchmarks against a build and writes bench/results/<section>.txt.
#   bench/run-bench.sh BUILD_DIR [SECTION...]     (default: every section)
# A section is a function section_NAME below that prints its results; add yours to $sections.
# Each result file starts with a header saying when, where and with what it was measured.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
[ $# -ge 1 ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
results=$here/results
conformance=$top/../shared/conformance/libvirt

sections=(xmlconv)

header() {
    local cc
    cc=$(sed -n 's/^C compiler for the host machine: //p' "$build/meson-logs/meson-log.txt" |
        tail -n 1)
    printf '# %s\n' "$1"
    printf '# date:      %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    printf '# commit:    %s\n' "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
    printf '# machine:   %s, %s CPUs, %s\n' "$(uname -srm)" "$(nproc)" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    printf '# compiler:  %s\n' "${cc:-unknown}"
    printf '# build:     %s (%s)\n' "$build" \
        "$(meson introspect --buildoptions "$build" 2>/dev/null | /usr/bin/python3 -c 'import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print("buildtype=%s b_sanitize=%s" % (o.get("buildtype"), o.get("b_sanitize")))' 2>/dev/null ||
        echo unknown)"
    printf '# load avg:  %s (before the run; CPU time is measured, load still skews caches)\n' \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '# libnm:     %s\n' "$(pkg-config --modversion libnm 2>/dev/null || echo unknown)"
}

# XML pipeline: parse + XML->NM + NM->XML + format per conformance file and a 64-port bridge.
section_xmlconv() {
    local args=()
    [ -d "$conformance" ] && args+=("$conformance")
    header "xmlconv: microseconds per parse+convert+format (bench/bench-xmlconv.c)"
    [ -d "$conformance" ] || echo "# ../shared/conformance is missing: generated input only"
    "$build/bench/bench-xmlconv" "${args[@]}"
}

[ $# -gt 0 ] && sections=("$@")
mkdir -p "$results"
for s in "${sections[@]}"; do
    declare -F "section_$s" >/dev/null || { echo "run-bench.sh: no section '$s'" >&2; exit 2; }
    printf '==> bench section %s\n' "$s" >&2
    "section_$s" >"$results/$s.txt.tmp"
    mv "$results/$s.txt.tmp" "$results/$s.txt"
    cat "$results/$s.txt"
done
