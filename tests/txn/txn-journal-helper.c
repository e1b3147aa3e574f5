/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Processes for the journal's race tests.
 *
 *   txn-journal-helper START
 *     waits until realtime START (microseconds), then tries to publish a journal.
 *     Exit status: 0 won, 1 lost with VIR_ERR_OPERATION_INVALID, 2 any other failure.
 *
 *   txn-journal-helper hammer ROUNDS
 *     ROUNDS times: Begin (publish); the winner checks that its journal stays its own while it
 *     updates it, then ends it the way a Commit or Rollback does, with a second, late remover
 *     of the same id (the watchdog, a rerun) racing it; a loser acts as a late finisher of an
 *     ended transaction (update and remove by an id that is not open) and as a reader. Every
 *     other round it plants a journal of an earlier boot, which readers and Begins drop.
 *     Prints the rounds it won; exit status 0, 3 when a journal of another process was
 *     removed or overwritten, 2 on any other failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "nmiface/driver.h"
#include "txn-journal.h"

static int try_begin_at(gint64 start)
{
    g_autoptr(NmiTxnJournal) journal = NULL;
    g_autoptr(GError) error = NULL;

    journal = nmi_txn_journal_new(&error);
    if (journal == NULL)
        return 2;
    journal->header.phase = NMI_TXN_PHASE_OPEN;
    while (g_get_real_time() < start)
        ;
    if (nmi_txn_journal_publish(journal, &error))
        return 0;
    if (g_error_matches(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID))
        return 1;
    g_printerr("%s\n", error->message);
    return 2;
}

/* Whether the open transaction is still @id's; a stale or damaged journal is no answer. */
static gboolean still_ours(const char *id)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiTxnHeader) open = nmi_txn_journal_peek(&error);

    if (error != NULL)
        g_printerr("peek: %s\n", error->message);
    return open != NULL && g_str_equal(open->id, id);
}

static gpointer remove_thread(gpointer id)
{
    g_autoptr(GError) error = NULL;

    if (!nmi_txn_journal_remove(id, &error)) {
        g_printerr("remove: %s\n", error->message);
        return GINT_TO_POINTER(FALSE);
    }
    return GINT_TO_POINTER(TRUE);
}

/* A journal as Begin of an earlier boot left it in a /run that survived. */
static void plant_stale(void)
{
    g_autoptr(NmiTxnJournal) old = nmi_txn_journal_new(NULL);

    if (old == NULL)
        return;
    g_free(old->header.boot_id);
    old->header.boot_id = g_strdup("00000000-0000-0000-0000-0000000000b0");
    nmi_txn_journal_publish(old, NULL); /* only when none is open */
}

/* Holds the transaction of @j: it must stay ours until we remove it. */
static int hold_and_finish(NmiTxnJournal *j)
{
    GThread *late;
    gboolean ok;

    for (guint k = 0; k < 3; k++) {
        g_autoptr(GError) error = NULL;

        if (!still_ours(j->header.id)) {
            g_printerr("transaction %s: our journal was removed or replaced\n", j->header.id);
            return 3;
        }
        j->header.phase = k == 2 ? NMI_TXN_PHASE_COMMITTING : NMI_TXN_PHASE_OPEN;
        if (!nmi_txn_journal_update(j, &error)) {
            g_printerr("transaction %s: update refused: %s\n", j->header.id, error->message);
            return 3;
        }
    }
    late = g_thread_new("late-remover", remove_thread, j->header.id);
    ok = GPOINTER_TO_INT(remove_thread(j->header.id));
    ok = GPOINTER_TO_INT(g_thread_join(late)) && ok;
    return ok ? 0 : 2;
}

/* Lost the Begin: an ended transaction's late Commit must leave the open one alone. */
static int act_late(NmiTxnJournal *j)
{
    g_autoptr(GError) error = NULL;

    if (nmi_txn_journal_update(j, &error)) {
        g_printerr("update of transaction %s succeeded while it was not open\n", j->header.id);
        return 3;
    }
    if (!g_error_matches(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID)) {
        g_printerr("update: %s\n", error->message);
        return 2;
    }
    if (!GPOINTER_TO_INT(remove_thread(j->header.id)))
        return 2;
    /* And a reader (define, the watchdog), which drops a journal of an earlier boot. */
    for (guint k = 0; k < 3; k++)
        nmi_txn_header_free(nmi_txn_journal_peek(NULL));
    return 0;
}

static int hammer(guint rounds)
{
    guint wins = 0;

    for (guint i = 0; i < rounds; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NmiTxnJournal) j = nmi_txn_journal_new(&error);
        int status;

        if (j == NULL) {
            g_printerr("%s\n", error->message);
            return 2;
        }
        if (i % 2 == 1)
            plant_stale();
        if (nmi_txn_journal_publish(j, &error)) {
            wins++;
            status = hold_and_finish(j);
        } else if (g_error_matches(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID)) {
            status = act_late(j);
        } else {
            g_printerr("publish: %s\n", error->message);
            status = 2;
        }
        if (status != 0)
            return status;
    }
    printf("%u\n", wins);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return try_begin_at(g_ascii_strtoll(argv[1], NULL, 10));
    if (argc == 3 && g_str_equal(argv[1], "hammer"))
        return hammer((guint)g_ascii_strtoull(argv[2], NULL, 10));
    return 2;
}
