#!/usr/bin/env bash
# Runs inside tests/realnm/nm-sandbox --veth eth0:eth1 --veth eth2:eth3 (run-bench.sh starts it);
# prints result lines. A DHCP server (nm-sandbox-ctl dhcp-start) on eth1 and a silent one on eth3.
#   dhcp-bench.sh BUILD REPS
set -euo pipefail

[ "${NMIFACE_SANDBOX:-}" = 1 ] || { echo "dhcp-bench.sh: only inside nm-sandbox" >&2; exit 77; }
build=$1 reps=$2
nmiface=$build/src/tools/nmiface
ctl=$NMIFACE_SANDBOX_CTL

now_ns() { date +%s%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }
# ms CMD...: the wall time of CMD in ms (its output discarded; its failure is the caller's).
ms() {
    local t0 t1 rc=0
    t0=$(now_ns)
    "$@" >/dev/null 2>&1 || rc=$?
    t1=$(now_ns)
    echo "$(((t1 - t0) / 1000000)) $rc"
}
row() {
    local what=$1 file=$2
    printf '%-44s %8s %8s %8s  %s\n' "$what" "$(awk '{print $1}' "$file" | median)" \
        "$(awk '{print $1}' "$file" | sort -g | head -n 1)" \
        "$(awk '{print $1}' "$file" | sort -g | tail -n 1)" \
        "$(awk '$2 != 0 {n++} END {print n + 0}' "$file") failed"
}

"$ctl" dhcp-start eth1 --ipv6 ra-only >/dev/null
"$ctl" dhcp-start eth3 --ipv6 none --silent >/dev/null
printf '%s\n' "<interface type='ethernet' name='eth0'><start mode='none'/>" \
    "<protocol family='ipv4'><dhcp/></protocol></interface>" >/tmp/dhcp-bench-e0.xml
printf '%s\n' "<interface type='ethernet' name='eth2'><start mode='onboot'/>" \
    "<protocol family='ipv4'><dhcp/></protocol></interface>" >/tmp/dhcp-bench-e2.xml
printf '%s\n' "<interface type='bridge' name='br0'><start mode='none'/>" \
    "<protocol family='ipv4'><dhcp/></protocol><bridge stp='off'>" \
    "<interface type='ethernet' name='eth0'/></bridge></interface>" >/tmp/dhcp-bench-br0.xml
printf '%s\n' "<interface type='ethernet' name='eth0'><start mode='none'/>" \
    "<protocol family='ipv6'><autoconf/></protocol></interface>" >/tmp/dhcp-bench-e0v6.xml

printf '%-44s %8s %8s %8s  %s\n' "what ($reps runs)" median_ms min_ms max_ms "failures"
out=/tmp/dhcp-bench.$$

# measure WHAT UNDO CMD...: REPS timed runs of CMD, each followed by UNDO (a command line).
measure() {
    local what=$1 undo=$2
    shift 2
    : >"$out"
    for ((i = 0; i < reps; i++)); do
        ms "$@" >>"$out"
        sh -c "$undo" >/dev/null 2>&1 || true
    done
    row "$what" "$out"
}

"$nmiface" iface-define /tmp/dhcp-bench-e0.xml >/dev/null
measure "nmiface iface-start, DHCPv4 ethernet" "$nmiface iface-destroy eth0" \
    "$nmiface" iface-start eth0
measure "nmcli connection up, the same profile" "nmcli connection down eth0" \
    nmcli connection up eth0
"$nmiface" iface-undefine eth0 >/dev/null

"$nmiface" iface-define /tmp/dhcp-bench-br0.xml >/dev/null
measure "nmiface iface-start, DHCPv4 bridge + port" "$nmiface iface-destroy br0" \
    "$nmiface" iface-start br0
# nmcli's way: the bridge, whose port NM brings up with it (autoconnect-slaves, which the
# profile has), then until the bridge has its lease, as Create waits for it.
measure "nmcli connection up br0 (+ port), to a lease" "nmcli connection down br0" \
    sh -c "nmcli -w 0 connection up br0 &&
        for n in \$(seq 300); do nmcli -g IP4.ADDRESS device show br0 | grep -q 192.0.2. && exit 0;
        sleep 0.01; done; exit 1"
"$nmiface" iface-undefine br0 >/dev/null

"$nmiface" iface-define /tmp/dhcp-bench-e0v6.xml >/dev/null
measure "nmiface iface-start, SLAAC (ra-only)" "$nmiface iface-destroy eth0" \
    "$nmiface" iface-start eth0
measure "nmcli connection up, the same profile" "nmcli connection down eth0" \
    nmcli connection up eth0
"$nmiface" iface-undefine eth0 >/dev/null

# A server that never answers, a 2 s deadline: the time past the deadline is the undo (the
# run counts as failed unless iface-start failed, as it must).
"$nmiface" iface-define /tmp/dhcp-bench-e2.xml >/dev/null
: >"$out"
for ((i = 0; i < reps; i++)); do
    NMIFACE_NM_TIMEOUT_MS=2000 ms "$nmiface" iface-start eth2 |
        awk '{print $1 - 2000, ($2 == 1 ? 0 : 1)}' >>"$out"
done
row "iface-start timing out at 2 s: ms past it" "$out"
rm -f "$out"
