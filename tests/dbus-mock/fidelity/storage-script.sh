#!/bin/bash
# The storage part of the fidelity check: where profiles live (/etc, /run, a tombstone) after
# the Update2/Delete sequences the driver's transactions use, and what a reboot brings back.
# In the sandbox it looks at the keyfile directories; on the mock it asks GetStorage (the mock
# has no files). Output is the same shape for both.
set -u

ETC=/etc/NetworkManager/system-connections
RUN=/run/NetworkManager/system-connections
U=7f0c52a2-5f2b-4c3e-9b6a-0a1b2c3d4e2

storage() { # UUID NAME -> "NAME: etc=yes|no run=yes|no tombstone=yes|no"
    local uuid=$1 name=$2 etc=no run=no tomb=no
    if [ -n "${NMIFACE_MOCK:-}" ]; then
        local out
        out=$(/usr/bin/python3 -c '
import dbus, sys
ctl = dbus.Interface(dbus.SystemBus().get_object("org.nmiface.Mock", "/org/nmiface/Mock"),
                     "org.nmiface.Mock")
try:
    e, r, t = ctl.GetStorage(sys.argv[1])
    print(bool(e), bool(r) and not t, bool(t))
except dbus.exceptions.DBusException:
    print(False, False, False)
' "$uuid")
        read -r e r t <<<"$out"
        [ "$e" = True ] && etc=yes
        [ "$r" = True ] && run=yes
        [ "$t" = True ] && tomb=yes
    else
        [ -e "$ETC/$name.nmconnection" ] && etc=yes
        [ -e "$RUN/$name.nmconnection" ] && run=yes
        [ -e "$RUN/$uuid.nmmeta" ] && tomb=yes
    fi
    echo "$name: etc=$etc run=$run tombstone=$tomb"
}

reboot() {
    if [ -n "${NMIFACE_MOCK:-}" ]; then
        dbus-send --system --print-reply=literal --dest=org.nmiface.Mock /org/nmiface/Mock \
            org.nmiface.Mock.Reboot >/dev/null
    else
        "$NMIFACE_SANDBOX_CTL" reboot >/dev/null
    fi
    sleep 1
}

show() { nmcli -t -f connection.id,ipv4.addresses connection show "$1" 2>&1 | tr '\n' ' '; echo; }

add() { # NAME UUID ADDRESS [nmcli options]
    local name=$1 uuid=$2 addr=$3
    shift 3
    nmcli connection add type ethernet ifname eth0 con-name "$name" connection.uuid "$uuid" \
        autoconnect no ipv4.method manual ipv4.addresses "$addr" ipv6.method disabled "$@" \
        >/dev/null
}

echo "## a detached in-memory edit shadows /etc; TO_DISK commits it"
add s-edit ${U}1 192.0.2.1/24
nmcli connection modify --temporary s-edit ipv4.addresses 192.0.2.2/24 # Update2 IN_MEMORY
storage ${U}1 s-edit
show s-edit

echo "## delete after a temporary edit: both files go"
add s-del ${U}2 192.0.2.3/24
nmcli connection modify --temporary s-del ipv4.addresses 192.0.2.4/24
nmcli connection delete s-del >/dev/null
storage ${U}2 s-del

echo "## an in-memory profile"
add s-mem ${U}3 192.0.2.5/24 save no
storage ${U}3 s-mem

echo "## a profile on disk"
add s-disk ${U}4 192.0.2.6/24
storage ${U}4 s-disk

echo "## IN_MEMORY_DETACHED edit then delete: /etc stays behind a tombstone (libnm; nmcli cannot)"
add s-det ${U}5 192.0.2.7/24
/usr/bin/python3 - ${U}5 <<'PY'
import sys
import gi
gi.require_version('NM', '1.0')
from gi.repository import GLib, NM

client = NM.Client.new(None)
remote = client.get_connection_by_uuid(sys.argv[1])
ctx = GLib.MainContext.default()


def run(start, finish, *args):
    box = {}
    start(*args, None, lambda src, res, *_: box.setdefault('res', res))
    while 'res' not in box:
        ctx.iteration(True)
    return finish(box['res'])


edited = NM.SimpleConnection.new_clone(remote)
s4 = edited.get_setting_ip4_config()
s4.clear_addresses()
s4.add_address(NM.IPAddress.new(2, '192.0.2.8', 24))
run(remote.update2, remote.update2_finish,
    edited.to_dbus(NM.ConnectionSerializationFlags.ALL),
    NM.SettingsUpdate2Flags.IN_MEMORY_DETACHED, None)
run(remote.delete_async, remote.delete_finish)
PY
storage ${U}5 s-det

echo "## reboot"
reboot
storage ${U}5 s-det
show s-det
storage ${U}1 s-edit
show s-edit
storage ${U}3 s-mem
show s-mem
storage ${U}4 s-disk
show s-disk
