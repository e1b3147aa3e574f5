/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Undefine: the interface's profiles (every top-level profile of the name and their ports)
 * go. NM deactivates a deleted profile, but libvirt (netcf) leaves an undefined interface up.
 * So a profile that is active is not deleted: Update2(IN_MEMORY_ONLY | VOLATILE) removes its
 * file at once and marks it volatile, which NM deletes by itself when it goes down (Destroy, a
 * reboot). A volatile profile defines nothing in the listing; the interface stays listed, as
 * active, through its device.
 */
#include "iface-private.h"

static gboolean is_defining_top(NmifaceDriverConn *conn, NmiProfile *p, const char *name)
{
    return nmi_profile_known(p) && g_strcmp0(p->ifname, name) == 0 && p->master == NULL &&
           nmi_is_listed_type(p->type) && !nmi_profile_is_volatile(conn, p);
}

/* Paths of the profiles active (activating or activated) right now. */
static GHashTable *active_profiles(NmifaceDriverConn *conn)
{
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    NmiObject *obj;

    g_hash_table_iter_init(&iter, conn->objects);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&obj)) {
        guint32 state = nmi_object_get_u(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION,
                                         "State", NM_ACTIVE_CONNECTION_STATE_UNKNOWN);
        const char *profile;

        if (state != NM_ACTIVE_CONNECTION_STATE_ACTIVATING &&
            state != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
            continue;
        profile =
            nmi_object_get_o(conn, obj->path, NM_DBUS_INTERFACE_ACTIVE_CONNECTION, "Connection");
        if (profile != NULL)
            g_hash_table_add(out, g_strdup(profile));
    }
    return out;
}

gboolean nmi_undefine(NmifaceDriverConn *conn, const char *name, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(GPtrArray) doomed =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmi_profile_copy_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) active = NULL;
    g_autoptr(NmiUndoLog) log = nmi_undo_log_new();
    g_autoptr(GError) local = NULL;
    GHashTableIter iter;
    NmiProfile *profile;
    NmiEntry *entry;

    if (!nmi_sync(conn, error))
        return FALSE;
    if (!nmi_storage_refresh(conn, error))
        return FALSE;
    snap = nmi_snapshot_new(conn, error);
    if (snap == NULL)
        return FALSE;
    entry = nmi_snapshot_require(snap, name, error);
    if (entry == NULL)
        return FALSE;
    if (!entry->defined) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "interface '%s' has no configuration to undefine", name);
        return FALSE;
    }

    g_hash_table_iter_init(&iter, conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile)) {
        g_autoptr(GPtrArray) ports = NULL;

        if (!is_defining_top(conn, profile, name))
            continue;
        ports = nmi_collect_ports(conn, profile);
        g_ptr_array_insert(ports, 0, profile);
        for (guint i = 0; i < ports->len; i++)
            if (g_hash_table_add(seen, ports->pdata[i]))
                g_ptr_array_add(doomed, nmi_profile_copy_new(ports->pdata[i]));
    }

    active = active_profiles(conn);
    for (guint i = 0; i < doomed->len; i++) {
        NmiProfileCopy *p = doomed->pdata[i];
        gboolean ok;

        if (g_hash_table_contains(active, p->path))
            ok = nmi_profile_update(conn, p, NULL, nmi_storage_volatile_update_flags(conn), log,
                                    &local);
        else
            ok = nmi_storage_profile_delete(conn, p, log, &local);
        if (!ok) {
            nmi_undo_log_fail(conn, log, g_steal_pointer(&local), "undefine", name, error);
            return FALSE;
        }
    }
    return TRUE;
}
