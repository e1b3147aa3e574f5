/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keeping the mirror current. A call first makes one round trip to NM (Peer.Ping): NM's reply
 * is ordered after every signal it sent before, so once it arrives every change made before
 * the call started has been applied to the mirror, except profile settings, which a change
 * signal only announces. Those are fetched with GetSettings, at most max_pending at a time
 * (the bus refuses more than max_replies_per_connection pending replies, and a refused fetch
 * is retried), and the call waits until every announced fetch has arrived.
 */
#include "nm-private.h"

#define LIMITS_EXCEEDED "org.freedesktop.DBus.Error.LimitsExceeded"
#define FETCH_RETRY_MS  20

typedef struct {
    NmifaceDriverConn *conn;
    guint generation;
    char *path;
} FetchCall;

static void pump(NmifaceDriverConn *conn);

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

static void enqueue(NmifaceDriverConn *conn, NmiProfile *profile)
{
    if (profile->queued)
        return;
    profile->queued = TRUE;
    g_queue_push_tail(&conn->fetch_queue, g_strdup(profile->path));
}

static void fetch_done_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    FetchCall *call = data;
    NmifaceDriverConn *conn = call->conn;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) settings = NULL;
    NmiProfile *profile;
    NMConnection *connection;

    reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
    conn->fetch_in_flight--;
    profile = call->generation == conn->generation ? g_hash_table_lookup(conn->profiles, call->path)
                                                   : NULL;
    g_free(call->path);
    g_free(call);
    if (profile == NULL)
        return; /* NM restarted, or the profile went meanwhile */
    profile->in_flight = FALSE;

    if (reply == NULL) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);

        if (g_strcmp0(remote, LIMITS_EXCEEDED) == 0) {
            /* The bus allows fewer pending replies than we tried: send fewer at once. */
            if (!conn->max_pending_fixed) {
                guint accepted = MIN(conn->max_pending, conn->fetch_in_flight);

                conn->max_pending = accepted > 3 ? accepted - 2 : 1;
            }
            enqueue(conn, profile);
            schedule_retry(conn);
            return;
        }
        if (g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownObject") == 0 ||
            g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownMethod") == 0) {
            /* Deleted meanwhile: its InterfacesRemoved signal is on its way. */
            return;
        }
        if (conn->fetch_error != NULL) {
            /* The first failure is the one reported. */
        } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
            g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                        "timed out after %u ms waiting for NetworkManager to send the settings "
                        "of profile %s",
                        conn->timeout_ms, profile->path);
        } else {
            g_dbus_error_strip_remote_error(error);
            g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "cannot read NetworkManager profile %s: %s", profile->path, error->message);
        }
        pump(conn);
        return;
    }

    settings = g_variant_get_child_value(reply, 0);
    connection = nm_simple_connection_new_from_dbus(settings, &error);
    if (connection == NULL) {
        if (conn->fetch_error == NULL)
            g_set_error(&conn->fetch_error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "cannot parse NetworkManager profile %s: %s", profile->path,
                        error->message);
    } else {
        nm_connection_set_path(connection, profile->path);
        g_clear_object(&profile->connection);
        profile->connection = connection;
        if (!profile->dirty)
            profile->stale = FALSE;
        conn->serial++;
    }
    if (profile->dirty) {
        /* Changed again while this fetch was on its way: the reply may predate the change. */
        profile->dirty = FALSE;
        enqueue(conn, profile);
    }
    pump(conn);
}

static void pump(NmifaceDriverConn *conn)
{
    while (conn->fetch_in_flight < conn->max_pending && !conn->fetch_retry_scheduled &&
           conn->bus != NULL && !g_queue_is_empty(&conn->fetch_queue)) {
        g_autofree char *path = g_queue_pop_head(&conn->fetch_queue);
        NmiProfile *profile = g_hash_table_lookup(conn->profiles, path);
        FetchCall *call;

        if (profile == NULL)
            continue;
        profile->queued = FALSE;
        profile->in_flight = TRUE;
        call = g_new0(FetchCall, 1);
        call->conn = conn;
        call->generation = conn->generation;
        call->path = g_steal_pointer(&path);
        conn->fetch_in_flight++;
        g_dbus_connection_call(conn->bus, NMI_NM_BUS_NAME, call->path,
                               NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "GetSettings", NULL,
                               G_VARIANT_TYPE("(a{sa{sv}})"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                               (int)conn->timeout_ms, NULL, fetch_done_cb, call);
    }
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
        enqueue(conn, profile);
    pump(conn);
}

void nmi_profiles_forget(NmifaceDriverConn *conn, const char *path)
{
    /* A queued path whose profile is gone is skipped by pump(). */
    g_hash_table_remove(conn->profiles, path);
}

static gboolean all_fetched(NmifaceDriverConn *conn, gpointer data)
{
    return g_queue_is_empty(&conn->fetch_queue) && conn->fetch_in_flight == 0 &&
           !conn->fetch_retry_scheduled;
}

gboolean nmi_profiles_wait_fetched(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    GHashTableIter iter;
    NmiProfile *profile;
    guint missing = 0;

    if (!nmi_session_wait(conn, all_fetched, NULL, deadline, "send the settings of its profiles",
                          error))
        return FALSE;
    if (conn->fetch_error != NULL) {
        g_propagate_error(error, g_steal_pointer(&conn->fetch_error));
        return FALSE;
    }
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (profile->connection == NULL || profile->stale)
            missing++;
    if (missing > 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "the settings of %u NetworkManager profiles could not be read", missing);
        return FALSE;
    }
    return TRUE;
}

static gboolean sync_once(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    GHashTableIter iter;
    NmiProfile *profile;

    if (!conn->loaded)
        return nmi_session_load(conn, deadline, error);
    reply = nmi_session_call(conn, NMI_NM_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                             deadline, "answer a ping", error);
    if (reply == NULL)
        return FALSE;
    /* A profile whose earlier fetch failed is asked for again rather than left out or old;
     * that failure (possibly reported after its call gave up) is no longer this call's. */
    g_clear_error(&conn->fetch_error);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if ((profile->connection == NULL || profile->stale) && !profile->in_flight)
            enqueue(conn, profile);
    pump(conn);
    return nmi_profiles_wait_fetched(conn, deadline, error);
}

gboolean nmi_sync(NmifaceDriverConn *conn, GError **error)
{
    gint64 deadline = nmi_session_deadline(conn);
    g_autoptr(GError) local = NULL;
    guint generation;

    /* Whatever arrived since the last call (NM leaving, say) is applied first. */
    while (g_main_context_iteration(conn->context, FALSE))
        ;
    generation = conn->generation;
    if (sync_once(conn, deadline, &local))
        return TRUE;
    /* NM restarted under us and is back: rebuild the mirror once instead of failing. */
    if (conn->generation != generation && conn->nm_owner != NULL) {
        g_clear_error(&local);
        return nmi_session_load(conn, deadline, error);
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}
