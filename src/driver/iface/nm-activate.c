/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Create and Destroy.
 *
 * Create activates the interface's profile and then each port profile, and waits until each
 * activation is done: activated, or the device is up and NM only waits for carrier (IP_CONFIG
 * without lower-layer link) or, for a bridge or bond without ports yet, for ports. A failed
 * activation is reported with NM's device state reason in words.
 *
 * A Create that fails or runs out of time leaves the interface as it was before the call:
 * what it activated is deactivated, its profiles blocked from autoconnecting again (a manual
 * activation lifts NM's block, and NM retries a failed profile with autoconnect by itself) and
 * the devices' Autoconnect property put back.
 *
 * Destroy keeps NM from bringing the interface back by itself until the next Create: each
 * profile of the interface gets Update2(BLOCK_AUTOCONNECT) (NM clears the block on the next
 * manual activation, or when it restarts), then Device.Disconnect takes the device down (NM
 * also blocks autoconnect on the device; ports go down with their controller).
 */
#include "iface-private.h"

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

static gboolean controller_without_ports(NmifaceDriverConn *conn, const char *device)
{
    guint32 type = nmi_object_get_u(conn, device, NM_DBUS_INTERFACE_DEVICE, "DeviceType", 0);
    g_autoptr(GPtrArray) ports = NULL;

    if (type != NM_DEVICE_TYPE_BRIDGE && type != NM_DEVICE_TYPE_BOND)
        return FALSE;
    ports = nmi_object_get_ao(conn, device, NM_DBUS_INTERFACE_DEVICE, "Ports");
    return ports->len == 0;
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
    /* Up, and NM waits only for carrier, or for ports to bring it. A kernel bridge without
     * ports has carrier; one with ports that is still in IP_CONFIG waits for DHCP or SLAAC. */
    if (dev_state == NM_DEVICE_STATE_IP_CONFIG && (flags & NM_DEVICE_INTERFACE_FLAG_UP) != 0 &&
        ((flags & NM_DEVICE_INTERFACE_FLAG_LOWER_UP) == 0 ||
         controller_without_ports(conn, *device)))
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

/* The activation NM has going for @profile_path, if any, as the mirror knows it. */
static const char *activation_of(NmifaceDriverConn *conn, const char *profile_path)
{
    GHashTableIter iter;
    NmiObject *obj;

    g_hash_table_iter_init(&iter, conn->objects);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&obj)) {
        if (nmi_object_has_iface(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION) &&
            g_strcmp0(nmi_object_get_o(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION,
                                       "Connection"),
                      profile_path) == 0 &&
            nmi_object_get_u(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "State",
                             NM_ACTIVE_CONNECTION_STATE_UNKNOWN) <
                NM_ACTIVE_CONNECTION_STATE_DEACTIVATING)
            return obj->path;
    }
    return NULL;
}

/* Activates @profile_path; a port that NM already activates with its controller (the
 * controller's autoconnect-slaves) is left to that activation: a second one would detach and
 * re-attach the port, and a DHCP exchange started meanwhile on the controller is lost (NM's
 * client tries again after about 2 s). */
static Activation *activate(NmifaceDriverConn *conn, const char *profile_path, gboolean is_port,
                            const char *what, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *call_what = g_strdup_printf("activate %s", what);
    const char *running;
    Activation *a;

    if (is_port) {
        /* NM's own activation of the port shows only once NM has authorized it. */
        if (!nmi_sync_authorized(conn, error))
            return NULL;
        running = activation_of(conn, profile_path);
        if (running != NULL) {
            a = g_new0(Activation, 1);
            a->ac = g_strdup(running);
            a->what = g_strdup(what);
            return a;
        }
    }
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

/* A device's Autoconnect property as it was before Create. */
typedef struct {
    char *device;
    gboolean autoconnect;
} DeviceAutoconnect;

static void device_autoconnect_free(DeviceAutoconnect *d)
{
    g_free(d->device);
    g_free(d);
}

static gboolean device_autoconnect(NmifaceDriverConn *conn, const char *device)
{
    GVariant *v = nmi_object_get(conn, device, NM_DBUS_INTERFACE_DEVICE, "Autoconnect");

    return v != NULL && g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(v);
}

static void remember_autoconnect(NmifaceDriverConn *conn, GPtrArray *out, const char *device)
{
    DeviceAutoconnect *d;

    if (device == NULL || !nmi_device_is_real(conn, device))
        return;
    d = g_new0(DeviceAutoconnect, 1);
    d->device = g_strdup(device);
    d->autoconnect = device_autoconnect(conn, device);
    g_ptr_array_add(out, d);
}

/* What Create changed, to take back when it fails. */
typedef struct {
    GPtrArray *profiles; /* paths of the profiles it activates */
    GPtrArray *devices;  /* DeviceAutoconnect before it started */
    GPtrArray *acts;     /* Activation it started */
} CreateUndo;

static gboolean activation_gone(NmifaceDriverConn *conn, const char *ac)
{
    return !g_hash_table_contains(conn->objects, ac) ||
           nmi_object_get_u(conn, ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "State",
                            NM_ACTIVE_CONNECTION_STATE_DEACTIVATED) >=
               NM_ACTIVE_CONNECTION_STATE_DEACTIVATED;
}

static gboolean block_autoconnect(NmifaceDriverConn *conn, GPtrArray *profiles, GError **error)
{
    for (guint i = 0; i < profiles->len; i++) {
        NmiProfile *profile = g_hash_table_lookup(conn->profiles, profiles->pdata[i]);
        NmiProfileCopy copy = {.path = profiles->pdata[i]};

        /* Gone, or volatile (an Update2 would keep a profile NM is about to drop). */
        if (profile == NULL || nmi_profile_is_volatile(conn, profile))
            continue;
        if (!nmi_profile_update(conn, &copy, NULL, NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT, NULL,
                                error))
            return FALSE;
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

/* A call whose NM error @allowed (it is already so) is no failure. */
static gboolean call_unless(NmifaceDriverConn *conn, const char *path, const char *iface,
                            const char *method, GVariant *params, const char *what,
                            const char *allowed, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) local = NULL;

    reply = nmi_session_call_allowing(conn, path, iface, method, params, NULL,
                                      nmi_session_deadline(conn), what, allowed, &local);
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

typedef struct {
    GPtrArray *acs;     /* active connection paths */
    GPtrArray *devices; /* device paths */
} Down;

static gboolean all_down(NmifaceDriverConn *conn, gpointer data)
{
    Down *down = data;
    DownWait wait = {.devices = down->devices};

    for (guint i = 0; i < down->acs->len; i++)
        if (!activation_gone(conn, down->acs->pdata[i]))
            return FALSE;
    return devices_down(conn, &wait);
}

static void add_unique(GPtrArray *paths, const char *path)
{
    if (path != NULL && !g_ptr_array_find_with_equal_func(paths, path, g_str_equal, NULL))
        g_ptr_array_add(paths, g_strdup(path));
}

/* Create's activations (last started first: ports before their controller) and any NM started
 * by itself on the same profiles: NM retries a failed profile with autoconnect at once. */
static GPtrArray *activations_to_take_down(NmifaceDriverConn *conn, CreateUndo *undo)
{
    GPtrArray *acs = g_ptr_array_new_with_free_func(g_free);

    for (guint i = undo->acts->len; i > 0; i--)
        add_unique(acs, ((Activation *)undo->acts->pdata[i - 1])->ac);
    for (guint i = 0; i < undo->profiles->len; i++)
        add_unique(acs, activation_of(conn, undo->profiles->pdata[i]));
    return acs;
}

/* After the block: those activations down, then each device disconnected, for a retry NM
 * queued before the block that the mirror cannot show yet. */
static gboolean take_down(NmifaceDriverConn *conn, CreateUndo *undo, GError **error)
{
    g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) acs = NULL;
    Down down;

    /* A retry NM decided on just before the block shows only once NM has authorized it. */
    if (!nmi_sync_authorized(conn, error))
        return FALSE;
    acs = activations_to_take_down(conn, undo);
    for (guint i = 0; i < undo->devices->len; i++)
        add_unique(devices, ((DeviceAutoconnect *)undo->devices->pdata[i])->device);
    for (guint i = 0; i < undo->acts->len; i++)
        add_unique(devices, ((Activation *)undo->acts->pdata[i])->device);
    for (guint i = 0; i < acs->len; i++) {
        if (!activation_gone(conn, acs->pdata[i]) &&
            !call_unless(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "DeactivateConnection",
                         g_variant_new("(o)", (char *)acs->pdata[i]), "deactivate",
                         "org.freedesktop.NetworkManager.ConnectionNotActive", error))
            return FALSE;
    }
    for (guint i = 0; i < devices->len; i++) {
        const char *device = devices->pdata[i];

        if (nmi_device_is_real(conn, device) &&
            !call_unless(conn, device, NM_DBUS_INTERFACE_DEVICE, "Disconnect", NULL,
                         "disconnect the device", "org.freedesktop.NetworkManager.Device.NotActive",
                         error))
            return FALSE;
    }
    down.acs = acs;
    down.devices = devices;
    return nmi_session_wait(conn, all_down, &down, nmi_session_deadline(conn), "take it down",
                            error);
}

/* Disconnect turned it off; the mirror may not know yet, so it is set either way. */
static gboolean restore_autoconnect(NmifaceDriverConn *conn, GPtrArray *devices, GError **error)
{
    for (guint i = 0; i < devices->len; i++) {
        DeviceAutoconnect *d = devices->pdata[i];
        g_autoptr(GVariant) reply = NULL;

        if (!nmi_device_is_real(conn, d->device))
            continue;
        reply = nmi_session_call(conn, d->device, "org.freedesktop.DBus.Properties", "Set",
                                 g_variant_new("(ssv)", NM_DBUS_INTERFACE_DEVICE, "Autoconnect",
                                               g_variant_new_boolean(d->autoconnect)),
                                 NULL, nmi_session_deadline(conn),
                                 "restore the device's autoconnect", error);
        if (reply == NULL)
            return FALSE;
    }
    return TRUE;
}

/* Back to before Create: blocked first, so that NM does not start again what goes down. */
static gboolean undo_create(NmifaceDriverConn *conn, CreateUndo *undo, GError **error)
{
    return block_autoconnect(conn, undo->profiles, error) && take_down(conn, undo, error) &&
           restore_autoconnect(conn, undo->devices, error);
}

/* @failure, with what undo_create() could not do, if anything. */
static void fail_create(NmifaceDriverConn *conn, CreateUndo *undo, GError *failure, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (conn->nm_owner == NULL || undo_create(conn, undo, &local)) {
        g_propagate_error(error, failure);
        return;
    }
    g_set_error(error, NMIFACE_ERROR, failure->code, "%s; and it could not be taken down: %s",
                failure->message, local->message);
    g_error_free(failure);
}

/* What NM was still doing with the first pending activation of @acts, or NULL. */
static char *pending_activity(NmifaceDriverConn *conn, GPtrArray *acts)
{
    for (guint i = 0; i < acts->len; i++) {
        Activation *a = acts->pdata[i];

        if (activation_outcome(conn, a) != NMI_ACT_PENDING)
            continue;
        if (a->device == NULL)
            return g_strdup_printf("%s had no device yet", a->what);
        return g_strdup_printf("%s was still %s", a->what,
                               nmi_device_state_to_string(nmi_object_get_u(
                                   conn, a->device, NM_DBUS_INTERFACE_DEVICE, "State", 0)));
    }
    return NULL;
}

/* The timeout @failure (taken), with what NM was still doing when the deadline came. */
static GError *timeout_error(NmifaceDriverConn *conn, const char *name, GPtrArray *acts,
                             GError *failure)
{
    g_autofree char *activity = pending_activity(conn, acts);
    GError *out;

    if (activity != NULL)
        out = g_error_new(NMIFACE_ERROR, failure->code, "cannot start interface '%s': %s (%s)",
                          name, failure->message, activity);
    else
        out = g_error_new(NMIFACE_ERROR, failure->code, "cannot start interface '%s': %s", name,
                          failure->message);
    g_error_free(failure);
    return out;
}

gboolean nmi_create(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(GPtrArray) port_names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) devices =
        g_ptr_array_new_with_free_func((GDestroyNotify)device_autoconnect_free);
    g_autoptr(GPtrArray) acts = g_ptr_array_new_with_free_func((GDestroyNotify)activation_free);
    CreateUndo undo = {.profiles = profiles, .devices = devices, .acts = acts};
    g_autoptr(GPtrArray) ports = NULL;
    GError *failure = NULL;
    NmiEntry *entry;
    Activation *a;

    entry = nmi_entry_now(conn, name, &snap, error);
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
    g_ptr_array_add(profiles, g_strdup(entry->profile->path));
    remember_autoconnect(conn, devices, entry->device);
    ports = nmi_collect_ports(conn, entry->profile);
    for (guint i = 0; i < ports->len; i++) {
        NmiProfile *port = ports->pdata[i];

        g_ptr_array_add(profiles, g_strdup(port->path));
        g_ptr_array_add(port_names, g_strdup(port->ifname));
        remember_autoconnect(conn, devices, nmi_device_by_name(conn, port->ifname));
    }
    g_hash_table_remove_all(conn->fail_reasons);
    g_hash_table_remove_all(conn->ac_reasons);

    for (guint i = 0; i < profiles->len; i++) {
        g_autofree char *what =
            i == 0 ? g_strdup_printf("interface '%s'", name)
                   : g_strdup_printf("port '%s' of '%s'", (char *)port_names->pdata[i - 1], name);

        a = activate(conn, profiles->pdata[i], i > 0, what, &failure);
        if (a == NULL) {
            g_prefix_error(&failure, "cannot start interface '%s': ", name);
            fail_create(conn, &undo, failure, error);
            return FALSE;
        }
        g_ptr_array_add(acts, a);
    }

    if (!nmi_session_wait(conn, activations_settled, acts, nmi_session_deadline(conn),
                          "finish activating the interface", &failure)) {
        fail_create(conn, &undo, timeout_error(conn, name, acts, failure), error);
        return FALSE;
    }
    for (guint i = 0; i < acts->len; i++) {
        a = acts->pdata[i];
        if (activation_outcome(conn, a) == NMI_ACT_FAILED) {
            /* The state change that says why can come after the one that ended the wait:
             * a round trip to NM delivers every signal it sent before. */
            if (!nmi_sync(conn, &failure)) {
                g_propagate_error(error, failure);
                return FALSE;
            }
            set_activation_error(conn, a, &failure);
            fail_create(conn, &undo, failure, error);
            return FALSE;
        }
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

    entry = nmi_entry_now(conn, name, &snap, error);
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
