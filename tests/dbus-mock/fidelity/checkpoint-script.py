#!/usr/bin/python3
'''The checkpoint part of the fidelity check (nmcli has no checkpoint commands): libnm through
GObject introspection, run against the mock and against the sandboxed NetworkManager. Needs
ethernet devices eth0 and eth1. Prints what the driver relies on: rollback results per device,
which profiles come back, which stay modified, which go.'''

import sys

import gi

gi.require_version('NM', '1.0')
from gi.repository import GLib, NM  # noqa: E402  pylint: disable=wrong-import-position

U = '7f0c52a2-5f2b-4c3e-9b6a-0a1b2c3d4e1'


def call(start, finish, *args):
    '''Runs an async libnm call to completion on the default main context.'''
    box = {}
    start(*args, None, lambda src, res, *_: box.setdefault('res', res))
    ctx = GLib.MainContext.default()
    while 'res' not in box:
        ctx.iteration(True)
    return finish(box['res'])


def wait(cond, seconds=20):
    ctx = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + seconds * 1000000
    while not cond() and GLib.get_monotonic_time() < deadline:
        ctx.iteration(False)
        GLib.usleep(10000)
    return cond()


def settle(seconds=1.0):
    ctx = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + int(seconds * 1000000)
    while GLib.get_monotonic_time() < deadline:
        ctx.iteration(False)
        GLib.usleep(10000)


def profile(ptype, pid, uuid, ifname, address, prefix=24):
    conn = NM.SimpleConnection.new()
    s_con = NM.SettingConnection.new()
    s_con.props.id = pid
    s_con.props.uuid = uuid
    s_con.props.type = ptype
    s_con.props.interface_name = ifname
    s_con.props.autoconnect = False
    conn.add_setting(s_con)
    if ptype == 'bridge':
        s_br = NM.SettingBridge.new()
        s_br.props.stp = False
        conn.add_setting(s_br)
    else:
        conn.add_setting(NM.SettingWired.new())
    s4 = NM.SettingIP4Config.new()
    s4.props.method = 'manual'
    s4.add_address(NM.IPAddress.new(2, address, prefix))
    conn.add_setting(s4)
    s6 = NM.SettingIP6Config.new()
    s6.props.method = 'disabled'
    conn.add_setting(s6)
    conn.normalize()
    return conn


def address_of(conn):
    s4 = conn.get_setting_ip4_config()
    return s4.get_address(0).get_address() if s4 and s4.get_num_addresses() else '-'


def with_address(remote, address):
    copy = NM.SimpleConnection.new_clone(remote)
    s4 = copy.get_setting_ip4_config()
    s4.clear_addresses()
    s4.add_address(NM.IPAddress.new(2, address, 24))
    return copy


def main():
    client = NM.Client.new(None)
    flags = NM.SettingsAddConnection2Flags.TO_DISK | \
        NM.SettingsAddConnection2Flags.BLOCK_AUTOCONNECT
    all_flags = NM.ConnectionSerializationFlags.ALL

    def add(conn):
        remote, _ = call(client.add_connection2, client.add_connection2_finish,
                         conn.to_dbus(all_flags), flags, None, True)
        return remote

    act = add(profile('802-3-ethernet', 'cp-active', U + '1', 'eth0', '192.0.2.1'))
    idle = add(profile('802-3-ethernet', 'cp-idle', U + '2', 'eth1', '198.51.100.1'))
    gone = add(profile('802-3-ethernet', 'cp-gone', U + '3', 'eth1', '198.51.100.3'))
    br = add(profile('bridge', 'cp-br', U + '4', 'br9', '203.0.113.1'))
    for remote in (act, br):
        ac = call(client.activate_connection_async, client.activate_connection_finish,
                  remote, None, None)
        if not wait(lambda a=ac: a.get_state() == NM.ActiveConnectionState.ACTIVATED):
            print(f'activation of {remote.get_id()} did not finish')
            return 1
    # NMDevice.get_path() is the sysfs path; the D-Bus path is NMObject's
    names = {NM.Object.get_path(d): d.get_iface() for d in client.get_devices()}

    cp = call(client.checkpoint_create, client.checkpoint_create_finish, [], 0,
              NM.CheckpointCreateFlags.DELETE_NEW_CONNECTIONS)
    print('checkpoint devices:', ' '.join(sorted(names[NM.Object.get_path(d)]
                                                 for d in cp.get_devices())))

    def update(remote, conn):
        call(remote.update2, remote.update2_finish, conn.to_dbus(all_flags),
             NM.SettingsUpdate2Flags.TO_DISK, None)

    update(act, with_address(act, '192.0.2.99'))
    update(idle, with_address(idle, '198.51.100.99'))
    call(gone.delete_async, gone.delete_finish)
    add(profile('802-3-ethernet', 'cp-new', U + '5', 'eth1', '198.51.100.5'))
    br_ac = client.get_device_by_iface('br9').get_active_connection()
    call(client.deactivate_connection_async, client.deactivate_connection_finish, br_ac)
    wait(lambda: client.get_device_by_iface('br9') is None)
    settle()

    results = call(client.checkpoint_rollback, client.checkpoint_rollback_finish, cp.get_path())
    for path, result in sorted(results.items(), key=lambda kv: names.get(kv[0], kv[0])):
        print(f'rollback {names.get(path, path)}: {result}')
    settle(3)
    print('checkpoints left:', len(client.get_checkpoints()))
    for c in sorted(client.get_connections(), key=lambda c: c.get_id()):
        if c.get_id().startswith('cp-'):
            print(f'profile {c.get_id()}: {address_of(c)} unsaved={c.get_unsaved()}')
    for uuid, pid in ((U + '3', 'cp-gone'), (U + '5', 'cp-new')):
        if client.get_connection_by_uuid(uuid) is None:
            print(f'profile {pid}: absent')
    for d in sorted(client.get_devices(), key=lambda d: d.get_iface()):
        if d.get_iface() == 'lo':
            continue
        ac = d.get_active_connection()
        print(f'device {d.get_iface()}: {int(d.get_state())} '
              f'{ac.get_id() if ac else "-"}')
    if client.get_device_by_iface('br9') is None:
        print('device br9: absent')
    return 0


if __name__ == '__main__':
    sys.exit(main())
