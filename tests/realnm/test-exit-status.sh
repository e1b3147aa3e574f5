#!/usr/bin/env bash
# nm-sandbox returns CMD's exit status (128+N for a signal), and 125 with a clear message when
# the sandbox itself cannot come up (here: a NetworkManager that dies at once).
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"
require_sandbox

for want in 0 42 255; do
    rc=0
    "$sandbox" -- sh -c "exit $want" || rc=$?
    expect_eq "status of 'exit $want'" "$want" "$rc"
done
rc=0
"$sandbox" -- sh -c 'kill -TERM $$' || rc=$?
expect_eq "status of a CMD killed by SIGTERM" 143 "$rc"
rc=0
"$sandbox" -- /nonexistent/command 2>/dev/null || rc=$?
expect_eq "status of a missing command" 127 "$rc"

# A NetworkManager that exits at once: 125, the log tail, and where the logs are.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho "fake NetworkManager: giving up" >&2\nexit 1\n' >"$tmp/NetworkManager"
chmod +x "$tmp/NetworkManager"
rc=0
PATH=$tmp:$PATH TMPDIR=$tmp "$sandbox" --timeout 5 -- true 2>"$tmp/err" || rc=$?
expect_eq "status when NM does not come up" 125 "$rc"
grep -q 'NetworkManager is not running' "$tmp/err" || fail "no clear message: $(cat "$tmp/err")"
grep -q 'fake NetworkManager: giving up' "$tmp/err" || fail "no log tail: $(cat "$tmp/err")"
grep -q 'state and logs kept in' "$tmp/err" || fail "does not say where the logs are"
