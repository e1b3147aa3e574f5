'''NetworkManager 1.42 mock template for python-dbusmock (nmiface tests).

Load with: /usr/bin/python3 -m dbusmock --system --template nm_template.py -p JSON
See README.md next to this file for the parameters, the modelled behaviour and the control
interface (org.nmiface.Mock at /org/nmiface/Mock).

Profiles are parsed, verified and normalised by libnm (gi.repository.NM), so what the mock
accepts and returns matches what NetworkManager accepts and returns.
'''

import ipaddress
import os
import time

import dbus
import dbus.service
import gi
import dbusmock.mockobject as mockobject

gi.require_version('NM', '1.0')
from gi.repository import GLib, NM  # noqa: E402  pylint: disable=wrong-import-position

BUS_NAME = 'org.freedesktop.NetworkManager'
MAIN_OBJ = '/org/freedesktop'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True

NM_PATH = '/org/freedesktop/NetworkManager'
NM_IFACE = 'org.freedesktop.NetworkManager'
SETTINGS_PATH = NM_PATH + '/Settings'
SETTINGS_IFACE = NM_IFACE + '.Settings'
CONN_IFACE = NM_IFACE + '.Settings.Connection'
DEVICE_IFACE = NM_IFACE + '.Device'
AC_IFACE = NM_IFACE + '.Connection.Active'
IP4_IFACE = NM_IFACE + '.IP4Config'
IP6_IFACE = NM_IFACE + '.IP6Config'
CP_IFACE = NM_IFACE + '.Checkpoint'
OM_IFACE = 'org.freedesktop.DBus.ObjectManager'
PROPS_IFACE = 'org.freedesktop.DBus.Properties'
CONTROL_NAME = 'org.nmiface.Mock'
CONTROL_PATH = '/org/nmiface/Mock'
CONTROL_IFACE = 'org.nmiface.Mock'

# NMDeviceState
DEV_UNMANAGED, DEV_UNAVAILABLE, DEV_DISCONNECTED = 10, 20, 30
DEV_PREPARE, DEV_CONFIG, DEV_IP_CONFIG, DEV_IP_CHECK, DEV_SECONDARIES = 40, 50, 70, 80, 90
DEV_ACTIVATED, DEV_DEACTIVATING, DEV_FAILED = 100, 110, 120
# NMDeviceStateReason
R_NONE, R_NOW_MANAGED, R_CARRIER, R_REMOVED = 0, 2, 40, 36
R_CONNECTION_REMOVED, R_USER_REQUESTED, R_DEPENDENCY_FAILED, R_NEW_ACTIVATION = 38, 39, 50, 60
# NMActiveConnectionState and its reasons
AC_ACTIVATING, AC_ACTIVATED, AC_DEACTIVATING, AC_DEACTIVATED = 1, 2, 3, 4
ACR_NONE, ACR_USER_DISCONNECTED, ACR_DEVICE_DISCONNECTED = 1, 2, 3
ACR_CONNECTION_REMOVED, ACR_DEPENDENCY_FAILED, ACR_DEVICE_REMOVED = 11, 12, 14
# NMActivationStateFlags
ASF_IS_MASTER, ASF_IS_SLAVE, ASF_L2_READY, ASF_IP4_READY, ASF_IP6_READY = 0x1, 0x2, 0x4, 0x8, 0x10
ASF_MASTER_HAS_SLAVES = 0x20
# NMState
NMSTATE_DISCONNECTED, NMSTATE_CONNECTING, NMSTATE_LOCAL, NMSTATE_GLOBAL = 20, 40, 50, 70
# flags
ADD2_TO_DISK, ADD2_IN_MEMORY, ADD2_BLOCK_AUTOCONNECT = 0x1, 0x2, 0x20
UPD2_TO_DISK, UPD2_IN_MEMORY, UPD2_DETACHED, UPD2_ONLY = 0x1, 0x2, 0x4, 0x8
UPD2_VOLATILE, UPD2_BLOCK_AUTOCONNECT, UPD2_NO_REAPPLY = 0x10, 0x20, 0x40
SCF_UNSAVED, SCF_VOLATILE = 0x1, 0x4
CP_DESTROY_ALL, CP_DELETE_NEW, CP_DISCONNECT_NEW, CP_ALLOW_OVERLAPPING = 0x1, 0x2, 0x4, 0x8
RB_OK, RB_NO_DEVICE, RB_UNMANAGED, RB_FAILED = 0, 1, 2, 3

ETC_DIR = '/etc/NetworkManager/system-connections'
RUN_DIR = '/run/NetworkManager/system-connections'

DEVICE_TYPES = {
    # name: (NMDeviceType, type-specific interface, NM setting type, software, route metric)
    'ethernet': (1, DEVICE_IFACE + '.Wired', '802-3-ethernet', False, 100),
    'bond': (10, DEVICE_IFACE + '.Bond', 'bond', True, 300),
    'vlan': (11, DEVICE_IFACE + '.Vlan', 'vlan', True, 400),
    'bridge': (13, DEVICE_IFACE + '.Bridge', 'bridge', True, 425),
    'loopback': (32, DEVICE_IFACE + '.Loopback', 'loopback', False, 30),
    # a veth is an ethernet device to profiles; NM reports it as type 20 and as software
    'veth': (20, DEVICE_IFACE + '.Veth', '802-3-ethernet', False, 100),
}
SETTING_TO_DEVTYPE = {v[2]: k for k, v in DEVICE_TYPES.items() if k != 'veth'}
WIRED = ('ethernet', 'veth')

PERMISSIONS = [
    'enable-disable-network', 'sleep-wake', 'enable-disable-wifi', 'enable-disable-wwan',
    'enable-disable-wimax', 'network-control', 'wifi.share.protected', 'wifi.share.open',
    'settings.modify.system', 'settings.modify.own', 'settings.modify.hostname',
    'settings.modify.global-dns', 'reload', 'checkpoint-rollback', 'enable-disable-statistics',
    'enable-disable-connectivity-check', 'wifi.scan',
]

CONNECTION_ERRORS = ['Failed', 'SettingNotFound', 'PropertyNotFound', 'PropertyNotSecret',
                     'MissingSetting', 'InvalidSetting', 'MissingProperty', 'InvalidProperty']


class NMError(dbus.exceptions.DBusException):
    '''A D-Bus error with NetworkManager's error name.'''

    def __init__(self, name, message):
        super().__init__(message, name=name)


def manager_error(code, message):
    return NMError(NM_IFACE + '.' + code, message)


def settings_error(code, message):
    return NMError(SETTINGS_IFACE + '.' + code, message)


def device_error(code, message):
    return NMError(DEVICE_IFACE + '.' + code, message)


# ---------------------------------------------------------------------------------------------
# dbus-python <-> GVariant, so libnm can parse and normalise profiles

_BASIC_SIGS = [
    (dbus.Boolean, 'b'), (dbus.Byte, 'y'), (dbus.Int16, 'n'), (dbus.UInt16, 'q'),
    (dbus.Int32, 'i'), (dbus.UInt32, 'u'), (dbus.Int64, 'x'), (dbus.UInt64, 't'),
    (dbus.Double, 'd'), (dbus.ObjectPath, 'o'), (dbus.Signature, 'g'), (dbus.String, 's'),
]


def _dbus_sig(value):
    for cls, sig in _BASIC_SIGS:
        if isinstance(value, cls):
            return sig
    if isinstance(value, dbus.ByteArray) or isinstance(value, bytes):
        return 'ay'
    if isinstance(value, dbus.Dictionary):
        if value.signature:
            return 'a{' + value.signature + '}'
        return 'a{sv}'
    if isinstance(value, dbus.Array):
        if value.signature:
            return 'a' + value.signature
        if len(value) == 0:
            return 'as'
        return 'a' + _dbus_sig(value[0])
    if isinstance(value, dbus.Struct):
        if value.signature:
            return '(' + value.signature + ')'
        return '(' + ''.join(_dbus_sig(x) for x in value) + ')'
    if isinstance(value, bool):
        return 'b'
    if isinstance(value, int):
        return 'i'
    if isinstance(value, float):
        return 'd'
    if isinstance(value, str):
        return 's'
    raise TypeError(f'cannot map {type(value)} to a D-Bus type')


def _py_for_gvariant(value, sig):
    if sig == 'v':
        inner = _dbus_sig(value)
        return GLib.Variant(inner, _py_for_gvariant(value, inner))
    if sig.startswith('a{'):
        ksig, vsig = list(dbus.Signature(sig[2:-1]))
        return {_py_for_gvariant(k, ksig): _py_for_gvariant(v, vsig) for k, v in value.items()}
    if sig == 'ay':
        return bytes(int(b) for b in value) if not isinstance(value, bytes) else bytes(value)
    if sig[0] == 'a':
        return [_py_for_gvariant(x, sig[1:]) for x in value]
    if sig[0] == '(':
        return tuple(_py_for_gvariant(x, t) for x, t in zip(value, dbus.Signature(sig[1:-1])))
    if sig == 'b':
        return bool(value)
    if sig in 'ynqiuxt':
        return int(value)
    if sig == 'd':
        return float(value)
    return str(value)


def to_gvariant(value, sig):
    return GLib.Variant(sig, _py_for_gvariant(value, sig))


def from_gvariant(v):
    t = v.get_type_string()
    if t == 'v':
        return from_gvariant(v.get_variant())
    simple = {'b': dbus.Boolean, 'y': dbus.Byte, 'n': dbus.Int16, 'q': dbus.UInt16,
              'i': dbus.Int32, 'u': dbus.UInt32, 'x': dbus.Int64, 't': dbus.UInt64,
              'd': dbus.Double, 's': dbus.String, 'o': dbus.ObjectPath, 'g': dbus.Signature}
    if t in simple:
        return simple[t](v.unpack())
    if t == 'ay':
        return dbus.ByteArray(bytes(v.unpack()))
    if t.startswith('a{'):
        d = dbus.Dictionary({}, signature=t[2:-1])
        for i in range(v.n_children()):
            e = v.get_child_value(i)
            d[from_gvariant(e.get_child_value(0))] = from_gvariant(e.get_child_value(1))
        return d
    if t[0] == 'a':
        return dbus.Array([from_gvariant(v.get_child_value(i)) for i in range(v.n_children())],
                          signature=t[1:])
    if t[0] == '(':
        return dbus.Struct([from_gvariant(v.get_child_value(i)) for i in range(v.n_children())],
                           signature=t[1:-1])
    raise TypeError(f'cannot convert GVariant type {t}')


def parse_connection(settings):
    '''D-Bus settings -> verified, normalised NM.SimpleConnection (raises NM's D-Bus errors).'''
    try:
        conn = NM.SimpleConnection.new_from_dbus(to_gvariant(settings, 'a{sa{sv}}'))
        conn.normalize()
    except GLib.Error as e:
        code = e.code if 0 <= e.code < len(CONNECTION_ERRORS) else 0
        raise NMError(CONN_IFACE + '.' + CONNECTION_ERRORS[code], e.message) from e
    except TypeError as e:
        raise NMError(CONN_IFACE + '.InvalidProperty', str(e)) from e
    return conn


def connection_to_dbus(conn, secrets=False):
    flags = NM.ConnectionSerializationFlags.ALL if secrets else \
        NM.ConnectionSerializationFlags.NO_SECRETS
    return dbus.Dictionary(from_gvariant(conn.to_dbus(flags)), signature='sa{sv}')


def clone(conn):
    return NM.SimpleConnection.new_clone(conn)


def same_settings(a, b):
    return a.compare(b, NM.SettingCompareFlags.EXACT)


# ---------------------------------------------------------------------------------------------
# small helpers for typed D-Bus values

def _ao(paths):
    return dbus.Array([dbus.ObjectPath(p) for p in paths], signature='o')


def _o(path):
    return dbus.ObjectPath(path or '/')


def _u(x):
    return dbus.UInt32(x)


def boottime_ms():
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1000)


class Entity:
    '''A D-Bus object of the mock: a dbusmock object plus our state.'''

    path = None
    obj = None

    def export(self, path, interfaces):
        '''interfaces: {name: {prop: value}}; the first one is the primary one.'''
        self.path = path
        first = next(iter(interfaces))
        obj = mockobject.DBusMockObject(MOCK.mock.bus_name, path, first, interfaces[first])
        obj.logfile = MOCK.mock.logfile
        obj.is_logfile_owner = False
        obj.object_manager = MOCK.mock
        for name, props in interfaces.items():
            obj.props[name] = dbus.Dictionary(props, signature='sv')
        mockobject.objects[path] = obj
        self.obj = obj
        MOCK.install_properties(obj)
        MOCK.emit_added(path)

    def unexport(self):
        if not self.obj:
            return
        MOCK.emit_removed(self.path, list(self.obj.props.keys()))
        self.obj.remove_from_connection()
        mockobject.objects.pop(self.path, None)
        self.obj = None

    def prop(self, iface, name):
        return self.obj.props[iface][name]

    def set(self, iface, **changes):
        '''Set properties; emit one PropertiesChanged with those that changed.'''
        if not self.obj:
            return
        props = self.obj.props[iface]
        changed = {}
        for k, v in changes.items():
            if k not in props or props[k] != v or type(props[k]) != type(v):  # noqa: E721
                props[k] = v
                changed[k] = v
        if changed:
            MOCK.emit_props(self.path, iface, changed)


# ---------------------------------------------------------------------------------------------

class Profile(Entity):
    '''A settings connection with keyfile-like storage.'''

    def __init__(self, conn):
        self.conn = conn
        self.in_memory = False
        self.run_file = None
        self.disk = None          # {'filename': ..., 'conn': NM.Connection} = the /etc file
        self.detached = False     # delete keeps the /etc file (tombstone)
        self.volatile = False
        self.external = False
        self.autoconnect_blocked = False

    @property
    def uuid(self):
        return self.conn.get_uuid()

    @property
    def filename(self):
        if self.in_memory:
            return self.run_file
        return self.disk['filename'] if self.disk else ''

    def flags(self):
        f = 0x2 | 0x8 if self.external else 0     # NM_GENERATED | EXTERNAL
        if self.in_memory:
            f |= SCF_UNSAVED
        if self.volatile:
            f |= SCF_VOLATILE
        return f

    def storage_props(self):
        return {'Unsaved': dbus.Boolean(self.in_memory), 'Flags': _u(self.flags()),
                'Filename': dbus.String(self.filename or '')}

    def sync_props(self):
        self.set(CONN_IFACE, **self.storage_props())

    # profile facts the mock needs
    def setting_type(self):
        return self.conn.get_connection_type()

    def ifname(self):
        return self.conn.get_interface_name()

    def controller(self):
        s = self.conn.get_setting_connection()
        return s.get_master() if s else None

    def port_type(self):
        s = self.conn.get_setting_connection()
        return s.get_slave_type() if s else None

    def autoconnect(self):
        s = self.conn.get_setting_connection()
        return bool(s and s.get_autoconnect())


class Device(Entity):
    def __init__(self, name, dtype, mac, **opts):
        self.name = name
        self.dtype = dtype
        self.devtype, self.type_iface, self.setting_type, self.software, self.metric = \
            DEVICE_TYPES[dtype]
        self.mac = (mac or MOCK.generated_mac(name)).upper()
        self.perm_mac = self.mac
        self.mtu = int(opts.get('mtu', 65536 if dtype == 'loopback' else 1500))
        self.initial_mtu = self.mtu
        self.mac_fixed = False
        self.speed = int(opts.get('speed', 10000))
        self.carrier = bool(opts.get('carrier', True))
        self.managed = dtype != 'loopback'
        self.parent = opts.get('parent')          # Device, for vlan
        self.peer = None                          # Device, for veth
        self.real = True                          # False: NM's placeholder for a profile
        self.stale_flags = 0
        self.vlan_id = int(opts.get('vlan-id', 0))
        self.state = DEV_DISCONNECTED if self.managed else DEV_UNMANAGED
        if self.managed and not self.software and not self.carrier:
            self.state = DEV_UNAVAILABLE
        self.reason = R_NONE
        self.ac = None
        self.ports = []
        self.controller = None
        self.ip4 = None
        self.ip6 = None
        self.autoconnect_blocked = False

    def iface_flags(self):
        if not self.real:
            return self.stale_flags
        if not self.managed and self.dtype != 'loopback':
            return 0
        up = self.dtype in ('ethernet', 'veth', 'loopback') or self.state >= DEV_PREPARE and \
            self.state <= DEV_ACTIVATED
        if not up:
            return 0
        lower = self.carrier if not self.software else any(p.carrier for p in self.ports) or \
            self.dtype == 'vlan' and self.parent is not None and self.parent.carrier
        f = 0x1
        if lower:
            f |= 0x2 | 0x10000
        return f

    def carrier_now(self):
        if not self.software:
            return self.carrier
        return bool(self.iface_flags() & 0x10000)

    def all_props(self):
        caps = 0x1 | (0x2 if self.dtype in WIRED else 0) | \
            (0x4 if self.software or self.dtype == 'veth' else 0)
        if self.dtype == 'loopback':
            caps = 0x1 | 0x4
        base = {
            'Udi': dbus.String('/virtual/device/placeholder/1' if self.dtype == 'loopback' else
                               ('/sys/devices/virtual/net/' if self.software else
                                '/sys/devices/mock/net/') + self.name),
            'Path': dbus.String(''),
            'Interface': dbus.String(self.name),
            'IpInterface': dbus.String(self.ip_iface()),
            'Driver': dbus.String({'ethernet': 'e1000e', 'veth': 'veth', 'bridge': 'bridge',
                                   'bond': 'bonding',
                                   'vlan': '8021q', 'loopback': 'unknown'}[self.dtype]),
            'DriverVersion': dbus.String('1.0' if self.dtype in WIRED else ''),
            'FirmwareVersion': dbus.String(''),
            'Capabilities': _u(caps),
            'Ip4Address': _u(0),
            'State': _u(self.state),
            'StateReason': dbus.Struct((_u(self.state), _u(self.reason)), signature='uu'),
            'ActiveConnection': _o(self.ac.path if self.ac else '/'),
            'Ip4Config': _o(self.ip4.path if self.ip4 else '/'),
            'Dhcp4Config': _o('/'),
            'Ip6Config': _o(self.ip6.path if self.ip6 else '/'),
            'Dhcp6Config': _o('/'),
            'Managed': dbus.Boolean(self.managed and self.real),
            'Autoconnect': dbus.Boolean(not self.autoconnect_blocked),
            'FirmwareMissing': dbus.Boolean(False),
            'NmPluginMissing': dbus.Boolean(False),
            'DeviceType': _u(self.devtype),
            'AvailableConnections': _ao(p.path for p in MOCK.available_profiles(self)),
            'PhysicalPortId': dbus.String(''),
            'Mtu': _u(self.mtu),
            'Metered': _u(0),
            'LldpNeighbors': dbus.Array([], signature='a{sv}'),
            'Real': dbus.Boolean(self.real),
            'Ip4Connectivity': _u(1 if self.state == DEV_ACTIVATED else 0),
            'Ip6Connectivity': _u(1 if self.state == DEV_ACTIVATED else 0),
            'InterfaceFlags': _u(self.iface_flags()),
            'HwAddress': dbus.String(self.mac),
            'Ports': _ao(p.path for p in self.ports),
        }
        specific = {'HwAddress': dbus.String(self.mac)}
        if self.dtype in WIRED:
            specific.update({'PermHwAddress': dbus.String(self.perm_mac),
                             'Speed': _u(self.speed if self.carrier else 0),
                             'S390Subchannels': dbus.Array([], signature='s'),
                             'Carrier': dbus.Boolean(self.carrier)})
        elif self.dtype in ('bridge', 'bond'):
            specific.update({'Carrier': dbus.Boolean(self.carrier_now()),
                             'Slaves': _ao(p.path for p in self.ports)})
        elif self.dtype == 'vlan':
            specific.update({'Carrier': dbus.Boolean(self.carrier_now()),
                             'Parent': _o(self.parent.path if self.parent else '/'),
                             'VlanId': _u(self.vlan_id)})
        elif self.dtype == 'loopback':
            specific = {}
        stats = {'RefreshRateMs': _u(0), 'TxBytes': dbus.UInt64(0), 'RxBytes': dbus.UInt64(0)}
        if self.dtype == 'veth':
            peer = self.peer.path if self.peer is not None and self.peer.obj else '/'
            return {DEVICE_IFACE: base, DEVICE_IFACE + '.Wired': specific,
                    self.type_iface: {'Peer': _o(peer)}, DEVICE_IFACE + '.Statistics': stats}
        return {DEVICE_IFACE: base, self.type_iface: specific,
                DEVICE_IFACE + '.Statistics': stats}

    def ip_iface(self):
        if self.dtype == 'loopback' or DEV_PREPARE <= self.state <= DEV_DEACTIVATING:
            return self.name
        return ''

    def sync(self):
        '''Push every property that may have changed; emits only the changed ones.'''
        if not self.obj:
            return
        props = self.all_props()
        for iface, values in props.items():
            if iface == DEVICE_IFACE:
                continue
            self.set(iface, **values)
        self.set(DEVICE_IFACE, **props[DEVICE_IFACE])

    def set_state(self, state, reason):
        old = self.state
        self.state = state
        self.reason = reason
        if self.obj and old != state:
            self.obj.EmitSignal(DEVICE_IFACE, 'StateChanged', 'uuu',
                                [_u(state), _u(old), _u(reason)])
        self.sync()


class IPConfig(Entity):
    '''A device's IP4Config/IP6Config: NM 1.42 keeps one per device for the device's life.'''

    def __init__(self, family, device):
        self.family = family
        self.device = device
        self.iface = IP4_IFACE if family == 4 else IP6_IFACE
        self.compute(None)

    def update(self, conn):
        self.compute(conn)
        self.set(self.iface, **self.props())

    def compute(self, conn):
        '''The addresses NM would configure for profile CONN (None: nothing).'''
        family, device = self.family, self.device
        s = None
        if conn is not None:
            s = conn.get_setting_ip4_config() if family == 4 else conn.get_setting_ip6_config()
        addrs, routes = [], []
        gateway = ''
        if s is not None:
            for i in range(s.get_num_addresses()):
                a = s.get_address(i)
                addrs.append((a.get_address(), a.get_prefix()))
            gateway = s.get_gateway() or ''
            for i in range(s.get_num_routes()):
                r = s.get_route(i)
                routes.append((r.get_dest(), r.get_prefix(), r.get_next_hop() or '',
                               r.get_metric() if r.get_metric() >= 0 else device.metric))
        method = s.get_method() if s is not None else 'disabled'
        if family == 6 and method not in ('disabled',) and device.dtype != 'loopback':
            addrs.insert(0, (eui64_link_local(device.mac), 64))
        for addr, prefix in list(addrs) if device.dtype != 'loopback' else []:
            net = ipaddress.ip_network(f'{addr}/{prefix}', strict=False)
            routes.insert(0, (str(net.network_address), prefix, '', device.metric if
                              family == 4 else (256 if net.is_link_local else device.metric)))
        if gateway:
            routes.append(('0.0.0.0' if family == 4 else '::', 0, gateway, device.metric))
        self.addrs, self.routes, self.gateway = addrs, routes, gateway
        dns = []
        if s is not None:
            dns = [s.get_dns(i) for i in range(s.get_num_dns())]
        self.dns = dns
        self.searches = [s.get_dns_search(i) for i in range(s.get_num_dns_searches())] \
            if s is not None else []

    def props(self):
        address_data = dbus.Array([dbus.Dictionary({'address': dbus.String(a),
                                                    'prefix': _u(p)}, signature='sv')
                                   for a, p in self.addrs], signature='a{sv}')
        route_data = dbus.Array([], signature='a{sv}')
        for dest, prefix, nh, metric in self.routes:
            r = {'dest': dbus.String(dest), 'prefix': _u(prefix), 'metric': _u(metric)}
            if nh:
                r['next-hop'] = dbus.String(nh)
            route_data.append(dbus.Dictionary(r, signature='sv'))
        common = {
            'AddressData': address_data,
            'Gateway': dbus.String(self.gateway),
            'RouteData': route_data,
            'Domains': dbus.Array([], signature='s'),
            'Searches': dbus.Array(self.searches, signature='s'),
            'DnsOptions': dbus.Array([], signature='s'),
            'DnsPriority': dbus.Int32(100),
        }
        if self.family == 4:
            common.update({
                'Addresses': dbus.Array([dbus.Array([_u(ip4_to_u32(a)), _u(p), _u(
                    ip4_to_u32(self.gateway) if self.gateway else 0)], signature='u')
                    for a, p in self.addrs], signature='au'),
                'Routes': dbus.Array([], signature='au'),
                'NameserverData': dbus.Array([dbus.Dictionary({'address': dbus.String(d)},
                                                              signature='sv')
                                              for d in self.dns], signature='a{sv}'),
                'Nameservers': dbus.Array([_u(ip4_to_u32(d)) for d in self.dns], signature='u'),
                'WinsServerData': dbus.Array([], signature='s'),
                'WinsServers': dbus.Array([], signature='u'),
            })
        else:
            common.update({
                'Addresses': dbus.Array([], signature='(ayuay)'),
                'Routes': dbus.Array([], signature='(ayuayu)'),
                'Nameservers': dbus.Array([dbus.ByteArray(ipaddress.IPv6Address(d).packed)
                                           for d in self.dns], signature='ay'),
            })
        return common


def ip4_to_u32(addr):
    # NM's in_addr_t in network byte order, read as a host (little-endian) integer
    return int.from_bytes(ipaddress.IPv4Address(addr).packed, 'little')


def eui64_link_local(mac):
    b = bytearray(int(x, 16) for x in mac.split(':'))
    if len(b) != 6:
        b = bytearray(6)
    b[0] ^= 0x02
    iid = bytes(b[:3]) + b'\xff\xfe' + bytes(b[3:])
    return str(ipaddress.IPv6Address(b'\xfe\x80' + b'\x00' * 6 + iid))


class Active(Entity):
    def __init__(self, profile, device, master):
        self.profile = profile
        self.device = device
        self.master = master
        self.applied = clone(profile.conn)
        self.state = AC_ACTIVATING
        self.flags = 0
        self.version_id = MOCK.next_version()
        self.timer = 0
        self.stp_waited = False

    def props(self):
        conn = self.applied
        return {
            'Connection': _o(self.profile.path if self.profile.obj else '/'),
            'SpecificObject': _o('/'),
            'Id': dbus.String(conn.get_id()),
            'Uuid': dbus.String(conn.get_uuid()),
            'Type': dbus.String(conn.get_connection_type()),
            'Devices': _ao([self.device.path] if self.device.obj else []),
            'State': _u(self.state),
            'StateFlags': _u(self.flags),
            'Default': dbus.Boolean(self.is_default(4)),
            'Ip4Config': _o(self.device.ip4.path if self.device.ip4 else '/'),
            'Dhcp4Config': _o('/'),
            'Default6': dbus.Boolean(self.is_default(6)),
            'Ip6Config': _o(self.device.ip6.path if self.device.ip6 else '/'),
            'Dhcp6Config': _o('/'),
            'Vpn': dbus.Boolean(False),
            # NM's Master is the controller's device, not its active connection
            'Master': _o(self.master.device.path if self.master and self.master.device.obj
                         else '/'),
            'Controller': _o(self.master.device.path if self.master and self.master.device.obj
                             else '/'),
        }

    def is_default(self, family):
        ipc = self.device.ip4 if family == 4 else self.device.ip6
        return bool(self.state == AC_ACTIVATED and ipc is not None and ipc.gateway and
                    self.master is None)

    def sync(self):
        self.set(AC_IFACE, **self.props())

    def set_state(self, state, reason):
        # StateChanged first, as NM sends it before the batched PropertiesChanged: libnm takes
        # the reason from the signal, and a client that sees the new State must see its reason
        self.state = state
        if self.obj:
            self.obj.EmitSignal(AC_IFACE, 'StateChanged', 'uu', [_u(state), _u(reason)])
        self.sync()


class Checkpoint(Entity):
    def __init__(self, devices, timeout, flags):
        self.flags = flags
        self.created = boottime_ms()
        self.timeout = timeout
        self.timer = 0
        self.records = []
        for d in devices:
            rec = {'device': d, 'path': d.path, 'name': d.name, 'type': d.dtype,
                   'software': d.software, 'state': d.state, 'profile': None, 'ac_version': 0}
            if d.ac is not None and DEV_DISCONNECTED < d.state < DEV_DEACTIVATING:
                rec['profile'] = clone(d.ac.profile.conn)
                rec['applied'] = clone(d.ac.applied)
                rec['ac_version'] = d.ac.version_id
            self.records.append(rec)
        self.uuids = {p.uuid for p in MOCK.profiles}

    def props(self):
        return {'Devices': _ao(r['path'] for r in self.records),
                'Created': dbus.Int64(self.created),
                'RollbackTimeout': _u(self.timeout)}


# ---------------------------------------------------------------------------------------------

class Mock:
    '''The whole NetworkManager state.'''

    def __init__(self, mock, parameters):
        self.mock = mock
        self.bus = mock.bus_name.get_bus()
        self.devices = []
        self.profiles = []
        self.actives = []
        self.checkpoints = []
        self.tombstones = {}      # uuid -> disk record hidden by a .nmmeta file in /run
        self.counters = {}
        self.version = 0
        self.fail_next = {}
        self.fail_nth = {}        # method -> [[calls left, error name, message], ...]
        self.call_counts = {}     # method (short and qualified) -> calls received
        self.delays = {}
        self.held = set()         # 'InterfacesAdded' / 'InterfacesRemoved' held back
        self.held_signals = []    # (member, path, interfaces) in the order they were due
        self.outcomes = {}
        self.on_bus = True
        self.activation_ms = int(parameters.get('activation-ms', 50))
        self.dhcp = str(parameters.get('dhcp', 'instant'))
        self.stp_wait_ms = int(parameters.get('bridge-stp-wait-ms', 3000))
        self.nm_version = str(parameters.get('version', '1.42.4'))
        self.autoconnect_pending = 0
        # SetAuthorizationDelay: NM authorizes an autoconnect activation in an idle callback
        # before it exports it; (profile, device) decided on but not yet authorized.
        self.auth_delay_ms = 0
        self.pending_auth = []
        self.control_name = None
        self.control_obj = None

    # ---- object paths and signals
    def next_path(self, kind):
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return f'{NM_PATH}/{kind}/{n}'

    def next_version(self):
        self.version += 1
        return self.version

    def generated_mac(self, name):
        h = 0
        for ch in name:
            h = (h * 131 + ord(ch)) & 0xffffffff
        return '02:4E:4D:%02X:%02X:%02X' % ((h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff)

    def emit_added(self, path):
        if 'InterfacesAdded' in self.held:
            self.held_signals.append(('InterfacesAdded', path, None))
            return
        obj = mockobject.objects[path]
        self.mock.EmitSignal(OM_IFACE, 'InterfacesAdded', 'oa{sa{sv}}', [
            dbus.ObjectPath(path),
            dbus.Dictionary({k: dbus.Dictionary(v, signature='sv') for k, v in obj.props.items()},
                            signature='sa{sv}')])

    def emit_removed(self, path, interfaces):
        if 'InterfacesRemoved' in self.held:
            self.held_signals.append(('InterfacesRemoved', path, list(interfaces)))
            return
        self.mock.EmitSignal(OM_IFACE, 'InterfacesRemoved', 'oas', [
            dbus.ObjectPath(path), dbus.Array(interfaces, signature='s')])

    def hold_signals(self, members):
        for m in members:
            if m not in ('InterfacesAdded', 'InterfacesRemoved'):
                raise manager_error('InvalidArguments', f"cannot hold back '{m}'")
        self.held.update(str(m) for m in members)

    def release_signals(self, deliver):
        '''Send (or drop) what was held back, in order. An InterfacesAdded carries the object's
        properties as they are now (a late signal is still NM's state when it is sent) and is
        dropped when the object has gone meanwhile; an InterfacesRemoved is dropped when the
        path has come back.'''
        self.held.clear()
        pending, self.held_signals = self.held_signals, []
        if not deliver:
            return
        for member, path, interfaces in pending:
            exported = path in mockobject.objects
            if member == 'InterfacesAdded' and exported:
                self.emit_added(path)
            elif member == 'InterfacesRemoved' and not exported:
                self.emit_removed(path, interfaces)

    def emit_props(self, path, iface, changed):
        obj = mockobject.objects.get(path)
        if obj is None:
            return
        obj.EmitSignal(PROPS_IFACE, 'PropertiesChanged', 'sa{sv}as', [
            iface, dbus.Dictionary(changed, signature='sv'), dbus.Array([], signature='s')])

    def emit_props_anywhere(self, path, iface, changed):
        '''PropertiesChanged from NM's connection for any path, exported or not (a stale signal
        for an object that has gone, or one the client has not been told about yet).'''
        msg = dbus.lowlevel.SignalMessage(path, PROPS_IFACE, 'PropertiesChanged')
        msg.append(iface, dbus.Dictionary(changed, signature='sv'), dbus.Array([], signature='s'),
                   signature='sa{sv}as')
        self.bus.send_message(msg)
        self.mock.log(f'emitted PropertiesChanged {path} {iface} '
                      f'{", ".join(sorted(str(k) for k in changed))}')

    # ---- manager object
    def manager_props(self):
        acts = [a for a in self.actives if a.obj]
        activating = next((a for a in acts if a.state == AC_ACTIVATING), None)
        primary = next((a for a in acts if a.is_default(4)), None) or \
            next((a for a in acts if a.is_default(6)), None)
        return {
            'Devices': _ao(d.path for d in self.devices if d.real),
            'AllDevices': _ao(d.path for d in self.devices),
            'Checkpoints': _ao(c.path for c in self.checkpoints),
            'NetworkingEnabled': dbus.Boolean(True),
            'WirelessEnabled': dbus.Boolean(True),
            'WirelessHardwareEnabled': dbus.Boolean(True),
            'WwanEnabled': dbus.Boolean(True),
            'WwanHardwareEnabled': dbus.Boolean(True),
            'WimaxEnabled': dbus.Boolean(False),
            'WimaxHardwareEnabled': dbus.Boolean(False),
            'RadioFlags': _u(0),
            'ActiveConnections': _ao(a.path for a in acts),
            'PrimaryConnection': _o(primary.path if primary else '/'),
            'PrimaryConnectionType': dbus.String(primary.applied.get_connection_type()
                                                 if primary else ''),
            'Metered': _u(0),
            'ActivatingConnection': _o(activating.path if activating else '/'),
            'Startup': dbus.Boolean(False),
            'Version': dbus.String(self.nm_version),
            'VersionInfo': dbus.Array([_u(self.version_code())], signature='u'),
            'Capabilities': dbus.Array([], signature='u'),
            'State': _u(self.nm_state()),
            'Connectivity': _u(1),
            'ConnectivityCheckAvailable': dbus.Boolean(False),
            'ConnectivityCheckEnabled': dbus.Boolean(False),
            'ConnectivityCheckUri': dbus.String(''),
            'GlobalDnsConfiguration': dbus.Dictionary({}, signature='sv'),
        }

    def version_code(self):
        parts = (self.nm_version.split('.') + ['0', '0', '0'])[:3]
        major, minor, micro = (int(x) for x in parts)
        return (major << 16) | (minor << 8) | micro

    def nm_state(self):
        acts = [a for a in self.actives if a.obj]
        if any(a.is_default(4) or a.is_default(6) for a in acts):
            return NMSTATE_GLOBAL
        if any(a.state == AC_ACTIVATED for a in acts):
            return NMSTATE_LOCAL
        if any(a.state == AC_ACTIVATING for a in acts):
            return NMSTATE_CONNECTING
        return NMSTATE_DISCONNECTED

    def sync_manager(self):
        old = self.manager.prop(NM_IFACE, 'State')
        self.manager.set(NM_IFACE, **self.manager_props())
        new = self.manager.prop(NM_IFACE, 'State')
        if old != new:
            self.manager.obj.EmitSignal(NM_IFACE, 'StateChanged', 'u', [_u(new)])

    def sync_settings(self):
        self.settings.set(SETTINGS_IFACE, Connections=_ao(p.path for p in self.profiles))

    # ---- lookups
    def device_by_path(self, path):
        return next((d for d in self.devices if d.path == path), None)

    def device_by_name(self, name):
        return next((d for d in self.devices if d.name == name), None)

    def profile_by_path(self, path):
        return next((p for p in self.profiles if p.path == path), None)

    def profile_by_uuid(self, uuid):
        return next((p for p in self.profiles if p.uuid == uuid), None)

    def active_by_path(self, path):
        return next((a for a in self.actives if a.path == path and a.obj), None)

    def active_of_profile(self, profile):
        return next((a for a in self.actives if a.profile is profile and a.obj and
                     a.state in (AC_ACTIVATING, AC_ACTIVATED)), None)

    def compatible(self, profile, device):
        '''Can profile activate on device (type, interface name, MAC)?'''
        if not device.managed or profile.setting_type() != device.setting_type:
            return False
        name = profile.ifname()
        if name and name != device.name:
            return False
        if device.dtype in WIRED:
            wired = profile.conn.get_setting_wired()
            mac = wired.get_mac_address() if wired else None
            if mac and mac.upper() != device.perm_mac:
                return False
        return True

    def available_profiles(self, device):
        if device.dtype in WIRED and not device.carrier:
            return []
        return [p for p in self.profiles if p.obj and self.compatible(p, device)]

    def sync_available(self):
        for d in self.devices:
            d.set(DEVICE_IFACE, AvailableConnections=_ao(p.path for p in
                                                        self.available_profiles(d)))

    # ---- profiles
    def filename_for(self, directory, profile_id, uuid):
        base = profile_id.replace('/', '*')
        if base.startswith('.'):
            base = '=' + base
        used = set()
        for p in self.profiles:
            if p.uuid == uuid:
                continue
            used.add(p.run_file)
            if p.disk:
                used.add(p.disk['filename'])
        used.update(t['filename'] for t in self.tombstones.values())
        name = f'{directory}/{base}.nmconnection'
        if name in used:
            name = f'{directory}/{base}-{uuid}.nmconnection'
        return name

    def add_profile(self, conn, to_disk, block_autoconnect):
        uuid = conn.get_uuid()
        if self.profile_by_uuid(uuid):
            raise settings_error('UuidExists', f"a connection with UUID '{uuid}' already exists")
        p = Profile(conn)
        hidden = self.tombstones.pop(uuid, None)
        if to_disk:
            filename = hidden['filename'] if hidden else \
                self.filename_for(ETC_DIR, conn.get_id(), uuid)
            p.disk = {'filename': filename, 'conn': clone(conn)}
        else:
            p.in_memory = True
            p.run_file = self.filename_for(RUN_DIR, conn.get_id(), uuid)
            if hidden:
                # re-adding takes the original storage over again, still shadowed
                p.disk = hidden
                p.detached = True
        p.autoconnect_blocked = block_autoconnect
        self.profiles.append(p)
        path = self.next_path('Settings')
        # NM's order (seen on 1.42): InterfacesAdded, NewConnection, then Connections
        p.export(path, {CONN_IFACE: p.storage_props()})
        self.install_connection_methods(p)
        self.settings.obj.EmitSignal(SETTINGS_IFACE, 'NewConnection', 'o', [dbus.ObjectPath(path)])
        self.sync_settings()
        self.sync_placeholders()
        self.sync_available()
        self.schedule_autoconnect()
        return p

    def update_profile(self, p, conn, flags):
        if conn is not None:
            if conn.get_uuid() != p.uuid:
                raise settings_error('InvalidArguments', 'connection.uuid cannot be changed')
            p.conn = conn
        if flags & UPD2_TO_DISK:
            filename = p.disk['filename'] if p.disk else \
                self.filename_for(ETC_DIR, p.conn.get_id(), p.uuid)
            p.disk = {'filename': filename, 'conn': clone(p.conn)}
            p.in_memory, p.run_file, p.detached, p.volatile = False, None, False, False
        elif flags & (UPD2_IN_MEMORY | UPD2_DETACHED | UPD2_ONLY):
            if not p.in_memory:
                p.run_file = self.filename_for(RUN_DIR, p.conn.get_id(), p.uuid)
            p.in_memory = True
            if flags & UPD2_ONLY:
                p.disk = None
                p.detached = False
            elif flags & UPD2_DETACHED:
                p.detached = True
            else:
                p.detached = False
        elif not p.in_memory and p.disk is not None:
            # no storage flag: the profile stays where it is
            p.disk['conn'] = clone(p.conn)
        if flags & UPD2_VOLATILE:
            p.volatile = True
        if flags & UPD2_BLOCK_AUTOCONNECT:
            p.autoconnect_blocked = True
        p.sync_props()
        p.obj.EmitSignal(CONN_IFACE, 'Updated', '', [])
        self.sync_placeholders()
        self.sync_available()
        if p.volatile and self.active_of_profile(p) is None:
            self.delete_profile(p)
            return
        if not flags & UPD2_BLOCK_AUTOCONNECT:
            self.schedule_autoconnect()

    def delete_profile(self, p, keep_tombstone=True):
        ac = self.active_of_profile(p)
        if ac is not None:
            self.deactivate(ac, R_CONNECTION_REMOVED, ACR_CONNECTION_REMOVED, at_once=True)
        if p.in_memory and p.detached and p.disk and keep_tombstone:
            self.tombstones[p.uuid] = p.disk
        self.profiles.remove(p)
        path = p.path
        # NM's order (seen on 1.42): Connections, Removed, ConnectionRemoved, InterfacesRemoved
        self.sync_settings()
        p.obj.EmitSignal(CONN_IFACE, 'Removed', '', [])
        self.settings.obj.EmitSignal(SETTINGS_IFACE, 'ConnectionRemoved', 'o',
                                     [dbus.ObjectPath(path)])
        p.unexport()
        self.sync_placeholders()
        self.sync_available()

    # ---- devices
    def add_device(self, name, dtype, mac='', **opts):
        if dtype not in DEVICE_TYPES:
            raise manager_error('InvalidArguments', f"unknown device type '{dtype}'")
        if self.device_by_name(name):
            raise manager_error('InvalidArguments', f"device '{name}' already exists")
        d = Device(name, dtype, mac, **opts)
        self.export_device(d)
        self.schedule_autoconnect()
        return d

    def export_device(self, d):
        path = self.next_path('Devices')
        d.ip4, d.ip6 = IPConfig(4, d), IPConfig(6, d)
        d.ip4.export(self.next_path('IP4Config'), {IP4_IFACE: d.ip4.props()})
        d.ip6.export(self.next_path('IP6Config'), {IP6_IFACE: d.ip6.props()})
        self.devices.append(d)
        d.export(path, d.all_props())
        self.install_device_methods(d)
        if d.real:
            self.emit_device_added_removed(d, True)
        self.sync_manager()

    def emit_device_added_removed(self, d, added):
        '''Manager.DeviceAdded/DeviceRemoved: NM sends them when a device becomes or stops
        being real (in Devices), right before the Devices PropertiesChanged.'''
        self.manager.obj.EmitSignal(NM_IFACE, 'DeviceAdded' if added else 'DeviceRemoved', 'o',
                                    [dbus.ObjectPath(d.path)])

    def remove_device(self, d):
        if d.ac is not None:
            self.deactivate(d.ac, R_REMOVED, ACR_DEVICE_REMOVED, at_once=True)
        for child in [x for x in self.devices if x.parent is d]:
            self.remove_device(child)
        if d in self.devices:
            # NM's order (nm-manager.c remove_device(), seen on 1.42): DeviceRemoved, out of
            # Devices and AllDevices (PropertiesChanged), then the object goes (InterfacesRemoved)
            self.devices.remove(d)
            if d.real:
                self.emit_device_added_removed(d, False)
            self.sync_manager()
            d.unexport()
            d.ip4.unexport()
            d.ip6.unexport()

    def software_device_for(self, profile):
        '''The software device a profile activates on, created (realized) if needed.'''
        name = profile.ifname()
        dtype = SETTING_TO_DEVTYPE[profile.setting_type()]
        d = self.device_by_name(name)
        if d is not None and d.dtype != dtype:
            raise manager_error('UnknownDevice', f"No suitable device found for this "
                                f"connection (device {name} has another type).")
        if d is not None and d.real:
            return d
        opts = {}
        if dtype == 'vlan':
            vs = profile.conn.get_setting_vlan()
            parent = self.resolve_parent(vs.get_parent())
            if parent is None:
                raise manager_error('DependencyFailed', f"Failed to find a compatible device "
                                    f"for this connection: parent '{vs.get_parent()}' is missing")
            opts = {'parent': parent, 'vlan-id': vs.get_id()}
            mac = parent.mac
        else:
            mac = ''
        wired = profile.conn.get_setting_wired()
        cloned = wired.get_cloned_mac_address() if wired else None
        if cloned and ':' in cloned:
            mac = cloned
        if wired and wired.get_mtu():
            opts['mtu'] = wired.get_mtu()
        if d is None:
            return self.add_device(name, dtype, mac, **opts)
        # the placeholder NM keeps for the profile becomes real, keeping its object path
        d.real = True
        d.mac = d.perm_mac = (mac or self.generated_mac(name)).upper()
        d.mtu = d.initial_mtu = int(opts.get('mtu', 1500))
        d.parent = opts.get('parent')
        d.vlan_id = int(opts.get('vlan-id', 0))
        d.state, d.reason = DEV_DISCONNECTED, R_NONE
        d.sync()
        self.emit_device_added_removed(d, True)
        self.sync_manager()
        return d

    def sync_placeholders(self):
        '''NM keeps an unrealized device (AllDevices only, state UNMANAGED, Real false) for every
        software profile whose interface does not exist, and drops it with the last profile.'''
        wanted = {}
        for p in self.profiles:
            dtype = SETTING_TO_DEVTYPE.get(p.setting_type())
            if dtype and DEVICE_TYPES[dtype][3] and p.ifname():
                wanted.setdefault(p.ifname(), dtype)
        for d in [d for d in self.devices if not d.real]:
            if wanted.get(d.name) != d.dtype:
                self.remove_device(d)
        for name, dtype in wanted.items():
            if self.device_by_name(name) is None:
                d = Device(name, dtype, '')
                d.real = False
                d.mac = d.perm_mac = ''
                d.state = DEV_UNMANAGED
                self.export_device(d)

    def unrealize(self, d, reason=R_NONE):
        '''A software device whose link went away: back to a placeholder, or gone.'''
        for port in list(d.ports):
            self.release_port(port)
        d.real = False
        d.mac = d.perm_mac = ''
        d.stale_flags = 0x1           # NM 1.42 leaves the last IFF_UP on the placeholder
        d.state, d.reason = DEV_UNMANAGED, reason
        d.sync()
        self.emit_device_added_removed(d, False)
        self.sync_manager()
        self.sync_placeholders()

    def resolve_parent(self, parent):
        if not parent:
            return None
        d = self.device_by_name(parent)
        if d is not None:
            return d
        p = self.profile_by_uuid(parent)
        if p is not None and p.ifname():
            return self.device_by_name(p.ifname())
        return None

    # ---- activation
    def find_device(self, profile):
        stype = profile.setting_type()
        if stype not in SETTING_TO_DEVTYPE or stype == 'loopback':
            raise manager_error('UnknownDevice', 'No suitable device found for this connection.')
        if DEVICE_TYPES[SETTING_TO_DEVTYPE[stype]][3]:
            if not profile.ifname():
                raise manager_error('UnknownDevice', 'No suitable device found for this '
                                    'connection (missing interface name).')
            return self.software_device_for(profile)
        candidates = [d for d in self.devices if self.compatible(profile, d)]
        if not candidates:
            name = profile.ifname()
            raise manager_error('UnknownDevice', f"No suitable device found for this connection"
                                f" (device {name or 'any'} not available because profile is not"
                                f" compatible with device).")
        ready = [d for d in candidates if d.state >= DEV_DISCONNECTED]
        if not ready:
            raise manager_error('UnknownDevice', f"No suitable device found for this connection "
                                f"(device {candidates[0].name} not available because device has"
                                f" no carrier).")
        idle = [d for d in ready if d.ac is None]
        return (idle or ready)[0]

    def find_controller(self, profile):
        '''The controller profile a port profile names (interface name or UUID).'''
        ref = profile.controller()
        want = {'bridge': 'bridge', 'bond': 'bond'}.get(profile.port_type())
        p = self.profile_by_uuid(ref)
        if p is not None:
            return p
        cands = [p for p in self.profiles if p.ifname() == ref and p.setting_type() == want]
        active = [p for p in cands if self.active_of_profile(p)]
        return (active or cands or [None])[0]

    def activate(self, profile, device=None, user=True):
        if user:
            profile.autoconnect_blocked = False
        master = None
        path = None
        if profile.controller():
            cp = self.find_controller(profile)
            if cp is None:
                raise manager_error('DependencyFailed',
                                    f"Master connection '{profile.controller()}' not found")
            master = self.active_of_profile(cp)
            if master is None:
                # NM creates the port's active connection first, then the controller's
                path = self.next_path('ActiveConnection')
                master = self.activate(cp, None, user=False)
        if device is not None and not device.real and device.software:
            device = self.software_device_for(profile) if self.compatible(profile, device) \
                else device
        if device is None:
            device = self.find_device(profile)
        elif not self.compatible(profile, device):
            raise manager_error('ConnectionNotAvailable',
                                f"Connection '{profile.conn.get_id()}' is not available on device "
                                f"{device.name} because profile is not compatible with device")
        elif device.state < DEV_DISCONNECTED:
            raise manager_error('ConnectionNotAvailable',
                                f"Connection '{profile.conn.get_id()}' is not available on device "
                                f"{device.name} because device is not available")
        if user:
            device.autoconnect_blocked = False
        old = self.active_of_profile(profile)
        if old is not None:
            self.deactivate(old, R_NEW_ACTIVATION, ACR_DEVICE_DISCONNECTED, at_once=True)
        if device.ac is not None:
            self.deactivate(device.ac, R_NEW_ACTIVATION, ACR_DEVICE_DISCONNECTED, at_once=True)
            if device not in self.devices:       # a software device went away with it
                device = self.find_device(profile)
        ac = Active(profile, device, master)
        self.apply_link(device, ac.applied)
        if master is not None:
            ac.flags |= ASF_IS_SLAVE
        if profile.setting_type() in ('bridge', 'bond'):
            ac.flags |= ASF_IS_MASTER
        self.actives.append(ac)
        device.ac = ac
        ac.export(path or self.next_path('ActiveConnection'), {AC_IFACE: ac.props()})
        device.set_state(DEV_PREPARE, R_NONE)
        ac.sync()
        self.sync_manager()
        steps = [DEV_CONFIG, DEV_IP_CONFIG, DEV_IP_CHECK, DEV_SECONDARIES, DEV_ACTIVATED]
        ac.timer = GLib.timeout_add(max(1, self.activation_ms // len(steps)),
                                    self.activation_step, ac, steps)
        return ac

    def activation_step(self, ac, steps):
        if ac.state != AC_ACTIVATING or ac.device.ac is not ac or not self.on_bus and False:
            ac.timer = 0
            return False
        d = ac.device
        nxt = steps[0]
        if nxt == DEV_IP_CONFIG and ac.master is not None and (
                ac.master.state != AC_ACTIVATED and ac.master.device.state < DEV_IP_CONFIG):
            if ac.master.state != AC_ACTIVATING:
                ac.timer = 0
                self.fail(ac, R_DEPENDENCY_FAILED, ACR_DEPENDENCY_FAILED)
                return False
            return True                            # the controller is not ready for ports yet
        if nxt == DEV_IP_CHECK and self.stp_holds_carrier(ac):
            # NM waits for the bridge's carrier, which STP holds back once a port is in
            ac.stp_waited = True
            ac.timer = GLib.timeout_add(self.stp_wait_ms, self.resume_activation, ac, steps)
            return False
        outcome = self.outcomes.get(d.name, 'success')
        if nxt == DEV_IP_CONFIG and outcome == 'hang':
            d.set_state(DEV_IP_CONFIG, R_NONE)
            ac.timer = 0
            return False
        if nxt == DEV_IP_CHECK and not self.ip_completes(ac.applied):
            # waits for DHCP/RA that never come, then fails as NM does
            ac.timer = GLib.timeout_add(self.dhcp_timeout_ms(ac.applied), self.ip_timeout, ac)
            return False
        if nxt == DEV_IP_CONFIG and outcome.startswith('fail'):
            reason = int(outcome.split(':', 1)[1]) if ':' in outcome else 1
            ac.timer = 0
            self.fail(ac, reason, ACR_DEVICE_DISCONNECTED)
            return False
        steps.pop(0)
        if nxt == DEV_IP_CONFIG and ac.master is not None:
            ctl = ac.master.device
            d.controller = ctl
            if d not in ctl.ports:
                ctl.ports.append(d)
            self.follow_port_mac(ctl)
            ctl.sync()
            ac.master.flags |= ASF_MASTER_HAS_SLAVES
            ac.master.sync()
        if nxt == DEV_ACTIVATED:
            if ac.master is None:
                self.configure_ip(d, ac.applied)
            ac.flags |= ASF_L2_READY | ASF_IP4_READY | ASF_IP6_READY
            d.set_state(DEV_ACTIVATED, R_NONE)
            ac.set_state(AC_ACTIVATED, ACR_NONE)
            self.sync_manager()
            for port in d.ports:
                port.sync()
            ac.timer = 0
            return False
        d.set_state(nxt, R_NONE)
        return True

    def configure_ip(self, d, conn):
        d.ip4.update(conn)
        d.ip6.update(conn)

    def clear_ipconfig(self, d):
        if d.ip4 is not None:
            self.configure_ip(d, None)

    def apply_link(self, d, conn):
        '''What NM sets on the link when activating: MTU and cloned MAC address.'''
        wired = conn.get_setting_wired()
        if wired is None:
            return
        if wired.get_mtu():
            d.mtu = wired.get_mtu()
        cloned = wired.get_cloned_mac_address()
        if cloned and len(cloned.split(':')) == 6:
            d.mac = cloned.upper()
            d.mac_fixed = True
        d.sync()

    def restore_link(self, d):
        '''NM puts back the permanent MAC address and the initial MTU on deactivation.'''
        if d.software:
            return
        d.mac = d.perm_mac
        d.mtu = d.initial_mtu
        d.sync()

    def follow_port_mac(self, ctl):
        '''The kernel gives a bridge the lowest port MAC, a bond its first port's MAC.'''
        if getattr(ctl, 'mac_fixed', False) or not ctl.ports:
            return
        if ctl.dtype == 'bridge':
            ctl.mac = min(p.mac for p in ctl.ports)
        elif ctl.dtype == 'bond':
            ctl.mac = ctl.ports[0].mac
            for p in ctl.ports:
                p.mac = ctl.mac
                p.sync()
        ctl.sync()

    def ip_completes(self, conn):
        '''With no DHCP server and no router: does IP configuration finish (NM's may-fail)?'''
        if self.dhcp == 'instant' or conn.get_setting_connection().get_master():
            return True
        s4, s6 = conn.get_setting_ip4_config(), conn.get_setting_ip6_config()
        m4 = s4.get_method() if s4 else 'disabled'
        m6 = s6.get_method() if s6 else 'disabled'
        ready4 = m4 != 'auto'
        ready6 = m6 not in ('auto', 'dhcp')
        must4 = s4 is not None and not s4.get_may_fail() and m4 != 'disabled'
        must6 = s6 is not None and not s6.get_may_fail() and m6 not in ('disabled', 'ignore')
        return (ready4 or not must4) and (ready6 or not must6) and (ready4 or ready6)

    def dhcp_timeout_ms(self, conn):
        s4 = conn.get_setting_ip4_config()
        t = s4.get_dhcp_timeout() if s4 else 0
        return (t if 0 < t < 0x7fffffff else 45) * 1000

    def stp_holds_carrier(self, ac):
        if ac.stp_waited or not self.stp_wait_ms or ac.device.dtype != 'bridge':
            return False
        s_br = ac.applied.get_setting_bridge()
        if s_br is None or not s_br.get_stp():
            return False
        return bool(ac.device.ports) or any(
            a.master is ac and a.obj and a.state == AC_ACTIVATING for a in self.actives)

    def resume_activation(self, ac, steps):
        ac.timer = 0
        if ac.obj and ac.state == AC_ACTIVATING and ac.device.ac is ac:
            if self.activation_step(ac, steps):
                ac.timer = GLib.timeout_add(max(1, self.activation_ms // 5),
                                            self.activation_step, ac, steps)
        return False

    def ip_timeout(self, ac):
        ac.timer = 0
        if ac.obj and ac.state == AC_ACTIVATING and ac.device.ac is ac:
            self.fail(ac, 5, ACR_DEVICE_DISCONNECTED)   # IP_CONFIG_UNAVAILABLE
        return False

    def release_port(self, d):
        ctl = d.controller
        if ctl is not None:
            d.controller = None
            if d in ctl.ports:
                ctl.ports.remove(d)
            ctl.sync()

    def fail(self, ac, dev_reason, ac_reason):
        d = ac.device
        self.deactivate_ports(d)
        self.release_port(d)
        self.clear_ipconfig(d)
        d.set_state(DEV_FAILED, dev_reason)
        ac.set_state(AC_DEACTIVATED, ac_reason)
        self.finish_deactivation(ac, DEV_DISCONNECTED, R_NONE)

    def deactivate_ports(self, d):
        for port in list(d.ports):
            if port.ac is not None:
                self.deactivate(port.ac, R_DEPENDENCY_FAILED, ACR_DEPENDENCY_FAILED, at_once=True)
        for a in [a for a in self.actives if a.master is d.ac and a.obj and
                  a.state == AC_ACTIVATING]:
            self.deactivate(a, R_DEPENDENCY_FAILED, ACR_DEPENDENCY_FAILED, at_once=True)

    def deactivate(self, ac, dev_reason, ac_reason, at_once=False):
        if ac.timer:
            GLib.source_remove(ac.timer)
            ac.timer = 0
        d = ac.device
        self.deactivate_ports(d)
        d.set_state(DEV_DEACTIVATING, dev_reason)
        # NM 1.42 (seen on the bus): DEACTIVATING carries reason UNKNOWN, DEACTIVATED the real one
        ac.set_state(AC_DEACTIVATING, 0)
        if at_once:
            self.finish_deactivation(ac, DEV_DISCONNECTED, dev_reason, ac_reason)
        else:
            GLib.timeout_add(max(1, self.activation_ms // 5), self.finish_deactivation,
                             ac, DEV_DISCONNECTED, dev_reason, ac_reason)

    def finish_deactivation(self, ac, state, dev_reason, ac_reason=None):
        d = ac.device
        self.release_port(d)
        self.clear_ipconfig(d)
        if d.ac is ac:
            d.ac = None
            self.restore_link(d)
        if ac_reason is not None and ac.state != AC_DEACTIVATED:
            ac.set_state(AC_DEACTIVATED, ac_reason)
        if d in self.devices and d.ac is None:
            d.set_state(state if d.carrier or d.software else DEV_UNAVAILABLE, dev_reason)
        if ac in self.actives:
            self.actives.remove(ac)
        ac.unexport()
        if d.software and d.ac is None and d in self.devices and d.real:
            self.unrealize(d, dev_reason)
        self.sync_manager()
        p = ac.profile
        if p.volatile and p in self.profiles and self.active_of_profile(p) is None:
            self.delete_profile(p)
        self.schedule_autoconnect()
        return False

    def schedule_autoconnect(self):
        if not self.autoconnect_pending:
            self.autoconnect_pending = GLib.idle_add(self.autoconnect)

    def autoconnect(self):
        self.autoconnect_pending = 0
        for p in list(self.profiles):
            if not p.autoconnect() or p.autoconnect_blocked or p.volatile or \
                    self.active_of_profile(p) is not None or \
                    any(q is p for q, _ in self.pending_auth):
                continue
            stype = p.setting_type()
            if stype not in SETTING_TO_DEVTYPE:
                continue
            if DEVICE_TYPES[SETTING_TO_DEVTYPE[stype]][3]:
                d = self.device_by_name(p.ifname() or '')
                if d is not None and d.ac is not None:
                    continue
                if stype == 'vlan' and self.resolve_parent(p.conn.get_setting_vlan().get_parent()) \
                        is None:
                    continue
                target = None
            else:
                free = [d for d in self.devices if self.compatible(p, d) and d.ac is None and
                        d.state == DEV_DISCONNECTED and not d.autoconnect_blocked]
                if not free:
                    continue
                target = free[0]
            if p.controller() and self.find_controller(p) is None:
                continue
            if self.auth_delay_ms:
                self.pending_auth.append((p, target))
                GLib.timeout_add(self.auth_delay_ms, self.finish_authorizations)
                continue
            self.autoactivate(p, target)
        return False

    def autoactivate(self, p, target):
        try:
            self.activate(p, target, user=False)
        except dbus.exceptions.DBusException:
            pass

    def finish_authorizations(self):
        """Starts the autoconnect activations still waiting for their authorization. NM runs
        its authorization callbacks in order, so a call it authorizes too (GetPermissions,
        DeactivateConnection) is answered after them; NM does not look at the profile's
        autoconnect block again at this point."""
        pending, self.pending_auth = self.pending_auth, []
        for p, target in pending:
            if p in self.profiles:
                self.autoactivate(p, target)
        return False

    # ---- checkpoints
    def create_checkpoint(self, device_paths, timeout, flags):
        if flags & CP_DESTROY_ALL:
            for cp in list(self.checkpoints):
                self.destroy_checkpoint(cp)
        if device_paths:
            devices = []
            for path in device_paths:
                d = self.device_by_path(path)
                if d is None:
                    raise manager_error('UnknownDevice', f"device {path} does not exist")
                devices.append(d)
        else:
            devices = [d for d in self.devices if d.real]   # unmanaged ones too
        if not flags & CP_ALLOW_OVERLAPPING:
            for cp in self.checkpoints:
                for r in cp.records:
                    if r['device'] in devices:
                        raise manager_error('InvalidArguments',
                                            f"device '{r['name']}' is already included in "
                                            f"checkpoint {cp.path}")
        cp = Checkpoint(devices, timeout, flags)
        self.checkpoints.append(cp)
        cp.export(self.next_path('Checkpoint'), {CP_IFACE: cp.props()})
        self.arm_checkpoint(cp)
        self.sync_manager()
        return cp

    def arm_checkpoint(self, cp):
        if cp.timer:
            GLib.source_remove(cp.timer)
            cp.timer = 0
        if cp.timeout:
            remaining = cp.created + cp.timeout * 1000 - boottime_ms()
            cp.timer = GLib.timeout_add(max(0, remaining), self.checkpoint_expired, cp)

    def checkpoint_expired(self, cp):
        cp.timer = 0
        if cp in self.checkpoints:
            self.rollback(cp)
        return False

    def destroy_checkpoint(self, cp):
        if cp.timer:
            GLib.source_remove(cp.timer)
            cp.timer = 0
        if cp in self.checkpoints:
            self.checkpoints.remove(cp)
        cp.unexport()
        self.sync_manager()

    def restore_profile(self, rec):
        '''NM 1.42 restore_and_activate_connection(): the profile part.'''
        saved = rec['profile']
        p = self.profile_by_uuid(saved.get_uuid())
        need_activation = False
        if p is not None:
            if not same_settings(saved, p.conn):
                p.conn = clone(saved)
                if not p.in_memory and p.disk is not None:
                    p.disk['conn'] = clone(saved)
                p.obj.EmitSignal(CONN_IFACE, 'Updated', '', [])
                self.sync_available()
                need_activation = True
            ac = self.active_of_profile(p)
            if ac is None or ac.version_id != rec['ac_version']:
                need_activation = True
        else:
            p = self.add_profile(clone(saved), to_disk=True, block_autoconnect=False)
            need_activation = True
        return p, need_activation

    def rollback(self, cp):
        results = {}
        for rec in cp.records:
            result = RB_OK
            d = rec['device'] if rec['device'] in self.devices and rec['device'].real else None
            if d is None:
                if rec['profile'] is not None:
                    self.restore_profile(rec)
                    # 1.42: a software device that went away is not recreated
                    result = RB_FAILED
                results[rec['path']] = result
                continue
            if rec['state'] == DEV_UNMANAGED:
                results[rec['path']] = RB_OK
                continue
            if not d.managed:
                results[rec['path']] = RB_UNMANAGED
                continue
            if rec['profile'] is not None:
                p, need_activation = self.restore_profile(rec)
                if need_activation:
                    try:
                        self.activate(p, d, user=False)
                    except dbus.exceptions.DBusException:
                        result = RB_FAILED
            elif d.ac is not None and DEV_DISCONNECTED < d.state < DEV_DEACTIVATING:
                self.deactivate(d.ac, R_USER_REQUESTED, ACR_DEVICE_DISCONNECTED, at_once=True)
            results[rec['path']] = result
        if cp.flags & CP_DELETE_NEW:
            for p in list(self.profiles):
                if p.uuid not in cp.uuids:
                    self.delete_profile(p, keep_tombstone=False)
        if cp.flags & CP_DISCONNECT_NEW:
            known = {r['device'] for r in cp.records}
            for d in list(self.devices):
                if d not in known and d.ac is not None:
                    self.deactivate(d.ac, R_USER_REQUESTED, ACR_DEVICE_DISCONNECTED, at_once=True)
        self.destroy_checkpoint(cp)
        return results

    # ---- lifecycle faults
    def drop_off_bus(self):
        if not self.on_bus:
            return
        for cp in list(self.checkpoints):
            self.destroy_checkpoint(cp)
        self.on_bus = False
        self.bus.release_name(BUS_NAME)

    def come_back(self):
        if self.on_bus:
            return
        self.bus.request_name(BUS_NAME, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
        self.on_bus = True

    def restart(self):
        '''NM exits and starts again: checkpoints are gone, profiles and active connections are
        loaded again, every object gets a fresh path numbered from 1 as a new NM process does.'''
        self.drop_off_bus()
        for d in self.devices:
            d.unexport()
            d.ip4.unexport()
            d.ip6.unexport()
        for p in self.profiles:
            p.unexport()
        actives = [a for a in self.actives if a.obj]
        for a in actives:
            a.unexport()
        self.counters = {}
        for d in self.devices:
            path = self.next_path('Devices')
            d.ip4.export(self.next_path('IP4Config'), {IP4_IFACE: d.ip4.props()})
            d.ip6.export(self.next_path('IP6Config'), {IP6_IFACE: d.ip6.props()})
            d.export(path, d.all_props())
            self.install_device_methods(d)
        for p in self.profiles:
            p.export(self.next_path('Settings'), {CONN_IFACE: p.storage_props()})
            self.install_connection_methods(p)
        for a in actives:
            a.export(self.next_path('ActiveConnection'), {AC_IFACE: a.props()})
        for a in actives:
            a.sync()
        for d in self.devices:
            d.sync()
        self.sync_settings()
        self.sync_available()
        self.sync_manager()
        self.come_back()

    def reboot(self):
        for cp in list(self.checkpoints):
            self.destroy_checkpoint(cp)
        for ac in [a for a in self.actives if a.obj]:
            if ac.obj:
                self.deactivate(ac, R_NONE, ACR_DEVICE_DISCONNECTED, at_once=True)
        for d in [d for d in self.devices if d.software and d.real]:
            self.unrealize(d)
        for p in list(self.profiles):
            if not p.in_memory:
                p.autoconnect_blocked = False
                continue
            if p.disk is None:
                self.delete_profile(p, keep_tombstone=False)
                continue
            p.conn = clone(p.disk['conn'])
            p.in_memory, p.run_file, p.detached, p.volatile = False, None, False, False
            p.autoconnect_blocked = False
            p.sync_props()
            p.obj.EmitSignal(CONN_IFACE, 'Updated', '', [])
        tombstones, self.tombstones = self.tombstones, {}
        for disk in tombstones.values():
            p = self.add_profile(clone(disk['conn']), to_disk=True, block_autoconnect=False)
            p.disk = disk
            p.sync_props()
        for d in self.devices:
            d.autoconnect_blocked = False
            d.sync()
            if d.dtype == 'loopback' and d.ac is None:
                self.connect_loopback_externally(d)
        self.sync_available()
        self.schedule_autoconnect()

    # ---- D-Bus method plumbing: faults and delays apply to every NM method
    def take_fault(self, iface, name):
        '''Counts the call, then: the error of a FailNth whose turn it is, else the next queued
        FailNext error, else None.'''
        keys = (f'{iface}.{name}', name)
        for key in keys:
            self.call_counts[key] = self.call_counts.get(key, 0) + 1
        due = []
        for key in keys:
            for entry in self.fail_nth.get(key, []):
                entry[0] -= 1
                if entry[0] <= 0:
                    due.append((key, entry))
        if due:
            # one failure per call; another one due now fails the next call
            key, entry = due[0]
            self.fail_nth[key].remove(entry)
            return NMError(entry[1], entry[2])
        for key in keys:
            queue = self.fail_next.get(key)
            if queue:
                err, msg = queue.pop(0)
                return NMError(err, msg)
        return None

    def delay_for(self, iface, name):
        for key in (f'{iface}.{name}', name, '*'):
            if key in self.delays:
                return self.delays[key]
        return 0

    def add_method(self, entity_or_obj, iface, name, in_sig, out_sig, impl, faults=True):
        obj = entity_or_obj.obj if isinstance(entity_or_obj, Entity) else entity_or_obj
        n_out = len(list(dbus.Signature(out_sig)))
        state = self

        def run(args, reply, error):
            if obj is not self.control_obj and mockobject.objects.get(obj.path) is not obj:
                # a delayed call whose object went meanwhile: NM (GDBus 2.74) would have got it
                # after the object was unexported, and answers so (verified on NM 1.42)
                error(NMError('org.freedesktop.DBus.Error.UnknownMethod',
                              f'Object does not exist at path \u201c{obj.path}\u201d'))
                return False
            try:
                ret = impl(*args)
            except dbus.exceptions.DBusException as e:
                error(e)
                return False
            except Exception as e:  # pylint: disable=broad-except
                obj.log(f'{name} crashed: {e!r}')
                error(NMError(NM_IFACE + '.Failed', f'mock: {e!r}'))
                return False
            if n_out == 0:
                reply()
            elif n_out == 1:
                reply(ret)
            else:
                reply(*ret)
            return False

        def method(self_obj, *args, _reply=None, _error=None):
            self_obj.log(f'{iface}.{name}{mockobject._format_args(args)}')  # pylint: disable=W0212
            self_obj.call_log.append((int(time.time()), str(name), list(args)))
            if faults:
                fault = state.take_fault(iface, name)
                if fault is not None:
                    _error(fault)
                    return
                delay = state.delay_for(iface, name)
                if delay:
                    GLib.timeout_add(delay, run, args, _reply, _error)
                    return
            run(args, _reply, _error)

        method.__name__ = str(name)
        method._dbus_is_method = True
        method._dbus_async_callbacks = ('_reply', '_error')
        method._dbus_interface = iface
        method._dbus_in_signature = in_sig
        method._dbus_out_signature = out_sig
        method._dbus_sender_keyword = None
        method._dbus_path_keyword = None
        method._dbus_rel_path_keyword = None
        method._dbus_destination_keyword = None
        method._dbus_message_keyword = None
        method._dbus_connection_keyword = None
        method._dbus_args = [f'arg{i}' for i in range(len(list(dbus.Signature(in_sig))))]
        method._dbus_get_args_options = {'byte_arrays': False}
        obj.methods.setdefault(iface, {})[str(name)] = (in_sig, out_sig, '', method)

    # ---- NM D-Bus API
    def install(self, parameters):
        self.add_method(self.mock, OM_IFACE, 'GetManagedObjects', '', 'a{oa{sa{sv}}}',
                        self.get_managed_objects)
        self.manager = Entity()
        self.manager.export(NM_PATH, {NM_IFACE: {}})
        self.manager.obj.props[NM_IFACE] = dbus.Dictionary(self.manager_props(), signature='sv')
        m = self.manager
        self.add_method(m, NM_IFACE, 'GetDevices', '', 'ao',
                        lambda: _ao(d.path for d in self.devices if d.real))
        self.add_method(m, NM_IFACE, 'GetAllDevices', '', 'ao',
                        lambda: _ao(d.path for d in self.devices))
        self.add_method(m, NM_IFACE, 'GetDeviceByIpIface', 's', 'o', self.get_device_by_ip_iface)
        self.add_method(m, NM_IFACE, 'ActivateConnection', 'ooo', 'o', self.activate_connection)
        self.add_method(m, NM_IFACE, 'DeactivateConnection', 'o', '',
                        lambda path: (self.finish_authorizations(),
                                      self.deactivate_connection(path))[1])
        self.add_method(m, NM_IFACE, 'GetPermissions', '', 'a{ss}', lambda: (
            self.finish_authorizations(),
            dbus.Dictionary({NM_IFACE + '.' + p: 'yes' for p in PERMISSIONS},
                            signature='ss'))[1])
        self.add_method(m, NM_IFACE, 'state', '', 'u', lambda: _u(self.nm_state()))
        self.add_method(m, NM_IFACE, 'CheckpointCreate', 'aouu', 'o', self.checkpoint_create)
        self.add_method(m, NM_IFACE, 'CheckpointDestroy', 'o', '', self.checkpoint_destroy)
        self.add_method(m, NM_IFACE, 'CheckpointRollback', 'o', 'a{su}', self.checkpoint_rollback)
        self.add_method(m, NM_IFACE, 'CheckpointAdjustRollbackTimeout', 'ou', '',
                        self.checkpoint_adjust)

        self.settings = Entity()
        self.settings.export(SETTINGS_PATH, {SETTINGS_IFACE: {
            'Connections': _ao([]), 'Hostname': dbus.String('nmiface-mock'),
            'CanModify': dbus.Boolean(True)}})
        s = self.settings
        self.add_method(s, SETTINGS_IFACE, 'ListConnections', '', 'ao',
                        lambda: _ao(p.path for p in self.profiles))
        self.add_method(s, SETTINGS_IFACE, 'GetConnectionByUuid', 's', 'o', self.get_by_uuid)
        self.add_method(s, SETTINGS_IFACE, 'AddConnection', 'a{sa{sv}}', 'o',
                        lambda c: _o(self.add_connection2(c, ADD2_TO_DISK, {})[0]))
        self.add_method(s, SETTINGS_IFACE, 'AddConnectionUnsaved', 'a{sa{sv}}', 'o',
                        lambda c: _o(self.add_connection2(c, ADD2_IN_MEMORY, {})[0]))
        self.add_method(s, SETTINGS_IFACE, 'AddConnection2', 'a{sa{sv}}ua{sv}', 'oa{sv}',
                        self.add_connection2)
        self.add_method(s, SETTINGS_IFACE, 'SaveHostname', 's', '', lambda h: None)

        dns = Entity()
        dns.export(NM_PATH + '/DnsManager', {NM_IFACE + '.DnsManager': {
            'Mode': dbus.String('default'), 'RcManager': dbus.String('unmanaged'),
            'Configuration': dbus.Array([], signature='a{sv}')}})
        agents = Entity()
        agents.export(NM_PATH + '/AgentManager', {NM_IFACE + '.AgentManager': {}})
        for meth, sig in (('Register', 's'), ('RegisterWithCapabilities', 'su'),
                          ('Unregister', '')):
            self.add_method(agents, NM_IFACE + '.AgentManager', meth, sig, '',
                            lambda *a: None)

        if parameters.get('loopback', True):
            self.connect_loopback_externally(self.add_device('lo', 'loopback',
                                                             '00:00:00:00:00:00'))
        specs = parse_devices(parameters.get('devices', DEFAULT_DEVICES))
        for spec in specs:
            opts = {k: v for k, v in spec.items() if k not in ('name', 'type', 'mac', 'peer')}
            if 'parent' in opts:
                opts['parent'] = self.device_by_name(opts['parent'])
            self.add_device(spec['name'], spec['type'], spec.get('mac', ''), **opts)
        # veth peers: given by "peer", or consecutive veths in the list pair up
        unpaired = None
        for spec in specs:
            if spec['type'] != 'veth':
                continue
            d = self.device_by_name(spec['name'])
            peer = self.device_by_name(spec['peer']) if spec.get('peer') else None
            if peer is None and d.peer is None:
                if unpaired is None:
                    unpaired = d
                    continue
                peer, unpaired = unpaired, None
            if peer is not None:
                d.peer, peer.peer = peer, d
                d.sync()
                peer.sync()
        self.install_control()

    def connect_loopback_externally(self, d):
        '''NM 1.42 shows lo "connected (externally)" with a generated in-memory profile.'''
        conn = NM.SimpleConnection.new()
        s_con = NM.SettingConnection.new()
        s_con.props.id = 'lo'
        s_con.props.uuid = NM.utils_uuid_generate()
        s_con.props.type = 'loopback'
        s_con.props.interface_name = 'lo'
        s_con.props.autoconnect = False
        s_con.props.timestamp = int(time.time())
        conn.add_setting(s_con)
        conn.add_setting(NM.SettingLoopback.new())
        for setting, family, addr, prefix in ((NM.SettingIP4Config.new(), 2, '127.0.0.1', 8),
                                              (NM.SettingIP6Config.new(), 10, '::1', 128)):
            setting.props.method = 'manual'
            setting.add_address(NM.IPAddress.new(family, addr, prefix))
            conn.add_setting(setting)
        conn.normalize()
        p = Profile(conn)
        p.in_memory = True
        p.volatile = True
        p.external = True
        p.run_file = self.filename_for(RUN_DIR, 'lo', conn.get_uuid())
        self.profiles.append(p)
        p.export(self.next_path('Settings'), {CONN_IFACE: p.storage_props()})
        self.install_connection_methods(p)
        self.sync_settings()
        d.managed = True
        ac = Active(p, d, None)
        ac.state = AC_ACTIVATED
        ac.flags = 0x80 | 0x40 | ASF_IP6_READY | ASF_IP4_READY | ASF_L2_READY
        self.actives.append(ac)
        d.ac = ac
        ac.export(self.next_path('ActiveConnection'), {AC_IFACE: ac.props()})
        self.configure_ip(d, conn)
        d.set_state(DEV_ACTIVATED, R_NONE)
        self.sync_available()
        self.sync_manager()

    def install_properties(self, obj):
        '''Properties.Get/GetAll answered as NM's GDBus answers them (InvalidArgs for an
        interface or property the object lacks), and like every NM method subject to FailNext
        and SetDelay ("GetAll", "Get").'''
        def get_all(iface):
            if not self.on_bus:
                raise NMError('org.freedesktop.DBus.Error.ServiceUnknown', 'NetworkManager is gone')
            props = obj.props.get(str(iface))
            if props is None:
                raise NMError('org.freedesktop.DBus.Error.InvalidArgs',
                              f'No such interface \u201c{iface}\u201d')
            return dbus.Dictionary(props, signature='sv')

        def get(iface, name):
            props = get_all(iface)
            if str(name) not in props:
                raise NMError('org.freedesktop.DBus.Error.InvalidArgs',
                              f'No such property \u201c{name}\u201d')
            return props[str(name)]

        self.add_method(obj, PROPS_IFACE, 'GetAll', 's', 'a{sv}', get_all)
        self.add_method(obj, PROPS_IFACE, 'Get', 'ss', 'v', get)

    def dump_profiles(self):
        '''Every profile (and tombstone) as text, sorted by UUID, without object paths: what a
        client can tell about it (settings with secrets, Flags, Filename) plus where it is
        stored.'''
        lines = []
        for p in sorted(self.profiles, key=lambda x: x.uuid):
            # with secrets: a profile must come back with its passwords too
            flags = NM.ConnectionSerializationFlags.ALL
            lines.append(f'profile {p.uuid} id={p.conn.get_id()!r} flags=0x{p.flags():x} '
                         f'filename={p.filename or "-"}')
            lines.append(f'  etc={p.disk["filename"] if p.disk else "-"} run={p.run_file or "-"}'
                         f' detached={p.detached} volatile={p.volatile}')
            lines.append(f'  settings={p.conn.to_dbus(flags).print_(False)}')
            if p.disk is not None:
                lines.append(f'  etc-settings={p.disk["conn"].to_dbus(flags).print_(False)}')
        for uuid in sorted(self.tombstones):
            lines.append(f'tombstone {uuid} etc={self.tombstones[uuid]["filename"]}')
        return '\n'.join(lines) + '\n'

    def get_managed_objects(self):
        if not self.on_bus:
            raise NMError('org.freedesktop.DBus.Error.ServiceUnknown', 'NetworkManager is gone')
        ret = dbus.Dictionary({}, signature='oa{sa{sv}}')
        for path, obj in mockobject.objects.items():
            if path.startswith(NM_PATH):
                ret[dbus.ObjectPath(path)] = dbus.Dictionary(
                    {k: dbus.Dictionary(v, signature='sv') for k, v in obj.props.items()},
                    signature='sa{sv}')
        return ret

    def get_device_by_ip_iface(self, name):
        d = next((d for d in self.devices if d.real and (d.ip_iface() == name or d.name == name)),
                 None)
        if d is None:
            raise manager_error('UnknownDevice', 'No device found for the requested iface.')
        return _o(d.path)

    def activate_connection(self, conn_path, dev_path, specific):
        p = self.profile_by_path(conn_path)
        if p is None:
            raise manager_error('UnknownConnection', f"Connection '{conn_path}' is not available")
        d = None
        if dev_path and dev_path != '/':
            d = self.device_by_path(dev_path)
            if d is None:
                raise manager_error('UnknownDevice', f"Device '{dev_path}' not found")
        return _o(self.activate(p, d, user=True).path)

    def deactivate_connection(self, path):
        ac = self.active_by_path(path)
        if ac is None or ac.state not in (AC_ACTIVATING, AC_ACTIVATED):
            raise manager_error('ConnectionNotActive', 'The connection was not active.')
        ac.profile.autoconnect_blocked = True
        self.deactivate(ac, R_USER_REQUESTED, ACR_DEVICE_DISCONNECTED)

    def checkpoint_by_path(self, path):
        cp = next((c for c in self.checkpoints if c.path == path), None)
        if cp is None:
            raise manager_error('InvalidArguments', f"checkpoint {path} does not exist")
        return cp

    def checkpoint_create(self, devices, timeout, flags):
        return _o(self.create_checkpoint([str(p) for p in devices], int(timeout),
                                         int(flags)).path)

    def checkpoint_destroy(self, path):
        self.destroy_checkpoint(self.checkpoint_by_path(path))

    def checkpoint_rollback(self, path):
        results = self.rollback(self.checkpoint_by_path(path))
        return dbus.Dictionary({k: _u(v) for k, v in results.items()}, signature='su')

    def checkpoint_adjust(self, path, add_timeout):
        cp = self.checkpoint_by_path(path)
        if add_timeout == 0:
            cp.timeout = 0
        else:
            cp.timeout = (boottime_ms() - cp.created) // 1000 + int(add_timeout)
        cp.set(CP_IFACE, RollbackTimeout=_u(cp.timeout))
        self.arm_checkpoint(cp)

    def get_by_uuid(self, uuid):
        p = self.profile_by_uuid(uuid)
        if p is None:
            raise settings_error('InvalidConnection', 'No connection with the UUID was found.')
        return _o(p.path)

    def add_connection2(self, settings, flags, args):
        flags = int(flags)
        unknown = flags & ~(ADD2_TO_DISK | ADD2_IN_MEMORY | ADD2_BLOCK_AUTOCONNECT)
        storage = flags & (ADD2_TO_DISK | ADD2_IN_MEMORY)
        if unknown or storage not in (ADD2_TO_DISK, ADD2_IN_MEMORY):
            raise settings_error('InvalidArguments', 'invalid flags argument')
        if args:
            bad = [k for k in args if k != 'plugin']
            if bad:
                raise settings_error('InvalidArguments', f"unsupported argument '{bad[0]}'")
        conn = parse_connection(settings)
        p = self.add_profile(conn, storage == ADD2_TO_DISK, bool(flags & ADD2_BLOCK_AUTOCONNECT))
        return (_o(p.path), dbus.Dictionary({}, signature='sv'))

    def install_connection_methods(self, p):
        def profile():
            if p not in self.profiles:
                raise settings_error('InvalidConnection', 'The connection was deleted.')
            return p

        def update2(settings, flags, args):
            flags = int(flags)
            known = UPD2_TO_DISK | UPD2_IN_MEMORY | UPD2_DETACHED | UPD2_ONLY | UPD2_VOLATILE | \
                UPD2_BLOCK_AUTOCONNECT | UPD2_NO_REAPPLY
            storage = flags & (UPD2_TO_DISK | UPD2_IN_MEMORY | UPD2_DETACHED | UPD2_ONLY)
            if flags & ~known or bin(storage).count('1') > 1 or \
                    flags & UPD2_VOLATILE and not storage & (UPD2_IN_MEMORY | UPD2_DETACHED |
                                                             UPD2_ONLY):
                raise settings_error('InvalidArguments', 'invalid flags argument')
            if args:
                bad = [k for k in args if k != 'plugin']
                if bad:
                    raise settings_error('InvalidArguments', f"unsupported argument '{bad[0]}'")
            target = profile()
            conn = parse_connection(settings) if len(settings) else None
            self.update_profile(target, conn, flags)
            return dbus.Dictionary({}, signature='sv')

        def get_secrets(setting):
            full = connection_to_dbus(profile().conn, secrets=True)
            return dbus.Dictionary({setting: full[setting]} if setting in full else {},
                                   signature='sa{sv}')

        self.add_method(p, CONN_IFACE, 'GetSettings', '', 'a{sa{sv}}',
                        lambda: connection_to_dbus(profile().conn))
        self.add_method(p, CONN_IFACE, 'GetSecrets', 's', 'a{sa{sv}}', get_secrets)
        self.add_method(p, CONN_IFACE, 'ClearSecrets', '', '', lambda: profile() and None)
        self.add_method(p, CONN_IFACE, 'Update', 'a{sa{sv}}', '',
                        lambda s: update2(s, UPD2_TO_DISK, {}) and None)
        self.add_method(p, CONN_IFACE, 'UpdateUnsaved', 'a{sa{sv}}', '',
                        lambda s: update2(s, UPD2_IN_MEMORY, {}) and None)
        self.add_method(p, CONN_IFACE, 'Save', '', '',
                        lambda: update2({}, UPD2_TO_DISK, {}) and None)
        self.add_method(p, CONN_IFACE, 'Update2', 'a{sa{sv}}ua{sv}', 'a{sv}', update2)
        self.add_method(p, CONN_IFACE, 'Delete', '', '', lambda: self.delete_profile(profile()))

    def install_device_methods(self, d):
        def device():
            if d not in self.devices:
                raise device_error('Failed', 'The device was removed.')
            return d

        def disconnect():
            dev = device()
            if dev.ac is None or dev.state <= DEV_DISCONNECTED or dev.state >= DEV_DEACTIVATING:
                raise device_error('NotActive', 'This device is not active')
            dev.autoconnect_blocked = True
            dev.sync()
            self.deactivate(dev.ac, R_USER_REQUESTED, ACR_DEVICE_DISCONNECTED)

        def delete():
            dev = device()
            if not dev.software or not dev.real:
                raise device_error('NotSoftware',
                                   'This device is not a software device or is not realized')
            if dev.ac is not None:
                self.deactivate(dev.ac, R_REMOVED, ACR_DEVICE_REMOVED, at_once=True)
            if dev.real:
                self.unrealize(dev)

        def applied(flags):
            dev = device()
            if dev.ac is None:
                raise device_error('NotActive', 'Device is not activated')
            return (connection_to_dbus(dev.ac.applied), dbus.UInt64(dev.ac.version_id))

        def reapply(settings, version_id, flags):
            dev = device()
            if dev.ac is None or dev.state != DEV_ACTIVATED:
                raise device_error('NotActive', 'Device is not activated')
            if version_id and version_id != dev.ac.version_id:
                raise device_error('VersionIdMismatch', 'Reapply failed because device changed')
            conn = parse_connection(settings) if len(settings) else clone(dev.ac.profile.conn)
            dev.ac.applied = conn
            dev.ac.version_id = self.next_version()
            self.clear_ipconfig(dev)
            if dev.ac.master is None:
                self.configure_ip(dev, conn)
            dev.sync()
            dev.ac.sync()
            self.sync_manager()

        self.add_method(d, DEVICE_IFACE, 'Disconnect', '', '', disconnect)
        self.add_method(d, DEVICE_IFACE, 'Delete', '', '', delete)
        self.add_method(d, DEVICE_IFACE, 'GetAppliedConnection', 'u', 'a{sa{sv}}t', applied)
        self.add_method(d, DEVICE_IFACE, 'Reapply', 'a{sa{sv}}tu', '', reapply)

    # ---- control interface
    def install_control(self):
        self.control_name = dbus.service.BusName(CONTROL_NAME, self.bus, do_not_queue=True)
        ctl = Entity()
        ctl.path = CONTROL_PATH
        ctl.obj = mockobject.DBusMockObject(self.mock.bus_name, CONTROL_PATH, CONTROL_IFACE, {})
        ctl.obj.logfile = self.mock.logfile
        ctl.obj.is_logfile_owner = False
        mockobject.objects[CONTROL_PATH] = ctl.obj
        self.control_obj = ctl.obj

        def fail_next(method, error_name, message):
            self.fail_next.setdefault(str(method), []).append((str(error_name), str(message)))

        def set_delay(method, ms):
            if ms:
                self.delays[str(method)] = int(ms)
            else:
                self.delays.pop(str(method), None)

        def add_device(name, dtype, mac):
            return _o(self.add_device(str(name), str(dtype), str(mac)).path)

        def named_device(name):
            d = self.device_by_name(str(name))
            if d is None:
                raise manager_error('UnknownDevice', f"no device '{name}'")
            return d

        def set_carrier(name, carrier):
            d = named_device(name)
            if d.dtype not in WIRED:
                raise manager_error('InvalidArguments', 'only ethernet devices have a carrier')
            d.carrier = bool(carrier)
            if not d.carrier:
                if d.ac is not None:
                    self.deactivate(d.ac, R_CARRIER, ACR_DEVICE_DISCONNECTED, at_once=True)
                d.set_state(DEV_UNAVAILABLE, R_CARRIER)
            elif d.state == DEV_UNAVAILABLE:
                d.set_state(DEV_DISCONNECTED, R_CARRIER)
            self.sync_available()
            self.schedule_autoconnect()

        def set_outcome(name, outcome):
            outcome = str(outcome)
            if outcome not in ('success', 'hang') and not outcome.startswith('fail'):
                raise manager_error('InvalidArguments', f"unknown outcome '{outcome}'")
            self.outcomes[str(name)] = outcome

        def set_auth_delay(ms):
            self.auth_delay_ms = int(ms)

        def set_time(ms):
            self.activation_ms = int(ms)

        def emit(path, iface, props):
            self.emit_props_anywhere(str(path), str(iface), props)

        def fail_nth(method, n, error_name, message):
            if n < 1:
                raise manager_error('InvalidArguments', 'n counts from 1 (the next call)')
            self.fail_nth.setdefault(str(method), []).append([int(n), str(error_name),
                                                              str(message)])

        def storage(uuid):
            p = self.profile_by_uuid(str(uuid))
            if p is not None:
                return (p.disk['filename'] if p.disk else '', p.run_file or '', False)
            t = self.tombstones.get(str(uuid))
            if t is not None:
                return (t['filename'], f'{RUN_DIR}/{uuid}.nmmeta', True)
            raise settings_error('InvalidConnection', f"no profile {uuid}")

        def etc_settings(uuid):
            p = self.profile_by_uuid(str(uuid))
            disk = p.disk if p is not None else self.tombstones.get(str(uuid))
            if disk is None:
                raise settings_error('InvalidConnection', f"profile {uuid} has no file in /etc")
            return connection_to_dbus(disk['conn'])

        methods = [
            ('FailNext', 'sss', '', fail_next),
            ('SetDelay', 'su', '', set_delay),
            ('DropOffBus', '', '', self.drop_off_bus),
            ('ComeBack', '', '', self.come_back),
            ('Restart', '', '', self.restart),
            ('Reboot', '', '', self.reboot),
            ('AddDevice', 'sss', 'o', add_device),
            ('RemoveDevice', 's', '', lambda n: (self.remove_device(named_device(n)),
                                                 self.sync_placeholders()) and None),
            ('SetCarrier', 'sb', '', set_carrier),
            ('SetActivationOutcome', 'ss', '', set_outcome),
            ('SetActivationTime', 'u', '', set_time),
            ('SetAuthorizationDelay', 'u', '', set_auth_delay),
            ('EmitPropertiesChanged', 'osa{sv}', '', emit),
            ('FailNth', 'suss', '', fail_nth),
            ('GetCallCount', 's', 'u', lambda m: _u(self.call_counts.get(str(m), 0))),
            ('HoldSignals', 'as', '', self.hold_signals),
            ('ReleaseSignals', 'b', '', lambda deliver: self.release_signals(bool(deliver))),
            ('DumpProfiles', '', 's', lambda: dbus.String(self.dump_profiles())),
            ('GetStorage', 's', 'ssb', storage),
            ('GetEtcSettings', 's', 'a{sa{sv}}', etc_settings),
        ]
        for name, in_sig, out_sig, impl in methods:
            self.add_method(ctl, CONTROL_IFACE, name, in_sig, out_sig, impl, faults=False)


DEFAULT_DEVICES = ('eth0:ethernet:52:54:00:00:00:01,eth1:ethernet:52:54:00:00:00:02,'
                   'eth2:ethernet:52:54:00:00:00:03')


def parse_devices(spec):
    if isinstance(spec, list):
        return spec
    out = []
    for item in str(spec).split(','):
        item = item.strip()
        if not item:
            continue
        parts = item.split(':', 2)
        if len(parts) < 2 or parts[1] not in DEVICE_TYPES:
            raise ValueError(f"bad device '{item}': want NAME:TYPE[:MAC]")
        out.append({'name': parts[0], 'type': parts[1], 'mac': parts[2] if len(parts) > 2 else ''})
    return out


MOCK = None


def load(mock, parameters):
    global MOCK  # pylint: disable=global-statement
    MOCK = Mock(mock, parameters or {})
    MOCK.install(parameters or {})
    os.environ.setdefault('NMIFACE_MOCK', '1')
