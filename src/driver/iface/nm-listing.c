/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which interfaces exist, as netcf lists them:
 *  - every top-level profile (no controller) of type ethernet, bridge, bond or vlan that names
 *    an interface, and every device NM knows of those kinds (loopback excluded);
 *  - ports (a profile with a controller, or a device that is some device's port) appear only
 *    inside their controller's XML;
 *  - several profiles for one name: the one active on the device, else the one used most
 *    recently (connection.timestamp), else the smallest UUID, so the choice is stable;
 *  - active: NM has an activating or activated connection on the device, or NM does not
 *    manage the device and it is up (IFF_UP alone means nothing for a managed device: NM
 *    raises every managed ethernet device to watch its carrier);
 *  - a volatile profile (what undefine leaves on an interface it keeps up) defines nothing:
 *    its interface is listed by its device only;
 *  - MAC: the device's, else the profile's.
 */
#include <stdlib.h>
#include <string.h>

#include "iface-private.h"

#define IFF_UP_FLAG 0x1

gboolean nmi_is_listed_type(const char *type)
{
    return g_strcmp0(type, NM_SETTING_WIRED_SETTING_NAME) == 0 ||
           g_strcmp0(type, NM_SETTING_BRIDGE_SETTING_NAME) == 0 ||
           g_strcmp0(type, NM_SETTING_BOND_SETTING_NAME) == 0 ||
           g_strcmp0(type, NM_SETTING_VLAN_SETTING_NAME) == 0;
}

static gboolean is_listed_device_type(guint32 type)
{
    switch (type) {
    case NM_DEVICE_TYPE_ETHERNET:
    case NM_DEVICE_TYPE_VETH:
    case NM_DEVICE_TYPE_BRIDGE:
    case NM_DEVICE_TYPE_BOND:
    case NM_DEVICE_TYPE_VLAN:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Unknown flags mean not volatile: the mirror follows the flags of every profile that is or
 * was active, and NM deletes a volatile profile as soon as it is not active. */
gboolean nmi_profile_is_volatile(NmifaceDriverConn *conn, const NmiProfile *profile)
{
    guint32 flags =
        nmi_object_get_u(conn, profile->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Flags", 0);

    return (flags & NM_SETTINGS_CONNECTION_FLAG_VOLATILE) != 0;
}

/* The devices NM lists in Manager.Devices: realized ones only (NM keeps an unrealized
 * placeholder device for software profiles; it is no interface). The list, not the objects,
 * says which devices exist: NM drops a device from it before the device object goes. */
static GPtrArray *real_devices(NmifaceDriverConn *conn)
{
    return nmi_object_get_ao(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "Devices");
}

gboolean nmi_device_is_real(NmifaceDriverConn *conn, const char *device)
{
    g_autoptr(GPtrArray) devices = real_devices(conn);

    return device != NULL && g_ptr_array_find_with_equal_func(devices, device, g_str_equal, NULL);
}

const char *nmi_device_by_name(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GPtrArray) devices = real_devices(conn);

    for (guint i = 0; i < devices->len; i++) {
        const char *ifname =
            nmi_object_get_s(conn, devices->pdata[i], NM_DBUS_INTERFACE_DEVICE, "Interface");

        if (g_strcmp0(ifname, name) == 0)
            return devices->pdata[i];
    }
    return NULL;
}

/* The active connection on @device if it is activating or activated. */
const char *nmi_device_active_connection(NmifaceDriverConn *conn, const char *device)
{
    const char *ac = nmi_object_get_o(conn, device, NM_DBUS_INTERFACE_DEVICE, "ActiveConnection");
    guint32 state;

    if (ac == NULL)
        return NULL;
    state = nmi_object_get_u(conn, ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "State",
                             NM_ACTIVE_CONNECTION_STATE_UNKNOWN);
    if (state != NM_ACTIVE_CONNECTION_STATE_ACTIVATING &&
        state != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
        return NULL;
    return ac;
}

gboolean nmi_device_is_active(NmifaceDriverConn *conn, const char *device)
{
    guint32 state, flags;

    if (device == NULL)
        return FALSE;
    if (nmi_device_active_connection(conn, device) != NULL)
        return TRUE;
    state =
        nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "State", NM_DEVICE_STATE_UNKNOWN);
    flags = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "InterfaceFlags", 0);
    return state == NM_DEVICE_STATE_UNMANAGED && (flags & IFF_UP_FLAG) != 0;
}

static int compare_candidates(NmiProfile *a, NmiProfile *b)
{
    if (a->timestamp != b->timestamp)
        return a->timestamp > b->timestamp ? -1 : 1;
    return g_strcmp0(a->uuid, b->uuid);
}

NmiProfile *nmi_choose_profile(NmifaceDriverConn *conn, GPtrArray *candidates, const char *device)
{
    const char *ac = device != NULL ? nmi_device_active_connection(conn, device) : NULL;
    const char *active_profile =
        nmi_object_get_o(conn, ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "Connection");
    NmiProfile *best = NULL;

    if (candidates == NULL)
        return NULL;
    for (guint i = 0; i < candidates->len; i++) {
        NmiProfile *p = candidates->pdata[i];

        if (g_strcmp0(p->path, active_profile) == 0)
            return p;
        if (best == NULL || compare_candidates(p, best) < 0)
            best = p;
    }
    return best;
}

static void add_to_multimap(GHashTable *map, const char *key, gpointer value)
{
    GPtrArray *list = g_hash_table_lookup(map, key);

    if (list == NULL) {
        list = g_ptr_array_new();
        g_hash_table_insert(map, g_strdup(key), list);
    }
    g_ptr_array_add(list, value);
}

static void entry_free(NmiEntry *entry)
{
    g_free(entry->name);
    g_free(entry->device);
    g_free(entry);
}

void nmi_snapshot_free(NmiSnapshot *snap)
{
    if (snap == NULL || !g_atomic_int_dec_and_test(&snap->ref))
        return;
    g_ptr_array_unref(snap->order);
    g_hash_table_unref(snap->by_name);
    g_free(snap);
}

static NmiEntry *add_entry(NmiSnapshot *snap, const char *name)
{
    NmiEntry *entry = g_new0(NmiEntry, 1);

    entry->name = g_strdup(name);
    g_hash_table_insert(snap->by_name, entry->name, entry);
    g_ptr_array_add(snap->order, entry);
    return entry;
}

static int compare_entries(gconstpointer a, gconstpointer b)
{
    const NmiEntry *ea = *(NmiEntry *const *)a;
    const NmiEntry *eb = *(NmiEntry *const *)b;

    return strcmp(ea->name, eb->name);
}

static NmiSnapshot *snapshot_build(NmifaceDriverConn *conn, GError **error);

NmiSnapshot *nmi_snapshot_new(NmifaceDriverConn *conn, GError **error)
{
    NmiSnapshot *snap;

    if (conn->snapshot != NULL && conn->snapshot->serial == conn->serial) {
        g_atomic_int_inc(&conn->snapshot->ref);
        return conn->snapshot;
    }
    g_clear_pointer(&conn->snapshot, nmi_snapshot_free);
    snap = snapshot_build(conn, error);
    if (snap == NULL)
        return NULL;
    g_atomic_int_inc(&snap->ref);
    conn->snapshot = snap;
    conn->snapshot_free = nmi_snapshot_free;
    return snap;
}

static NmiSnapshot *snapshot_build(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(NmiSnapshot) snap = g_new0(NmiSnapshot, 1);
    g_autoptr(GHashTable) tops = NULL;      /* name -> GPtrArray of defining profiles */
    g_autoptr(GHashTable) volatiles = NULL; /* name -> GPtrArray of volatile profiles */
    g_autoptr(GHashTable) port_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) port_devices = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) devices = g_hash_table_new(g_str_hash, g_str_equal); /* name -> path */
    g_autoptr(GPtrArray) real = NULL;
    GHashTableIter iter;
    NmiProfile *profile;
    gpointer key, value;

    snap->ref = 1;
    snap->serial = conn->serial;
    snap->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    snap->order = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
    tops =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    volatiles =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);

    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        const char *name = profile->ifname;

        if (!nmi_profile_known(profile)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "the settings of NetworkManager profile %s are not known", profile->path);
            return NULL;
        }
        if (name == NULL || !nmi_is_listed_type(profile->type))
            continue;
        if (profile->master != NULL)
            g_hash_table_add(port_names, g_strdup(name));
        else if (nmi_profile_is_volatile(conn, profile))
            add_to_multimap(volatiles, name, profile);
        else
            add_to_multimap(tops, name, profile);
    }

    real = real_devices(conn);
    for (guint d = 0; d < real->len; d++) {
        const char *path = real->pdata[d];
        const char *name = nmi_object_get_s(conn, path, NM_DBUS_INTERFACE_DEVICE, "Interface");
        g_autoptr(GPtrArray) ports = NULL;

        if (name == NULL)
            continue;
        g_hash_table_insert(devices, (gpointer)name, (gpointer)path);
        ports = nmi_object_get_ao(conn, path, NM_DBUS_INTERFACE_DEVICE, "Ports");
        for (guint i = 0; i < ports->len; i++)
            g_hash_table_add(port_devices, ports->pdata[i]);
    }

    g_hash_table_iter_init(&iter, tops);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        NmiEntry *entry = add_entry(snap, key);
        const char *device = g_hash_table_lookup(devices, key);

        entry->device = g_strdup(device);
        entry->profile = nmi_choose_profile(conn, value, device);
        entry->defined = TRUE;
        entry->active = nmi_device_is_active(conn, device);
    }

    g_hash_table_iter_init(&iter, devices);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        guint32 type = nmi_object_get_u(conn, value, NM_DBUS_INTERFACE_DEVICE, "DeviceType", 0);
        NmiEntry *entry;

        if (g_hash_table_contains(snap->by_name, key) || !is_listed_device_type(type) ||
            g_hash_table_contains(port_devices, value) || g_hash_table_contains(port_names, key))
            continue;
        entry = add_entry(snap, key);
        entry->device = g_strdup(value);
        entry->profile = nmi_choose_profile(conn, g_hash_table_lookup(volatiles, key), value);
        entry->active = nmi_device_is_active(conn, value);
    }

    g_ptr_array_sort(snap->order, compare_entries);
    return g_steal_pointer(&snap);
}

NmifaceIfaceInfo *nmi_entry_to_info(NmifaceDriverConn *conn, const NmiEntry *entry)
{
    NmifaceIfaceInfo *info = g_new0(NmifaceIfaceInfo, 1);
    const char *hw = nmi_object_get_s(conn, entry->device, NM_DBUS_INTERFACE_DEVICE, "HwAddress");

    info->name = g_strdup(entry->name);
    if (hw != NULL && nm_utils_hwaddr_valid(hw, ETH_ALEN))
        info->mac = g_ascii_strdown(hw, -1);
    else
        info->mac = entry->profile != NULL ? g_strdup(entry->profile->mac) : NULL;
    info->active = entry->active;
    return info;
}

gboolean nmi_list_all(NmifaceDriverConn *conn, guint flags, GPtrArray **out, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(GPtrArray) list = NULL;
    gboolean want_active = (flags & VIR_CONNECT_LIST_INTERFACES_ACTIVE) != 0;
    gboolean want_inactive = (flags & VIR_CONNECT_LIST_INTERFACES_INACTIVE) != 0;

    if (!want_active && !want_inactive)
        want_active = want_inactive = TRUE;
    if (!nmi_sync_listing(conn, error))
        return FALSE;
    snap = nmi_snapshot_new(conn, error);
    if (snap == NULL)
        return FALSE;
    list = g_ptr_array_new_with_free_func((GDestroyNotify)nmiface_iface_info_free);
    for (guint i = 0; i < snap->order->len; i++) {
        NmiEntry *entry = snap->order->pdata[i];

        if (entry->active ? want_active : want_inactive)
            g_ptr_array_add(list, nmi_entry_to_info(conn, entry));
    }
    *out = g_steal_pointer(&list);
    return TRUE;
}

static const char *port_type_for(const NmiProfile *controller)
{
    if (g_strcmp0(controller->type, NM_SETTING_BRIDGE_SETTING_NAME) == 0)
        return NM_SETTING_BRIDGE_SETTING_NAME;
    if (g_strcmp0(controller->type, NM_SETTING_BOND_SETTING_NAME) == 0)
        return NM_SETTING_BOND_SETTING_NAME;
    return NULL;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void collect_ports_of(NmifaceDriverConn *conn, NmiProfile *controller,
                             gboolean with_volatile, GPtrArray *out, guint depth)
{
    const char *ifname = controller->ifname;
    const char *uuid = controller->uuid;
    const char *port_type = port_type_for(controller);
    g_autoptr(GHashTable) by_name = NULL;
    GHashTableIter iter;
    NmiProfile *profile;
    g_autofree const char **names = NULL;
    guint n_names = 0;

    if (port_type == NULL || depth > 4)
        return;
    by_name =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        const char *master = profile->master, *name = profile->ifname;

        if (!nmi_profile_known(profile) || profile == controller)
            continue;
        if (master == NULL || name == NULL ||
            (g_strcmp0(master, ifname) != 0 && g_strcmp0(master, uuid) != 0) ||
            g_strcmp0(profile->port_type, port_type) != 0)
            continue;
        if (!with_volatile && nmi_profile_is_volatile(conn, profile))
            continue;
        add_to_multimap(by_name, name, profile);
    }
    /* Ports by name, so their order in the XML is stable. */
    names = (const char **)g_hash_table_get_keys_as_array(by_name, &n_names);
    qsort(names, n_names, sizeof(char *), compare_strings);
    for (guint i = 0; i < n_names; i++) {
        NmiProfile *port = nmi_choose_profile(conn, g_hash_table_lookup(by_name, names[i]),
                                              nmi_device_by_name(conn, names[i]));

        g_ptr_array_add(out, port);
        collect_ports_of(conn, port, with_volatile, out, depth + 1);
    }
}

GPtrArray *nmi_collect_ports(NmifaceDriverConn *conn, NmiProfile *top)
{
    GPtrArray *out = g_ptr_array_new();

    if (top != NULL && nmi_profile_known(top))
        collect_ports_of(conn, top, nmi_profile_is_volatile(conn, top), out, 0);
    return out;
}
