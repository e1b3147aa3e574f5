#!/usr/bin/env bash
# The tour's steps, run inside the sandbox by demo/tour.sh.
set -euo pipefail
demo=$1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
nm_sees() {
    printf -- '-- what NetworkManager sees:\n'
    nmcli -f NAME,TYPE,DEVICE,STATE connection show | sed 's/^/   /'
    nmcli -f DEVICE,TYPE,STATE device | grep -v '^lo ' | sed 's/^/   /'
}

step "The sandbox: NetworkManager $(nmcli -g VERSION general) with two veth pairs"
nm_sees

step "Define a bridge br0 over veth0 from an XML file"
run cat "$demo/br0.xml"
run nmiface iface-define "$demo/br0.xml" --dry-run
run nmiface iface-define "$demo/br0.xml"
nm_sees

step "Start it, list interfaces"
run nmiface iface-start br0
run nmiface iface-list --all
nm_sees

step "Describe it: live and inactive"
run nmiface iface-dumpxml br0
run nmiface iface-dumpxml br0 --inactive

step "Bridge an ethernet with an IP address, then unbridge it"
run nmiface iface-define "$demo/veth1.xml"
run nmiface iface-start veth1
run nmiface iface-bridge veth1 br1 --no-stp --delay 0
nm_sees
run nmiface iface-dumpxml br1 --inactive
run nmiface iface-unbridge br1
nm_sees
run nmiface iface-dumpxml veth1 --inactive

step "A transaction that is rolled back"
run nmiface iface-begin
run nmiface iface-destroy br0
run nmiface iface-undefine br0
nm_sees
run nmiface iface-rollback
nm_sees

step "Destroy and undefine"
run nmiface iface-destroy br0
run nmiface iface-undefine br0
run nmiface iface-destroy veth1
run nmiface iface-undefine veth1
run nmiface iface-list --all
nm_sees

step "The same host through libvirt's own client: virsh on nmiface-interfaced"
# libvirt's modular-daemon socket in the sandbox's private /run: virsh's interface:///system
# finds it by itself, as it finds virtinterfaced's on a libvirt host.
nmiface-interfaced &
daemon_pid=$!
while [ ! -S /run/libvirt/virtinterfaced-sock-ro ]; do sleep 0.05; done
run virsh -c interface:///system iface-define "$demo/br0.xml"
run virsh -c interface:///system iface-start br0
run virsh -c interface:///system iface-list --all
run virsh -c interface:///system iface-dumpxml br0 --inactive
run virsh -c interface:///system iface-begin
run virsh -c interface:///system iface-undefine br0
run virsh -c interface:///system iface-rollback
run virsh -c interface:///system iface-mac br0
# virsh 9.0 exits 1 after a successful iface-destroy (its cmdInterfaceDestroy returns false).
run virsh -c interface:///system iface-destroy br0 || true
run virsh -c interface:///system iface-undefine br0
run virsh -r -c interface:///system iface-define "$demo/br0.xml" || true
run virsh -c interface:///system iface-dumpxml nosuch || true
kill "$daemon_pid"
wait "$daemon_pid"

printf '\nTour finished.\n'
