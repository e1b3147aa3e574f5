/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keeping the mirror current. A call first makes one round trip to NM (a property read that NM's
 * main loop answers, nmi_sync in nm-session.c): NM's reply is ordered after every signal it sent
 * before, so once it arrives every change made before the call started has been applied to the
 * mirror, except what a signal only announces: a profile's new settings (Updated) and the
 * properties of objects the mirror starts to follow (a device that became real, a new active
 * connection's profile). Those are fetched with GetSettings and GetAll, at most max_pending at a
 * time (the bus refuses more than max_replies_per_connection pending replies, and a refused
 * fetch is retried), and the call waits until every announced fetch has arrived.
 *
 * Every message from NM comes in the order NM sent it, and a reply holds NM's state when it
 * was sent. So a PropertiesChanged for an interface whose GetAll is still pending is dropped
 * (the reply is newer), and one that comes after the reply is merged into it.
 */
#include "session-private.h"

#include <string.h>

#include "nm-bulk.h"
#include "nm-settings-reply.h"

#define LIMITS_EXCEEDED "org.freedesktop.DBus.Error.LimitsExceeded"
#define FETCH_RETRY_MS  20
/* Parsing every profile (a transaction's Begin, Rollback, Commit) is spread over threads when
 * there are at least this many: ~0.35 ms each, libnm's share most of it. */
#define PARSE_PARALLEL_MIN 64
#define PARSE_THREADS_MAX  4

typedef enum {
    FETCH_SETTINGS, /* Settings.Connection.GetSettings of a profile */
    FETCH_PROPS,    /* Properties.GetAll(iface) of an object */
} FetchKind;

typedef struct {
    FetchKind kind;
    char *path;
    const char *iface; /* FETCH_PROPS: a static string */
    NmifaceDriverConn *conn;
    guint generation;
    gboolean over_gdbus; /* not on the bulk reader: its error reply is asked again */
} NmiFetch;

static void pump(NmifaceDriverConn *conn);
static void send_fetch(NmifaceDriverConn *conn, NmiFetch *fetch);

void nmi_fetch_free(gpointer data)
{
    NmiFetch *fetch = data;

    g_free(fetch->path);
    g_free(fetch);
}

static NmiFetch *fetch_new(FetchKind kind, const char *path, const char *iface)
{
    NmiFetch *fetch = g_new0(NmiFetch, 1);

    fetch->kind = kind;
    fetch->path = g_strdup(path);
    fetch->iface = iface;
    return fetch;
}

static char *props_key(const char *iface, const char *path)
{
    return g_strconcat(iface, " ", path, NULL);
}

static gboolean retry_cb(gpointer data)
{
    NmifaceDriverConn *conn = data;

    conn->fetch_retry_scheduled = FALSE;
    pump(conn);
    return G_SOURCE_REMOVE;
}

static void schedule_retry(NmifaceDriverConn *conn)
{
    g_autoptr(GSource) source = NULL;

    if (conn->fetch_retry_scheduled)
        return;
    conn->fetch_retry_scheduled = TRUE;
    source = g_timeout_source_new(FETCH_RETRY_MS);
    g_source_set_callback(source, retry_cb, conn, NULL);
    g_source_attach(source, conn->context);
}

static void enqueue_settings(NmifaceDriverConn *conn, NmiProfile *profile)
{
    if (profile->queued)
        return;
    profile->queued = TRUE;
    g_queue_push_tail(&conn->fetch_queue, fetch_new(FETCH_SETTINGS, profile->path, NULL));
}

/* The bus allows fewer pending replies than we tried: send fewer at once. */
static void shrink_window(NmifaceDriverConn *conn)
{
    guint accepted;

    if (conn->max_pending_fixed)
        return;
    accepted = MIN(conn->max_pending, conn->fetch_in_flight);
    conn->max_pending = accepted > 3 ? accepted - 2 : 1;
}

/* The object or interface went away meanwhile: its InterfacesRemoved signal is on its way. */
static gboolean is_gone_error(const char *remote)
{
    return g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownObject") == 0 ||
           g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownMethod") == 0 ||
           g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownInterface") == 0 ||
           g_strcmp0(remote, "org.freedesktop.DBus.Error.InvalidArgs") == 0;
}

static void note_failure(NmifaceDriverConn *conn, GError *error, const char *what, const char *path)
{
    if (conn->fetch_error != NULL)
        return; /* the first failure is the one reported */
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                    "timed out after %u ms waiting for NetworkManager to send the %s of %s",
                    conn->timeout_ms, what, path);
        return;
    }
    g_dbus_error_strip_remote_error(error);
    g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                "cannot read the %s of NetworkManager object %s: %s", what, path, error->message);
}

/* ---- profile settings ------------------------------------------------------------------- */

/* A profile's MAC for listings: 802-3-ethernet.mac-address, else bridge.mac-address, else a
 * cloned MAC (assigned-mac-address); lower case, NULL if none. Kept with the profile: warm
 * listings ask for it every time. */
/* An ethernet address (6 bytes), lower case; NULL for another length. */
static char *hwaddr_text(const guint8 *data, gsize len)
{
    g_autofree char *text = NULL;

    if (data == NULL || len != ETH_ALEN)
        return NULL;
    text = nm_utils_hwaddr_ntoa(data, len);
    return g_ascii_strdown(text, -1);
}

static char *mac_choose(const guint8 *wired, gsize wired_len, const guint8 *bridge,
                        gsize bridge_len, const char *assigned)
{
    char *mac = hwaddr_text(wired, wired_len);

    if (mac == NULL)
        mac = hwaddr_text(bridge, bridge_len);
    if (mac != NULL)
        return mac;
    /* NM sends cloned-mac-address as "assigned-mac-address", which may also be a policy word
     * ("preserve", "random", ...). */
    if (assigned != NULL && nm_utils_hwaddr_valid(assigned, ETH_ALEN))
        return g_ascii_strdown(assigned, -1);
    return NULL;
}

/* A byte array in setting @setting of the D-Bus settings; NULL if absent. */
static GVariant *settings_bytes(GVariant *settings, const char *setting, const char *key)
{
    g_autoptr(GVariant) dict = g_variant_lookup_value(settings, setting, G_VARIANT_TYPE_VARDICT);

    return dict != NULL ? g_variant_lookup_value(dict, key, G_VARIANT_TYPE_BYTESTRING) : NULL;
}

/* Read from the D-Bus settings: a listing of inactive profiles builds no NMConnection. */
static char *settings_mac(GVariant *settings)
{
    g_autoptr(GVariant) wired =
        settings_bytes(settings, NM_SETTING_WIRED_SETTING_NAME, NM_SETTING_WIRED_MAC_ADDRESS);
    g_autoptr(GVariant) bridge =
        settings_bytes(settings, NM_SETTING_BRIDGE_SETTING_NAME, NM_SETTING_BRIDGE_MAC_ADDRESS);
    g_autoptr(GVariant) s_wired =
        g_variant_lookup_value(settings, NM_SETTING_WIRED_SETTING_NAME, G_VARIANT_TYPE_VARDICT);
    const char *assigned = NULL;
    gsize wired_len = 0, bridge_len = 0;
    const guint8 *wired_data = wired ? g_variant_get_fixed_array(wired, &wired_len, 1) : NULL;
    const guint8 *bridge_data = bridge ? g_variant_get_fixed_array(bridge, &bridge_len, 1) : NULL;

    if (s_wired != NULL)
        g_variant_lookup(s_wired, "assigned-mac-address", "&s", &assigned);
    return mac_choose(wired_data, wired_len, bridge_data, bridge_len, assigned);
}

/* Forgets the settings and everything read from them. */
static void profile_clear(NmiProfile *profile)
{
    g_clear_object(&profile->connection);
    g_clear_pointer(&profile->settings, g_variant_unref);
    g_clear_pointer(&profile->reply, sd_bus_message_unref);
    g_clear_pointer(&profile->keys, g_free);
    profile->type = profile->ifname = profile->uuid = profile->master = NULL;
    profile->port_type = NULL;
    profile->timestamp = 0;
    g_clear_pointer(&profile->mac, g_free);
}

gboolean nmi_profile_has_settings(const NmiProfile *profile)
{
    return profile->settings != NULL || profile->reply != NULL;
}

gboolean nmi_profile_known(const NmiProfile *profile)
{
    return nmi_profile_has_settings(profile) || profile->keys != NULL;
}

/* Its settings are to be fetched: not there yet, changed since, or held as a listing's keys
 * alone where a call has needed settings. */
static gboolean profile_wants_settings(const NmifaceDriverConn *conn, const NmiProfile *profile)
{
    return profile->stale ||
           (!nmi_profile_has_settings(profile) && (conn->keep_settings || profile->keys == NULL));
}

guint nmi_profiles_count_keys_only(NmifaceDriverConn *conn)
{
    GHashTableIter iter;
    NmiProfile *profile;
    guint n = 0;

    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (profile->keys != NULL)
            n++;
    return n;
}

/* The keys a listing needs, read from the D-Bus settings in one pass without building an
 * NMConnection; FALSE when there is no connection setting (libnm could not parse it either). */
static gboolean profile_index(NmiProfile *profile)
{
    g_autoptr(GVariant) s_con = NULL;
    GVariantIter iter;
    const char *key;
    GVariant *value;

    s_con = g_variant_lookup_value(profile->settings, NM_SETTING_CONNECTION_SETTING_NAME,
                                   G_VARIANT_TYPE_VARDICT);
    if (s_con == NULL)
        return FALSE;
    /* Borrowed strings stay valid while profile->settings lives (one serialized buffer). */
    g_variant_iter_init(&iter, s_con);
    while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
        const char **field = NULL;

        if (g_str_equal(key, NM_SETTING_CONNECTION_TYPE))
            field = &profile->type;
        else if (g_str_equal(key, NM_SETTING_CONNECTION_INTERFACE_NAME))
            field = &profile->ifname;
        else if (g_str_equal(key, NM_SETTING_CONNECTION_UUID))
            field = &profile->uuid;
        else if (g_str_equal(key, NM_SETTING_CONNECTION_MASTER))
            field = &profile->master;
        else if (g_str_equal(key, NM_SETTING_CONNECTION_SLAVE_TYPE))
            field = &profile->port_type;
        else if (g_str_equal(key, NM_SETTING_CONNECTION_TIMESTAMP) &&
                 g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
            profile->timestamp = g_variant_get_uint64(value);
        if (field != NULL && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
            *field = g_variant_get_string(value, NULL);
        g_variant_unref(value);
    }
    return TRUE;
}

/* A dictionary whose entries and their keys are separate GVariants ("tree form"), values left
 * as they are; floating. libnm looks up every property it knows by name, and in a serialised
 * dictionary each step of that scan allocates: parsing 1000 profiles took ~100 ms longer. */
static GVariant *dict_tree(GVariant *dict)
{
    GVariantBuilder builder;
    GVariantIter iter;
    GVariant *entry;

    g_variant_builder_init(&builder, g_variant_get_type(dict));
    g_variant_iter_init(&iter, dict);
    while ((entry = g_variant_iter_next_value(&iter)) != NULL) {
        g_autoptr(GVariant) key = g_variant_get_child_value(entry, 0);
        g_autoptr(GVariant) value = g_variant_get_child_value(entry, 1);

        /* A floating inner tree is taken over by its entry. */
        g_variant_builder_add_value(
            &builder,
            g_variant_new_dict_entry(key, g_variant_is_of_type(value, G_VARIANT_TYPE_VARDICT)
                                              ? dict_tree(value)
                                              : value));
        g_variant_unref(entry);
    }
    return g_variant_builder_end(&builder);
}

/* The profile's settings parsed by libnm; reads the profile only (each kept reply is read by
 * one thread), so parse_all() runs it on several threads at once. */
static NMConnection *profile_parse(const NmiProfile *profile)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) tree = NULL;
    NMConnection *connection = NULL;

    if (profile->settings != NULL)
        tree = g_variant_ref_sink(dict_tree(profile->settings));
    else
        tree = nmi_settings_reply_variant(profile->reply, &error);
    /* Best effort, as libnm parses what NM sends: fails only without a connection setting. */
    if (tree != NULL)
        connection = nm_simple_connection_new_from_dbus(tree, &error);
    if (connection == NULL) {
        g_warning("cannot parse NetworkManager profile %s: %s", profile->path, error->message);
        connection = nm_simple_connection_new();
    }
    nm_connection_set_path(connection, profile->path);
    return connection;
}

NMConnection *nmi_profile_connection(NmiProfile *profile)
{
    /* An empty connection in its place would be written back over the profile: stop. */
    if (profile->connection == NULL && profile->keys != NULL)
        g_error("NetworkManager profile %s: its settings were read after a listing's sync, "
                "which keeps only the listing's keys",
                profile->path);
    if (profile->connection == NULL && nmi_profile_has_settings(profile))
        profile->connection = profile_parse(profile);
    return profile->connection;
}

typedef struct {
    NmiProfile **profiles;
    NMConnection **out;
    guint begin;
    guint end;
} ParseSlice;

static gpointer parse_slice(gpointer data)
{
    ParseSlice *slice = data;

    for (guint i = slice->begin; i < slice->end; i++)
        slice->out[i] = profile_parse(slice->profiles[i]);
    return NULL;
}

void nmi_profiles_parse_all(NmifaceDriverConn *conn)
{
    g_autoptr(GPtrArray) todo = g_ptr_array_new();
    g_autofree NMConnection **out = NULL;
    ParseSlice slices[PARSE_THREADS_MAX];
    GThread *threads[PARSE_THREADS_MAX] = {NULL};
    GHashTableIter iter;
    NmiProfile *profile;
    guint workers = MIN((guint)g_get_num_processors(), PARSE_THREADS_MAX);

    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (profile->connection == NULL && nmi_profile_has_settings(profile))
            g_ptr_array_add(todo, profile);
    if (todo->len < PARSE_PARALLEL_MIN || workers < 2)
        return; /* parsed one by one on first use */
    out = g_new0(NMConnection *, todo->len);
    for (guint w = 0; w < workers; w++) {
        slices[w] = (ParseSlice){(NmiProfile **)todo->pdata, out, todo->len * w / workers,
                                 todo->len * (w + 1) / workers};
        /* No thread to be had (limits): this one parses that slice too. */
        if (w > 0)
            threads[w] = g_thread_try_new("nmiface-parse", parse_slice, &slices[w], NULL);
    }
    for (guint w = 0; w < workers; w++)
        if (threads[w] == NULL)
            parse_slice(&slices[w]);
    for (guint w = 1; w < workers; w++)
        if (threads[w] != NULL)
            g_thread_join(threads[w]);
    for (guint i = 0; i < todo->len; i++)
        ((NmiProfile *)todo->pdata[i])->connection = out[i];
}

static gboolean profile_set_settings(NmiProfile *profile, GVariant *settings, GError **error)
{
    profile_clear(profile);
    profile->settings = g_variant_ref(settings);
    profile->mac = settings_mac(settings);
    if (!profile_index(profile)) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "it has no connection setting");
        return FALSE;
    }
    return TRUE;
}

/* Copies the listing's strings into one block, which @profile's fields then point into. */
static void profile_own_keys(NmiProfile *profile, const NmiProfileKeys *keys)
{
    const char *from[] = {keys->type, keys->ifname, keys->uuid, keys->master, keys->port_type};
    const char **to[] = {&profile->type, &profile->ifname, &profile->uuid, &profile->master,
                         &profile->port_type};
    gsize size = 1, at = 0;

    for (guint i = 0; i < G_N_ELEMENTS(from); i++)
        size += from[i] != NULL ? strlen(from[i]) + 1 : 0;
    profile->keys = g_malloc(size);
    for (guint i = 0; i < G_N_ELEMENTS(from); i++) {
        gsize len;

        *to[i] = NULL;
        if (from[i] == NULL)
            continue;
        len = strlen(from[i]) + 1;
        memcpy(profile->keys + at, from[i], len);
        *to[i] = profile->keys + at;
        at += len;
    }
}

/* @keep: the whole reply is kept for its settings; else only the listing's keys. */
static gboolean profile_set_reply(NmiProfile *profile, sd_bus_message *reply, gboolean keep,
                                  GError **error)
{
    NmiProfileKeys keys;

    profile_clear(profile);
    if (!nmi_settings_reply_keys(reply, &keys, error))
        return FALSE;
    if (!keys.has_connection) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "it has no connection setting");
        return FALSE;
    }
    if (keep) {
        profile->reply = sd_bus_message_ref(reply);
        profile->type = keys.type;
        profile->ifname = keys.ifname;
        profile->uuid = keys.uuid;
        profile->master = keys.master;
        profile->port_type = keys.port_type;
    } else {
        profile_own_keys(profile, &keys);
    }
    profile->timestamp = keys.timestamp;
    profile->mac =
        mac_choose(keys.has_wired_mac ? keys.wired_mac : NULL, NMI_MAC_LEN,
                   keys.has_bridge_mac ? keys.bridge_mac : NULL, NMI_MAC_LEN, keys.assigned_mac);
    return TRUE;
}

/* New settings of @profile are in (@parse_error: they could not be read). */
static void settings_arrived(NmifaceDriverConn *conn, NmiProfile *profile,
                             const GError *parse_error)
{
    conn->serial++;
    if (parse_error != NULL) {
        /* Left stale, so the call fails rather than list it wrong. */
        profile_clear(profile);
        if (conn->fetch_error == NULL)
            g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "cannot parse NetworkManager profile %s: %s", profile->path,
                        parse_error->message);
    } else if (!profile->dirty) {
        profile->stale = FALSE;
    }
    if (profile->dirty) {
        /* Changed again while this fetch was on its way: the reply may predate the change. */
        profile->dirty = FALSE;
        enqueue_settings(conn, profile);
    }
}

static void settings_done(NmifaceDriverConn *conn, NmiFetch *fetch, GVariant *reply, GError *error)
{
    NmiProfile *profile = g_hash_table_lookup(conn->profiles, fetch->path);
    g_autoptr(GVariant) settings = NULL;
    g_autoptr(GError) parse_error = NULL;

    if (profile == NULL)
        return; /* the profile went meanwhile */
    profile->in_flight = FALSE;
    if (reply == NULL) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);

        if (g_strcmp0(remote, LIMITS_EXCEEDED) == 0) {
            shrink_window(conn);
            enqueue_settings(conn, profile);
            schedule_retry(conn);
            return;
        }
        if (!is_gone_error(remote))
            note_failure(conn, error, "settings", profile->path);
        return;
    }
    settings = g_variant_get_child_value(reply, 0);
    /* GDBus builds replies as trees of small GVariants (about 27 KiB for a 1.5 KiB profile);
     * serialising in place drops the tree, so the mirror holds one buffer per profile and the
     * heap stops growing (page faults were most of a cold listing's CPU time). */
    (void)g_variant_get_data(settings);
    profile_set_settings(profile, settings, &parse_error);
    settings_arrived(conn, profile, parse_error);
}

static void reply_settings_done(NmifaceDriverConn *conn, NmiFetch *fetch, sd_bus_message *reply)
{
    NmiProfile *profile = g_hash_table_lookup(conn->profiles, fetch->path);
    g_autoptr(GError) parse_error = NULL;

    if (profile == NULL)
        return; /* the profile went meanwhile */
    profile->in_flight = FALSE;
    profile_set_reply(profile, reply, conn->keep_settings, &parse_error);
    settings_arrived(conn, profile, parse_error);
}

void nmi_profiles_queue_fetch(NmifaceDriverConn *conn, const char *path)
{
    NmiProfile *profile = g_hash_table_lookup(conn->profiles, path);

    if (profile == NULL) {
        profile = g_new0(NmiProfile, 1);
        profile->path = g_strdup(path);
        g_hash_table_insert(conn->profiles, profile->path, profile);
    }
    profile->stale = TRUE;
    if (profile->in_flight)
        profile->dirty = TRUE;
    else
        enqueue_settings(conn, profile);
    pump(conn);
}

void nmi_profiles_forget(NmifaceDriverConn *conn, const char *path)
{
    /* A queued path whose profile is gone is skipped by pump(). */
    g_hash_table_remove(conn->profiles, path);
}

/* ---- object properties ------------------------------------------------------------------ */

void nmi_objects_queue_fetch(NmifaceDriverConn *conn, const char *path, const char *iface)
{
    char *key;

    if (path == NULL || g_str_equal(path, "/") || nmi_object_has_iface(conn, path, iface))
        return;
    key = props_key(iface, path);
    if (!g_hash_table_add(conn->props_pending, key))
        return; /* already queued or in flight */
    g_queue_push_tail(&conn->fetch_queue, fetch_new(FETCH_PROPS, path, iface));
    pump(conn);
}

/* ---- which objects the mirror follows ------------------------------------------------- */

static void queue_each(NmifaceDriverConn *conn, const char *path, const char *prop,
                       const char *target_iface)
{
    g_autoptr(GPtrArray) paths = nmi_object_get_ao(conn, path, NM_DBUS_INTERFACE, prop);

    for (guint i = 0; i < paths->len; i++)
        nmi_objects_queue_fetch(conn, paths->pdata[i], target_iface);
}

/* Settings.Connections says which profiles exist: NM changes it before the profile object
 * comes or goes, and InterfacesAdded/Removed follow. */
static void follow_profile_list(NmifaceDriverConn *conn, const char *path)
{
    g_autoptr(GPtrArray) paths =
        nmi_object_get_ao(conn, path, NM_DBUS_INTERFACE_SETTINGS, "Connections");
    g_autoptr(GHashTable) listed = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    NmiProfile *profile;

    for (guint i = 0; i < paths->len; i++) {
        g_hash_table_add(listed, paths->pdata[i]);
        if (!g_hash_table_contains(conn->profiles, paths->pdata[i]))
            nmi_profiles_queue_fetch(conn, paths->pdata[i]);
    }
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (!g_hash_table_contains(listed, profile->path))
            g_hash_table_iter_remove(&iter);
}

void nmi_mirror_follow(NmifaceDriverConn *conn, const char *path, const char *iface)
{
    if (g_str_equal(iface, NM_DBUS_INTERFACE_SETTINGS)) {
        follow_profile_list(conn, path);
    } else if (g_str_equal(iface, NM_DBUS_INTERFACE)) {
        /* Devices lists realized devices only: NM's placeholders for software profiles are
         * no interfaces, and fetching them would cost as much as the profiles. */
        queue_each(conn, path, "Devices", NM_DBUS_INTERFACE_DEVICE);
        queue_each(conn, path, "ActiveConnections", NM_DBUS_INTERFACE_ACTIVE_CONNECTION);
    } else if (g_str_equal(iface, NM_DBUS_INTERFACE_DEVICE)) {
        guint32 type = nmi_object_get_u(conn, path, iface, "DeviceType", 0);

        if (type == NM_DEVICE_TYPE_ETHERNET || type == NM_DEVICE_TYPE_VETH)
            nmi_objects_queue_fetch(conn, path, NM_DBUS_INTERFACE_DEVICE_WIRED);
        else if (type == NM_DEVICE_TYPE_VLAN)
            nmi_objects_queue_fetch(conn, path, NM_DBUS_INTERFACE_DEVICE_VLAN);
        nmi_objects_queue_fetch(conn, nmi_object_get_o(conn, path, iface, "Ip4Config"),
                                NM_DBUS_INTERFACE_IP4_CONFIG);
        nmi_objects_queue_fetch(conn, nmi_object_get_o(conn, path, iface, "Ip6Config"),
                                NM_DBUS_INTERFACE_IP6_CONFIG);
    } else if (g_str_equal(iface, NM_DBUS_INTERFACE_ACTIVE_CONNECTION)) {
        /* Whether an active profile is volatile decides whether it defines its interface;
         * an inactive volatile profile does not exist for long (NM deletes it at once). */
        nmi_objects_queue_fetch(conn, nmi_object_get_o(conn, path, iface, "Connection"),
                                NM_DBUS_INTERFACE_SETTINGS_CONNECTION);
    }
}

static void props_done(NmifaceDriverConn *conn, NmiFetch *fetch, GVariant *reply, GError *error)
{
    g_autofree char *key = props_key(fetch->iface, fetch->path);
    g_autoptr(GVariant) props = NULL;
    NmiObject *obj;

    if (reply == NULL) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);

        if (g_strcmp0(remote, LIMITS_EXCEEDED) == 0) {
            shrink_window(conn);
            g_queue_push_tail(&conn->fetch_queue,
                              fetch_new(FETCH_PROPS, fetch->path, fetch->iface));
            schedule_retry(conn);
            return;
        }
        g_hash_table_remove(conn->props_pending, key);
        if (!is_gone_error(remote)) {
            note_failure(conn, error, "properties", fetch->path);
            g_ptr_array_add(conn->props_retry, fetch_new(FETCH_PROPS, fetch->path, fetch->iface));
        }
        return;
    }
    g_hash_table_remove(conn->props_pending, key);
    obj = g_hash_table_lookup(conn->objects, fetch->path);
    if (obj == NULL) {
        obj = nmi_object_new(fetch->path);
        g_hash_table_insert(conn->objects, obj->path, obj);
    }
    props = g_variant_get_child_value(reply, 0);
    nmi_object_set_iface(obj, fetch->iface, props);
    conn->serial++;
    nmi_mirror_follow(conn, fetch->path, fetch->iface);
}

/* ---- answers ---------------------------------------------------------------------------- */

/* A fetch's answer is in: applied unless it belongs to a mirror that is gone. @bulk_reply: a
 * reply from the bulk reader, else @reply or @error from GDBus. */
static void fetch_finish(NmifaceDriverConn *conn, NmiFetch *fetch, GVariant *reply,
                         sd_bus_message *bulk_reply, GError *error)
{
    conn->fetch_in_flight--;
    /* After NM restarted, or while closing, replies belong to a mirror that is gone. */
    if (fetch->generation == conn->generation && conn->bus != NULL && conn->mirroring) {
        if (bulk_reply != NULL)
            reply_settings_done(conn, fetch, bulk_reply);
        else if (fetch->kind == FETCH_SETTINGS)
            settings_done(conn, fetch, reply, error);
        else
            props_done(conn, fetch, reply, error);
    }
    nmi_fetch_free(fetch);
    /* Refill in bursts, not one call per reply: GDBus hands every message between threads, and
     * a burst costs one hand-off instead of one each. */
    if (conn->fetch_in_flight <= conn->max_pending / 2)
        pump(conn);
}

static void fetch_done_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    NmiFetch *fetch = data;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;

    reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
    fetch_finish(fetch->conn, fetch, reply, NULL, error);
}

/* ---- the bulk settings reader (nm-bulk.h) ------------------------------------------------ */

typedef enum {
    BULK_OFF,      /* NMIFACE_NM_BULK=0: every fetch over GDBus */
    BULK_ON,       /* the default: over GDBus when the bulk reader cannot be had */
    BULK_REQUIRED, /* NMIFACE_NM_BULK=require (tests): its failure is the call's */
} BulkMode;

static BulkMode bulk_mode(void)
{
    const char *value = g_getenv("NMIFACE_NM_BULK");

    if (g_strcmp0(value, "0") == 0)
        return BULK_OFF;
    return g_strcmp0(value, "require") == 0 ? BULK_REQUIRED : BULK_ON;
}

/* The fetches sent on the bulk reader and not answered: dropped, or asked again over GDBus. */
static void bulk_drop_pending(NmifaceDriverConn *conn, gboolean ask_again)
{
    GHashTableIter iter;
    NmiFetch *fetch;

    g_hash_table_iter_init(&iter, conn->bulk_pending);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&fetch)) {
        NmiProfile *profile = g_hash_table_lookup(conn->profiles, fetch->path);

        conn->fetch_in_flight--;
        if (profile != NULL && fetch->generation == conn->generation) {
            profile->in_flight = FALSE;
            profile->dirty = FALSE;
            if (ask_again)
                enqueue_settings(conn, profile);
        }
        g_hash_table_iter_remove(&iter);
    }
}

static void bulk_reply(gpointer data, sd_bus_message *reply)
{
    NmifaceDriverConn *conn = data;
    g_autoptr(GError) error = NULL;
    const sd_bus_error *bus_error;
    NmiFetch *fetch = NULL;
    uint64_t cookie = 0;

    if (sd_bus_message_get_reply_cookie(reply, &cookie) < 0 ||
        !g_hash_table_steal_extended(conn->bulk_pending, GSIZE_TO_POINTER(cookie), NULL,
                                     (gpointer *)&fetch))
        return;
    bus_error = sd_bus_message_get_error(reply);
    if (bus_error == NULL) {
        fetch_finish(conn, fetch, NULL, reply, NULL);
        return;
    }
    /* Rare: the profile went, NM restarted, the bus's limits, a timeout. This connection's
     * replies are not ordered with the signals on the main one, so the error cannot be judged
     * here (the profile's removal may not have been seen yet): asked again over GDBus, whose
     * answer comes after those signals. */
    if (fetch->generation == conn->generation &&
        g_hash_table_contains(conn->profiles, fetch->path)) {
        conn->fetch_in_flight--;
        fetch->over_gdbus = TRUE;
        send_fetch(conn, fetch);
        return;
    }
    error = g_dbus_error_new_for_dbus_error(bus_error->name,
                                            bus_error->message ? bus_error->message : "");
    fetch_finish(conn, fetch, NULL, NULL, error);
}

static void bulk_failed(gpointer data, const GError *error)
{
    NmifaceDriverConn *conn = data;
    gboolean required = bulk_mode() == BULK_REQUIRED;

    g_debug("the bulk settings reader failed: %s", error->message);
    if (required && conn->fetch_error == NULL)
        g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "the bulk settings reader failed: %s", error->message);
    bulk_drop_pending(conn, !required);
    g_clear_pointer(&conn->bulk, nmi_bulk_free);
    pump(conn);
}

gboolean nmi_bulk_start(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(GError) local = NULL;
    BulkMode mode = bulk_mode();

    if (mode == BULK_OFF || conn->bulk != NULL)
        return TRUE;
    conn->bulk = nmi_bulk_open(conn->address, conn->nm_owner, conn->context, conn->timeout_ms,
                               bulk_reply, bulk_failed, conn, &local);
    if (conn->bulk != NULL)
        return TRUE;
    if (mode == BULK_REQUIRED) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "cannot open the bulk settings reader on %s: %s", conn->address,
                    local->message);
        return FALSE;
    }
    g_debug("no bulk settings reader, fetching over GDBus: %s", local->message);
    return TRUE;
}

void nmi_bulk_stop(NmifaceDriverConn *conn)
{
    bulk_drop_pending(conn, FALSE);
    g_clear_pointer(&conn->bulk, nmi_bulk_free);
}

/* ---- sending ---------------------------------------------------------------------------- */

static void send_fetch(NmifaceDriverConn *conn, NmiFetch *fetch)
{
    fetch->conn = conn;
    fetch->generation = conn->generation;
    conn->fetch_in_flight++;
    if (fetch->kind == FETCH_SETTINGS && conn->bulk != NULL && !fetch->over_gdbus) {
        guint64 cookie = nmi_bulk_call(conn->bulk, fetch->path,
                                       NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "GetSettings");

        if (cookie != 0) {
            g_hash_table_insert(conn->bulk_pending, GSIZE_TO_POINTER(cookie), fetch);
            return;
        }
        /* the bulk reader failed just now: over GDBus */
    }
    if (fetch->kind == FETCH_SETTINGS)
        g_dbus_connection_call(conn->bus, NMI_NM_BUS_NAME, fetch->path,
                               NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "GetSettings", NULL,
                               G_VARIANT_TYPE("(a{sa{sv}})"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                               (int)conn->timeout_ms, NULL, fetch_done_cb, fetch);
    else
        g_dbus_connection_call(
            conn->bus, NMI_NM_BUS_NAME, fetch->path, "org.freedesktop.DBus.Properties", "GetAll",
            g_variant_new("(s)", fetch->iface), G_VARIANT_TYPE("(a{sv})"),
            G_DBUS_CALL_FLAGS_NO_AUTO_START, (int)conn->timeout_ms, NULL, fetch_done_cb, fetch);
}

static void pump(NmifaceDriverConn *conn)
{
    while (conn->fetch_in_flight < conn->max_pending && !conn->fetch_retry_scheduled &&
           conn->bus != NULL && !g_queue_is_empty(&conn->fetch_queue)) {
        NmiFetch *fetch = g_queue_pop_head(&conn->fetch_queue);

        if (fetch->kind == FETCH_SETTINGS) {
            NmiProfile *profile = g_hash_table_lookup(conn->profiles, fetch->path);

            if (profile == NULL) {
                nmi_fetch_free(fetch);
                continue;
            }
            profile->queued = FALSE;
            profile->in_flight = TRUE;
        }
        send_fetch(conn, fetch);
    }
}

/* ---- waiting ---------------------------------------------------------------------------- */

static gboolean all_fetched(NmifaceDriverConn *conn, gpointer data)
{
    return g_queue_is_empty(&conn->fetch_queue) && conn->fetch_in_flight == 0 &&
           !conn->fetch_retry_scheduled;
}

/* Says what NM still owes when a wait times out: the settings the caller usually waits for,
 * whichever of the two timeouts (the call's or the wait's) fires first. */
static void describe_outstanding(NmifaceDriverConn *conn, GError **error)
{
    GHashTableIter iter;
    NmiProfile *profile;
    guint settings = 0;
    guint objects;

    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (profile->in_flight || profile->queued)
            settings++;
    objects = g_hash_table_size(conn->props_pending);
    if (objects == 0)
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                    "timed out after %u ms waiting for NetworkManager to send the settings of %u "
                    "profile(s)",
                    conn->timeout_ms, settings);
    else
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                    "timed out after %u ms waiting for NetworkManager to send the settings of %u "
                    "profile(s) and the properties of %u object(s)",
                    conn->timeout_ms, settings, objects);
}

gboolean nmi_fetches_wait(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    g_autoptr(GError) local = NULL;
    GHashTableIter iter;
    NmiProfile *profile;
    guint missing = 0;

    if (!nmi_session_wait(conn, all_fetched, NULL, deadline,
                          "send the profiles and properties the driver asked for", &local)) {
        if (g_error_matches(local, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT)) {
            describe_outstanding(conn, error);
            return FALSE;
        }
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (conn->fetch_error != NULL) {
        g_propagate_error(error, g_steal_pointer(&conn->fetch_error));
        return FALSE;
    }
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (profile_wants_settings(conn, profile))
            missing++;
    if (missing > 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "the settings of %u NetworkManager profiles could not be read", missing);
        return FALSE;
    }
    return TRUE;
}

static gboolean props_arrived(NmifaceDriverConn *conn, gpointer data)
{
    const char *const *paths = data;

    for (guint i = 0; paths[i] != NULL; i++) {
        g_autofree char *key = props_key(NM_DBUS_INTERFACE_SETTINGS_CONNECTION, paths[i]);

        if (g_hash_table_contains(conn->props_pending, key))
            return FALSE;
    }
    return TRUE;
}

gboolean nmi_profiles_require_props(NmifaceDriverConn *conn, const char *const *paths,
                                    GError **error)
{
    GHashTableIter iter;
    NmiProfile *profile;

    if (paths == NULL) {
        g_hash_table_iter_init(&iter, conn->profiles);
        while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
            nmi_objects_queue_fetch(conn, profile->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION);
        return nmi_fetches_wait(conn, nmi_session_deadline(conn), error);
    }
    /* Only these: a write must not wait for (or fail on) fetches of unrelated profiles. */
    for (guint i = 0; paths[i] != NULL; i++)
        nmi_objects_queue_fetch(conn, paths[i], NM_DBUS_INTERFACE_SETTINGS_CONNECTION);
    if (!nmi_session_wait(conn, props_arrived, (gpointer)paths, nmi_session_deadline(conn),
                          "send the properties of a profile", error))
        return FALSE;
    for (guint i = 0; paths[i] != NULL; i++)
        if (g_hash_table_contains(conn->profiles, paths[i]) &&
            !nmi_object_has_iface(conn, paths[i], NM_DBUS_INTERFACE_SETTINGS_CONNECTION)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "cannot read the properties of NetworkManager profile %s", paths[i]);
            return FALSE;
        }
    return TRUE;
}

void nmi_fetches_requeue(NmifaceDriverConn *conn)
{
    GHashTableIter iter;
    NmiProfile *profile;

    /* What an earlier fetch could not read is asked for again rather than left out or old;
     * that failure (possibly reported after its call gave up) is no longer this call's. */
    g_clear_error(&conn->fetch_error);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (profile_wants_settings(conn, profile) && !profile->in_flight)
            enqueue_settings(conn, profile);
    while (conn->props_retry->len > 0) {
        NmiFetch *fetch = g_ptr_array_steal_index(conn->props_retry, conn->props_retry->len - 1);

        nmi_objects_queue_fetch(conn, fetch->path, fetch->iface);
        nmi_fetch_free(fetch);
    }
    pump(conn);
}
