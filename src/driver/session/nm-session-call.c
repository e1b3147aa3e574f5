/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The session's bounded waits and method calls on NM, and D-Bus error mapping: the bottom of
 * the session, which the mirror's fetches (nm-sync.c) and everything above use.
 */
#include "session-private.h"

gint64 nmi_session_deadline(NmifaceDriverConn *conn)
{
    return g_get_monotonic_time() + (gint64)conn->timeout_ms * G_TIME_SPAN_MILLISECOND;
}

/* ---- waiting ---------------------------------------------------------------------------- */

static gboolean deadline_reached_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

gboolean nmi_session_wait(NmifaceDriverConn *conn, NmiDoneFunc done, gpointer data, gint64 deadline,
                          const char *what, GError **error)
{
    guint generation = conn->generation;
    gboolean expired = FALSE;
    GSource *timer = NULL;
    gboolean ok = TRUE;

    while (!done(conn, data)) {
        gint64 now = g_get_monotonic_time();

        if (conn->generation != generation) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                        "NetworkManager left the system bus while waiting for it to %s", what);
            ok = FALSE;
            break;
        }
        if (expired || now >= deadline) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                        "timed out after %u ms waiting for NetworkManager to %s", conn->timeout_ms,
                        what);
            ok = FALSE;
            break;
        }
        if (timer == NULL) {
            timer = g_timeout_source_new((guint)((deadline - now + 999) / 1000));
            g_source_set_callback(timer, deadline_reached_cb, &expired, NULL);
            g_source_attach(timer, conn->context);
        }
        g_main_context_iteration(conn->context, TRUE);
    }
    if (timer != NULL) {
        g_source_destroy(timer);
        g_source_unref(timer);
    }
    return ok;
}

/* ---- method calls ----------------------------------------------------------------------- */

void nmi_error_from_dbus(GError **error, const GError *dbus_error, const char *what)
{
    g_autofree char *remote = g_dbus_error_get_remote_error(dbus_error);
    g_autoptr(GError) copy = g_error_copy(dbus_error);
    int code = VIR_ERR_OPERATION_FAILED;

    g_dbus_error_strip_remote_error(copy);
    if (g_error_matches(dbus_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                    "timed out waiting for NetworkManager to %s", what);
        return;
    }
    if (g_error_matches(dbus_error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
        g_strcmp0(remote, "org.freedesktop.DBus.Error.ServiceUnknown") == 0 ||
        g_strcmp0(remote, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0 ||
        g_strcmp0(remote, "org.freedesktop.DBus.Error.NoReply") == 0 ||
        g_strcmp0(remote, "org.freedesktop.DBus.Error.Disconnected") == 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "NetworkManager is not running, cannot %s: %s", what, copy->message);
        return;
    }
    if (remote != NULL && g_str_has_suffix(remote, ".PermissionDenied"))
        code = VIR_ERR_OPERATION_DENIED;
    else if (g_strcmp0(remote, "org.freedesktop.DBus.Error.AccessDenied") == 0 ||
             g_strcmp0(remote, "org.freedesktop.DBus.Error.AuthFailed") == 0 ||
             g_strcmp0(remote, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") == 0)
        code = VIR_ERR_AUTH_FAILED;
    g_set_error(error, NMIFACE_ERROR, code, "failed to %s: %s", what, copy->message);
}

typedef struct {
    gboolean done;
    gboolean abandoned;
    GVariant *reply;
    GError *error;
} CallState;

static void call_state_free(CallState *st)
{
    g_clear_pointer(&st->reply, g_variant_unref);
    g_clear_error(&st->error);
    g_free(st);
}

static void call_done_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    CallState *st = data;

    st->reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &st->error);
    st->done = TRUE;
    if (st->abandoned)
        call_state_free(st);
}

static gboolean call_is_done(NmifaceDriverConn *conn, gpointer data)
{
    return ((CallState *)data)->done;
}

GVariant *nmi_session_call_allowing(NmifaceDriverConn *conn, const char *path, const char *iface,
                                    const char *method, GVariant *params,
                                    const GVariantType *reply_type, gint64 deadline,
                                    const char *what, const char *allowed_error, GError **error)
{
    CallState *st = g_new0(CallState, 1);
    gint64 remaining_ms = (deadline - g_get_monotonic_time()) / 1000;
    g_autofree char *remote = NULL;
    GVariant *reply;

    if (conn->nm_owner == NULL) {
        if (params != NULL)
            g_variant_unref(g_variant_ref_sink(params));
        g_free(st);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "NetworkManager is not running, cannot %s", what);
        return NULL;
    }
    g_dbus_connection_call(conn->bus, NMI_NM_BUS_NAME, path, iface, method, params, reply_type,
                           G_DBUS_CALL_FLAGS_NO_AUTO_START, (int)CLAMP(remaining_ms, 1, G_MAXINT),
                           NULL, call_done_cb, st);
    if (!nmi_session_wait(conn, call_is_done, st, deadline, what, error)) {
        /* The reply still comes (or GDBus times the call out); free the state then. */
        st->abandoned = TRUE;
        return NULL;
    }
    if (st->error != NULL) {
        remote = g_dbus_error_get_remote_error(st->error);
        if (allowed_error == NULL || g_strcmp0(remote, allowed_error) != 0)
            nmi_error_from_dbus(error, st->error, what);
        call_state_free(st);
        return NULL;
    }
    reply = g_steal_pointer(&st->reply);
    call_state_free(st);
    return reply;
}

GVariant *nmi_session_call(NmifaceDriverConn *conn, const char *path, const char *iface,
                           const char *method, GVariant *params, const GVariantType *reply_type,
                           gint64 deadline, const char *what, GError **error)
{
    return nmi_session_call_allowing(conn, path, iface, method, params, reply_type, deadline, what,
                                     NULL, error);
}

gboolean nmi_session_find_owner(NmifaceDriverConn *conn, gint64 deadline, GError **error)
{
    CallState *st = g_new0(CallState, 1);

    /* Asked of the bus itself: NM's absence is an answer here, not an error. */
    g_dbus_connection_call(conn->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "GetNameOwner",
                           g_variant_new("(s)", NMI_NM_BUS_NAME), G_VARIANT_TYPE("(s)"),
                           G_DBUS_CALL_FLAGS_NONE, conn->timeout_ms, NULL, call_done_cb, st);
    if (!nmi_session_wait(conn, call_is_done, st, deadline, "be found on the system bus", error)) {
        st->abandoned = TRUE;
        return FALSE;
    }
    if (st->error != NULL) {
        g_autofree char *remote = g_dbus_error_get_remote_error(st->error);

        if (g_strcmp0(remote, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0)
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                        "NetworkManager is not running (no owner of %s on the system bus)",
                        NMI_NM_BUS_NAME);
        else
            nmi_error_from_dbus(error, st->error, "look up NetworkManager on the system bus");
        call_state_free(st);
        return FALSE;
    }
    g_free(conn->nm_owner);
    g_variant_get(st->reply, "(s)", &conn->nm_owner);
    call_state_free(st);
    return TRUE;
}
