/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interface definitions <-> NetworkManager connection profiles (libnm types, no D-Bus).
 *
 * Mapping (XML -> NM; NM -> XML is the inverse, with the NMSettingUser hints below):
 *   interface type         connection.type 802-3-ethernet | bridge | bond | vlan
 *   name                   connection.interface-name; new ids: the name, ports
 *                          "<controller>-port-<name>"
 *   start onboot|hotplug   connection.autoconnect=yes (hotplug: hint); none: no; absent: yes
 *                          + hint. Ports follow the top's start; new masters get
 *                          autoconnect-slaves=yes so starting one starts its ports (as netcf)
 *   mtu (top level only)   802-3-ethernet.mtu, for every type (nmcli's ethernet.mtu)
 *   mac (ethernet only)    802-3-ethernet.mac-address: the NIC the profile binds to (netcf's
 *                          HWADDR); reads a literal cloned-mac-address when that is unset.
 *                          Written lower case unless the document's case is kept as a hint
 *   ipv4 <dhcp/>           method=auto; peerdns='no' -> ignore-auto-dns=yes; <ip>s added
 *   ipv4 <ip>s, no dhcp    method=manual; no prefix -> classful prefix + hint
 *   ipv4 empty <protocol>  method=link-local;  no ipv4 <protocol>: method=disabled
 *   ipv6 <autoconf/>       method=auto (with <dhcp/> too: hint);  <dhcp/> alone: dhcp
 *   ipv6 <ip>s only        method=manual; no prefix -> /64 + hint
 *   ipv6 empty <protocol>  method=link-local;  none: disabled (ignore reads back as none)
 *   <route gateway=''/>    ipv.gateway; with no address, a default route (NM refuses a
 *                          gateway without an address)
 *   bridge stp             bridge.stp (absent: NM's default, on, + hint)
 *   bridge delay (s, dec.) bridge.forward-delay rounded and clamped to 2..30 (+ exact text)
 *   bond mode              bond.options mode (absent: balance-rr + hint)
 *   miimon freq/updelay/   miimon / updelay / downdelay, carrier ioctl|netif ->
 *     downdelay/carrier    use_carrier=0|1
 *   arpmon interval/       arp_interval / arp_ip_target / arp_validate (a target with
 *     target/validate      interval 0, which NM refuses, is a hint)
 *   vlan tag, parent       vlan.id (NM and the kernel refuse 4095), vlan.parent
 *   ports                  one profile each, connection.master = controller's interface
 *                          name, slave-type bridge|bond; no IP settings; nested ports too
 *   link                   live only: never written to NM
 * NM refusals (vlan 4095, ARP monitoring in 802.3ad/balance-tlb/balance-alb, a gateway of
 * 0.0.0.0 or ::, which libnm stores as none, ...) are VIR_ERR_XML_ERROR naming the interface:
 * never silent loss. Addresses, gateways and other values are kept as written (libvirt keeps
 * them as strings): where NM spells them otherwise, a hint keeps the document's spelling.
 */
#ifndef NMIFACE_IFACE_NM_H
#define NMIFACE_IFACE_NM_H

#include <NetworkManager.h>

#include "iface-def.h"

G_BEGIN_DECLS

/*
 * The profiles that together make one interface: the top-level profile
 * (connection.interface-name = the interface name) and every port profile below it, nested
 * ones included (a bond that is a bridge port, and that bond's ethernet ports). A port's
 * connection.master is its controller's interface name and connection.slave-type says
 * "bridge" or "bond".
 */
typedef struct {
    NMConnection *top;
    GPtrArray *ports; /* NMConnection*, owned */
} NmiProfileSet;

NmiProfileSet *nmi_profile_set_new(NMConnection *top);
void nmi_profile_set_free(NmiProfileSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiProfileSet, nmi_profile_set_free)

/*
 * XML -> NM. @existing (may be NULL) holds the profiles that make up this interface now; a
 * profile in the result that corresponds to one there (same interface name and role) is a
 * copy of it with the XML's settings applied: same UUID and id, and every setting the XML
 * cannot express kept; a setting whose XML meaning did not change is left exactly as it was
 * (ipv6.method=ignore stays although the XML would write disabled). New profiles get
 * nmi_profile_uuid_for() and id = interface name (ports: nmi_port_profile_id()). Every profile of
 * the result passes nm_connection_verify() after nm_connection_normalize(). Profiles of
 * @existing that the result no longer uses are the caller's to delete (compare UUIDs).
 * @def is checked with nmi_iface_def_validate() first (its errors are the validator's); the
 * conversion relies on what that guarantees and checks only what NetworkManager refuses.
 */
NmiProfileSet *nmi_iface_def_to_profiles(const NmiIfaceDef *def, const NmiProfileSet *existing,
                                         GError **error);

/* NM -> XML, the inactive (configured) form. */
NmiIfaceDef *nmi_iface_def_from_profiles(const NmiProfileSet *set, GError **error);

/* What a device reports, gathered by the driver from NM (or from the kernel). */
typedef struct _NmiDeviceFacts NmiDeviceFacts;
struct _NmiDeviceFacts {
    char *name;
    NmiIfaceType type;
    char *mac; /* NULL when unknown */
    guint mtu; /* 0 when unknown */
    NmiLinkState link_state;
    guint speed;        /* Mbit/s, 0 when unknown */
    GPtrArray *ipv4;    /* NmiIpAddr* */
    GPtrArray *ipv6;    /* NmiIpAddr* */
    char *ipv4_gateway; /* NULL when none */
    char *ipv6_gateway;
    GPtrArray *ports; /* NmiDeviceFacts*, the device's actual ports */
    /* Added: a vlan device's tag (-1 when unknown) and parent (NULL when unknown), so that a
     * vlan no profile describes still yields valid XML. */
    int vlan_id;
    char *vlan_parent;
};

NmiDeviceFacts *nmi_device_facts_new(const char *name, NmiIfaceType type);
void nmi_device_facts_free(NmiDeviceFacts *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiDeviceFacts, nmi_device_facts_free)

/*
 * The live form: the configured definition (@set may be NULL for a device no profile
 * describes) overlaid with what the device reports: addresses, link state and speed, MAC,
 * MTU, actual ports.
 *
 * Per address family the device's addresses and gateway replace the configured <ip> and
 * <route> (<dhcp/> and <autoconf/> stay, they say how the addresses came); a family the
 * profile does not configure appears when the device has addresses in it. Ports are the
 * device's actual ports, each overlaid on its configured port when there is one. @facts NULL
 * gives the inactive form. Without a profile the result describes the device alone: no
 * <start> (nothing is configured), addresses as plain <ip> elements.
 */
NmiIfaceDef *nmi_iface_def_live(const NmiProfileSet *set, const NmiDeviceFacts *facts,
                                GError **error);

/* One profile as NetworkManager's keyfile text (libnm's keyfile writer). */
char *nmi_profile_to_keyfile(NMConnection *connection, GError **error);

/* The file name NetworkManager would give it: "<id>.nmconnection" made safe. */
char *nmi_profile_keyfile_name(NMConnection *connection);

/* ---- Added by the conversion layer (additive) ---- */

/* Every profile of @set (top first, then ports in document order) as
 * "# <file name>\n<keyfile text>\n", concatenated. */
char *nmi_profile_set_to_keyfiles_text(const NmiProfileSet *set, GError **error);

/*
 * The dry run (nmiface iface-define --dry-run): parse @xml with @parse_flags (NmiParseFlags;
 * the bit values of virInterfaceDefineFlags), convert with no existing profiles and return
 * the keyfiles as nmi_profile_set_to_keyfiles_text() does.
 */
char *nmi_iface_xml_to_keyfiles_text(const char *xml, guint parse_flags, GError **error);

/*
 * UUID policy: a new profile's UUID is a name-based (version 5, SHA-1) UUID in nmiface's own
 * namespace, derived from the profile's connection.type, interface name and, for a port, its
 * controller's interface name. Defining the same XML twice, or again after undefine, gives
 * the same UUIDs (so the dry run shows the real UUIDs, and tests are deterministic); a type
 * change gives a new UUID, so a caller comparing UUIDs sees a new profile. Returns a new
 * string.
 */
char *nmi_profile_uuid_for(const char *connection_type, const char *ifname, const char *controller);

/* The id of a new port profile: "<controller>-port-<name>" (a top-level profile's is its
 * interface name). */
char *nmi_port_profile_id(const char *controller, const char *ifname);

/*
 * Facts NetworkManager cannot hold exactly live in the profile's NMSettingUser data under
 * "org.nmiface.". Each is only a hint: it is used when it still agrees with the NM setting
 * it refines (a profile edited with nmcli later shows NM's value), and written only when
 * NM's own value would not give the XML back.
 */
/*
 *   org.nmiface.start             "hotplug" | "unspecified" (no <start>); autoconnect=yes
 *   org.nmiface.mac               the ethernet MAC as written, when not in lower case
 *   org.nmiface.ports             port names in document order, '/'-separated (the one byte
 *                                 no interface name has); only when not sorted by name
 *   org.nmiface.protocols         "ipv6,ipv4": the ipv6 <protocol> came first
 *   org.nmiface.bridge.stp        "unset": no stp attribute (NM's stp=yes)
 *   org.nmiface.bridge.delay      the delay as written ("0.01"), when forward-delay differs
 *                                 from it or is NM's default 15
 *   org.nmiface.bond.mode         "unset": no mode attribute (NM's balance-rr)
 *   org.nmiface.bond.arp-target   an arpmon target with interval 0 (NM refuses it)
 *   org.nmiface.vlan.tag          the tag as written ("007")
 *   org.nmiface.ipvN.peerdns      "yes": peerdns='yes' written (ignore-auto-dns=no)
 *   org.nmiface.ipvN.no-prefix    addresses written without prefix, comma-separated
 *   org.nmiface.ipvN.spelling     <ip> addresses as written where NM spells them otherwise
 *                                 ("2001:DB8::1"), comma-separated
 *   org.nmiface.ipvN.gateway      the <route gateway=''/> as written where NM spells it
 *                                 otherwise: its own key, since an <ip> of the same value may
 *                                 be spelled differently
 *   org.nmiface.ipv6.dhcp         "yes": <autoconf/> with <dhcp/> (both are method=auto)
 */
#define NMI_HINT_START           "org.nmiface.start"
#define NMI_HINT_MAC             "org.nmiface.mac"
#define NMI_HINT_PORTS           "org.nmiface.ports"
#define NMI_HINT_PROTOCOLS       "org.nmiface.protocols"
#define NMI_HINT_BRIDGE_STP      "org.nmiface.bridge.stp"
#define NMI_HINT_BRIDGE_DELAY    "org.nmiface.bridge.delay"
#define NMI_HINT_BOND_MODE       "org.nmiface.bond.mode"
#define NMI_HINT_BOND_ARP_TARGET "org.nmiface.bond.arp-target"
#define NMI_HINT_VLAN_TAG        "org.nmiface.vlan.tag"
#define NMI_HINT_IPV4_PEERDNS    "org.nmiface.ipv4.peerdns"
#define NMI_HINT_IPV6_PEERDNS    "org.nmiface.ipv6.peerdns"
#define NMI_HINT_IPV4_NO_PREFIX  "org.nmiface.ipv4.no-prefix"
#define NMI_HINT_IPV6_NO_PREFIX  "org.nmiface.ipv6.no-prefix"
#define NMI_HINT_IPV4_SPELLING   "org.nmiface.ipv4.spelling"
#define NMI_HINT_IPV6_SPELLING   "org.nmiface.ipv6.spelling"
#define NMI_HINT_IPV4_GATEWAY    "org.nmiface.ipv4.gateway"
#define NMI_HINT_IPV6_GATEWAY    "org.nmiface.ipv6.gateway"
#define NMI_HINT_IPV6_DHCP       "org.nmiface.ipv6.dhcp"

/* The values the hints above take (written by the XML -> NM side, read by the other). */
#define NMI_HINT_VALUE_HOTPLUG     "hotplug"
#define NMI_HINT_VALUE_UNSPECIFIED "unspecified"
#define NMI_HINT_VALUE_UNSET       "unset"
#define NMI_HINT_VALUE_YES         "yes"
#define NMI_HINT_VALUE_IPV6_FIRST  "ipv6,ipv4"

/* ---- Shared by the iface-nm-*.c files (not for the driver) ---- */

/* NM's connection.type for an interface type, and back (FALSE for other types). */
const char *nmi_nm_connection_type(NmiIfaceType type);
gboolean nmi_nm_iface_type(const char *connection_type, NmiIfaceType *out);

/* NMSettingUser hints; set with NULL removes (and drops a user setting left empty). Setting
 * fails (VIR_ERR_XML_ERROR) only for a value over NM's size limit. */
const char *nmi_hint_get(NMConnection *connection, const char *key);
gboolean nmi_hint_set(NMConnection *connection, const char *key, const char *value, GError **error);

/* libvirt's bridge delay (seconds, decimal) as NM's bridge.forward-delay (whole seconds,
 * 2..30): rounded and clamped. FALSE when @delay is not a non-negative decimal number. */
#define NMI_NM_FORWARD_DELAY_DEFAULT 15
gboolean nmi_bridge_delay_to_nm(const char *delay, guint *out);

/* One profile's own facts as a definition: no ports; start and protocols only with @top. */
NmiIfaceDef *nmi_iface_def_from_profile(NMConnection *connection, gboolean top, GError **error);

/* <protocol> <-> NMSettingIPConfig. from: NULL when the family is off (or @connection has no
 * IP settings, as ports). apply: rewrites method, addresses, gateway, ignore-auto-dns and the
 * family's hints; @proto NULL turns the family off. */
NmiProtocol *nmi_protocol_from_profile(NMConnection *connection, gboolean is_ipv6);
gboolean nmi_protocol_apply(NMConnection *connection, gboolean is_ipv6, const NmiProtocol *proto,
                            GError **error);
gboolean nmi_protocol_equal(const NmiProtocol *a, const NmiProtocol *b);

G_END_DECLS

#endif /* NMIFACE_IFACE_NM_H */
