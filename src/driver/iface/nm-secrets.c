/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secrets NM stores for a profile, which GetSettings leaves out: which settings can hold
 * them, and reading them with GetSecrets. Used wherever a profile must be rebuilt whole: the
 * undo of a delete and a transaction's restore point.
 */
#include "iface-private.h"

/* NM answers GetSecrets with this when it stores no secret of the setting (and no secret agent
 * of the caller has one): nothing to keep, not a failure. */
#define NMI_NO_SECRETS_ERROR "org.freedesktop.NetworkManager.AgentManager.NoSecrets"

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

GPtrArray *nmi_secret_settings(NMConnection *connection)
{
    guint n = 0;
    g_autofree NMSetting **settings = nm_connection_get_settings(connection, &n);
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (guint i = 0; i < n; i++)
        if (setting_has_stored_secrets(settings[i]))
            g_ptr_array_add(names, (gpointer)nm_setting_get_name(settings[i]));
    return names->len > 0 ? g_steal_pointer(&names) : NULL;
}

/* GetSecrets(@setting) of the profile at @path: a{sa{sv}}, or NULL; NULL without error when NM
 * stores none. @what names the call in errors. */
static GVariant *get_secrets(NmifaceDriverConn *conn, const char *path, const char *setting,
                             const char *what, GError **error)
{
    g_autoptr(GVariant) reply =
        nmi_session_call_allowing(conn, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "GetSecrets",
                                  g_variant_new("(s)", setting), G_VARIANT_TYPE("(a{sa{sv}})"),
                                  nmi_session_deadline(conn), what, NMI_NO_SECRETS_ERROR, error);

    return reply != NULL ? g_variant_get_child_value(reply, 0) : NULL;
}

static gboolean not_stored_by_nm(NMSetting *setting, const char *secret, NMSettingSecretFlags flags,
                                 gpointer data)
{
    return !stored_by_nm(flags);
}

gboolean nmi_merge_secrets(NmifaceDriverConn *conn, const char *path, NMConnection *connection,
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
    /* GetSecrets also answers with secrets an agent of the caller's session holds: not NM's. */
    nm_connection_clear_secrets_with_flags(connection, not_stored_by_nm, NULL);
    return TRUE;
}
