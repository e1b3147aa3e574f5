/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where define and undefine store profiles: NM's /run storage while a transaction is open, so
 * that /etc is untouched until Commit and a reboot brings back the /etc state at Begin. The
 * vtable installs this as conn->storage.refresh; iface/nm-storage.c applies the flags.
 */
#include "txn-nm.h"

gboolean nm_txn_storage_refresh(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(GError) local = NULL;
    /* The header only: the whole journal grows with the profiles (~0.7 MB at 1000). */
    g_autoptr(NmiTxnHeader) open = nmi_txn_journal_peek(&local);

    if (local != NULL) {
        g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                   "cannot tell whether a transaction is open: ");
        return FALSE;
    }
    if (open != NULL) {
        conn->storage.add_flags = NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY;
        conn->storage.update_flags = NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED;
    } else {
        conn->storage.add_flags = NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK;
        conn->storage.update_flags = NM_SETTINGS_UPDATE2_FLAG_TO_DISK;
    }
    return TRUE;
}
