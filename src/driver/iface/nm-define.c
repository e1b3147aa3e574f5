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
#include "iface-private.h"

static NmiProfileCopy *find_by_uuid(GPtrArray *profiles, const char *uuid);
static gboolean has_uuid(GPtrArray *profiles, const char *uuid);

/* A device that becomes a port keeps one profile, as netcf rewrites the device's one config:
 * the standalone profile of each port the XML names is adopted and converted in place (same
 * UUID, settings XML cannot express kept) instead of a second profile being added beside it. */
static void adopt_standalone_ports(NmifaceDriverConn *conn, NmiSnapshot *snap,
                                   const NmiIfaceDef *def, GPtrArray *out)
{
    for (guint i = 0; i < def->ports->len; i++) {
        const NmiIfaceDef *port = def->ports->pdata[i];
        NmiEntry *entry = g_hash_table_lookup(snap->by_name, port->name);

        if (entry != NULL && entry->defined && entry->profile != NULL &&
            !has_uuid(out, entry->profile->uuid)) {
            g_autoptr(GPtrArray) ports = nmi_collect_ports(conn, entry->profile);

            g_ptr_array_add(out, nmi_profile_copy_new(entry->profile));
            for (guint j = 0; j < ports->len; j++)
                g_ptr_array_add(out, nmi_profile_copy_new(ports->pdata[j]));
        }
        adopt_standalone_ports(conn, snap, port, out);
    }
}

/* The interface's current profiles: its top first (when it has one: *has_top), then its
 * ports, then the standalone profiles of devices the XML makes ports. */
static GPtrArray *current_profiles(NmifaceDriverConn *conn, const NmiIfaceDef *def,
                                   gboolean *has_top, GError **error)
{
    g_autoptr(NmiSnapshot) snap = nmi_snapshot_new(conn, error);
    GPtrArray *out;
    NmiEntry *entry;

    if (snap == NULL)
        return NULL;
    out = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_profile_copy_free);
    entry = g_hash_table_lookup(snap->by_name, def->name);
    if (entry != NULL && entry->defined && entry->profile != NULL) {
        g_autoptr(GPtrArray) ports = nmi_collect_ports(conn, entry->profile);

        g_ptr_array_add(out, nmi_profile_copy_new(entry->profile));
        for (guint i = 0; i < ports->len; i++)
            g_ptr_array_add(out, nmi_profile_copy_new(ports->pdata[i]));
    }
    *has_top = out->len > 0;
    adopt_standalone_ports(conn, snap, def, out);
    return out;
}

/* The profiles as the XML converter sees them (copies: @profiles stay as they were, for undo). */
static NmiProfileSet *profile_set_of(NmifaceDriverConn *conn, GPtrArray *profiles, gboolean has_top)
{
    g_autoptr(NMConnection) top = NULL;
    NmiProfileSet *set;

    if (profiles->len == 0)
        return NULL;
    if (has_top) {
        top = nm_simple_connection_new_clone(((NmiProfileCopy *)profiles->pdata[0])->connection);
        nmi_vlan_parent_show_name(conn, top);
    }
    set = nmi_profile_set_new(top);
    for (guint i = has_top ? 1 : 0; i < profiles->len; i++) {
        NMConnection *port =
            nm_simple_connection_new_clone(((NmiProfileCopy *)profiles->pdata[i])->connection);

        nmi_vlan_parent_show_name(conn, port);
        g_ptr_array_add(set->ports, port);
    }
    return set;
}

static void keep_vlan_parent_uuids(NmifaceDriverConn *conn, NmiProfileSet *result,
                                   GPtrArray *current)
{
    for (guint i = 0; i <= result->ports->len; i++) {
        NMConnection *c = i == 0 ? result->top : result->ports->pdata[i - 1];
        NmiProfileCopy *before =
            c != NULL ? find_by_uuid(current, nm_connection_get_uuid(c)) : NULL;

        if (before != NULL)
            nmi_vlan_parent_keep_uuid(conn, c, before->connection);
    }
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

static gboolean has_uuid(GPtrArray *profiles, const char *uuid)
{
    return find_by_uuid(profiles, uuid) != NULL;
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
            !nmi_storage_profile_delete(conn, p, log, error))
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
    gboolean has_top = FALSE;

    def = nmi_iface_def_parse(
        xml, (flags & VIR_INTERFACE_DEFINE_VALIDATE) != 0 ? NMI_PARSE_VALIDATE : 0, error);
    if (def == NULL)
        return NULL;
    if (!nmi_sync(conn, error))
        return NULL;
    /* The transaction is host-wide: another process may have begun or ended one. */
    if (!nmi_storage_refresh(conn, error))
        return NULL;
    current = current_profiles(conn, def, &has_top, error);
    if (current == NULL)
        return NULL;
    existing = profile_set_of(conn, current, has_top);
    result = nmi_iface_def_to_profiles(def, existing, error);
    if (result == NULL)
        return NULL;
    keep_vlan_parent_uuids(conn, result, current);

    if (!apply(conn, current, result, log, &local)) {
        nmi_undo_log_fail(conn, log, g_steal_pointer(&local), "define", def->name, error);
        return NULL;
    }
    return nmi_lookup_by_name(conn, def->name, error);
}
