/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NmiIfaceDef -> interface XML in libvirt's canonical form (virInterfaceDefFormat): single
 * quotes, two-space indent, start, mtu, protocol (autoconf, dhcp, ip*, route), link, then
 * mac | bridge | bond | vlan; every <interface> is written as an open and a close tag.
 *
 * Like libvirt: link is not written for a bridge and mac only for an ethernet interface;
 * start, mtu and protocol only at the top level. Unlike libvirt, a prefix='0' and a miimon
 * downdelay/updelay of 0 are written (libvirt drops zeros, we keep what was given), and every
 * string attribute is escaped, not just the name.
 */

#include "iface-def.h"
#include "iface-enums.h"

static void indent(GString *out, guint level)
{
    for (guint i = 0; i < level; i++)
        g_string_append(out, "  ");
}

/* Escapes for a single-quoted attribute value. Tab, newline and carriage return become
 * character references so a re-parse does not normalise them to spaces. */
static void append_escaped(GString *out, const char *value)
{
    for (const char *p = value; *p != '\0'; p++) {
        switch (*p) {
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '\'':
            g_string_append(out, "&apos;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        case '\t':
            g_string_append(out, "&#9;");
            break;
        case '\n':
            g_string_append(out, "&#10;");
            break;
        case '\r':
            g_string_append(out, "&#13;");
            break;
        default:
            g_string_append_c(out, *p);
            break;
        }
    }
}

static void append_attr(GString *out, const char *name, const char *value)
{
    g_string_append_printf(out, " %s='", name);
    append_escaped(out, value);
    g_string_append_c(out, '\'');
}

static void format_protocol(GString *out, const NmiProtocol *proto, guint level)
{
    indent(out, level);
    g_string_append_printf(out, "<protocol family='%s'>\n", proto->is_ipv6 ? "ipv6" : "ipv4");
    if (proto->autoconf) {
        indent(out, level + 1);
        g_string_append(out, "<autoconf/>\n");
    }
    if (proto->dhcp) {
        const char *peerdns = nmi_enum_to_string(&nmi_yes_no_table, proto->dhcp_peerdns);

        indent(out, level + 1);
        g_string_append(out, "<dhcp");
        if (peerdns != NULL)
            g_string_append_printf(out, " peerdns='%s'", peerdns);
        g_string_append(out, "/>\n");
    }
    for (guint i = 0; proto->ips != NULL && i < proto->ips->len; i++) {
        const NmiIpAddr *ip = g_ptr_array_index(proto->ips, i);

        if (ip->address == NULL)
            continue;
        indent(out, level + 1);
        g_string_append(out, "<ip");
        append_attr(out, "address", ip->address);
        if (ip->prefix >= 0)
            g_string_append_printf(out, " prefix='%d'", ip->prefix);
        g_string_append(out, "/>\n");
    }
    if (proto->gateway != NULL) {
        indent(out, level + 1);
        g_string_append(out, "<route");
        append_attr(out, "gateway", proto->gateway);
        g_string_append(out, "/>\n");
    }
    indent(out, level);
    g_string_append(out, "</protocol>\n");
}

static void format_link(GString *out, const NmiIfaceDef *def, guint level)
{
    const char *state = nmi_link_state_to_string(def->link_state);

    if (def->link_speed == 0 && state == NULL)
        return;
    indent(out, level);
    g_string_append(out, "<link");
    if (def->link_speed != 0)
        g_string_append_printf(out, " speed='%u'", def->link_speed);
    if (state != NULL)
        g_string_append_printf(out, " state='%s'", state);
    g_string_append(out, "/>\n");
}

static void format_interface(GString *out, const NmiIfaceDef *def, gboolean top, guint level);

static void format_ports(GString *out, const NmiIfaceDef *def, guint level)
{
    for (guint i = 0; def->ports != NULL && i < def->ports->len; i++)
        format_interface(out, g_ptr_array_index(def->ports, i), FALSE, level);
}

static void format_bridge(GString *out, const NmiIfaceDef *def, guint level)
{
    const char *stp = nmi_enum_to_string(&nmi_on_off_table, def->bridge_stp);

    indent(out, level);
    g_string_append(out, "<bridge");
    if (stp != NULL)
        g_string_append_printf(out, " stp='%s'", stp);
    if (def->bridge_delay != NULL)
        append_attr(out, "delay", def->bridge_delay);
    g_string_append(out, ">\n");
    format_ports(out, def, level + 1);
    indent(out, level);
    g_string_append(out, "</bridge>\n");
}

static void format_bond(GString *out, const NmiIfaceDef *def, guint level)
{
    const char *mode = nmi_bond_mode_to_string(def->bond_mode);

    indent(out, level);
    g_string_append(out, "<bond");
    if (mode != NULL)
        g_string_append_printf(out, " mode='%s'", mode);
    g_string_append(out, ">\n");

    if (def->bond_monitor == NMI_BOND_MONITOR_MII) {
        const char *carrier = nmi_mii_carrier_to_string(def->miimon_carrier);

        indent(out, level + 1);
        g_string_append_printf(out, "<miimon freq='%d'", MAX(def->miimon_freq, 0));
        if (def->miimon_downdelay >= 0)
            g_string_append_printf(out, " downdelay='%d'", def->miimon_downdelay);
        if (def->miimon_updelay >= 0)
            g_string_append_printf(out, " updelay='%d'", def->miimon_updelay);
        if (carrier != NULL)
            g_string_append_printf(out, " carrier='%s'", carrier);
        g_string_append(out, "/>\n");
    } else if (def->bond_monitor == NMI_BOND_MONITOR_ARP) {
        const char *validate = nmi_arp_validate_to_string(def->arpmon_validate);

        indent(out, level + 1);
        g_string_append_printf(out, "<arpmon interval='%d'", MAX(def->arpmon_interval, 0));
        append_attr(out, "target", def->arpmon_target != NULL ? def->arpmon_target : "");
        if (validate != NULL)
            g_string_append_printf(out, " validate='%s'", validate);
        g_string_append(out, "/>\n");
    }
    format_ports(out, def, level + 1);
    indent(out, level);
    g_string_append(out, "</bond>\n");
}

static void format_vlan(GString *out, const NmiIfaceDef *def, guint level)
{
    indent(out, level);
    g_string_append(out, "<vlan");
    append_attr(out, "tag", def->vlan_tag != NULL ? def->vlan_tag : "");
    if (def->vlan_parent == NULL) {
        g_string_append(out, "/>\n");
        return;
    }
    g_string_append(out, ">\n");
    indent(out, level + 1);
    g_string_append(out, "<interface");
    append_attr(out, "name", def->vlan_parent);
    g_string_append(out, "/>\n");
    indent(out, level);
    g_string_append(out, "</vlan>\n");
}

static void format_interface(GString *out, const NmiIfaceDef *def, gboolean top, guint level)
{
    const char *type = nmi_iface_type_to_string(def->type);

    indent(out, level);
    g_string_append_printf(out, "<interface type='%s'", type != NULL ? type : "ethernet");
    if (def->name != NULL)
        append_attr(out, "name", def->name);
    g_string_append(out, ">\n");

    if (top) {
        const char *start = nmi_start_mode_to_string(def->start);

        if (start != NULL) {
            indent(out, level + 1);
            g_string_append_printf(out, "<start mode='%s'/>\n", start);
        }
        if (def->mtu != 0) {
            indent(out, level + 1);
            g_string_append_printf(out, "<mtu size='%u'/>\n", def->mtu);
        }
        for (guint i = 0; def->protocols != NULL && i < def->protocols->len; i++)
            format_protocol(out, g_ptr_array_index(def->protocols, i), level + 1);
    }

    if (def->type != NMI_IFACE_BRIDGE)
        format_link(out, def, level + 1);

    switch (def->type) {
    case NMI_IFACE_ETHERNET:
        if (def->mac != NULL) {
            indent(out, level + 1);
            g_string_append(out, "<mac");
            append_attr(out, "address", def->mac);
            g_string_append(out, "/>\n");
        }
        break;
    case NMI_IFACE_BRIDGE:
        format_bridge(out, def, level + 1);
        break;
    case NMI_IFACE_BOND:
        format_bond(out, def, level + 1);
        break;
    case NMI_IFACE_VLAN:
        format_vlan(out, def, level + 1);
        break;
    }

    indent(out, level);
    g_string_append(out, "</interface>\n");
}

char *nmi_iface_def_format(const NmiIfaceDef *def)
{
    GString *out;

    g_return_val_if_fail(def != NULL, NULL);

    out = g_string_sized_new(512);
    format_interface(out, def, TRUE, 0);
    return g_string_free(out, FALSE);
}
