/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host-wide transaction journal under the run directory (/run/nmiface, or
 * $NMIFACE_RUN_DIR): its existence is the transaction. Every check-then-act on it holds an
 * flock on <run dir>/journal.lock. See docs/transactions.md.
 *
 * Knows files and GKeyFile only; nothing of D-Bus.
 */
#ifndef NMIFACE_TXN_JOURNAL_H
#define NMIFACE_TXN_JOURNAL_H

#include <glib.h>

G_BEGIN_DECLS

#define NMI_TXN_RUN_DIR_DEFAULT "/run/nmiface"
#define NMI_TXN_JOURNAL_NAME    "transaction"
#define NMI_TXN_JOURNAL_LOCK    "journal.lock"

/* The journal's format= (header): 2 added the checksums; other formats are refused. */
#define NMI_TXN_FORMAT 2

typedef enum {
    NMI_TXN_PHASE_BEGINNING, /* lock taken, restore point not recorded yet */
    NMI_TXN_PHASE_OPEN,
    NMI_TXN_PHASE_COMMITTING,
    NMI_TXN_PHASE_ROLLING_BACK,
} NmiTxnPhase;

/* One profile as it was at Begin. */
typedef struct {
    char *uuid;
    char *id;       /* connection.id, for messages */
    char *keyfile;  /* the full settings as NM keyfile text, with the secrets NM stores */
    char *filename; /* NM's Filename property, "" when none */
    gboolean unsaved;
    guint64 flags;     /* NM's Settings.Connection Flags, kept at the journal's full width */
    GBytes *etc_bytes; /* the bytes of its file under /etc, NULL when it has none */
    gboolean active;
    char *device; /* interface it was active on, NULL when inactive */
} NmiTxnProfile;

/* The journal's first group: whether a transaction is open, whose it is, from which boot.
 * nmi_txn_journal_peek() reads it from the first few KiB of the file, without the profiles. */
typedef struct {
    char *id; /* random UUID of this transaction */
    gint64 pid;
    guint32 uid;
    gint64 begin_time; /* realtime, microseconds */
    char *boot_id;
    char *checkpoint; /* D-Bus path, "" when none */
    gint64 deadline;  /* realtime microseconds, 0 for none */
    NmiTxnPhase phase;
} NmiTxnHeader;

/* The header group never grows with the profiles; a longer one is a damaged journal. */
#define NMI_TXN_HEADER_MAX 4096

typedef struct {
    NmiTxnHeader header;
    GPtrArray *profiles;  /* NmiTxnProfile* */
    GPtrArray *ifaces_up; /* char*: interfaces that were up (active in NM) */
} NmiTxnJournal;

NmiTxnProfile *nmi_txn_profile_new(void);
void nmi_txn_profile_free(NmiTxnProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiTxnProfile, nmi_txn_profile_free)

/* A new journal for this process: fresh id, pid, uid, begin time, boot id; phase beginning. */
NmiTxnJournal *nmi_txn_journal_new(GError **error);
void nmi_txn_journal_free(NmiTxnJournal *journal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiTxnJournal, nmi_txn_journal_free)

void nmi_txn_header_free(NmiTxnHeader *header);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiTxnHeader, nmi_txn_header_free)

const char *nmi_txn_phase_to_string(NmiTxnPhase phase);
NmiTxnProfile *nmi_txn_journal_find(const NmiTxnJournal *journal, const char *uuid);

char *nmi_txn_journal_to_data(const NmiTxnJournal *journal, gsize *length);
/* The SHA-256 (hex) that the "checksum" key of @group must hold: over the raw text of the
 * group's other keys, in file order. */
char *nmi_txn_group_checksum(GKeyFile *kf, const char *group);
NmiTxnJournal *nmi_txn_journal_from_data(const char *data, gsize length, GError **error);
/* The header from the start of a journal's data; @complete: @data is the whole file (else a
 * prefix of it, which must hold the whole header group). */
NmiTxnHeader *nmi_txn_header_from_data(const char *data, gsize length, gboolean complete,
                                       GError **error);

/* The run directory ($NMIFACE_RUN_DIR or /run/nmiface), created 0700 if missing and refused
 * when it is a symlink, not ours, or writable by others. */
char *nmi_txn_run_dir(GError **error);

/* This boot's id (/proc/sys/kernel/random/boot_id, or $NMIFACE_BOOT_ID_FILE for tests). */
char *nmi_txn_boot_id(GError **error);

/* Open the transaction: publish @journal complete, atomically, after removing a journal of
 * another boot; VIR_ERR_OPERATION_INVALID naming the open transaction when there is one. */
gboolean nmi_txn_journal_publish(const NmiTxnJournal *journal, GError **error);

/* Replace the published journal with @journal, atomically, only while the published one is
 * @journal's (same id): VIR_ERR_OPERATION_INVALID when it is gone or another's. */
gboolean nmi_txn_journal_update(const NmiTxnJournal *journal, GError **error);

/* The open transaction, or NULL without error when there is none. A journal from another
 * boot is stale: it is removed (under the lock, only if still that journal) and NULL
 * returned. A damaged journal (checksum, format) is refused with VIR_ERR_INTERNAL_ERROR and
 * kept for inspection. */
NmiTxnJournal *nmi_txn_journal_load(GError **error);

/* The open transaction's header, reading at most NMI_TXN_HEADER_MAX bytes of the journal: for
 * callers that only ask whether, whose and since when (define, undefine, the watchdog). Same
 * checks as nmi_txn_journal_load(): NULL without error when there is none, a journal from
 * another boot is removed. */
NmiTxnHeader *nmi_txn_journal_peek(GError **error);

/* Remove the journal if it is the one with @id (TRUE also when it is already gone or another
 * transaction's): the check and the unlink hold the lock. */
gboolean nmi_txn_journal_remove(const char *id, GError **error);

/* Commit and Rollback (by a client or the watchdog) exclude each other with this lock on
 * <run dir>/finish.lock: two of them at once would undo each other's steps. Blocks until it is
 * free; returns the fd to pass to nmi_txn_finish_unlock(), or -1 with @error. */
int nmi_txn_finish_lock(GError **error);
void nmi_txn_finish_unlock(int fd);

G_END_DECLS

#endif /* NMIFACE_TXN_JOURNAL_H */
