/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transactions on NetworkManager (docs/transactions.md): the NM side of ChangeBegin, Commit
 * and Rollback, built on the driver's session and operations (iface-private.h) and the journal
 * (txn-journal.h).
 *
 * Every function here expects the session's GMainContext to be the thread-default context
 * (the vtable wrappers push it), and bounds each wait by the session's timeout.
 */
#ifndef NMIFACE_TXN_NM_H
#define NMIFACE_TXN_NM_H

#include "iface-private.h"
#include "txn-journal.h"

G_BEGIN_DECLS

/* Settings.Connection Flags (NMSettingsConnectionFlags) that mark profiles NM made itself. */
#define NM_TXN_GENERATED_FLAGS                                                                     \
    (NM_SETTINGS_CONNECTION_FLAG_NM_GENERATED | NM_SETTINGS_CONNECTION_FLAG_EXTERNAL)

/* ---- vtable entries (driver.h signatures); plug into nm-driver.c's vtable ---------------- */
gboolean nm_txn_change_begin(NmifaceDriverConn *conn, guint timeout_seconds, guint flags,
                             GError **error);
gboolean nm_txn_change_commit(NmifaceDriverConn *conn, guint flags, GError **error);
gboolean nm_txn_change_rollback(NmifaceDriverConn *conn, guint flags, GError **error);

/* The default safety timeout from the configuration file ($NMIFACE_CONFIG, else
 * NMIFACE_CONFIG_PATH): [transaction] rollback-timeout in seconds; 0 when not set. */
gboolean nm_txn_config_default_timeout(guint *seconds, GError **error);

/* ---- storage policy, for define and undefine (txn-storage.c) ---------------------------- */

/* Sets conn->storage for the transaction state of the host right now: IN_MEMORY /
 * IN_MEMORY_DETACHED while a journal is open, TO_DISK otherwise. The vtable installs it as
 * conn->storage.refresh, which define and undefine call first: the transaction is host-wide,
 * another process may have begun one. */
gboolean nm_txn_storage_refresh(NmifaceDriverConn *conn, GError **error);

/* ---- the pieces (txn-capture.c, txn-checkpoint.c, txn-commit.c, txn-rollback.c) --------- */

/* Fill @journal with every profile (settings, storage, /etc bytes, active device) and the
 * interfaces that are up. */
gboolean nm_txn_capture(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error);

/* Connection objects that are activating or activated: AC path -> (profile path, device). */
typedef struct {
    char *ac;
    char *profile;
    char *device; /* interface name, NULL when it has no device yet */
    guint32 state;
} NmTxnActive;
void nm_txn_active_free(NmTxnActive *active);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmTxnActive, nm_txn_active_free)
GPtrArray *nm_txn_list_active(NmifaceDriverConn *conn);

/* Every profile NM has now, kept apart from the mirror (which changes under D-Bus waits); the
 * connections are shared with it: read only. */
typedef struct {
    NmiProfileCopy *copy;
    const char *uuid; /* in copy->connection */
    guint32 flags;
    gboolean unsaved;
    char *filename;
} NmTxnCurrent;
void nm_txn_current_free(NmTxnCurrent *current);
/* Syncs with NM, then lists every profile with its storage (NmTxnCurrent). */
GPtrArray *nm_txn_list_profiles(NmifaceDriverConn *conn, GError **error);
NmTxnCurrent *nm_txn_current_find(GPtrArray *current, const char *uuid);

/* A profile's settings from the journal's keyfile text (secrets included). */
NMConnection *nm_txn_profile_settings(const NmiTxnProfile *profile, GError **error);
/* Settings from keyfile @data (@length -1: NUL-terminated), normalized; a GKeyFile or keyfile
 * error when they do not load. */
NMConnection *nm_txn_keyfile_settings(const char *data, gsize length, GError **error);

char *nm_txn_checkpoint_create(NmifaceDriverConn *conn, guint timeout_seconds, GError **error);
gboolean nm_txn_checkpoint_exists(NmifaceDriverConn *conn, const char *path, gboolean *exists,
                                  GError **error);
gboolean nm_txn_checkpoint_destroy(NmifaceDriverConn *conn, const char *path, GError **error);
/* Rolls back; per-device results that are not success are reported in @failures (text). */
gboolean nm_txn_checkpoint_rollback(NmifaceDriverConn *conn, const char *path, GString *failures,
                                    GError **error);

/* Finish the transaction of @journal either way; both are idempotent: run again after an
 * interruption, they finish the job. On success the journal is removed. */
gboolean nm_txn_commit_journal(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error);
gboolean nm_txn_rollback_journal(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error);

/* Start the detached watchdog that rolls @journal back at its deadline (txn-api.c). */
gboolean nm_txn_spawn_watchdog(const NmiTxnJournal *journal, GError **error);

G_END_DECLS

#endif /* NMIFACE_TXN_NM_H */
