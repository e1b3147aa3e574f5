#!/usr/bin/env bash
# NetworkManager answers on the sandbox's private bus, the sandbox's environment is set, and
# a bare sandbox has the default veth pair eth0:eth1.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    start=$(now_ms)
    "$sandbox" -- "$0" inside
    note "whole sandbox run (start, checks, teardown): $(($(now_ms) - start)) ms"
    exit 0
fi

expect_eq "DBUS_SYSTEM_BUS_ADDRESS" unix:path=/run/dbus/system_bus_socket "$DBUS_SYSTEM_BUS_ADDRESS"
expect_eq "NMIFACE_SANDBOX_CTL" "$ctl" "$NMIFACE_SANDBOX_CTL"
[ -d "$NMIFACE_SANDBOX_STATE/etc-NetworkManager" ] || fail "NMIFACE_SANDBOX_STATE has no etc-NetworkManager"
expect_eq "NM running" running "$(nmcli -t -f RUNNING general)"
expect_eq "NM version" 1.42.4 "$(nmcli -t -f VERSION general)"
version=$(dbus-send --system --print-reply=literal --dest=org.freedesktop.NetworkManager \
    /org/freedesktop/NetworkManager org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.NetworkManager string:Version)
[[ "$version" == *1.42.4* ]] || fail "Version over D-Bus: $version"
pid=$("$ctl" nm-pid)
expect_eq "NM's command" NetworkManager "$(cat "/proc/$pid/comm")"
# The keyfile directories are the sandbox's, at their real paths.
[ "$(stat -c %d:%i /etc/NetworkManager)" = \
    "$(stat -c %d:%i "$NMIFACE_SANDBOX_STATE/etc-NetworkManager")" ] ||
    fail "/etc/NetworkManager is not the state dir's"
grep -q '^no-auto-default=\*' /etc/NetworkManager/NetworkManager.conf ||
    fail "NetworkManager.conf lacks no-auto-default=*"
[ -d /run/NetworkManager ] && [ -S /run/dbus/system_bus_socket ] || fail "/run is not set up"
# Startup complete comes right after the bus answers when no profile waits for a carrier.
start=$(now_ms)
"$ctl" wait-startup 10
note "startup complete $(($(now_ms) - start)) ms after wait-nm"
# Without --veth the sandbox has one veth pair, eth0:eth1, managed and disconnected.
"$ctl" wait-device eth0 disconnected 10
"$ctl" wait-device eth1 disconnected 10
expect_eq "devices" "eth0:ethernet eth1:ethernet lo:loopback " \
    "$(nmcli -t -f DEVICE,TYPE device | sort | tr '\n' ' ')"
