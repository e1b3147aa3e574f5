/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Create and Destroy.
 *
 * Create activates the interface's profile and then each port profile, and waits until each
 * activation is done: activated, or the device is up and NM only waits for carrier (IP_CONFIG
 * without lower-layer link) or, for a bridge or bond, for ports. A failed activation is
 * reported with NM's device state reason in words.
 *
 * Destroy keeps NM from bringing the interface back by itself until the next Create: each
 * profile of the interface gets Update2(BLOCK_AUTOCONNECT) (NM clears the block on the next
 * manual activation, or when it restarts), then Device.Disconnect takes the device down (NM
 * also blocks autoconnect on the device; ports go down with their controller).
 */
#include "nm-private.h"

typedef struct {
    char *ac;     /* active connection path */
    char *device; /* its device, once known */
    char *what;   /* "interface 'br0'" / "port 'veth1' of 'br0'" */
} Activation;

static void activation_free(Activation *a)
{
    g_free(a->ac);
    g_free(a->device);
    g_free(a->what);
    g_free(a);
}

static gboolean device_is_controller(NmifaceDriverConn *conn, const char *device)
{
    guint32 type = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "DeviceType", 0);

    return type == NM_DEVICE_TYPE_BRIDGE || type == NM_DEVICE_TYPE_BOND;
}

NmiActOutcome nmi_activation_outcome(NmifaceDriverConn *conn, const char *ac, char **device)
{
    guint32 ac_state, dev_state, flags;
    g_autoptr(GPtrArray) devices = NULL;

    if (!g_hash_table_contains(conn->objects, ac))
        return NMI_ACT_FAILED;
    devices = nmi_object_get_ao(conn, ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "Devices");
    if (devices->len > 0 && *device == NULL)
        *device = g_strdup(devices->pdata[0]);
    ac_state = nmi_object_get_u(conn, ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "State",
                                NM_ACTIVE_CONNECTION_STATE_UNKNOWN);
    if (ac_state == NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
        return NMI_ACT_DONE;
    if (ac_state >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATING)
        return NMI_ACT_FAILED;
    if (*device == NULL)
        return NMI_ACT_PENDING;
    dev_state = nmi_object_get_u(conn, *device, NM_DBUS_INTERFACE_DEVICE, "State", 0);
    flags = nmi_object_get_u(conn, *device, NM_DBUS_INTERFACE_DEVICE, "InterfaceFlags", 0);
    if (dev_state == NM_DEVICE_STATE_FAILED)
        return NMI_ACT_FAILED;
    /* Up, and NM waits only for carrier, or for ports to bring it. */
    if (dev_state == NM_DEVICE_STATE_IP_CONFIG && (flags & NM_DEVICE_INTERFACE_FLAG_UP) != 0 &&
        ((flags & NM_DEVICE_INTERFACE_FLAG_LOWER_UP) == 0 || device_is_controller(conn, *device)))
        return NMI_ACT_DONE;
    return NMI_ACT_PENDING;
}

static NmiActOutcome activation_outcome(NmifaceDriverConn *conn, Activation *a)
{
    return nmi_activation_outcome(conn, a->ac, &a->device);
}

static gboolean activations_settled(NmifaceDriverConn *conn, gpointer data)
{
    GPtrArray *acts = data;

    for (guint i = 0; i < acts->len; i++)
        if (activation_outcome(conn, acts->pdata[i]) == NMI_ACT_PENDING)
            return FALSE;
    return TRUE;
}

static void set_activation_error(NmifaceDriverConn *conn, Activation *a, GError **error)
{
    gpointer reason;

    if (a->device != NULL &&
        g_hash_table_lookup_extended(conn->fail_reasons, a->device, NULL, &reason))
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED, "failed to activate %s: %s",
                    a->what, nmi_device_state_reason_to_string(GPOINTER_TO_UINT(reason)));
    else if (g_hash_table_lookup_extended(conn->ac_reasons, a->ac, NULL, &reason))
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED, "failed to activate %s: %s",
                    a->what, nmi_active_state_reason_to_string(GPOINTER_TO_UINT(reason)));
    else
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "failed to activate %s: NetworkManager gave no reason", a->what);
}

static Activation *activate(NmifaceDriverConn *conn, const char *profile_path, const char *what,
                            GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *call_what = g_strdup_printf("activate %s", what);
    Activation *a;

    reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "ActivateConnection",
                             g_variant_new("(ooo)", profile_path, "/", "/"), G_VARIANT_TYPE("(o)"),
                             nmi_session_deadline(conn), call_what, error);
    if (reply == NULL)
        return NULL;
    a = g_new0(Activation, 1);
    g_variant_get(reply, "(o)", &a->ac);
    a->what = g_strdup(what);
    return a;
}

static void deactivate_quietly(NmifaceDriverConn *conn, GPtrArray *acts)
{
    for (guint i = acts->len; i > 0; i--) {
        Activation *a = acts->pdata[i - 1];
        g_autoptr(GVariant) reply = NULL;

        if (!g_hash_table_contains(conn->objects, a->ac))
            continue;
        reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "DeactivateConnection",
                                 g_variant_new("(o)", a->ac), NULL, nmi_session_deadline(conn),
                                 "deactivate after a failed start", NULL);
    }
}

gboolean nmi_create(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(GPtrArray) port_paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) port_names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) acts = g_ptr_array_new_with_free_func((GDestroyNotify)activation_free);
    g_autofree char *top_path = NULL;
    g_autofree char *top_what = NULL;
    g_autoptr(GPtrArray) ports = NULL;
    NmiEntry *entry;
    Activation *a;

    if (!nmi_sync(conn, error))
        return FALSE;
    snap = nmi_snapshot_new(conn, error);
    if (snap == NULL)
        return FALSE;
    entry = nmi_snapshot_require(snap, name, error);
    if (entry == NULL)
        return FALSE;
    if (entry->active) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "interface is already running");
        return FALSE;
    }
    if (entry->profile == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "interface '%s' has no NetworkManager profile to start", name);
        return FALSE;
    }
    /* Copies: the mirror changes while activations proceed. */
    top_path = g_strdup(entry->profile->path);
    ports = nmi_collect_ports(conn, entry->profile);
    for (guint i = 0; i < ports->len; i++) {
        NmiProfile *port = ports->pdata[i];

        g_ptr_array_add(port_paths, g_strdup(port->path));
        g_ptr_array_add(port_names, g_strdup(port->ifname));
    }
    g_hash_table_remove_all(conn->fail_reasons);
    g_hash_table_remove_all(conn->ac_reasons);

    top_what = g_strdup_printf("interface '%s'", name);
    a = activate(conn, top_path, top_what, error);
    if (a == NULL)
        return FALSE;
    g_ptr_array_add(acts, a);
    for (guint i = 0; i < port_paths->len; i++) {
        g_autofree char *what =
            g_strdup_printf("port '%s' of '%s'", (char *)port_names->pdata[i], name);

        a = activate(conn, port_paths->pdata[i], what, error);
        if (a == NULL) {
            deactivate_quietly(conn, acts);
            return FALSE;
        }
        g_ptr_array_add(acts, a);
    }

    if (!nmi_session_wait(conn, activations_settled, acts, nmi_session_deadline(conn),
                          "finish activating the interface", error)) {
        g_prefix_error(error, "cannot start interface '%s': ", name);
        return FALSE;
    }
    for (guint i = 0; i < acts->len; i++) {
        a = acts->pdata[i];
        if (activation_outcome(conn, a) == NMI_ACT_FAILED) {
            set_activation_error(conn, a, error);
            deactivate_quietly(conn, acts);
            return FALSE;
        }
    }
    return TRUE;
}

typedef struct {
    GPtrArray *devices; /* device paths that must go down */
} DownWait;

static gboolean devices_down(NmifaceDriverConn *conn, gpointer data)
{
    DownWait *w = data;

    for (guint i = 0; i < w->devices->len; i++) {
        const char *device = w->devices->pdata[i];
        guint32 state = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "State", 0);

        if (!g_hash_table_contains(conn->objects, device) || !nmi_device_is_real(conn, device))
            continue;
        if (nmi_object_get_o(conn, device, NM_DBUS_INTERFACE_DEVICE, "ActiveConnection") != NULL ||
            (state > NM_DEVICE_STATE_DISCONNECTED && state != NM_DEVICE_STATE_FAILED))
            return FALSE;
    }
    return TRUE;
}

gboolean nmi_destroy(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(GPtrArray) blocked = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) ports = NULL;
    g_autoptr(GPtrArray) port_devices = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *device = NULL;
    const char *ac, *active_profile;
    NmiProfile *profile;
    NmiEntry *entry;
    DownWait wait;

    if (!nmi_sync(conn, error))
        return FALSE;
    snap = nmi_snapshot_new(conn, error);
    if (snap == NULL)
        return FALSE;
    entry = nmi_snapshot_require(snap, name, error);
    if (entry == NULL)
        return FALSE;
    if (!entry->active) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "interface is not running");
        return FALSE;
    }
    ac = nmi_device_active_connection(conn, entry->device);
    if (ac == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "interface '%s' is up but not managed by NetworkManager, which cannot stop it",
                    name);
        return FALSE;
    }
    device = g_strdup(entry->device);
    g_ptr_array_add(devices, g_strdup(device));
    port_devices = nmi_object_get_ao(conn, device, NM_DBUS_INTERFACE_DEVICE, "Ports");
    for (guint i = 0; i < port_devices->len; i++)
        g_ptr_array_add(devices, g_strdup(port_devices->pdata[i]));

    /* The profile actually active, and its ports, are kept from autoconnecting. */
    active_profile = nmi_object_get_o(conn, ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "Connection");
    profile = active_profile != NULL ? g_hash_table_lookup(conn->profiles, active_profile) : NULL;
    if (profile == NULL)
        profile = entry->profile;
    if (profile != NULL && nmi_profile_known(profile)) {
        ports = nmi_collect_ports(conn, profile);
        g_ptr_array_insert(ports, 0, profile);
        /* A volatile profile (undefined, kept up) goes when it goes down; an Update2 would
         * make it non-volatile. */
        for (guint i = 0; i < ports->len; i++)
            if (!nmi_profile_is_volatile(conn, ports->pdata[i]))
                g_ptr_array_add(blocked, g_strdup(((NmiProfile *)ports->pdata[i])->path));
    }
    for (guint i = 0; i < blocked->len; i++) {
        NmiProfileCopy copy = {.path = blocked->pdata[i]};

        if (!nmi_profile_update(conn, &copy, NULL, NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT, NULL,
                                error))
            return FALSE;
    }

    reply = nmi_session_call(conn, device, NM_DBUS_INTERFACE_DEVICE, "Disconnect", NULL, NULL,
                             nmi_session_deadline(conn), "disconnect the device", error);
    if (reply == NULL) {
        g_prefix_error(error, "cannot stop interface '%s': ", name);
        return FALSE;
    }
    wait.devices = devices;
    if (!nmi_session_wait(conn, devices_down, &wait, nmi_session_deadline(conn),
                          "take the interface down", error)) {
        g_prefix_error(error, "cannot stop interface '%s': ", name);
        return FALSE;
    }
    return TRUE;
}
