/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One driver connection = one private connection to the system bus, its own GMainContext, and
 * the mirror of NetworkManager's objects and profiles. Every vtable entry pushes the context as
 * thread-default while it runs, so any thread may call (the host serialises the calls).
 */
#include <stdlib.h>

#include "session-private.h"

#define DBUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"
#define DBUS_IFACE_OM         "org.freedesktop.DBus.ObjectManager"

/* ---- the mirror ------------------------------------------------------------------------- */

static void add_object(NmifaceDriverConn *conn, const char *path, GVariant *ifaces)
{
    NmiObject *obj = g_hash_table_lookup(conn->objects, path);
    GVariantIter iter;
    const char *iface;
    GVariant *props;

    if (obj == NULL) {
        obj = nmi_object_new(path);
        g_hash_table_insert(conn->objects, obj->path, obj);
    }
    g_variant_iter_init(&iter, ifaces);
    while (g_variant_iter_next(&iter, "{&s@a{sv}}", &iface, &props)) {
        nmi_object_set_iface(obj, iface, props);
        /* NM lists a new profile in Settings.Connections first, which already fetched it. */
        if (g_str_equal(iface, NM_DBUS_INTERFACE_SETTINGS_CONNECTION) &&
            !g_hash_table_contains(conn->profiles, path))
            nmi_profiles_queue_fetch(conn, path);
        g_variant_unref(props);
    }
    g_variant_iter_init(&iter, ifaces);
    while (g_variant_iter_next(&iter, "{&s@a{sv}}", &iface, NULL))
        nmi_mirror_follow(conn, path, iface);
}

static void remove_ifaces(NmifaceDriverConn *conn, const char *path, const char *const *ifaces)
{
    NmiObject *obj = g_hash_table_lookup(conn->objects, path);

    for (guint i = 0; ifaces[i] != NULL; i++) {
        if (obj != NULL)
            g_hash_table_remove(obj->ifaces, ifaces[i]);
        /* Listed profiles are in the mirror whether or not their properties are. */
        if (g_str_equal(ifaces[i], NM_DBUS_INTERFACE_SETTINGS_CONNECTION))
            nmi_profiles_forget(conn, path);
    }
    if (obj != NULL && g_hash_table_size(obj->ifaces) == 0)
        g_hash_table_remove(conn->objects, path);
}

/* Remember why a device failed or an activation died: states pass quickly, the reason is
 * what the caller waiting on an activation needs. */
static void note_device_state(NmifaceDriverConn *conn, const char *path, GVariant *changed)
{
    guint32 state, reason;

    if (!g_variant_lookup(changed, "StateReason", "(uu)", &state, &reason))
        return;
    if (state == NM_DEVICE_STATE_FAILED ||
        (state <= NM_DEVICE_STATE_DISCONNECTED && reason != NM_DEVICE_STATE_REASON_NONE &&
         !g_hash_table_contains(conn->fail_reasons, path)))
        g_hash_table_insert(conn->fail_reasons, g_strdup(path), GUINT_TO_POINTER(reason));
}

static void signal_cb(GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *params, gpointer data)
{
    NmifaceDriverConn *conn = data;

    if (g_str_equal(member, "NameOwnerChanged")) {
        const char *name, *old_owner, *new_owner;

        g_variant_get(params, "(&s&s&s)", &name, &old_owner, &new_owner);
        if (!g_str_equal(name, NMI_NM_BUS_NAME))
            return;
        nmi_session_drop(conn);
        if (*new_owner != '\0')
            conn->nm_owner = g_strdup(new_owner);
        return;
    }
    /* Before the mirror is (re)loaded (or from an owner that has left) signals are stale: the
     * replies to the loading calls that follow them supersede them. */
    if (!conn->mirroring || g_strcmp0(sender, conn->nm_owner) != 0)
        return;
    conn->serial++;

    if (g_str_equal(member, "InterfacesAdded")) {
        const char *obj_path;
        g_autoptr(GVariant) ifaces = NULL;

        g_variant_get(params, "(&o@a{sa{sv}})", &obj_path, &ifaces);
        add_object(conn, obj_path, ifaces);
    } else if (g_str_equal(member, "InterfacesRemoved")) {
        const char *obj_path;
        g_autofree const char **ifaces = NULL;

        g_variant_get(params, "(&o^a&s)", &obj_path, &ifaces);
        remove_ifaces(conn, obj_path, ifaces);
    } else if (g_str_equal(member, "PropertiesChanged")) {
        const char *prop_iface;
        g_autoptr(GVariant) changed = NULL;
        g_autofree const char **invalidated = NULL;
        NmiObject *obj = g_hash_table_lookup(conn->objects, path);

        g_variant_get(params, "(&s@a{sv}^a&s)", &prop_iface, &changed, &invalidated);
        if (obj == NULL || !nmi_object_update_props(obj, prop_iface, changed, invalidated))
            return;
        if (g_str_equal(prop_iface, NM_DBUS_INTERFACE_DEVICE))
            note_device_state(conn, path, changed);
        nmi_mirror_follow(conn, path, prop_iface);
    } else if (g_str_equal(member, "Updated")) {
        nmi_profiles_queue_fetch(conn, path);
    } else if (g_str_equal(member, "StateChanged") &&
               g_str_equal(iface, NM_DBUS_INTERFACE_ACTIVE_CONNECTION)) {
        guint32 state, reason;

        g_variant_get(params, "(uu)", &state, &reason);
        if (state >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATING)
            g_hash_table_insert(conn->ac_reasons, g_strdup(path), GUINT_TO_POINTER(reason));
    } else if (g_str_equal(member, "StateChanged") &&
               g_str_equal(iface, NM_DBUS_INTERFACE_DEVICE) &&
               g_variant_is_of_type(params, G_VARIANT_TYPE("(uuu)"))) {
        guint32 state, old_state, reason;

        g_variant_get(params, "(uuu)", &state, &old_state, &reason);
        if (state == NM_DEVICE_STATE_FAILED)
            g_hash_table_insert(conn->fail_reasons, g_strdup(path), GUINT_TO_POINTER(reason));
    }
}

static void subscribe_signals(NmifaceDriverConn *conn)
{
    static const struct {
        const char *sender, *iface, *member, *path, *arg0;
    } subs[G_N_ELEMENTS(((NmifaceDriverConn *)NULL)->signal_ids)] = {
        {"org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
         "/org/freedesktop/DBus", NMI_NM_BUS_NAME},
        {NMI_NM_BUS_NAME, DBUS_IFACE_OM, "InterfacesAdded", NMI_NM_OM_PATH, NULL},
        {NMI_NM_BUS_NAME, DBUS_IFACE_OM, "InterfacesRemoved", NMI_NM_OM_PATH, NULL},
        {NMI_NM_BUS_NAME, DBUS_IFACE_PROPERTIES, "PropertiesChanged", NULL, NULL},
        {NMI_NM_BUS_NAME, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Updated", NULL, NULL},
        {NMI_NM_BUS_NAME, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "StateChanged", NULL, NULL},
        /* NM coalesces property changes: a device that fails and retries at once can show
         * only its last state; this signal comes for every change. */
        {NMI_NM_BUS_NAME, NM_DBUS_INTERFACE_DEVICE, "StateChanged", NULL, NULL},
    };

    for (guint i = 0; i < G_N_ELEMENTS(subs); i++)
        conn->signal_ids[i] = g_dbus_connection_signal_subscribe(
            conn->bus, subs[i].sender, subs[i].iface, subs[i].member, subs[i].path, subs[i].arg0,
            G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, conn, NULL);
}

static void mirror_clear(NmifaceDriverConn *conn)
{
    g_hash_table_remove_all(conn->objects);
    g_hash_table_remove_all(conn->profiles);
    g_queue_clear_full(&conn->fetch_queue, nmi_fetch_free);
    g_hash_table_remove_all(conn->props_pending);
    g_ptr_array_set_size(conn->props_retry, 0);
    g_clear_error(&conn->fetch_error);
}

/* Forget everything NM told us: it left the bus or restarted. */
void nmi_session_drop(NmifaceDriverConn *conn)
{
    conn->serial++;
    conn->mirroring = FALSE;
    conn->loaded = FALSE;
    conn->generation++;
    g_clear_pointer(&conn->nm_owner, g_free);
    nmi_bulk_stop(conn);
    mirror_clear(conn);
    g_hash_table_remove_all(conn->fail_reasons);
    g_hash_table_remove_all(conn->ac_reasons);
    /* Fetches in flight see the generation change and drop their replies. */
}

/* (Re)build the mirror: the manager (and through it the devices and active connections it
 * lists) and the settings (and through them every profile's settings). */
static gboolean session_load(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    gboolean ok;

    if (conn->nm_owner == NULL && !nmi_session_find_owner(conn, deadline, error))
        return FALSE;
    /* Replies to an earlier, failed load may still come: NM sent them before it answers this
     * load's calls, so they are older than those answers and merge as any other update. */
    mirror_clear(conn);
    conn->loaded = FALSE;
    conn->mirroring = TRUE;
    conn->serial++;
    if (!nmi_bulk_start(conn, error))
        return FALSE;
    nmi_objects_queue_fetch(conn, NMI_NM_PATH, NM_DBUS_INTERFACE);
    nmi_objects_queue_fetch(conn, NMI_NM_SETTINGS_PATH, NM_DBUS_INTERFACE_SETTINGS);
    ok = nmi_fetches_wait(conn, deadline, error);
    /* Later fetches are one profile at a time, after a signal: GDBus does. */
    nmi_bulk_stop(conn);
    if (!ok)
        return FALSE;
    if (!nmi_object_has_iface(conn, NMI_NM_PATH, NM_DBUS_INTERFACE) ||
        !nmi_object_has_iface(conn, NMI_NM_SETTINGS_PATH, NM_DBUS_INTERFACE_SETTINGS)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "NetworkManager on the system bus exports no %s or %s object", NMI_NM_PATH,
                    NMI_NM_SETTINGS_PATH);
        return FALSE;
    }
    conn->loaded = TRUE;
    conn->serial++;
    return TRUE;
}

/* ---- per-call synchronisation --------------------------------------------------------- */

/* Fetches what the round trip showed to be missing or stale; a mirror loaded for listings
 * alone gets every profile's settings here, once, on the bulk reader as at load. */
static gboolean fetch_changes(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    gboolean bulk = conn->keep_settings && nmi_profiles_count_keys_only(conn) > 0;
    gboolean ok;

    if (bulk && !nmi_bulk_start(conn, error))
        return FALSE;
    nmi_fetches_requeue(conn);
    ok = nmi_fetches_wait(conn, deadline, error);
    if (bulk)
        nmi_bulk_stop(conn);
    return ok;
}

/* The round trip is a property read, not Peer.Ping: GDBus answers Ping in NM's bus thread at
 * once, so its reply can come between two signals of one change that NM's main thread is still
 * sending (a device's State, then its StateReason and StateChanged: a failed activation then
 * lost its reason). A Get is answered by NM's main loop, after whatever it was sending.
 *
 * With @authorized, the round trip is GetPermissions instead. NM authorizes an activation it
 * starts by itself (a port with its controller, a retry of a failed profile) in an idle
 * callback of its main loop, and only then puts it on the bus and on the device: a port's
 * comes after the controller's ActivateConnection reply, a retry NM decided on just before a
 * block of autoconnect after the block's reply. A property read did not wait for those (a
 * port was still activated a second time under load). GetPermissions is authorized the same
 * way (at once for root) and NM runs those callbacks in order, so its reply comes after the
 * activation's InterfacesAdded. */
static gboolean sync_once(NmifaceDriverConn *conn, gboolean authorized, gint64 deadline,
                          GError **error)
{
    g_autoptr(GVariant) reply = NULL;

    if (!conn->loaded)
        return session_load(conn, deadline, error);
    if (authorized)
        reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "GetPermissions", NULL,
                                 G_VARIANT_TYPE("(a{ss})"), deadline,
                                 "finish the activations it had authorized", error);
    else
        reply = nmi_session_call(conn, NMI_NM_PATH, DBUS_IFACE_PROPERTIES, "Get",
                                 g_variant_new("(ss)", NM_DBUS_INTERFACE, "Version"),
                                 G_VARIANT_TYPE("(v)"), deadline, "answer a property read", error);
    if (reply == NULL)
        return FALSE;
    return fetch_changes(conn, deadline, error);
}

/* @settings: the call reads profiles' settings, not only the listing's keys. */
static gboolean sync_past(NmifaceDriverConn *conn, gboolean authorized, gboolean settings,
                          GError **error)
{
    gint64 deadline = nmi_session_deadline(conn);
    g_autoptr(GError) local = NULL;
    guint generation;

    if (settings)
        conn->keep_settings = TRUE;
    /* Whatever arrived since the last call (NM leaving, say) is applied first. */
    while (g_main_context_iteration(conn->context, FALSE))
        ;
    generation = conn->generation;
    if (sync_once(conn, authorized, deadline, &local))
        return TRUE;
    /* NM restarted under us and is back: rebuild the mirror once instead of failing. */
    if (conn->generation != generation && conn->nm_owner != NULL) {
        g_clear_error(&local);
        return session_load(conn, deadline, error);
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

gboolean nmi_sync(NmifaceDriverConn *conn, GError **error)
{
    return sync_past(conn, FALSE, TRUE, error);
}

gboolean nmi_sync_listing(NmifaceDriverConn *conn, GError **error)
{
    return sync_past(conn, FALSE, FALSE, error);
}

gboolean nmi_sync_authorized(NmifaceDriverConn *conn, GError **error)
{
    return sync_past(conn, TRUE, TRUE, error);
}

/* ---- open and close --------------------------------------------------------------------- */

static gboolean parse_uint(const char *text, guint *out)
{
    char *end = NULL;
    guint64 v;

    if (text == NULL || *text == '\0')
        return FALSE;
    v = g_ascii_strtoull(text, &end, 10);
    if (*end != '\0' || v == 0 || v > G_MAXINT)
        return FALSE;
    *out = (guint)v;
    return TRUE;
}

static gboolean parse_uri(NmifaceDriverConn *conn, const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(GHashTable) params = NULL;
    g_autoptr(GError) local = NULL;
    const char *path, *query, *value;

    if (uri == NULL)
        return TRUE;
    parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    if (parsed == NULL || g_strcmp0(g_uri_get_scheme(parsed), "nm") != 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG,
                    "unexpected NetworkManager URI '%s', try nm:///system", uri);
        return FALSE;
    }
    path = g_uri_get_path(parsed);
    if (*path != '\0' && !g_str_equal(path, "/") && !g_str_equal(path, "/system")) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG,
                    "unexpected NetworkManager URI path '%s', try nm:///system", path);
        return FALSE;
    }
    query = g_uri_get_query(parsed);
    if (query == NULL)
        return TRUE;
    params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, &local);
    if (params == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG, "bad query in URI '%s': %s", uri,
                    local->message);
        return FALSE;
    }
    value = g_hash_table_lookup(params, "timeout_ms");
    if (value != NULL && !parse_uint(value, &conn->timeout_ms)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG,
                    "bad timeout_ms '%s' in URI '%s': expected milliseconds > 0", value, uri);
        return FALSE;
    }
    return TRUE;
}

typedef struct {
    gboolean done;
    gboolean abandoned;
    GDBusConnection *bus;
    GError *error;
} BusState;

static void bus_ready_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    BusState *st = data;

    st->bus = g_dbus_connection_new_for_address_finish(res, &st->error);
    st->done = TRUE;
    if (st->abandoned) {
        g_clear_object(&st->bus);
        g_clear_error(&st->error);
        g_free(st);
    }
}

static gboolean bus_is_ready(NmifaceDriverConn *conn, gpointer data)
{
    return ((BusState *)data)->done;
}

static gboolean connect_bus(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    g_autofree char *address = NULL;
    g_autoptr(GError) local = NULL;
    BusState *st;

    address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, NULL, &local);
    if (address == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT, "cannot find the system bus: %s",
                    local->message);
        return FALSE;
    }
    /* A private connection: its own pending-reply budget, and closing it frees everything. */
    st = g_new0(BusState, 1);
    g_dbus_connection_new_for_address(address,
                                      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                      NULL, NULL, bus_ready_cb, st);
    if (!nmi_session_wait(conn, bus_is_ready, st, deadline, "connect to the system bus", &local)) {
        st->abandoned = TRUE;
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "cannot connect to the system bus at %s: %s", address, local->message);
        return FALSE;
    }
    if (st->bus == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "cannot connect to the system bus at %s: %s", address, st->error->message);
        g_clear_error(&st->error);
        g_free(st);
        return FALSE;
    }
    conn->bus = g_steal_pointer(&st->bus);
    conn->address = g_steal_pointer(&address);
    g_free(st);
    g_dbus_connection_set_exit_on_close(conn->bus, FALSE);
    return TRUE;
}

static void profile_free(gpointer data)
{
    NmiProfile *profile = data;

    g_free(profile->path);
    g_clear_object(&profile->connection);
    g_clear_pointer(&profile->settings, g_variant_unref);
    g_clear_pointer(&profile->reply, sd_bus_message_unref);
    g_free(profile->keys);
    g_free(profile->mac);
    g_free(profile);
}

NmifaceDriverConn *nmi_session_open(const char *uri, gboolean read_only, GError **error)
{
    NmifaceDriverConn *conn = g_new0(NmifaceDriverConn, 1);
    gint64 deadline;
    gboolean ok;

    conn->read_only = read_only;
    conn->timeout_ms = NMI_DEFAULT_TIMEOUT_MS;
    conn->max_pending = NMI_DEFAULT_MAX_PENDING;
    if (!parse_uint(g_getenv("NMIFACE_NM_TIMEOUT_MS"), &conn->timeout_ms))
        conn->timeout_ms = NMI_DEFAULT_TIMEOUT_MS;
    conn->max_pending_fixed = parse_uint(g_getenv("NMIFACE_NM_MAX_PENDING"), &conn->max_pending);
    if (!conn->max_pending_fixed)
        conn->max_pending = NMI_DEFAULT_MAX_PENDING;
    conn->storage.add_flags = NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK;
    conn->storage.update_flags = NM_SETTINGS_UPDATE2_FLAG_TO_DISK;
    conn->context = g_main_context_new();
    conn->objects =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)nmi_object_free);
    conn->profiles = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, profile_free);
    conn->fail_reasons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    conn->ac_reasons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_queue_init(&conn->fetch_queue);
    conn->props_pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    conn->props_retry = g_ptr_array_new_with_free_func(nmi_fetch_free);
    conn->bulk_pending = g_hash_table_new_full(NULL, NULL, NULL, nmi_fetch_free);

    if (!parse_uri(conn, uri, error)) {
        nmi_session_close(conn);
        return NULL;
    }
    g_main_context_push_thread_default(conn->context);
    deadline = nmi_session_deadline(conn);
    ok = connect_bus(conn, deadline, error);
    /* The mirror loads at the first call, which tells whether it keeps profiles' settings or
     * only what a listing reads (nmi_sync_listing). */
    if (ok) {
        subscribe_signals(conn);
        ok = nmi_session_find_owner(conn, deadline, error);
    }
    g_main_context_pop_thread_default(conn->context);
    if (!ok) {
        nmi_session_close(conn);
        return NULL;
    }
    return conn;
}

static gboolean nothing_in_flight(NmifaceDriverConn *conn, gpointer data)
{
    return conn->fetch_in_flight == 0 && !conn->fetch_retry_scheduled;
}

void nmi_session_close(NmifaceDriverConn *conn)
{
    if (conn == NULL)
        return;
    g_main_context_push_thread_default(conn->context);
    if (conn->bus != NULL) {
        for (guint i = 0; i < G_N_ELEMENTS(conn->signal_ids); i++)
            if (conn->signal_ids[i] != 0)
                g_dbus_connection_signal_unsubscribe(conn->bus, conn->signal_ids[i]);
        nmi_bulk_stop(conn);
        /* Closing fails every pending call at once; let their callbacks run before freeing. */
        g_dbus_connection_close_sync(conn->bus, NULL, NULL);
        g_queue_clear_full(&conn->fetch_queue, nmi_fetch_free);
        nmi_session_wait(conn, nothing_in_flight, NULL, nmi_session_deadline(conn),
                         "finish pending calls", NULL);
        while (g_main_context_iteration(conn->context, FALSE))
            ;
        g_clear_object(&conn->bus);
    }
    g_main_context_pop_thread_default(conn->context);
    if (conn->snapshot != NULL)
        conn->snapshot_free(g_steal_pointer(&conn->snapshot));
    g_free(conn->nm_owner);
    g_clear_error(&conn->fetch_error);
    g_queue_clear_full(&conn->fetch_queue, nmi_fetch_free);
    g_hash_table_unref(conn->props_pending);
    g_ptr_array_unref(conn->props_retry);
    g_hash_table_unref(conn->bulk_pending);
    g_free(conn->address);
    g_hash_table_unref(conn->profiles);
    g_hash_table_unref(conn->objects);
    g_hash_table_unref(conn->fail_reasons);
    g_hash_table_unref(conn->ac_reasons);
    g_main_context_unref(conn->context);
    g_free(conn);
}
