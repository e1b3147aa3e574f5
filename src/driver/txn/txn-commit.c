/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Commit: write what the transaction held in /run to /etc. The phase is journalled first and
 * every step looks at NM's state before acting, so an interrupted Commit is finished by
 * running it again.
 */
#include "txn-nm.h"

static NmiProfileCopy *copy_at(const char *path, NMConnection *connection)
{
    NmiProfileCopy *copy = g_new0(NmiProfileCopy, 1);

    copy->path = g_strdup(path);
    copy->connection = g_object_ref(connection);
    return copy;
}

/* A profile that existed at Begin and is gone now: NM still has its /etc file (the delete was
 * detached) and a tombstone in /run. Adding it back to disk under the same UUID and deleting it
 * is how NM removes both. */
static gboolean commit_deletion(NmifaceDriverConn *conn, const NmiTxnProfile *p, GError **error)
{
    g_autoptr(NMConnection) settings = nm_txn_profile_settings(p, error);
    g_autoptr(NmiProfileCopy) added = NULL;
    g_autofree char *path = NULL;

    if (settings == NULL)
        return FALSE;
    path = nmi_profile_add(conn, settings,
                           NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                               NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT,
                           NULL, error);
    if (path == NULL)
        return FALSE;
    added = copy_at(path, settings);
    return nmi_profile_delete(conn, added, NULL, error);
}

static gboolean commit_profile(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                               NmTxnCurrent *c, GError **error)
{
    const NmiTxnProfile *before = nmi_txn_journal_find(journal, c->uuid);

    if ((c->flags & NM_TXN_GENERATED_FLAGS) != 0)
        return TRUE; /* NM's own (external, generated): nothing of ours */
    if (before != NULL && before->unsaved && c->unsaved)
        return TRUE; /* in memory by choice before the transaction: it stays there */
    if ((c->flags & NM_SETTINGS_CONNECTION_FLAG_VOLATILE) != 0) {
        /* Undefined while active: its file goes now, the profile when it goes down. */
        if (before == NULL || (before->flags & NM_SETTINGS_CONNECTION_FLAG_VOLATILE) != 0)
            return TRUE;
        return nmi_profile_update(conn, c->copy, NULL,
                                  NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_ONLY |
                                      NM_SETTINGS_UPDATE2_FLAG_VOLATILE,
                                  NULL, error);
    }
    if (!c->unsaved && !g_str_has_prefix(c->filename, "/run/"))
        return TRUE; /* already on disk */
    return nmi_profile_update(conn, c->copy, c->copy->connection, NM_SETTINGS_UPDATE2_FLAG_TO_DISK,
                              NULL, error);
}

gboolean nm_txn_commit_journal(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error)
{
    g_autoptr(GPtrArray) current = NULL;

    if (journal->header.phase != NMI_TXN_PHASE_BEGINNING) {
        journal->header.phase = NMI_TXN_PHASE_COMMITTING;
        if (!nmi_txn_journal_update(journal, error))
            return FALSE;
        current = nm_txn_list_profiles(conn, error);
        if (current == NULL)
            return FALSE;
        for (guint i = 0; i < current->len; i++) {
            NmTxnCurrent *c = current->pdata[i];

            if (!commit_profile(conn, journal, c, error)) {
                g_prefix_error(error, "cannot commit profile '%s': ",
                               nm_connection_get_id(c->copy->connection));
                return FALSE;
            }
        }
        for (guint i = 0; i < journal->profiles->len; i++) {
            const NmiTxnProfile *p = journal->profiles->pdata[i];

            if (p->unsaved || (p->flags & NM_TXN_GENERATED_FLAGS) != 0 ||
                nm_txn_current_find(current, p->uuid) != NULL)
                continue;
            if (!commit_deletion(conn, p, error)) {
                g_prefix_error(error, "cannot commit the deletion of profile '%s': ", p->id);
                return FALSE;
            }
        }
    }
    if (!nm_txn_checkpoint_destroy(conn, journal->header.checkpoint, error))
        return FALSE;
    return nmi_txn_journal_remove(journal->header.id, error);
}
