/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Construction, destruction and enum names of the typed interface definition. */

#include "iface-def.h"

NmiIpAddr *nmi_ip_addr_new(const char *address, int prefix)
{
    NmiIpAddr *ip = g_new0(NmiIpAddr, 1);

    ip->address = g_strdup(address);
    ip->prefix = prefix;
    return ip;
}

void nmi_ip_addr_free(NmiIpAddr *ip)
{
    if (ip == NULL)
        return;
    g_free(ip->address);
    g_free(ip);
}

NmiProtocol *nmi_protocol_new(gboolean is_ipv6)
{
    NmiProtocol *proto = g_new0(NmiProtocol, 1);

    proto->is_ipv6 = is_ipv6;
    proto->dhcp_peerdns = NMI_TRISTATE_UNSET;
    proto->ips = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_ip_addr_free);
    return proto;
}

void nmi_protocol_free(NmiProtocol *proto)
{
    if (proto == NULL)
        return;
    g_ptr_array_unref(proto->ips);
    g_free(proto->gateway);
    g_free(proto);
}

NmiIfaceDef *nmi_iface_def_new(NmiIfaceType type, const char *name)
{
    NmiIfaceDef *def = g_new0(NmiIfaceDef, 1);

    def->type = type;
    def->name = g_strdup(name);
    def->bridge_stp = NMI_TRISTATE_UNSET;
    def->miimon_freq = -1;
    def->miimon_downdelay = -1;
    def->miimon_updelay = -1;
    def->arpmon_interval = -1;
    def->protocols = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_protocol_free);
    def->ports = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_iface_def_free);
    return def;
}

void nmi_iface_def_free(NmiIfaceDef *def)
{
    if (def == NULL)
        return;
    g_free(def->name);
    g_free(def->mac);
    g_ptr_array_unref(def->protocols);
    g_free(def->bridge_delay);
    g_free(def->arpmon_target);
    g_free(def->vlan_tag);
    g_free(def->vlan_parent);
    g_ptr_array_unref(def->ports);
    g_free(def);
}

const char *nmi_iface_type_to_string(NmiIfaceType type)
{
    switch (type) {
    case NMI_IFACE_ETHERNET:
        return "ethernet";
    case NMI_IFACE_BRIDGE:
        return "bridge";
    case NMI_IFACE_BOND:
        return "bond";
    case NMI_IFACE_VLAN:
        return "vlan";
    }
    return NULL;
}

const char *nmi_start_mode_to_string(NmiStartMode mode)
{
    switch (mode) {
    case NMI_START_UNSPECIFIED:
        return NULL;
    case NMI_START_NONE:
        return "none";
    case NMI_START_ONBOOT:
        return "onboot";
    case NMI_START_HOTPLUG:
        return "hotplug";
    }
    return NULL;
}

const char *nmi_bond_mode_to_string(NmiBondMode mode)
{
    switch (mode) {
    case NMI_BOND_MODE_UNSPECIFIED:
        return NULL;
    case NMI_BOND_MODE_BALANCE_RR:
        return "balance-rr";
    case NMI_BOND_MODE_ACTIVE_BACKUP:
        return "active-backup";
    case NMI_BOND_MODE_BALANCE_XOR:
        return "balance-xor";
    case NMI_BOND_MODE_BROADCAST:
        return "broadcast";
    case NMI_BOND_MODE_8023AD:
        return "802.3ad";
    case NMI_BOND_MODE_BALANCE_TLB:
        return "balance-tlb";
    case NMI_BOND_MODE_BALANCE_ALB:
        return "balance-alb";
    }
    return NULL;
}

const char *nmi_link_state_to_string(NmiLinkState state)
{
    switch (state) {
    case NMI_LINK_STATE_UNSPECIFIED:
        return NULL;
    case NMI_LINK_STATE_UNKNOWN:
        return "unknown";
    case NMI_LINK_STATE_NOTPRESENT:
        return "notpresent";
    case NMI_LINK_STATE_DOWN:
        return "down";
    case NMI_LINK_STATE_LOWERLAYERDOWN:
        return "lowerlayerdown";
    case NMI_LINK_STATE_TESTING:
        return "testing";
    case NMI_LINK_STATE_DORMANT:
        return "dormant";
    case NMI_LINK_STATE_UP:
        return "up";
    }
    return NULL;
}
