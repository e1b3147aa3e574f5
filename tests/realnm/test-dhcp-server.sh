#!/usr/bin/env bash
# `--dhcp PEER` and `dhcp-start`: dnsmasq serves DHCPv4, router advertisements and DHCPv6 from
# the far end of a veth pair, in a network namespace of its own inside the sandbox; a client
# profile on the near end gets its lease, SLAAC or DHCPv6 address, routes and DNS; a reply
# delay delays the lease; nothing of it is in the sandbox's or the host's namespace.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    command -v dnsmasq >/dev/null 2>&1 || {
        note "dnsmasq is not installed (Debian: dnsmasq-base)"
        [ "${CI:-}" = true ] && exit 1
        exit 77
    }
    host_links=$(ip -o link show | awk -F': ' '{ print $2 }')
    "$sandbox" --veth dc0:dc0p --veth dc1:dc1p --dhcp dc0p -- "$0" inside
    expect_eq "the host's links after the sandbox" "$host_links" \
        "$(ip -o link show | awk -F': ' '{ print $2 }')"
    exit 0
fi

# The server end is gone from NM's namespace and view; dnsmasq listens there, on it only.
ip link show dev dc0p >/dev/null 2>&1 && fail "dc0p is still in the sandbox's namespace"
expect_eq "dc0p in NM's devices" "" "$(nmcli -t -f DEVICE device | grep -x dc0p || true)"
# Outputs are matched whole: `| grep -q` under pipefail fails when grep quits first (SIGPIPE).
[[ "$(ip -n far-dc0p -o addr show dev dc0p)" == *" 192.0.2.1/24 "* ]] || fail "dc0p lacks 192.0.2.1/24"
listeners=$(ip netns exec far-dc0p ss -H -uln | awk '{ print $4 }' | sort -u | tr '\n' ' ')
note "dnsmasq listens on: $listeners"
for l in $listeners; do
    case "$l" in
    *%dc0p:67 | *%dc0p:547) ;;
    *) fail "dnsmasq listens on $l, not on dc0p only" ;;
    esac
done

# DHCPv4 with DNS and a router, SLAAC from the RA (ra-stateless).
nmcli connection add type ethernet ifname dc0 con-name dc0 ipv4.method auto ipv6.method auto \
    >/dev/null
start=$(now_ms)
nmcli -w 30 connection up dc0 >/dev/null
note "DHCP activation took $(($(now_ms) - start)) ms"
grep -Eq ' 192\.0\.2\.1[0-9][0-9]/24 ' <<<"$(ip -o -4 addr show dev dc0)" ||
    fail "dc0 has no lease: $(ip -o -4 addr show dev dc0)"
expect_eq "default route" "default via 192.0.2.1" \
    "$(ip -4 route show default dev dc0 | awk '{ print $1, $2, $3 }')"
expect_eq "DNS from the lease" "192.0.2.53" "$(nmcli -g IP4.DNS device show dc0)"
leased=$(ip -o -4 addr show dev dc0 | awk '{ sub(/\/.*/, "", $4); print $4 }')
[[ "$("$ctl" dhcp-leases dc0p)" == *" $leased "* ]] || fail "the server's leases lack $leased"
# IPv6 can complete after the activation (NM's ipv6.may-fail): wait for it, boundedly.
# has_ipv6 DEV ERE: whether DEV gets a global IPv6 address matching ERE within 10 s.
has_ipv6() {
    for _ in $(seq 100); do
        grep -Eq "$2" <<<"$(ip -o -6 addr show dev "$1" scope global)" && return 0
        sleep 0.1
    done
    return 1
}
has_ipv6 dc0 ' 2001:db8::' || fail "dc0 has no SLAAC address: $(ip -o -6 addr show dev dc0)"

# A second server, DHCPv6 only and answering DHCPv4 after 3 s.
"$ctl" dhcp-start dc1p --ipv6 dhcpv6 --reply-delay 3
nmcli connection add type ethernet ifname dc1 con-name dc1 ipv4.method auto ipv6.method dhcp \
    ipv4.may-fail no >/dev/null
start=$(now_ms)
nmcli -w 30 connection up dc1 >/dev/null
took=$(($(now_ms) - start))
note "activation with a 3 s reply delay took $took ms"
[ "$took" -ge 3000 ] || fail "the lease came after $took ms, before the 3 s reply delay"
has_ipv6 dc1 ' 2001:db8::1[0-9a-f]{3}/128 ' ||
    fail "dc1 has no DHCPv6 address from the range: $(ip -o -6 addr show dev dc1)"

# Stopped, it answers no more; the second start on the same peer works.
"$ctl" dhcp-stop dc1p
"$ctl" dhcp-stop dc1p 2>/dev/null && fail "dhcp-stop of a stopped server succeeded"
"$ctl" dhcp-start dc1p --ipv6 none
"$ctl" dhcp-start dc1p 2>/dev/null && fail "a second server on dc1p started"
exit 0
