#!/bin/bash
# The fidelity script: nmcli commands run once against the NetworkManager mock and once against
# the sandboxed real NetworkManager (run-fidelity compares the outputs). It needs two ethernet
# devices, eth0 and eth1. Output: each command, its output and its exit status.
set -u

CON_FIELDS=connection.id,connection.uuid,connection.type,connection.interface-name
CON_FIELDS=$CON_FIELDS,connection.autoconnect,connection.master,connection.slave-type
CON_FIELDS=$CON_FIELDS,ipv4.method,ipv4.addresses,ipv4.gateway,ipv4.ignore-auto-dns
CON_FIELDS=$CON_FIELDS,ipv6.method,ipv6.addresses
ETH_FIELDS=$CON_FIELDS,802-3-ethernet.mtu,802-3-ethernet.cloned-mac-address
BR_FIELDS=$CON_FIELDS,bridge.stp,bridge.forward-delay
DEV_FIELDS=GENERAL.DEVICE,GENERAL.TYPE,GENERAL.STATE,GENERAL.CONNECTION,GENERAL.CON-UUID
DEV_FIELDS=$DEV_FIELDS,GENERAL.MTU,GENERAL.HWADDR,GENERAL.IP-IFACE,GENERAL.IS-SOFTWARE
DEV_FIELDS=$DEV_FIELDS,IP4.ADDRESS,IP4.GATEWAY,IP6.ADDRESS,IP6.GATEWAY
LIST_FIELDS=NAME,UUID,TYPE,DEVICE,FILENAME

U_ETH=7f0c52a2-5f2b-4c3e-9b6a-0a1b2c3d4e01
U_BR=7f0c52a2-5f2b-4c3e-9b6a-0a1b2c3d4e02
U_PORT=7f0c52a2-5f2b-4c3e-9b6a-0a1b2c3d4e03

run() {
    echo "\$ $*"
    "$@" 2>&1
    echo "[exit $?]"
}

# nmcli up/down return when NM says so; give state changes that follow a moment to land
settle() { sleep 0.5; }

devices() { run nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device; }
profiles() { run nmcli -t -f $LIST_FIELDS connection show; }

## ethernet
run nmcli connection add type ethernet ifname eth0 con-name e1 connection.uuid $U_ETH \
    autoconnect no ipv4.method manual ipv4.addresses 192.0.2.10/24 ipv4.gateway 192.0.2.1 \
    ipv6.method disabled 802-3-ethernet.mtu 1400
run nmcli -t -f $ETH_FIELDS connection show e1
profiles
run nmcli connection modify e1 ipv4.addresses 192.0.2.11/24 ipv4.ignore-auto-dns yes \
    802-3-ethernet.cloned-mac-address 52:54:00:12:34:56
run nmcli -t -f $ETH_FIELDS connection show e1
run nmcli connection modify --temporary e1 ipv6.method manual ipv6.addresses 2001:db8::10/64
run nmcli -t -f $ETH_FIELDS connection show e1
profiles
run nmcli connection up e1
settle
devices
run nmcli -t -f $DEV_FIELDS device show eth0
run nmcli connection down e1
settle
devices
run nmcli -t -f GENERAL.DEVICE,GENERAL.STATE,GENERAL.MTU,GENERAL.HWADDR,IP4.ADDRESS device show eth0

## bridge with a port
run nmcli connection add type bridge ifname br0 con-name br0 connection.uuid $U_BR \
    autoconnect no ipv4.method manual ipv4.addresses 198.51.100.1/24 ipv6.method disabled \
    bridge.stp no bridge.forward-delay 5
run nmcli connection add type ethernet ifname eth1 con-name br0-port connection.uuid $U_PORT \
    master br0 slave-type bridge autoconnect no
run nmcli -t -f $BR_FIELDS connection show br0
run nmcli -t -f $ETH_FIELDS connection show br0-port
profiles
devices
run nmcli connection up br0
settle
run nmcli connection up br0-port
settle
devices
run nmcli -t -f $DEV_FIELDS device show br0
run nmcli -t -f BRIDGE.SLAVES device show br0
run nmcli -t -f $DEV_FIELDS device show eth1
run nmcli connection modify br0 bridge.stp yes bridge.forward-delay 4
run nmcli -t -f $BR_FIELDS connection show br0
run nmcli connection down br0
settle
devices
profiles
# a port brings its controller up
run nmcli connection up br0-port
settle
devices
run nmcli connection down br0
settle
devices

## errors
run nmcli connection up does-not-exist
run nmcli connection add type bridge con-name no-ifname connection.uuid 7f0c52a2-5f2b-4c3e-9b6a-0a1b2c3d4e04
run nmcli connection modify e1 ipv4.addresses 300.1.1.1/24

## delete
run nmcli connection delete e1 br0-port br0
profiles
devices
