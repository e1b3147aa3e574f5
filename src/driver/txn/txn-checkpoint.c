/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NM checkpoints: used for what they are good at (device state, and NM's own rollback timeout
 * that works even when nothing of ours runs). Profiles are the journal's business.
 */
#include "txn-nm.h"

/* DELETE_NEW_CONNECTIONS: profiles added since are removed by a rollback; DISCONNECT_NEW_DEVICES:
 * devices that appear since are taken down. No DESTROY_ALL: another tool's checkpoint is not
 * ours to destroy, NM refuses ours instead and we say so. */
#define CHECKPOINT_FLAGS                                                                           \
    (NM_CHECKPOINT_CREATE_FLAG_DELETE_NEW_CONNECTIONS |                                            \
     NM_CHECKPOINT_CREATE_FLAG_DISCONNECT_NEW_DEVICES)

char *nm_txn_checkpoint_create(NmifaceDriverConn *conn, guint timeout_seconds, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    char *path = NULL;

    /* An empty device list means every device. */
    reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "CheckpointCreate",
                             g_variant_new("(@aouu)", g_variant_new_objv(NULL, 0), timeout_seconds,
                                           (guint32)CHECKPOINT_FLAGS),
                             G_VARIANT_TYPE("(o)"), nmi_session_deadline(conn),
                             "create a checkpoint", error);
    if (reply == NULL)
        return NULL;
    g_variant_get(reply, "(o)", &path);
    return path;
}

gboolean nm_txn_checkpoint_exists(NmifaceDriverConn *conn, const char *path, gboolean *exists,
                                  GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) value = NULL;
    g_autofree const char **paths = NULL;

    *exists = FALSE;
    if (path == NULL || *path == '\0')
        return TRUE;
    /* Asked of NM, not the mirror: NM drops a checkpoint by itself on timeout or restart. */
    reply = nmi_session_call(conn, NMI_NM_PATH, "org.freedesktop.DBus.Properties", "Get",
                             g_variant_new("(ss)", NM_DBUS_INTERFACE, "Checkpoints"),
                             G_VARIANT_TYPE("(v)"), nmi_session_deadline(conn),
                             "list its checkpoints", error);
    if (reply == NULL)
        return FALSE;
    g_variant_get(reply, "(v)", &value);
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
        return TRUE;
    paths = g_variant_get_objv(value, NULL);
    *exists = g_strv_contains(paths, path);
    return TRUE;
}

gboolean nm_txn_checkpoint_destroy(NmifaceDriverConn *conn, const char *path, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    gboolean exists;

    if (!nm_txn_checkpoint_exists(conn, path, &exists, error))
        return FALSE;
    if (!exists)
        return TRUE;
    reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "CheckpointDestroy",
                             g_variant_new("(o)", path), NULL, nmi_session_deadline(conn),
                             "destroy the checkpoint", error);
    return reply != NULL;
}

gboolean nm_txn_checkpoint_rollback(NmifaceDriverConn *conn, const char *path, GString *failures,
                                    GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) results = NULL;
    GVariantIter iter;
    const char *device;
    guint32 result;

    reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "CheckpointRollback",
                             g_variant_new("(o)", path), G_VARIANT_TYPE("(a{su})"),
                             nmi_session_deadline(conn), "roll back to the checkpoint", error);
    if (reply == NULL)
        return FALSE;
    results = g_variant_get_child_value(reply, 0);
    g_variant_iter_init(&iter, results);
    while (g_variant_iter_next(&iter, "{&su}", &device, &result)) {
        const char *name = nmi_object_get_s(conn, device, NM_DBUS_INTERFACE_DEVICE, "Interface");

        /* NM 1.42 answers ERR_FAILED for a software bridge that was disconnected ("device
         * cannot be restored"); the journal's reactivation repairs it. */
        if (result != NM_ROLLBACK_RESULT_OK)
            g_string_append_printf(failures, "%s%s: result %u", failures->len > 0 ? ", " : "",
                                   name != NULL ? name : device, result);
    }
    return TRUE;
}
