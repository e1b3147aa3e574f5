/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The restore point: every profile NM has (settings as keyfile text, storage, the bytes of its
 * /etc file, where it is active) and the interfaces that are up, read from the session's
 * mirror after a sync; plus the secrets NM stores, which GetSettings does not return: they are
 * asked for with GetSecrets, only for the settings that can hold such secrets.
 */
#include <string.h>

#include "txn-nm.h"

void nm_txn_active_free(NmTxnActive *active)
{
    if (active == NULL)
        return;
    g_free(active->ac);
    g_free(active->profile);
    g_free(active->device);
    g_free(active);
}

GPtrArray *nm_txn_list_active(NmifaceDriverConn *conn)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)nm_txn_active_free);
    GHashTableIter iter;
    NmiObject *obj;

    g_hash_table_iter_init(&iter, conn->objects);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&obj)) {
        guint32 state;
        g_autoptr(GPtrArray) devices = NULL;
        NmTxnActive *active;

        if (!nmi_object_has_iface(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION))
            continue;
        state = nmi_object_get_u(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "State",
                                 NM_ACTIVE_CONNECTION_STATE_UNKNOWN);
        if (state != NM_ACTIVE_CONNECTION_STATE_ACTIVATING &&
            state != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
            continue;
        active = g_new0(NmTxnActive, 1);
        active->ac = g_strdup(obj->path);
        active->state = state;
        active->profile = g_strdup(
            nmi_object_get_o(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "Connection"));
        devices =
            nmi_object_get_ao(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "Devices");
        if (devices->len > 0)
            active->device = g_strdup(
                nmi_object_get_s(conn, devices->pdata[0], NM_DBUS_INTERFACE_DEVICE, "Interface"));
        g_ptr_array_add(out, active);
    }
    return out;
}

NMConnection *nm_txn_keyfile_settings(const char *data, gsize length, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(NMConnection) connection = NULL;

    if (!g_key_file_load_from_data(kf, data, length, G_KEY_FILE_KEEP_COMMENTS, error) ||
        (connection = nm_keyfile_read(kf, "/etc/NetworkManager/system-connections",
                                      NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, error)) == NULL ||
        !nm_connection_normalize(connection, NULL, NULL, error))
        return NULL;
    return g_steal_pointer(&connection);
}

NMConnection *nm_txn_profile_settings(const NmiTxnProfile *profile, GError **error)
{
    g_autoptr(GError) local = NULL;
    NMConnection *connection = nm_txn_keyfile_settings(profile->keyfile, (gsize)-1, &local);

    if (connection == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the journal's settings of profile '%s' (%s) do not load: %s", profile->id,
                    profile->uuid, local->message);
        return NULL;
    }
    return connection;
}

void nm_txn_current_free(NmTxnCurrent *current)
{
    if (current == NULL)
        return;
    nmi_profile_copy_free(current->copy);
    g_free(current->filename);
    g_free(current);
}

static gboolean profile_unsaved(NmifaceDriverConn *conn, const char *path)
{
    GVariant *v = nmi_object_get(conn, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Unsaved");

    return v != NULL && g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(v);
}

GPtrArray *nm_txn_list_profiles(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(GPtrArray) out = NULL;
    GHashTableIter iter;
    NmiProfile *profile;

    if (!nmi_sync(conn, error) || !nmi_profiles_require_props(conn, NULL, error))
        return NULL;
    nmi_profiles_parse_all(conn);
    out = g_ptr_array_new_with_free_func((GDestroyNotify)nm_txn_current_free);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        NmTxnCurrent *c;
        const char *filename;

        if (!nmi_profile_known(profile))
            continue;
        c = g_new0(NmTxnCurrent, 1);
        /* Read only: Rollback clones before it adds secrets. Cloning all of them cost ~50 ms
         * per Rollback or Commit at 1000 profiles. */
        c->copy = nmi_profile_copy_shared(profile);
        c->uuid = nm_connection_get_uuid(c->copy->connection);
        c->flags = nmi_object_get_u(conn, profile->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION,
                                    "Flags", 0);
        c->unsaved = profile_unsaved(conn, profile->path);
        filename = nmi_object_get_s(conn, profile->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION,
                                    "Filename");
        c->filename = g_strdup(filename != NULL ? filename : "");
        g_ptr_array_add(out, c);
    }
    return g_steal_pointer(&out);
}

NmTxnCurrent *nm_txn_current_find(GPtrArray *current, const char *uuid)
{
    for (guint i = 0; i < current->len; i++) {
        NmTxnCurrent *c = current->pdata[i];

        if (g_strcmp0(c->uuid, uuid) == 0)
            return c;
    }
    return NULL;
}

/* A profile of the restore point whose stored secrets are read once the walk over the mirror
 * is over: a D-Bus wait can change the mirror under the walk. */
typedef struct {
    NmiTxnProfile *p; /* in the journal */
    NmiProfileCopy *copy;
    GPtrArray *settings; /* names of its settings with secrets NM stores */
} SecretsToRead;

static void secrets_to_read_free(SecretsToRead *s)
{
    nmi_profile_copy_free(s->copy);
    g_ptr_array_unref(s->settings);
    g_free(s);
}

/* The journal's keyfile text of each profile again, now with its secrets. */
static gboolean read_secrets(NmifaceDriverConn *conn, GPtrArray *to_read, GError **error)
{
    for (guint i = 0; i < to_read->len; i++) {
        SecretsToRead *s = to_read->pdata[i];
        char *keyfile;

        if (!nmi_merge_secrets(conn, s->copy->path, s->copy->connection, s->settings, error))
            return FALSE;
        keyfile = nmi_profile_to_keyfile(s->copy->connection, error);
        if (keyfile == NULL)
            return FALSE;
        g_free(s->p->keyfile);
        s->p->keyfile = keyfile;
    }
    return TRUE;
}

/* ---- profiles ---------------------------------------------------------------------------- */

static gboolean read_etc_file(NmiTxnProfile *p, GError **error)
{
    g_autoptr(GError) local = NULL;
    char *data = NULL;
    gsize length = 0;

    /* Only files under /etc are the persistent state a reboot brings back. */
    if (!g_str_has_prefix(p->filename, "/etc/"))
        return TRUE;
    if (!g_file_get_contents(p->filename, &data, &length, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot read the file of profile '%s': %s", p->id, local->message);
        return FALSE;
    }
    p->etc_bytes = g_bytes_new_take(data, length);
    return TRUE;
}

static NmiTxnProfile *capture_profile(NmifaceDriverConn *conn, NmiProfile *profile,
                                      GPtrArray *active, GError **error)
{
    g_autoptr(NmiTxnProfile) p = nmi_txn_profile_new();
    const char *filename =
        nmi_object_get_s(conn, profile->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Filename");
    NMConnection *connection = nmi_profile_connection(profile);

    p->uuid = g_strdup(nm_connection_get_uuid(connection));
    p->id = g_strdup(nm_connection_get_id(connection));
    p->keyfile = nmi_profile_to_keyfile(connection, error);
    if (p->keyfile == NULL)
        return NULL;
    p->filename = g_strdup(filename != NULL ? filename : "");
    p->unsaved = profile_unsaved(conn, profile->path);
    p->flags =
        nmi_object_get_u(conn, profile->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Flags", 0);
    for (guint i = 0; i < active->len; i++) {
        NmTxnActive *a = active->pdata[i];

        if (g_strcmp0(a->profile, profile->path) == 0) {
            p->active = TRUE;
            p->device = g_strdup(a->device);
        }
    }
    if (!read_etc_file(p, error))
        return NULL;
    return g_steal_pointer(&p);
}

gboolean nm_txn_capture(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error)
{
    g_autoptr(GPtrArray) active = NULL;
    g_autoptr(GPtrArray) to_read = NULL;
    GHashTableIter iter;
    NmiProfile *profile;

    if (!nmi_sync(conn, error) || !nmi_profiles_require_props(conn, NULL, error)) {
        g_prefix_error(error, "cannot record the restore point: ");
        return FALSE;
    }
    nmi_profiles_parse_all(conn);
    active = nm_txn_list_active(conn);
    to_read = g_ptr_array_new_with_free_func((GDestroyNotify)secrets_to_read_free);
    g_ptr_array_set_size(journal->profiles, 0);
    g_ptr_array_set_size(journal->ifaces_up, 0);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        NmiTxnProfile *p;
        GPtrArray *secret_settings;

        if (!nmi_profile_known(profile)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "cannot record the restore point: the settings of %s are missing",
                        profile->path);
            return FALSE;
        }
        p = capture_profile(conn, profile, active, error);
        if (p == NULL) {
            g_prefix_error(error, "cannot record the restore point: ");
            return FALSE;
        }
        g_ptr_array_add(journal->profiles, p);
        /* Profiles without such settings (bridges, ...) cost no D-Bus call. */
        secret_settings = nmi_secret_settings(nmi_profile_connection(profile));
        if (secret_settings != NULL) {
            SecretsToRead *s = g_new0(SecretsToRead, 1);

            s->p = p;
            s->copy = nmi_profile_copy_new(profile);
            s->settings = secret_settings;
            g_ptr_array_add(to_read, s);
        }
    }
    if (!read_secrets(conn, to_read, error)) {
        g_prefix_error(error, "cannot record the restore point: ");
        return FALSE;
    }
    for (guint i = 0; i < active->len; i++) {
        NmTxnActive *a = active->pdata[i];

        if (a->device != NULL)
            g_ptr_array_add(journal->ifaces_up, g_strdup(a->device));
    }
    return TRUE;
}
