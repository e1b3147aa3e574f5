#!/bin/sh
# Runs check-exports.sh and passes only when it fails the way it should: exit 1, naming the
# symbol (so a usage error or a missing tool does not count as "detected").
# Usage: expect-export-failure.sh CHECK_EXPORTS EXPECTED_LINE ARGS...
check=$1
expected=$2
shift 2
out=$("$check" "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 1 ] || { echo "expected exit 1, got $rc" >&2; exit 1; }
printf '%s\n' "$out" | grep -qxF "  $expected" || { echo "no line '$expected'" >&2; exit 1; }
exit 0
