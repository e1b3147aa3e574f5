/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For the racing-Begin test: waits until a given realtime, then tries to publish a journal.
 * Exit status: 0 won, 1 lost with VIR_ERR_OPERATION_INVALID, 2 any other failure.
 */
#include <stdlib.h>

#include "nmiface/driver.h"
#include "txn-journal.h"

int main(int argc, char **argv)
{
    g_autoptr(NmiTxnJournal) journal = NULL;
    g_autoptr(GError) error = NULL;
    gint64 start;

    if (argc != 2)
        return 2;
    start = g_ascii_strtoll(argv[1], NULL, 10);
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
