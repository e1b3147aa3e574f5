/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GetXMLDesc: the inactive form from the profiles, the live form from the device (addresses
 * from its IP configs, link state, speed, MAC, MTU, actual ports) over the profiles.
 */
#include "iface-private.h"

NmiProfileSet *nmi_profile_set_for(NmifaceDriverConn *conn, NmiProfile *top)
{
    g_autoptr(GPtrArray) ports = nmi_collect_ports(conn, top);
    g_autoptr(NMConnection) top_copy = nm_simple_connection_new_clone(nmi_profile_connection(top));
    NmiProfileSet *set;

    nmi_vlan_parent_show_name(conn, top_copy);
    set = nmi_profile_set_new(top_copy);
    for (guint i = 0; i < ports->len; i++) {
        NmiProfile *port = ports->pdata[i];
        NMConnection *copy = nm_simple_connection_new_clone(nmi_profile_connection(port));

        nmi_vlan_parent_show_name(conn, copy);
        g_ptr_array_add(set->ports, copy);
    }
    return set;
}

static NmiIfaceType device_iface_type(guint32 device_type)
{
    switch (device_type) {
    case NM_DEVICE_TYPE_BRIDGE:
        return NMI_IFACE_BRIDGE;
    case NM_DEVICE_TYPE_BOND:
        return NMI_IFACE_BOND;
    case NM_DEVICE_TYPE_VLAN:
        return NMI_IFACE_VLAN;
    default:
        return NMI_IFACE_ETHERNET;
    }
}

static NmiLinkState device_link_state(NmifaceDriverConn *conn, const char *device)
{
    guint32 flags = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "InterfaceFlags", 0);

    if ((flags & NM_DEVICE_INTERFACE_FLAG_UP) == 0)
        return NMI_LINK_STATE_DOWN;
    if ((flags & NM_DEVICE_INTERFACE_FLAG_LOWER_UP) == 0)
        return NMI_LINK_STATE_LOWERLAYERDOWN;
    return NMI_LINK_STATE_UP;
}

static void add_addresses(NmifaceDriverConn *conn, const char *config, const char *iface,
                          GPtrArray *out, char **gateway)
{
    GVariant *data = nmi_object_get(conn, config, iface, "AddressData");
    const char *gw = nmi_object_get_s(conn, config, iface, "Gateway");
    GVariantIter iter;
    GVariant *entry;

    if (gw != NULL && *gw != '\0')
        *gateway = g_strdup(gw);
    if (data == NULL || !g_variant_is_of_type(data, G_VARIANT_TYPE("aa{sv}")))
        return;
    g_variant_iter_init(&iter, data);
    while (g_variant_iter_next(&iter, "@a{sv}", &entry)) {
        const char *address;
        guint32 prefix;

        if (g_variant_lookup(entry, "address", "&s", &address) &&
            g_variant_lookup(entry, "prefix", "u", &prefix))
            g_ptr_array_add(out, nmi_ip_addr_new(address, (int)prefix));
        g_variant_unref(entry);
    }
}

static NmiDeviceFacts *device_facts(NmifaceDriverConn *conn, const char *device, guint depth)
{
    const char *name = nmi_object_get_s(conn, device, NM_DBUS_INTERFACE_DEVICE, "Interface");
    guint32 type = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "DeviceType", 0);
    const char *hw = nmi_object_get_s(conn, device, NM_DBUS_INTERFACE_DEVICE, "HwAddress");
    g_autoptr(NmiDeviceFacts) facts = nmi_device_facts_new(name, device_iface_type(type));
    g_autoptr(GPtrArray) ports = NULL;

    if (hw != NULL && nm_utils_hwaddr_valid(hw, ETH_ALEN))
        facts->mac = g_ascii_strdown(hw, -1);
    facts->mtu = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "Mtu", 0);
    facts->link_state = device_link_state(conn, device);
    facts->speed = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE_WIRED, "Speed", 0);
    add_addresses(conn, nmi_object_get_o(conn, device, NM_DBUS_INTERFACE_DEVICE, "Ip4Config"),
                  NM_DBUS_INTERFACE_IP4_CONFIG, facts->ipv4, &facts->ipv4_gateway);
    add_addresses(conn, nmi_object_get_o(conn, device, NM_DBUS_INTERFACE_DEVICE, "Ip6Config"),
                  NM_DBUS_INTERFACE_IP6_CONFIG, facts->ipv6, &facts->ipv6_gateway);
    if (type == NM_DEVICE_TYPE_VLAN) {
        const char *parent =
            nmi_object_get_o(conn, device, NM_DBUS_INTERFACE_DEVICE_VLAN, "Parent");

        facts->vlan_id =
            (int)nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE_VLAN, "VlanId", -1);
        facts->vlan_parent =
            g_strdup(nmi_object_get_s(conn, parent, NM_DBUS_INTERFACE_DEVICE, "Interface"));
    }
    if (depth > 4)
        return g_steal_pointer(&facts);
    ports = nmi_object_get_ao(conn, device, NM_DBUS_INTERFACE_DEVICE, "Ports");
    for (guint i = 0; i < ports->len; i++)
        if (nmi_object_get_s(conn, ports->pdata[i], NM_DBUS_INTERFACE_DEVICE, "Interface"))
            g_ptr_array_add(facts->ports, device_facts(conn, ports->pdata[i], depth + 1));
    return g_steal_pointer(&facts);
}

char *nmi_get_xml_desc(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(NmiProfileSet) set = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiDeviceFacts) facts = NULL;
    NmiEntry *entry;

    entry = nmi_entry_now(conn, name, &snap, error);
    if (entry == NULL)
        return NULL;
    if (entry->profile != NULL)
        set = nmi_profile_set_for(conn, entry->profile);

    if (set != NULL && ((flags & VIR_INTERFACE_XML_INACTIVE) != 0 || !entry->active)) {
        def = nmi_iface_def_from_profiles(set, error);
    } else if (entry->device != NULL) {
        facts = device_facts(conn, entry->device, 0);
        def = nmi_iface_def_live(set, facts, error);
    } else {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "interface '%s' has neither a profile nor a device", name);
        return NULL;
    }
    if (def == NULL) {
        g_prefix_error(error, "cannot describe interface '%s': ", name);
        return NULL;
    }
    return nmi_iface_def_format(def);
}
