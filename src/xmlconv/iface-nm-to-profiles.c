/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XML -> NM: a definition to its profiles (top-level + one per port, nested ones included).
 *
 * Merging: an existing profile is cloned and each XML aspect (start, mtu, mac, each protocol,
 * stp, delay, bond mode, bond monitor, vlan tag, vlan parent) is rewritten only when its XML
 * meaning differs from what the existing profile already says. Everything else in the clone,
 * and every aspect the XML leaves as it was, stays byte for byte.
 */

#include "iface-nm.h"
#include "iface-enums.h"
#include "iface-xml-private.h"

#include <linux/if_ether.h>

#include "nmiface/driver.h"

typedef struct {
    const NmiProfileSet *existing;
    GHashTable *used;       /* existing profiles already given a role */
    gboolean autoconnect;   /* the top-level profile's, after the XML is applied */
    gboolean start_changed; /* the top's start was rewritten: ports follow it */
} Ctx;

/* NM's bond mode when bond.options has none */
#define NMI_NM_BOND_MODE_DEFAULT nmi_bond_mode_to_string(NMI_BOND_MODE_BALANCE_RR)

/* What the ports of a master need to know about it. */
typedef struct {
    const char *name;
    const char *uuid;
    NmiIfaceType type;
} Controller;

static NMSettingWired *ensure_wired(NMConnection *connection)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(connection);

    if (s_wired == NULL) {
        s_wired = NM_SETTING_WIRED(nm_setting_wired_new());
        nm_connection_add_setting(connection, NM_SETTING(s_wired));
    }
    return s_wired;
}

static NMSetting *ensure_setting(NMConnection *connection, GType type)
{
    NMSetting *setting = nm_connection_get_setting(connection, type);

    if (setting == NULL) {
        setting = g_object_new(type, NULL);
        nm_connection_add_setting(connection, setting);
    }
    return setting;
}

static void apply_mtu(NMConnection *connection, guint mtu)
{
    if (mtu == 0 && nm_connection_get_setting_wired(connection) == NULL)
        return;
    g_object_set(ensure_wired(connection), NM_SETTING_WIRED_MTU, mtu, NULL);
}

/* An ethernet's <mac> names its device (mac-address, as netcf's HWADDR binds the ifcfg file
 * to a NIC). libvirt has no <mac> for other types. */
static gboolean apply_mac(NMConnection *connection, const char *mac, GError **error)
{
    g_autofree char *lower = mac != NULL ? g_ascii_strdown(mac, -1) : NULL;
    NMSettingWired *s_wired = ensure_wired(connection);
    const char *cloned = nm_setting_wired_get_cloned_mac_address(s_wired);

    /* the old <mac> came from a literal cloned address: it is replaced, not kept */
    if (nm_setting_wired_get_mac_address(s_wired) == NULL && cloned != NULL &&
        nm_utils_hwaddr_valid(cloned, ETH_ALEN))
        g_object_set(s_wired, NM_SETTING_WIRED_CLONED_MAC_ADDRESS, NULL, NULL);
    g_object_set(s_wired, NM_SETTING_WIRED_MAC_ADDRESS, mac, NULL);
    return nmi_hint_set(connection, NMI_HINT_MAC,
                        mac != NULL && g_strcmp0(lower, mac) != 0 ? mac : NULL, error);
}

static gboolean apply_start(Ctx *ctx, NMConnection *connection, NmiStartMode start, GError **error)
{
    const char *hint = NULL;

    if (start == NMI_START_HOTPLUG)
        hint = NMI_HINT_VALUE_HOTPLUG;
    else if (start == NMI_START_UNSPECIFIED)
        hint = NMI_HINT_VALUE_UNSPECIFIED;
    g_object_set(nm_connection_get_setting_connection(connection),
                 NM_SETTING_CONNECTION_AUTOCONNECT, start != NMI_START_NONE, NULL);
    ctx->start_changed = TRUE;
    return nmi_hint_set(connection, NMI_HINT_START, hint, error);
}

static const NmiProtocol *find_protocol(const NmiIfaceDef *def, gboolean is_ipv6)
{
    for (guint i = 0; i < def->protocols->len; i++) {
        const NmiProtocol *proto = g_ptr_array_index(def->protocols, i);

        if (proto->is_ipv6 == is_ipv6)
            return proto;
    }
    return NULL;
}

/* Each family at most once: nmi_iface_def_validate() says so. */
static gboolean apply_protocols(NMConnection *connection, const NmiIfaceDef *def,
                                const NmiIfaceDef *old, GError **error)
{
    const NmiProtocol *first =
        def->protocols->len > 0 ? g_ptr_array_index(def->protocols, 0) : NULL;
    gboolean ipv6_first = first != NULL && first->is_ipv6 && def->protocols->len > 1;

    for (int is_ipv6 = 0; is_ipv6 <= 1; is_ipv6++) {
        const NmiProtocol *proto = find_protocol(def, is_ipv6);

        if (old != NULL && nmi_protocol_equal(proto, find_protocol(old, is_ipv6)))
            continue;
        if (!nmi_protocol_apply(connection, is_ipv6, proto, error))
            return FALSE;
    }
    return nmi_hint_set(connection, NMI_HINT_PROTOCOLS,
                        ipv6_first ? NMI_HINT_VALUE_IPV6_FIRST : NULL, error);
}

static gboolean apply_bridge(NMConnection *connection, const NmiIfaceDef *def,
                             const NmiIfaceDef *old, GError **error)
{
    NMSetting *s_bridge = ensure_setting(connection, NM_TYPE_SETTING_BRIDGE);

    if (old == NULL || old->bridge_stp != def->bridge_stp) {
        g_object_set(s_bridge, NM_SETTING_BRIDGE_STP, def->bridge_stp != NMI_TRISTATE_NO, NULL);
        if (!nmi_hint_set(connection, NMI_HINT_BRIDGE_STP,
                          def->bridge_stp == NMI_TRISTATE_UNSET ? NMI_HINT_VALUE_UNSET : NULL,
                          error))
            return FALSE;
    }
    if (old == NULL || g_strcmp0(old->bridge_delay, def->bridge_delay) != 0) {
        guint delay = NMI_NM_FORWARD_DELAY_DEFAULT;
        g_autofree char *exact = NULL;

        /* the syntax nmi_iface_def_validate() checked: this cannot fail */
        if (def->bridge_delay != NULL && !nmi_bridge_delay_to_nm(def->bridge_delay, &delay))
            g_assert_not_reached();
        g_object_set(s_bridge, NM_SETTING_BRIDGE_FORWARD_DELAY, delay, NULL);
        exact = g_strdup_printf("%u", delay);
        /* NM's value gives the XML back unless it is inexact or NM's default (no delay) */
        if (!nmi_hint_set(connection, NMI_HINT_BRIDGE_DELAY,
                          def->bridge_delay != NULL && (g_strcmp0(exact, def->bridge_delay) != 0 ||
                                                        delay == NMI_NM_FORWARD_DELAY_DEFAULT)
                              ? def->bridge_delay
                              : NULL,
                          error))
            return FALSE;
    }
    return TRUE;
}

static const char *const bond_monitor_options[] = {"miimon",      "updelay",      "downdelay",
                                                   "use_carrier", "arp_interval", "arp_ip_target",
                                                   "arp_validate"};

static gboolean bond_monitor_equal(const NmiIfaceDef *a, const NmiIfaceDef *b)
{
    if (a->bond_monitor != b->bond_monitor)
        return FALSE;
    switch (a->bond_monitor) {
    case NMI_BOND_MONITOR_NONE:
        return TRUE;
    case NMI_BOND_MONITOR_MII:
        return a->miimon_freq == b->miimon_freq && a->miimon_updelay == b->miimon_updelay &&
               a->miimon_downdelay == b->miimon_downdelay && a->miimon_carrier == b->miimon_carrier;
    case NMI_BOND_MONITOR_ARP:
        return a->arpmon_interval == b->arpmon_interval &&
               g_strcmp0(a->arpmon_target, b->arpmon_target) == 0 &&
               a->arpmon_validate == b->arpmon_validate;
    }
    return FALSE;
}

static void set_bond_option(NMSettingBond *s_bond, GHashTable *written, const char *name,
                            const char *value)
{
    nm_setting_bond_add_option(s_bond, name, value);
    g_hash_table_insert(written, (gpointer)name, g_strdup(value));
}

static void set_bond_int(NMSettingBond *s_bond, GHashTable *written, const char *name, int value)
{
    char buf[16];

    if (value < 0)
        return;
    g_snprintf(buf, sizeof(buf), "%d", value);
    set_bond_option(s_bond, written, name, buf);
}

static gboolean apply_bond_monitor(NMConnection *connection, NMSettingBond *s_bond,
                                   const NmiIfaceDef *def, GHashTable *written, GError **error)
{
    const char *hidden_target = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(bond_monitor_options); i++)
        nm_setting_bond_remove_option(s_bond, bond_monitor_options[i]);
    switch (def->bond_monitor) {
    case NMI_BOND_MONITOR_NONE:
        break;
    case NMI_BOND_MONITOR_MII:
        set_bond_int(s_bond, written, "miimon", def->miimon_freq);
        set_bond_int(s_bond, written, "updelay", def->miimon_updelay);
        set_bond_int(s_bond, written, "downdelay", def->miimon_downdelay);
        if (def->miimon_carrier != NMI_MII_CARRIER_UNSPECIFIED)
            set_bond_option(s_bond, written, "use_carrier",
                            def->miimon_carrier == NMI_MII_CARRIER_NETIF ? "1" : "0");
        break;
    case NMI_BOND_MONITOR_ARP:
        set_bond_int(s_bond, written, "arp_interval", def->arpmon_interval);
        /* interval 0 turns ARP monitoring off, and NM then refuses a target */
        if (def->arpmon_target != NULL && def->arpmon_interval > 0)
            set_bond_option(s_bond, written, "arp_ip_target", def->arpmon_target);
        else
            hidden_target = def->arpmon_target;
        if (def->arpmon_validate != NMI_ARP_VALIDATE_UNSPECIFIED)
            set_bond_option(s_bond, written, "arp_validate",
                            nmi_arp_validate_to_string(def->arpmon_validate));
        break;
    }
    return nmi_hint_set(connection, NMI_HINT_BOND_ARP_TARGET, hidden_target, error);
}

static gboolean apply_bond(NMConnection *connection, const NmiIfaceDef *def, const NmiIfaceDef *old,
                           GHashTable *written, GError **error)
{
    NMSettingBond *s_bond = NM_SETTING_BOND(ensure_setting(connection, NM_TYPE_SETTING_BOND));

    if (old == NULL || old->bond_mode != def->bond_mode) {
        const char *mode = nmi_bond_mode_to_string(def->bond_mode);

        set_bond_option(s_bond, written, "mode", mode != NULL ? mode : NMI_NM_BOND_MODE_DEFAULT);
        if (!nmi_hint_set(connection, NMI_HINT_BOND_MODE,
                          mode == NULL ? NMI_HINT_VALUE_UNSET : NULL, error))
            return FALSE;
    }
    if (old == NULL || !bond_monitor_equal(old, def))
        return apply_bond_monitor(connection, s_bond, def, written, error);
    return TRUE;
}

/* Normalization silently drops bond options the mode does not allow (ARP monitoring in
 * 802.3ad, balance-tlb and balance-alb): refuse instead of losing them. */
static gboolean check_bond_options(NMConnection *connection, GHashTable *written, GError **error)
{
    NMSettingBond *s_bond = nm_connection_get_setting_bond(connection);
    const char *mode = s_bond != NULL ? nm_setting_bond_get_option_by_name(s_bond, "mode") : NULL;

    /* in a fixed order, so the message names the same option every time */
    for (guint i = 0; i < G_N_ELEMENTS(bond_monitor_options); i++) {
        const char *name = bond_monitor_options[i];
        const char *wanted = g_hash_table_lookup(written, name);

        if (wanted != NULL &&
            (s_bond == NULL ||
             g_strcmp0(nm_setting_bond_get_option_by_name(s_bond, name), wanted) != 0)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "NetworkManager does not allow bond option '%s' in mode '%s'", name,
                        mode != NULL ? mode : NMI_NM_BOND_MODE_DEFAULT);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean apply_vlan(NMConnection *connection, const NmiIfaceDef *def, const NmiIfaceDef *old,
                           GError **error)
{
    NMSetting *s_vlan = ensure_setting(connection, NM_TYPE_SETTING_VLAN);

    if (old == NULL || g_strcmp0(old->vlan_tag, def->vlan_tag) != 0) {
        g_autofree char *exact = NULL;
        guint id;

        /* the syntax and range nmi_iface_def_validate() checked: this cannot fail */
        if (!nmi_vlan_tag_parse(def->vlan_tag, &id))
            g_assert_not_reached();
        g_object_set(s_vlan, NM_SETTING_VLAN_ID, id, NULL);
        exact = g_strdup_printf("%u", id);
        if (!nmi_hint_set(connection, NMI_HINT_VLAN_TAG,
                          g_strcmp0(exact, def->vlan_tag) != 0 ? def->vlan_tag : NULL, error))
            return FALSE;
    }
    if (old == NULL || g_strcmp0(old->vlan_parent, def->vlan_parent) != 0)
        g_object_set(s_vlan, NM_SETTING_VLAN_PARENT, def->vlan_parent, NULL);
    return TRUE;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The port order, kept only when from_profiles' fallback (by name) would not give it. */
static gboolean apply_port_order(NMConnection *connection, const NmiIfaceDef *def, GError **error)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    g_autoptr(GString) order = g_string_new(NULL);
    gboolean needed = FALSE;

    for (guint i = 0; i < def->ports->len; i++)
        g_ptr_array_add(sorted, ((NmiIfaceDef *)g_ptr_array_index(def->ports, i))->name);
    g_ptr_array_sort(sorted, compare_names);
    for (guint i = 0; i < def->ports->len; i++) {
        const char *name = ((NmiIfaceDef *)g_ptr_array_index(def->ports, i))->name;

        needed = needed || g_strcmp0(name, g_ptr_array_index(sorted, i)) != 0;
        g_string_append_printf(order, "%s%s", i > 0 ? "/" : "", name);
    }
    return nmi_hint_set(connection, NMI_HINT_PORTS, needed ? order->str : NULL, error);
}

static NMConnection *new_profile(const NmiIfaceDef *def, const Controller *controller)
{
    NMConnection *connection = nm_simple_connection_new();
    NMSetting *s_con = nm_setting_connection_new();
    const char *type = nmi_nm_connection_type(def->type);
    g_autofree char *uuid =
        nmi_profile_uuid_for(type, def->name, controller != NULL ? controller->name : NULL);
    g_autofree char *id =
        controller != NULL ? nmi_port_profile_id(controller->name, def->name) : g_strdup(def->name);

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, type, NULL);
    /* libvirt's "start" brings the ports up with the master, as netcf's ifup does */
    if (def->type == NMI_IFACE_BRIDGE || def->type == NMI_IFACE_BOND)
        g_object_set(s_con, NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES,
                     NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES, NULL);
    nm_connection_add_setting(connection, s_con);
    return connection;
}

/* Normalization adds bridge-port to a bridge port but not bond-port to a bond port; nmcli adds
 * both, and so do we. */
static void apply_controller(NMConnection *connection, const Controller *controller)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);
    const char *master = nm_setting_connection_get_master(s_con);

    const char *port_type = controller != NULL ? nmi_nm_connection_type(controller->type) : NULL;

    /* the port settings of another controller type make NM refuse the profile */
    if (g_strcmp0(nm_setting_connection_get_slave_type(s_con), port_type) != 0) {
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_BRIDGE_PORT);
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_BOND_PORT);
        if (controller != NULL && controller->type == NMI_IFACE_BOND)
            nm_connection_add_setting(connection, nm_setting_bond_port_new());
    }
    if (controller == NULL) {
        if (master != NULL)
            g_object_set(s_con, NM_SETTING_CONNECTION_MASTER, NULL,
                         NM_SETTING_CONNECTION_SLAVE_TYPE, NULL, NULL);
        return;
    }
    /* a master named by its profile's UUID (as nmcli may write it) still names it */
    if (g_strcmp0(master, controller->name) != 0 && g_strcmp0(master, controller->uuid) != 0)
        g_object_set(s_con, NM_SETTING_CONNECTION_MASTER, controller->name, NULL);
    g_object_set(s_con, NM_SETTING_CONNECTION_SLAVE_TYPE, port_type, NULL);
}

static gboolean apply_type(NMConnection *connection, const NmiIfaceDef *def, const NmiIfaceDef *old,
                           GHashTable *written, GError **error)
{
    switch (def->type) {
    case NMI_IFACE_BRIDGE:
        return apply_bridge(connection, def, old, error) &&
               apply_port_order(connection, def, error);
    case NMI_IFACE_BOND:
        return apply_bond(connection, def, old, written, error) &&
               apply_port_order(connection, def, error);
    case NMI_IFACE_VLAN:
        return apply_vlan(connection, def, old, error);
    case NMI_IFACE_ETHERNET:
        return TRUE;
    }
    return TRUE;
}

static NMConnection *build_profile(Ctx *ctx, const NmiIfaceDef *def, NMConnection *existing,
                                   const Controller *controller, GError **error)
{
    g_autoptr(NMConnection) connection = NULL;
    g_autoptr(NmiIfaceDef) old = NULL;
    g_autoptr(GHashTable) written = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_autoptr(GError) local_error = NULL;
    gboolean top = controller == NULL;

    if (existing != NULL) {
        connection = nm_simple_connection_new_clone(existing);
        /* an existing profile we cannot read is rewritten in every aspect */
        old = nmi_iface_def_from_profile(existing, top, NULL);
    } else {
        connection = new_profile(def, controller);
    }
    g_object_set(nm_connection_get_setting_connection(connection),
                 NM_SETTING_CONNECTION_INTERFACE_NAME, def->name, NULL);
    apply_controller(connection, controller);

    if (top) {
        if ((old == NULL || old->start != def->start) &&
            !apply_start(ctx, connection, def->start, error))
            return NULL;
        ctx->autoconnect =
            nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(connection));
        if (!apply_protocols(connection, def, old, error))
            return NULL;
    } else {
        if (existing == NULL || ctx->start_changed)
            g_object_set(nm_connection_get_setting_connection(connection),
                         NM_SETTING_CONNECTION_AUTOCONNECT, ctx->autoconnect, NULL);
        /* NM refuses IP configuration on ports */
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_IP4_CONFIG);
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_IP6_CONFIG);
    }
    if (top && (old == NULL || old->mtu != def->mtu))
        apply_mtu(connection, def->mtu);
    if (def->type == NMI_IFACE_ETHERNET && (old == NULL || g_strcmp0(old->mac, def->mac) != 0) &&
        !apply_mac(connection, def->mac, error))
        return NULL;
    if (!apply_type(connection, def, old, written, error))
        return NULL;

    /* normalize succeeds only when the result verifies: no second nm_connection_verify() */
    if (!nm_connection_normalize(connection, NULL, NULL, &local_error)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "NetworkManager refuses the profile: %s", local_error->message);
        return NULL;
    }
    if (def->type == NMI_IFACE_BOND && !check_bond_options(connection, written, error))
        return NULL;
    return g_steal_pointer(&connection);
}

static NMConnection *find_existing_port(Ctx *ctx, const NmiIfaceDef *def)
{
    const char *type = nmi_nm_connection_type(def->type);

    if (ctx->existing == NULL)
        return NULL;
    for (guint i = 0; i < ctx->existing->ports->len; i++) {
        NMConnection *port = g_ptr_array_index(ctx->existing->ports, i);

        if (!g_hash_table_contains(ctx->used, port) &&
            g_strcmp0(nm_connection_get_interface_name(port), def->name) == 0 &&
            g_strcmp0(nm_connection_get_connection_type(port), type) == 0) {
            g_hash_table_add(ctx->used, port);
            return port;
        }
    }
    return NULL;
}

static gboolean add_ports(Ctx *ctx, NmiProfileSet *set, const NmiIfaceDef *def,
                          NMConnection *connection, GError **error)
{
    Controller controller = {def->name, nm_connection_get_uuid(connection), def->type};

    for (guint i = 0; i < def->ports->len; i++) {
        const NmiIfaceDef *port = g_ptr_array_index(def->ports, i);
        NMConnection *port_connection =
            build_profile(ctx, port, find_existing_port(ctx, port), &controller, error);
        if (port_connection == NULL) {
            g_prefix_error(error, "port '%s' of '%s': ", port->name, def->name);
            return FALSE;
        }
        g_ptr_array_add(set->ports, port_connection);
        if (!add_ports(ctx, set, port, port_connection, error))
            return FALSE;
    }
    return TRUE;
}

NmiProfileSet *nmi_iface_def_to_profiles(const NmiIfaceDef *def, const NmiProfileSet *existing,
                                         GError **error)
{
    g_autoptr(GHashTable) used = g_hash_table_new(NULL, NULL);
    g_autoptr(NMConnection) top = NULL;
    g_autoptr(NmiProfileSet) set = NULL;
    NMConnection *existing_top = existing != NULL ? existing->top : NULL;
    Ctx ctx = {existing, used, TRUE, FALSE};

    /* The one check of the definition: below, what it guarantees is relied upon. */
    if (!nmi_iface_def_validate(def, error))
        return NULL;
    /* a type change makes a new profile; the old one is the caller's to delete */
    if (existing_top != NULL && g_strcmp0(nm_connection_get_connection_type(existing_top),
                                          nmi_nm_connection_type(def->type)) != 0)
        existing_top = NULL;

    top = build_profile(&ctx, def, existing_top, NULL, error);
    if (top == NULL) {
        g_prefix_error(error, "interface '%s': ", def->name);
        return NULL;
    }
    set = nmi_profile_set_new(top);
    if (!add_ports(&ctx, set, def, top, error)) {
        g_prefix_error(error, "interface '%s': ", def->name);
        return NULL;
    }
    return g_steal_pointer(&set);
}
