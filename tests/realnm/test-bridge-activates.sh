#!/usr/bin/env bash
# A bridge profile with a veth port activates: NM creates the bridge and enslaves the port.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    exec "$sandbox" --veth bv0:bv0p -- "$0" inside
fi

nmcli connection add type bridge ifname br0 con-name br0 bridge.stp no \
    ipv4.method manual ipv4.addresses 192.0.2.1/24 ipv6.method disabled >/dev/null
# NM 1.42's nmcli says master/slave-type (controller/port-type came in 1.46).
nmcli connection add type ethernet ifname bv0 con-name br0-port master br0 slave-type bridge \
    >/dev/null
start=$(now_ms)
nmcli connection up br0 >/dev/null
"$ctl" wait-device br0 connected 10
"$ctl" wait-device bv0 connected 10
note "bridge up with its port in $(($(now_ms) - start)) ms"
expect_eq "br0's kernel kind" bridge "$(ip -d -o link show dev br0 | grep -o 'bridge ' | head -n 1 | tr -d ' ')"
ip -o link show dev bv0 | grep -q ' master br0 ' || fail "bv0 is not a port of br0: $(ip -o link show dev bv0)"
ip -o -4 addr show dev br0 | grep -q '192.0.2.1/24' || fail "br0 lacks its address"
expect_eq "br0's profile" br0 "$(nmcli -g GENERAL.CONNECTION device show br0)"
