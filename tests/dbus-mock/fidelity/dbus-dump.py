#!/usr/bin/python3
'''The D-Bus part of the fidelity check: after a few nmcli steps, dumps the properties libnm
reads (devices, active connections, profiles' storage, IP configs) with object paths replaced by
names, so the mock's objects can be compared with NetworkManager's property by property.
Needs ethernet devices eth0 and eth1.'''

import subprocess
import sys
import time

import dbus

NM = 'org.freedesktop.NetworkManager'
SKIP = {
    # values that differ between any two NM runs, or between veths and NICs (listed in
    # deliberate-differences.sed when they matter)
    'Udi', 'Driver', 'DriverVersion', 'FirmwareVersion', 'HwAddress', 'PermHwAddress',
    'Speed', 'Capabilities', 'Created', 'Ip4Connectivity', 'Ip6Connectivity', 'RefreshRateMs',
    'TxBytes', 'RxBytes', 'LldpNeighbors', 'Metered', 'PhysicalPortId', 'Path', 'Uuid',
}


def nmcli(*args):
    subprocess.run(['nmcli', *args], check=True, stdout=subprocess.DEVNULL)


def main():
    nmcli('connection', 'add', 'type', 'ethernet', 'ifname', 'eth0', 'con-name', 'd-eth',
          'autoconnect', 'no', 'ipv4.method', 'manual', 'ipv4.addresses', '192.0.2.10/24',
          'ipv4.gateway', '192.0.2.1', 'ipv6.method', 'disabled')
    nmcli('connection', 'add', 'type', 'bridge', 'ifname', 'br0', 'con-name', 'd-br',
          'autoconnect', 'no', 'ipv4.method', 'manual', 'ipv4.addresses', '198.51.100.1/24',
          'ipv6.method', 'disabled', 'bridge.stp', 'no')
    nmcli('connection', 'add', 'type', 'ethernet', 'ifname', 'eth1', 'con-name', 'd-port',
          'autoconnect', 'no', 'master', 'br0', 'slave-type', 'bridge')
    nmcli('connection', 'modify', '--temporary', 'd-br', 'ipv4.addresses', '198.51.100.2/24')
    nmcli('connection', 'up', 'd-eth')
    nmcli('connection', 'up', 'd-br')
    nmcli('connection', 'up', 'd-port')
    time.sleep(1)

    bus = dbus.SystemBus()

    def props(path, iface):
        obj = bus.get_object(NM, path)
        return obj.GetAll(iface, dbus_interface='org.freedesktop.DBus.Properties')

    manager = props('/org/freedesktop/NetworkManager', NM)
    names = {}
    for path in manager['AllDevices']:
        names[str(path)] = 'dev:' + str(props(path, NM + '.Device')['Interface'])
    for path in props('/org/freedesktop/NetworkManager/Settings', NM + '.Settings')['Connections']:
        names[str(path)] = 'con:' + str(props(path, NM + '.Settings.Connection')['Filename'])
    for path in manager['ActiveConnections']:
        names[str(path)] = 'ac:' + str(props(path, NM + '.Connection.Active')['Id'])

    def show(value):
        if isinstance(value, dbus.ObjectPath):
            v = str(value)
            if v == '/':
                return '/'
            if '/IP4Config/' in v or '/IP6Config/' in v:
                return 'ipconfig'
            return names.get(v, v)
        if isinstance(value, dbus.Struct):
            return '(' + ', '.join(show(x) for x in value) + ')'
        if isinstance(value, dbus.Dictionary):
            return '{' + ', '.join(f'{k}: {show(v)}' for k, v in sorted(value.items())) + '}'
        if isinstance(value, dbus.Array):
            return '[' + ', '.join(sorted(show(x) for x in value)) + ']'
        if isinstance(value, dbus.Boolean):
            return str(bool(value))
        return str(value)

    def dump(title, values):
        for key in sorted(values):
            if key not in SKIP:
                print(f'{title} {key} = {show(values[key])}')

    for key in ('State', 'Devices', 'ActiveConnections', 'PrimaryConnection',
                'PrimaryConnectionType', 'ActivatingConnection', 'NetworkingEnabled'):
        print(f'manager {key} = {show(manager[key])}')
    for path in sorted(manager['AllDevices'], key=lambda p: names[str(p)]):
        if names[str(path)] == 'dev:lo':
            continue
        device = props(path, NM + '.Device')
        dump(names[str(path)], device)
        for family, key in ((4, 'Ip4Config'), (6, 'Ip6Config')):
            if device[key] != '/':
                ipc = props(device[key], f'{NM}.IP{family}Config')
                dump(f'{names[str(path)]} ip{family}',
                     {k: ipc[k] for k in ('AddressData', 'Gateway', 'NameserverData',
                                          'Searches', 'Domains') if k in ipc})
    for path in sorted(manager['ActiveConnections'], key=lambda p: names[str(p)]):
        if names[str(path)] == 'ac:lo':
            continue
        dump(names[str(path)], props(path, NM + '.Connection.Active'))
    for path in sorted(names):
        if names[path].startswith('con:') and 'lo.nmconnection' not in names[path]:
            dump(names[path], props(path, NM + '.Settings.Connection'))

    # a software device that goes down stays as an unrealized placeholder (same object path)
    nmcli('connection', 'down', 'd-br')
    time.sleep(1)
    manager = props('/org/freedesktop/NetworkManager', NM)
    for key in ('Devices', 'AllDevices', 'ActiveConnections'):
        print(f'after down: manager {key} = {show(manager[key])}')
    for path in manager['AllDevices']:
        if names.get(str(path)) == 'dev:br0':
            device = props(path, NM + '.Device')
            dump('after down: dev:br0', {k: device[k] for k in ('State', 'StateReason', 'Real',
                                                                  'Managed', 'ActiveConnection',
                                                                  'Ports', 'InterfaceFlags')})
    return 0


if __name__ == '__main__':
    sys.exit(main())
