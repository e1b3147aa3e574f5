#!/usr/bin/env bash
# `ctl restart-nm` (an NM restart): /etc profiles and /run (in-memory) profiles survive, NM's pid
# changes, an active bridge stays active, and the sandbox (this script) lives on.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    exec "$sandbox" --veth rv0:rv0p -- "$0" inside
fi

nmcli connection add type bridge ifname rbr0 con-name rbr0 bridge.stp no \
    ipv4.method disabled ipv6.method disabled >/dev/null
nmcli connection add type ethernet ifname rv0 con-name rbr0-port master rbr0 slave-type bridge \
    >/dev/null
nmcli connection add save no type ethernet ifname rv0p con-name in-memory autoconnect no \
    ipv4.method disabled ipv6.method disabled >/dev/null
nmcli connection up rbr0 >/dev/null
"$ctl" wait-device rbr0 connected 10
expect_eq "rbr0's keyfile" /etc/NetworkManager/system-connections/rbr0.nmconnection "$(profile_file rbr0)"
expect_eq "in-memory's keyfile" /run/NetworkManager/system-connections/in-memory.nmconnection \
    "$(profile_file in-memory)"
[ -f "$NMIFACE_SANDBOX_STATE/etc-NetworkManager/system-connections/rbr0.nmconnection" ] ||
    fail "the /etc keyfile is not in the state dir"

old_pid=$("$ctl" nm-pid)
start=$(now_ms)
"$ctl" restart-nm
note "restart-nm took $(($(now_ms) - start)) ms"
new_pid=$("$ctl" nm-pid)
[ "$old_pid" != "$new_pid" ] || fail "NM's pid did not change ($old_pid)"
[ ! -d "/proc/$old_pid" ] || [ "$(cut -d' ' -f3 "/proc/$old_pid/stat")" = Z ] ||
    fail "the old NM ($old_pid) still runs"

expect_eq "rbr0's keyfile after restart" /etc/NetworkManager/system-connections/rbr0.nmconnection \
    "$(profile_file rbr0)"
expect_eq "rbr0-port's keyfile after restart" \
    /etc/NetworkManager/system-connections/rbr0-port.nmconnection "$(profile_file rbr0-port)"
expect_eq "in-memory's keyfile after restart" \
    /run/NetworkManager/system-connections/in-memory.nmconnection "$(profile_file in-memory)"
# NM takes the running bridge over again (it keeps its device state in /run/NetworkManager).
"$ctl" wait-device rbr0 connected 10
expect_eq "rbr0's profile after restart" rbr0 "$(nmcli -g GENERAL.CONNECTION device show rbr0)"
"$ctl" wait-device rv0 connected 10
