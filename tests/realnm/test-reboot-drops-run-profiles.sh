#!/usr/bin/env bash
# `ctl reboot`: /run profiles are gone, /etc profiles stay; software links (bridges) are deleted
# and veths reset; an autoconnect bridge from /etc comes back by itself.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    exec "$sandbox" --veth bv0:bv0p -- "$0" inside
fi

nmcli connection add type bridge ifname pbr0 con-name pbr0 bridge.stp no \
    ipv4.method disabled ipv6.method disabled >/dev/null
nmcli connection add type ethernet ifname bv0 con-name pbr0-port master pbr0 slave-type bridge \
    >/dev/null
nmcli connection add save no type ethernet ifname bv0p con-name in-memory autoconnect no \
    ipv4.method manual ipv4.addresses 198.51.100.7/24 ipv6.method disabled >/dev/null
# An /etc profile edited in memory only: a reboot brings the /etc version back.
nmcli connection add type bridge ifname ebr0 con-name edited autoconnect no bridge.stp no \
    ipv4.method disabled ipv6.method disabled >/dev/null
nmcli connection modify --temporary edited bridge.stp yes
expect_eq "edited's stp in memory" yes "$(nmcli -g bridge.stp connection show edited)"
nmcli connection up pbr0 >/dev/null
nmcli connection up in-memory >/dev/null
"$ctl" wait-device pbr0 connected 10
"$ctl" add-bridge kbr0
ip link show dev kbr0 >/dev/null

start=$(now_ms)
"$ctl" reboot
note "reboot took $(($(now_ms) - start)) ms"

profiles=$(nmcli -t -f NAME connection show | sort | tr '\n' ' ')
expect_eq "profiles after reboot" "edited lo pbr0 pbr0-port " "$profiles"
expect_eq "pbr0's keyfile" /etc/NetworkManager/system-connections/pbr0.nmconnection "$(profile_file pbr0)"
expect_eq "edited's stp after reboot" no "$(nmcli -g bridge.stp connection show edited)"
for f in /run/NetworkManager/system-connections/*; do
    case "$f" in
    */lo.nmconnection | *'/*') ;;
    *) fail "/run/NetworkManager/system-connections still holds $f" ;;
    esac
done
! ip link show dev kbr0 >/dev/null 2>&1 || fail "the kernel bridge kbr0 survived the reboot"
ip -o -4 addr show dev bv0p | grep -q 198.51.100.7 && fail "bv0p kept its address over the reboot"
# pbr0 autoconnects from /etc, as at boot.
"$ctl" wait-device pbr0 connected 10
"$ctl" wait-device bv0 connected 10
"$ctl" wait-device bv0p disconnected 10
