/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lookup by name and by MAC, on the same view as the listing. */
#include "iface-private.h"

NmiEntry *nmi_snapshot_require(NmiSnapshot *snap, const char *name, GError **error)
{
    NmiEntry *entry = g_hash_table_lookup(snap->by_name, name);

    if (entry == NULL)
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE,
                    "couldn't find interface named '%s'", name);
    return entry;
}

/* @name's entry as NM has it now: after the round trip that shows every change made before the
 * call. *@snap_out holds the snapshot the entry lives in. */
NmiEntry *nmi_entry_now(NmifaceDriverConn *conn, const char *name, NmiSnapshot **snap_out,
                        GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    NmiEntry *entry;

    if (!nmi_sync(conn, error))
        return NULL;
    snap = nmi_snapshot_new(conn, error);
    if (snap == NULL)
        return NULL;
    entry = nmi_snapshot_require(snap, name, error);
    if (entry == NULL)
        return NULL;
    *snap_out = g_steal_pointer(&snap);
    return entry;
}

NmifaceIfaceInfo *nmi_lookup_by_name(NmifaceDriverConn *conn, const char *name, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    NmiEntry *entry;

    entry = nmi_entry_now(conn, name, &snap, error);
    if (entry == NULL)
        return NULL;
    return nmi_entry_to_info(conn, entry);
}

NmifaceIfaceInfo *nmi_lookup_by_mac(NmifaceDriverConn *conn, const char *mac, GError **error)
{
    g_autoptr(NmiSnapshot) snap = NULL;
    g_autoptr(NmifaceIfaceInfo) found = NULL;

    if (!nmi_sync(conn, error))
        return NULL;
    snap = nmi_snapshot_new(conn, error);
    if (snap == NULL)
        return NULL;
    for (guint i = 0; i < snap->order->len; i++) {
        g_autoptr(NmifaceIfaceInfo) info = nmi_entry_to_info(conn, snap->order->pdata[i]);

        if (info->mac == NULL || g_ascii_strcasecmp(info->mac, mac) != 0)
            continue;
        if (found != NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_MULTIPLE_INTERFACES,
                        "multiple interfaces with matching MAC address '%s'", mac);
            return NULL;
        }
        found = g_steal_pointer(&info);
    }
    if (found == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE,
                    "couldn't find interface with MAC address '%s'", mac);
        return NULL;
    }
    return g_steal_pointer(&found);
}

gboolean nmi_is_active(NmifaceDriverConn *conn, const char *name, gboolean *active, GError **error)
{
    g_autoptr(NmifaceIfaceInfo) info = nmi_lookup_by_name(conn, name, error);

    if (info == NULL)
        return FALSE;
    *active = info->active;
    return TRUE;
}
