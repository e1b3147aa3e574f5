/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Semantic checks of an NmiIfaceDef: what a well-formed document (or a definition built in
 * code) may still get wrong. Every failure is VIR_ERR_XML_ERROR naming the element, the
 * attribute and what is allowed.
 *
 * A bad MAC address is VIR_ERR_XML_ERROR too: libvirt reports bad values inside a document
 * that way (network_conf.c does so for <mac address=''>); VIR_ERR_INVALID_MAC dates from a
 * long-gone libvirt XML layer and nothing there raises it for documents any more.
 */

#include <arpa/inet.h>
#include <string.h>

#include "iface-def.h"
#include "iface-enums.h"
#include "iface-xml-private.h"
#include "nmiface/driver.h"

char *nmi_msg_value(const char *value)
{
    const char *end;

    if (value == NULL)
        return g_strdup("");
    if (strlen(value) <= NMI_MSG_MAX_VALUE)
        return g_strdup(value);
    end = value + NMI_MSG_MAX_VALUE;
    /* back up to the start of a UTF-8 character */
    while (end > value && ((guchar)*end & 0xc0) == 0x80)
        end--;
    return g_strdup_printf("%.*s...", (int)(end - value), value);
}

gboolean nmi_iface_port_type_allowed(NmiIfaceType master, NmiIfaceType port)
{
    switch (master) {
    case NMI_IFACE_BRIDGE:
        return port == NMI_IFACE_ETHERNET || port == NMI_IFACE_BOND || port == NMI_IFACE_VLAN;
    case NMI_IFACE_BOND:
        return port == NMI_IFACE_ETHERNET;
    case NMI_IFACE_ETHERNET:
    case NMI_IFACE_VLAN:
        break;
    }
    return FALSE;
}

char *nmi_iface_port_types_allowed(NmiIfaceType master)
{
    GString *allowed = g_string_new(NULL);

    for (guint i = 0; i < nmi_iface_type_table.n_names; i++) {
        const NmiEnumName *port = &nmi_iface_type_table.names[i];

        if (nmi_iface_port_type_allowed(master, (NmiIfaceType)port->value))
            g_string_append_printf(allowed, "%s%s", allowed->len > 0 ? ", " : "", port->name);
    }
    if (allowed->len == 0)
        g_string_append(allowed, "none");
    return g_string_free(allowed, FALSE);
}

/* The kernel's dev_valid_name(), plus what XML can carry (UTF-8, no control characters). */
gboolean nmi_ifname_is_valid(const char *name, const char **why)
{
    size_t len = name != NULL ? strlen(name) : 0;

    if (len == 0 || len > NMI_IFNAME_MAX_BYTES) {
        *why = "must be 1..15 bytes";
        return FALSE;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        *why = "must not be '.' or '..'";
        return FALSE;
    }
    if (!g_utf8_validate(name, -1, NULL)) {
        *why = "must be valid UTF-8";
        return FALSE;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        /* 0xa0 is a space to the kernel's isspace() (Latin-1 NBSP), even inside UTF-8 */
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || *p == 0xa0) {
            *why = "must not contain '/', ':' or whitespace";
            return FALSE;
        }
        if (*p < 0x20 || *p == 0x7f) {
            *why = "must not contain control characters";
            return FALSE;
        }
    }
    return TRUE;
}

gboolean nmi_mac_is_valid(const char *mac)
{
    /* libvirt's macAddr: six pairs of hex digits separated by ':' */
    if (mac == NULL || strlen(mac) != 17)
        return FALSE;
    for (guint i = 0; i < 17; i++) {
        if (i % 3 == 2 ? mac[i] != ':' : !g_ascii_isxdigit(mac[i]))
            return FALSE;
    }
    return TRUE;
}

int nmi_ip_family(gboolean is_ipv6)
{
    return is_ipv6 ? AF_INET6 : AF_INET;
}

static guint ip_size(gboolean is_ipv6)
{
    return is_ipv6 ? 16 : 4;
}

gboolean nmi_ip_parse(const char *address, gboolean is_ipv6, guint8 bin[16])
{
    /* inet_pton(AF_INET) takes only the dotted quad, without leading zeros: what libvirt's
     * ipv4Addr pattern takes. For IPv6 it takes RFC 4291 text, IPv4-suffixed forms included. */
    return address != NULL && inet_pton(nmi_ip_family(is_ipv6), address, bin) == 1;
}

gboolean nmi_ip_is_valid(const char *address, gboolean is_ipv6)
{
    guint8 bin[16];

    return nmi_ip_parse(address, is_ipv6, bin);
}

char *nmi_ip_canonical(const char *address, gboolean is_ipv6)
{
    guint8 bin[16];
    char text[INET6_ADDRSTRLEN];

    if (!nmi_ip_parse(address, is_ipv6, bin) ||
        inet_ntop(nmi_ip_family(is_ipv6), bin, text, sizeof(text)) == NULL)
        return NULL;
    return g_strdup(text);
}

gboolean nmi_ip_equal(const char *a, const char *b, gboolean is_ipv6)
{
    guint8 bin_a[16], bin_b[16];

    if (!nmi_ip_parse(a, is_ipv6, bin_a) || !nmi_ip_parse(b, is_ipv6, bin_b))
        return g_strcmp0(a, b) == 0;
    return memcmp(bin_a, bin_b, ip_size(is_ipv6)) == 0;
}

gboolean nmi_ip_is_unspecified(const char *address, gboolean is_ipv6)
{
    static const guint8 zero[16];
    guint8 bin[16];

    return nmi_ip_parse(address, is_ipv6, bin) && memcmp(bin, zero, ip_size(is_ipv6)) == 0;
}

/* Seconds as a non-negative decimal: "15", "0.01", ".5", "2."; no sign, exponent or INF. */
gboolean nmi_bridge_delay_is_valid(const char *delay)
{
    gboolean digits = FALSE, dot = FALSE;

    if (delay == NULL || *delay == '\0' || strlen(delay) > NMI_BRIDGE_DELAY_MAX_CHARS)
        return FALSE;
    for (const char *p = delay; *p != '\0'; p++) {
        if (g_ascii_isdigit(*p))
            digits = TRUE;
        else if (*p == '.' && !dot)
            dot = TRUE;
        else
            return FALSE;
    }
    return digits;
}

gboolean nmi_vlan_tag_parse(const char *tag, guint *out)
{
    guint64 value;

    if (tag == NULL || *tag == '\0' || strlen(tag) > 8)
        return FALSE;
    for (const char *p = tag; *p != '\0'; p++) {
        if (!g_ascii_isdigit(*p))
            return FALSE;
    }
    if (!g_ascii_string_to_unsigned(tag, 10, 0, NMI_VLAN_TAG_MAX, &value, NULL))
        return FALSE;
    if (out != NULL)
        *out = (guint)value;
    return TRUE;
}

/* An enum field (of a definition built in code, say) holds a value @table names. */
static gboolean validate_enum(const NmiEnumTable *table, int value, const char *what,
                              const char *element, const char *attr, GError **error)
{
    g_autofree char *shown = NULL;
    g_autofree char *choices = NULL;

    if (nmi_enum_to_string(table, value) != NULL)
        return TRUE;
    shown = g_strdup_printf("%d", value);
    choices = nmi_enum_choices(table);
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_BAD_CHOICE, what, shown, element,
                attr, choices);
    return FALSE;
}

static gboolean validate_name(const char *name, const char *element, GError **error)
{
    const char *why = NULL;

    if (name == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_MISSING_ATTR, "name", element);
        return FALSE;
    }
    if (!nmi_ifname_is_valid(name, &why)) {
        g_autofree char *shown = nmi_msg_value(name);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "invalid interface name '%s' in <%s name=''>: %s", shown, element, why);
        return FALSE;
    }
    return TRUE;
}

static gboolean validate_protocols(const NmiIfaceDef *def, GError **error)
{
    gboolean seen[2] = {FALSE, FALSE};

    for (guint i = 0; i < def->protocols->len; i++) {
        const NmiProtocol *proto = g_ptr_array_index(def->protocols, i);
        const char *family = proto->is_ipv6 ? "ipv6" : "ipv4";

        if (seen[proto->is_ipv6 ? 1 : 0]) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "duplicate <protocol family='%s'> in interface '%s'", family, def->name);
            return FALSE;
        }
        seen[proto->is_ipv6 ? 1 : 0] = TRUE;

        if (proto->autoconf && !proto->is_ipv6) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "<autoconf> is only allowed in <protocol family='ipv6'>");
            return FALSE;
        }
        if (proto->dhcp_peerdns != NMI_TRISTATE_UNSET &&
            !validate_enum(&nmi_yes_no_table, proto->dhcp_peerdns, "dhcp peerdns", "dhcp",
                           "peerdns", error))
            return FALSE;
        g_autoptr(GHashTable) seen_addresses =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        for (guint j = 0; j < proto->ips->len; j++) {
            const NmiIpAddr *ip = g_ptr_array_index(proto->ips, j);
            int max_prefix = NMI_IP_PREFIX_MAX(proto->is_ipv6);
            char *canonical;

            if (!nmi_ip_is_valid(ip->address, proto->is_ipv6)) {
                g_autofree char *shown = nmi_msg_value(ip->address);
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "invalid %s address '%s' in <ip address=''>: must be an %s address",
                            family, shown, proto->is_ipv6 ? "IPv6" : "IPv4");
                return FALSE;
            }
            if (ip->prefix < -1 || ip->prefix > max_prefix) {
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "invalid %s prefix '%d' in <ip prefix=''>: must be 0..%d",
                            proto->is_ipv6 ? "IPv6" : "IPv4", ip->prefix, max_prefix);
                return FALSE;
            }
            /* An address given twice means nothing more than once, and NetworkManager
             * keeps it once: refuse it rather than lose it silently. */
            canonical = nmi_ip_canonical(ip->address, proto->is_ipv6);
            if (!g_hash_table_add(seen_addresses, canonical)) {
                g_autofree char *shown = nmi_msg_value(ip->address);
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "duplicate address '%s' in <protocol family='%s'>", shown, family);
                return FALSE;
            }
        }
        if (proto->gateway != NULL && !nmi_ip_is_valid(proto->gateway, proto->is_ipv6)) {
            g_autofree char *shown = nmi_msg_value(proto->gateway);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "invalid %s gateway '%s' in <route gateway=''>: must be an %s address",
                        family, shown, proto->is_ipv6 ? "IPv6" : "IPv4");
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean validate_bond(const NmiIfaceDef *def, GError **error)
{
    if (def->bond_mode != NMI_BOND_MODE_UNSPECIFIED &&
        !validate_enum(&nmi_bond_mode_table, def->bond_mode, "bond mode", "bond", "mode", error))
        return FALSE;
    switch (def->bond_monitor) {
    case NMI_BOND_MONITOR_NONE:
        break;
    case NMI_BOND_MONITOR_MII:
        if (def->miimon_freq < 0) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_MISSING_ATTR, "freq",
                        "miimon");
            return FALSE;
        }
        if (def->miimon_downdelay < -1 || def->miimon_updelay < -1) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "invalid miimon delay in <miimon>: must be 0..%d", G_MAXINT);
            return FALSE;
        }
        if (def->miimon_carrier != NMI_MII_CARRIER_UNSPECIFIED &&
            !validate_enum(&nmi_mii_carrier_table, def->miimon_carrier, "miimon carrier", "miimon",
                           "carrier", error))
            return FALSE;
        break;
    case NMI_BOND_MONITOR_ARP:
        if (def->arpmon_interval < 0) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_MISSING_ATTR, "interval",
                        "arpmon");
            return FALSE;
        }
        if (def->arpmon_target == NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_MISSING_ATTR, "target",
                        "arpmon");
            return FALSE;
        }
        if (!nmi_ip_is_valid(def->arpmon_target, FALSE)) {
            g_autofree char *shown = nmi_msg_value(def->arpmon_target);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "invalid arpmon target '%s' in <arpmon target=''>: must be an IPv4 "
                        "address",
                        shown);
            return FALSE;
        }
        if (def->arpmon_validate != NMI_ARP_VALIDATE_UNSPECIFIED &&
            !validate_enum(&nmi_arp_validate_table, def->arpmon_validate, "arpmon validate",
                           "arpmon", "validate", error))
            return FALSE;
        break;
    default:
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "invalid bond monitor %d in <bond>",
                    (int)def->bond_monitor);
        return FALSE;
    }
    return TRUE;
}

/* @names: every interface name met so far in this definition, to catch a port listed twice
 * or a port that is its own master (or an ancestor of itself). */
static gboolean validate_interface(const NmiIfaceDef *def, const NmiIfaceDef *master,
                                   GHashTable *names, GError **error)
{
    const char *type = nmi_iface_type_to_string(def->type);

    if (!validate_enum(&nmi_iface_type_table, def->type, "interface type", "interface", "type",
                       error))
        return FALSE;
    if (!validate_name(def->name, "interface", error))
        return FALSE;

    if (master != NULL) {
        if (!nmi_iface_port_type_allowed(master->type, def->type)) {
            g_autofree char *allowed = nmi_iface_port_types_allowed(master->type);

            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_BAD_PORT_TYPE, type,
                        nmi_iface_type_to_string(master->type), master->name, allowed);
            return FALSE;
        }
        if (g_hash_table_contains(names, def->name)) {
            if (strcmp(def->name, master->name) == 0)
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "interface '%s' cannot be a port of itself", def->name);
            else
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "interface '%s' appears more than once in the definition of '%s'",
                            def->name, master->name);
            return FALSE;
        }
        if (def->start != NMI_START_UNSPECIFIED || def->mtu != 0 || def->protocols->len > 0) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "<start>, <mtu> and <protocol> are only allowed in the top-level "
                        "<interface>, not in port '%s'",
                        def->name);
            return FALSE;
        }
    }
    g_hash_table_add(names, def->name);

    if (def->start != NMI_START_UNSPECIFIED &&
        !validate_enum(&nmi_start_mode_table, def->start, "start mode", "start", "mode", error))
        return FALSE;
    if (def->mtu != 0 && (def->mtu < NMI_MTU_MIN || def->mtu > NMI_MTU_MAX)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "invalid mtu size '%u' in <mtu size=''>: must be %d..%d", def->mtu, NMI_MTU_MIN,
                    NMI_MTU_MAX);
        return FALSE;
    }
    if (def->link_state != NMI_LINK_STATE_UNSPECIFIED &&
        !validate_enum(&nmi_link_state_table, def->link_state, "link state", "link", "state",
                       error))
        return FALSE;
    if (def->mac != NULL && !nmi_mac_is_valid(def->mac)) {
        g_autofree char *shown = nmi_msg_value(def->mac);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "invalid MAC address '%s' in <mac address=''>: must be six pairs of hex "
                    "digits separated by ':'",
                    shown);
        return FALSE;
    }
    if (!validate_protocols(def, error))
        return FALSE;

    switch (def->type) {
    case NMI_IFACE_ETHERNET:
        break;
    case NMI_IFACE_BRIDGE:
        if (def->bridge_stp != NMI_TRISTATE_UNSET &&
            !validate_enum(&nmi_on_off_table, def->bridge_stp, "bridge stp", "bridge", "stp",
                           error))
            return FALSE;
        if (def->bridge_delay != NULL && !nmi_bridge_delay_is_valid(def->bridge_delay)) {
            g_autofree char *shown = nmi_msg_value(def->bridge_delay);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "invalid bridge delay '%s' in <bridge delay=''>: must be a "
                        "non-negative decimal number of seconds (at most %d characters)",
                        shown, NMI_BRIDGE_DELAY_MAX_CHARS);
            return FALSE;
        }
        break;
    case NMI_IFACE_BOND:
        if (!validate_bond(def, error))
            return FALSE;
        break;
    case NMI_IFACE_VLAN:
        if (def->vlan_tag == NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_MISSING_ATTR, "tag",
                        "vlan");
            return FALSE;
        }
        if (!nmi_vlan_tag_parse(def->vlan_tag, NULL)) {
            g_autofree char *shown = nmi_msg_value(def->vlan_tag);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "invalid vlan tag '%s' in <vlan tag=''>: must be 0..%d", shown,
                        NMI_VLAN_TAG_MAX);
            return FALSE;
        }
        if (def->vlan_parent != NULL) {
            if (!validate_name(def->vlan_parent, "vlan><interface", error))
                return FALSE;
            if (strcmp(def->vlan_parent, def->name) == 0) {
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "vlan '%s' cannot be its own parent device", def->name);
                return FALSE;
            }
        }
        break;
    default:
        break;
    }

    if (def->ports->len > 0 && def->type != NMI_IFACE_BRIDGE && def->type != NMI_IFACE_BOND) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "interface '%s' of type '%s' cannot have ports", def->name, type);
        return FALSE;
    }
    for (guint i = 0; i < def->ports->len; i++) {
        if (!validate_interface(g_ptr_array_index(def->ports, i), def, names, error))
            return FALSE;
    }
    return TRUE;
}

gboolean nmi_iface_def_validate(const NmiIfaceDef *def, GError **error)
{
    g_autoptr(GHashTable) names = NULL;

    if (def == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG, "no interface definition given");
        return FALSE;
    }
    names = g_hash_table_new(g_str_hash, g_str_equal);
    return validate_interface(def, NULL, names, error);
}
