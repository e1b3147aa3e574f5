/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Construction and destruction of the typed interface definition (enum names: iface-enums.c). */

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
