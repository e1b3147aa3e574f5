#!/bin/bash
# run-with-mock: CMD's status passes through, NM is on the private bus (not the host's), and
# no process or temporary directory is left behind.
set -euo pipefail
runner=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

set +e
"$runner" -- sh -c 'exit 3'
rc=$?
set -e
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 3 ] || fail "exit status 3 came back as $rc"

out=$("$runner" --devices 'ethX:ethernet:52:54:00:aa:bb:cc' --no-loopback -- sh -c \
    'echo "$DBUS_SYSTEM_BUS_ADDRESS"; nmcli -t -f DEVICE,TYPE,STATE device')
addr=$(printf '%s\n' "$out" | head -n 1)
case "$addr" in unix:path=/tmp/nmiface-mock-*|unix:path=${TMPDIR:-/tmp}/nmiface-mock-*) ;;
*) fail "DBUS_SYSTEM_BUS_ADDRESS is not private: $addr" ;; esac
[ "$(printf '%s\n' "$out" | tail -n +2)" = "ethX:ethernet:disconnected" ] ||
    fail "unexpected devices: $out"
dir=${addr#unix:path=}
dir=${dir%/system_bus_socket}
[ ! -e "$dir" ] || fail "$dir left behind"

# a background child of CMD must not survive the runner
pidfile=$(mktemp)
"$runner" -- sh -c "sleep 300 & echo \$! > $pidfile" >/dev/null
pid=$(cat "$pidfile")
rm -f "$pidfile"
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" || true
    fail "a process of CMD survived"
fi
echo ok
