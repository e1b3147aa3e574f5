#!/usr/bin/env bash
# The host's /etc is read-only in the sandbox (only /etc/NetworkManager is writable, and it is
# the state dir's): asking NM to save a hostname fails there, and the host's hostname,
# /etc/hostname, /etc/resolv.conf and links are the same afterwards. NM's DNS handling is off.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

snapshot() {
    hostname
    md5sum /etc/hostname /etc/resolv.conf 2>/dev/null || true
    ip -o link show
    ls -a /etc
}

if ! inside; then
    require_sandbox
    before=$(snapshot)
    "$sandbox" -- "$0" inside
    after=$(snapshot)
    [ "$before" = "$after" ] ||
        fail "the host changed: $(diff <(echo "$before") <(echo "$after"))"
    exit 0
fi

touch /etc/nm-sandbox-probe 2>/dev/null && fail "/etc is writable in the sandbox"
touch /etc/NetworkManager/conf.d/probe || fail "/etc/NetworkManager is not writable"
rm -f /etc/NetworkManager/conf.d/probe
nmcli general hostname nm-sandbox-probe 2>/dev/null && fail "NM saved a hostname"
# An address with DNS servers on an active profile: NM must not write resolv.conf anywhere
# but its own /run directory.
nmcli connection add type ethernet ifname eth0 con-name dns ipv4.method manual \
    ipv4.addresses 192.0.2.9/24 ipv4.dns 192.0.2.53 ipv6.method disabled >/dev/null
nmcli connection up dns >/dev/null
"$ctl" wait-device eth0 connected 10
nmcli general reload dns-rc 2>/dev/null || true
