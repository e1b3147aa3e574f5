/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NM -> XML: profiles to the inactive (configured) definition, hints applied. */

#include "iface-nm.h"
#include "iface-enums.h"
#include "iface-xml-private.h"

#include <linux/if_ether.h>
#include <string.h>

#include "nmiface/driver.h"

static NmiStartMode start_from_profile(NMConnection *connection)
{
    const char *hint = nmi_hint_get(connection, NMI_HINT_START);

    if (!nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(connection)))
        return NMI_START_NONE;
    if (g_strcmp0(hint, NMI_HINT_VALUE_HOTPLUG) == 0)
        return NMI_START_HOTPLUG;
    if (g_strcmp0(hint, NMI_HINT_VALUE_UNSPECIFIED) == 0)
        return NMI_START_UNSPECIFIED;
    return NMI_START_ONBOOT;
}

/* libvirt has <mac> for ethernet interfaces only: the device the profile binds to
 * (mac-address), else an address it sets (a literal cloned-mac-address). A software device's
 * cloned-mac-address is not in the XML and stays untouched. */
static char *mac_from_profile(NMConnection *connection)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(connection);
    const char *mac;
    const char *cloned;
    const char *hint;

    if (s_wired == NULL)
        return NULL;
    mac = nm_setting_wired_get_mac_address(s_wired);
    cloned = nm_setting_wired_get_cloned_mac_address(s_wired);
    if (mac == NULL && cloned != NULL && nm_utils_hwaddr_valid(cloned, ETH_ALEN))
        mac = cloned; /* not "preserve", "random", ... */
    if (mac == NULL)
        return NULL;
    hint = nmi_hint_get(connection, NMI_HINT_MAC);
    if (hint != NULL && g_ascii_strcasecmp(hint, mac) == 0)
        return g_strdup(hint);
    return g_ascii_strdown(mac, -1); /* libvirt writes MACs in lower case */
}

static void protocols_from_profile(NmiIfaceDef *def, NMConnection *connection)
{
    NmiProtocol *ipv4 = nmi_protocol_from_profile(connection, FALSE);
    NmiProtocol *ipv6 = nmi_protocol_from_profile(connection, TRUE);
    gboolean ipv6_first =
        g_strcmp0(nmi_hint_get(connection, NMI_HINT_PROTOCOLS), NMI_HINT_VALUE_IPV6_FIRST) == 0;

    if (ipv6 != NULL && ipv6_first)
        g_ptr_array_add(def->protocols, ipv6);
    if (ipv4 != NULL)
        g_ptr_array_add(def->protocols, ipv4);
    if (ipv6 != NULL && !ipv6_first)
        g_ptr_array_add(def->protocols, ipv6);
}

static void bridge_from_profile(NmiIfaceDef *def, NMConnection *connection)
{
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(connection);
    const char *delay_hint = nmi_hint_get(connection, NMI_HINT_BRIDGE_DELAY);
    gboolean stp = s_bridge != NULL ? nm_setting_bridge_get_stp(s_bridge) : TRUE;
    guint delay = s_bridge != NULL ? nm_setting_bridge_get_forward_delay(s_bridge)
                                   : NMI_NM_FORWARD_DELAY_DEFAULT;
    guint hinted;

    if (stp && g_strcmp0(nmi_hint_get(connection, NMI_HINT_BRIDGE_STP), NMI_HINT_VALUE_UNSET) == 0)
        def->bridge_stp = NMI_TRISTATE_UNSET;
    else
        def->bridge_stp = stp ? NMI_TRISTATE_YES : NMI_TRISTATE_NO;

    if (delay_hint != NULL && nmi_bridge_delay_to_nm(delay_hint, &hinted) && hinted == delay)
        def->bridge_delay = g_strdup(delay_hint);
    else if (delay != NMI_NM_FORWARD_DELAY_DEFAULT)
        def->bridge_delay = g_strdup_printf("%u", delay);
}

static int bond_int_option(NMSettingBond *s_bond, const char *name)
{
    const char *value = nm_setting_bond_get_option_by_name(s_bond, name);
    gint64 n;

    if (value == NULL || !g_ascii_string_to_signed(value, 10, 0, G_MAXINT, &n, NULL))
        return -1;
    return (int)n;
}

/* A bond option NM holds as libvirt's name or as the kernel's number, the kernel counting in
 * libvirt's order from @first to @last; -1 for anything else. */
static int bond_enum_option(const NmiEnumTable *table, const char *value, int first, int last)
{
    int named;
    gint64 n;

    if (nmi_enum_from_string(table, value, &named))
        return named;
    if (value != NULL && g_ascii_string_to_signed(value, 10, 0, last - first, &n, NULL))
        return first + (int)n;
    return -1;
}

static NmiBondMode bond_mode_from_nm(const char *value)
{
    int mode;

    if (value == NULL)
        return NMI_BOND_MODE_BALANCE_RR; /* NM's default */
    mode = bond_enum_option(&nmi_bond_mode_table, value, NMI_BOND_MODE_BALANCE_RR,
                            NMI_BOND_MODE_BALANCE_ALB);
    return mode >= 0 ? (NmiBondMode)mode : NMI_BOND_MODE_UNSPECIFIED;
}

/* The filter modes (4-6) are not in libvirt's model. */
static NmiArpValidate arp_validate_from_nm(const char *value)
{
    int validate = bond_enum_option(&nmi_arp_validate_table, value, NMI_ARP_VALIDATE_NONE,
                                    NMI_ARP_VALIDATE_ALL);

    return validate >= 0 ? (NmiArpValidate)validate : NMI_ARP_VALIDATE_UNSPECIFIED;
}

static void bond_arp_from_profile(NmiIfaceDef *def, NMConnection *connection, NMSettingBond *s_bond)
{
    const char *target = nm_setting_bond_get_option_by_name(s_bond, "arp_ip_target");

    def->bond_monitor = NMI_BOND_MONITOR_ARP;
    def->arpmon_interval = bond_int_option(s_bond, "arp_interval");
    /* NM refuses a target without an interval; the hint keeps libvirt's */
    if (target == NULL && def->arpmon_interval <= 0)
        target = nmi_hint_get(connection, NMI_HINT_BOND_ARP_TARGET);
    def->arpmon_target = g_strdup(target);
    def->arpmon_validate =
        arp_validate_from_nm(nm_setting_bond_get_option_by_name(s_bond, "arp_validate"));
}

static void bond_from_profile(NmiIfaceDef *def, NMConnection *connection)
{
    NMSettingBond *s_bond = nm_connection_get_setting_bond(connection);
    const char *carrier;

    if (s_bond == NULL) {
        def->bond_mode = NMI_BOND_MODE_BALANCE_RR;
    } else {
        def->bond_mode = bond_mode_from_nm(nm_setting_bond_get_option_by_name(s_bond, "mode"));
    }
    if (def->bond_mode == NMI_BOND_MODE_BALANCE_RR &&
        g_strcmp0(nmi_hint_get(connection, NMI_HINT_BOND_MODE), NMI_HINT_VALUE_UNSET) == 0)
        def->bond_mode = NMI_BOND_MODE_UNSPECIFIED;
    if (s_bond == NULL)
        return;

    if (bond_int_option(s_bond, "arp_interval") > 0 ||
        nm_setting_bond_get_option_by_name(s_bond, "arp_ip_target") != NULL ||
        nm_setting_bond_get_option_by_name(s_bond, "arp_validate") != NULL) {
        bond_arp_from_profile(def, connection, s_bond);
        return;
    }
    def->miimon_freq = bond_int_option(s_bond, "miimon");
    def->miimon_updelay = bond_int_option(s_bond, "updelay");
    def->miimon_downdelay = bond_int_option(s_bond, "downdelay");
    carrier = nm_setting_bond_get_option_by_name(s_bond, "use_carrier");
    if (g_strcmp0(carrier, "0") == 0)
        def->miimon_carrier = NMI_MII_CARRIER_IOCTL;
    else if (g_strcmp0(carrier, "1") == 0)
        def->miimon_carrier = NMI_MII_CARRIER_NETIF;
    if (def->miimon_freq >= 0 || def->miimon_updelay >= 0 || def->miimon_downdelay >= 0 ||
        def->miimon_carrier != NMI_MII_CARRIER_UNSPECIFIED)
        def->bond_monitor = NMI_BOND_MONITOR_MII;
    else if (nm_setting_bond_get_option_by_name(s_bond, "arp_interval") != NULL)
        bond_arp_from_profile(def, connection, s_bond); /* arp_interval=0: ARP off */
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (nm_utils_is_uuid() is deprecated) */
static gboolean looks_like_uuid(const char *text)
{
    if (strlen(text) != 36)
        return FALSE;
    for (guint i = 0; i < 36; i++) {
        gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? text[i] != '-' : !g_ascii_isxdigit(text[i]))
            return FALSE;
    }
    return TRUE;
}

static void vlan_from_profile(NmiIfaceDef *def, NMConnection *connection)
{
    NMSettingVlan *s_vlan = nm_connection_get_setting_vlan(connection);
    const char *tag_hint = nmi_hint_get(connection, NMI_HINT_VLAN_TAG);
    const char *parent;
    guint hinted;

    if (s_vlan == NULL)
        return;
    if (nmi_vlan_tag_parse(tag_hint, &hinted) && hinted == nm_setting_vlan_get_id(s_vlan))
        def->vlan_tag = g_strdup(tag_hint);
    else
        def->vlan_tag = g_strdup_printf("%u", nm_setting_vlan_get_id(s_vlan));
    parent = nm_setting_vlan_get_parent(s_vlan);
    /* a parent named by profile UUID has no interface name to show here */
    if (parent != NULL && !looks_like_uuid(parent))
        def->vlan_parent = g_strdup(parent);
}

NmiIfaceDef *nmi_iface_def_from_profile(NMConnection *connection, gboolean top, GError **error)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);
    NMSettingWired *s_wired = nm_connection_get_setting_wired(connection);
    g_autoptr(NmiIfaceDef) def = NULL;
    const char *ifname;
    NmiIfaceType type;

    if (s_con == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "profile has no connection setting");
        return NULL;
    }
    if (!nmi_nm_iface_type(nm_setting_connection_get_connection_type(s_con), &type)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_SUPPORT,
                    "profile '%s' is of type '%s', which libvirt's interface XML cannot describe",
                    nm_setting_connection_get_id(s_con),
                    nm_setting_connection_get_connection_type(s_con));
        return NULL;
    }
    ifname = nm_setting_connection_get_interface_name(s_con);
    if (ifname == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "profile '%s' names no interface (connection.interface-name)",
                    nm_setting_connection_get_id(s_con));
        return NULL;
    }

    def = nmi_iface_def_new(type, ifname);
    if (top) {
        def->start = start_from_profile(connection);
        protocols_from_profile(def, connection);
    }
    /* <mtu> is top-level only: a port's MTU stays NM's business */
    if (top && s_wired != NULL)
        def->mtu = nm_setting_wired_get_mtu(s_wired);
    if (type == NMI_IFACE_ETHERNET)
        def->mac = mac_from_profile(connection);

    switch (type) {
    case NMI_IFACE_BRIDGE:
        bridge_from_profile(def, connection);
        break;
    case NMI_IFACE_BOND:
        bond_from_profile(def, connection);
        break;
    case NMI_IFACE_VLAN:
        vlan_from_profile(def, connection);
        break;
    case NMI_IFACE_ETHERNET:
        break;
    }
    return g_steal_pointer(&def);
}

/* connection.master names the controller by interface name or by profile UUID. */
static gboolean is_port_of(NMConnection *port, NMConnection *controller, NmiIfaceType type)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(port);
    const char *master = s_con != NULL ? nm_setting_connection_get_master(s_con) : NULL;
    const char *port_type = s_con != NULL ? nm_setting_connection_get_slave_type(s_con) : NULL;

    if (master == NULL)
        return FALSE;
    if (port_type != NULL && g_strcmp0(port_type, nmi_nm_connection_type(type)) != 0)
        return FALSE;
    return g_strcmp0(master, nm_connection_get_interface_name(controller)) == 0 ||
           g_strcmp0(master, nm_connection_get_uuid(controller)) == 0;
}

static guint port_rank(NMConnection *port, GStrv order)
{
    const char *name = nm_connection_get_interface_name(port);

    for (guint i = 0; order != NULL && order[i] != NULL; i++) {
        if (g_strcmp0(order[i], name) == 0)
            return i;
    }
    return G_MAXUINT;
}

/* Document order when the hint knows it, else (profiles made elsewhere) by name. */
static int compare_ports(gconstpointer a, gconstpointer b, gpointer user_data)
{
    NMConnection *x = *(NMConnection *const *)a;
    NMConnection *y = *(NMConnection *const *)b;
    guint rx = port_rank(x, user_data);
    guint ry = port_rank(y, user_data);

    if (rx != ry)
        return rx < ry ? -1 : 1;
    return g_strcmp0(nm_connection_get_interface_name(x), nm_connection_get_interface_name(y));
}

static gboolean attach_ports(NmiIfaceDef *def, NMConnection *controller, const NmiProfileSet *set,
                             GHashTable *used, GError **error)
{
    g_autoptr(GPtrArray) ports = g_ptr_array_new();
    g_auto(GStrv) order = NULL;
    const char *hint;

    if (def->type != NMI_IFACE_BRIDGE && def->type != NMI_IFACE_BOND)
        return TRUE;
    for (guint i = 0; i < set->ports->len; i++) {
        NMConnection *port = g_ptr_array_index(set->ports, i);

        if (!g_hash_table_contains(used, port) && is_port_of(port, controller, def->type)) {
            g_hash_table_add(used, port);
            g_ptr_array_add(ports, port);
        }
    }
    hint = nmi_hint_get(controller, NMI_HINT_PORTS);
    if (hint != NULL)
        order = g_strsplit(hint, "/", -1);
    g_ptr_array_sort_with_data(ports, compare_ports, order);

    for (guint i = 0; i < ports->len; i++) {
        NMConnection *port = g_ptr_array_index(ports, i);
        g_autoptr(NmiIfaceDef) port_def = nmi_iface_def_from_profile(port, FALSE, error);

        if (port_def == NULL)
            return FALSE;
        if (!attach_ports(port_def, port, set, used, error))
            return FALSE;
        g_ptr_array_add(def->ports, g_steal_pointer(&port_def));
    }
    return TRUE;
}

NmiIfaceDef *nmi_iface_def_from_profiles(const NmiProfileSet *set, GError **error)
{
    g_autoptr(GHashTable) used = g_hash_table_new(NULL, NULL);
    g_autoptr(NmiIfaceDef) def = NULL;

    if (set == NULL || set->top == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR, "no profile to describe");
        return NULL;
    }
    def = nmi_iface_def_from_profile(set->top, TRUE, error);
    if (def == NULL)
        return NULL;
    g_hash_table_add(used, set->top);
    if (!attach_ports(def, set->top, set, used, error)) {
        g_prefix_error(error, "interface '%s': ", def->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}
