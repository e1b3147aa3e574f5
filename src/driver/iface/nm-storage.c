/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where define and undefine store profiles (conn->storage): to disk, or NM's /run storage while
 * a transaction is open. Which one is txn/'s to say, through conn->storage.refresh.
 */
#include "iface-private.h"

gboolean nmi_storage_refresh(NmifaceDriverConn *conn, GError **error)
{
    return conn->storage.refresh == NULL || conn->storage.refresh(conn, error);
}

gboolean nmi_storage_in_memory(NmifaceDriverConn *conn)
{
    return (conn->storage.update_flags & NM_SETTINGS_UPDATE2_FLAG_TO_DISK) == 0;
}

guint32 nmi_storage_volatile_update_flags(NmifaceDriverConn *conn)
{
    return (nmi_storage_in_memory(conn) ? NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED
                                        : NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_ONLY) |
           NM_SETTINGS_UPDATE2_FLAG_VOLATILE;
}

gboolean nmi_storage_profile_delete(NmifaceDriverConn *conn, const NmiProfileCopy *before,
                                    NmiUndoLog *log, GError **error)
{
    /* Detached first: a Delete then leaves the /etc file and writes a tombstone in /run. */
    if (nmi_storage_in_memory(conn) &&
        !nmi_profile_update(conn, before, NULL, NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED, log,
                            error))
        return FALSE;
    return nmi_profile_delete(conn, before, log, error);
}
