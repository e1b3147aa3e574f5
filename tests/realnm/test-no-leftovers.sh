#!/usr/bin/env bash
# Whatever CMD does, nothing of the sandbox outlives nm-sandbox: no process in its pid namespace,
# no temporary state directory. CMD leaves daemons behind, ignores SIGTERM, is killed, or
# nm-sandbox itself is terminated or killed from outside.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"
require_sandbox

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp

# run NAME EXPECTED_STATUS CMD...: runs a sandbox; CMD's first act is to record its namespace.
run() {
    local name=$1 want=$2 rc=0 start
    shift 2
    rm -f "$tmp/ns"
    start=$(now_ms)
    "$sandbox" -- bash -c 'readlink /proc/self/ns/pid >"$0"; '"$1" "$tmp/ns" 2>/dev/null || rc=$?
    check "$name ($(($(now_ms) - start)) ms)" "$want" "$rc"
}

check() {
    local name=$1 want=$2 rc=$3 ns left
    expect_eq "$name: nm-sandbox's status" "$want" "$rc"
    ns=$(cat "$tmp/ns" 2>/dev/null) || fail "$name: CMD did not run"
    left=$(processes_in_pid_namespace "$ns")
    [ -z "$left" ] || fail "$name: processes of the sandbox ($ns) are still running: $left"
    left=$(find "$tmp" -maxdepth 1 -name 'nm-sandbox.*')
    [ -z "$left" ] || fail "$name: temporary state left behind: $left"
    note "$name: ok"
}

run "daemons left behind" 0 \
    'setsid sleep 1000 </dev/null >/dev/null 2>&1 & sleep 1000 </dev/null >/dev/null 2>&1 & exit 0'
run "child ignoring SIGTERM" 0 \
    '(trap "" TERM; exec sleep 1000) </dev/null >/dev/null 2>&1 & exit 0'
run "CMD killed" 137 'kill -KILL $$'
run "NetworkManager killed" 0 'kill -KILL "$("$NMIFACE_SANDBOX_CTL" nm-pid)"; sleep 0.2'

# nm-sandbox terminated (SIGTERM) while CMD runs: CMD and everything else end; status 143.
wait_for_ns() {
    for _ in $(seq 100); do
        [ -s "$tmp/ns" ] && return 0
        sleep 0.05
    done
    fail "$1: CMD did not start"
}
for sig in TERM KILL; do
    rm -f "$tmp/ns"
    "$sandbox" -- bash -c 'readlink /proc/self/ns/pid >"$0.tmp"; mv "$0.tmp" "$0"; exec sleep 1000' \
        "$tmp/ns" 2>/dev/null &
    pid=$!
    wait_for_ns "nm-sandbox got SIG$sig"
    [ -n "$(processes_in_pid_namespace "$(cat "$tmp/ns")")" ] ||
        fail "cannot see the sandbox's processes from outside"
    start=$(now_ms)
    kill -"$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    if [ "$sig" = KILL ]; then
        # Nothing can clean up after SIGKILL: the pid namespace still dies at once (setpriv
        # --pdeathsig, unshare --kill-child); the temporary state directory stays.
        for _ in $(seq 100); do
            [ -n "$(processes_in_pid_namespace "$(cat "$tmp/ns")")" ] || break
            sleep 0.02
        done
        rm -rf "$tmp"/nm-sandbox.*
    fi
    check "nm-sandbox got SIG$sig" $((128 + $(kill -l "$sig"))) "$rc"
    note "SIG$sig to everything gone: $(($(now_ms) - start)) ms"
done
