/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Profile writes (AddConnection2, Update2, Delete) with an undo log: every step records how to
 * take it back, so define can leave every profile as it was when a later step fails, and a
 * transaction layer can keep its own journal from the same records.
 *
 * Settings sent without secrets keep the profile's stored secrets: NM merges the existing ones
 * into an update that carries none.
 */
#include "iface-private.h"

typedef enum {
    UNDO_DELETE_ADDED,
    UNDO_RESTORE_UPDATED,
    UNDO_READD_DELETED,
} UndoKind;

typedef struct {
    UndoKind kind;
    char *path;           /* the profile's object path (added or updated) */
    NMConnection *before; /* settings before an update or delete */
    gboolean was_unsaved; /* it lived in memory only */
} UndoStep;

struct _NmiUndoLog {
    GPtrArray *steps;
};

static void undo_step_free(UndoStep *step)
{
    g_free(step->path);
    g_clear_object(&step->before);
    g_free(step);
}

NmiUndoLog *nmi_undo_log_new(void)
{
    NmiUndoLog *log = g_new0(NmiUndoLog, 1);

    log->steps = g_ptr_array_new_with_free_func((GDestroyNotify)undo_step_free);
    return log;
}

void nmi_undo_log_free(NmiUndoLog *log)
{
    if (log == NULL)
        return;
    g_ptr_array_unref(log->steps);
    g_free(log);
}

static void record(NmiUndoLog *log, UndoKind kind, const char *path, NMConnection *before,
                   gboolean was_unsaved)
{
    UndoStep *step = g_new0(UndoStep, 1);

    if (log == NULL) {
        g_free(step);
        return;
    }
    step->kind = kind;
    step->path = g_strdup(path);
    step->before = before != NULL ? nm_simple_connection_new_clone(before) : NULL;
    step->was_unsaved = was_unsaved;
    g_ptr_array_add(log->steps, step);
}

/* Whether the profile lives in memory only, so that its undo puts it back there; without an
 * undo log nobody asks, and no properties are fetched. */
static gboolean profile_unsaved(NmifaceDriverConn *conn, const NmiUndoLog *log, const char *path,
                                gboolean *unsaved, GError **error)
{
    const char *paths[] = {path, NULL};
    guint32 flags;

    *unsaved = FALSE;
    if (log == NULL)
        return TRUE;
    if (!nmi_profiles_require_props(conn, paths, error))
        return FALSE;
    flags = nmi_object_get_u(conn, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Flags", 0);
    *unsaved = (flags & NM_SETTINGS_CONNECTION_FLAG_UNSAVED) != 0;
    return TRUE;
}

NmiProfile *nmi_profile_by_uuid(NmifaceDriverConn *conn, const char *uuid)
{
    GHashTableIter iter;
    NmiProfile *profile;

    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (nmi_profile_known(profile) && g_strcmp0(profile->uuid, uuid) == 0)
            return profile;
    return NULL;
}

static char *add_raw(NmifaceDriverConn *conn, NMConnection *connection, guint32 flags,
                     GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *what = g_strdup_printf("add profile '%s'", nm_connection_get_id(connection));
    char *path = NULL;

    reply = nmi_session_call(
        conn, NMI_NM_SETTINGS_PATH, NM_DBUS_INTERFACE_SETTINGS, "AddConnection2",
        g_variant_new("(@a{sa{sv}}u@a{sv})",
                      nm_connection_to_dbus(connection, NM_CONNECTION_SERIALIZE_ALL), flags,
                      g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
        G_VARIANT_TYPE("(oa{sv})"), nmi_session_deadline(conn), what, error);
    if (reply == NULL)
        return NULL;
    g_variant_get(reply, "(o@a{sv})", &path, NULL);
    return path;
}

/* How a profile is named in messages: its id, else its object path. */
static char *describe(const char *path, NMConnection *connection)
{
    const char *id = connection != NULL ? nm_connection_get_id(connection) : NULL;

    return id != NULL ? g_strdup_printf("'%s'", id) : g_strdup(path);
}

static gboolean update_raw(NmifaceDriverConn *conn, const char *path, NMConnection *connection,
                           NMConnection *before, guint32 flags, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *name = describe(path, connection != NULL ? connection : before);
    g_autofree char *what = g_strdup_printf("update profile %s", name);
    GVariant *settings = connection != NULL
                             ? nm_connection_to_dbus(connection, NM_CONNECTION_SERIALIZE_ALL)
                             : g_variant_new_array(G_VARIANT_TYPE("{sa{sv}}"), NULL, 0);

    reply = nmi_session_call(conn, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Update2",
                             g_variant_new("(@a{sa{sv}}u@a{sv})", settings, flags,
                                           g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
                             G_VARIANT_TYPE("(a{sv})"), nmi_session_deadline(conn), what, error);
    return reply != NULL;
}

static gboolean delete_raw(NmifaceDriverConn *conn, const char *path, NMConnection *before,
                           GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *name = describe(path, before);
    g_autofree char *what = g_strdup_printf("delete profile %s", name);

    reply = nmi_session_call(conn, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Delete", NULL,
                             NULL, nmi_session_deadline(conn), what, error);
    return reply != NULL;
}

char *nmi_profile_add(NmifaceDriverConn *conn, NMConnection *connection, guint32 flags,
                      NmiUndoLog *log, GError **error)
{
    char *path = add_raw(conn, connection, flags, error);

    if (path != NULL)
        record(log, UNDO_DELETE_ADDED, path, NULL, FALSE);
    return path;
}

NmiProfileCopy *nmi_profile_copy_new(NmiProfile *profile)
{
    NmiProfileCopy *copy = g_new0(NmiProfileCopy, 1);

    copy->path = g_strdup(profile->path);
    copy->connection = nm_simple_connection_new_clone(nmi_profile_connection(profile));
    return copy;
}

NmiProfileCopy *nmi_profile_copy_shared(NmiProfile *profile)
{
    NmiProfileCopy *copy = g_new0(NmiProfileCopy, 1);

    copy->path = g_strdup(profile->path);
    copy->connection = g_object_ref(nmi_profile_connection(profile));
    return copy;
}

void nmi_profile_copy_free(NmiProfileCopy *copy)
{
    if (copy == NULL)
        return;
    g_free(copy->path);
    g_clear_object(&copy->connection);
    g_free(copy);
}

gboolean nmi_profile_update(NmifaceDriverConn *conn, const NmiProfileCopy *before,
                            NMConnection *connection, guint32 flags, NmiUndoLog *log,
                            GError **error)
{
    gboolean was_unsaved;

    if (!profile_unsaved(conn, log, before->path, &was_unsaved, error) ||
        !update_raw(conn, before->path, connection, before->connection, flags, error))
        return FALSE;
    record(log, UNDO_RESTORE_UPDATED, before->path, before->connection, was_unsaved);
    return TRUE;
}

gboolean nmi_profile_delete(NmifaceDriverConn *conn, const NmiProfileCopy *before, NmiUndoLog *log,
                            GError **error)
{
    g_autoptr(NMConnection) whole = NULL;
    gboolean was_unsaved;

    /* Re-adding a deleted profile needs the secrets GetSettings left out, read before the
     * delete; an update's undo keeps them without (NM merges stored ones into it). */
    if (log != NULL) {
        g_autoptr(GPtrArray) secret_settings = nmi_secret_settings(before->connection);

        if (secret_settings != NULL) {
            whole = nm_simple_connection_new_clone(before->connection);
            if (!nmi_merge_secrets(conn, before->path, whole, secret_settings, error))
                return FALSE;
        }
    }
    if (!profile_unsaved(conn, log, before->path, &was_unsaved, error) ||
        !delete_raw(conn, before->path, before->connection, error))
        return FALSE;
    record(log, UNDO_READD_DELETED, before->path, whole != NULL ? whole : before->connection,
           was_unsaved);
    return TRUE;
}

gboolean nmi_undo_log_rollback(NmifaceDriverConn *conn, NmiUndoLog *log, GError **error)
{
    g_autoptr(GError) first = NULL;

    for (guint i = log->steps->len; i > 0; i--) {
        UndoStep *step = log->steps->pdata[i - 1];
        g_autoptr(GError) local = NULL;
        g_autofree char *path = NULL;
        gboolean ok = TRUE;

        switch (step->kind) {
        case UNDO_DELETE_ADDED:
            ok = delete_raw(conn, step->path, NULL, &local);
            break;
        case UNDO_RESTORE_UPDATED:
            /* conn->storage, not TO_DISK: inside a transaction /etc must stay untouched. */
            ok = update_raw(conn, step->path, step->before, NULL,
                            step->was_unsaved ? NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY
                                              : conn->storage.update_flags,
                            &local);
            break;
        case UNDO_READD_DELETED:
            path = add_raw(conn, step->before,
                           (step->was_unsaved ? NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY
                                              : conn->storage.add_flags) |
                               NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT,
                           &local);
            ok = path != NULL;
            break;
        }
        if (!ok && first == NULL)
            first = g_steal_pointer(&local);
    }
    g_ptr_array_set_size(log->steps, 0);
    if (first != NULL) {
        g_propagate_prefixed_error(error, g_steal_pointer(&first),
                                   "could not restore every profile: ");
        return FALSE;
    }
    return TRUE;
}

void nmi_undo_log_fail(NmifaceDriverConn *conn, NmiUndoLog *log, GError *failure, const char *verb,
                       const char *name, GError **error)
{
    g_autoptr(GError) local = failure;
    g_autoptr(GError) undo_error = NULL;

    if (!nmi_undo_log_rollback(conn, log, &undo_error))
        g_set_error(error, NMIFACE_ERROR, local->code, "cannot %s interface '%s': %s (and %s)",
                    verb, name, local->message, undo_error->message);
    else
        g_set_error(error, NMIFACE_ERROR, local->code, "cannot %s interface '%s': %s", verb, name,
                    local->message);
}
