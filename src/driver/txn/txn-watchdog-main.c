/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface-txn-watchdog JOURNAL-ID DEADLINE: the safety timeout of a transaction begun with a
 * timeout. Started by Begin; forks and returns at once, the child leaves the caller's session
 * (setsid) and sleeps until DEADLINE (realtime microseconds). If the transaction JOURNAL-ID is
 * still open then, it rolls it back, profiles included. It exits early when that transaction
 * ends. Messages go to $NMIFACE_TXN_WATCHDOG_LOG if set (tests), else nowhere.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "txn-nm.h"

/* NM's own checkpoint timeout fires at the deadline; let it restore devices first. */
#define GRACE_US (2 * G_USEC_PER_SEC)

static void detach_stdio(void)
{
    const char *log = g_getenv("NMIFACE_TXN_WATCHDOG_LOG");
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    int log_fd = log != NULL ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;

    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(log_fd >= 0 ? log_fd : null_fd, STDERR_FILENO);
    }
}

/* TRUE while the transaction @id is open. Asked every second: the header is enough. */
static gboolean still_open(const char *id)
{
    g_autoptr(NmiTxnHeader) open = nmi_txn_journal_peek(NULL);

    return open != NULL && g_strcmp0(open->id, id) == 0;
}

static int roll_back(const char *id)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiTxnJournal) journal = NULL;
    NmifaceDriverConn *conn = NULL;
    int lock = nmi_txn_finish_lock(&error);
    gboolean ok;

    if (lock >= 0)
        conn = nmi_session_open(NULL, FALSE, &error);
    if (conn == NULL) {
        g_printerr("nmiface-txn-watchdog: %s\n", error->message);
        nmi_txn_finish_unlock(lock);
        return 1;
    }
    g_main_context_push_thread_default(conn->context);
    journal = nmi_txn_journal_load(&error);
    ok = journal == NULL ? error == NULL
                         : g_strcmp0(journal->header.id, id) != 0 ||
                               nm_txn_rollback_journal(conn, journal, &error);
    g_main_context_pop_thread_default(conn->context);
    nmi_session_close(conn);
    nmi_txn_finish_unlock(lock);
    if (!ok) {
        g_printerr("nmiface-txn-watchdog: rollback of transaction %s failed: %s\n", id,
                   error->message);
        return 1;
    }
    g_printerr("nmiface-txn-watchdog: transaction %s timed out and was rolled back\n", id);
    return 0;
}

int main(int argc, char **argv)
{
    const char *id;
    gint64 deadline;
    pid_t pid;

    if (argc != 3) {
        g_printerr("usage: %s JOURNAL-ID DEADLINE-REALTIME-US\n", argv[0]);
        return 2;
    }
    id = argv[1];
    deadline = g_ascii_strtoll(argv[2], NULL, 10) + GRACE_US;
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid > 0)
        return 0;
    setsid();
    detach_stdio();
    while (g_get_real_time() < deadline) {
        gint64 left = deadline - g_get_real_time();

        if (!still_open(id))
            return 0;
        g_usleep((gulong)MIN(left, G_USEC_PER_SEC));
    }
    if (!still_open(id))
        return 0;
    return roll_back(id);
}
