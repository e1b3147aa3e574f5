#!/usr/bin/env bash
# Where namespaces cannot be had, nm-sandbox says why and exits 77, or 1 when CI=true (an
# unshare that always fails stands in for such a machine). Needs no sandbox itself.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n' \
    >"$tmp/unshare"
chmod +x "$tmp/unshare"

for ci in "" true; do
    want=77
    [ "$ci" = true ] && want=1
    for args in "--check" "-- true"; do
        rc=0
        # shellcheck disable=SC2086 # word splitting of args is the point
        PATH=$tmp:$PATH CI=$ci TMPDIR=$tmp "$sandbox" $args 2>"$tmp/err" || rc=$?
        expect_eq "status of 'nm-sandbox $args' with CI='$ci'" "$want" "$rc"
        grep -q 'cannot run here: ' "$tmp/err" || fail "no reason given: $(cat "$tmp/err")"
    done
done
for d in "$tmp"/nm-sandbox.*; do
    [ -e "$d" ] && fail "a state directory was made: $d"
done
exit 0
