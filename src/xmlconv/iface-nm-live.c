/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The live form: the configured definition overlaid with what the device reports. */

#include "iface-nm.h"

#include "nmiface/driver.h"

static NmiIfaceDef *def_from_facts(const NmiDeviceFacts *facts)
{
    NmiIfaceDef *def = nmi_iface_def_new(facts->type, facts->name);

    if (facts->type == NMI_IFACE_VLAN && facts->vlan_id >= 0)
        def->vlan_tag = g_strdup_printf("%d", facts->vlan_id);
    return def;
}

static void overlay_protocol(NmiIfaceDef *def, gboolean is_ipv6, GPtrArray *addresses,
                             const char *gateway)
{
    NmiProtocol *proto = NULL;

    for (guint i = 0; i < def->protocols->len && proto == NULL; i++) {
        NmiProtocol *p = g_ptr_array_index(def->protocols, i);

        if (p->is_ipv6 == is_ipv6)
            proto = p;
    }
    if (proto == NULL) {
        if (addresses == NULL || addresses->len == 0)
            return;
        proto = nmi_protocol_new(is_ipv6);
        /* libvirt's order: ipv4 first */
        g_ptr_array_insert(def->protocols, is_ipv6 ? -1 : 0, proto);
    }
    g_ptr_array_set_size(proto->ips, 0);
    for (guint i = 0; addresses != NULL && i < addresses->len; i++) {
        const NmiIpAddr *ip = g_ptr_array_index(addresses, i);

        g_ptr_array_add(proto->ips, nmi_ip_addr_new(ip->address, ip->prefix));
    }
    g_free(proto->gateway);
    proto->gateway = g_strdup(gateway);
}

static NmiIfaceDef *steal_port(NmiIfaceDef *def, const char *name)
{
    for (guint i = 0; i < def->ports->len; i++) {
        NmiIfaceDef *port = g_ptr_array_index(def->ports, i);

        if (g_strcmp0(port->name, name) == 0)
            return g_ptr_array_steal_index(def->ports, i);
    }
    return NULL;
}

static void overlay(NmiIfaceDef *def, const NmiDeviceFacts *facts, gboolean top)
{
    if (facts->mac != NULL) {
        g_free(def->mac);
        def->mac = g_ascii_strdown(facts->mac, -1);
    }
    if (facts->mtu != 0)
        def->mtu = facts->mtu;
    def->link_state = facts->link_state;
    def->link_speed = facts->speed;
    if (top) {
        overlay_protocol(def, FALSE, facts->ipv4, facts->ipv4_gateway);
        overlay_protocol(def, TRUE, facts->ipv6, facts->ipv6_gateway);
    }
    if (def->type == NMI_IFACE_VLAN) {
        if (def->vlan_tag == NULL && facts->vlan_id >= 0)
            def->vlan_tag = g_strdup_printf("%d", facts->vlan_id);
        if (def->vlan_parent == NULL)
            def->vlan_parent = g_strdup(facts->vlan_parent);
    }
    if (def->type == NMI_IFACE_BRIDGE || def->type == NMI_IFACE_BOND) {
        GPtrArray *actual = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_iface_def_free);

        /* configured ports that are not attached do not show: the live form is what is */
        for (guint i = 0; facts->ports != NULL && i < facts->ports->len; i++) {
            const NmiDeviceFacts *port_facts = g_ptr_array_index(facts->ports, i);
            NmiIfaceDef *port = steal_port(def, port_facts->name);

            if (port == NULL)
                port = def_from_facts(port_facts);
            overlay(port, port_facts, FALSE);
            g_ptr_array_add(actual, port);
        }
        g_ptr_array_unref(def->ports);
        def->ports = actual;
    }
}

NmiIfaceDef *nmi_iface_def_live(const NmiProfileSet *set, const NmiDeviceFacts *facts,
                                GError **error)
{
    g_autoptr(NmiIfaceDef) def = NULL;

    if (facts == NULL)
        return nmi_iface_def_from_profiles(set, error);
    if (set != NULL) {
        def = nmi_iface_def_from_profiles(set, error);
        if (def == NULL)
            return NULL;
    } else {
        if (facts->name == NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR, "device has no name");
            return NULL;
        }
        def = def_from_facts(facts);
    }
    overlay(def, facts, TRUE);
    return g_steal_pointer(&def);
}
