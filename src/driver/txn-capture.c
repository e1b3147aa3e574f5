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
    out = g_ptr_array_new_with_free_func((GDestroyNotify)nm_txn_current_free);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        NmTxnCurrent *c;
        const char *filename;

        if (profile->settings == NULL)
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

/* ---- secrets ---------------------------------------------------------------------------- */

/* NM answers GetSecrets with this when it stores no secret of the setting (and no secret agent
 * of the caller has one): nothing to keep, not a failure. */
#define NM_TXN_NO_SECRETS_ERROR "org.freedesktop.NetworkManager.AgentManager.NoSecrets"

/* A secret NM keeps itself, in the profile's storage: neither agent-owned nor never saved. */
static gboolean stored_by_nm(NMSettingSecretFlags flags)
{
    return (flags & (NM_SETTING_SECRET_FLAG_AGENT_OWNED | NM_SETTING_SECRET_FLAG_NOT_SAVED)) == 0;
}

/* The names of the secret properties (NM_SETTING_PARAM_SECRET) of @setting's class,
 * NULL-terminated and mostly empty. Listed once per class: listing a class's properties at
 * every call cost ~20 ms per Begin at 1000 bridge profiles, more than the rest of the check. */
static const char *const *secret_properties(NMSetting *setting)
{
    G_LOCK_DEFINE_STATIC(secret_properties);
    static GHashTable *by_type; /* GType -> char ** (interned names); lives with the process */
    gpointer type = GSIZE_TO_POINTER(G_OBJECT_TYPE(setting));
    const char *const *names;

    G_LOCK(secret_properties);
    if (by_type == NULL)
        by_type = g_hash_table_new(g_direct_hash, g_direct_equal);
    names = g_hash_table_lookup(by_type, type);
    if (names == NULL) {
        guint n = 0;
        g_autofree GParamSpec **specs =
            g_object_class_list_properties(G_OBJECT_GET_CLASS(setting), &n);
        GPtrArray *found = g_ptr_array_new();

        for (guint i = 0; i < n; i++)
            if ((specs[i]->flags & NM_SETTING_PARAM_SECRET) != 0)
                g_ptr_array_add(found, (gpointer)g_intern_string(specs[i]->name));
        g_ptr_array_add(found, NULL);
        names = (const char *const *)g_ptr_array_free(found, FALSE);
        g_hash_table_insert(by_type, type, (gpointer)names);
    }
    G_UNLOCK(secret_properties);
    return names;
}

static gboolean setting_has_stored_secrets(NMSetting *setting)
{
    const char *const *names = secret_properties(setting);

    for (guint i = 0; names[i] != NULL; i++) {
        NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

        /* Flags that cannot be read (a VPN's dictionary of secrets) may hide stored ones. */
        if (!nm_setting_get_secret_flags(setting, names[i], &flags, NULL) || stored_by_nm(flags))
            return TRUE;
    }
    return FALSE;
}

GPtrArray *nm_txn_secret_settings(NMConnection *connection)
{
    guint n = 0;
    g_autofree NMSetting **settings = nm_connection_get_settings(connection, &n);
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (guint i = 0; i < n; i++)
        if (setting_has_stored_secrets(settings[i]))
            g_ptr_array_add(names, (gpointer)nm_setting_get_name(settings[i]));
    return names->len > 0 ? g_steal_pointer(&names) : NULL;
}

typedef struct {
    gboolean done;
    gboolean abandoned;
    GVariant *reply;
    GError *error;
} SecretsCall;

static void secrets_call_free(SecretsCall *call)
{
    g_clear_pointer(&call->reply, g_variant_unref);
    g_clear_error(&call->error);
    g_free(call);
}

static void secrets_call_done(GObject *source, GAsyncResult *res, gpointer data)
{
    SecretsCall *call = data;

    call->reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &call->error);
    call->done = TRUE;
    if (call->abandoned)
        secrets_call_free(call);
}

static gboolean secrets_call_is_done(NmifaceDriverConn *conn, gpointer data)
{
    return ((SecretsCall *)data)->done;
}

/* GetSecrets(@setting) of the profile at @path: a{sa{sv}}, or NULL; NULL without error when NM
 * stores none. Not nmi_session_call(): it maps D-Bus errors to virErrorNumbers, and the error
 * name that tells "none stored" from a failure would be lost. @what names the call in errors. */
static GVariant *get_secrets(NmifaceDriverConn *conn, const char *path, const char *setting,
                             const char *what, GError **error)
{
    gint64 deadline = nmi_session_deadline(conn);
    gint64 remaining_ms = (deadline - g_get_monotonic_time()) / 1000;
    SecretsCall *call;
    g_autofree char *remote = NULL;
    GVariant *secrets;

    if (conn->nm_owner == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "NetworkManager is not running, cannot %s", what);
        return NULL;
    }
    call = g_new0(SecretsCall, 1);
    g_dbus_connection_call(conn->bus, NMI_NM_BUS_NAME, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION,
                           "GetSecrets", g_variant_new("(s)", setting),
                           G_VARIANT_TYPE("(a{sa{sv}})"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                           (int)CLAMP(remaining_ms, 1, G_MAXINT), NULL, secrets_call_done, call);
    if (!nmi_session_wait(conn, secrets_call_is_done, call, deadline, what, error)) {
        call->abandoned = TRUE; /* freed when the reply (or GDBus's timeout) comes */
        return NULL;
    }
    if (call->error != NULL) {
        remote = g_dbus_error_get_remote_error(call->error);
        if (g_strcmp0(remote, NM_TXN_NO_SECRETS_ERROR) != 0)
            nmi_error_from_dbus(error, call->error, what);
        secrets_call_free(call);
        return NULL;
    }
    secrets = g_variant_get_child_value(call->reply, 0);
    secrets_call_free(call);
    return secrets;
}

gboolean nm_txn_merge_secrets(NmifaceDriverConn *conn, const char *path, NMConnection *connection,
                              GPtrArray *settings, GError **error)
{
    for (guint i = 0; i < settings->len; i++) {
        const char *setting = settings->pdata[i];
        g_autofree char *what = g_strdup_printf("read the %s secrets of profile '%s'", setting,
                                                nm_connection_get_id(connection));
        g_autoptr(GError) local = NULL;
        g_autoptr(GVariant) secrets = get_secrets(conn, path, setting, what, &local);

        if (local != NULL) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        if (secrets != NULL &&
            !nm_connection_update_secrets(connection, setting, secrets, &local)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "the %s secrets of profile '%s' do not apply: %s", setting,
                        nm_connection_get_id(connection), local->message);
            return FALSE;
        }
    }
    return TRUE;
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

        if (!nm_txn_merge_secrets(conn, s->copy->path, s->copy->connection, s->settings, error))
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
    active = nm_txn_list_active(conn);
    to_read = g_ptr_array_new_with_free_func((GDestroyNotify)secrets_to_read_free);
    g_ptr_array_set_size(journal->profiles, 0);
    g_ptr_array_set_size(journal->ifaces_up, 0);
    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        NmiTxnProfile *p;
        GPtrArray *secret_settings;

        if (profile->settings == NULL) {
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
        secret_settings = nm_txn_secret_settings(nmi_profile_connection(profile));
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
