/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ChangeBegin / ChangeCommit / ChangeRollback as driver vtable entries, and the start of the
 * safety-timeout watchdog.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "txn-nm.h"

#ifndef NMIFACE_TXN_WATCHDOG_PATH
#define NMIFACE_TXN_WATCHDOG_PATH "/usr/libexec/nmiface/nmiface-txn-watchdog"
#endif

#define ENTER(conn) g_main_context_push_thread_default((conn)->context)
#define LEAVE(conn) g_main_context_pop_thread_default((conn)->context)

/* Whether this code runs from the build tree it was built in (tests, ./run demo). Only then may
 * it fall back to the build tree's watchdog: an installed module must never run a program from
 * a build directory (often under /tmp) that someone else could fill. */
static gboolean running_from_build_tree(void)
{
    Dl_info info;
    g_autofree char *self = NULL;
    g_autofree char *root = NULL;

    if (dladdr((void *)running_from_build_tree, &info) == 0 || info.dli_fname == NULL)
        return FALSE;
    self = g_canonicalize_filename(info.dli_fname, NULL);
    root = g_canonicalize_filename(NMIFACE_DRIVER_BUILD_ROOT, NULL);
    return g_str_has_prefix(self, root) && self[strlen(root)] == G_DIR_SEPARATOR;
}

gboolean nm_txn_spawn_watchdog(const NmiTxnJournal *journal, GError **error)
{
    const char *program = g_getenv("NMIFACE_TXN_WATCHDOG");
    g_autofree char *deadline = g_strdup_printf("%" G_GINT64_FORMAT, journal->header.deadline);
    g_autoptr(GError) local = NULL;
    int status = 0;

    /* Installed path first; the build tree's when running uninstalled (./run demo). */
    if (program == NULL || *program == '\0')
        program = NMIFACE_TXN_WATCHDOG_PATH;
#ifdef NMIFACE_TXN_WATCHDOG_BUILD_PATH
    if (!g_file_test(program, G_FILE_TEST_IS_EXECUTABLE) && running_from_build_tree() &&
        g_file_test(NMIFACE_TXN_WATCHDOG_BUILD_PATH, G_FILE_TEST_IS_EXECUTABLE))
        program = NMIFACE_TXN_WATCHDOG_BUILD_PATH;
#endif
    {
        const char *argv[] = {program, journal->header.id, deadline, NULL};

        /* The watchdog forks, its child calls setsid() and lives on; the first process exits
         * at once, so waiting for it leaves no zombie and the survivor belongs to init. */
        if (!g_spawn_sync(NULL, (char **)argv, NULL,
                          G_SPAWN_STDIN_FROM_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL |
                              G_SPAWN_STDERR_TO_DEV_NULL,
                          NULL, NULL, NULL, NULL, &status, &local) ||
            !g_spawn_check_wait_status(status, &local)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                        "cannot start the transaction watchdog %s: %s", program, local->message);
            return FALSE;
        }
    }
    return TRUE;
}

static char *format_time(gint64 realtime_us)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(realtime_us / G_USEC_PER_SEC);

    return dt != NULL ? g_date_time_format_iso8601(dt) : g_strdup("?");
}

/* Undo a Begin that failed half way: the journal goes last, it is the lock. */
static void abandon_begin(NmifaceDriverConn *conn, NmiTxnJournal *journal)
{
    if (*journal->header.checkpoint != '\0')
        nm_txn_checkpoint_destroy(conn, journal->header.checkpoint, NULL);
    nmi_txn_journal_remove(journal->header.id, NULL);
}

static gboolean begin(NmifaceDriverConn *conn, guint timeout_seconds, GError **error)
{
    g_autoptr(NmiTxnJournal) journal = nmi_txn_journal_new(error);
    char *checkpoint;

    if (journal == NULL)
        return FALSE;
    /* Lock first: the restore point is recorded with no other transaction changing things. */
    if (!nmi_txn_journal_publish(journal, error))
        return FALSE;
    if (!nm_txn_capture(conn, journal, error))
        goto fail;
    checkpoint = nm_txn_checkpoint_create(conn, timeout_seconds, error);
    if (checkpoint == NULL)
        goto fail;
    g_free(journal->header.checkpoint);
    journal->header.checkpoint = checkpoint;
    if (timeout_seconds > 0)
        journal->header.deadline = g_get_real_time() + (gint64)timeout_seconds * G_USEC_PER_SEC;
    journal->header.phase = NMI_TXN_PHASE_OPEN;
    if (!nmi_txn_journal_update(journal, error))
        goto fail;
    if (timeout_seconds > 0 && !nm_txn_spawn_watchdog(journal, error))
        goto fail;
    return nm_txn_storage_refresh(conn, error);

fail:
    abandon_begin(conn, journal);
    g_prefix_error(error, "cannot begin a transaction: ");
    return FALSE;
}

gboolean nm_txn_change_begin(NmifaceDriverConn *conn, guint timeout_seconds, guint flags,
                             GError **error)
{
    gboolean ok;

    /* No timeout asked for: the configuration file's default, if any. */
    if (timeout_seconds == 0 && !nm_txn_config_default_timeout(&timeout_seconds, error))
        return FALSE;
    ENTER(conn);
    ok = begin(conn, timeout_seconds, error);
    LEAVE(conn);
    return ok;
}

/* When process @pid started, in realtime microseconds, from /proc/PID/stat (field 22: clock
 * ticks after boot); -1 when it cannot be read. */
static gint64 process_start_time(gint64 pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/stat", pid);
    g_autofree char *stat = NULL;
    g_auto(GStrv) fields = NULL;
    struct timespec boot;
    const char *after_comm;
    gint64 ticks;

    if (!g_file_get_contents(path, &stat, NULL, NULL) ||
        (after_comm = strrchr(stat, ')')) == NULL || clock_gettime(CLOCK_BOOTTIME, &boot) != 0)
        return -1;
    /* After the command's ")": state is field 3, starttime field 22. */
    fields = g_strsplit(after_comm + 1, " ", 0);
    if (g_strv_length(fields) < 21 || (ticks = g_ascii_strtoll(fields[20], NULL, 10)) <= 0)
        return -1;
    return g_get_real_time() - ((gint64)boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000) +
           ticks * G_USEC_PER_SEC / sysconf(_SC_CLK_TCK);
}

/* Whether the Begin that wrote @h (still recording its restore point) is at it: in a live
 * process, this one included (another thread: the daemon serves many clients), that started
 * before the journal did (not a later one that got the pid). A journal of another boot was
 * removed when it was loaded. */
static gboolean begin_running(const NmiTxnHeader *h)
{
    gint64 started;

    if (h->pid <= 0 || h->pid > G_MAXINT ||
        (h->pid != (gint64)getpid() && kill((pid_t)h->pid, 0) != 0 && errno != EPERM))
        return FALSE;
    started = process_start_time(h->pid);
    /* Unreadable: taken as running, the safe side. One second for the clocks' rounding. */
    return started < 0 || started <= h->begin_time + G_USEC_PER_SEC;
}

/* The open transaction. A Begin still recording its restore point in another process is not
 * finished under it: that would pull its journal away and fail it. One whose process died is
 * finished as any other (nothing changed under it yet). */
static NmiTxnJournal *require_open(GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(NmiTxnJournal) journal = nmi_txn_journal_load(&local);

    if (journal == NULL && local == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "no pending transaction");
        return NULL;
    }
    if (journal == NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (journal->header.phase == NMI_TXN_PHASE_BEGINNING && begin_running(&journal->header)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "a transaction is still being begun by process %" G_GINT64_FORMAT,
                    journal->header.pid);
        return NULL;
    }
    return g_steal_pointer(&journal);
}

static gboolean commit(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(NmiTxnJournal) journal = require_open(error);

    if (journal == NULL)
        return FALSE;
    /* Past the deadline NM has already restored the devices: committing now would write a
     * half-restored state. Finish the rollback the timeout promised instead. */
    if (journal->header.deadline != 0 && g_get_real_time() >= journal->header.deadline &&
        journal->header.phase != NMI_TXN_PHASE_COMMITTING) {
        g_autofree char *when = format_time(journal->header.deadline);

        if (!nm_txn_rollback_journal(conn, journal, error))
            return FALSE;
        nm_txn_storage_refresh(conn, NULL);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "the transaction timed out at %s and was rolled back", when);
        return FALSE;
    }
    if (!nm_txn_commit_journal(conn, journal, error))
        return FALSE;
    return nm_txn_storage_refresh(conn, error);
}

/* Whether a transaction is open, from the journal's header alone. */
static gboolean check_open(GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(NmiTxnHeader) open = nmi_txn_journal_peek(&local);

    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (open == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "no pending transaction");
        return FALSE;
    }
    return TRUE;
}

/* Commit and Rollback run under the finish lock, so a client's and the watchdog's never
 * interleave. */
static gboolean finish(NmifaceDriverConn *conn, gboolean (*step)(NmifaceDriverConn *, GError **),
                       GError **error)
{
    int lock;
    gboolean ok;

    /* Checked before the lock: without a transaction there is nothing to wait for (and a
     * caller without rights on the run directory gets the plain answer). The step reads the
     * whole journal once it holds the lock. */
    if (!check_open(error) || (lock = nmi_txn_finish_lock(error)) < 0)
        return FALSE;
    ENTER(conn);
    ok = step(conn, error);
    LEAVE(conn);
    nmi_txn_finish_unlock(lock);
    return ok;
}

gboolean nm_txn_change_commit(NmifaceDriverConn *conn, guint flags, GError **error)
{
    return finish(conn, commit, error);
}

static gboolean rollback(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(NmiTxnJournal) journal = require_open(error);

    if (journal == NULL)
        return FALSE;
    if (!nm_txn_rollback_journal(conn, journal, error))
        return FALSE;
    return nm_txn_storage_refresh(conn, error);
}

gboolean nm_txn_change_rollback(NmifaceDriverConn *conn, guint flags, GError **error)
{
    return finish(conn, rollback, error);
}
