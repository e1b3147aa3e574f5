/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The typed interface definition: libvirt's interface XML model (virInterfaceDef) in GLib
 * types. Parsing (iface-xml-parse.c), formatting (iface-xml-format.c), validation
 * (iface-validate.c) and the schema check (iface-schema.c); nothing here knows D-Bus.
 */
#ifndef NMIFACE_IFACE_DEF_H
#define NMIFACE_IFACE_DEF_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    NMI_IFACE_ETHERNET,
    NMI_IFACE_BRIDGE,
    NMI_IFACE_BOND,
    NMI_IFACE_VLAN,
} NmiIfaceType;

typedef enum {
    NMI_START_UNSPECIFIED = 0,
    NMI_START_NONE,
    NMI_START_ONBOOT,
    NMI_START_HOTPLUG,
} NmiStartMode;

/* Tri-state for optional yes/no and on/off attributes. */
typedef enum {
    NMI_TRISTATE_UNSET = -1,
    NMI_TRISTATE_NO = 0,
    NMI_TRISTATE_YES = 1,
} NmiTristate;

typedef enum {
    NMI_BOND_MODE_UNSPECIFIED = 0,
    NMI_BOND_MODE_BALANCE_RR,
    NMI_BOND_MODE_ACTIVE_BACKUP,
    NMI_BOND_MODE_BALANCE_XOR,
    NMI_BOND_MODE_BROADCAST,
    NMI_BOND_MODE_8023AD,
    NMI_BOND_MODE_BALANCE_TLB,
    NMI_BOND_MODE_BALANCE_ALB,
} NmiBondMode;

typedef enum {
    NMI_BOND_MONITOR_NONE = 0,
    NMI_BOND_MONITOR_MII,
    NMI_BOND_MONITOR_ARP,
} NmiBondMonitor;

typedef enum {
    NMI_MII_CARRIER_UNSPECIFIED = 0,
    NMI_MII_CARRIER_IOCTL,
    NMI_MII_CARRIER_NETIF,
} NmiMiiCarrier;

typedef enum {
    NMI_ARP_VALIDATE_UNSPECIFIED = 0,
    NMI_ARP_VALIDATE_NONE,
    NMI_ARP_VALIDATE_ACTIVE,
    NMI_ARP_VALIDATE_BACKUP,
    NMI_ARP_VALIDATE_ALL,
} NmiArpValidate;

/* libvirt's virNetDevIfState names: unknown notpresent down lowerlayerdown testing dormant up */
typedef enum {
    NMI_LINK_STATE_UNSPECIFIED = 0,
    NMI_LINK_STATE_UNKNOWN,
    NMI_LINK_STATE_NOTPRESENT,
    NMI_LINK_STATE_DOWN,
    NMI_LINK_STATE_LOWERLAYERDOWN,
    NMI_LINK_STATE_TESTING,
    NMI_LINK_STATE_DORMANT,
    NMI_LINK_STATE_UP,
} NmiLinkState;

typedef struct {
    char *address; /* as written, validated as an IPv4/IPv6 address */
    int prefix;    /* -1 when the attribute is absent */
} NmiIpAddr;

typedef struct {
    gboolean is_ipv6;         /* family='ipv6', else 'ipv4' */
    gboolean dhcp;            /* <dhcp/> present */
    NmiTristate dhcp_peerdns; /* <dhcp peerdns=''/> */
    gboolean autoconf;        /* <autoconf/>, ipv6 only */
    GPtrArray *ips;           /* NmiIpAddr*, in document order */
    char *gateway;            /* <route gateway=''/>, NULL when absent */
} NmiProtocol;

typedef struct _NmiIfaceDef NmiIfaceDef;

struct _NmiIfaceDef {
    NmiIfaceType type;
    char *name;
    char *mac;          /* NULL when absent; as written in the document */
    guint mtu;          /* 0 when absent */
    NmiStartMode start; /* top level only */
    NmiLinkState link_state;
    guint link_speed; /* 0 when absent; Mbit/s */

    GPtrArray *protocols; /* NmiProtocol*, in document order; top level only */

    /* type == NMI_IFACE_BRIDGE */
    NmiTristate bridge_stp;
    char *bridge_delay; /* as written ("0.01"), NULL when absent */

    /* type == NMI_IFACE_BOND */
    NmiBondMode bond_mode;
    NmiBondMonitor bond_monitor;
    int miimon_freq; /* -1 when absent, for each int below */
    int miimon_downdelay;
    int miimon_updelay;
    NmiMiiCarrier miimon_carrier;
    int arpmon_interval;
    char *arpmon_target;
    NmiArpValidate arpmon_validate;

    /* type == NMI_IFACE_VLAN */
    char *vlan_tag;    /* as written, validated 0..4095 */
    char *vlan_parent; /* <vlan><interface name=''/></vlan>; NULL when absent */

    /* bridge and bond ports, NmiIfaceDef*, in document order */
    GPtrArray *ports;
};

NmiIfaceDef *nmi_iface_def_new(NmiIfaceType type, const char *name);
void nmi_iface_def_free(NmiIfaceDef *def);
NmiProtocol *nmi_protocol_new(gboolean is_ipv6);
void nmi_protocol_free(NmiProtocol *proto);
NmiIpAddr *nmi_ip_addr_new(const char *address, int prefix);
void nmi_ip_addr_free(NmiIpAddr *ip);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiIfaceDef, nmi_iface_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiProtocol, nmi_protocol_free)

/* Names for the enums above as libvirt's XML spells them ("onboot", "active-backup", ...);
 * NULL for UNSPECIFIED. The tables behind them: iface-enums.h. */
const char *nmi_iface_type_to_string(NmiIfaceType type);
const char *nmi_start_mode_to_string(NmiStartMode mode);
const char *nmi_bond_mode_to_string(NmiBondMode mode);
const char *nmi_link_state_to_string(NmiLinkState state);

typedef enum {
    NMI_PARSE_VALIDATE = 1 << 0, /* also check against data/interface.rng */
} NmiParseFlags;

/*
 * Parse interface XML. Errors (NMIFACE_ERROR domain, virErrorNumber codes): not well-formed ->
 * VIR_ERR_XML_DETAIL "at line N: ..."; wrong root, missing or bad values -> VIR_ERR_XML_ERROR
 * naming element, attribute and allowed values; schema failure with NMI_PARSE_VALIDATE ->
 * VIR_ERR_XML_INVALID_SCHEMA. Never loads DTDs, entities or anything from the network; refuses
 * documents over NMI_XML_MAX_BYTES.
 */
#define NMI_XML_MAX_BYTES (1024 * 1024)
NmiIfaceDef *nmi_iface_def_parse(const char *xml, NmiParseFlags flags, GError **error);

/* Semantic checks (names, MAC, addresses, ranges, ports); nmi_iface_def_parse calls it too. */
gboolean nmi_iface_def_validate(const NmiIfaceDef *def, GError **error);

/* libvirt's canonical form: single quotes, 2-space indent, libvirt's element order. */
char *nmi_iface_def_format(const NmiIfaceDef *def);

/*
 * Contracts of the three calls above (added with their implementation):
 *
 * - Where elements may appear is libvirt's schema: <start>, <mtu>, <protocol> only on the
 *   top-level interface; <link> on every type but bridge; <mac> on ethernet only. The parser
 *   refuses them elsewhere (libvirt's parser silently drops them); the formatter leaves out
 *   what a definition holds in those places (a bridge's mac or link, a port's start, mtu or
 *   protocols), as libvirt's formatter does. Unknown elements and attributes, stray text,
 *   duplicates of single elements, namespaced elements and any DOCTYPE are refused.
 * - Values are kept as written where the model stores strings (mac, addresses, vlan tag,
 *   bridge delay) and checked by nmi_iface_def_validate: interface names by the kernel's
 *   rules (1..15 bytes, no '/', ':', whitespace, not "." or ".."; also valid UTF-8 without
 *   control characters), MAC as six ':'-separated hex pairs (either case), addresses by
 *   inet_pton() of their family, prefix 0..32 / 0..128, mtu 68..65535, vlan tag 0..4095
 *   (decimal digits), bridge delay a plain non-negative decimal, miimon/arpmon values
 *   0..G_MAXINT, arpmon target IPv4, each protocol family at most once, port types (bridge:
 *   ethernet, bond, vlan; bond: ethernet), every interface name at most once in the tree.
 * - Every failure is VIR_ERR_XML_ERROR except: not well-formed -> VIR_ERR_XML_DETAIL
 *   ("at line N: <libxml2's message>"); schema mismatch with NMI_PARSE_VALIDATE ->
 *   VIR_ERR_XML_INVALID_SCHEMA (checked before the model, as libvirt does); @xml or @def
 *   NULL -> VIR_ERR_INVALID_ARG. A bad MAC is VIR_ERR_XML_ERROR, as libvirt reports bad
 *   <mac> values in documents (VIR_ERR_INVALID_MAC is not used).
 * - The formatter writes prefix='0' and miimon downdelay/updelay='0' when the model holds
 *   0 (libvirt drops zeros; -1 means absent here), escapes every string attribute, and
 *   never fails: a NULL name or vlan tag is left out / written empty.
 */

G_END_DECLS

#endif /* NMIFACE_IFACE_DEF_H */
