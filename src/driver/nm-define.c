/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DefineXML: the XML becomes the interface's profiles, merged into the ones it has now (the
 * top-level profile the listing picks for the name, and its ports). Profiles that are not part
 * of the interface are never touched. Every write goes into an undo log; any failure takes
 * every write back, so the profiles are left as they were.
 *
 * Writes carry BLOCK_AUTOCONNECT: defining is not starting, and NM would otherwise bring up a
 * new autoconnect profile at once. The block lasts until the next activation or NM restart,
 * so start='onboot' still means "up at boot".
 */
#include "nm-private.h"

/* The interface's current profiles: top first, then its ports. */
static GPtrArray *current_profiles(NmifaceDriverConn *conn, const char *name, GError **error)
{
    g_autoptr(NmiSnapshot) snap = nmi_snapshot_new(conn, error);
    GPtrArray *out;
    NmiEntry *entry;
    g_autoptr(GPtrArray) ports = NULL;

    if (snap == NULL)
        return NULL;
    out = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_profile_copy_free);
    entry = g_hash_table_lookup(snap->by_name, name);
    if (entry == NULL || !entry->defined || entry->profile == NULL)
        return out;
    g_ptr_array_add(out, nmi_profile_copy_new(entry->profile));
    ports = nmi_collect_ports(conn, entry->profile);
    for (guint i = 0; i < ports->len; i++)
        g_ptr_array_add(out, nmi_profile_copy_new(ports->pdata[i]));
    return out;
}

static NmiProfileSet *profile_set_of(GPtrArray *profiles)
{
    g_autoptr(NMConnection) top = NULL;
    NmiProfileSet *set;

    if (profiles->len == 0)
        return NULL;
    top = nm_simple_connection_new_clone(((NmiProfileCopy *)profiles->pdata[0])->connection);
    set = nmi_profile_set_new(top);
    for (guint i = 1; i < profiles->len; i++)
        g_ptr_array_add(set->ports, nm_simple_connection_new_clone(
                                        ((NmiProfileCopy *)profiles->pdata[i])->connection));
    return set;
}

static NmiProfileCopy *find_by_uuid(GPtrArray *profiles, const char *uuid)
{
    for (guint i = 0; i < profiles->len; i++) {
        NmiProfileCopy *p = profiles->pdata[i];

        if (g_strcmp0(nm_connection_get_uuid(p->connection), uuid) == 0)
            return p;
    }
    return NULL;
}

static gboolean in_result(const NmiProfileSet *result, const char *uuid)
{
    if (g_strcmp0(nm_connection_get_uuid(result->top), uuid) == 0)
        return TRUE;
    for (guint i = 0; i < result->ports->len; i++)
        if (g_strcmp0(nm_connection_get_uuid(result->ports->pdata[i]), uuid) == 0)
            return TRUE;
    return FALSE;
}

static gboolean write_profile(NmifaceDriverConn *conn, GPtrArray *current, NMConnection *connection,
                              NmiUndoLog *log, GError **error)
{
    NmiProfileCopy *existing = find_by_uuid(current, nm_connection_get_uuid(connection));
    g_autofree char *path = NULL;

    if (existing != NULL)
        return nmi_profile_update(
            conn, existing, connection,
            conn->storage.update_flags | NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT, log, error);
    path = nmi_profile_add(
        conn, connection,
        conn->storage.add_flags | NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT, log, error);
    return path != NULL;
}

static gboolean apply(NmifaceDriverConn *conn, GPtrArray *current, const NmiProfileSet *result,
                      NmiUndoLog *log, GError **error)
{
    if (!write_profile(conn, current, result->top, log, error))
        return FALSE;
    for (guint i = 0; i < result->ports->len; i++)
        if (!write_profile(conn, current, result->ports->pdata[i], log, error))
            return FALSE;
    /* Ports the new XML dropped. */
    for (guint i = 0; i < current->len; i++) {
        NmiProfileCopy *p = current->pdata[i];

        if (!in_result(result, nm_connection_get_uuid(p->connection)) &&
            !nmi_profile_delete(conn, p, log, error))
            return FALSE;
    }
    return TRUE;
}

NmifaceIfaceInfo *nmi_define_xml(NmifaceDriverConn *conn, const char *xml, guint flags,
                                 GError **error)
{
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(GPtrArray) current = NULL;
    g_autoptr(NmiProfileSet) existing = NULL;
    g_autoptr(NmiProfileSet) result = NULL;
    g_autoptr(NmiUndoLog) log = nmi_undo_log_new();
    g_autoptr(GError) local = NULL;

    def = nmi_iface_def_parse(
        xml, (flags & VIR_INTERFACE_DEFINE_VALIDATE) != 0 ? NMI_PARSE_VALIDATE : 0, error);
    if (def == NULL)
        return NULL;
    if (!nmi_sync(conn, error))
        return NULL;
    current = current_profiles(conn, def->name, error);
    if (current == NULL)
        return NULL;
    existing = profile_set_of(current);
    result = nmi_iface_def_to_profiles(def, existing, error);
    if (result == NULL)
        return NULL;

    if (!apply(conn, current, result, log, &local)) {
        g_autoptr(GError) undo_error = NULL;

        if (!nmi_undo_log_rollback(conn, log, &undo_error)) {
            g_set_error(error, NMIFACE_ERROR, local->code, "%s (and %s)", local->message,
                        undo_error->message);
            return NULL;
        }
        g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                   "cannot define interface '%s': ", def->name);
        return NULL;
    }
    return nmi_lookup_by_name(conn, def->name, error);
}
