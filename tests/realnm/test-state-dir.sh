#!/usr/bin/env bash
# --state-dir: NM's /etc and /var/lib live there, survive the sandbox, and a later sandbox on the
# same directory finds the /etc profiles again (but not the /run ones: a new sandbox is a boot).
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    state=$(mktemp -d)
    trap 'rm -rf "$state"' EXIT
    "$sandbox" --state-dir "$state" -- "$0" inside first
    [ -f "$state/etc-NetworkManager/system-connections/kept.nmconnection" ] ||
        fail "the /etc keyfile is not in the state dir after the sandbox"
    [ -f "$state/var-lib-NetworkManager/NetworkManager.state" ] || fail "no NetworkManager.state"
    [ -s "$state/logs/NetworkManager.log" ] || fail "no NetworkManager.log"
    "$sandbox" --state-dir "$state" -- "$0" inside second
    exit 0
fi

case "$2" in
first)
    nmcli connection add type bridge ifname kbr0 con-name kept autoconnect no \
        ipv4.method disabled ipv6.method disabled >/dev/null
    nmcli connection add save no type bridge ifname mbr0 con-name in-memory autoconnect no \
        ipv4.method disabled ipv6.method disabled >/dev/null
    ;;
second)
    profiles=$(nmcli -t -f NAME connection show | sort | tr '\n' ' ')
    expect_eq "profiles in the second sandbox" "kept lo " "$profiles"
    ;;
esac
