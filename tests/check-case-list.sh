#!/usr/bin/env bash
# Meson runs the mock and realnm GTest cases one per test (a fresh mock or sandbox each), from
# lists in meson.build; a case added to the C file but not to the list would never run. This
# compares the two: the cases EXE registers (its -l listing) against the paths meson runs.
#   check-case-list.sh VAR=VALUE EXE -- PATH...
# VAR=VALUE is set for the listing (the mains return early outside their harness).
set -euo pipefail
[ $# -ge 3 ] && [ "$3" = "--" ] || { echo "usage: $0 VAR=VALUE EXE -- PATH..." >&2; exit 2; }
assignment=$1 exe=$2
shift 3
registered=$(env "$assignment" NMIFACE_SANDBOX_STATE=/nonexistent "$exe" -l | grep '^/' | sort)
[ -n "$registered" ] || { echo "$exe -l listed no cases" >&2; exit 1; }
run=$(printf '%s\n' "$@" | sort)
missing=$(comm -23 <(echo "$registered") <(echo "$run"))
unknown=$(comm -13 <(echo "$registered") <(echo "$run"))
[ -z "$missing" ] || echo "registered in $(basename "$exe") but never run by meson:" $missing >&2
[ -z "$unknown" ] || echo "run by meson but not registered in $(basename "$exe"):" $unknown >&2
[ -z "$missing$unknown" ] || exit 1
echo "$(echo "$registered" | wc -l) cases, all run"
